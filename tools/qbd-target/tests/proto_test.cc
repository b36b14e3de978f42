// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <gtest/gtest.h>

#include <cstring>

#include "proto.h"

using namespace qbd;

namespace
{

std::string hex(const Mac &m)
{
	std::string s;
	char b[3];
	for (auto c : m) {
		snprintf(b, sizeof(b), "%02x", c);
		s += b;
	}
	return s;
}

} // namespace

// The vectors come from `openssl dgst -sha256 -mac HMAC -macopt key:KEY`.
TEST(Hmac, MatchesOpenSslCommandLine)
{
	std::string k = "key",
		    m = "The quick brown fox jumps over the lazy dog";
	Mac mac = hmac_sha256({ (const uint8_t *)k.data(), k.size() },
			      { (const uint8_t *)m.data(), m.size() });
	EXPECT_EQ(hex(mac), "f7bc83f430538424b13298e6aa6fb143"
			    "ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(Hmac, OpenMacIsOverNonceHostVolumeAsSent)
{
	// printf nonce 00..1f, "host-a" and "vol0" NUL-padded to 64 bytes
	// into a file; openssl dgst -sha256 -mac HMAC -macopt key:s3cret.
	Nonce n;
	for (int i = 0; i < 32; i++)
		n[i] = i;
	char host[QBD_NAME_MAX] = "host-a", vol[QBD_NAME_MAX] = "vol0";
	EXPECT_EQ(hex(open_mac("s3cret", n, host, vol)),
		  "0e2445c617a5b2301df2a8f94ac3b806"
		  "50c7d7f9becd63ff652f69b62daabb46");
}

TEST(Hmac, ConstantTimeCompare)
{
	uint8_t a[QBD_MAC_LEN] = {}, b[QBD_MAC_LEN] = {};
	EXPECT_TRUE(mac_equal(a, b));
	b[31] = 1;
	EXPECT_FALSE(mac_equal(a, b));
}

namespace
{

std::vector<uint8_t> cm_req(uint32_t magic, uint16_t version, uint16_t qid,
			    uint16_t depth, uint64_t session = 0,
			    size_t pad_to = 56)
{
	qbd_cm_req r{};
	r.magic = htole32(magic);
	r.version = htole16(version);
	r.qid = htole16(qid);
	r.depth = htole16(depth);
	r.inline_size = htole32(4096);
	r.session = htole64(session);
	std::vector<uint8_t> v(pad_to);
	std::memcpy(v.data(), &r, std::min(sizeof(r), pad_to));
	return v;
}

} // namespace

TEST(CmReq, AcceptsAdminAndIoRequests)
{
	CmReq r;
	auto v = cm_req(QBD_MAGIC, 1, 0, 4);
	ASSERT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_OK);
	EXPECT_EQ(r.qid, 0);
	EXPECT_EQ(r.depth, 4);
	EXPECT_EQ(r.inline_size, 4096u);
	v = cm_req(QBD_MAGIC, 7, 3, 128, 0x1234);
	ASSERT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_OK);
	EXPECT_EQ(r.version, 7); // a newer host: we speak 1 with it
	EXPECT_EQ(r.session, 0x1234u);
}

TEST(CmReq, RefusesMalformedPrivateData)
{
	CmReq r;
	auto v = cm_req(QBD_MAGIC, 1, 0, 4, 0, 31);
	EXPECT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_INVALID);
	EXPECT_EQ(parse_cm_req(nullptr, 0, &r), QBD_S_INVALID);
	v = cm_req(0xdeadbeef, 1, 0, 4);
	EXPECT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_INVALID);
	v = cm_req(QBD_MAGIC, 1, 0, 0);
	EXPECT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_INVALID);
}

TEST(CmReq, VersionZeroGetsVersionStatus)
{
	CmReq r;
	auto v = cm_req(QBD_MAGIC, 0, 0, 4);
	EXPECT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_VERSION);
	qbd_cm_rej rej = make_rej(QBD_S_VERSION);
	EXPECT_EQ(le32toh(rej.magic), (uint32_t)QBD_MAGIC);
	EXPECT_EQ(le16toh(rej.version), 1);
	EXPECT_EQ(le16toh(rej.status), QBD_S_VERSION);
}

TEST(CmReq, IoQueueWithoutSession)
{
	CmReq r;
	auto v = cm_req(QBD_MAGIC, 1, 1, 4, 0);
	EXPECT_EQ(parse_cm_req(v.data(), v.size(), &r), QBD_S_NO_SESSION);
}

namespace
{

struct OpenFixture : ::testing::Test {
	VolumeConfig vol{ "vol0", "/x", false, {} };
	Nonce nonce{};
	qbd_open op{};

	void SetUp() override
	{
		vol.allow.push_back({ "host-a", "/s", "s3cret" });
		vol.allow.push_back({ "host-b", "", "" });
		for (int i = 0; i < 32; i++)
			nonce[i] = i;
		std::strcpy(op.volume, "vol0");
	}
	void sign(const std::string &secret)
	{
		Mac m = open_mac(secret, nonce, op.host, op.volume);
		std::memcpy(op.mac, m.data(), m.size());
	}
};

} // namespace

