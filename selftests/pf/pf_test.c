// SPDX-License-Identifier: GPL-2.0
/*
 * vpf selftests: the "vpf" generic netlink family from a raw socket (not
 * through pfctl), so that each errno and extack message the module answers
 * to bad input is checked as sent, and that nothing changed afterwards.
 * The run script loads vpf driving the PF at $VPF_PF with no VFs enabled.
 */
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <vmhost/vpf.h>

#include "kselftest_harness.h"
#include "vmhost_genl.h"

static const char *pf(void)
{
	const char *p = getenv("VPF_PF");

	return p ? p : "0000:05:00.0";
}

static int family_id(void)
{
	return genl_family_id(VPF_FAMILY_NAME);
}

/* One request of @cmd: put the attributes, send, return 0 or -errno. */
struct req {
	struct nlreq r;
	int fd;
};

static void req_init(struct req *q, __u8 cmd, __u16 flags)
{
	init_req(&q->r, family_id(), cmd, NLM_F_ACK | flags);
	q->fd = nl_open();
}

static int req_send(struct req *q)
{
	int ret = nl_talk(q->fd, &q->r);

	close(q->fd);
	return ret;
}

static int vf_enable(const char *name, __u32 num, int vq, int vi)
{
	struct req q;

	req_init(&q, VPF_CMD_VF_ENABLE, 0);
	put_str(&q.r, VPF_A_VF_PCI_NAME, name);
	put_u32(&q.r, VPF_A_VF_NUM_VFS, num);
	if (vq >= 0)
		put_u32(&q.r, VPF_A_VF_VQ, vq);
	if (vi >= 0)
		put_u32(&q.r, VPF_A_VF_VI, vi);
	return req_send(&q);
}

static int vf_set(__u32 vf, int online, int vq, int vi)
{
	struct req q;

	req_init(&q, VPF_CMD_VF_SET, 0);
	put_str(&q.r, VPF_A_VF_PCI_NAME, pf());
	put_u32(&q.r, VPF_A_VF_VF, vf);
	if (online >= 0)
		put_u8(&q.r, VPF_A_VF_ONLINE, online);
	if (vq >= 0)
		put_u32(&q.r, VPF_A_VF_VQ, vq);
	if (vi >= 0)
		put_u32(&q.r, VPF_A_VF_VI, vi);
	return req_send(&q);
}

static int ns_cmd(__u8 cmd, __u32 nsid, int vf)
{
	struct req q;

	req_init(&q, cmd, 0);
	put_str(&q.r, VPF_A_NS_PCI_NAME, pf());
	put_u32(&q.r, VPF_A_NS_NSID, nsid);
	if (vf >= 0)
		put_u32(&q.r, VPF_A_NS_VF, vf);
	return req_send(&q);
}

static int dev_cmd(__u8 cmd, const char *name)
{
	struct req q;

	req_init(&q, cmd, 0);
	put_str(&q.r, VPF_A_DEV_PCI_NAME, name);
	return req_send(&q);
}

/* The PF's u32 attribute @type from dev-get; -1 on error. */
static long dev_u32(int type)
{
	struct nlattr *a;

	if (dev_cmd(VPF_CMD_DEV_GET, pf()))
		return -1;
	a = reply_attr(type);
	return a ? *(__u32 *)((char *)a + NLA_HDRLEN) : -1;
}

/* The VF's u32 attribute @type from vf-get; -1 on error. */
static long vf_u32(__u32 vf, int type)
{
	struct nlattr *a;
	struct req q;

	req_init(&q, VPF_CMD_VF_GET, 0);
	put_str(&q.r, VPF_A_VF_PCI_NAME, pf());
	put_u32(&q.r, VPF_A_VF_VF, vf);
	if (req_send(&q))
		return -1;
	a = reply_attr(type);
	if (!a)
		return -1;
	return a->nla_len == NLA_HDRLEN + 1 ? *(__u8 *)((char *)a + NLA_HDRLEN) :
					      *(__u32 *)((char *)a + NLA_HDRLEN);
}

/* How many messages a dump of @cmd (all PFs) returns; -1 on error. */
static int dump_count(__u8 cmd)
{
	struct nlmsghdr *nh;
	struct req q;
	int n = 0, len;

	req_init(&q, cmd, NLM_F_DUMP);
	if (req_send(&q))
		return -1;
	len = reply_len;
	for (nh = (void *)reply; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len))
		n++;
	return n;
}

FIXTURE(vfs) {
	long vq_free, vi_free;
};

/* Two VFs, online with the least resources, no driver. */
FIXTURE_SETUP(vfs)
{
	vf_enable(pf(), 0, -1, -1);
	ASSERT_EQ(0, vf_enable(pf(), 2, 2, 1)) TH_LOG("%s", last_msg);
	self->vq_free = dev_u32(VPF_A_DEV_VQ_FREE);
	self->vi_free = dev_u32(VPF_A_DEV_VI_FREE);
}

