// SPDX-License-Identifier: GPL-2.0
/*
 * The "vpf" generic netlink family (Documentation/netlink/specs/vpf.yaml).
 * The policies and the split ops table are generated from the spec
 * (vpf-nl-gen.c, make nlgen); this file has the handlers it names.
 * Listing needs nothing; every change needs CAP_SYS_ADMIN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>

#include <vmhost_nl.h>

#include "vpf.h"
#include "vpf-nl-gen.h"

static int vpf_nl_allowed(struct sk_buff *skb, struct netlink_ext_ack *extack,
			  bool admin)
{
	return vmhost_nl_allowed(skb, extack, VPF_DRV_NAME, admin);
}

static void vpf_nl_why(struct netlink_ext_ack *extack, const char *why)
{
	if (why)
		NL_SET_ERR_MSG_FMT(extack, "%s", why);
}

/* The PF named by attribute @attr, with a reference, locked (vpf_lock). */
static struct vpf_dev *vpf_nl_lock(struct genl_info *info, int attr)
{
	char name[32];
	struct vpf_dev *vd;

	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	nla_strscpy(name, info->attrs[attr], sizeof(name));
	vd = vpf_get(name);
	if (!vd) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "vpf does not drive a PF at that address");
		return ERR_PTR(-ENODEV);
	}
	vpf_lock(vd);
	if (vd->removed) {
		vpf_unlock(vd);
		vpf_put(vd);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "vpf does not drive a PF at that address");
		return ERR_PTR(-ENODEV);
	}
	return vd;
}

static void vpf_nl_unlock(struct vpf_dev *vd)
{
	vpf_unlock(vd);
	vpf_put(vd);
}

/* The PF named by @attr, with a reference, not locked. */
static struct vpf_dev *vpf_nl_get(struct netlink_ext_ack *extack,
				  struct nlattr *attr)
{
	char name[32];
	struct vpf_dev *vd;

	nla_strscpy(name, attr, sizeof(name));
	vd = vpf_get(name);
	if (!vd)
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "vpf does not drive a PF at that address");
	return vd;
}

static u32 vpf_free(struct vpf_dev *vd, enum vpf_res rt)
{
	u32 total = rt == VPF_RES_VQ ? vd->pool.vq_total : vd->pool.vi_total;

	return total - vpf_pool_used(vd->vfs, vd->num_vfs, rt, -1);
}

/*
 * The card's ports, counted before vpf_lock(): pciehp takes the PF's
 * device lock under pci_lock_rescan_remove() when it removes the PF.
 */
static int vpf_nl_slots(struct vpf_dev *vd)
{
	struct pci_dev **ports;
	int n;

	pci_lock_rescan_remove();
	n = vpf_ports_get(vd, &ports);
	if (n >= 0)
		vpf_ports_put(ports, n);
	pci_unlock_rescan_remove();
	return n;
}

static int vpf_nl_fill_dev(struct sk_buff *skb, struct vpf_dev *vd, int slots)
{
	if (slots < 0)
		return slots;
	if (nla_put_string(skb, VPF_A_DEV_PCI_NAME, pci_name(vd->pdev)) ||
	    nla_put_u32(skb, VPF_A_DEV_STATE, vd->state) ||
	    nla_put_u32(skb, VPF_A_DEV_CNTLID, vd->cntlid) ||
	    nla_put_u32(skb, VPF_A_DEV_TOTAL_VFS, vd->total_vfs) ||
	    nla_put_u32(skb, VPF_A_DEV_NUM_VFS, vd->num_vfs) ||
	    nla_put_u32(skb, VPF_A_DEV_VQ_TOTAL, vd->pool.vq_total) ||
	    nla_put_u32(skb, VPF_A_DEV_VQ_FREE, vpf_free(vd, VPF_RES_VQ)) ||
	    nla_put_u32(skb, VPF_A_DEV_VQ_MAX, vd->pool.vq_max) ||
	    nla_put_u32(skb, VPF_A_DEV_VI_TOTAL, vd->pool.vi_total) ||
	    nla_put_u32(skb, VPF_A_DEV_VI_FREE, vpf_free(vd, VPF_RES_VI)) ||
	    nla_put_u32(skb, VPF_A_DEV_VI_MAX, vd->pool.vi_max) ||
	    nla_put_u32(skb, VPF_A_DEV_NAMESPACES, vpf_ns_count(vd)) ||
	    nla_put_string(skb, VPF_A_DEV_SERIAL, vd->serial) ||
	    nla_put_string(skb, VPF_A_DEV_MODEL, vd->model) ||
	    nla_put_u32(skb, VPF_A_DEV_SLOT_DRIVER,
			READ_ONCE(vd->slot_driver)) ||
	    nla_put_u32(skb, VPF_A_DEV_SLOTS, slots))
		return -EMSGSIZE;
	return 0;
}

