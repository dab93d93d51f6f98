#!/usr/bin/env bash
# scripts/test.sh - install what is missing, build, and run the whole test
# suite twice: in build/ (normal build) and in build-asan/ (AddressSanitizer
# + UndefinedBehaviorSanitizer). The last line is "N passed, N failed,
# N skipped", counted over the TAP cases of every test in both builds (a
# case marked "# SKIP" is skipped, not passed; a whole test that skipped
# without TAP output counts as one skip).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. scripts/setup.sh

wc_install_packages || exit 1

status=0
run_suite() {
    local dir=$1
    shift
    echo "== $dir: configure and build" >&2
    wc_configure "$dir" "$@" || return 1
    ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
    echo "== $dir: meson test" >&2
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 || status=1
}

run_suite build --buildtype=debugoptimized
run_suite build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

# Count TAP cases ("ok"/"not ok") over both builds; a test that died
# without TAP output counts as one failure.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        print(f"no test log at {path}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        ok = len(re.findall(r"^ok\b", out, re.M))
        skip = len(re.findall(r"^ok\b[^\n]*#\s*skip", out, re.M | re.I))
        bad = len(re.findall(r"^not ok\b", out, re.M))
        if t.get("result") == "SKIP" and ok == 0 and bad == 0:
            skip = 1
        elif t.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and bad == 0:
            bad = 1
        passed += ok - min(skip, ok)
        skipped += skip
        failed += bad
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
rc=$?
[ $status -ne 0 ] && rc=1
exit $rc
