// SPDX-License-Identifier: GPL-2.0
/*
 * vmem selftests, run in a test host booted with memmap=4G$4G after
 * `insmod vmem.ko ranges=4G@4G` and `mount -t vmemfs none $VMEM_MNT`
 * (see ./run). Pool size, vmemctl and the mount come from the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <vmhost/vmem.h>

#include "kselftest_harness.h"
#include "pagemap.h"

#define GIB (1024UL * 1024 * 1024)
#define PG 4096UL
#define PAGES_PER_GIB (GIB / PG)
#define MONITOR_LOG "/tmp/vmem-monitor.json"

static const char *mnt(void)
{
	const char *m = getenv("VMEM_MNT");

	return m ? m : "/dev/vmem";
}

static void file_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s-%d", mnt(), name, getpid());
}

/* Bytes the pools can hand out in total (statfs f_blocks). */
static __u64 capacity(void)
{
	struct statfs st;

	if (statfs(mnt(), &st))
		return 0;
	return (__u64)st.f_blocks * st.f_bsize;
}

static int file_info(int fd, struct vmem_file_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(fd, VMEM_IOC_FILE_INFO, info);
}

/*
 * A second view of the file mapped with 4 KiB pages only (MADV_NOHUGEPAGE
 * before the first touch). /proc/self/pagemap is read only through such a
 * view: on 6.12 the page walker splits (zaps) a 1 GiB PUD entry it visits.
 */
static __u8 *map_4k_view(int fd, size_t len)
{
	__u8 *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_NOHUGEPAGE)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* Run a shell command; its stdout into @out; returns the exit status. */
static int run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	int st;

	if (!f)
		return -1;
	if (out) {
		n = fread(out, 1, len - 1, f);
		out[n] = 0;
	} else {
		char sink[512];

		while (fread(sink, 1, sizeof(sink), f) > 0)
			;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Value of "key": N in a vmemctl -j object (the first occurrence). */
static long long json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return strtoll(p, NULL, 10);
}

/*
 * A test that allocates may zero the chunks it gets itself: the ones the
 * test before it freed, or all of them right after the module loaded,
 * before the scrubber got to them. Zeroing runs at 0.1-0.5 GB/s under TCG
 * with lockdep and kmemleak, so a test allocating the 4 GiB pool may wait
 * 40 s for that alone; the 30 s default once failed a test that way.
 */
#define ALLOC_TIMEOUT 300

FIXTURE(vmemf) {
	char path[256];
	int fd;
};

FIXTURE_SETUP(vmemf)
{
	file_path(self->path, sizeof(self->path), "t");
	/* A test killed by its timeout skipped the teardown. */
	unlink(self->path);
	self->fd = open(self->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, self->fd)
		TH_LOG("create %s: %s (is vmemfs mounted at %s?)", self->path,
		       strerror(errno), mnt());
}

FIXTURE_TEARDOWN(vmemf)
{
	close(self->fd);
	unlink(self->path);
}

