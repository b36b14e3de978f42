// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <vmhost/vpf.h>

#include <cctype>
#include <cstdio>

namespace pfctl
{

const std::vector<std::string> &driver_names()
{
	static const std::vector<std::string> names = { "none", "nvme",
							"vfio-pci" };
	return names;
}

const std::vector<std::string> &slot_driver_names()
{
	static const std::vector<std::string> names = { "auto", "none",
							"vfio-pci" };
	return names;
}

namespace
{

// `text` is 1 to `max` hexadecimal digits; its value in `v`.
bool hex(const std::string &text, std::size_t max, unsigned long &v)
{
	if (text.empty() || text.size() > max)
		return false;
	for (char c : text)
		if (!std::isxdigit(static_cast<unsigned char>(c)))
			return false;
	v = std::stoul(text, nullptr, 16);
	return true;
}

} // namespace

std::string parse_pci(const std::string &text, const char *what)
{
	std::string rest = text;
	unsigned long dom = 0, bus, dev, fn;
	std::size_t c = rest.find(':');

	auto bad = [&]() {
		return UsageError(std::string(what) + " '" + text +
				  "' is not a PCI address (0000:05:00.0 or "
				  "05:00.0)");
	};
	if (c == std::string::npos)
		throw bad();
	if (rest.find(':', c + 1) != std::string::npos) {
		if (!hex(rest.substr(0, c), 4, dom))
			throw bad();
		rest.erase(0, c + 1);
		c = rest.find(':');
	}
	std::size_t dot = rest.find('.');
	if (dot == std::string::npos || dot < c ||
	    !hex(rest.substr(0, c), 2, bus) ||
	    !hex(rest.substr(c + 1, dot - c - 1), 2, dev) ||
	    !hex(rest.substr(dot + 1), 1, fn) || dev > 0x1f || fn > 7)
		throw bad();
	char buf[16];
	std::snprintf(buf, sizeof(buf), "%04lx:%02lx:%02lx.%lx", dom, bus, dev,
		      fn);
	return buf;
}

namespace
{

using vmhost::cli::Param;

const Param kPfRequired = { "PF", Param::Positional, "", {}, true };
const Param kPfOptional = { "PF", Param::Positional };
const Param kForce = { "force", Param::Flag };

Param driver_param()
{
	return { "driver", Param::Keyword, "DRIVER", driver_names() };
}

const char kDevShowSummary[] =
	"the PFs vpf drives as a table, or PF in full: VFs, flexible "
	"resources, namespaces";
const char kDevAddSummary[] =
	"let vpf drive PF, a PCI address no driver is bound to "
	"(CAP_SYS_ADMIN)";
const char kDevDelSummary[] =
	"unbind vpf from PF; refused while VFs are enabled unless force "
	"(CAP_SYS_ADMIN)";
const char kVfShowSummary[] =
	"the VFs of every PF, of PF, or VF of PF: resources, online state, "
	"driver, in use";
const char kVfEnableSummary[] =
	"enable N VFs of PF, each with vq and vi resources, online, handed "
	"to DRIVER; N 0 disables them (CAP_SYS_ADMIN)";
const char kVfDisableSummary[] =
	"disable PF's VFs; refused while one is in use unless force "
	"(CAP_SYS_ADMIN)";
const char kVfSetSummary[] =
	"change VF of PF: online or offline, its resources, its driver; "
	"refused on a VF in use unless force (CAP_SYS_ADMIN)";
const char kNsShowSummary[] =
	"the namespaces of every PF's subsystem, or of PF: size, the VF "
	"each is attached to, whether it needs a wipe";
const char kNsAttachSummary[] =
	"attach namespace NSID to VF (one VF only), erasing it first if it "
	"may hold another tenant's data (CAP_SYS_ADMIN)";
const char kNsDetachSummary[] =
	"detach namespace NSID from its VF; refused while the VF is in use "
	"unless force (CAP_SYS_ADMIN)";
const char kMonitorSummary[] =
	"print each event as it happens: VFs enabled and disabled, VF "
	"changes, attachments and erases, resets, recovery, PCI errors "
	"(CAP_SYS_ADMIN)";
const char kDevSetSummary[] =
	"set PF's slot policy: what a function hot-added behind its card's "
	"switch is bound to (CAP_SYS_ADMIN)";
const char kSlotShowSummary[] =
	"the downstream ports of every PF's card, of PF, or PORT of PF: "
	"slot, presence, power, link, the function and its driver";
const char kSlotAddSummary[] =
	"power on the occupied slot at PORT through the hot-plug driver; "
	"the function gets the slot policy's driver (CAP_SYS_ADMIN)";
const char kSlotRemoveSummary[] =
	"power off the slot at PORT through the hot-plug driver, removing "
	"its function; refused while it is in use unless force "
	"(CAP_SYS_ADMIN)";
const char kNsWipeSummary[] =
	"erase namespace NSID, attached to no VF: it reads zeroes "
	"afterwards (CAP_SYS_ADMIN)";

} // namespace

const vmhost::cli::Grammar &grammar()
{
	static const vmhost::cli::Grammar g = {
		"pfctl",
		VMHOST_VERSION,
		"pfctl provisions the SR-IOV virtual functions (VFs) of NVMe\n"
		"offload cards that the vpf module drives: their queue (vq) and\n"
		"interrupt (vi) resources, online state and host driver, and\n"
		"the tenant namespaces attached to them. PF is a PCI address\n"
		"(0000:05:00.0 or 05:00.0); VF counts from 0 (virtfn0).",
		"pfctl(8), vpf(4)",
		{
			{ "dev",
			  "the PFs (physical functions) vpf drives",
			  { { "show", kDevShowSummary, { kPfOptional } },
			    { "add", kDevAddSummary, { kPfRequired } },
			    { "del", kDevDelSummary, { kPfRequired, kForce } },
			    { "set",
			      kDevSetSummary,
			      { kPfRequired,
				{ "slot-driver", Param::Keyword, "POLICY",
				  slot_driver_names() } } } } },
			{ "vf",
			  "the VFs of the PFs",
			  { { "show",
			      kVfShowSummary,
			      { kPfOptional, { "VF", Param::Positional } } },
			    { "enable",
			      kVfEnableSummary,
			      { kPfRequired,
				{ "N", Param::Positional, "", {}, true },
				{ "vq", Param::Keyword, "N" },
				{ "vi", Param::Keyword, "N" },
				driver_param(),
				kForce } },
			    { "disable",
			      kVfDisableSummary,
			      { kPfRequired, kForce } },
			    { "set",
			      kVfSetSummary,
			      { kPfRequired,
				{ "VF", Param::Positional, "", {}, true },
				{ "online", Param::Flag },
				{ "offline", Param::Flag },
				{ "vq", Param::Keyword, "N" },
				{ "vi", Param::Keyword, "N" },
				driver_param(),
				kForce } } } },
			{ "ns",
			  "the tenant namespaces of the PFs' NVM subsystems",
			  { { "show", kNsShowSummary, { kPfOptional } },
			    { "attach",
			      kNsAttachSummary,
			      { kPfRequired,
				{ "NSID", Param::Positional, "", {}, true },
				{ "VF", Param::Positional, "", {}, true } } },
			    { "detach",
			      kNsDetachSummary,
			      { kPfRequired,
				{ "NSID", Param::Positional, "", {}, true },
				kForce } },
			    { "wipe",
			      kNsWipeSummary,
			      { kPfRequired,
				{ "NSID",
				  Param::Positional,
				  "",
				  {},
				  true } } } } },
			{ "slot",
			  "the hot-plug slots of the PFs' cards (the PCIe "
			  "switch ports above each PF)",
			  { { "show",
			      kSlotShowSummary,
			      { kPfOptional, { "PORT", Param::Positional } } },
			    { "add",
			      kSlotAddSummary,
			      { kPfRequired,
				{ "PORT", Param::Positional, "", {}, true } } },
			    { "remove",
			      kSlotRemoveSummary,
			      { kPfRequired,
				{ "PORT", Param::Positional, "", {}, true },
				kForce } } } },
			{ "monitor",
			  "the events of every PF vpf drives",
			  { { "", kMonitorSummary } } },
		},
	};
	return g;
}

namespace
{

std::uint32_t number(const vmhost::cli::Invocation &c, const char *name,
		     std::uint64_t min, std::uint64_t max)
{
	return static_cast<std::uint32_t>(
		vmhost::parse_number(name, c.get(name), min, max));
}

} // namespace

Invocation interpret(const vmhost::cli::Invocation &c)
{
	Invocation inv;

	if (!vmhost::cli::interpret_common(c, inv, Command::Help,
					   Command::Version))
		return inv;
	if (c.has("PF"))
		inv.pf = parse_pci(c.get("PF"));
	if (c.has("VF"))
		inv.vf = number(c, "VF", 0, VPF_MAX_VFS - 1);
	if (c.has("NSID"))
		inv.nsid = number(c, "NSID", 1, 0xfffffffeU);
	if (c.has("vq"))
		inv.vq = number(c, "vq", 0, 65535);
	if (c.has("vi"))
		inv.vi = number(c, "vi", 0, 65535);
	if (c.has("PORT"))
		inv.port = parse_pci(c.get("PORT"), "PORT");
	if (c.has("slot-driver"))
		inv.slot_driver = static_cast<std::uint32_t>(
			vmhost::match_keyword("slot-driver",
					      c.get("slot-driver"),
					      slot_driver_names()));
	if (c.has("driver"))
		inv.driver = static_cast<Driver>(vmhost::match_keyword(
			"driver", c.get("driver"), driver_names()));
	inv.force = c.has("force");

	if (c.is("dev", "add")) {
		inv.command = Command::DevAdd;
	} else if (c.is("dev", "del")) {
		inv.command = Command::DevDel;
	} else if (c.is("dev", "set")) {
		inv.command = Command::DevSet;
		if (!inv.slot_driver)
			throw UsageError("dev set needs something to change: "
					 "slot-driver",
					 "dev set");
	} else if (c.is("dev")) {
		inv.command = inv.pf.empty() ? Command::DevList :
					       Command::DevShow;
	} else if (c.is("vf", "enable")) {
		inv.command = Command::VfEnable;
		inv.num_vfs = number(c, "N", 0, VPF_MAX_VFS);
	} else if (c.is("vf", "disable")) {
		inv.command = Command::VfEnable;
		inv.num_vfs = 0;
	} else if (c.is("vf", "set")) {
		inv.command = Command::VfSet;
		if (c.has("online") && c.has("offline"))
			throw UsageError("online and offline exclude each "
					 "other",
					 "vf set");
		if (c.has("online") || c.has("offline"))
			inv.online = c.has("online");
		if (!inv.online && !inv.vq && !inv.vi && !inv.driver)
			throw UsageError("vf set needs something to change: "
					 "online, offline, vq, vi or driver",
					 "vf set");
	} else if (c.is("vf")) {
		if (inv.vf && inv.pf.empty())
			throw UsageError("VF needs its PF", "vf show");
		inv.command = inv.vf ? Command::VfShow : Command::VfList;
	} else if (c.is("ns", "attach")) {
		inv.command = Command::NsAttach;
	} else if (c.is("ns", "detach")) {
		inv.command = Command::NsDetach;
	} else if (c.is("ns", "wipe")) {
		inv.command = Command::NsWipe;
	} else if (c.is("ns")) {
		inv.command = Command::NsList;
	} else if (c.is("slot", "add")) {
		inv.command = Command::SlotAdd;
	} else if (c.is("slot", "remove")) {
		inv.command = Command::SlotRemove;
	} else if (c.is("slot")) {
		if (!inv.port.empty() && inv.pf.empty())
			throw UsageError("PORT needs its PF", "slot show");
		inv.command = inv.port.empty() ? Command::SlotList :
						 Command::SlotShow;
	} else if (c.is("monitor")) {
		inv.command = Command::Monitor;
	}
	if (inv.command == Command::VfEnable && *inv.num_vfs == 0 &&
	    (inv.vq || inv.vi || inv.driver))
		throw UsageError("vq, vi and driver mean nothing when "
				 "disabling VFs",
				 "vf enable");
	return inv;
}

Invocation parse(const std::vector<std::string> &args)
{
	return interpret(vmhost::cli::parse(grammar(), args));
}

} // namespace pfctl
