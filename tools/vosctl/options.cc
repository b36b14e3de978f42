// SPDX-License-Identifier: GPL-2.0
#include "options.h"

namespace vos
{

namespace
{

using vmhost::cli::Param;

Param number(const char *name, const char *unit)
{
	return { name, Param::Keyword, unit };
}

std::uint64_t value(const vmhost::cli::Invocation &c, const char *name,
		    std::uint64_t fallback, std::uint64_t min,
		    std::uint64_t max)
{
	if (!c.has(name))
		return fallback;
	return parse_number(name, c.get(name), min, max);
}

// An absolute path with no "." or ".." component: what cgroup_id() then
// checks is a directory under the cgroup2 mount.
std::string cgroup_path(const std::string &what, const std::string &path)
{
	if (path.empty() || path.front() != '/')
		throw UsageError(what + ": '" + path +
				 "' is not an absolute cgroup path");
	for (std::size_t b = 1; b <= path.size();) {
		std::size_t e = path.find('/', b);

		if (e == std::string::npos)
			e = path.size();
		std::string part = path.substr(b, e - b);
		if (part == "." || part == "..")
			throw UsageError(what + ": '" + path + "' has a '" +
					 part + "' component");
		b = e + 1;
	}
	return path;
}

} // namespace

const vmhost::cli::Grammar &grammar()
{
	static const vmhost::cli::Grammar g = {
		"vosctl",
		VMHOST_VERSION,
		"VOS schedules vCPU threads first and gives the host's control\n"
		"plane a bounded, never-starved budget.",
		"vosctl(8)",
		{
			{ "sched",
			  "the VOS scheduler itself",
			  {
				  { "show",
				    "state, configuration and per-class "
				    "statistics (exit 3 when VOS is not "
				    "running)" },
				  { "start",
				    "load VOS and keep it attached while this "
				    "vosctl runs (CAP_BPF and CAP_SYS_ADMIN)",
				    { number("ctrl-budget", "PCT"),
				      number("ctrl-slice", "US"),
				      number("vcpu-slice", "US"),
				      number("max-wait", "MS"),
				      number("watchdog", "MS"),
				      { "vcpu-cgroup",
					Param::Keyword,
					"PATH",
					{},
					false,
					true },
				      { "daemon", Param::Flag },
				      { "test-stall", Param::Flag } } },
				  { "stop", "stop the vosctl that holds VOS; "
					    "every task returns to the fair "
					    "class" },
			  } },
			{ "class",
			  "how a task or a cgroup's tasks are classified",
			  { { "set",
			      "classify a thread (TID) or every task of a "
			      "cgroup (absolute path under /sys/fs/cgroup)",
			      { { "TID|PATH", Param::Positional, "", {}, true },
				{ "CLASS",
				  Param::Positional,
				  "",
				  { "vcpu", "ctrl", "auto" },
				  true } } } } },
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
	if (c.is("sched", "show")) {
		inv.command = Command::Status;
	} else if (c.is("sched", "stop")) {
		inv.command = Command::Stop;
	} else if (c.is("sched", "start")) {
		StartOptions &o = inv.start;

		inv.command = Command::Start;
		o.ctrl_budget_pct = static_cast<unsigned>(
			value(c, "ctrl-budget", o.ctrl_budget_pct, 1, 50));
		o.ctrl_slice_us =
			value(c, "ctrl-slice", o.ctrl_slice_us, 50, 100000);
		o.vcpu_slice_us =
			value(c, "vcpu-slice", o.vcpu_slice_us, 100, 1000000);
		o.max_wait_ms = value(c, "max-wait", o.max_wait_ms, 1, 10000);
		o.watchdog_ms = static_cast<unsigned>(
			value(c, "watchdog", o.watchdog_ms, 1000, 30000));
		if (c.has("vcpu-cgroup"))
			for (const auto &path : c.values.at("vcpu-cgroup"))
				o.vcpu_cgroups.push_back(
					cgroup_path("vcpu-cgroup", path));
		o.daemon = c.has("daemon");
		o.test_stall = c.has("test-stall");
		// The guard must leave CTRL room to run at least one slice.
		if (o.max_wait_ms * 1000 < o.ctrl_slice_us)
			throw UsageError(
				"max-wait (" + std::to_string(o.max_wait_ms) +
				" ms) must not be shorter than ctrl-slice (" +
				std::to_string(o.ctrl_slice_us) + " us)");
	} else {
		ClassifyOptions &o = inv.classify;
		const std::string &what = c.get("TID|PATH");
		const std::string &as = c.get("CLASS");

		inv.command = Command::Classify;
		if (!what.empty() &&
		    what.find_first_not_of("0123456789") == std::string::npos) {
			o.target = ClassifyTarget::Tid;
			o.tid = static_cast<std::uint32_t>(
				parse_number("TID", what, 1, 4194304));
		} else if (!what.empty() && what.front() == '/') {
			o.target = ClassifyTarget::Cgroup;
			o.cgroup = cgroup_path("class set", what);
		} else {
			throw UsageError(
				"class set: '" + what +
				"' is neither a TID nor an absolute cgroup path");
		}
		o.as = as == "vcpu" ? ClassifyAs::Vcpu :
		       as == "ctrl" ? ClassifyAs::Ctrl :
				      ClassifyAs::Auto;
	}
	return inv;
}

Invocation parse(const std::vector<std::string> &args)
{
	return interpret(vmhost::cli::parse(grammar(), args));
}

} // namespace vos
