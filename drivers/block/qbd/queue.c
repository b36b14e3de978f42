// SPDX-License-Identifier: GPL-2.0
/*
 * qbd: RDMA connections to the target and the I/O path.
 *
 * One association with the target is an admin queue (queue 0) and one
 * I/O queue per blk-mq hardware queue, each an RC queue pair of its own
 * rdma_cm connection, all on one ib_device and one protection domain.
 * Reads and large writes are described to the target by a fast-registration
 * MR from the queue pair's pool, small writes travel inline with the
 * request. The target answers with SEND_WITH_INV naming the MR, so a
 * request costs the host one posted chain (REG_MR + SEND) and no local
 * invalidation; a target that answers without invalidating gets a
 * LOCAL_INV posted for it. Nothing the target sends is trusted: a
 * response that names no request in flight, or does not fit the request,
 * is a protocol error that resets the association.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <rdma/ib_cache.h>
#include <rdma/mr_pool.h>
#include "qbd.h"

static void qbd_admin_recv(struct qbd_queue *q, struct qbd_rbuf *rb, u32 len);
static void qbd_io_recv(struct qbd_queue *q, struct qbd_rbuf *rb,
			struct ib_wc *wc);

#define qbd_err(qd, fmt, ...)						\
	pr_err_ratelimited("qbd: %s: " fmt, qbd_name(qd), ##__VA_ARGS__)

static void qbd_proto_error(struct qbd_queue *q, const char *why)
{
	struct qbd_dev *qd = q->qd;

	atomic64_inc(&qd->proto_errors);
	qbd_err(qd, "queue %d: protocol error: %s\n", q->qid, why);
	qbd_error_recovery(qd, "protocol error");
}

static void qbd_wr_error(struct qbd_queue *q, struct ib_wc *wc, const char *op)
{
	if (wc->status != IB_WC_WR_FLUSH_ERR)
		qbd_err(q->qd, "queue %d: %s failed: %s (%d)\n", q->qid, op,
			ib_wc_status_msg(wc->status), wc->status);
	qbd_error_recovery(q->qd, op);
}

/* Receive buffers. */

static int qbd_post_recv(struct qbd_queue *q, struct qbd_rbuf *rb)
{
	struct ib_sge sge = {
		.addr = rb->dma,
		.length = q->rbuf_size,
		.lkey = q->qd->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = {
		.wr_cqe = &rb->cqe,
		.sg_list = &sge,
		.num_sge = 1,
	};

	return ib_post_recv(q->qp, &wr, NULL);
}

static void qbd_recv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct qbd_rbuf *rb = container_of(wc->wr_cqe, struct qbd_rbuf, cqe);
	struct qbd_queue *q = rb->q;
	struct ib_device *ibdev = q->qd->ibdev;

	if (unlikely(wc->status != IB_WC_SUCCESS)) {
		qbd_wr_error(q, wc, "RECV");
		return;
	}
	ib_dma_sync_single_for_cpu(ibdev, rb->dma, q->rbuf_size,
				   DMA_FROM_DEVICE);
	if (q->qid)
		qbd_io_recv(q, rb, wc);
	else
		qbd_admin_recv(q, rb, wc->byte_len);
	ib_dma_sync_single_for_device(ibdev, rb->dma, q->rbuf_size,
				      DMA_FROM_DEVICE);
	if (test_bit(QBD_Q_LIVE, &q->live))
		qbd_post_recv(q, rb);
}

static void qbd_free_rbufs(struct qbd_queue *q)
{
	int i;

	if (!q->rbufs)
		return;
	for (i = 0; i < q->nr_rbufs; i++) {
		struct qbd_rbuf *rb = &q->rbufs[i];

		if (!rb->buf)
			continue;
		ib_dma_unmap_single(q->qd->ibdev, rb->dma, q->rbuf_size,
				    DMA_FROM_DEVICE);
		kfree(rb->buf);
	}
	kfree(q->rbufs);
	q->rbufs = NULL;
}

static int qbd_alloc_rbufs(struct qbd_queue *q)
{
	struct ib_device *ibdev = q->qd->ibdev;
	int i;

	q->rbufs = kcalloc(q->nr_rbufs, sizeof(*q->rbufs), GFP_KERNEL);
	if (!q->rbufs)
		return -ENOMEM;
	for (i = 0; i < q->nr_rbufs; i++) {
		struct qbd_rbuf *rb = &q->rbufs[i];

		rb->buf = kzalloc(q->rbuf_size, GFP_KERNEL);
		if (!rb->buf)
			goto err;
		rb->dma = ib_dma_map_single(ibdev, rb->buf, q->rbuf_size,
					    DMA_FROM_DEVICE);
		if (ib_dma_mapping_error(ibdev, rb->dma)) {
			kfree(rb->buf);
			rb->buf = NULL;
			goto err;
		}
		rb->q = q;
		rb->cqe.done = qbd_recv_done;
	}
	return 0;
err:
	qbd_free_rbufs(q);
	return -ENOMEM;
}

/* Connection setup, driven by the CM handler. */

static void qbd_qp_event(struct ib_event *ev, void *ctx)
{
	struct qbd_queue *q = ctx;

	if (ev->event == IB_EVENT_COMM_EST)
		rdma_notify(q->cm_id, ev->event);
	else
		qbd_err(q->qd, "queue %d: QP event %s (%d)\n", q->qid,
			ib_event_msg(ev->event), ev->event);
}

