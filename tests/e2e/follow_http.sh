#!/usr/bin/env bash
# follow_http.sh - what `wirecopy follow` does with what servers really send:
# permanent redirects, 410, 429 with Retry-After, errors and backoff, a slow
# server, an oversized body and a gzip bomb, redirects to file:// and ftp://,
# and politeness (two hosts in parallel, one host one request at a time).
# Real nginx on 127.0.0.1-3 (tests/helpers/nginx.sh); asserted from its
# access log and the database. Prints TAP.

. "$(dirname "$0")/lib.sh"
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
DATA=${WC_TEST_DATA:-$(cd "$(dirname "$0")/../data" && pwd)}/follow
. "$HELPERS/nginx.sh"

wc_nginx_available || skip_all "nginx not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

cp -r "$DATA/site" "$T/www"
cp -r "$DATA/robots" "$T/robots"
# /drip/ serves the same site at about 2 KiB/s, so a page takes a second or two
cat >"$T/extra.conf" <<EOF
location /drip/ { alias $T/www/; limit_rate 2k; gzip off; }
location = /status/429-decade { add_header Retry-After 315360000 always; return 429; }
location = /redirect/metadata { return 302 http://169.254.169.254/latest/meta-data/; }
location = /redirect/lan { return 302 http://[fd00::1]:9/feed.xml; }
location = /redirect/host2 { return 302 http://127.0.0.2:\$server_port/gazette/feed.xml; }
EOF
trap 'wc_nginx_stop; _wc_cleanup' EXIT
WC_NGINX_HOSTS=3 WC_NGINX_EXTRA="$T/extra.conf" WC_NGINX_ROOT="$T/www" WC_NGINX_ROBOTS="$T/robots" \
    wc_nginx_start || {
    echo "Bail out! nginx did not start"
    exit 1
}
U1=$WC_NGINX_URL
U2=$WC_NGINX_URL2
U3="http://127.0.0.3:$WC_NGINX_PORT"

plan 47

settle() { sleep 0.3; }
reqs() { settle; wc_nginx_requests "$1"; }
col() { sql "SELECT $1 FROM feeds WHERE url = '$2'"; }

cat >"$T/odd.txt" <<EOF
$U1/redirect/301/gazette/feed.xml
$U1/status/410
$U1/redirect/file
$U1/redirect/ftp
$U1/status/500
$U2/slow/feed.xml
$U2/gen/big.bin
$U2/bomb.html
$U3/status/429
$U3/coastal/atom.xml
EOF

start=$(date +%s)
wcx follow --delay 0 --timeout 2 --max-body 1M "$T/odd.txt" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
is "$rc" 1 "some feeds failed: exit 1"
ge $((20 - took)) 0 "the run ends promptly despite the slow server ($took s)"

# 301: the stored URL changes, and the feed itself is used
is "$(sql "SELECT count(*) FROM feeds WHERE url = '$U1/gazette/feed.xml'")" 1 "301: the stored URL is the new one"
is "$(sql "SELECT count(*) FROM feeds WHERE url LIKE '%/redirect/301/%'")" 0 "301: the old URL is gone"
like "$(cat "$T/err")" "feed '$U1/redirect/301/gazette/feed.xml' moved permanently to '$U1/gazette/feed.xml'" \
    "301: reported"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE '$U1/gazette/2026/%'")" 3 "301: the feed's articles are stored"

# 410: retired
is "$(col state "$U1/status/410")" retired "410: the feed is retired"
is "$(col "coalesce(next_fetch_at, 'none')" "$U1/status/410")" none "410: never due again"
like "$(col last_error "$U1/status/410")" "410 Gone.*retired" "410: the reason is kept"

# refused redirects
like "$(col last_error "$U1/redirect/file")" "file:///etc/passwd. refused" "redirect to file:// refused"
like "$(col last_error "$U1/redirect/ftp")" "ftp://[^ ]*. refused" "redirect to ftp:// refused"

# 500: backoff with the error kept
is "$(col error_count "$U1/status/500")" 1 "500: one error counted"
like "$(col last_error "$U1/status/500")" "HTTP 500" "500: the error is kept"
back1=$(col "next_fetch_at - last_fetch_at" "$U1/status/500")
ge "$back1" 7200 "500: backs off (twice the interval at least)"

# slow server, oversized and gzip-bomb bodies
like "$(col last_error "$U2/slow/feed.xml")" "timed out" "a slow server times out"
like "$(col last_error "$U2/gen/big.bin")" "larger than the 1048576-byte cap" "an oversized body is cut at the cap"
like "$(col last_error "$U2/bomb.html")" "larger than the 1048576-byte cap" "a gzip bomb is cut at the cap"

# 429 with Retry-After 120, and the host's other feed waits too
is "$(col last_status "$U3/status/429")" 429 "429: status kept"
ge "$(col "next_fetch_at - last_fetch_at" "$U3/status/429")" 120 "429: next due no sooner than Retry-After"
is "$(settle; awk -F'\t' '$5 == "127.0.0.3" && $8 == "/coastal/atom.xml" { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 0 \
    "429: the host's other feed is not requested during the pause"
ge "$(col "next_fetch_at - last_fetch_at" "$U3/coastal/atom.xml")" 115 "429: and is due after it"

out=$(wcx feeds)
like "$out" "retired" "feeds shows the retired feed"
like "$out" "error: .*timed out" "feeds shows the last error"

# --- second run --now -------------------------------------------------------------------------
wc_nginx_clear_log
wcx follow --now --delay 0 --timeout 2 --max-body 1M 2>"$T/err"
settle
is "$(wc_nginx_requests /status/410)" 0 "a retired feed is never fetched again"
is "$(wc_nginx_requests /status/429)" 0 "--now still honours Retry-After: no request before it"
is "$(wc_nginx_requests /redirect/301/gazette/feed.xml)" 0 "the moved feed is fetched at its new URL..."
is "$(wc_nginx_requests /gazette/feed.xml)" 1 "...and only there"
is "$(col error_count "$U1/status/500")" 2 "500 again: two errors in a row"
back2=$(col "next_fetch_at - last_fetch_at" "$U1/status/500")
ge "$back2" $((back1 + 1)) "the backoff grows ($back1 s, then $back2 s)"

# re-added by hand: active again
wcx feeds add --no-discover "$U1/status/410" >"$T/out"
like "$(cat "$T/out")" "re-activated feed" "feeds add re-activates a retired feed"
wc_nginx_clear_log
wcx follow --delay 0 2>/dev/null
is "$(reqs /status/410)" 1 "a re-added feed is fetched again"

# --- politeness: two hosts in parallel, one request at a time per host -----------------------
sed 's#<link>/gazette/#<link>/drip/gazette/#' "$T/www/gazette/feed.xml" >"$T/www/gazette/drip.xml"
sed 's#xml:base="/coastal/"#xml:base="/drip/coastal/"#' "$T/www/coastal/atom.xml" >"$T/www/coastal/drip.xml"
printf '%s\n' "$U1/drip/gazette/drip.xml" "$U2/drip/coastal/drip.xml" >"$T/drip.txt"
WIRECOPY_DB="$T/drip.db"
export WIRECOPY_DB
wc_nginx_clear_log
wcx follow --delay 0 --per-host 1 "$T/drip.txt" 2>"$T/err"
is "$?" 0 "paced run exits 0"
settle
is "$(awk -F'\t' '$8 ~ /^\/drip\/.*\.html$/ && $9 == 200 { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 6 \
    "all six article pages fetched (robots.txt disallows /gazette/members/, not /drip/...)"
ge "$(awk -F'\t' '$8 ~ /^\/drip\/.*\.html$/ && $2 > 0.5 { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 4 \
    "the pages did take time (paced)"
# overlapping requests: same server address vs different addresses
overlaps() {
    awk -F'\t' -v want="$1" '
        $8 ~ /^\/drip\// { e[n] = $1; s[n] = $1 - $2; a[n] = $5; n++ }
        END {
            c = 0
            for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
                if (s[i] < e[j] - 0.002 && s[j] < e[i] - 0.002 && ((a[i] == a[j]) == (want == "same"))) c++
            print c
        }' "$WC_NGINX_LOG"
}
is "$(overlaps same)" 0 "one host never sees two requests at once"
ge "$(overlaps cross)" 1 "two hosts are fetched in parallel"
is "$(sql "SELECT count(DISTINCT cluster_id) FROM documents WHERE text LIKE '%Dock workers at the Port of Halvern%'")" 1 \
    "the wire story from the two hosts is one cluster"

# per-host 2 lets one host overlap: the check above can see it
WIRECOPY_DB="$T/drip2.db"
wc_nginx_clear_log
wcx follow --delay 0 --per-host 2 "$T/drip.txt" 2>/dev/null
settle
ge "$(overlaps same)" 1 "control: with --per-host 2 a host does see overlapping requests"

# a Retry-After of ten years is cut to --max-interval, and feeds says so
WIRECOPY_DB="$T/decade.db"
echo "$U2/status/429-decade" >"$T/decade.txt"
wcx follow --delay 0 --max-interval 3600 "$T/decade.txt" 2>"$T/err"
is "$(col "next_fetch_at - last_fetch_at" "$U2/status/429-decade")" 3600 \
    "Retry-After of ten years: next due after --max-interval (3600 s), not in 2036"
like "$(cat "$T/err")" "next try .*, retry-after cut to --max-interval" "the run says why"
like "$(wcx feeds)" "error: .*waiting 3600 s \(--max-interval\), not the 315360000 s asked" \
    "feeds says so too"

# server-side request forgery: a redirect into another kind of network is refused
out=$(wcx feed "$U1/redirect/metadata" 2>&1); rc=$?
is "$rc" 1 "a redirect to the cloud metadata address: exit 1"
like "$out" "redirect from '$U1/redirect/metadata' to 'http://169.254.169.254/latest/meta-data/' refused: it leads to a link-local address \(169.254.169.254\)" \
    "refused before any connection, saying why"
out=$(wcx feed "$U1/redirect/lan" 2>&1)
like "$out" "refused: it leads to a private address \(\[fd00::1\]\)" "a redirect to a unique-local IPv6 address: refused"
out=$(wcx feed "$U1/redirect/host2" 2>&1); rc=$?
is "$rc:$(printf '%s' "$out" | grep -c refused)" "0:0" "a redirect within the first hop's kind of network (127.0.0.2): followed"
out=$(wcx feed --allow-private "$U1/redirect/metadata" 2>&1)
unlike "$out" "refused" "--allow-private: the hop is tried (and fails to connect here)"
WIRECOPY_DB="$T/ssrf.db"
echo "$U1/redirect/metadata" >"$T/ssrf.txt"
wcx follow --delay 0 "$T/ssrf.txt" >/dev/null 2>&1
like "$(col last_error "$U1/redirect/metadata")" "169.254.169.254.*refused: it leads to a link-local" \
    "follow refuses it too, the reason kept with the feed"

done_testing