int vpf_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vpf_dev *vd;
	struct sk_buff *msg;
	int ret, slots;
	void *hdr;

	ret = vpf_nl_allowed(skb, info->extack, false);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_DEV_PCI_NAME))
		return -EINVAL;
	vd = vpf_nl_get(info->extack, info->attrs[VPF_A_DEV_PCI_NAME]);
	if (!vd)
		return -ENODEV;
	slots = vpf_nl_slots(vd);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		vpf_put(vd);
		return -ENOMEM;
	}
	vpf_lock(vd);
	hdr = genlmsg_iput(msg, info);
	if (vd->removed)
		ret = -ENODEV;
	else
		ret = hdr ? vpf_nl_fill_dev(msg, vd, slots) : -EMSGSIZE;
	vpf_nl_unlock(vd);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Dumps walk the list of PFs by position (cb->args[0]) and, within one,
 * by item (cb->args[1]); each PF is held with a reference while it is
 * filled in, without vpf_devs_lock.
 */
static struct vpf_dev *vpf_nl_nth(long n)
{
	struct vpf_dev *vd;
	long i = 0;

	mutex_lock(&vpf_devs_lock);
	list_for_each_entry(vd, &vpf_devs, node) {
		if (i++ == n) {
			kref_get(&vd->kref);
			mutex_unlock(&vpf_devs_lock);
			return vd;
		}
	}
	mutex_unlock(&vpf_devs_lock);
	return NULL;
}

static bool vpf_nl_dump_match(struct netlink_callback *cb,
			      struct vpf_dev *vd, int attr)
{
	const struct genl_info *info = genl_info_dump(cb);
	char name[32];

	if (!info->attrs || !info->attrs[attr])
		return true;
	nla_strscpy(name, info->attrs[attr], sizeof(name));
	return !strcmp(name, pci_name(vd->pdev));
}

int vpf_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpf_dev *vd;
	int ret, slots;
	void *hdr;

	ret = vpf_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	for (; (vd = vpf_nl_nth(cb->args[0])); cb->args[0]++) {
		slots = vpf_nl_slots(vd);
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vpf_nl_family,
				  NLM_F_MULTI, VPF_CMD_DEV_GET);
		vpf_lock(vd);
		ret = hdr ? vpf_nl_fill_dev(skb, vd, slots) : -EMSGSIZE;
		vpf_unlock(vd);
		vpf_put(vd);
		if (ret) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

int vpf_nl_dev_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	char name[32];
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_DEV_PCI_NAME))
		return -EINVAL;
	nla_strscpy(name, info->attrs[VPF_A_DEV_PCI_NAME], sizeof(name));
	ret = vpf_bind(name, &why);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	char name[32];
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_DEV_PCI_NAME))
		return -EINVAL;
	nla_strscpy(name, info->attrs[VPF_A_DEV_PCI_NAME], sizeof(name));
	ret = vpf_unbind(name, nla_get_flag(info->attrs[VPF_A_DEV_FORCE]),
			 &why);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[VPF_A_DEV_SLOT_DRIVER];
	struct vpf_dev *vd;
	const char *name;
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	/* A request that would change nothing is a caller's mistake. */
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_DEV_SLOT_DRIVER))
		return -EINVAL;
	/*
	 * The driver's module now, not from the bus notifier, and before
	 * the PF's lock: a modprobe is a process.
	 */
	name = vpf_slot_driver_name(nla_get_u32(a));
	if (name && strcmp(name, VPF_OVERRIDE_NONE))
		request_module("%s", name);
	vd = vpf_nl_lock(info, VPF_A_DEV_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	WRITE_ONCE(vd->slot_driver, nla_get_u32(a));
	vpf_nl_unlock(vd);
	return 0;
}