static void qbd_queue_free_res(struct qbd_queue *q)
{
	struct ib_device *ibdev = q->qd->ibdev;

	if (q->mrs_ready) {
		ib_mr_pool_destroy(q->qp, &q->qp->rdma_mrs);
		q->mrs_ready = false;
	}
	if (q->qp) {
		ib_destroy_qp(q->qp);
		q->qp = NULL;
	}
	if (q->cq) {
		ib_cq_pool_put(q->cq, q->cq_size);
		q->cq = NULL;
	}
	qbd_free_rbufs(q);
	if (q->cmds) {
		ib_dma_unmap_single(ibdev, q->cmds_dma, q->cmds_size,
				    DMA_TO_DEVICE);
		kfree(q->cmds);
		q->cmds = NULL;
	}
}

static int qbd_pages_per_mr(struct qbd_dev *qd)
{
	u32 pages = QBD_MAX_IO_DEFAULT / SZ_4K;

	return min_t(u32, pages, qd->ibdev->attrs.max_fast_reg_page_list_len);
}

static int qbd_queue_create_res(struct qbd_queue *q)
{
	struct qbd_dev *qd = q->qd;
	struct ib_device *ibdev = q->cm_id->device;
	struct ib_qp_init_attr attr = {};
	int depth = q->depth, ret;

	if (!q->qid) {
		qd->ibdev = ibdev;
		qd->pd = ib_alloc_pd(ibdev, 0);
		if (IS_ERR(qd->pd)) {
			ret = PTR_ERR(qd->pd);
			qd->pd = NULL;
			q->cm_why = "cannot allocate a protection domain";
			return ret;
		}
	} else if (ibdev != qd->ibdev) {
		q->cm_why = "queues resolved to different RDMA devices";
		return -EXDEV;
	}
	if (!(ibdev->attrs.device_cap_flags & IB_DEVICE_MEM_MGT_EXTENSIONS)) {
		q->cm_why = "RDMA device has no fast memory registration";
		return -EOPNOTSUPP;
	}

	/* REG_MR + SEND + LOCAL_INV per request, and one for the drain. */
	q->cq_size = 4 * depth + 2;
	q->cq = ib_cq_pool_get(ibdev, q->cq_size, q->qid ? q->qid - 1 : 0,
			       IB_POLL_SOFTIRQ);
	if (IS_ERR(q->cq)) {
		ret = PTR_ERR(q->cq);
		q->cq = NULL;
		q->cm_why = "cannot allocate a completion queue";
		return ret;
	}
	q->max_inline_sge = min_t(u32, QBD_MAX_INLINE_SGE,
				  ibdev->attrs.max_send_sge - 1);
	attr.event_handler = qbd_qp_event;
	attr.qp_context = q;
	attr.send_cq = q->cq;
	attr.recv_cq = q->cq;
	attr.cap.max_send_wr = 3 * depth + 1;
	attr.cap.max_recv_wr = depth + 1 + 1;
	attr.cap.max_send_sge = 1 + q->max_inline_sge;
	attr.cap.max_recv_sge = 1;
	attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	attr.qp_type = IB_QPT_RC;
	ret = rdma_create_qp(q->cm_id, qd->pd, &attr);
	if (ret) {
		q->cm_why = "cannot create a queue pair";
		return ret;
	}
	q->qp = q->cm_id->qp;
	if (q->qid) {
		/* One page more: a first segment need not start on a page. */
		ret = ib_mr_pool_init(q->qp, &q->qp->rdma_mrs, depth,
				      IB_MR_TYPE_MEM_REG,
				      qbd_pages_per_mr(qd) + 1, 0);
		if (ret) {
			q->cm_why = "cannot allocate memory regions";
			return ret;
		}
		q->mrs_ready = true;
	}

	/* Requests: one slot per tag; queue 0 has one admin message. */
	q->cmds_size = q->qid ? depth * sizeof(struct qbd_req) :
				QBD_ADMIN_MSG_MAX;
	q->cm_why = "out of memory";
	q->cmds = kzalloc(q->cmds_size, GFP_KERNEL);
	if (!q->cmds)
		return -ENOMEM;
	q->cmds_dma = ib_dma_map_single(ibdev, q->cmds, q->cmds_size,
					DMA_TO_DEVICE);
	if (ib_dma_mapping_error(ibdev, q->cmds_dma)) {
		kfree(q->cmds);
		q->cmds = NULL;
		return -ENOMEM;
	}

	/* Responses; queue 0 keeps a spare for the target's events. */
	q->nr_rbufs = q->qid ? depth : depth + 1;
	q->rbuf_size = sizeof(struct qbd_rsp) +
		       (q->qid ? 0 : sizeof(struct qbd_info));
	return qbd_alloc_rbufs(q);
}

/*
 * Connecting through a port that is down cannot work, and Soft-RoCE
 * wedges the port's management QP (for every user of the device) on a CM
 * request sent while it is down: fail the attempt here, before any CM
 * message goes out, and let the back-off try again.
 */
static int qbd_port_active(struct qbd_queue *q)
{
	enum ib_port_state state;

	if (ib_get_cached_port_state(q->cm_id->device, q->cm_id->port_num,
				     &state) || state == IB_PORT_ACTIVE)
		return 0;
	q->cm_why = "the RDMA port to the target is down";
	return -ENETDOWN;
}

