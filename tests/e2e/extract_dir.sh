#!/bin/bash
# extract_dir.sh - `wirecopy extract DIR --out-dir OUT`: every .html/.htm
# below DIR becomes OUT/<relative name>.txt (or .json/.md), with worker
# threads, the same results whatever -j is, pages without an article
# skipped and counted, unreadable pages reported with exit 1.
# Prints TAP. Needs $WIRECOPY and $WC_TEST_DATA.

set -u
W=${WIRECOPY:?}
D=${WC_TEST_DATA:?}/extract
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

echo "1..23"

# a tree of pages: nested folders, .htm, a non-HTML file, a page without an article
mkdir -p "$T/in/a/b" "$T/in/c"
cp "$D/basic.html" "$T/in/basic.html"
cp "$D/lang_de.html" "$T/in/a/lang_de.htm"
cp "$D/debris_plain.html" "$T/in/a/b/debris.html"
cp "$D/structure_lists_headings.html" "$T/in/c/structure.HTML"
cp "$D/not_article_404.html" "$T/in/c/gone.html"
echo "not a page" >"$T/in/c/notes.txt"

"$W" extract "$T/in" --out-dir "$T/out1" >"$T/stdout" 2>"$T/err"
rc=$?
check "exit 0" "[ $rc -eq 0 ]"
check "nothing on stdout" "[ ! -s '$T/stdout' ]"
check "summary counts pages" "grep -q '5 pages, 4 extracted, 1 without an article, 0 failed' '$T/err'"
check "basic.txt" "cmp -s '$T/out1/basic.txt' '$D/basic.expected.txt'"
check "nested .htm" "cmp -s '$T/out1/a/lang_de.txt' '$D/lang_de.expected.txt'"
check "deeper folder" "cmp -s '$T/out1/a/b/debris.txt' '$D/debris_plain.expected.txt'"
check "upper-case extension" "cmp -s '$T/out1/c/structure.txt' '$D/structure_lists_headings.expected.txt'"
check "no file for a page without an article" "[ ! -e '$T/out1/c/gone.txt' ] && [ ! -e '$T/out1/c/notes.txt' ]"
check "without -v, pages without an article are not named" "! grep -q 'no article in' '$T/err'"
"$W" -v extract "$T/in" --out-dir "$T/outv" >/dev/null 2>"$T/errv"
check "-v names the page without an article" "grep -q \"no article in '.*c/gone.html'\" '$T/errv'"

# the same results with one and with four workers
"$W" extract -q -j 1 "$T/in" --out-dir "$T/out2" 2>/dev/null
"$W" extract -q -j 4 "$T/in" --out-dir "$T/out3" 2>/dev/null
check "-j 1 and -j 4 agree with the default" "diff -r '$T/out1' '$T/out2' >/dev/null && diff -r '$T/out1' '$T/out3' >/dev/null"

"$W" extract -q --format json "$T/in" --out-dir "$T/outj" 2>/dev/null
check "json files" "[ -s '$T/outj/a/b/debris.json' ] && grep -q '\"title\":' '$T/outj/basic.json'"

# an unreadable page (a dangling link) is reported, the rest still written
ln -s "$T/does-not-exist.html" "$T/in/broken.html"
"$W" extract "$T/in" --out-dir "$T/out4" >/dev/null 2>"$T/err"
rc=$?
check "unreadable page: exit 1" "[ $rc -eq 1 ]"
check "unreadable page: named, others written" "grep -q 'broken.html' '$T/err' && [ -s '$T/out4/basic.txt' ]"

mkdir -p "$T/single"
cp "$D/basic.html" "$T/single/"
"$W" extract "$T/single" --out-dir "$T/out6" 2>"$T/err" >/dev/null
check "summary of one page says '1 page'" "grep -q 'wirecopy: 1 page, 1 extracted,' '$T/err'"

# two pages that make one output name: the later (in name order) gets its whole name, a warning says so
mkdir -p "$T/col"
cp "$D/lang_de.html" "$T/col/a.htm"
cp "$D/basic.html" "$T/col/a.html"
"$W" extract "$T/col" --out-dir "$T/outc" >/dev/null 2>"$T/err"
rc=$?
check "same output name: exit 0, both counted" "[ $rc -eq 0 ] && grep -q '2 pages, 2 extracted' '$T/err'"
check "same output name: the first page keeps a.txt" "cmp -s '$T/outc/a.txt' '$D/lang_de.expected.txt'"
check "same output name: the later is written to a.html.txt" "cmp -s '$T/outc/a.html.txt' '$D/basic.expected.txt'"
check "same output name: the warning names both pages and the new name" \
    "grep -q \"warning: '$T/col/a.htm' and '$T/col/a.html' both make '$T/outc/a.txt': '$T/col/a.html' is written to '$T/outc/a.html.txt'\" '$T/err'"
# a third page whose own name is the second's new one: it steps aside too, whatever -j is
cp "$D/debris_plain.html" "$T/col/a.html.htm"
"$W" extract -q -j 4 "$T/col" --out-dir "$T/outc4" 2>/dev/null
"$W" extract -q -j 1 "$T/col" --out-dir "$T/outc1" 2>/dev/null
check "three pages, three files, none overwritten" \
    "[ \"\$(ls '$T/outc4' | tr '\n' ' ')\" = 'a.html.htm.txt a.html.txt a.txt ' ] && cmp -s '$T/outc4/a.html.htm.txt' '$D/debris_plain.expected.txt'"
check "the same names with -j 1 and -j 4" "diff -r '$T/outc1' '$T/outc4' >/dev/null"

"$W" extract "$T/in" >/dev/null 2>&1
check "folder without --out-dir: exit 2" "[ $? -eq 2 ]"
"$W" extract -j 0 "$T/in" --out-dir "$T/out5" >/dev/null 2>&1
check "-j 0: exit 2" "[ $? -eq 2 ]"
exit 0
