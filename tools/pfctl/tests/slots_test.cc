// SPDX-License-Identifier: GPL-2.0
// pfctl slot add and remove: what they refuse, and finding a slot's
// directory in a sysfs-like tree by its address.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli.h"
#include "slots.h"

using namespace pfctl;
namespace fs = std::filesystem;

namespace
{

Slot occupied()
{
	Slot s;

	s.pf = "0000:05:00.0";
	s.port = "0000:03:01.0";
	s.bus = "0000:04";
	s.hotplug = true;
	s.occupied = true;
	s.power = true;
	s.function = "0000:04:00.0";
	return s;
}

// A directory that is removed with what is in it.
struct TempDir {
	fs::path path;
	TempDir()
	{
		char tmpl[] = "/tmp/pfctl-slots-XXXXXX";
		path = ::mkdtemp(tmpl);
	}
	~TempDir()
	{
		std::error_code ec;
		fs::remove_all(path, ec);
	}
};

void slot_dir(const fs::path &slots, const std::string &name,
	      const std::string &address)
{
	fs::create_directories(slots / name);
	std::ofstream(slots / name / "address") << address << "\n";
}

} // namespace

TEST(Slots, RemoveRefusals)
{
	Slot s = occupied();
	EXPECT_EQ(slot_refusal(s, true, false), "");

	s.in_use = true;
	EXPECT_NE(slot_refusal(s, true, false).find("in use"),
		  std::string::npos);
	EXPECT_EQ(slot_refusal(s, true, true), "");

	s = occupied();
	s.card = true;
	EXPECT_NE(slot_refusal(s, true, true).find("card itself"),
		  std::string::npos);
	s = occupied();
	s.hotplug = false;
	EXPECT_NE(slot_refusal(s, true, true).find("no hot-plug controller"),
		  std::string::npos);
	s = occupied();
	s.occupied = false;
	EXPECT_NE(slot_refusal(s, true, true).find("empty"), std::string::npos);
}

TEST(Slots, AddRefusals)
{
	Slot s = occupied();
	EXPECT_EQ(slot_refusal(s, false, false), "");
	EXPECT_TRUE(slot_add_is_done(s));
	s.power = false;
	s.function.reset();
	EXPECT_FALSE(slot_add_is_done(s));
	// In use means nothing to add (the function is there already).
	s.in_use = true;
	EXPECT_EQ(slot_refusal(s, false, false), "");
	s.occupied = false;
	EXPECT_NE(slot_refusal(s, false, false).find("nothing to power on"),
		  std::string::npos);
}

TEST(Slots, FindByAddress)
{
	TempDir t;
	slot_dir(t.path, "1", "0000:03:00");
	slot_dir(t.path, "2", "0000:04:00");
	slot_dir(t.path, "2-1", "0001:04:00");

	EXPECT_EQ(find_slot_dir(t.path, occupied()), t.path / "2");
	Slot s = occupied();
	s.bus = "0000:09";
	EXPECT_TRUE(find_slot_dir(t.path, s).empty());
	s.bus.reset();
	EXPECT_TRUE(find_slot_dir(t.path, s).empty());
	EXPECT_TRUE(find_slot_dir(t.path / "none", occupied()).empty());
}

TEST(Slots, PowerFailure)
{
	TempDir t;
	// No power file: the error names it.
	try {
		set_slot_power(t.path, true);
		FAIL() << "no error";
	} catch (const vmhost::cli::Failure &e) {
		EXPECT_NE(std::string(e.what()).find("power"),
			  std::string::npos);
	}
	std::ofstream(t.path / "power") << "";
	set_slot_power(t.path, false);
	std::ifstream f(t.path / "power");
	std::string v;
	f >> v;
	EXPECT_EQ(v, "0");
}
