// SPDX-License-Identifier: GPL-2.0
// pfctl's grammar and the rules for its values: PCI addresses, VF and
// namespace numbers, resources, drivers.
#include <gtest/gtest.h>

#include <vmhost/vpf.h>

#include "options.h"

using namespace pfctl;

namespace
{

Invocation p(std::vector<std::string> args)
{
	return parse(args);
}

} // namespace

TEST(Pci, Forms)
{
	EXPECT_EQ(parse_pci("0000:05:00.0"), "0000:05:00.0");
	EXPECT_EQ(parse_pci("05:00.0"), "0000:05:00.0");
	EXPECT_EQ(parse_pci("5:0.1"), "0000:05:00.1");
	EXPECT_EQ(parse_pci("0001:AB:1f.7"), "0001:ab:1f.7");
}

TEST(Pci, Bad)
{
	for (const char *bad :
	     { "", "05", "05:00", "05:00.8", "05:20.0", "100:00.0",
	       "00000:05:00.0", "05:00.0x", "g5:00.0", "05.00:0", "nvme0" })
		EXPECT_THROW(parse_pci(bad), UsageError) << bad;
}

TEST(Grammar, Dev)
{
	EXPECT_EQ(p({ "dev" }).command, Command::DevList);
	EXPECT_EQ(p({ "dev", "list" }).command, Command::DevList);
	Invocation i = p({ "dev", "show", "05:00.0" });
	EXPECT_EQ(i.command, Command::DevShow);
	EXPECT_EQ(i.pf, "0000:05:00.0");
	EXPECT_EQ(p({ "dev", "add", "05:00.0" }).command, Command::DevAdd);
	i = p({ "dev", "del", "05:00.0", "force" });
	EXPECT_EQ(i.command, Command::DevDel);
	EXPECT_TRUE(i.force);
	EXPECT_THROW(p({ "dev", "add" }), UsageError);
	EXPECT_TRUE(p({ "-j", "dev" }).json);
}

TEST(Grammar, VfEnable)
{
	Invocation i = p({ "vf", "enable", "05:00.0", "8", "vq", "4", "vi", "2",
			   "driver", "vfio" });
	EXPECT_EQ(i.command, Command::VfEnable);
	EXPECT_EQ(*i.num_vfs, 8u);
	EXPECT_EQ(*i.vq, 4u);
	EXPECT_EQ(*i.vi, 2u);
	EXPECT_EQ(*i.driver, Driver::VfioPci);
	EXPECT_FALSE(i.force);
	i = p({ "vf", "enable", "05:00.0", "3" });
	EXPECT_FALSE(i.vq);
	EXPECT_FALSE(i.driver);
	i = p({ "vf", "disable", "05:00.0", "force" });
	EXPECT_EQ(i.command, Command::VfEnable);
	EXPECT_EQ(*i.num_vfs, 0u);
	EXPECT_TRUE(i.force);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0", "256" }), UsageError);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0", "-1" }), UsageError);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0" }), UsageError);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0", "2", "driver", "e1000" }),
		     UsageError);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0", "0", "vq", "2" }),
		     UsageError);
	EXPECT_THROW(p({ "vf", "enable", "05:00.0", "2", "vq", "65536" }),
		     UsageError);
}

TEST(Grammar, VfSet)
{
	Invocation i = p({ "vf", "set", "05:00.0", "3", "offline" });
	EXPECT_EQ(i.command, Command::VfSet);
	EXPECT_EQ(*i.vf, 3u);
	EXPECT_EQ(*i.online, false);
	i = p({ "vf", "set", "05:00.0", "3", "online", "driver", "nvme" });
	EXPECT_EQ(*i.online, true);
	EXPECT_EQ(*i.driver, Driver::Nvme);
	i = p({ "vf", "set", "05:00.0", "0", "vi", "2" });
	EXPECT_FALSE(i.online);
	EXPECT_EQ(*i.vi, 2u);
	EXPECT_THROW(p({ "vf", "set", "05:00.0", "3" }), UsageError);
	EXPECT_THROW(p({ "vf", "set", "05:00.0", "3", "online", "offline" }),
		     UsageError);
	EXPECT_THROW(p({ "vf", "set", "05:00.0", "255", "online" }),
		     UsageError);
	EXPECT_THROW(p({ "vf", "set", "05:00.0", "x", "online" }), UsageError);
}

