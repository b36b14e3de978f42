// SPDX-License-Identifier: GPL-2.0
// pfctl: what a failed request means.
#pragma once

#include "cli.h"
#include "genl.h"
#include "options.h"

namespace pfctl
{

// The message and exit status for `e`, raised by the request `inv`:
//   no family "vpf"       "vpf module not loaded (modprobe vpf)", exit 3
//   a kernel error        "[what it means for inv: ]strerror[: extack]",
//                         exit 1; EPERM adds "(needs CAP_SYS_ADMIN)" when
//                         the kernel gave no message of its own
//   anything else         its own text, exit 1
vmhost::cli::Failure explain(const vmhost::genl::Error &e,
			     const Invocation &inv);

} // namespace pfctl
