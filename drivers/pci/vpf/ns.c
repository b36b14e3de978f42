// SPDX-License-Identifier: GPL-2.0
/*
 * Tenant namespaces: each is attached to one VF at most, and a namespace
 * that may hold another tenant's data is erased before a different VF gets
 * it. vpf does not trust itself alone with "attached to one VF": before
 * every change it asks the card which controllers a namespace is attached
 * to (Identify CNS 12h), and it never sends a detach for a controller the
 * card does not list.
 *
 * vpf remembers a namespace's last tenant only while it runs. A namespace
 * it found at probe is of an unknown tenant and is erased before its first
 * attachment; so is every namespace once SR-IOV is disabled, since a VF
 * number then no longer names the same tenant.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "vpf.h"

#define VPF_NS_LIST_MAX	1024	/* ids in an Identify namespace list */
#define VPF_NS_PF	(-2)	/* vpf_ns_where(): attached to the PF itself */

/* Which VF of @vd has controller id @cntlid; -1 if none. */
static int vpf_vf_of_cntlid(struct vpf_dev *vd, u16 cntlid)
{
	unsigned int i;

	for (i = 0; i < vd->total_vfs; i++)
		if (vd->vfs[i].cntlid == cntlid)
			return i;
	return -1;
}

/*
 * Ask the card where namespace @nsid is attached: @ids gets up to @max
 * controller ids; returns how many there are, or a negative errno.
 */
static int vpf_ns_ctrls(struct vpf_dev *vd, u32 nsid, u16 *ids,
			unsigned int max)
{
	int ret;

	ret = vpf_identify(vd, NVME_ID_CNS_CTRL_NS_LIST, nsid, 0);
	if (ret)
		return ret;
	return vpf_ctrl_list_parse(vd->adm.buf, ids, max);
}

/*
 * Refresh @ns->vf from the card. -EBUSY if it is attached to more than one
 * controller or to a controller that is no VF of ours (nothing vpf did).
 */
static int vpf_ns_where(struct vpf_dev *vd, struct vpf_ns *ns)
{
	u16 ids[2];
	int n, vf;

	n = vpf_ns_ctrls(vd, ns->nsid, ids, ARRAY_SIZE(ids));
	if (n < 0)
		return n;
	ns->vf = -1;
	ns->on_pf = false;
	if (!n)
		return 0;
	if (n > 1)
		return -EBUSY;
	if (ids[0] == vd->cntlid) {
		ns->on_pf = true;
		return 0;
	}
	vf = vpf_vf_of_cntlid(vd, ids[0]);
	if (vf < 0)
		return -EBUSY;
	ns->vf = vf;
	return 0;
}

static int vpf_ns_attach_cmd(struct vpf_dev *vd, u32 nsid, u16 cntlid,
			     bool attach)
{
	struct nvme_command c;
	int ret;

	ret = vpf_ctrl_list_fill(vd->adm.buf, &cntlid, 1);
	if (ret)
		return ret;
	vpf_cmd_ns_attach(&c, nsid, attach);
	ret = vpf_admin_exec(vd, &c, true, 10, NULL);
	return ret > 0 ? vpf_status_errno(ret) : ret;
}

/* Identify Namespace (allocated, CNS 11h): its size and LBA format. */
static int vpf_ns_identify(struct vpf_dev *vd, struct vpf_ns *ns)
{
	const struct nvme_id_ns *id = vd->adm.buf;
	unsigned int lbaf;
	int ret;

	ret = vpf_identify(vd, NVME_ID_CNS_NS_PRESENT, ns->nsid, 0);
	if (ret)
		return ret;
	ns->nsze = le64_to_cpu(id->nsze);
	ns->flbas = id->flbas;
	lbaf = (id->flbas & 0xf) | ((id->flbas >> 1) & 0x30);
	if (lbaf > id->nlbaf || id->lbaf[lbaf].ds < 9 || id->lbaf[lbaf].ds > 16)
		return -EPROTO;
	ns->lba_size = 1U << id->lbaf[lbaf].ds;
	return 0;
}

