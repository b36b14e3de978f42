// SPDX-License-Identifier: GPL-2.0
// qbdctl: what a failed request means, in words that say what to do.
#pragma once

#include "cli.h"
#include "genl.h"
#include "options.h"

namespace qbd
{

// The message and exit status for `e`, raised by the request `inv`:
//   no family "qbd"       "qbd module not loaded (modprobe qbd)", exit 3
//   a kernel error        "[what it means for inv: ]strerror[: extack]",
//                         exit 1; EPERM adds "(needs CAP_SYS_ADMIN)" when
//                         the kernel gave no message of its own
//   anything else         its own text, exit 1
vmhost::cli::Failure explain(const vmhost::genl::Error &e,
			     const Invocation &inv);

} // namespace qbd
