#!/usr/bin/env bash
# follow.sh - `wirecopy follow` and `wirecopy feeds` against a real nginx on
# 127.0.0.1/127.0.0.2 serving the outlets of tests/data/follow/site: a
# teaser RSS feed (Northgate Gazette), a teaser Atom feed (The Coastal
# Times) and a full-content RSS feed (Riverside Courier, on the second
# host), three of whose articles are one wire story. Everything is asserted
# from nginx's access log and the database. Prints TAP.

. "$(dirname "$0")/lib.sh"
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
DATA=${WC_TEST_DATA:-$(cd "$(dirname "$0")/../data" && pwd)}/follow
. "$HELPERS/nginx.sh"

wc_nginx_available || skip_all "nginx not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

# The site is copied so the test can change feeds between runs.
cp -r "$DATA/site" "$T/www"
cp -r "$DATA/robots" "$T/robots"
trap 'wc_nginx_stop; _wc_cleanup' EXIT
WC_NGINX_ROOT="$T/www" WC_NGINX_ROBOTS="$T/robots" wc_nginx_start || {
    echo "Bail out! nginx did not start"
    exit 1
}
U1=$WC_NGINX_URL
U2=$WC_NGINX_URL2

plan 63

cat >"$T/news.txt" <<EOF
# three outlets
$U1/gazette/feed.xml Northgate Gazette
$U1/coastal/atom.xml
$U2/courier/feed.xml
EOF

# nginx logs a request just after answering it: give it a moment.
settle() { sleep 0.3; }
# requests for URI (path) on any host
reqs() { settle; wc_nginx_requests "$1"; }
fol() { wcx follow --delay 0 "$@" 2>"$T/err"; }

# --- first run ------------------------------------------------------------------------
fol "$T/news.txt"
is "$?" 0 "first run exits 0"
like "$(cat "$T/err")" "3 feeds fetched, 0 not modified, 0 failed; 7 new articles \(2 copies found\)" \
    "summary: feeds fetched, articles new, copies found"
is "$(sql "SELECT count(*) FROM feeds WHERE state = 'active'")" 3 "the list's feeds are remembered"
is "$(sql "SELECT count(DISTINCT list_origin) FROM feeds")" 1 "with the list they came from"
like "$(sql "SELECT list_origin FROM feeds LIMIT 1")" "news.txt$" "list_origin names the list file"
is "$(sql "SELECT title FROM feeds WHERE url LIKE '%courier%'")" "Riverside Courier" \
    "a feed's own title is stored"

# teasers: pages fetched; full content: not
is "$(reqs /gazette/2026/port-strike.html)" 1 "teaser RSS entry: article page fetched"
is "$(reqs /coastal/news/herring-season.html)" 1 "teaser Atom entry ('Continue reading'): page fetched"
is "$(settle; awk -F'\t' '$8 ~ /^\/courier\/2026\// { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 0 \
    "full-content feed: no article page requested"
is "$(sql "SELECT fetch_pages FROM feeds WHERE url LIKE '%gazette%'")" 1 "teaser feed remembered (fetch_pages 1)"
is "$(sql "SELECT fetch_pages FROM feeds WHERE url LIKE '%courier%'")" 0 "full feed remembered (fetch_pages 0)"
is "$(sql "SELECT count(*) FROM documents WHERE source = 'page'")" 5 "five documents from pages"
is "$(sql "SELECT count(*) FROM documents WHERE source = 'feed'")" 2 "two documents from feed content"
is "$(sql "SELECT count(*) FROM documents WHERE feed_id IS NULL")" 0 "every document knows its feed"

# robots.txt: the members' page is disallowed for wirecopy
is "$(reqs /gazette/members/interview.html)" 0 "robots.txt disallow honoured for article pages"
ge "$(reqs /robots.txt)" 1 "robots.txt was read"
is "$(sql "SELECT count(*) FROM feed_entries WHERE entry_key = 'gazette-1001'")" 1 \
    "the disallowed entry is still recorded (never fetched again)"
like "$(cat "$T/err")" "members/interview.html.*disallowed by robots.txt" "and reported"

# extraction and metadata
text=$(sql "SELECT text FROM documents WHERE url LIKE '%gazette/2026/council-budget.html'")
like "$text" "^Northgate's councillors approved" "page text extracted (starts with the article)"
unlike "$text" "Share on Facebook|Parking charges|All rights reserved" "page boilerplate gone"
is "$(sql "SELECT site FROM documents WHERE url LIKE '%childrens-ward%'")" "Riverside Courier" \
    "feed content: site from the feed's title"
