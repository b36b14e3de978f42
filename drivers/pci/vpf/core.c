// SPDX-License-Identifier: GPL-2.0
/*
 * vpf: the PF driver of an NVMe offload card with SR-IOV.
 *
 * vpf binds only the PFs it is told to (the "pfs" parameter, pfctl dev add,
 * or a new_id the operator writes), drives the PF's admin queue itself, and
 * provisions the PF's VFs the way the NVMe Virtualization Enhancements
 * order it: VFs enabled, then per VF its flexible queue (VQ) and interrupt
 * (VI) resources assigned while it is offline, then online, then a driver.
 * VFs carry the PF's device id, so every VF gets driver_override "none"
 * when it appears (bus notifier, before it can probe): no driver can probe
 * a VF that is not ready, and a VF gets the driver it was given only once
 * it is online.
 *
 * Namespaces: a tenant namespace is attached to one VF at most, and one
 * that may hold another tenant's data is erased (Format NVM, attached to
 * the PF for the time it takes) before a different VF gets it.
 *
 * Any reset of the PF takes every secondary controller offline with no
 * resources; vpf replays what was configured (resources, online state,
 * attachments) after it. Documentation/pf.rst has the whole story.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vpf.h"
#include "vpf-nl-gen.h"

static char *vpf_pfs;
module_param_named(pfs, vpf_pfs, charp, 0444);
MODULE_PARM_DESC(pfs,
		 "PCI addresses of the PFs to drive, comma-separated (e.g. 0000:05:00.0); others only through pfctl dev add");

unsigned int vpf_vf_vq = VPF_VF_MIN_VQ;
module_param_named(vf_vq, vpf_vf_vq, uint, 0644);
MODULE_PARM_DESC(vf_vq,
		 "Queue resources (VQ) each VF gets when VFs are enabled without a count (default 2, at least 2)");

unsigned int vpf_vf_vi = VPF_VF_MIN_VI;
module_param_named(vf_vi, vpf_vf_vi, uint, 0644);
MODULE_PARM_DESC(vf_vi,
		 "Interrupt resources (VI) each VF gets when VFs are enabled without a count (default 1, at least 1)");

static char vpf_vf_driver_name[16] = "none";
module_param_string(vf_driver, vpf_vf_driver_name, sizeof(vpf_vf_driver_name),
		    0644);
MODULE_PARM_DESC(vf_driver,
		 "Driver of VFs enabled through sriov_numvfs: none, nvme or vfio-pci (default none)");

unsigned int vpf_wipe_timeout = 600;
module_param_named(wipe_timeout, vpf_wipe_timeout, uint, 0644);
MODULE_PARM_DESC(wipe_timeout,
		 "Seconds a namespace erase (Format NVM) may take (default 600)");

static unsigned int vpf_admin_timeout = 10;
module_param_named(admin_timeout, vpf_admin_timeout, uint, 0644);
MODULE_PARM_DESC(admin_timeout,
		 "Seconds any other admin command may take (default 10)");

const char vpf_msg_vf_busy[] =
	"the VF is in use (vfio-pci open, or a block device open); force overrides";

/* The PFs vpf drives. */
LIST_HEAD(vpf_devs);
/* Guards vpf_devs, not the PFs on it (each has its own lock). */
DEFINE_MUTEX(vpf_devs_lock);

static const char *const vpf_driver_names[] = {
	[VPF_VF_DRIVER_NONE] = VPF_OVERRIDE_NONE,
	[VPF_VF_DRIVER_NVME] = "nvme",
	[VPF_VF_DRIVER_VFIO_PCI] = "vfio-pci",
};

static void vpf_release(struct kref *kref)
{
	struct vpf_dev *vd = container_of(kref, struct vpf_dev, kref);

	xa_destroy(&vd->ns);
	kfree(vd->vfs);
	pci_dev_put(vd->card);
	pci_dev_put(vd->pdev);
	kfree(vd);
}

/* The PF vpf drives at @pci_name, with a reference; NULL if none. */
struct vpf_dev *vpf_get(const char *name)
{
	struct vpf_dev *vd;

	mutex_lock(&vpf_devs_lock);
	list_for_each_entry(vd, &vpf_devs, node) {
		if (!strcmp(pci_name(vd->pdev), name)) {
			kref_get(&vd->kref);
			mutex_unlock(&vpf_devs_lock);
			return vd;
		}
	}
	mutex_unlock(&vpf_devs_lock);
	return NULL;
}

void vpf_put(struct vpf_dev *vd)
{
	kref_put(&vd->kref, vpf_release);
}

/*
 * The PF's device lock is vpf's lock of a PF: the driver core holds it
 * around probe and remove, the PCI core around sriov_configure,
 * sriov_set_msix_vec_count, the reset handlers and the AER handlers, and
 * netlink takes it here. Every path that may take a VF's device lock holds
 * the PF's first, as those PCI core paths do, so no two of them can wait
 * on each other's VF. There is no lock of vpf's own below it: the AER
 * handlers run with pci_bus_sem held for reading, and adding VFs and
 * looking them up (pci_get_slot) take pci_bus_sem.
 */
void vpf_lock(struct vpf_dev *vd)
{
	device_lock(&vd->pdev->dev);
}

void vpf_unlock(struct vpf_dev *vd)
{
	device_unlock(&vd->pdev->dev);
}

