// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for qbd's protocol checks (proto.c): what a target may
 * answer at connect, in an open, in a response and in a rejection.
 */
#include <kunit/test.h>
#include "qbd.h"

static const struct qbd_cm_req io_req = {
	.magic = cpu_to_le32(QBD_MAGIC),
	.version = cpu_to_le16(QBD_VERSION),
	.qid = cpu_to_le16(1),
	.depth = cpu_to_le16(128),
	.inline_size = cpu_to_le32(4096),
};

static struct qbd_cm_rep good_rep(void)
{
	struct qbd_cm_rep rep = {
		.magic = cpu_to_le32(QBD_MAGIC),
		.version = cpu_to_le16(QBD_VERSION),
		.qid = cpu_to_le16(1),
		.depth = cpu_to_le16(128),
		.inline_size = cpu_to_le32(4096),
		.max_io = cpu_to_le32(SZ_1M),
	};
	return rep;
}

static void qbd_rep_good(struct kunit *test)
{
	struct qbd_cm_rep rep = good_rep(), out;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(out.max_io), SZ_1M);
	rep.depth = cpu_to_le16(16);	/* less than asked is fine */
	rep.inline_size = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), 0);
}

static void qbd_rep_bad(struct kunit *test)
{
	struct qbd_cm_rep rep, out;
	const char *why = NULL;

	rep = good_rep();
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep) - 1,
					    &out, &why), -EPROTO);
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, NULL, 0, &out, &why),
			-EPROTO);
	rep.magic = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	rep = good_rep();
	rep.version = cpu_to_le16(QBD_VERSION + 1);	/* from the future */
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTONOSUPPORT);
	rep.version = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTONOSUPPORT);
	rep = good_rep();
	rep.qid = cpu_to_le16(2);
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	rep = good_rep();
	rep.depth = cpu_to_le16(129);
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	rep.depth = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	rep = good_rep();
	rep.inline_size = cpu_to_le32(8192);
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	rep = good_rep();
	rep.max_io = cpu_to_le32(SZ_4K + 512);
	KUNIT_EXPECT_EQ(test, qbd_check_rep(&io_req, &rep, sizeof(rep), &out,
					    &why), -EPROTO);
	KUNIT_EXPECT_NOT_NULL(test, why);
}

static struct qbd_info good_info(void)
{
	struct qbd_info info = {
		.session = cpu_to_le64(0x1234),
		.capacity = cpu_to_le64(SZ_1G),
		.caps = cpu_to_le32(QBD_CAP_FLUSH | QBD_CAP_FUA),
		.block_size = cpu_to_le32(512),
		.max_io = cpu_to_le32(SZ_1M),
		.max_discard = cpu_to_le32(SZ_1G),
		.queues = cpu_to_le16(2),
		.depth = cpu_to_le16(128),
	};
	return info;
}

static void qbd_info_checks(struct kunit *test)
{
	struct qbd_info info = good_info();
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), 0);
	info.session = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.block_size = cpu_to_le32(1024);
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.capacity = cpu_to_le64(SZ_1G + 1);
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.queues = cpu_to_le16(QBD_MAX_QUEUES + 1);
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.depth = 0;
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.max_io = cpu_to_le32(1000);
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
	info = good_info();
	info.block_size = cpu_to_le32(4096);
	info.max_discard = cpu_to_le32(512);
	KUNIT_EXPECT_EQ(test, qbd_check_info(&info, &why), -EPROTO);
}

static void qbd_rsp_checks(struct kunit *test)
{
	struct qbd_rsp rsp = {
		.opcode = QBD_OP_READ,
		.length = cpu_to_le32(4096),
	};
	const char *why = NULL;

	KUNIT_EXPECT_TRUE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 4096, &why));
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_WRITE, 4096, &why));
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 8192, &why));
	rsp.length = cpu_to_le32(2048);	/* short */
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 4096, &why));
	rsp.status = cpu_to_le16(QBD_S_IO);
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 4096, &why));
	rsp.length = 0;
	KUNIT_EXPECT_TRUE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 4096, &why));
	rsp.status = cpu_to_le16(QBD_S_MAX + 1);
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_READ, 4096, &why));
	rsp.status = 0;
	rsp.opcode = QBD_OP_FLUSH;
	rsp.length = cpu_to_le32(99);	/* a flush moves nothing */
	KUNIT_EXPECT_FALSE(test, qbd_check_rsp(&rsp, QBD_OP_FLUSH, 0, &why));
	rsp.length = 0;
	KUNIT_EXPECT_TRUE(test, qbd_check_rsp(&rsp, QBD_OP_FLUSH, 0, &why));
	rsp.opcode = QBD_OP_DISCARD;
	KUNIT_EXPECT_TRUE(test, qbd_check_rsp(&rsp, QBD_OP_DISCARD, 0, &why));
}

