#!/usr/bin/env bash
# export.sh - `wirecopy export` as a user meets it: the summary on stderr,
# -n 0 as "no limit", the errors for an output file that cannot be
# written (named as given, exit 1), and a database whose clusters are
# placed in no story yet (the story commands say so and break nothing).
. "$(dirname "$0")/lib.sh"

plan 36

wcx ingest -q --no-stories "$WC_TEST_DATA/dump/good.jsonl" || {
    echo "Bail out! ingest of the fixture failed"
    exit 1
}

# --- the summary: singular and plural -----------------------------------------------------
wcx export -m 1 -n 1 -o "$T/one.jsonl" 2>"$T/err"
like "$(cat "$T/err")" "wrote 1 cluster, 1 document to" "one cluster, one document: singular"
wcx export -m 1 -o "$T/all.jsonl" 2>"$T/err"
like "$(cat "$T/err")" "wrote 4 clusters, 4 documents to" "several: plural"

# --- -n 0 is no limit, and the help says so -----------------------------------------------
wcx export -m 1 -n 0 >"$T/n0.jsonl"
is "$(wc -l <"$T/n0.jsonl")" 4 "-n 0 exports every cluster"
like "$(wcx export --help | grep -- '--limit')" "0.*no limit" "the help of -n says 0 means no limit"

# --- -o problems: named as given, exit 1; a full disk stays fatal (3) ------------------------
out=$(wcx export -o "$T/nodir/x.jsonl" 2>&1); rc=$?
is "$rc" 1 "-o in a folder that does not exist: exit 1"
like "$out" "cannot write '$T/nodir/x.jsonl': there is no folder '$T/nodir'" \
    "the message names the path given and the missing folder"
unlike "$out" "\.tmp" "and not the temporary file"
mkdir "$T/outdir"
out=$(wcx export -o "$T/outdir" 2>&1); rc=$?
is "$rc:$out" "1:wirecopy: error: cannot write '$T/outdir': it is a folder" "-o naming a folder: exit 1, says so"
is "$(ls -A "$T/outdir" | wc -l)" 0 "and leaves nothing in it"
if [ -c /dev/full ]; then
    # through a link in $T: a wirecopy that replaced its target could only replace the link
    ln -s /dev/full "$T/full"
    out=$(wcx export -m 1 -o "$T/full" 2>&1); rc=$?
    is "$rc" 3 "-o on a full device: exit 3 (disk full is fatal)"
    like "$out" "cannot write '$T/full': No space left on device" "named as given"
else
    ok 0 "# SKIP no /dev/full"
    ok 0 "# SKIP no /dev/full"
fi
# a pipe (or a device such as /dev/stdout) is written to, never replaced by a file
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/from_fifo" &
reader=$!
wcx export -m 1 -o "$T/fifo" 2>/dev/null
rc=$?
wait "$reader"
is "$rc:$(wc -l <"$T/from_fifo")" "0:4" "-o naming a pipe writes into it"
ok "$([ -p "$T/fifo" ]; echo $?)" "and the pipe is still a pipe"

# --- show -f csv has the header of export -f csv ----------------------------------------------
wcx show -f csv 1 >"$T/show.csv"; ok $? "show -f csv exits 0"
wcx export -f csv -m 1 >"$T/export.csv"
is "$(head -1 "$T/show.csv")" "$(head -1 "$T/export.csv")" "show -f csv starts with export's header row"
is "$(tail -n +2 "$T/show.csv")" "$(grep '^1,' "$T/export.csv")" "then the cluster's rows, as export writes them"

# --- no cluster placed in a story (a database from before stories, --no-stories) ----------
export WIRECOPY_DB="$T/ns.db"
wcx ingest -q --no-stories "$WC_TEST_DATA/dump/good.jsonl"
out=$(wcx stories 2>&1); rc=$?
is "$rc" 0 "stories on a database without stories exits 0"
like "$out" "no stories yet: no copy cluster is placed in a story" "and says nothing is placed"
wcx export --stories -m 1 -o "$T/s.jsonl" 2>"$T/err"; rc=$?
is "$rc:$(wc -c <"$T/s.jsonl")" "0:0" "export --stories writes an empty file and exits 0"
like "$(tr "\n" " " <"$T/err")" "no stories yet.*wrote 0 stories, 0 documents" "warning, then the summary"
is "$(wcx export --stories -f csv | tr -d '\r')" \
    "story,story_size,story_clusters,story_title,story_first_seen,story_last_seen,cluster,cluster_size,cluster_title,cluster_first_seen,cluster_last_seen,story_similarity,member_id,doc_id,url,site,title,published,fetched,similarity,is_original" \
    "export --stories -f csv: the header alone"
