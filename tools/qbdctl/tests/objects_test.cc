// SPDX-License-Identifier: GPL-2.0
// Decoding hand-built messages laid out as the qbd module sends them (u64
// values padded to 8 bytes with the pad attributes, one op-stats nest per
// operation), and the histogram arithmetic.
#include <gtest/gtest.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <vmhost/qbd.h>

#include <cmath>

#include "objects.h"
#include "qbd_msg.h"

using namespace qbd;
namespace genl = vmhost::genl;

TEST(Decode, FullDevice)
{
	Msg m = full_device_msg();
	Device d = decode_device(m.attrs());

	EXPECT_EQ(d.index, 3u);
	EXPECT_EQ(d.name, "qbd3");
	EXPECT_EQ(d.state, static_cast<std::uint32_t>(QBD_STATE_LIVE));
	EXPECT_EQ(d.addr, "2001:db8::7");
	EXPECT_EQ(d.port, 4460);
	EXPECT_EQ(d.volume, "vol1");
	EXPECT_EQ(d.host, "hv1");
	EXPECT_EQ(d.queues, 4u);
	EXPECT_EQ(d.depth, 128u);
	EXPECT_TRUE(d.read_only);
	EXPECT_EQ(d.loss_timeout, 600u);
	EXPECT_EQ(d.keepalive, 5u);
	EXPECT_EQ(d.capacity, 64ULL << 30);
	EXPECT_EQ(d.block_size, 4096u);
	EXPECT_EQ(d.caps,
		  static_cast<std::uint32_t>(QBD_CAP_FLUSH | QBD_CAP_DISCARD));
	EXPECT_EQ(d.inline_size, 4096u);
	EXPECT_EQ(d.max_io, 1u << 20);
	EXPECT_EQ(d.inflight, 2u);
	EXPECT_EQ(d.reconnects, 1u);
	EXPECT_EQ(d.resets, 2u);
	EXPECT_EQ(d.proto_errors, 0u);
	ASSERT_EQ(d.op_stats.size(), 2u);
	EXPECT_EQ(d.op_stats[0].op, 0u);
	EXPECT_EQ(d.op_stats[0].ios, 100u);
	EXPECT_EQ(d.op_stats[0].bytes, 409600u);
	EXPECT_EQ(d.op_stats[0].errors, 1u);
	ASSERT_TRUE(d.op_stats[0].lat_hist);
	EXPECT_EQ((*d.op_stats[0].lat_hist)[6], 90u);
	EXPECT_EQ((*d.op_stats[0].lat_hist)[10], 10u);
	EXPECT_EQ(d.op_stats[1].op, 1u);
	EXPECT_FALSE(d.op_stats[1].lat_hist);
}

TEST(Decode, MinimalDevice)
{
	Msg m(QBD_CMD_DEV_GET);
	m.u32(QBD_A_DEV_INDEX, 0).str(QBD_A_DEV_NAME, "qbd0");
	Device d = decode_device(m.attrs());

	EXPECT_EQ(d.name, "qbd0");
	EXPECT_FALSE(d.state);
	EXPECT_FALSE(d.capacity);
	EXPECT_FALSE(d.read_only);
	EXPECT_TRUE(d.op_stats.empty());
}

TEST(Decode, Required)
{
	Msg no_name(QBD_CMD_DEV_GET);
	no_name.u32(QBD_A_DEV_INDEX, 0);
	try {
		decode_device(no_name.attrs());
		FAIL();
	} catch (const genl::Error &e) {
		EXPECT_EQ(e.kind(), genl::ErrorKind::Protocol);
		EXPECT_NE(std::string(e.what()).find("lacks name"),
			  std::string::npos);
	}
	Msg no_index(QBD_CMD_DEV_GET);
	no_index.str(QBD_A_DEV_NAME, "qbd0");
	EXPECT_THROW(decode_device(no_index.attrs()), genl::Error);

	Msg no_ios(QBD_CMD_DEV_GET);
	no_ios.u32(QBD_A_DEV_INDEX, 0).str(QBD_A_DEV_NAME, "qbd0");
	nlattr *n = no_ios.nest(QBD_A_DEV_OP_STATS);
	no_ios.u32(QBD_A_OP_OP, 0);
	no_ios.end(n);
	EXPECT_THROW(decode_device(no_ios.attrs()), genl::Error);
}

