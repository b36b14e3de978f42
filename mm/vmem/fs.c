// SPDX-License-Identifier: GPL-2.0
/*
 * vmemfs: files whose memory is 1 GiB chunks from the vmem pools.
 *
 * A file owns whole chunks from the moment it is sized (ftruncate or
 * fallocate), so faults only map: 1 GiB PUD entries for clean chunks, and
 * 2 MiB / 4 KiB entries around poisoned pages. A poisoned page faults with
 * VM_FAULT_HWPOISON (SIGBUS, BUS_MCEERR_AR, lsb 12) until a hole is punched
 * over it, which puts a clean ordinary page in its place.
 *
 * Locking: i_rwsem serialises size changes and hole punching;
 * invalidate_lock (shared in faults, exclusive for changes) keeps the
 * chunk array, the replacement pages and the page tables consistent;
 * pool->lock protects chunk ownership; vmas_lock the vma list that memory
 * failures walk (i_mmap's interval tree is not available to modules).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/highmem.h>
#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pfn_t.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/uaccess.h>

#include "vmem.h"

DEFINE_SPINLOCK(vmem_files_lock);
LIST_HEAD(vmem_files);
static struct kmem_cache *vmem_inode_cachep;

struct vmem_fs_info {
	int nid;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
};

/* One vma mapping a vmemfs file, for memory-failure signalling. */
struct vmem_vma {
	struct list_head node;
	struct vm_area_struct *vma;
};

static const struct super_operations vmem_sops;
static const struct inode_operations vmem_dir_iops;
static const struct inode_operations vmem_file_iops;
static const struct file_operations vmem_file_fops;
static const struct vm_operations_struct vmem_vm_ops;

static struct vmem_fs_info *vmem_sb_info(struct super_block *sb)
{
	return sb->s_fs_info;
}

static struct inode *vmem_get_inode(struct super_block *sb,
				    const struct inode *dir, umode_t mode)
{
	struct inode *inode = new_inode(sb);
	struct vmem_inode *vi;

	if (!inode)
		return NULL;
	vi = VMEM_I(inode);
	inode->i_ino = get_next_ino();
	inode_init_owner(&nop_mnt_idmap, inode, dir, mode);
	simple_inode_init_ts(inode);
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &vmem_file_iops;
		inode->i_fop = &vmem_file_fops;
		vi->nid = vmem_sb_info(sb)->nid;
		spin_lock(&vmem_files_lock);
		list_add_tail(&vi->files, &vmem_files);
		spin_unlock(&vmem_files_lock);
		break;
	case S_IFDIR:
		inode->i_op = &vmem_dir_iops;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);
		break;
	default:
		iput(inode);
		return NULL;
	}
	return inode;
}

static int vmem_mknod(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct inode *inode = vmem_get_inode(dir->i_sb, dir, mode);

	if (!inode)
		return -ENOSPC;
	d_instantiate(dentry, inode);
	dget(dentry);	/* pin the dentry: the file lives in the dcache */
	inode_set_mtime_to_ts(dir, inode_set_ctime_current(dir));
	return 0;
}

static int vmem_create(struct mnt_idmap *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	return vmem_mknod(dir, dentry, (mode & ~S_IFMT) | S_IFREG);
}

static int vmem_mkdir(struct mnt_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	int ret = vmem_mknod(dir, dentry, (mode & ~S_IFMT) | S_IFDIR);

	if (!ret)
		inc_nlink(dir);
	return ret;
}

/* Free the replacement pages of file pages [@first, @first + @nr). */
static void vmem_repl_free(struct vmem_inode *vi, pgoff_t first,
			   unsigned long nr)
{
	struct page *page;
	unsigned long idx;

	xa_for_each_range(&vi->repl, idx, page, first, first + nr - 1) {
		xa_erase(&vi->repl, idx);
		put_page(page);
	}
}

