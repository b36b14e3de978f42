#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package vmhost needs to build, test and benchmark.
# Idempotent: when everything is present it only runs dpkg-query and exits.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

BACKPORTS_LIST=/etc/apt/sources.list.d/vmhost-backports.sources

# Packages from the main archive (bookworm, -updates, -security).
PKGS=(
	# kernel build
	build-essential bc bison flex cpio kmod rsync libelf-dev libssl-dev
	libdw-dev zlib1g-dev libzstd-dev dwarves python3 python3-yaml
	python3-jsonschema pkg-config
	# BPF toolchain (libbpf and bpftool: from backports, below)
	clang-19 llvm-19 lld-19 libcap-dev
	# userspace libraries and tools
	cmake ninja-build libgtest-dev libgmock-dev clang-format
	nlohmann-json3-dev bash-completion
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	rdma-core ibverbs-utils rdmacm-utils libibverbs-dev librdmacm-dev
	liburing-dev
	# test and benchmark programs used inside the test host
	fio nvme-cli rt-tests stress-ng iproute2 pciutils busybox-static
	strace procps util-linux jq socat
	# kernel sources: test kernel, sched_ext headers for vosctl, and stock
	# headers for the compile and DKMS checks
	linux-source-6.12 linux-headers-6.12-amd64
	# packaging: DKMS and the Debian packages (make deb, the deb suites)
	dkms dh-dkms debhelper lintian fakeroot
)
# Packages taken from bookworm-backports, each with the oldest version that
# will do: QEMU 10 (NVMe SR-IOV etc.), libbpf 1.4 and bpftool 7.4 (vosctl's
# BPF: bookworm's own are too old for sched_ext).
BPO_PKGS=(qemu-system-x86:1:10 qemu-utils:1:10 libbpf-dev:1:1.4 bpftool:7.4)
QEMU_MIN_MAJOR=10

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null || return 1
	local v
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$QEMU_MIN_MAJOR" ]
}

# "name:version" -> installed at that version or later?
bpo_ok() {
	local name=${1%%:*} min=${1#*:} v
	v=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) || return 1
	dpkg-query -W -f='${Status}' "$name" 2>/dev/null |
		grep -q 'install ok installed' || return 1
	dpkg --compare-versions "$v" ge "$min"
}
bpo_missing=()
for p in "${BPO_PKGS[@]}"; do
	bpo_ok "$p" || bpo_missing+=("${p%%:*}")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#bpo_missing[@]} -eq 0 ] && qemu_ok; then
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "install-deps: adding bookworm-backports as an apt source"
	$SUDO tee "$BACKPORTS_LIST" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
# Third-party sources on some machines cannot be reached; apt then exits
# non-zero although the Debian indexes were fetched. The install below
# fails clearly if a package really cannot be found.
$SUDO apt-get update -q || echo "install-deps: apt-get update reported errors; continuing"

if [ ${#missing[@]} -ne 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ ${#bpo_missing[@]} -ne 0 ]; then
	echo "install-deps: installing ${bpo_missing[*]} from bookworm-backports"
	$SUDO apt-get install -y -q --no-install-recommends \
		-t bookworm-backports "${bpo_missing[@]}"
fi
for p in "${BPO_PKGS[@]}"; do
	bpo_ok "$p" || { echo "install-deps: ${p%%:*} >= ${p#*:} not available" >&2; exit 1; }
done
qemu_ok || { echo "install-deps: QEMU >= $QEMU_MIN_MAJOR not available" >&2; exit 1; }
