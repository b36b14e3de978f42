# SPDX-License-Identifier: GPL-2.0
#
# vmhost: out-of-tree kernel modules and their C++ tools.
#
#   make                      modules against KDIR, and the tools (no test kernel)
#   make modules_install      install the modules (INSTALL_MOD_PATH, INSTALL_MOD_DIR)
#   make install              modules_install + tools, man pages, uapi headers,
#                             bash completion, systemd units (DESTDIR, PREFIX)
#   make check [SUITES="a b"] [V=1]
#                             install what is missing, build, run every test
#                             suite in QEMU test hosts; ends "N passed, N failed"
#   make soak [SUITES=...]    make check with the long loops and soaks in
#                             full (about 20 minutes more; before a release)
#   make run                  boot a test host, run the demo, print a summary
#   make shell                boot a test host with a shell on the console
#   make lint                 checkpatch --strict (kernel C), clang-format (C++)
#   make compile-check        W=1 module builds against the test kernel and
#                             Debian's stock linux-headers-6.12
#   make bench-vos            VOS against the fair class, same test host, same run
#   make bench-vmem           vmemfs against hugetlbfs (1G, 2M) and 4 KiB pages
#   make bench-qbd            qbd against nvme-rdma over one Soft-RoCE link, on
#                             the benchmark kernel (no lockdep/kmemleak)
#   make bench-pf             63 VFs through vpf against the nvme-cli sequence,
#                             and hot-add to bound over 63 hot-plugs
#   make deps                 install the Debian packages vmhost needs
#   make test-kernel          build (or find cached) the test kernel
#   make vmlinux-h            refresh sched/vos/vmlinux/ from the test kernel
#   make fresh-check          make run and make check from a fresh clone and
#                             an empty cache, timed cold and warm (release)
#   make nlgen                regenerate the netlink C from the YAML specs
#   make deb                  Debian packages vmhost-dkms and vmhost-tools
#                             (dpkg-buildpackage -us -uc) into build/deb/
#
# See README.md and Documentation/testing.rst.

KDIR ?= /lib/modules/$(shell uname -r)/build
INSTALL_MOD_DIR ?= updates
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
BUILD := $(CURDIR)/build
VMTEST := tools/testing/vmtest

.PHONY: all modules modules_install tools tools_install install clean \
	check run shell lint compile-check deps test-kernel help bench-vos \
	bench-vmem bench-qbd bench-pf vmlinux-h deb soak nlgen fresh-check

all: modules tools

$(KDIR)/Makefile:
	@echo "vmhost: no kernel build tree at $(KDIR)" >&2
	@echo "vmhost: install linux-headers-$$(uname -r) or run make KDIR=<tree>" >&2
	@exit 1

modules: $(KDIR)/Makefile
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install

# C++ tools (tools/CMakeLists.txt), built by CMake from Debian packages
# alone: no kernel tree (vosctl's BPF uses the checked-in vmlinux.h).
tools:
	cmake -S tools -B $(BUILD)/tools -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) \
		-DCMAKE_RUNTIME_OUTPUT_DIRECTORY=$(BUILD)/bin
	cmake --build $(BUILD)/tools -j$$(nproc)

# Tools, their man pages, the modules' man4 pages, uapi headers, bash
# completion, systemd units and example files, below PREFIX and DESTDIR.
tools_install: tools
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)/tools

install: modules_install tools_install

clean:
	-[ ! -f $(KDIR)/Makefile ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

deps:
	tools/testing/install-deps.sh

test-kernel: deps
	tools/testing/kernel/build

# The netlink C generated from Documentation/netlink/specs with the
# kernel's ynl-gen-c (committed; selftests/uapi checks it is current).
nlgen: deps
	tools/testing/nlgen

# make run, then make check, in a fresh clone with an empty test-kernel
# cache, each timed (and again warm): before a release, not in CI.
fresh-check:
	tools/testing/fresh-check --warm

# Debian packages vmhost-dkms and vmhost-tools into build/deb/.
deb: deps
	tools/testing/deb/build

# Refresh the vmlinux.h vosctl's BPF builds against (sched/vos/vmlinux/README).
vmlinux-h: deps
	cp "$$(tools/testing/kernel/build | tail -n 1)/vmlinux.h" \
		sched/vos/vmlinux/x86_64/vmlinux.h

check: deps tools
	$(VMTEST) check $(if $(V),-v) $(SUITES)

# make check with every long loop and soak in full: before a release.
soak: deps tools
	$(VMTEST) check --soak $(if $(V),-v) $(SUITES)

# The demo's test host is the one selftests/demo/settings asks for (the
# demo is a suite of make check too); vmtest builds its guest.
run: deps tools
	$(VMTEST) run

shell: deps
	$(VMTEST) run --shell

lint: deps
	tools/testing/lint

compile-check: deps
	tools/testing/compile-check

bench-vos: deps tools
	$(MAKE) -C selftests/vos KDIR=$$(tools/testing/kernel/build | tail -n 1)/src
	tools/testing/bench/run vos --cpus 2 --mem 2G --timeout 1800

# 10 GiB guest: 4 GiB reserved for vmem, 2 x 1 GiB and 512 x 2 MiB hugetlb
# pages, and 3 GiB left for the test host itself.
bench-vmem: deps tools
	$(MAKE) -C selftests/vmem KDIR=$$(tools/testing/kernel/build | tail -n 1)/src
	tools/testing/bench/run vmem --cpus 2 --mem 10G --memmap '4G$$4G' \
		--append 'hugepagesz=1G hugepages=2 hugepagesz=2M hugepages=512' \
		--timeout 1800

# The benchmark kernel (tools/testing/kernel/build --flavour bench, cached
# beside the test kernel; about 12 minutes cold): the debug detectors cut
# Soft-RoCE's throughput by 10-40x. 3 GiB: qbd-target registers 128 MiB of
# buffers per queue.
bench-qbd: deps tools
	tools/testing/bench/run qbd --kernel-flavour bench --cpus 2 --mem 3G \
		--device rxe-net --timeout 1800

# The benchmark kernel too: lockdep and kmemleak would be most of what a
# probe costs. 3 GiB: 64 namespaces and up to 63 nvme controllers.
bench-pf: deps tools
	tools/testing/bench/run pf --kernel-flavour bench --cpus 2 --mem 3G \
		--device nvme-sriov --timeout 2400

help:
	@sed -n '3,/^# See README/s/^# \{0,1\}//p' Makefile