/*
 * A new tenant never sees a page that was poisoned before: give every bad
 * page of chunk @index a zeroed ordinary page in its place.
 */
static int vmem_repl_prepare(struct vmem_inode *vi, struct vmem_chunk *chunk,
			     pgoff_t index)
{
	pgoff_t base = index * VMEM_CHUNK_PAGES;
	const unsigned long *bad = vmem_chunk_bad_map(chunk);
	unsigned long b;
	struct page *page;
	int nid = chunk->range->pool->nid;
	int ret;

	if (!bad)
		return 0;
	for_each_set_bit(b, bad, VMEM_CHUNK_PAGES) {
		page = alloc_pages_node(nid, GFP_HIGHUSER | __GFP_ZERO, 0);
		if (!page)
			return -ENOMEM;
		ret = xa_err(xa_store(&vi->repl, base + b, page, GFP_KERNEL));
		if (ret) {
			put_page(page);
			return ret;
		}
	}
	return 0;
}

static int vmem_grow(struct inode *inode, unsigned int nr)
{
	struct vmem_inode *vi = VMEM_I(inode);
	unsigned int old = vi->nr_chunks, i;
	struct vmem_chunk **chunks, **prev;
	int ret;

	if ((u64)nr << VMEM_CHUNK_SHIFT > vmem_capacity(vi->nid))
		return -EFBIG;
	chunks = kvcalloc(nr, sizeof(*chunks), GFP_KERNEL);
	if (!chunks)
		return -ENOMEM;
	ret = vmem_alloc_chunks(vi->nid, chunks + old, nr - old);
	if (ret)
		goto free;
	for (i = old; i < nr; i++) {
		ret = vmem_repl_prepare(vi, chunks[i], i);
		if (ret)
			goto put;
	}
	for (i = old; i < nr; i++)
		vmem_chunk_own(chunks[i], vi, i);

	filemap_invalidate_lock(inode->i_mapping);
	if (old)
		memcpy(chunks, vi->chunks, old * sizeof(*chunks));
	prev = vi->chunks;
	vi->chunks = chunks;
	vi->nr_chunks = nr;
	i_size_write(inode, (loff_t)nr << VMEM_CHUNK_SHIFT);
	filemap_invalidate_unlock(inode->i_mapping);
	kvfree(prev);
	return 0;

put:
	vmem_repl_free(vi, (pgoff_t)old * VMEM_CHUNK_PAGES,
		       (unsigned long)(nr - old) * VMEM_CHUNK_PAGES);
	for (i = old; i < nr; i++)
		vmem_free_chunk(chunks[i]);
free:
	kvfree(chunks);
	return ret;
}

/* Give chunks [@nr, nr_chunks) back; caller holds invalidate_lock. */
static void vmem_shrink_locked(struct inode *inode, unsigned int nr)
{
	struct vmem_inode *vi = VMEM_I(inode);
	unsigned int i;

	i_size_write(inode, (loff_t)nr << VMEM_CHUNK_SHIFT);
	unmap_mapping_range(inode->i_mapping, (loff_t)nr << VMEM_CHUNK_SHIFT,
			    0, 1);
	for (i = nr; i < vi->nr_chunks; i++) {
		vmem_repl_free(vi, (pgoff_t)i * VMEM_CHUNK_PAGES,
			       VMEM_CHUNK_PAGES);
		vmem_free_chunk(vi->chunks[i]);
		vi->chunks[i] = NULL;
	}
	vi->nr_chunks = nr;
}

static int vmem_resize(struct inode *inode, loff_t size)
{
	struct vmem_inode *vi = VMEM_I(inode);
	u64 nr;

	if (!IS_ALIGNED(size, VMEM_CHUNK_SIZE))
		return -EINVAL;
	nr = (u64)size >> VMEM_CHUNK_SHIFT;
	if (nr > UINT_MAX)
		return -EFBIG;
	if (nr > vi->nr_chunks)
		return vmem_grow(inode, nr);
	if (nr == vi->nr_chunks)
		return 0;
	/* Guest memory does not shrink under a running VM. */
	if (mapping_mapped(inode->i_mapping))
		return -EBUSY;
	filemap_invalidate_lock(inode->i_mapping);
	vmem_shrink_locked(inode, nr);
	filemap_invalidate_unlock(inode->i_mapping);
	return 0;
}

