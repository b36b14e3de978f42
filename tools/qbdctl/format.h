// SPDX-License-Identifier: GPL-2.0
// qbdctl: plain text and JSON for what the module reports. Plain output
// is for people (sizes in KiB ... TiB, latencies in us, ms, s); JSON
// carries exact numbers under the attributes' names in snake_case, with
// null for what the module did not report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "objects.h"

namespace qbd
{

// Plain text for people; JSON compact on one line, or indented (-p).
enum class Style { Text, Json, Pretty };

// "/dev/qbd0" for a device name.
std::string dev_path(const std::string &name);
// "192.0.2.1:4460", "[2001:db8::1]:4460"; "-" without an address.
std::string target_text(const std::optional<std::string> &addr,
			const std::optional<std::uint16_t> &port);
// Microseconds to three significant digits: "1.5 us", "768 us",
// "1.02 ms", "8.39 s".
std::string format_us(double us);
// Bucket i of a latency histogram: "<2 us", "64-128 us",
// "1.02-2.05 ms", ">=8.39 s".
std::string bucket_text(std::size_t i);

// `connect`: the new device's path, or {"index","name","dev"}.
std::string format_connected(const Connected &c, Style style);
// `list`: a table ("" with no device), or a JSON array of what
// format_device gives for each.
std::string format_devices(const std::vector<Device> &devs, Style style);
// `show DEV`: every attribute, the per-operation statistics and the
// non-empty buckets of each latency histogram; or a JSON object.
std::string format_device(const Device &d, Style style);

} // namespace qbd
