// SPDX-License-Identifier: GPL-2.0
#include "format.h"

#include <cstdio>

#include "json.h"
#include "text.h"

namespace pfctl
{

using vmhost::format_bytes;
using vmhost::Table;
using vmhost::json::Json;

namespace
{

std::string dump(const Json &j, Style style)
{
	return vmhost::json::dump(j, style == Style::Pretty) + "\n";
}

std::string of(std::uint32_t used, std::uint32_t total)
{
	return std::to_string(used) + "/" + std::to_string(total);
}

Json pf_json(const Pf &p)
{
	return Json{ { "pf", p.pci_name },
		     { "state", state_name(p.state) },
		     { "cntlid", p.cntlid },
		     { "total_vfs", p.total_vfs },
		     { "num_vfs", p.num_vfs },
		     { "vq_total", p.vq_total },
		     { "vq_free", p.vq_free },
		     { "vq_max", p.vq_max },
		     { "vi_total", p.vi_total },
		     { "vi_free", p.vi_free },
		     { "vi_max", p.vi_max },
		     { "namespaces", p.namespaces },
		     { "model", p.model },
		     { "serial", p.serial },
		     { "slot_driver", slot_driver_name(p.slot_driver) },
		     { "slots", p.slots } };
}

Json vf_json(const Vf &v)
{
	Json j{ { "pf", v.pf }, { "vf", v.vf } };

	j["pci_name"] = v.pci_name ? Json(*v.pci_name) : Json(nullptr);
	j["cntlid"] = v.cntlid;
	j["online"] = v.online;
	j["vq"] = v.vq;
	j["vi"] = v.vi;
	j["driver"] = driver_name(v.driver);
	j["bound"] = v.bound ? Json(*v.bound) : Json(nullptr);
	j["in_use"] = v.in_use;
	return j;
}

template <class T> Json opt(const std::optional<T> &v)
{
	return v ? Json(*v) : Json(nullptr);
}

Json slot_json(const Slot &s)
{
	Json j{ { "pf", s.pf }, { "port", s.port } };

	j["slot"] = opt(s.number);
	j["bus"] = opt(s.bus);
	j["hotplug"] = s.hotplug;
	j["occupied"] = s.occupied;
	j["power"] = s.power;
	j["link_up"] = s.link_up;
	j["speed_mts"] = opt(s.speed);
	j["width"] = opt(s.width);
	j["card"] = s.card;
	j["function"] = opt(s.function);
	j["vendor"] = s.function ? Json(s.vendor) : Json(nullptr);
	j["device"] = s.function ? Json(s.device) : Json(nullptr);
	j["class"] = s.function ? Json(s.class_code) : Json(nullptr);
	j["bound"] = opt(s.bound);
	j["in_use"] = s.in_use;
	return j;
}

std::string hex4(std::uint32_t v)
{
	char buf[8];

	std::snprintf(buf, sizeof(buf), "%04x", v & 0xffff);
	return buf;
}

Json ns_json(const Ns &n)
{
	Json j{ { "pf", n.pf }, { "nsid", n.nsid } };

	j["vf"] = n.vf ? Json(*n.vf) : Json(nullptr);
	j["size"] = n.size;
	j["lba_size"] = n.lba_size;
	j["needs_wipe"] = n.needs_wipe;
	return j;
}

} // namespace

std::string format_pfs(const std::vector<Pf> &pfs, Style style)
{
	if (style != Style::Text) {
		Json a = Json::array();

		for (const auto &p : pfs)
			a.push_back(pf_json(p));
		return dump(a, style);
	}
	Table t({ { "PF" },
		  { "STATE" },
		  { "VFS", true },
		  { "VQ-FREE", true },
		  { "VI-FREE", true },
		  { "NS", true },
		  { "MODEL" },
		  { "SERIAL" } });
	for (const auto &p : pfs)
		t.add({ p.pci_name, state_name(p.state),
			of(p.num_vfs, p.total_vfs), of(p.vq_free, p.vq_total),
			of(p.vi_free, p.vi_total), std::to_string(p.namespaces),
			p.model, p.serial });
	return t.empty() ? "" : t.str();
}

std::string format_pf(const Pf &p, Style style)
{
	if (style != Style::Text)
		return dump(pf_json(p), style);
	return "pf " + p.pci_name + "  " + state_name(p.state) + "\n" +
	       "  model " + p.model + "  serial " + p.serial + "  cntlid " +
	       std::to_string(p.cntlid) + "\n" + "  vfs " +
	       of(p.num_vfs, p.total_vfs) + " enabled\n" + "  vq " +
	       std::to_string(p.vq_free) + " free of " +
	       std::to_string(p.vq_total) + ", at most " +
	       std::to_string(p.vq_max) + " per VF\n" + "  vi " +
	       std::to_string(p.vi_free) + " free of " +
	       std::to_string(p.vi_total) + ", at most " +
	       std::to_string(p.vi_max) + " per VF\n" + "  namespaces " +
	       std::to_string(p.namespaces) + "\n" + "  slots " +
	       std::to_string(p.slots) + ", hot-added functions get " +
	       slot_driver_name(p.slot_driver) + "\n";
}

std::string format_vfs(const std::vector<Vf> &vfs, Style style)
{
	if (style != Style::Text) {
		Json a = Json::array();

		for (const auto &v : vfs)
			a.push_back(vf_json(v));
		return dump(a, style);
	}
	Table t({ { "PF" },
		  { "VF", true },
		  { "ADDRESS" },
		  { "CNTLID", true },
		  { "STATE" },
		  { "VQ", true },
		  { "VI", true },
		  { "DRIVER" },
		  { "BOUND" },
		  { "USE" } });
	for (const auto &v : vfs)
		t.add({ v.pf, std::to_string(v.vf), v.pci_name.value_or("-"),
			std::to_string(v.cntlid),
			v.online ? "online" : "offline", std::to_string(v.vq),
			std::to_string(v.vi), driver_name(v.driver),
			v.bound.value_or("-"), v.in_use ? "in-use" : "-" });
	return t.empty() ? "" : t.str();
}

std::string format_vf(const Vf &v, Style style)
{
	if (style != Style::Text)
		return dump(vf_json(v), style);
	return format_vfs({ v }, style);
}

std::string format_nss(const std::vector<Ns> &nss, Style style)
{
	if (style != Style::Text) {
		Json a = Json::array();

		for (const auto &n : nss)
			a.push_back(ns_json(n));
		return dump(a, style);
	}
	Table t({ { "PF" },
		  { "NSID", true },
		  { "SIZE", true },
		  { "LBA", true },
		  { "VF", true },
		  { "WIPE" } });
	for (const auto &n : nss)
		t.add({ n.pf, std::to_string(n.nsid), format_bytes(n.size),
			std::to_string(n.lba_size),
			n.vf ? std::to_string(*n.vf) : "-",
			n.needs_wipe ? "needed" : "clean" });
	return t.empty() ? "" : t.str();
}

std::string format_link(const Slot &s)
{
	if (!s.link_up)
		return "down";
	std::string r;

	if (s.speed && *s.speed) {
		char buf[32];

		std::snprintf(buf, sizeof(buf), "%g GT/s", *s.speed / 1000.0);
		r = buf;
	}
	if (s.width)
		r += (r.empty() ? "x" : " x") + std::to_string(*s.width);
	return r.empty() ? "up" : r;
}

std::string format_slots(const std::vector<Slot> &slots, Style style)
{
	if (style != Style::Text) {
		Json a = Json::array();

		for (const auto &s : slots)
			a.push_back(slot_json(s));
		return dump(a, style);
	}
	Table t({ { "PF" },
		  { "PORT" },
		  { "SLOT", true },
		  { "STATE" },
		  { "LINK" },
		  { "FUNCTION" },
		  { "ID" },
		  { "BOUND" },
		  { "USE" } });
	for (const auto &s : slots) {
		std::string state = s.card	? "card" :
				    !s.occupied ? "empty" :
				    !s.power	? "off" :
				    s.function	? "on" :
						  "present";

		t.add({ s.pf, s.port,
			s.number ? std::to_string(*s.number) : "-", state,
			format_link(s), s.function.value_or("-"),
			s.function ? hex4(s.vendor) + ":" + hex4(s.device) :
				     "-",
			s.bound.value_or("-"), s.in_use ? "in-use" : "-" });
	}
	return t.empty() ? "" : t.str();
}

std::string format_slot(const Slot &s, Style style)
{
	if (style != Style::Text)
		return dump(slot_json(s), style);
	return format_slots({ s }, style);
}

std::string format_event(const Event &e, Style style)
{
	if (style != Style::Text) {
		Json j{ { "pf", e.pf }, { "event", event_kind_name(e.kind) } };

		if (e.vf)
			j["vf"] = *e.vf;
		if (e.nsid)
			j["nsid"] = *e.nsid;
		if (e.num_vfs)
			j["num_vfs"] = *e.num_vfs;
		if (e.online)
			j["online"] = *e.online;
		if (e.vq)
			j["vq"] = *e.vq;
		if (e.vi)
			j["vi"] = *e.vi;
		if (e.driver)
			j["driver"] = driver_name(*e.driver);
		if (e.message)
			j["message"] = *e.message;
		if (e.slot)
			j["slot"] = *e.slot;
		if (e.function)
			j["function"] = *e.function;
		if (e.bound)
			j["bound"] = *e.bound;
		return dump(j, style);
	}
	std::string s = e.pf + " " + event_kind_name(e.kind);

	if (e.vf)
		s += " vf " + std::to_string(*e.vf);
	if (e.nsid)
		s += " ns " + std::to_string(*e.nsid);
	if (e.num_vfs)
		s += " vfs " + std::to_string(*e.num_vfs);
	if (e.online)
		s += *e.online ? " online" : " offline";
	if (e.vq)
		s += " vq " + std::to_string(*e.vq);
	if (e.vi)
		s += " vi " + std::to_string(*e.vi);
	if (e.driver)
		s += " driver " + driver_name(*e.driver);
	if (e.slot)
		s += " slot " + *e.slot;
	if (e.function)
		s += " function " + *e.function;
	if (e.bound)
		s += " bound " + *e.bound;
	if (e.message)
		s += ": " + *e.message;
	return s + "\n";
}

} // namespace pfctl