FIXTURE_TEARDOWN(vfs)
{
	EXPECT_EQ(0, vf_enable(pf(), 0, -1, -1));
}

TEST(family_registered)
{
	ASSERT_LT(0, family_id());
	ASSERT_EQ(0, dev_u32(VPF_A_DEV_NUM_VFS));
	ASSERT_LT(0, dev_u32(VPF_A_DEV_TOTAL_VFS));
}

TEST(pfs_we_do_not_drive)
{
	/* Not a PCI address; a device vpf does not drive; none at all. */
	EXPECT_EQ(-ENODEV, dev_cmd(VPF_CMD_DEV_GET, "nonsense"));
	EXPECT_STREQ("vpf does not drive a PF at that address", last_msg);
	EXPECT_EQ(-ENODEV, dev_cmd(VPF_CMD_DEV_GET, "0000:00:00.0"));
	EXPECT_EQ(-ENODEV, vf_enable("0000:00:00.0", 1, -1, -1));
	EXPECT_EQ(-ENODEV, vf_enable("0000:ff:1f.7", 1, -1, -1));
	/* dev-add: the host bridge is no NVMe PF; nothing is at ff:1f.7. */
	EXPECT_EQ(-EINVAL, dev_cmd(VPF_CMD_DEV_ADD, "0000:00:00.0"));
	EXPECT_STREQ("not an NVMe physical function with SR-IOV", last_msg);
	EXPECT_EQ(-ENODEV, dev_cmd(VPF_CMD_DEV_ADD, "0000:ff:1f.7"));
	EXPECT_EQ(-ENODEV, dev_cmd(VPF_CMD_DEV_ADD, "05:00.0 trailing"));
	EXPECT_EQ(-EEXIST, dev_cmd(VPF_CMD_DEV_ADD, pf()));
	EXPECT_STREQ("vpf drives it already", last_msg);
	EXPECT_EQ(-ENODEV, dev_cmd(VPF_CMD_DEV_DEL, "0000:00:00.0"));
	EXPECT_EQ(0, dev_u32(VPF_A_DEV_NUM_VFS));
}

TEST(policy_rejects_bad_attributes)
{
	char longname[64];
	struct req q;

	/* A PCI name longer than the policy's 31 bytes. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	EXPECT_EQ(-EINVAL, dev_cmd(VPF_CMD_DEV_GET, longname));
	/* Out of the policy's ranges (netlink answers ERANGE): VF numbers
	 * above 254, namespace id 0, more VFs than the family allows,
	 * online neither 0 nor 1.
	 */
	EXPECT_EQ(-ERANGE, vf_set(255, 1, -1, -1));
	EXPECT_STREQ("integer out of range", last_msg);
	EXPECT_EQ(-ERANGE, ns_cmd(VPF_CMD_NS_WIPE, 0, -1));
	EXPECT_EQ(-ERANGE, ns_cmd(VPF_CMD_NS_ATTACH, 1, 255));
	EXPECT_EQ(-ERANGE, vf_enable(pf(), 256, -1, -1));
	EXPECT_EQ(-ERANGE, vf_set(0, 2, -1, -1));
	/* An attribute the operation does not take (strict validation). */
	req_init(&q, VPF_CMD_DEV_GET, 0);
	put_str(&q.r, VPF_A_DEV_PCI_NAME, pf());
	put_u32(&q.r, VPF_A_DEV_NUM_VFS, 1);
	EXPECT_EQ(-EINVAL, req_send(&q));
	/* A u32 of the wrong size. */
	req_init(&q, VPF_CMD_VF_ENABLE, 0);
	put_str(&q.r, VPF_A_VF_PCI_NAME, pf());
	put_u8(&q.r, VPF_A_VF_NUM_VFS, 1);
	EXPECT_EQ(-EINVAL, req_send(&q));
	/* Required attributes missing. */
	req_init(&q, VPF_CMD_VF_ENABLE, 0);
	put_str(&q.r, VPF_A_VF_PCI_NAME, pf());
	EXPECT_EQ(-EINVAL, req_send(&q));
	req_init(&q, VPF_CMD_NS_ATTACH, 0);
	put_str(&q.r, VPF_A_NS_PCI_NAME, pf());
	put_u32(&q.r, VPF_A_NS_NSID, 1);
	EXPECT_EQ(-EINVAL, req_send(&q));
	EXPECT_EQ(0, dev_u32(VPF_A_DEV_NUM_VFS));
}

