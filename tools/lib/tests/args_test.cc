// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "args.h"

using namespace vmhost;

namespace
{

const std::vector<std::string> objects = { "pool", "range", "poison",
					   "config" };

std::string usage_message(const std::string &word)
{
	try {
		match_keyword("object", word, objects);
	} catch (const UsageError &e) {
		return e.what();
	}
	return "";
}

} // namespace

TEST(Args, Cursor)
{
	std::vector<std::string> v = { "a", "--opt" };
	Args a(v);

	EXPECT_EQ(a.peek(), "a");
	EXPECT_EQ(a.next(), "a");
	EXPECT_FALSE(a.done());
	EXPECT_EQ(a.next(), "--opt");
	EXPECT_TRUE(a.done());
	EXPECT_EQ(a.peek(), "");
	EXPECT_THROW(a.value("--opt"), UsageError);
}

TEST(Args, Numbers)
{
	EXPECT_EQ(parse_number("N", "42", 1, 50), 42u);
	EXPECT_THROW(parse_number("N", "", 0, 50), UsageError);
	EXPECT_THROW(parse_number("N", "4x", 0, 50), UsageError);
	EXPECT_THROW(parse_number("N", "-1", 0, 50), UsageError);
	EXPECT_THROW(parse_number("N", "51", 0, 50), UsageError);
}

TEST(Args, KeywordPrefixes)
{
	EXPECT_EQ(match_keyword("object", "pool", objects), 0u);
	EXPECT_EQ(match_keyword("object", "poo", objects), 0u);
	EXPECT_EQ(match_keyword("object", "r", objects), 1u);
	EXPECT_EQ(match_keyword("object", "pois", objects), 2u);
	EXPECT_EQ(match_keyword("object", "c", objects), 3u);
	// An exact match wins over longer choices it is a prefix of.
	EXPECT_EQ(match_keyword("x", "on", { "once", "on" }), 1u);
}

TEST(Args, KeywordErrorsNameTheWord)
{
	std::string amb = usage_message("po");

	EXPECT_NE(amb.find("'po' is ambiguous"), std::string::npos) << amb;
	EXPECT_NE(amb.find("pool, poison"), std::string::npos) << amb;
	std::string unknown = usage_message("bogus");
	EXPECT_NE(unknown.find("unknown object 'bogus'"), std::string::npos)
		<< unknown;
	EXPECT_NE(unknown.find("pool, range, poison, config"),
		  std::string::npos)
		<< unknown;
	EXPECT_NE(usage_message("").find("unknown object ''"),
		  std::string::npos);
	EXPECT_NE(usage_message("pools").find("unknown"), std::string::npos);
}