/* An admin command; a negative errno, NVMe errors mapped. */
static int vpf_exec(struct vpf_dev *vd, struct nvme_command *c, bool data,
		    unsigned int timeout, u32 *result)
{
	int ret = vpf_admin_exec(vd, c, data, timeout, result);

	if (ret > 0) {
		pci_dbg(vd->pdev, "admin %#x cdw10 %#x: %s (%#x)\n",
			c->common.opcode, le32_to_cpu(c->common.cdw10),
			vpf_status_str(ret), ret);
		ret = vpf_status_errno(ret);
	}
	return ret;
}

int vpf_identify(struct vpf_dev *vd, u8 cns, u32 nsid, u16 cntid)
{
	struct nvme_command c;

	vpf_cmd_identify(&c, cns, nsid, cntid);
	return vpf_exec(vd, &c, true, vpf_admin_timeout, NULL);
}

static int vpf_virt_mgmt(struct vpf_dev *vd, u8 act, enum vpf_res rt,
			 u16 cntlid, u16 nr)
{
	struct nvme_command c;

	vpf_cmd_virt_mgmt(&c, act, rt, cntlid, nr);
	return vpf_exec(vd, &c, false, vpf_admin_timeout, NULL);
}

/* Read the secondary controller list into vd->vfs (cntlid, state). */
int vpf_refresh_vfs(struct vpf_dev *vd)
{
	const struct vpf_id_sec_list *l = vd->adm.buf;
	unsigned int i, vfn;
	u32 start = 0;
	int ret;

	do {
		ret = vpf_identify(vd, NVME_ID_CNS_SCNDRY_CTRL_LIST, 0, start);
		if (ret)
			return ret;
		for (i = 0; i < min_t(u8, l->num, VPF_SEC_LIST_MAX); i++) {
			const struct vpf_id_secondary *e = &l->sc[i];

			start = le16_to_cpu(e->scid) + 1;
			vfn = le16_to_cpu(e->vfn);
			if (le16_to_cpu(e->pcid) != vd->cntlid || !vfn ||
			    vfn > vd->total_vfs)
				continue;
			vd->vfs[vfn - 1].cntlid = le16_to_cpu(e->scid);
			vd->vfs[vfn - 1].nvq = le16_to_cpu(e->nvq);
			vd->vfs[vfn - 1].nvi = le16_to_cpu(e->nvi);
			vd->vfs[vfn - 1].online = e->scs & 1;
		}
	} while (l->num == VPF_SEC_LIST_MAX && start <= U16_MAX);
	return 0;
}

static bool vpf_is_vf(struct pci_dev *pf, struct pci_dev *pdev,
		      unsigned int vf)
{
	return pdev->is_virtfn && pdev->physfn == pf &&
	       pci_iov_vf_id(pdev) == vf;
}

/*
 * VF @vf as a pci_dev, with a reference; NULL when it is not enabled.
 * A VF is on the PF's bus unless its routing id went past it (the bus
 * number of a VF is not exported to modules): look there first.
 */
struct pci_dev *vpf_vf_pdev(struct vpf_dev *vd, unsigned int vf)
{
	struct pci_dev *pf = vd->pdev, *pdev;
	int devfn;

	if (vf >= vd->num_vfs)
		return NULL;
	devfn = pci_iov_virtfn_devfn(pf, vf);
	if (devfn < 0)
		return NULL;
	/*
	 * Not pci_get_slot(): no pci_bus_sem, which AER recovery holds. On
	 * the PF's bus, or else (VFs past its last device number) the loop.
	 */
	pdev = pci_get_domain_bus_and_slot(pci_domain_nr(pf->bus),
					   pf->bus->number, devfn);
	if (pdev && vpf_is_vf(pf, pdev, vf))
		return pdev;
	pci_dev_put(pdev);
	pdev = NULL;
	for_each_pci_dev(pdev)
		if (vpf_is_vf(pf, pdev, vf))
			return pdev;
	return NULL;
}

static int vpf_bdev_open(struct device *dev, void *unused)
{
	if (dev->class && !strcmp(dev->class->name, "block") &&
	    atomic_read(&dev_to_bdev(dev)->bd_openers))
		return 1;
	return device_for_each_child(dev, NULL, vpf_bdev_open);
}

/*
 * Is @pdev in use? Open through vfio-pci (vfio-pci enables the device
 * when its user opens it, not at probe), or a block device of it is open
 * (an nvme disk mounted, or held by a VM). Takes its device lock.
 */
bool vpf_pdev_in_use(struct pci_dev *pdev)
{
	bool busy = false;

	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		if (!strcmp(pdev->dev.driver->name, "vfio-pci"))
			busy = pci_is_enabled(pdev);
		else
			busy = device_for_each_child(&pdev->dev, NULL,
						     vpf_bdev_open);
	}
	device_unlock(&pdev->dev);
	return busy;
}

/* Is VF @vf in use (vpf_pdev_in_use)? Called with the PF locked. */
bool vpf_vf_in_use(struct vpf_dev *vd, unsigned int vf)
{
	struct pci_dev *pdev = vpf_vf_pdev(vd, vf);
	bool busy;

	if (!pdev)
		return false;
	busy = vpf_pdev_in_use(pdev);
	pci_dev_put(pdev);
	return busy;
}

