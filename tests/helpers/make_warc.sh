#!/bin/bash
# make_warc.sh OUTDIR [NAME] - record a small site with a real `wget --warc-file`.
#
# Starts tests/helpers/warc_site_server.py (Python's http.server with a few
# hand-shaped responses: a latin-1 page whose charset is only in the HTTP
# header, a chunked + gzip page, a redirect, a 404, a stylesheet and an
# image) on a free port of 127.0.0.1, crawls it recursively with wget twice
# (OUTDIR/NAME.warc.gz, one gzip member per record, and OUTDIR/NAME.warc,
# uncompressed), stops the server and prints the port it used.
# Exit 77 (the "skip" of automake and meson) when wget or python3 is missing.
set -euo pipefail

out=${1:?usage: make_warc.sh OUTDIR [NAME]}
name=${2:-site}
here=$(cd "$(dirname "$0")" && pwd)

command -v wget >/dev/null || { echo "make_warc.sh: wget not found" >&2; exit 77; }
command -v python3 >/dev/null || { echo "make_warc.sh: python3 not found" >&2; exit 77; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

python3 "$here/warc_site_server.py" --root "$tmp/site" --port-file "$tmp/port" &
pid=$!
for _ in $(seq 1 100); do
    [ -s "$tmp/port" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "make_warc.sh: server died" >&2; exit 1; }
    sleep 0.05
done
[ -s "$tmp/port" ] || { echo "make_warc.sh: server did not start" >&2; exit 1; }
port=$(cat "$tmp/port")
url="http://127.0.0.1:$port/index.html"

# Does every request record in the WARC $1 have its response?
complete() {
    local n_req n_resp
    if [[ $1 == *.gz ]]; then
        n_req=$(zcat "$1" | grep -ac '^WARC-Type: request') || true
        n_resp=$(zcat "$1" | grep -ac '^WARC-Type: response') || true
    else
        n_req=$(grep -ac '^WARC-Type: request' "$1") || true
        n_resp=$(grep -ac '^WARC-Type: response' "$1") || true
    fi
    [ "$n_req" -gt 0 ] && [ "$n_req" -eq "$n_resp" ]
}

crawl() {
    # wget exits 8 when some response was an error (our 404): that is
    # expected. Python's http.server now and then drops a connection on a
    # busy machine ("No data received", exit 4); wget's own retry would
    # leave the failed attempt's request record in the WARC, so the whole
    # crawl is done again instead, from an empty file.
    # $1: the file it writes (.warc.gz or .warc); the rest: wget's options
    local file=$1 attempt rc
    shift
    for attempt in 1 2 3 4 5; do
        rm -f "$file"
        rc=0
        wget --recursive --level=3 --page-requisites --no-verbose --tries=1 --timeout=10 \
            --no-proxy --directory-prefix="$tmp/mirror" "$@" "$url" \
            >"$tmp/wget.log" 2>&1 || rc=$?
        rm -rf "$tmp/mirror"
        if [ "$rc" -eq 0 ] || [ "$rc" -eq 8 ]; then
            # a dropped robots.txt answer is not an error to wget: it leaves a
            # request record without its response; then crawl again too
            complete "$file" && return 0
            echo "make_warc.sh: a request without its response (attempt $attempt)" >&2
            continue
        fi
        echo "make_warc.sh: wget failed with $rc (attempt $attempt)" >&2
        [ "$rc" -eq 4 ] || break
    done
    cat "$tmp/wget.log" >&2
    exit 1
}

crawl "$out/$name.warc.gz" --warc-file="$out/$name"
crawl "$out/$name.warc" --warc-file="$out/$name" --no-warc-compression
echo "$port"
