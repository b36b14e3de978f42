// SPDX-License-Identifier: GPL-2.0
/*
 * VOS: a vCPU-first scheduler for KVM hosts, as a sched_ext BPF scheduler.
 *
 * Every SCHED_NORMAL/BATCH/IDLE task is scheduled here (full switch); RT
 * and deadline tasks keep their precedence. Tasks fall in three classes:
 *
 *   KTHREAD  per-CPU kernel threads: queued on their CPU's local DSQ in
 *            short slices, so they always make progress; one that used
 *            up a slice while a vCPU waits for its CPU queues at the head
 *            of the control plane's queue instead.
 *   VCPU     QEMU vCPU threads ("CPU <n>/KVM"), vhost workers ("vhost-"),
 *            threads in configured cgroups and explicit TIDs. They run
 *            first, ordered by a per-VM virtual time so that VMs share
 *            fairly. A waking vCPU goes to the head of the local DSQ of a
 *            CPU running a kthread or free-running CTRL and preempts it at
 *            once.
 *   CTRL     everything else: the host's control plane. It runs freely on
 *            CPU time no vCPU wants. Under contention each CPU gives it a
 *            token-bucket budget (ctrl_budget_pct of the CPU, in slices of
 *            ctrl_slice_ns), and a starvation guard runs the oldest CTRL
 *            task before it has waited max_wait_ns, so the sched_ext
 *            watchdog never fires. Budget and guard runs are not
 *            preempted; a per-CPU timer ends them after one slice.
 *
 * Classification is cached per task and recomputed when the task is
 * renamed, moves to another cgroup, or vosctl changes the rules (a new
 * generation in the generation map).
 *
 * Written against Linux 6.12's sched_ext kfuncs; the ones later kernels
 * renamed are called through the vos_*() wrappers of compat.h.
 */
#include <scx/common.bpf.h>
#include "compat.h"
#include "vos.h"

char _license[] SEC("license") = "GPL";

#define VCPU_DSQ	1
#define CTRL_DSQ	2
#define NO_CLASS	VOS_NR_CLASSES
#define MAX_CPUS	4096
#define CGROUP_DEPTH	16
#define GUARD_MARGIN_NS	(4 * 1000 * 1000)
#define SOLO_SLICE_NS	(1000 * 1000)	/* free slice floor with no vCPUs */
#define VCPU_SCAN	32	/* queued vCPUs vcpu_waits_for() looks at */
#define CTRL_SCAN	4	/* head of CTRL_DSQ oldest_ctrl_queued_at() scans */

enum ctrl_mode { CTRL_FREE, CTRL_BUDGET, CTRL_GUARD };

/* Set by vosctl before the load; vosctl sched show reads it back. */
const volatile struct vos_config cfg = {
	.ctrl_slice_ns = 500 * 1000,
	.vcpu_slice_ns = 5 * 1000 * 1000,
	.max_wait_ns = 100 * 1000 * 1000,
	.ctrl_budget_pct = 5,
	.nr_cpus = 1,
};

/* How the scheduler ended, for vosctl: the kernel's <scx/user_exit_info.h>. */
UEI_DEFINE(uei);
static u64 vtime_now;

struct task_ctx {
	u64 gen;		/* rules generation the class was computed at */
	u64 queued_at;		/* became runnable or was queued; 0: not */
	u32 cls;
	u32 woken;		/* queued_at is a wake-up */
	u32 counted;		/* counted in state.nr_tasks[cls] */
	u32 via_ctrl;		/* queued on CTRL_DSQ: runs on CTRL's terms */
};

struct cpu_ctx {
	s64 tokens;		/* CTRL budget left on this CPU, ns */
	u64 refilled_at;
	u64 running_since;
	u32 cur_cls;		/* class of the running task, NO_CLASS if none */
	u32 cur_mode;		/* ctrl_mode of the running CTRL task */
	u32 next_mode;		/* ctrl_mode for the CTRL task being dispatched */
	u32 guarded;		/* the last contended dispatch ran the guard */
	u64 timed_run;		/* running_since of the run the timer ends */
	u64 mode_since;		/* when cur_mode began: charged from here */
	u64 run_slice;		/* how long VOS meant this run to last */
};

/* Ends CTRL's budget and guard runs on time: see arm_slice_timer(). */
struct slice_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct cpu_ctx);
} cpu_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct vos_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct vos_state);
} state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} generation SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct slice_timer);
} slice_timers SEC(".maps");

