#!/bin/bash
# extract.sh - `wirecopy extract` on one page: a file, stdin, a URL served
# on 127.0.0.1 (with an HTTP charset), the three formats, and the exit
# codes for pages without an article, missing files and bad usage. URLs are
# fetched with the fetcher's policy (wc_fetch_one): robots.txt, User-Agent,
# http/https-only redirects, the decoded-size cap, checked against the
# loopback nginx of tests/helpers/nginx.sh.
# Prints TAP. Needs $WIRECOPY and $WC_TEST_DATA; the URL cases need python3
# and nginx (skipped without them).

set -u
W=${WIRECOPY:?}
D=${WC_TEST_DATA:?}/extract
T=$(mktemp -d)
SERVER_PID=
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
. "$HELPERS/nginx.sh"
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    wc_nginx_stop
    rm -rf "$T"
}
trap cleanup EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

echo "1..42"

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

# 25-33: URLs through the fetcher's policy, against the loopback nginx
if wc_nginx_available && WC_NGINX_HOSTS=1 wc_nginx_start; then
    NG=$WC_NGINX_URL
    "$W" extract -b "$NG/page.html" >"$T/out.txt" 2>"$T/err.txt"
    check "nginx: a page robots.txt allows: exit 0, its text" "[ $? -eq 0 ] && grep -q 'Three container cranes' '$T/out.txt'"
    sleep 0.2
    check "nginx: robots.txt asked before the page" "[ \"\$(wc_nginx_field 8 | tr '\n' ' ')\" = '/robots.txt /page.html ' ]"
    check "nginx: the fetcher's User-Agent" "wc_nginx_field 11 /page.html | grep -q '^wirecopy/.* (+https://github.com/wirecopy/wirecopy)\$'"
    wc_nginx_clear_log
    "$W" extract -f json "$NG/nocopy/secret.html" >"$T/out.txt" 2>"$T/err.txt"
    rc=$?
    check "nginx: robots.txt disallows: exit 1, nothing printed" "[ $rc -eq 1 ] && [ ! -s '$T/out.txt' ]"
    check "nginx: robots.txt disallows: the message says so and names the page" "grep -q \"error: '$NG/nocopy/secret.html' disallowed by robots.txt\" '$T/err.txt'"
    sleep 0.2
    check "nginx: robots.txt disallows: the page is never requested" "[ \"\$(wc_nginx_requests /nocopy/secret.html)\" = 0 ]"
    "$W" extract "$NG/status/410" >/dev/null 2>"$T/err.txt"
    rc=$?
    check "nginx: HTTP 410: exit 1, the status and URL named" "[ $rc -eq 1 ] && grep -q \"HTTP 410 Gone from '$NG/status/410'\" '$T/err.txt'"
    "$W" extract "$NG/redirect/file" >"$T/out.txt" 2>"$T/err.txt"
    rc=$?
    check "nginx: a redirect to file:// is refused: exit 1" "[ $rc -eq 1 ] && [ ! -s '$T/out.txt' ] && grep -q 'only http and https' '$T/err.txt'"
    "$W" extract "$NG/bomb.html" >/dev/null 2>"$T/err.txt"
    rc=$?
    check "nginx: a gzip bomb stops at the page cap: exit 1" "[ $rc -eq 1 ] && grep -q 'larger than the 33554432-byte cap' '$T/err.txt'"
    wc_nginx_stop
else
    for i in 1 2 3 4 5 6 7 8 9; do ok "nginx # SKIP nginx not installed or would not start"; done
fi

# 34-42: URLs from a server on 127.0.0.1
if ! command -v python3 >/dev/null; then
    for i in 1 2 3 4 5 6 7 8 9; do ok "url # SKIP no python3"; done
    exit 0
fi
cp "$D"/*.html "$T/"
cat >"$T/server.py" <<'EOF'
import http.server, os, sys
root = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        with open(os.path.join(root, 'paths'), 'a') as log:
            log.write(self.path + '\n')
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
check "url: ... and the page is not asked for when its robots.txt cannot be read" "grep -q \"'http://127.0.0.1:1/x.html' not fetched: robots.txt of 'http://127.0.0.1:1' could not be read\" '$T/err.txt'"
"$W" extract "http://" >/dev/null 2>"$T/err.txt"
rc=$?
check "url: a URL without a host: exit 1, named" "[ $rc -eq 1 ] && grep -q \"bad URL 'http://'\" '$T/err.txt'"
: >"$T/paths"
"$W" extract "$U/basic.html" >/dev/null 2>&1
check "url: robots.txt (a 404 here: all allowed) asked before the page" "[ \"\$(tr '\n' ' ' <'$T/paths')\" = '/robots.txt /basic.html ' ]"
exit 0
