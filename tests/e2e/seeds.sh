#!/usr/bin/env bash
# seeds.sh - the two seed stories of $WC_SHARED/seeds (one event told by two
# outlets), each wrapped by the test in two outlet pages: each story's two
# copies are grouped, the two different write-ups are not, every article
# paragraph is stored and every debris line is gone. Skipped without seeds.
. "$(dirname "$0")/lib.sh"
SEEDS="${WC_SHARED:-/nonexistent}/seeds"
ls "$SEEDS"/*.txt >/dev/null 2>&1 || skip_all "no seeds at $SEEDS"
nseed=$(ls "$SEEDS"/*.txt | wc -l)
plan $((3 + nseed * 3))

python3 "$WC_HELPERS/wrap_seeds.py" "$SEEDS" "$T/pages"
wcx ingest -q "$T/pages"; is $? 0 "ingest of the wrapped seed pages exits 0"
is "$(sql 'SELECT count(*) FROM documents')" $((nseed * 2)) "every page stored"
is "$(sql 'SELECT count(*) FROM clusters WHERE size = 2')" "$nseed" \
   "each story's two copies grouped, the different write-ups apart"
for exp in "$T"/pages/*.expect; do
    name=$(basename "$exp" .expect)
    for outlet in globe courier; do
        sql "SELECT text FROM documents WHERE origin LIKE '%/$outlet/$name.html'" > "$T/$outlet.txt"
    done
    python3 - "$exp" "$T/globe.txt" "$T/courier.txt" > "$T/check.txt" <<'PY'
import sys
exp = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
for path in sys.argv[2:]:
    text = " ".join(open(path, encoding="utf-8").read().split())
    for line in exp:
        kind, t = line[0], " ".join(line[2:].split())
        if kind == "+" and t not in text:
            print(f"lost in {path.split('/')[-1]}: {t[:70]}")
        if kind == "-" and t[:40] in text:
            print(f"debris in {path.split('/')[-1]}: {t[:70]}")
PY
    res=$(cat "$T/check.txt")
    is "$(grep -c '^lost' "$T/check.txt")" 0 "$name: every article paragraph kept"
    is "$(grep -c '^debris' "$T/check.txt")" 0 "$name: every debris line gone"
    [ -n "$res" ] && echo "$res" | sed 's/^/# /'
    is "$(sql "SELECT count(DISTINCT cluster_id) FROM documents WHERE origin LIKE '%/$name.html'")" 1 \
       "$name: both outlets' copies in one cluster"
done
done_testing
