#!/bin/bash
# extract.sh - `wirecopy extract` on one page: a file, stdin, a URL served
# on 127.0.0.1 (with an HTTP charset), the three formats, and the exit
# codes for pages without an article, missing files and bad usage.
# Prints TAP. Needs $WIRECOPY and $WC_TEST_DATA; the URL cases need python3.

set -u
W=${WIRECOPY:?}
D=${WC_TEST_DATA:?}/extract
T=$(mktemp -d)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

echo "1..30"

# 1-5: a file and stdin give the expected text: the headline, a blank line, the body
"$W" extract "$D/basic.html" >"$T/out.txt" 2>"$T/err.txt"
check "file: exit 0" "[ $? -eq 0 ]"
{ printf 'Harbour bridge reopens after nine months of repairs\n\n'; cat "$D/basic.expected.txt"; } >"$T/basic.want"
check "file: headline, blank line, body" "cmp -s '$T/out.txt' '$T/basic.want'"
"$W" extract --body-only "$D/basic.html" >"$T/out.txt" 2>"$T/err.txt"
check "--body-only: the body alone" "cmp -s '$T/out.txt' '$D/basic.expected.txt'"
"$W" extract -b - <"$D/debris_named.html" >"$T/out.txt" 2>/dev/null
check "stdin: text as expected" "cmp -s '$T/out.txt' '$D/debris_named.expected.txt'"
"$W" extract - <"$D/debris_named.html" >"$T/out.txt" 2>/dev/null
check "stdin: the headline first" "[ \"\$(head -1 '$T/out.txt')\" = 'County to plant ten thousand trees along rivers' ] && [ -z \"\$(sed -n 2p '$T/out.txt')\" ]"

# 4-7: formats
"$W" extract --format json --url https://valley.example/news/2024/03/12/reservoir.html \
    "$D/jsonld_body.html" >"$T/out.json" 2>/dev/null
check "json: exit 0" "[ $? -eq 0 ]"
if command -v python3 >/dev/null; then
    python3 - "$T/out.json" "$D/jsonld_body.expected.txt" >"$T/py.txt" 2>&1 <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
want = open(sys.argv[2], encoding='utf-8').read().rstrip('\n')
assert j['text'] == want, 'text'
assert j['title'] == 'Water board backs second reservoir', j['title']
assert j['author'] == 'Tomas Berg', j['author']
assert j['published'] == '2024-03-12T10:00:00Z', j['published']
assert j['url'] == 'https://valley.example/news/2024/03/12/reservoir.html'
assert j['lang'] == 'en'
assert all(b['type'] == 'paragraph' for b in j['blocks'])
print('fine')
EOF
    check "json: fields and text" "grep -q fine '$T/py.txt'"
else
    ok "json: fields and text # SKIP no python3"
fi
"$W" extract -f markdown "$D/structure_lists_headings.html" >"$T/out.md" 2>/dev/null
check "markdown: title heading" "[ \"\$(head -1 '$T/out.md')\" = '# What the new parking rules mean for you' ]"
check "markdown: sub-heading and list" "grep -qx '## Who has to pay' '$T/out.md' && grep -qx -- '- One hour costs one euro fifty.' '$T/out.md'"

# 8-13: no article (text, then json)
"$W" extract "$D/not_article_section_front.html" >"$T/out.txt" 2>"$T/err.txt"
rc=$?
check "no article: exit 1" "[ $rc -eq 1 ]"
check "no article: nothing on stdout" "[ ! -s '$T/out.txt' ]"
check "no article: says so on stderr" "grep -q 'no article' '$T/err.txt'"
"$W" extract -f json --url https://news.example/sections/ "$D/not_article_section_front.html" \
    >"$T/out.json" 2>"$T/err.txt"
rc=$?
check "no article, json: still exit 1" "[ $rc -eq 1 ] && grep -q 'no article' '$T/err.txt'"
if command -v python3 >/dev/null; then
    check "no article, json: one object with an empty text and the page's url" \
        "python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[\"text\"] == \"\" and j[\"url\"] == \"https://news.example/sections/\"' '$T/out.json' 2>/dev/null"
    check "no article, json: the metadata found (title)" \
        "python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[\"title\"]' '$T/out.json' 2>/dev/null"
