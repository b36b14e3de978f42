// SPDX-License-Identifier: GPL-2.0
#include "format.h"

#include <cmath>
#include <cstdio>

#include "json.h"
#include "text.h"

namespace qbd
{

using vmhost::format_bytes;
using vmhost::Table;
using vmhost::json::Json;

std::string dev_path(const std::string &name)
{
	return "/dev/" + name;
}

std::string target_text(const std::optional<std::string> &addr,
			const std::optional<std::uint16_t> &port)
{
	if (!addr)
		return "-";
	std::string s = addr->find(':') != std::string::npos ?
				"[" + *addr + "]" :
				*addr;
	return port ? s + ":" + std::to_string(*port) : s;
}

namespace
{

std::string g3(double v)
{
	char buf[32];

	std::snprintf(buf, sizeof(buf), "%.3g", v);
	return buf;
}

// The value and unit of `us` for three significant digits.
std::pair<double, const char *> scaled(double us)
{
	if (us < 999.5)
		return { us, "us" };
	if (us < 999500)
		return { us / 1e3, "ms" };
	return { us / 1e6, "s" };
}

} // namespace

std::string format_us(double us)
{
	auto [v, unit] = scaled(us);

	return g3(v) + " " + unit;
}

std::string bucket_text(std::size_t i)
{
	auto upper = bucket_upper_us(i);

	if (!upper)
		return ">=" + format_us(double(bucket_lower_us(i)));
	if (i == 0)
		return "<" + format_us(double(*upper));
	auto [hi, unit] = scaled(double(*upper));
	auto [lo, lo_unit] = scaled(double(bucket_lower_us(i)));
	if (std::string(unit) == lo_unit)
		return g3(lo) + "-" + g3(hi) + " " + unit;
	return format_us(double(bucket_lower_us(i))) + "-" +
	       format_us(double(*upper));
}

namespace
{

std::string doc(const Json &j, Style style)
{
	return vmhost::json::dump(j, style == Style::Pretty) + "\n";
}

template <class T> Json opt(const std::optional<T> &v)
{
	return v ? Json(*v) : Json(nullptr);
}

template <class T> std::string opt_text(const std::optional<T> &v)
{
	return v ? std::to_string(*v) : "-";
}

Json percentile_json(const std::optional<LatHist> &h, double p)
{
	auto v = h ? percentile(*h, p) : std::nullopt;

	return v ? Json(std::round(v->us * 10) / 10) : Json(nullptr);
}

std::string percentile_text(const std::optional<LatHist> &h, double p)
{
	auto v = h ? percentile(*h, p) : std::nullopt;

	if (!v)
		return "-";
	return (v->at_least ? ">=" : "") + format_us(v->us);
}

Json device_json(const Device &d)
{
	Json o = Json::object();

	o["index"] = d.index;
	o["name"] = d.name;
	o["dev"] = dev_path(d.name);
	o["state"] = d.state ? Json(state_name(*d.state)) : Json(nullptr);
	o["addr"] = opt(d.addr);
	o["port"] = opt(d.port);
	o["volume"] = opt(d.volume);
	o["host"] = opt(d.host);
	o["capacity"] = opt(d.capacity);
	o["block_size"] = opt(d.block_size);
	o["caps"] = d.caps ? Json(cap_names(*d.caps)) : Json(nullptr);
	o["read_only"] = d.read_only;
	o["queues"] = opt(d.queues);
	o["depth"] = opt(d.depth);
	o["inline_size"] = opt(d.inline_size);
	o["max_io"] = opt(d.max_io);
	o["inflight"] = opt(d.inflight);
	o["reconnects"] = opt(d.reconnects);
	o["resets"] = opt(d.resets);
	o["proto_errors"] = opt(d.proto_errors);
	o["loss_timeout"] = opt(d.loss_timeout);
	o["keepalive"] = opt(d.keepalive);
	Json ops = Json::array();
	for (const auto &s : d.op_stats) {
		Json op = Json::object();

		op["op"] = op_name(s.op);
		op["ios"] = s.ios;
		op["bytes"] = s.bytes;
		op["errors"] = s.errors;
		op["lat_hist"] = s.lat_hist ? Json(*s.lat_hist) : Json(nullptr);
		op["p50_us"] = percentile_json(s.lat_hist, 50);
		op["p99_us"] = percentile_json(s.lat_hist, 99);
		ops.push_back(std::move(op));
	}
	o["op_stats"] = std::move(ops);
	return o;
}

std::string bytes_text(const std::optional<std::uint64_t> &v)
{
	return v ? format_bytes(*v) : "-";
}

std::string geometry_text(const Device &d)
{
	if (!d.queues && !d.depth)
		return "-";
	return opt_text(d.queues) + "x" + opt_text(d.depth);
}

std::string seconds_text(const std::optional<std::uint32_t> &v)
{
	return v ? std::to_string(*v) + " s" : "-";
}

} // namespace

std::string format_connected(const Connected &c, Style style)
{
	if (style != Style::Text)
		return doc(Json{ { "index", c.index },
				 { "name", c.name },
				 { "dev", dev_path(c.name) } },
			   style);
	return dev_path(c.name) + "\n";
}

std::string format_devices(const std::vector<Device> &devs, Style style)
{
	if (style != Style::Text) {
		Json a = Json::array();

		for (const auto &d : devs)
			a.push_back(device_json(d));
		return doc(a, style);
	}

	Table t({ { "name" },
		  { "state" },
		  { "target" },
		  { "volume" },
		  { "size", true },
		  { "queues", true },
		  { "ro" } });
	for (const auto &d : devs)
		t.add({ d.name, d.state ? state_name(*d.state) : "-",
			target_text(d.addr, d.port), d.volume.value_or("-"),
			bytes_text(d.capacity), geometry_text(d),
			d.read_only ? "yes" : "no" });
	return t.empty() ? "" : t.str();
}

std::string format_device(const Device &d, Style style)
{
	if (style != Style::Text)
		return doc(device_json(d), style);

	std::vector<std::pair<std::string, std::string> > rows;
	auto row = [&](const char *k, std::string v) {
		rows.emplace_back(k, std::move(v));
	};
	std::string caps = "-";
	if (d.caps) {
		caps.clear();
		for (const auto &c : cap_names(*d.caps))
			caps += (caps.empty() ? "" : " ") + c;
		if (caps.empty())
			caps = "none";
	}
	std::string capacity = "-";
	if (d.capacity)
		capacity = format_bytes(*d.capacity) + " (" +
			   std::to_string(*d.capacity) + " bytes)";

	row("state", d.state ? state_name(*d.state) : "-");
	row("target", target_text(d.addr, d.port));
	row("volume", d.volume.value_or("-"));
	row("host", d.host.value_or("-"));
	row("capacity", capacity);
	row("block-size", opt_text(d.block_size));
	row("caps", caps);
	row("read-only", d.read_only ? "yes" : "no");
	row("queues", opt_text(d.queues));
	row("depth", opt_text(d.depth));
	row("inline-size", opt_text(d.inline_size));
	row("max-io", opt_text(d.max_io));
	row("inflight", opt_text(d.inflight));
	row("reconnects", opt_text(d.reconnects));
	row("resets", opt_text(d.resets));
	row("proto-errors", opt_text(d.proto_errors));
	row("loss-timeout", seconds_text(d.loss_timeout));
	row("keepalive", seconds_text(d.keepalive));

	std::size_t width = 0;
	for (const auto &[k, v] : rows)
		width = std::max(width, k.size());
	std::string s = d.name + " " + dev_path(d.name) + "\n";
	for (const auto &[k, v] : rows)
		s += "  " + k + std::string(width + 2 - k.size(), ' ') + v +
		     "\n";
	if (d.op_stats.empty())
		return s;

	Table t({ { "op" },
		  { "ios", true },
		  { "bytes", true },
		  { "errors", true },
		  { "p50", true },
		  { "p99", true } });
	for (const auto &o : d.op_stats)
		t.add({ op_name(o.op), std::to_string(o.ios),
			format_bytes(o.bytes), std::to_string(o.errors),
			percentile_text(o.lat_hist, 50),
			percentile_text(o.lat_hist, 99) });
	s += "\n" + t.str();

	for (const auto &o : d.op_stats) {
		if (!o.lat_hist || !percentile(*o.lat_hist, 50))
			continue;
		Table h({ { std::string(op_name(o.op)) + " latency" },
			  { "ios", true } });
		for (std::size_t i = 0; i < kLatBuckets; i++)
			if ((*o.lat_hist)[i])
				h.add({ bucket_text(i),
					std::to_string((*o.lat_hist)[i]) });
		s += "\n" + h.str();
	}
	return s;
}

} // namespace qbd