static int vmem_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
			struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int ret;

	ret = setattr_prepare(idmap, dentry, attr);
	if (ret)
		return ret;
	if (attr->ia_valid & ATTR_SIZE) {
		ret = vmem_resize(inode, attr->ia_size);
		if (ret)
			return ret;
	}
	setattr_copy(idmap, inode, attr);
	mark_inode_dirty(inode);
	return 0;
}

/*
 * Punch a hole: the range reads back as zeroes, and every poisoned page in
 * it gets a clean replacement (what QEMU does to repair guest memory at
 * reset). Caller holds i_rwsem.
 */
static int vmem_punch(struct inode *inode, loff_t offset, loff_t len)
{
	struct vmem_inode *vi = VMEM_I(inode);
	loff_t end = min_t(loff_t, offset + len, i_size_read(inode));
	loff_t zap_start, zap_end;
	struct vmem_chunk *chunk;
	struct page *page;
	pgoff_t pg, off;
	int ret = 0;

	if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len))
		return -EINVAL;
	if (offset >= end)
		return 0;
	zap_start = round_down(offset, VMEM_CHUNK_SIZE);
	zap_end = round_up(end, VMEM_CHUNK_SIZE);

	filemap_invalidate_lock(inode->i_mapping);
	/* Whole GiBs: a partial zap of a PUD entry needs the mmap lock. */
	unmap_mapping_range(inode->i_mapping, zap_start, zap_end - zap_start, 0);
	for (pg = offset >> PAGE_SHIFT; pg < end >> PAGE_SHIFT; pg++) {
		chunk = vi->chunks[pg >> VMEM_CHUNK_ORDER];
		off = pg & (VMEM_CHUNK_PAGES - 1);
		page = xa_load(&vi->repl, pg);
		if (!vmem_chunk_bad(chunk, off)) {
			clear_page(pfn_to_kaddr(chunk->pfn + off));
		} else if (page) {
			clear_highpage(page);
		} else {
			page = alloc_pages_node(chunk->range->pool->nid,
						GFP_HIGHUSER | __GFP_ZERO, 0);
			if (!page) {
				ret = -ENOMEM;
				break;
			}
			ret = xa_err(xa_store(&vi->repl, pg, page, GFP_KERNEL));
			if (ret) {
				put_page(page);
				break;
			}
		}
		if ((pg & 511) == 511)
			cond_resched();
	}
	filemap_invalidate_unlock(inode->i_mapping);
	return ret;
}

static long vmem_fallocate(struct file *file, int mode, loff_t offset,
			   loff_t len)
{
	struct inode *inode = file_inode(file);
	loff_t newsize;
	int ret;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;

	inode_lock(inode);
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		ret = vmem_punch(inode, offset, len);
	} else {
		newsize = round_up(offset + len, VMEM_CHUNK_SIZE);
		if (newsize <= i_size_read(inode))
			ret = 0;	/* every byte below i_size is allocated */
		else if (mode & FALLOC_FL_KEEP_SIZE)
			ret = -EOPNOTSUPP; /* no blocks beyond EOF here */
		else
			ret = inode_newsize_ok(inode, newsize) ?:
			      vmem_resize(inode, newsize);
	}
	if (!ret)
		inode_set_mtime_to_ts(inode, inode_set_ctime_current(inode));
	inode_unlock(inode);
	return ret;
}

