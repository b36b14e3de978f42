// SPDX-License-Identifier: GPL-2.0
// The kernel's struct user_exit_info (<scx/user_exit_info.h> from the
// sched_ext headers): vos.bpf.c fills it with UEI_DEFINE/UEI_RECORD, and
// the skeleton names it and the kernel-style types it and the header use.
#pragma once

#include <cstdint>

using u32 = std::uint32_t;
using s64 = std::int64_t;

#include <scx/user_exit_info.h>

namespace vos
{

// The size of the kernel's debug dump on an exit (UEI_SET_SIZE's default).
constexpr std::uint32_t kExitDumpLen = UEI_DUMP_DFL_LEN;

} // namespace vos
