#!/usr/bin/env bash
# recluster.sh - recluster equals a fresh ingest; changed settings are stored
# with the database; an ingest with other settings is refused rather than
# mixing incompatible fingerprints.
. "$(dirname "$0")/lib.sh"
S="$WC_TEST_DATA/sample"
plan 16

clusters() { # DB -> one line per cluster: sorted member ids
    WIRECOPY_DB="$1" "$WIRECOPY" export -q --min-size 1 |
        python3 -c "import json,sys; print('\n'.join(sorted(' '.join(sorted(str(m['id']) for m in json.loads(l)['members'])) for l in sys.stdin)))"
}
rows() { # DB -> every stored row clustering decides: documents' cluster, kind and similarities, clusters
    sqlite3 -readonly "$1" "SELECT id, doc_key, cluster_id, match_kind, printf('%.17g', match_similarity),
        printf('%.17g', similarity), word_count FROM documents ORDER BY id;
        SELECT * FROM clusters ORDER BY id; SELECT doc_id, hex(fprint) FROM signatures ORDER BY doc_id"
}

wcx ingest -q "$S/pages"; wcx ingest -q "$S/wire.jsonl"
before=$(clusters "$WIRECOPY_DB")
before_rows=$(rows "$WIRECOPY_DB")
out=$(wcx recluster 2>&1); is $? 0 "recluster exits 0"
like "$out" "25 documents" "all documents reclustered"
is "$(clusters "$WIRECOPY_DB")" "$before" "recluster with the same settings changes nothing"
is "$(rows "$WIRECOPY_DB")" "$before_rows" "... not one stored row"

WIRECOPY_DB="$T/fresh.db" "$WIRECOPY" ingest -q "$S/pages" "$S/wire.jsonl"
is "$(clusters "$T/fresh.db")" "$before" "a fresh ingest in one run gives the same clusters"
is "$(rows "$T/fresh.db")" "$before_rows" "... and the same rows, every one"

out=$(wcx ingest --threshold 0.9 "$S/wire.jsonl" 2>&1); is $? 3 "ingest with other settings is refused (3)"
like "$out" "recluster" "the message says how to change settings"
like "$out" "t 0\.35, asked 0\.9" "and names the setting that differs, stored value first"

out=$(wcx recluster --threshold 0.99 --shingle 4 2>&1); is $? 0 "recluster with a new threshold and shingle size"
like "$out" "25 re-fingerprinted" "a new shingle size recomputes fingerprints from stored text"
like "$(wcx stats)" "k=4;.*t=0.99" "the new settings are stored with the database"
out=$(wcx ingest "$S/wire.jsonl" 2>&1); is $? 0 "a later ingest uses the stored settings"
out=$(wcx ingest --threshold 0.99 "$S/wire.jsonl" 2>&1)
is $? 0 "an option equal to the stored one is accepted; the ones left out keep the stored values (k=4)"
out=$(wcx ingest --shingle 3 "$S/wire.jsonl" 2>&1); is $? 3 "an option that differs is still refused"
is "$(sql 'PRAGMA integrity_check')" ok "database intact"
done_testing