static vm_fault_t vmem_fault_order(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct inode *inode = file_inode(vma->vm_file);
	struct vmem_inode *vi = VMEM_I(inode);
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	struct vmem_chunk *chunk;
	atomic64_t *counter;
	struct page *page;
	pgoff_t pgoff, off;
	vm_fault_t ret;
	pfn_t pfn;

	if (order && (addr < vma->vm_start || addr + size > vma->vm_end))
		return VM_FAULT_FALLBACK;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (!IS_ALIGNED(pgoff, 1UL << order))
		return VM_FAULT_FALLBACK;

	filemap_invalidate_lock_shared(inode->i_mapping);
	if (pgoff + (1UL << order) > (pgoff_t)vi->nr_chunks * VMEM_CHUNK_PAGES) {
		ret = order ? VM_FAULT_FALLBACK : VM_FAULT_SIGBUS;
		goto out;
	}
	chunk = vi->chunks[pgoff >> VMEM_CHUNK_ORDER];
	off = pgoff & (VMEM_CHUNK_PAGES - 1);
	if (vmem_chunk_bad_any(chunk, off, 1UL << order)) {
		if (order) {
			ret = VM_FAULT_FALLBACK;
			goto out;
		}
		page = xa_load(&vi->repl, pgoff);
		if (!page) {
			ret = VM_FAULT_HWPOISON;
			goto out;
		}
		ret = vmf_insert_page(vma, addr, page);
		counter = &vi->maps_4k;
		goto count;
	}

	pfn = __pfn_to_pfn_t(chunk->pfn + off, PFN_DEV | PFN_MAP);
	switch (order) {
	case PUD_ORDER:
		ret = vmf_insert_pfn_pud(vmf, pfn, write);
		counter = &vi->maps_1g;
		break;
	case PMD_ORDER:
		ret = vmf_insert_pfn_pmd(vmf, pfn, write);
		counter = &vi->maps_2m;
		break;
	case 0:
		ret = vmf_insert_mixed(vma, addr, pfn);
		counter = &vi->maps_4k;
		break;
	default:
		ret = VM_FAULT_FALLBACK;
		goto out;
	}
count:
	if (ret == VM_FAULT_NOPAGE)
		atomic64_inc(counter);
out:
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return ret;
}

static vm_fault_t vmem_fault(struct vm_fault *vmf)
{
	return vmem_fault_order(vmf, 0);
}

static void vmem_vma_track(struct vm_area_struct *vma, struct vmem_vma *vv)
{
	struct vmem_inode *vi = VMEM_I(file_inode(vma->vm_file));

	vv->vma = vma;
	vma->vm_private_data = vv;
	spin_lock(&vi->vmas_lock);
	list_add(&vv->node, &vi->vmas);
	spin_unlock(&vi->vmas_lock);
}

/* A copy of a tracked vma (fork, split, mremap): track it too. */
static void vmem_vm_open(struct vm_area_struct *vma)
{
	vmem_vma_track(vma, kmalloc(sizeof(struct vmem_vma),
				    GFP_KERNEL | __GFP_NOFAIL));
}

static void vmem_vm_close(struct vm_area_struct *vma)
{
	struct vmem_inode *vi = VMEM_I(file_inode(vma->vm_file));
	struct vmem_vma *vv = vma->vm_private_data;

	spin_lock(&vi->vmas_lock);
	list_del(&vv->node);
	spin_unlock(&vi->vmas_lock);
	kfree(vv);
}

/* Splits only on 1 GiB boundaries, so a PUD entry never straddles vmas. */
static int vmem_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return IS_ALIGNED(addr, VMEM_CHUNK_SIZE) ? 0 : -EINVAL;
}

static const struct vm_operations_struct vmem_vm_ops = {
	.open = vmem_vm_open,
	.close = vmem_vm_close,
	.may_split = vmem_may_split,
	.fault = vmem_fault,
	.huge_fault = vmem_fault_order,
};

