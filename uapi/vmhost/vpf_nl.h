/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vpf.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_VPF_H
#define _UAPI_LINUX_VPF_H

#define VPF_FAMILY_NAME		"vpf"
#define VPF_FAMILY_VERSION	1

/**
 * enum vpf_dev_state - Where a PF driven by vpf is.
 * @VPF_DEV_STATE_LIVE: The admin queue answers; provisioning works.
 * @VPF_DEV_STATE_RECOVERING: A reset or an error recovery is under way; the
 *   configured state is replayed when it ends.
 * @VPF_DEV_STATE_FAILED: The controller stopped answering (or was removed);
 *   every request fails until the PF is unbound.
 */
enum vpf_dev_state {
	VPF_DEV_STATE_LIVE,
	VPF_DEV_STATE_RECOVERING,
	VPF_DEV_STATE_FAILED,
};

/**
 * enum vpf_vf_driver - The host driver a VF is handed to when it is online.
 * @VPF_VF_DRIVER_NONE: No driver binds it (driver_override "none").
 * @VPF_VF_DRIVER_NVME: The host's nvme driver; its namespaces appear as block
 *   devices.
 * @VPF_VF_DRIVER_VFIO_PCI: vfio-pci, for passthrough to a VM.
 */
enum vpf_vf_driver {
	VPF_VF_DRIVER_NONE,
	VPF_VF_DRIVER_NVME,
	VPF_VF_DRIVER_VFIO_PCI,
};

/**
 * enum vpf_event_kind - What an event (multicast group "events") reports.
 * @VPF_EVENT_KIND_VFS: VFs were enabled or disabled (num-vfs says how many
 *   there are).
 * @VPF_EVENT_KIND_VF: One VF changed (online, vq, vi, driver say how it is
 *   now).
 * @VPF_EVENT_KIND_ATTACH: A namespace was attached to a VF.
 * @VPF_EVENT_KIND_DETACH: A namespace was detached from its VF.
 * @VPF_EVENT_KIND_WIPE: A namespace was erased.
 * @VPF_EVENT_KIND_RESET: The PF is being reset or recovered from a PCI error.
 * @VPF_EVENT_KIND_RECOVERED: The configuration was replayed after a reset.
 * @VPF_EVENT_KIND_FAILED: The controller stopped answering; message says what
 *   happened.
 * @VPF_EVENT_KIND_ERROR: A PCI error was reported on the PF (message).
 * @VPF_EVENT_KIND_HOTPLUG_ADD: A function appeared behind a port of the card's
 *   switch (slot, function), with the slot policy's driver_override already
 *   set.
 * @VPF_EVENT_KIND_HOTPLUG_BOUND: A hot-added function got a driver (slot,
 *   function, bound).
 * @VPF_EVENT_KIND_HOTPLUG_REMOVE: A function behind a hot-plug port went away
 *   (slot, function).
 */
enum vpf_event_kind {
	VPF_EVENT_KIND_VFS,
	VPF_EVENT_KIND_VF,
	VPF_EVENT_KIND_ATTACH,
	VPF_EVENT_KIND_DETACH,
	VPF_EVENT_KIND_WIPE,
	VPF_EVENT_KIND_RESET,
	VPF_EVENT_KIND_RECOVERED,
	VPF_EVENT_KIND_FAILED,
	VPF_EVENT_KIND_ERROR,
	VPF_EVENT_KIND_HOTPLUG_ADD,
	VPF_EVENT_KIND_HOTPLUG_BOUND,
	VPF_EVENT_KIND_HOTPLUG_REMOVE,
};

/**
 * enum vpf_slot_driver - What a function hot-added behind the card's switch is
 *   bound to (the card's slot policy).
 * @VPF_SLOT_DRIVER_AUTO: Whatever driver the kernel matches (no
 *   driver_override).
 * @VPF_SLOT_DRIVER_NONE: No driver (driver_override "none"); bind it later by
 *   hand.
 * @VPF_SLOT_DRIVER_VFIO_PCI: vfio-pci, for passthrough to a VM.
 */
enum vpf_slot_driver {
	VPF_SLOT_DRIVER_AUTO,
	VPF_SLOT_DRIVER_NONE,
	VPF_SLOT_DRIVER_VFIO_PCI,
};

#define VPF_MAX_VFS	255

