// SPDX-License-Identifier: GPL-2.0
/*
 * VOS selftests: load and unload, classification, vCPU-first priority, the
 * control plane's budget and guard, robustness, ejection and clean exit.
 * Run as root in a test host with vosctl on PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sim.h"
#include "vos.h"

#define SCX_STATE "/sys/kernel/sched_ext/state"
#define SCX_OPS "/sys/kernel/sched_ext/root/ops"
#define CG_TEST "/sys/fs/cgroup/vos-test-vm"
#define VOSCTL_LOG "/tmp/vosctl-test.log"
#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

static void read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool vos_enabled(void)
{
	char state[64], ops[64];

	read_first_line(SCX_STATE, state, sizeof(state));
	read_first_line(SCX_OPS, ops, sizeof(ops));
	return !strcmp(state, "enabled") && !strcmp(ops, "vos");
}

static bool scx_disabled(void)
{
	char state[64];

	read_first_line(SCX_STATE, state, sizeof(state));
	return !strcmp(state, "disabled");
}

static bool wait_for(bool (*cond)(void), int timeout_ms)
{
	long long end = now_ns() + timeout_ms * 1000000LL;

	while (!cond()) {
		if (now_ns() > end)
			return false;
		usleep(20000);
	}
	return true;
}

/* Starts `vosctl sched start ARGS...` with its output in VOSCTL_LOG. */
static pid_t vosctl_start(const char *const *args)
{
	const char *argv[32] = { "vosctl", "sched", "start" };
	int i, fd;
	pid_t pid;

	for (i = 0; args && args[i] && i < 28; i++)
		argv[i + 3] = args[i];
	pid = fork();
	if (pid == 0) {
		fd = open(VOSCTL_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp("vosctl", (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Runs a command through the shell; its exit status, or -1. */
static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Output of `vosctl -j sched show`, in buf. */
static int vosctl_status_json(char *buf, size_t len)
{
	FILE *p = popen("vosctl -j sched show 2>/dev/null", "r");
	size_t n;

	if (!p)
		return -1;
	n = fread(buf, 1, len - 1, p);
	buf[n] = '\0';
	return WEXITSTATUS(pclose(p));
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A number after "key": in the object of class cls ("" for top level). */
static long long json_num(const char *json, const char *cls, const char *key)
{
	char pat[64];
	const char *p = json;

	if (*cls) {
		snprintf(pat, sizeof(pat), "\"%s\":{", cls);
		p = strstr(json, pat);
		if (!p)
			return -1;
	}
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(p, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static long long class_tasks(const char *cls)
{
	char json[8192];

	if (vosctl_status_json(json, sizeof(json)) != 0)
		return -1;
	return json_num(json, cls, "tasks");
}

/* Waits until class cls counts at least (or, if !at_least, below) n tasks. */
static bool wait_tasks(const char *cls, long long n, bool at_least)
{
	long long end = now_ns() + 5000000000LL, v;

	do {
		v = class_tasks(cls);
		if (at_least ? v >= n : (v >= 0 && v < n))
			return true;
		usleep(100000);
	} while (now_ns() < end);
	return false;
}

/* A thread that sleeps 1 ms at a time, so that it keeps being queued. */
struct sleeper {
	pthread_t thread;
	atomic_int stop;
	atomic_int tid;
	char name[16];
	atomic_int rename; /* set: take name[] at the next wake-up */
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	s->tid = gettid();
	while (!s->stop) {
		if (s->rename) {
			prctl(PR_SET_NAME, s->name);
			s->rename = 0;
		}
		usleep(1000);
	}
	return NULL;
}

static void sleeper_rename(struct sleeper *s, const char *name)
{
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->rename = 1;
	while (s->rename)
		usleep(1000);
}

/* Periodic 1 ms wake-ups on one CPU; reports how late each one ran. */
struct waker {
	pthread_t thread;
	int cpu;
	char name[16];
	int nr;
	long long *late_ns;
};

static void *waker_fn(void *arg)
{
	struct waker *w = arg;
	struct timespec t;
	int i;

	pin_and_name(w->cpu, w->name);
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (i = 0; i < w->nr; i++) {
		t.tv_nsec += 1000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_nsec -= 1000000000;
			t.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
		w->late_ns[i] = now_ns() - (t.tv_sec * 1000000000LL + t.tv_nsec);
	}
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long percentile(long long *v, int n, double q)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return v[(int)(q * (n - 1))];
}

/* For tests that load VOS themselves but need more than 30 s. */
FIXTURE(bare) {};

FIXTURE_SETUP(bare)
{
}

FIXTURE_TEARDOWN(bare)
{
}

TEST(bad_options_load_nothing)
{
	ASSERT_TRUE(scx_disabled());
	EXPECT_EQ(2, sh("vosctl sched start ctrl-budget 0 2>/dev/null"));
	EXPECT_EQ(2, sh("vosctl sched start ctrl-slice x 2>/dev/null"));
	EXPECT_EQ(2, sh("vosctl sched start max-wait 1 ctrl-slice 5000 2>/dev/null"));
	EXPECT_EQ(2, sh("vosctl class set abc vcpu 2>/dev/null"));
	EXPECT_EQ(1, sh("vosctl sched start vcpu-cgroup /nonexistent 2>/dev/null"));
	EXPECT_EQ(3, sh("vosctl sched stop 2>/dev/null"));
	EXPECT_EQ(3, sh("vosctl sched show >/dev/null 2>&1"));
	EXPECT_TRUE(scx_disabled());
}

TEST_F_TIMEOUT(bare, load_unload_cycles, 1200)
{
	const char *env = getenv("VOS_CYCLES");
	int cycles = env ? atoi(env) : 10, i, st;
	pid_t pid;

	for (i = 0; i < cycles; i++) {
		pid = vosctl_start(NULL);
		ASSERT_GT(pid, 0);
		ASSERT_TRUE(wait_for(vos_enabled, 30000))
			TH_LOG("cycle %d: VOS never enabled", i);
		ASSERT_EQ(0, kill(pid, SIGTERM));
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			TH_LOG("cycle %d: vosctl ended with %d", i, st);
		ASSERT_TRUE(wait_for(scx_disabled, 10000));
	}
	ASSERT_EQ(0, access("/sys/fs/bpf/vos", F_OK) == 0);
}

/* Runs `sh -c CMD` with its output in VOSCTL_LOG; its pid. */
static pid_t spawn_logged(const char *cmd)
{
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open(VOSCTL_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void read_log(char *buf, size_t len)
{
	int fd = open(VOSCTL_LOG, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : 0;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/*
 * Starts `sh -c CMD` (a vosctl sched start) and waits for VOS to come up:
 * its pid, or -1 with what it printed in @log, having killed it.
 */
static pid_t start_vos_logged(const char *cmd, char *log, size_t len)
{
	pid_t pid = spawn_logged(cmd);

	if (pid <= 0 || wait_for(vos_enabled, 30000))
		return pid;
	read_log(log, len);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* SIGTERM to that vosctl: true when it exited 0 and VOS went away. */
static bool stop_vos(pid_t pid)
{
	int st;

	return kill(pid, SIGTERM) == 0 && waitpid(pid, &st, 0) == pid &&
	       WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	       wait_for(scx_disabled, 10000);
}

/* As root, with only the capabilities listed after it (e.g. "+bpf"). */
#define WITH_CAPS "exec setpriv --bounding-set -all,"
#define AS_NOBODY "setpriv --reuid=65534 --regid=65534 --clear-groups "
#define NOBODY_CAPS "--inh-caps=+bpf,+sys_admin,+dac_override " \
	"--ambient-caps=+bpf,+sys_admin,+dac_override "

/*
 * vosctl checks no user id: the kernel decides. CAP_BPF and CAP_SYS_ADMIN
 * (vosctl.service's bounding set) suffice to run VOS; without
 * CAP_SYS_ADMIN the load is refused and vosctl names what is missing;
 * reading the state needs nothing.
 */
TEST_F_TIMEOUT(bare, cap_bpf_and_sys_admin_suffice, 120)
{
	char log[4096] = "";
	pid_t pid;

	pid = start_vos_logged(WITH_CAPS "+bpf,+sys_admin vosctl sched start",
			       log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("VOS never enabled: %s", log);
	/* Reading the state needs nothing: 0, VOS is running. */
	EXPECT_EQ(0, sh(AS_NOBODY "vosctl sched show >/dev/null 2>&1"));
	ASSERT_TRUE(stop_vos(pid));

	EXPECT_EQ(1, sh(WITH_CAPS "+bpf vosctl sched start >" VOSCTL_LOG " 2>&1"));
	read_log(log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "CAP_BPF and CAP_SYS_ADMIN"))
		TH_LOG("vosctl said: %s", log);
	EXPECT_TRUE(scx_disabled());

	/*
	 * No user-id check either: a user other than root, given the two
	 * capabilities (and CAP_DAC_OVERRIDE, for root's /run and
	 * /sys/fs/bpf), runs VOS.
	 */
	pid = start_vos_logged("exec " AS_NOBODY NOBODY_CAPS "vosctl sched start",
			       log, sizeof(log));
	ASSERT_GT(pid, 0) TH_LOG("VOS never enabled as nobody: %s", log);
	ASSERT_TRUE(stop_vos(pid));
}

TEST_F_TIMEOUT(bare, kill9_returns_every_task_to_fair, 120)
{
	pid_t pid = vosctl_start(NULL);
	int st;

	ASSERT_TRUE(wait_for(vos_enabled, 30000));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(wait_for(scx_disabled, 10000));
	/* The next start cleans the pins the killed one left behind. */
	pid = vosctl_start(NULL);
	ASSERT_TRUE(wait_for(vos_enabled, 30000));
	EXPECT_EQ(0, sh("vosctl sched stop"));
	EXPECT_EQ(pid, waitpid(pid, &st, 0));
}

TEST_F_TIMEOUT(bare, stall_is_ejected_and_reported, 120)
{
	static const char * const args[] = { "test-stall", "watchdog",
					      "2000", NULL };
	char log[4096] = "";
	pid_t pid = vosctl_start(args);
	int st, fd;
	ssize_t n;

	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	EXPECT_TRUE(wait_for(scx_disabled, 10000));
	fd = open(VOSCTL_LOG, O_RDONLY);
	ASSERT_GE(fd, 0);
	n = read(fd, log, sizeof(log) - 1);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	EXPECT_NE(NULL, strstr(log, "the kernel ejected VOS"))
		TH_LOG("vosctl said: %s", log);
	EXPECT_NE(NULL, strstr(log, "stall")) TH_LOG("vosctl said: %s", log);
	/* The kernel's debug dump, through UEI_RECORD's dump buffer. */
	EXPECT_NE(NULL, strstr(log, "the kernel's dump:"))
		TH_LOG("vosctl said: %s", log);
}

FIXTURE(vos) {
	pid_t pid;
};

FIXTURE_SETUP(vos)
{
	self->pid = vosctl_start(NULL);
	ASSERT_GT(self->pid, 0);
	ASSERT_TRUE(wait_for(vos_enabled, 30000));
}

FIXTURE_TEARDOWN(vos)
{
	int st;

	/* Still ours: never ejected while the test ran. */
	EXPECT_TRUE(vos_enabled());
	EXPECT_EQ(0, sh("vosctl sched stop"));
	EXPECT_EQ(self->pid, waitpid(self->pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_TRUE(scx_disabled());
}

TEST_F(vos, rename_makes_a_vcpu_and_back)
{
	struct sleeper s = {};
	long long base = class_tasks("vcpu");

	ASSERT_GE(base, 0);
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sleeper_fn, &s));
	sleeper_rename(&s, "CPU 0/KVM");
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, true));
	sleeper_rename(&s, "not-a-vcpu");
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, false));
	s.stop = 1;
	pthread_join(s.thread, NULL);
}

TEST_F(vos, classify_tid)
{
	struct sleeper s = {};
	long long base = class_tasks("vcpu");
	char cmd[128];

	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sleeper_fn, &s));
	while (!s.tid)
		usleep(1000);
	snprintf(cmd, sizeof(cmd), "vosctl class set %d vcpu", s.tid);
	EXPECT_EQ(0, sh(cmd));
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, true));
	snprintf(cmd, sizeof(cmd), "vosctl class set %d auto", s.tid);
	EXPECT_EQ(0, sh(cmd));
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, false));
	EXPECT_EQ(1, sh("vosctl class set 4000000 vcpu 2>/dev/null"));
	s.stop = 1;
	pthread_join(s.thread, NULL);
}

TEST_F(vos, cgroup_move_makes_a_vcpu)
{
	long long base = class_tasks("vcpu");
	char cmd[256];
	pid_t child;
	int st;

	mkdir(CG_TEST, 0755);
	mkdir(CG_TEST "/vcpu0", 0755);
	ASSERT_EQ(0, sh("vosctl class set " CG_TEST " vcpu"));
	child = fork();
	if (child == 0) {
		for (;;)
			usleep(1000);
	}
	/* An ancestor of the task's cgroup is configured: VCPU. */
	snprintf(cmd, sizeof(cmd), "echo %d > " CG_TEST "/vcpu0/cgroup.procs",
		 child);
	EXPECT_EQ(0, sh(cmd));
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, true));
	snprintf(cmd, sizeof(cmd), "echo %d > /sys/fs/cgroup/cgroup.procs",
		 child);
	EXPECT_EQ(0, sh(cmd));
	EXPECT_TRUE(wait_tasks("vcpu", base + 1, false));
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	EXPECT_EQ(0, sh("vosctl class set " CG_TEST " auto"));
	rmdir(CG_TEST "/vcpu0");
	rmdir(CG_TEST);
}

/*
 * Two control-plane hogs and a vCPU that wakes every millisecond, all on
 * CPU 0: the vCPU preempts the hogs when it wakes, and the hogs still run.
 */
TEST_F_TIMEOUT(vos, waking_vcpu_runs_first, 120)
{
	enum { NR = 2000 };
	static long long late[NR];
	atomic_int stop = 0;
	struct hog hogs[2] = {
		{ .cpu = 0, .name = "ctrl-hog", .stop = &stop },
		{ .cpu = 0, .name = "ctrl-hog", .stop = &stop },
	};
	struct waker w = { .cpu = 0, .name = "CPU 0/KVM", .nr = NR,
			   .late_ns = late };
	long long p99;
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&hogs[i].thread, NULL, hog_fn,
					    &hogs[i]));
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, waker_fn, &w));
	pthread_join(w.thread, NULL);
	stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(hogs[i].thread, NULL);
	p99 = percentile(late, NR, 0.99);
	TH_LOG("vCPU wake-up lateness p50 %lld us, p99 %lld us, max %lld us",
	       percentile(late, NR, 0.5) / 1000, p99 / 1000,
	       late[NR - 1] / 1000);
	/*
	 * The hogs' own slices are 20 ms: a vCPU waiting for them would be
	 * late by that much; preempting them keeps it well below.
	 */
	EXPECT_LT(p99, 5000000LL);
	EXPECT_GT(hogs[0].cpu_ns + hogs[1].cpu_ns, 0);
}

