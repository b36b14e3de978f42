// SPDX-License-Identifier: GPL-2.0
/*
 * The "vmem" generic netlink family (Documentation/netlink/specs/vmem.yaml):
 * pools, ranges, files, poison, configuration, and poison events.
 * Everything that changes state, and the file and poison lists (they show
 * tenants' files), needs CAP_SYS_ADMIN.
 *
 * The policies, the split ops table and the multicast groups are generated
 * from the spec (vmem-nl-gen.c, make nlgen); this file has the handlers
 * the generated table names.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/dcache.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <vmhost_nl.h>

#include "vmem.h"
#include "vmem-nl-gen.h"

/*
 * Every request must come from the initial network namespace: ranges are
 * host physical addresses and pools the host's memory, nothing for a
 * container's own namespace (the generated family is netnsok, as every
 * generated genetlink family is). Changes, and the lists that show
 * tenants' files, need CAP_SYS_ADMIN in the initial user namespace too.
 */
static int vmem_nl_allowed(struct sk_buff *skb, struct netlink_ext_ack *extack,
			   bool admin)
{
	return vmhost_nl_allowed(skb, extack, "vmem", admin);
}

static int vmem_nl_admin(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	return vmem_nl_allowed(skb, extack, true);
}

static void *vmem_nl_put_header(struct sk_buff *skb,
				struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &vmem_nl_family, NLM_F_MULTI, cmd);
}

static int vmem_nl_fill_pool(struct sk_buff *skb, struct vmem_pool *pool)
{
	u64 total, zeroed, dirty, in_use, pinned, bad, meta;

	spin_lock(&pool->lock);
	total = (u64)pool->nr_total << VMEM_CHUNK_SHIFT;
	zeroed = (u64)pool->nr_zeroed << VMEM_CHUNK_SHIFT;
	dirty = (u64)(pool->nr_dirty + pool->nr_scrubbing) << VMEM_CHUNK_SHIFT;
	in_use = (u64)pool->nr_in_use << VMEM_CHUNK_SHIFT;
	pinned = (u64)pool->nr_pinned << VMEM_CHUNK_SHIFT;
	bad = pool->nr_bad;
	meta = pool->meta_bytes;
	spin_unlock(&pool->lock);

	if (nla_put_u32(skb, VMEM_A_POOL_NODE, pool->nid) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_TOTAL_BYTES, total, VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_FREE_ZEROED_BYTES, zeroed,
			      VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_FREE_DIRTY_BYTES, dirty,
			      VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_IN_USE_BYTES, in_use,
			      VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_POISONED_PAGES, bad,
			      VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_METADATA_BYTES, meta,
			      VMEM_A_POOL_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_POOL_PINNED_BYTES, pinned,
			      VMEM_A_POOL_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Pools of nodes that have (or had) memory; args[0]: next node. */
int vmem_nl_pool_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	int nid, ret;
	void *hdr;

	ret = vmem_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;

	for (nid = cb->args[0]; nid < nr_node_ids; nid++) {
		struct vmem_pool *pool = vmem_pool_get(nid);

		if (!pool || !READ_ONCE(pool->nr_total))
			continue;
		hdr = vmem_nl_put_header(skb, cb, VMEM_CMD_POOL_GET);
		if (!hdr)
			break;
		if (vmem_nl_fill_pool(skb, pool)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = nid;
	return skb->len;
}

/* args[0]: ranges already sent. */
int vmem_nl_range_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vmem_range *range;
	long idx = 0;
	void *hdr;
	int ret;

	ret = vmem_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	mutex_lock(&vmem_mutex);
	list_for_each_entry(range, &vmem_ranges, node) {
		unsigned int i, used = 0;

		if (idx++ < cb->args[0])
			continue;
		/* Parked chunks keep the range as busy as files do. */
		for (i = 0; i < range->nr_chunks; i++) {
			u8 st = READ_ONCE(range->chunks[i].state);

			used += st == VMEM_CHUNK_IN_USE ||
				st == VMEM_CHUNK_PINNED;
		}
		hdr = vmem_nl_put_header(skb, cb, VMEM_CMD_RANGE_GET);
		if (!hdr)
			goto full;
		if (nla_put_u64_64bit(skb, VMEM_A_RANGE_START, range->start,
				      VMEM_A_RANGE_PAD) ||
		    nla_put_u64_64bit(skb, VMEM_A_RANGE_SIZE, range->size,
				      VMEM_A_RANGE_PAD) ||
		    nla_put_u32(skb, VMEM_A_RANGE_NODE, range->pool->nid) ||
		    nla_put_u64_64bit(skb, VMEM_A_RANGE_IN_USE_BYTES,
				      (u64)used << VMEM_CHUNK_SHIFT,
				      VMEM_A_RANGE_PAD)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
full:
	mutex_unlock(&vmem_mutex);
	return skb->len;
}

int vmem_nl_range_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	int ret;

	ret = vmem_nl_admin(skb, info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VMEM_A_RANGE_START) ||
	    GENL_REQ_ATTR_CHECK(info, VMEM_A_RANGE_SIZE))
		return -EINVAL;
	ret = vmem_range_add(nla_get_u64(info->attrs[VMEM_A_RANGE_START]),
			     nla_get_u64(info->attrs[VMEM_A_RANGE_SIZE]), &why);
	if (ret && why)
		NL_SET_ERR_MSG_FMT(info->extack, "%s", why);
	return ret;
}

int vmem_nl_range_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	int ret;

	ret = vmem_nl_admin(skb, info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VMEM_A_RANGE_START))
		return -EINVAL;
	ret = vmem_range_del(nla_get_u64(info->attrs[VMEM_A_RANGE_START]),
			     &why);
	if (ret && why)
		NL_SET_ERR_MSG_FMT(info->extack, "%s", why);
	return ret;
}

