// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/qbd.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "qbd-nl-gen.h"

#include <uapi/vmhost/qbd_nl.h>

/* Integer value ranges */
static const struct netlink_range_validation qbd_a_dev_index_range = {
	.max	= 65535ULL,
};

static const struct netlink_range_validation qbd_a_dev_loss_timeout_range = {
	.min	= 1ULL,
	.max	= 86400ULL,
};

/* QBD_CMD_DEV_GET - do */
static const struct nla_policy qbd_dev_get_nl_policy[QBD_A_DEV_INDEX + 1] = {
	[QBD_A_DEV_INDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &qbd_a_dev_index_range),
};

/* QBD_CMD_DEV_CONNECT - do */
static const struct nla_policy qbd_dev_connect_nl_policy[QBD_A_DEV_KEEPALIVE + 1] = {
	[QBD_A_DEV_ADDR] = { .type = NLA_NUL_STRING, .len = 63, },
	[QBD_A_DEV_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[QBD_A_DEV_VOLUME] = { .type = NLA_NUL_STRING, .len = 63, },
	[QBD_A_DEV_HOST] = { .type = NLA_NUL_STRING, .len = 63, },
	[QBD_A_DEV_SECRET] = { .type = NLA_NUL_STRING, .len = 64, },
	[QBD_A_DEV_QUEUES] = NLA_POLICY_RANGE(NLA_U32, 1, 64),
	[QBD_A_DEV_DEPTH] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[QBD_A_DEV_READ_ONLY] = { .type = NLA_FLAG, },
	[QBD_A_DEV_LOSS_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &qbd_a_dev_loss_timeout_range),
	[QBD_A_DEV_KEEPALIVE] = NLA_POLICY_RANGE(NLA_U32, 1, 60),
};

/* QBD_CMD_DEV_DISCONNECT - do */
static const struct nla_policy qbd_dev_disconnect_nl_policy[QBD_A_DEV_INDEX + 1] = {
	[QBD_A_DEV_INDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &qbd_a_dev_index_range),
};

/* QBD_CMD_DEV_RESET - do */
static const struct nla_policy qbd_dev_reset_nl_policy[QBD_A_DEV_INDEX + 1] = {
	[QBD_A_DEV_INDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &qbd_a_dev_index_range),
};

/* Ops table for qbd */
static const struct genl_split_ops qbd_nl_ops[] = {
	{
		.cmd		= QBD_CMD_DEV_GET,
		.doit		= qbd_nl_dev_get_doit,
		.policy		= qbd_dev_get_nl_policy,
		.maxattr	= QBD_A_DEV_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= QBD_CMD_DEV_GET,
		.dumpit	= qbd_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= QBD_CMD_DEV_CONNECT,
		.doit		= qbd_nl_dev_connect_doit,
		.policy		= qbd_dev_connect_nl_policy,
		.maxattr	= QBD_A_DEV_KEEPALIVE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= QBD_CMD_DEV_DISCONNECT,
		.doit		= qbd_nl_dev_disconnect_doit,
		.policy		= qbd_dev_disconnect_nl_policy,
		.maxattr	= QBD_A_DEV_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= QBD_CMD_DEV_RESET,
		.doit		= qbd_nl_dev_reset_doit,
		.policy		= qbd_dev_reset_nl_policy,
		.maxattr	= QBD_A_DEV_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
};

struct genl_family qbd_nl_family __ro_after_init = {
	.name		= QBD_FAMILY_NAME,
	.version	= QBD_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= qbd_nl_ops,
	.n_split_ops	= ARRAY_SIZE(qbd_nl_ops),
};