static int qbd_route_resolved(struct qbd_queue *q)
{
	struct qbd_dev *qd = q->qd;
	struct qbd_cm_req req = {
		.magic = cpu_to_le32(QBD_MAGIC),
		.version = cpu_to_le16(QBD_VERSION),
		.qid = cpu_to_le16(q->qid),
		.depth = cpu_to_le16(q->depth),
		.inline_size = cpu_to_le32(q->qid ? QBD_INLINE_WANTED : 0),
		.session = cpu_to_le64(q->qid ? qd->session : 0),
	};
	struct rdma_conn_param param = {
		.private_data = &req,
		.private_data_len = sizeof(req),
		/* The target reads large writes from us with RDMA READ. */
		.responder_resources = min_t(int, U8_MAX,
					     q->cm_id->device->attrs.max_qp_rd_atom),
		.initiator_depth = 0,
		.flow_control = 1,
		.retry_count = 7,
		.rnr_retry_count = 7,
	};
	int ret;

	ret = rdma_connect_locked(q->cm_id, &param);
	if (ret)
		q->cm_why = "rdma_connect failed";
	return ret;
}

static int qbd_established(struct qbd_queue *q, struct rdma_cm_event *ev)
{
	struct qbd_cm_req req = {
		.version = cpu_to_le16(QBD_VERSION),
		.qid = cpu_to_le16(q->qid),
		.depth = cpu_to_le16(q->depth),
		.inline_size = cpu_to_le32(q->qid ? QBD_INLINE_WANTED : 0),
	};
	int ret;

	ret = qbd_check_rep(&req, ev->param.conn.private_data,
			    ev->param.conn.private_data_len, &q->rep,
			    &q->cm_why);
	if (ret)
		return ret;
	if (q->qid && le16_to_cpu(q->rep.depth) != q->depth) {
		q->cm_why = "target granted less depth than it opened with";
		return -EPROTO;
	}
	q->inline_size = le32_to_cpu(q->rep.inline_size);
	return 0;
}

static int qbd_cm_handler(struct rdma_cm_id *cm_id, struct rdma_cm_event *ev)
{
	struct qbd_queue *q = cm_id->context;
	int err = 0;

	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
		err = qbd_port_active(q);
		if (!err)
			err = qbd_queue_create_res(q);
		if (!err) {
			err = rdma_resolve_route(cm_id, QBD_CM_TIMEOUT_MS);
			if (err)
				q->cm_why = "cannot resolve a route to the target";
		}
		break;
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		err = qbd_route_resolved(q);
		break;
	case RDMA_CM_EVENT_ESTABLISHED:
		q->cm_error = qbd_established(q, ev);
		complete(&q->cm_done);
		return 0;
	case RDMA_CM_EVENT_REJECTED: {
		const void *data;
		u8 len = 0;

		data = rdma_consumer_reject_data(cm_id, ev, &len);
		err = qbd_rej_errno(data, data ? len : 0, &q->cm_why);
		break;
	}
	case RDMA_CM_EVENT_ADDR_ERROR:
		q->cm_why = "cannot resolve the target's address to an RDMA device";
		err = -EHOSTUNREACH;
		break;
	case RDMA_CM_EVENT_ROUTE_ERROR:
		q->cm_why = "no route to the target";
		err = -EHOSTUNREACH;
		break;
	case RDMA_CM_EVENT_UNREACHABLE:
		q->cm_why = "target unreachable";
		err = -EHOSTUNREACH;
		break;
	case RDMA_CM_EVENT_CONNECT_ERROR:
		q->cm_why = "connection failed";
		err = -ECONNRESET;
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
	case RDMA_CM_EVENT_ADDR_CHANGE:
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
		qbd_error_recovery(q->qd, "connection closed");
		break;
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		/*
		 * The ib_client removes what is live; a queue still being
		 * set up fails its connect, which frees the cm_id the CM
		 * is waiting for.
		 */
		q->cm_why = "RDMA device removed";
		err = -ENODEV;
		qbd_error_recovery(q->qd, "RDMA device removed");
		break;
	default:
		qbd_error_recovery(q->qd, "unexpected CM event");
		break;
	}
	if (err) {
		q->cm_error = err;
		complete(&q->cm_done);
	}
	/* Never nonzero: we destroy our cm_ids ourselves. */
	return 0;
}

static int qbd_queue_connect(struct qbd_dev *qd, int qid, u16 depth,
			     const char **why)
{
	struct qbd_queue *q = &qd->queues[qid];
	int ret, i;

	memset(q, 0, sizeof(*q));
	q->qd = qd;
	q->qid = qid;
	q->depth = depth;
	init_completion(&q->cm_done);
	q->cm_error = -ETIMEDOUT;
	q->cm_why = "connection timed out";
	q->cm_id = rdma_create_id(&init_net, qbd_cm_handler, q, RDMA_PS_TCP,
				  IB_QPT_RC);
	if (IS_ERR(q->cm_id)) {
		ret = PTR_ERR(q->cm_id);
		q->cm_id = NULL;
		*why = "cannot create an RDMA CM id";
		return ret;
	}
	ret = rdma_resolve_addr(q->cm_id, NULL, (struct sockaddr *)&qd->p.addr,
				QBD_CM_TIMEOUT_MS);
	if (ret) {
		*why = "cannot resolve the target's address";
		return ret;
	}
	if (!wait_for_completion_timeout(&q->cm_done, QBD_CONNECT_TIMEOUT)) {
		*why = "connection timed out";
		return -ETIMEDOUT;
	}
	if (q->cm_error) {
		*why = q->cm_why;
		return q->cm_error;
	}
	for (i = 0; i < q->nr_rbufs; i++) {
		ret = qbd_post_recv(q, &q->rbufs[i]);
		if (ret) {
			*why = "cannot post receive buffers";
			return ret;
		}
	}
	set_bit(QBD_Q_LIVE, &q->live);
	return 0;
}

