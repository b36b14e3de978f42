// SPDX-License-Identifier: GPL-2.0
/*
 * qbd: devices and their recovery.
 *
 * A device is live while its association with the target is. Any queue
 * pair error, CM event, protocol error, request timeout or missed
 * keep-alive moves it to reconnecting: the disk's queue is quiesced, every
 * queue pair drained, every request in flight put back on the requeue
 * list, and the association freed. It then reconnects with a back-off
 * (0.1 s doubling to 5 s) and, once back, resumes the queue, which sends
 * the held requests again. Only when the loss timeout passes does it
 * fail: held and new requests complete with an I/O error until the device
 * is disconnected.
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "qbd.h"

#define QBD_MINORS	16

LIST_HEAD(qbd_devs);
/* Guards qbd_devs, not the devices on it. */
DEFINE_MUTEX(qbd_devs_lock);
static DEFINE_IDA(qbd_ida);

int qbd_dev_state(struct qbd_dev *qd)
{
	return READ_ONCE(qd->state);
}

static bool qbd_change_state(struct qbd_dev *qd, int from, int to)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&qd->state_lock, flags);
	ok = qd->state == from;
	if (ok)
		WRITE_ONCE(qd->state, to);
	spin_unlock_irqrestore(&qd->state_lock, flags);
	return ok;
}

const char *qbd_name(struct qbd_dev *qd)
{
	return qd->disk ? qd->disk->disk_name : qd->p.volume;
}

static void qbd_set_state(struct qbd_dev *qd, int to)
{
	unsigned long flags;

	spin_lock_irqsave(&qd->state_lock, flags);
	WRITE_ONCE(qd->state, to);
	spin_unlock_irqrestore(&qd->state_lock, flags);
}

/* Starts an attempt to (re)connect: no error of it seen yet. */
static void qbd_attempt_start(struct qbd_dev *qd)
{
	spin_lock_irq(&qd->state_lock);
	qd->assoc_error = false;
	spin_unlock_irq(&qd->state_lock);
}

/* Live, unless an error hit the association while it was being built. */
static bool qbd_go_live(struct qbd_dev *qd, int from)
{
	bool ok;

	spin_lock_irq(&qd->state_lock);
	ok = qd->state == from && !qd->assoc_error;
	if (ok)
		WRITE_ONCE(qd->state, QBD_ST_LIVE);
	spin_unlock_irq(&qd->state_lock);
	return ok;
}

/*
 * Ends a live association: recovery requeues its I/O and reconnects.
 * Otherwise, with @fail_attempt, fails the attempt under way. Return: true
 * when the association was live.
 */
static bool qbd_recover(struct qbd_dev *qd, const char *why, bool fail_attempt)
{
	unsigned long flags;
	bool lost;

	spin_lock_irqsave(&qd->state_lock, flags);
	lost = qd->state == QBD_ST_LIVE;
	if (lost)
		WRITE_ONCE(qd->state, QBD_ST_RECONNECTING);
	else if (fail_attempt)
		qd->assoc_error = true;
	spin_unlock_irqrestore(&qd->state_lock, flags);
	if (!lost)
		return false;
	pr_warn("qbd: %s: connection to %s ended (%s); holding I/O for up to %u s\n",
		qbd_name(qd), qd->p.addr_str, why, qd->p.loss_tmo);
	qd->lost_at = jiffies;
	queue_work(qbd_wq, &qd->err_work);
	return true;
}

void qbd_error_recovery(struct qbd_dev *qd, const char *why)
{
	qbd_recover(qd, why, true);
}

static bool qbd_cancel_rq(struct request *rq, void *data)
{
	struct qbd_rq *pdu = blk_mq_rq_to_pdu(rq);
	bool requeue = *(bool *)data;

	if (blk_mq_request_completed(rq))
		return true;
	clear_bit(0, &pdu->pending);
	pdu->requeue = requeue;
	pdu->status = BLK_STS_IOERR;
	blk_mq_complete_request(rq);
	return true;
}

