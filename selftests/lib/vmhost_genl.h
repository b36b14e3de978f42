/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink from a raw socket, for the selftests that check each
 * errno and extack message a vmhost module answers as sent (not through
 * its tool). One request at a time; the last reply in `reply`, the last
 * extack message in `last_msg`. Header-only: one test program includes it.
 */
#ifndef _VMHOST_SELFTEST_GENL_H
#define _VMHOST_SELFTEST_GENL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

struct nlreq {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char buf[1024];
};

static inline void put_attr(struct nlreq *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)r + NLMSG_ALIGN(r->nh.nlmsg_len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static inline void put_u32(struct nlreq *r, int type, __u32 v)
{
	put_attr(r, type, &v, sizeof(v));
}

static inline void put_u16(struct nlreq *r, int type, __u16 v)
{
	put_attr(r, type, &v, sizeof(v));
}

static inline void put_str(struct nlreq *r, int type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);
}

static inline void init_req(struct nlreq *r, __u16 family, __u8 cmd, __u16 flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->nh.nlmsg_seq = 1;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

static inline int nl_open(void)
{
	int one = 1, fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);

	if (fd >= 0)
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static char last_msg[256];
static char reply[65536];
static int reply_len;

/*
 * Sends @r and reads until the ack (or the end of a dump). Returns 0 or
 * -errno; the extack message lands in last_msg, a reply's payload in reply.
 */
static inline int nl_talk(int fd, struct nlreq *r)
{
	char buf[16384];
	int n;

	last_msg[0] = 0;
	reply_len = 0;
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			/* A dump's error comes in its NLMSG_DONE. */
			if (nh->nlmsg_type == NLMSG_DONE)
				return nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
				       *(int *)NLMSG_DATA(nh) : 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);
				int off = sizeof(*e), len;
				struct nlattr *a;

				if (!(nh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				len = nh->nlmsg_len - NLMSG_HDRLEN - off;
				for (a = (void *)((char *)e + off);
				     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
				     a->nla_len <= len;
				     len -= NLA_ALIGN(a->nla_len),
				     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == NLMSGERR_ATTR_MSG)
						snprintf(last_msg, sizeof(last_msg), "%s",
							 (char *)a + NLA_HDRLEN);
				return e->error;
			}
			if (reply_len + (int)nh->nlmsg_len <= (int)sizeof(reply)) {
				memcpy(reply + reply_len, nh, nh->nlmsg_len);
				reply_len += nh->nlmsg_len;
			}
		}
	}
}

static inline int genl_family_id(const char *name)
{
	int id = 0;
	struct nlreq r;
	struct nlattr *a;
	int fd, len;

	fd = nl_open();
	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	put_str(&r, CTRL_ATTR_FAMILY_NAME, name);
	if (nl_talk(fd, &r) || !reply_len) {
		close(fd);
		return -1;
	}
	close(fd);
	len = ((struct nlmsghdr *)reply)->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (void *)(reply + NLMSG_LENGTH(GENL_HDRLEN)); len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			id = *(__u16 *)((char *)a + NLA_HDRLEN);
	return id;
}

static inline void put_u8(struct nlreq *r, int type, __u8 v)
{
	put_attr(r, type, &v, sizeof(v));
}

static inline void put_flag(struct nlreq *r, int type)
{
	put_attr(r, type, NULL, 0);
}

/* The first attribute of @type in the first reply, or NULL. */
static inline struct nlattr *reply_attr(int type)
{
	struct nlmsghdr *nh = (void *)reply;
	struct nlattr *a;
	int len;

	if (reply_len < (int)NLMSG_LENGTH(GENL_HDRLEN))
		return NULL;
	len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (void *)(reply + NLMSG_LENGTH(GENL_HDRLEN));
	     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == type)
			return a;
	return NULL;
}

#endif /* _VMHOST_SELFTEST_GENL_H */
