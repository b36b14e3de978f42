// SPDX-License-Identifier: GPL-2.0
// Plain text and JSON from decoded attribute sets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "format.h"
#include "qbd_msg.h"

using namespace qbd;
using nlohmann::json;

namespace
{

Device full()
{
	return decode_device(full_device_msg().attrs());
}

Device minimal(std::uint32_t index)
{
	Device d;
	d.index = index;
	d.name = "qbd" + std::to_string(index);
	return d;
}

} // namespace

TEST(Text, Helpers)
{
	EXPECT_EQ(dev_path("qbd0"), "/dev/qbd0");
	EXPECT_EQ(target_text(std::string("192.0.2.1"), 4460),
		  "192.0.2.1:4460");
	EXPECT_EQ(target_text(std::string("2001:db8::1"), 7),
		  "[2001:db8::1]:7");
	EXPECT_EQ(target_text(std::nullopt, 7), "-");
	EXPECT_EQ(format_us(1.5), "1.5 us");
	EXPECT_EQ(format_us(96), "96 us");
	EXPECT_EQ(format_us(768), "768 us");
	EXPECT_EQ(format_us(999.4), "999 us");
	EXPECT_EQ(format_us(999.6), "1 ms");
	EXPECT_EQ(format_us(1024), "1.02 ms");
	EXPECT_EQ(format_us(1u << 23), "8.39 s");
	EXPECT_EQ(bucket_text(0), "<2 us");
	EXPECT_EQ(bucket_text(1), "2-4 us");
	EXPECT_EQ(bucket_text(6), "64-128 us");
	EXPECT_EQ(bucket_text(9), "512 us-1.02 ms");
	EXPECT_EQ(bucket_text(10), "1.02-2.05 ms");
	EXPECT_EQ(bucket_text(23), ">=8.39 s");
}

TEST(Text, Connected)
{
	Connected c{ 4, "qbd4" };
	EXPECT_EQ(format_connected(c, Style::Text), "/dev/qbd4\n");
	EXPECT_EQ(format_connected(c, Style::Json),
		  "{\"index\":4,\"name\":\"qbd4\",\"dev\":\"/dev/qbd4\"}\n");
	EXPECT_EQ(json::parse(format_connected(c, Style::Pretty)),
		  json::parse(format_connected(c, Style::Json)));
}

TEST(Text, List)
{
	EXPECT_EQ(format_devices({}, Style::Text), "");
	EXPECT_EQ(format_devices({}, Style::Json), "[]\n");
	Device d = full();
	d.read_only = false;
	std::vector<Device> devs = { minimal(0), d };
	EXPECT_EQ(
		format_devices(devs, Style::Text),
		"name  state  target              volume    size  queues  ro\n"
		"qbd0  -      -                   -            -       -  no\n"
		"qbd3  live   [2001:db8::7]:4460  vol1    64 GiB   4x128  no\n");
}

TEST(Text, Show)
{
	std::string s = format_device(full(), Style::Text);
	EXPECT_EQ(s, "qbd3 /dev/qbd3\n"
		     "  state         live\n"
		     "  target        [2001:db8::7]:4460\n"
		     "  volume        vol1\n"
		     "  host          hv1\n"
		     "  capacity      64 GiB (68719476736 bytes)\n"
		     "  block-size    4096\n"
		     "  caps          flush discard\n"
		     "  read-only     yes\n"
		     "  queues        4\n"
		     "  depth         128\n"
		     "  inline-size   4096\n"
		     "  max-io        1048576\n"
		     "  inflight      2\n"
		     "  reconnects    1\n"
		     "  resets        2\n"
		     "  proto-errors  0\n"
		     "  loss-timeout  600 s\n"
		     "  keepalive     5 s\n"
		     "\n"
		     "op     ios    bytes  errors      p50      p99\n"
		     "read   100  400 KiB       1  99.2 us  1.89 ms\n"
		     "write    0      0 B       0        -        -\n"
		     "\n"
		     "read latency  ios\n"
		     "64-128 us      90\n"
		     "1.02-2.05 ms   10\n");
}

TEST(Text, ShowMinimal)
{
	Device d = minimal(0);
	d.caps = 0;
	std::string s = format_device(d, Style::Text);
	EXPECT_NE(s.find("  state         -\n"), std::string::npos) << s;
	EXPECT_NE(s.find("  caps          none\n"), std::string::npos) << s;
	EXPECT_EQ(s.find("op "), std::string::npos) << s;
}

