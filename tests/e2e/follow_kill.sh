#!/usr/bin/env bash
# follow_kill.sh - `wirecopy follow` stopped at the worst moment loses
# nothing: kill -9 in the middle of fetching article pages, and SIGTERM to
# `follow --watch`, then a rerun: every entry is stored exactly once, and a
# feed's new state (its validators) is only ever committed together with all
# of its entries. Also: --watch polls again when feeds fall due (with a
# conditional request) and sleeps in between.
# Real nginx on 127.0.0.1-2 serving pages slowly (2 KiB/s). Prints TAP.

. "$(dirname "$0")/lib.sh"
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
DATA=${WC_TEST_DATA:-$(cd "$(dirname "$0")/../data" && pwd)}/follow
. "$HELPERS/nginx.sh"

wc_nginx_available || skip_all "nginx not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"

cp -r "$DATA/site" "$T/www"
cat >"$T/extra.conf" <<EOF
location /drip/ { alias $T/www/; limit_rate 2k; gzip off; }
EOF
trap 'kill -9 $bg 2>/dev/null; wc_nginx_stop; _wc_cleanup' EXIT
bg=""
WC_NGINX_EXTRA="$T/extra.conf" WC_NGINX_ROOT="$T/www" WC_NGINX_ROBOTS="$DATA/robots" wc_nginx_start || {
    echo "Bail out! nginx did not start"
    exit 1
}
U1=$WC_NGINX_URL
U2=$WC_NGINX_URL2

plan 28

# Two teaser feeds (one per host) of N entries each; every entry's page is a
# distinct article of about 2 KiB, so each takes about a second to arrive.
N=6
make_site() { # dir
    local dir=$1 i
    mkdir -p "$T/www/$dir/p"
    {
        printf '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>%s</title><link>/%s/</link>\n' "$dir" "$dir"
        for i in $(seq 1 $N); do
            printf '<item><title>Story %s of %s</title><link>/drip/%s/p/%s.html</link><guid>%s-%s</guid><pubDate>Mon, 0%s Mar 2026 10:00:00 GMT</pubDate><description>Story %s in short&#8230;</description></item>\n' \
                "$i" "$dir" "$dir" "$i" "$dir" "$i" "$i" "$i"
            {
                printf '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story %s of %s</title></head><body>\n' "$i" "$dir"
                printf '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav><article><h1>Story %s of %s</h1>\n' "$i" "$dir"
                printf '<p>Report number %s from the %s desk opens with a count of %s boats, %s lorries and %s cranes seen at the harbour on a grey morning when the wind came from the north.</p>\n' "$i" "$dir" "$((i * 7))" "$((i * 13))" "$((i * 3))"
                printf '<p>Officials in district %s said the figures for week %s were the highest since records began, while traders on quay %s reported queues of %s minutes before noon.</p>\n' "$((i + 40))" "$((i + 10))" "$((i * 5))" "$((i * 11))"
                printf '<p>A spokesperson for the %s office added that item %s on the agenda, a plan costing %s thousand euros, would be put to a vote at the meeting on day %s.</p>\n' "$dir" "$i" "$((i * 97))" "$((i + 3))"
                printf '<p>Residents interviewed for story %s of %s gave mixed views: %s supported the plan, %s opposed it and the rest had not yet decided what to make of it.</p>\n' "$i" "$dir" "$((i * 17))" "$((i * 19))"
                for k in 1 2 3 4 5 6; do
                    printf '<p>In part %s of report %s, the %s desk notes that %s ships waited at anchor for %s hours and that %s of them carried grain, timber or steel bound for the mills upriver.</p>\n' \
                        "$k" "$i" "$dir" "$((i * k + 2))" "$((i + k * 6))" "$((k * 3 + i))"
                done
                printf '</article><footer>Copyright %s</footer></body></html>\n' "$dir"
            } >"$T/www/$dir/p/$i.html"
        done
        printf '</channel></rss>\n'
    } >"$T/www/$dir/feed.xml"
}
make_site alpha
make_site beta
printf '%s\n' "$U1/alpha/feed.xml" "$U2/beta/feed.xml" >"$T/list.txt"

