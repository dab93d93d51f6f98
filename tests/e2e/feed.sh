#!/usr/bin/env bash
# feed.sh - `wirecopy feed`: files, stdin, the HTTP context options, a real
# HTTP server on 127.0.0.1 for URL arguments (size cap, redirects, errors),
# and the exit codes for what is not a feed. URLs are fetched with the
# fetcher's policy (wc_fetch_one), checked against the loopback nginx of
# tests/helpers/nginx.sh: its User-Agent, no robots.txt for a feed, the
# final URL, Content-Type charset and Content-Location of the response.
. "$(dirname "$0")/lib.sh"

D="$WC_TEST_DATA/feed"
# jget JSON-FILE PYTHON-EXPR: evaluate an expression over the parsed JSON `j`
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print("null" if v is None else v)' "$1" "$2"; }

plan 49

wcx feed "$D/rss2.xml" --url https://news.example.org/feed.xml >"$T/o.json"; ok $? "an RSS 2.0 file parses"
is "$(jget "$T/o.json" 'j["format"]')" rss "format is rss"
is "$(jget "$T/o.json" 'j["link"]')" "https://news.example.org/" "feed link resolved against --url"
is "$(jget "$T/o.json" 'len(j["entries"])')" 2 "both entries"
is "$(jget "$T/o.json" 'j["entries"][0]["published"]')" "2024-05-01T09:00:00Z" "dates are ISO 8601 UTC"
is "$(jget "$T/o.json" 'j["entries"][0]["enclosures"][0]["length"]')" 12345 "enclosure length is an integer"
is "$(jget "$T/o.json" 'j["bozo"]')" False "a clean feed is not bozo"

wcx feed - <"$D/atom10.xml" >"$T/o.json"; ok $? "stdin with -"
is "$(jget "$T/o.json" 'j["format"]')" atom "format is atom"
is "$(jget "$T/o.json" 'j["entries"][0]["link"]')" "http://example.com/blog/2024/post.html" "nested xml:base"

wcx feed "$D/feed.json" --url https://json.example.net/feed.json >"$T/o.json"; ok $? "JSON Feed parses"
is "$(jget "$T/o.json" 'j["entries"][0]["link"]')" "https://json.example.net/posts/1" "JSON item url resolved"

wcx feed "$D/rss1.rdf" >"$T/o.json"; ok $? "RSS 1.0 parses"
is "$(jget "$T/o.json" 'j["format"]')" rdf "format is rdf"

wcx feed "$D/wrongdecl.xml" --content-type 'text/xml; charset=utf-8' >"$T/o.json"; ok $? "--content-type"
is "$(jget "$T/o.json" 'j["encoding"]')" utf-8 "the HTTP charset beats the XML declaration"

wcx feed "$D/rss2.xml" --url http://a.example/x/feed --content-location http://b.example/y/ >"$T/o.json"
is "$(jget "$T/o.json" 'j["link"]')" "http://b.example/" "--content-location is the base"
printf '{"Content-Location": "http://c.example/z/", "Content-Type": "text/xml"}' >"$T/h.json"
FEED_HEADERS_JSON="$T/h.json" wcx feed "$D/rss2.xml" --url http://a.example/ >"$T/o.json"
is "$(jget "$T/o.json" 'j["link"]')" "http://c.example/" "headers from \$FEED_HEADERS_JSON"
out=$(wcx feed --headers "$T/nope.json" "$D/rss2.xml" 2>&1); rc=$?
is "$rc" 1 "--headers naming a missing file fails (exit 1), it is not ignored"
like "$out" "error: cannot use the headers file '$T/nope.json'" "and says which file"
echo '["not", "an object"]' >"$T/arr.json"
out=$(wcx feed --headers "$T/arr.json" "$D/rss2.xml" 2>&1); rc=$?
is "$rc:$(echo "$out" | grep -c 'not a JSON object')" "1:1" "--headers with a JSON array fails, says why"
FEED_HEADERS_JSON="$T/nope.json" wcx feed "$D/rss2.xml" >/dev/null 2>&1
is "$?" 0 "a missing \$FEED_HEADERS_JSON file only warns (the harness sets it for every run)"

wcx feed "$D/malformed.xml" >"$T/o.json"; ok $? "a malformed feed still exits 0"
is "$(jget "$T/o.json" 'j["bozo"]')" True "and is bozo"
is "$(jget "$T/o.json" 'len(j["entries"])')" 3 "with every entry recovered"