/* Learn the subsystem's namespaces (Identify CNS 10h) and where they are. */
int vpf_ns_scan(struct vpf_dev *vd)
{
	u32 start = 0, nsid;
	__le32 *ids;
	struct vpf_ns *ns;
	unsigned int i;
	int ret = 0;

	ids = kmalloc(NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	for (;;) {
		ret = vpf_identify(vd, NVME_ID_CNS_NS_PRESENT_LIST, start, 0);
		if (ret)
			break;
		memcpy(ids, vd->adm.buf, NVME_IDENTIFY_DATA_SIZE);
		for (i = 0; i < VPF_NS_LIST_MAX && ids[i]; i++) {
			nsid = le32_to_cpu(ids[i]);
			start = nsid;
			ns = xa_load(&vd->ns, nsid);
			if (!ns) {
				ns = kzalloc(sizeof(*ns), GFP_KERNEL);
				if (!ns) {
					ret = -ENOMEM;
					goto out;
				}
				ns->nsid = nsid;
				ns->last_vf = VPF_NS_UNKNOWN;
				ret = xa_err(xa_store(&vd->ns, nsid, ns,
						      GFP_KERNEL));
				if (ret) {
					kfree(ns);
					goto out;
				}
			}
			ret = vpf_ns_identify(vd, ns);
			if (!ret)
				ret = vpf_ns_where(vd, ns);
			if (ret == -EBUSY) {
				pci_warn(vd->pdev, "namespace %u is attached to controllers vpf does not manage\n",
					 nsid);
				ret = 0;
			}
			if (ret)
				goto out;
			/* Left on the PF by an erase that did not finish. */
			if (ns->on_pf &&
			    !vpf_ns_attach_cmd(vd, nsid, vd->cntlid, false))
				ns->on_pf = false;
		}
		if (i < VPF_NS_LIST_MAX)
			break;
	}
out:
	kfree(ids);
	return ret;
}

/*
 * With no VFs enabled, no namespace stays attached to a secondary
 * controller: the card keeps attachments across VF Enable, and the next
 * tenant of that VF would find the last one's namespaces. Used when SR-IOV
 * is disabled and at probe. A VF number then no longer names a tenant.
 */
int vpf_ns_detach_all(struct vpf_dev *vd)
{
	struct vpf_ns *ns;
	unsigned long i;
	int ret, err = 0;

	xa_for_each(&vd->ns, i, ns) {
		if (ns->last_vf >= 0)
			ns->last_vf = VPF_NS_UNKNOWN;
		ret = vpf_ns_where(vd, ns);
		if (!ret && ns->vf >= 0)
			ret = vpf_ns_attach_cmd(vd, ns->nsid,
						vd->vfs[ns->vf].cntlid, false);
		if (ret) {
			pci_err(vd->pdev, "namespace %u: cannot detach it from its VF: %d\n",
				ns->nsid, ret);
			err = err ?: ret;
			continue;
		}
		ns->vf = -1;
	}
	return err;
}

unsigned int vpf_ns_count(struct vpf_dev *vd)
{
	struct vpf_ns *ns;
	unsigned long i;
	unsigned int n = 0;

	xa_for_each(&vd->ns, i, ns)
		n++;
	return n;
}

void vpf_ns_free(struct vpf_dev *vd)
{
	struct vpf_ns *ns;
	unsigned long i;

	xa_for_each(&vd->ns, i, ns) {
		xa_erase(&vd->ns, i);
		kfree(ns);
	}
}

/*
 * Erase a namespace attached to no VF: attach it to the PF, Format NVM
 * with user data erase, detach it. Afterwards it reads zeroes.
 */
static int vpf_ns_erase(struct vpf_dev *vd, struct vpf_ns *ns,
			const char **why)
{
	struct nvme_command c;
	int ret, det;

	ret = vpf_ns_attach_cmd(vd, ns->nsid, vd->cntlid, true);
	if (ret) {
		*why = "the card refused to attach the namespace to the PF for erasing";
		return ret;
	}
	ns->on_pf = true;
	vpf_cmd_format(&c, ns->nsid, ns->flbas, 1);
	ret = vpf_admin_exec(vd, &c, false, READ_ONCE(vpf_wipe_timeout), NULL);
	if (ret > 0) {
		pci_err(vd->pdev, "namespace %u: Format NVM: %s (%#x)\n",
			ns->nsid, vpf_status_str(ret), ret);
		ret = vpf_status_errno(ret);
	}
	if (ret)
		*why = "erasing the namespace failed (see the kernel log)";
	det = vpf_ns_attach_cmd(vd, ns->nsid, vd->cntlid, false);
	if (!det) {
		ns->on_pf = false;
	} else if (!ret) {
		*why = "the card refused to detach the namespace from the PF";
		ret = det;
	}
	if (!ret) {
		ns->last_vf = VPF_NS_CLEAN;
		vpf_nl_event(vd, VPF_EVENT_KIND_WIPE, -1, ns->nsid, -1, NULL);
	}
	return ret;
}

static struct vpf_ns *vpf_ns_lookup(struct vpf_dev *vd, u32 nsid,
				    const char **why)
{
	struct vpf_ns *ns = xa_load(&vd->ns, nsid);

	if (!ns)
		*why = "no namespace with that id (see pfctl ns list)";
	return ns;
}

static int vpf_ns_live(struct vpf_dev *vd, const char **why)
{
	if (vd->state == VPF_LIVE)
		return 0;
	*why = "the PF is not live";
	return vd->state == VPF_FAILED ? -ENODEV : -EAGAIN;
}

int vpf_ns_attach(struct vpf_dev *vd, u32 nsid, unsigned int vf,
		  const char **why)
{
	struct vpf_vf *v;
	struct vpf_ns *ns;
	int ret;

	vpf_assert_locked(vd);
	ret = vpf_ns_live(vd, why);
	if (ret)
		return ret;
	ns = vpf_ns_lookup(vd, nsid, why);
	if (!ns)
		return -ENOENT;
	if (vf >= vd->num_vfs) {
		*why = "no such VF (see pfctl vf list)";
		return -ENOENT;
	}
	v = &vd->vfs[vf];
	if (!v->conf.online || !v->online) {
		*why = "the VF is offline: put it online first";
		return -EINVAL;
	}
	ret = vpf_ns_where(vd, ns);
	if (ret == -EBUSY) {
		*why = "the namespace is attached to a controller vpf does not manage";
		return ret;
	}
	if (ret)
		return ret;
	if (ns->vf == vf) {
		*why = "the namespace is attached to that VF already";
		return -EEXIST;
	}
	if (ns->vf >= 0) {
		*why = "attached to another VF: a namespace is never shared; detach it first";
		return -EBUSY;
	}
	if (ns->on_pf) {
		ret = vpf_ns_attach_cmd(vd, nsid, vd->cntlid, false);
		if (ret)
			return ret;
		ns->on_pf = false;
	}
	if (ns->last_vf != VPF_NS_CLEAN && ns->last_vf != vf &&
	    vd->erase_all) {
		*why = "the namespace needs an erase, and this card's erase takes every namespace";
		return -EOPNOTSUPP;
	}
	if (ns->last_vf != VPF_NS_CLEAN && ns->last_vf != vf) {
		pci_info(vd->pdev, "namespace %u: erasing before VF %u gets it\n",
			 nsid, vf);
		ret = vpf_ns_erase(vd, ns, why);
		if (ret)
			return ret;
	}
	ret = vpf_ns_attach_cmd(vd, nsid, v->cntlid, true);
	if (ret) {
		*why = "the card refused the attachment";
		return ret;
	}
	ns->vf = vf;
	ns->last_vf = vf;
	vpf_nl_event(vd, VPF_EVENT_KIND_ATTACH, vf, nsid, -1, NULL);
	return 0;
}

int vpf_ns_detach(struct vpf_dev *vd, u32 nsid, bool force, const char **why)
{
	struct vpf_ns *ns;
	int ret;

	vpf_assert_locked(vd);
	ret = vpf_ns_live(vd, why);
	if (ret)
		return ret;
	ns = vpf_ns_lookup(vd, nsid, why);
	if (!ns)
		return -ENOENT;
	ret = vpf_ns_where(vd, ns);
	if (ret == -EBUSY)
		*why = "the namespace is attached to a controller vpf does not manage";
	if (ret)
		return ret;
	if (ns->vf < 0) {
		*why = "the namespace is not attached to a VF";
		return -ENOENT;
	}
	if (!force && vpf_vf_in_use(vd, ns->vf)) {
		*why = vpf_msg_vf_busy;
		return -EBUSY;
	}
	ret = vpf_ns_attach_cmd(vd, nsid, vd->vfs[ns->vf].cntlid, false);
	if (ret) {
		*why = "the card refused to detach the namespace";
		return ret;
	}
	vpf_nl_event(vd, VPF_EVENT_KIND_DETACH, ns->vf, nsid, -1, NULL);
	ns->vf = -1;
	return 0;
}

int vpf_ns_wipe(struct vpf_dev *vd, u32 nsid, const char **why)
{
	struct vpf_ns *ns;
	int ret;

	vpf_assert_locked(vd);
	ret = vpf_ns_live(vd, why);
	if (ret)
		return ret;
	ns = vpf_ns_lookup(vd, nsid, why);
	if (!ns)
		return -ENOENT;
	ret = vpf_ns_where(vd, ns);
	if (!ret && ns->vf >= 0) {
		*why = "the namespace is attached to a VF: detach it first";
		return -EBUSY;
	}
	if (ret == -EBUSY)
		*why = "the namespace is attached to a controller vpf does not manage";
	if (ret)
		return ret;
	if (ns->on_pf) {
		ret = vpf_ns_attach_cmd(vd, nsid, vd->cntlid, false);
		if (ret)
			return ret;
		ns->on_pf = false;
	}
	if (vd->erase_all) {
		*why = "this card's erase takes every namespace: vpf does not erase";
		return -EOPNOTSUPP;
	}
	return vpf_ns_erase(vd, ns, why);
}

/* After a reset: put every attachment vpf made back where it was. */
int vpf_ns_replay(struct vpf_dev *vd)
{
	struct vpf_ns *ns;
	unsigned long i;
	int want, ret;

	xa_for_each(&vd->ns, i, ns) {
		want = ns->vf;
		if (want < 0 || want >= vd->num_vfs)
			continue;
		ret = vpf_ns_where(vd, ns);
		if (ret)
			return ret;
		if (ns->vf == want)
			continue;
		if (ns->vf >= 0)
			return -EBUSY;
		ret = vpf_ns_attach_cmd(vd, ns->nsid, vd->vfs[want].cntlid,
					true);
		if (ret)
			return ret;
		ns->vf = want;
	}
	return 0;
}