/* TID -> enum vos_override, written by vosctl class set. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, u32);
} tid_class SEC(".maps");

/* cgroup id (cgroup2 inode number) -> enum vos_override. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u32);
} cgroup_class SEC(".maps");

/* Per-VM (thread group) virtual time of the vCPU class. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, u64);
} vm_vtime SEC(".maps");

static u64 now(void)
{
	return bpf_ktime_get_ns();
}

static struct vos_stats *stats_get(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

static struct vos_state *state_get(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&state, &zero);
}

static struct cpu_ctx *cpu_ctx_get(s32 cpu)
{
	u32 zero = 0;

	if (cpu < 0)
		return bpf_map_lookup_elem(&cpu_ctxs, &zero);
	return bpf_map_lookup_percpu_elem(&cpu_ctxs, &zero, cpu);
}

static struct task_ctx *task_ctx_get(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

/* "CPU <n>/KVM" (QEMU vCPU threads) or "vhost-<pid>" (vhost workers). */
static bool comm_is_vcpu(struct task_struct *p)
{
	char c[TASK_COMM_LEN];
	int state = 0, k;

	if (bpf_probe_read_kernel(c, sizeof(c), p->comm))
		return false;
	if (c[0] == 'v' && c[1] == 'h' && c[2] == 'o' && c[3] == 's' &&
	    c[4] == 't' && c[5] == '-')
		return true;
	if (c[0] != 'C' || c[1] != 'P' || c[2] != 'U' || c[3] != ' ')
		return false;
	/* state: 0 first digit, 1 digits, 2 'K', 3 'V', 4 'M', 5 end */
#pragma unroll
	for (k = 4; k < TASK_COMM_LEN; k++) {
		char ch = c[k];

		if (state <= 1 && ch >= '0' && ch <= '9')
			state = 1;
		else if (state == 1 && ch == '/')
			state = 2;
		else if (state == 2 && ch == 'K')
			state = 3;
		else if (state == 3 && ch == 'V')
			state = 4;
		else if (state == 4 && ch == 'M')
			state = 5;
		else if (state == 5 && ch == '\0')
			return true;
		else
			return false;
	}
	return false;
}

/* The closest configured cgroup among the task's cgroup and ancestors. */
static u32 cgroup_override(struct task_struct *p)
{
	struct cgroup *cg = BPF_CORE_READ(p, cgroups, dfl_cgrp);
	int i;

	for (i = 0; i < CGROUP_DEPTH && cg; i++) {
		u64 id = BPF_CORE_READ(cg, kn, id);
		u32 *v = bpf_map_lookup_elem(&cgroup_class, &id);

		if (v)
			return *v;
		/* self is the first member: its parent css is the cgroup */
		cg = (struct cgroup *)BPF_CORE_READ(cg, self.parent);
	}
	return 0;
}