/* Stops a queue's traffic: after it no completion of it runs. */
static void qbd_queue_stop(struct qbd_queue *q)
{
	clear_bit(QBD_Q_LIVE, &q->live);
	if (!q->cm_id)
		return;
	rdma_disconnect(q->cm_id);
	if (q->qp)
		ib_drain_qp(q->qp);
}

/*
 * The cm_id goes first: rdma_destroy_id() waits for a handler still
 * running (a connect that timed out may be creating resources in it) and
 * stops further ones; what the handler created is freed after.
 */
static void qbd_queue_free(struct qbd_queue *q)
{
	if (!q->qd)
		return;
	if (q->cm_id) {
		rdma_destroy_id(q->cm_id);
		q->cm_id = NULL;
	}
	qbd_queue_free_res(q);
	q->qd = NULL;
}

/* The admin channel. */

static void qbd_admin_send_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct qbd_dev *qd = container_of(wc->wr_cqe, struct qbd_dev,
					  admin_send_cqe);
	bool done;

	if (unlikely(wc->status != IB_WC_SUCCESS)) {
		qbd_wr_error(&qd->queues[0], wc, "admin SEND");
		return;
	}
	spin_lock(&qd->admin_slock);
	qd->admin_send_done = true;
	done = qd->admin_rsp_done;
	spin_unlock(&qd->admin_slock);
	if (done)
		complete(&qd->admin_done);
}

static void qbd_admin_recv(struct qbd_queue *q, struct qbd_rbuf *rb, u32 len)
{
	struct qbd_dev *qd = q->qd;
	struct qbd_rsp *rsp = rb->buf;
	bool done, ok = true;
	u16 status;

	if (len < sizeof(*rsp)) {
		qbd_proto_error(q, "short admin response");
		return;
	}
	status = le16_to_cpu(rsp->status);
	if (le32_to_cpu(rsp->tag) == QBD_TAG_EVENT) {
		if (rsp->opcode != QBD_OP_EVENT) {
			qbd_proto_error(q, "event with a wrong opcode");
			return;
		}
		if (status == QBD_EVENT_RESIZE)
			queue_work(qbd_wq, &qd->resize_work);
		return;
	}
	spin_lock(&qd->admin_slock);
	if (qd->admin_rsp_done || le32_to_cpu(rsp->tag) != qd->admin_tag ||
	    rsp->opcode != qd->admin_op || status > QBD_S_MAX) {
		ok = false;
	} else {
		qd->admin_status = status;
		qd->admin_has_info = len >= sizeof(*rsp) + sizeof(qd->admin_info);
		if (qd->admin_has_info)
			memcpy(&qd->admin_info, rsp + 1, sizeof(qd->admin_info));
		qd->admin_rsp_done = true;
	}
	done = ok && qd->admin_send_done;
	spin_unlock(&qd->admin_slock);
	if (!ok) {
		qbd_proto_error(q, "admin response for no request");
		return;
	}
	if (done)
		complete(&qd->admin_done);
}

/*
 * Sends admin request @op with @payload and waits up to @tmo for the
 * answer. Returns the target's status (>= 0) or a negative errno; the
 * answer's qbd_info lands in qd->admin_info.
 */
static int qbd_admin_exec(struct qbd_dev *qd, u8 op, const void *payload,
			  size_t len, unsigned long tmo)
{
	struct qbd_queue *q = &qd->queues[0];
	struct qbd_req *req = q->cmds;
	struct ib_device *ibdev = qd->ibdev;
	struct ib_sge sge;
	struct ib_send_wr wr = {};
	int ret;

	mutex_lock(&qd->admin_lock);
	if (!test_bit(QBD_Q_LIVE, &q->live)) {
		ret = -ENOTCONN;
		goto out;
	}
	ib_dma_sync_single_for_cpu(ibdev, q->cmds_dma, q->cmds_size,
				   DMA_TO_DEVICE);
	memset(req, 0, sizeof(*req));
	spin_lock_irq(&qd->admin_slock);
	qd->admin_tag++;
	if (qd->admin_tag == QBD_TAG_EVENT)
		qd->admin_tag = 0;
	qd->admin_op = op;
	qd->admin_send_done = false;
	qd->admin_rsp_done = false;
	qd->admin_has_info = false;
	reinit_completion(&qd->admin_done);
	/* An abort before the reinit would be lost: look once more. */
	if (qd->admin_aborted) {
		spin_unlock_irq(&qd->admin_slock);
		ret = -ENOTCONN;
		goto out;
	}
	spin_unlock_irq(&qd->admin_slock);
	req->opcode = op;
	req->tag = cpu_to_le32(qd->admin_tag);
	if (len)
		memcpy(req + 1, payload, len);
	ib_dma_sync_single_for_device(ibdev, q->cmds_dma, q->cmds_size,
				      DMA_TO_DEVICE);

	sge.addr = q->cmds_dma;
	sge.length = sizeof(*req) + len;
	sge.lkey = qd->pd->local_dma_lkey;
	qd->admin_send_cqe.done = qbd_admin_send_done;
	wr.wr_cqe = &qd->admin_send_cqe;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IB_WR_SEND;
	wr.send_flags = IB_SEND_SIGNALED;
	ret = ib_post_send(q->qp, &wr, NULL);
	if (ret)
		goto out;
	if (!wait_for_completion_timeout(&qd->admin_done, tmo)) {
		ret = -ETIMEDOUT;
		goto out;
	}
	ret = qd->admin_aborted ? -ENOTCONN : qd->admin_status;
out:
	mutex_unlock(&qd->admin_lock);
	return ret;
}

