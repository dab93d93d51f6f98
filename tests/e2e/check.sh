#!/usr/bin/env bash
# check.sh - a database file that is not what it should be. Another
# program's SQLite file is refused by every command as it was found: still
# in its rollback journal, no -wal beside it, not one byte changed. A
# wirecopy database damaged on purpose (rows changed with sqlite3, bytes
# of its pages overwritten) is found damaged by `wirecopy check`, which
# names the problems and exits 3, and a whole one is found whole (exit 0);
# clusters, show, export and stories meet the same damage with exit 3 and
# a message that names the file, says it is damaged and points to check,
# never with wrong values and exit 0.
. "$(dirname "$0")/lib.sh"
S="$WC_TEST_DATA/sample"
plan 75

# --- another program's database: refused, untouched ------------------------------------------
F="$T/other.db"
sqlite3 "$F" "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
              INSERT INTO notes(body) VALUES ('keep me'), ('and me');"
is "$(sqlite3 "$F" 'PRAGMA journal_mode')" delete "the foreign file starts in rollback-journal mode"
sum=$(sha256sum <"$F")
# each command once: what it is run as, then its arguments
while read -r name args; do
    # shellcheck disable=SC2086 # the arguments are words
    out=$(wcx $name --db "$F" $args 2>&1); rc=$?
    is "$rc:$(printf '%s' "$out" | grep -c "'$F' is an SQLite database but not a wirecopy one")" \
        "3:1" "$name on another program's database: exit 3, says it is not a wirecopy one"
    is "$(sha256sum <"$F"):$(ls "$T" | grep -c '^other\.db-')" "$sum:0" \
        "$name leaves it byte for byte as it was, with no -wal, -shm or -journal beside it"
done <<LIST
clusters
ingest $S/wire.jsonl
export
show 1
stats
recluster
check
LIST
is "$(sqlite3 "$F" 'PRAGMA journal_mode')" delete "its journal mode is still delete"
is "$(sqlite3 "$F" 'SELECT group_concat(body) FROM notes')" "keep me,and me" "its rows are its own"
# a schema version of its own does not make it wirecopy's: refused, not migrated
sqlite3 "$F" "PRAGMA user_version = 2"
sum=$(sha256sum <"$F")
out=$(wcx ingest --db "$F" "$S/wire.jsonl" 2>&1); rc=$?
is "$rc" 3 "a foreign file with user_version 2: ingest exits 3"
like "$out" "schema version is 2 but it lacks wirecopy's tables" "and says what it found"
is "$(sha256sum <"$F"):$(sqlite3 "$F" 'PRAGMA journal_mode')" "$sum:delete" "and leaves it as it was"

# --- a whole database ---------------------------------------------------------------------------
# one worker: the documents get the same ids, and so the same pages, every run
wcx ingest -q -j 1 "$S/pages" || {
    echo "Bail out! ingest of the sample pages failed"
    exit 1
}
# compacted, so no stale copy of a page lies in the free list and the pages are laid out
# alike in every run (the bytes overwritten below are the rows' own)
sqlite3 "$WIRECOPY_DB" VACUUM
cp "$WIRECOPY_DB" "$T/good.db"
ndocs=$(sql "SELECT count(*) FROM documents")
out=$(wcx check 2>&1); rc=$?
is "$rc" 0 "check on a whole database exits 0"
like "$out" "'$WIRECOPY_DB' is whole: $ndocs documents, [0-9]+ clusters and [0-9]+ stories checked, no problem found" \
    "and says it is whole, with what it went through"
is "$(wcx check -q 2>&1)" "" "check -q on a whole database prints nothing"

# a fresh copy of the whole database, to damage
fresh() { rm -f "$WIRECOPY_DB"-wal "$WIRECOPY_DB"-shm; cp "$T/good.db" "$WIRECOPY_DB"; }
# the biggest cluster, a member of it that is not its original, and that member's URL
cid=$(sql "SELECT id FROM clusters ORDER BY size DESC, id LIMIT 1")
doc=$(sql "SELECT max(id) FROM documents WHERE cluster_id = $cid AND id <> (SELECT rep_id FROM clusters WHERE id = $cid)")
url=$(sql "SELECT url FROM documents WHERE id = $doc")

# --- rows that disagree: a document in a cluster that does not exist ----------------------------
fresh
sqlite3 "$WIRECOPY_DB" "UPDATE documents SET cluster_id = 999999 WHERE id = $doc"
wcx check >"$T/out" 2>"$T/err"; rc=$?
is "$rc" 3 "check on a document moved to a missing cluster: exit 3"
like "$(cat "$T/out")" "^document $doc is in cluster 999999, which does not exist" "names the document and the cluster"
like "$(cat "$T/out")" "cluster $cid: its size is [0-9]+ but [0-9]+ documents are in it" \
    "and the cluster it left, whose size no longer matches"
