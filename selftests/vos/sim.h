/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pieces of a synthetic KVM host shared by vos_test.c and vos_bench.c:
 * the clock, pinned and named threads, and the control plane's CPU share
 * when busy vCPUs and busy control-plane threads compete on every CPU.
 */
#ifndef VOS_SIM_H
#define VOS_SIM_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Pin the calling thread to one CPU and give it a name (its comm). */
static inline void pin_and_name(int cpu, const char *name)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	prctl(PR_SET_NAME, name);
}

/* A busy thread pinned to one CPU, named like a vCPU or a control task. */
struct hog {
	pthread_t thread;
	int cpu;
	char name[16];
	atomic_int *stop;
	long long cpu_ns; /* CPU time it got */
};

static inline void *hog_fn(void *arg)
{
	struct hog *h = arg;
	struct timespec ts;

	pin_and_name(h->cpu, h->name);
	while (!*h->stop)
		;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	h->cpu_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	return NULL;
}

/*
 * One busy "CPU <n>/KVM" and one busy "ctrl-<n>" thread on every CPU for
 * @seconds: the control plane's share of all CPU time, in percent, or a
 * negative value when the threads could not be started.
 */
static inline double ctrl_share_pct(int seconds)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, started = 0;
	struct hog *h = calloc(2 * ncpu, sizeof(*h));
	atomic_int stop = 0;
	long long start, wall, ctrl = 0;

	if (!h)
		return -1;
	for (i = 0; i < 2 * ncpu; i++) {
		h[i].cpu = i % ncpu;
		h[i].stop = &stop;
		snprintf(h[i].name, sizeof(h[i].name),
			 i < ncpu ? "CPU %d/KVM" : "ctrl-%d", i % ncpu);
	}
	start = now_ns();
	for (i = 0; i < 2 * ncpu; i++, started++)
		if (pthread_create(&h[i].thread, NULL, hog_fn, &h[i]))
			break;
	if (started == 2 * ncpu)
		sleep(seconds);
	stop = 1;
	for (i = 0; i < started; i++)
		pthread_join(h[i].thread, NULL);
	wall = now_ns() - start;
	for (i = ncpu; i < started; i++)
		ctrl += h[i].cpu_ns;
	free(h);
	if (started != 2 * ncpu)
		return -1;
	return 100.0 * ctrl / ((double)wall * ncpu);
}

#endif /* VOS_SIM_H */