/*
 * vCPU hogs keep every CPU busy and one control-plane hog per CPU wants
 * to run: the control plane gets its budget (5%), within tolerance, and
 * never waits longer than max-wait.
 */
TEST_F_TIMEOUT(vos, ctrl_gets_its_budget_and_never_starves, 120)
{
	double share = ctrl_share_pct(8);
	long long max_wait;
	char json[8192];

	ASSERT_GE(share, 0);
	ASSERT_EQ(0, vosctl_status_json(json, sizeof(json)));
	max_wait = json_num(json, "ctrl", "max_wait_ns");
	TH_LOG("control plane share %.2f%% (budget 5%%), max wait %lld ms",
	       share, max_wait / 1000000);
	/* Under TCG timing is coarse: 5% within a factor of two. */
	EXPECT_GT(share, 2.5);
	EXPECT_LT(share, 10.0);
	/*
	 * max-wait is 100 ms. The guard is checked at dispatch and at 1 ms
	 * ticks, and under TCG waits of 100.4 ms were seen: allow 10 ms of
	 * granularity on top (the benchmark reports the raw maximum).
	 */
	EXPECT_LE(max_wait, 110000000LL);
}

/* VOS's run counters over all classes, and when they were read. */
struct sched_sample {
	long long wall_ns, runtime_ns, runs, overrun_ns;
};

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/*
 * An fd for VOS's per-CPU stats map, found among the loaded maps by its
 * name, type and value size; -1 if there is none. Reading the map (not
 * vosctl) lets a thread sample the counters at an exact moment.
 */