else
    ok "no article, json # SKIP no python3"
    ok "no article, json # SKIP no python3"
fi

# 14-15: missing file, binary junk
"$W" extract "$T/missing.html" >/dev/null 2>"$T/err.txt"
rc=$?
check "missing file: exit 1 and the name" "[ $rc -eq 1 ] && grep -q 'missing.html' '$T/err.txt'"
{ printf junk; head -c 20000 /dev/urandom; } >"$T/junk.html"  # no byte order mark by chance
"$W" extract "$T/junk.html" >"$T/out.txt" 2>/dev/null
rc=$?
check "binary junk: exit 1, no output" "[ $rc -eq 1 ] && [ ! -s '$T/out.txt' ]"

# 16-21: usage
"$W" extract --help >"$T/out.txt" 2>&1
check "--help: exit 0 and usage" "[ $? -eq 0 ] && grep -q '^usage: wirecopy extract' '$T/out.txt'"
"$W" extract --format pdf "$D/basic.html" >/dev/null 2>"$T/err.txt"
check "bad format: exit 2" "[ $? -eq 2 ] && grep -q usage '$T/err.txt'"
"$W" extract --bogus "$D/basic.html" >/dev/null 2>&1
check "unknown option: exit 2" "[ $? -eq 2 ]"
"$W" extract -b -f json "$D/basic.html" >"$T/out.txt" 2>"$T/err.txt"
check "--body-only with json: exit 2, says why" "[ $? -eq 2 ] && [ ! -s '$T/out.txt' ] && grep -q 'body-only goes with' '$T/err.txt'"
"$W" extract >/dev/null 2>&1
check "no argument: exit 2" "[ $? -eq 2 ]"
"$W" extract --charset bogus-cs "$D/basic.html" >"$T/out.txt" 2>"$T/err.txt"
check "unknown --charset: exit 2, nothing printed" "[ $? -eq 2 ] && [ ! -s '$T/out.txt' ]"
check "unknown --charset: named in the message" "grep -q \"unknown charset 'bogus-cs'\" '$T/err.txt'"

# 22-27: URLs from a server on 127.0.0.1
if ! command -v python3 >/dev/null; then
    for i in 1 2 3 4 5 6; do ok "url # SKIP no python3"; done
    exit 0
fi
cp "$D"/*.html "$T/"
cat >"$T/server.py" <<'EOF'
import http.server, os, sys
root = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith('/moved'):
            self.send_response(301); self.send_header('Location', '/basic.html'); self.end_headers(); return
        p = os.path.join(root, self.path.lstrip('/').split('?')[0])
        if not os.path.isfile(p):
            self.send_response(404); self.end_headers(); self.wfile.write(b'not here'); return
        body = open(p, 'rb').read()
        self.send_response(200)
        ct = 'text/html; charset=windows-1251' if 'windows1251' in p else 'text/html'
        self.send_header('Content-Type', ct)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$T/server.py" "$T" >"$T/port" 2>/dev/null &
SERVER_PID=$!
for i in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port")
U="http://127.0.0.1:$PORT"
"$W" extract "$U/basic.html" >"$T/out.txt" 2>"$T/err.txt"
check "url: exit 0" "[ $? -eq 0 ]"
check "url: text as expected" "cmp -s '$T/out.txt' '$T/basic.want'"
"$W" extract -b "$U/charset_http_windows1251.html" >"$T/out.txt" 2>/dev/null
check "url: HTTP charset honoured" "cmp -s '$T/out.txt' '$D/charset_http_windows1251.expected.txt'"
"$W" extract -f json "$U/moved" >"$T/out.json" 2>/dev/null
check "url: redirect followed, final URL reported" "grep -q '\"url\":\"$U/basic.html\"' '$T/out.json'"
"$W" extract "$U/nothing.html" >/dev/null 2>"$T/err.txt"
rc=$?
check "url: 404 is exit 1 with the status" "[ $rc -eq 1 ] && grep -q 404 '$T/err.txt'"
"$W" extract "http://127.0.0.1:1/x.html" >/dev/null 2>"$T/err.txt"
rc=$?
check "url: connection refused is exit 1" "[ $rc -eq 1 ] && grep -q 'cannot fetch' '$T/err.txt'"
exit 0
