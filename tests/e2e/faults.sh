#!/usr/bin/env bash
# faults.sh - a full disk in the middle of an ingest (writes to the database
# fail with ENOSPC through an LD_PRELOAD shim): wirecopy says "disk full",
# exits 3, and the database keeps everything committed before, intact.
. "$(dirname "$0")/lib.sh"
[ -n "${WC_INJECT:-}" ] && [ -f "$WC_INJECT" ] || skip_all "fault shim not built"
plan 9

python3 "$WC_HELPERS/gen_jsonl.py" 3000 "$T/a.jsonl" 1
python3 "$WC_HELPERS/gen_jsonl.py" 6000 "$T/b.jsonl" 2
wcx ingest -q "$T/a.jsonl"; is $? 0 "a first ingest commits 3000 documents"
before=$(sql 'SELECT count(*) FROM documents')
size=$(stat -c %s "$WIRECOPY_DB")

# let about 2 MB more reach the database files, then the disk is "full"
out=$(LD_PRELOAD="$WC_INJECT" WC_FAIL_AFTER=2000000 WC_FAIL_MATCH="$T/wc.db" \
      ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 "$WIRECOPY" ingest --batch 200 "$T/b.jsonl" 2>&1)
rc=$?
is "$rc" 3 "disk full is fatal (exit 3)"
like "$out" "disk full" "the message says the disk is full"
like "$out" "wc.db" "and names the database"
is "$(sql 'PRAGMA integrity_check')" ok "database intact after the failure"
after=$(sql 'SELECT count(*) FROM documents')
ge "$after" "$before" "nothing committed before was lost ($before before, $after after)"
said=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) articles stored.*/\1/p' | tail -1)
is "$said" "$((after - before))" "the summary counts only what was committed, not the rolled-back batch"
is "$(sql "SELECT count(*) FROM documents WHERE origin_id LIKE 'd%' AND origin LIKE '%a.jsonl'")" "$before" \
   "every document of the first run is still there"
wcx ingest -q "$T/b.jsonl"; rc=$?
is "$(sql 'SELECT count(*) FROM documents')" 9000 "with space back, a rerun completes the rest (rc $rc)"
done_testing