TEST_F(OpenFixture, RightSecretOpens)
{
	std::strcpy(op.host, "host-a");
	sign("s3cret");
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_OK);
}

TEST_F(OpenFixture, WrongSecretIsRefused)
{
	std::strcpy(op.host, "host-a");
	sign("s3creT");
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_ACCESS);
	std::memset(op.mac, 0, sizeof(op.mac));
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_ACCESS);
}

TEST_F(OpenFixture, MacOfAnotherNonceIsRefused)
{
	std::strcpy(op.host, "host-a");
	sign("s3cret");
	nonce[0] ^= 1; // a replay on another connection
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_ACCESS);
}

TEST_F(OpenFixture, EntryWithoutSecretIgnoresMac)
{
	std::strcpy(op.host, "host-b");
	std::memset(op.mac, 0xa5, sizeof(op.mac));
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_OK);
}

TEST_F(OpenFixture, HostNotAllowed)
{
	std::strcpy(op.host, "host-c");
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_ACCESS);
}

TEST_F(OpenFixture, UnknownVolume)
{
	std::strcpy(op.host, "host-a");
	EXPECT_EQ(authorize(op, nonce, nullptr), QBD_S_NO_VOLUME);
}

TEST_F(OpenFixture, BadlyPaddedOrEmptyNames)
{
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_INVALID); // empty host
	std::strcpy(op.host, "host-b");
	op.host[10] = 'x'; // garbage after the NUL
	EXPECT_EQ(authorize(op, nonce, &vol), QBD_S_INVALID);
}

TEST(WireName, SixtyFourByteNameHasNoNul)
{
	char f[QBD_NAME_MAX];
	std::memset(f, 'a', sizeof(f));
	bool ok;
	EXPECT_EQ(wire_name(f, &ok), std::string(64, 'a'));
	EXPECT_TRUE(ok);
}

TEST(Grant, ClampsToTargetLimits)
{
	Config c;
	c.queues = 8;
	c.depth = 64;
	qbd_open op{};
	op.queues = htole16(100);
	op.depth = htole16(2000);
	Grant g;
	ASSERT_EQ(grant(op, c, &g), QBD_S_OK);
	EXPECT_EQ(g.queues, 8);
	EXPECT_EQ(g.depth, 64);
	op.queues = htole16(2);
	op.depth = htole16(16);
	ASSERT_EQ(grant(op, c, &g), QBD_S_OK);
	EXPECT_EQ(g.queues, 2);
	EXPECT_EQ(g.depth, 16);
	op.queues = 0;
	EXPECT_EQ(grant(op, c, &g), QBD_S_INVALID);
}

// --- I/O request validation: one test per way a request can be bad ---

namespace
{

const IoLimits lim = {
	.capacity = 1 << 20,
	.block_size = 512,
	.max_io = 128 << 10,
	.max_discard = 1 << 20,
	.inline_size = 4096,
	.read_only = false,
	.discard = true,
};
const uint32_t HDR = sizeof(qbd_req);

IoReq rq(uint8_t op, uint64_t off, uint32_t len, uint32_t rkey = 0x1234,
	 uint8_t flags = 0)
{
	return { op, flags, 7, off, len, rkey, 0x1000 };
}

} // namespace

TEST(Validate, GoodRequests)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 4096), HDR, lim), QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 512, 65536), HDR, lim),
		  QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 4096, 0), HDR + 4096, lim),
		  QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 512, 0, QBD_REQ_FUA),
			      HDR + 512, lim),
		  QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_FLUSH, 0, 0, 0), HDR, lim), QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 0, 1 << 20, 0), HDR, lim),
		  QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 4096, 4096, 0), HDR, lim),
		  QBD_S_OK);
	// The last sector.
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, (1 << 20) - 512, 512), HDR, lim),
		  QBD_S_OK);
}

TEST(Validate, UnknownOpcode)
{
	for (uint8_t op : { 0x00, 0x06, 0x7f, 0xc0, 0xff })
		EXPECT_EQ(validate_io(rq(op, 0, 4096), HDR, lim), QBD_S_INVALID)
			<< int(op);
}

TEST(Validate, AdminOpcodeOnIoQueue)
{
	for (uint8_t op : { QBD_OP_OPEN, QBD_OP_CLOSE, QBD_OP_KEEPALIVE })
		EXPECT_EQ(validate_io(rq(op, 0, 0, 0), HDR, lim),
			  QBD_S_INVALID);
}

TEST(Validate, BadFlags)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 4096, 1, 0x02), HDR, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 4096, 1, 0x81), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, UnalignedOffsetOrLength)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 1, 4096), HDR, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 1000), HDR, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 100, 512, 0), HDR, lim),
		  QBD_S_INVALID);
	IoLimits l4k = lim;
	l4k.block_size = 4096; // 512-aligned is not enough on a 4K device
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 512, 4096), HDR, l4k),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 512), HDR, l4k),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 4096, 4096), HDR, l4k), QBD_S_OK);
}

