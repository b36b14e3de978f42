// SPDX-License-Identifier: GPL-2.0
// qbdctl: its grammar (tools/lib/cli.h: the iproute2 convention of every
// vmhost tool) and the typed request it parses into, kept free of netlink
// so the rules can be unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "cli.h"

namespace qbd
{

// A usage error: qbdctl prints it and exits 2, having sent nothing.
using vmhost::UsageError;

enum class Command {
	List, // dev show (no DEV), list, show
	Show, // dev show DEV, show DEV
	Connect,
	Disconnect,
	Reset,
	Help,
	Version,
};

// Where a target listens: a numeric address and a port.
struct Target {
	std::string addr; // canonical numeric form (inet_ntop)
	std::uint16_t port = 0;
	bool v6 = false;

	// "192.0.2.1:4460", "[2001:db8::1]:4460"
	std::string text() const;
	bool operator==(const Target &) const = default;
};

// What `connect` asks for; unset values are not sent (the kernel's
// defaults apply).
struct ConnectArgs {
	Target target;
	std::string volume;
	std::optional<std::uint32_t> queues;
	std::optional<std::uint32_t> depth;
	std::optional<std::uint32_t> loss_timeout; // seconds
	std::optional<std::uint32_t> keepalive; // seconds
	bool read_only = false;
	std::optional<std::string> host; // host-id; absent: the hostname
	std::optional<std::string> secret_file; // read at run time
};

struct Invocation {
	Command command = Command::Help;
	bool json = false; // -j, --json
	bool pretty = false; // -p, --pretty
	std::uint32_t dev = 0; // Show, Disconnect, Reset: N of /dev/qbdN
	ConnectArgs connect; // Connect
};

// qbdctl's objects, commands and their arguments.
const vmhost::cli::Grammar &grammar();

// The typed request for what the grammar accepted; throws UsageError for
// a value it cannot use.
Invocation interpret(const vmhost::cli::Invocation &cli);

// interpret(cli::parse(grammar(), args)).
Invocation parse(const std::vector<std::string> &args);

// "qbdN", "/dev/qbdN" or "N" (0 to 65535, no leading zeros) to N; throws
// UsageError.
std::uint32_t parse_dev(const std::string &text);

// ADDR[:PORT]: numeric IPv4 ("192.0.2.1", "192.0.2.1:4460") or IPv6
// ("2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:4460"); the port
// defaults to `default_port`. No names are resolved and no IPv6 scope
// (%if) is accepted. Throws UsageError.
Target parse_target(const std::string &text, std::uint16_t default_port);

} // namespace qbd
