// SPDX-License-Identifier: GPL-2.0
/*
 * Admin commands of the NVMe Virtualization Enhancements, built and read
 * without touching hardware (KUnit tests them in vpf_kunit.c), and the
 * accounting of the card's flexible resources.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "vpf.h"

void vpf_cmd_identify(struct nvme_command *c, u8 cns, u32 nsid, u16 cntid)
{
	memset(c, 0, sizeof(*c));
	c->identify.opcode = nvme_admin_identify;
	c->identify.nsid = cpu_to_le32(nsid);
	c->identify.cns = cns;
	c->identify.ctrlid = cpu_to_le16(cntid);
}
EXPORT_SYMBOL_IF_KUNIT(vpf_cmd_identify);

/* CDW10: ACT 3:0, RT 10:8, CNTLID 31:16; CDW11: NR 15:0. */
void vpf_cmd_virt_mgmt(struct nvme_command *c, u8 act, enum vpf_res rt,
		       u16 cntlid, u16 nr)
{
	memset(c, 0, sizeof(*c));
	c->common.opcode = nvme_admin_virtual_mgmt;
	c->common.cdw10 = cpu_to_le32((act & 0xf) | ((u32)(rt & 0x7) << 8) |
				      ((u32)cntlid << 16));
	c->common.cdw11 = cpu_to_le32(nr);
}
EXPORT_SYMBOL_IF_KUNIT(vpf_cmd_virt_mgmt);

/* CDW10 SEL 3:0: 0 attach, 1 detach; the data is a controller list. */
void vpf_cmd_ns_attach(struct nvme_command *c, u32 nsid, bool attach)
{
	memset(c, 0, sizeof(*c));
	c->common.opcode = nvme_admin_ns_attach;
	c->common.nsid = cpu_to_le32(nsid);
	c->common.cdw10 = cpu_to_le32(attach ? 0 : 1);
}
EXPORT_SYMBOL_IF_KUNIT(vpf_cmd_ns_attach);

/*
 * Format NVM keeping the namespace's LBA format (FLBAS: LBAF in bits 3:0,
 * its upper two bits in 6:5; metadata at the end of the LBA, bit 4) and
 * protection off, with secure erase settings @ses (1: user data erase).
 */
void vpf_cmd_format(struct nvme_command *c, u32 nsid, u8 flbas, u8 ses)
{
	u32 lbaf = (flbas & 0xf) | (((u32)(flbas >> 5) & 0x3) << 12);

	memset(c, 0, sizeof(*c));
	c->format.opcode = nvme_admin_format_nvm;
	c->format.nsid = cpu_to_le32(nsid);
	c->format.cdw10 = cpu_to_le32(lbaf | ((flbas & 0x10) ? BIT(4) : 0) |
				      ((u32)(ses & 0x7) << 9));
}
EXPORT_SYMBOL_IF_KUNIT(vpf_cmd_format);

/* A controller list (NVMe 1.4+ 4.9): a count, then the ids. */
int vpf_ctrl_list_fill(void *buf, const u16 *ids, unsigned int n)
{
	__le16 *l = buf;
	unsigned int i;

	if (n > 2047)
		return -EINVAL;
	memset(buf, 0, NVME_IDENTIFY_DATA_SIZE);
	l[0] = cpu_to_le16(n);
	for (i = 0; i < n; i++)
		l[i + 1] = cpu_to_le16(ids[i]);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vpf_ctrl_list_fill);

/* Returns how many ids the list has (up to @max are copied), or -EPROTO. */
int vpf_ctrl_list_parse(const void *buf, u16 *ids, unsigned int max)
{
	const __le16 *l = buf;
	unsigned int n = le16_to_cpu(l[0]), i;

	if (n > 2047)
		return -EPROTO;
	for (i = 0; i < n && i < max; i++)
		ids[i] = le16_to_cpu(l[i + 1]);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vpf_ctrl_list_parse);

