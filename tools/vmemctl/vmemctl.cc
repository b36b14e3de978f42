// SPDX-License-Identifier: GPL-2.0
// vmemctl: show and control VMEM, the vmem module's guest memory pools,
// over its generic netlink family "vmem" (uapi/vmhost/vmem.h).
//
// Grammar, messages and exit status are every vmhost tool's (tools/lib/
// cli.h): 0 success, 1 the kernel refused or the operation failed, 2 bad
// usage, 3 the vmem module is not loaded. Output reaches stdout only once
// the whole answer is in, so a failure never leaves half a table.
#include <vmhost/vmem.h>

#include <cerrno>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "format.h"
#include "genl.h"
#include "objects.h"
#include "options.h"
#include "signals.h"

namespace vmem
{
namespace
{

namespace genl = vmhost::genl;

genl::Socket open_vmem()
{
	return genl::Socket(VMEM_FAMILY_NAME, VMEM_FAMILY_VERSION);
}

template <class T>
std::vector<T> dump(genl::Socket &s, std::uint8_t cmd, int maxattr,
		    T (*decode)(const genl::Attrs &))
{
	std::vector<T> items;

	s.dump(cmd, maxattr, {},
	       [&](const genl::Attrs &a) { items.push_back(decode(a)); });
	return items;
}

// Runs one request; returns what to print.
std::string run(const Invocation &inv)
{
	genl::Socket s = open_vmem();
	Style style = !inv.json	 ? Style::Text :
		      inv.pretty ? Style::Pretty :
				   Style::Json;

	switch (inv.command) {
	case Command::PoolShow:
		return format_pools(dump(s, VMEM_CMD_POOL_GET, VMEM_A_POOL_MAX,
					 decode_pool),
				    style);
	case Command::RangeShow:
		return format_ranges(dump(s, VMEM_CMD_RANGE_GET,
					  VMEM_A_RANGE_MAX, decode_range),
				     style);
	case Command::FileList:
		return format_files(dump(s, VMEM_CMD_FILE_GET, VMEM_A_FILE_MAX,
					 decode_file),
				    style);
	case Command::PoisonList:
		return format_poison(dump(s, VMEM_CMD_POISON_GET,
					  VMEM_A_POISON_MAX, decode_poison),
				     style);
	case Command::RangeAdd:
		s.request(VMEM_CMD_RANGE_ADD, VMEM_A_RANGE_MAX,
			  [&](genl::Message &m) {
				  m.put_u64(VMEM_A_RANGE_START, inv.start);
				  m.put_u64(VMEM_A_RANGE_SIZE, inv.size);
			  });
		return "";
	case Command::RangeDel:
		s.request(VMEM_CMD_RANGE_DEL, VMEM_A_RANGE_MAX,
			  [&](genl::Message &m) {
				  m.put_u64(VMEM_A_RANGE_START, inv.start);
			  });
		return "";
	case Command::ConfigShow: {
		std::optional<Config> c;

		s.request(VMEM_CMD_CONFIG_GET, VMEM_A_CONFIG_MAX, {},
			  [&](const genl::Attrs &a) { c = decode_config(a); });
		if (!c)
			throw genl::Error(genl::ErrorKind::Protocol, EPROTO, "",
					  "the vmem module sent no "
					  "configuration");
		return format_config(*c, style);
	}
	case Command::ConfigSet:
		s.request(VMEM_CMD_CONFIG_SET, VMEM_A_CONFIG_MAX,
			  [&](genl::Message &m) {
				  m.put_u8(VMEM_A_CONFIG_SCRUB, inv.scrub);
			  });
		return "";
	default:
		return "";
	}
}

// Prints each poison event as it arrives until SIGINT or SIGTERM.
void monitor(Style style)
{
	vmhost::StopSignals stop;

	genl::Socket s = open_vmem();
	s.subscribe(VMEM_MCGRP_EVENTS);
	s.listen(
		VMEM_A_POISON_MAX,
		[&](const genl::Attrs &a) {
			if (a.cmd() != VMEM_CMD_POISON_NTF)
				return;
			std::cout << format_event(decode_poison(a), style)
				  << std::flush;
		},
		[&] { return stop.stopped(); }, stop.wait_mask(),
		[] {
			std::cerr << "vmemctl: monitor: events were lost "
				     "(receive buffer overrun)\n";
		});
}

} // namespace
} // namespace vmem

int main(int argc, char **argv)
{
	using namespace vmem;
	namespace cli = vmhost::cli;

	return cli::main(grammar(), argc, argv, [](const cli::Invocation &c) {
		Invocation inv = interpret(c);

		try {
			if (inv.command == Command::Monitor) {
				monitor(!inv.json  ? Style::Text :
					inv.pretty ? Style::Pretty :
						     Style::Json);
				return 0;
			}
			std::cout << run(inv) << std::flush;
			if (!std::cout)
				throw cli::Failure("cannot write the output");
			return 0;
		} catch (const vmhost::genl::Error &e) {
			if (e.kind() == vmhost::genl::ErrorKind::FamilyNotFound)
				throw cli::Failure(
					std::string(
						"the vmem module is not "
						"loaded (no generic netlink "
						"family \"") +
						VMEM_FAMILY_NAME + "\")",
					cli::kExitUnavailable);
			std::string msg = e.what();
			// The kernel's own message says why, when it sent one.
			if ((e.error() == EPERM || e.error() == EACCES) &&
			    e.extack().empty())
				msg += " (needs CAP_SYS_ADMIN)";
			throw cli::Failure(msg);
		}
	});
}
