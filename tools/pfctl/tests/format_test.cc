// SPDX-License-Identifier: GPL-2.0
// pfctl's output: tables for people, JSON that parses back with every
// field under its name.
#include <gtest/gtest.h>

#include <vmhost/vpf.h>

#include "format.h"
#include "json.h"

using namespace pfctl;
using vmhost::json::Json;

namespace
{

Pf pf()
{
	Pf p;

	p.pci_name = "0000:05:00.0";
	p.state = VPF_DEV_STATE_LIVE;
	p.total_vfs = 64;
	p.num_vfs = 3;
	p.vq_total = 256;
	p.vq_free = 250;
	p.vq_max = 4;
	p.vi_total = 128;
	p.vi_free = 125;
	p.vi_max = 2;
	p.namespaces = 64;
	p.model = "QEMU NVMe Ctrl";
	p.serial = "vmhost-nvme0";
	return p;
}

Vf vf(std::uint32_t n, bool bound)
{
	Vf v;

	v.pf = "0000:05:00.0";
	v.vf = n;
	v.pci_name = "0000:05:00." + std::to_string(n + 1);
	v.cntlid = n + 1;
	v.online = true;
	v.vq = 2;
	v.vi = 1;
	v.driver = VPF_VF_DRIVER_NVME;
	if (bound)
		v.bound = "nvme";
	return v;
}

} // namespace

TEST(Format, PfTable)
{
	std::string t = format_pfs({ pf() }, Style::Text);
	EXPECT_NE(t.find("PF "), std::string::npos);
	EXPECT_NE(t.find("0000:05:00.0  live"), std::string::npos) << t;
	EXPECT_NE(t.find("3/64"), std::string::npos);
	EXPECT_NE(t.find("250/256"), std::string::npos);
	EXPECT_NE(t.find("vmhost-nvme0"), std::string::npos);
	EXPECT_EQ(format_pfs({}, Style::Text), "");
	EXPECT_NE(format_pf(pf(), Style::Text).find("4 per VF"),
		  std::string::npos);
}

TEST(Format, PfJson)
{
	Json j = Json::parse(format_pfs({ pf() }, Style::Json));
	ASSERT_TRUE(j.is_array());
	ASSERT_EQ(j.size(), 1u);
	EXPECT_EQ(j[0]["pf"], "0000:05:00.0");
	EXPECT_EQ(j[0]["state"], "live");
	EXPECT_EQ(j[0]["num_vfs"], 3);
	EXPECT_EQ(j[0]["vq_free"], 250);
	EXPECT_EQ(j[0]["vi_max"], 2);
	Pf failed = pf();
	failed.state = 9;
	EXPECT_EQ(Json::parse(format_pf(failed, Style::Pretty))["state"], "9");
	EXPECT_EQ(Json::parse(format_pfs({}, Style::Json)), Json::array());
}

TEST(Format, Vfs)
{
	Vf unbound = vf(1, false);
	unbound.online = false;
	unbound.pci_name.reset();
	std::string t = format_vfs({ vf(0, true), unbound }, Style::Text);
	EXPECT_NE(t.find("online"), std::string::npos);
	EXPECT_NE(t.find("offline"), std::string::npos);
	EXPECT_NE(t.find("0000:05:00.1"), std::string::npos);

	Json j = Json::parse(format_vfs({ vf(0, true), unbound }, Style::Json));
	ASSERT_EQ(j.size(), 2u);
	EXPECT_EQ(j[0]["driver"], "nvme");
	EXPECT_EQ(j[0]["bound"], "nvme");
	EXPECT_EQ(j[0]["online"], true);
	EXPECT_TRUE(j[1]["bound"].is_null());
	EXPECT_TRUE(j[1]["pci_name"].is_null());
	EXPECT_EQ(j[1]["online"], false);
	EXPECT_EQ(Json::parse(format_vf(vf(2, true), Style::Json))["vf"], 2);
}

TEST(Format, Namespaces)
{
	Ns a, b;

	a.pf = b.pf = "0000:05:00.0";
	a.nsid = 1;
	a.vf = 0;
	a.size = 16 << 20;
	a.lba_size = 512;
	b.nsid = 2;
	b.size = 16 << 20;
	b.lba_size = 4096;
	b.needs_wipe = true;
	std::string t = format_nss({ a, b }, Style::Text);
	EXPECT_NE(t.find("16 MiB"), std::string::npos) << t;
	EXPECT_NE(t.find("needed"), std::string::npos);
	EXPECT_NE(t.find("clean"), std::string::npos);
	Json j = Json::parse(format_nss({ a, b }, Style::Json));
	EXPECT_EQ(j[0]["vf"], 0);
	EXPECT_TRUE(j[1]["vf"].is_null());
	EXPECT_EQ(j[1]["needs_wipe"], true);
	EXPECT_EQ(j[1]["size"], 16 << 20);
}

TEST(Format, Slots)
{
	Slot on, empty, card;

	on.pf = empty.pf = card.pf = "0000:05:00.0";
	on.port = "0000:03:01.0";
	on.number = 7;
	on.bus = "0000:04";
	on.hotplug = on.occupied = on.power = on.link_up = true;
	on.speed = 8000;
	on.width = 4;
	on.function = "0000:04:00.0";
	on.vendor = 0x1b36;
	on.device = 0x10;
	on.class_code = 0x010802;
	on.bound = "vfio-pci";
	on.in_use = true;
	empty.port = "0000:03:02.0";
	empty.hotplug = empty.power = true;
	card.port = "0000:03:00.0";
	card.card = card.occupied = card.power = true;

	std::string t = format_slots({ on, empty, card }, Style::Text);
	EXPECT_NE(t.find("8 GT/s x4"), std::string::npos) << t;
	EXPECT_NE(t.find("1b36:0010"), std::string::npos) << t;
	EXPECT_NE(t.find("empty"), std::string::npos) << t;
	EXPECT_NE(t.find("card"), std::string::npos) << t;
	EXPECT_NE(t.find("in-use"), std::string::npos) << t;
	EXPECT_EQ(format_slots({}, Style::Text), "");
	EXPECT_EQ(format_link(empty), "down");

	Json j = Json::parse(format_slots({ on, empty }, Style::Json));
	ASSERT_EQ(j.size(), 2u);
	EXPECT_EQ(j[0]["slot"], 7);
	EXPECT_EQ(j[0]["speed_mts"], 8000);
	EXPECT_EQ(j[0]["class"], 0x010802);
	EXPECT_EQ(j[0]["bound"], "vfio-pci");
	EXPECT_EQ(j[0]["in_use"], true);
	EXPECT_TRUE(j[1]["function"].is_null());
	EXPECT_TRUE(j[1]["vendor"].is_null());
	EXPECT_EQ(j[1]["occupied"], false);
	EXPECT_EQ(Json::parse(format_slot(on, Style::Json))["port"],
		  "0000:03:01.0");
}

TEST(Format, HotplugEvent)
{
	Event e;

	e.pf = "0000:05:00.0";
	e.kind = VPF_EVENT_KIND_HOTPLUG_BOUND;
	e.slot = "0000:03:01.0";
	e.function = "0000:04:00.0";
	e.bound = "vfio-pci";
	EXPECT_EQ(format_event(e, Style::Text),
		  "0000:05:00.0 hotplug-bound slot 0000:03:01.0 function "
		  "0000:04:00.0 bound vfio-pci\n");
	Json j = Json::parse(format_event(e, Style::Json));
	EXPECT_EQ(j["event"], "hotplug-bound");
	EXPECT_EQ(j["function"], "0000:04:00.0");
}
