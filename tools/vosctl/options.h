// SPDX-License-Identifier: GPL-2.0
// vosctl: its grammar (tools/lib/cli.h: the iproute2 convention of every
// vmhost tool), parsing and validation, kept free of libbpf so the rules
// can be unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "cli.h"

namespace vos
{

// A usage error: vosctl prints it and exits 2, having loaded nothing.
using vmhost::UsageError;

struct StartOptions {
	unsigned ctrl_budget_pct = 5; // ctrl-budget PCT
	std::uint64_t ctrl_slice_us = 500; // ctrl-slice US
	std::uint64_t vcpu_slice_us = 5000; // vcpu-slice US
	std::uint64_t max_wait_ms = 100; // max-wait MS
	unsigned watchdog_ms = 0; // watchdog MS, 0: kernel default
	std::vector<std::string> vcpu_cgroups; // vcpu-cgroup PATH...
	bool daemon = false; // daemon: restart on ejection
	bool test_stall = false; // test-stall: never run CTRL (tests only)
};

enum class ClassifyTarget { Tid, Cgroup };
enum class ClassifyAs { Vcpu, Ctrl, Auto };

struct ClassifyOptions {
	ClassifyTarget target = ClassifyTarget::Tid;
	std::uint32_t tid = 0;
	std::string cgroup; // a path under the cgroup2 mount
	ClassifyAs as = ClassifyAs::Auto;
};

enum class Command { Start, Stop, Status, Classify, Help, Version };

struct Invocation {
	Command command = Command::Help;
	bool json = false;
	bool pretty = false;
	StartOptions start;
	ClassifyOptions classify;
};

// vosctl's objects, commands and their arguments.
const vmhost::cli::Grammar &grammar();

// The typed, validated request for what the grammar accepted; throws
// UsageError with a message that says what to do.
Invocation interpret(const vmhost::cli::Invocation &cli);

// interpret(cli::parse(grammar(), args)); help and version come back as
// Command::Help and Command::Version.
Invocation parse(const std::vector<std::string> &args);

using vmhost::parse_number;

} // namespace vos