/* Give VF @vf the driver its configuration says, or none while offline. */
static int vpf_vf_bind(struct vpf_dev *vd, unsigned int vf, const char **why)
{
	const struct vpf_vf_conf *conf = &vd->vfs[vf].conf;
	const char *name = vpf_driver_names[VPF_VF_DRIVER_NONE];
	struct pci_dev *pdev = vpf_vf_pdev(vd, vf);
	int ret = 0;

	if (!pdev)
		return -ENODEV;
	if (conf->online)
		name = vpf_driver_names[conf->driver];
	if (pdev->dev.driver && strcmp(pdev->dev.driver->name, name))
		device_release_driver(&pdev->dev);
	ret = device_set_driver_override(&pdev->dev, name);
	if (ret || !conf->online || conf->driver == VPF_VF_DRIVER_NONE)
		goto out;
	if (!pdev->dev.driver) {
		/* A modprobe is a process: not one for every VF. */
		if (!driver_find(name, &pci_bus_type))
			request_module("%s", name);
		ret = device_attach(&pdev->dev);
		if (ret < 0) {
			*why = "the VF's driver failed to probe it (see the kernel log)";
		} else if (!ret) {
			*why = "the VF's driver is not available";
			ret = -ENODEV;
		} else {
			ret = 0;
		}
	}
out:
	pci_dev_put(pdev);
	return ret;
}

static int vpf_vf_offline(struct vpf_dev *vd, unsigned int vf)
{
	int ret;

	/* Offline also takes the VF's resources back (NVQ = NVI = 0). */
	ret = vpf_virt_mgmt(vd, VPF_VM_ACT_SEC_OFFLINE, VPF_RES_VQ,
			    vd->vfs[vf].cntlid, 0);
	if (!ret) {
		vd->vfs[vf].online = false;
		vd->vfs[vf].nvq = 0;
		vd->vfs[vf].nvi = 0;
	}
	return ret;
}

/*
 * Make the card's state of VF @vf what its configuration says: resources
 * (assigned only while offline), then online. Its driver is not touched.
 */
static int vpf_vf_provision(struct vpf_dev *vd, unsigned int vf,
			    const char **why)
{
	struct vpf_vf *v = &vd->vfs[vf];
	int ret;

	if (!v->cntlid) {
		*why = "the VF has no secondary controller";
		return -ENODEV;
	}
	if (v->online &&
	    (!v->conf.online || v->nvq != v->conf.vq || v->nvi != v->conf.vi)) {
		ret = vpf_vf_offline(vd, vf);
		if (ret)
			goto err;
	}
	if (!v->online && (v->nvq != v->conf.vq || v->nvi != v->conf.vi)) {
		ret = vpf_virt_mgmt(vd, VPF_VM_ACT_SEC_ASSIGN, VPF_RES_VQ,
				    v->cntlid, v->conf.vq);
		if (ret)
			goto err;
		v->nvq = v->conf.vq;
		ret = vpf_virt_mgmt(vd, VPF_VM_ACT_SEC_ASSIGN, VPF_RES_VI,
				    v->cntlid, v->conf.vi);
		if (ret)
			goto err;
		v->nvi = v->conf.vi;
	}
	if (v->conf.online && !v->online) {
		ret = vpf_virt_mgmt(vd, VPF_VM_ACT_SEC_ONLINE, VPF_RES_VQ,
				    v->cntlid, 0);
		if (ret)
			goto err;
		v->online = true;
	}
	return 0;
err:
	*why = "the card refused a Virtualization Management command";
	return ret;
}

static int vpf_conf_check(struct vpf_dev *vd, const struct vpf_vf_conf *c,
			  const char **why)
{
	if (c->online && (c->vq < VPF_VF_MIN_VQ || c->vi < VPF_VF_MIN_VI)) {
		*why = "an online VF needs at least 2 queue (vq) and 1 interrupt (vi) resources";
		return -EINVAL;
	}
	if (c->driver >= ARRAY_SIZE(vpf_driver_names)) {
		*why = "unknown VF driver";
		return -EINVAL;
	}
	return 0;
}

static void vpf_hold_module(struct vpf_dev *vd, bool hold)
{
	if (hold && !vd->holds_module)
		__module_get(THIS_MODULE);
	else if (!hold && vd->holds_module)
		module_put(THIS_MODULE);
	vd->holds_module = hold;
}

static void vpf_sriov_disable(struct vpf_dev *vd)
{
	unsigned int i, n = vd->num_vfs;

	/*
	 * Unbinds and removes the VFs; the card takes their controllers
	 * offline, and whatever it did not is done here.
	 */
	pci_disable_sriov(vd->pdev);
	vd->num_vfs = 0;
	if (vd->state == VPF_LIVE)
		vpf_refresh_vfs(vd);
	for (i = 0; i < n; i++) {
		if (vd->state == VPF_LIVE &&
		    (vd->vfs[i].online || vd->vfs[i].nvq || vd->vfs[i].nvi))
			vpf_vf_offline(vd, i);
		memset(&vd->vfs[i].conf, 0, sizeof(vd->vfs[i].conf));
	}
	if (vd->state == VPF_LIVE)
		vpf_ns_detach_all(vd);
	vpf_hold_module(vd, false);
}

/*
 * Enable @num VFs, each provisioned as @conf says and handed to its driver,
 * or disable them (@num 0). Called with the PF's device lock.
 */
