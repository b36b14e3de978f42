// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "json.h"

using namespace vmhost::json;

TEST(Json, CompactAndPretty)
{
	Json o = { { "node", 0 },
		   { "size", std::uint64_t{ 1 } << 40 },
		   { "none", nullptr },
		   { "on", true } };

	EXPECT_EQ(dump(o), "{\"node\":0,\"size\":1099511627776,"
			   "\"none\":null,\"on\":true}");
	EXPECT_EQ(dump(Json{ { "a", 1 } }, true), "{\n  \"a\": 1\n}");
	EXPECT_EQ(dump(Json::array()), "[]");
}

TEST(Json, Escapes)
{
	EXPECT_EQ(dump(Json("a\"b\\c\nd")), "\"a\\\"b\\\\c\\nd\"");
	EXPECT_EQ(dump(Json(std::string("\t\x01", 2))), "\"\\t\\u0001\"");
	EXPECT_EQ(dump(Json("é")), "\"é\"");
}

TEST(Json, Utf8Validation)
{
	EXPECT_TRUE(valid_utf8(""));
	EXPECT_TRUE(valid_utf8("plain /vm/ram"));
	EXPECT_TRUE(valid_utf8("é€😀"));
	EXPECT_FALSE(valid_utf8("\xff"));
	EXPECT_FALSE(valid_utf8("a\xc3")); // truncated
	EXPECT_FALSE(valid_utf8("\xc0\xaf")); // overlong '/'
	EXPECT_FALSE(valid_utf8("\xed\xa0\x80")); // a surrogate
	EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
}

TEST(Json, AnyBytesInFileNames)
{
	Json o = Json::object();

	put_text(o, "path", "/vm/ram");
	EXPECT_EQ(dump(o), "{\"path\":\"/vm/ram\"}");

	// Not UTF-8: a readable replacement, and the exact bytes beside it.
	Json bad = Json::object();
	put_text(bad, "path", std::string("/vm/\xff\x01x", 7));
	std::string text = dump(bad);
	EXPECT_EQ(text, "{\"path\":\"/vm/\xef\xbf\xbd\\u0001x\","
			"\"path_hex\":\"2f766d2fff0178\"}");
	// The document parses back, and the hex gives the bytes back.
	Json back = Json::parse(text);
	std::string hex = back["path_hex"];
	std::string bytes;
	for (std::size_t i = 0; i < hex.size(); i += 2)
		bytes += static_cast<char>(
			std::stoi(hex.substr(i, 2), nullptr, 16));
	EXPECT_EQ(bytes, std::string("/vm/\xff\x01x", 7));
}