TEST(Grammar, VfShow)
{
	EXPECT_EQ(p({ "vf" }).command, Command::VfList);
	EXPECT_EQ(p({ "vf", "show", "05:00.0" }).command, Command::VfList);
	Invocation i = p({ "vf", "show", "05:00.0", "2" });
	EXPECT_EQ(i.command, Command::VfShow);
	EXPECT_EQ(*i.vf, 2u);
}

TEST(Grammar, Ns)
{
	EXPECT_EQ(p({ "ns" }).command, Command::NsList);
	Invocation i = p({ "ns", "attach", "05:00.0", "7", "2" });
	EXPECT_EQ(i.command, Command::NsAttach);
	EXPECT_EQ(*i.nsid, 7u);
	EXPECT_EQ(*i.vf, 2u);
	i = p({ "ns", "detach", "05:00.0", "7", "force" });
	EXPECT_EQ(i.command, Command::NsDetach);
	EXPECT_TRUE(i.force);
	EXPECT_EQ(p({ "ns", "wipe", "05:00.0", "7" }).command, Command::NsWipe);
	EXPECT_THROW(p({ "ns", "attach", "05:00.0", "7" }), UsageError);
	EXPECT_THROW(p({ "ns", "attach", "05:00.0", "0", "1" }), UsageError);
	EXPECT_THROW(p({ "ns", "wipe", "05:00.0", "4294967295" }), UsageError);
}

TEST(Grammar, DevSet)
{
	Invocation i =
		p({ "dev", "set", "05:00.0", "slot-driver", "vfio-pci" });
	EXPECT_EQ(i.command, Command::DevSet);
	EXPECT_EQ(i.pf, "0000:05:00.0");
	ASSERT_TRUE(i.slot_driver);
	EXPECT_EQ(*i.slot_driver,
		  static_cast<std::uint32_t>(VPF_SLOT_DRIVER_VFIO_PCI));
	EXPECT_EQ(*p({ "dev", "set", "05:00.0", "slot-driver", "auto" })
			   .slot_driver,
		  static_cast<std::uint32_t>(VPF_SLOT_DRIVER_AUTO));
	// Nothing to change, or a policy that does not exist.
	EXPECT_THROW(p({ "dev", "set", "05:00.0" }), UsageError);
	EXPECT_THROW(p({ "dev", "set", "05:00.0", "slot-driver", "nvme" }),
		     UsageError);
	EXPECT_THROW(p({ "dev", "set", "slot-driver", "auto" }), UsageError);
}

TEST(Grammar, Slot)
{
	EXPECT_EQ(p({ "slot" }).command, Command::SlotList);
	EXPECT_EQ(p({ "slot", "show", "05:00.0" }).command, Command::SlotList);
	Invocation i = p({ "slot", "show", "05:00.0", "3:1.0" });
	EXPECT_EQ(i.command, Command::SlotShow);
	EXPECT_EQ(i.port, "0000:03:01.0");
	i = p({ "slot", "remove", "05:00.0", "0000:03:01.0", "force" });
	EXPECT_EQ(i.command, Command::SlotRemove);
	EXPECT_TRUE(i.force);
	i = p({ "slot", "add", "05:00.0", "03:01.0" });
	EXPECT_EQ(i.command, Command::SlotAdd);
	EXPECT_FALSE(i.force);
	// A port needs its PF; add and remove need the port; addresses are
	// checked.
	EXPECT_THROW(p({ "slot", "add", "05:00.0" }), UsageError);
	EXPECT_THROW(p({ "slot", "remove", "05:00.0" }), UsageError);
	EXPECT_THROW(p({ "slot", "add", "05:00.0", "slot3" }), UsageError);
	EXPECT_THROW(p({ "slot", "add", "05:00.0", "03:01.0", "force" }),
		     UsageError);
}
