/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qbd: a block device over RDMA. Internal definitions shared by the
 * module's files; the wire protocol and the netlink ABI are in
 * uapi/vmhost/qbd.h.
 */
#ifndef _QBD_H
#define _QBD_H

#include <linux/blk-mq.h>
#include <linux/completion.h>
#include <linux/inet.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>
#include <vmhost/qbd.h>

#define QBD_DEFAULT_DEPTH	128
#define QBD_DEFAULT_LOSS_TMO	600	/* seconds */
#define QBD_DEFAULT_KEEPALIVE	5	/* seconds */
#define QBD_INLINE_WANTED	4096	/* inline bytes asked for */
#define QBD_MAX_IO_DEFAULT	SZ_1M	/* largest request we build */
#define QBD_MAX_INLINE_SGE	4	/* data segments of an inline write */
#define QBD_INLINE_SG_CNT	2	/* scatterlist entries kept in the pdu */
#define QBD_CM_TIMEOUT_MS	3000	/* address and route resolution */
#define QBD_CONNECT_TIMEOUT	(10 * HZ)	/* one queue's whole connect */
#define QBD_RECONNECT_MIN	(HZ / 10)
#define QBD_RECONNECT_MAX	(5 * HZ)

/* Completion time buckets, microseconds, log2. */
#define QBD_NR_OPS		(QBD_OP_WRITE_ZEROES + 1)

struct qbd_dev;

/* A receive buffer: one response (and, on queue 0, its qbd_info). */
struct qbd_rbuf {
	struct ib_cqe cqe;
	struct qbd_queue *q;
	void *buf;
	u64 dma;
};

/* One RDMA connection: queue 0 is the admin queue, 1..n carry I/O. */
struct qbd_queue {
	struct qbd_dev *qd;
	int qid;
	struct rdma_cm_id *cm_id;
	struct ib_qp *qp;	/* outlives cm_id on teardown, as in nvme-rdma */
	struct ib_cq *cq;
	int cq_size;
	u16 depth;		/* accepted by the target */
	u16 nr_rbufs;
	u32 inline_size;	/* accepted by the target */
	u32 max_inline_sge;
	u32 rbuf_size;
	struct qbd_rbuf *rbufs;
	void *cmds;		/* depth struct qbd_req (I/O) or admin msgs */
	u64 cmds_dma;
	size_t cmds_size;
	bool mrs_ready;

	/* Connection establishment, in the CM handler's context. */
	struct completion cm_done;
	int cm_error;
	const char *cm_why;	/* what failed, for the log and extack */
	struct qbd_cm_rep rep;

	/* Set while the queue may carry requests. */
	unsigned long live;
#define QBD_Q_LIVE	0
};

/* The per-request data blk-mq keeps for us. */
struct qbd_rq {
	struct qbd_queue *q;
	struct ib_cqe send_cqe;
	struct ib_cqe reg_cqe;
	struct ib_reg_wr reg_wr;
	struct ib_mr *mr;
	struct sg_table sgt;
	struct scatterlist sgl[QBD_INLINE_SG_CNT];
	int nents;		/* DMA-mapped entries, 0 when none */
	struct ib_sge sge[1 + QBD_MAX_INLINE_SGE];
	refcount_t ref;		/* the send's completion and the response */
	u16 gen;		/* upper half of the wire tag */
	u8 op;			/* QBD_OP_* */
	bool requeue;		/* completed by a teardown: requeue it */
	unsigned long pending;	/* bit 0: the target owes a response */
	blk_status_t status;
	u64 start_ns;
};

enum qbd_state_internal {
	QBD_ST_CONNECTING = QBD_STATE_CONNECTING,
	QBD_ST_LIVE = QBD_STATE_LIVE,
	QBD_ST_RECONNECTING = QBD_STATE_RECONNECTING,
	QBD_ST_FAILED = QBD_STATE_FAILED,
	QBD_ST_DELETING = QBD_STATE_DELETING,
};

struct qbd_op_stats {
	atomic64_t ios;
	atomic64_t bytes;
	atomic64_t errors;
	atomic64_t lat[QBD_LAT_BUCKETS];
};

