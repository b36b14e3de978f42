// SPDX-License-Identifier: GPL-2.0
// Decoding hand-built messages laid out as the vmem module sends them
// (u64 values padded to 8 bytes with the *_PAD attribute).
#include <gtest/gtest.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <vmhost/vmem.h>

#include <cerrno>

#include "objects.h"

using namespace vmem;
namespace genl = vmhost::genl;

namespace
{

class Msg {
    public:
	Msg(std::uint8_t cmd, int pad)
		: m_(nlmsg_alloc())
		, pad_(pad)
	{
		genlmsg_put(m_.get(), 0, 1, 0x20, 0, NLM_F_MULTI, cmd,
			    VMEM_FAMILY_VERSION);
	}
	Msg &u8(int type, std::uint8_t v)
	{
		nla_put_u8(m_.get(), type, v);
		return *this;
	}
	Msg &u32(int type, std::uint32_t v)
	{
		nla_put_u32(m_.get(), type, v);
		return *this;
	}
	// As the kernel's nla_put_u64_64bit: a pad attribute first when the
	// value would not be 8-byte aligned.
	Msg &u64(int type, std::uint64_t v)
	{
		nlmsghdr *h = nlmsg_hdr(m_.get());
		if ((h->nlmsg_len + NLA_HDRLEN) % 8)
			nla_put(m_.get(), pad_, 0, nullptr);
		nla_put_u64(m_.get(), type, v);
		return *this;
	}
	Msg &str(int type, const char *s)
	{
		nla_put_string(m_.get(), type, s);
		return *this;
	}
	genl::Attrs attrs(int maxattr) const
	{
		return genl::Attrs(nlmsg_hdr(m_.get()), maxattr);
	}

    private:
	genl::MsgPtr m_;
	int pad_;
};

Msg pool_msg()
{
	Msg m(VMEM_CMD_POOL_GET, VMEM_A_POOL_PAD);

	m.u32(VMEM_A_POOL_NODE, 1)
		.u64(VMEM_A_POOL_TOTAL_BYTES, 64ULL << 30)
		.u64(VMEM_A_POOL_FREE_ZEROED_BYTES, 60ULL << 30)
		.u64(VMEM_A_POOL_FREE_DIRTY_BYTES, 1ULL << 30)
		.u64(VMEM_A_POOL_IN_USE_BYTES, 3ULL << 30)
		.u64(VMEM_A_POOL_PINNED_BYTES, 2ULL << 30)
		.u64(VMEM_A_POOL_POISONED_PAGES, 2)
		.u64(VMEM_A_POOL_METADATA_BYTES, 8192);
	return m;
}

} // namespace

TEST(Decode, Pool)
{
	Pool p = decode_pool(pool_msg().attrs(VMEM_A_POOL_MAX));

	EXPECT_EQ(p.node, 1u);
	EXPECT_EQ(p.total_bytes, 64ULL << 30);
	EXPECT_EQ(p.free_zeroed_bytes, 60ULL << 30);
	EXPECT_EQ(p.free_dirty_bytes, 1ULL << 30);
	EXPECT_EQ(p.in_use_bytes, 3ULL << 30);
	EXPECT_EQ(p.pinned_bytes, 2ULL << 30);
	EXPECT_EQ(p.poisoned_pages, 2u);
	EXPECT_EQ(p.metadata_bytes, 8192u);
}

