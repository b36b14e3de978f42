// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <charconv>

namespace vmhost
{

const std::string &Args::peek() const
{
	static const std::string none;

	return done() ? none : args_[pos_];
}

std::uint64_t parse_number(const std::string &what, const std::string &text,
			   std::uint64_t min, std::uint64_t max)
{
	std::uint64_t v = 0;
	const char *end = text.data() + text.size();
	auto [ptr, ec] = std::from_chars(text.data(), end, v);

	if (text.empty() || ec != std::errc() || ptr != end)
		throw UsageError(what + ": '" + text +
				 "' is not a whole number");
	if (v < min || v > max)
		throw UsageError(what + ": " + text + " is out of range (" +
				 std::to_string(min) + " to " +
				 std::to_string(max) + ")");
	return v;
}

namespace
{

std::string join(const std::vector<std::string> &words)
{
	std::string s;

	for (const auto &w : words)
		s += (s.empty() ? "" : ", ") + w;
	return s;
}

} // namespace

std::size_t match_keyword(const std::string &what, const std::string &word,
			  const std::vector<std::string> &choices)
{
	std::vector<std::string> candidates;
	std::size_t found = 0;

	for (std::size_t i = 0; i < choices.size(); i++) {
		if (choices[i] == word)
			return i;
		if (!word.empty() && choices[i].starts_with(word)) {
			candidates.push_back(choices[i]);
			found = i;
		}
	}
	if (candidates.size() == 1)
		return found;
	if (candidates.empty())
		throw UsageError("unknown " + what + " '" + word +
				 "' (expected " + join(choices) + ")");
	throw UsageError(what + " '" + word +
			 "' is ambiguous: " + join(candidates));
}

} // namespace vmhost