TEST(enable_beyond_the_pf_refused)
{
	long total = dev_u32(VPF_A_DEV_TOTAL_VFS),
	     vq_max = dev_u32(VPF_A_DEV_VQ_MAX),
	     vq_total = dev_u32(VPF_A_DEV_VQ_TOTAL);

	ASSERT_LT(0, total);
	EXPECT_EQ(-ERANGE, vf_enable(pf(), total + 1, -1, -1));
	EXPECT_STREQ("more VFs than the PF has", last_msg);
	EXPECT_EQ(-ERANGE, vf_enable(pf(), 1, vq_max + 1, -1));
	/* Each VF within its limit, all of them beyond the pool. */
	ASSERT_LT(vq_total, total * vq_max) TH_LOG("the pool cannot run out");
	EXPECT_EQ(-ENOSPC, vf_enable(pf(), total, vq_max, -1));
	EXPECT_STREQ("not enough flexible resources on the PF for that many VFs",
		     last_msg);
	/* Online needs an admin and an I/O queue, and an interrupt. */
	EXPECT_EQ(-EINVAL, vf_enable(pf(), 1, 1, -1));
	EXPECT_EQ(-EINVAL, vf_enable(pf(), 1, 2, 0));
	EXPECT_EQ(0, dev_u32(VPF_A_DEV_NUM_VFS));
	EXPECT_EQ(vq_total, dev_u32(VPF_A_DEV_VQ_FREE));
}

TEST_F(vfs, bad_vf_changes_refused)
{
	long vq_max = dev_u32(VPF_A_DEV_VQ_MAX);

	EXPECT_EQ(-ENOENT, vf_set(2, 0, -1, -1));
	EXPECT_STREQ("no such VF (see pfctl vf list)", last_msg);
	EXPECT_EQ(-ENOENT, vf_set(254, 0, -1, -1));
	EXPECT_EQ(-ERANGE, vf_set(0, -1, vq_max + 1, -1));
	EXPECT_EQ(-EINVAL, vf_set(0, -1, 1, -1));
	EXPECT_EQ(-EBUSY, vf_enable(pf(), 3, -1, -1));
	EXPECT_STREQ("VFs are enabled already: disable them first", last_msg);
	/* Nothing changed. */
	EXPECT_EQ(2, dev_u32(VPF_A_DEV_NUM_VFS));
	EXPECT_EQ(self->vq_free, dev_u32(VPF_A_DEV_VQ_FREE));
	EXPECT_EQ(1, vf_u32(0, VPF_A_VF_ONLINE));
	EXPECT_EQ(2, vf_u32(0, VPF_A_VF_VQ));
}

TEST_F(vfs, resources_move_between_vfs)
{
	ASSERT_EQ(0, vf_set(1, -1, 4, 2)) TH_LOG("%s", last_msg);
	EXPECT_EQ(4, vf_u32(1, VPF_A_VF_VQ));
	EXPECT_EQ(2, vf_u32(1, VPF_A_VF_VI));
	EXPECT_EQ(1, vf_u32(1, VPF_A_VF_ONLINE));
	EXPECT_EQ(self->vq_free - 2, dev_u32(VPF_A_DEV_VQ_FREE));
	EXPECT_EQ(self->vi_free - 1, dev_u32(VPF_A_DEV_VI_FREE));
	ASSERT_EQ(0, vf_set(1, 0, -1, -1));
	EXPECT_EQ(0, vf_u32(1, VPF_A_VF_ONLINE));
	ASSERT_EQ(0, vf_set(1, 1, 2, 1));
	EXPECT_EQ(1, vf_u32(1, VPF_A_VF_ONLINE));
	EXPECT_EQ(self->vq_free, dev_u32(VPF_A_DEV_VQ_FREE));
}

TEST_F(vfs, bad_namespaces_refused)
{
	/* The subsystem has namespaces 1..64 of 256 ids. */
	EXPECT_EQ(-ENOENT, ns_cmd(VPF_CMD_NS_ATTACH, 200, 0));
	EXPECT_STREQ("no namespace with that id (see pfctl ns list)", last_msg);
	EXPECT_EQ(-ENOENT, ns_cmd(VPF_CMD_NS_ATTACH, 1, 7));
	EXPECT_EQ(-ENOENT, ns_cmd(VPF_CMD_NS_DETACH, 1, -1));
	EXPECT_STREQ("the namespace is not attached to a VF", last_msg);
	/* Attaching to an offline VF. */
	ASSERT_EQ(0, vf_set(1, 0, -1, -1));
	EXPECT_EQ(-EINVAL, ns_cmd(VPF_CMD_NS_ATTACH, 1, 1));
	EXPECT_STREQ("the VF is offline: put it online first", last_msg);
}

