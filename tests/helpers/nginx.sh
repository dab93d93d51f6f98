#!/usr/bin/env bash
# nginx.sh - a real nginx on loopback for wirecopy's tests and benchmarks.
#
# Starts Debian's nginx as an unprivileged-port server bound to 127.0.0.1
# (and 127.0.0.2, ... for more "hosts": every address of 127.0.0.0/8 is local
# on Linux, and a different address is a different host to the fetcher's
# per-host politeness), with a config generated from nginx.conf.in beside
# this file. Everything nginx writes stays in a temporary directory; no
# system nginx, root or port 80 is needed, and it works as root (workers run
# as root too, so they can read any checkout) or as a normal user.
#
# Two ways to use it.
#
# 1. Source it from a bash test:
#      . "$WC_HELPERS/nginx.sh"
#      wc_nginx_start || exit 1         # sets the variables below
#      curl "$WC_NGINX_URL/feed.xml"
#      wc_nginx_requests /feed.xml      # how many requests for that URI
#      wc_nginx_stop                    # also run from an EXIT trap (see below)
#
# 2. Run it as a command (C tests, benchmarks):
#      nginx.sh start DIR   starts nginx with DIR as its prefix (DIR must be an
#                           empty or absent directory), prints the variables
#                           below as NAME=VALUE lines and exits; nginx keeps
#                           running in the background
#      nginx.sh stop DIR    stops it
#    In this mode nginx also stops by itself when the process that ran
#    "nginx.sh start" exits (a watchdog polls it once a second; set
#    WC_NGINX_WATCH_PID to watch another pid, e.g. when started through
#    popen's sh -c), so a crashed test never leaves a server behind.
#
# Settings, read by wc_nginx_start / "start" from the environment:
#   WC_NGINX_HOSTS   number of host addresses, 127.0.0.1 .. 127.0.0.N (default 2, max 8)
#   WC_NGINX_ROOT    document root (default tests/data/www)
#   WC_NGINX_ROBOTS  directory of robots files named <address>.txt
#                    (default tests/data/www/robots); a host without one gets 404
#   WC_NGINX_EXTRA   a file of extra nginx directives included inside the
#                    server block (e.g. more `location` blocks for your test)
#   WC_NGINX_BIN     the nginx binary (default: nginx on $PATH, then /usr/sbin/nginx)
#
# Variables set by wc_nginx_start (and printed by "start"):
#   WC_NGINX_DIR     the prefix directory (config, pid, logs, generated files)
#   WC_NGINX_PORT    the TCP port, the same on every host address
#   WC_NGINX_URL     http://127.0.0.1:PORT        (no trailing slash)
#   WC_NGINX_URL2    http://127.0.0.2:PORT        (the second host)
#   WC_NGINX_LOG     the access log (format below)
#   WC_NGINX_GEN     directory of generated files served under /gen/
#
# Functions (sourced mode):
#   wc_nginx_start            start; returns non-zero (with a message on stderr)
#                             when nginx is missing or would not start. Sets
#                             `trap wc_nginx_stop EXIT` unless an EXIT trap exists
#                             (then call wc_nginx_stop from yours).
#   wc_nginx_stop             stop nginx and remove WC_NGINX_DIR; safe to call twice
#   wc_nginx_clear_log        empty the access log (nginx keeps appending to it)
#   wc_nginx_requests URI     print how many requests for exactly URI (path+query) were logged
#   wc_nginx_field N [URI]    print field N of every logged line (only those for URI)
#   wc_nginx_available        true when an nginx binary exists (use it to skip tests)
#
# Access log: one line per request, tab-separated fields:
#   1 msec (time the request ended, seconds with ms)  2 request_time (s, ms)
#   3 connection serial  4 request number on that connection  5 server address
#   6 server port  7 method  8 request URI  9 status  10 body bytes sent
#   11 User-Agent  12 If-None-Match  13 If-Modified-Since  14 Accept-Encoding  15 Host
# An absent header is "-". A request's start is field1 - field2. nginx writes
# quotes, backslashes and control bytes inside values as \xHH (an ETag
# "abc" is logged as \x22abc\x22): undo with sed 's/\\x22/"/g'.
#
# The special locations (redirects, 410, 429 with Retry-After, 503, slow and
# paced bodies, an oversized body, a gzip bomb, redirects to file:// and
# ftp://) are listed at the top of nginx.conf.in.

WC_NGINX_HELPERS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

