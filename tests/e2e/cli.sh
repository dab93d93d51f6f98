#!/usr/bin/env bash
# cli.sh - the command line contract: help everywhere, usage errors exit 2,
# unknown commands get a suggestion, fatal database problems exit 3.
. "$(dirname "$0")/lib.sh"

cmds=$(wcx help | awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1} /^$/{if(f)exit}')
ncmd=$(echo "$cmds" | wc -w)
plan $((ncmd * 2 + 29))

for c in $cmds; do
    out=$(wcx "$c" --help 2>&1); rc=$?
    is "$rc" 0 "$c --help exits 0"
    like "$out" "^usage: wirecopy $c" "$c --help starts with its usage line"
done

out=$(wcx --help); ok $? "wirecopy --help exits 0"
like "$out" "ingest" "main help lists commands"
like "$out" "export +.*HTML" "the summary of export names every format (html too)"
out=$(wcx -h ingest); ok $? "wirecopy -h ingest exits 0"
like "$out" "^usage: wirecopy ingest" "wirecopy -h COMMAND shows that command's help"
out=$(wcx -h nosuchcmd 2>&1); is $? 2 "wirecopy -h with an unknown command exits 2"

wcx >/dev/null 2>&1; is $? 2 "no command is a usage error (2)"

out=$(wcx ingset 2>&1); rc=$?
is "$rc" 2 "unknown command exits 2"
like "$(echo $out)" "most similar command is ingest" "unknown command suggests the closest one"

out=$(wcx export --bogus 2>&1); rc=$?
is "$rc" 2 "unknown option exits 2"
like "$out" "usage: wirecopy export" "unknown option prints the usage line"

out=$(wcx export --format xml 2>&1); is $? 2 "bad option value exits 2"

out=$(wcx show 2>&1); is $? 2 "missing argument exits 2"

out=$(wcx --db 2>&1); rc=$?
is "$rc" 2 "top-level --db without a value exits 2"
like "$out" "option '--db' requires an argument" "and says the value is missing, not that --db is unknown"

echo "not a database at all, just text" > "$T/junk.db"
for i in $(seq 200); do echo "more text to fill a page of junk" >> "$T/junk.db"; done
out=$(wcx --db "$T/junk.db" clusters 2>&1); rc=$?
is "$rc" 3 "a file that is not a database is fatal (3)"
like "$out" "junk.db" "the error names the database file"

out=$(WIRECOPY_DB="$T/nope.db" wcx stats 2>&1); is $? 3 "reading a missing database is fatal (3)"
wcx completion bash > "$T/c.bash"; is $? 0 "completion bash exits 0"
bash -n "$T/c.bash"; ok $? "the completion script is valid bash"
out=$(bash -c '. "$1"; COMP_WORDS=(wirecopy exp); COMP_CWORD=1; _wirecopy; echo "${COMPREPLY[*]}"' _ "$T/c.bash")
is "$out" "export" "it completes a command name"
comp() { bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _wirecopy; echo "${COMPREPLY[*]}"' _ "$T/c.bash" "$@"; }
is "$(comp wirecopy export --format "")" "jsonl csv html" "it completes --format values for the command"
is "$(comp wirecopy feeds "")" "list add remove" "and feeds' subcommands"
is "$(bash -c '. "$1"; COMP_WORDS=(wirecopy follow --); COMP_CWORD=2; _wirecopy; printf "%s\n" "${COMPREPLY[@]}"' _ "$T/c.bash" | sort | uniq -d)" "" \
   "no option is offered twice"
wcx completion zsh > "$T/c.zsh"; is $? 0 "completion zsh exits 0"
if command -v zsh >/dev/null; then
    out=$(zsh -f -c '. "$1" && whence -w _wirecopy && print -r -- "${_comps[wirecopy]}"' _ "$T/c.zsh" 2>&1)
    like "$out" "_wirecopy: function" "zsh loads the script: _wirecopy is defined"
    like "$out" "_bash_complete -o filenames -F _wirecopy" "and registered for wirecopy through bashcompinit"
    out=$(zsh -f -c '. "$1"; setopt ksharrays; COMP_WORDS=(wirecopy export --format ""); COMP_CWORD=3; _wirecopy; print -r -- "${COMPREPLY[*]}"' _ "$T/c.zsh" 2>&1)
    is "$out" "jsonl csv html" "under zsh it completes --format values for the command"
else
    for i in 1 2 3; do _report 0 "zsh completion # SKIP no zsh"; done
fi
wcx completion fish >/dev/null 2>&1; is $? 2 "completion fish is a usage error"
done_testing
