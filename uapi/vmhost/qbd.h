/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qbd: a block device over RDMA. This header is the wire protocol spoken
 * between the host's qbd module and qbd-target, and includes the generic
 * netlink ABI (qbd_nl.h, generated from Documentation/netlink/specs/qbd.yaml)
 * between the module and qbdctl.
 *
 * Every multi-byte field on the wire is little-endian. Structures have
 * explicit padding; reserved fields are sent as zero and ignored on receipt.
 * A released layout never changes: a new field takes reserved space or a
 * new protocol version. Documentation/qbd.rst describes the exchanges.
 */
#ifndef _UAPI_VMHOST_QBD_H
#define _UAPI_VMHOST_QBD_H

#include <linux/types.h>
#include <vmhost/qbd_nl.h>

#define QBD_MAGIC		0x31444251	/* "QBD1" read as __le32 */
#define QBD_VERSION		1
#define QBD_DEFAULT_PORT	4460

#define QBD_NAME_MAX		64	/* host and volume names, NUL-padded */
#define QBD_SECRET_MAX		64	/* bytes of a shared secret */
#define QBD_NONCE_LEN		32
#define QBD_MAC_LEN		32	/* HMAC-SHA256 */

#define QBD_MAX_QUEUES		64	/* I/O queues per session */
#define QBD_MAX_DEPTH		1024	/* requests in flight per I/O queue */
#define QBD_ADMIN_DEPTH		4	/* admin commands in flight */
#define QBD_SECTOR_SIZE		512	/* unit of offsets and lengths */

/*
 * Connection private data (rdma_cm). Queue 0 is the admin queue, queues
 * 1..n carry I/O. A host connects the admin queue first, opens the volume
 * on it (QBD_OP_OPEN), and then connects its I/O queues naming the session
 * the open returned. The REQ private data of RDMA_PS_TCP holds 56 bytes.
 */
struct qbd_cm_req {
	__le32 magic;
	__le16 version;		/* highest version the host speaks */
	__le16 qid;
	__le16 depth;		/* requests the host keeps in flight */
	__le16 rsvd0;
	__le32 inline_size;	/* largest inline write the host wants */
	__le64 session;		/* 0 on queue 0; the open's session after */
	__u8 rsvd1[8];
};				/* 32 bytes */

struct qbd_cm_rep {
	__le32 magic;
	__le16 version;		/* version spoken on this connection */
	__le16 qid;
	__le16 depth;		/* accepted depth, <= the requested one */
	__le16 rsvd0;
	__le32 inline_size;	/* accepted inline bytes, <= the requested */
	__le32 max_io;		/* largest request, bytes */
	__le32 rsvd1;
	__u8 nonce[QBD_NONCE_LEN];	/* queue 0: the challenge for OPEN */
};				/* 56 bytes */

/* The private data of a rejection by the target. */
struct qbd_cm_rej {
	__le32 magic;
	__le16 version;		/* highest version the target speaks */
	__le16 status;		/* QBD_S_* */
};				/* 8 bytes */

/* Status of a response or a rejection. */
#define QBD_S_OK		0
#define QBD_S_INVALID		1	/* malformed request */
#define QBD_S_VERSION		2	/* protocol version not spoken */
#define QBD_S_NO_VOLUME		3	/* no such volume */
#define QBD_S_ACCESS		4	/* host not allowed, or wrong secret */
#define QBD_S_READ_ONLY		5	/* write to a read-only volume or open */
#define QBD_S_RANGE		6	/* beyond the volume's capacity */
#define QBD_S_IO		7	/* the backend failed */
#define QBD_S_NO_SESSION	8	/* I/O queue names no open session */
#define QBD_S_BUSY		9	/* out of queues or sessions, retry */
#define QBD_S_UNSUPPORTED	10	/* operation the volume does not offer */
#define QBD_S_MAX		10

