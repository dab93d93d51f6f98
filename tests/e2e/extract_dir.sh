#!/bin/bash
# extract_dir.sh - `wirecopy extract DIR --out-dir OUT`: every page below
# DIR becomes OUT/<relative name>.txt (or .json/.md), with worker threads,
# the same results whatever -j is, pages without an article skipped and
# counted, unreadable pages reported with exit 1. The pages are the ones
# `ingest DIR` reads (the dump walker's): .html, .htm, .xhtml, gzipped ones,
# hidden folders too; a WARC in the folder is left to ingest.
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

echo "1..34"

# what a page's .txt holds: its headline, a blank line, then the body the fixture gives
mkdir -p "$T/exp"
expect() { { printf '%s\n\n' "$2"; cat "$D/$1.expected.txt"; } >"$T/exp/$1.txt"; }
expect basic 'Harbour bridge reopens after nine months of repairs'
expect lang_de 'Alter Bahnhof wird Kulturzentrum'
expect debris_plain 'County to plant ten thousand trees along rivers'
expect structure_lists_headings 'What the new parking rules mean for you'

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
check "basic.txt" "cmp -s '$T/out1/basic.txt' '$T/exp/basic.txt'"
check "nested .htm" "cmp -s '$T/out1/a/lang_de.txt' '$T/exp/lang_de.txt'"
check "deeper folder" "cmp -s '$T/out1/a/b/debris.txt' '$T/exp/debris_plain.txt'"
check "upper-case extension" "cmp -s '$T/out1/c/structure.txt' '$T/exp/structure_lists_headings.txt'"
check "no file for a page without an article" "[ ! -e '$T/out1/c/gone.txt' ] && [ ! -e '$T/out1/c/notes.txt' ]"
check "without -v, pages without an article are not named" "! grep -q 'no article in' '$T/err'"
"$W" -v extract "$T/in" --out-dir "$T/outv" >/dev/null 2>"$T/errv"
check "-v names the page without an article" "grep -q \"no article in '.*c/gone.html'\" '$T/errv'"

# the same results with one and with four workers
"$W" extract -q -j 1 "$T/in" --out-dir "$T/out2" 2>/dev/null
"$W" extract -q -j 4 "$T/in" --out-dir "$T/out3" 2>/dev/null
check "-j 1 and -j 4 agree with the default" "diff -r '$T/out1' '$T/out2' >/dev/null && diff -r '$T/out1' '$T/out3' >/dev/null"

"$W" extract -q --body-only "$T/in" --out-dir "$T/outb" 2>/dev/null
check "--body-only: the bodies alone" "cmp -s '$T/outb/basic.txt' '$D/basic.expected.txt' && cmp -s '$T/outb/c/structure.txt' '$D/structure_lists_headings.expected.txt'"

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
check "same output name: the first page keeps a.txt" "cmp -s '$T/outc/a.txt' '$T/exp/lang_de.txt'"
check "same output name: the later is written to a.html.txt" "cmp -s '$T/outc/a.html.txt' '$T/exp/basic.txt'"
check "same output name: the warning names both pages and the new name" \
    "grep -q \"warning: '$T/col/a.htm' and '$T/col/a.html' both make '$T/outc/a.txt': '$T/col/a.html' is written to '$T/outc/a.html.txt'\" '$T/err'"
# a third page whose own name is the second's new one: it steps aside too, whatever -j is
cp "$D/debris_plain.html" "$T/col/a.html.htm"
"$W" extract -q -j 4 "$T/col" --out-dir "$T/outc4" 2>/dev/null
"$W" extract -q -j 1 "$T/col" --out-dir "$T/outc1" 2>/dev/null
check "three pages, three files, none overwritten" \
    "[ \"\$(ls '$T/outc4' | tr '\n' ' ')\" = 'a.html.htm.txt a.html.txt a.txt ' ] && cmp -s '$T/outc4/a.html.htm.txt' '$T/exp/debris_plain.txt'"
