/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical frame behind a user address, for vmem_test and vmem_bench.
 *
 * Read /proc/self/pagemap only through a 4 KiB mapping of a vmemfs file:
 * on 6.12 the page walker splits (zaps) a 1 GiB PUD entry it visits.
 */
#ifndef VMEM_SELFTEST_PAGEMAP_H
#define VMEM_SELFTEST_PAGEMAP_H

#include <fcntl.h>
#include <unistd.h>
#include <linux/types.h>

/* The frame behind @addr (needs root), or 0. The page is touched first. */
static inline __u64 pfn_of(const void *addr)
{
	__u64 ent = 0;
	int fd;

	/* pagemap reports only what is mapped */
	__atomic_load_n((const __u8 *)addr, __ATOMIC_RELAXED);
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent), (unsigned long)addr / 4096 * 8) !=
	    sizeof(ent))
		ent = 0;
	close(fd);
	return (ent & (1ULL << 63)) ? ent & ((1ULL << 55) - 1) : 0;
}

#endif /* VMEM_SELFTEST_PAGEMAP_H */
