#!/usr/bin/env bash
# ingest_dir.sh - a folder of outlet pages and the agency's JSONL: every copy
# found, stories kept apart, hard negatives (a follow-up and a feature that
# share a quote with a story) not joined, and a second run adds nothing.
. "$(dirname "$0")/lib.sh"
S="$WC_TEST_DATA/sample"
plan 23

out=$(wcx ingest "$S/pages" 2>&1); is $? 0 "ingest of a folder of pages exits 0"
like "$out" "19 records read, 19 articles stored" "summary counts pages read and stored"
is "$(sql 'SELECT count(*) FROM documents')" 19 "19 article pages stored"
is "$(sql "SELECT count(*) FROM documents WHERE source = 'dir' AND origin LIKE '/%'")" 19 \
   "provenance: source dir, absolute origin path"
is "$(sql 'SELECT count(*) FROM clusters WHERE size >= 2')" 5 "5 stories carried by two or more outlets"

wcx export --min-size 1 -o "$T/all.jsonl" 2>/dev/null
groups=$(python3 "$WC_HELPERS/partition.py" "$T/all.jsonl"); ok $? "clusters equal the true story groups (pages only)"
like "$groups" "^bridge-followup$" "the follow-up that quotes the bridge story stands alone"
like "$groups" "^glacier-tourism$" "the feature sharing a glacier quote stands alone"

body=$(sql "SELECT text FROM documents WHERE origin LIKE '%metro-wire/harbour-bridge.html'")
unlike "$body" "Related:|READ MORE|Share on|newsletter|Previous article|Comments \\(" \
       "stored text is free of teasers, share bars, promos and comments"
like "$body" "four-lane bridge" "stored text keeps the article"
is "$(sql "SELECT title FROM documents WHERE origin LIKE '%daily-ledger/rail-strike.html'")" \
   "UPDATE: Rail workers announce three-day strike over pay and staffing" "title without the site suffix"

out=$(wcx ingest "$S/pages" "$S/wire.jsonl" 2>&1); is $? 0 "second run with the wire feed exits 0"
like "$out" "6 articles stored .*19 already stored" "pages already stored are not added again"
is "$(sql 'SELECT count(*) FROM documents')" 25 "wire items joined the store"
wcx export --min-size 1 -o "$T/all.jsonl" 2>/dev/null
python3 "$WC_HELPERS/partition.py" "$T/all.jsonl" >/dev/null; ok $? "clusters equal the true story groups (pages + wire)"
is "$(sql 'SELECT size FROM clusters ORDER BY size DESC LIMIT 1')" 6 "the rail strike: wire + five outlets"

out=$(cd "$S/.." && WIRECOPY_DB="$T/wc.db" "$WIRECOPY" ingest sample/pages 2>&1)
like "$out" "0 articles stored" "the same folder by a relative path adds nothing"

# a folder of dumps: WARC and JSONL files in it are read too, after its pages
mkdir -p "$T/dumps/deeper"
cp "$S/wire.jsonl" "$T/dumps/wire.jsonl"
gzip -c "$S/wire.jsonl" > "$T/dumps/deeper/wire-copy.jsonl.gz"
cp -r "$S/pages/daily-ledger" "$T/dumps/"
printf 'not a warc at all\n' | gzip > "$T/dumps/deeper/broken.warc.gz"
out=$(WIRECOPY_DB="$T/dumps.db" "$WIRECOPY" ingest "$T/dumps" 2>&1); rc=$?
is "$rc" 1 "a folder of dumps with one broken file exits 1"
like "$out" "broken.warc.gz" "the broken dump is named"
is "$(sqlite3 "$T/dumps.db" "SELECT count(*) FROM documents WHERE source = 'jsonl'")" 6 \
   "the folder's JSONL is read (the gzipped copy adds nothing)"
like "$out" "6 already stored" "the gzipped JSONL inside a subfolder is read too"
is "$(sqlite3 "$T/dumps.db" "SELECT count(*) FROM documents WHERE source = 'dir'")" \
   "$(ls "$S/pages/daily-ledger" | grep -c 'html$')" "and the folder's pages"
is "$(sqlite3 "$T/dumps.db" "SELECT count(DISTINCT origin) FROM documents WHERE source = 'jsonl'")" 1 \
   "records keep the dump file they came from as origin"
done_testing
