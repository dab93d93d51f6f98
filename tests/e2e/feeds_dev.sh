#!/usr/bin/env bash
# feeds_dev.sh - the feed conformance suite: every case of
# $WC_SHARED/data/feeds-dev through $WC_SHARED/eval/feeds/conformance.py
# must pass (skipped when the shared folder is not there).
. "$(dirname "$0")/lib.sh"

cases="${WC_SHARED:-}/data/feeds-dev"
script="${WC_SHARED:-}/eval/feeds/conformance.py"
[ -d "$cases" ] && [ -f "$script" ] || skip_all "no \$WC_SHARED/data/feeds-dev"
command -v python3 >/dev/null || skip_all "no python3"

plan 2
python3 "$script" --cases "$cases" --min-pass 100 -v \
    --cmd "'$WIRECOPY' feed --url {url} --content-type {content_type} {file}" >"$T/out.txt" 2>&1
rc=$?
sed 's/^/# /' "$T/out.txt"
is "$rc" 0 "conformance script exits 0 at --min-pass 100"
last=$(tail -1 "$T/out.txt")
like "$last" "conformance: [0-9]+ passed, 0 failed" "no case fails"
done_testing