/* Makes a waiting admin request return; the queue is going away. */
static void qbd_admin_abort(struct qbd_dev *qd)
{
	spin_lock_irq(&qd->admin_slock);
	qd->admin_aborted = true;
	spin_unlock_irq(&qd->admin_slock);
	complete(&qd->admin_done);
}

int qbd_admin_keepalive(struct qbd_dev *qd)
{
	int ret;

	ret = qbd_admin_exec(qd, QBD_OP_KEEPALIVE, NULL, 0,
			     qd->p.keepalive * HZ);
	if (ret > 0)
		return qbd_status_to_errno(ret);
	if (ret)
		return ret;
	if (!qd->admin_has_info)
		return -EPROTO;
	return 0;
}

/*
 * The deepest I/O queue the RDMA device can hold: a request may take three
 * send work requests (REG_MR, SEND, LOCAL_INV) and four completions.
 */
static u16 qbd_device_depth(struct qbd_dev *qd, u32 wanted)
{
	const struct ib_device_attr *a = &qd->ibdev->attrs;
	u32 depth = min_t(u32, wanted, (a->max_qp_wr - 1) / 3);

	return max_t(u32, 1, min_t(u32, depth, (a->max_cqe - 2) / 4));
}

static int qbd_open(struct qbd_dev *qd, const char **why)
{
	struct qbd_open *open;
	u16 queues, depth;
	int ret;

	open = kzalloc(sizeof(*open), GFP_KERNEL);
	if (!open)
		return -ENOMEM;
	strscpy_pad(open->host, qd->p.host);
	strscpy_pad(open->volume, qd->p.volume);
	open->flags = cpu_to_le32(qd->p.read_only ? QBD_OPEN_READ_ONLY : 0);
	queues = qd->tag_set_ready ? qd->tag_set.nr_hw_queues : qd->p.queues;
	depth = qd->tag_set_ready ? qd->tag_set.queue_depth :
				    qbd_device_depth(qd, qd->p.depth);
	open->queues = cpu_to_le16(queues);
	open->depth = cpu_to_le16(depth);
	ret = qbd_open_mac(&qd->p, qd->queues[0].rep.nonce, open, open->mac);
	if (ret) {
		*why = "cannot compute the MAC (hmac(sha256) missing?)";
		goto out;
	}
	ret = qbd_admin_exec(qd, QBD_OP_OPEN, open, sizeof(*open),
			     QBD_CONNECT_TIMEOUT);
	if (ret < 0) {
		*why = ret == -ETIMEDOUT ? "target did not answer the open" :
					   "open failed";
		goto out;
	}
	if (ret > 0) {
		switch (ret) {
		case QBD_S_NO_VOLUME:
			*why = "target has no such volume";
			break;
		case QBD_S_ACCESS:
			*why = "target refused access (host not allowed, or wrong secret)";
			break;
		case QBD_S_READ_ONLY:
			*why = "volume is read-only";
			break;
		default:
			*why = "target refused the open";
			break;
		}
		ret = qbd_status_to_errno(ret);
		goto out;
	}
	if (!qd->admin_has_info) {
		*why = "open answered without the volume's description";
		ret = -EPROTO;
		goto out;
	}
	ret = qbd_check_info(&qd->admin_info, why);
	if (ret)
		goto out;
	if (le16_to_cpu(qd->admin_info.queues) > queues ||
	    le16_to_cpu(qd->admin_info.depth) > depth) {
		*why = "target granted more queues or depth than we asked for";
		ret = -EPROTO;
		goto out;
	}
	if (qd->tag_set_ready &&
	    (le16_to_cpu(qd->admin_info.queues) < queues ||
	     le16_to_cpu(qd->admin_info.depth) < depth)) {
		*why = "target now grants fewer queues or less depth than before";
		ret = -EPROTO;
		goto out;
	}
	if (qd->tag_set_ready) {
		const struct qbd_info *was = &qd->limits, *now = &qd->admin_info;
		u32 keep = QBD_CAP_FLUSH | QBD_CAP_FUA | QBD_CAP_DISCARD |
			   QBD_CAP_WRITE_ZEROES;

		/* The disk's limits were set from the first open. */
		if (now->block_size != was->block_size ||
		    ((le32_to_cpu(now->caps) ^ le32_to_cpu(was->caps)) & keep) ||
		    le32_to_cpu(now->max_discard) < le32_to_cpu(was->max_discard)) {
			*why = "volume's block size, cache or discard changed";
			ret = -EPROTO;
			goto out;
		}
	}
	qd->info = qd->admin_info;
	qd->session = le64_to_cpu(qd->info.session);
out:
	kfree(open);
	return ret;
}

