// SPDX-License-Identifier: GPL-2.0
// vmemctl: its grammar (tools/lib/cli.h: the iproute2 convention of every
// vmhost tool) and the typed request it parses into, kept free of netlink
// so the rules can be unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "cli.h"

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
	bool pretty = false; // -p, --pretty
	std::uint64_t start = 0; // range add, range del: start ADDR
	std::uint64_t size = 0; // range add: size SIZE
	bool scrub = false; // config set scrub on|off
};

// vmemctl's objects, commands and their arguments.
const vmhost::cli::Grammar &grammar();

// The typed request for what the grammar accepted; throws UsageError for a
// value it cannot use (a size that is not one).
Invocation interpret(const vmhost::cli::Invocation &cli);

// interpret(cli::parse(grammar(), args)): argv[1..] to a request; help and
// version come back as Command::Help and Command::Version.
Invocation parse(const std::vector<std::string> &args);

// "pool show", "range add", ...: names the operation in error messages.
const char *command_name(Command c);

// A byte count or address: decimal with an optional binary suffix K, M, G
// or T (also KiB ... TiB, any case), or hexadecimal with 0x. Throws
// UsageError naming `what`.
std::uint64_t parse_size(const std::string &what, const std::string &text);

} // namespace vmem