int vpf_sriov_set(struct vpf_dev *vd, int num, const struct vpf_vf_conf *conf,
		  bool force, const char **why)
{
	unsigned int i;
	int ret;

	vpf_assert_locked(vd);
	/* Disabling needs no admin command: a failed PF can drop its VFs. */
	if (num && vd->state != VPF_LIVE) {
		*why = "the PF is not live";
		return vd->state == VPF_FAILED ? -ENODEV : -EAGAIN;
	}
	if (!num) {
		for (i = 0; i < vd->num_vfs && !force; i++) {
			if (vpf_vf_in_use(vd, i)) {
				*why = vpf_msg_vf_busy;
				return -EBUSY;
			}
		}
		if (vd->num_vfs) {
			vpf_sriov_disable(vd);
			vpf_nl_event(vd, VPF_EVENT_KIND_VFS, -1, -1, 0, NULL);
		}
		return 0;
	}
	if (vd->num_vfs) {
		*why = "VFs are enabled already: disable them first";
		return -EBUSY;
	}
	if (num > vd->total_vfs) {
		*why = "more VFs than the PF has";
		return -ERANGE;
	}
	ret = vpf_conf_check(vd, conf, why);
	if (ret)
		return ret;
	if (conf->vq > vd->pool.vq_max || conf->vi > vd->pool.vi_max) {
		*why = "more resources per VF than one VF can have";
		return -ERANGE;
	}
	if ((u64)conf->vq * num > vd->pool.vq_total ||
	    (u64)conf->vi * num > vd->pool.vi_total) {
		*why = "not enough flexible resources on the PF for that many VFs";
		return -ENOSPC;
	}

	/* No namespace left on a VF by a disable whose detach failed. */
	ret = vpf_ns_detach_all(vd);
	if (ret) {
		*why = "a namespace is still attached to a VF and cannot be detached";
		return ret;
	}
	ret = pci_enable_sriov(vd->pdev, num);
	if (ret) {
		*why = "enabling SR-IOV failed (see the kernel log)";
		return ret;
	}
	vd->num_vfs = num;
	vpf_hold_module(vd, true);
	for (i = 0; i < num; i++)
		vd->vfs[i].conf = *conf;
	for (i = 0; i < num; i++) {
		ret = vpf_vf_provision(vd, i, why);
		if (ret)
			goto err;
	}
	for (i = 0; i < num; i++) {
		ret = vpf_vf_bind(vd, i, why);
		if (ret)
			goto err;
	}
	vpf_nl_event(vd, VPF_EVENT_KIND_VFS, -1, -1, num, NULL);
	return 0;
err:
	pci_err(vd->pdev, "enabling %d VFs failed at VF %u: %s\n", num, i, *why);
	vpf_sriov_disable(vd);
	return ret;
}

/*
 * Change VF @vf to @conf. Called with the PF's device lock;
 * @vf_locked: and with the VF's, which has no driver (sriov_vf_msix_count):
 * then neither its driver nor its users are looked at.
 */
int vpf_vf_apply(struct vpf_dev *vd, unsigned int vf,
		 const struct vpf_vf_conf *conf, bool force, bool vf_locked,
		 const char **why)
{
	struct vpf_vf *v;
	struct vpf_vf_conf old;
	bool down;
	int ret;

	vpf_assert_locked(vd);
	if (vd->state != VPF_LIVE) {
		*why = "the PF is not live";
		return vd->state == VPF_FAILED ? -ENODEV : -EAGAIN;
	}
	if (vf >= vd->num_vfs) {
		*why = "no such VF (see pfctl vf list)";
		return -ENOENT;
	}
	v = &vd->vfs[vf];
	ret = vpf_conf_check(vd, conf, why);
	if (ret)
		return ret;
	ret = vpf_res_check(&vd->pool, vd->vfs, vd->num_vfs, vf, conf->vq,
			    conf->vi, why);
	if (ret)
		return ret;
	old = v->conf;
	/* The VF's user loses it if it goes offline or changes driver. */
	down = (old.online && (!conf->online || conf->vq != old.vq ||
			       conf->vi != old.vi)) ||
	       (old.online && conf->driver != old.driver);
	if (down && !vf_locked && !force && vpf_vf_in_use(vd, vf)) {
		*why = vpf_msg_vf_busy;
		return -EBUSY;
	}
	if (down && !vf_locked) {
		/* Unbind first: its driver must not see the controller go. */
		v->conf.online = 0;
		vpf_vf_bind(vd, vf, why);
	}
	v->conf = *conf;
	ret = vpf_vf_provision(vd, vf, why);
	if (!ret && !vf_locked)
		ret = vpf_vf_bind(vd, vf, why);
	if (ret)
		pci_err(vd->pdev, "VF %u: %s\n", vf, *why);
	vpf_nl_event(vd, VPF_EVENT_KIND_VF, vf, -1, -1, ret ? *why : NULL);
	return ret;
}

/*
 * Replay the configured state after a reset took every secondary offline:
 * resources and online state, then attachments. Drivers stay bound; theirs
 * recover their VFs (reset_done, or the AER resume that follows).
 */
