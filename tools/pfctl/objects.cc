// SPDX-License-Identifier: GPL-2.0
#include "objects.h"

#include <vmhost/vpf.h>

#include <iterator>

#include "options.h"

namespace pfctl
{

namespace
{

template <class T>
T need(const std::optional<T> &v, const char *object, const char *name)
{
	return vmhost::genl::required(v, "vpf", object, name);
}

} // namespace

Pf decode_pf(const vmhost::genl::Attrs &a)
{
	const char *o = "dev";
	Pf p;

	p.pci_name = need(a.str(VPF_A_DEV_PCI_NAME), o, "pci-name");
	p.state = need(a.u32(VPF_A_DEV_STATE), o, "state");
	p.cntlid = a.u32(VPF_A_DEV_CNTLID).value_or(0);
	p.total_vfs = need(a.u32(VPF_A_DEV_TOTAL_VFS), o, "total-vfs");
	p.num_vfs = need(a.u32(VPF_A_DEV_NUM_VFS), o, "num-vfs");
	p.vq_total = a.u32(VPF_A_DEV_VQ_TOTAL).value_or(0);
	p.vq_free = a.u32(VPF_A_DEV_VQ_FREE).value_or(0);
	p.vq_max = a.u32(VPF_A_DEV_VQ_MAX).value_or(0);
	p.vi_total = a.u32(VPF_A_DEV_VI_TOTAL).value_or(0);
	p.vi_free = a.u32(VPF_A_DEV_VI_FREE).value_or(0);
	p.vi_max = a.u32(VPF_A_DEV_VI_MAX).value_or(0);
	p.namespaces = a.u32(VPF_A_DEV_NAMESPACES).value_or(0);
	p.serial = a.str(VPF_A_DEV_SERIAL).value_or("");
	p.model = a.str(VPF_A_DEV_MODEL).value_or("");
	p.slot_driver = a.u32(VPF_A_DEV_SLOT_DRIVER).value_or(0);
	p.slots = a.u32(VPF_A_DEV_SLOTS).value_or(0);
	return p;
}

Vf decode_vf(const vmhost::genl::Attrs &a)
{
	const char *o = "vf";
	Vf v;

	v.pf = need(a.str(VPF_A_VF_PCI_NAME), o, "pci-name");
	v.vf = need(a.u32(VPF_A_VF_VF), o, "vf");
	v.pci_name = a.str(VPF_A_VF_VF_PCI_NAME);
	v.cntlid = a.u32(VPF_A_VF_CNTLID).value_or(0);
	v.online = a.u8(VPF_A_VF_ONLINE).value_or(0) != 0;
	v.vq = a.u32(VPF_A_VF_VQ).value_or(0);
	v.vi = a.u32(VPF_A_VF_VI).value_or(0);
	v.driver = a.u32(VPF_A_VF_DRIVER).value_or(VPF_VF_DRIVER_NONE);
	v.bound = a.str(VPF_A_VF_BOUND);
	v.in_use = a.has(VPF_A_VF_IN_USE);
	return v;
}

Ns decode_ns(const vmhost::genl::Attrs &a)
{
	const char *o = "ns";
	Ns n;

	n.pf = need(a.str(VPF_A_NS_PCI_NAME), o, "pci-name");
	n.nsid = need(a.u32(VPF_A_NS_NSID), o, "nsid");
	n.vf = a.u32(VPF_A_NS_VF);
	n.size = a.u64(VPF_A_NS_SIZE).value_or(0);
	n.lba_size = a.u32(VPF_A_NS_LBA_SIZE).value_or(0);
	n.needs_wipe = a.has(VPF_A_NS_NEEDS_WIPE);
	return n;
}

Slot decode_slot(const vmhost::genl::Attrs &a)
{
	const char *o = "slot";
	Slot s;

	s.pf = need(a.str(VPF_A_SLOT_PCI_NAME), o, "pci-name");
	s.port = need(a.str(VPF_A_SLOT_PORT), o, "port");
	s.number = a.u32(VPF_A_SLOT_NUMBER);
	s.bus = a.str(VPF_A_SLOT_BUS);
	s.hotplug = a.has(VPF_A_SLOT_HOTPLUG);
	s.occupied = a.has(VPF_A_SLOT_OCCUPIED);
	s.power = a.u8(VPF_A_SLOT_POWER).value_or(0) != 0;
	s.link_up = a.has(VPF_A_SLOT_LINK_UP);
	s.speed = a.u32(VPF_A_SLOT_SPEED);
	s.width = a.u32(VPF_A_SLOT_WIDTH);
	s.card = a.has(VPF_A_SLOT_CARD);
	s.function = a.str(VPF_A_SLOT_FUNCTION);
	s.vendor = a.u32(VPF_A_SLOT_VENDOR).value_or(0);
	s.device = a.u32(VPF_A_SLOT_DEVICE).value_or(0);
	s.class_code = a.u32(VPF_A_SLOT_CLASS).value_or(0);
	s.bound = a.str(VPF_A_SLOT_BOUND);
	s.in_use = a.has(VPF_A_SLOT_IN_USE);
	return s;
}

Event decode_event(const vmhost::genl::Attrs &a)
{
	const char *o = "event";
	Event e;

	e.pf = need(a.str(VPF_A_EVENT_PCI_NAME), o, "pci-name");
	e.kind = need(a.u32(VPF_A_EVENT_KIND), o, "kind");
	e.vf = a.u32(VPF_A_EVENT_VF);
	e.nsid = a.u32(VPF_A_EVENT_NSID);
	e.num_vfs = a.u32(VPF_A_EVENT_NUM_VFS);
	if (auto v = a.u8(VPF_A_EVENT_ONLINE))
		e.online = *v != 0;
	e.vq = a.u32(VPF_A_EVENT_VQ);
	e.vi = a.u32(VPF_A_EVENT_VI);
	e.driver = a.u32(VPF_A_EVENT_DRIVER);
	e.message = a.str(VPF_A_EVENT_MESSAGE);
	e.slot = a.str(VPF_A_EVENT_SLOT);
	e.function = a.str(VPF_A_EVENT_FUNCTION);
	e.bound = a.str(VPF_A_EVENT_BOUND);
	return e;
}

std::string event_kind_name(std::uint32_t kind)
{
	static const char *const names[] = {
		[VPF_EVENT_KIND_VFS] = "vfs",
		[VPF_EVENT_KIND_VF] = "vf",
		[VPF_EVENT_KIND_ATTACH] = "attach",
		[VPF_EVENT_KIND_DETACH] = "detach",
		[VPF_EVENT_KIND_WIPE] = "wipe",
		[VPF_EVENT_KIND_RESET] = "reset",
		[VPF_EVENT_KIND_RECOVERED] = "recovered",
		[VPF_EVENT_KIND_FAILED] = "failed",
		[VPF_EVENT_KIND_ERROR] = "error",
		[VPF_EVENT_KIND_HOTPLUG_ADD] = "hotplug-add",
		[VPF_EVENT_KIND_HOTPLUG_BOUND] = "hotplug-bound",
		[VPF_EVENT_KIND_HOTPLUG_REMOVE] = "hotplug-remove",
	};

	return kind < std::size(names) ? names[kind] : std::to_string(kind);
}

std::string state_name(std::uint32_t state)
{
	switch (state) {
	case VPF_DEV_STATE_LIVE:
		return "live";
	case VPF_DEV_STATE_RECOVERING:
		return "recovering";
	case VPF_DEV_STATE_FAILED:
		return "failed";
	default:
		return std::to_string(state);
	}
}

std::string driver_name(std::uint32_t driver)
{
	const auto &names = driver_names();

	return driver < names.size() ? names[driver] : std::to_string(driver);
}

std::string slot_driver_name(std::uint32_t policy)
{
	const auto &names = slot_driver_names();

	return policy < names.size() ? names[policy] : std::to_string(policy);
}

} // namespace pfctl
