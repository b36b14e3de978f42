// SPDX-License-Identifier: GPL-2.0
/*
 * The "qbd" generic netlink family (Documentation/netlink/specs/qbd.yaml):
 * connect, list, show, reset and disconnect devices. The policies and the
 * split ops table are generated from the spec (qbd-nl-gen.c, make nlgen);
 * this file has the handlers the generated table names.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <vmhost_nl.h>

#include "qbd.h"
#include "qbd-nl-gen.h"

/*
 * Requests come from the initial network namespace only: the target is
 * reached through the host's RDMA devices, whatever namespace asks.
 * Connecting, resetting and disconnecting need CAP_SYS_ADMIN in the
 * initial user namespace.
 */
static int qbd_nl_allowed(struct sk_buff *skb, struct netlink_ext_ack *extack,
			  bool admin)
{
	return vmhost_nl_allowed(skb, extack, "qbd", admin);
}

static int qbd_nl_fill_op(struct sk_buff *skb, struct qbd_dev *qd, int op)
{
	struct qbd_op_stats *st = &qd->stats[op];
	u64 hist[QBD_LAT_BUCKETS];
	struct nlattr *nest;
	int i;

	for (i = 0; i < QBD_LAT_BUCKETS; i++)
		hist[i] = atomic64_read(&st->lat[i]);
	nest = nla_nest_start(skb, QBD_A_DEV_OP_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, QBD_A_OP_OP, op - QBD_OP_READ + QBD_STAT_OP_READ) ||
	    nla_put_u64_64bit(skb, QBD_A_OP_IOS, atomic64_read(&st->ios),
			      QBD_A_OP_PAD) ||
	    nla_put_u64_64bit(skb, QBD_A_OP_BYTES, atomic64_read(&st->bytes),
			      QBD_A_OP_PAD) ||
	    nla_put_u64_64bit(skb, QBD_A_OP_ERRORS, atomic64_read(&st->errors),
			      QBD_A_OP_PAD) ||
	    nla_put(skb, QBD_A_OP_LAT_HIST, sizeof(hist), hist)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int qbd_nl_fill_dev(struct sk_buff *skb, struct qbd_dev *qd)
{
	const struct qbd_info *info = &qd->info;
	int op;

	if (nla_put_u32(skb, QBD_A_DEV_INDEX, qd->index) ||
	    nla_put_string(skb, QBD_A_DEV_NAME, qd->disk->disk_name) ||
	    nla_put_string(skb, QBD_A_DEV_ADDR, qd->p.addr_str) ||
	    nla_put_u16(skb, QBD_A_DEV_PORT, qd->p.port) ||
	    nla_put_string(skb, QBD_A_DEV_VOLUME, qd->p.volume) ||
	    nla_put_string(skb, QBD_A_DEV_HOST, qd->p.host) ||
	    nla_put_u32(skb, QBD_A_DEV_QUEUES, qd->tag_set.nr_hw_queues) ||
	    nla_put_u32(skb, QBD_A_DEV_DEPTH, qd->tag_set.queue_depth) ||
	    (get_disk_ro(qd->disk) &&
	     nla_put_flag(skb, QBD_A_DEV_READ_ONLY)) ||
	    nla_put_u32(skb, QBD_A_DEV_LOSS_TIMEOUT, qd->p.loss_tmo) ||
	    nla_put_u32(skb, QBD_A_DEV_KEEPALIVE, qd->p.keepalive) ||
	    nla_put_u32(skb, QBD_A_DEV_STATE, qbd_dev_state(qd)) ||
	    nla_put_u64_64bit(skb, QBD_A_DEV_CAPACITY,
			      (u64)get_capacity(qd->disk) << SECTOR_SHIFT,
			      QBD_A_DEV_PAD) ||
	    nla_put_u32(skb, QBD_A_DEV_BLOCK_SIZE,
			le32_to_cpu(info->block_size)) ||
	    nla_put_u32(skb, QBD_A_DEV_CAPS, le32_to_cpu(info->caps)) ||
	    nla_put_u32(skb, QBD_A_DEV_INLINE_SIZE,
			qd->queues[1].inline_size) ||
	    nla_put_u32(skb, QBD_A_DEV_MAX_IO, qd->max_io) ||
	    nla_put_u32(skb, QBD_A_DEV_INFLIGHT, atomic_read(&qd->inflight)) ||
	    nla_put_u64_64bit(skb, QBD_A_DEV_RECONNECTS,
			      atomic64_read(&qd->reconnects), QBD_A_DEV_PAD) ||
	    nla_put_u64_64bit(skb, QBD_A_DEV_RESETS,
			      atomic64_read(&qd->resets), QBD_A_DEV_PAD) ||
	    nla_put_u64_64bit(skb, QBD_A_DEV_PROTO_ERRORS,
			      atomic64_read(&qd->proto_errors), QBD_A_DEV_PAD))
		return -EMSGSIZE;
	for (op = QBD_OP_READ; op < QBD_NR_OPS; op++)
		if (qbd_nl_fill_op(skb, qd, op))
			return -EMSGSIZE;
	return 0;
}

int qbd_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct qbd_dev *qd, *found = NULL;
	struct sk_buff *msg;
	void *hdr;
	u32 index;
	int ret;

	ret = qbd_nl_allowed(skb, info->extack, false);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, QBD_A_DEV_INDEX))
		return -EINVAL;
	index = nla_get_u32(info->attrs[QBD_A_DEV_INDEX]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	mutex_lock(&qbd_devs_lock);
	list_for_each_entry(qd, &qbd_devs, node)
		if (qd->index == index)
			found = qd;
	ret = found ? qbd_nl_fill_dev(msg, found) : -ENODEV;
	mutex_unlock(&qbd_devs_lock);
	if (ret) {
		if (ret == -ENODEV)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[QBD_A_DEV_INDEX],
					    "qbd: no such device");
		goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return ret;
}