static u32 compute_class(struct task_struct *p)
{
	u32 pid = p->pid;
	u32 *ovr;

	if ((p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1)
		return VOS_CLASS_KTHREAD;
	ovr = bpf_map_lookup_elem(&tid_class, &pid);
	if (ovr)
		return *ovr == VOS_OVERRIDE_VCPU ? VOS_CLASS_VCPU :
						   VOS_CLASS_CTRL;
	if (comm_is_vcpu(p))
		return VOS_CLASS_VCPU;
	switch (cgroup_override(p)) {
	case VOS_OVERRIDE_VCPU:
		return VOS_CLASS_VCPU;
	case VOS_OVERRIDE_CTRL:
	default:
		return VOS_CLASS_CTRL;
	}
}

static void count_task(struct vos_state *st, u32 cls, s64 delta)
{
	if (st && cls < VOS_NR_CLASSES)
		__sync_fetch_and_add(&st->nr_tasks[cls], delta);
}

/* The task's class, recomputed when the rules or the task changed. */
static u32 task_class(struct task_struct *p, struct task_ctx *tc)
{
	struct vos_state *st = state_get();
	u32 zero = 0, cls;
	u64 *g = bpf_map_lookup_elem(&generation, &zero);
	u64 gen = (g ? *g : 0) + 1;	/* tc->gen 0 means unknown */

	if (tc->gen == gen && tc->cls < VOS_NR_CLASSES)
		return tc->cls;
	cls = compute_class(p);
	if (tc->counted && tc->cls != cls) {
		count_task(st, tc->cls, -1);
		count_task(st, cls, 1);
	}
	tc->cls = cls;
	tc->gen = gen;
	return cls;
}

/*
 * Is a queued vCPU allowed on @cpu? vCPUs are usually pinned, so the
 * global vCPU queue holds vCPUs of other CPUs too; look at its first few.
 */
static bool vcpu_waits_for(s32 cpu)
{
	struct task_struct *p;
	u32 n = 0;

	if (!scx_bpf_dsq_nr_queued(VCPU_DSQ))
		return false;
	bpf_for_each(scx_dsq, p, VCPU_DSQ, 0) {
		if (bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			return true;
		if (++n >= VCPU_SCAN)
			break;
	}
	return false;
}

/*
 * May a waking vCPU take @cpu from what runs there? A per-CPU kthread or
 * CTRL running on idle time, yes; CTRL on its budget or the guard, no.
 */
static bool cpu_preemptible(s32 cpu)
{
	struct cpu_ctx *cc = cpu_ctx_get(cpu);

	return cc && cc->cur_mode == CTRL_FREE &&
	       (cc->cur_cls == VOS_CLASS_CTRL ||
		cc->cur_cls == VOS_CLASS_KTHREAD);
}

/* Does @cpu run a budget or guard run, which its slice timer will end? */
static bool cpu_runs_timed_ctrl(s32 cpu)
{
	struct cpu_ctx *cc = cpu_ctx_get(cpu);

	return cc && cc->cur_mode != CTRL_FREE && cc->running_since;
}

static void refill(struct cpu_ctx *cc, u64 t)
{
	s64 cap = 2 * cfg.ctrl_slice_ns;

	if (t > cc->refilled_at) {
		cc->tokens += (t - cc->refilled_at) * cfg.ctrl_budget_pct / 100;
		if (cc->tokens > cap)
			cc->tokens = cap;
	}
	cc->refilled_at = t;
}

static u64 vm_vtime_key(struct task_struct *p)
{
	u64 floor = vtime_now > cfg.vcpu_slice_ns ? vtime_now - cfg.vcpu_slice_ns : 0;
	u32 tgid = p->tgid;
	u64 *vt = bpf_map_lookup_elem(&vm_vtime, &tgid);

	if (!vt) {
		bpf_map_update_elem(&vm_vtime, &tgid, &floor, BPF_NOEXIST);
		return floor;
	}
	/* A VM that was idle may bank at most one slice. */
	if (*vt < floor)
		*vt = floor;
	return *vt;
}

/* When the oldest queued CTRL task was queued, 0 if none. */
static u64 oldest_ctrl_queued_at(void)
{
	struct task_struct *p;
	u64 at = 0;
	u32 n = 0;

	/* FIFO, but kthreads that yielded to a vCPU are queued at the head. */
	bpf_for_each(scx_dsq, p, CTRL_DSQ, 0) {
		struct task_ctx *tc = task_ctx_get(p);

		if (tc && tc->queued_at && (!at || tc->queued_at < at))
			at = tc->queued_at;
		if (++n >= CTRL_SCAN)
			break;
	}
	return at;
}

/* CPUs that serve CTRL_DSQ: the online ones, at least one. */
static u32 online_cpus(void)
{
	struct vos_state *st = state_get();

	return st && st->nr_online ? st->nr_online : 1;
}

/* Are there vCPU threads at all, that CTRL could have to wait for? */
static bool vcpus_exist(void)
{
	struct vos_state *st = state_get();

	return st && st->nr_tasks[VOS_CLASS_VCPU] > 0;
}

/*
 * The guard acts before the oldest queued CTRL task reaches max_wait: it
 * is only checked at dispatch and at ticks, and it serves one task per
 * CPU at a time, for a slice, every other turn at most while vCPUs want
 * the CPU. When a burst wakes many CTRL tasks at once (hackbench's
 * groups, a fork storm) and there are vCPUs, the last of them is served
 * two slices and the switches between them per queued task and CPU
 * later, so the guard starts that much earlier, up to half of max_wait.
 * With no vCPU thread on the host CTRL has every CPU and the queue moves
 * as fast as it can: only the fixed margin applies.
 */
static bool ctrl_starving(u64 t)
{
	u64 at = oldest_ctrl_queued_at();
	u64 margin = cfg.max_wait_ns / 8, backlog;

	if (!at || t <= at)
		return false;
	if (margin > GUARD_MARGIN_NS)
		margin = GUARD_MARGIN_NS;
	if (vcpus_exist()) {
		backlog = scx_bpf_dsq_nr_queued(CTRL_DSQ) * 3 *
			  cfg.ctrl_slice_ns / online_cpus();
		if (margin < backlog)
			margin = backlog;
		if (margin > cfg.max_wait_ns / 2)
			margin = cfg.max_wait_ns / 2;
	}
	return t - at + margin >= cfg.max_wait_ns;
}

/*
 * The slice of a free-running CTRL task. CTRL_DSQ is a round robin: every
 * task queued ahead of the last one runs a slice before it does, so with
 * long slices that task waits queued x slice / CPUs, even with every CPU
 * to itself (a hackbench's fork burst behind CPU-bound agents). Like the
 * fair class, VOS shortens the slices as the queue grows, so that a turn
 * of it takes at most a quarter of max_wait, but not below ctrl_slice_ns.
 *
 * With no vCPU thread on the host the floor is SOLO_SLICE_NS instead, if
 * that is longer: the control plane then only competes with itself, and
 * every slice cut costs a switch. Measured with hackbench alone (A/B in
 * one test host, Documentation/benchmarks.md), 0.5 ms slices left VOS at
 * the fair class's throughput and 1 ms ones 10% ahead of it, while a
 * 60-task burst behind CPU-bound agents still ran within 64 ms.
 */
static u64 ctrl_free_slice(void)
{
	u64 queued = scx_bpf_dsq_nr_queued(CTRL_DSQ);
	u64 slice = cfg.max_wait_ns * online_cpus() / (4 * (queued + 1));
	u64 floor = cfg.ctrl_slice_ns;

	if (!vcpus_exist() && floor < SOLO_SLICE_NS)
		floor = SOLO_SLICE_NS;
	if (slice > SCX_SLICE_DFL)
		slice = SCX_SLICE_DFL;
	if (slice < floor)
		slice = floor;
	return slice;
}

/* CTRL time on budget or guard is charged to the budget, free time too. */
static void charge_ctrl(struct cpu_ctx *cc, u32 cls, u64 used)
{
	struct vos_stats *s = stats_get();

	if (cc->cur_mode != CTRL_FREE) {
		cc->tokens -= used;
		/* The guard may overdraw, but the debt stays bounded. */
		if (cc->tokens < -(s64)(16 * cfg.ctrl_slice_ns))
			cc->tokens = -(s64)(16 * cfg.ctrl_slice_ns);
		if (s)
			s->ctrl_budget_ns += used;
	} else if (cls == VOS_CLASS_CTRL) {
		/*
		 * Idle time is free, but it also spends what the budget saved
		 * up: a vCPU that preempts a free-running CTRL task must not
		 * find CTRL's budget waiting to run first.
		 */
		cc->tokens -= used;
		if (cc->tokens < 0)
			cc->tokens = 0;
	}
}

/*
 * A budget or guard run's slice is over (the timer is pinned to its CPU).
 * If a vCPU waits for the CPU, the run ends; if none does, it goes on as
 * a free run, which the next waking vCPU preempts.
 */
static int slice_timerfn(void *map, int *key, struct bpf_timer *timer)
{
	struct cpu_ctx *cc = cpu_ctx_get(*key);
	u64 t = now();
	bool waiting;

	if (!cc || cc->cur_mode == CTRL_FREE || !cc->running_since ||
	    cc->running_since != cc->timed_run)
		return 0;
	/* Unlike the scheduler's callbacks, a timer runs outside RCU. */
	bpf_rcu_read_lock();
	waiting = scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL) || vcpu_waits_for(*key);
	bpf_rcu_read_unlock();
	if (waiting) {
		scx_bpf_kick_cpu(*key, SCX_KICK_PREEMPT);
		return 0;
	}
	charge_ctrl(cc, cc->cur_cls, t - cc->mode_since);
	cc->cur_mode = CTRL_FREE;
	cc->mode_since = t;
	/* It goes on freely: until a tick or a vCPU ends it, no overrun. */
	cc->run_slice = SCX_SLICE_INF;
	return 0;
}

/*
 * The kernel ends a slice at the first tick after it ran out: with a
 * 1000 Hz tick a 500 us budget or guard run could last twice as long,
 * with 250 Hz eight times, and a vCPU queued behind it would wait that
 * long. A per-CPU timer ends it on time instead.
 */
static void arm_slice_timer(s32 cpu, struct cpu_ctx *cc)
{
	struct slice_timer *st;
	u32 key = cpu;

	st = bpf_map_lookup_elem(&slice_timers, &key);
	if (!st)
		return;
	cc->timed_run = cc->running_since;
	if (cc->run_slice > cfg.ctrl_slice_ns)
		cc->run_slice = cfg.ctrl_slice_ns;
	bpf_timer_start(&st->timer, cfg.ctrl_slice_ns, BPF_F_TIMER_CPU_PIN);
}

/*
 * Queue a vCPU. With an idle CPU it may use, on VCPU_DSQ and that CPU is
 * woken. Otherwise it goes straight to the head of the local queue of a
 * CPU it may use that runs a per-CPU kthread or free-running CTRL, and
 * preempts that at once (the preempted task runs when the vCPU is done),
 * or of its CPU that runs CTRL on its budget or guard, until that slice
 * ends; unless another vCPU already waits for that CPU: then the VMs'
 * virtual time orders them on VCPU_DSQ.
 */
static void enqueue_vcpu(struct task_struct *p, u64 enq_flags)
{
	struct vos_stats *s;
	bool timed = false;
	s32 cpu, prev;
	u32 i;

	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0) {
		vos_dsq_insert_vtime(p, VCPU_DSQ, cfg.vcpu_slice_ns,
				     vm_vtime_key(p), enq_flags);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}
	prev = scx_bpf_task_cpu(p);
	cpu = -1;
	if (bpf_cpumask_test_cpu(prev, p->cpus_ptr) && cpu_preemptible(prev)) {
		cpu = prev;
	} else {
		bpf_for(i, 0, cfg.nr_cpus) {
			if (i >= MAX_CPUS)
				break;
			if (bpf_cpumask_test_cpu(i, p->cpus_ptr) &&
			    cpu_preemptible(i)) {
				cpu = i;
				break;
			}
		}
	}
	/* Behind a budget or guard run, which ends within a CTRL slice. */
	if (cpu < 0 && bpf_cpumask_test_cpu(prev, p->cpus_ptr) &&
	    cpu_runs_timed_ctrl(prev)) {
		cpu = prev;
		timed = true;
	}
	if (cpu < 0 || vcpu_waits_for(cpu)) {
		vos_dsq_insert_vtime(p, VCPU_DSQ, cfg.vcpu_slice_ns,
				     vm_vtime_key(p), enq_flags);
		return;
	}
	vos_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, cfg.vcpu_slice_ns,
		       enq_flags | SCX_ENQ_HEAD);
	if (timed)
		return;
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	s = stats_get();
	if (s)
		s->preemptions++;
}

