// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <cstdio>

namespace vmhost::json
{

std::string quote(std::string_view s)
{
	std::string out = "\"";

	for (char ch : s) {
		switch (ch) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		default:
			if (static_cast<unsigned char>(ch) < 0x20) {
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\u%04x", ch);
				out += buf;
			} else {
				out += ch;
			}
		}
	}
	return out + "\"";
}

void Writer::separate()
{
	if (after_key_) {
		after_key_ = false;
		return;
	}
	if (!first_.empty()) {
		if (!first_.back())
			out_ += ',';
		first_.back() = false;
	}
}

Writer &Writer::open(char c)
{
	separate();
	out_ += c;
	first_.push_back(true);
	return *this;
}

Writer &Writer::close(char c)
{
	out_ += c;
	if (!first_.empty())
		first_.pop_back();
	return *this;
}

Writer &Writer::begin_object()
{
	return open('{');
}

Writer &Writer::end_object()
{
	return close('}');
}

Writer &Writer::begin_array()
{
	return open('[');
}

Writer &Writer::end_array()
{
	return close(']');
}

Writer &Writer::key(std::string_view k)
{
	separate();
	out_ += quote(k);
	out_ += ':';
	after_key_ = true;
	return *this;
}

Writer &Writer::value(std::string_view s)
{
	return raw(quote(s));
}

Writer &Writer::value(bool b)
{
	return raw(b ? "true" : "false");
}

Writer &Writer::null()
{
	return raw("null");
}

Writer &Writer::raw(std::string_view text)
{
	separate();
	out_ += text;
	return *this;
}

} // namespace vmhost::json