/* Ends the association; requests in flight are requeued or failed. */
static void qbd_teardown(struct qbd_dev *qd, bool requeue)
{
	if (qd->disk && !qd->quiesced) {
		blk_mq_quiesce_queue(qd->disk->queue);
		qd->quiesced = true;
	}
	qbd_assoc_stop(qd);
	cancel_delayed_work_sync(&qd->ka_work);
	if (qd->tag_set_ready) {
		blk_mq_tagset_busy_iter(&qd->tag_set, qbd_cancel_rq, &requeue);
		blk_mq_tagset_wait_completed_request(&qd->tag_set);
	}
	qbd_assoc_free(qd);
}

static void qbd_resume(struct qbd_dev *qd)
{
	if (!qd->disk)
		return;
	if (qd->quiesced) {
		blk_mq_unquiesce_queue(qd->disk->queue);
		qd->quiesced = false;
	}
	blk_mq_kick_requeue_list(qd->disk->queue);
}

static void qbd_err_work(struct work_struct *w)
{
	struct qbd_dev *qd = container_of(w, struct qbd_dev, err_work);

	/*
	 * A reconnect that just went live may still be resuming the queue:
	 * let it finish, so that recovery and reconnect never overlap.
	 */
	cancel_delayed_work_sync(&qd->reconnect_work);
	qbd_teardown(qd, true);
	atomic64_inc(&qd->resets);
	qd->backoff = QBD_RECONNECT_MIN;
	if (qbd_dev_state(qd) == QBD_ST_RECONNECTING)
		queue_delayed_work(qbd_wq, &qd->reconnect_work, 0);
}

/* Takes what the target now says about the volume. */
static void qbd_update_info(struct qbd_dev *qd, const struct qbd_info *info)
{
	u64 bytes = le64_to_cpu(info->capacity);

	if (!qd->disk)
		return;
	if (bytes >> SECTOR_SHIFT != get_capacity(qd->disk)) {
		pr_info("qbd: %s: capacity %llu -> %llu bytes\n", qbd_name(qd),
			(u64)get_capacity(qd->disk) << SECTOR_SHIFT, bytes);
		set_capacity_and_notify(qd->disk, bytes >> SECTOR_SHIFT);
	}
	set_disk_ro(qd->disk, qd->p.read_only ||
		    (le32_to_cpu(info->caps) & QBD_CAP_READ_ONLY));
}

static void qbd_reconnect_work(struct work_struct *w)
{
	struct qbd_dev *qd = container_of(to_delayed_work(w), struct qbd_dev,
					  reconnect_work);
	unsigned long deadline = qd->lost_at + qd->p.loss_tmo * HZ;
	const char *why = "";
	int ret;

	if (qbd_dev_state(qd) != QBD_ST_RECONNECTING)
		return;
	if (time_after_eq(jiffies, deadline)) {
		if (!qbd_change_state(qd, QBD_ST_RECONNECTING, QBD_ST_FAILED))
			return;
		pr_err("qbd: %s: no connection to %s for %u s: failing I/O\n",
		       qbd_name(qd), qd->p.addr_str, qd->p.loss_tmo);
		qbd_resume(qd);
		return;
	}

	qbd_attempt_start(qd);
	ret = qbd_assoc_connect(qd, &why);
	if (!ret) {
		qbd_update_info(qd, &qd->info);
		if (qbd_go_live(qd, QBD_ST_RECONNECTING)) {
			atomic64_inc(&qd->reconnects);
			pr_info("qbd: %s: reconnected to %s\n", qbd_name(qd),
				qd->p.addr_str);
			qbd_resume(qd);
			queue_delayed_work(qbd_wq, &qd->ka_work,
					   qd->p.keepalive * HZ / 2);
			return;
		}
		why = "an error hit the new connection";
		ret = -ECONNRESET;
	}
	pr_info_ratelimited("qbd: %s: reconnect to %s failed: %s (%d)\n",
			    qbd_name(qd), qd->p.addr_str, why, ret);
	qbd_assoc_stop(qd);
	qbd_assoc_free(qd);
	if (qbd_dev_state(qd) != QBD_ST_RECONNECTING)
		return;
	qd->backoff = min_t(unsigned long, qd->backoff * 2, QBD_RECONNECT_MAX);
	queue_delayed_work(qbd_wq, &qd->reconnect_work,
			   min_t(unsigned long, qd->backoff,
				 deadline - jiffies + 1));
}

