// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <sys/sysmacros.h>
#include <vmhost/vmem.h>

#include <nlohmann/json.hpp>

#include "format.h"

using namespace vmem;

namespace
{

Pool pool()
{
	Pool p;

	p.node = 0;
	p.total_bytes = 64ULL << 30;
	p.free_zeroed_bytes = 59ULL << 30;
	p.free_dirty_bytes = 0;
	p.in_use_bytes = 4ULL << 30;
	p.pinned_bytes = 1ULL << 30;
	p.poisoned_pages = 3;
	p.metadata_bytes = 12288;
	return p;
}

File file()
{
	File f;

	f.dev = makedev(0, 52);
	f.ino = 1234;
	f.path = "/vm1/ram";
	f.size = 3ULL << 29;
	f.uid = 107;
	f.gid = 108;
	f.node = VMEM_NODE_ANY;
	f.maps_1g = 1;
	f.maps_2m = 256;
	f.maps_4k = 0;
	f.poisoned_pages = 0;
	return f;
}

Poison mapped()
{
	Poison p;

	p.phys = 0x12345f000ULL;
	p.node = 1;
	p.state = VMEM_POISON_STATE_MAPPED;
	p.dev = makedev(0, 52);
	p.ino = 1234;
	p.offset = 0x40001000ULL;
	return p;
}

} // namespace

TEST(Format, Helpers)
{
	EXPECT_EQ(node_text(0), "0");
	EXPECT_EQ(node_text(VMEM_NODE_ANY), "any");
	EXPECT_STREQ(poison_state_name(VMEM_POISON_STATE_FREE), "free");
	EXPECT_STREQ(poison_state_name(VMEM_POISON_STATE_MAPPED), "mapped");
	EXPECT_STREQ(poison_state_name(VMEM_POISON_STATE_REPAIRED), "repaired");
	EXPECT_STREQ(poison_state_name(77), "unknown");
	EXPECT_EQ(dev_text(makedev(8, 1)), "8:1");
	EXPECT_EQ(dev_text(makedev(259, 300)), "259:300");
	EXPECT_EQ(hex(0x100000000ULL), "0x100000000");
}

TEST(Format, PoolsText)
{
	EXPECT_EQ(format_pools({}, Style::Text), "");
	EXPECT_EQ(format_pools({ pool() }, Style::Text),
		  "node   total  free-zeroed  free-dirty  in-use  pinned  "
		  "poisoned-pages  metadata\n"
		  "0     64 GiB       59 GiB         0 B   4 GiB   1 GiB  "
		  "             3    12 KiB\n");
}

TEST(Format, PoolsJson)
{
	EXPECT_EQ(format_pools({}, Style::Json), "[]\n");
	EXPECT_EQ(format_pools({ pool() }, Style::Json),
		  "[{\"node\":0,\"total_bytes\":68719476736,"
		  "\"free_zeroed_bytes\":63350767616,\"free_dirty_bytes\":0,"
		  "\"in_use_bytes\":4294967296,\"pinned_bytes\":1073741824,"
		  "\"poisoned_pages\":3,\"metadata_bytes\":12288}]\n");
}

TEST(Format, Ranges)
{
	Range r{ 4ULL << 30, 60ULL << 30, 0, 4ULL << 30 };

	EXPECT_EQ(format_ranges({ r }, Style::Text),
		  "start          size  node  in-use\n"
		  "0x100000000  60 GiB  0      4 GiB\n");
	EXPECT_EQ(format_ranges({ r, r }, Style::Json),
		  "[{\"start\":4294967296,\"size\":64424509440,\"node\":0,"
		  "\"in_use_bytes\":4294967296},{\"start\":4294967296,"
		  "\"size\":64424509440,\"node\":0,"
		  "\"in_use_bytes\":4294967296}]\n");
}

TEST(Format, FilesAnyNodeIsNull)
{
	std::string j = format_files({ file() }, Style::Json);

	EXPECT_EQ(j, "[{\"dev\":52,\"ino\":1234,\"path\":\"/vm1/ram\","
		     "\"size\":1610612736,\"uid\":107,\"gid\":108,"
		     "\"node\":null,\"maps_1g\":1,\"maps_2m\":256,"
		     "\"maps_4k\":0,\"poisoned_pages\":0}]\n");
	// Reset in place: gcc 12 warns (wrongly) when a File with no path
	// is copied into an initializer list.
	std::vector<File> nameless{ file() };
	nameless[0].path.reset();
	EXPECT_NE(format_files(nameless, Style::Json).find("\"path\":null"),
		  std::string::npos);
}

