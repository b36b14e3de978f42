// SPDX-License-Identifier: GPL-2.0
/*
 * qbd selftests: the "qbd" generic netlink family straight from a raw
 * socket (not through qbdctl), so that each errno and extack message the
 * module answers is checked as sent. The run script starts qbd-target and
 * passes where it listens in QBD_ADDR / QBD_PORT; its volumes and hosts
 * are described there.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <vmhost/qbd.h>

#include "kselftest_harness.h"
#include "vmhost_genl.h"

static int family_id(void)
{
	return genl_family_id(QBD_FAMILY_NAME);
}

/* The number of devices a dump lists. */
static int nr_devices(void)
{
	struct nlreq r;
	struct nlmsghdr *nh;
	int fd = nl_open(), n = 0, len;

	init_req(&r, family_id(), QBD_CMD_DEV_GET, NLM_F_DUMP);
	if (nl_talk(fd, &r) < 0)
		n = -1;
	for (nh = (void *)reply, len = reply_len; n >= 0 && NLMSG_OK(nh, len);
	     nh = NLMSG_NEXT(nh, len))
		n++;
	close(fd);
	return n;
}

struct conn {
	const char *addr;
	int port;
	const char *volume;
	const char *host;
	const char *secret;
	int queues, depth, loss, ka, ro;
};

static const char *env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* Connects; returns the new index (>= 0) or -errno. */
static int connect_dev(const struct conn *c)
{
	struct nlreq r;
	int fd = nl_open(), ret;

	init_req(&r, family_id(), QBD_CMD_DEV_CONNECT, NLM_F_ACK);
	if (c->addr)
		put_str(&r, QBD_A_DEV_ADDR, c->addr);
	if (c->port)
		put_u16(&r, QBD_A_DEV_PORT, c->port);
	if (c->volume)
		put_str(&r, QBD_A_DEV_VOLUME, c->volume);
	if (c->host)
		put_str(&r, QBD_A_DEV_HOST, c->host);
	if (c->secret)
		put_str(&r, QBD_A_DEV_SECRET, c->secret);
	if (c->queues >= 0)
		put_u32(&r, QBD_A_DEV_QUEUES, c->queues);
	if (c->depth >= 0)
		put_u32(&r, QBD_A_DEV_DEPTH, c->depth);
	if (c->loss >= 0)
		put_u32(&r, QBD_A_DEV_LOSS_TIMEOUT, c->loss);
	if (c->ka >= 0)
		put_u32(&r, QBD_A_DEV_KEEPALIVE, c->ka);
	if (c->ro)
		put_attr(&r, QBD_A_DEV_READ_ONLY, NULL, 0);
	ret = nl_talk(fd, &r);
	close(fd);
	if (ret)
		return ret;
	if (reply_len) {
		struct nlattr *a = (void *)(reply + NLMSG_LENGTH(GENL_HDRLEN));

		if (a->nla_type == QBD_A_DEV_INDEX)
			return *(__u32 *)((char *)a + NLA_HDRLEN);
	}
	return -EBADMSG;
}

static int index_cmd(int cmd, __u32 index)
{
	struct nlreq r;
	int fd = nl_open(), ret;

	init_req(&r, family_id(), cmd, NLM_F_ACK);
	put_u32(&r, QBD_A_DEV_INDEX, index);
	ret = nl_talk(fd, &r);
	close(fd);
	return ret;
}

