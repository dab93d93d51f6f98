#!/usr/bin/env bash
# fetch.sh - end-to-end check of the loopback nginx harness (tests/helpers/nginx.sh)
# that the fetcher's tests and every other engineer's HTTP tests stand on:
# each documented location answers as documented, the access log records
# what the tests assert on, the settings (extra config, document root, more
# hosts) work, and stopping leaves nothing running. Driven with curl, the
# reference client, so a fault here is the harness's and not wirecopy's.
# The fetcher itself is tested against the same server in tests/unit/test_fetch.c.
# Prints TAP.

set -u
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
. "$HELPERS/nginx.sh"

n=0
failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    "$@" >/dev/null 2>&1
    ok $? "$d"
}

if ! wc_nginx_available || ! command -v curl >/dev/null; then
    echo "1..0 # SKIP nginx or curl not installed"
    exit 0
fi

# HTTP status of a URL, and one response header's value.
status() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
header() { curl -s -o /dev/null -D - "$1" | tr -d '\r' | awk -v h="$2" 'tolower($0) ~ "^" tolower(h) ": " { sub(/^[^:]*: /, ""); print; exit }'; }

tmp=$(mktemp -d)
extra="$tmp/extra.conf"
cat >"$extra" <<'EOF'
location = /extra/teapot { return 418; }
EOF
mkdir -p "$tmp/root"
echo "custom root" >"$tmp/root/hello.txt"

echo "1..35"

WC_NGINX_HOSTS=3 WC_NGINX_EXTRA=$extra wc_nginx_start
ok $? "wc_nginx_start starts nginx"
[ -n "${WC_NGINX_URL:-}" ] || { echo "Bail out! nginx did not start"; exit 1; }
trap 'wc_nginx_stop; rm -rf "$tmp"' EXIT

check "port is in the unprivileged range" test "$WC_NGINX_PORT" -ge 1024
check "first host serves page.html" test "$(status "$WC_NGINX_URL/page.html")" = 200
check "second host (127.0.0.2) serves the same files" test "$(status "$WC_NGINX_URL2/feed.xml")" = 200
check "third host (127.0.0.3) when WC_NGINX_HOSTS=3" test "$(status "http://127.0.0.3:$WC_NGINX_PORT/atom.xml")" = 200
check "301 redirect keeps the path" test "$(header "$WC_NGINX_URL/redirect/301/pages/1.html" Location)" = "$WC_NGINX_URL/pages/1.html"
check "308 redirect" test "$(status "$WC_NGINX_URL/redirect/308/feed.xml")" = 308
check "redirect to another host" test "$(header "$WC_NGINX_URL/redirect/other-host/feed.xml" Location)" = "$WC_NGINX_URL2/feed.xml"
check "redirect to file://" test "$(header "$WC_NGINX_URL/redirect/file" Location)" = "file:///etc/passwd"
check "redirect to ftp://" test "$(header "$WC_NGINX_URL/redirect/ftp" Location)" = "ftp://127.0.0.1/pub/feed.xml"
check "410 Gone" test "$(status "$WC_NGINX_URL/status/410")" = 410
check "429 carries Retry-After: 120" test "$(header "$WC_NGINX_URL/status/429" Retry-After)" = 120
check "503-short carries Retry-After: 1" test "$(header "$WC_NGINX_URL/status/503-short" Retry-After)" = 1
check "503 carries an HTTP-date Retry-After" test "$(header "$WC_NGINX_URL/status/503-date" Retry-After)" = "Fri, 31 Dec 2099 23:59:59 GMT"
check "/charset/ adds a charset to Content-Type" test "$(header "$WC_NGINX_URL/charset/page.html" Content-Type)" = "text/html; charset=windows-1251"
check "Cache-Control max-age on /cache/feed.xml" test "$(header "$WC_NGINX_URL/cache/feed.xml" Cache-Control)" = "public, max-age=600"
check "robots.txt of host 1 names wirecopy" grep -q "User-agent: wirecopy" <(curl -s "$WC_NGINX_URL/robots.txt")
check "host 2 has no robots.txt (404)" test "$(status "$WC_NGINX_URL2/robots.txt")" = 404
check "oversized body is 3 MiB" test "$(curl -s -o /dev/null -w '%{size_download}' "$WC_NGINX_URL/gen/big.bin")" = 3145728
check "gzip bomb is small on the wire" test "$(curl -s -o /dev/null -w '%{size_download}' "$WC_NGINX_URL/bomb.html")" -lt 100000
check "gzip bomb decodes to 64 MiB" test "$(curl -s --compressed "$WC_NGINX_URL/bomb.html" | wc -c)" = 67108864
check "brotli fixture decodes to page.html" cmp <(curl -s --compressed "$WC_NGINX_URL/enc/page.html.br") "$HELPERS/../data/www/page.html"
check "deflate fixture decodes to page.html" cmp <(curl -s --compressed "$WC_NGINX_URL/enc/page.html.zz") "$HELPERS/../data/www/page.html"
check "slow location sends nothing within a second" test "$(curl -s -m 1 -o /dev/null -w '%{size_download}' "$WC_NGINX_URL/slow/page.html")" = 0
check "WC_NGINX_EXTRA locations are included" test "$(status "$WC_NGINX_URL/extra/teapot")" = 418

# The access log: conditional headers, User-Agent, counts, timing fields.
wc_nginx_clear_log
etag=$(header "$WC_NGINX_URL/page.html" ETag)
lm=$(header "$WC_NGINX_URL/page.html" Last-Modified)
wc_nginx_clear_log
curl -s -o /dev/null -A "log-check/1" -H "If-None-Match: $etag" -H "If-Modified-Since: $lm" "$WC_NGINX_URL/page.html"
sleep 0.2
check "wc_nginx_requests counts a URI" test "$(wc_nginx_requests /page.html)" = 1
check "log records User-Agent (field 11)" test "$(wc_nginx_field 11 /page.html | tail -1)" = "log-check/1"
check "log records If-None-Match (field 12, quotes unescaped by sed)" test "$(wc_nginx_field 12 /page.html | tail -1 | sed 's/\\x22/"/g')" = "$etag"
check "log records If-Modified-Since (field 13)" test "$(wc_nginx_field 13 /page.html | tail -1)" = "$lm"
check "conditional request got 304 (field 9)" test "$(wc_nginx_field 9 /page.html | tail -1)" = 304
check "log records request time and connection (fields 2, 3)" \
    awk -F'\t' 'NF == 15 && $2 ~ /^[0-9]+\.[0-9]+$/ && $3 ~ /^[0-9]+$/ { ok = 1 } END { exit !ok }' "$WC_NGINX_LOG"

dir=$WC_NGINX_DIR
pid=$(cat "$dir/nginx.pid")
wc_nginx_stop
check "wc_nginx_stop ends nginx" bash -c "! kill -0 $pid 2>/dev/null"
check "wc_nginx_stop removes its directory" test ! -e "$dir"

# Command mode with another document root, as C tests and benchmarks use it.
out=$(WC_NGINX_ROOT="$tmp/root" WC_NGINX_HOSTS=1 bash "$HELPERS/nginx.sh" start "$tmp/srv")
eval "$(printf '%s\n' "$out" | grep '^WC_NGINX_URL=')"
check "command mode serves WC_NGINX_ROOT" test "$(curl -s "$WC_NGINX_URL/hello.txt")" = "custom root"
bash "$HELPERS/nginx.sh" stop "$tmp/srv"
sleep 0.2
check "command mode stop ends it" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/${WC_NGINX_URL##*:}) 2>/dev/null"

[ "$failed" = 0 ]
