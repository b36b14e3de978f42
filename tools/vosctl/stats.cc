// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "json.h"

namespace vos
{

const char *class_name(unsigned cls)
{
	switch (cls) {
	case VOS_CLASS_KTHREAD:
		return "kthread";
	case VOS_CLASS_VCPU:
		return "vcpu";
	case VOS_CLASS_CTRL:
		return "ctrl";
	default:
		return "unknown";
	}
}

vos_stats sum(const std::vector<vos_stats> &per_cpu)
{
	vos_stats t{};

	for (const auto &s : per_cpu) {
		for (unsigned c = 0; c < VOS_NR_CLASSES; c++) {
			t.runtime_ns[c] += s.runtime_ns[c];
			t.nr_runs[c] += s.nr_runs[c];
			t.overrun_ns[c] += s.overrun_ns[c];
			for (unsigned b = 0; b < VOS_HIST_BUCKETS; b++)
				t.wake_hist[c][b] += s.wake_hist[c][b];
			if (s.max_wait_ns[c] > t.max_wait_ns[c])
				t.max_wait_ns[c] = s.max_wait_ns[c];
		}
		t.preemptions += s.preemptions;
		t.throttles += s.throttles;
		t.budget_runs += s.budget_runs;
		t.guard_runs += s.guard_runs;
		t.ctrl_budget_ns += s.ctrl_budget_ns;
		t.reenqueued += s.reenqueued;
	}
	return t;
}

std::uint64_t hist_quantile_us(const __u64 (&hist)[VOS_HIST_BUCKETS], double q)
{
	std::uint64_t total = 0, seen = 0;

	for (auto n : hist)
		total += n;
	if (!total || q <= 0)
		return 0;
	for (unsigned b = 0; b < VOS_HIST_BUCKETS; b++) {
		seen += hist[b];
		if (static_cast<double>(seen) >= q * static_cast<double>(total))
			return std::uint64_t{ 1 } << b;
	}
	return std::uint64_t{ 1 } << (VOS_HIST_BUCKETS - 1);
}

double runtime_share_pct(const vos_stats &s, unsigned cls)
{
	std::uint64_t total = 0;

	for (unsigned c = 0; c < VOS_NR_CLASSES; c++)
		total += s.runtime_ns[c];
	if (!total || cls >= VOS_NR_CLASSES)
		return 0;
	return 100.0 * static_cast<double>(s.runtime_ns[cls]) /
	       static_cast<double>(total);
}

namespace
{

std::string fixed(double v)
{
	char buf[32];

	std::snprintf(buf, sizeof(buf), "%.2f", v);
	return buf;
}

} // namespace

std::string format_text(const Status &st)
{
	std::ostringstream o;

	o << "sched_ext:  "
	  << (st.state.empty() ? "not supported by this kernel (no "
				 "CONFIG_SCHED_CLASS_EXT)" :
				 st.state);
	if (!st.ops.empty())
		o << " (ops: " << st.ops << ")";
	o << "\nVOS:        " << (st.running ? "running" : "not running");
	if (st.pid)
		o << " (vosctl pid " << st.pid << ")";
	o << "\n";
	if (!st.have_maps)
		return o.str();

	const auto &c = st.config;
	o << "config:     ctrl budget " << c.ctrl_budget_pct << "%, ctrl slice "
	  << c.ctrl_slice_ns / 1000 << " us, vcpu slice "
	  << c.vcpu_slice_ns / 1000 << " us, max wait "
	  << c.max_wait_ns / 1000000 << " ms"
	  << (c.stall_ctrl ? ", TEST STALL" : "") << "\n";
	o << "cpus:       " << st.tasks.nr_online << " online\n";
	o << "class      tasks  runtime%       runs  wake p50  wake p99  max wait\n";
	for (unsigned cls = 0; cls < VOS_NR_CLASSES; cls++) {
		char line[128];

		std::snprintf(
			line, sizeof(line),
			"%-8s %7lld %8s %10llu %7llu us %7llu us %7.3f ms\n",
			class_name(cls),
			static_cast<long long>(st.tasks.nr_tasks[cls]),
			fixed(runtime_share_pct(st.stats, cls)).c_str(),
			static_cast<unsigned long long>(st.stats.nr_runs[cls]),
			static_cast<unsigned long long>(
				hist_quantile_us(st.stats.wake_hist[cls], 0.5)),
			static_cast<unsigned long long>(hist_quantile_us(
				st.stats.wake_hist[cls], 0.99)),
			static_cast<double>(st.stats.max_wait_ns[cls]) / 1e6);
		o << line;
	}
	o << "events:     " << st.stats.preemptions << " preemptions, "
	  << st.stats.throttles << " throttles, " << st.stats.budget_runs
	  << " budget runs, " << st.stats.guard_runs << " guard runs, "
	  << st.stats.reenqueued << " re-enqueued\n";
	return o.str();
}

std::string format_json(const Status &st, bool pretty)
{
	using vmhost::json::Json;
	Json o = { { "state", st.state },
		   { "ops", st.ops },
		   { "running", st.running },
		   { "pid", st.pid } };

	if (st.have_maps) {
		const auto &c = st.config;
		const auto &s = st.stats;
		Json classes = Json::object();

		o["config"] = { { "ctrl_budget_pct", c.ctrl_budget_pct },
				{ "ctrl_slice_us", c.ctrl_slice_ns / 1000 },
				{ "vcpu_slice_us", c.vcpu_slice_ns / 1000 },
				{ "max_wait_ms", c.max_wait_ns / 1000000 },
				{ "test_stall", c.stall_ctrl != 0 } };
		o["online_cpus"] = st.tasks.nr_online;
		for (unsigned cls = 0; cls < VOS_NR_CLASSES; cls++) {
			Json hist = Json::array();

			for (unsigned b = 0; b < VOS_HIST_BUCKETS; b++)
				hist.push_back(s.wake_hist[cls][b]);
			// Two decimals, as in the plain-text table.
			double pct =
				std::round(runtime_share_pct(s, cls) * 100) /
				100;
			classes[class_name(cls)] = {
				{ "tasks", st.tasks.nr_tasks[cls] },
				{ "runtime_ns", s.runtime_ns[cls] },
				{ "runtime_pct", pct },
				{ "runs", s.nr_runs[cls] },
				{ "wake_p50_us",
				  hist_quantile_us(s.wake_hist[cls], 0.5) },
				{ "wake_p99_us",
				  hist_quantile_us(s.wake_hist[cls], 0.99) },
				{ "max_wait_ns", s.max_wait_ns[cls] },
				{ "overrun_ns", s.overrun_ns[cls] },
				{ "wake_hist_log2_us", hist },
			};
		}
		o["classes"] = classes;
		o["preemptions"] = s.preemptions;
		o["throttles"] = s.throttles;
		o["budget_runs"] = s.budget_runs;
		o["guard_runs"] = s.guard_runs;
		o["ctrl_budget_ns"] = s.ctrl_budget_ns;
		o["reenqueued"] = s.reenqueued;
	}
	return vmhost::json::dump(o, pretty);
}

} // namespace vos
