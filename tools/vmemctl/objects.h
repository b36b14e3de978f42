// SPDX-License-Identifier: GPL-2.0
// vmemctl: what the vmem module reports, decoded from its generic netlink
// messages (uapi/vmhost/vmem.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "genl.h"

namespace vmem
{

struct Pool {
	std::uint32_t node = 0;
	std::uint64_t total_bytes = 0;
	std::uint64_t free_zeroed_bytes = 0;
	std::uint64_t free_dirty_bytes = 0;
	std::uint64_t in_use_bytes = 0;
	std::uint64_t pinned_bytes = 0; // freed, still referenced
	std::uint64_t poisoned_pages = 0;
	std::uint64_t metadata_bytes = 0;
};

struct Range {
	std::uint64_t start = 0;
	std::uint64_t size = 0;
	std::uint32_t node = 0;
	std::uint64_t in_use_bytes = 0;
};

struct File {
	std::uint32_t dev = 0;
	std::uint64_t ino = 0;
	std::optional<std::string> path; // absent: the kernel sent none
	std::uint64_t size = 0;
	std::uint32_t uid = 0;
	std::uint32_t gid = 0;
	std::uint32_t node = 0; // or VMEM_NODE_ANY
	std::uint64_t maps_1g = 0;
	std::uint64_t maps_2m = 0;
	std::uint64_t maps_4k = 0;
	std::uint32_t poisoned_pages = 0;
};

struct Poison {
	std::uint64_t phys = 0;
	std::uint32_t node = 0;
	std::uint32_t state = 0; // enum vmem_poison_state
	std::optional<std::uint32_t> dev; // when in a file
	std::optional<std::uint64_t> ino;
	std::optional<std::uint64_t> offset;
	std::optional<std::uint32_t> signalled; // events only
};

struct Config {
	bool scrub = false;
};

// Each throws genl::Error (ErrorKind::Protocol) naming a required
// attribute the message lacks.
Pool decode_pool(const vmhost::genl::Attrs &a);
Range decode_range(const vmhost::genl::Attrs &a);
File decode_file(const vmhost::genl::Attrs &a);
Poison decode_poison(const vmhost::genl::Attrs &a);
Config decode_config(const vmhost::genl::Attrs &a);

} // namespace vmem