/* A 2 GiB file maps as two 1 GiB PUD entries over contiguous memory. */
TEST_F_TIMEOUT(vmemf, two_gib_maps_as_two_puds, ALLOC_TIMEOUT)
{
	struct vmem_file_info info;
	__u8 *p, *v;
	__u64 base;
	unsigned long g, i;

	ASSERT_EQ(0, ftruncate(self->fd, 2 * GIB));
	p = mmap(NULL, 2 * GIB, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, (uintptr_t)p % GIB) TH_LOG("mapping at %p is not 1 GiB aligned", p);
	for (i = 0; i < 2 * PAGES_PER_GIB; i += 512)
		*(__u64 *)(p + i * PG) = i;

	ASSERT_EQ(0, file_info(self->fd, &info));
	EXPECT_EQ(2 * GIB, info.size);
	EXPECT_EQ(2, info.chunks);
	EXPECT_EQ(2, info.maps_1g);
	EXPECT_EQ(0, info.maps_2m);
	EXPECT_EQ(0, info.maps_4k);

	/* The same memory seen page by page: contiguous within each GiB. */
	v = map_4k_view(self->fd, 2 * GIB);
	ASSERT_NE(NULL, v);
	for (g = 0; g < 2; g++) {
		base = pfn_of(v + g * GIB);
		ASSERT_NE(0, base);
		EXPECT_EQ(0, base % PAGES_PER_GIB)
			TH_LOG("GiB %lu starts at pfn %#llx", g,
			       (unsigned long long)base);
		for (i = 0; i < PAGES_PER_GIB; i += 4093) {
			EXPECT_EQ(base + i, pfn_of(v + g * GIB + i * PG));
			if (i % 512 == 0)
				EXPECT_EQ(g * PAGES_PER_GIB + i,
					  *(__u64 *)(v + g * GIB + i * PG));
		}
		EXPECT_EQ(base + PAGES_PER_GIB - 1,
			  pfn_of(v + g * GIB + GIB - PG));
	}
	ASSERT_EQ(0, file_info(self->fd, &info));
	EXPECT_EQ(2, info.maps_1g);
	EXPECT_LT(0, info.maps_4k);
	munmap(v, 2 * GIB);
	munmap(p, 2 * GIB);
}

