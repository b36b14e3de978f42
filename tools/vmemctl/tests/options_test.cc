// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "options.h"

using namespace vmem;

namespace
{

Invocation p(std::vector<std::string> a)
{
	return parse(a);
}

std::string error_of(std::vector<std::string> a)
{
	try {
		parse(a);
	} catch (const UsageError &e) {
		return e.what();
	}
	return "(no error)";
}

} // namespace

TEST(Options, Shows)
{
	EXPECT_EQ(p({ "pool", "show" }).command, Command::PoolShow);
	EXPECT_EQ(p({ "range", "show" }).command, Command::RangeShow);
	EXPECT_EQ(p({ "file", "list" }).command, Command::FileList);
	EXPECT_EQ(p({ "file", "show" }).command, Command::FileList);
	EXPECT_EQ(p({ "poison", "list" }).command, Command::PoisonList);
	EXPECT_EQ(p({ "poison", "show" }).command, Command::PoisonList);
	EXPECT_EQ(p({ "config", "show" }).command, Command::ConfigShow);
	EXPECT_EQ(p({ "monitor" }).command, Command::Monitor);
	EXPECT_FALSE(p({ "pool", "show" }).json);
}

TEST(Options, CommandDefaultsToShow)
{
	EXPECT_EQ(p({ "pool" }).command, Command::PoolShow);
	EXPECT_EQ(p({ "range" }).command, Command::RangeShow);
	EXPECT_EQ(p({ "file" }).command, Command::FileList);
	EXPECT_EQ(p({ "poison" }).command, Command::PoisonList);
	EXPECT_EQ(p({ "config" }).command, Command::ConfigShow);
}

TEST(Options, UniquePrefixes)
{
	EXPECT_EQ(p({ "poo", "s" }).command, Command::PoolShow);
	EXPECT_EQ(p({ "poi", "l" }).command, Command::PoisonList);
	EXPECT_EQ(p({ "r", "a", "st", "4G", "si", "1G" }).command,
		  Command::RangeAdd);
	EXPECT_EQ(p({ "f" }).command, Command::FileList);
	EXPECT_EQ(p({ "c", "sh" }).command, Command::ConfigShow);
	EXPECT_EQ(p({ "m" }).command, Command::Monitor);
	Invocation inv = p({ "conf", "se", "scr", "of" });
	EXPECT_EQ(inv.command, Command::ConfigSet);
	EXPECT_FALSE(inv.scrub);
}

TEST(Options, AmbiguousPrefixListsCandidates)
{
	std::string e = error_of({ "p", "s" });

	EXPECT_NE(e.find("'p' is ambiguous"), std::string::npos) << e;
	EXPECT_NE(e.find("pool, poison"), std::string::npos) << e;
	EXPECT_THROW(p({ "po", "s" }), UsageError);
	e = error_of({ "config", "s" });
	EXPECT_NE(e.find("'s' is ambiguous: show, set"), std::string::npos)
		<< e;
	e = error_of({ "range", "add", "s", "4G" });
	EXPECT_NE(e.find("'s' is ambiguous: start, size"), std::string::npos)
		<< e;
}

TEST(Options, GlobalOptions)
{
	EXPECT_TRUE(p({ "-j", "pool", "show" }).json);
	EXPECT_TRUE(p({ "--json", "range" }).json);
	EXPECT_EQ(p({ "-h" }).command, Command::Help);
	EXPECT_EQ(p({ "--help", "pool" }).command, Command::Help);
	EXPECT_EQ(p({ "-j", "--help" }).command, Command::Help);
	EXPECT_EQ(p({ "-V" }).command, Command::Version);
	EXPECT_EQ(p({ "--version" }).command, Command::Version);
	EXPECT_NE(error_of({ "-x", "pool" }).find("unknown option '-x'"),
		  std::string::npos);
	EXPECT_NE(error_of({ "pool", "show", "-j" })
			  .find("'-j' (options go before OBJECT)"),
		  std::string::npos);
}

TEST(Options, BadWordsAreNamed)
{
	EXPECT_NE(error_of({ "bogus" }).find("unknown object 'bogus'"),
		  std::string::npos);
	EXPECT_NE(error_of({}).find("which object?"), std::string::npos);
	EXPECT_NE(error_of({ "pool", "flush" })
			  .find("unknown pool command 'flush'"),
		  std::string::npos);
	EXPECT_NE(error_of({ "pool", "show", "extra" })
			  .find("pool show: unexpected argument 'extra'"),
		  std::string::npos);
	EXPECT_NE(error_of({ "monitor", "all" }).find("'all'"),
		  std::string::npos);
}