static int vpf_nl_fill_vf(struct sk_buff *skb, struct vpf_dev *vd,
			  unsigned int vf)
{
	const struct vpf_vf *v = &vd->vfs[vf];
	struct pci_dev *pdev = vpf_vf_pdev(vd, vf);
	int ret = 0;

	if (nla_put_string(skb, VPF_A_VF_PCI_NAME, pci_name(vd->pdev)) ||
	    nla_put_u32(skb, VPF_A_VF_VF, vf) ||
	    nla_put_u32(skb, VPF_A_VF_CNTLID, v->cntlid) ||
	    nla_put_u8(skb, VPF_A_VF_ONLINE, v->online) ||
	    nla_put_u32(skb, VPF_A_VF_VQ, v->nvq) ||
	    nla_put_u32(skb, VPF_A_VF_VI, v->nvi) ||
	    nla_put_u32(skb, VPF_A_VF_DRIVER, v->conf.driver))
		ret = -EMSGSIZE;
	if (!ret && pdev) {
		if (nla_put_string(skb, VPF_A_VF_VF_PCI_NAME, pci_name(pdev)))
			ret = -EMSGSIZE;
		device_lock(&pdev->dev);
		if (!ret && pdev->dev.driver &&
		    nla_put_string(skb, VPF_A_VF_BOUND, pdev->dev.driver->name))
			ret = -EMSGSIZE;
		device_unlock(&pdev->dev);
		if (!ret && vpf_vf_in_use(vd, vf) &&
		    nla_put_flag(skb, VPF_A_VF_IN_USE))
			ret = -EMSGSIZE;
	}
	pci_dev_put(pdev);
	return ret;
}

static int vpf_nl_vf_index(struct genl_info *info, struct vpf_dev *vd,
			   unsigned int *vf)
{
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_VF_VF))
		return -EINVAL;
	*vf = nla_get_u32(info->attrs[VPF_A_VF_VF]);
	if (*vf >= vd->num_vfs) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VPF_A_VF_VF],
				    "no such VF (see pfctl vf list)");
		return -ENOENT;
	}
	return 0;
}

int vpf_nl_vf_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vpf_dev *vd;
	struct sk_buff *msg;
	unsigned int vf;
	void *hdr;
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, false);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	vd = vpf_nl_lock(info, VPF_A_VF_PCI_NAME);
	if (IS_ERR(vd)) {
		nlmsg_free(msg);
		return PTR_ERR(vd);
	}
	ret = vpf_nl_vf_index(info, vd, &vf);
	hdr = ret ? NULL : genlmsg_iput(msg, info);
	if (!ret)
		ret = hdr ? vpf_nl_fill_vf(msg, vd, vf) : -EMSGSIZE;
	vpf_nl_unlock(vd);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vpf_nl_vf_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpf_dev *vd;
	void *hdr;
	int ret = 0;

	ret = vpf_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	for (; (vd = vpf_nl_nth(cb->args[0]));
	     cb->args[0]++, cb->args[1] = 0) {
		if (!vpf_nl_dump_match(cb, vd, VPF_A_VF_PCI_NAME)) {
			vpf_put(vd);
			continue;
		}
		vpf_lock(vd);
		for (; cb->args[1] < vd->num_vfs; cb->args[1]++) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &vpf_nl_family,
					  NLM_F_MULTI, VPF_CMD_VF_GET);
			ret = hdr ? vpf_nl_fill_vf(skb, vd, cb->args[1]) :
				    -EMSGSIZE;
			if (ret) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		vpf_unlock(vd);
		vpf_put(vd);
		if (ret)
			break;
	}
	return skb->len;
}