TEST_F(vmemf, private_mapping_refused)
{
	ASSERT_EQ(0, ftruncate(self->fd, GIB));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, GIB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F_TIMEOUT(vmemf, misaligned_mmap_refused, ALLOC_TIMEOUT)
{
	__u8 *area, *at;

	ASSERT_EQ(0, ftruncate(self->fd, 2 * GIB));
	/* A file offset that is not a multiple of 1 GiB. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, GIB, PROT_READ, MAP_SHARED, self->fd,
				   2 * 1024 * 1024));
	EXPECT_EQ(EINVAL, errno);
	/* A fixed address that is not a multiple of 1 GiB. */
	area = mmap(NULL, 3 * GIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	at = (__u8 *)(((uintptr_t)area + GIB - 1) / GIB * GIB) + 2 * 1024 * 1024;
	EXPECT_EQ(MAP_FAILED, mmap(at, GIB, PROT_READ, MAP_SHARED | MAP_FIXED,
				   self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	munmap(area, 3 * GIB);
}

TEST_F(vmemf, unaligned_size_refused)
{
	struct stat st;

	EXPECT_EQ(-1, ftruncate(self->fd, GIB + PG));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(0, st.st_size);
}

TEST_F(vmemf, oversize_truncate_refused)
{
	__u64 cap = capacity();

	ASSERT_LT(0, cap);
	EXPECT_EQ(-1, ftruncate(self->fd, cap + GIB));
	EXPECT_EQ(EFBIG, errno);
}

/* Sizes near the top of loff_t must not wrap when rounded to 1 GiB. */
TEST_F(vmemf, fallocate_to_the_limit_refused)
{
	struct stat st;

	EXPECT_EQ(-1, fallocate(self->fd, 0, 0, LLONG_MAX));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(-1, fallocate(self->fd, 0, GIB, LLONG_MAX - GIB));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(-1, ftruncate(self->fd, LLONG_MAX));
	EXPECT_EQ(EFBIG, errno);
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(0, st.st_size);
}

TEST_F_TIMEOUT(vmemf, enospc_when_pool_is_full, ALLOC_TIMEOUT)
{
	__u64 cap = capacity();
	char other[256];
	struct stat st;
	int fd2;

	ASSERT_LE(2 * GIB, cap);
	ASSERT_EQ(0, ftruncate(self->fd, cap - GIB));
	file_path(other, sizeof(other), "enospc");
	fd2 = open(other, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, ftruncate(fd2, 2 * GIB));
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_EQ(0, fstat(fd2, &st));
	EXPECT_EQ(0, st.st_size);
	/* Nothing was lost: the last GiB is still there. */
	EXPECT_EQ(0, ftruncate(fd2, GIB));
	EXPECT_EQ(0, fallocate(fd2, 0, 0, GIB));
	EXPECT_EQ(-1, fallocate(fd2, 0, 0, 2 * GIB));
	EXPECT_EQ(ENOSPC, errno);
	close(fd2);
	unlink(other);
}

TEST_F_TIMEOUT(vmemf, truncate_while_mapped_refused, ALLOC_TIMEOUT)
{
	__u8 *p;

	ASSERT_EQ(0, ftruncate(self->fd, GIB));
	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	EXPECT_EQ(-1, ftruncate(self->fd, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(1, p[0]);
	/* Growing a mapped file is fine. */
	EXPECT_EQ(0, ftruncate(self->fd, 2 * GIB));
	munmap(p, GIB);
	EXPECT_EQ(0, ftruncate(self->fd, 0));
}

TEST_F(vmemf, other_user_cannot_open)
{
	pid_t pid;
	int st;

	ASSERT_EQ(0, ftruncate(self->fd, GIB));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (open(self->path, O_RDWR) >= 0)
			_exit(3);
		_exit(errno == EACCES ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("uid 65534 could open a 0600 file of root (status %d)", st);
}

/*
 * What one tenant wrote is never readable by the next one. The files of a
 * run killed by its timeout would hold the whole pool and fail every later
 * test with ENOSPC: setup removes them first.
 */
FIXTURE(tenants) {
	int unused;
};

FIXTURE_SETUP(tenants)
{
	char path[256];

	file_path(path, sizeof(path), "tenant1");
	unlink(path);
	file_path(path, sizeof(path), "tenant2");
	unlink(path);
}

FIXTURE_TEARDOWN(tenants)
{
	run("vmemctl config set scrub on", NULL, 0);
}

static void check_zeroed_between_tenants(struct __test_metadata *_metadata,
					 const char *scrub)
{
	__u64 cap = capacity(), len, i;
	char path[256], cmd[128];
	__u8 *p;
	int fd;

	snprintf(cmd, sizeof(cmd), "vmemctl config set scrub %s", scrub);
	ASSERT_EQ(0, run(cmd, NULL, 0));
	len = cap;
	file_path(path, sizeof(path), "tenant1");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, len));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i += PG)
		*(__u64 *)(p + i) = 0x5ec2e7da7a000000ULL | (i / PG);
	munmap(p, len);
	close(fd);
	unlink(path);

	file_path(path, sizeof(path), "tenant2");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, len)) TH_LOG("ftruncate: %s", strerror(errno));
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i += PG) {
		if (*(__u64 *)(p + i) || *(__u64 *)(p + i + PG - 8)) {
			ASSERT_EQ(0, *(__u64 *)(p + i))
				TH_LOG("offset %#llx kept the last tenant's data",
				       (unsigned long long)i);
		}
	}
	munmap(p, len);
	close(fd);
	unlink(path);
	run("vmemctl config set scrub on", NULL, 0);
}

/*
 * The whole pool (4 GiB) written, zeroed (by the scrubber, or by the
 * allocation), and read: 1 Mi page writes, 2 Mi word reads and 4 GiB of
 * zeroing (see ALLOC_TIMEOUT); 30 s was once not enough.
 */
TEST_F_TIMEOUT(tenants, zeroed_by_scrubber, ALLOC_TIMEOUT)
{
	check_zeroed_between_tenants(_metadata, "on");
}

TEST_F_TIMEOUT(tenants, zeroed_on_allocation, ALLOC_TIMEOUT)
{
	check_zeroed_between_tenants(_metadata, "off");
}

static sigjmp_buf sigbus_jmp;
/* Shared with the SIGBUS handler: accessed with SIG_GET() and SIG_SET(). */
static int sigbus_armed;
static int sig_code;
static int sig_lsb;
static void *sig_addr;
#define SIG_GET(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define SIG_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	SIG_SET(sig_code, si->si_code);
	SIG_SET(sig_addr, si->si_addr);
	SIG_SET(sig_lsb, si->si_addr_lsb);
	if (SIG_GET(sigbus_armed)) {
		SIG_SET(sigbus_armed, 0);
		siglongjmp(sigbus_jmp, 1);
	}
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
			       .sa_flags = SA_SIGINFO | SA_RESTART };

	sigaction(SIGBUS, &sa, NULL);
}

