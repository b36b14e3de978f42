// SPDX-License-Identifier: GPL-2.0
// pfctl: what the vpf module reports, decoded from its generic netlink
// messages (uapi/vmhost/vpf_nl.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "genl.h"

namespace pfctl
{

// A PF vpf drives.
struct Pf {
	std::string pci_name;
	std::uint32_t state = 0; // enum vpf_dev_state
	std::uint32_t cntlid = 0;
	std::uint32_t total_vfs = 0, num_vfs = 0;
	std::uint32_t vq_total = 0, vq_free = 0, vq_max = 0;
	std::uint32_t vi_total = 0, vi_free = 0, vi_max = 0;
	std::uint32_t namespaces = 0;
	std::string serial, model;
	std::uint32_t slot_driver = 0; // enum vpf_slot_driver
	std::uint32_t slots = 0;
};

// One VF of a PF.
struct Vf {
	std::string pf;
	std::uint32_t vf = 0;
	std::optional<std::string> pci_name; // absent: not enabled
	std::uint32_t cntlid = 0;
	bool online = false;
	std::uint32_t vq = 0, vi = 0;
	std::uint32_t driver = 0; // enum vpf_vf_driver, configured
	std::optional<std::string> bound; // the driver bound now
	bool in_use = false;
};

// One namespace of a PF's NVM subsystem.
struct Ns {
	std::string pf;
	std::uint32_t nsid = 0;
	std::optional<std::uint32_t> vf; // absent: attached to no VF
	std::uint64_t size = 0;
	std::uint32_t lba_size = 0;
	bool needs_wipe = false;
};

// One downstream port of a PF's card.
struct Slot {
	std::string pf, port;
	std::optional<std::uint32_t> number; // physical slot number
	std::optional<std::string> bus; // secondary bus "dddd:bb"
	bool hotplug = false, occupied = false, power = false;
	bool link_up = false, card = false, in_use = false;
	std::optional<std::uint32_t> speed, width; // MT/s, lanes
	std::optional<std::string> function;
	std::uint32_t vendor = 0, device = 0, class_code = 0;
	std::optional<std::string> bound;
};

// An event of the "events" group.
struct Event {
	std::string pf;
	std::uint32_t kind = 0; // enum vpf_event_kind
	std::optional<std::uint32_t> vf, nsid, num_vfs;
	std::optional<bool> online;
	std::optional<std::uint32_t> vq, vi, driver;
	std::optional<std::string> message;
	std::optional<std::string> slot, function, bound; // hot-plug
};

Pf decode_pf(const vmhost::genl::Attrs &a);
Event decode_event(const vmhost::genl::Attrs &a);
// "vfs", "vf", "attach", ...; the number for a kind pfctl does not know.
std::string event_kind_name(std::uint32_t kind);
Vf decode_vf(const vmhost::genl::Attrs &a);
Ns decode_ns(const vmhost::genl::Attrs &a);
Slot decode_slot(const vmhost::genl::Attrs &a);

// "live", "recovering", "failed"; the number for a state pfctl does not
// know.
std::string state_name(std::uint32_t state);
// "none", "nvme", "vfio-pci"; the number for one pfctl does not know.
std::string driver_name(std::uint32_t driver);
// "auto", "none", "vfio-pci"; the number for one pfctl does not know.
std::string slot_driver_name(std::uint32_t policy);

} // namespace pfctl
