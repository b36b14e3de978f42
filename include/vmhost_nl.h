/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every vmhost generic netlink family checks before it answers: the
 * request comes from the initial network namespace (the modules manage the
 * host, whatever namespace asks), and a request that configures anything,
 * or reads tenant data, has CAP_SYS_ADMIN in the initial user namespace.
 * Shared by the modules (included as <vmhost_nl.h>, top-level Kbuild).
 */
#ifndef _VMHOST_NL_H
#define _VMHOST_NL_H

#include <linux/capability.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

static inline int vmhost_nl_allowed(struct sk_buff *skb,
				    struct netlink_ext_ack *extack,
				    const char *family, bool admin)
{
	if (!net_eq(sock_net(skb->sk), &init_net)) {
		NL_SET_ERR_MSG_FMT(extack,
				   "%s: only from the initial network namespace",
				   family);
		return -EPERM;
	}
	if (admin && !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_FMT(extack, "%s: CAP_SYS_ADMIN required", family);
		return -EPERM;
	}
	return 0;
}

#endif /* _VMHOST_NL_H */