static struct conn good(void)
{
	struct conn c = {
		.addr = env("QBD_ADDR", "192.0.2.1"),
		.port = atoi(env("QBD_PORT", "4460")),
		.volume = "open",
		.host = "host-a",
		.queues = 2, .depth = 16, .loss = 30, .ka = 5,
	};
	return c;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(family_registered)
{
	ASSERT_LT(0, family_id());
	ASSERT_EQ(0, nr_devices());
}

/* Everything out of the policy's ranges, each refused before anything. */
TEST(connect_rejects_out_of_range)
{
	char longname[80];
	struct conn c;

	memset(longname, 'v', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
#define BAD(field, value) do {						\
		c = good();						\
		c.field = value;					\
		EXPECT_EQ(-ERANGE, connect_dev(&c)) TH_LOG(#field " %s", last_msg); \
	} while (0)
	BAD(queues, 0);
	BAD(queues, QBD_MAX_QUEUES + 1);
	BAD(depth, 0);
	BAD(depth, QBD_MAX_DEPTH + 1);
	BAD(loss, 0);
	BAD(loss, 86401);
	BAD(ka, 0);
	BAD(ka, 61);
#undef BAD
	c = good();
	{
		struct nlreq r;
		int fd = nl_open();

		init_req(&r, family_id(), QBD_CMD_DEV_CONNECT, NLM_F_ACK);
		put_str(&r, QBD_A_DEV_ADDR, c.addr);
		put_str(&r, QBD_A_DEV_VOLUME, "open");
		put_u16(&r, QBD_A_DEV_PORT, 0);
		EXPECT_EQ(-ERANGE, nl_talk(fd, &r));
		/* A u16 attribute four bytes wide. */
		init_req(&r, family_id(), QBD_CMD_DEV_CONNECT, NLM_F_ACK);
		put_str(&r, QBD_A_DEV_ADDR, c.addr);
		put_str(&r, QBD_A_DEV_VOLUME, "open");
		put_u32(&r, QBD_A_DEV_PORT, 4460);
		EXPECT_EQ(-EINVAL, nl_talk(fd, &r));
		/* An attribute the command does not take (strict). */
		init_req(&r, family_id(), QBD_CMD_DEV_CONNECT, NLM_F_ACK);
		put_str(&r, QBD_A_DEV_ADDR, c.addr);
		put_str(&r, QBD_A_DEV_VOLUME, "open");
		put_u32(&r, QBD_A_DEV_STATE, 1);
		EXPECT_NE(0, nl_talk(fd, &r));
		close(fd);
	}
	/* Strings longer than the policy's: no NUL within it. */
	c = good();
	c.volume = longname;
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	c = good();
	c.host = longname;
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	c = good();
	c.secret = longname;
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	c = good();
	c.addr = "target.example";
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	EXPECT_NE(NULL, strstr(last_msg, "numeric")) TH_LOG("%s", last_msg);
	c = good();
	c.addr = NULL;
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	c = good();
	c.volume = NULL;
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	c = good();
	c.volume = "";
	EXPECT_EQ(-EINVAL, connect_dev(&c));
	EXPECT_EQ(0, nr_devices());
}

TEST(index_commands_check_the_index)
{
	EXPECT_EQ(-ERANGE, index_cmd(QBD_CMD_DEV_GET, 70000));
	EXPECT_EQ(-ENODEV, index_cmd(QBD_CMD_DEV_GET, 4000));
	EXPECT_NE(NULL, strstr(last_msg, "no such device")) TH_LOG("%s", last_msg);
	EXPECT_EQ(-ENODEV, index_cmd(QBD_CMD_DEV_DISCONNECT, 4000));
	EXPECT_EQ(-ERANGE, index_cmd(QBD_CMD_DEV_DISCONNECT, 70000));
	EXPECT_EQ(-ENODEV, index_cmd(QBD_CMD_DEV_RESET, 4000));
	EXPECT_EQ(-ERANGE, index_cmd(QBD_CMD_DEV_RESET, 70000));
}

/* Changes need CAP_SYS_ADMIN; listing does not. */
TEST(unprivileged_changes_rejected)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct conn c = good();

		if (setgid(65534) || setuid(65534))
			_exit(2);
		if (connect_dev(&c) != -EPERM)
			_exit(3);
		if (index_cmd(QBD_CMD_DEV_DISCONNECT, 0) != -EPERM)
			_exit(4);
		if (index_cmd(QBD_CMD_DEV_RESET, 0) != -EPERM)
			_exit(6);
		if (nr_devices() != 0)
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST(other_netns_rejected)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct conn c = good();

		if (unshare(CLONE_NEWNET))
			_exit(2);
		if (connect_dev(&c) != -EPERM)
			_exit(3);
		if (nr_devices() != -1)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/* Nobody listens on that port: refused, quickly, nothing left behind. */
TEST(connect_no_target)
{
	struct conn c = good();
	double t0 = now();

	c.port = 4999;
	EXPECT_EQ(-ECONNREFUSED, connect_dev(&c)) TH_LOG("%s", last_msg);
	EXPECT_NE(NULL, strstr(last_msg, "refused")) TH_LOG("%s", last_msg);
	EXPECT_GT(15, now() - t0);
	EXPECT_EQ(0, nr_devices());
}

/* An address no RDMA device reaches. */
TEST(connect_unreachable)
{
	struct conn c = good();
	double t0 = now();
	int ret;

	c.addr = "198.51.100.7";
	ret = connect_dev(&c);
	EXPECT_TRUE(ret == -EHOSTUNREACH || ret == -ENETUNREACH ||
		    ret == -ETIMEDOUT || ret == -EADDRNOTAVAIL)
		TH_LOG("%d %s", ret, last_msg);
	EXPECT_GT(30, now() - t0);
	EXPECT_EQ(0, nr_devices());
}

TEST(connect_unknown_volume)
{
	struct conn c = good();

	c.volume = "no-such-volume";
	EXPECT_EQ(-ENOENT, connect_dev(&c)) TH_LOG("%s", last_msg);
	EXPECT_NE(NULL, strstr(last_msg, "no such volume")) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, nr_devices());
}

TEST(connect_host_not_allowed)
{
	struct conn c = good();

	c.volume = "guarded";
	c.host = "host-b";
	c.secret = "s3cret";
	EXPECT_EQ(-EACCES, connect_dev(&c)) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, nr_devices());
}

