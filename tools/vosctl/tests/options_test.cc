// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include "options.h"

using namespace vos;

namespace
{

Invocation p(std::vector<std::string> a)
{
	return parse(a);
}

} // namespace

TEST(Options, StartDefaults)
{
	Invocation inv = p({ "sched", "start" });

	EXPECT_EQ(inv.command, Command::Start);
	EXPECT_EQ(inv.start.ctrl_budget_pct, 5u);
	EXPECT_EQ(inv.start.ctrl_slice_us, 500u);
	EXPECT_EQ(inv.start.max_wait_ms, 100u);
	EXPECT_FALSE(inv.start.daemon);
	EXPECT_FALSE(inv.start.test_stall);
}

TEST(Options, StartAll)
{
	Invocation inv =
		p({ "sched", "start", "ctrl-budget", "10", "ctrl-slice", "250",
		    "max-wait", "50", "vcpu-cgroup", "/sys/fs/cgroup/a",
		    "vcpu-cgroup", "/sys/fs/cgroup/b", "daemon", "watchdog",
		    "5000" });

	EXPECT_EQ(inv.start.ctrl_budget_pct, 10u);
	EXPECT_EQ(inv.start.ctrl_slice_us, 250u);
	EXPECT_EQ(inv.start.max_wait_ms, 50u);
	EXPECT_EQ(inv.start.watchdog_ms, 5000u);
	ASSERT_EQ(inv.start.vcpu_cgroups.size(), 2u);
	EXPECT_EQ(inv.start.vcpu_cgroups[1], "/sys/fs/cgroup/b");
	EXPECT_TRUE(inv.start.daemon);
}

TEST(Options, BadNumbersAreUsageErrors)
{
	EXPECT_THROW(p({ "sched", "start", "ctrl-budget", "0" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "ctrl-budget", "51" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "ctrl-budget", "5%" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "ctrl-budget", "-1" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "ctrl-budget", "" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "ctrl-slice", "10" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "max-wait" }), UsageError);
	EXPECT_THROW(
		p({ "sched", "start", "max-wait", "99999999999999999999" }),
		UsageError);
	EXPECT_THROW(p({ "sched", "start", "bogus" }), UsageError);
}

TEST(Options, MaxWaitMustCoverOneSlice)
{
	EXPECT_THROW(
		p({ "sched", "start", "ctrl-slice", "5000", "max-wait", "4" }),
		UsageError);
	EXPECT_NO_THROW(
		p({ "sched", "start", "ctrl-slice", "5000", "max-wait", "5" }));
}

TEST(Options, ErrorNamesTheOption)
{
	try {
		p({ "sched", "start", "ctrl-budget", "77" });
		FAIL() << "no error";
	} catch (const UsageError &e) {
		EXPECT_NE(std::string(e.what()).find("ctrl-budget"),
			  std::string::npos);
		EXPECT_NE(std::string(e.what()).find("1 to 50"),
			  std::string::npos);
	}
}

TEST(Options, Classify)
{
	Invocation inv = p({ "class", "set", "1234", "vcpu" });

	EXPECT_EQ(inv.command, Command::Classify);
	EXPECT_EQ(inv.classify.target, ClassifyTarget::Tid);
	EXPECT_EQ(inv.classify.tid, 1234u);
	EXPECT_EQ(inv.classify.as, ClassifyAs::Vcpu);

	inv = p({ "class", "set", "/sys/fs/cgroup/vm1/vcpu0", "auto" });
	EXPECT_EQ(inv.classify.target, ClassifyTarget::Cgroup);
	EXPECT_EQ(inv.classify.cgroup, "/sys/fs/cgroup/vm1/vcpu0");
	EXPECT_EQ(inv.classify.as, ClassifyAs::Auto);
}

TEST(Options, BadClassify)
{
	EXPECT_THROW(p({ "class", "set" }), UsageError);
	EXPECT_THROW(p({ "class", "set", "12" }), UsageError);
	EXPECT_THROW(p({ "class", "set", "12", "fast" }), UsageError);
	EXPECT_THROW(p({ "class", "set", "0", "vcpu" }), UsageError);
	EXPECT_THROW(p({ "class", "set", "vm1", "vcpu" }), UsageError);
	EXPECT_THROW(p({ "class", "set", "12", "vcpu", "extra" }), UsageError);
}

TEST(Options, CgroupPathsAreChecked)
{
	EXPECT_THROW(p({ "sched", "start", "vcpu-cgroup", "vm1" }), UsageError);
	EXPECT_THROW(p({ "sched", "start", "vcpu-cgroup",
			 "/sys/fs/cgroup/../../etc" }),
		     UsageError);
	EXPECT_THROW(p({ "class", "set", "/sys/fs/cgroup/./vm", "vcpu" }),
		     UsageError);
	EXPECT_NO_THROW(p({ "class", "set", "/sys/fs/cgroup/vm..1", "vcpu" }));
}

TEST(Options, OtherCommands)
{
	EXPECT_EQ(p({ "sched", "stop" }).command, Command::Stop);
	EXPECT_EQ(p({ "sched" }).command, Command::Status);
	EXPECT_EQ(p({ "sched", "show" }).command, Command::Status);
	EXPECT_EQ(p({ "sched", "list" }).command, Command::Status);
	EXPECT_TRUE(p({ "-j", "sched", "show" }).json);
	EXPECT_TRUE(p({ "-j", "-p", "sched" }).pretty);
	EXPECT_FALSE(p({ "sched", "show" }).json);
	EXPECT_THROW(p({ "sched", "show", "-j" }), UsageError);
	EXPECT_THROW(p({ "sched", "stop", "now" }), UsageError);
	EXPECT_THROW(p({ "sched", "st" }), UsageError); // start or stop
	EXPECT_EQ(p({ "sched", "sta" }).command, Command::Start);
	EXPECT_THROW(p({}), UsageError);
	EXPECT_THROW(p({ "reboot" }), UsageError);
	EXPECT_EQ(p({ "help" }).command, Command::Help);
	EXPECT_EQ(p({ "sched", "help" }).command, Command::Help);
	EXPECT_EQ(p({ "-V" }).command, Command::Version);
}
