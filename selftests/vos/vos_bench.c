// SPDX-License-Identifier: GPL-2.0
/*
 * A synthetic KVM host for the VOS benchmark (tools/testing/bench/vos).
 *
 *   vos_bench vcpus SECONDS THRESHOLD_US
 *	One "vCPU" thread per CPU, named "CPU <n>/KVM" and pinned: every
 *	millisecond it wakes (cyclictest-style: how late was the wake-up?)
 *	and then busy-polls for 500 us (oslat-style: how much of that time
 *	was taken away, in gaps over 50 us?). Prints one JSON object: wake-up latency p50, p99,
 *	max, the rate of wake-ups later than THRESHOLD_US, and the share of
 *	the polling time the vCPUs lost.
 *
 *   vos_bench share SECONDS
 *	One busy vCPU and one busy control-plane thread per CPU, pinned:
 *	prints the control plane's share of all CPU time, in percent.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#define PERIOD_NS 1000000LL
#define POLL_NS 500000LL
/*
 * A gap between two clock reads longer than this counts as time taken from
 * the vCPU. Under TCG one clock read alone can take microseconds, so the
 * bar sits well above that.
 */
#define GAP_NS 50000LL

static atomic_int stop;

struct vcpu {
	pthread_t thread;
	int cpu;
	long long *late;
	int nr, max;
	long long polled_ns, lost_ns;
};

static void *vcpu_fn(void *arg)
{
	struct vcpu *v = arg;
	char name[16];
	struct timespec t;
	long long next, start, prev, cur;

	snprintf(name, sizeof(name), "CPU %d/KVM", v->cpu);
	pin_and_name(v->cpu, name);
	next = now_ns();
	while (!stop && v->nr < v->max) {
		next += PERIOD_NS;
		t.tv_sec = next / 1000000000LL;
		t.tv_nsec = next % 1000000000LL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
		start = now_ns();
		v->late[v->nr++] = start - next;
		prev = start;
		do {
			cur = now_ns();
			if (cur - prev > GAP_NS)
				v->lost_ns += cur - prev;
			prev = cur;
		} while (cur - start < POLL_NS);
		v->polled_ns += cur - start;
		/* Fell behind by more than a period: skip, as a vCPU would. */
		if (cur > next + PERIOD_NS)
			next = cur - cur % PERIOD_NS;
	}
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int bench_vcpus(int seconds, long long threshold_us)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, n = 0, outliers = 0;
	struct vcpu *v = calloc(ncpu, sizeof(*v));
	long long *all, polled = 0, lost = 0;

	if (!v)
		return 1;
	for (i = 0; i < ncpu; i++) {
		v[i].cpu = i;
		v[i].max = seconds * 1000;
		v[i].late = calloc(v[i].max, sizeof(long long));
		if (!v[i].late ||
		    pthread_create(&v[i].thread, NULL, vcpu_fn, &v[i]))
			return 1;
	}
	sleep(seconds);
	stop = 1;
	for (i = 0; i < ncpu; i++) {
		pthread_join(v[i].thread, NULL);
		n += v[i].nr;
		polled += v[i].polled_ns;
		lost += v[i].lost_ns;
	}
	all = calloc(n ? n : 1, sizeof(long long));
	if (!all)
		return 1;
	n = 0;
	for (i = 0; i < ncpu; i++) {
		memcpy(all + n, v[i].late, v[i].nr * sizeof(long long));
		n += v[i].nr;
	}
	qsort(all, n, sizeof(*all), cmp_ll);
	for (i = 0; i < n; i++)
		outliers += all[i] > threshold_us * 1000;
	printf("{\"wakeups\": %d", n);
	printf(", \"p50_us\": %.1f", n ? all[n / 2] / 1e3 : 0);
	printf(", \"p99_us\": %.1f", n ? all[(int)(0.99 * (n - 1))] / 1e3 : 0);
	printf(", \"max_us\": %.1f", n ? all[n - 1] / 1e3 : 0);
	printf(", \"outlier_rate\": %.6f", n ? (double)outliers / n : 0);
	printf(", \"vcpu_work_lost_pct\": %.3f}\n",
	       polled ? 100.0 * lost / polled : 0);
	return 0;
}

static int bench_share(int seconds)
{
	double share = ctrl_share_pct(seconds);

	if (share < 0)
		return 1;
	printf("{\"ctrl_share_pct\": %.3f}\n", share);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "vcpus"))
		return bench_vcpus(atoi(argv[2]), atoll(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "share"))
		return bench_share(atoi(argv[2]));
	fprintf(stderr, "usage: vos_bench vcpus SECONDS THRESHOLD_US | share SECONDS\n");
	return 2;
}