static void qbd_ka_work(struct work_struct *w)
{
	struct qbd_dev *qd = container_of(to_delayed_work(w), struct qbd_dev,
					  ka_work);
	const char *why = "session changed";
	int ret;

	if (qbd_dev_state(qd) != QBD_ST_LIVE)
		return;
	ret = qbd_admin_keepalive(qd);
	if (!ret && (qbd_check_info(&qd->admin_info, &why) ||
		     le64_to_cpu(qd->admin_info.session) != qd->session)) {
		atomic64_inc(&qd->proto_errors);
		pr_err_ratelimited("qbd: %s: protocol error: keep-alive answer: %s\n",
				   qbd_name(qd), why);
		ret = -EPROTO;
	}
	if (ret) {
		qbd_error_recovery(qd, ret == -ETIMEDOUT ?
				   "keep-alive not answered" :
				   "keep-alive failed");
		return;
	}
	qd->info.capacity = qd->admin_info.capacity;
	qd->info.caps = qd->admin_info.caps;
	qbd_update_info(qd, &qd->info);
	queue_delayed_work(qbd_wq, &qd->ka_work, qd->p.keepalive * HZ / 2);
}

/* The target said the volume changed: ask now, not at the next tick. */
static void qbd_resize_work(struct work_struct *w)
{
	struct qbd_dev *qd = container_of(w, struct qbd_dev, resize_work);

	if (qbd_dev_state(qd) == QBD_ST_LIVE)
		mod_delayed_work(qbd_wq, &qd->ka_work, 0);
}

static int qbd_bdev_open(struct gendisk *disk, blk_mode_t mode)
{
	struct qbd_dev *qd = disk->private_data;

	if (qbd_dev_state(qd) == QBD_ST_DELETING)
		return -ENXIO;
	return 0;
}

static const struct block_device_operations qbd_fops = {
	.owner = THIS_MODULE,
	.open = qbd_bdev_open,
};

static int qbd_add_disk(struct qbd_dev *qd)
{
	const struct qbd_info *info = &qd->info;
	u32 caps = le32_to_cpu(info->caps);
	u32 bs = le32_to_cpu(info->block_size);
	struct queue_limits lim = {
		.logical_block_size = bs,
		.physical_block_size = bs,
		.io_min = bs,
		.max_hw_sectors = qd->max_io >> SECTOR_SHIFT,
		.max_segments = qd->max_io / SZ_4K,
		.virt_boundary_mask = SZ_4K - 1,
	};
	int ret;

	if (caps & QBD_CAP_FLUSH)
		lim.features |= BLK_FEAT_WRITE_CACHE;
	if (caps & QBD_CAP_FUA)
		lim.features |= BLK_FEAT_FUA;
	if ((caps & QBD_CAP_DISCARD) && info->max_discard) {
		lim.max_hw_discard_sectors =
			le32_to_cpu(info->max_discard) >> SECTOR_SHIFT;
		lim.discard_granularity = bs;
	}
	if ((caps & QBD_CAP_WRITE_ZEROES) && info->max_discard)
		lim.max_write_zeroes_sectors =
			le32_to_cpu(info->max_discard) >> SECTOR_SHIFT;

	qd->tag_set.ops = &qbd_mq_ops;
	qd->tag_set.nr_hw_queues = qd->nr_io;
	qd->tag_set.queue_depth = le16_to_cpu(info->depth);
	qd->tag_set.numa_node = NUMA_NO_NODE;
	qd->tag_set.cmd_size = sizeof(struct qbd_rq);
	qd->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	qd->tag_set.timeout = 30 * HZ;
	qd->tag_set.driver_data = qd;
	ret = blk_mq_alloc_tag_set(&qd->tag_set);
	if (ret)
		return ret;
	qd->tag_set_ready = true;
	qd->limits = *info;
	qd->limits_max_io = qd->max_io;

	qd->disk = blk_mq_alloc_disk(&qd->tag_set, &lim, qd);
	if (IS_ERR(qd->disk)) {
		ret = PTR_ERR(qd->disk);
		qd->disk = NULL;
		return ret;
	}
	qd->disk->major = qbd_major;
	qd->disk->first_minor = qd->index * QBD_MINORS;
	qd->disk->minors = QBD_MINORS;
	qd->disk->fops = &qbd_fops;
	qd->disk->private_data = qd;
	snprintf(qd->disk->disk_name, DISK_NAME_LEN, "qbd%d", qd->index);
	set_capacity(qd->disk, le64_to_cpu(info->capacity) >> SECTOR_SHIFT);
	set_disk_ro(qd->disk, qd->p.read_only || (caps & QBD_CAP_READ_ONLY));
	return 0;
}