TEST(Format, FilesText)
{
	EXPECT_EQ(format_files({ file() }, Style::Text),
		  "dev    ino      size  node  uid  gid  maps-1g  maps-2m  "
		  "maps-4k  poisoned-pages  path\n"
		  "0:52  1234  1.50 GiB  any   107  108        1      256  "
		  "      0               0  /vm1/ram\n");
}

TEST(Format, PoisonList)
{
	Poison free_page;
	free_page.phys = 0x80000000ULL;
	free_page.state = VMEM_POISON_STATE_FREE;

	EXPECT_EQ(format_poison({ mapped(), free_page }, Style::Text),
		  "phys         node  state   dev    ino  offset\n"
		  "0x12345f000  1     mapped  0:52  1234  0x40001000\n"
		  "0x80000000   0     free    -        -  -\n");
	EXPECT_EQ(format_poison({ mapped(), free_page }, Style::Json),
		  "[{\"phys\":4886753280,\"node\":1,\"state\":\"mapped\","
		  "\"dev\":52,\"ino\":1234,\"offset\":1073745920},"
		  "{\"phys\":2147483648,\"node\":0,\"state\":\"free\"}]\n");
}

TEST(Format, Config)
{
	EXPECT_EQ(format_config({ true }, Style::Text), "scrub on\n");
	EXPECT_EQ(format_config({ false }, Style::Text), "scrub off\n");
	EXPECT_EQ(format_config({ true }, Style::Json), "{\"scrub\":true}\n");
	EXPECT_EQ(format_config({ false }, Style::Json), "{\"scrub\":false}\n");
}

TEST(Format, Events)
{
	Poison p = mapped();

	p.signalled = 2;
	EXPECT_EQ(format_event(p, Style::Text),
		  "poison phys 0x12345f000 node 1 state mapped dev 0:52 "
		  "ino 1234 offset 0x40001000 signalled 2\n");
	EXPECT_EQ(format_event(p, Style::Json),
		  "{\"event\":\"poison\",\"phys\":4886753280,\"node\":1,"
		  "\"state\":\"mapped\",\"dev\":52,\"ino\":1234,"
		  "\"offset\":1073745920,\"signalled\":2}\n");
	Poison bare;
	bare.phys = 0x1000;
	bare.state = VMEM_POISON_STATE_REPAIRED;
	EXPECT_EQ(format_event(bare, Style::Text),
		  "poison phys 0x1000 node 0 state repaired\n");
}

// Every JSON document vmemctl writes parses back, compact and pretty alike,
// to the same values; a file name that is not UTF-8 survives in path_hex.
TEST(Format, JsonParsesBack)
{
	using nlohmann::json;
	File odd = file();
	odd.path = std::string("/vm/\xff\xfe", 6);
	Poison p = mapped();
	p.signalled = 1;
	const std::vector<std::pair<std::string, std::string> > docs = {
		{ format_pools({ pool() }, Style::Json),
		  format_pools({ pool() }, Style::Pretty) },
		{ format_ranges({ Range{} }, Style::Json),
		  format_ranges({ Range{} }, Style::Pretty) },
		{ format_files({ file(), odd }, Style::Json),
		  format_files({ file(), odd }, Style::Pretty) },
		{ format_poison({ mapped() }, Style::Json),
		  format_poison({ mapped() }, Style::Pretty) },
		{ format_config({ true }, Style::Json),
		  format_config({ true }, Style::Pretty) },
		{ format_event(p, Style::Json),
		  format_event(p, Style::Pretty) },
	};

	for (const auto &[compact, pretty] : docs) {
		json a = json::parse(compact);
		json b = json::parse(pretty);

		EXPECT_EQ(a, b) << compact;
		EXPECT_EQ(compact.find('\n'), compact.size() - 1) << compact;
		EXPECT_NE(pretty.find("\n  "), std::string::npos) << pretty;
	}
	json files = json::parse(format_files({ odd }, Style::Json));
	EXPECT_EQ(files[0]["path_hex"], "2f766d2ffffe");
	EXPECT_EQ(files[0]["path"], "/vm/\xef\xbf\xbd\xef\xbf\xbd");
}
