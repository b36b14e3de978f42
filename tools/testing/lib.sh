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

# NUL-separated: the files of the checkout at $1 that git tracks or would
# track, as they are in the work tree (deleted ones left out), for copies
# of the tree (tools/testing/deb/build, selftests/build).
vmhost_tree_files() {
	git -C "$1" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$1/$f" ] && printf '%s\0' "$f"
		done
}