/* Opcodes. I/O opcodes go on queues 1..n, admin opcodes on queue 0. */
#define QBD_OP_READ		0x01
#define QBD_OP_WRITE		0x02
#define QBD_OP_FLUSH		0x03
#define QBD_OP_DISCARD		0x04
#define QBD_OP_WRITE_ZEROES	0x05
#define QBD_OP_OPEN		0x80	/* payload struct qbd_open */
#define QBD_OP_CLOSE		0x81
#define QBD_OP_KEEPALIVE	0x82	/* response carries struct qbd_info */
#define QBD_OP_EVENT		0xc0	/* target to host, unsolicited */

/* qbd_req.flags */
#define QBD_REQ_FUA		0x01	/* durable before the response */

/*
 * A request, sent by the host with SEND. For a write of at most the
 * connection's inline size the data follows the header in the same SEND
 * and rkey is 0. Otherwise addr/rkey name a memory region on the host that
 * the target reads (WRITE, with RDMA READ) or fills (READ, with RDMA
 * WRITE) before it answers. Admin requests carry their payload inline.
 */
struct qbd_req {
	__u8 opcode;
	__u8 flags;
	__le16 rsvd0;
	__le32 tag;		/* echoed in the response */
	__le64 offset;		/* bytes, a multiple of QBD_SECTOR_SIZE */
	__le32 length;		/* bytes, a multiple of QBD_SECTOR_SIZE */
	__le32 rkey;
	__le64 addr;
};				/* 32 bytes */

/*
 * A response, sent by the target with SEND, or with SEND_WITH_INV naming
 * the request's rkey when the request had one (the host then has no local
 * invalidation to post). Admin responses carry struct qbd_info after it.
 */
struct qbd_rsp {
	__le32 tag;
	__le16 status;		/* QBD_S_* */
	__u8 opcode;		/* the request's */
	__u8 rsvd0;
	__le32 length;		/* bytes moved: READ and WRITE; 0 otherwise */
	__le32 rsvd1;
};				/* 16 bytes */

/* Tag of a QBD_OP_EVENT message; rsp.status carries the event. */
#define QBD_TAG_EVENT		0xffffffff
#define QBD_EVENT_RESIZE	1	/* capacity changed: send a KEEPALIVE */

/* qbd_open.flags */
#define QBD_OPEN_READ_ONLY	0x01

/* Payload of QBD_OP_OPEN. */
struct qbd_open {
	char host[QBD_NAME_MAX];	/* the host's identity */
	char volume[QBD_NAME_MAX];
	/*
	 * HMAC-SHA256 keyed with the shared secret over the nonce of the
	 * admin connection's REP, then host[] and volume[] as sent (64 bytes
	 * each, NUL-padded). All zero when the host has no secret.
	 */
	__u8 mac[QBD_MAC_LEN];
	__le32 flags;
	__le16 queues;		/* I/O queues wanted */
	__le16 depth;		/* per I/O queue */
	__u8 rsvd[8];
};				/* 176 bytes */

/* qbd_info.caps */
#define QBD_CAP_FLUSH		0x01	/* volatile cache: FLUSH, FUA honoured */
#define QBD_CAP_FUA		0x02
#define QBD_CAP_DISCARD		0x04
#define QBD_CAP_WRITE_ZEROES	0x08
#define QBD_CAP_READ_ONLY	0x10	/* the export or the open is read-only */

/* What the target tells about an open volume (OPEN and KEEPALIVE). */
struct qbd_info {
	__le64 session;
	__le64 capacity;	/* bytes */
	__le32 caps;		/* QBD_CAP_* */
	__le32 block_size;	/* logical block: 512 or 4096 */
	__le32 max_io;		/* bytes per READ or WRITE */
	__le32 max_discard;	/* bytes per DISCARD or WRITE_ZEROES */
	__le16 queues;		/* I/O queues granted */
	__le16 depth;		/* per I/O queue */
	__le32 rsvd0;
	__u8 rsvd1[24];
};				/* 64 bytes */

#define QBD_ADMIN_MSG_MAX	(sizeof(struct qbd_req) + sizeof(struct qbd_open))

#endif /* _UAPI_VMHOST_QBD_H */