int qbd_assoc_connect(struct qbd_dev *qd, const char **why)
{
	u16 depth;
	u32 i;
	int ret;

	spin_lock_irq(&qd->admin_slock);
	qd->admin_aborted = false;
	spin_unlock_irq(&qd->admin_slock);
	qd->nr_io = 0;
	ret = qbd_queue_connect(qd, 0, QBD_ADMIN_DEPTH, why);
	if (ret)
		return ret;
	ret = qbd_open(qd, why);
	if (ret)
		return ret;
	qd->nr_io = le16_to_cpu(qd->info.queues);
	depth = le16_to_cpu(qd->info.depth);
	for (i = 1; i <= qd->nr_io; i++) {
		ret = qbd_queue_connect(qd, i, depth, why);
		if (ret) {
			qd->nr_io = i;	/* what to free */
			return ret;
		}
	}
	qd->max_io = min3(le32_to_cpu(qd->info.max_io),
			  le32_to_cpu(qd->queues[1].rep.max_io),
			  (u32)qbd_pages_per_mr(qd) * SZ_4K);
	if (qd->max_io < PAGE_SIZE) {
		*why = "target's largest request is smaller than a page";
		return -EPROTO;
	}
	if (qd->tag_set_ready && qd->max_io < qd->limits_max_io) {
		*why = "largest request is now smaller than the disk's limit";
		return -EPROTO;
	}
	return 0;
}

/* Stops every queue of the association; no completion runs after. */
void qbd_assoc_stop(struct qbd_dev *qd)
{
	u32 i;

	qbd_admin_abort(qd);
	for (i = 0; i <= qd->nr_io; i++)
		if (qd->queues[i].qd)
			qbd_queue_stop(&qd->queues[i]);
}

void qbd_assoc_free(struct qbd_dev *qd)
{
	int i;

	for (i = qd->nr_io; i >= 0; i--)
		qbd_queue_free(&qd->queues[i]);
	qd->nr_io = 0;
	if (qd->pd) {
		ib_dealloc_pd(qd->pd);
		qd->pd = NULL;
	}
	qd->ibdev = NULL;
}

/* The I/O path. */

static void qbd_unmap_data(struct qbd_rq *pdu, struct request *rq)
{
	struct qbd_queue *q = pdu->q;

	if (pdu->mr) {
		ib_mr_pool_put(q->qp, &q->qp->rdma_mrs, pdu->mr);
		pdu->mr = NULL;
	}
	if (pdu->nents) {
		ib_dma_unmap_sg(q->qd->ibdev, pdu->sgt.sgl, pdu->sgt.nents,
				rq_dma_dir(rq));
		pdu->nents = 0;
	}
	if (pdu->sgt.nents) {
		sg_free_table_chained(&pdu->sgt, QBD_INLINE_SG_CNT);
		pdu->sgt.nents = 0;
	}
}

static void qbd_end_request(struct qbd_rq *pdu)
{
	if (refcount_dec_and_test(&pdu->ref))
		blk_mq_complete_request(blk_mq_rq_from_pdu(pdu));
}

static void qbd_send_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct qbd_rq *pdu = container_of(wc->wr_cqe, struct qbd_rq, send_cqe);

	if (unlikely(wc->status != IB_WC_SUCCESS)) {
		qbd_wr_error(pdu->q, wc, "SEND");
		return;
	}
	qbd_end_request(pdu);
}

static void qbd_reg_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct qbd_rq *pdu = container_of(wc->wr_cqe, struct qbd_rq, reg_cqe);

	if (unlikely(wc->status != IB_WC_SUCCESS))
		qbd_wr_error(pdu->q, wc, "REG_MR");
}

static void qbd_inv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct qbd_rq *pdu = container_of(wc->wr_cqe, struct qbd_rq, reg_cqe);

	if (unlikely(wc->status != IB_WC_SUCCESS)) {
		qbd_wr_error(pdu->q, wc, "LOCAL_INV");
		return;
	}
	qbd_end_request(pdu);
}

static void qbd_io_recv(struct qbd_queue *q, struct qbd_rbuf *rb,
			struct ib_wc *wc)
{
	struct qbd_dev *qd = q->qd;
	struct qbd_rsp *rsp = rb->buf;
	struct request *rq;
	struct qbd_rq *pdu;
	const char *why;
	u32 tag;