static int vmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vmem_vma *vv;

	/* Guest memory is shared with the VMM's other processes, never COW. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!IS_ALIGNED(vma->vm_start, VMEM_CHUNK_SIZE) ||
	    !IS_ALIGNED(vma->vm_pgoff, VMEM_CHUNK_PAGES))
		return -EINVAL;
	vv = kmalloc(sizeof(*vv), GFP_KERNEL);
	if (!vv)
		return -ENOMEM;
	file_accessed(file);
	/*
	 * VM_MIXEDMAP keeps GUP (vfio, O_DIRECT) working on our ZONE_DEVICE
	 * pages and lets replacement pages be ordinary pages; VM_HUGEPAGE
	 * asks for huge faults where THP is in "madvise" mode.
	 */
	vm_flags_set(vma, VM_MIXEDMAP | VM_HUGEPAGE | VM_DONTEXPAND);
	vma->vm_ops = &vmem_vm_ops;
	vmem_vma_track(vma, vv);
	return 0;
}

/* Like device-dax: over-allocate, then align the address to 1 GiB. */
static unsigned long vmem_get_unmapped_area(struct file *file,
					    unsigned long addr,
					    unsigned long len,
					    unsigned long pgoff,
					    unsigned long flags)
{
	unsigned long off = pgoff << PAGE_SHIFT, len_align, addr_align;

	if ((flags & MAP_FIXED) || addr || len < VMEM_CHUNK_SIZE ||
	    !IS_ALIGNED(off, VMEM_CHUNK_SIZE))
		goto plain;
	len_align = len + VMEM_CHUNK_SIZE;
	if (len_align < len)
		goto plain;
	addr_align = mm_get_unmapped_area(current->mm, file, 0, len_align,
					  pgoff, flags);
	if (IS_ERR_VALUE(addr_align))
		goto plain;
	return ALIGN(addr_align, VMEM_CHUNK_SIZE);
plain:
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
}

/* Bad pages of @vi: not yet repaired (@unrepaired) and repaired. */
static void vmem_file_bad_count(struct vmem_inode *vi, u32 *unrepaired,
				u32 *repaired)
{
	const unsigned long *bad;
	unsigned int i;
	unsigned long b;

	*unrepaired = 0;
	*repaired = 0;
	for (i = 0; i < vi->nr_chunks; i++) {
		bad = vmem_chunk_bad_map(vi->chunks[i]);
		if (!bad)
			continue;
		for_each_set_bit(b, bad, VMEM_CHUNK_PAGES) {
			if (xa_load(&vi->repl, (pgoff_t)i * VMEM_CHUNK_PAGES + b))
				(*repaired)++;
			else
				(*unrepaired)++;
		}
	}
}

unsigned int vmem_file_unrepaired(struct vmem_inode *vi)
{
	struct address_space *mapping = vi->vfs_inode.i_mapping;
	u32 unrepaired, repaired;

	filemap_invalidate_lock_shared(mapping);
	vmem_file_bad_count(vi, &unrepaired, &repaired);
	filemap_invalidate_unlock_shared(mapping);
	return unrepaired;
}

bool vmem_file_repaired(struct vmem_inode *vi, pgoff_t pgoff)
{
	return xa_load(&vi->repl, pgoff);
}