wc_nginx_bin_() {
    if [ -n "${WC_NGINX_BIN:-}" ]; then
        printf '%s\n' "$WC_NGINX_BIN"
    elif command -v nginx >/dev/null 2>&1; then
        command -v nginx
    elif [ -x /usr/sbin/nginx ]; then
        printf '%s\n' /usr/sbin/nginx
    else
        return 1
    fi
}

wc_nginx_available() {
    wc_nginx_bin_ >/dev/null 2>&1
}

# Is something answering on ADDR:PORT? (bash's /dev/tcp, no extra tools)
wc_nginx_listening_() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Files the special locations serve, made at start so the repository keeps
# no large blobs: slow/ (1 byte/s), paced/ (just over 16 KiB each: nginx throttles in whole seconds, so about 1 s), big.bin (3 MiB,
# sent with a Content-Length), big.html (3 MiB of text, gzip-compressed on
# the fly so its length is unknown up front) and bomb.html.gz (64 MiB of
# spaces compressed to about 64 KiB).
wc_nginx_generate_() {
    local gen=$1 i line
    mkdir -p "$gen/slow" "$gen/paced" || return 1
    printf '<!doctype html><title>slow</title><p>%s</p>\n' \
        "this page arrives one byte per second" >"$gen/slow/page.html"
    cp "$gen/slow/page.html" "$gen/slow/feed.xml"
    line=$(printf '%0128d' 0)
    for i in 0 1 2 3 4 5 6 7; do
        {
            printf '<!doctype html><title>paced %s</title>\n' "$i"
            for _ in $(seq 1 127); do printf '%s\n' "$line"; done
        } >"$gen/paced/$i.html"
    done
    head -c $((3 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$gen/big.bin"
    {
        printf '<!doctype html><title>big</title>\n'
        for _ in $(seq 1 24576); do printf '<p>%s</p>\n' "$line"; done
    } >"$gen/big.html"
    head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' ' ' | gzip -9 >"$gen/bomb.html.gz"
}

# Kill nginx (pid file or given pid) and wait for it to go.
wc_nginx_kill_() {
    local dir=$1 pid i
    pid=$(cat "$dir/nginx.pid" 2>/dev/null || cat "$dir/master.pid" 2>/dev/null || true)
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# wc_nginx_launch_ DIR WATCHPID: generate, configure and start nginx in DIR;
# on success sets the WC_NGINX_* variables.
wc_nginx_launch_() {
    local dir=$1 watch=$2 bin hosts root robots extra user_line listen port try i pid ok
    local www="$WC_NGINX_HELPERS/../data/www"
    bin=$(wc_nginx_bin_) || {
        echo "nginx.sh: nginx not found (apt-get install nginx-light)" >&2
        return 1
    }
    www=$(cd "$www" && pwd) || return 1
    hosts=${WC_NGINX_HOSTS:-2}
    case $hosts in [1-8]) ;; *) echo "nginx.sh: WC_NGINX_HOSTS must be 1..8" >&2; return 1 ;; esac
    root=${WC_NGINX_ROOT:-$www}
    robots=${WC_NGINX_ROBOTS:-$www/robots}
    extra=""
    if [ -n "${WC_NGINX_EXTRA:-}" ]; then
        extra="        include $(cd "$(dirname "$WC_NGINX_EXTRA")" && pwd)/$(basename "$WC_NGINX_EXTRA");"
    fi
    user_line=""
    [ "$(id -u)" = 0 ] && user_line="user root root;"

    mkdir -p "$dir/tmp" || return 1
    dir=$(cd "$dir" && pwd)
    wc_nginx_generate_ "$dir/gen" || {
        echo "nginx.sh: cannot generate files in $dir/gen" >&2
        return 1
    }

    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        ok=1
        for i in $(seq 1 "$hosts"); do
            wc_nginx_listening_ "127.0.0.$i" "$port" && ok=0
        done
        [ $ok = 1 ] || continue
        listen=""
        for i in $(seq 1 "$hosts"); do
            listen+="        listen 127.0.0.$i:$port;"$'\n'
        done
        # Substitute with awk, not sed, so paths may hold any character.
        awk -v dir="$dir" -v root="$root" -v www="$www" -v gen="$dir/gen" \
            -v robots="$robots" -v user_line="$user_line" -v listen="${listen%$'\n'}" \
            -v extra="$extra" -v host2="127.0.0.2" '
            function sub_all(s, from, to,   out, i) {
                out = ""
                while ((i = index(s, from)) > 0) {
                    out = out substr(s, 1, i - 1) to
                    s = substr(s, i + length(from))
                }
                return out s
            }
            {
                s = $0
                s = sub_all(s, "@USER_LINE@", user_line)
                s = sub_all(s, "@LISTEN@", listen)
                s = sub_all(s, "@EXTRA@", extra)
                s = sub_all(s, "@DIR@", dir)
                s = sub_all(s, "@ROOT@", root)
                s = sub_all(s, "@WWW@", www)
                s = sub_all(s, "@GEN@", gen)
                s = sub_all(s, "@ROBOTS@", robots)
                s = sub_all(s, "@HOST2@", host2)
                print s
            }' "$WC_NGINX_HELPERS/nginx.conf.in" >"$dir/nginx.conf" || return 1
        : >"$dir/access.log"
        rm -f "$dir/nginx.pid"
        # daemon off + background: nginx stays our child while this shell
        # lives; its output goes to a file so it never holds a test's pipe.
        "$bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" \
            </dev/null >"$dir/stdout.log" 2>&1 &
        pid=$!
        echo "$pid" >"$dir/master.pid"
        for i in $(seq 1 100); do
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            if wc_nginx_listening_ 127.0.0.1 "$port" && [ -s "$dir/nginx.pid" ]; then
                WC_NGINX_DIR=$dir
                WC_NGINX_PORT=$port
                WC_NGINX_URL="http://127.0.0.1:$port"
                WC_NGINX_URL2="http://127.0.0.2:$port"
                WC_NGINX_LOG="$dir/access.log"
                WC_NGINX_GEN="$dir/gen"
                export WC_NGINX_DIR WC_NGINX_PORT WC_NGINX_URL WC_NGINX_URL2 WC_NGINX_LOG WC_NGINX_GEN
                if [ -n "$watch" ]; then
                    (
                        trap '' HUP
                        while kill -0 "$watch" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do
                            sleep 1
                        done
                        kill -TERM "$pid" 2>/dev/null
                    ) </dev/null >/dev/null 2>&1 &
                    disown 2>/dev/null || true
                fi
                return 0
            fi
            sleep 0.05
        done
        wc_nginx_kill_ "$dir"
        wait "$pid" 2>/dev/null
        # A port taken between our check and nginx's bind: try another.
        if grep -q "Address already in use" "$dir/error.log" "$dir/stdout.log" 2>/dev/null; then
            : >"$dir/error.log"
            continue
        fi
        echo "nginx.sh: nginx did not start; its messages:" >&2
        cat "$dir/error.log" "$dir/stdout.log" >&2 2>/dev/null
        return 1
    done
    echo "nginx.sh: no free port found" >&2
    return 1
}

wc_nginx_start() {
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/wc-nginx.XXXXXX") || return 1
    if ! wc_nginx_launch_ "$dir" "$$"; then
        rm -rf "$dir"
        return 1
    fi
    if [ -z "$(trap -p EXIT)" ]; then
        trap wc_nginx_stop EXIT
    fi
}

wc_nginx_stop() {
    [ -n "${WC_NGINX_DIR:-}" ] || return 0
    wc_nginx_kill_ "$WC_NGINX_DIR"
    rm -rf "$WC_NGINX_DIR"
    unset WC_NGINX_DIR
}

wc_nginx_clear_log() {
    : >"$WC_NGINX_LOG"
}

wc_nginx_requests() {
    awk -F'\t' -v uri="$1" '$8 == uri { n++ } END { print n + 0 }' "$WC_NGINX_LOG"
}

wc_nginx_field() {
    awk -F'\t' -v f="$1" -v uri="${2:-}" 'uri == "" || $8 == uri { print $f }' "$WC_NGINX_LOG"
}

# Command mode.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    case "${1:-}" in
    start)
        [ $# = 2 ] || { echo "usage: nginx.sh start DIR" >&2; exit 2; }
        wc_nginx_launch_ "$2" "${WC_NGINX_WATCH_PID:-$PPID}" || exit 1
        printf 'WC_NGINX_DIR=%s\nWC_NGINX_PORT=%s\nWC_NGINX_URL=%s\nWC_NGINX_URL2=%s\nWC_NGINX_LOG=%s\nWC_NGINX_GEN=%s\n' \
            "$WC_NGINX_DIR" "$WC_NGINX_PORT" "$WC_NGINX_URL" "$WC_NGINX_URL2" "$WC_NGINX_LOG" "$WC_NGINX_GEN"
        ;;
    stop)
        [ $# = 2 ] || { echo "usage: nginx.sh stop DIR" >&2; exit 2; }
        wc_nginx_kill_ "$2"
        ;;
    *)
        echo "usage: nginx.sh start DIR | nginx.sh stop DIR   (or source it)" >&2
        exit 2
        ;;
    esac
fi
