// SPDX-License-Identifier: GPL-2.0
// pfctl slot add and remove: what is refused, and the hot-plug driver's
// power control (/sys/bus/pci/slots/NAME/power) that does the rest.
#pragma once

#include <filesystem>
#include <string>

#include "objects.h"

namespace pfctl
{

// Why powering `s` on (add) or off (remove) is refused, "" when it is not.
std::string slot_refusal(const Slot &s, bool remove, bool force);

// Does `add` on `s` have nothing to do (powered, its function there)?
bool slot_add_is_done(const Slot &s);

// The directory under `slots` (/sys/bus/pci/slots) whose address is the
// slot of `s` (its secondary bus, device 0); empty when none is.
std::filesystem::path find_slot_dir(const std::filesystem::path &slots,
				    const Slot &s);

// Write "1" (on) or "0" (off) to DIR/power; throws cli::Failure with what
// the hot-plug driver answered.
void set_slot_power(const std::filesystem::path &dir, bool on);

} // namespace pfctl
