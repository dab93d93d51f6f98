#!/usr/bin/env bash
# check.sh - a database file that is not what it should be. Another
# program's SQLite file is refused by every command as it was found: still
# in its rollback journal, no -wal beside it, not one byte changed.
. "$(dirname "$0")/lib.sh"
S="$WC_TEST_DATA/sample"
plan 18

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
