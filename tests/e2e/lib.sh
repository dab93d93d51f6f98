# tests/e2e/lib.sh - TAP helpers for the end-to-end tests (sourced).
#
#   plan N                 print the plan line
#   ok COND_STATUS DESC    (use: cmd; ok $? "desc")
#   is GOT WANT DESC       string equality
#   ge GOT MIN DESC        integer GOT >= MIN
#   like TEXT REGEX DESC   grep -E match
#   skip_all REASON        plan 0 with a SKIP directive, exit 0
#   wcx ARGS...            run $WIRECOPY with the test's database
#   sql "SELECT ..."       one value from the test's database (sqlite3 shell)
#
# Every test gets a fresh directory $T (removed at exit) and a database
# $T/wc.db exported as WIRECOPY_DB.

set -u
: "${WIRECOPY:?WIRECOPY must point at the wirecopy binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/wc-e2e.XXXXXX")
export WIRECOPY_DB="$T/wc.db"
_n=0
_failed=0
_wc_cleanup() { rm -rf "$T"; }
trap _wc_cleanup EXIT

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

_report() { # status desc
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_n - $2"
    else
        echo "not ok $_n - $2"
        _failed=$((_failed + 1))
    fi
}
ok() { _report "$1" "$2"; }
is() {
    if [ "$1" = "$2" ]; then _report 0 "$3"; else
        _report 1 "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}
ge() {
    if [ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null; then _report 0 "$3"; else
        _report 1 "$3"
        echo "#   got:  '$1' (want >= $2)"
    fi
}
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then _report 0 "$3"; else
        _report 1 "$3"
        printf '%s\n' "$1" | head -20 | sed 's/^/#   /'
        echo "#   (no match for /$2/)"
    fi
}
unlike() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        _report 1 "$3"
        printf '%s\n' "$1" | grep -E -- "$2" | head -5 | sed 's/^/#   matched: /'
    else _report 0 "$3"; fi
}
diag() { echo "# $*"; }

wcx() { "$WIRECOPY" "$@"; }
sql() { sqlite3 -readonly "$WIRECOPY_DB" "$1"; }

done_testing() {
    [ "$_failed" -eq 0 ]
}