/* Read the first word of @addr; returns 0 and sets *@val, or -1 on SIGBUS. */
static int probe(const __u64 *addr, __u64 *val)
{
	SIG_SET(sigbus_armed, 1);
	if (sigsetjmp(sigbus_jmp, 1))
		return -1;
	*val = __atomic_load_n(addr, __ATOMIC_RELAXED);
	SIG_SET(sigbus_armed, 0);
	return 0;
}

/*
 * One 4 KiB error in a mapped GiB: the other process mapping it gets
 * BUS_MCEERR_AO, the reader gets BUS_MCEERR_AR at the exact address with
 * lsb 12, every other page keeps its data, the pool and vmemctl show it,
 * punching a hole repairs it, and the bad page is never handed out again.
 */
TEST_F_TIMEOUT(vmemf, poison_costs_4k, ALLOC_TIMEOUT)
{
	const unsigned long bad_page = PAGES_PER_GIB + 77;	/* in GiB 1 */
	struct vmem_file_info info;
	char out[16384], needle[64];
	int ready[2], go[2], st;
	__u64 bad_pfn, val, i;
	__u8 *p, *v, *bad;
	unsigned long lost = 0;
	pid_t child, monitor;
	FILE *f;

	if (access("/sys/kernel/debug/hwpoison/corrupt-pfn", W_OK))
		SKIP(return, "no hwpoison-inject (CONFIG_HWPOISON_INJECT)");
	catch_sigbus();
	ASSERT_EQ(0, ftruncate(self->fd, 2 * GIB));
	p = mmap(NULL, 2 * GIB, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 2 * PAGES_PER_GIB; i++)
		*(__u64 *)(p + i * PG) = i;
	bad = p + bad_page * PG;
	v = map_4k_view(self->fd, 2 * GIB);
	ASSERT_NE(NULL, v);
	bad_pfn = pfn_of(v + bad_page * PG);
	ASSERT_NE(0, bad_pfn);
	munmap(v, 2 * GIB);

	/* Another process mapping the same file, waiting for its signal. */
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		__u8 *c = mmap(NULL, 2 * GIB, PROT_READ, MAP_SHARED, self->fd, 0);
		char r = 'r';

		SIG_SET(sig_code, 0);
		if (c == MAP_FAILED || c[0] != 0)
			_exit(10);
		if (write(ready[1], &r, 1) != 1 || read(go[0], &r, 1) != 1)
			_exit(11);
		if (SIG_GET(sig_code) != BUS_MCEERR_AO)
			_exit(12);
		if (SIG_GET(sig_addr) != c + bad_page * PG || SIG_GET(sig_lsb) != 12)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], out, 1));

	/* vmemctl monitor reports the event. */
	monitor = fork();
	ASSERT_LE(0, monitor);
	if (monitor == 0) {
		int fd = open(MONITOR_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execlp("vmemctl", "vmemctl", "-j", "monitor", NULL);
		_exit(127);
	}
	sleep(2);	/* let it subscribe */

	f = fopen("/sys/kernel/debug/hwpoison/corrupt-pfn", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%#llx\n", (unsigned long long)bad_pfn);
	ASSERT_EQ(0, fclose(f)) TH_LOG("corrupt-pfn %#llx: %s",
				       (unsigned long long)bad_pfn, strerror(errno));

	/* Early kill: both mappers were told (action optional). */
	EXPECT_EQ(BUS_MCEERR_AO, SIG_GET(sig_code));
	EXPECT_EQ(bad, SIG_GET(sig_addr));
	EXPECT_EQ(12, SIG_GET(sig_lsb));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("other process: status %#x (12: no AO, 13: wrong address/lsb)", st);

	sleep(1);
	kill(monitor, SIGTERM);
	ASSERT_EQ(monitor, waitpid(monitor, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("vmemctl monitor: status %#x", st);
	f = fopen(MONITOR_LOG, "r");
	ASSERT_NE(NULL, f);
	out[fread(out, 1, sizeof(out) - 1, f)] = 0;
	fclose(f);
	snprintf(needle, sizeof(needle), "\"phys\":%llu",
		 (unsigned long long)bad_pfn * PG);
	EXPECT_NE(NULL, strstr(out, needle)) TH_LOG("monitor printed: %s", out);
	EXPECT_NE(NULL, strstr(out, "\"signalled\":2")) TH_LOG("%s", out);

	/* The consumer: action required, exact address, 4 KiB. */
	SIG_SET(sig_code, 0);
	EXPECT_EQ(-1, probe((__u64 *)bad, &val));
	EXPECT_EQ(BUS_MCEERR_AR, SIG_GET(sig_code));
	EXPECT_EQ(bad, SIG_GET(sig_addr));
	EXPECT_EQ(12, SIG_GET(sig_lsb));

	/* Everything else in both GiBs still reads back. */
	for (i = 0; i < 2 * PAGES_PER_GIB; i++) {
		if (probe((__u64 *)(p + i * PG), &val) || val != i)
			lost++;
	}
	EXPECT_EQ(1, lost);
	ASSERT_EQ(0, file_info(self->fd, &info));
	EXPECT_EQ(1, info.poisoned_pages);
	EXPECT_LT(0, info.maps_2m);
	EXPECT_LT(0, info.maps_4k);

	ASSERT_EQ(0, run("vmemctl -j pool show", out, sizeof(out)));
	EXPECT_LE(1, json_num(out, "poisoned_pages")) TH_LOG("%s", out);
	ASSERT_EQ(0, run("vmemctl -j poison list", out, sizeof(out)));
	snprintf(needle, sizeof(needle), "\"phys\":%llu",
		 (unsigned long long)bad_pfn * PG);
	EXPECT_NE(NULL, strstr(out, needle)) TH_LOG("%s not in %s", needle, out);
	EXPECT_NE(NULL, strstr(out, "\"mapped\"")) TH_LOG("%s", out);

	/* Punching a hole repairs the page with a clean one. */
	ASSERT_EQ(0, fallocate(self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       bad_page * PG, PG));
	EXPECT_EQ(0, probe((__u64 *)bad, &val));
	EXPECT_EQ(0, val);
	bad[100] = 7;
	EXPECT_EQ(7, bad[100]);
	EXPECT_EQ(0, probe((__u64 *)(bad + PG), &val));
	EXPECT_EQ(bad_page + 1, val);
	ASSERT_EQ(0, file_info(self->fd, &info));
	EXPECT_EQ(0, info.poisoned_pages);
	EXPECT_EQ(1, info.repaired_pages);
	ASSERT_EQ(0, run("vmemctl -j poison list", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"repaired\"")) TH_LOG("%s", out);
	munmap(p, 2 * GIB);

	/* The bad frame is retired: a new file over the same chunk avoids it. */
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	ASSERT_EQ(0, ftruncate(self->fd, capacity()));
	v = map_4k_view(self->fd, capacity());
	ASSERT_NE(NULL, v);
	for (i = 0; i < capacity() / GIB; i++) {
		__u64 base = pfn_of(v + i * GIB);

		if (base != bad_pfn - bad_pfn % PAGES_PER_GIB)
			continue;
		EXPECT_NE(bad_pfn, pfn_of(v + i * GIB + (bad_pfn - base) * PG));
		EXPECT_EQ(0, *(__u64 *)(v + i * GIB + (bad_pfn - base) * PG));
		EXPECT_EQ(base + 1, pfn_of(v + i * GIB + PG));
	}
	munmap(v, capacity());
	signal(SIGBUS, SIG_DFL);
}

/*
 * A machine check raised on the test host's (virtual) CPU by QEMU's "mce"
 * monitor command: an action-optional memory error (SRAO, memory scrubbing,
 * physical address valid, lsb 12) for one of our pages. The kernel's MCE
 * handler calls memory_failure(); the process mapping the page must get
 * BUS_MCEERR_AO at its address, then BUS_MCEERR_AR when it touches it.
 */
TEST_F_TIMEOUT(vmemf, machine_check_reaches_the_mapper, ALLOC_TIMEOUT)
{
	const unsigned long bad_page = 4242;
	char cmd[256], out[1024];
	__u64 pfn, val;
	__u8 *p, *v;
	int i;

	if (run("command -v vmhost-qmp >/dev/null", NULL, 0))
		SKIP(return, "no QMP channel to the test host's QEMU");
	catch_sigbus();
	ASSERT_EQ(0, ftruncate(self->fd, GIB));
	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = -1; i <= 1; i++)
		*(__u64 *)(p + (bad_page + i) * PG) = bad_page + i;
	v = map_4k_view(self->fd, GIB);
	ASSERT_NE(NULL, v);
	pfn = pfn_of(v + bad_page * PG);
	munmap(v, GIB);
	ASSERT_NE(0, pfn);

	SIG_SET(sig_code, 0);
	snprintf(cmd, sizeof(cmd),
		 "vmhost-qmp hmp 'mce 0 9 0xbd000000000000c0 0x5 %#llx 0x8c' 2>&1",
		 (unsigned long long)pfn * PG);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
	for (i = 0; i < 200 && !SIG_GET(sig_code); i++)
		usleep(50000);
	EXPECT_EQ(BUS_MCEERR_AO, SIG_GET(sig_code));
	EXPECT_EQ(p + bad_page * PG, SIG_GET(sig_addr));
	EXPECT_EQ(12, SIG_GET(sig_lsb));

	EXPECT_EQ(-1, probe((__u64 *)(p + bad_page * PG), &val));
	EXPECT_EQ(BUS_MCEERR_AR, SIG_GET(sig_code));
	EXPECT_EQ(0, probe((__u64 *)(p + (bad_page - 1) * PG), &val));
	EXPECT_EQ(bad_page - 1, val);
	EXPECT_EQ(0, probe((__u64 *)(p + (bad_page + 1) * PG), &val));
	EXPECT_EQ(bad_page + 1, val);
	munmap(p, GIB);
	signal(SIGBUS, SIG_DFL);
}

/* Generic netlink requests straight to the kernel, bypassing vmemctl. */
static int genl_request(int cmd, int attr, int width, __u64 value)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc();
	int family, ret = -NLE_NOMEM;

	if (!sk || !msg)
		goto out;
	ret = genl_connect(sk);
	if (ret)
		goto out;
	family = genl_ctrl_resolve(sk, VMEM_FAMILY_NAME);
	if (family < 0) {
		ret = family;
		goto out;
	}
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK, cmd,
		    VMEM_FAMILY_VERSION);
	if (attr) {
		if (width == 1)
			nla_put_u8(msg, attr, value);
		else if (width == 4)
			nla_put_u32(msg, attr, value);
		else
			nla_put_u64(msg, attr, value);
	}
	ret = nl_send_auto(sk, msg);
	if (ret >= 0)
		ret = nl_wait_for_ack(sk);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

TEST(netlink_rejects_bad_input)
{
	/* SCRUB is a u8 flag: 2 is out of the policy's range. */
	EXPECT_EQ(-NLE_RANGE, genl_request(VMEM_CMD_CONFIG_SET,
					   VMEM_A_CONFIG_SCRUB, 1, 2));
	/* The wrong width for a u8. */
	EXPECT_EQ(-NLE_INVAL, genl_request(VMEM_CMD_CONFIG_SET,
					   VMEM_A_CONFIG_SCRUB, 4, 1));
	/* RANGE_ADD without SIZE, and with an unaligned START. */
	EXPECT_EQ(-NLE_INVAL, genl_request(VMEM_CMD_RANGE_ADD,
					   VMEM_A_RANGE_START, 8, 8 * GIB));
	EXPECT_EQ(-NLE_INVAL, genl_request(VMEM_CMD_RANGE_DEL,
					   VMEM_A_RANGE_START, 4, 1));
	/* An unknown command. */
	EXPECT_GT(0, genl_request(__VMEM_CMD_MAX + 5, 0, 0, 0));
	/* A range that is not reserved memory, and one that is ours. */
	EXPECT_NE(0, run("vmemctl range add start 0 size 1G 2>/dev/null", NULL, 0));
	EXPECT_NE(0, run("vmemctl range add start 4G size 1G 2>/dev/null", NULL, 0));
	EXPECT_NE(0, run("vmemctl range add start 0x100001000 size 1G 2>/dev/null",
			 NULL, 0));
	/* The configuration is unchanged. */
	EXPECT_EQ(0, genl_request(VMEM_CMD_CONFIG_SET, VMEM_A_CONFIG_SCRUB, 1, 1));
}

TEST(unprivileged_changes_rejected)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (genl_request(VMEM_CMD_CONFIG_SET, VMEM_A_CONFIG_SCRUB, 1, 0) !=
		    -NLE_PERM)
			_exit(3);
		if (genl_request(VMEM_CMD_RANGE_DEL, VMEM_A_RANGE_START, 8,
				 4 * GIB) != -NLE_PERM)
			_exit(4);
		/* Reading pool statistics needs no privilege. */
		if (run("vmemctl pool show >/dev/null 2>&1", NULL, 0) != 0)
			_exit(5);
		if (run("vmemctl config set scrub off 2>/dev/null", NULL, 0) != 1)
			_exit(6);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("unprivileged caller: step %d", WEXITSTATUS(st));
	EXPECT_EQ(0, run("vmemctl -j config show | grep -q '\"scrub\":true'",
			 NULL, 0));
}