s32 BPF_STRUCT_OPS(vos_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	struct task_ctx *tc = task_ctx_get(p);
	bool idle = false;
	s32 cpu;
	u32 cls;

	if (!tc)
		return prev_cpu;
	cls = task_class(p, tc);
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	if (idle && !(cls == VOS_CLASS_CTRL && cfg.stall_ctrl))
		vos_dsq_insert(p, SCX_DSQ_LOCAL,
			       cls == VOS_CLASS_VCPU ? cfg.vcpu_slice_ns :
						       SCX_SLICE_DFL, 0);
	return cpu;
}

void BPF_STRUCT_OPS(vos_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tc = task_ctx_get(p);

	if (!tc)
		return;
	tc->queued_at = now();
	tc->woken = !!(enq_flags & SCX_ENQ_WAKEUP);
}

void BPF_STRUCT_OPS(vos_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tc = task_ctx_get(p);
	u32 cls = VOS_CLASS_CTRL;
	s32 cpu;

	if (tc) {
		cls = task_class(p, tc);
		if (!tc->queued_at)
			tc->queued_at = now();
		tc->via_ctrl = 0;
	}

	switch (cls) {
	case VOS_CLASS_KTHREAD:
		/*
		 * Per-CPU kthreads run on their CPU's local queue, ahead of
		 * everything, in short slices. One that used up a slice while
		 * a vCPU waits for its CPU (ksoftirqd working through a storm
		 * of RCU callbacks) queues behind the vCPUs instead: first in
		 * line for the control plane's time on that CPU, whose budget
		 * and guard still bound its wait.
		 */
		if (!(enq_flags & SCX_ENQ_WAKEUP) && tc &&
		    vcpu_waits_for(scx_bpf_task_cpu(p))) {
			tc->via_ctrl = 1;
			vos_dsq_insert(p, CTRL_DSQ, cfg.ctrl_slice_ns,
				       enq_flags | SCX_ENQ_HEAD);
			return;
		}
		vos_dsq_insert(p, SCX_DSQ_LOCAL, cfg.ctrl_slice_ns, enq_flags);
		return;
	case VOS_CLASS_VCPU:
		enqueue_vcpu(p, enq_flags);
		return;
	default:
		if (tc)
			tc->via_ctrl = 1;
		vos_dsq_insert(p, CTRL_DSQ, cfg.ctrl_slice_ns, enq_flags);
		if (cfg.stall_ctrl)
			return;
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
		if (cpu >= 0)
			scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	}
}