enum {
	VPF_A_DEV_UNSPEC,
	VPF_A_DEV_PCI_NAME,
	VPF_A_DEV_STATE,
	VPF_A_DEV_CNTLID,
	VPF_A_DEV_TOTAL_VFS,
	VPF_A_DEV_NUM_VFS,
	VPF_A_DEV_VQ_TOTAL,
	VPF_A_DEV_VQ_FREE,
	VPF_A_DEV_VQ_MAX,
	VPF_A_DEV_VI_TOTAL,
	VPF_A_DEV_VI_FREE,
	VPF_A_DEV_VI_MAX,
	VPF_A_DEV_NAMESPACES,
	VPF_A_DEV_SERIAL,
	VPF_A_DEV_MODEL,
	VPF_A_DEV_FORCE,
	VPF_A_DEV_SLOT_DRIVER,
	VPF_A_DEV_SLOTS,

	__VPF_A_DEV_MAX,
	VPF_A_DEV_MAX = (__VPF_A_DEV_MAX - 1)
};

enum {
	VPF_A_VF_UNSPEC,
	VPF_A_VF_PCI_NAME,
	VPF_A_VF_VF,
	VPF_A_VF_VF_PCI_NAME,
	VPF_A_VF_CNTLID,
	VPF_A_VF_ONLINE,
	VPF_A_VF_VQ,
	VPF_A_VF_VI,
	VPF_A_VF_DRIVER,
	VPF_A_VF_BOUND,
	VPF_A_VF_IN_USE,
	VPF_A_VF_FORCE,
	VPF_A_VF_NUM_VFS,

	__VPF_A_VF_MAX,
	VPF_A_VF_MAX = (__VPF_A_VF_MAX - 1)
};

enum {
	VPF_A_NS_UNSPEC,
	VPF_A_NS_PCI_NAME,
	VPF_A_NS_NSID,
	VPF_A_NS_VF,
	VPF_A_NS_SIZE,
	VPF_A_NS_LBA_SIZE,
	VPF_A_NS_NEEDS_WIPE,
	VPF_A_NS_FORCE,
	VPF_A_NS_PAD,

	__VPF_A_NS_MAX,
	VPF_A_NS_MAX = (__VPF_A_NS_MAX - 1)
};

enum {
	VPF_A_SLOT_UNSPEC,
	VPF_A_SLOT_PCI_NAME,
	VPF_A_SLOT_PORT,
	VPF_A_SLOT_NUMBER,
	VPF_A_SLOT_BUS,
	VPF_A_SLOT_HOTPLUG,
	VPF_A_SLOT_OCCUPIED,
	VPF_A_SLOT_POWER,
	VPF_A_SLOT_LINK_UP,
	VPF_A_SLOT_SPEED,
	VPF_A_SLOT_WIDTH,
	VPF_A_SLOT_CARD,
	VPF_A_SLOT_FUNCTION,
	VPF_A_SLOT_VENDOR,
	VPF_A_SLOT_DEVICE,
	VPF_A_SLOT_CLASS,
	VPF_A_SLOT_BOUND,
	VPF_A_SLOT_IN_USE,

	__VPF_A_SLOT_MAX,
	VPF_A_SLOT_MAX = (__VPF_A_SLOT_MAX - 1)
};

enum {
	VPF_A_EVENT_UNSPEC,
	VPF_A_EVENT_PCI_NAME,
	VPF_A_EVENT_KIND,
	VPF_A_EVENT_VF,
	VPF_A_EVENT_NSID,
	VPF_A_EVENT_NUM_VFS,
	VPF_A_EVENT_ONLINE,
	VPF_A_EVENT_VQ,
	VPF_A_EVENT_VI,
	VPF_A_EVENT_DRIVER,
	VPF_A_EVENT_MESSAGE,
	VPF_A_EVENT_SLOT,
	VPF_A_EVENT_FUNCTION,
	VPF_A_EVENT_BOUND,

	__VPF_A_EVENT_MAX,
	VPF_A_EVENT_MAX = (__VPF_A_EVENT_MAX - 1)
};

enum {
	VPF_CMD_UNSPEC,
	VPF_CMD_DEV_GET,
	VPF_CMD_DEV_ADD,
	VPF_CMD_DEV_DEL,
	VPF_CMD_VF_GET,
	VPF_CMD_VF_ENABLE,
	VPF_CMD_VF_SET,
	VPF_CMD_NS_GET,
	VPF_CMD_NS_ATTACH,
	VPF_CMD_NS_DETACH,
	VPF_CMD_NS_WIPE,
	VPF_CMD_EVENT,
	VPF_CMD_DEV_SET,
	VPF_CMD_SLOT_GET,

	__VPF_CMD_MAX,
	VPF_CMD_MAX = (__VPF_CMD_MAX - 1)
};

#define VPF_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_VPF_H */
