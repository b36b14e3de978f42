// SPDX-License-Identifier: GPL-2.0
#include "errors.h"

#include <cerrno>

#include "failure.h"

namespace qbd
{

namespace
{

namespace genl = vmhost::genl;
namespace cli = vmhost::cli;

std::string dev_name(const Invocation &inv)
{
	return "qbd" + std::to_string(inv.dev);
}

// What `err` means for `inv`; "" when the errno text says it all.
std::string meaning(int err, const Invocation &inv)
{
	const ConnectArgs &c = inv.connect;
	const std::string target = c.target.text();

	switch (inv.command) {
	case Command::Show:
	case Command::Disconnect:
	case Command::Reset:
		if (err == ENOENT || err == ENODEV || err == ENXIO)
			return "no device " + dev_name(inv) +
			       " (qbdctl list shows the devices)";
		if (err == EBUSY && inv.command == Command::Reset)
			return dev_name(inv) +
			       " is not live: it is already reconnecting "
			       "or has failed (qbdctl show " +
			       dev_name(inv) + ")";
		if (err == EBUSY)
			return dev_name(inv) + " is busy (being connected "
					       "or disconnected; try again)";
		return "";
	case Command::Connect:
		break;
	default:
		return "";
	}
	switch (err) {
	case ECONNREFUSED:
		return target +
		       " refused the connection (is qbd-target "
		       "running there, listening on port " +
		       std::to_string(c.target.port) + "?)";
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EADDRNOTAVAIL:
	case ENETDOWN:
		return "cannot reach " + target +
		       " (check the address, that the RDMA link is up and "
		       "that a local RDMA device routes to it)";
	case ENODEV:
		return "no RDMA device routes to " + target +
		       " (is an RDMA device configured: rdma link show?)";
	case ECONNRESET:
	case ECONNABORTED:
		return target + " closed the connection while connecting "
				"(see qbd-target's log)";
	case EACCES:
		return target + " refused this host (check host-id and "
				"secret-file against the target's "
				"configuration)";
	case ENOENT:
		return target + " has no volume '" + c.volume + "'";
	case EROFS:
		return "volume '" + c.volume + "' is read-only on " + target +
		       " (connect it with ro)";
	case EEXIST:
		return "volume '" + c.volume + "' on " + target +
		       " is already connected (qbdctl list)";
	case EBUSY:
		return target + " has no queue or session free (try again "
				"later, or with fewer queues)";
	case EPROTONOSUPPORT:
		return target + " speaks another qbd protocol version";
	case ENOSPC:
	case EMFILE:
	case ENFILE:
		return "no free qbd device index (disconnect one first)";
	default:
		return "";
	}
}

} // namespace

cli::Failure explain(const genl::Error &e, const Invocation &inv)
{
	return vmhost::request_failure(e, "qbd",
				       e.kind() == genl::ErrorKind::Kernel ?
					       meaning(e.error(), inv) :
					       "");
}

} // namespace qbd
