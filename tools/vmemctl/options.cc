// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace vmem
{

const char *command_name(Command c)
{
	switch (c) {
	case Command::PoolShow:
		return "pool show";
	case Command::RangeShow:
		return "range show";
	case Command::RangeAdd:
		return "range add";
	case Command::RangeDel:
		return "range del";
	case Command::FileList:
		return "file list";
	case Command::PoisonList:
		return "poison list";
	case Command::ConfigShow:
		return "config show";
	case Command::ConfigSet:
		return "config set";
	case Command::Monitor:
		return "monitor";
	case Command::Help:
		return "help";
	case Command::Version:
		return "version";
	}
	return "?";
}

std::uint64_t parse_size(const std::string &what, const std::string &text)
{
	const char *p = text.data(), *end = p + text.size();
	std::uint64_t v = 0;
	unsigned shift = 0;
	bool hex = text.size() > 2 && text[0] == '0' &&
		   (text[1] == 'x' || text[1] == 'X');
	auto [ptr, ec] =
		std::from_chars(hex ? p + 2 : p, end, v, hex ? 16 : 10);

	if (ec == std::errc::result_out_of_range)
		throw UsageError(what + ": '" + text + "' is too large");
	if (text.empty() || ec != std::errc() || (hex && ptr != end))
		throw UsageError(what + ": '" + text +
				 "' is not a size (bytes, with an optional K, "
				 "M, G or T suffix, or hexadecimal 0x...)");

	std::string suffix(ptr, end);
	for (auto &ch : suffix)
		ch = static_cast<char>(
			std::tolower(static_cast<unsigned char>(ch)));
	if (suffix.empty())
		shift = 0;
	else if (suffix == "k" || suffix == "kib")
		shift = 10;
	else if (suffix == "m" || suffix == "mib")
		shift = 20;
	else if (suffix == "g" || suffix == "gib")
		shift = 30;
	else if (suffix == "t" || suffix == "tib")
		shift = 40;
	else
		throw UsageError(what + ": '" + text +
				 "' has unknown suffix '" +
				 std::string(ptr, end) +
				 "' (use K, M, G or T: powers of 1024)");
	if (v > std::numeric_limits<std::uint64_t>::max() >> shift)
		throw UsageError(what + ": '" + text + "' is too large");
	return v << shift;
}

namespace
{

using vmhost::cli::Param;

const Param kStart = { "start", Param::Keyword, "ADDR", {}, true };

} // namespace

const vmhost::cli::Grammar &grammar()
{
	static const vmhost::cli::Grammar g = {
		"vmemctl",
		VMHOST_VERSION,
		"VMEM hands out guest memory in 1 GiB chunks from memory the\n"
		"kernel was told to leave alone (memmap=). ADDR and SIZE are\n"
		"bytes with an optional K, M, G or T suffix (powers of 1024), or\n"
		"hexadecimal 0x...",
		"vmemctl(8), vmem(4)",
		{
			{ "pool",
			  "the guest-memory pools, one per NUMA node",
			  { { "show",
			      "size, free (zeroed, dirty), in use, "
			      "poisoned pages and metadata per pool" } } },
			{ "range",
			  "the physical ranges the pools are made of",
			  { { "show", "the ranges and what of each is in use" },
			    { "add",
			      "give the range to VMEM (it must be reserved "
			      "with memmap= and GiB-aligned)",
			      { kStart,
				{ "size", Param::Keyword, "SIZE", {}, true } } },
			    { "del",
			      "take the range back (refused while any of it "
			      "is in use)",
			      { kStart } } } },
			{ "file",
			  "the vmemfs files and how they are mapped",
			  { { "list", "every file: size, owner, node, "
				      "mappings by page size, poison" } } },
			{ "poison",
			  "the 4 KiB pages taken out of service",
			  { { "list", "every poisoned page: where it was "
				      "and what it hit" } } },
			{ "config",
			  "the module's settings",
			  { { "show", "the current settings" },
			    { "set",
			      "change a setting",
			      { { "scrub",
				  Param::Keyword,
				  "on|off",
				  { "on", "off" },
				  true } } } } },
			{ "monitor",
			  "print memory-error events as they happen",
			  { { "", "one line (or JSON object) per event, "
				  "until interrupted" } } },
		},
	};
	return g;
}

Invocation interpret(const vmhost::cli::Invocation &c)
{
	Invocation inv;

	if (!vmhost::cli::interpret_common(c, inv, Command::Help,
					   Command::Version))
		return inv;
	if (c.is("pool"))
		inv.command = Command::PoolShow;
	else if (c.is("range", "show"))
		inv.command = Command::RangeShow;
	else if (c.is("range", "add"))
		inv.command = Command::RangeAdd;
	else if (c.is("range", "del"))
		inv.command = Command::RangeDel;
	else if (c.is("file"))
		inv.command = Command::FileList;
	else if (c.is("poison"))
		inv.command = Command::PoisonList;
	else if (c.is("config", "show"))
		inv.command = Command::ConfigShow;
	else if (c.is("config", "set"))
		inv.command = Command::ConfigSet;
	else
		inv.command = Command::Monitor;
	if (c.has("start"))
		inv.start = parse_size("start", c.get("start"));
	if (c.has("size"))
		inv.size = parse_size("size", c.get("size"));
	inv.scrub = c.get("scrub") == "on";
	return inv;
}

Invocation parse(const std::vector<std::string> &args)
{
	return interpret(vmhost::cli::parse(grammar(), args));
}

} // namespace vmem