pages_done() { awk -F'\t' '$8 ~ /^\/drip\/.*\.html$/ && $9 == 200 { n++ } END { print n + 0 }' "$WC_NGINX_LOG"; }
wait_pages() { # N: until N pages were served (at most 30 s)
    local i
    for i in $(seq 1 300); do
        [ "$(pages_done)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
# The invariant: a feed whose validators are stored has a row for each of its N entries.
consistent() {
    sql "SELECT count(*) FROM feeds f WHERE f.etag IS NOT NULL AND
         (SELECT count(*) FROM feed_entries e WHERE e.feed_id = f.id) <> $N"
}
exactly_once() {
    sql "SELECT (SELECT count(*) FROM feed_entries) || ' ' ||
                (SELECT count(*) FROM feed_entries WHERE doc_id IS NOT NULL) || ' ' ||
                (SELECT count(*) FROM documents) || ' ' ||
                (SELECT count(DISTINCT url) FROM documents)"
}

# --- kill -9 in the middle -------------------------------------------------------------------
"$WIRECOPY" follow --delay 0 "$T/list.txt" 2>"$T/err1" &
bg=$!
wait_pages 4
ok $? "the first run has fetched a few pages"
sleep 1.2 # let the pipeline commit some of them (it commits after a second of quiet)
kill -9 "$bg"
wait "$bg" 2>/dev/null
bg=""
is "$(sql 'PRAGMA integrity_check')" ok "after kill -9 the database is intact"
is "$(consistent)" 0 "no feed state committed without all its entries"
stored=$(sql "SELECT count(*) FROM documents")
# an entry's row is committed with or after its document, never before; a
# commit can fall between the two, so the rerun fetches what has no row
rows=$(sql "SELECT count(*) FROM feed_entries WHERE doc_id IS NOT NULL")
diag "kill -9 left $stored documents and $(sql 'SELECT count(*) FROM feed_entries') entry rows"
ge "$stored" "$rows" "no entry row without its document"
ge "$(( 2 * N - stored ))" 1 "the kill came before the end"
is "$(sql "SELECT count(*) FROM feed_entries e LEFT JOIN documents d ON d.id = e.doc_id WHERE d.id IS NULL")" 0 \
    "every entry row committed has its document"

wc_nginx_clear_log
"$WIRECOPY" follow --delay 0 "$T/list.txt" 2>"$T/err2"
is "$?" 0 "the rerun exits 0"
is "$(exactly_once)" "$((2 * N)) $((2 * N)) $((2 * N)) $((2 * N))" \
    "after the rerun every entry is stored exactly once"
is "$(pages_done)" "$((2 * N - rows))" "the rerun fetched only the pages of entries without a row"
is "$(consistent)" 0 "both feeds' states are stored"

# --- one-shot follow, Ctrl-C (SIGINT): 130 and a line saying what was stored ---------------------
WIRECOPY_DB="$T/int.db"
export WIRECOPY_DB
wc_nginx_clear_log
"$WIRECOPY" follow --delay 0 "$T/list.txt" 2>"$T/err_int" &
bg=$!
wait_pages 3
ok $? "interrupt: pages are being fetched"
kill -INT "$bg"
wait "$bg"
rc=$?
bg=""
is "$rc" 130 "interrupt: exit status 130"
said=$(sed -n 's/^wirecopy: interrupted: \([0-9]*\) articles\{0,1\} stored; run again to continue$/\1/p' "$T/err_int")
like "$said" "^[0-9]+$" "interrupt: says it was interrupted, how many articles are stored, to run again"
is "$said" "$(sql 'SELECT count(*) FROM documents')" "interrupt: the number said is what the database holds"

# --- follow --watch, SIGTERM ------------------------------------------------------------------
WIRECOPY_DB="$T/watch.db"
export WIRECOPY_DB
wc_nginx_clear_log
"$WIRECOPY" follow --watch --delay 0 "$T/list.txt" 2>"$T/err3" &
bg=$!
wait_pages 3
ok $? "watch: pages are being fetched"
kill -TERM "$bg"
for i in $(seq 1 100); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
wait "$bg"
rc=$?
bg=""
is "$rc" 0 "watch: SIGTERM ends it cleanly, with status 0"
is "$(sql 'PRAGMA integrity_check')" ok "watch: database intact"
ok "$(grep -q 'interrupted:' "$T/err3"; [ $? -ne 0 ]; echo $?)" "watch: a signal is its normal end, no 'interrupted' line"
fetched=$(sed -n 's/.* \([0-9]*\) pages fetched.*/\1/p' "$T/err3" | tail -1)
ge "${fetched:-0}" 1 "watch: the summary counts the pages fetched before the signal (${fetched:-none})"
is "$(sql 'SELECT count(*) FROM documents')" "${fetched:-x}" \
    "watch: every article fetched before the signal is stored"
is "$(consistent)" 0 "watch: no feed state committed without all its entries"
"$WIRECOPY" follow --delay 0 "$T/list.txt" 2>/dev/null
is "$(exactly_once)" "$((2 * N)) $((2 * N)) $((2 * N)) $((2 * N))" \
    "watch: after a rerun every entry is stored exactly once"

# --- follow --watch polls again when a feed falls due, and sees feeds added meanwhile -----------
WIRECOPY_DB="$T/poll.db"
"$WIRECOPY" feeds add --no-discover "$U1/gazette/feed.xml" >/dev/null
wc_nginx_clear_log
"$WIRECOPY" follow --watch --delay 0 --min-interval 1 --max-interval 2 2>"$T/err4" &
bg=$!
for i in $(seq 1 100); do
    [ "$(wc_nginx_requests /gazette/feed.xml)" -ge 1 ] && break
    sleep 0.1
done
# added while the watcher runs (no writer lock needed): picked up by its next round
"$WIRECOPY" feeds add --no-discover "$U2/coastal/atom.xml" >"$T/out4"
ok $? "feeds add works while follow --watch runs"
for i in $(seq 1 150); do
    [ "$(wc_nginx_requests /gazette/feed.xml)" -ge 3 ] && [ "$(wc_nginx_requests /coastal/atom.xml)" -ge 1 ] && break
    sleep 0.1
done
kill -TERM "$bg"
wait "$bg"
rc=$?
bg=""
is "$rc" 0 "watch: stops on SIGTERM while sleeping, status 0"
ge "$(wc_nginx_requests /gazette/feed.xml)" 3 "watch: the feed is polled again when due"
is "$(wc_nginx_field 9 /gazette/feed.xml | sed -n 2p)" 304 "watch: later polls are conditional (304)"
ge "$(wc_nginx_requests /coastal/atom.xml)" 1 "watch: a feed added meanwhile is polled"
is "$(sql "SELECT count(*) FROM documents WHERE url LIKE '%/coastal/news/%'")" 2 \
    "watch: and its articles are stored"

done_testing
