// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "text.h"

using namespace vmhost;

TEST(Text, Bytes)
{
	EXPECT_EQ(format_bytes(0), "0 B");
	EXPECT_EQ(format_bytes(1023), "1023 B");
	EXPECT_EQ(format_bytes(4096), "4 KiB");
	EXPECT_EQ(format_bytes(1536), "1.50 KiB");
	EXPECT_EQ(format_bytes(64ULL << 30), "64 GiB");
	EXPECT_EQ(format_bytes(3ULL << 29), "1.50 GiB");
	EXPECT_EQ(format_bytes(2ULL << 40), "2 TiB");
	EXPECT_EQ(format_bytes(~0ULL), "16.00 EiB");
}

TEST(Text, TableAligns)
{
	Table t({ { "name" }, { "n", true }, { "last" } });

	EXPECT_TRUE(t.empty());
	t.add({ "a", "1", "x" });
	t.add({ "long-name", "1000", "y y" });
	EXPECT_FALSE(t.empty());
	EXPECT_EQ(t.str(), "name          n  last\n"
			   "a             1  x\n"
			   "long-name  1000  y y\n");
	EXPECT_THROW(t.add({ "too", "few" }), std::logic_error);
}
