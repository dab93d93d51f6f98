#!/usr/bin/env bash
# export.sh - `wirecopy export` as a user meets it: the summary on stderr,
# -n 0 as "no limit", and the errors for an output file that cannot be
# written (named as given, exit 1).
. "$(dirname "$0")/lib.sh"

plan 4

wcx ingest -q "$WC_TEST_DATA/dump/good.jsonl" || {
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

done_testing
