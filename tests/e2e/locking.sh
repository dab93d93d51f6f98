#!/usr/bin/env bash
# locking.sh - one writer at a time: a second ingest while one runs waits for
# --lock-wait and then fails clearly (exit 3); readers are never blocked,
# not even on a database in a directory they cannot write (a read-only mount).
. "$(dirname "$0")/lib.sh"
plan 10

wcx ingest -q "$WC_TEST_DATA/sample/pages"
mkfifo "$T/fifo"
"$WIRECOPY" ingest -q - < "$T/fifo" &
pid=$!
exec 3>"$T/fifo"        # the first writer now waits on its input, holding the lock
sleep 0.5
start=$(date +%s%N)
out=$(wcx ingest --lock-wait 400 "$WC_TEST_DATA/sample/wire.jsonl" 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 3 "a second writer fails (exit 3)"
like "$out" "in use by another wirecopy" "and says the database is in use"
ge "$ms" 350 "after waiting --lock-wait ($ms ms)"
out=$(wcx clusters 2>&1); is $? 0 "a reader works while the writer runs"
wcx recluster --lock-wait 100 >/dev/null 2>&1; is $? 3 "recluster is a writer too"
head -3 "$WC_TEST_DATA/sample/wire.jsonl" >&3
exec 3>&-
wait "$pid"; is $? 0 "the first writer finishes normally"
is "$(sql 'SELECT count(*) FROM documents')" 22 "its input was stored"
# a reader in a directory it may not write: no -shm can be made beside the
# database, which is then read as it stands (needs root to become nobody)
mkdir "$T/ro" && cp "$WIRECOPY_DB" "$T/ro/x.db" && chmod 555 "$T/ro" && chmod 444 "$T/ro/x.db"
chmod o+rx "$T"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && as_nobody test -x "$WIRECOPY" &&
   as_nobody test -r "$T/ro/x.db"; then
    out=$(as_nobody "$WIRECOPY" --db "$T/ro/x.db" stats 2>&1); is $? 0 "a reader works in a read-only directory"
    like "$out" "documents +22" "and sees every document"
else
    echo "ok 8 # SKIP cannot run as nobody here"; _n=$((_n + 1))
    echo "ok 9 # SKIP cannot run as nobody here"; _n=$((_n + 1))
fi
chmod 755 "$T/ro"

# several processes creating one database at once: each migrates or finds it migrated
fails=0
for r in $(seq 10); do  # the race shows about once in 40 rounds: 10 a run
    db="$T/race$r.db"
    for i in 1 2 3 4 5; do
        "$WIRECOPY" --db "$db" feeds add --no-discover "http://127.0.0.1:1/f$i.xml" >/dev/null 2>>"$T/race.err" &
    done
    "$WIRECOPY" --db "$db" ingest -q "$WC_TEST_DATA/sample/wire.jsonl" 2>>"$T/race.err" &
    wait
    [ "$(sqlite3 "$db" 'SELECT count(*) FROM feeds')" = 5 ] || fails=$((fails + 1))
done
is "$fails $(wc -l < "$T/race.err")" "0 0" "concurrent first opens all succeed (no 'table already exists')"
done_testing