void vpf_pool_parse(const struct vpf_id_primary *p, struct vpf_pool *pool)
{
	bool vq = p->crt & BIT(0), vi = p->crt & BIT(1);

	pool->vq_total = vq ? le32_to_cpu(p->vqfrt) : 0;
	pool->vi_total = vi ? le32_to_cpu(p->vifrt) : 0;
	pool->vq_max = vq ? le16_to_cpu(p->vqfrsm) : 0;
	pool->vi_max = vi ? le16_to_cpu(p->vifrsm) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vpf_pool_parse);

/* Resources of type @rt configured on @vfs[0..n), leaving out VF @skip. */
u32 vpf_pool_used(const struct vpf_vf *vfs, unsigned int n, enum vpf_res rt,
		  int skip)
{
	u32 used = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i == skip)
			continue;
		used += rt == VPF_RES_VQ ? vfs[i].conf.vq : vfs[i].conf.vi;
	}
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(vpf_pool_used);

/*
 * May VF @vf of @vfs[0..n) have @vq and @vi resources, the others keeping
 * theirs? 0, or -ERANGE / -ENOSPC with the reason in @why.
 */
int vpf_res_check(const struct vpf_pool *pool, const struct vpf_vf *vfs,
		  unsigned int n, int vf, u32 vq, u32 vi, const char **why)
{
	if (vq > pool->vq_max) {
		*why = "more queue resources (vq) than one VF can have";
		return -ERANGE;
	}
	if (vi > pool->vi_max) {
		*why = "more interrupt resources (vi) than one VF can have";
		return -ERANGE;
	}
	if (vq + vpf_pool_used(vfs, n, VPF_RES_VQ, vf) > pool->vq_total) {
		*why = "not enough free queue resources (vq) on the PF";
		return -ENOSPC;
	}
	if (vi + vpf_pool_used(vfs, n, VPF_RES_VI, vf) > pool->vi_total) {
		*why = "not enough free interrupt resources (vi) on the PF";
		return -ENOSPC;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vpf_res_check);

/* An errno for an NVMe status (status field without the phase bit). */
int vpf_status_errno(u16 status)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		return 0;
	case NVME_SC_INVALID_OPCODE:
	case NVME_SC_INVALID_FIELD:
		return -EOPNOTSUPP;
	case NVME_SC_INVALID_NS:
		return -ENOENT;
	case NVME_SC_NS_ALREADY_ATTACHED:
	case NVME_SC_NS_IS_PRIVATE:
		return -EBUSY;
	case NVME_SC_NS_NOT_ATTACHED:
		return -ENOENT;
	case NVME_SC_CTRL_LIST_INVALID:
	case NVME_SC_CTRL_ID_INVALID:
		return -EINVAL;
	case NVME_SC_SEC_CTRL_STATE_INVALID:
		return -EBUSY;
	case NVME_SC_CTRL_RES_NUM_INVALID:
		return -ENOSPC;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vpf_status_errno);

const char *vpf_status_str(u16 status)
{
	switch (status & NVME_SCT_SC_MASK) {
	case NVME_SC_SUCCESS:
		return "success";
	case NVME_SC_INVALID_OPCODE:
		return "invalid opcode";
	case NVME_SC_INVALID_FIELD:
		return "invalid field";
	case NVME_SC_INVALID_NS:
		return "invalid namespace";
	case NVME_SC_NS_ALREADY_ATTACHED:
		return "namespace already attached";
	case NVME_SC_NS_IS_PRIVATE:
		return "namespace is private";
	case NVME_SC_NS_NOT_ATTACHED:
		return "namespace not attached";
	case NVME_SC_CTRL_LIST_INVALID:
		return "controller list invalid";
	case NVME_SC_CTRL_ID_INVALID:
		return "controller id invalid";
	case NVME_SC_SEC_CTRL_STATE_INVALID:
		return "secondary controller state invalid";
	case NVME_SC_CTRL_RES_NUM_INVALID:
		return "invalid number of controller resources";
	default:
		return "error";
	}
}
EXPORT_SYMBOL_IF_KUNIT(vpf_status_str);
