/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VMEM: guest memory from boot-reserved ranges, in 1 GiB chunks.
 *
 * Shared by the vmem module and vmemctl. Two interfaces:
 *  - the "vmem" generic netlink family (pools, ranges, files, poison,
 *    configuration, poison events): Documentation/netlink/specs/vmem.yaml,
 *    from which <vmhost/vmem_nl.h> is generated (make nlgen);
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

/*
 * The netlink family's names and enums (VMEM_FAMILY_NAME, VMEM_CMD_*,
 * VMEM_A_*, enum vmem_poison_state), generated from its spec.
 */
#include <vmhost/vmem_nl.h>

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