TEST(Options, RangeAdd)
{
	Invocation inv =
		p({ "range", "add", "start", "4G", "size", "0x80000000" });

	EXPECT_EQ(inv.command, Command::RangeAdd);
	EXPECT_EQ(inv.start, 4ULL << 30);
	EXPECT_EQ(inv.size, 2ULL << 30);
	inv = p({ "range", "add", "size", "1G", "start", "0x100000000" });
	EXPECT_EQ(inv.start, 1ULL << 32);
	EXPECT_EQ(inv.size, 1ULL << 30);
}

TEST(Options, RangeAddNeedsBoth)
{
	EXPECT_NE(error_of({ "range", "add", "start", "4G" })
			  .find("range add: needs size SIZE"),
		  std::string::npos);
	EXPECT_NE(error_of({ "range", "add" })
			  .find("range add: needs start ADDR and size SIZE"),
		  std::string::npos);
	EXPECT_THROW(p({ "range", "add", "start" }), UsageError);
	EXPECT_NE(error_of({ "range", "add", "start", "4G", "start", "5G",
			     "size", "1G" })
			  .find("start given twice"),
		  std::string::npos);
	EXPECT_NE(error_of({ "range", "add", "start", "4G", "node", "1" })
			  .find("'node'"),
		  std::string::npos);
}

TEST(Options, RangeDel)
{
	Invocation inv = p({ "range", "del", "start", "0x140000000" });

	EXPECT_EQ(inv.command, Command::RangeDel);
	EXPECT_EQ(inv.start, 5ULL << 30);
	EXPECT_THROW(p({ "range", "del" }), UsageError);
	EXPECT_THROW(p({ "range", "del", "start", "4G", "size", "1G" }),
		     UsageError);
}

TEST(Options, ConfigSet)
{
	EXPECT_TRUE(p({ "config", "set", "scrub", "on" }).scrub);
	EXPECT_FALSE(p({ "config", "set", "scrub", "off" }).scrub);
	EXPECT_THROW(p({ "config", "set" }), UsageError);
	EXPECT_THROW(p({ "config", "set", "scrub" }), UsageError);
	EXPECT_THROW(p({ "config", "set", "scrub", "maybe" }), UsageError);
	EXPECT_THROW(p({ "config", "set", "scrub", "o" }), UsageError);
	EXPECT_THROW(p({ "config", "set", "speed", "on" }), UsageError);
}

TEST(Sizes, Decimal)
{
	EXPECT_EQ(parse_size("size", "0"), 0u);
	EXPECT_EQ(parse_size("size", "4096"), 4096u);
	EXPECT_EQ(parse_size("size", "4K"), 4096u);
	EXPECT_EQ(parse_size("size", "4k"), 4096u);
	EXPECT_EQ(parse_size("size", "4096M"), 4ULL << 30);
	EXPECT_EQ(parse_size("size", "4G"), 4ULL << 30);
	EXPECT_EQ(parse_size("size", "4GiB"), 4ULL << 30);
	EXPECT_EQ(parse_size("size", "4gib"), 4ULL << 30);
	EXPECT_EQ(parse_size("size", "2T"), 2ULL << 40);
	EXPECT_EQ(parse_size("size", "16777215T"), 16777215ULL << 40);
}

TEST(Sizes, Hex)
{
	EXPECT_EQ(parse_size("start", "0x100000000"), 1ULL << 32);
	EXPECT_EQ(parse_size("start", "0XFFffFFffFFffFFff"), ~0ULL);
	EXPECT_THROW(parse_size("start", "0x"), UsageError);
	EXPECT_THROW(parse_size("start", "0x1G"), UsageError);
	EXPECT_THROW(parse_size("start", "0xg"), UsageError);
	EXPECT_THROW(parse_size("start", "0x10000000000000000"), UsageError);
}

TEST(Sizes, Rejects)
{
	for (const char *bad :
	     { "", "G", "-1", "+1", " 1", "1 ", "1.5G", "4GB", "4X", "1e9",
	       "16777216T", "18446744073709551616" })
		EXPECT_THROW(parse_size("size", bad), UsageError) << bad;
	try {
		parse_size("size", "4X");
		FAIL();
	} catch (const UsageError &e) {
		EXPECT_NE(std::string(e.what()).find("size: '4X'"),
			  std::string::npos)
			<< e.what();
	}
}
