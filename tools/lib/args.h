// SPDX-License-Identifier: GPL-2.0
// Command-line helpers shared by vmhost's tools: the usage error every tool
// turns into exit status 2, a cursor over argv, whole numbers and
// iproute2-style keyword matching (any unique prefix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vmhost
{

// A usage error: the tool prints it and exits 2, having changed nothing.
// `topic` is the object (and command) whose `help` explains the mistake,
// "" for the tool's own.
class UsageError : public std::runtime_error {
    public:
	explicit UsageError(const std::string &msg, std::string topic = "")
		: std::runtime_error(msg)
		, topic_(std::move(topic))
	{
	}
	const std::string &topic() const
	{
		return topic_;
	}

    private:
	std::string topic_;
};

// Walks argv[1..] front to back.
class Args {
    public:
	explicit Args(const std::vector<std::string> &a)
		: args_(a)
	{
	}
	bool done() const
	{
		return pos_ >= args_.size();
	}
	// The next word, not consumed; "" when done.
	const std::string &peek() const;
	const std::string &next()
	{
		return args_.at(pos_++);
	}
	// The value of option or keyword `opt`; UsageError when missing.
	const std::string &value(const std::string &opt)
	{
		if (done())
			throw UsageError(opt + " needs a value");
		return next();
	}

    private:
	const std::vector<std::string> &args_;
	std::size_t pos_ = 0;
};

// Parses a whole decimal number in [min, max]; throws UsageError naming
// `what` otherwise.
std::uint64_t parse_number(const std::string &what, const std::string &text,
			   std::uint64_t min, std::uint64_t max);

// Returns the index in `choices` of `word`, which may be abbreviated to any
// prefix that selects one choice (an exact match always wins). Throws
// UsageError "unknown <what> 'word'" or "<what> 'word' is ambiguous",
// listing the choices.
std::size_t match_keyword(const std::string &what, const std::string &word,
			  const std::vector<std::string> &choices);

} // namespace vmhost
