// SPDX-License-Identifier: GPL-2.0
// vmemctl: command-line parsing (iproute2 grammar: OBJECT COMMAND ARGS,
// each word abbreviable to a unique prefix), kept free of netlink so the
// rules can be unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"

namespace vmem
{

// A usage error: vmemctl prints it and exits 2, having sent nothing.
using vmhost::UsageError;

enum class Command {
	PoolShow,
	RangeShow,
	RangeAdd,
	RangeDel,
	FileList,
	PoisonList,
	ConfigShow,
	ConfigSet,
	Monitor,
	Help,
	Version,
};

struct Invocation {
	Command command = Command::Help;
	bool json = false; // -j, --json
	std::uint64_t start = 0; // range add, range del: start ADDR
	std::uint64_t size = 0; // range add: size SIZE
	bool scrub = false; // config set scrub on|off
};

// Parses argv[1..]; throws UsageError naming the word it cannot use.
Invocation parse(const std::vector<std::string> &args);

// "pool show", "range add", ...: names the operation in error messages.
const char *command_name(Command c);

// A byte count or address: decimal with an optional binary suffix K, M, G
// or T (also KiB ... TiB, any case), or hexadecimal with 0x. Throws
// UsageError naming `what`.
std::uint64_t parse_size(const std::string &what, const std::string &text);

extern const char *const usage_text;

} // namespace vmem