static bool is_queued_vcpu(struct task_struct *p)
{
	struct task_ctx *tc;

	if (!p || !(p->scx.flags & SCX_TASK_QUEUED))
		return false;
	tc = task_ctx_get(p);
	return tc && tc->cls == VOS_CLASS_VCPU;
}

/*
 * @prev is still the current task here: a vCPU whose slice ran out is only
 * queued again after this returns, so it counts as a waiting vCPU.
 */
void BPF_STRUCT_OPS(vos_dispatch, s32 cpu, struct task_struct *prev)
{
	struct cpu_ctx *cc = cpu_ctx_get(-1);
	struct vos_stats *s = stats_get();
	bool prev_vcpu = is_queued_vcpu(prev), guard_turn;
	u64 t = now();

	if (!cc || !s)
		return;
	refill(cc, t);
	cc->next_mode = CTRL_FREE;
	guard_turn = !cc->guarded;
	cc->guarded = 0;

	if (!cfg.stall_ctrl && scx_bpf_dsq_nr_queued(CTRL_DSQ) &&
	    (prev_vcpu || vcpu_waits_for(cpu))) {
		/*
		 * Contention: CTRL gets its guard and its budget, no more. The
		 * guard takes every other turn at most, so that a backlog of
		 * starving CTRL tasks cannot keep a vCPU off its CPU for more
		 * than one CTRL slice.
		 */
		if (guard_turn && ctrl_starving(t)) {
			cc->next_mode = CTRL_GUARD;
			if (vos_dsq_move_to_local(CTRL_DSQ)) {
				cc->guarded = 1;
				s->guard_runs++;
				return;
			}
		}
		if (cc->tokens >= (s64)(cfg.ctrl_slice_ns / 2)) {
			cc->next_mode = CTRL_BUDGET;
			if (vos_dsq_move_to_local(CTRL_DSQ)) {
				s->budget_runs++;
				return;
			}
		}
		cc->next_mode = CTRL_FREE;
		s->throttles++;
	}
	if (vos_dsq_move_to_local(VCPU_DSQ))
		return;
	if (prev_vcpu) {
		/* No other vCPU wants this CPU: keep running @prev. */
		prev->scx.slice = cfg.vcpu_slice_ns;
		return;
	}
	if (!cfg.stall_ctrl)
		vos_dsq_move_to_local(CTRL_DSQ);
}

