/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpf: the PF driver of an NVMe offload card with SR-IOV. This header is the
 * ABI between the vpf module and pfctl: the generic netlink family "vpf"
 * (vpf_nl.h, generated from Documentation/netlink/specs/vpf.yaml) and the
 * values that go with it. Documentation/pf.rst describes the driver.
 */
#ifndef _UAPI_VMHOST_VPF_H
#define _UAPI_VMHOST_VPF_H

#include <linux/types.h>
#include <vmhost/vpf_nl.h>

/* driver_override of a VF that no driver may bind (vpf-driver "none"). */
#define VPF_OVERRIDE_NONE	"none"

/* Fewest resources an online VF (NVMe secondary controller) needs. */
#define VPF_VF_MIN_VQ		2	/* its admin queue and one I/O queue */
#define VPF_VF_MIN_VI		1

#endif /* _UAPI_VMHOST_VPF_H */