static int vmem_nl_fill_file(struct sk_buff *skb, struct vmem_inode *vi)
{
	struct inode *inode = &vi->vfs_inode;
	struct dentry *dentry = d_find_alias(inode);
	char *buf = NULL, *path = "";
	int ret = -EMSGSIZE;

	if (dentry) {
		buf = kmalloc(PATH_MAX, GFP_KERNEL);
		if (buf) {
			path = dentry_path_raw(dentry, buf, PATH_MAX);
			if (IS_ERR(path))
				path = "";
		}
	}
	if (nla_put_u32(skb, VMEM_A_FILE_DEV, new_encode_dev(inode->i_sb->s_dev)) ||
	    nla_put_u64_64bit(skb, VMEM_A_FILE_INO, inode->i_ino, VMEM_A_FILE_PAD) ||
	    nla_put_string(skb, VMEM_A_FILE_PATH, path) ||
	    nla_put_u64_64bit(skb, VMEM_A_FILE_SIZE, i_size_read(inode),
			      VMEM_A_FILE_PAD) ||
	    nla_put_u32(skb, VMEM_A_FILE_UID,
			from_kuid_munged(&init_user_ns, inode->i_uid)) ||
	    nla_put_u32(skb, VMEM_A_FILE_GID,
			from_kgid_munged(&init_user_ns, inode->i_gid)) ||
	    nla_put_u32(skb, VMEM_A_FILE_NODE,
			vi->nid == NUMA_NO_NODE ? VMEM_NODE_ANY : vi->nid) ||
	    nla_put_u64_64bit(skb, VMEM_A_FILE_MAPS_1G,
			      atomic64_read(&vi->maps_1g), VMEM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_FILE_MAPS_2M,
			      atomic64_read(&vi->maps_2m), VMEM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, VMEM_A_FILE_MAPS_4K,
			      atomic64_read(&vi->maps_4k), VMEM_A_FILE_PAD) ||
	    nla_put_u32(skb, VMEM_A_FILE_POISONED_PAGES,
			vmem_file_unrepaired(vi)))
		goto out;
	ret = 0;
out:
	kfree(buf);
	dput(dentry);
	return ret;
}

/* The @idx-th file, with a reference, or NULL. */
static struct inode *vmem_nl_nth_file(long idx)
{
	struct inode *inode = NULL;
	struct vmem_inode *vi;

	spin_lock(&vmem_files_lock);
	list_for_each_entry(vi, &vmem_files, files) {
		if (idx--)
			continue;
		inode = igrab(&vi->vfs_inode);
		break;
	}
	spin_unlock(&vmem_files_lock);
	return inode;
}

/* args[0]: files already sent (a file being freed is skipped). */
int vmem_nl_file_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct inode *inode;
	void *hdr;
	int ret;

	ret = vmem_nl_admin(cb->skb, cb->extack);
	if (ret)
		return ret;
	for (;;) {
		inode = vmem_nl_nth_file(cb->args[0]);
		if (!inode)
			break;
		hdr = vmem_nl_put_header(skb, cb, VMEM_CMD_FILE_GET);
		ret = hdr ? vmem_nl_fill_file(skb, VMEM_I(inode)) : -EMSGSIZE;
		iput(inode);
		if (ret) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	return skb->len;
}

