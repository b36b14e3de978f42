// SPDX-License-Identifier: GPL-2.0
// qbdctl: what the qbd module reports, decoded from its generic netlink
// messages (uapi/vmhost/qbd_nl.h), and the arithmetic on its latency
// histograms.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "genl.h"

namespace qbd
{

// QBD_LAT_BUCKETS: bucket i counts completions that took [2^i, 2^(i+1))
// microseconds; bucket 0 also the faster ones, the last the slower ones.
constexpr std::size_t kLatBuckets = 24;
using LatHist = std::array<std::uint64_t, kLatBuckets>;

struct OpStats {
	std::uint32_t op = 0; // enum qbd_op
	std::uint64_t ios = 0;
	std::uint64_t bytes = 0;
	std::uint64_t errors = 0;
	std::optional<LatHist> lat_hist; // absent: the kernel sent none
};

// One device; everything but index and name is optional (a device still
// connecting knows no capacity yet, a newer module may leave some out).
struct Device {
	std::uint32_t index = 0;
	std::string name;
	std::optional<std::uint32_t> state; // enum qbd_state
	std::optional<std::string> addr;
	std::optional<std::uint16_t> port;
	std::optional<std::string> volume;
	std::optional<std::string> host;
	std::optional<std::uint32_t> queues;
	std::optional<std::uint32_t> depth;
	bool read_only = false;
	std::optional<std::uint32_t> loss_timeout;
	std::optional<std::uint32_t> keepalive;
	std::optional<std::uint64_t> capacity;
	std::optional<std::uint32_t> block_size;
	std::optional<std::uint32_t> caps; // QBD_CAP_*
	std::optional<std::uint32_t> inline_size;
	std::optional<std::uint32_t> max_io;
	std::optional<std::uint32_t> inflight;
	std::optional<std::uint64_t> reconnects;
	std::optional<std::uint64_t> resets;
	std::optional<std::uint64_t> proto_errors;
	std::vector<OpStats> op_stats; // in the order sent
};

// The reply to QBD_CMD_DEV_CONNECT.
struct Connected {
	std::uint32_t index = 0;
	std::string name;
};

// Each throws genl::Error (ErrorKind::Protocol) naming a required
// attribute the message lacks or one it cannot read (a histogram of
// another size).
Device decode_device(const vmhost::genl::Attrs &a);
Connected decode_connected(const vmhost::genl::Attrs &a);

// "connecting", "live", "reconnecting", "failed", "deleting"; "unknown".
const char *state_name(std::uint32_t state);
// "read", "write", "flush", "discard", "write-zeroes"; "unknown".
const char *op_name(std::uint32_t op);
// The QBD_CAP_* flags by name in bit order ("flush", "fua", "discard",
// "write-zeroes", "read-only"), unknown bits as one "0x..." entry.
std::vector<std::string> cap_names(std::uint32_t caps);

// Bucket i's bounds in microseconds: [lower, upper); bucket 0's lower is
// 0, the last bucket's upper is nullopt (unbounded).
std::uint64_t bucket_lower_us(std::size_t i);
std::optional<std::uint64_t> bucket_upper_us(std::size_t i);

// An estimate of a latency percentile from the histogram.
struct Percentile {
	double us = 0; // microseconds
	bool at_least = false; // in the open-ended last bucket: us is its bound
};

// The p-th percentile (0 < p <= 100), nullopt for an empty histogram. The
// sample of rank ceil(p/100 * total) is located in its bucket and placed
// by linear interpolation, the k-th of n samples in [lo, hi) at
// lo + (hi - lo) * (k - 0.5) / n; in the last bucket, its lower bound with
// at_least set.
std::optional<Percentile> percentile(const LatHist &h, double p);

} // namespace qbd
