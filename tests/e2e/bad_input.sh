#!/usr/bin/env bash
# bad_input.sh - every kind of bad input is reported with its file and
# offset or line and the reason, the rest is still ingested, what was stored
# before stays, and the exit status says something failed.
. "$(dirname "$0")/lib.sh"
D="$WC_TEST_DATA/dump"
plan 21

wcx ingest "$WC_TEST_DATA/sample/pages" >/dev/null 2>&1; is $? 0 "a first good run"
before=$(sql 'SELECT count(*) FROM documents')

# invalid UTF-8 inside an HTML page, a huge page, and an empty file, beside good pages
mkdir -p "$T/pages"
cp "$WC_TEST_DATA/sample/pages/metro-wire/battery-plant.html" "$T/pages/good.html"
printf '<html><body><article><p>%s \xff\xfe broken bytes %s</p></article></body></html>' \
    "$(printf 'The harbour master said the new quay would open in May after two years of work on the foundations. %.0s' 1 2 3)" \
    "and more text follows here" > "$T/pages/badutf8.html"
: > "$T/pages/empty.html"
# random bytes behind a fixed start, so a byte order mark cannot begin it by chance
{ printf 'junk'; head -c 3000 /dev/urandom; } > "$T/pages/random.html"

out=$(wcx ingest "$D/truncated.warc.gz" "$D/bad_length.warc" "$D/garbage.warc" "$D/bad.jsonl" \
      "$D/truncated.jsonl.gz" "$T/pages" "$T/does-not-exist" "$D/site.warc.gz" 2>&1)
rc=$?
is "$rc" 1 "exit status 1: the run finished but some inputs failed"
like "$out" "truncated gzip member in '.*truncated.warc.gz' at offset [0-9]+" "truncated WARC.gz: file and offset"
like "$out" "bad Content-Length .* in '.*bad_length.warc' at offset [0-9]+" "bad record length: file and offset"
like "$out" "garbage in '.*garbage.warc' at offset [0-9]+" "junk between records: file and offset"
like "$out" "malformed JSON in '.*bad.jsonl' at line 2" "malformed JSONL line: file and line"
like "$out" "line 3 in '.*bad.jsonl' is not a JSON object" "a JSON line that is not an object"
like "$out" "invalid UTF-8 in '.*bad.jsonl' at line 7" "invalid UTF-8 in JSONL reported with its line"
like "$out" "truncated gzip member in '.*truncated.jsonl.gz'" "truncated JSONL.gz"
like "$out" "'.*random.html' looks like binary junk" "binary junk named"
like "$out" "cannot open '.*does-not-exist': No such file" "unreadable path named with the reason"
like "$out" "ingest: .* [1-9][0-9]* errors" "the summary counts the errors"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE 'http://127.0.0.1:%'")" 3 \
   "the good WARC after the bad inputs was still ingested"
sql "SELECT text FROM documents WHERE origin LIKE '%/badutf8.html'" > "$T/badutf8.txt"
python3 -c "import sys; t=open(sys.argv[1],'rb').read().decode('utf-8'); sys.exit(0 if 'broken bytes' in t else 1)" \
    "$T/badutf8.txt" 2>/dev/null
ok $? "a page with invalid UTF-8 is stored, as valid UTF-8"
is "$(sql "SELECT count(*) FROM documents WHERE origin LIKE '%/good.html'")" 1 "good page beside junk stored"
is "$(sql "SELECT count(*) FROM documents WHERE origin LIKE '%/empty.html' OR origin LIKE '%/random.html'")" 0 \
   "empty and junk pages are not stored"
ge "$(sql 'SELECT count(*) FROM documents')" $((before + 5)) "the rest of the input was stored"
is "$(sql "SELECT count(*) FROM documents WHERE source = 'dir' AND origin LIKE '%/sample/pages/%'")" "$before" \
   "nothing stored before was lost"
is "$(sql 'PRAGMA integrity_check')" ok "database intact"

# a database that is not one: fatal, named, and the file is left alone
printf 'SQLite format 3\0this is not really a database' > "$T/fake.db"
cp "$T/fake.db" "$T/fake.copy"
out=$(WIRECOPY_DB="$T/fake.db" "$WIRECOPY" ingest "$T/pages" 2>&1)
is $? 3 "a damaged database is fatal (3)"
cmp -s "$T/fake.db" "$T/fake.copy"; ok $? "and it is not modified"
done_testing
