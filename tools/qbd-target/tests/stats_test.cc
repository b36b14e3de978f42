// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "stats.h"

using namespace qbd;

TEST(Stats, SnapshotAndJson)
{
	VolumeStats s;
	s.reads += 3;
	s.read_bytes += 12288;
	s.fdatasyncs++;
	s.sessions++;
	StatsSnapshot snap = s.snapshot();
	snap.capacity = 1 << 20;
	EXPECT_EQ(snap.reads, 3u);
	auto doc = stats_json({ { "vol0", snap }, { "vol1", {} } });
	auto &v = doc["volumes"]["vol0"];
	EXPECT_EQ(v["reads"], 3);
	EXPECT_EQ(v["read_bytes"], 12288);
	EXPECT_EQ(v["fdatasyncs"], 1);
	EXPECT_EQ(v["sessions"], 1);
	EXPECT_EQ(v["capacity"], 1 << 20);
	for (auto *k :
	     { "writes", "write_bytes", "flushes", "fua_writes", "discards",
	       "write_zeroes", "errors", "bad_requests", "connections" })
		EXPECT_TRUE(v.contains(k)) << k;
	EXPECT_EQ(doc["volumes"]["vol1"]["reads"], 0);
}

TEST(Stats, SnapshotsCompare)
{
	VolumeStats s;
	StatsSnapshot a = s.snapshot();
	s.errors++;
	EXPECT_FALSE(a == s.snapshot());
	EXPECT_TRUE(s.snapshot() == s.snapshot());
}

TEST(Stats, WriteAtomicReplacesTheFile)
{
	char dir[] = "/tmp/qbd-stats-XXXXXX";
	ASSERT_TRUE(mkdtemp(dir));
	std::string path = std::string(dir) + "/stats.json";
	write_atomic(path, "{\"a\":1}\n");
	write_atomic(path, "{\"a\":2}\n");
	std::ifstream in(path);
	std::stringstream ss;
	ss << in.rdbuf();
	EXPECT_EQ(ss.str(), "{\"a\":2}\n");
	EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0);
	unlink(path.c_str());
	EXPECT_THROW(write_atomic(std::string(dir) + "/no/such/dir", "x"),
		     std::runtime_error);
	rmdir(dir);
}