/* What a device was asked to connect to. */
struct qbd_params {
	struct sockaddr_storage addr;
	char addr_str[64];
	u16 port;
	char volume[QBD_NAME_MAX];
	char host[QBD_NAME_MAX];
	char secret[QBD_SECRET_MAX + 1];
	u32 secret_len;
	u32 queues;
	u32 depth;
	u32 loss_tmo;		/* seconds */
	u32 keepalive;		/* seconds */
	bool read_only;
};

struct qbd_dev {
	struct list_head node;	/* qbd_devs, under qbd_devs_lock */
	int index;
	struct qbd_params p;

	/* One association with the target: queues, PD, session. */
	struct ib_device *ibdev;
	struct ib_pd *pd;
	struct qbd_queue *queues;	/* [0] admin, [1..nr_io] I/O */
	u32 nr_io;
	u64 session;
	struct qbd_info info;	/* the latest the target sent */
	u32 max_io;
	struct qbd_info limits;	/* what the disk's limits were set from */
	u32 limits_max_io;

	/* The admin channel: one command at a time. */
	struct mutex admin_lock;
	struct completion admin_done;
	struct ib_cqe admin_send_cqe;
	spinlock_t admin_slock;	/* the fields below */
	u32 admin_tag;
	u8 admin_op;
	u16 admin_status;
	bool admin_send_done;
	bool admin_rsp_done;
	bool admin_has_info;
	bool admin_aborted;
	struct qbd_info admin_info;

	spinlock_t state_lock;	/* state changes, assoc_error */
	int state;
	bool assoc_error;	/* an error while (re)connecting */
	unsigned long lost_at;	/* jiffies, when the connection was lost */
	unsigned long backoff;

	struct work_struct err_work;
	struct delayed_work reconnect_work;
	struct delayed_work ka_work;
	struct work_struct resize_work;

	struct blk_mq_tag_set tag_set;
	bool tag_set_ready;
	bool quiesced;		/* the disk's queue, by a teardown */
	struct gendisk *disk;

	atomic64_t reconnects;
	atomic64_t resets;
	atomic64_t proto_errors;
	atomic_t inflight;
	struct qbd_op_stats stats[QBD_NR_OPS];
};

extern struct workqueue_struct *qbd_wq;
extern int qbd_major;

/* proto.c: the pure logic (KUnit-tested). */
int qbd_status_to_errno(u16 status);
blk_status_t qbd_status_to_blk(u16 status);
int qbd_check_rep(const struct qbd_cm_req *req, const void *data, u8 len,
		  struct qbd_cm_rep *rep, const char **why);
int qbd_check_info(const struct qbd_info *info, const char **why);
int qbd_rej_errno(const void *data, u8 len, const char **why);
int qbd_lat_bucket(u64 ns);
u32 qbd_tag(u16 gen, u16 tag);
bool qbd_check_rsp(const struct qbd_rsp *rsp, u8 op, u32 expected_len,
		   const char **why);
int qbd_open_mac(const struct qbd_params *p, const u8 *nonce,
		 const struct qbd_open *open, u8 *mac);

/* queue.c: RDMA connections and the I/O path. */
int qbd_assoc_connect(struct qbd_dev *qd, const char **why);
void qbd_assoc_stop(struct qbd_dev *qd);
void qbd_assoc_free(struct qbd_dev *qd);
int qbd_admin_keepalive(struct qbd_dev *qd);
extern const struct blk_mq_ops qbd_mq_ops;

/* dev.c: devices and their recovery. */
struct qbd_dev *qbd_dev_create(struct qbd_params *p, const char **why);
int qbd_dev_remove(int index);
int qbd_dev_reset(int index);
void qbd_dev_remove_all(void);
void qbd_error_recovery(struct qbd_dev *qd, const char *why);
void qbd_dev_ib_remove(struct ib_device *ibdev);
int qbd_dev_state(struct qbd_dev *qd);
const char *qbd_name(struct qbd_dev *qd);
extern struct list_head qbd_devs;
extern struct mutex qbd_devs_lock;

/* netlink.c */
int qbd_nl_init(void);
void qbd_nl_exit(void);

#endif /* _QBD_H */
