// SPDX-License-Identifier: GPL-2.0
// Compact JSON output for vmhost's tools (`-j`): string quoting and a
// writer that places the commas.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vmhost::json
{

// `s` as a JSON string literal, quotes included.
std::string quote(std::string_view s);

// Builds one JSON document, e.g.
//   Writer w;
//   w.begin_object().key("node").value(0).key("path").null().end_object();
//   w.str() == "{\"node\":0,\"path\":null}"
// Nesting is the caller's responsibility; the writer only separates.
class Writer {
    public:
	Writer &begin_object();
	Writer &end_object();
	Writer &begin_array();
	Writer &end_array();
	Writer &key(std::string_view k);
	Writer &value(std::string_view s);
	Writer &value(const char *s)
	{
		return value(std::string_view(s));
	}
	Writer &value(const std::string &s)
	{
		return value(std::string_view(s));
	}
	Writer &value(bool b);
	template <std::integral T> Writer &value(T v)
	{
		return raw(std::to_string(v));
	}
	Writer &null();
	// Inserts `text`, already JSON, as the next value.
	Writer &raw(std::string_view text);
	const std::string &str() const
	{
		return out_;
	}

    private:
	void separate();
	Writer &open(char c);
	Writer &close(char c);

	std::string out_;
	std::vector<bool> first_; // per open container: nothing in it yet
	bool after_key_ = false;
};

} // namespace vmhost::json