int qbd_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct qbd_dev *qd;
	long skip = cb->args[0], i = 0;
	int ret;

	ret = qbd_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	mutex_lock(&qbd_devs_lock);
	list_for_each_entry(qd, &qbd_devs, node) {
		void *hdr;

		if (i++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &qbd_nl_family,
				  NLM_F_MULTI, QBD_CMD_DEV_GET);
		if (!hdr)
			break;
		if (qbd_nl_fill_dev(skb, qd)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(&qbd_devs_lock);
	return skb->len;
}

static int qbd_nl_parse_connect(struct genl_info *info, struct qbd_params *p)
{
	struct nlattr **a = info->attrs;
	char port[8];
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, QBD_A_DEV_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, QBD_A_DEV_VOLUME))
		return -EINVAL;
	nla_strscpy(p->addr_str, a[QBD_A_DEV_ADDR], sizeof(p->addr_str));
	p->port = a[QBD_A_DEV_PORT] ? nla_get_u16(a[QBD_A_DEV_PORT]) :
				      QBD_DEFAULT_PORT;
	snprintf(port, sizeof(port), "%u", p->port);
	ret = inet_pton_with_scope(&init_net, AF_UNSPEC, p->addr_str, port,
				   &p->addr);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[QBD_A_DEV_ADDR],
				    "qbd: not a numeric IPv4 or IPv6 address");
		return -EINVAL;
	}
	if (nla_strscpy(p->volume, a[QBD_A_DEV_VOLUME], sizeof(p->volume)) <= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[QBD_A_DEV_VOLUME],
				    "qbd: empty volume name");
		return -EINVAL;
	}
	if (a[QBD_A_DEV_HOST]) {
		if (nla_strscpy(p->host, a[QBD_A_DEV_HOST], sizeof(p->host)) <= 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[QBD_A_DEV_HOST],
					    "qbd: empty host name");
			return -EINVAL;
		}
	} else {
		strscpy(p->host, utsname()->nodename, sizeof(p->host));
	}
	if (a[QBD_A_DEV_SECRET]) {
		ret = nla_strscpy(p->secret, a[QBD_A_DEV_SECRET],
				  sizeof(p->secret));
		if (ret <= 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[QBD_A_DEV_SECRET],
					    "qbd: empty secret");
			return -EINVAL;
		}
		p->secret_len = ret;
	}
	p->queues = a[QBD_A_DEV_QUEUES] ? nla_get_u32(a[QBD_A_DEV_QUEUES]) :
					  num_online_cpus();
	p->queues = min_t(u32, p->queues, QBD_MAX_QUEUES);
	p->depth = a[QBD_A_DEV_DEPTH] ? nla_get_u32(a[QBD_A_DEV_DEPTH]) :
					QBD_DEFAULT_DEPTH;
	p->loss_tmo = a[QBD_A_DEV_LOSS_TIMEOUT] ?
		      nla_get_u32(a[QBD_A_DEV_LOSS_TIMEOUT]) :
		      QBD_DEFAULT_LOSS_TMO;
	p->keepalive = a[QBD_A_DEV_KEEPALIVE] ?
		       nla_get_u32(a[QBD_A_DEV_KEEPALIVE]) :
		       QBD_DEFAULT_KEEPALIVE;
	p->read_only = nla_get_flag(a[QBD_A_DEV_READ_ONLY]);
	return 0;
}

int qbd_nl_dev_connect_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct qbd_params *p;
	struct qbd_dev *qd;
	const char *why = "connect failed";
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = qbd_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	ret = qbd_nl_parse_connect(info, p);
	if (ret)
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	qd = qbd_dev_create(p, &why);
	if (IS_ERR(qd)) {
		ret = PTR_ERR(qd);
		nlmsg_free(msg);
		/* Formatted messages stop at 80 bytes: the reason alone. */
		NL_SET_ERR_MSG_FMT(info->extack, "%s", why);
		goto out;
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr || nla_put_u32(msg, QBD_A_DEV_INDEX, qd->index) ||
	    nla_put_string(msg, QBD_A_DEV_NAME, qd->disk->disk_name)) {
		/* The device exists; the caller can find it with a dump. */
		nlmsg_free(msg);
		ret = 0;
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	kfree_sensitive(p);
	return ret;
}

/* A change to the device named by the request's index. */
static int qbd_nl_index_op(struct sk_buff *skb, struct genl_info *info,
			   int (*op)(int index))
{
	struct nlattr *attr;
	int ret;

	ret = qbd_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, QBD_A_DEV_INDEX))
		return -EINVAL;
	attr = info->attrs[QBD_A_DEV_INDEX];
	ret = op(nla_get_u32(attr));
	if (ret == -ENODEV)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "qbd: no such device");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "qbd: device is not live (reconnecting or failed)");
	return ret;
}

int qbd_nl_dev_disconnect_doit(struct sk_buff *skb, struct genl_info *info)
{
	return qbd_nl_index_op(skb, info, qbd_dev_remove);
}

int qbd_nl_dev_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	return qbd_nl_index_op(skb, info, qbd_dev_reset);
}

int qbd_nl_init(void)
{
	return genl_register_family(&qbd_nl_family);
}

void qbd_nl_exit(void)
{
	genl_unregister_family(&qbd_nl_family);
}