/* A shell command prefix: run as uid and gid 65534, keeping PATH. */
#define AS_NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups "

/* Joins the events group; 0 or a negative libnl error. */
static int join_events(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp, ret = -NLE_NOMEM;

	if (!sk)
		return ret;
	ret = genl_connect(sk);
	if (!ret) {
		grp = genl_ctrl_resolve_grp(sk, VMEM_FAMILY_NAME,
					    VMEM_MCGRP_EVENTS);
		ret = grp < 0 ? grp : nl_socket_add_membership(sk, grp);
	}
	nl_socket_free(sk);
	return ret;
}

/*
 * Poison events name tenants' files and host physical addresses, which
 * FILE_GET and POISON_GET keep to CAP_SYS_ADMIN: so is joining the group.
 */
TEST(events_need_cap_sys_admin)
{
	char out[512];
	pid_t pid;
	int st;

	EXPECT_EQ(0, join_events());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(join_events() == -NLE_PERM ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("an unprivileged process joined the events group");
	/* vmemctl says what is missing, and does not wait for events. */
	EXPECT_EQ(1, run(AS_NOBODY "timeout 20 vmemctl monitor 2>&1", out,
			 sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "CAP_SYS_ADMIN")) TH_LOG("%s", out);
}

TEST(unload_refused_while_mounted)
{
	EXPECT_NE(0, run("rmmod vmem 2>/dev/null", NULL, 0));
	EXPECT_EQ(0, access("/sys/module/vmem", F_OK));
}

/* The allocation, and range del waiting for the chunk being scrubbed. */
TEST_F_TIMEOUT(vmemf, range_in_use_not_removed, ALLOC_TIMEOUT)
{
	char out[4096];

	ASSERT_EQ(0, ftruncate(self->fd, GIB));
	EXPECT_EQ(1, run("vmemctl range del start 4G 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "in use")) TH_LOG("%s", out);
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	ASSERT_EQ(0, run("vmemctl -j range show", out, sizeof(out)));
	EXPECT_EQ(4 * GIB, json_num(out, "start"));
}

TEST_HARNESS_MAIN