static void record_wait(struct task_ctx *tc, u32 cls, u64 t)
{
	struct vos_stats *s = stats_get();
	u64 wait, us;
	u32 b = 0;

	if (!tc->queued_at || !s || cls >= VOS_NR_CLASSES)
		goto out;
	wait = t > tc->queued_at ? t - tc->queued_at : 0;
	if (wait > s->max_wait_ns[cls])
		s->max_wait_ns[cls] = wait;
	if (tc->woken) {
		us = wait / 1000;
		while (us && b < VOS_HIST_BUCKETS - 1) {
			us >>= 1;
			b++;
		}
		s->wake_hist[cls][b]++;
	}
out:
	tc->queued_at = 0;
	tc->woken = 0;
}

void BPF_STRUCT_OPS(vos_running, struct task_struct *p)
{
	struct task_ctx *tc = task_ctx_get(p);
	struct cpu_ctx *cc = cpu_ctx_get(-1);
	struct vos_stats *s = stats_get();
	u32 cls = VOS_CLASS_CTRL;
	bool via_ctrl = false;
	s32 cpu = scx_bpf_task_cpu(p);
	u64 t = now();

	if (tc) {
		cls = tc->cls < VOS_NR_CLASSES ? tc->cls : VOS_CLASS_CTRL;
		via_ctrl = tc->via_ctrl;
		tc->via_ctrl = 0;
		record_wait(tc, cls, t);
	}
	if (s && cls < VOS_NR_CLASSES)
		s->nr_runs[cls]++;
	if (!cc)
		return;
	cc->cur_cls = cls;
	cc->running_since = t;
	cc->mode_since = t;
	cc->run_slice = p->scx.slice;
	cc->cur_mode = CTRL_FREE;
	if (via_ctrl) {
		/* Picked from CTRL_DSQ: by the budget, the guard or freely. */
		cc->cur_mode = cc->next_mode;
		cc->next_mode = CTRL_FREE;
		if (cc->cur_mode != CTRL_FREE)
			arm_slice_timer(cpu, cc);
	}

	if (cls == VOS_CLASS_VCPU) {
		if (vtime_now < p->scx.dsq_vtime)
			vtime_now = p->scx.dsq_vtime;
		/* Alone on its CPU and nobody waiting: run tickless. */
		if (!scx_bpf_dsq_nr_queued(VCPU_DSQ) &&
		    !scx_bpf_dsq_nr_queued(CTRL_DSQ) &&
		    !scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL)) {
			p->scx.slice = SCX_SLICE_INF;
			cc->run_slice = SCX_SLICE_INF;
		}
		return;
	}
	if ((cls == VOS_CLASS_KTHREAD && !via_ctrl) || cc->cur_mode != CTRL_FREE)
		return;
	/*
	 * Running freely, but a vCPU was queued for this CPU after the task
	 * was chosen (or the task came off the local queue, where the vCPU
	 * could not overtake it): make way at once.
	 */
	if (vcpu_waits_for(cpu)) {
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
		if (s)
			s->preemptions++;
		return;
	}
	/* Idle time is CTRL's to use, in slices for its own queue's sake. */
	if (cls == VOS_CLASS_CTRL && via_ctrl) {
		p->scx.slice = ctrl_free_slice();
		cc->run_slice = p->scx.slice;
	}
}