static int vpf_replay(struct vpf_dev *vd)
{
	const char *why = NULL;
	unsigned int i;
	int ret;

	ret = vpf_refresh_vfs(vd);
	if (ret)
		return ret;
	for (i = 0; i < vd->num_vfs; i++) {
		ret = vpf_vf_provision(vd, i, &why);
		if (ret) {
			pci_err(vd->pdev, "VF %u not restored: %s\n", i, why);
			return ret;
		}
	}
	return vpf_ns_replay(vd);
}

/* Start the admin queue and learn what the controller is. */
static int vpf_ctrl_init(struct vpf_dev *vd)
{
	struct pci_dev *pdev = vd->pdev;
	const struct vpf_id_primary *pri;
	const struct nvme_id_ctrl *id;
	int ret;

	ret = vpf_admin_init(vd);
	if (ret)
		return ret;
	/* The admin queue's data buffer exists from here on. */
	id = vd->adm.buf;
	pri = vd->adm.buf;
	vd->state = VPF_LIVE;
	ret = vpf_identify(vd, NVME_ID_CNS_CTRL, 0, 0);
	if (ret)
		return ret;
	vd->cntlid = le16_to_cpu(id->cntlid);
	vd->nn = le32_to_cpu(id->nn);
	memcpy(vd->serial, id->sn, sizeof(id->sn));
	strim(vd->serial);
	memcpy(vd->model, id->mn, sizeof(id->mn));
	strim(vd->model);
	if (!(le16_to_cpu(id->oacs) & NVME_CTRL_OACS_NS_MNGT_SUPP) ||
	    !(le16_to_cpu(id->oacs) & BIT(7))) {
		pci_err(pdev, "controller has no Namespace Attachment or Virtualization Management\n");
		return -ENODEV;
	}
	/*
	 * FNA bits 0 and 1: a format, or a secure erase, applies to every
	 * namespace of the subsystem. Erasing one tenant's would erase all.
	 */
	vd->erase_all = !(le16_to_cpu(id->oacs) & BIT(1)) || (id->fna & 3);
	if (vd->erase_all)
		pci_warn(pdev, "Format NVM is missing or erases every namespace: vpf will not erase, so namespaces are not moved between VFs\n");
	ret = vpf_identify(vd, VPF_ID_CNS_PRIMARY, 0, 0);
	if (ret)
		return ret;
	vpf_pool_parse(pri, &vd->pool);
	if (!vd->pool.vq_total || !vd->pool.vi_total) {
		pci_err(pdev, "controller has no flexible queue and interrupt resources for VFs\n");
		return -ENODEV;
	}
	if (le16_to_cpu(pri->vqrfap) || le16_to_cpu(pri->virfap)) {
		/*
		 * The primary holds flexible resources: give them back. It
		 * takes effect at the PF's next function reset.
		 */
		ret = vpf_virt_mgmt(vd, VPF_VM_ACT_PRIMARY_FLEX, VPF_RES_VQ,
				    vd->cntlid, 0);
		if (!ret)
			ret = vpf_virt_mgmt(vd, VPF_VM_ACT_PRIMARY_FLEX,
					    VPF_RES_VI, vd->cntlid, 0);
		if (ret)
			return ret;
		return 1;
	}
	return 0;
}

static int vpf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vpf_dev *vd;
	int ret, total;

	if (pdev->is_virtfn || pdev->class != PCI_CLASS_STORAGE_EXPRESS) {
		pci_info(pdev, "not an NVMe physical function; vpf does not drive it\n");
		return -ENODEV;
	}
	total = pci_sriov_get_totalvfs(pdev);
	if (total <= 0) {
		pci_info(pdev, "no SR-IOV capability; vpf does not drive it\n");
		return -ENODEV;
	}
	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	kref_init(&vd->kref);
	xa_init(&vd->ns);
	vd->pdev = pci_dev_get(pdev);
	vd->card = vpf_card_root(pdev);
	vd->slot_driver = READ_ONCE(vpf_slot_driver_default);
	vd->state = VPF_FAILED;
	vd->total_vfs = min(total, VPF_MAX_VFS);
	vd->vfs = kcalloc(vd->total_vfs, sizeof(*vd->vfs), GFP_KERNEL);
	if (!vd->vfs) {
		ret = -ENOMEM;
		goto err_put;
	}

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_put;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_disable;
	ret = pci_request_mem_regions(pdev, VPF_DRV_NAME);
	if (ret)
		goto err_disable;
	pci_set_master(pdev);
	vd->bar = pci_iomap(pdev, 0, 0);
	if (!vd->bar) {
		ret = -ENOMEM;
		goto err_regions;
	}
	pci_set_drvdata(pdev, vd);

	ret = vpf_ctrl_init(vd);
	if (ret == 1) {
		/*
		 * Released primary resources count after a function reset,
		 * which calls our own reset handlers: they do nothing while
		 * vd->probing (this thread holds the PF's lock).
		 */
		vd->state = VPF_RECOVERING;
		vd->probing = true;
		pci_save_state(pdev);
		ret = pci_reset_function_locked(pdev);
		pci_restore_state(pdev);
		vd->probing = false;
		if (!ret)
			ret = vpf_ctrl_init(vd);
		if (ret == 1) {
			pci_err(pdev, "controller kept its flexible resources across a reset\n");
			ret = -EIO;
		}
	}
	if (!ret && pci_num_vf(pdev)) {
		pci_err(pdev, "SR-IOV is already enabled; disable it first\n");
		ret = -EBUSY;
	}
	if (!ret)
		ret = vpf_refresh_vfs(vd);
	if (!ret)
		ret = vpf_ns_scan(vd);
	if (!ret)
		ret = vpf_ns_detach_all(vd);
	if (ret)
		goto err_admin;
	pci_save_state(pdev);

	mutex_lock(&vpf_devs_lock);
	list_add_tail(&vd->node, &vpf_devs);
	mutex_unlock(&vpf_devs_lock);
	pci_info(pdev, "%s %s: %u VFs, %u VQ and %u VI flexible resources, %u namespaces\n",
		 vd->model, vd->serial, vd->total_vfs, vd->pool.vq_total,
		 vd->pool.vi_total, vd->nn);
	return 0;

