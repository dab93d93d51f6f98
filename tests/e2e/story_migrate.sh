#!/usr/bin/env bash
# story_migrate.sh - a database from before stories gets its stories built
# once, by the first writing command (issue 11): the ingest that opens it
# says so on stderr, with a progress line on a terminal, places every copy
# cluster in a story, and `stories`, `show --story` and `export --stories`
# list them; the next run builds nothing and changes no link.
#
# Part 1: a real version-3 database (tests/data/store/v3.sql, written by the
# wirecopy of that time: 5 documents in 3 copy clusters), loaded with the
# sqlite3 shell. A reader refuses it (it needs migrating); `ingest` migrates
# it and builds the stories.
# Part 2: the same at size, on a version-4 database whose clusters have no
# story (`ingest --no-stories` of a corpus from bench/bench_stories' generator,
# $WC_BENCH_STORIES; skipped when it was not built): every cluster placed,
# the stories' rows add up, and they find the generator's events.
# The progress line needs a terminal: `script` (util-linux) gives the command
# one; those checks skip without it.
. "$(dirname "$0")/lib.sh"
BENCH=${WC_BENCH_STORIES:-$(dirname "$WIRECOPY")/bench/bench_stories}
N=2000
P1=17
P2=13
command -v sqlite3 >/dev/null || skip_all "the sqlite3 shell is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"
plan $((P1 + P2))
have_script() { script -qec true /dev/null >/dev/null 2>&1; }
# on_tty OUT CMD...: run CMD with a terminal as stdin/stdout/stderr, its output in OUT
on_tty() {
    local out=$1
    shift
    script -qec "$(printf '%q ' "$@")" /dev/null >"$out" 2>&1
}
: >"$T/empty.jsonl"
BUILD_RE="this database's ([0-9]+) copy clusters have no stories yet: building them once"
links() { sql "SELECT group_concat(id || ':' || story_id || ':' || story_similarity, ' ') FROM (SELECT * FROM clusters ORDER BY id)"; }
rows() { sql "SELECT group_concat(id || ':' || clusters || ':' || size || ':' || ifnull(first_seen, '-') || ':' || ifnull(last_seen, '-'), ' ') FROM (SELECT * FROM stories ORDER BY id)"; }

# === part 1: the version-3 fixture ============================================================
sqlite3 "$WIRECOPY_DB" <"$WC_TEST_DATA/store/v3.sql"
is "$(sql 'PRAGMA user_version')" 3 "v3: the fixture loads as a version-3 database"
out=$(wcx stories --min-size 1 --all 2>&1)
rc=$?
is "$rc" 3 "v3: a reader refuses it (exit 3) ..."
like "$out" "schema version 3 and needs migrating to 4: run a writing command" "... and says why"

# the first writing command: an ingest of the fixture's own records (all already stored)
wcx ingest "$WC_TEST_DATA/store/v3.jsonl" >"$T/i1.out" 2>"$T/i1.err"
rc=$?
err=$(cat "$T/i1.err")
is "$rc" 0 "v3: ingest into it exits 0"
is "$(grep -cE "$BUILD_RE" "$T/i1.err")" 1 "v3: it says once that it builds the stories"
like "$err" "this database's 3 copy clusters have no stories yet" "v3: ... of the 3 copy clusters"
like "$err" "0 articles stored .* 5 already stored" "v3: and stores nothing new"
is "$(sql 'PRAGMA user_version')" 4 "v3: the database is at version 4"
is "$(sql 'SELECT count(*) || " " || count(story_id) FROM clusters')" "3 3" \
    "v3: every copy cluster has a story"
# each story's row counts its clusters and documents as the links have them
is "$(sql 'SELECT count(*) FROM stories s WHERE s.clusters = (SELECT count(*) FROM clusters c WHERE c.story_id = s.id) AND s.size = (SELECT sum(size) FROM clusters c WHERE c.story_id = s.id)')" \
    "$(sql 'SELECT count(*) FROM stories')" "v3: the story rows agree with their clusters"

# the story commands list every cluster's story
want=$(sql "SELECT group_concat(story_id, ' ') FROM (SELECT DISTINCT story_id FROM clusters ORDER BY story_id)")
got=$(wcx stories --min-size 1 --all --tsv --order id 2>&1 | awk -F'\t' 'NR > 1 { printf "%s%s", s, $1; s = " " }')
is "$got" "$want" "v3: stories --min-size 1 --all lists the story of every cluster"
wcx export --stories --format jsonl --min-size 1 >"$T/s1.jsonl" 2>"$T/s1.err"
rc=$?
got=$(python3 - "$T/s1.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cl = sorted(c["cluster"] for r in recs for c in r["clusters"])
docs = sorted(m["id"] for r in recs for c in r["clusters"] for m in c["members"])
print(f"clusters {cl} docs {len(docs)}")
PY
)
is "$rc:$got" "0:clusters [1, 3, 5] docs 5" "v3: export --stories --min-size 1 holds every cluster and document"
out=$(wcx show --story "$(sql 'SELECT story_id FROM clusters WHERE id = 1')" 2>&1)
like "$out" "https://alpha.example/1" "v3: show --story prints the first cluster's members"

