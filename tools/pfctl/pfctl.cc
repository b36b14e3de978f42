// SPDX-License-Identifier: GPL-2.0
// pfctl: provision the SR-IOV VFs and tenant namespaces of the NVMe
// offload cards the vpf module drives, over its generic netlink family
// "vpf" (uapi/vmhost/vpf_nl.h).
//
// Grammar, messages and exit status are every vmhost tool's (tools/lib/
// cli.h): 0 success, 1 the kernel refused or the operation failed, 2 bad
// usage, 3 the vpf module is not loaded. Output reaches stdout only once
// the whole answer is in.
#include <vmhost/vpf.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "format.h"
#include "genl.h"
#include "objects.h"
#include "options.h"
#include "signals.h"
#include "slots.h"

namespace pfctl
{
namespace
{

namespace genl = vmhost::genl;

[[noreturn]] void no_reply(const char *what)
{
	throw genl::Error(genl::ErrorKind::Protocol, EPROTO, "",
			  std::string("the vpf module sent no ") + what);
}

void put_vf_conf(genl::Message &m, const Invocation &inv)
{
	if (inv.vq)
		m.put_u32(VPF_A_VF_VQ, *inv.vq);
	if (inv.vi)
		m.put_u32(VPF_A_VF_VI, *inv.vi);
	if (inv.driver)
		m.put_u32(VPF_A_VF_DRIVER,
			  static_cast<std::uint32_t>(*inv.driver));
	if (inv.force)
		m.put_flag(VPF_A_VF_FORCE);
}

Style style_of(const Invocation &inv)
{
	return !inv.json  ? Style::Text :
	       inv.pretty ? Style::Pretty :
			    Style::Json;
}

// Prints each event as it arrives until SIGINT or SIGTERM.
void monitor(const Invocation &inv)
{
	vmhost::StopSignals stop;
	genl::Socket s(VPF_FAMILY_NAME, VPF_FAMILY_VERSION);

	s.subscribe(VPF_MCGRP_EVENTS);
	s.listen(
		VPF_A_EVENT_MAX,
		[&](const genl::Attrs &a) {
			if (a.cmd() != VPF_CMD_EVENT)
				return;
			std::cout
				<< format_event(decode_event(a), style_of(inv))
				<< std::flush;
		},
		[&] { return stop.stopped(); }, stop.wait_mask(),
		[] {
			std::cerr << "pfctl: monitor: events were lost "
				     "(receive buffer overrun)\n";
		});
}

// The VF `vf` of `pf` as the module reports it.
std::optional<Vf> get_vf(genl::Socket &s, const std::string &pf,
			 std::uint32_t vf)
{
	std::optional<Vf> v;

	s.request(
		VPF_CMD_VF_GET, VPF_A_VF_MAX,
		[&](genl::Message &m) {
			m.put_string(VPF_A_VF_PCI_NAME, pf);
			m.put_u32(VPF_A_VF_VF, vf);
		},
		[&](const genl::Attrs &a) { v = decode_vf(a); });
	return v;
}

// The VF namespace `nsid` of `pf` is attached to, if any.
std::optional<std::uint32_t> ns_vf(genl::Socket &s, const std::string &pf,
				   std::uint32_t nsid)
{
	std::optional<std::uint32_t> vf;

	s.dump(
		VPF_CMD_NS_GET, VPF_A_NS_MAX,
		[&](genl::Message &m) { m.put_string(VPF_A_NS_PCI_NAME, pf); },
		[&](const genl::Attrs &a) {
			Ns n = decode_ns(a);
			if (n.nsid == nsid)
				vf = n.vf;
		});
	return vf;
}

// After an attach or a detach, have the VF's nvme driver scan its
// namespaces: a controller need not send a namespace-change event (QEMU
// 10.0 sends none while an earlier change is unread, which a change made
// while the VF had no driver leaves behind). Best effort: the change is
// done either way.
void rescan(genl::Socket &s, const std::string &pf,
	    std::optional<std::uint32_t> vf)
{
	if (!vf)
		return;
	std::optional<Vf> v = get_vf(s, pf, *vf);
	if (!v || !v->pci_name || v->bound != "nvme")
		return;
	std::string dir = "/sys/bus/pci/devices/" + *v->pci_name + "/nvme";
	std::error_code ec;
	for (const auto &c : std::filesystem::directory_iterator(dir, ec)) {
		std::ofstream f(c.path() / "rescan_controller");
		f << "1\n";
	}
}

// The port `port` of `pf`'s card as the module reports it.
Slot get_slot(genl::Socket &s, const std::string &pf, const std::string &port)
{
	std::optional<Slot> slot;

	s.request(
		VPF_CMD_SLOT_GET, VPF_A_SLOT_MAX,
		[&](genl::Message &m) {
			m.put_string(VPF_A_SLOT_PCI_NAME, pf);
			m.put_string(VPF_A_SLOT_PORT, port);
		},
		[&](const genl::Attrs &a) { slot = decode_slot(a); });
	if (!slot)
		no_reply("slot");
	return *slot;
}

// slot add, slot remove: through the hot-plug driver's power control.
void slot_power(genl::Socket &s, const Invocation &inv)
{
	bool remove = inv.command == Command::SlotRemove;
	Slot slot = get_slot(s, inv.pf, inv.port);
	std::string why = slot_refusal(slot, remove, inv.force);

	if (!why.empty())
		throw vmhost::cli::Failure(why);
	if (!remove && slot_add_is_done(slot))
		return;
	auto dir = find_slot_dir("/sys/bus/pci/slots", slot);
	if (dir.empty())
		throw vmhost::cli::Failure(
			"no hot-plug driver registered the slot at " +
			inv.port +
			" (/sys/bus/pci/slots has none with its address; is "
			"pciehp in charge of it?)");
	try {
		set_slot_power(dir, !remove);
	} catch (const vmhost::cli::Failure &) {
		// pciehp powers an occupied slot by itself when the card
		// appears; if it did so meanwhile, there is nothing to do.
		if (remove || !slot_add_is_done(get_slot(s, inv.pf, inv.port)))
			throw;
	}
}

std::string run(const Invocation &inv)
{
	genl::Socket s(VPF_FAMILY_NAME, VPF_FAMILY_VERSION);
	Style style = style_of(inv);

	switch (inv.command) {
	case Command::DevList: {
		std::vector<Pf> pfs;

		s.dump(VPF_CMD_DEV_GET, VPF_A_DEV_MAX, {},
		       [&](const genl::Attrs &a) {
			       pfs.push_back(decode_pf(a));
		       });
		return format_pfs(pfs, style);
	}
	case Command::DevShow: {
		std::optional<Pf> p;

		s.request(
			VPF_CMD_DEV_GET, VPF_A_DEV_MAX,
			[&](genl::Message &m) {
				m.put_string(VPF_A_DEV_PCI_NAME, inv.pf);
			},
			[&](const genl::Attrs &a) { p = decode_pf(a); });
		if (!p)
			no_reply("PF");
		return format_pf(*p, style);
	}
	case Command::DevAdd:
	case Command::DevDel:
		s.request(inv.command == Command::DevAdd ? VPF_CMD_DEV_ADD :
							   VPF_CMD_DEV_DEL,
			  VPF_A_DEV_MAX, [&](genl::Message &m) {
				  m.put_string(VPF_A_DEV_PCI_NAME, inv.pf);
				  if (inv.force)
					  m.put_flag(VPF_A_DEV_FORCE);
			  });
		return "";
	case Command::DevSet:
		s.request(VPF_CMD_DEV_SET, VPF_A_DEV_MAX, [&](genl::Message &m) {
			m.put_string(VPF_A_DEV_PCI_NAME, inv.pf);
			m.put_u32(VPF_A_DEV_SLOT_DRIVER, *inv.slot_driver);
		});
		return "";
	case Command::SlotList: {
		std::vector<Slot> slots;

		s.dump(
			VPF_CMD_SLOT_GET, VPF_A_SLOT_MAX,
			[&](genl::Message &m) {
				if (!inv.pf.empty())
					m.put_string(VPF_A_SLOT_PCI_NAME,
						     inv.pf);
			},
			[&](const genl::Attrs &a) {
				slots.push_back(decode_slot(a));
			});
		return format_slots(slots, style);
	}
	case Command::SlotShow:
		return format_slot(get_slot(s, inv.pf, inv.port), style);
	case Command::SlotAdd:
	case Command::SlotRemove:
		slot_power(s, inv);
		return "";
	case Command::VfList: {
		std::vector<Vf> vfs;

		s.dump(
			VPF_CMD_VF_GET, VPF_A_VF_MAX,
			[&](genl::Message &m) {
				if (!inv.pf.empty())
					m.put_string(VPF_A_VF_PCI_NAME, inv.pf);
			},
			[&](const genl::Attrs &a) {
				vfs.push_back(decode_vf(a));
			});
		return format_vfs(vfs, style);
	}
	case Command::VfShow: {
		std::optional<Vf> v;

		s.request(
			VPF_CMD_VF_GET, VPF_A_VF_MAX,
			[&](genl::Message &m) {
				m.put_string(VPF_A_VF_PCI_NAME, inv.pf);
				m.put_u32(VPF_A_VF_VF, *inv.vf);
			},
			[&](const genl::Attrs &a) { v = decode_vf(a); });
		if (!v)
			no_reply("VF");
		return format_vf(*v, style);
	}
	case Command::VfEnable:
		s.request(VPF_CMD_VF_ENABLE, VPF_A_VF_MAX,
			  [&](genl::Message &m) {
				  m.put_string(VPF_A_VF_PCI_NAME, inv.pf);
				  m.put_u32(VPF_A_VF_NUM_VFS, *inv.num_vfs);
				  put_vf_conf(m, inv);
			  });
		return "";
	case Command::VfSet:
		s.request(VPF_CMD_VF_SET, VPF_A_VF_MAX, [&](genl::Message &m) {
			m.put_string(VPF_A_VF_PCI_NAME, inv.pf);
			m.put_u32(VPF_A_VF_VF, *inv.vf);
			if (inv.online)
				m.put_u8(VPF_A_VF_ONLINE, *inv.online ? 1 : 0);
			put_vf_conf(m, inv);
		});
		return "";
	case Command::NsList: {
		std::vector<Ns> nss;

		s.dump(
			VPF_CMD_NS_GET, VPF_A_NS_MAX,
			[&](genl::Message &m) {
				if (!inv.pf.empty())
					m.put_string(VPF_A_NS_PCI_NAME, inv.pf);
			},
			[&](const genl::Attrs &a) {
				nss.push_back(decode_ns(a));
			});
		return format_nss(nss, style);
	}
	case Command::NsAttach:
	case Command::NsDetach:
	case Command::NsWipe: {
		std::optional<std::uint32_t> vf;

		if (inv.command == Command::NsAttach)
			vf = inv.vf;
		else if (inv.command == Command::NsDetach)
			vf = ns_vf(s, inv.pf, *inv.nsid);
		std::uint8_t cmd =
			inv.command == Command::NsAttach ? VPF_CMD_NS_ATTACH :
			inv.command == Command::NsDetach ? VPF_CMD_NS_DETACH :
							   VPF_CMD_NS_WIPE;

		s.request(cmd, VPF_A_NS_MAX, [&](genl::Message &m) {
			m.put_string(VPF_A_NS_PCI_NAME, inv.pf);
			m.put_u32(VPF_A_NS_NSID, *inv.nsid);
			if (inv.command == Command::NsAttach)
				m.put_u32(VPF_A_NS_VF, *inv.vf);
			if (inv.force)
				m.put_flag(VPF_A_NS_FORCE);
		});
		rescan(s, inv.pf, vf);
		return "";
	}
	case Command::Monitor:
		monitor(inv);
		return "";
	default:
		return "";
	}
}

} // namespace
} // namespace pfctl

int main(int argc, char **argv)
{
	using namespace pfctl;
	namespace cli = vmhost::cli;

	return cli::main(grammar(), argc, argv, [](const cli::Invocation &c) {
		Invocation inv = interpret(c);

		try {
			std::cout << run(inv) << std::flush;
			if (!std::cout)
				throw cli::Failure("cannot write the output");
			return 0;
		} catch (const vmhost::genl::Error &e) {
			throw explain(e, inv);
		}
	});
}
