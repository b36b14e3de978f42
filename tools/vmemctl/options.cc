// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace vmem
{

const char *const usage_text =
	"Usage: vmemctl [-j|--json] OBJECT COMMAND [ARGS]\n"
	"       vmemctl -h|--help | -V|--version\n"
	"\n"
	"  vmemctl pool show\n"
	"  vmemctl range show\n"
	"  vmemctl range add start ADDR size SIZE\n"
	"  vmemctl range del start ADDR\n"
	"  vmemctl file list\n"
	"  vmemctl poison list\n"
	"  vmemctl config show\n"
	"  vmemctl config set scrub on|off\n"
	"  vmemctl monitor\n"
	"\n"
	"Words may be abbreviated to any unique prefix; a missing COMMAND\n"
	"means show (list). ADDR and SIZE are bytes with an optional K, M, G\n"
	"or T suffix (powers of 1024), or hexadecimal 0x...\n"
	"VMEM hands out guest memory in 1 GiB chunks. See vmemctl(8).\n";

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

using vmhost::Args;
using vmhost::match_keyword;

// The object's command; `choices[0]` when the command is left out.
std::size_t command(Args &a, const std::string &object,
		    const std::vector<std::string> &choices)
{
	if (a.done())
		return 0;
	return match_keyword(object + " command", a.next(), choices);
}

void range_args(Args &a, Invocation &inv, bool want_size)
{
	const char *cmd = command_name(inv.command);
	std::vector<std::string> keys = { "start" };
	bool have[2] = {};

	if (want_size)
		keys.push_back("size");
	while (!a.done()) {
		std::size_t k = match_keyword(std::string(cmd) + " keyword",
					      a.next(), keys);
		std::string value = a.value(keys[k]);

		if (have[k])
			throw UsageError(std::string(cmd) + ": " + keys[k] +
					 " given twice");
		have[k] = true;
		if (k == 0)
			inv.start = parse_size("start", value);
		else
			inv.size = parse_size("size", value);
	}
	if (!have[0] || (want_size && !have[1]))
		throw UsageError(std::string(cmd) + ": needs start ADDR" +
				 (want_size ? " and size SIZE" : ""));
}

void config_set_args(Args &a, Invocation &inv)
{
	if (a.done())
		throw UsageError("config set: set what? scrub on|off");
	match_keyword("config set keyword", a.next(), { "scrub" });
	const std::string &v = a.value("scrub");
	inv.scrub = match_keyword("scrub value", v, { "on", "off" }) == 0;
}

} // namespace

Invocation parse(const std::vector<std::string> &args)
{
	Invocation inv;
	Args a(args);
	bool help = false, version = false;

	while (!a.done() && a.peek().size() > 1 && a.peek()[0] == '-') {
		const std::string opt = a.next();

		if (opt == "-j" || opt == "--json")
			inv.json = true;
		else if (opt == "-h" || opt == "--help")
			help = true;
		else if (opt == "-V" || opt == "--version")
			version = true;
		else
			throw UsageError("unknown option '" + opt + "'");
	}
	if (help || version) {
		inv.command = help ? Command::Help : Command::Version;
		return inv;
	}
	if (a.done())
		throw UsageError("which object? pool, range, file, poison, "
				 "config or monitor");

	switch (match_keyword("object", a.next(),
			      { "pool", "range", "file", "poison", "config",
				"monitor" })) {
	case 0:
		command(a, "pool", { "show" });
		inv.command = Command::PoolShow;
		break;
	case 1:
		switch (command(a, "range", { "show", "add", "del" })) {
		case 0:
			inv.command = Command::RangeShow;
			break;
		case 1:
			inv.command = Command::RangeAdd;
			range_args(a, inv, true);
			break;
		default:
			inv.command = Command::RangeDel;
			range_args(a, inv, false);
			break;
		}
		break;
	case 2:
		command(a, "file", { "list", "show" });
		inv.command = Command::FileList;
		break;
	case 3:
		command(a, "poison", { "list", "show" });
		inv.command = Command::PoisonList;
		break;
	case 4:
		if (command(a, "config", { "show", "set" }) == 0) {
			inv.command = Command::ConfigShow;
		} else {
			inv.command = Command::ConfigSet;
			config_set_args(a, inv);
		}
		break;
	default:
		inv.command = Command::Monitor;
		break;
	}
	if (!a.done()) {
		const std::string &w = a.next();

		throw UsageError(std::string(command_name(inv.command)) +
				 ": unexpected argument '" + w + "'" +
				 (w.size() > 1 && w[0] == '-' ?
					  " (options go before OBJECT)" :
					  ""));
	}
	return inv;
}

} // namespace vmem