is "$(sql "SELECT author FROM documents WHERE url LIKE '%childrens-ward%'")" "Hannah Lowe" \
    "feed content: author from the entry"
is "$(sql "SELECT datetime(published_at, 'unixepoch') FROM documents WHERE url LIKE '%herring%'")" \
    "2026-04-07 10:20:00" "published time kept"

# the wire story: three outlets, one cluster
is "$(sql "SELECT count(DISTINCT cluster_id) FROM documents WHERE text LIKE 'Dock workers at the Port of Halvern%' OR text LIKE '%Dock workers at the Port of Halvern returned%'")" 1 \
    "syndicated copies across feeds end in one cluster"
is "$(sql "SELECT size FROM clusters ORDER BY size DESC LIMIT 1")" 3 "the cluster has the three copies"
is "$(sql "SELECT count(*) FROM clusters WHERE size = 1")" 4 "the other stories stand alone"
is "$(sql "SELECT count(*) FROM feed_entries WHERE doc_id IS NOT NULL AND state = 'stored'")" 7 \
    "each stored entry points at its document"

# --- second run: conditional GET --------------------------------------------------------
stored_etag=$(sql "SELECT etag FROM feeds WHERE url LIKE '%gazette%'")
wc_nginx_clear_log
fol --now "$T/news.txt"
is "$?" 0 "second run (--now) exits 0"
settle
is "$(awk -F'\t' '$9 == 304 { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 3 "every feed answered 304"
is "$(awk -F'\t' '$12 != "-" && $13 != "-" { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 3 \
    "with If-None-Match and If-Modified-Since sent"
etag=$(wc_nginx_field 12 /gazette/feed.xml | tail -1 | sed 's/\\x22/"/g')
is "$etag" "$stored_etag" "the ETag stored by the first run is what was sent"
is "$(awk 'END { print NR }' "$WC_NGINX_LOG")" 3 "a 304 costs nothing else (no page, no robots.txt)"
like "$(cat "$T/err")" "0 feeds fetched, 3 not modified" "summary counts not-modified feeds"

# --- not due: nothing ---------------------------------------------------------------------
wc_nginx_clear_log
fol "$T/news.txt"
is "$(reqs /gazette/feed.xml)" 0 "without --now a feed that is not due is not requested"
next=$(sql "SELECT next_fetch_at - last_fetch_at FROM feeds WHERE url LIKE '%gazette%'")
ge "$next" 900 "next due at least the minimum interval (15 min) after the fetch"

# --- a new entry: only it is fetched ---------------------------------------------------------
cp "$T/www/gazette/feed-v2.xml" "$T/www/gazette/feed.xml"
wc_nginx_clear_log
fol --now "$T/news.txt"
is "$?" 0 "run with a changed feed exits 0"
like "$(cat "$T/err")" "follow: 1 feed fetched, 2 not modified, 0 failed; 1 new article \(0 copies found\).* 1 page fetched" \
    "summary in the singular for one feed, article, page"
is "$(reqs /gazette/feed.xml)" 1 "the changed feed is fetched"
is "$(settle; awk -F'\t' '$8 ~ /^\/gazette\/2026\// { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 1 \
    "only the new entry's page is fetched; entries seen before are not"
is "$(reqs /gazette/2026/ferry-service.html)" 1 "the new entry's page"
is "$(sql "SELECT count(*) FROM documents")" 8 "one document more"

# --- the same links in another feed: no fetch, rows point at the stored documents ------------
sed "s#<link>/gazette/#<link>$U1/gazette/#" "$T/www/gazette/feed.xml" >"$T/www/gazette/mirror.xml"
echo "$U2/gazette/mirror.xml" >"$T/mirror.txt"
wc_nginx_clear_log
fol "$T/mirror.txt"
is "$(settle; awk -F'\t' '$8 ~ /^\/gazette\/2026\// { n++ } END { print n + 0 }' "$WC_NGINX_LOG")" 0 \
    "links stored from another feed are not fetched again"