TEST(Validate, ZeroLength)
{
	for (uint8_t op :
	     { QBD_OP_READ, QBD_OP_WRITE, QBD_OP_DISCARD, QBD_OP_WRITE_ZEROES })
		EXPECT_EQ(
			validate_io(rq(op, 0, 0,
				       op == QBD_OP_READ || op == QBD_OP_WRITE ?
					       1 :
					       0),
				    HDR, lim),
			QBD_S_INVALID)
			<< int(op);
}

TEST(Validate, FlushWithLength)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_FLUSH, 0, 512, 0), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, BeyondCapacity)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 1 << 20, 512), HDR, lim),
		  QBD_S_RANGE);
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, (1 << 20) - 512, 1024), HDR, lim),
		  QBD_S_RANGE);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 1 << 19, 1 << 20, 0), HDR,
			      lim),
		  QBD_S_RANGE);
}

TEST(Validate, OffsetPlusLengthOverflows)
{
	uint64_t off = UINT64_MAX - 511; // aligned, and + 4096 wraps
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, off, 4096), HDR, lim),
		  QBD_S_RANGE);
	IoLimits huge = lim;
	huge.capacity = UINT64_MAX - 511;
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, off - 4096 + 512, 8192), HDR,
			      huge),
		  QBD_S_RANGE);
}

TEST(Validate, LongerThanMaxIo)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, (128 << 10) + 512), HDR, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 256 << 10), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, LongerThanMaxDiscard)
{
	IoLimits big = lim;
	big.capacity = 1ull << 32;
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 0, (1 << 20) + 512, 0), HDR,
			      big),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 0, 2 << 20, 0), HDR, big),
		  QBD_S_INVALID);
}

TEST(Validate, DiscardUnsupported)
{
	IoLimits nd = lim;
	nd.discard = false;
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 0, 4096, 0), HDR, nd),
		  QBD_S_UNSUPPORTED);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 0, 4096, 0), HDR, nd),
		  QBD_S_OK);
	nd.max_discard = 0;
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 0, 4096, 0), HDR, nd),
		  QBD_S_UNSUPPORTED);
}

TEST(Validate, InlineLengthMismatch)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 4096, 0), HDR + 512, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 512, 0), HDR + 4096, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 512, 0), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, InlineLongerThanInlineSize)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 8192, 0), HDR + 8192, lim),
		  QBD_S_INVALID);
}

TEST(Validate, DataAfterNonInlineRequest)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 4096), HDR + 512, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 4096, 5), HDR + 4096, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_FLUSH, 0, 0, 0), HDR + 8, lim),
		  QBD_S_INVALID);
}

TEST(Validate, ReadWithoutRkey)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 4096, 0), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, RkeyOnRequestWithoutTransfer)
{
	EXPECT_EQ(validate_io(rq(QBD_OP_FLUSH, 0, 0, 9), HDR, lim),
		  QBD_S_INVALID);
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 0, 512, 9), HDR, lim),
		  QBD_S_INVALID);
}

TEST(Validate, ReadOnly)
{
	IoLimits ro = lim;
	ro.read_only = true;
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 4096), HDR, ro),
		  QBD_S_READ_ONLY);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE, 0, 512, 0), HDR + 512, ro),
		  QBD_S_READ_ONLY);
	EXPECT_EQ(validate_io(rq(QBD_OP_DISCARD, 0, 512, 0), HDR, ro),
		  QBD_S_READ_ONLY);
	EXPECT_EQ(validate_io(rq(QBD_OP_WRITE_ZEROES, 0, 512, 0), HDR, ro),
		  QBD_S_READ_ONLY);
	EXPECT_EQ(validate_io(rq(QBD_OP_READ, 0, 512), HDR, ro), QBD_S_OK);
	EXPECT_EQ(validate_io(rq(QBD_OP_FLUSH, 0, 0, 0), HDR, ro), QBD_S_OK);
}

TEST(Validate, DecodeIsLittleEndian)
{
	qbd_req r{};
	r.opcode = QBD_OP_READ;
	r.tag = htole32(0x01020304);
	r.offset = htole64(0x1122334455667788ull);
	r.length = htole32(4096);
	r.rkey = htole32(0xabcd);
	IoReq d = decode_req(r);
	EXPECT_EQ(d.tag, 0x01020304u);
	EXPECT_EQ(d.offset, 0x1122334455667788ull);
	EXPECT_EQ(d.length, 4096u);
	EXPECT_EQ(d.rkey, 0xabcdu);
	qbd_rsp rsp = make_rsp(9, QBD_S_RANGE, QBD_OP_READ, 0);
	EXPECT_EQ(le32toh(rsp.tag), 9u);
	EXPECT_EQ(le16toh(rsp.status), QBD_S_RANGE);
	EXPECT_EQ(rsp.opcode, QBD_OP_READ);
}
