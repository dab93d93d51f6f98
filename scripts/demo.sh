#!/usr/bin/env bash
# scripts/demo.sh - install what is missing, build wirecopy, and run the main
# job on the bundled sample dump (tests/data/sample: six wire stories
# republished by five made-up outlets, with their page debris): ingest the
# folder of outlet pages and the agency's JSONL, list the clusters of copies,
# show the biggest one, and export them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

wc_install_packages
wc_configure build --buildtype=debugoptimized
ninja -C build >/dev/null || ninja -C build

wirecopy=build/wirecopy
db=build/demo.db
rm -f "$db" "$db-wal" "$db-shm"
export WIRECOPY_DB=$db

echo "== wirecopy ingest tests/data/sample/pages tests/data/sample/wire.jsonl"
"$wirecopy" ingest tests/data/sample/pages tests/data/sample/wire.jsonl
echo
echo "== wirecopy clusters"
"$wirecopy" clusters
echo
biggest=$("$wirecopy" clusters --tsv --limit 1 | awk -F'\t' 'NR == 2 {print $1}')
echo "== wirecopy show $biggest"
"$wirecopy" show "$biggest"
echo
"$wirecopy" export --format jsonl -o build/demo-clusters.jsonl
"$wirecopy" export --format html -o build/demo-clusters.html
echo
echo "The database is $db (try: sqlite3 $db 'SELECT * FROM cluster_list')."