static long vmem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct inode *inode = file_inode(file);
	struct vmem_inode *vi = VMEM_I(inode);
	struct vmem_file_info info = {};

	if (cmd != VMEM_IOC_FILE_INFO)
		return -ENOTTY;
	filemap_invalidate_lock_shared(inode->i_mapping);
	info.size = i_size_read(inode);
	info.chunks = vi->nr_chunks;
	vmem_file_bad_count(vi, &info.poisoned_pages, &info.repaired_pages);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	info.maps_1g = atomic64_read(&vi->maps_1g);
	info.maps_2m = atomic64_read(&vi->maps_2m);
	info.maps_4k = atomic64_read(&vi->maps_4k);
	info.node = vi->nid == NUMA_NO_NODE ? VMEM_NODE_ANY : vi->nid;
	if (copy_to_user((void __user *)arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static const struct file_operations vmem_file_fops = {
	.owner = THIS_MODULE,
	.mmap = vmem_mmap,
	.get_unmapped_area = vmem_get_unmapped_area,
	.fallocate = vmem_fallocate,
	.unlocked_ioctl = vmem_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = generic_file_llseek,
};

static const struct inode_operations vmem_file_iops = {
	.setattr = vmem_setattr,
	.getattr = simple_getattr,
};

static const struct inode_operations vmem_dir_iops = {
	.create = vmem_create,
	.lookup = simple_lookup,
	.link = simple_link,
	.unlink = simple_unlink,
	.mkdir = vmem_mkdir,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
};

/* Who gets BUS_MCEERR_AO in process @tsk, following PR_MCE_KILL policy. */
static struct task_struct *vmem_kill_target(struct task_struct *tsk)
{
	struct task_struct *t;

	for_each_thread(tsk, t) {
		if (t->flags & PF_MCE_PROCESS)
			return (t->flags & PF_MCE_EARLY) ? t : NULL;
	}
	return tsk;	/* no policy set: early kill */
}

struct vmem_kill {
	struct list_head node;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long addr;
	int code;
};

static bool vmem_kill_listed(struct list_head *list, struct mm_struct *mm)
{
	struct vmem_kill *k;

	list_for_each_entry(k, list, node) {
		if (k->mm == mm)
			return true;
	}
	return false;
}

/*
 * Page @pgoff of @vi went bad: unmap the GiB around it so that refaults
 * rebuild it without the bad page, and signal every process mapping it:
 * BUS_MCEERR_AR to the task that consumed it (MF_ACTION_REQUIRED), AO to
 * the others, with the page's address in each process and lsb 12.
 */
int vmem_poison_file(struct vmem_inode *vi, pgoff_t pgoff, int mf_flags,
		     unsigned int *signalled)
{
	struct address_space *mapping = vi->vfs_inode.i_mapping;
	bool ar = mf_flags & MF_ACTION_REQUIRED;
	struct task_struct *tsk, *t;
	struct vmem_kill *k, *tmp;
	struct vm_area_struct *vma;
	struct vmem_vma *vv;
	LIST_HEAD(kills);
	int ret = 0;

	*signalled = 0;
	filemap_invalidate_lock(mapping);
	spin_lock(&vi->vmas_lock);
	rcu_read_lock();
	list_for_each_entry(vv, &vi->vmas, node) {
		vma = vv->vma;
		if (pgoff < vma->vm_pgoff || pgoff >= vma->vm_pgoff + vma_pages(vma))
			continue;
		if (vmem_kill_listed(&kills, vma->vm_mm))
			continue;
		for_each_process(tsk) {
			if (READ_ONCE(tsk->mm) != vma->vm_mm)
				continue;
			if (ar && vma->vm_mm == current->mm)
				t = current;
			else
				t = vmem_kill_target(tsk);
			if (!t)
				break;
			k = kmalloc(sizeof(*k), GFP_ATOMIC);
			if (!k) {
				ret = -ENOMEM;
				break;
			}
			get_task_struct(t);
			k->task = t;
			k->mm = vma->vm_mm;
			k->addr = vma->vm_start +
				  ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
			k->code = t == current && ar ? BUS_MCEERR_AR :
				  BUS_MCEERR_AO;
			list_add_tail(&k->node, &kills);
			break;
		}
	}
	rcu_read_unlock();
	spin_unlock(&vi->vmas_lock);
	unmap_mapping_range(mapping,
			    (loff_t)round_down(pgoff, VMEM_CHUNK_PAGES) << PAGE_SHIFT,
			    VMEM_CHUNK_SIZE, 0);
	filemap_invalidate_unlock(mapping);

	list_for_each_entry_safe(k, tmp, &kills, node) {
		if (!send_sig_mceerr(k->code, (void __user *)k->addr,
				     PAGE_SHIFT, k->task))
			(*signalled)++;
		put_task_struct(k->task);
		kfree(k);
	}
	return ret;
}

static struct inode *vmem_alloc_inode(struct super_block *sb)
{
	struct vmem_inode *vi = alloc_inode_sb(sb, vmem_inode_cachep,
					       GFP_KERNEL);

	if (!vi)
		return NULL;
	vi->nid = NUMA_NO_NODE;
	vi->nr_chunks = 0;
	vi->chunks = NULL;
	INIT_LIST_HEAD(&vi->files);
	INIT_LIST_HEAD(&vi->vmas);
	spin_lock_init(&vi->vmas_lock);
	xa_init(&vi->repl);
	atomic64_set(&vi->maps_1g, 0);
	atomic64_set(&vi->maps_2m, 0);
	atomic64_set(&vi->maps_4k, 0);
	return &vi->vfs_inode;
}

static void vmem_free_inode(struct inode *inode)
{
	kmem_cache_free(vmem_inode_cachep, VMEM_I(inode));
}

static void vmem_evict_inode(struct inode *inode)
{
	struct vmem_inode *vi = VMEM_I(inode);

	truncate_inode_pages_final(&inode->i_data);
	if (S_ISREG(inode->i_mode)) {
		spin_lock(&vmem_files_lock);
		list_del_init(&vi->files);
		spin_unlock(&vmem_files_lock);
		/* No mapping is left: every vma holds a file reference. */
		filemap_invalidate_lock(inode->i_mapping);
		vmem_shrink_locked(inode, 0);
		filemap_invalidate_unlock(inode->i_mapping);
		kvfree(vi->chunks);
		vi->chunks = NULL;
		xa_destroy(&vi->repl);
	}
	clear_inode(inode);
}

static int vmem_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	int nid = vmem_sb_info(dentry->d_sb)->nid;
	u64 free = 0;
	int n;

	for_each_node(n) {
		if (nid == NUMA_NO_NODE || nid == n)
			free += READ_ONCE(vmem_pools[n]->nr_zeroed) +
				READ_ONCE(vmem_pools[n]->nr_dirty) +
				READ_ONCE(vmem_pools[n]->nr_scrubbing);
	}
	buf->f_type = VMEM_FS_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_namelen = NAME_MAX;
	buf->f_blocks = vmem_capacity(nid) >> PAGE_SHIFT;
	buf->f_bfree = free << VMEM_CHUNK_ORDER;
	buf->f_bavail = buf->f_bfree;
	return 0;
}

static int vmem_show_options(struct seq_file *m, struct dentry *root)
{
	struct vmem_fs_info *fsi = vmem_sb_info(root->d_sb);

	if (fsi->nid != NUMA_NO_NODE)
		seq_printf(m, ",node=%d", fsi->nid);
	if (fsi->mode != 0755)
		seq_printf(m, ",mode=%o", fsi->mode);
	if (!uid_eq(fsi->uid, GLOBAL_ROOT_UID))
		seq_printf(m, ",uid=%u", from_kuid_munged(&init_user_ns, fsi->uid));
	if (!gid_eq(fsi->gid, GLOBAL_ROOT_GID))
		seq_printf(m, ",gid=%u", from_kgid_munged(&init_user_ns, fsi->gid));
	return 0;
}

static const struct super_operations vmem_sops = {
	.alloc_inode = vmem_alloc_inode,
	.free_inode = vmem_free_inode,
	.evict_inode = vmem_evict_inode,
	.statfs = vmem_statfs,
	.drop_inode = generic_delete_inode,
	.show_options = vmem_show_options,
};

enum { OPT_NODE, OPT_MODE, OPT_UID, OPT_GID };

static const struct fs_parameter_spec vmem_fs_params[] = {
	fsparam_u32("node", OPT_NODE),
	fsparam_u32oct("mode", OPT_MODE),
	fsparam_uid("uid", OPT_UID),
	fsparam_gid("gid", OPT_GID),
	{}
};

static int vmem_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct vmem_fs_info *fsi = fc->s_fs_info;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, vmem_fs_params, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case OPT_NODE:
		if (result.uint_32 >= nr_node_ids ||
		    !node_possible(result.uint_32))
			return invalfc(fc, "node %u does not exist",
				       result.uint_32);
		if (!vmem_capacity(result.uint_32))
			return invalfc(fc, "node %u has no vmem memory (vmemctl range show)",
				       result.uint_32);
		fsi->nid = result.uint_32;
		break;
	case OPT_MODE:
		fsi->mode = result.uint_32 & 07777;
		break;
	case OPT_UID:
		fsi->uid = result.uid;
		break;
	case OPT_GID:
		fsi->gid = result.gid;
		break;
	}
	return 0;
}

