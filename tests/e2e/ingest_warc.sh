#!/usr/bin/env bash
# ingest_warc.sh - a WARC written by a real `wget --warc-file` crawl of a
# small site served on 127.0.0.1 (tests/helpers/make_warc.sh), gzip and
# plain: response records stored with their URL and fetch time, charset
# from the HTTP header, chunked + gzip payloads decoded, other records
# skipped, and the committed wget WARC ingests the same way; and what a
# crawler killed mid-record and started again leaves.
. "$(dirname "$0")/lib.sh"
command -v wget >/dev/null && command -v python3 >/dev/null || skip_all "wget or python3 missing"
plan 20

bash "$WC_HELPERS/make_warc.sh" "$T/crawl" site >/dev/null 2>"$T/make.err"
ok $? "wget recorded the loopback site into a WARC"
out=$(wcx ingest "$T/crawl/site.warc.gz" 2>&1); is $? 0 "ingest of wget's .warc.gz exits 0"
like "$out" "3 articles stored" "three article pages stored"
like "$out" "[1-9][0-9]* skipped" "requests, metadata, redirects, stylesheet and image skipped"
like "$out" "6 records read, 3 articles stored .* 1 already stored, [0-9]+ skipped \(2 without an article\)" \
     "records read add up: stored, already stored, and pages without an article"
out=$(WIRECOPY_DB="$T/v.db" "$WIRECOPY" ingest -v "$T/crawl/site.warc.gz" 2>&1); rc=$?
is "$rc" 0 "-v: pages without an article are notes, not failures (exit 0)"
is "$(printf '%s\n' "$out" | grep -c 'no article text found in .*site.warc.gz. at offset [0-9]* (http://127.0.0.1:[0-9]*/')" 2 \
   "-v names each record without an article, with offset and URL"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE 'http://127.0.0.1:%/news/%.html' AND source = 'warc'")" 3 \
   "WARC-Target-URI kept as the URL"
is "$(sql "SELECT count(*) FROM documents WHERE fetched_at > strftime('%s','now') - 3600")" 3 \
   "WARC-Date kept as the fetch time"
like "$(sql "SELECT title || ' ' || text FROM documents WHERE url LIKE '%latin1.html'")" "Café" \
     "ISO-8859-1 page decoded with the charset from the HTTP header"
like "$(sql "SELECT text FROM documents WHERE url LIKE '%chunked.html'")" "[Hh]arbour" \
     "chunked + gzip payload decoded"
is "$(sql "SELECT count(*) FROM documents WHERE origin_offset > 0")" 3 "record offsets kept for provenance"

out=$(wcx ingest "$T/crawl/site.warc" 2>&1); is $? 0 "the plain WARC of a second crawl ingests"
like "$out" "0 articles stored .*[34] already stored" "same URLs, same text: nothing added"

WIRECOPY_DB="$T/fixture.db" "$WIRECOPY" ingest "$WC_TEST_DATA/dump/site.warc.gz" >/dev/null 2>&1
is $? 0 "the committed wget WARC ingests"
is "$(sqlite3 "$T/fixture.db" 'SELECT count(*) FROM documents')" 3 "three articles from the committed WARC"
is "$(sqlite3 "$T/fixture.db" "PRAGMA integrity_check")" ok "database intact"
# A crawler killed while writing zurich.html's response, then started again: the cut
# record has no line end, and latin1.html's response follows it at once.
cut_off=$(python3 - "$WC_TEST_DATA/dump/site.warc" "$T/killed.warc" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
starts = [i for i in range(len(d)) if d.startswith(b"WARC/1.0\r\n", i) and (i == 0 or d[i - 1] == 10)]
def response(name):
    for s in starts:
        head = d[s:d.index(b"\r\n\r\n", s)]
        if b"WARC-Type: response" in head and name in head:
            return s, len(head) + 4
z, zh = response(b"/news/zurich.html>")
l, _ = response(b"/news/latin1.html>")
open(sys.argv[2], "wb").write(d[:z + zh + 300] + d[l:])
print(z)
EOF
)
out=$(WIRECOPY_DB="$T/killed.db" "$WIRECOPY" ingest "$T/killed.warc" 2>&1); rc=$?
is "$rc" 1 "a WARC with a record cut by a killed crawler: ingest goes on, exit 1"
like "$out" "bad Content-Length [0-9]+ in '$T/killed.warc' at offset $cut_off: " \
     "the cut record is reported with its file and offset"
is "$(sqlite3 "$T/killed.db" "SELECT count(*) FROM documents WHERE url LIKE '%/news/latin1.html'")" 1 \
   "the record the restarted crawler wrote right after the cut is stored"
done_testing
