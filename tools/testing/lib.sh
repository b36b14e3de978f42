# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by vmhost's build-machine scripts.

# Print the test kernel's cache directory, building it if needed.
vmhost_test_kernel() {
	local dir
	dir=$("$(dirname "${BASH_SOURCE[0]}")/kernel/build" | tail -n 1) || return 1
	[ -d "$dir/src" ] || return 1
	echo "$dir"
}

# Kernel C (checkpatch) and C++ (clang-format) sources of the project;
# not the vmlinux.h files, which bpftool writes from a kernel's BTF.
vmhost_kernel_sources() {
	git -C "$1" ls-files --cached --others --exclude-standard \
		'*.c' '*.h' ':!:tools/**/*.h' ':!:build/**' \
		':!:sched/vos/vmlinux/**'
}
vmhost_cxx_sources() {
	git -C "$1" ls-files --cached --others --exclude-standard \
		'*.cc' '*.cpp' '*.hpp' 'tools/**/*.h' ':!:build/**'
}