TEST_F(vfs, shared_attachment_refused)
{
	ASSERT_EQ(0, ns_cmd(VPF_CMD_NS_ATTACH, 3, 0)) TH_LOG("%s", last_msg);
	EXPECT_EQ(-EEXIST, ns_cmd(VPF_CMD_NS_ATTACH, 3, 0));
	EXPECT_EQ(-EBUSY, ns_cmd(VPF_CMD_NS_ATTACH, 3, 1));
	EXPECT_STREQ("attached to another VF: a namespace is never shared; detach it first",
		     last_msg);
	EXPECT_EQ(-EBUSY, ns_cmd(VPF_CMD_NS_WIPE, 3, -1));
	EXPECT_EQ(0, ns_cmd(VPF_CMD_NS_DETACH, 3, -1)) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, ns_cmd(VPF_CMD_NS_ATTACH, 3, 1)) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, ns_cmd(VPF_CMD_NS_DETACH, 3, -1));
}

static int dev_set(const char *name, int policy)
{
	struct req q;

	req_init(&q, VPF_CMD_DEV_SET, 0);
	put_str(&q.r, VPF_A_DEV_PCI_NAME, name);
	if (policy >= 0)
		put_u32(&q.r, VPF_A_DEV_SLOT_DRIVER, policy);
	return req_send(&q);
}

static int slot_get(const char *name, const char *port)
{
	struct req q;

	req_init(&q, VPF_CMD_SLOT_GET, 0);
	if (name)
		put_str(&q.r, VPF_A_SLOT_PCI_NAME, name);
	if (port)
		put_str(&q.r, VPF_A_SLOT_PORT, port);
	return req_send(&q);
}

/* The card's tree, and the slot policy: bad requests change nothing. */
TEST(slot_requests_checked)
{
	EXPECT_EQ(VPF_SLOT_DRIVER_AUTO, dev_u32(VPF_A_DEV_SLOT_DRIVER));
	EXPECT_LT(0, dev_u32(VPF_A_DEV_SLOTS));
	/* A policy beyond the enum, a PF we do not drive, no PF at all. */
	EXPECT_EQ(-ERANGE, dev_set(pf(), VPF_SLOT_DRIVER_VFIO_PCI + 1));
	EXPECT_EQ(-ENODEV, dev_set("0000:00:00.0", VPF_SLOT_DRIVER_NONE));
	/* A set that would set nothing. */
	EXPECT_EQ(-EINVAL, dev_set(pf(), -1));
	EXPECT_EQ(VPF_SLOT_DRIVER_AUTO, dev_u32(VPF_A_DEV_SLOT_DRIVER));
	/* Not a port of the card: the root complex, the PF itself. */
	EXPECT_EQ(-ENOENT, slot_get(pf(), "0000:00:00.0"));
	EXPECT_STREQ("no downstream port of that PF's card at that address (see pfctl slot list)",
		     last_msg);
	EXPECT_EQ(-ENOENT, slot_get(pf(), pf()));
	EXPECT_EQ(-ENODEV, slot_get("0000:00:00.0", "0000:00:00.0"));
	/* Both attributes are required; a port name beyond 31 bytes. */
	EXPECT_EQ(-EINVAL, slot_get(pf(), NULL));
	EXPECT_EQ(-EINVAL, slot_get(NULL, "0000:00:00.0"));
	EXPECT_EQ(-EINVAL,
		  slot_get(pf(), "0000:00:00.0.0000000000000000000000000"));
	EXPECT_EQ(dev_u32(VPF_A_DEV_SLOTS), dump_count(VPF_CMD_SLOT_GET));
}

/* As nobody: every change refused, listing allowed. */
TEST(unprivileged_changes_rejected)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (vf_enable(pf(), 1, -1, -1) != -EPERM)
			_exit(3);
		if (vf_set(0, 0, -1, -1) != -EPERM)
			_exit(4);
		if (ns_cmd(VPF_CMD_NS_ATTACH, 1, 0) != -EPERM ||
		    ns_cmd(VPF_CMD_NS_DETACH, 1, -1) != -EPERM ||
		    ns_cmd(VPF_CMD_NS_WIPE, 1, -1) != -EPERM)
			_exit(5);
		if (dev_cmd(VPF_CMD_DEV_ADD, pf()) != -EPERM ||
		    dev_cmd(VPF_CMD_DEV_DEL, pf()) != -EPERM ||
		    dev_set(pf(), VPF_SLOT_DRIVER_NONE) != -EPERM)
			_exit(6);
		if (dump_count(VPF_CMD_DEV_GET) != 1 ||
		    dump_count(VPF_CMD_NS_GET) < 1 ||
		    dump_count(VPF_CMD_SLOT_GET) < 1)
			_exit(7);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, dev_u32(VPF_A_DEV_NUM_VFS));
}

TEST(other_netns_rejected)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(2);
		if (vf_enable(pf(), 1, -1, -1) != -EPERM)
			_exit(3);
		if (dump_count(VPF_CMD_DEV_GET) != -1)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