out=$(wcx show --story 1 2>&1); rc=$?
is "$rc" 1 "show --story of a story that is not there exits 1"
like "$out" "no story 1 in" "and names it"
like "$(wcx show 1)" "story: none" "show ID says the cluster is in no story"
like "$(wcx clusters -m 1 | sed -n 2p)" "^ +[0-9]+ +1 +- " "clusters shows - for the story"
is "$(wcx export -m 1 | python3 -c 'import json,sys; print({json.loads(l)["story"] for l in sys.stdin})')" \
    "{None}" "the cluster export's story is null"

# --- the same documents placed in stories: the cluster side names them ---------------------
export WIRECOPY_DB="$T/st.db"
wcx ingest -q "$WC_TEST_DATA/dump/good.jsonl"
py='import json,sys
c = [json.loads(l) for l in open(sys.argv[1])]
s = [json.loads(l) for l in open(sys.argv[2])]
print(list(s[0].keys()), list(s[0]["clusters"][0].keys()))
placed = {x["cluster"]: st["story"] for st in s for x in st["clusters"]}
print(all(placed[r["cluster"]] == r["story"] for r in c), len(placed) == len(c))
members = {x["cluster"]: x["members"] for st in s for x in st["clusters"]}
print(all(members[r["cluster"]] == r["members"] for r in c))'
wcx export -m 1 >"$T/c.jsonl"
wcx export --stories -m 1 >"$T/s.jsonl"
out=$(python3 -c "$py" "$T/c.jsonl" "$T/s.jsonl")
like "$out" "\['story', 'size', 'title', 'first_seen', 'last_seen', 'sites', 'clusters'\] \['cluster', 'size', 'similarity', 'members'\]" \
    "the story record's keys, in order"
like "$out" "^True True" "every cluster is in one story, the one its record names"
like "$out" "True\$" "a story's members are the cluster export's, exactly"
sid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["story"])' "$T/s.jsonl")
wcx show --story -f csv "$sid" >"$T/show.csv"
wcx export --stories -f csv -m 1 >"$T/export.csv"
is "$(cat "$T/show.csv")" "$(head -1 "$T/export.csv"; grep "^$sid," "$T/export.csv")" \
    "show --story -f csv: export's header, then the story's rows"
like "$(wcx show --story "$sid")" "^story $sid: " "show --story starts with the story"
is "$(wcx stories --all -m 1 --tsv | sed 1d | wc -l)" "$(wc -l <"$T/s.jsonl")" "stories --all lists every story"

# --- CSV: a field a spreadsheet would run as a formula is written as text ------------------
cat >"$T/formula.jsonl" <<'EOF'
{"id":"f1","url":"https://a.example/1","title":"=HYPERLINK(\"https://evil.example\",\"Click\")","text":"The county council voted on Tuesday to keep the old library open for another two years while it looks for a new building near the station, after more than a thousand people signed a letter asking it to stay."}
{"id":"f2","url":"https://b.example/2","title":"@SUM(A1:A9) and friends","text":"The county council voted on Tuesday to keep the old library open for another two years while it looks for a new building near the station, after more than a thousand people signed a letter asking it to stay."}
EOF
export WIRECOPY_DB="$T/f.db"
wcx ingest -q "$T/formula.jsonl"
wcx export -f csv >"$T/safe.csv"
py='import csv,sys; print("|".join(sorted(r["title"] for r in csv.DictReader(open(sys.argv[1])))))'
is "$(python3 -c "$py" "$T/safe.csv")" "'=HYPERLINK(\"https://evil.example\",\"Click\")|'@SUM(A1:A9) and friends" \
    "formula-like titles get a leading apostrophe"
wcx export -f csv --csv-raw >"$T/raw.csv"
is "$(python3 -c "$py" "$T/raw.csv")" "=HYPERLINK(\"https://evil.example\",\"Click\")|@SUM(A1:A9) and friends" \
    "--csv-raw writes them as stored"
is "$(grep -c "https://a.example/1" "$T/safe.csv")" 1 "URLs are left alone"
wcx show -f csv 1 >"$T/show.csv"
like "$(cat "$T/show.csv")" "\"'" "show -f csv guards them too"
done_testing