like "$(cat "$T/err")" "error: database '$WIRECOPY_DB' is damaged: [0-9]+ problems found" "stderr counts the problems"
# the readers meet the damage too: exit 3, the cluster named, check suggested
readers_say() { # DESCRIPTION REGEX: clusters, export and show of the cluster exit 3 saying REGEX
    local c out rc
    for c in "clusters -m 1" "export -m 1" "export -m 1 -f csv" "show $cid" "show -f json $cid" \
        "export --stories -m 1"; do
        # shellcheck disable=SC2086 # the command's words
        out=$(wcx $c 2>&1 >/dev/null); rc=$?
        is "$rc" 3 "$1: $c exits 3"
        like "$out" "error: database '$WIRECOPY_DB' is damaged: $2.*\`wirecopy check\` lists every problem" \
            "$1: $c says the database is damaged, what is wrong and to run check"
    done
}
readers_say "a member moved out" "cluster $cid: its size is [0-9]+ but [0-9]+ documents are in it"
wcx recluster -q; is "$?:$(wcx check -q 2>&1; echo "rc=$?")" "0:rc=0" \
    "recluster rebuilds the rows that disagreed: check finds it whole again"

# --- a story row deleted ------------------------------------------------------------------------
fresh
sid=$(sql "SELECT story_id FROM clusters WHERE id = $cid")
sqlite3 "$WIRECOPY_DB" "DELETE FROM stories WHERE id = $sid"
out=$(wcx check 2>/dev/null); rc=$?
is "$rc:$out" "3:cluster $cid is placed in story $sid, which does not exist" "a missing story: exit 3, named"

# --- bytes of a document's text overwritten in the file ------------------------------------------
fresh
phrase=$(sql "SELECT substr(text, 201, 40) FROM documents WHERE id = $doc")
off=$(grep -obaF -- "$phrase" "$WIRECOPY_DB" | head -1 | cut -d: -f1)
printf '\xff\xff\xff\xff' | dd of="$WIRECOPY_DB" bs=1 seek="$((off + 10))" conv=notrunc status=none
out=$(wcx check 2>/dev/null); rc=$?
is "$rc" 3 "bytes of a text overwritten: exit 3"
like "$out" "^document [0-9]+: its text is not UTF-8" "the document whose text is damaged is named"

# --- a b-tree page of documents overwritten --------------------------------------------------------
fresh
ps=$(sql "PRAGMA page_size")
off=$(grep -obaF -- "$url" "$WIRECOPY_DB" | head -1 | cut -d: -f1)
page=$((off / ps))
is "$(od -An -tu1 -j $((page * ps)) -N1 "$WIRECOPY_DB" | tr -d ' ')" 13 \
    "the member's row is on a leaf page of a table b-tree"
# every cell pointer (two bytes a cell, after the 8-byte page header) now points off the page
cells=$(od -An -tu1 -j $((page * ps + 3)) -N2 "$WIRECOPY_DB" | awk '{ print $1 * 256 + $2 }')
printf '\xff%.0s' $(seq $((2 * cells))) |
    dd of="$WIRECOPY_DB" bs=1 seek=$((page * ps + 8)) conv=notrunc status=none
out=$(wcx check 2>/dev/null); rc=$?
is "$rc" 3 "a damaged page of documents: check exits 3"
like "$out" "^(SQLite: |cannot finish SQLite's integrity check: )" "SQLite's own check finds it"
# (SQLite reads the page's cells as malformed, or as rows of NULLs, by the bytes left on it)
like "$out" "(cannot finish the columns of documents: database disk image is malformed|SQLite: NULL value in documents\.)" \
    "and what it finds is in the documents"
readers_say "a damaged page" "database disk image is malformed while [a-z ]+ \(SQLite's quick_check: [^)]+\)"
unlike "$(wcx show "$cid" 2>&1)" "not a wirecopy database" "a damaged wirecopy database is not called foreign"

# --- a cluster's original deleted, a story row changed: the readers notice ------------------------
fresh
rep=$(sql "SELECT rep_id FROM clusters WHERE id = $cid")
sqlite3 "$WIRECOPY_DB" "PRAGMA foreign_keys = ON; DELETE FROM documents WHERE id = $rep"
readers_say "the original deleted" "cluster $cid: its original, document $rep, does not exist"
fresh
sqlite3 "$WIRECOPY_DB" "UPDATE stories SET size = size + 1 WHERE id = $sid"
out=$(wcx show --story "$sid" 2>&1 >/dev/null); rc=$?
is "$rc" 3 "a story whose size is not its clusters': show --story exits 3"
like "$out" "damaged: story $sid: its size is [0-9]+ but its clusters hold [0-9]+ documents" "and says so"
out=$(wcx stories -m 1 2>&1 >/dev/null); rc=$?
is "$rc:$(printf '%s' "$out" | grep -c "story $sid: its size")" "3:1" "so does stories"