	if (!qd->tag_set_ready) {
		qbd_proto_error(q, "response before any request");
		return;
	}
	if (wc->byte_len < sizeof(*rsp)) {
		qbd_proto_error(q, "short response");
		return;
	}
	tag = le32_to_cpu(rsp->tag);
	if ((tag & 0xffff) >= q->depth) {
		qbd_proto_error(q, "response with a tag out of range");
		return;
	}
	rq = blk_mq_tag_to_rq(qd->tag_set.tags[q->qid - 1], tag & 0xffff);
	if (!rq) {
		qbd_proto_error(q, "response for no request");
		return;
	}
	pdu = blk_mq_rq_to_pdu(rq);
	if (pdu->q != q || pdu->gen != tag >> 16 ||
	    !test_and_clear_bit(0, &pdu->pending)) {
		qbd_proto_error(q, "response for no request in flight");
		return;
	}
	if (!qbd_check_rsp(rsp, pdu->op,
			   pdu->op == QBD_OP_READ || pdu->op == QBD_OP_WRITE ?
			   blk_rq_bytes(rq) : 0, &why)) {
		qbd_proto_error(q, why);
		return;
	}
	if (wc->wc_flags & IB_WC_WITH_INVALIDATE) {
		if (!pdu->mr || wc->ex.invalidate_rkey != pdu->mr->rkey) {
			qbd_proto_error(q, "target invalidated a key it was not given");
			return;
		}
	} else if (pdu->mr) {
		struct ib_send_wr wr = {
			.opcode = IB_WR_LOCAL_INV,
			.send_flags = IB_SEND_SIGNALED,
			.ex.invalidate_rkey = pdu->mr->rkey,
			.wr_cqe = &pdu->reg_cqe,
		};

		pdu->status = qbd_status_to_blk(le16_to_cpu(rsp->status));
		pdu->reg_cqe.done = qbd_inv_done;
		/* Not on a queue being drained: its teardown requeues this. */
		if (!test_bit(QBD_Q_LIVE, &q->live))
			return;
		if (ib_post_send(q->qp, &wr, NULL))
			qbd_error_recovery(qd, "cannot post LOCAL_INV");
		return;
	}
	pdu->status = qbd_status_to_blk(le16_to_cpu(rsp->status));
	qbd_end_request(pdu);
}

static int qbd_map_data(struct qbd_queue *q, struct request *rq,
			struct qbd_rq *pdu, struct qbd_req *c)
{
	struct ib_device *ibdev = q->qd->ibdev;
	int nsegs = blk_rq_nr_phys_segments(rq), count, i, ret;
	struct scatterlist *sg;

	pdu->sgt.sgl = pdu->sgl;
	ret = sg_alloc_table_chained(&pdu->sgt, nsegs, pdu->sgl,
				     QBD_INLINE_SG_CNT);
	if (ret)
		return -ENOMEM;
	pdu->sgt.nents = blk_rq_map_sg(rq->q, rq, pdu->sgt.sgl);
	count = ib_dma_map_sg(ibdev, pdu->sgt.sgl, pdu->sgt.nents,
			      rq_dma_dir(rq));
	if (unlikely(count <= 0))
		return -EIO;
	pdu->nents = count;

	if (rq_data_dir(rq) == WRITE && blk_rq_bytes(rq) <= q->inline_size &&
	    count <= q->max_inline_sge) {
		for_each_sg(pdu->sgt.sgl, sg, count, i) {
			pdu->sge[1 + i].addr = sg_dma_address(sg);
			pdu->sge[1 + i].length = sg_dma_len(sg);
			pdu->sge[1 + i].lkey = q->qd->pd->local_dma_lkey;
		}
		return 1 + count;
	}

	pdu->mr = ib_mr_pool_get(q->qp, &q->qp->rdma_mrs);
	if (!pdu->mr)
		return -EAGAIN;
	ret = ib_map_mr_sg(pdu->mr, pdu->sgt.sgl, count, NULL, SZ_4K);
	if (unlikely(ret < count))
		return ret < 0 ? ret : -EINVAL;
	ib_update_fast_reg_key(pdu->mr, ib_inc_rkey(pdu->mr->rkey));
	pdu->reg_cqe.done = qbd_reg_done;
	memset(&pdu->reg_wr, 0, sizeof(pdu->reg_wr));
	pdu->reg_wr.wr.opcode = IB_WR_REG_MR;
	pdu->reg_wr.wr.wr_cqe = &pdu->reg_cqe;
	pdu->reg_wr.mr = pdu->mr;
	pdu->reg_wr.key = pdu->mr->rkey;
	pdu->reg_wr.access = IB_ACCESS_LOCAL_WRITE |
			     (rq_data_dir(rq) == WRITE ? IB_ACCESS_REMOTE_READ :
							 IB_ACCESS_REMOTE_WRITE);
	c->addr = cpu_to_le64(pdu->mr->iova);
	c->rkey = cpu_to_le32(pdu->mr->rkey);
	return 1;
}

static u8 qbd_opcode(struct request *rq)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return QBD_OP_READ;
	case REQ_OP_WRITE:
		return QBD_OP_WRITE;
	case REQ_OP_FLUSH:
		return QBD_OP_FLUSH;
	case REQ_OP_DISCARD:
		return QBD_OP_DISCARD;
	case REQ_OP_WRITE_ZEROES:
		return QBD_OP_WRITE_ZEROES;
	default:
		return 0;
	}
}