/* The driver attribute, or -1 if absent. */
static int vpf_nl_driver(struct genl_info *info)
{
	struct nlattr *a = info->attrs[VPF_A_VF_DRIVER];

	return a ? nla_get_u32(a) : -1;
}

int vpf_nl_vf_enable_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vpf_vf_conf conf = {
		.vq = READ_ONCE(vpf_vf_vq),
		.vi = READ_ONCE(vpf_vf_vi),
		.online = 1,
	};
	const char *why = NULL;
	struct vpf_dev *vd;
	int ret, drv;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_VF_NUM_VFS))
		return -EINVAL;
	if (a[VPF_A_VF_VQ])
		conf.vq = nla_get_u32(a[VPF_A_VF_VQ]);
	if (a[VPF_A_VF_VI])
		conf.vi = nla_get_u32(a[VPF_A_VF_VI]);
	drv = vpf_nl_driver(info);
	if (drv >= 0)
		conf.driver = drv;
	vd = vpf_nl_lock(info, VPF_A_VF_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	ret = vpf_sriov_set(vd, nla_get_u32(a[VPF_A_VF_NUM_VFS]), &conf,
			    nla_get_flag(a[VPF_A_VF_FORCE]), &why);
	vpf_nl_unlock(vd);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_vf_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct vpf_vf_conf conf;
	const char *why = NULL;
	struct vpf_dev *vd;
	unsigned int vf;
	int ret, drv;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	vd = vpf_nl_lock(info, VPF_A_VF_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	ret = vpf_nl_vf_index(info, vd, &vf);
	if (ret)
		goto out;
	conf = vd->vfs[vf].conf;
	if (a[VPF_A_VF_ONLINE])
		conf.online = nla_get_u8(a[VPF_A_VF_ONLINE]);
	if (a[VPF_A_VF_VQ])
		conf.vq = nla_get_u32(a[VPF_A_VF_VQ]);
	if (a[VPF_A_VF_VI])
		conf.vi = nla_get_u32(a[VPF_A_VF_VI]);
	drv = vpf_nl_driver(info);
	if (drv >= 0)
		conf.driver = drv;
	ret = vpf_vf_apply(vd, vf, &conf, nla_get_flag(a[VPF_A_VF_FORCE]),
			   false, &why);
	if (ret)
		vpf_nl_why(info->extack, why);
out:
	vpf_nl_unlock(vd);
	return ret;
}

static int vpf_nl_fill_ns(struct sk_buff *skb, struct vpf_dev *vd,
			  const struct vpf_ns *ns)
{
	if (nla_put_string(skb, VPF_A_NS_PCI_NAME, pci_name(vd->pdev)) ||
	    nla_put_u32(skb, VPF_A_NS_NSID, ns->nsid) ||
	    (ns->vf >= 0 && nla_put_u32(skb, VPF_A_NS_VF, ns->vf)) ||
	    nla_put_u64_64bit(skb, VPF_A_NS_SIZE, ns->nsze * ns->lba_size,
			      VPF_A_NS_PAD) ||
	    nla_put_u32(skb, VPF_A_NS_LBA_SIZE, ns->lba_size) ||
	    (ns->last_vf != VPF_NS_CLEAN &&
	     nla_put_flag(skb, VPF_A_NS_NEEDS_WIPE)))
		return -EMSGSIZE;
	return 0;
}

int vpf_nl_ns_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpf_dev *vd;
	struct vpf_ns *ns;
	unsigned long idx;
	void *hdr;
	int ret;

	ret = vpf_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	for (; (vd = vpf_nl_nth(cb->args[0]));
	     cb->args[0]++, cb->args[1] = 0) {
		if (!vpf_nl_dump_match(cb, vd, VPF_A_NS_PCI_NAME)) {
			vpf_put(vd);
			continue;
		}
		vpf_lock(vd);
		idx = cb->args[1];
		xa_for_each_start(&vd->ns, idx, ns, cb->args[1]) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &vpf_nl_family,
					  NLM_F_MULTI, VPF_CMD_NS_GET);
			ret = hdr ? vpf_nl_fill_ns(skb, vd, ns) : -EMSGSIZE;
			if (ret) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = idx + 1;
		}
		vpf_unlock(vd);
		vpf_put(vd);
		if (ret)
			break;
	}
	return skb->len;
}

