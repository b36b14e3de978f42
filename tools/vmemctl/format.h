// SPDX-License-Identifier: GPL-2.0
// vmemctl: plain-text tables and JSON documents for what the module
// reports. Plain output is for people (sizes in KiB ... TiB); JSON carries
// exact byte counts under the attributes' names in snake_case, and node
// VMEM_NODE_ANY as null.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "objects.h"

namespace vmem
{

// "0", "1", ..., "any" for VMEM_NODE_ANY.
std::string node_text(std::uint32_t node);
// "free", "mapped", "repaired", "unknown".
const char *poison_state_name(std::uint32_t state);
// A file's st_dev as "major:minor".
std::string dev_text(std::uint32_t dev);
// "0x" and lower-case hexadecimal digits.
std::string hex(std::uint64_t v);

// Plain text for people; JSON compact on one line, or indented (-p).
enum class Style { Text, Json, Pretty };

// Dumps: a table ("" when there is nothing), or a JSON array. Both end
// with a newline when not empty.
std::string format_pools(const std::vector<Pool> &pools, Style style);
std::string format_ranges(const std::vector<Range> &ranges, Style style);
std::string format_files(const std::vector<File> &files, Style style);
std::string format_poison(const std::vector<Poison> &pages, Style style);
// `config show`: "scrub on", or a JSON object.
std::string format_config(const Config &c, Style style);
// One line for `monitor`: "poison phys 0x... node 0 state mapped ...", or
// a JSON object {"event":"poison", ...} on one line.
std::string format_event(const Poison &p, Style style);

} // namespace vmem
