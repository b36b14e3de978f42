/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/qbd.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_QBD_H
#define _UAPI_LINUX_QBD_H

#define QBD_FAMILY_NAME		"qbd"
#define QBD_FAMILY_VERSION	1

/**
 * enum qbd_state - Where a device's connection is.
 * @QBD_STATE_CONNECTING: First connection under way.
 * @QBD_STATE_LIVE: Connected; I/O flows.
 * @QBD_STATE_RECONNECTING: Connection lost; in-flight I/O is held and retried
 *   while the device reconnects, until the loss timeout.
 * @QBD_STATE_FAILED: The loss timeout passed; I/O fails with EIO until the
 *   device is disconnected.
 * @QBD_STATE_DELETING: Being disconnected.
 */
enum qbd_state {
	QBD_STATE_CONNECTING,
	QBD_STATE_LIVE,
	QBD_STATE_RECONNECTING,
	QBD_STATE_FAILED,
	QBD_STATE_DELETING,
};

/**
 * enum qbd_stat_op - Operations counted in the per-operation statistics (not
 *   the wire opcodes QBD_OP_* of uapi/vmhost/qbd.h).
 */
enum qbd_stat_op {
	QBD_STAT_OP_READ,
	QBD_STAT_OP_WRITE,
	QBD_STAT_OP_FLUSH,
	QBD_STAT_OP_DISCARD,
	QBD_STAT_OP_WRITE_ZEROES,
};

#define QBD_LAT_BUCKETS	24

enum {
	QBD_A_DEV_UNSPEC,
	QBD_A_DEV_INDEX,
	QBD_A_DEV_NAME,
	QBD_A_DEV_ADDR,
	QBD_A_DEV_PORT,
	QBD_A_DEV_VOLUME,
	QBD_A_DEV_HOST,
	QBD_A_DEV_SECRET,
	QBD_A_DEV_QUEUES,
	QBD_A_DEV_DEPTH,
	QBD_A_DEV_READ_ONLY,
	QBD_A_DEV_LOSS_TIMEOUT,
	QBD_A_DEV_KEEPALIVE,
	QBD_A_DEV_STATE,
	QBD_A_DEV_CAPACITY,
	QBD_A_DEV_BLOCK_SIZE,
	QBD_A_DEV_CAPS,
	QBD_A_DEV_INLINE_SIZE,
	QBD_A_DEV_MAX_IO,
	QBD_A_DEV_INFLIGHT,
	QBD_A_DEV_RECONNECTS,
	QBD_A_DEV_RESETS,
	QBD_A_DEV_PROTO_ERRORS,
	QBD_A_DEV_OP_STATS,
	QBD_A_DEV_PAD,

	__QBD_A_DEV_MAX,
	QBD_A_DEV_MAX = (__QBD_A_DEV_MAX - 1)
};

enum {
	QBD_A_OP_UNSPEC,
	QBD_A_OP_OP,
	QBD_A_OP_IOS,
	QBD_A_OP_BYTES,
	QBD_A_OP_ERRORS,
	QBD_A_OP_LAT_HIST,
	QBD_A_OP_PAD,

	__QBD_A_OP_MAX,
	QBD_A_OP_MAX = (__QBD_A_OP_MAX - 1)
};

enum {
	QBD_CMD_UNSPEC,
	QBD_CMD_DEV_GET,
	QBD_CMD_DEV_CONNECT,
	QBD_CMD_DEV_DISCONNECT,
	QBD_CMD_DEV_RESET,

	__QBD_CMD_MAX,
	QBD_CMD_MAX = (__QBD_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_QBD_H */
