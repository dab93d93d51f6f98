#!/usr/bin/env bash
# noshared.sh - the suite passes on a clone with no ../shared beside it, as
# every user's clone has none: the tests that read the team's shared data
# (every test whose source names $WC_SHARED) are run from a fresh clone of
# this tree in a scratch folder, where ../shared does not exist, against
# this build's binaries. Each must end well, and say SKIP for what it could
# not run; none may fail or reach for the real ../shared. Prints TAP.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WC_BUILD:?WC_BUILD (the build folder) is set by tests/meson.build}

command -v git >/dev/null || skip_all "git not installed"
git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1 || skip_all "not a git checkout"
git clone -q "$SRC" "$T/clone/wirecopy" 2>"$T/err" || skip_all "git clone failed: $(head -1 "$T/err")"
C="$T/clone/wirecopy"
[ -e "$T/clone/shared" ] && { echo "Bail out! $T/clone/shared exists"; exit 1; }

# the tests that need the shared data, found by what their sources say
mapfile -t units < <(cd "$C/tests/unit" && grep -l 'WC_SHARED' test_*.c | sed 's/\.c$//' | sort)
mapfile -t e2es < <(cd "$C/tests/e2e" && grep -l 'WC_SHARED' ./*.sh | grep -v noshared | sed 's|^\./||' | sort)
plan $((1 + 2 * (${#units[@]} + ${#e2es[@]})))
ge "$((${#units[@]} + ${#e2es[@]}))" 4 "the tests that read ../shared are found (${units[*]} ${e2es[*]})"

noshared_env() {
    env WC_SHARED="$T/clone/shared" WC_TEST_DATA="$C/tests/data" WC_HELPERS="$C/tests/helpers" \
        CMOCKA_MESSAGE_OUTPUT=TAP "$@"
}
for u in "${units[@]}"; do
    out=$(noshared_env "$BUILD/tests/$u" 2>&1); rc=$?
    is "$rc:$(printf '%s\n' "$out" | grep -c '^not ok')" "0:0" "$u without ../shared: exit 0, no failure"
    like "$out" "# SKIP" "$u says what it skipped"
done
for e in "${e2es[@]}"; do
    out=$(cd "$C" && noshared_env bash "tests/e2e/$e" 2>&1); rc=$?
    is "$rc:$(printf '%s\n' "$out" | grep -c '^not ok')" "0:0" "$e without ../shared: exit 0, no failure"
    like "$out" "# SKIP" "$e says what it skipped"
done

done_testing
