// SPDX-License-Identifier: GPL-2.0
// qbdctl's grammar and the rules for its values: addresses, devices,
// ranges.
#include <gtest/gtest.h>

#include "options.h"

using namespace qbd;

namespace
{

Invocation p(std::vector<std::string> args)
{
	return parse(args);
}

} // namespace

TEST(Target, IPv4)
{
	EXPECT_EQ(parse_target("192.0.2.1", 4460),
		  (Target{ "192.0.2.1", 4460, false }));
	EXPECT_EQ(parse_target("192.0.2.1:7000", 4460),
		  (Target{ "192.0.2.1", 7000, false }));
	EXPECT_EQ(parse_target("10.0.0.1:1", 4460).port, 1);
	EXPECT_EQ(parse_target("10.0.0.1:65535", 4460).port, 65535);
	EXPECT_EQ(parse_target("192.0.2.1:7000", 4460).text(),
		  "192.0.2.1:7000");
}

TEST(Target, IPv6)
{
	EXPECT_EQ(parse_target("2001:db8::1", 4460),
		  (Target{ "2001:db8::1", 4460, true }));
	EXPECT_EQ(parse_target("[2001:db8::1]", 4460),
		  (Target{ "2001:db8::1", 4460, true }));
	EXPECT_EQ(parse_target("[2001:db8::1]:7000", 4460),
		  (Target{ "2001:db8::1", 7000, true }));
	// Canonical form: what the kernel gets.
	EXPECT_EQ(parse_target("2001:DB8:0:0:0:0:0:1", 4460).addr,
		  "2001:db8::1");
	EXPECT_EQ(parse_target("::1", 4460).addr, "::1");
	// A whole IPv6 address: the last group is not a port.
	EXPECT_EQ(parse_target("::1:4460", 1).port, 1);
	EXPECT_EQ(parse_target("::ffff:192.0.2.1", 4460).addr,
		  "::ffff:192.0.2.1");
	EXPECT_EQ(parse_target("[2001:db8::1]:7000", 4460).text(),
		  "[2001:db8::1]:7000");
}

