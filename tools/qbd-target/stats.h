// SPDX-License-Identifier: GPL-2.0
// Per-volume statistics: counters the I/O threads bump, a snapshot the
// control thread writes out as JSON.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "json.h"

namespace qbd
{

#define QBD_STATS_FIELDS(X)    \
	X(reads)               \
	X(writes)              \
	X(read_bytes)          \
	X(write_bytes)         \
	X(inline_writes)       \
	X(fua_writes)          \
	X(flushes)             \
	X(fdatasyncs)          \
	X(discards)            \
	X(discard_bytes)       \
	X(write_zeroes)        \
	X(write_zeroes_bytes)  \
	X(errors)              \
	X(bad_requests)        \
	X(protocol_violations) \
	X(opens)               \
	X(open_refused)        \
	X(resize_events)

struct StatsSnapshot {
#define X(f) uint64_t f = 0;
	QBD_STATS_FIELDS(X)
#undef X
	uint64_t sessions = 0; // open now
	uint64_t connections = 0; // connected queues now, admin included
	uint64_t capacity = 0;
	bool operator==(const StatsSnapshot &) const = default;
};

struct VolumeStats {
#define X(f) std::atomic<uint64_t> f{ 0 };
	QBD_STATS_FIELDS(X)
#undef X
	std::atomic<uint64_t> sessions{ 0 };
	std::atomic<uint64_t> connections{ 0 };

	StatsSnapshot snapshot() const;
};

// {"volumes": {NAME: {...}, ...}} in the order given.
vmhost::json::Json
stats_json(const std::vector<std::pair<std::string, StatsSnapshot> > &vols);
// Writes text to path through path.tmp and rename(2): readers see the
// old or the new document, never a part. Throws on failure.
void write_atomic(const std::string &path, const std::string &text);

} // namespace qbd
