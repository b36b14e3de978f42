/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VOS: types shared by the BPF scheduler (vos.bpf.c) and vosctl.
 *
 * Fixed-width types only; the layout of these structures is what vosctl
 * reads out of the scheduler's maps, so both sides are always built from
 * this one header.
 */
#ifndef __VOS_H
#define __VOS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Scheduling classes, in the order VOS serves them. */
enum vos_class {
	VOS_CLASS_KTHREAD = 0,	/* per-CPU kernel threads: always progress */
	VOS_CLASS_VCPU = 1,	/* vCPU threads, vhost workers, vcpu cgroups */
	VOS_CLASS_CTRL = 2,	/* the host's control plane: everything else */
	VOS_NR_CLASSES = 3,
};

/* Values of the tid_class and cgroup_class maps (vosctl class set). */
enum vos_override {
	VOS_OVERRIDE_VCPU = 1,
	VOS_OVERRIDE_CTRL = 2,
};

/* Wake-up latency histograms: bucket i counts latencies < 2^i us. */
#define VOS_HIST_BUCKETS	24

/* Per-CPU statistics (stats map, BPF_MAP_TYPE_PERCPU_ARRAY, one entry). */
struct vos_stats {
	__u64 runtime_ns[VOS_NR_CLASSES];	/* CPU time consumed */
	__u64 nr_runs[VOS_NR_CLASSES];		/* times a task started running */
	__u64 wake_hist[VOS_NR_CLASSES][VOS_HIST_BUCKETS];
	__u64 max_wait_ns[VOS_NR_CLASSES];	/* longest runnable-to-running */
	__u64 preemptions;	/* CTRL or kthread preempted for a waking vCPU */
	__u64 throttles;	/* CTRL left waiting: budget used up */
	__u64 budget_runs;	/* CTRL run on its budget under contention */
	__u64 guard_runs;	/* CTRL run by the starvation guard */
	__u64 ctrl_budget_ns;	/* CTRL time charged to the budget */
	__u64 reenqueued;	/* tasks re-enqueued after RT/DL took a CPU */
	/* Time runs went on past the slice VOS gave them (ticks, emulator). */
	__u64 overrun_ns[VOS_NR_CLASSES];
};

/* Configuration as loaded (rodata), readable by vosctl sched show. */
struct vos_config {
	__u64 ctrl_slice_ns;	/* CTRL slice under contention */
	__u64 vcpu_slice_ns;	/* vCPU slice when others wait */
	__u64 max_wait_ns;	/* starvation guard for CTRL */
	__u32 ctrl_budget_pct;	/* CTRL share of each CPU under contention */
	__u32 stall_ctrl;	/* testing only: never run CTRL (gets ejected) */
	__u32 nr_cpus;		/* possible CPUs */
	__u32 pad;
};

/* The one element of the "state" array map, updated by the scheduler. */
struct vos_state {
	__s64 nr_tasks[VOS_NR_CLASSES];	/* tasks currently in each class */
	__u32 nr_online;	/* online CPUs, following CPU hotplug */
	__u32 pad;
};

/*
 * The one __u64 element of the "generation" array map: vosctl bumps it
 * after changing tid_class or cgroup_class, and every task's class is
 * recomputed the next time it is queued.
 */

#endif /* __VOS_H */
