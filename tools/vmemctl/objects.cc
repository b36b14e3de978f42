// SPDX-License-Identifier: GPL-2.0
#include "objects.h"

#include <vmhost/vmem.h>

#include <cerrno>

namespace vmem
{
namespace
{

using vmhost::genl::Attrs;
using vmhost::genl::Error;
using vmhost::genl::ErrorKind;

template <class T>
T need(const std::optional<T> &v, const char *object, const char *name)
{
	return vmhost::genl::required(v, "vmem", object, name);
}

} // namespace

Pool decode_pool(const Attrs &a)
{
	Pool p;
	const char *o = "pool";

	p.node = need(a.u32(VMEM_A_POOL_NODE), o, "node");
	p.total_bytes = need(a.u64(VMEM_A_POOL_TOTAL_BYTES), o, "total_bytes");
	p.free_zeroed_bytes = need(a.u64(VMEM_A_POOL_FREE_ZEROED_BYTES), o,
				   "free_zeroed_bytes");
	p.free_dirty_bytes = need(a.u64(VMEM_A_POOL_FREE_DIRTY_BYTES), o,
				  "free_dirty_bytes");
	p.in_use_bytes =
		need(a.u64(VMEM_A_POOL_IN_USE_BYTES), o, "in_use_bytes");
	p.pinned_bytes =
		need(a.u64(VMEM_A_POOL_PINNED_BYTES), o, "pinned_bytes");
	p.poisoned_pages =
		need(a.u64(VMEM_A_POOL_POISONED_PAGES), o, "poisoned_pages");
	p.metadata_bytes =
		need(a.u64(VMEM_A_POOL_METADATA_BYTES), o, "metadata_bytes");
	return p;
}

Range decode_range(const Attrs &a)
{
	Range r;
	const char *o = "range";

	r.start = need(a.u64(VMEM_A_RANGE_START), o, "start");
	r.size = need(a.u64(VMEM_A_RANGE_SIZE), o, "size");
	r.node = need(a.u32(VMEM_A_RANGE_NODE), o, "node");
	r.in_use_bytes =
		need(a.u64(VMEM_A_RANGE_IN_USE_BYTES), o, "in_use_bytes");
	return r;
}

File decode_file(const Attrs &a)
{
	File f;
	const char *o = "file";

	f.dev = need(a.u32(VMEM_A_FILE_DEV), o, "dev");
	f.ino = need(a.u64(VMEM_A_FILE_INO), o, "ino");
	f.path = a.str(VMEM_A_FILE_PATH);
	f.size = need(a.u64(VMEM_A_FILE_SIZE), o, "size");
	f.uid = need(a.u32(VMEM_A_FILE_UID), o, "uid");
	f.gid = need(a.u32(VMEM_A_FILE_GID), o, "gid");
	f.node = need(a.u32(VMEM_A_FILE_NODE), o, "node");
	f.maps_1g = need(a.u64(VMEM_A_FILE_MAPS_1G), o, "maps_1g");
	f.maps_2m = need(a.u64(VMEM_A_FILE_MAPS_2M), o, "maps_2m");
	f.maps_4k = need(a.u64(VMEM_A_FILE_MAPS_4K), o, "maps_4k");
	f.poisoned_pages =
		need(a.u32(VMEM_A_FILE_POISONED_PAGES), o, "poisoned_pages");
	return f;
}

Poison decode_poison(const Attrs &a)
{
	Poison p;
	const char *o = "poison";

	p.phys = need(a.u64(VMEM_A_POISON_PHYS), o, "phys");
	p.node = need(a.u32(VMEM_A_POISON_NODE), o, "node");
	p.state = need(a.u32(VMEM_A_POISON_STATE), o, "state");
	p.dev = a.u32(VMEM_A_POISON_DEV);
	p.ino = a.u64(VMEM_A_POISON_INO);
	p.offset = a.u64(VMEM_A_POISON_OFFSET);
	p.signalled = a.u32(VMEM_A_POISON_SIGNALLED);
	return p;
}

Config decode_config(const Attrs &a)
{
	Config c;

	c.scrub = need(a.u8(VMEM_A_CONFIG_SCRUB), "config", "scrub") != 0;
	return c;
}

} // namespace vmem
