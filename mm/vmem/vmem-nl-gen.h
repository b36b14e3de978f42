/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vmem.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VMEM_GEN_H
#define _LINUX_VMEM_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/vmhost/vmem_nl.h>

int vmem_nl_pool_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vmem_nl_range_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vmem_nl_range_add_doit(struct sk_buff *skb, struct genl_info *info);
int vmem_nl_range_del_doit(struct sk_buff *skb, struct genl_info *info);
int vmem_nl_file_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vmem_nl_poison_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vmem_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int vmem_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	VMEM_NLGRP_EVENTS,
};

extern struct genl_family vmem_nl_family;

#endif /* _LINUX_VMEM_GEN_H */