TEST(Target, Bad)
{
	for (const char *bad : { "",
				 "host.example",
				 "localhost:4460",
				 "192.0.2",
				 "192.0.2.256",
				 "192.0.2.1:",
				 "192.0.2.1:0",
				 "192.0.2.1:65536",
				 "192.0.2.1:44x",
				 "192.0.2.1:-1",
				 "192.0.2.1: 1",
				 "0x7f.0.0.1",
				 "[2001:db8::1",
				 "[2001:db8::1]7000",
				 "[2001:db8::1]:",
				 "[192.0.2.1]",
				 "[]",
				 "[]:4460",
				 "2001:db8::1::2",
				 "2001:db8::g",
				 "fe80::1%eth0",
				 "[fe80::1%2]:4460",
				 "1.2.3.4:5:6",
				 " 192.0.2.1" })
		EXPECT_THROW(parse_target(bad, 4460), UsageError) << bad;
	try {
		parse_target("storage1:4460", 4460);
		FAIL();
	} catch (const UsageError &e) {
		EXPECT_NE(std::string(e.what()).find("not resolved"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(Dev, Forms)
{
	EXPECT_EQ(parse_dev("qbd0"), 0u);
	EXPECT_EQ(parse_dev("qbd12"), 12u);
	EXPECT_EQ(parse_dev("/dev/qbd3"), 3u);
	EXPECT_EQ(parse_dev("7"), 7u);
	EXPECT_EQ(parse_dev("65535"), 65535u);
	for (const char *bad :
	     { "", "qbd", "/dev/qbd", "qbd-1", "-1", "qbd01", "01", "65536",
	       "qbd99999999999", "/dev/sda", "/dev/5", "sda", "qbd0p1", "nbd0",
	       "qbd 1", "dev/qbd1", "+1" })
		EXPECT_THROW(parse_dev(bad), UsageError) << bad;
}

TEST(Grammar, ConnectShortAndLong)
{
	for (auto args : std::vector<std::vector<std::string> >{
		     { "connect", "192.0.2.1", "vol1" },
		     { "dev", "connect", "192.0.2.1", "vol1" },
		     { "c", "192.0.2.1", "vol1" },
		     { "de", "conn", "192.0.2.1", "vol1" } }) {
		Invocation inv = p(args);
		EXPECT_EQ(inv.command, Command::Connect);
		EXPECT_EQ(inv.connect.target.addr, "192.0.2.1");
		EXPECT_EQ(inv.connect.target.port, 4460);
		EXPECT_EQ(inv.connect.volume, "vol1");
		EXPECT_FALSE(inv.connect.queues);
		EXPECT_FALSE(inv.connect.depth);
		EXPECT_FALSE(inv.connect.loss_timeout);
		EXPECT_FALSE(inv.connect.keepalive);
		EXPECT_FALSE(inv.connect.host);
		EXPECT_FALSE(inv.connect.secret_file);
		EXPECT_FALSE(inv.connect.read_only);
	}
}

TEST(Grammar, ConnectEverything)
{
	Invocation inv =
		p({ "-j", "connect", "queues", "8", "[2001:db8::1]:9", "dep",
		    "1024", "vol1", "ro", "loss", "86400", "keep", "60",
		    "host-id", "hv7", "secret-file", "/etc/qbd/secret" });
	EXPECT_TRUE(inv.json);
	EXPECT_EQ(inv.command, Command::Connect);
	const ConnectArgs &a = inv.connect;
	EXPECT_EQ(a.target, (Target{ "2001:db8::1", 9, true }));
	EXPECT_EQ(a.volume, "vol1");
	EXPECT_EQ(a.queues, 8u);
	EXPECT_EQ(a.depth, 1024u);
	EXPECT_TRUE(a.read_only);
	EXPECT_EQ(a.loss_timeout, 86400u);
	EXPECT_EQ(a.keepalive, 60u);
	EXPECT_EQ(a.host, "hv7");
	EXPECT_EQ(a.secret_file, "/etc/qbd/secret");
}

TEST(Grammar, ConnectRanges)
{
	auto c = [](std::vector<std::string> extra) {
		std::vector<std::string> a = { "connect", "192.0.2.1", "v" };
		a.insert(a.end(), extra.begin(), extra.end());
		return p(a);
	};
	EXPECT_EQ(c({ "queues", "1" }).connect.queues, 1u);
	EXPECT_EQ(c({ "queues", "64" }).connect.queues, 64u);
	EXPECT_EQ(c({ "depth", "1" }).connect.depth, 1u);
	EXPECT_EQ(c({ "loss-timeout", "1" }).connect.loss_timeout, 1u);
	EXPECT_EQ(c({ "keepalive", "1" }).connect.keepalive, 1u);
	for (auto bad : std::vector<std::vector<std::string> >{
		     { "queues", "0" },
		     { "queues", "65" },
		     { "queues", "x" },
		     { "queues", "-1" },
		     { "depth", "0" },
		     { "depth", "1025" },
		     { "loss-timeout", "0" },
		     { "loss-timeout", "86401" },
		     { "keepalive", "0" },
		     { "keepalive", "61" },
		     { "host-id", "" },
		     { "host-id", std::string(64, 'h') },
		     { "secret-file", "" },
		     { "queues", "2", "queues", "3" },
		     { "bogus" },
		     { "queues" } })
		EXPECT_THROW(c(bad), UsageError) << bad[0];
	EXPECT_EQ(c({ "host-id", std::string(63, 'h') }).connect.host->size(),
		  63u);
}

TEST(Grammar, ConnectNeedsAddrAndVolume)
{
	EXPECT_THROW(p({ "connect" }), UsageError);
	EXPECT_THROW(p({ "connect", "192.0.2.1" }), UsageError);
	EXPECT_THROW(p({ "connect", "192.0.2.1", "" }), UsageError);
	EXPECT_THROW(p({ "connect", "192.0.2.1", std::string(64, 'v') }),
		     UsageError);
	EXPECT_THROW(p({ "connect", "nas", "vol" }), UsageError);
	EXPECT_THROW(p({ "connect", "192.0.2.1", "v", "extra" }), UsageError);
}

TEST(Grammar, ShowAndList)
{
	for (auto args :
	     std::vector<std::vector<std::string> >{ { "list" },
						     { "show" },
						     { "dev" },
						     { "dev", "show" },
						     { "dev", "list" },
						     { "l" },
						     { "s" } })
		EXPECT_EQ(p(args).command, Command::List) << args[0];
	for (auto args : std::vector<std::vector<std::string> >{
		     { "show", "qbd3" },
		     { "list", "/dev/qbd3" },
		     { "dev", "show", "3" },
		     { "dev", "li", "qbd3" } }) {
		Invocation inv = p(args);
		EXPECT_EQ(inv.command, Command::Show);
		EXPECT_EQ(inv.dev, 3u);
	}
	EXPECT_THROW(p({ "show", "sda" }), UsageError);
	EXPECT_THROW(p({ "show", "qbd1", "qbd2" }), UsageError);
}

TEST(Grammar, Disconnect)
{
	EXPECT_EQ(p({ "disconnect", "qbd2" }).command, Command::Disconnect);
	EXPECT_EQ(p({ "di", "/dev/qbd2" }).dev, 2u);
	EXPECT_EQ(p({ "dev", "dis", "2" }).dev, 2u);
	EXPECT_THROW(p({ "disconnect" }), UsageError);
	EXPECT_THROW(p({ "dev", "disconnect" }), UsageError);
	EXPECT_THROW(p({ "disconnect", "qbdx" }), UsageError);
	// "d": dev or disconnect.
	EXPECT_THROW(p({ "d", "qbd2" }), UsageError);
}

TEST(Grammar, Reset)
{
	EXPECT_EQ(p({ "reset", "qbd2" }).command, Command::Reset);
	EXPECT_EQ(p({ "re", "/dev/qbd3" }).dev, 3u);
	Invocation inv = p({ "dev", "reset", "4" });
	EXPECT_EQ(inv.command, Command::Reset);
	EXPECT_EQ(inv.dev, 4u);
	EXPECT_THROW(p({ "reset" }), UsageError);
	EXPECT_THROW(p({ "dev", "reset" }), UsageError);
	EXPECT_THROW(p({ "reset", "nvme0n1" }), UsageError);
	EXPECT_THROW(p({ "reset", "qbd1", "qbd2" }), UsageError);
}

TEST(Grammar, HelpAndVersion)
{
	EXPECT_EQ(p({ "help" }).command, Command::Help);
	EXPECT_EQ(p({ "connect", "help" }).command, Command::Help);
	EXPECT_EQ(p({ "dev", "connect", "help" }).command, Command::Help);
	EXPECT_EQ(p({ "-V" }).command, Command::Version);
	std::string u = vmhost::cli::usage(grammar());
	EXPECT_NE(u.find("connect"), std::string::npos);
	EXPECT_NE(u.find("qbd-target(8)"), std::string::npos);
}