err_admin:
	vpf_admin_free(vd);
	vpf_ns_free(vd);
	pci_iounmap(pdev, vd->bar);
err_regions:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put:
	pci_set_drvdata(pdev, NULL);
	vpf_put(vd);
	return ret < 0 ? ret : -EIO;
}

static void vpf_remove(struct pci_dev *pdev)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);

	mutex_lock(&vpf_devs_lock);
	list_del(&vd->node);
	mutex_unlock(&vpf_devs_lock);

	if (pci_dev_is_disconnected(pdev))
		vd->state = VPF_FAILED;
	if (vd->num_vfs)
		vpf_sriov_disable(vd);
	vd->state = VPF_FAILED;
	vpf_admin_free(vd);
	vpf_ns_free(vd);
	vd->removed = true;

	pci_iounmap(pdev, vd->bar);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	vpf_put(vd);
}

static int vpf_sriov_configure(struct pci_dev *pdev, int num)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);
	struct vpf_vf_conf conf = {
		.vq = READ_ONCE(vpf_vf_vq),
		.vi = READ_ONCE(vpf_vf_vi),
		.online = 1,
	};
	const char *why = NULL;
	int ret, i;

	i = sysfs_match_string(vpf_driver_names, vpf_vf_driver_name);
	if (i < 0) {
		pci_err(pdev, "vf_driver=%s: not none, nvme or vfio-pci\n",
			vpf_vf_driver_name);
		return -EINVAL;
	}
	conf.driver = i;
	ret = vpf_sriov_set(vd, num, &conf, false, &why);
	if (ret) {
		pci_err(pdev, "sriov_numvfs %d: %s\n", num, why);
		return ret;
	}
	return num;
}

/*
 * sriov_vf_msix_count: a VF's interrupt resources, set while it has no
 * driver. The PCI core holds the PF's and the VF's device locks.
 */
static int vpf_sriov_set_msix_vec_count(struct pci_dev *vf, int count)
{
	struct pci_dev *pf = pci_physfn(vf);
	struct vpf_dev *vd = pci_get_drvdata(pf);
	struct vpf_vf_conf conf;
	const char *why = NULL;
	int id = pci_iov_vf_id(vf), ret;

	if (id < 0 || count < 0 || count > U16_MAX)
		return -EINVAL;
	if (id >= vd->num_vfs) {
		ret = -ENODEV;
		goto out;
	}
	conf = vd->vfs[id].conf;
	conf.vi = count;
	ret = vpf_vf_apply(vd, id, &conf, false, true, &why);
	if (ret)
		pci_err(pf, "VF %d: sriov_vf_msix_count %d: %s\n", id, count, why);
out:
	return ret;
}

static u32 vpf_sriov_get_vf_total_msix(struct pci_dev *pf)
{
	struct vpf_dev *vd = pci_get_drvdata(pf);

	return vd->pool.vi_total;
}

/*
 * Resets of the PF (FLR through sysfs "reset", or a reset of the bus above
 * it) take every VF's controller offline with no resources, under the
 * feet of the VFs' drivers. Once vpf has replayed the configuration, each
 * VF's driver goes through its own reset handlers (nvme: reset_prepare
 * disables the controller and cancels what was in flight, reset_done
 * starts it again and requeues), as for a reset of the VF itself.
 *
 * Not pci_reset_function() on the VF: it takes the lock of the bridge
 * above, which the PF's reset holds. The PF's lock, held here, keeps out
 * every path that could wait on a VF's frozen queues (unbinding a VF
 * deletes its disks).
 */
static void vpf_vfs_reset(struct vpf_dev *vd, unsigned int num)
{
	const struct pci_error_handlers *eh;
	struct pci_dev *vf;
	unsigned int i;

	for (i = 0; i < num; i++) {
		vf = vpf_vf_pdev(vd, i);
		if (!vf)
			continue;
		/*
		 * A bus reset (reset_subordinate) holds every VF's lock and
		 * takes their drivers through their handlers itself.
		 */
		if (!device_trylock(&vf->dev)) {
			pci_dev_put(vf);
			continue;
		}
		eh = vf->dev.driver ? to_pci_driver(vf->dev.driver)->err_handler :
				      NULL;
		if (eh && eh->reset_prepare && eh->reset_done) {
			eh->reset_prepare(vf);
			eh->reset_done(vf);
		}
		device_unlock(&vf->dev);
		pci_dev_put(vf);
	}
}

static void vpf_reset_prepare(struct pci_dev *pdev)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);

	if (READ_ONCE(vd->probing))
		return;
	vpf_admin_disable(vd);
	vd->state = VPF_RECOVERING;
	vpf_nl_event(vd, VPF_EVENT_KIND_RESET, -1, -1, vd->num_vfs,
		     "function reset");
}