TEST(Decode, MissingAttributeIsNamed)
{
	Msg m(VMEM_CMD_POOL_GET, VMEM_A_POOL_PAD);

	m.u32(VMEM_A_POOL_NODE, 0);
	try {
		decode_pool(m.attrs(VMEM_A_POOL_MAX));
		FAIL() << "decoded a pool without its sizes";
	} catch (const genl::Error &e) {
		EXPECT_EQ(e.kind(), genl::ErrorKind::Protocol);
		EXPECT_EQ(e.error(), EPROTO);
		EXPECT_NE(std::string(e.what()).find("pool message lacks "
						     "total_bytes"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(Decode, Range)
{
	Msg m(VMEM_CMD_RANGE_GET, VMEM_A_RANGE_PAD);

	m.u64(VMEM_A_RANGE_START, 4ULL << 30)
		.u64(VMEM_A_RANGE_SIZE, 2ULL << 30)
		.u32(VMEM_A_RANGE_NODE, 0)
		.u64(VMEM_A_RANGE_IN_USE_BYTES, 1ULL << 30);
	Range r = decode_range(m.attrs(VMEM_A_RANGE_MAX));
	EXPECT_EQ(r.start, 4ULL << 30);
	EXPECT_EQ(r.size, 2ULL << 30);
	EXPECT_EQ(r.node, 0u);
	EXPECT_EQ(r.in_use_bytes, 1ULL << 30);
}

TEST(Decode, File)
{
	Msg m(VMEM_CMD_FILE_GET, VMEM_A_FILE_PAD);

	m.u32(VMEM_A_FILE_DEV, 52)
		.u64(VMEM_A_FILE_INO, 1234)
		.str(VMEM_A_FILE_PATH, "/vm1/ram")
		.u64(VMEM_A_FILE_SIZE, 4ULL << 30)
		.u32(VMEM_A_FILE_UID, 107)
		.u32(VMEM_A_FILE_GID, 108)
		.u32(VMEM_A_FILE_NODE, VMEM_NODE_ANY)
		.u64(VMEM_A_FILE_MAPS_1G, 3)
		.u64(VMEM_A_FILE_MAPS_2M, 1)
		.u64(VMEM_A_FILE_MAPS_4K, 511)
		.u32(VMEM_A_FILE_POISONED_PAGES, 1);
	File f = decode_file(m.attrs(VMEM_A_FILE_MAX));
	EXPECT_EQ(f.dev, 52u);
	EXPECT_EQ(f.ino, 1234u);
	EXPECT_EQ(f.path, "/vm1/ram");
	EXPECT_EQ(f.size, 4ULL << 30);
	EXPECT_EQ(f.uid, 107u);
	EXPECT_EQ(f.gid, 108u);
	EXPECT_EQ(f.node, VMEM_NODE_ANY);
	EXPECT_EQ(f.maps_1g, 3u);
	EXPECT_EQ(f.maps_2m, 1u);
	EXPECT_EQ(f.maps_4k, 511u);
	EXPECT_EQ(f.poisoned_pages, 1u);
}

TEST(Decode, PoisonOptionalParts)
{
	Msg free_page(VMEM_CMD_POISON_GET, VMEM_A_POISON_PAD);

	free_page.u64(VMEM_A_POISON_PHYS, 0x12345f000ULL)
		.u32(VMEM_A_POISON_NODE, 0)
		.u32(VMEM_A_POISON_STATE, VMEM_POISON_STATE_FREE);
	Poison p = decode_poison(free_page.attrs(VMEM_A_POISON_MAX));
	EXPECT_EQ(p.phys, 0x12345f000ULL);
	EXPECT_EQ(p.state, unsigned{ VMEM_POISON_STATE_FREE });
	EXPECT_FALSE(p.dev || p.ino || p.offset || p.signalled);

	Msg event(VMEM_CMD_POISON_NTF, VMEM_A_POISON_PAD);
	event.u64(VMEM_A_POISON_PHYS, 0x200000000ULL)
		.u32(VMEM_A_POISON_NODE, 1)
		.u32(VMEM_A_POISON_STATE, VMEM_POISON_STATE_MAPPED)
		.u32(VMEM_A_POISON_DEV, 52)
		.u64(VMEM_A_POISON_INO, 99)
		.u64(VMEM_A_POISON_OFFSET, 0x40001000ULL)
		.u32(VMEM_A_POISON_SIGNALLED, 2);
	genl::Attrs a = event.attrs(VMEM_A_POISON_MAX);
	EXPECT_EQ(a.cmd(), VMEM_CMD_POISON_NTF);
	p = decode_poison(a);
	EXPECT_EQ(p.dev, 52u);
	EXPECT_EQ(p.ino, 99u);
	EXPECT_EQ(p.offset, 0x40001000ULL);
	EXPECT_EQ(p.signalled, 2u);
}

TEST(Decode, Config)
{
	Msg on(VMEM_CMD_CONFIG_GET, 0);

	on.u8(VMEM_A_CONFIG_SCRUB, 1);
	EXPECT_TRUE(decode_config(on.attrs(VMEM_A_CONFIG_MAX)).scrub);
	Msg off(VMEM_CMD_CONFIG_GET, 0);
	off.u8(VMEM_A_CONFIG_SCRUB, 0);
	EXPECT_FALSE(decode_config(off.attrs(VMEM_A_CONFIG_MAX)).scrub);
	Msg none(VMEM_CMD_CONFIG_GET, 0);
	EXPECT_THROW(decode_config(none.attrs(VMEM_A_CONFIG_MAX)), genl::Error);
}

TEST(Decode, WrongSizeIsAProtocolError)
{
	Msg m(VMEM_CMD_RANGE_GET, VMEM_A_RANGE_PAD);

	m.u32(VMEM_A_RANGE_START, 1) // a u64 attribute sent as u32
		.u64(VMEM_A_RANGE_SIZE, 1ULL << 30)
		.u32(VMEM_A_RANGE_NODE, 0)
		.u64(VMEM_A_RANGE_IN_USE_BYTES, 0);
	EXPECT_THROW(decode_range(m.attrs(VMEM_A_RANGE_MAX)), genl::Error);
}
