#!/usr/bin/env bash
# tests/format.sh - every C file of the project is clang-formatted
# (.clang-format at the top): one TAP case per file, failing with the
# places clang-format would change.
set -u
top=${1:?usage: format.sh SOURCE_ROOT}
cd "$top" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
    echo "1..0 # SKIP clang-format is not installed (scripts/setup.sh installs it)"
    exit 0
fi
mapfile -t files < <(git ls-files -- 'src/*.[ch]' 'include/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' \
                         'fuzz/*.[ch]' 2>/dev/null || find src include tests bench fuzz -name '*.[ch]')
echo "1..${#files[@]}"
n=0
for f in "${files[@]}"; do
    n=$((n + 1))
    if out=$(clang-format --dry-run -Werror "$f" 2>&1); then
        echo "ok $n - $f"
    else
        echo "not ok $n - $f"
        printf '%s\n' "$out" | head -n 12 | sed 's/^/# /'
    fi
done