/*
 * With the state DELETING: nothing restarts the association, and no work
 * item runs or can be queued again (resize_work queues ka_work, so it is
 * disabled first).
 */
static void qbd_stop_works(struct qbd_dev *qd)
{
	disable_work_sync(&qd->resize_work);
	disable_delayed_work_sync(&qd->ka_work);
	cancel_work_sync(&qd->err_work);
	cancel_delayed_work_sync(&qd->reconnect_work);
}

static void qbd_dev_free(struct qbd_dev *qd)
{
	if (qd->disk)
		put_disk(qd->disk);
	if (qd->tag_set_ready)
		blk_mq_free_tag_set(&qd->tag_set);
	ida_free(&qbd_ida, qd->index);
	mutex_destroy(&qd->admin_lock);
	kfree(qd->queues);
	kfree_sensitive(qd);
}

struct qbd_dev *qbd_dev_create(struct qbd_params *p, const char **why)
{
	struct qbd_dev *qd;
	int ret, i;

	qd = kzalloc(sizeof(*qd), GFP_KERNEL);
	if (!qd)
		return ERR_PTR(-ENOMEM);
	qd->p = *p;
	qd->index = ida_alloc_max(&qbd_ida, MINORMASK / QBD_MINORS, GFP_KERNEL);
	if (qd->index < 0) {
		ret = qd->index;
		kfree(qd);
		*why = "out of device numbers";
		return ERR_PTR(ret);
	}
	qd->queues = kcalloc(1 + p->queues, sizeof(*qd->queues), GFP_KERNEL);
	if (!qd->queues) {
		ret = -ENOMEM;
		goto err_free;
	}
	mutex_init(&qd->admin_lock);
	init_completion(&qd->admin_done);
	spin_lock_init(&qd->admin_slock);
	spin_lock_init(&qd->state_lock);
	qd->state = QBD_ST_CONNECTING;
	INIT_WORK(&qd->err_work, qbd_err_work);
	INIT_DELAYED_WORK(&qd->reconnect_work, qbd_reconnect_work);
	INIT_DELAYED_WORK(&qd->ka_work, qbd_ka_work);
	INIT_WORK(&qd->resize_work, qbd_resize_work);
	for (i = 0; i < QBD_NR_OPS; i++)
		memset(&qd->stats[i], 0, sizeof(qd->stats[i]));

