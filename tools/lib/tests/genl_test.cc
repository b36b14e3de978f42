// SPDX-License-Identifier: GPL-2.0
// The wrapper's parsing on hand-built messages, and its requests against
// the kernel's own generic netlink family, nlctrl (present on any Linux).
#include <gtest/gtest.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "genl.h"

using namespace vmhost::genl;

namespace
{

// An NLMSG_ERROR answering `req` (a GETFAMILY request with one string
// attribute) with `err`, optionally capped, with extended-ack `text`.
MsgPtr error_msg(int err, bool capped, const char *text, int miss_type = -1)
{
	MsgPtr req(nlmsg_alloc());
	genlmsg_put(req.get(), 1, 7, GENL_ID_CTRL, 0, NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(req.get(), CTRL_ATTR_FAMILY_NAME, "odd-length-name");
	const nlmsghdr *rh = nlmsg_hdr(req.get());

	int flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	MsgPtr m(nlmsg_alloc_simple(NLMSG_ERROR, flags));
	nlmsgerr e = {};
	e.error = -err;
	e.msg = *rh;
	nlmsg_append(m.get(), &e, sizeof(e), NLMSG_ALIGNTO);
	if (!capped)
		nlmsg_append(
			m.get(),
			const_cast<char *>(reinterpret_cast<const char *>(rh)) +
				NLMSG_HDRLEN,
			rh->nlmsg_len - NLMSG_HDRLEN, NLMSG_ALIGNTO);
	if (text)
		nla_put_string(m.get(), NLMSGERR_ATTR_MSG, text);
	if (miss_type >= 0)
		nla_put_u32(m.get(), NLMSGERR_ATTR_MISS_TYPE, miss_type);
	return m;
}

// Tests on nlctrl through `s`; skipped where netlink is unavailable.
class GenlKernel : public ::testing::Test {
    protected:
	void SetUp() override
	{
		try {
			s = std::make_unique<Socket>("nlctrl", 2);
		} catch (const Error &e) {
			GTEST_SKIP() << "no generic netlink here: " << e.what();
		}
	}

	std::unique_ptr<Socket> s;
};

} // namespace

TEST(Genl, ExtackUncapped)
{
	MsgPtr m = error_msg(EINVAL, false, "start is not 1 GiB aligned");

	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())),
		  "start is not 1 GiB aligned");
}

TEST(Genl, ExtackCapped)
{
	MsgPtr m = error_msg(EPERM, true, "needs CAP_SYS_ADMIN");

	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())), "needs CAP_SYS_ADMIN");
}

TEST(Genl, ExtackMissingAttribute)
{
	MsgPtr m = error_msg(EINVAL, true, nullptr, 2);

	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())), "missing attribute 2");
	m = error_msg(EINVAL, false, "no size", 2);
	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())),
		  "no size (missing attribute 2)");
}

TEST(Genl, ExtackAbsent)
{
	MsgPtr m = error_msg(EINVAL, false, nullptr);

	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())), "");
	m = error_msg(EINVAL, true, "text");
	nlmsg_hdr(m.get())->nlmsg_flags &= ~NLM_F_ACK_TLVS;
	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())), "");
}

TEST(Genl, ExtackInDumpDone)
{
	MsgPtr m(nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS));
	int err = -ENOMEM;

	nlmsg_append(m.get(), &err, sizeof(err), NLMSG_ALIGNTO);
	nla_put_string(m.get(), NLMSGERR_ATTR_MSG, "out of chunks");
	EXPECT_EQ(extack_message(nlmsg_hdr(m.get())), "out of chunks");
}

TEST(Genl, KernelErrorText)
{
	Error e = Error::kernel(EPERM, "needs CAP_SYS_ADMIN");

	EXPECT_EQ(e.kind(), ErrorKind::Kernel);
	EXPECT_EQ(e.error(), EPERM);
	EXPECT_EQ(e.extack(), "needs CAP_SYS_ADMIN");
	EXPECT_EQ(std::string(e.what()),
		  std::string(std::strerror(EPERM)) + ": needs CAP_SYS_ADMIN");
	EXPECT_EQ(std::string(Error::kernel(ENOENT, "").what()),
		  std::strerror(ENOENT));
}

TEST(Genl, AttrsParse)
{
	MsgPtr m(nlmsg_alloc());
	std::uint8_t u8 = 7;
	std::uint32_t u32 = 0xffffffffu;
	std::uint64_t u64 = 0x123456789abcdef0ULL;

	genlmsg_put(m.get(), 0, 0, 0x20, 0, 0, 3, 1);
	nla_put(m.get(), 1, 1, &u8);
	nla_put(m.get(), 2, 4, &u32);
	nla_put(m.get(), 3, 8, &u64); // not 8-byte aligned after the u8
	nla_put_string(m.get(), 4, "/vm1/mem");
	nla_put(m.get(), 9, 4, &u32); // above maxattr: ignored

	Attrs a(nlmsg_hdr(m.get()), 6);
	EXPECT_EQ(a.cmd(), 3);
	EXPECT_EQ(a.u8(1), 7);
	EXPECT_EQ(a.u32(2), 0xffffffffu);
	EXPECT_EQ(a.u64(3), 0x123456789abcdef0ULL);
	EXPECT_EQ(a.str(4), "/vm1/mem");
	EXPECT_FALSE(a.u64(5).has_value());
	EXPECT_FALSE(a.has(9));
	EXPECT_EQ(a.get(100), nullptr);
	EXPECT_EQ(a.get(-1), nullptr);
	try {
		a.u64(2);
		FAIL() << "a u32 read as u64";
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::Protocol);
	}
}

