// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "json.h"

using namespace vmhost::json;

TEST(Json, Quote)
{
	EXPECT_EQ(quote("plain"), "\"plain\"");
	EXPECT_EQ(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
	EXPECT_EQ(quote(std::string("\t\x01", 2)), "\"\\u0009\\u0001\"");
	EXPECT_EQ(quote("é"), "\"é\"");
}

TEST(Json, WriterSeparates)
{
	Writer w;

	w.begin_array();
	w.begin_object()
		.key("node")
		.value(0u)
		.key("size")
		.value(std::uint64_t{ 1 } << 40)
		.key("path")
		.value("/a")
		.key("none")
		.null()
		.key("on")
		.value(true)
		.end_object();
	w.begin_object().key("list").begin_array().value(-1).value(2);
	w.end_array().end_object();
	w.begin_object().end_object();
	w.end_array();
	EXPECT_EQ(w.str(),
		  "[{\"node\":0,\"size\":1099511627776,\"path\":\"/a\","
		  "\"none\":null,\"on\":true},{\"list\":[-1,2]},{}]");
}

TEST(Json, EmptyArray)
{
	Writer w;

	EXPECT_EQ(w.begin_array().end_array().str(), "[]");
}
