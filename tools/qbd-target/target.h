// SPDX-License-Identifier: GPL-2.0
// The daemon: volumes, sessions, and one thread per RDMA connection.
#pragma once

#include "config.h"

namespace qbd
{

// Opens the volumes, listens, serves until SIGTERM or SIGINT. Returns the
// exit code: 0 after a clean stop, 1 when the target cannot start.
int run_target(const Config &cfg);

} // namespace qbd
