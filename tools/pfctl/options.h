// SPDX-License-Identifier: GPL-2.0
// pfctl: its grammar (tools/lib/cli.h: the iproute2 convention of every
// vmhost tool) and the typed request it parses into, kept free of netlink
// so the rules can be unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "cli.h"

namespace pfctl
{

using vmhost::UsageError;

enum class Command {
	DevList, // dev show (no PF), dev list
	DevShow, // dev show PF
	DevAdd,
	DevDel,
	DevSet, // dev set PF slot-driver POLICY
	VfList, // vf show [PF]
	VfShow, // vf show PF VF
	VfEnable, // vf enable PF N, vf disable PF (N = 0)
	VfSet,
	NsList,
	NsAttach,
	NsDetach,
	NsWipe,
	SlotList, // slot show [PF]
	SlotShow, // slot show PF PORT
	SlotAdd,
	SlotRemove,
	Monitor,
	Help,
	Version,
};

// enum vpf_vf_driver, by name.
enum class Driver : std::uint32_t { None = 0, Nvme = 1, VfioPci = 2 };

// The drivers by their names, in enum order: "none", "nvme", "vfio-pci".
const std::vector<std::string> &driver_names();

// enum vpf_slot_driver, by name: "auto", "none", "vfio-pci".
const std::vector<std::string> &slot_driver_names();

struct Invocation {
	Command command = Command::Help;
	bool json = false; // -j
	bool pretty = false; // -p
	std::string pf; // canonical PCI address, "" when not given
	std::optional<std::uint32_t> vf;
	std::optional<std::uint32_t> num_vfs; // VfEnable
	std::optional<std::uint32_t> nsid;
	std::optional<bool> online; // VfSet
	std::optional<std::uint32_t> vq;
	std::optional<std::uint32_t> vi;
	std::optional<Driver> driver;
	std::optional<std::uint32_t> slot_driver; // enum vpf_slot_driver
	std::string port; // a downstream port's PCI address, "" if none
	bool force = false;
};

const vmhost::cli::Grammar &grammar();

// The typed request for what the grammar accepted; throws UsageError for
// a value it cannot use.
Invocation interpret(const vmhost::cli::Invocation &cli);

// interpret(cli::parse(grammar(), args)).
Invocation parse(const std::vector<std::string> &args);

// A PCI address "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hexadecimal, to
// the kernel's form "0000:05:00.0"; throws UsageError naming it `what`.
std::string parse_pci(const std::string &text, const char *what = "PF");

} // namespace pfctl
