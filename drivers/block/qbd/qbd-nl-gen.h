/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/qbd.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_QBD_GEN_H
#define _LINUX_QBD_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/vmhost/qbd_nl.h>

int qbd_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int qbd_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int qbd_nl_dev_connect_doit(struct sk_buff *skb, struct genl_info *info);
int qbd_nl_dev_disconnect_doit(struct sk_buff *skb, struct genl_info *info);
int qbd_nl_dev_reset_doit(struct sk_buff *skb, struct genl_info *info);

extern struct genl_family qbd_nl_family;

#endif /* _LINUX_QBD_GEN_H */
