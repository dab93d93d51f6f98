#!/usr/bin/env bash
# dedup_dev.sh - the development set of syndicated copies
# ($WC_SHARED/data/dedup-dev), ingested as JSONL, exported with --min-size 1
# and scored by the project's scorer: pairwise precision and F1 must reach
# the goals of the clustering issue (F1 >= 0.96, precision >= 0.98).
# Skipped when the shared folder is absent.
. "$(dirname "$0")/lib.sh"
DEV="${WC_SHARED:-/nonexistent}/data/dedup-dev"
SCORE="${WC_SHARED:-/nonexistent}/eval/dedup/score.py"
[ -f "$DEV/docs.jsonl" ] && [ -f "$SCORE" ] || skip_all "no dedup-dev set at $DEV"
plan 6

python3 - "$DEV/docs.jsonl" "$T/in.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        d = json.loads(line)
        o.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
PY
wcx ingest -q "$T/in.jsonl"; is $? 0 "ingest of the dev set exits 0"
wcx export -q --format jsonl --min-size 1 -o "$T/c.jsonl"; is $? 0 "export exits 0"
python3 - "$T/c.jsonl" "$T/pred.jsonl" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        c = json.loads(line)
        for m in c["members"]:
            o.write(json.dumps({"id": m["id"], "cluster": str(c["cluster"])}) + "\n")
PY
python3 "$SCORE" "$DEV/docs.jsonl" "$T/pred.jsonl" --json > "$T/score.json"; is $? 0 "scored"
read -r p r f <<<"$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['precision'], m['recall'], m['f1'])" "$T/score.json")"
diag "dedup-dev: precision $p recall $r F1 $f"
is "$(python3 -c "print(int($f >= 0.96))")" 1 "F1 $f >= 0.96"
is "$(python3 -c "print(int($p >= 0.98))")" 1 "precision $p >= 0.98"
is "$(sql 'SELECT count(*) FROM documents')" "$(wc -l < "$T/in.jsonl" | tr -d ' ')" "every document stored once"
done_testing