static int vpf_restart(struct vpf_dev *vd)
{
	int ret;

	ret = vpf_ctrl_init(vd);
	if (ret == 1) {
		pci_warn(vd->pdev, "the primary took flexible resources back; they count after the next reset\n");
		ret = 0;
	}
	if (!ret)
		ret = vpf_replay(vd);
	if (ret) {
		vd->state = VPF_FAILED;
		pci_err(vd->pdev, "recovery failed (%d): the PF stays failed until it is unbound\n",
			ret);
		vpf_nl_event(vd, VPF_EVENT_KIND_FAILED, -1, -1, vd->num_vfs,
			     "recovery failed: unbind the PF");
	} else {
		pci_info(vd->pdev, "recovered: %u VFs restored\n", vd->num_vfs);
		vpf_nl_event(vd, VPF_EVENT_KIND_RECOVERED, -1, -1, vd->num_vfs,
			     NULL);
	}
	return ret;
}

static void vpf_reset_done(struct pci_dev *pdev)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);
	unsigned int num;
	int ret;

	/*
	 * A function reset of the PF also clears VF Enable in its SR-IOV
	 * capability; the PCI core restored it with the PF's config space.
	 * The PF's device lock keeps SR-IOV as it is until this returns.
	 */
	if (READ_ONCE(vd->probing))
		return;
	ret = vpf_restart(vd);
	num = vd->num_vfs;
	if (!ret)
		vpf_vfs_reset(vd, num);
}

/*
 * As nvme does: a non-fatal error left the link and the controller as they
 * were, so nothing is reset and the VFs go on (their own drivers decide for
 * themselves); a frozen link is reset by the PCI core below the bridge
 * above the PF, which takes every VF's controller offline: slot_reset
 * replays them.
 */
static pci_ers_result_t vpf_error_detected(struct pci_dev *pdev,
					   pci_channel_state_t state)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);
	pci_ers_result_t res = PCI_ERS_RESULT_NEED_RESET;

	switch (state) {
	case pci_channel_io_normal:
		pci_warn(pdev, "PCI error (non-fatal): nothing to reset, VFs go on\n");
		vpf_nl_event(vd, VPF_EVENT_KIND_ERROR, -1, -1, vd->num_vfs,
			     "PCI error, non-fatal");
		res = PCI_ERS_RESULT_CAN_RECOVER;
		break;
	case pci_channel_io_frozen:
		/* No MMIO now: the link may read all ones. */
		pci_warn(pdev, "PCI error (frozen): VFs go offline until the link is reset\n");
		if (vd->state != VPF_FAILED)
			vd->state = VPF_RECOVERING;
		vpf_nl_event(vd, VPF_EVENT_KIND_ERROR, -1, -1, vd->num_vfs,
			     "PCI error, link frozen");
		break;
	default:
		vd->state = VPF_FAILED;
		vpf_nl_event(vd, VPF_EVENT_KIND_FAILED, -1, -1, vd->num_vfs,
			     "permanent PCI failure");
		res = PCI_ERS_RESULT_DISCONNECT;
		break;
	}
	return res;
}

static pci_ers_result_t vpf_slot_reset(struct pci_dev *pdev)
{
	struct vpf_dev *vd = pci_get_drvdata(pdev);
	int ret;

	/* Failed stays failed until the PF is unbound. */
	if (vd->state == VPF_FAILED)
		return PCI_ERS_RESULT_DISCONNECT;
	/*
	 * Live: a non-fatal error that another device asked a reset for,
	 * and none came (the PCI core resets nothing then). The VFs go on.
	 */
	if (vd->state == VPF_LIVE)
		return PCI_ERS_RESULT_RECOVERED;
	pci_restore_state(pdev);
	pci_save_state(pdev);
	ret = vpf_restart(vd);
	return ret ? PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_RECOVERED;
}

static void vpf_resume(struct pci_dev *pdev)
{
	pci_info(pdev, "resumed after a PCI error\n");
}

static const struct pci_error_handlers vpf_err_handler = {
	.error_detected = vpf_error_detected,
	.slot_reset = vpf_slot_reset,
	.resume = vpf_resume,
	.reset_prepare = vpf_reset_prepare,
	.reset_done = vpf_reset_done,
};

/* No ids: vpf drives only the PFs whose driver_override names it. */
static const struct pci_device_id vpf_ids[] = {
	{ }
};
MODULE_DEVICE_TABLE(pci, vpf_ids);

struct pci_driver vpf_driver = {
	.name = VPF_DRV_NAME,
	.id_table = vpf_ids,
	.probe = vpf_probe,
	.remove = vpf_remove,
	.sriov_configure = vpf_sriov_configure,
	.sriov_set_msix_vec_count = vpf_sriov_set_msix_vec_count,
	.sriov_get_vf_total_msix = vpf_sriov_get_vf_total_msix,
	.err_handler = &vpf_err_handler,
};

/* Parse "dddd:bb:dd.f" into a PCI device, with a reference. */
static struct pci_dev *vpf_find_pci(const char *name)
{
	unsigned int dom, bus, dev, fn;
	char end;

	if (sscanf(name, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &end) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return NULL;
	return pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(dev, fn));
}