static int vmem_fill_super(struct super_block *sb, struct fs_context *fc)
{
	/* sget_fc() moved fc->s_fs_info here; vmem_kill_sb() frees it. */
	struct vmem_fs_info *fsi = sb->s_fs_info;
	struct inode *root;

	/*
	 * Sizes are whole chunks: with the limit a multiple of one, the VFS
	 * refuses (EFBIG) any offset + len above it, and rounding a size up
	 * to a chunk cannot overflow.
	 */
	sb->s_maxbytes = round_down(MAX_LFS_FILESIZE, VMEM_CHUNK_SIZE);
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = VMEM_FS_MAGIC;
	sb->s_op = &vmem_sops;
	sb->s_time_gran = 1;

	root = vmem_get_inode(sb, NULL, S_IFDIR | fsi->mode);
	if (!root)
		return -ENOMEM;
	root->i_uid = fsi->uid;
	root->i_gid = fsi->gid;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int vmem_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, vmem_fill_super);
}

static void vmem_free_fc(struct fs_context *fc)
{
	kfree(fc->s_fs_info);
}

static const struct fs_context_operations vmem_context_ops = {
	.free = vmem_free_fc,
	.parse_param = vmem_parse_param,
	.get_tree = vmem_get_tree,
};

static int vmem_init_fs_context(struct fs_context *fc)
{
	struct vmem_fs_info *fsi = kzalloc(sizeof(*fsi), GFP_KERNEL);

	if (!fsi)
		return -ENOMEM;
	fsi->nid = NUMA_NO_NODE;
	fsi->mode = 0755;
	fsi->uid = current_fsuid();
	fsi->gid = current_fsgid();
	fc->s_fs_info = fsi;
	fc->ops = &vmem_context_ops;
	return 0;
}

static void vmem_kill_sb(struct super_block *sb)
{
	struct vmem_fs_info *fsi = sb->s_fs_info;

	kill_litter_super(sb);
	kfree(fsi);
}

static struct file_system_type vmem_fs_type = {
	.owner = THIS_MODULE,
	.name = VMEM_FS_NAME,
	.init_fs_context = vmem_init_fs_context,
	.parameters = vmem_fs_params,
	.kill_sb = vmem_kill_sb,
};
MODULE_ALIAS_FS(VMEM_FS_NAME);

static void vmem_inode_init_once(void *p)
{
	struct vmem_inode *vi = p;

	inode_init_once(&vi->vfs_inode);
}

int vmem_fs_init(void)
{
	int ret;

	vmem_inode_cachep = kmem_cache_create("vmem_inode_cache",
					      sizeof(struct vmem_inode), 0,
					      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
					      vmem_inode_init_once);
	if (!vmem_inode_cachep)
		return -ENOMEM;
	ret = register_filesystem(&vmem_fs_type);
	if (ret)
		kmem_cache_destroy(vmem_inode_cachep);
	return ret;
}

void vmem_fs_exit(void)
{
	unregister_filesystem(&vmem_fs_type);
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(vmem_inode_cachep);
}