TEST(Decode, HistogramOfAnotherSize)
{
	Msg m(QBD_CMD_DEV_GET);
	std::uint64_t short_hist[QBD_LAT_BUCKETS - 1] = {};

	m.u32(QBD_A_DEV_INDEX, 0).str(QBD_A_DEV_NAME, "qbd0");
	nlattr *n = m.nest(QBD_A_DEV_OP_STATS);
	m.u32(QBD_A_OP_OP, 0)
		.u64(QBD_A_OP_IOS, 0)
		.u64(QBD_A_OP_BYTES, 0)
		.u64(QBD_A_OP_ERRORS, 0)
		.bin(QBD_A_OP_LAT_HIST, short_hist, sizeof(short_hist));
	m.end(n);
	try {
		decode_device(m.attrs());
		FAIL();
	} catch (const genl::Error &e) {
		EXPECT_EQ(e.kind(), genl::ErrorKind::Protocol);
		EXPECT_NE(std::string(e.what()).find("lat-hist has 184 bytes"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(Decode, Connected)
{
	Msg m(QBD_CMD_DEV_CONNECT);
	m.u32(QBD_A_DEV_INDEX, 5).str(QBD_A_DEV_NAME, "qbd5");
	Connected c = decode_connected(m.attrs());
	EXPECT_EQ(c.index, 5u);
	EXPECT_EQ(c.name, "qbd5");

	Msg bad(QBD_CMD_DEV_CONNECT);
	bad.u32(QBD_A_DEV_INDEX, 5);
	EXPECT_THROW(decode_connected(bad.attrs()), genl::Error);
}

TEST(Names, StatesOpsCaps)
{
	EXPECT_STREQ(state_name(QBD_STATE_CONNECTING), "connecting");
	EXPECT_STREQ(state_name(QBD_STATE_LIVE), "live");
	EXPECT_STREQ(state_name(QBD_STATE_RECONNECTING), "reconnecting");
	EXPECT_STREQ(state_name(QBD_STATE_FAILED), "failed");
	EXPECT_STREQ(state_name(QBD_STATE_DELETING), "deleting");
	EXPECT_STREQ(state_name(99), "unknown");
	// enum qbd_op's values (its names are shadowed by the wire's macros).
	EXPECT_STREQ(op_name(0), "read");
	EXPECT_STREQ(op_name(1), "write");
	EXPECT_STREQ(op_name(2), "flush");
	EXPECT_STREQ(op_name(3), "discard");
	EXPECT_STREQ(op_name(4), "write-zeroes");
	EXPECT_STREQ(op_name(5), "unknown");
	EXPECT_EQ(cap_names(0), std::vector<std::string>{});
	EXPECT_EQ(cap_names(0x1f),
		  (std::vector<std::string>{ "flush", "fua", "discard",
					     "write-zeroes", "read-only" }));
	EXPECT_EQ(cap_names(QBD_CAP_FUA | 0x60),
		  (std::vector<std::string>{ "fua", "0x60" }));
}

TEST(Histogram, Buckets)
{
	EXPECT_EQ(bucket_lower_us(0), 0u);
	EXPECT_EQ(bucket_upper_us(0), 2u);
	EXPECT_EQ(bucket_lower_us(1), 2u);
	EXPECT_EQ(bucket_upper_us(1), 4u);
	EXPECT_EQ(bucket_lower_us(10), 1024u);
	EXPECT_EQ(bucket_upper_us(22), 1u << 23);
	EXPECT_EQ(bucket_lower_us(23), 1u << 23);
	EXPECT_FALSE(bucket_upper_us(23));
}

TEST(Histogram, Empty)
{
	LatHist h{};
	EXPECT_FALSE(percentile(h, 50));
	h[3] = 1;
	EXPECT_FALSE(percentile(h, 0));
	EXPECT_TRUE(percentile(h, 100));
}

TEST(Histogram, OneBucket)
{
	LatHist h{};
	h[6] = 1; // [64, 128)
	// The one sample sits mid-bucket.
	EXPECT_DOUBLE_EQ(percentile(h, 50)->us, 96);
	EXPECT_DOUBLE_EQ(percentile(h, 99)->us, 96);
	EXPECT_FALSE(percentile(h, 99)->at_least);

	h[6] = 100;
	// p50: rank 50 of 100 in [64, 128): 64 + 64 * 49.5 / 100.
	EXPECT_DOUBLE_EQ(percentile(h, 50)->us, 64 + 64 * 49.5 / 100);
	EXPECT_DOUBLE_EQ(percentile(h, 99)->us, 64 + 64 * 98.5 / 100);
	EXPECT_DOUBLE_EQ(percentile(h, 100)->us, 64 + 64 * 99.5 / 100);
}

TEST(Histogram, Spread)
{
	LatHist h{};
	h[0] = 10; // [0, 2)
	h[4] = 80; // [16, 32)
	h[10] = 10; // [1024, 2048)
	// p50: rank 50, the 40th of 80 in [16, 32).
	EXPECT_DOUBLE_EQ(percentile(h, 50)->us, 16 + 16 * 39.5 / 80);
	// p90: rank 90, the last of bucket 4.
	EXPECT_DOUBLE_EQ(percentile(h, 90)->us, 16 + 16 * 79.5 / 80);
	// p99: rank 99, the 9th of 10 in [1024, 2048).
	EXPECT_DOUBLE_EQ(percentile(h, 99)->us, 1024 + 1024 * 8.5 / 10);
	// p5: rank 5 in bucket 0, [0, 2).
	EXPECT_DOUBLE_EQ(percentile(h, 5)->us, 2 * 4.5 / 10);
	// ceil: p10.5 of 100 is rank 11, the first of bucket 4.
	EXPECT_DOUBLE_EQ(percentile(h, 10.5)->us, 16 + 16 * 0.5 / 80);
}

TEST(Histogram, OpenEndedLastBucket)
{
	LatHist h{};
	h[5] = 98;
	h[QBD_LAT_BUCKETS - 1] = 2;
	auto p50 = percentile(h, 50);
	EXPECT_FALSE(p50->at_least);
	auto p99 = percentile(h, 99);
	EXPECT_TRUE(p99->at_least);
	EXPECT_DOUBLE_EQ(p99->us, double(1u << 23));
}

TEST(Histogram, HugeCountsDoNotWrap)
{
	LatHist h{};
	h[1] = ~0ULL;
	h[2] = ~0ULL;
	// Summed in u64 this would wrap to a tiny total.
	auto p75 = percentile(h, 75);
	ASSERT_TRUE(p75);
	EXPECT_GE(p75->us, 4);
	EXPECT_LT(p75->us, 8);
}