TEST(connect_wrong_secret)
{
	struct conn c = good();

	c.volume = "guarded";
	c.secret = "not-the-secret";
	EXPECT_EQ(-EACCES, connect_dev(&c)) TH_LOG("%s", last_msg);
	EXPECT_NE(NULL, strstr(last_msg, "refused access")) TH_LOG("%s", last_msg);
	c.secret = NULL;
	EXPECT_EQ(-EACCES, connect_dev(&c)) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, nr_devices());
}

TEST(connect_right_secret_then_disconnect)
{
	struct conn c = good();
	int idx;

	c.volume = "guarded";
	c.secret = "s3cret";
	idx = connect_dev(&c);
	ASSERT_LE(0, idx) TH_LOG("%s", last_msg);
	EXPECT_EQ(1, nr_devices());
	EXPECT_EQ(0, index_cmd(QBD_CMD_DEV_GET, idx));
	/* A reset, and the removal while it reconnects. */
	EXPECT_EQ(0, index_cmd(QBD_CMD_DEV_RESET, idx)) TH_LOG("%s", last_msg);
	EXPECT_EQ(0, index_cmd(QBD_CMD_DEV_DISCONNECT, idx));
	EXPECT_EQ(-ENODEV, index_cmd(QBD_CMD_DEV_DISCONNECT, idx));
	EXPECT_EQ(-ENODEV, index_cmd(QBD_CMD_DEV_RESET, idx));
	EXPECT_EQ(0, nr_devices());
}

/* A read-only open reads and refuses writes. */
TEST(read_only_refuses_writes)
{
	struct conn c = good();
	char path[32], *buf;
	int idx, fd;

	c.ro = 1;
	idx = connect_dev(&c);
	ASSERT_LE(0, idx) TH_LOG("%s", last_msg);
	snprintf(path, sizeof(path), "/dev/qbd%d", idx);
	ASSERT_EQ(0, posix_memalign((void **)&buf, 4096, 4096));
	fd = open(path, O_RDONLY | O_DIRECT);
	ASSERT_LE(0, fd);
	EXPECT_EQ(4096, pread(fd, buf, 4096, 0));
	close(fd);
	/* The block layer refuses a writable open of a read-only disk. */
	fd = open(path, O_RDWR | O_DIRECT);
	if (fd >= 0) {
		memset(buf, 0xa5, 4096);
		EXPECT_EQ(-1, pwrite(fd, buf, 4096, 0));
		close(fd);
	} else {
		EXPECT_EQ(EROFS, errno);
	}
	free(buf);
	EXPECT_EQ(0, index_cmd(QBD_CMD_DEV_DISCONNECT, idx));
	EXPECT_EQ(0, nr_devices());
}

TEST_HARNESS_MAIN
