// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "stats.h"

using namespace vos;

TEST(Stats, SumAddsCountersAndKeepsMaxima)
{
	std::vector<vos_stats> cpus(2);

	cpus[0].runtime_ns[VOS_CLASS_VCPU] = 100;
	cpus[1].runtime_ns[VOS_CLASS_VCPU] = 50;
	cpus[0].max_wait_ns[VOS_CLASS_CTRL] = 7;
	cpus[1].max_wait_ns[VOS_CLASS_CTRL] = 9;
	cpus[0].wake_hist[VOS_CLASS_VCPU][3] = 2;
	cpus[1].wake_hist[VOS_CLASS_VCPU][3] = 5;
	cpus[1].preemptions = 4;
	cpus[0].overrun_ns[VOS_CLASS_CTRL] = 3;
	cpus[1].overrun_ns[VOS_CLASS_CTRL] = 4;

	vos_stats t = sum(cpus);
	EXPECT_EQ(t.runtime_ns[VOS_CLASS_VCPU], 150u);
	EXPECT_EQ(t.max_wait_ns[VOS_CLASS_CTRL], 9u);
	EXPECT_EQ(t.wake_hist[VOS_CLASS_VCPU][3], 7u);
	EXPECT_EQ(t.preemptions, 4u);
	EXPECT_EQ(t.overrun_ns[VOS_CLASS_CTRL], 7u);
}

TEST(Stats, QuantilesAreBucketUpperBounds)
{
	__u64 h[VOS_HIST_BUCKETS] = {};

	EXPECT_EQ(hist_quantile_us(h, 0.5), 0u);
	h[0] = 50; // < 1 us
	h[4] = 49; // 8..15 us
	h[10] = 1; // 512..1023 us
	EXPECT_EQ(hist_quantile_us(h, 0.5), 1u);
	EXPECT_EQ(hist_quantile_us(h, 0.51), 16u);
	EXPECT_EQ(hist_quantile_us(h, 0.99), 16u);
	EXPECT_EQ(hist_quantile_us(h, 1.0), 1024u);
}

TEST(Stats, RuntimeShare)
{
	vos_stats s{};

	EXPECT_EQ(runtime_share_pct(s, VOS_CLASS_CTRL), 0.0);
	s.runtime_ns[VOS_CLASS_VCPU] = 95;
	s.runtime_ns[VOS_CLASS_CTRL] = 5;
	EXPECT_DOUBLE_EQ(runtime_share_pct(s, VOS_CLASS_CTRL), 5.0);
	EXPECT_DOUBLE_EQ(runtime_share_pct(s, VOS_CLASS_VCPU), 95.0);
}

TEST(Stats, JsonCarriesEveryClass)
{
	Status st;

	st.state = "enabled";
	st.ops = "vos";
	st.running = true;
	st.have_maps = true;
	st.config.ctrl_budget_pct = 5;
	st.tasks.nr_tasks[VOS_CLASS_VCPU] = 3;
	st.tasks.nr_online = 2;
	std::string j = format_json(st);

	EXPECT_NE(j.find("\"running\":true"), std::string::npos);
	EXPECT_NE(j.find("\"vcpu\":{\"tasks\":3"), std::string::npos);
	EXPECT_NE(j.find("\"ctrl\":"), std::string::npos);
	EXPECT_NE(j.find("\"kthread\":"), std::string::npos);
	EXPECT_NE(j.find("\"ctrl_budget_pct\":5"), std::string::npos);
	EXPECT_NE(j.find("\"online_cpus\":2,"), std::string::npos);
	EXPECT_NE(format_text(st).find("cpus:       2 online\n"),
		  std::string::npos);
}

TEST(Stats, JsonEscapesStrings)
{
	Status st;

	st.state = "odd \"state\"\n";
	EXPECT_NE(format_json(st).find("odd \\\"state\\\"\\n"),
		  std::string::npos);
}