static blk_status_t qbd_queue_rq(struct blk_mq_hw_ctx *hctx,
				 const struct blk_mq_queue_data *bd)
{
	struct qbd_queue *q = hctx->driver_data;
	struct qbd_dev *qd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct qbd_rq *pdu = blk_mq_rq_to_pdu(rq);
	struct ib_send_wr wr = {}, *first = &wr;
	struct ib_device *ibdev;
	struct qbd_req *c;
	u8 op = qbd_opcode(rq);
	int nsge = 1, ret;

	if (!op)
		return BLK_STS_NOTSUPP;
	if (!test_bit(QBD_Q_LIVE, &q->live)) {
		int state = qbd_dev_state(qd);

		if (state == QBD_ST_FAILED || state == QBD_ST_DELETING)
			return BLK_STS_IOERR;
		return BLK_STS_RESOURCE;
	}
	if (op != QBD_OP_READ && op != QBD_OP_FLUSH &&
	    (le32_to_cpu(qd->info.caps) & QBD_CAP_READ_ONLY))
		return BLK_STS_IOERR;

	ibdev = qd->ibdev;
	blk_mq_start_request(rq);
	pdu->q = q;
	pdu->op = op;
	pdu->mr = NULL;
	pdu->nents = 0;
	pdu->sgt.nents = 0;
	pdu->requeue = false;
	pdu->status = BLK_STS_OK;
	pdu->start_ns = ktime_get_ns();
	pdu->gen++;

	c = (struct qbd_req *)q->cmds + rq->tag;
	ib_dma_sync_single_for_cpu(ibdev, q->cmds_dma + rq->tag * sizeof(*c),
				   sizeof(*c), DMA_TO_DEVICE);
	memset(c, 0, sizeof(*c));
	c->opcode = op;
	c->flags = rq->cmd_flags & REQ_FUA ? QBD_REQ_FUA : 0;
	c->tag = cpu_to_le32(qbd_tag(pdu->gen, rq->tag));
	if (op != QBD_OP_FLUSH) {
		c->offset = cpu_to_le64((u64)blk_rq_pos(rq) << SECTOR_SHIFT);
		c->length = cpu_to_le32(blk_rq_bytes(rq));
	}
	if ((op == QBD_OP_READ || op == QBD_OP_WRITE) &&
	    blk_rq_nr_phys_segments(rq)) {
		nsge = qbd_map_data(q, rq, pdu, c);
		if (nsge < 0) {
			ret = nsge;
			goto err;
		}
	}
	ib_dma_sync_single_for_device(ibdev, q->cmds_dma + rq->tag * sizeof(*c),
				      sizeof(*c), DMA_TO_DEVICE);

	pdu->sge[0].addr = q->cmds_dma + rq->tag * sizeof(*c);
	pdu->sge[0].length = sizeof(*c);
	pdu->sge[0].lkey = qd->pd->local_dma_lkey;
	pdu->send_cqe.done = qbd_send_done;
	wr.wr_cqe = &pdu->send_cqe;
	wr.sg_list = pdu->sge;
	wr.num_sge = nsge;
	wr.opcode = IB_WR_SEND;
	wr.send_flags = IB_SEND_SIGNALED;
	if (pdu->mr) {
		pdu->reg_wr.wr.next = &wr;
		first = &pdu->reg_wr.wr;
	}

	refcount_set(&pdu->ref, 2);
	set_bit(0, &pdu->pending);
	atomic_inc(&qd->inflight);
	ret = ib_post_send(q->qp, first, NULL);
	if (unlikely(ret)) {
		/* The queue pair is broken: retry once reconnected. */
		clear_bit(0, &pdu->pending);
		atomic_dec(&qd->inflight);
		qbd_error_recovery(qd, "cannot post a request");
		ret = -EAGAIN;
		goto err;
	}
	return BLK_STS_OK;
err:
	qbd_unmap_data(pdu, rq);
	if (ret == -ENOMEM || ret == -EAGAIN)
		return BLK_STS_RESOURCE;
	return BLK_STS_IOERR;
}

static void qbd_complete_rq(struct request *rq)
{
	struct qbd_rq *pdu = blk_mq_rq_to_pdu(rq);
	struct qbd_dev *qd = rq->q->queuedata;
	struct qbd_op_stats *st = &qd->stats[pdu->op];

	qbd_unmap_data(pdu, rq);
	atomic_dec(&qd->inflight);
	if (pdu->requeue) {
		blk_mq_requeue_request(rq, false);
		return;
	}
	atomic64_inc(&st->ios);
	atomic64_add(blk_rq_bytes(rq), &st->bytes);
	if (pdu->status)
		atomic64_inc(&st->errors);
	atomic64_inc(&st->lat[qbd_lat_bucket(ktime_get_ns() - pdu->start_ns)]);
	blk_mq_end_request(rq, pdu->status);
}

static enum blk_eh_timer_return qbd_timeout(struct request *rq)
{
	struct qbd_dev *qd = rq->q->queuedata;

	if (qbd_dev_state(qd) == QBD_ST_LIVE)
		qbd_error_recovery(qd, "request timed out");
	return BLK_EH_RESET_TIMER;
}

static int qbd_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			 unsigned int hctx_idx)
{
	struct qbd_dev *qd = data;

	hctx->driver_data = &qd->queues[hctx_idx + 1];
	return 0;
}

static int qbd_init_request(struct blk_mq_tag_set *set, struct request *rq,
			    unsigned int hctx_idx, unsigned int numa_node)
{
	struct qbd_dev *qd = set->driver_data;
	struct qbd_rq *pdu = blk_mq_rq_to_pdu(rq);

	pdu->q = &qd->queues[hctx_idx + 1];
	return 0;
}

const struct blk_mq_ops qbd_mq_ops = {
	.queue_rq = qbd_queue_rq,
	.complete = qbd_complete_rq,
	.timeout = qbd_timeout,
	.init_hctx = qbd_init_hctx,
	.init_request = qbd_init_request,
};