static int vos_stats_map(void)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	__u32 id = 0;
	int fd;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_MAP_GET_NEXT_ID, &attr))
			return -1;
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.map_id = id;
		fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) &&
		    info.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
		    info.value_size == sizeof(struct vos_stats) &&
		    !strcmp(info.name, "stats"))
			return fd;
		close(fd);
	}
}

static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int first, last = -1, n;

	if (!f)
		return -1;
	n = fscanf(f, "%d-%d", &first, &last);
	fclose(f);
	if (n < 1)
		return -1;
	return (n == 2 ? last : first) + 1;
}

/* The counters of every CPU and class, summed, at this moment. */
static int sched_sample(int map, int ncpus, struct sched_sample *s)
{
	struct vos_stats v[ncpus];
	union bpf_attr attr;
	__u32 key = 0;
	int c, cls;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (__u64)(unsigned long)&key;
	attr.value = (__u64)(unsigned long)v;
	s->wall_ns = now_ns();
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr))
		return -1;
	s->runtime_ns = 0;
	s->runs = 0;
	s->overrun_ns = 0;
	for (c = 0; c < ncpus; c++)
		for (cls = 0; cls < VOS_NR_CLASSES; cls++) {
			s->runtime_ns += v[c].runtime_ns[cls];
			s->runs += v[c].nr_runs[cls];
			s->overrun_ns += v[c].overrun_ns[cls];
		}
	return 0;
}

