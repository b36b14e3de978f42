// SPDX-License-Identifier: GPL-2.0
// vosctl: what `vosctl sched show` computes from the scheduler's maps and how
// it prints it. No libbpf here: the arithmetic is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "vos.h"
}

namespace vos
{

const char *class_name(unsigned cls);

// Sums the per-CPU copies of the stats map.
vos_stats sum(const std::vector<vos_stats> &per_cpu);

// Upper bound in microseconds of the histogram bucket that holds quantile q
// (0 < q <= 1); 0 when the histogram is empty. Bucket b holds latencies
// below 2^b us (bucket 0: below 1 us).
std::uint64_t hist_quantile_us(const __u64 (&hist)[VOS_HIST_BUCKETS], double q);

// Share of CPU time each class consumed, in percent (0 when nothing ran).
double runtime_share_pct(const vos_stats &s, unsigned cls);

struct Status {
	std::string state; // /sys/kernel/sched_ext/state
	std::string ops; // /sys/kernel/sched_ext/root/ops, "" if none
	bool running = false; // VOS is the loaded scheduler
	int pid = 0; // vosctl holding it, 0 if unknown
	bool have_maps = false; // the pinned maps could be read
	vos_config config{};
	vos_state tasks{};
	vos_stats stats{};
};

std::string format_text(const Status &st);
// One JSON object, compact or indented; no newline.
std::string format_json(const Status &st, bool pretty = false);

} // namespace vos