TEST(Json, Show)
{
	json j = json::parse(format_device(full(), Style::Json));
	EXPECT_EQ(j["index"], 3);
	EXPECT_EQ(j["name"], "qbd3");
	EXPECT_EQ(j["dev"], "/dev/qbd3");
	EXPECT_EQ(j["state"], "live");
	EXPECT_EQ(j["addr"], "2001:db8::7");
	EXPECT_EQ(j["port"], 4460);
	EXPECT_EQ(j["volume"], "vol1");
	EXPECT_EQ(j["host"], "hv1");
	EXPECT_EQ(j["capacity"], 64ULL << 30);
	EXPECT_EQ(j["block_size"], 4096);
	EXPECT_EQ(j["caps"], json({ "flush", "discard" }));
	EXPECT_EQ(j["read_only"], true);
	EXPECT_EQ(j["queues"], 4);
	EXPECT_EQ(j["depth"], 128);
	EXPECT_EQ(j["inline_size"], 4096);
	EXPECT_EQ(j["max_io"], 1 << 20);
	EXPECT_EQ(j["inflight"], 2);
	EXPECT_EQ(j["reconnects"], 1);
	EXPECT_EQ(j["resets"], 2);
	EXPECT_EQ(j["proto_errors"], 0);
	EXPECT_EQ(j["loss_timeout"], 600);
	EXPECT_EQ(j["keepalive"], 5);
	ASSERT_EQ(j["op_stats"].size(), 2u);
	const json &r = j["op_stats"][0];
	EXPECT_EQ(r["op"], "read");
	EXPECT_EQ(r["ios"], 100);
	EXPECT_EQ(r["bytes"], 409600);
	EXPECT_EQ(r["errors"], 1);
	ASSERT_TRUE(r["lat_hist"].is_array());
	ASSERT_EQ(r["lat_hist"].size(), 24u);
	EXPECT_EQ(r["lat_hist"][6], 90);
	EXPECT_EQ(r["lat_hist"][10], 10);
	EXPECT_EQ(r["lat_hist"][0], 0);
	EXPECT_DOUBLE_EQ(r["p50_us"].get<double>(), 99.2);
	// p50: the 50th of 100, in [64, 128) holding 90: 64 + 64 * 49.5 / 90;
	// p99: the 9th of the 10 in [1024, 2048): 1024 + 1024 * 8.5 / 10.
	EXPECT_DOUBLE_EQ(r["p99_us"].get<double>(), 1894.4);
	const json &w = j["op_stats"][1];
	EXPECT_EQ(w["op"], "write");
	EXPECT_TRUE(w["lat_hist"].is_null());
	EXPECT_TRUE(w["p50_us"].is_null());
	// Every key, also for a device that reported nothing.
	EXPECT_EQ(j.size(), 23u);
	EXPECT_EQ(json::parse(format_device(minimal(0), Style::Json)).size(),
		  23u);
}

TEST(Json, KeysInOrderAndNulls)
{
	std::string s = format_device(minimal(1), Style::Json);
	EXPECT_EQ(s, "{\"index\":1,\"name\":\"qbd1\",\"dev\":\"/dev/qbd1\","
		     "\"state\":null,\"addr\":null,\"port\":null,"
		     "\"volume\":null,\"host\":null,\"capacity\":null,"
		     "\"block_size\":null,\"caps\":null,\"read_only\":false,"
		     "\"queues\":null,\"depth\":null,\"inline_size\":null,"
		     "\"max_io\":null,\"inflight\":null,\"reconnects\":null,"
		     "\"resets\":null,\"proto_errors\":null,"
		     "\"loss_timeout\":null,\"keepalive\":null,"
		     "\"op_stats\":[]}\n");
}

TEST(Json, ListIsAnArrayOfShow)
{
	std::vector<Device> devs = { minimal(0), full() };
	json a = json::parse(format_devices(devs, Style::Pretty));
	ASSERT_TRUE(a.is_array());
	ASSERT_EQ(a.size(), 2u);
	EXPECT_EQ(a[0], json::parse(format_device(devs[0], Style::Json)));
	EXPECT_EQ(a[1], json::parse(format_device(devs[1], Style::Json)));
	std::string pretty = format_devices(devs, Style::Pretty);
	EXPECT_NE(pretty.find("\n  {"), std::string::npos);
}
