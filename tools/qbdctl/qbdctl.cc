// SPDX-License-Identifier: GPL-2.0
// qbdctl: connect, list, show, reset and disconnect qbd block devices, over
// the qbd module's generic netlink family "qbd" (uapi/vmhost/qbd_nl.h).
//
// Grammar, messages and exit status are every vmhost tool's (tools/lib/
// cli.h): 0 success, 1 the kernel refused or the operation failed, 2 bad
// usage, 3 the qbd module is not loaded. Output reaches stdout only once
// the whole answer is in, so a failure never leaves half a table.
//
// A connect returns when the device is live or the kernel gave up, which
// may take tens of seconds: the socket's receive has no timeout (genl.h).
#include <vmhost/qbd.h>

#include <cerrno>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "format.h"
#include "genl.h"
#include "objects.h"
#include "options.h"
#include "secret.h"

namespace qbd
{
namespace
{

namespace genl = vmhost::genl;

[[noreturn]] void no_reply(const char *what)
{
	throw genl::Error(genl::ErrorKind::Protocol, EPROTO, "",
			  std::string("the qbd module sent no ") + what);
}

std::string connect(genl::Socket &s, const ConnectArgs &a, Style style)
{
	std::optional<Secret> secret;
	std::optional<Connected> c;

	if (a.secret_file)
		secret.emplace(read_secret_file(*a.secret_file));
	s.request(
		QBD_CMD_DEV_CONNECT, QBD_A_DEV_MAX,
		[&](genl::Message &m) {
			m.put_string(QBD_A_DEV_ADDR, a.target.addr);
			m.put_u16(QBD_A_DEV_PORT, a.target.port);
			m.put_string(QBD_A_DEV_VOLUME, a.volume);
			if (a.host)
				m.put_string(QBD_A_DEV_HOST, *a.host);
			if (secret)
				m.put_string(QBD_A_DEV_SECRET, secret->bytes());
			if (a.queues)
				m.put_u32(QBD_A_DEV_QUEUES, *a.queues);
			if (a.depth)
				m.put_u32(QBD_A_DEV_DEPTH, *a.depth);
			if (a.read_only)
				m.put_flag(QBD_A_DEV_READ_ONLY);
			if (a.loss_timeout)
				m.put_u32(QBD_A_DEV_LOSS_TIMEOUT,
					  *a.loss_timeout);
			if (a.keepalive)
				m.put_u32(QBD_A_DEV_KEEPALIVE, *a.keepalive);
		},
		[&](const genl::Attrs &r) { c = decode_connected(r); });
	if (!c)
		no_reply("device for the connect");
	return format_connected(*c, style);
}

// Runs one request; returns what to print.
std::string run(const Invocation &inv)
{
	genl::Socket s(QBD_FAMILY_NAME, QBD_FAMILY_VERSION);
	Style style = !inv.json	 ? Style::Text :
		      inv.pretty ? Style::Pretty :
				   Style::Json;

	switch (inv.command) {
	case Command::List: {
		std::vector<Device> devs;

		s.dump(QBD_CMD_DEV_GET, QBD_A_DEV_MAX, {},
		       [&](const genl::Attrs &a) {
			       devs.push_back(decode_device(a));
		       });
		return format_devices(devs, style);
	}
	case Command::Show: {
		std::optional<Device> d;

		s.request(
			QBD_CMD_DEV_GET, QBD_A_DEV_MAX,
			[&](genl::Message &m) {
				m.put_u32(QBD_A_DEV_INDEX, inv.dev);
			},
			[&](const genl::Attrs &a) { d = decode_device(a); });
		if (!d)
			no_reply("device");
		return format_device(*d, style);
	}
	case Command::Connect:
		return connect(s, inv.connect, style);
	case Command::Disconnect:
	case Command::Reset:
		s.request(inv.command == Command::Reset ?
				  QBD_CMD_DEV_RESET :
				  QBD_CMD_DEV_DISCONNECT,
			  QBD_A_DEV_MAX, [&](genl::Message &m) {
				  m.put_u32(QBD_A_DEV_INDEX, inv.dev);
			  });
		return "";
	default:
		return "";
	}
}

} // namespace
} // namespace qbd

int main(int argc, char **argv)
{
	using namespace qbd;
	namespace cli = vmhost::cli;

	return cli::main(grammar(), argc, argv, [](const cli::Invocation &c) {
		Invocation inv = interpret(c);

		try {
			std::cout << run(inv) << std::flush;
			if (!std::cout)
				throw cli::Failure("cannot write the output");
			return 0;
		} catch (const vmhost::genl::Error &e) {
			throw explain(e, inv);
		}
	});
}