is "$(sql "SELECT count(*) FROM feed_entries e JOIN feeds f ON f.id = e.feed_id WHERE f.url LIKE '%mirror%' AND e.doc_id IS NOT NULL")" 4 \
    "the mirror's entries point at the stored documents"
is "$(sql "SELECT count(*) FROM documents")" 8 "and nothing is stored twice"

# --- a malformed feed: what can be recovered, a clear error, earlier articles stay -----------
before=$(sql "SELECT count(*) FROM documents WHERE url LIKE '%courier%'")
cp "$T/www/courier/feed-broken.xml" "$T/www/courier/feed.xml"
fol --now "$T/news.txt"
like "$(cat "$T/err")" "feed '$U2/courier/feed.xml': malformed feed, 2 entries recovered" \
    "a malformed feed is reported with its URL"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE '%tram-extension%'")" 1 \
    "the entry that could be recovered is stored"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE '%courier%'")" "$((before + 1))" \
    "the feed's earlier articles stay"
like "$(sql "SELECT last_error FROM feeds WHERE url LIKE '%courier%'")" "^malformed feed" \
    "the error is kept with the feed"

# --- feeds: list, add (autodiscovery), remove ---------------------------------------------
out=$(wcx feeds)
like "$out" "ID +STATE +LAST FETCH +STATUS +NEXT DUE +ERRORS +ARTICLES +URL" "feeds prints a table"
like "$out" "error: malformed feed" "with the last error"
is "$(wcx feeds --tsv | awk -F'\t' 'NR > 1 && $2 ~ /coastal/ { print $4 "|" $6 "|" $8 }')" "active|304|0" \
    "feeds --tsv: state, last status, errors"
WIRECOPY_DB="$T/other.db" wcx feeds add "$U1/gazette/" >"$T/out" 2>"$T/err"
like "$(cat "$T/out")" "added feed 1: $U1/gazette/feed.xml \(Northgate Gazette: latest\)" \
    "feeds add on a web page finds its feed (<link rel=alternate>)"
WIRECOPY_DB="$T/other.db" wcx feeds remove "$U1/gazette/feed.xml" >/dev/null
is "$(sqlite3 "$T/other.db" "SELECT count(*) FROM feeds")" 0 "feeds remove"
cid=$(sql "SELECT id FROM feeds WHERE url LIKE '%coastal%'")
out=$(wcx feeds remove "$cid" 2>&1); rc=$?
is "$rc" 0 "feeds remove ID (the first column of \`wirecopy feeds\`)"
like "$out" "removed .*/coastal/atom.xml" "says which feed it removed"
is "$(sql "SELECT count(*) FROM feeds WHERE id = $cid")" 0 "the feed with that id is gone"
out=$(wcx feeds remove 999 2>&1); rc=$?
is "$rc:$out" "1:wirecopy: error: no feed with id 999 (see \`wirecopy feeds\`)" "an unknown id: exit 1, says so"

# --- an empty feed: nothing to take (UBSan once caught qsort(NULL, 0) here) -------------------
mkdir -p "$T/www/empty"
cat >"$T/www/empty/feed.xml" <<'EOF2'
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Quiet Outlet</title><link>http://quiet.example/</link></channel></rss>
EOF2
echo "$U1/empty/feed.xml" >"$T/empty.txt"
WIRECOPY_DB="$T/empty.db" wcx follow --delay 0 "$T/empty.txt" 2>"$T/err"
is "$?" 0 "an empty feed: follow exits 0"
like "$(cat "$T/err")" "1 feed fetched, 0 not modified, 0 failed; 0 new articles" "and takes no article"

# a feed list that names no feed is a failure, not a quiet empty run
printf '<?xml version="1.0"?><opml version="2.0"><head><title>Mine' >"$T/cut.opml"
out=$(WIRECOPY_DB="$T/lists.db" wcx follow "$T/cut.opml" 2>&1); rc=$?
is "$rc" 1 "a cut OPML with no feed in it: exit 1"
like "$out" "cannot read feed list '.*cut.opml': malformed OPML, no feed" "saying why"
printf 'garbage\nmore garbage\n' >"$T/junk.txt"
out=$(WIRECOPY_DB="$T/lists.db" wcx follow "$T/junk.txt" 2>&1); rc=$?
is "$rc" 1 "a text list with no URL on any line: exit 1"
like "$out" "feed list '.*junk.txt' names no feed: 2 lines held no http\(s\) URL" "saying why"

done_testing
