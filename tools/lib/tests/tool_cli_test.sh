#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The command-line convention every vmhost tool keeps (tools/lib/cli.h),
# checked on a built binary: `help` at every level and -h, -V, usage errors
# (exit 2 and "Try 'TOOL ... help'."), unique prefixes, and bash completion
# through the completion script itself, walked over the tool's whole
# grammar as the tool reports it.
#
#   tool_cli_test.sh TOOL COMPLETION-SCRIPT [JSON-COMMAND...]
#
# JSON-COMMAND, when given, is run with -j and -j -p; both outputs must
# parse (exit 0 or 3, "not running", are accepted: no module needed).
set -u
tool=$1 comp=$2
shift 2
name=$(basename "$tool")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$("$tool" -V) || fail "-V exits $?"
[[ $out == "$name "* ]] || fail "-V prints '$out'"
"$tool" help | grep -q "^Usage: $name \[OPTIONS\] OBJECT" || fail "help"
[ "$("$tool" -h)" = "$("$tool" help)" ] || fail "-h and help differ"
[ "$("$tool" --help)" = "$("$tool" help)" ] || fail "--help and help differ"

# -b runs a file of command lines in one process: here standard input.
[ "$(printf '# a comment\n\nhelp\n' | "$tool" -b -)" = "$("$tool" help)" ] ||
	fail "-b - does not run its lines"
err=$(printf 'help\nbogus-object\nhelp\n' | "$tool" -b - 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] || fail "a batch with a bad line exits $rc, not 2"
[[ $err == *"$name: -:2: failed; the lines after it were not run" ]] ||
	fail "a batch's bad line: '$err'"

err=$("$tool" bogus-object 2>&1 >/dev/null)
rc=$?
[ $rc -eq 2 ] || fail "an unknown object exits $rc, not 2"
[[ $err == "$name: unknown object 'bogus-object'"*"Try '$name help'." ]] ||
	fail "unknown object says: $err"
"$tool" -Z >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "an unknown option exits $rc, not 2"
"$tool" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "no object exits $rc, not 2"

# shellcheck source=../completion.bash
. "$comp"
completions() {
	COMP_WORDS=("$tool" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_vmhost_complete
	printf '%s\n' "${COMPREPLY[@]}"
}
mapfile -t objects < <(completions '')
[ ${#objects[@]} -ge 2 ] || fail "completion offers no objects"
[ "${objects[-1]}" = help ] || fail "completion does not offer help"
for o in "${objects[@]}"; do
	[ "$o" = help ] && continue
	"$tool" "$o" help | grep -q "$name $o" || fail "$o help"
	# The shortest unique prefix names the same object.
	for ((n = 1; n < ${#o}; n++)); do
		mapfile -t hits < <(completions "${o:0:n}")
		[ ${#hits[@]} -eq 1 ] || continue
		[ "$("$tool" "${o:0:n}" help)" = "$("$tool" "$o" help)" ] ||
			fail "prefix ${o:0:n} is not $o"
		break
	done
	err=$("$tool" "$o" bogus-word 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "$o bogus-word exits $rc, not 2"
	[[ $err == *"Try '$name $o"*" help'." ]] || fail "$o bogus-word says: $err"
	mapfile -t cmds < <(completions "$o" '')
	"$tool" "$o" "" >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "$o '' exits $rc, not 2"
	for c in "${cmds[@]}"; do
		case $c in help | "") continue ;; esac
		# An object that is its own command offers its arguments
		# here; `help` after them is not help.
		"$tool" "$o" help 2>/dev/null | grep -q "^Usage: $name $o {" ||
			continue
		out=$("$tool" "$o" "$c" help) || fail "$o $c help exits $?"
		[[ $out == "Usage: $name $o "* ]] || fail "$o $c help says: $out"
	done
done
# What the completion script offers is what the tool answers.
[ "$(completions "${objects[0]}" '')" = "$("$tool" --complete -- "${objects[0]}" '')" ] ||
	fail "the completion script and --complete differ"

if [ $# -gt 0 ]; then
	for opts in "-j" "-j -p"; do
		# shellcheck disable=SC2086
		out=$("$tool" $opts "$@" 2>/dev/null)
		rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "$opts $* exits $rc"
		echo "$out" | jq -e . >/dev/null || fail "$opts $* is not JSON: $out"
	done
fi
[ $failures -eq 0 ] && echo "ok: $name keeps the CLI convention"
exit $((failures != 0))