int vpf_nl_ns_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	struct vpf_dev *vd;
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_NS_NSID) ||
	    GENL_REQ_ATTR_CHECK(info, VPF_A_NS_VF))
		return -EINVAL;
	vd = vpf_nl_lock(info, VPF_A_NS_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	ret = vpf_ns_attach(vd, nla_get_u32(info->attrs[VPF_A_NS_NSID]),
			    nla_get_u32(info->attrs[VPF_A_NS_VF]), &why);
	vpf_nl_unlock(vd);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_ns_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	struct vpf_dev *vd;
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_NS_NSID))
		return -EINVAL;
	vd = vpf_nl_lock(info, VPF_A_NS_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	ret = vpf_ns_detach(vd, nla_get_u32(info->attrs[VPF_A_NS_NSID]),
			    nla_get_flag(info->attrs[VPF_A_NS_FORCE]), &why);
	vpf_nl_unlock(vd);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_ns_wipe_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *why = NULL;
	struct vpf_dev *vd;
	int ret;

	ret = vpf_nl_allowed(skb, info->extack, true);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_NS_NSID))
		return -EINVAL;
	vd = vpf_nl_lock(info, VPF_A_NS_PCI_NAME);
	if (IS_ERR(vd))
		return PTR_ERR(vd);
	ret = vpf_ns_wipe(vd, nla_get_u32(info->attrs[VPF_A_NS_NSID]), &why);
	vpf_nl_unlock(vd);
	if (ret)
		vpf_nl_why(info->extack, why);
	return ret;
}

int vpf_nl_slot_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pci_dev **ports, *port = NULL;
	struct sk_buff *msg;
	struct vpf_dev *vd;
	char name[32];
	void *hdr;
	int ret, n, i;

	ret = vpf_nl_allowed(skb, info->extack, false);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, VPF_A_SLOT_PCI_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, VPF_A_SLOT_PORT))
		return -EINVAL;
	vd = vpf_nl_get(info->extack, info->attrs[VPF_A_SLOT_PCI_NAME]);
	if (!vd)
		return -ENODEV;
	pci_lock_rescan_remove();
	n = vpf_ports_get(vd, &ports);
	if (n < 0) {
		pci_unlock_rescan_remove();
		vpf_put(vd);
		return n;
	}
	nla_strscpy(name, info->attrs[VPF_A_SLOT_PORT], sizeof(name));
	for (i = 0; i < n && !port; i++)
		if (!strcmp(pci_name(ports[i]), name))
			port = ports[i];
	ret = -ENOENT;
	msg = port ? genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL) : NULL;
	if (!port)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VPF_A_SLOT_PORT],
				    "no downstream port of that PF's card at that address (see pfctl slot list)");
	else if (!msg)
		ret = -ENOMEM;
	hdr = msg ? genlmsg_iput(msg, info) : NULL;
	if (hdr)
		ret = vpf_slot_fill(msg, vd, port);
	else if (msg)
		ret = -EMSGSIZE;
	vpf_ports_put(ports, n);
	pci_unlock_rescan_remove();
	vpf_put(vd);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vpf_nl_slot_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pci_dev **ports;
	struct vpf_dev *vd;
	int ret = 0, n;
	void *hdr;

	ret = vpf_nl_allowed(cb->skb, cb->extack, false);
	if (ret)
		return ret;
	for (; (vd = vpf_nl_nth(cb->args[0]));
	     cb->args[0]++, cb->args[1] = 0) {
		if (!vpf_nl_dump_match(cb, vd, VPF_A_SLOT_PCI_NAME)) {
			vpf_put(vd);
			continue;
		}
		pci_lock_rescan_remove();
		n = vpf_ports_get(vd, &ports);
		ret = n < 0 ? n : 0;
		for (; !ret && cb->args[1] < n; cb->args[1]++) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &vpf_nl_family,
					  NLM_F_MULTI, VPF_CMD_SLOT_GET);
			ret = hdr ? vpf_slot_fill(skb, vd, ports[cb->args[1]]) :
				    -EMSGSIZE;
			if (ret) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		if (n >= 0)
			vpf_ports_put(ports, n);
		pci_unlock_rescan_remove();
		vpf_put(vd);
		if (ret)
			break;
	}
	/* A full skb ends this part of the dump; an error ends the dump. */
	if (ret && (ret != -EMSGSIZE || !skb->len))
		return ret;
	return skb->len;
}

