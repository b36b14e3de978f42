// SPDX-License-Identifier: GPL-2.0
/*
 * vmem_bench: the measuring half of `make bench-vmem` (the orchestration
 * is tools/testing/bench/vmem). Each subcommand measures one thing on one
 * file system and prints one JSON object:
 *
 *   vmem_bench populate PATH BYTES
 *	create PATH, size it, map it shared and write one byte every 2 MiB
 *	(the smallest huge page compared), after which every page is mapped
 *	and no access faults again; {"ms": ..., "ms_per_gib": ...}
 *   vmem_bench populate-madv PATH BYTES
 *	the same with MADV_POPULATE_WRITE instead (QEMU's prealloc=on)
 *   vmem_bench pagetables PATH|anon BYTES
 *	the same, but report how much page-table memory the mapping cost
 *	this process (VmPTE in /proc/self/status: its page tables at every
 *	level); {"pagetable_bytes": ...}
 *   vmem_bench poison PATH BYTES
 *	fill a file, inject one memory error (hwpoison-inject corrupt-pfn)
 *	in its middle, then try every 4 KiB page; {"lost_bytes": ..., ...}
 *
 * PATH is on vmemfs or hugetlbfs; it is removed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/statfs.h>

#include "pagemap.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define HUGETLBFS_MAGIC 0x958458f6
#define PG 4096UL
#define HUGE_2M (2UL * 1024 * 1024)
#define GIB (1024UL * 1024 * 1024)

static void die(const char *what)
{
	fprintf(stderr, "vmem_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A "Key:   N kB" line of /proc/self/status, in kB. */
static long status_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Create, size and map @path (or anonymous memory) and populate it: with
 * MADV_POPULATE_WRITE when @madv, else by a write every 2 MiB.
 */
static __u8 *map_populated(const char *path, size_t len, double *ms, bool madv)
{
	size_t i;
	double t0 = now_ms();
	__u8 *p;
	int fd;

	if (!strcmp(path, "anon")) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap anon");
		/* 4 KiB pages: what a guest gets without huge pages. */
		if (madvise(p, len, MADV_NOHUGEPAGE))
			die("MADV_NOHUGEPAGE");
	} else {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			die(path);
		if (ftruncate(fd, len))
			die("ftruncate");
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		close(fd);
	}
	if (madv) {
		if (madvise(p, len, MADV_POPULATE_WRITE))
			die("MADV_POPULATE_WRITE");
	} else {
		for (i = 0; i < len; i += HUGE_2M)
			__atomic_store_n(p + i, 1, __ATOMIC_RELAXED);
	}
	if (ms)
		*ms = now_ms() - t0;
	return p;
}

static void unmap_remove(const char *path, __u8 *p, size_t len)
{
	munmap(p, len);
	if (strcmp(path, "anon"))
		unlink(path);
}

static int cmd_populate(const char *path, size_t len, bool madv)
{
	double ms;
	__u8 *p = map_populated(path, len, &ms, madv);

	unmap_remove(path, p, len);
	printf("{\"ms\":%.3f,\"ms_per_gib\":%.3f}\n", ms, ms * GIB / len);
	return 0;
}

static int cmd_pagetables(const char *path, size_t len)
{
	long before = status_kb("VmPTE"), after;
	__u8 *p = map_populated(path, len, NULL, true);

	after = status_kb("VmPTE");
	unmap_remove(path, p, len);
	printf("{\"pagetable_bytes\":%ld,\"mapped_bytes\":%zu}\n",
	       (after - before) * 1024, len);
	return 0;
}

static sigjmp_buf jmp;
static int lsb;	/* written by the SIGBUS handler */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	__atomic_store_n(&lsb, si->si_addr_lsb, __ATOMIC_SEQ_CST);
	siglongjmp(jmp, 1);
}

static int cmd_poison(const char *path, size_t len)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	size_t bad = len / 2 / PG + 13, i, lost = 0;
	const __u64 *w;
	struct statfs st;
	__u64 pfn;
	__u8 *p, *v;
	FILE *f;
	int fd;

	/* Count what is lost when we touch it, not what a signal killed. */
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0);
	sigaction(SIGBUS, &sa, NULL);
	p = map_populated(path, len, NULL, true);
	for (i = 0; i < len / PG; i++)
		*(__u64 *)(p + i * PG) = i;

	/*
	 * The physical frame: hugetlbfs reports it through pagemap directly;
	 * vmemfs through a 4 KiB view (the 6.12 page walker would split the
	 * 1 GiB entry of the main mapping).
	 */
	if (statfs(path, &st))
		die("statfs");
	if (st.f_type == HUGETLBFS_MAGIC) {
		pfn = pfn_of(p + bad * PG);
	} else {
		fd = open(path, O_RDWR);
		v = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (fd < 0 || v == MAP_FAILED || madvise(v, len, MADV_NOHUGEPAGE))
			die("4 KiB view");
		pfn = pfn_of(v + bad * PG);
		munmap(v, len);
		close(fd);
	}
	if (!pfn)
		die("no pfn (not root?)");
	f = fopen("/sys/kernel/debug/hwpoison/corrupt-pfn", "w");
	if (!f)
		die("corrupt-pfn");
	fprintf(f, "%#llx\n", (unsigned long long)pfn);
	if (fclose(f))
		die("inject");

	for (i = 0; i < len / PG; i++) {
		w = (const __u64 *)(p + i * PG);
		if (sigsetjmp(jmp, 1)) {
			lost += PG;
			continue;
		}
		if (__atomic_load_n(w, __ATOMIC_RELAXED) != i)
			lost += PG;
	}
	unmap_remove(path, p, len);
	printf("{\"lost_bytes\":%zu,\"sigbus_lsb\":%d,\"pfn\":%llu}\n", lost,
	       __atomic_load_n(&lsb, __ATOMIC_SEQ_CST),
	       (unsigned long long)pfn);
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: vmem_bench %s PATH BYTES\n",
			"populate|populate-madv|pagetables|poison");
		return 2;
	}
	len = strtoull(argv[3], NULL, 0);
	if (!len || len % PG) {
		fprintf(stderr, "vmem_bench: bad size %s\n", argv[3]);
		return 2;
	}
	if (!strcmp(argv[1], "populate"))
		return cmd_populate(argv[2], len, false);
	if (!strcmp(argv[1], "populate-madv"))
		return cmd_populate(argv[2], len, true);
	if (!strcmp(argv[1], "pagetables"))
		return cmd_pagetables(argv[2], len);
	if (!strcmp(argv[1], "poison"))
		return cmd_poison(argv[2], len);
	fprintf(stderr, "vmem_bench: unknown command %s\n", argv[1]);
	return 2;
}
