// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vmem.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "vmem-nl-gen.h"

#include <uapi/vmhost/vmem_nl.h>

/* VMEM_CMD_RANGE_ADD - do */
static const struct nla_policy vmem_range_add_nl_policy[VMEM_A_RANGE_SIZE + 1] = {
	[VMEM_A_RANGE_START] = { .type = NLA_U64, },
	[VMEM_A_RANGE_SIZE] = { .type = NLA_U64, },
};

/* VMEM_CMD_RANGE_DEL - do */
static const struct nla_policy vmem_range_del_nl_policy[VMEM_A_RANGE_START + 1] = {
	[VMEM_A_RANGE_START] = { .type = NLA_U64, },
};

/* VMEM_CMD_CONFIG_SET - do */
static const struct nla_policy vmem_config_set_nl_policy[VMEM_A_CONFIG_SCRUB + 1] = {
	[VMEM_A_CONFIG_SCRUB] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Ops table for vmem */
static const struct genl_split_ops vmem_nl_ops[] = {
	{
		.cmd	= VMEM_CMD_POOL_GET,
		.dumpit	= vmem_nl_pool_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= VMEM_CMD_RANGE_GET,
		.dumpit	= vmem_nl_range_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VMEM_CMD_RANGE_ADD,
		.doit		= vmem_nl_range_add_doit,
		.policy		= vmem_range_add_nl_policy,
		.maxattr	= VMEM_A_RANGE_SIZE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VMEM_CMD_RANGE_DEL,
		.doit		= vmem_nl_range_del_doit,
		.policy		= vmem_range_del_nl_policy,
		.maxattr	= VMEM_A_RANGE_START,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VMEM_CMD_FILE_GET,
		.dumpit	= vmem_nl_file_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= VMEM_CMD_POISON_GET,
		.dumpit	= vmem_nl_poison_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= VMEM_CMD_CONFIG_GET,
		.doit	= vmem_nl_config_get_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VMEM_CMD_CONFIG_SET,
		.doit		= vmem_nl_config_set_doit,
		.policy		= vmem_config_set_nl_policy,
		.maxattr	= VMEM_A_CONFIG_SCRUB,
		.flags		= GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group vmem_nl_mcgrps[] = {
	[VMEM_NLGRP_EVENTS] = { "events", .flags = GENL_MCAST_CAP_SYS_ADMIN, },
};

struct genl_family vmem_nl_family __ro_after_init = {
	.name		= VMEM_FAMILY_NAME,
	.version	= VMEM_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= vmem_nl_ops,
	.n_split_ops	= ARRAY_SIZE(vmem_nl_ops),
	.mcgrps		= vmem_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vmem_nl_mcgrps),
};
