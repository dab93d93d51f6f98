#!/usr/bin/env bash
# locking.sh - one writer at a time: a second ingest while one runs waits for
# --lock-wait and then fails clearly (exit 3); readers are never blocked.
. "$(dirname "$0")/lib.sh"
plan 7

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
done_testing