/*
 * The tick ends the running task's slice, or gives a tickless vCPU a
 * finite one: the run is now meant to end by then, if not earlier.
 */
static void set_slice(struct task_struct *p, struct cpu_ctx *cc, u64 t,
		      u64 slice)
{
	u64 end;

	p->scx.slice = slice;
	if (!cc->running_since || t < cc->running_since)
		return;
	end = t - cc->running_since + slice;
	if (end < cc->run_slice)
		cc->run_slice = end;
}

void BPF_STRUCT_OPS(vos_tick, struct task_struct *p)
{
	struct cpu_ctx *cc = cpu_ctx_get(-1);
	bool ctrl_waiting, vcpu_waiting;
	u64 t = now();

	if (!cc)
		return;
	refill(cc, t);
	ctrl_waiting = !cfg.stall_ctrl && scx_bpf_dsq_nr_queued(CTRL_DSQ);
	vcpu_waiting = vcpu_waits_for(scx_bpf_task_cpu(p));

	switch (cc->cur_cls) {
	case VOS_CLASS_VCPU:
		/* Give up a tickless slice as soon as anyone else waits. */
		if (p->scx.slice == SCX_SLICE_INF &&
		    (ctrl_waiting || vcpu_waiting ||
		     scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL)))
			set_slice(p, cc, t, cfg.vcpu_slice_ns);
		/* Make room for CTRL's budget and for the guard. */
		if (ctrl_waiting && (cc->tokens >= (s64)cfg.ctrl_slice_ns ||
				     ctrl_starving(t)))
			set_slice(p, cc, t, 0);
		break;
	case VOS_CLASS_CTRL:
		/* Free-running CTRL yields to vCPUs the kick did not reach. */
		if (cc->cur_mode == CTRL_FREE && vcpu_waiting)
			set_slice(p, cc, t, 0);
		/*
		 * ... and to CTRL tasks about to wait max_wait: free-running
		 * CTRL has long slices, and a FIFO of CPU-bound CTRL tasks
		 * behind them would otherwise wait many slices.
		 */
		if (ctrl_waiting && ctrl_starving(t))
			set_slice(p, cc, t, 0);
		/* The queue grew behind a long slice: shorten it now. */
		if (cc->cur_mode == CTRL_FREE && ctrl_waiting &&
		    cc->running_since &&
		    t - cc->running_since >= ctrl_free_slice())
			set_slice(p, cc, t, 0);
		break;
	}
}

void BPF_STRUCT_OPS(vos_stopping, struct task_struct *p, bool runnable)
{
	struct cpu_ctx *cc = cpu_ctx_get(-1);
	struct vos_stats *s = stats_get();
	u32 cls, tgid = p->tgid;
	u64 used, t, *vt;

	/* Nothing to charge for a task that was running before VOS was. */
	if (!cc || !cc->running_since)
		return;
	cls = cc->cur_cls;
	t = now();
	used = t - cc->running_since;
	cc->running_since = 0;
	if (s && cls < VOS_NR_CLASSES) {
		s->runtime_ns[cls] += used;
		if (cc->run_slice != SCX_SLICE_INF && used > cc->run_slice)
			s->overrun_ns[cls] += used - cc->run_slice;
	}
	charge_ctrl(cc, cls, t - cc->mode_since);
	if (cls == VOS_CLASS_VCPU) {
		vt = bpf_map_lookup_elem(&vm_vtime, &tgid);
		if (vt)
			*vt += used * 100 / (p->scx.weight ?: 100);
	}
	cc->cur_cls = NO_CLASS;
	cc->cur_mode = CTRL_FREE;
}