/* pfctl dev add: take a PF no driver is bound to. */
int vpf_bind(const char *name, const char **why)
{
	struct pci_dev *pdev = vpf_find_pci(name);
	int ret;

	if (!pdev) {
		*why = "no PCI device at that address";
		return -ENODEV;
	}
	if (pdev->is_virtfn || pdev->class != PCI_CLASS_STORAGE_EXPRESS ||
	    pci_sriov_get_totalvfs(pdev) <= 0) {
		*why = "not an NVMe physical function with SR-IOV";
		ret = -EINVAL;
		goto out;
	}
	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		*why = pdev->dev.driver == &vpf_driver.driver ?
		       "vpf drives it already" :
		       "another driver is bound to it: unbind that first";
		device_unlock(&pdev->dev);
		ret = pdev->dev.driver == &vpf_driver.driver ? -EEXIST : -EBUSY;
		goto out;
	}
	device_unlock(&pdev->dev);
	ret = device_set_driver_override(&pdev->dev, VPF_DRV_NAME);
	if (ret)
		goto out;
	ret = device_driver_attach(&vpf_driver.driver, &pdev->dev);
	if (ret) {
		*why = "vpf could not start the PF (see the kernel log)";
		device_set_driver_override(&pdev->dev, "");
	}
out:
	pci_dev_put(pdev);
	return ret;
}

/* pfctl dev del: let a PF go, and its driver_override. */
int vpf_unbind(const char *name, bool force, const char **why)
{
	struct vpf_dev *vd = vpf_get(name);
	struct pci_dev *pdev;
	int ret = 0;

	if (!vd) {
		*why = "vpf does not drive a PF at that address";
		return -ENODEV;
	}
	pdev = pci_dev_get(vd->pdev);
	vpf_lock(vd);
	if (vd->removed) {
		*why = "vpf does not drive a PF at that address";
		ret = -ENODEV;
	} else if (vd->num_vfs) {
		ret = force ? vpf_sriov_set(vd, 0, NULL, true, why) : -EBUSY;
		if (!force)
			*why = "VFs are enabled: disable them first, or force";
	}
	vpf_unlock(vd);
	vpf_put(vd);
	if (!ret)
		device_release_driver(&pdev->dev);
	if (!ret)
		device_set_driver_override(&pdev->dev, "");
	pci_dev_put(pdev);
	return ret;
}

/*
 * Every VF of a PF we drive gets driver_override "none" as it appears,
 * before any driver can probe it; a PF named in "pfs" gets "vpf".
 */
static bool vpf_named(struct pci_dev *pdev)
{
	const char *p = vpf_pfs, *name = pci_name(pdev);
	size_t len = strlen(name);

	while (p && *p) {
		p += strspn(p, ", ");
		if (!strncmp(p, name, len) && (!p[len] || p[len] == ','))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

static int vpf_bus_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	const char *name = NULL;

	if (action == BUS_NOTIFY_ADD_DEVICE) {
		if (pdev->is_virtfn &&
		    pdev->physfn->dev.driver == &vpf_driver.driver)
			name = VPF_OVERRIDE_NONE;
		else if (!pdev->is_virtfn && vpf_named(pdev))
			name = VPF_DRV_NAME;
	}
	if (name) {
		if (device_set_driver_override(&pdev->dev, name))
			pci_err(pdev, "cannot set driver_override %s\n", name);
	} else if (!pdev->is_virtfn) {
		vpf_slot_notify(pdev, action);
	}
	return NOTIFY_DONE;
}

static struct notifier_block vpf_nb = {
	.notifier_call = vpf_bus_notify,
};

static void vpf_claim_named(void)
{
	struct pci_dev *pdev = NULL;

	for_each_pci_dev(pdev) {
		if (pdev->is_virtfn || !vpf_named(pdev))
			continue;
		if (pdev->dev.driver) {
			pci_warn(pdev, "pfs: bound to %s; unbind it, then pfctl dev add %s\n",
				 pdev->dev.driver->name, pci_name(pdev));
			continue;
		}
		if (device_set_driver_override(&pdev->dev, VPF_DRV_NAME))
			pci_err(pdev, "cannot set driver_override\n");
	}
}

static int __init vpf_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &vpf_nb);
	if (ret)
		return ret;
	vpf_claim_named();
	/*
	 * The driver before the family (and the family gone first): a
	 * request may bind the driver (dev-add), and events are sent only
	 * while the family is registered.
	 */
	ret = pci_register_driver(&vpf_driver);
	if (ret)
		goto err_notifier;
	ret = genl_register_family(&vpf_nl_family);
	if (ret)
		goto err_driver;
	WRITE_ONCE(vpf_nl_up, true);
	return 0;

err_driver:
	pci_unregister_driver(&vpf_driver);
err_notifier:
	bus_unregister_notifier(&pci_bus_type, &vpf_nb);
	return ret;
}

static void __exit vpf_exit(void)
{
	WRITE_ONCE(vpf_nl_up, false);
	genl_unregister_family(&vpf_nl_family);
	pci_unregister_driver(&vpf_driver);
	bus_unregister_notifier(&pci_bus_type, &vpf_nb);
}

module_init(vpf_init);
module_exit(vpf_exit);

MODULE_DESCRIPTION("PF driver for NVMe offload cards with SR-IOV (VF provisioning, tenant namespaces)");
MODULE_LICENSE("GPL");
