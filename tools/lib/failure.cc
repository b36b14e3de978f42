// SPDX-License-Identifier: GPL-2.0
#include "failure.h"

namespace vmhost
{

cli::Failure request_failure(const genl::Error &e, const std::string &module,
			     const std::string &meaning)
{
	if (e.kind() == genl::ErrorKind::FamilyNotFound)
		return cli::Failure(module + " module not loaded (modprobe " +
					    module + ")",
				    cli::kExitUnavailable);
	if (e.kind() != genl::ErrorKind::Kernel)
		return cli::Failure(e.what());

	// The kernel's own message says why, when it sent one.
	std::string msg = cli::errno_text(
		e.error(), e.extack().empty() ? "CAP_SYS_ADMIN" : "");
	if (!e.extack().empty())
		msg += ": " + e.extack();
	return cli::Failure(meaning.empty() ? msg : meaning + ": " + msg);
}

} // namespace vmhost
