// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpf.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "vpf-nl-gen.h"

#include <uapi/vmhost/vpf_nl.h>

/* Integer value ranges */
static const struct netlink_range_validation vpf_a_vf_vq_range = {
	.max	= 65535ULL,
};

static const struct netlink_range_validation vpf_a_vf_vi_range = {
	.max	= 65535ULL,
};

static const struct netlink_range_validation vpf_a_ns_nsid_range = {
	.min	= 1ULL,
	.max	= 4294967294ULL,
};

/* VPF_CMD_DEV_GET - do */
static const struct nla_policy vpf_dev_get_nl_policy[VPF_A_DEV_PCI_NAME + 1] = {
	[VPF_A_DEV_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VPF_CMD_DEV_ADD - do */
static const struct nla_policy vpf_dev_add_nl_policy[VPF_A_DEV_PCI_NAME + 1] = {
	[VPF_A_DEV_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VPF_CMD_DEV_DEL - do */
static const struct nla_policy vpf_dev_del_nl_policy[VPF_A_DEV_FORCE + 1] = {
	[VPF_A_DEV_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_DEV_FORCE] = { .type = NLA_FLAG, },
};

/* VPF_CMD_VF_GET - do */
static const struct nla_policy vpf_vf_get_do_nl_policy[VPF_A_VF_VF + 1] = {
	[VPF_A_VF_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_VF_VF] = NLA_POLICY_MAX(NLA_U32, 254),
};

/* VPF_CMD_VF_GET - dump */
static const struct nla_policy vpf_vf_get_dump_nl_policy[VPF_A_VF_PCI_NAME + 1] = {
	[VPF_A_VF_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VPF_CMD_VF_ENABLE - do */
static const struct nla_policy vpf_vf_enable_nl_policy[VPF_A_VF_NUM_VFS + 1] = {
	[VPF_A_VF_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_VF_NUM_VFS] = NLA_POLICY_MAX(NLA_U32, 255),
	[VPF_A_VF_VQ] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_vf_vq_range),
	[VPF_A_VF_VI] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_vf_vi_range),
	[VPF_A_VF_DRIVER] = NLA_POLICY_MAX(NLA_U32, 2),
	[VPF_A_VF_FORCE] = { .type = NLA_FLAG, },
};

/* VPF_CMD_VF_SET - do */
static const struct nla_policy vpf_vf_set_nl_policy[VPF_A_VF_FORCE + 1] = {
	[VPF_A_VF_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_VF_VF] = NLA_POLICY_MAX(NLA_U32, 254),
	[VPF_A_VF_ONLINE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VPF_A_VF_VQ] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_vf_vq_range),
	[VPF_A_VF_VI] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_vf_vi_range),
	[VPF_A_VF_DRIVER] = NLA_POLICY_MAX(NLA_U32, 2),
	[VPF_A_VF_FORCE] = { .type = NLA_FLAG, },
};

/* VPF_CMD_NS_GET - dump */
static const struct nla_policy vpf_ns_get_nl_policy[VPF_A_NS_PCI_NAME + 1] = {
	[VPF_A_NS_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VPF_CMD_NS_ATTACH - do */
static const struct nla_policy vpf_ns_attach_nl_policy[VPF_A_NS_VF + 1] = {
	[VPF_A_NS_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_NS_NSID] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_ns_nsid_range),
	[VPF_A_NS_VF] = NLA_POLICY_MAX(NLA_U32, 254),
};

/* VPF_CMD_NS_DETACH - do */
static const struct nla_policy vpf_ns_detach_nl_policy[VPF_A_NS_FORCE + 1] = {
	[VPF_A_NS_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_NS_NSID] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_ns_nsid_range),
	[VPF_A_NS_FORCE] = { .type = NLA_FLAG, },
};

/* VPF_CMD_NS_WIPE - do */
static const struct nla_policy vpf_ns_wipe_nl_policy[VPF_A_NS_NSID + 1] = {
	[VPF_A_NS_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_NS_NSID] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpf_a_ns_nsid_range),
};

/* VPF_CMD_DEV_SET - do */
static const struct nla_policy vpf_dev_set_nl_policy[VPF_A_DEV_SLOT_DRIVER + 1] = {
	[VPF_A_DEV_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_DEV_SLOT_DRIVER] = NLA_POLICY_MAX(NLA_U32, 2),
};

/* VPF_CMD_SLOT_GET - do */
static const struct nla_policy vpf_slot_get_do_nl_policy[VPF_A_SLOT_PORT + 1] = {
	[VPF_A_SLOT_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VPF_A_SLOT_PORT] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VPF_CMD_SLOT_GET - dump */
static const struct nla_policy vpf_slot_get_dump_nl_policy[VPF_A_SLOT_PCI_NAME + 1] = {
	[VPF_A_SLOT_PCI_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* Ops table for vpf */
static const struct genl_split_ops vpf_nl_ops[] = {
	{
		.cmd		= VPF_CMD_DEV_GET,
		.doit		= vpf_nl_dev_get_doit,
		.policy		= vpf_dev_get_nl_policy,
		.maxattr	= VPF_A_DEV_PCI_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VPF_CMD_DEV_GET,
		.dumpit	= vpf_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VPF_CMD_DEV_ADD,
		.doit		= vpf_nl_dev_add_doit,
		.policy		= vpf_dev_add_nl_policy,
		.maxattr	= VPF_A_DEV_PCI_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_DEV_DEL,
		.doit		= vpf_nl_dev_del_doit,
		.policy		= vpf_dev_del_nl_policy,
		.maxattr	= VPF_A_DEV_FORCE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_VF_GET,
		.doit		= vpf_nl_vf_get_doit,
		.policy		= vpf_vf_get_do_nl_policy,
		.maxattr	= VPF_A_VF_VF,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_VF_GET,
		.dumpit		= vpf_nl_vf_get_dumpit,
		.policy		= vpf_vf_get_dump_nl_policy,
		.maxattr	= VPF_A_VF_PCI_NAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VPF_CMD_VF_ENABLE,
		.doit		= vpf_nl_vf_enable_doit,
		.policy		= vpf_vf_enable_nl_policy,
		.maxattr	= VPF_A_VF_NUM_VFS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_VF_SET,
		.doit		= vpf_nl_vf_set_doit,
		.policy		= vpf_vf_set_nl_policy,
		.maxattr	= VPF_A_VF_FORCE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_NS_GET,
		.dumpit		= vpf_nl_ns_get_dumpit,
		.policy		= vpf_ns_get_nl_policy,
		.maxattr	= VPF_A_NS_PCI_NAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VPF_CMD_NS_ATTACH,
		.doit		= vpf_nl_ns_attach_doit,
		.policy		= vpf_ns_attach_nl_policy,
		.maxattr	= VPF_A_NS_VF,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_NS_DETACH,
		.doit		= vpf_nl_ns_detach_doit,
		.policy		= vpf_ns_detach_nl_policy,
		.maxattr	= VPF_A_NS_FORCE,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_NS_WIPE,
		.doit		= vpf_nl_ns_wipe_doit,
		.policy		= vpf_ns_wipe_nl_policy,
		.maxattr	= VPF_A_NS_NSID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_DEV_SET,
		.doit		= vpf_nl_dev_set_doit,
		.policy		= vpf_dev_set_nl_policy,
		.maxattr	= VPF_A_DEV_SLOT_DRIVER,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_SLOT_GET,
		.doit		= vpf_nl_slot_get_doit,
		.policy		= vpf_slot_get_do_nl_policy,
		.maxattr	= VPF_A_SLOT_PORT,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VPF_CMD_SLOT_GET,
		.dumpit		= vpf_nl_slot_get_dumpit,
		.policy		= vpf_slot_get_dump_nl_policy,
		.maxattr	= VPF_A_SLOT_PCI_NAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group vpf_nl_mcgrps[] = {
	[VPF_NLGRP_EVENTS] = { "events", .flags = GENL_MCAST_CAP_SYS_ADMIN, },
};

struct genl_family vpf_nl_family __ro_after_init = {
	.name		= VPF_FAMILY_NAME,
	.version	= VPF_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= vpf_nl_ops,
	.n_split_ops	= ARRAY_SIZE(vpf_nl_ops),
	.mcgrps		= vpf_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vpf_nl_mcgrps),
};
