// SPDX-License-Identifier: GPL-2.0
// What a tool says when a request to its module fails, the same way in
// every tool (tools/lib/cli.h has the exit codes).
#pragma once

#include <string>

#include "cli.h"
#include "genl.h"

namespace vmhost
{

// The message and exit status for `e`, raised by a request to `module`:
//   no such family        "MODULE module not loaded (modprobe MODULE)", exit 3
//   a kernel error        "[meaning: ]strerror[: extack]", exit 1; EPERM
//                         and EACCES add "(needs CAP_SYS_ADMIN)" when the
//                         kernel gave no message of its own
//   anything else         its own text, exit 1
// `meaning` is what the error means for the request, "" for nothing more.
cli::Failure request_failure(const genl::Error &e, const std::string &module,
			     const std::string &meaning = "");

} // namespace vmhost
