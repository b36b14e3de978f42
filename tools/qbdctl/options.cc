// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <vmhost/qbd.h>

#include <algorithm>

namespace qbd
{

std::string Target::text() const
{
	return (v6 ? "[" + addr + "]" : addr) + ":" + std::to_string(port);
}

std::uint32_t parse_dev(const std::string &text)
{
	std::string n = text;

	if (n.starts_with("/dev/"))
		n.erase(0, 5);
	if (n.starts_with("qbd"))
		n.erase(0, 3);
	else if (text.starts_with("/dev/"))
		n.clear(); // "/dev/sda": not ours
	bool digits =
		!n.empty() && n.size() <= 5 &&
		std::all_of(n.begin(), n.end(),
			    [](char c) { return c >= '0' && c <= '9'; }) &&
		(n == "0" || n[0] != '0');
	if (!digits || std::stoul(n) > 65535)
		throw UsageError("DEV '" + text +
				 "' is not a qbd device (qbdN, /dev/qbdN or "
				 "N, N from 0 to 65535)");
	return static_cast<std::uint32_t>(std::stoul(n));
}

namespace
{

std::uint16_t parse_port(const std::string &full, const std::string &port)
{
	bool digits = !port.empty() && port.size() <= 5 &&
		      std::all_of(port.begin(), port.end(),
				  [](char c) { return c >= '0' && c <= '9'; });
	unsigned long v = digits ? std::stoul(port) : 0;

	if (!digits || v < 1 || v > 65535)
		throw UsageError("'" + full + "': port '" + port +
				 "' is not a number from 1 to 65535");
	return static_cast<std::uint16_t>(v);
}

std::optional<std::string> canonical(int af, const std::string &text)
{
	unsigned char buf[sizeof(in6_addr)];
	char out[INET6_ADDRSTRLEN];

	if (inet_pton(af, text.c_str(), buf) != 1 ||
	    !inet_ntop(af, buf, out, sizeof(out)))
		return std::nullopt;
	return std::string(out);
}

[[noreturn]] void bad_target(const std::string &text, const char *why)
{
	throw UsageError("ADDR[:PORT] '" + text + "': " + why +
			 " (192.0.2.1:4460, [2001:db8::1]:4460)");
}

} // namespace

Target parse_target(const std::string &text, std::uint16_t default_port)
{
	Target t;
	std::string host = text;

	t.port = default_port;
	if (text.find('%') != std::string::npos)
		bad_target(text, "IPv6 scope ids (%) are not supported, use "
				 "a global address");
	if (text.starts_with("[")) {
		std::size_t close = text.find(']');
		if (close == std::string::npos)
			bad_target(text, "no ']' after the IPv6 address");
		host = text.substr(1, close - 1);
		std::string rest = text.substr(close + 1);
		if (!rest.empty()) {
			if (rest[0] != ':')
				bad_target(text, "expected ':PORT' after ']'");
			t.port = parse_port(text, rest.substr(1));
		}
		auto a = canonical(AF_INET6, host);
		if (!a)
			bad_target(text, "not a numeric IPv6 address in []");
		t.addr = *a;
		t.v6 = true;
		return t;
	}
	if (auto a = canonical(AF_INET6, text)) {
		t.addr = *a;
		t.v6 = true;
		return t;
	}
	std::size_t colon = text.find(':');
	if (colon != std::string::npos) {
		if (text.find(':', colon + 1) != std::string::npos)
			bad_target(text, "an IPv6 address with a port needs "
					 "brackets");
		host = text.substr(0, colon);
		t.port = parse_port(text, text.substr(colon + 1));
	}
	auto a = canonical(AF_INET, host);
	if (!a)
		bad_target(text, "not a numeric IPv4 or IPv6 address; names "
				 "are not resolved");
	t.addr = *a;
	return t;
}

namespace
{

using vmhost::cli::Param;

Param number(const char *name, const char *value)
{
	return { name, Param::Keyword, value };
}

const std::vector<Param> kConnect = {
	{ "ADDR[:PORT]", Param::Positional, "", {}, true },
	{ "VOLUME", Param::Positional, "", {}, true },
	number("queues", "N"),
	number("depth", "D"),
	{ "ro", Param::Flag },
	number("loss-timeout", "S"),
	number("keepalive", "S"),
	{ "host-id", Param::Keyword, "NAME" },
	{ "secret-file", Param::Keyword, "PATH" },
};
const std::vector<Param> kDevOptional = {
	{ "DEV", Param::Positional },
};
const std::vector<Param> kDevRequired = {
	{ "DEV", Param::Positional, "", {}, true },
};

const char kConnectSummary[] =
	"connect to VOLUME on the target and create its /dev/qbdN; prints "
	"the device once it is live (CAP_SYS_ADMIN)";
const char kDisconnectSummary[] =
	"remove the device; I/O still in flight fails (CAP_SYS_ADMIN)";
const char kResetSummary[] =
	"end the live connection and reconnect, as after a lost one: I/O "
	"in flight is held and resent, none fails (CAP_SYS_ADMIN)";
const char kShowSummary[] =
	"every device as a table, or DEV in full: connection, geometry, "
	"counters and per-operation latency";

} // namespace

const vmhost::cli::Grammar &grammar()
{
	static const vmhost::cli::Grammar g = {
		"qbdctl",
		VMHOST_VERSION,
		"qbd connects block devices /dev/qbdN to volumes of a remote\n"
		"qbd-target over RDMA. ADDR is numeric IPv4 or IPv6 ([v6]:PORT\n"
		"with a port; default port 4460). DEV is qbdN, /dev/qbdN or N.\n"
		"connect, disconnect, reset, list and show are short for dev\n"
		"connect, dev disconnect, dev reset and dev show.",
		"qbdctl(8), qbd(4), qbd-target(8)",
		{
			{ "dev",
			  "the qbd block devices",
			  { { "show", kShowSummary, kDevOptional },
			    { "connect", kConnectSummary, kConnect },
			    { "disconnect", kDisconnectSummary, kDevRequired },
			    { "reset", kResetSummary, kDevRequired } } },
			{ "connect",
			  "short for dev connect",
			  { { "", kConnectSummary, kConnect } } },
			{ "disconnect",
			  "short for dev disconnect",
			  { { "", kDisconnectSummary, kDevRequired } } },
			{ "reset",
			  "short for dev reset",
			  { { "", kResetSummary, kDevRequired } } },
			{ "list",
			  "short for dev show",
			  { { "", kShowSummary, kDevOptional } } },
			{ "show",
			  "short for dev show",
			  { { "", kShowSummary, kDevOptional } } },
		},
	};
	return g;
}

namespace
{

std::uint32_t range(const vmhost::cli::Invocation &c, const char *name,
		    std::uint32_t min, std::uint32_t max)
{
	return static_cast<std::uint32_t>(
		vmhost::parse_number(name, c.get(name), min, max));
}

std::string name_arg(const char *what, const std::string &v)
{
	if (v.empty() || v.size() > QBD_NAME_MAX - 1)
		throw UsageError(std::string(what) + " '" + v +
				 "' must be 1 to " +
				 std::to_string(QBD_NAME_MAX - 1) + " bytes");
	return v;
}

} // namespace

Invocation interpret(const vmhost::cli::Invocation &c)
{
	Invocation inv;

	if (!vmhost::cli::interpret_common(c, inv, Command::Help,
					   Command::Version))
		return inv;
	if (c.is("dev", "connect") || c.is("connect"))
		inv.command = Command::Connect;
	else if (c.is("dev", "disconnect") || c.is("disconnect"))
		inv.command = Command::Disconnect;
	else if (c.is("dev", "reset") || c.is("reset"))
		inv.command = Command::Reset;
	else
		inv.command = c.has("DEV") ? Command::Show : Command::List;
	if (c.has("DEV"))
		inv.dev = parse_dev(c.get("DEV"));
	if (inv.command != Command::Connect)
		return inv;

	ConnectArgs &a = inv.connect;
	a.target = parse_target(c.get("ADDR[:PORT]"), QBD_DEFAULT_PORT);
	a.volume = name_arg("VOLUME", c.get("VOLUME"));
	if (c.has("queues"))
		a.queues = range(c, "queues", 1, QBD_MAX_QUEUES);
	if (c.has("depth"))
		a.depth = range(c, "depth", 1, QBD_MAX_DEPTH);
	if (c.has("loss-timeout"))
		a.loss_timeout = range(c, "loss-timeout", 1, 86400);
	if (c.has("keepalive"))
		a.keepalive = range(c, "keepalive", 1, 60);
	a.read_only = c.has("ro");
	if (c.has("host-id"))
		a.host = name_arg("host-id", c.get("host-id"));
	if (c.has("secret-file")) {
		if (c.get("secret-file").empty())
			throw UsageError("secret-file needs a file name");
		a.secret_file = c.get("secret-file");
	}
	return inv;
}

Invocation parse(const std::vector<std::string> &args)
{
	return interpret(vmhost::cli::parse(grammar(), args));
}

} // namespace qbd
