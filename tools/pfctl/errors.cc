// SPDX-License-Identifier: GPL-2.0
#include "errors.h"

#include <cerrno>

#include "failure.h"

namespace pfctl
{

namespace genl = vmhost::genl;
namespace cli = vmhost::cli;

namespace
{

// What `err` means for `inv` when the kernel said nothing more.
std::string meaning(int err, const Invocation &inv)
{
	if (err == ENODEV && !inv.pf.empty() && inv.command != Command::DevAdd)
		return "vpf does not drive " + inv.pf + " (pfctl dev list)";
	return "";
}

} // namespace

cli::Failure explain(const genl::Error &e, const Invocation &inv)
{
	// vpf's own messages name what is wrong; without one, say it here.
	bool bare = e.kind() == genl::ErrorKind::Kernel && e.extack().empty();

	return vmhost::request_failure(e, "vpf",
				       bare ? meaning(e.error(), inv) : "");
}

} // namespace pfctl