/* The attributes of one poisoned page; @ino 0 when it is in no file. */
static int vmem_nl_put_poison(struct sk_buff *skb, u64 phys, int nid,
			      u32 state, dev_t dev, unsigned long ino,
			      u64 offset)
{
	if (nla_put_u64_64bit(skb, VMEM_A_POISON_PHYS, phys, VMEM_A_POISON_PAD) ||
	    nla_put_u32(skb, VMEM_A_POISON_NODE, nid) ||
	    nla_put_u32(skb, VMEM_A_POISON_STATE, state))
		return -EMSGSIZE;
	if (ino &&
	    (nla_put_u32(skb, VMEM_A_POISON_DEV, new_encode_dev(dev)) ||
	     nla_put_u64_64bit(skb, VMEM_A_POISON_INO, ino, VMEM_A_POISON_PAD) ||
	     nla_put_u64_64bit(skb, VMEM_A_POISON_OFFSET, offset,
			       VMEM_A_POISON_PAD)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Poisoned pages, walked range by range, chunk by chunk, bit by bit.
 * args[0]: pages already sent.
 */
int vmem_nl_poison_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vmem_range *range;
	long idx = 0;
	int ret;

	ret = vmem_nl_admin(cb->skb, cb->extack);
	if (ret)
		return ret;
	mutex_lock(&vmem_mutex);
	list_for_each_entry(range, &vmem_ranges, node) {
		unsigned int i;

		for (i = 0; i < range->nr_chunks; i++) {
			struct vmem_chunk *chunk = &range->chunks[i];
			const unsigned long *bad = vmem_chunk_bad_map(chunk);
			struct vmem_pool *pool = range->pool;
			unsigned long b;

			if (!bad)
				continue;
			for_each_set_bit(b, bad, VMEM_CHUNK_PAGES) {
				struct inode *inode = NULL;
				u32 state = VMEM_POISON_STATE_FREE;
				pgoff_t pgoff = 0;
				void *hdr;

				if (idx++ < cb->args[0])
					continue;
				spin_lock(&pool->lock);
				if (chunk->state == VMEM_CHUNK_IN_USE &&
				    chunk->owner) {
					inode = igrab(&chunk->owner->vfs_inode);
					pgoff = chunk->index * VMEM_CHUNK_PAGES + b;
				}
				spin_unlock(&pool->lock);
				if (inode)
					state = vmem_file_repaired(VMEM_I(inode), pgoff) ?
						VMEM_POISON_STATE_REPAIRED :
						VMEM_POISON_STATE_MAPPED;
				hdr = vmem_nl_put_header(skb, cb,
							 VMEM_CMD_POISON_GET);
				ret = !hdr ||
				      vmem_nl_put_poison(skb, PFN_PHYS(chunk->pfn + b),
							 pool->nid, state,
							 inode ? inode->i_sb->s_dev : 0,
							 inode ? inode->i_ino : 0,
							 (u64)pgoff << PAGE_SHIFT);
				iput(inode);
				if (ret) {
					if (hdr)
						genlmsg_cancel(skb, hdr);
					goto full;
				}
				genlmsg_end(skb, hdr);
				cb->args[0] = idx;
			}
		}
	}
full:
	mutex_unlock(&vmem_mutex);
	return skb->len;
}

int vmem_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = vmem_nl_allowed(skb, info->extack, false);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr ||
	    nla_put_u8(msg, VMEM_A_CONFIG_SCRUB, READ_ONCE(vmem_scrub_enabled))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vmem_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret = vmem_nl_admin(skb, info->extack);

	if (ret)
		return ret;
	if (info->attrs[VMEM_A_CONFIG_SCRUB])
		vmem_scrub_set(nla_get_u8(info->attrs[VMEM_A_CONFIG_SCRUB]));
	return 0;
}

void vmem_nl_poison_event(struct vmem_chunk *chunk, unsigned long pfn,
			  dev_t dev, unsigned long ino, u64 offset,
			  unsigned int signalled)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&vmem_nl_family, &init_net, VMEM_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vmem_nl_family, 0, VMEM_CMD_POISON_NTF);
	if (!hdr ||
	    vmem_nl_put_poison(msg, PFN_PHYS(pfn), chunk->range->pool->nid,
			       ino ? VMEM_POISON_STATE_MAPPED : VMEM_POISON_STATE_FREE, dev,
			       ino, offset) ||
	    nla_put_u32(msg, VMEM_A_POISON_SIGNALLED, signalled)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vmem_nl_family, msg, 0, VMEM_NLGRP_EVENTS,
			  GFP_KERNEL);
}

int vmem_nl_init(void)
{
	return genl_register_family(&vmem_nl_family);
}

void vmem_nl_exit(void)
{
	genl_unregister_family(&vmem_nl_family);
}
