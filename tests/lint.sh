#!/usr/bin/env bash
# tests/lint.sh - the rules of the tree that a compiler does not check
# (docs/ARCHITECTURE.md): one TAP case each.
set -u
top=${1:?usage: lint.sh SOURCE_ROOT}
cd "$top" || exit 1
n=0
fails=0
check() { # check DESCRIPTION OUTPUT: passes when OUTPUT is empty
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        printf '%s\n' "$2" | head -n 20 | sed 's/^/# /'
        fails=$((fails + 1))
    fi
}
echo "1..6"

check "no source file in src/ is over 1,200 lines" \
    "$(find src -name '*.[ch]' -exec wc -l {} + | awk '$2 != "total" && $1 > 1200')"

check "the command is a client of the library: no libcurl or directory walking in src/cli" \
    "$(grep -l 'curl/curl.h\|opendir' src/cli/*.c)"

check "every buffer of the library names its cap (no WC_BUF_INIT, no wc_buf_init(b, 0))" \
    "$(grep -rn 'WC_BUF_INIT\|wc_buf_init([^,]*, *0)' src --include='*.c')"

bad=""
for d in src/*/; do
    w=$(basename "$d")
    [ "$w" = cli ] && continue
    for f in "$d"*.c; do
        first=$(grep -m1 '^#include' "$f")
        [ "$first" = "#include \"${w}_internal.h\"" ] || bad+="$f: first include is $first"$'\n'
    done
done
check "each wing's files include the wing's private header first" "${bad%$'\n'}"

bad=""
for f in $(find src -name '*.c' | sort); do
    grep -q "'$f'" meson.build || bad+="$f is not listed in meson.build"$'\n'
done
check "every source file is listed in meson.build" "${bad%$'\n'}"

bad=""
for f in $(grep -o "'src/[^']*\.c'" meson.build | tr -d "'"); do
    [ -f "$f" ] || bad+="meson.build lists $f, which does not exist"$'\n'
done
check "meson.build lists no file that does not exist" "${bad%$'\n'}"
exit 0