# opened again: nothing is built, no link changes
before="$(links) / $(rows)"
wcx ingest "$WC_TEST_DATA/store/v3.jsonl" >/dev/null 2>"$T/i2.err"
rc=$?
is "$rc:$(grep -cE "$BUILD_RE" "$T/i2.err")" "0:0" "v3: the second ingest builds no stories"
is "$(links) / $(rows)" "$before" "v3: and leaves every story and link as it was"

# follow, the other writer that places stories, says so too and builds the same stories
sqlite3 "$T/follow.db" <"$WC_TEST_DATA/store/v3.sql"
WIRECOPY_DB="$T/follow.db" "$WIRECOPY" follow >/dev/null 2>"$T/f1.err"
is "$(grep -cE "$BUILD_RE" "$T/f1.err"):$(WIRECOPY_DB="$T/follow.db" links)" "1:$(links)" \
    "v3: follow on it says once that it builds the stories, and builds the same"

# a terminal sees the progress line (a copy of the fixture, built again from scratch)
if have_script; then
    sqlite3 "$T/tty.db" <"$WC_TEST_DATA/store/v3.sql"
    WIRECOPY_DB="$T/tty.db" on_tty "$T/tty.out" "$WIRECOPY" ingest "$T/empty.jsonl"
    tr '\r' '\n' <"$T/tty.out" >"$T/tty.txt"
    like "$(cat "$T/tty.txt")" "^stories: 3 records" "v3: on a terminal, a progress line counts the clusters built"
else
    _report 0 "v3: progress line # SKIP no script(1) for a terminal"
fi

# === part 2: at size, clusters with no story ==================================================
if [ ! -x "$BENCH" ]; then
    for _ in $(seq "$P2"); do _report 0 "size # SKIP no bench_stories at $BENCH"; done
    done_testing
    exit
fi
export WIRECOPY_DB="$T/big.db"
"$BENCH" --docs "$N" --runs 1 --seed 1 --keep "$T/gen" >"$T/gen.log" 2>&1
C="$T/gen/stories-$N.jsonl"
wcx ingest -q --no-stories "$C"
rc=$?
ncl=$(sql 'SELECT count(*) FROM clusters')
cp "$WIRECOPY_DB" "$T/unplaced.db"
is "$rc:$(sql 'SELECT count(story_id) FROM clusters'):$(sql 'SELECT count(*) FROM stories')" "0:0:0" \
    "size: ingest --no-stories of $N generated documents places no cluster ($ncl clusters)"
ge "$ncl" 500 "size: ... in some hundreds of copy clusters"

if have_script; then
    on_tty "$T/b1.out" "$WIRECOPY" ingest "$T/empty.jsonl"
    rc=$?
    tr '\r' '\n' <"$T/b1.out" >"$T/b1.txt"
else
    wcx ingest "$T/empty.jsonl" >"$T/b1.txt" 2>&1
    rc=$?
fi
is "$rc:$(grep -cE "$BUILD_RE" "$T/b1.txt")" "0:1" "size: the next ingest says once that it builds the stories"
like "$(cat "$T/b1.txt")" "this database's $ncl copy clusters have no stories yet" "size: ... of all $ncl clusters"
if have_script; then
    like "$(cat "$T/b1.txt")" "^stories: [0-9]+ records" "size: with a progress line on a terminal"
else
    _report 0 "size: progress line # SKIP no script(1) for a terminal"
fi
is "$(sql 'SELECT count(story_id) FROM clusters')" "$ncl" "size: every copy cluster has a story"
is "$(sql 'SELECT sum(clusters) || " " || sum(size) FROM stories')" "$ncl $N" \
    "size: the stories' rows add up to every cluster and document"
wcx export --stories --format jsonl --min-size 1 >"$T/s2.jsonl"
got=$(python3 - "$T/s2.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(len({c["cluster"] for r in recs for c in r["clusters"]}),
      sum(len(c["members"]) for r in recs for c in r["clusters"]))
PY
)
is "$got" "$ncl $N" "size: export --stories --min-size 1 holds every cluster and document"
f1=$("$BENCH" --score "$WIRECOPY_DB" "$C" 2>&1 |
    sed -nE 's/.*stories vs events, B-cubed +P [0-9.]+ +R [0-9.]+ +F1 ([0-9.]+).*/\1/p')
python3 -c "import sys; sys.exit(0 if float('${f1:-0}') >= 0.9 else 1)"
ok $? "size: the built stories find the generator's events (B-cubed F1 ${f1:-none} >= 0.9)"

# `recluster --stories` on the same unplaced database builds the same stories as the build at
# open, and an empty ingest after either changes none of them (what was stored was repaired)
WIRECOPY_DB="$T/unplaced.db" "$WIRECOPY" recluster -q --stories
is "$(WIRECOPY_DB="$T/unplaced.db" links)" "$(links)" \
    "size: recluster --stories gives the same links as the build at open"
WIRECOPY_DB="$T/unplaced.db" "$WIRECOPY" ingest -q "$T/empty.jsonl"
is "$(WIRECOPY_DB="$T/unplaced.db" links)" "$(links)" \
    "size: ... and an empty ingest after recluster --stories changes none of them"
before="$(links) / $(rows)"
wcx ingest "$T/empty.jsonl" >/dev/null 2>"$T/b2.err"
rc=$?
is "$rc:$(grep -cE "$BUILD_RE" "$T/b2.err")" "0:0" "size: the ingest after builds no stories"
is "$(links) / $(rows)" "$before" "size: and leaves every story and link as it was"
done_testing
