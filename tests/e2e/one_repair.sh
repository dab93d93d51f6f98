#!/usr/bin/env bash
# one_repair.sh - one story with stray windows-1252 bytes in otherwise
# UTF-8 text, ingested from a WARC page, from a JSONL line carrying the
# raw bytes, and from a JSONL line where a Latin-1 decoder turned them
# into "\u0093"-style escapes: every source goes through the one repair
# policy (utf8.c), so the three copies have one text, one content_hash
# and land in one cluster, with curly quotes and no U+FFFD stored.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 missing"
plan 10

python3 - "$T" "$WC_HELPERS" <<'PY'
import json, sys
t, helpers = sys.argv[1:]
sys.path.insert(0, helpers)
import make_warc_fixtures as mk   # the project's WARC record writer

# UTF-8 text (an em dash, an e acute) with windows-1252 bytes pasted in:
# curly quotes 0x93/0x94, an apostrophe 0x92, an en dash 0x96, a Latin-1 e acute 0xE9
paras = [
    "The harbour authority said on Monday that the old ferry terminal \u2014 closed since the "
    "storm in March \u2014 will reopen next spring after repairs costing 4.2 million euros.",
    "\x93We owe it to the islanders,\x94 the authority\x92s director told reporters at the quay, "
    "adding that the timetable would match the one the caf\xe9 owners had asked for.",
    "Ferries will run every forty minutes in summer \x96 and every hour in winter \x96 and the "
    "new waiting hall will have room for two hundred passengers and their bicycles.",
]
def page(paras):
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Ferry terminal to reopen"
            "</title></head><body><article><h1>Ferry terminal to reopen</h1>"
            + "".join("<p>%s</p>" % p for p in paras) + "</article></body></html>")
# str -> bytes: the real characters as UTF-8, the stray bytes as themselves
raw = page(paras).encode("utf-8")
for c in "\x92\x93\x94\x96\xe9":
    raw = raw.replace(c.encode("utf-8"), c.encode("latin-1"))
assert raw.count(b"\x93") == 1 and b"\xc3\xa9" not in raw

body = mk.http(200, ["Content-Type: text/html; charset=utf-8",
                     "Content-Length: %d" % len(raw)], raw)
with open(t + "/story.warc", "wb") as f:
    f.write(mk.record("response", "http://port.example/news/ferry.html", body))

with open(t + "/story.jsonl", "wb") as f:
    # the raw bytes inside the JSON string: not UTF-8, so jansson refuses the line as it is
    f.write(b'{"id": "raw", "url": "http://mirror.example/ferry", "html": "'
            + raw.replace(b'"', b'\\"') + b'"}\n')
    # a producer that read the bytes as Latin-1: JSON can only say "\u0093"
    f.write(json.dumps({"id": "escaped", "url": "http://copy.example/ferry",
                        "html": raw.decode("latin-1")}).encode("ascii") + b"\n")
PY
ok $? "WARC page and JSONL lines written with the same stray bytes"

out=$(wcx ingest "$T/story.warc" "$T/story.jsonl" 2>&1); rc=$?
is "$rc" 1 "ingest stores all and exits 1: the repaired line is reported (WC_ERR_ENCODING)"
like "$out" "3 records read, 3 articles stored \(2 exact copies" \
     "three records, the two JSONL copies exact copies of the page"
like "$out" "invalid UTF-8 in .*story.jsonl' at line 1: 6 bytes read as windows-1252" \
     "the raw-byte JSONL line is reported as repaired"
is "$(sql "SELECT count(*) || ' ' || count(DISTINCT cluster_id) || ' ' || count(DISTINCT hex(content_hash)) FROM documents")" \
   "3 1 1" "three documents, one cluster, one content_hash"
is "$(sql "SELECT group_concat(source, ',') FROM (SELECT source FROM documents ORDER BY source)")" \
   "jsonl,jsonl,warc" "one copy from each source"
like "$(sql "SELECT text FROM documents WHERE url LIKE '%port.example%'")" \
     "“We owe it to the islanders,” the authority’s director" \
     "curly quotes and apostrophe stored as the author typed them"
like "$(sql "SELECT text FROM documents WHERE origin_id = 'raw'")" "the café owners had asked" \
     "the JSONL copy has the Latin-1 letter"
like "$(sql "SELECT text FROM documents WHERE origin_id = 'escaped'")" "in summer – and every hour in winter –" \
     "the escaped JSONL copy has the en dashes"
is "$(sql "SELECT count(*) FROM documents WHERE instr(text, char(65533)) > 0 OR instr(text, char(147)) > 0")" 0 \
   "no U+FFFD and no C1 control stored"
done_testing