static void qbd_rej_checks(struct kunit *test)
{
	struct qbd_cm_rej rej = {
		.magic = cpu_to_le32(QBD_MAGIC),
		.version = cpu_to_le16(1),
		.status = cpu_to_le16(QBD_S_VERSION),
	};
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, qbd_rej_errno(&rej, sizeof(rej), &why),
			-EPROTONOSUPPORT);
	rej.status = cpu_to_le16(QBD_S_NO_SESSION);
	KUNIT_EXPECT_EQ(test, qbd_rej_errno(&rej, sizeof(rej), &why), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, qbd_rej_errno(&rej, 4, &why), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, qbd_rej_errno(NULL, 0, &why), -ECONNREFUSED);
	rej.magic = 0;
	KUNIT_EXPECT_EQ(test, qbd_rej_errno(&rej, sizeof(rej), &why),
			-ECONNREFUSED);
}

static void qbd_misc(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(0), 0);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(999), 0);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(1000), 0);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(2000), 1);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(1023999), 9);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(1024000), 10);
	KUNIT_EXPECT_EQ(test, qbd_lat_bucket(U64_MAX), QBD_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, qbd_tag(0xabcd, 0x12), 0xabcd0012);
	KUNIT_EXPECT_EQ(test, qbd_status_to_errno(QBD_S_ACCESS), -EACCES);
	KUNIT_EXPECT_EQ(test, qbd_status_to_errno(QBD_S_NO_VOLUME), -ENOENT);
	KUNIT_EXPECT_EQ(test, qbd_status_to_errno(999), -EIO);
	KUNIT_EXPECT_EQ(test, qbd_status_to_blk(QBD_S_OK), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, qbd_status_to_blk(QBD_S_IO), BLK_STS_IOERR);
}

/*
 * The MAC of an open against a vector computed outside the kernel:
 *   (printf '%b' "$(printf '\\x%02x' $(seq 0 31))"; printf 'host-a';
 *    head -c 58 /dev/zero; printf 'vol0'; head -c 60 /dev/zero) |
 *   openssl dgst -sha256 -mac HMAC -macopt key:s3cret
 */
static void qbd_mac(struct kunit *test)
{
	static const u8 want[QBD_MAC_LEN] = {
		0x0e, 0x24, 0x45, 0xc6, 0x17, 0xa5, 0xb2, 0x30,
		0x1d, 0xf2, 0xa8, 0xf9, 0x4a, 0xc3, 0xb8, 0x06,
		0x50, 0xc7, 0xd7, 0xf9, 0xbe, 0xcd, 0x63, 0xff,
		0x65, 0x2f, 0x69, 0xb6, 0x2d, 0xaa, 0xbb, 0x46,
	};
	struct qbd_params p = { .secret = "s3cret", .secret_len = 6 };
	struct qbd_open open = {};
	u8 nonce[QBD_NONCE_LEN], mac[QBD_MAC_LEN], zero[QBD_MAC_LEN] = {};
	int i;

	for (i = 0; i < QBD_NONCE_LEN; i++)
		nonce[i] = i;
	strscpy_pad(open.host, "host-a");
	strscpy_pad(open.volume, "vol0");
	KUNIT_ASSERT_EQ(test, qbd_open_mac(&p, nonce, &open, mac), 0);
	KUNIT_EXPECT_MEMEQ(test, mac, want, QBD_MAC_LEN);
	p.secret_len = 0;
	KUNIT_ASSERT_EQ(test, qbd_open_mac(&p, nonce, &open, mac), 0);
	KUNIT_EXPECT_MEMEQ(test, mac, zero, QBD_MAC_LEN);
}

static struct kunit_case qbd_proto_cases[] = {
	KUNIT_CASE(qbd_rep_good),
	KUNIT_CASE(qbd_rep_bad),
	KUNIT_CASE(qbd_info_checks),
	KUNIT_CASE(qbd_rsp_checks),
	KUNIT_CASE(qbd_rej_checks),
	KUNIT_CASE(qbd_misc),
	KUNIT_CASE(qbd_mac),
	{}
};

static struct kunit_suite qbd_proto_suite = {
	.name = "qbd-proto",
	.test_cases = qbd_proto_cases,
};

kunit_test_suite(qbd_proto_suite);

MODULE_DESCRIPTION("KUnit tests for qbd's protocol checks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
