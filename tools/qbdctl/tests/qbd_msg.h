// SPDX-License-Identifier: GPL-2.0
// Hand-built qbd messages for the tests, laid out as the kernel's
// nla_put_u64_64bit lays them out.
#pragma once

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <vmhost/qbd.h>

#include "genl.h"

namespace qbd
{

class Msg {
    public:
	explicit Msg(std::uint8_t cmd)
		: m_(nlmsg_alloc())
	{
		genlmsg_put(m_.get(), 0, 1, 0x20, 0, NLM_F_MULTI, cmd,
			    QBD_FAMILY_VERSION);
	}
	Msg &u16(int type, std::uint16_t v)
	{
		nla_put_u16(m_.get(), type, v);
		return *this;
	}
	Msg &u32(int type, std::uint32_t v)
	{
		nla_put_u32(m_.get(), type, v);
		return *this;
	}
	// A pad attribute first when the value would not be 8-byte aligned;
	// inside an op-stats nest the pad is the nest's own.
	Msg &u64(int type, std::uint64_t v)
	{
		pad();
		nla_put_u64(m_.get(), type, v);
		return *this;
	}
	Msg &str(int type, const char *s)
	{
		nla_put_string(m_.get(), type, s);
		return *this;
	}
	Msg &flag(int type)
	{
		nla_put_flag(m_.get(), type);
		return *this;
	}
	Msg &bin(int type, const void *p, int len)
	{
		pad();
		nla_put(m_.get(), type, len, p);
		return *this;
	}
	nlattr *nest(int type)
	{
		nested_ = true;
		return nla_nest_start(m_.get(), type);
	}
	void end(nlattr *n)
	{
		nla_nest_end(m_.get(), n);
		nested_ = false;
	}
	vmhost::genl::Attrs attrs() const
	{
		return vmhost::genl::Attrs(nlmsg_hdr(m_.get()), QBD_A_DEV_MAX);
	}

    private:
	void pad()
	{
		nlmsghdr *h = nlmsg_hdr(m_.get());
		if ((h->nlmsg_len + NLA_HDRLEN) % 8)
			nla_put(m_.get(),
				nested_ ? int(QBD_A_OP_PAD) :
					  int(QBD_A_DEV_PAD),
				0, nullptr);
	}

	vmhost::genl::MsgPtr m_;
	bool nested_ = false;
};

// qbd3: every attribute, a read histogram and a write without one.
inline Msg full_device_msg()
{
	Msg m(QBD_CMD_DEV_GET);
	std::uint64_t hist[QBD_LAT_BUCKETS] = {};

	hist[6] = 90; // [64, 128) us
	hist[10] = 10; // [1024, 2048) us
	m.u32(QBD_A_DEV_INDEX, 3)
		.str(QBD_A_DEV_NAME, "qbd3")
		.str(QBD_A_DEV_ADDR, "2001:db8::7")
		.u16(QBD_A_DEV_PORT, 4460)
		.str(QBD_A_DEV_VOLUME, "vol1")
		.str(QBD_A_DEV_HOST, "hv1")
		.u32(QBD_A_DEV_QUEUES, 4)
		.u32(QBD_A_DEV_DEPTH, 128)
		.flag(QBD_A_DEV_READ_ONLY)
		.u32(QBD_A_DEV_LOSS_TIMEOUT, 600)
		.u32(QBD_A_DEV_KEEPALIVE, 5)
		.u32(QBD_A_DEV_STATE, QBD_STATE_LIVE)
		.u64(QBD_A_DEV_CAPACITY, 64ULL << 30)
		.u32(QBD_A_DEV_BLOCK_SIZE, 4096)
		.u32(QBD_A_DEV_CAPS, QBD_CAP_FLUSH | QBD_CAP_DISCARD)
		.u32(QBD_A_DEV_INLINE_SIZE, 4096)
		.u32(QBD_A_DEV_MAX_IO, 1 << 20)
		.u32(QBD_A_DEV_INFLIGHT, 2)
		.u64(QBD_A_DEV_RECONNECTS, 1)
		.u64(QBD_A_DEV_RESETS, 2)
		.u64(QBD_A_DEV_PROTO_ERRORS, 0);
	nlattr *n = m.nest(QBD_A_DEV_OP_STATS);
	m.u32(QBD_A_OP_OP, 0)
		.u64(QBD_A_OP_IOS, 100)
		.u64(QBD_A_OP_BYTES, 409600)
		.u64(QBD_A_OP_ERRORS, 1)
		.bin(QBD_A_OP_LAT_HIST, hist, sizeof(hist));
	m.end(n);
	n = m.nest(QBD_A_DEV_OP_STATS);
	m.u32(QBD_A_OP_OP, 1)
		.u64(QBD_A_OP_IOS, 0)
		.u64(QBD_A_OP_BYTES, 0)
		.u64(QBD_A_OP_ERRORS, 0);
	m.end(n);
	return m;
}

} // namespace qbd