out=$(wcx feed "$D/page.html" --url http://www.example.com/news/ 2>&1); is $? 1 "an HTML page is not a feed: exit 1"
like "$out" "HTML page" "the message says what it is"
like "$out" "http://www.example.com/section/feed.rss" "and names the feeds the page announces"
out=$(wcx feed "$D/page.html" 2>&1)
like "$out" "no feed in '$D/page.html'" "without --url the message names the file"
unlike "$out" "<input>" "not '<input>'"
: >"$T/empty.xml"
out=$(wcx feed "$T/empty.xml" 2>&1); rc=$?
is "$rc" 1 "an empty file: exit 1"
like "$(wcx feed - <"$T/empty.xml" 2>&1)" "no feed in 'stdin'" "stdin is called stdin"
out=$(wcx feed "$T/missing.xml" 2>&1); is $? 1 "a missing file: exit 1"
like "$out" "missing.xml" "the message names the file"
wcx feed >/dev/null 2>&1; is $? 2 "no argument is a usage error"
wcx feed a b >/dev/null 2>&1; is $? 2 "two arguments are a usage error"

# a real HTTP server on loopback for URL arguments
mkdir -p "$T/www"
cp "$D/rss2.xml" "$T/www/feed.xml"
head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/www/huge.xml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$T/www" >"$T/http.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

wcx feed "http://127.0.0.1:$port/feed.xml" >"$T/o.json"; ok $? "an http URL is fetched"
is "$(jget "$T/o.json" 'j["link"]')" "http://127.0.0.1:$port/" "links resolve against the fetched URL"
like "$(cat "$T/http.log")" "GET /feed.xml" "the server saw the request"
out=$(wcx feed "http://127.0.0.1:$port/nope.xml" 2>&1); is $? 1 "HTTP 404: exit 1"
out=$(wcx feed "http://127.0.0.1:$port/huge.xml" 2>&1); rc=$?
is "$rc:$(echo "$out" | grep -c 'larger than')" "1:1" "a body over the cap is cut with a clear error"

# the loopback nginx: what the fetcher's policy means for a feed
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
. "$HELPERS/nginx.sh"
cat >"$T/extra.conf" <<EOF
location = /elsewhere/feed.xml {
    alias $WC_TEST_DATA/www/feed.xml;
    add_header Content-Location "http://mirror.example/feeds/feed.xml";
}
EOF
if wc_nginx_available && WC_NGINX_EXTRA="$T/extra.conf" wc_nginx_start; then
    trap 'kill $srv 2>/dev/null; wc_nginx_stop; rm -rf "$T"' EXIT
    NG=$WC_NGINX_URL
    wcx feed "$NG/feed.xml" >"$T/o.json"; ok $? "nginx: a feed is fetched"
    sleep 0.2
    like "$(wc_nginx_field 11 /feed.xml)" '^wirecopy/.* \(\+https://github.com/wirecopy/wirecopy\)$' "nginx: with the fetcher's User-Agent"
    wcx feed "$NG/nocopy/secret.html" >/dev/null 2>&1
    sleep 0.2
    is "$(wc_nginx_requests /robots.txt):$(wc_nginx_requests /nocopy/secret.html)" "0:1" \
        "nginx: robots.txt is not consulted for a feed (a path it disallows is fetched)"
    wcx feed "$NG/redirect/other-host/feed.xml" >"$T/o.json"
    is "$(jget "$T/o.json" 'j["entries"][0]["link"]')" "$WC_NGINX_URL2/page.html" \
        "nginx: links resolve against the URL the redirect led to"
    wcx feed "$NG/elsewhere/feed.xml" >"$T/o.json"
    is "$(jget "$T/o.json" 'j["entries"][0]["link"]')" "http://mirror.example/page.html" \
        "nginx: the response's Content-Location is the base"
    wcx feed "$NG/charset/feed.xml" >"$T/o.json"
    is "$(jget "$T/o.json" 'j["encoding"]')" windows-1251 "nginx: the charset of the response's Content-Type"
    out=$(wcx feed "$NG/redirect/ftp" 2>&1); rc=$?
    is "$rc:$(echo "$out" | grep -c "to 'ftp://127.0.0.1/pub/feed.xml' refused: only http and https")" "1:1" \
        "nginx: a redirect to ftp:// is refused (exit 1), naming it"
    out=$(wcx feed "$NG/bomb.html" 2>&1); rc=$?
    is "$rc:$(echo "$out" | grep -c 'larger than the 33554432-byte cap (decoded)')" "1:1" \
        "nginx: a gzip bomb stops at the cap on decoded bytes (exit 1)"
else
    for i in 1 2 3 4 5 6 7 8; do ok 0 "nginx # SKIP nginx not installed or would not start"; done
fi
done_testing
