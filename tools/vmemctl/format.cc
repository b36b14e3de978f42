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
using vmhost::json::Writer;

std::string node_text(std::uint32_t node)
{
	return node == VMEM_NODE_ANY ? "any" : std::to_string(node);
}

const char *poison_state_name(std::uint32_t state)
{
	switch (state) {
	case VMEM_POISON_FREE:
		return "free";
	case VMEM_POISON_MAPPED:
		return "mapped";
	case VMEM_POISON_REPAIRED:
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

void node_value(Writer &w, std::uint32_t node)
{
	if (node == VMEM_NODE_ANY)
		w.null();
	else
		w.value(node);
}

template <class T, class Fn>
std::string json_array(const std::vector<T> &items, Fn object)
{
	Writer w;

	w.begin_array();
	for (const auto &item : items) {
		w.begin_object();
		object(w, item);
		w.end_object();
	}
	w.end_array();
	return w.str() + "\n";
}

std::string table_text(const Table &t)
{
	return t.empty() ? "" : t.str();
}

template <class T> std::string opt_text(const std::optional<T> &v)
{
	return v ? std::to_string(*v) : "-";
}

void poison_fields(Writer &w, const Poison &p)
{
	w.key("phys").value(p.phys).key("node");
	node_value(w, p.node);
	w.key("state").value(poison_state_name(p.state));
	if (p.dev)
		w.key("dev").value(*p.dev);
	if (p.ino)
		w.key("ino").value(*p.ino);
	if (p.offset)
		w.key("offset").value(*p.offset);
	if (p.signalled)
		w.key("signalled").value(*p.signalled);
}

} // namespace

std::string format_pools(const std::vector<Pool> &pools, bool json)
{
	if (json)
		return json_array(pools, [](Writer &w, const Pool &p) {
			w.key("node");
			node_value(w, p.node);
			w.key("total_bytes").value(p.total_bytes);
			w.key("free_zeroed_bytes").value(p.free_zeroed_bytes);
			w.key("free_dirty_bytes").value(p.free_dirty_bytes);
			w.key("in_use_bytes").value(p.in_use_bytes);
			w.key("poisoned_pages").value(p.poisoned_pages);
			w.key("metadata_bytes").value(p.metadata_bytes);
		});

	Table t({ { "node" },
		  { "total", true },
		  { "free-zeroed", true },
		  { "free-dirty", true },
		  { "in-use", true },
		  { "poisoned-pages", true },
		  { "metadata", true } });
	for (const auto &p : pools)
		t.add({ node_text(p.node), format_bytes(p.total_bytes),
			format_bytes(p.free_zeroed_bytes),
			format_bytes(p.free_dirty_bytes),
			format_bytes(p.in_use_bytes),
			std::to_string(p.poisoned_pages),
			format_bytes(p.metadata_bytes) });
	return table_text(t);
}

std::string format_ranges(const std::vector<Range> &ranges, bool json)
{
	if (json)
		return json_array(ranges, [](Writer &w, const Range &r) {
			w.key("start").value(r.start);
			w.key("size").value(r.size);
			w.key("node");
			node_value(w, r.node);
			w.key("in_use_bytes").value(r.in_use_bytes);
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

std::string format_files(const std::vector<File> &files, bool json)
{
	if (json)
		return json_array(files, [](Writer &w, const File &f) {
			w.key("dev").value(f.dev);
			w.key("ino").value(f.ino);
			w.key("path");
			if (f.path)
				w.value(*f.path);
			else
				w.null();
			w.key("size").value(f.size);
			w.key("uid").value(f.uid);
			w.key("gid").value(f.gid);
			w.key("node");
			node_value(w, f.node);
			w.key("maps_1g").value(f.maps_1g);
			w.key("maps_2m").value(f.maps_2m);
			w.key("maps_4k").value(f.maps_4k);
			w.key("poisoned_pages").value(f.poisoned_pages);
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

std::string format_poison(const std::vector<Poison> &pages, bool json)
{
	if (json)
		return json_array(pages, poison_fields);

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

std::string format_config(const Config &c, bool json)
{
	if (json) {
		Writer w;

		w.begin_object().key("scrub").value(c.scrub).end_object();
		return w.str() + "\n";
	}
	return std::string("scrub ") + (c.scrub ? "on" : "off") + "\n";
}

std::string format_event(const Poison &p, bool json)
{
	if (json) {
		Writer w;

		w.begin_object().key("event").value("poison");
		poison_fields(w, p);
		w.end_object();
		return w.str() + "\n";
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
