#!/usr/bin/env bash
# terminal.sh - text from outside (a JSONL title, a feed's own title, a file
# name) never reaches the terminal raw: the listing commands, `show`, `feeds`
# and the error messages print its control characters as visible escapes, so
# a title such as "\e]0;HIJACK\a\e[2J" cannot retitle or clear the terminal.
# Prints TAP.
. "$(dirname "$0")/lib.sh"
HELPERS=${WC_HELPERS:-$(cd "$(dirname "$0")/../helpers" && pwd)}
. "$HELPERS/nginx.sh"

plan 16

# control bytes (C0 but tab and line feed, DEL) and UTF-8 C1 controls in stdin
controls() { LC_ALL=C tr -d -c '\001-\010\013-\037\177' | wc -c; }
c1() { LC_ALL=C grep -c $'\xc2[\x80-\x9f]'; }

body='The harbour board approved the new quay on Monday after two years of work on its foundations, and the first ships are due in May.'
printf '{"id": "h1", "url": "http://a.example/h1", "title": "\\u001b]0;HIJACK\\u0007\\u001b[2JQuay \\u009b31m opens", "text": "%s"}\n' \
    "$body" >"$T/a.jsonl"
printf '{"id": "h2", "url": "http://b.example/h2\\u001b[2J", "title": "Quay opens", "text": "%s"}\n' \
    "$body" >>"$T/a.jsonl"
wcx ingest "$T/a.jsonl" >/dev/null 2>&1
is "$?" 0 "a JSONL with control characters in a title and a URL is ingested"
is "$(sql "SELECT count(*) FROM documents WHERE instr(url, char(27)) > 0")" 1 \
    "the URL is stored as it came (escaping is for the terminal only)"

out=$(wcx clusters --min-size 1 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "clusters: no control byte reaches the terminal"
like "$out" ' \]0;HIJACK\[2JQuay .31m opens' "clusters: the title, its controls dropped by the JSONL repair"
cid=$(sql "SELECT cluster_id FROM documents WHERE id = (SELECT min(id) FROM documents)")
out=$(wcx show "$cid" 2>&1)
is "$(printf '%s' "$out" | controls):$(printf '%s' "$out" | c1)" "0:0" "show: no C0 or C1 control reaches the terminal"
like "$out" 'http://b.example/h2\\x1b\[2J' "show: a URL's controls as visible escapes"
out=$(wcx clusters --min-size 1 --tsv 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "clusters --tsv: none either"
out=$(wcx stories --min-size 1 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "stories: none either"

# a file name in an error message
bad="$T/$(printf 'x\033[2Jy')".jsonl
out=$(wcx ingest "$bad" 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "an error naming a file with an escape in its name prints none"
like "$out" 'x\\x1b\[2Jy\.jsonl' "and shows it escaped"

# a path longer than an error message: its start and the reason stay, the middle goes
long=$T; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do long="$long/$(printf 'd%.0s' $(seq 250))"; done
out=$(wcx ingest "$long/missing.jsonl" 2>&1)
like "$out" "^wirecopy: cannot open '$T/ddd.* \.\.\. ddd.*/missing\.jsonl': No such file or directory" \
    "an error naming a 3,000-byte path keeps the reason"
ge "$(printf '%s' "$out" | head -1 | wc -c)" 400 "and most of the path"

# a remote feed's own title (JSON Feed), through follow and feeds
if ! wc_nginx_available; then
    for i in 1 2 3 4; do echo "ok $((12 + i)) # SKIP nginx not installed"; done
    exit 0
fi
mkdir -p "$T/www"
cat >"$T/www/feed.json" <<'JSON'
{"version": "https://jsonfeed.org/version/1.1", "title": "\u001b]0;HIJACK\u0007\u001b[2JEvil Feed",
 "items": [{"id": "1", "url": "http://127.0.0.1/none", "title": "\u001b[2JItem",
            "content_text": "The harbour board approved the new quay on Monday after two years of work."}]}
JSON
trap 'wc_nginx_stop; _wc_cleanup' EXIT
WC_NGINX_ROOT="$T/www" wc_nginx_start || {
    echo "Bail out! nginx did not start"
    exit 1
}
echo "$WC_NGINX_URL/feed.json" >"$T/list.txt"
out=$(WIRECOPY_DB="$T/f.db" wcx follow --delay 0 "$T/list.txt" 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "follow: a feed's hostile title prints no control byte"
out=$(WIRECOPY_DB="$T/f.db" wcx feeds 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "feeds: none either"
like "$out" '\\x1b\]0;HIJACK\\x07\\x1b\[2JEvil Feed' "feeds: the title shown escaped"
out=$(WIRECOPY_DB="$T/f.db" wcx clusters --min-size 1 2>&1)
is "$(printf '%s' "$out" | controls)" 0 "clusters of the feed's entries: none either"

done_testing
