/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpf.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VPF_GEN_H
#define _LINUX_VPF_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/vmhost/vpf_nl.h>

int vpf_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vpf_nl_dev_add_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_vf_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_vf_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vpf_nl_vf_enable_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_vf_set_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_ns_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int vpf_nl_ns_attach_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_ns_detach_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_ns_wipe_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_slot_get_doit(struct sk_buff *skb, struct genl_info *info);
int vpf_nl_slot_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	VPF_NLGRP_EVENTS,
};

extern struct genl_family vpf_nl_family;

#endif /* _LINUX_VPF_GEN_H */