TEST(Genl, AttrsUnterminatedString)
{
	MsgPtr m(nlmsg_alloc());

	genlmsg_put(m.get(), 0, 0, 0x20, 0, 0, 3, 1);
	nla_put(m.get(), 1, 3, "abc");
	Attrs a(nlmsg_hdr(m.get()), 1);
	EXPECT_THROW(a.str(1), Error);
}

TEST(Genl, AttrsNestedRepeatedBinary)
{
	MsgPtr m(nlmsg_alloc());
	std::uint64_t hist[3] = { 1, 2, 3 };

	genlmsg_put(m.get(), 0, 0, 0x20, 0, 0, 3, 1);
	nla_put_u32(m.get(), 1, 5);
	for (std::uint32_t op = 0; op < 3; op++) {
		nlattr *n = nla_nest_start(m.get(), 2);
		nla_put_u32(m.get(), 1, op);
		nla_put(m.get(), 2, sizeof(hist), hist);
		nla_nest_end(m.get(), n);
	}
	nla_put_u32(m.get(), 3, 9);

	Attrs a(nlmsg_hdr(m.get()), 3);
	EXPECT_EQ(a.all(1).size(), 1u);
	EXPECT_TRUE(a.all(4).empty());
	auto nests = a.all(2);
	ASSERT_EQ(nests.size(), 3u);
	for (std::uint32_t op = 0; op < 3; op++) {
		Attrs n(nests[op], 2);
		EXPECT_EQ(n.cmd(), 0);
		EXPECT_EQ(n.u32(1), op);
		auto b = n.bytes(2);
		ASSERT_TRUE(b.has_value());
		ASSERT_EQ(b->size(), sizeof(hist));
		EXPECT_EQ(std::memcmp(b->data(), hist, sizeof(hist)), 0);
		EXPECT_EQ(n.all(2).size(), 1u);
		EXPECT_FALSE(n.bytes(3).has_value());
	}
	EXPECT_EQ(a.u32(3), 9u);
}

TEST_F(GenlKernel, ResolvesFamily)
{
	EXPECT_EQ(s->family_id(), GENL_ID_CTRL);
	EXPECT_EQ(s->family(), "nlctrl");
}

TEST_F(GenlKernel, MissingFamily)
{
	try {
		Socket none("vmhost-no-such");
		FAIL() << "resolved a family that does not exist";
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::FamilyNotFound);
		EXPECT_EQ(e.error(), ENOENT);
		EXPECT_NE(std::string(e.what()).find("vmhost-no-such"),
			  std::string::npos);
	}
}

TEST_F(GenlKernel, Dump)
{
	std::vector<std::string> names;

	s->dump(CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX, {}, [&](const Attrs &a) {
		EXPECT_EQ(a.cmd(), CTRL_CMD_NEWFAMILY);
		names.push_back(a.str(CTRL_ATTR_FAMILY_NAME).value_or(""));
	});
	EXPECT_NE(std::find(names.begin(), names.end(), "nlctrl"), names.end());
}

TEST_F(GenlKernel, DoWithReply)
{
	int replies = 0;

	s->request(
		CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX,
		[](Message &m) {
			m.put_string(CTRL_ATTR_FAMILY_NAME, "nlctrl");
		},
		[&](const Attrs &a) {
			replies++;
			EXPECT_EQ(a.u16(CTRL_ATTR_FAMILY_ID), GENL_ID_CTRL);
		});
	EXPECT_EQ(replies, 1);
}

TEST_F(GenlKernel, KernelErrno)
{
	try {
		s->request(CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX, [](Message &m) {
			m.put_string(CTRL_ATTR_FAMILY_NAME, "vmhost-no-such");
		});
		FAIL() << "no error";
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::Kernel);
		EXPECT_EQ(e.error(), ENOENT);
	}
}

TEST_F(GenlKernel, KernelExtack)
{
	try {
		// CTRL_ATTR_FAMILY_ID is a u16: the policy refuses one byte.
		s->request(CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX, [](Message &m) {
			m.put_u8(CTRL_ATTR_FAMILY_ID, GENL_ID_CTRL);
		});
		FAIL() << "no error";
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::Kernel);
		// EINVAL or ERANGE, depending on the kernel's validation.
		EXPECT_TRUE(e.error() == EINVAL || e.error() == ERANGE)
			<< e.what();
		EXPECT_FALSE(e.extack().empty());
		EXPECT_NE(std::string(e.what()).find(e.extack()),
			  std::string::npos);
	}
}

TEST_F(GenlKernel, HandlerFailureDrainsTheDump)
{
	int calls = 0;

	EXPECT_THROW(s->dump(CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX, {},
			     [&](const Attrs &) {
				     calls++;
				     throw std::runtime_error("stop");
			     }),
		     std::runtime_error);
	EXPECT_EQ(calls, 1);
	// The socket is clean for the next request.
	int replies = 0;
	s->request(
		CTRL_CMD_GETFAMILY, CTRL_ATTR_MAX,
		[](Message &m) {
			m.put_string(CTRL_ATTR_FAMILY_NAME, "nlctrl");
		},
		[&](const Attrs &) { replies++; });
	EXPECT_EQ(replies, 1);
}

TEST_F(GenlKernel, Groups)
{
	EXPECT_NO_THROW(s->subscribe("notify"));
	try {
		s->subscribe("vmhost-no-such");
		FAIL() << "joined a group that does not exist";
	} catch (const Error &e) {
		EXPECT_EQ(e.kind(), ErrorKind::GroupNotFound);
	}
	int asked = 0;
	s->listen(
		CTRL_ATTR_MAX, [](const Attrs &) {},
		[&] { return ++asked > 0; });
	EXPECT_EQ(asked, 1);
}
