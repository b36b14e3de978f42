// SPDX-License-Identifier: GPL-2.0
#include "options.h"

namespace vos
{

const char *const usage_text =
	"Usage: vosctl start [--ctrl-budget PCT] [--ctrl-slice US] [--vcpu-slice US]\n"
	"                    [--max-wait MS] [--vcpu-cgroup PATH]... [--watchdog MS]\n"
	"                    [--daemon]\n"
	"       vosctl stop\n"
	"       vosctl status [-j]\n"
	"       vosctl classify TID|CGROUP-PATH vcpu|ctrl|auto\n"
	"       vosctl help | version\n"
	"\n"
	"VOS schedules vCPU threads first and gives the host's control plane a\n"
	"bounded, never-starved budget. See vosctl(8).\n";

namespace
{

using vmhost::Args;

StartOptions parse_start(Args &a)
{
	StartOptions o;

	while (!a.done()) {
		const std::string opt = a.next();

		if (opt == "--ctrl-budget")
			o.ctrl_budget_pct =
				parse_number(opt, a.value(opt), 1, 50);
		else if (opt == "--ctrl-slice")
			o.ctrl_slice_us =
				parse_number(opt, a.value(opt), 50, 100000);
		else if (opt == "--vcpu-slice")
			o.vcpu_slice_us =
				parse_number(opt, a.value(opt), 100, 1000000);
		else if (opt == "--max-wait")
			o.max_wait_ms =
				parse_number(opt, a.value(opt), 1, 10000);
		else if (opt == "--watchdog")
			o.watchdog_ms =
				parse_number(opt, a.value(opt), 1000, 30000);
		else if (opt == "--vcpu-cgroup")
			o.vcpu_cgroups.push_back(a.value(opt));
		else if (opt == "--daemon")
			o.daemon = true;
		else if (opt == "--test-stall")
			o.test_stall = true;
		else
			throw UsageError("start: unknown option '" + opt + "'");
	}
	// The guard must leave CTRL room to run at least one slice.
	if (o.max_wait_ms * 1000 < o.ctrl_slice_us)
		throw UsageError(
			"--max-wait (" + std::to_string(o.max_wait_ms) +
			" ms) must not be shorter than --ctrl-slice (" +
			std::to_string(o.ctrl_slice_us) + " us)");
	return o;
}

ClassifyOptions parse_classify(Args &a)
{
	ClassifyOptions o;

	if (a.done())
		throw UsageError("classify: which TID or cgroup path?");
	const std::string what = a.next();
	if (a.done())
		throw UsageError("classify: as what? vcpu, ctrl or auto");
	const std::string as = a.next();
	if (!a.done())
		throw UsageError("classify: too many arguments");

	if (!what.empty() &&
	    what.find_first_not_of("0123456789") == std::string::npos) {
		o.target = ClassifyTarget::Tid;
		o.tid = parse_number("TID", what, 1, 4194304);
	} else if (!what.empty() && what.front() == '/') {
		o.target = ClassifyTarget::Cgroup;
		o.cgroup = what;
	} else {
		throw UsageError(
			"classify: '" + what +
			"' is neither a TID nor an absolute cgroup path");
	}
	if (as == "vcpu")
		o.as = ClassifyAs::Vcpu;
	else if (as == "ctrl")
		o.as = ClassifyAs::Ctrl;
	else if (as == "auto")
		o.as = ClassifyAs::Auto;
	else
		throw UsageError("classify: '" + as +
				 "' is not a class: use vcpu, ctrl or auto");
	return o;
}

} // namespace

Invocation parse(const std::vector<std::string> &args)
{
	Invocation inv;
	Args a(args);

	if (a.done())
		throw UsageError(
			"which command? start, stop, status or classify");
	const std::string cmd = a.next();

	if (cmd == "start") {
		inv.command = Command::Start;
		inv.start = parse_start(a);
	} else if (cmd == "stop") {
		inv.command = Command::Stop;
	} else if (cmd == "status") {
		inv.command = Command::Status;
		while (!a.done()) {
			const std::string opt = a.next();
			if (opt != "-j" && opt != "--json")
				throw UsageError("status: unknown option '" +
						 opt + "'");
			inv.json = true;
		}
	} else if (cmd == "classify") {
		inv.command = Command::Classify;
		inv.classify = parse_classify(a);
	} else if (cmd == "help" || cmd == "-h" || cmd == "--help") {
		inv.command = Command::Help;
	} else if (cmd == "version" || cmd == "--version") {
		inv.command = Command::Version;
	} else {
		throw UsageError("unknown command '" + cmd + "'");
	}
	if ((inv.command == Command::Stop || inv.command == Command::Help ||
	     inv.command == Command::Version) &&
	    !a.done())
		throw UsageError(cmd + ": unexpected argument '" + a.next() +
				 "'");
	return inv;
}

} // namespace vos
