# SPDX-License-Identifier: GPL-2.0
# bash completion for vmhost's tools. Every candidate comes from the tool
# itself (`TOOL --complete -- WORDS...`, answered from the same grammar it
# parses with), so completion cannot drift from what the tool accepts.
# Where the tool offers nothing (a path, a number), bash completes file
# names.
_vmhost_complete()
{
	local IFS=$'\n'

	# shellcheck disable=SC2207
	COMPREPLY=($("${COMP_WORDS[0]}" --complete -- \
		"${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _vmhost_complete vmemctl vosctl
