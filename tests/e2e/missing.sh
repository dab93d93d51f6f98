#!/usr/bin/env bash
# missing.sh - nothing missing passes: an extraction page without its
# NAME.expected.txt is a failing case (not a silently dropped one), a
# missing case folder fails, and a fuzz target whose corpus is missing or
# empty fails its replay instead of skipping. Runs this build's test
# binaries over scratch folders. Prints TAP.
. "$(dirname "$0")/lib.sh"
BUILD=${WC_BUILD:?WC_BUILD (the build folder) is set by tests/meson.build}
plan 6

mkdir -p "$T/data/extract"
cp "$WC_TEST_DATA/extract/basic.html" "$WC_TEST_DATA/extract/basic.expected.txt" "$T/data/extract/"
cp "$WC_TEST_DATA/extract/basic.html" "$T/data/extract/orphan.html"
out=$(WC_TEST_DATA="$T/data" CMOCKA_MESSAGE_OUTPUT=TAP "$BUILD/tests/test_extract_cases" 2>&1); rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "a page without its .expected.txt fails the extraction cases"
like "$out" "not ok [0-9]+ - orphan" "as its own failing case"
like "$out" "ok [0-9]+ - basic" "while the complete case still passes"
out=$(WC_TEST_DATA="$T/none" CMOCKA_MESSAGE_OUTPUT=TAP "$BUILD/tests/test_extract_cases" 2>&1); rc=$?
is "$rc:$(printf '%s' "$out" | grep -c '^not ok')" "1:1" "a missing case folder fails"

if [ ! -x "$BUILD/fuzz/replay_warc" ]; then # a -Dfuzz=true build has libFuzzer targets instead
    echo "ok 5 # SKIP no replay binaries in a fuzzing build"
    echo "ok 6 # SKIP no replay binaries in a fuzzing build"
    exit 0
fi
out=$("$BUILD/fuzz/replay_warc" "$T/no-corpus" 2>&1); rc=$?
is "$rc:$(printf '%s' "$out" | grep -c '^not ok')" "1:1" "a fuzz replay without its corpus fails"
mkdir "$T/empty"
out=$("$BUILD/fuzz/replay_warc" "$T/empty" 2>&1); rc=$?
is "$rc:$(printf '%s' "$out" | grep -c '^not ok')" "1:1" "and with an empty one"

done_testing
