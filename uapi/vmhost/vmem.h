/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VMEM: guest memory from boot-reserved ranges, in 1 GiB chunks.
 *
 * Shared by the vmem module and vmemctl. Two interfaces:
 *  - the "vmem" generic netlink family (pools, ranges, files, poison,
 *    configuration, poison events); specified in
 *    Documentation/netlink/specs/vmem.yaml;
 *  - VMEM_IOC_FILE_INFO on an open vmemfs file.
 *
 * Released layouts never change: new attributes and commands are only
 * appended, struct vmem_file_info only grows at its end (size is in the
 * ioctl number).
 */
#ifndef _UAPI_VMHOST_VMEM_H
#define _UAPI_VMHOST_VMEM_H

#include <linux/const.h>
#include <linux/types.h>
#include <linux/ioctl.h>

#define VMEM_FS_NAME		"vmemfs"
#define VMEM_FS_MAGIC		0x766d656dU	/* "vmem" */
#define VMEM_CHUNK_SHIFT	30		/* 1 GiB */
#define VMEM_CHUNK_SIZE		_BITULL(VMEM_CHUNK_SHIFT)
#define VMEM_NODE_ANY		0xffffffffU

#define VMEM_GENL_NAME		"vmem"
#define VMEM_GENL_VERSION	1
#define VMEM_MCGRP_EVENTS	"events"

enum vmem_cmd {
	VMEM_CMD_UNSPEC,
	VMEM_CMD_POOL_GET,	/* dump: one message per pool (NUMA node) */
	VMEM_CMD_RANGE_GET,	/* dump: claimed physical ranges */
	VMEM_CMD_RANGE_ADD,	/* CAP_SYS_ADMIN: claim START, SIZE */
	VMEM_CMD_RANGE_DEL,	/* CAP_SYS_ADMIN: release an unused range */
	VMEM_CMD_FILE_GET,	/* dump: vmemfs files */
	VMEM_CMD_POISON_GET,	/* dump: poisoned 4 KiB pages */
	VMEM_CMD_CONFIG_GET,
	VMEM_CMD_CONFIG_SET,	/* CAP_SYS_ADMIN */
	VMEM_CMD_POISON_NTF,	/* event on VMEM_MCGRP_EVENTS */

	__VMEM_CMD_MAX,
	VMEM_CMD_MAX = __VMEM_CMD_MAX - 1
};

/* Pools: sizes in bytes, pages are 4 KiB. */
enum vmem_a_pool {
	VMEM_A_POOL_UNSPEC,
	VMEM_A_POOL_NODE,		/* u32 */
	VMEM_A_POOL_TOTAL_BYTES,	/* u64 */
	VMEM_A_POOL_FREE_ZEROED_BYTES,	/* u64: zeroed, ready to hand out */
	VMEM_A_POOL_FREE_DIRTY_BYTES,	/* u64: waiting for the scrubber */
	VMEM_A_POOL_IN_USE_BYTES,	/* u64: owned by files */
	VMEM_A_POOL_POISONED_PAGES,	/* u64: bad 4 KiB pages, never reused */
	VMEM_A_POOL_METADATA_BYTES,	/* u64: the module's own tables */
	VMEM_A_POOL_PAD,

	__VMEM_A_POOL_MAX,
	VMEM_A_POOL_MAX = __VMEM_A_POOL_MAX - 1
};

enum vmem_a_range {
	VMEM_A_RANGE_UNSPEC,
	VMEM_A_RANGE_START,		/* u64: physical address, 1 GiB aligned */
	VMEM_A_RANGE_SIZE,		/* u64: bytes, multiple of 1 GiB */
	VMEM_A_RANGE_NODE,		/* u32 */
	VMEM_A_RANGE_IN_USE_BYTES,	/* u64 */
	VMEM_A_RANGE_PAD,

	__VMEM_A_RANGE_MAX,
	VMEM_A_RANGE_MAX = __VMEM_A_RANGE_MAX - 1
};

enum vmem_a_file {
	VMEM_A_FILE_UNSPEC,
	VMEM_A_FILE_DEV,		/* u32: st_dev of the vmemfs mount */
	VMEM_A_FILE_INO,		/* u64 */
	VMEM_A_FILE_PATH,		/* string: path inside the mount */
	VMEM_A_FILE_SIZE,		/* u64: bytes */
	VMEM_A_FILE_UID,		/* u32 */
	VMEM_A_FILE_GID,		/* u32 */
	VMEM_A_FILE_NODE,		/* u32: pool node or VMEM_NODE_ANY */
	VMEM_A_FILE_MAPS_1G,		/* u64: 1 GiB mappings installed */
	VMEM_A_FILE_MAPS_2M,		/* u64: 2 MiB mappings installed */
	VMEM_A_FILE_MAPS_4K,		/* u64: 4 KiB mappings installed */
	VMEM_A_FILE_POISONED_PAGES,	/* u32: not yet repaired */
	VMEM_A_FILE_PAD,

	__VMEM_A_FILE_MAX,
	VMEM_A_FILE_MAX = __VMEM_A_FILE_MAX - 1
};

enum vmem_poison_state {
	VMEM_POISON_FREE,		/* in a free chunk */
	VMEM_POISON_MAPPED,		/* in a file, not repaired: SIGBUS */
	VMEM_POISON_REPAIRED,		/* in a file, replaced by a clean page */
};

enum vmem_a_poison {
	VMEM_A_POISON_UNSPEC,
	VMEM_A_POISON_PHYS,		/* u64: physical address of the 4 KiB */
	VMEM_A_POISON_NODE,		/* u32 */
	VMEM_A_POISON_STATE,		/* u32: enum vmem_poison_state */
	VMEM_A_POISON_DEV,		/* u32: file's st_dev (when in a file) */
	VMEM_A_POISON_INO,		/* u64: file's inode (when in a file) */
	VMEM_A_POISON_OFFSET,		/* u64: offset in that file */
	VMEM_A_POISON_SIGNALLED,	/* u32: processes sent SIGBUS (events) */
	VMEM_A_POISON_PAD,

	__VMEM_A_POISON_MAX,
	VMEM_A_POISON_MAX = __VMEM_A_POISON_MAX - 1
};

enum vmem_a_config {
	VMEM_A_CONFIG_UNSPEC,
	VMEM_A_CONFIG_SCRUB,		/* u8: 1 = zero freed chunks in background */

	__VMEM_A_CONFIG_MAX,
	VMEM_A_CONFIG_MAX = __VMEM_A_CONFIG_MAX - 1
};

/* VMEM_IOC_FILE_INFO: what the module knows about one open vmemfs file. */
struct vmem_file_info {
	__u64 size;		/* bytes */
	__u64 maps_1g;		/* mappings installed, by page size */
	__u64 maps_2m;
	__u64 maps_4k;
	__u32 node;		/* pool node or VMEM_NODE_ANY */
	__u32 chunks;		/* 1 GiB chunks owned */
	__u32 poisoned_pages;	/* bad pages not yet repaired */
	__u32 repaired_pages;	/* bad pages replaced by a clean page */
};

#define VMEM_IOC_MAGIC		0xd7
#define VMEM_IOC_FILE_INFO	_IOR(VMEM_IOC_MAGIC, 0x01, struct vmem_file_info)

#endif /* _UAPI_VMHOST_VMEM_H */