	qbd_attempt_start(qd);
	ret = qbd_assoc_connect(qd, why);
	if (ret)
		goto err_assoc;
	ret = qbd_add_disk(qd);
	if (ret) {
		*why = "cannot create the disk";
		goto err_assoc;
	}
	/* Live before add_disk: it reads the partition table. */
	if (!qbd_go_live(qd, QBD_ST_CONNECTING)) {
		*why = "an error hit the new connection";
		ret = -ECONNRESET;
		goto err_assoc;
	}
	ret = add_disk(qd->disk);
	if (ret) {
		*why = "cannot add the disk";
		goto err_assoc;
	}
	queue_delayed_work(qbd_wq, &qd->ka_work, qd->p.keepalive * HZ / 2);

	mutex_lock(&qbd_devs_lock);
	list_add_tail(&qd->node, &qbd_devs);
	mutex_unlock(&qbd_devs_lock);
	pr_info("qbd: %s: %s on %s:%u, %llu bytes, %u queues of %u\n",
		qd->disk->disk_name, qd->p.volume, qd->p.addr_str, qd->p.port,
		(u64)le64_to_cpu(qd->info.capacity), qd->nr_io,
		qd->tag_set.queue_depth);
	return qd;

err_assoc:
	qbd_set_state(qd, QBD_ST_DELETING);
	qbd_stop_works(qd);
	qbd_teardown(qd, false);
err_free:
	qbd_dev_free(qd);
	return ERR_PTR(ret);
}

static void qbd_dev_destroy(struct qbd_dev *qd)
{
	qbd_set_state(qd, QBD_ST_DELETING);
	qbd_stop_works(qd);
	qbd_teardown(qd, false);
	/* Requests held during a reconnect now fail, as do new ones. */
	qbd_resume(qd);
	del_gendisk(qd->disk);
	pr_info("qbd: %s: disconnected from %s\n", qd->disk->disk_name,
		qd->p.addr_str);
	qbd_dev_free(qd);
}

int qbd_dev_remove(int index)
{
	struct qbd_dev *qd, *found = NULL;

	mutex_lock(&qbd_devs_lock);
	list_for_each_entry(qd, &qbd_devs, node) {
		if (qd->index == index) {
			found = qd;
			list_del(&qd->node);
			break;
		}
	}
	mutex_unlock(&qbd_devs_lock);
	if (!found)
		return -ENODEV;
	qbd_dev_destroy(found);
	return 0;
}

/*
 * The operator's reset: the live association ends as if it had been lost,
 * and recovery reconnects; nothing in flight fails. -EBUSY unless live: a
 * device already recovering needs no reset, and one that failed would not
 * be helped by one.
 */
int qbd_dev_reset(int index)
{
	struct qbd_dev *qd;
	int ret = -ENODEV;

	mutex_lock(&qbd_devs_lock);
	list_for_each_entry(qd, &qbd_devs, node) {
		if (qd->index != index)
			continue;
		/* Only a live device; an attempt under way is left alone. */
		ret = qbd_recover(qd, "reset by the operator", false) ?
		      0 : -EBUSY;
		break;
	}
	mutex_unlock(&qbd_devs_lock);
	return ret;
}

void qbd_dev_remove_all(void)
{
	struct qbd_dev *qd;

	for (;;) {
		mutex_lock(&qbd_devs_lock);
		qd = list_first_entry_or_null(&qbd_devs, struct qbd_dev, node);
		if (qd)
			list_del(&qd->node);
		mutex_unlock(&qbd_devs_lock);
		if (!qd)
			return;
		qbd_dev_destroy(qd);
	}
}

/*
 * An RDMA device goes away: every association on it ends now (the
 * device's removal waits for it), and the devices reconnect over
 * whatever reaches the target afterwards.
 */
void qbd_dev_ib_remove(struct ib_device *ibdev)
{
	struct qbd_dev *qd;

	mutex_lock(&qbd_devs_lock);
	list_for_each_entry(qd, &qbd_devs, node) {
		if (READ_ONCE(qd->ibdev) != ibdev)
			continue;
		qbd_error_recovery(qd, "RDMA device removed");
		flush_work(&qd->err_work);
	}
	mutex_unlock(&qbd_devs_lock);
}