/*
 * Control-plane threads released all at once (a fork storm, hackbench's
 * groups), each wanting some CPU time, behind busy agents.
 */
struct burst {
	atomic_int go;		/* futex word: 1 releases every thread */
	atomic_int ready;	/* threads about to wait for go */
	atomic_llong t0;	/* when go was set */
	atomic_llong max_ns;	/* longest release-to-run seen */
	atomic_int ran;		/* threads that have run since go */
	int nr, map, ncpus;	/* threads; VOS's stats map */
	int sampled;		/* s1 holds the counters when the last ran */
	struct sched_sample s1;
};

static void *burst_fn(void *arg)
{
	struct burst *b = arg;
	struct timespec ts;
	long long late, seen;

	prctl(PR_SET_NAME, "ctrl-burst");
	atomic_fetch_add(&b->ready, 1);
	while (!atomic_load(&b->go))
		syscall(SYS_futex, (int *)&b->go, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
	late = now_ns() - atomic_load(&b->t0);
	seen = atomic_load(&b->max_ns);
	while (late > seen &&
	       !atomic_compare_exchange_weak(&b->max_ns, &seen, late))
		;
	/* The last one to get a turn ends the window the test measures. */
	if (atomic_fetch_add(&b->ran, 1) == b->nr - 1)
		b->sampled = !sched_sample(b->map, b->ncpus, &b->s1);
	/* 4 ms of CPU time, then done. */
	do {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ts.tv_sec == 0 && ts.tv_nsec < 4000000);
	return NULL;
}

/*
 * Four CPU-bound agents per CPU, then 60 threads released at once. Each
 * of the 60 runs within max-wait of its release: with no vCPU wanting
 * the CPUs CTRL has them all, but it must share them in slices short
 * enough for the whole queue to get a turn in time.
 *
 * The last of N tasks in a round robin on C CPUs waits for N / C runs,
 * and each run costs more than the slice VOS gives it: the switch, and
 * the time until the kernel notices the slice is over (the next tick,
 * and under TCG whenever the emulator delivers it). Under TCG that was
 * about 1 ms a run, so 34 runs took 66 ms of the 100 in a quiet test
 * host, and CI on a loaded machine saw a wait over 110 ms. That cost is
 * not the scheduler's decision: the test measures it per run from the
 * release to the last thread's first run (the time busy CPUs spent
 * outside any task, and VOS's overrun counter, read from its map at
 * those two moments) and allows N / C of it on top of max-wait. Slices too long,
 * or a queue out of order, still fail: a slice is inside the run, and
 * the allowance only counts what runs took beyond theirs.
 */
TEST_F_TIMEOUT(vos, ctrl_burst_runs_within_max_wait, 120)
{
	enum { PER_CPU = 4, BURST = 60 };
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, nhogs, started = 0;
	struct burst b = { .nr = BURST };
	long long runs, off_ns, over_ns, allow;
	struct sched_sample s0;
	pthread_t th[BURST];
	atomic_int stop = 0;
	struct hog *hogs;
	long long max_wait;
	char json[8192];

	ASSERT_GT(ncpu, 0);
	b.ncpus = possible_cpus();
	ASSERT_GT(b.ncpus, 0);
	b.map = vos_stats_map();
	ASSERT_LE(0, b.map) TH_LOG("VOS's stats map is not loaded");
	nhogs = PER_CPU * ncpu;
	hogs = calloc(nhogs, sizeof(*hogs));
	ASSERT_NE(NULL, hogs);
	for (i = 0; i < nhogs; i++) {
		hogs[i].cpu = i % ncpu;
		hogs[i].stop = &stop;
		snprintf(hogs[i].name, sizeof(hogs[i].name), "ctrl-agent");
		ASSERT_EQ(0, pthread_create(&hogs[i].thread, NULL, hog_fn,
					    &hogs[i]));
	}
	for (; started < BURST; started++)
		if (pthread_create(&th[started], NULL, burst_fn, &b))
			break;
	while (atomic_load(&b.ready) < started)
		usleep(10000);
	/* Let the last ones reach their futex wait. */
	usleep(200000);
	ASSERT_EQ(0, sched_sample(b.map, b.ncpus, &s0));
	atomic_store(&b.t0, s0.wall_ns);
	atomic_store(&b.go, 1);
	syscall(SYS_futex, (int *)&b.go, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
		NULL, 0);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	stop = 1;
	for (i = 0; i < nhogs; i++)
		pthread_join(hogs[i].thread, NULL);
	free(hogs);
	close(b.map);
	ASSERT_EQ(BURST, started);
	ASSERT_TRUE(b.sampled);
	runs = b.s1.runs - s0.runs;
	ASSERT_GT(runs, 0);

	/* From the release to the last thread's first run: CPUs all busy. */
	off_ns = ncpu * (b.s1.wall_ns - s0.wall_ns) -
		 (b.s1.runtime_ns - s0.runtime_ns);
	if (off_ns < 0)
		off_ns = 0;
	off_ns /= runs;
	over_ns = (b.s1.overrun_ns - s0.overrun_ns) / runs;
	allow = 110000000LL +
		(nhogs + BURST + ncpu - 1) / ncpu * (off_ns + over_ns);
	ASSERT_EQ(0, vosctl_status_json(json, sizeof(json)));
	max_wait = json_num(json, "ctrl", "max_wait_ns");
	TH_LOG("longest release-to-run %lld ms, longest wait %lld ms",
	       atomic_load(&b.max_ns) / 1000000, max_wait / 1000000);
	TH_LOG("%lld runs in %lld ms, %lld ms allowed; per run %lld us in tasks",
	       runs, (b.s1.wall_ns - s0.wall_ns) / 1000000, allow / 1000000,
	       (b.s1.runtime_ns - s0.runtime_ns) / runs / 1000);
	TH_LOG("of that %lld us past the slice, and %lld us between runs",
	       over_ns / 1000, off_ns / 1000);
	/* max-wait is 100 ms, the granularity above, and the runs' cost. */
	EXPECT_LE(atomic_load(&b.max_ns), allow);
	EXPECT_LE(max_wait, allow);
}

static long long online_cpus(void)
{
	char json[8192];

	if (vosctl_status_json(json, sizeof(json)) != 0)
		return -1;
	return json_num(json, "", "online_cpus");
}

/*
 * The kernel ejects a sched_ext scheduler that does not follow CPU
 * hotplug. Take CPU 1 offline and back while a vCPU thread runs: VOS
 * stays loaded (the teardown checks) and counts the CPUs it has.
 */
TEST_F_TIMEOUT(vos, follows_cpu_hotplug, 120)
{
	struct sleeper s = {};
	long long online, offlined, onlined;
	int err;

	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "CPU 1 cannot go offline in this host");
	online = online_cpus();
	ASSERT_GE(online, 2);
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sleeper_fn, &s));
	sleeper_rename(&s, "CPU 1/KVM");

	err = write_file(CPU1_ONLINE, "0");
	usleep(200000);
	offlined = online_cpus();
	/* Always bring CPU 1 back before judging anything. */
	EXPECT_EQ(0, write_file(CPU1_ONLINE, "1"));
	usleep(200000);
	onlined = online_cpus();
	s.stop = 1;
	pthread_join(s.thread, NULL);

	ASSERT_EQ(0, err) TH_LOG("offlining CPU 1: %s", strerror(-err));
	EXPECT_EQ(online - 1, offlined);
	EXPECT_EQ(online, onlined);
	EXPECT_TRUE(vos_enabled());
}

TEST_F_TIMEOUT(vos, survives_stress, 300)
{
	const char *secs = getenv("VOS_STRESS_S");
	char cmd[256];
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "stress-ng --cpu 2 --fork 2 --affinity 2 --timeout %ss --quiet",
		 secs ? secs : "60");
	rc = sh(cmd);
	EXPECT_EQ(0, rc);
	rc = sh("hackbench -g 4 -l 200 >/dev/null 2>&1");
	EXPECT_EQ(0, rc);
}

TEST_HARNESS_MAIN