check "the same names with -j 1 and -j 4" "diff -r '$T/outc1' '$T/outc4' >/dev/null"

# the files ingest DIR reads: .xhtml, a gzipped page (read after the walk, as ingest does), a
# hidden folder; not the records of a WARC beside them
mkdir -p "$T/x/.hidden"
cp "$D/lang_de.html" "$T/x/a.htm"
gzip -c "$D/basic.html" >"$T/x/a.html.gz"
cp "$D/structure_lists_headings.html" "$T/x/page.xhtml"
cp "$D/debris_plain.html" "$T/x/.hidden/h.html"
cp "$WC_TEST_DATA/dump/site.warc" "$T/x/site.warc"
"$W" extract "$T/x" --out-dir "$T/outx" >/dev/null 2>"$T/err"
rc=$?
check "ingest's files: exit 0, four pages" "[ $rc -eq 0 ] && grep -q '4 pages, 4 extracted, 0 without an article, 0 failed' '$T/err'"
check "an .xhtml page is extracted" "cmp -s '$T/outx/page.txt' '$T/exp/structure_lists_headings.txt'"
check "a gzipped page comes after the walk: a.htm keeps a.txt, a.html.gz gets its whole name" \
    "cmp -s '$T/outx/a.txt' '$T/exp/lang_de.txt' && cmp -s '$T/outx/a.html.gz.txt' '$T/exp/basic.txt'"
check "a hidden folder is walked" "cmp -s '$T/outx/.hidden/h.txt' '$T/exp/debris_plain.txt'"
check "the WARC is left to ingest: four files, nothing else" \
    "[ \"\$(cd '$T/outx' && find . -type f | sort | tr '\n' ' ')\" = './.hidden/h.txt ./a.html.gz.txt ./a.txt ./page.txt ' ]"
WIRECOPY_DB="$T/x.db" "$W" -q ingest "$T/x" >/dev/null 2>&1
if command -v sqlite3 >/dev/null; then
    sqlite3 "$T/x.db" "select origin from documents where source = 'dir' order by id" >"$T/ingested"
    check "ingest DIR read the same four pages, in the walk's order" \
        "[ \"\$(tr '\n' ' ' <'$T/ingested')\" = '$T/x/.hidden/h.html $T/x/a.htm $T/x/page.xhtml $T/x/a.html.gz ' ]"
else
    ok "ingest DIR read the same four pages # SKIP no sqlite3"
fi

# links already in OUT are never written through (as root they could reach any file)
mkdir -p "$T/outl" "$T/elsewhere"
echo precious >"$T/victim"
ln -s "$T/victim" "$T/outl/basic.txt"
ln -s "$T/elsewhere" "$T/outl/a"
"$W" extract "$T/in" --out-dir "$T/outl" >/dev/null 2>"$T/errl"
check "a link in OUT: exit 1, the page that would go through it is reported" \
    "[ $? -eq 1 ] && grep -q \"outl/a/lang_de.txt': a symbolic link or a file is in its way\" '$T/errl'"
check "the file a link at an output's name points to is untouched, the link replaced by the output" \
    "[ \"\$(cat '$T/victim')\" = precious ] && [ ! -L '$T/outl/basic.txt' ] && cmp -s '$T/outl/basic.txt' '$T/exp/basic.txt'"
check "nothing is written into the folder a linked folder points to" \
    "[ -z \"\$(ls -A '$T/elsewhere')\" ]"
check "no temporary file is left behind" \
    "[ -z \"\$(find '$T/outl' '$T/out1' -name '.*.tmp')\" ]"

"$W" extract "$T/in" >/dev/null 2>&1
check "folder without --out-dir: exit 2" "[ $? -eq 2 ]"
"$W" extract -j 0 "$T/in" --out-dir "$T/out5" >/dev/null 2>&1
check "-j 0: exit 2" "[ $? -eq 2 ]"
exit 0
