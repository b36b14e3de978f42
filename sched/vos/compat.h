/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VOS: the sched_ext kfuncs that Linux 6.13 renamed.
 *
 * VOS is written against 6.12. Linux 6.13 renamed the kfuncs that insert a
 * task into a DSQ or move tasks between DSQs, keeping the 6.12 names as
 * deprecated aliases (the kernel warns when a scheduler uses them) that were
 * announced for removal after 6.15. vos.bpf.c calls them only through the
 * vos_*() wrappers below: each calls the 6.13 kfunc when the running kernel
 * has it and the 6.12 one otherwise.
 *
 * Both names of each kfunc are declared __weak. libbpf resolves a weak kfunc
 * the kernel lacks to 0 instead of failing the load, bpf_ksym_exists() then
 * reads as a constant false, and the verifier never visits the branch that
 * calls it (libbpf poisons that call, so it would fail verification if it
 * were reachable). Where neither name exists, the load fails.
 *
 * The ___vos suffix is a libbpf flavour: libbpf drops it when it looks the
 * kfunc up in the kernel's BTF, so scx_bpf_dsq_insert___vos binds to
 * scx_bpf_dsq_insert. It keeps these declarations apart from those of the
 * sched_ext headers, which declare the 6.12 names without __weak (6.12) and
 * from 6.13 on define macros or inline wrappers under these names.
 *
 * Include after <scx/common.bpf.h>.
 */
#ifndef __VOS_COMPAT_H
#define __VOS_COMPAT_H

/* Linux 6.13 names */
void scx_bpf_dsq_insert___vos(struct task_struct *p, u64 dsq_id, u64 slice,
			      u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime___vos(struct task_struct *p, u64 dsq_id,
				    u64 slice, u64 vtime,
				    u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local___vos(u64 dsq_id) __ksym __weak;
void scx_bpf_dsq_move_set_slice___vos(struct bpf_iter_scx_dsq *it__iter,
				      u64 slice) __ksym __weak;
void scx_bpf_dsq_move_set_vtime___vos(struct bpf_iter_scx_dsq *it__iter,
				      u64 vtime) __ksym __weak;
bool scx_bpf_dsq_move___vos(struct bpf_iter_scx_dsq *it__iter,
			    struct task_struct *p, u64 dsq_id,
			    u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_vtime___vos(struct bpf_iter_scx_dsq *it__iter,
				  struct task_struct *p, u64 dsq_id,
				  u64 enq_flags) __ksym __weak;

/* Linux 6.12 names */
void scx_bpf_dispatch___vos(struct task_struct *p, u64 dsq_id, u64 slice,
			    u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___vos(struct task_struct *p, u64 dsq_id,
				  u64 slice, u64 vtime,
				  u64 enq_flags) __ksym __weak;
bool scx_bpf_consume___vos(u64 dsq_id) __ksym __weak;
void
scx_bpf_dispatch_from_dsq_set_slice___vos(struct bpf_iter_scx_dsq *it__iter,
					  u64 slice) __ksym __weak;
void
scx_bpf_dispatch_from_dsq_set_vtime___vos(struct bpf_iter_scx_dsq *it__iter,
					  u64 vtime) __ksym __weak;
bool scx_bpf_dispatch_from_dsq___vos(struct bpf_iter_scx_dsq *it__iter,
				     struct task_struct *p, u64 dsq_id,
				     u64 enq_flags) __ksym __weak;
bool scx_bpf_dispatch_vtime_from_dsq___vos(struct bpf_iter_scx_dsq *it__iter,
					   struct task_struct *p, u64 dsq_id,
					   u64 enq_flags) __ksym __weak;

/* Insert @p into the FIFO of DSQ @dsq_id. */
static __always_inline void vos_dsq_insert(struct task_struct *p, u64 dsq_id,
					   u64 slice, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___vos))
		scx_bpf_dsq_insert___vos(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___vos(p, dsq_id, slice, enq_flags);
}

/* Insert @p into DSQ @dsq_id, ordered by @vtime. */
static __always_inline void vos_dsq_insert_vtime(struct task_struct *p,
						 u64 dsq_id, u64 slice,
						 u64 vtime, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime___vos))
		scx_bpf_dsq_insert_vtime___vos(p, dsq_id, slice, vtime,
					       enq_flags);
	else
		scx_bpf_dispatch_vtime___vos(p, dsq_id, slice, vtime,
					     enq_flags);
}

/* From ops.dispatch(): move the first task of @dsq_id to the local DSQ. */
static __always_inline bool vos_dsq_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___vos))
		return scx_bpf_dsq_move_to_local___vos(dsq_id);
	return scx_bpf_consume___vos(dsq_id);
}

/*
 * The DSQ-iterator moves (vos_dsq_move*()) are not used by VOS yet; they are
 * here so that a new call site does not reach for a 6.12 name.
 */
static __always_inline void
vos_dsq_move_set_slice(struct bpf_iter_scx_dsq *it__iter, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_set_slice___vos))
		scx_bpf_dsq_move_set_slice___vos(it__iter, slice);
	else
		scx_bpf_dispatch_from_dsq_set_slice___vos(it__iter, slice);
}

static __always_inline void
vos_dsq_move_set_vtime(struct bpf_iter_scx_dsq *it__iter, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_set_vtime___vos))
		scx_bpf_dsq_move_set_vtime___vos(it__iter, vtime);
	else
		scx_bpf_dispatch_from_dsq_set_vtime___vos(it__iter, vtime);
}

static __always_inline bool vos_dsq_move(struct bpf_iter_scx_dsq *it__iter,
					 struct task_struct *p, u64 dsq_id,
					 u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move___vos))
		return scx_bpf_dsq_move___vos(it__iter, p, dsq_id, enq_flags);
	return scx_bpf_dispatch_from_dsq___vos(it__iter, p, dsq_id, enq_flags);
}

static __always_inline bool
vos_dsq_move_vtime(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
		   u64 dsq_id, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_vtime___vos))
		return scx_bpf_dsq_move_vtime___vos(it__iter, p, dsq_id,
						    enq_flags);
	return scx_bpf_dispatch_vtime_from_dsq___vos(it__iter, p, dsq_id,
						     enq_flags);
}

#endif /* __VOS_COMPAT_H */