void BPF_STRUCT_OPS(vos_cpu_release, s32 cpu,
		    struct scx_cpu_release_args *args)
{
	struct vos_stats *s = stats_get();
	u32 n;

	/* An RT or deadline task took the CPU: what waited there moves on. */
	n = scx_bpf_reenqueue_local();
	if (s)
		s->reenqueued += n;
}

/*
 * Without these two the kernel ejects the scheduler whenever a CPU goes
 * on- or offline. Tasks and local queues move with the CPU (the kernel's
 * part); VOS only counts the CPUs, which vos_init() did first, with
 * hotplug held off.
 */
void BPF_STRUCT_OPS(vos_cpu_online, s32 cpu)
{
	struct vos_state *st = state_get();

	if (st)
		__sync_fetch_and_add(&st->nr_online, 1);
}

void BPF_STRUCT_OPS(vos_cpu_offline, s32 cpu)
{
	struct vos_state *st = state_get();

	if (st)
		__sync_fetch_and_sub(&st->nr_online, 1);
}

s32 BPF_STRUCT_OPS(vos_init_task, struct task_struct *p,
		   struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctxs, p, 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

void BPF_STRUCT_OPS(vos_enable, struct task_struct *p)
{
	struct task_ctx *tc = task_ctx_get(p);

	if (!tc)
		return;
	tc->gen = 0;
	task_class(p, tc);
	tc->counted = 1;
	count_task(state_get(), tc->cls, 1);
}

void BPF_STRUCT_OPS(vos_disable, struct task_struct *p)
{
	struct task_ctx *tc = task_ctx_get(p);

	if (!tc || !tc->counted)
		return;
	count_task(state_get(), tc->cls, -1);
	tc->counted = 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(vos_init)
{
	struct vos_state *vs = state_get();
	const struct cpumask *online;
	struct slice_timer *st;
	s32 ret;
	u32 i;

	if (!vs)
		return -ENOENT;
	/* The kernel holds CPU hotplug off until the callbacks are live. */
	online = scx_bpf_get_online_cpumask();
	vs->nr_online = bpf_cpumask_weight(online);
	scx_bpf_put_cpumask(online);

	bpf_for(i, 0, cfg.nr_cpus) {
		if (i >= MAX_CPUS)
			break;
		st = bpf_map_lookup_elem(&slice_timers, &i);
		if (!st)
			return -ENOENT;
		ret = bpf_timer_init(&st->timer, &slice_timers, CLOCK_MONOTONIC);
		if (!ret)
			ret = bpf_timer_set_callback(&st->timer, slice_timerfn);
		if (ret)
			return ret;
	}
	ret = scx_bpf_create_dsq(VCPU_DSQ, -1);
	if (ret)
		return ret;
	return scx_bpf_create_dsq(CTRL_DSQ, -1);
}

void BPF_STRUCT_OPS(vos_exit, struct scx_exit_info *ei)
{
	/* kind last, behind a barrier: vosctl polls it */
	UEI_RECORD(uei, ei);
}

/* A rename can turn a thread into a vCPU ("CPU 0/KVM") or back. */
SEC("tp_btf/task_rename")
int BPF_PROG(vos_task_rename, struct task_struct *p, const char *comm)
{
	struct task_ctx *tc = task_ctx_get(p);

	if (tc)
		tc->gen = 0;
	return 0;
}

/* So can a move into or out of a configured cgroup. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(vos_cgroup_attach, struct cgroup *dst, const char *path,
	     struct task_struct *p, bool threadgroup)
{
	struct task_ctx *tc = task_ctx_get(p);

	if (tc)
		tc->gen = 0;
	return 0;
}

SCX_OPS_DEFINE(vos_ops,
	       .select_cpu = (void *)vos_select_cpu,
	       .enqueue = (void *)vos_enqueue,
	       .dispatch = (void *)vos_dispatch,
	       .runnable = (void *)vos_runnable,
	       .running = (void *)vos_running,
	       .stopping = (void *)vos_stopping,
	       .tick = (void *)vos_tick,
	       .cpu_release = (void *)vos_cpu_release,
	       .cpu_online = (void *)vos_cpu_online,
	       .cpu_offline = (void *)vos_cpu_offline,
	       .init_task = (void *)vos_init_task,
	       .enable = (void *)vos_enable,
	       .disable = (void *)vos_disable,
	       .init = (void *)vos_init,
	       .exit = (void *)vos_exit,
	       .name = "vos");