/*
 * An event for the "events" group (CAP_SYS_ADMIN to join). @vf, @nsid,
 * @num_vfs: -1 when they say nothing; a VF event carries the VF's state
 * as the card reports it. Best effort: a listener that cannot get one
 * sees its socket's drop count go up.
 */
bool vpf_nl_up;

/* An event message for @vd with its kind, or NULL: no listener, no memory. */
static struct sk_buff *vpf_nl_event_new(struct vpf_dev *vd,
					enum vpf_event_kind kind, void **hdr)
{
	struct sk_buff *msg;

	if (!READ_ONCE(vpf_nl_up) ||
	    !genl_has_listeners(&vpf_nl_family, &init_net, VPF_NLGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &vpf_nl_family, 0, VPF_CMD_EVENT);
	if (!*hdr ||
	    nla_put_string(msg, VPF_A_EVENT_PCI_NAME, pci_name(vd->pdev)) ||
	    nla_put_u32(msg, VPF_A_EVENT_KIND, kind)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send it, or drop it when @err (its attributes did not fit). */
static void vpf_nl_event_send(struct sk_buff *msg, void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vpf_nl_family, msg, 0, VPF_NLGRP_EVENTS, GFP_KERNEL);
}

void vpf_nl_event(struct vpf_dev *vd, enum vpf_event_kind kind, int vf,
		  s64 nsid, int num_vfs, const char *message)
{
	const struct vpf_vf *v = vf >= 0 ? &vd->vfs[vf] : NULL;
	struct sk_buff *msg;
	void *hdr;

	msg = vpf_nl_event_new(vd, kind, &hdr);
	if (!msg)
		return;
	vpf_nl_event_send(msg, hdr,
			  (v && (nla_put_u32(msg, VPF_A_EVENT_VF, vf) ||
				 nla_put_u8(msg, VPF_A_EVENT_ONLINE, v->online) ||
				 nla_put_u32(msg, VPF_A_EVENT_VQ, v->nvq) ||
				 nla_put_u32(msg, VPF_A_EVENT_VI, v->nvi) ||
				 nla_put_u32(msg, VPF_A_EVENT_DRIVER,
					     v->conf.driver))) ||
			  (nsid >= 0 &&
			   nla_put_u32(msg, VPF_A_EVENT_NSID, nsid)) ||
			  (num_vfs >= 0 &&
			   nla_put_u32(msg, VPF_A_EVENT_NUM_VFS, num_vfs)) ||
			  (message &&
			   nla_put_string(msg, VPF_A_EVENT_MESSAGE, message)));
}

/* A hot-plug event: @port the slot, @fn the function, @bound its driver. */
void vpf_nl_slot_event(struct vpf_dev *vd, enum vpf_event_kind kind,
		       struct pci_dev *port, struct pci_dev *fn,
		       const char *bound)
{
	struct sk_buff *msg;
	void *hdr;

	msg = vpf_nl_event_new(vd, kind, &hdr);
	if (!msg)
		return;
	vpf_nl_event_send(msg, hdr,
			  (port && nla_put_string(msg, VPF_A_EVENT_SLOT,
						  pci_name(port))) ||
			  nla_put_string(msg, VPF_A_EVENT_FUNCTION,
					 pci_name(fn)) ||
			  (bound &&
			   nla_put_string(msg, VPF_A_EVENT_BOUND, bound)));
}
