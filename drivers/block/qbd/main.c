// SPDX-License-Identifier: GPL-2.0
/*
 * qbd: a block device over RDMA to a remote storage pool.
 *
 * qbdctl connects a volume of a qbd-target through the "qbd" generic
 * netlink family; the module then keeps /dev/qbdN connected across
 * target restarts and link flaps (dev.c), speaking the protocol of
 * uapi/vmhost/qbd.h over rdma_cm queue pairs (queue.c).
 * Documentation/qbd.rst describes the design.
 */
#include <linux/module.h>
#include "qbd.h"

struct workqueue_struct *qbd_wq;
int qbd_major;

static int qbd_ib_add(struct ib_device *ibdev)
{
	return 0;
}

static void qbd_ib_remove(struct ib_device *ibdev, void *client_data)
{
	qbd_dev_ib_remove(ibdev);
}

static struct ib_client qbd_ib_client = {
	.name = "qbd",
	.add = qbd_ib_add,
	.remove = qbd_ib_remove,
};

static int __init qbd_init(void)
{
	int ret;

	qbd_wq = alloc_workqueue("qbd", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!qbd_wq)
		return -ENOMEM;
	qbd_major = register_blkdev(0, "qbd");
	if (qbd_major < 0) {
		ret = qbd_major;
		goto err_wq;
	}
	ret = ib_register_client(&qbd_ib_client);
	if (ret)
		goto err_blkdev;
	ret = qbd_nl_init();
	if (ret)
		goto err_client;
	return 0;

err_client:
	ib_unregister_client(&qbd_ib_client);
err_blkdev:
	unregister_blkdev(qbd_major, "qbd");
err_wq:
	destroy_workqueue(qbd_wq);
	return ret;
}

static void __exit qbd_exit(void)
{
	qbd_nl_exit();
	qbd_dev_remove_all();
	ib_unregister_client(&qbd_ib_client);
	unregister_blkdev(qbd_major, "qbd");
	destroy_workqueue(qbd_wq);
}

module_init(qbd_init);
module_exit(qbd_exit);
MODULE_DESCRIPTION("qbd: block device over RDMA to a remote storage pool");
MODULE_LICENSE("GPL");
