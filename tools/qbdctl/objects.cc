// SPDX-License-Identifier: GPL-2.0
#include "objects.h"

#include <netlink/attr.h>
#include <vmhost/qbd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace qbd
{

static_assert(kLatBuckets == QBD_LAT_BUCKETS);

namespace
{

using vmhost::genl::Attrs;
using vmhost::genl::Error;
using vmhost::genl::ErrorKind;

[[noreturn]] void protocol(const std::string &what)
{
	throw Error(ErrorKind::Protocol, EPROTO, "",
		    "the qbd module's " + what +
			    " (a module of another version?)");
}

template <class T>
T need(const std::optional<T> &v, const char *object, const char *name)
{
	return vmhost::genl::required(v, "qbd", object, name);
}

OpStats decode_op(const nlattr *nest)
{
	Attrs a(nest, QBD_A_OP_MAX);
	OpStats s;
	const char *o = "op-stats";

	s.op = need(a.u32(QBD_A_OP_OP), o, "op");
	s.ios = need(a.u64(QBD_A_OP_IOS), o, "ios");
	s.bytes = need(a.u64(QBD_A_OP_BYTES), o, "bytes");
	s.errors = need(a.u64(QBD_A_OP_ERRORS), o, "errors");
	if (auto b = a.bytes(QBD_A_OP_LAT_HIST)) {
		LatHist h;

		if (b->size() != sizeof(h))
			protocol("lat-hist has " + std::to_string(b->size()) +
				 " bytes, expected " +
				 std::to_string(sizeof(h)));
		std::memcpy(h.data(), b->data(), sizeof(h));
		s.lat_hist = h;
	}
	return s;
}

} // namespace

Device decode_device(const Attrs &a)
{
	Device d;
	const char *o = "device";

	d.index = need(a.u32(QBD_A_DEV_INDEX), o, "index");
	d.name = need(a.str(QBD_A_DEV_NAME), o, "name");
	d.state = a.u32(QBD_A_DEV_STATE);
	d.addr = a.str(QBD_A_DEV_ADDR);
	d.port = a.u16(QBD_A_DEV_PORT);
	d.volume = a.str(QBD_A_DEV_VOLUME);
	d.host = a.str(QBD_A_DEV_HOST);
	d.queues = a.u32(QBD_A_DEV_QUEUES);
	d.depth = a.u32(QBD_A_DEV_DEPTH);
	d.read_only = a.has(QBD_A_DEV_READ_ONLY);
	d.loss_timeout = a.u32(QBD_A_DEV_LOSS_TIMEOUT);
	d.keepalive = a.u32(QBD_A_DEV_KEEPALIVE);
	d.capacity = a.u64(QBD_A_DEV_CAPACITY);
	d.block_size = a.u32(QBD_A_DEV_BLOCK_SIZE);
	d.caps = a.u32(QBD_A_DEV_CAPS);
	d.inline_size = a.u32(QBD_A_DEV_INLINE_SIZE);
	d.max_io = a.u32(QBD_A_DEV_MAX_IO);
	d.inflight = a.u32(QBD_A_DEV_INFLIGHT);
	d.reconnects = a.u64(QBD_A_DEV_RECONNECTS);
	d.resets = a.u64(QBD_A_DEV_RESETS);
	d.proto_errors = a.u64(QBD_A_DEV_PROTO_ERRORS);
	for (const nlattr *n : a.all(QBD_A_DEV_OP_STATS))
		d.op_stats.push_back(decode_op(n));
	return d;
}

Connected decode_connected(const Attrs &a)
{
	Connected c;
	const char *o = "connect reply";

	c.index = need(a.u32(QBD_A_DEV_INDEX), o, "index");
	c.name = need(a.str(QBD_A_DEV_NAME), o, "name");
	return c;
}

const char *state_name(std::uint32_t state)
{
	switch (state) {
	case QBD_STATE_CONNECTING:
		return "connecting";
	case QBD_STATE_LIVE:
		return "live";
	case QBD_STATE_RECONNECTING:
		return "reconnecting";
	case QBD_STATE_FAILED:
		return "failed";
	case QBD_STATE_DELETING:
		return "deleting";
	default:
		return "unknown";
	}
}

const char *op_name(std::uint32_t op)
{
	// enum qbd_op, by value: its enumerators' names are also the wire
	// protocol's QBD_OP_* macros (uapi/vmhost/qbd.h), which win.
	static const char *const names[] = { "read", "write", "flush",
					     "discard", "write-zeroes" };

	return op < std::size(names) ? names[op] : "unknown";
}

std::vector<std::string> cap_names(std::uint32_t caps)
{
	static const struct {
		std::uint32_t bit;
		const char *name;
	} known[] = {
		{ QBD_CAP_FLUSH, "flush" },
		{ QBD_CAP_FUA, "fua" },
		{ QBD_CAP_DISCARD, "discard" },
		{ QBD_CAP_WRITE_ZEROES, "write-zeroes" },
		{ QBD_CAP_READ_ONLY, "read-only" },
	};
	std::vector<std::string> v;

	for (const auto &k : known)
		if (caps & k.bit) {
			v.push_back(k.name);
			caps &= ~k.bit;
		}
	if (caps) {
		char buf[16];

		std::snprintf(buf, sizeof(buf), "0x%x", caps);
		v.push_back(buf);
	}
	return v;
}

std::uint64_t bucket_lower_us(std::size_t i)
{
	return i == 0 ? 0 : std::uint64_t(1) << i;
}

std::optional<std::uint64_t> bucket_upper_us(std::size_t i)
{
	if (i + 1 >= kLatBuckets)
		return std::nullopt;
	return std::uint64_t(1) << (i + 1);
}

std::optional<Percentile> percentile(const LatHist &h, double p)
{
	// Counts are u64: add in long double so no sum wraps.
	long double total = 0;

	for (auto c : h)
		total += c;
	if (total == 0 || !(p > 0))
		return std::nullopt;
	if (p > 100)
		p = 100;
	long double rank = std::ceil(total * p / 100);
	if (rank < 1)
		rank = 1;

	long double before = 0;
	for (std::size_t i = 0; i < kLatBuckets; i++) {
		if (h[i] == 0 || before + h[i] < rank) {
			before += h[i];
			continue;
		}
		auto upper = bucket_upper_us(i);
		if (!upper)
			return Percentile{ double(bucket_lower_us(i)), true };
		long double lo = bucket_lower_us(i), hi = *upper;
		long double k = rank - before;
		return Percentile{ double(lo + (hi - lo) * (k - 0.5L) / h[i]),
				   false };
	}
	// Not reached: rank <= total.
	return Percentile{ double(bucket_lower_us(kLatBuckets - 1)), true };
}

} // namespace qbd
