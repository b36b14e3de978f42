# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the card's PF inside a test host, shared by
# selftests/pf/run and tools/testing/bench/pf (sourced, not run).

# The NVMe function with SR-IOV: the card's PF.
find_pf() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x010802 ] && [ -e "$d/sriov_totalvfs" ] &&
			{ echo "${d##*/}"; return 0; }
	done
	return 1
}

driver_of() { # pci-address: its driver's name, "" for none
	local d
	d=$(readlink "/sys/bus/pci/devices/$1/driver") && echo "${d##*/}"
}
