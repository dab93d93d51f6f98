#!/usr/bin/env bash
# kill.sh - kill -9 in the middle of an ingest: the database stays intact
# with whole batches committed, and a rerun stores the rest exactly once.
# Ctrl-C (SIGINT) commits what was read, says so, and exits 130.
. "$(dirname "$0")/lib.sh"
plan 14

# wait_docs N: wait (up to 30 s) until the database holds N documents; n = what it holds
wait_docs() {
    for _ in $(seq 1 300); do
        n=$(sqlite3 "$WIRECOPY_DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

python3 "$WC_HELPERS/gen_jsonl.py" 30000 "$T/big.jsonl" 3
"$WIRECOPY" ingest -q --batch 500 "$T/big.jsonl" &
pid=$!
n=0
wait_docs 1   # the first commits
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
ge "$n" 1 "documents were committed before the kill"
is "$(sql 'PRAGMA integrity_check')" ok "database intact after kill -9"
got=$(sql 'SELECT count(*) FROM documents')
diag "$got documents survived the kill"
is "$(sql 'SELECT count(*) FROM documents d LEFT JOIN signatures s ON s.doc_id = d.id WHERE s.doc_id IS NULL')" 0 \
   "every stored document has its fingerprint (batches are all or nothing)"
wcx ingest -q "$T/big.jsonl"; is $? 0 "a rerun finishes"
is "$(sql 'SELECT count(*) FROM documents')" 30000 "every article stored"
is "$(sql 'SELECT count(DISTINCT origin_id) FROM documents')" 30000 "none stored twice"

# SIGINT: a clean stop
WIRECOPY_DB="$T/int.db"
export WIRECOPY_DB
"$WIRECOPY" ingest -q --batch 500 "$T/big.jsonl" 2>"$T/int.err" &
pid=$!
wait_docs 1
kill -INT "$pid" 2>/dev/null
wait "$pid"; rc=$?
is "$rc" 130 "SIGINT stops the ingest with status 130"
like "$(cat "$T/int.err")" "interrupted: what was read is committed; run the same command again" \
     "and says so, even with -q"
is "$(sql 'PRAGMA integrity_check')" ok "database intact after SIGINT"
wcx ingest -q "$T/big.jsonl"
is "$(sql 'SELECT count(*) || " " || count(DISTINCT origin_id) FROM documents')" "30000 30000" \
   "a rerun stores the rest, none twice"

# SIGHUP (the terminal or ssh session went away): the same clean stop
WIRECOPY_DB="$T/hup.db"
"$WIRECOPY" ingest -q --batch 500 "$T/big.jsonl" 2>"$T/hup.err" &
pid=$!
wait_docs 1
kill -HUP "$pid" 2>/dev/null
wait "$pid"; rc=$?
is "$rc:$(grep -c 'interrupted: what was read is committed' "$T/hup.err")" "130:1" \
    "SIGHUP stops the ingest cleanly: status 130, saying so"
is "$(sql 'PRAGMA integrity_check')" ok "database intact after SIGHUP"

# SIGINT while waiting on an idle pipe (a producer that has nothing more yet)
WIRECOPY_DB="$T/pipe.db"
(head -3 "$WC_TEST_DATA/sample/wire.jsonl"; sleep 30) | "$WIRECOPY" ingest -q - 2>/dev/null &
pid=$!
wait_docs 3
kill -INT "$pid"
gone=1
for _ in $(seq 1 50); do   # (wait would also wait for the producer)
    kill -0 "$pid" 2>/dev/null || { gone=0; break; }
    sleep 0.1
done
ok "$gone" "SIGINT stops an ingest blocked on an idle pipe at once, not when the pipe closes"
pkill -f "sleep 30" 2>/dev/null
wait "$pid"; is $? 130 "with status 130"
done_testing
