// SPDX-License-Identifier: GPL-2.0
#include "format.h"

#include <sys/sysmacros.h>
#include <vmhost/vmem.h>

#include <cstdio>

#include "json.h"
#include "text.h"

namespace vmem
{

using vmhost::format_bytes;
using vmhost::Table;
using vmhost::json::Json;
using vmhost::json::put_text;

std::string node_text(std::uint32_t node)
{
	return node == VMEM_NODE_ANY ? "any" : std::to_string(node);
}

const char *poison_state_name(std::uint32_t state)
{
	switch (state) {
	case VMEM_POISON_STATE_FREE:
		return "free";
	case VMEM_POISON_STATE_MAPPED:
		return "mapped";
	case VMEM_POISON_STATE_REPAIRED:
		return "repaired";
	default:
		return "unknown";
	}
}

std::string dev_text(std::uint32_t dev)
{
	return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

std::string hex(std::uint64_t v)
{
	char buf[24];

	std::snprintf(buf, sizeof(buf), "0x%llx",
		      static_cast<unsigned long long>(v));
	return buf;
}

namespace
{

Json node_json(std::uint32_t node)
{
	return node == VMEM_NODE_ANY ? Json(nullptr) : Json(node);
}

std::string doc(const Json &j, Style style)
{
	return vmhost::json::dump(j, style == Style::Pretty) + "\n";
}

template <class T, class Fn>
std::string json_array(const std::vector<T> &items, Style style, Fn object)
{
	Json a = Json::array();

	for (const auto &item : items) {
		Json o = Json::object();

		object(o, item);
		a.push_back(std::move(o));
	}
	return doc(a, style);
}

std::string table_text(const Table &t)
{
	return t.empty() ? "" : t.str();
}

template <class T> std::string opt_text(const std::optional<T> &v)
{
	return v ? std::to_string(*v) : "-";
}

void poison_fields(Json &o, const Poison &p)
{
	o["phys"] = p.phys;
	o["node"] = node_json(p.node);
	o["state"] = poison_state_name(p.state);
	if (p.dev)
		o["dev"] = *p.dev;
	if (p.ino)
		o["ino"] = *p.ino;
	if (p.offset)
		o["offset"] = *p.offset;
	if (p.signalled)
		o["signalled"] = *p.signalled;
}

} // namespace

std::string format_pools(const std::vector<Pool> &pools, Style style)
{
	if (style != Style::Text)
		return json_array(pools, style, [](Json &o, const Pool &p) {
			o["node"] = node_json(p.node);
			o["total_bytes"] = p.total_bytes;
			o["free_zeroed_bytes"] = p.free_zeroed_bytes;
			o["free_dirty_bytes"] = p.free_dirty_bytes;
			o["in_use_bytes"] = p.in_use_bytes;
			o["pinned_bytes"] = p.pinned_bytes;
			o["poisoned_pages"] = p.poisoned_pages;
			o["metadata_bytes"] = p.metadata_bytes;
		});

	Table t({ { "node" },
		  { "total", true },
		  { "free-zeroed", true },
		  { "free-dirty", true },
		  { "in-use", true },
		  { "pinned", true },
		  { "poisoned-pages", true },
		  { "metadata", true } });
	for (const auto &p : pools)
		t.add({ node_text(p.node), format_bytes(p.total_bytes),
			format_bytes(p.free_zeroed_bytes),
			format_bytes(p.free_dirty_bytes),
			format_bytes(p.in_use_bytes),
			format_bytes(p.pinned_bytes),
			std::to_string(p.poisoned_pages),
			format_bytes(p.metadata_bytes) });
	return table_text(t);
}

std::string format_ranges(const std::vector<Range> &ranges, Style style)
{
	if (style != Style::Text)
		return json_array(ranges, style, [](Json &o, const Range &r) {
			o["start"] = r.start;
			o["size"] = r.size;
			o["node"] = node_json(r.node);
			o["in_use_bytes"] = r.in_use_bytes;
		});

	Table t({ { "start" },
		  { "size", true },
		  { "node" },
		  { "in-use", true } });
	for (const auto &r : ranges)
		t.add({ hex(r.start), format_bytes(r.size), node_text(r.node),
			format_bytes(r.in_use_bytes) });
	return table_text(t);
}

std::string format_files(const std::vector<File> &files, Style style)
{
	if (style != Style::Text)
		return json_array(files, style, [](Json &o, const File &f) {
			o["dev"] = f.dev;
			o["ino"] = f.ino;
			if (f.path)
				put_text(o, "path", *f.path);
			else
				o["path"] = nullptr;
			o["size"] = f.size;
			o["uid"] = f.uid;
			o["gid"] = f.gid;
			o["node"] = node_json(f.node);
			o["maps_1g"] = f.maps_1g;
			o["maps_2m"] = f.maps_2m;
			o["maps_4k"] = f.maps_4k;
			o["poisoned_pages"] = f.poisoned_pages;
		});

	Table t({ { "dev" },
		  { "ino", true },
		  { "size", true },
		  { "node" },
		  { "uid", true },
		  { "gid", true },
		  { "maps-1g", true },
		  { "maps-2m", true },
		  { "maps-4k", true },
		  { "poisoned-pages", true },
		  { "path" } });
	for (const auto &f : files)
		t.add({ dev_text(f.dev), std::to_string(f.ino),
			format_bytes(f.size), node_text(f.node),
			std::to_string(f.uid), std::to_string(f.gid),
			std::to_string(f.maps_1g), std::to_string(f.maps_2m),
			std::to_string(f.maps_4k),
			std::to_string(f.poisoned_pages),
			f.path ? *f.path : "-" });
	return table_text(t);
}

std::string format_poison(const std::vector<Poison> &pages, Style style)
{
	if (style != Style::Text)
		return json_array(pages, style, poison_fields);

	bool signalled = false;
	for (const auto &p : pages)
		signalled = signalled || p.signalled.has_value();
	std::vector<Table::Column> cols;
	cols.push_back({ "phys" });
	cols.push_back({ "node" });
	cols.push_back({ "state" });
	cols.push_back({ "dev" });
	cols.push_back({ "ino", true });
	cols.push_back({ "offset" });
	if (signalled)
		cols.push_back({ "signalled", true });
	Table t(cols);
	for (const auto &p : pages) {
		std::vector<std::string> row = {
			hex(p.phys),
			node_text(p.node),
			poison_state_name(p.state),
			p.dev ? dev_text(*p.dev) : "-",
			opt_text(p.ino),
			p.offset ? hex(*p.offset) : "-",
		};
		if (signalled)
			row.push_back(opt_text(p.signalled));
		t.add(row);
	}
	return table_text(t);
}

std::string format_config(const Config &c, Style style)
{
	if (style != Style::Text)
		return doc(Json{ { "scrub", c.scrub } }, style);
	return std::string("scrub ") + (c.scrub ? "on" : "off") + "\n";
}

std::string format_event(const Poison &p, Style style)
{
	if (style != Style::Text) {
		Json o = { { "event", "poison" } };

		poison_fields(o, p);
		return doc(o, style);
	}

	std::string s = "poison phys " + hex(p.phys) + " node " +
			node_text(p.node) + " state " +
			poison_state_name(p.state);
	if (p.dev)
		s += " dev " + dev_text(*p.dev);
	if (p.ino)
		s += " ino " + std::to_string(*p.ino);
	if (p.offset)
		s += " offset " + hex(*p.offset);
	if (p.signalled)
		s += " signalled " + std::to_string(*p.signalled);
	return s + "\n";
}

} // namespace vmem
