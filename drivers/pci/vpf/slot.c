// SPDX-License-Identifier: GPL-2.0
/*
 * The card's switch tree: the PCIe switches the PF sits behind, up to the
 * root port. Its downstream ports are the card's slots; functions the card
 * hot-plugs behind them (pciehp brings them in) get the driver the card's
 * slot policy names before any driver can probe them, and each arrival,
 * binding and departure is an event. Adding and removing are pciehp's
 * (attention button, power control through /sys/bus/pci/slots): vpf
 * reports the tree and applies the policy, it does not replace pciehp.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "vpf.h"
#include "vpf-nl-gen.h"

/*
 * The top of the card's tree: the upstream port of the highest PCIe switch
 * above @pf with only switch ports between them, with a reference; NULL
 * when the PF sits directly below a root port.
 */
struct pci_dev *vpf_card_root(struct pci_dev *pf)
{
	struct pci_dev *br, *top = NULL;

	for (br = pci_upstream_bridge(pf); br && pci_is_pcie(br);
	     br = pci_upstream_bridge(br)) {
		int type = pci_pcie_type(br);

		if (type == PCI_EXP_TYPE_UPSTREAM)
			top = br;
		else if (type != PCI_EXP_TYPE_DOWNSTREAM)
			break;
	}
	return pci_dev_get(top);
}

/* Is @pdev below the card's tree top @root? */
static bool vpf_below(struct pci_dev *root, struct pci_dev *pdev)
{
	struct pci_bus *bus;

	for (bus = pdev->bus; bus; bus = bus->parent)
		if (bus->self == root)
			return true;
	return false;
}

struct vpf_port_walk {
	struct pci_dev **ports;
	unsigned int n, max;
};

static int vpf_port_collect(struct pci_dev *pdev, void *data)
{
	struct vpf_port_walk *w = data;

	if (!pci_is_pcie(pdev) ||
	    pci_pcie_type(pdev) != PCI_EXP_TYPE_DOWNSTREAM)
		return 0;
	if (w->n == w->max)
		return 1;
	w->ports[w->n++] = pci_dev_get(pdev);
	return 0;
}

static int vpf_port_cmp(const void *a, const void *b)
{
	const struct pci_dev *x = *(struct pci_dev * const *)a;
	const struct pci_dev *y = *(struct pci_dev * const *)b;

	if (x->bus->number != y->bus->number)
		return x->bus->number < y->bus->number ? -1 : 1;
	return x->devfn < y->devfn ? -1 : x->devfn > y->devfn;
}

/*
 * The downstream ports of the card's tree by bus and device number, each
 * with a reference (vpf_ports_put); 0 of them when the PF has no switch.
 * Called with pci_lock_rescan_remove() held: no bus below the card's
 * top goes away while its ports are read.
 */
int vpf_ports_get(struct vpf_dev *vd, struct pci_dev ***ports)
{
	struct vpf_port_walk w = { .max = VPF_MAX_PORTS };

	*ports = NULL;
	if (!vd->card || !vd->card->subordinate)
		return 0;
	w.ports = kcalloc(w.max, sizeof(*w.ports), GFP_KERNEL);
	if (!w.ports)
		return -ENOMEM;
	pci_walk_bus(vd->card->subordinate, vpf_port_collect, &w);
	sort(w.ports, w.n, sizeof(*w.ports), vpf_port_cmp, NULL);
	*ports = w.ports;
	return w.n;
}

void vpf_ports_put(struct pci_dev **ports, int n)
{
	while (n-- > 0)
		pci_dev_put(ports[n]);
	kfree(ports);
}

/* Link speed in MT/s from Link Status' Current Link Speed. */
static u32 vpf_link_mts(u16 lnksta)
{
	static const u32 mts[] = { 0, 2500, 5000, 8000, 16000, 32000, 64000 };
	unsigned int cls = lnksta & PCI_EXP_LNKSTA_CLS;

	return cls < ARRAY_SIZE(mts) ? mts[cls] : 0;
}

/* Does @port lead to the card itself: its PF, or a switch? */
static bool vpf_port_is_card(struct vpf_dev *vd, struct pci_dev *port,
			     struct pci_dev *fn)
{
	return vpf_below(port, vd->pdev) || (fn && pci_is_bridge(fn));
}

/* One port for slot-get; pci_lock_rescan_remove() held. */
int vpf_slot_fill(struct sk_buff *skb, struct vpf_dev *vd,
		  struct pci_dev *port)
{
	u32 sltcap = 0, lnkcap = 0;
	u16 sltctl = 0, sltsta = 0, lnksta = 0;
	struct pci_dev *fn = NULL;
	bool slot, link;
	char bus[16];
	int ret = -EMSGSIZE;

	slot = pcie_caps_reg(port) & PCI_EXP_FLAGS_SLOT;
	if (slot) {
		pcie_capability_read_dword(port, PCI_EXP_SLTCAP, &sltcap);
		pcie_capability_read_word(port, PCI_EXP_SLTCTL, &sltctl);
		pcie_capability_read_word(port, PCI_EXP_SLTSTA, &sltsta);
	}
	pcie_capability_read_dword(port, PCI_EXP_LNKCAP, &lnkcap);
	pcie_capability_read_word(port, PCI_EXP_LNKSTA, &lnksta);
	if (port->subordinate)
		fn = pci_get_slot(port->subordinate, PCI_DEVFN(0, 0));
	/* Without Data Link Layer reporting, a function there means a link. */
	link = lnkcap & PCI_EXP_LNKCAP_DLLLARC ?
	       lnksta & PCI_EXP_LNKSTA_DLLLA : !!fn;
	snprintf(bus, sizeof(bus), "%04x:%02x", pci_domain_nr(port->bus),
		 port->subordinate ? port->subordinate->number : 0);

	if (nla_put_string(skb, VPF_A_SLOT_PCI_NAME, pci_name(vd->pdev)) ||
	    nla_put_string(skb, VPF_A_SLOT_PORT, pci_name(port)) ||
	    (port->subordinate && nla_put_string(skb, VPF_A_SLOT_BUS, bus)) ||
	    (slot && nla_put_u32(skb, VPF_A_SLOT_NUMBER,
				 FIELD_GET(PCI_EXP_SLTCAP_PSN, sltcap))) ||
	    ((sltcap & PCI_EXP_SLTCAP_HPC) &&
	     nla_put_flag(skb, VPF_A_SLOT_HOTPLUG)) ||
	    ((slot ? sltsta & PCI_EXP_SLTSTA_PDS : !!fn) &&
	     nla_put_flag(skb, VPF_A_SLOT_OCCUPIED)) ||
	    nla_put_u8(skb, VPF_A_SLOT_POWER,
		       !(sltcap & PCI_EXP_SLTCAP_PCP) ||
		       !(sltctl & PCI_EXP_SLTCTL_PCC)) ||
	    (link && nla_put_flag(skb, VPF_A_SLOT_LINK_UP)) ||
	    (link && nla_put_u32(skb, VPF_A_SLOT_SPEED, vpf_link_mts(lnksta))) ||
	    (link && nla_put_u32(skb, VPF_A_SLOT_WIDTH,
				 FIELD_GET(PCI_EXP_LNKSTA_NLW, lnksta))) ||
	    (vpf_port_is_card(vd, port, fn) &&
	     nla_put_flag(skb, VPF_A_SLOT_CARD)))
		goto out;
	if (fn) {
		if (nla_put_string(skb, VPF_A_SLOT_FUNCTION, pci_name(fn)) ||
		    nla_put_u32(skb, VPF_A_SLOT_VENDOR, fn->vendor) ||
		    nla_put_u32(skb, VPF_A_SLOT_DEVICE, fn->device) ||
		    nla_put_u32(skb, VPF_A_SLOT_CLASS, fn->class))
			goto out;
		if (fn == vd->pdev) {
			/*
			 * Not the PF's lock under pci_lock_rescan_remove():
			 * sriov_numvfs takes them the other way round. The PF
			 * is vpf's while vd is.
			 */
			ret = nla_put_string(skb, VPF_A_SLOT_BOUND,
					     VPF_DRV_NAME) ? -EMSGSIZE : 0;
		} else {
			device_lock(&fn->dev);
			ret = fn->dev.driver &&
			      nla_put_string(skb, VPF_A_SLOT_BOUND,
					     fn->dev.driver->name) ? -EMSGSIZE : 0;
			device_unlock(&fn->dev);
		}
		if (!ret && fn != vd->pdev && vpf_pdev_in_use(fn) &&
		    nla_put_flag(skb, VPF_A_SLOT_IN_USE))
			ret = -EMSGSIZE;
	} else {
		ret = 0;
	}
out:
	pci_dev_put(fn);
	return ret;
}

/*
 * The PF whose card tree holds @pdev, with a reference, for a function the
 * card hot-plugged: not a switch port, not a PF vpf drives, not a VF.
 */
static struct vpf_dev *vpf_card_of(struct pci_dev *pdev)
{
	struct vpf_dev *vd;

	if (pdev->is_virtfn || pci_is_bridge(pdev))
		return NULL;
	mutex_lock(&vpf_devs_lock);
	list_for_each_entry(vd, &vpf_devs, node) {
		if (vd->card && pdev != vd->pdev && vpf_below(vd->card, pdev)) {
			kref_get(&vd->kref);
			mutex_unlock(&vpf_devs_lock);
			return vd;
		}
	}
	mutex_unlock(&vpf_devs_lock);
	return NULL;
}

static const char *const vpf_slot_overrides[] = {
	[VPF_SLOT_DRIVER_AUTO] = NULL,
	[VPF_SLOT_DRIVER_NONE] = VPF_OVERRIDE_NONE,
	[VPF_SLOT_DRIVER_VFIO_PCI] = "vfio-pci",
};

const char *vpf_slot_driver_name(unsigned int policy)
{
	return policy < ARRAY_SIZE(vpf_slot_overrides) ?
	       vpf_slot_overrides[policy] : NULL;
}

/* The "slot_driver" parameter: the policy of PFs probed from then on. */
static const char *const vpf_slot_policies[] = {
	[VPF_SLOT_DRIVER_AUTO] = "auto",
	[VPF_SLOT_DRIVER_NONE] = "none",
	[VPF_SLOT_DRIVER_VFIO_PCI] = "vfio-pci",
};

unsigned int vpf_slot_driver_default = VPF_SLOT_DRIVER_AUTO;

static int vpf_slot_driver_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(vpf_slot_policies, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, i);
	return 0;
}

static int vpf_slot_driver_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  vpf_slot_policies[READ_ONCE(*(unsigned int *)kp->arg)]);
}

static const struct kernel_param_ops vpf_slot_driver_ops = {
	.set = vpf_slot_driver_set,
	.get = vpf_slot_driver_get,
};

module_param_cb(slot_driver, &vpf_slot_driver_ops, &vpf_slot_driver_default,
		0644);
MODULE_PARM_DESC(slot_driver,
		 "Driver of functions hot-added behind a card's switch, for PFs bound from then on: auto (the kernel's match), none or vfio-pci (default auto)");

/*
 * From the PCI bus notifier, for every device that is not a VF: a function
 * appearing in a card's tree gets the slot policy's driver_override before
 * it can probe (BUS_NOTIFY_ADD_DEVICE runs before the first probe).
 */
void vpf_slot_notify(struct pci_dev *pdev, unsigned long action)
{
	struct pci_dev *port = pci_upstream_bridge(pdev);
	const char *name = NULL, *bound = NULL;
	enum vpf_event_kind kind;
	struct vpf_dev *vd;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		kind = VPF_EVENT_KIND_HOTPLUG_ADD;
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		kind = VPF_EVENT_KIND_HOTPLUG_BOUND;
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		kind = VPF_EVENT_KIND_HOTPLUG_REMOVE;
		break;
	default:
		return;
	}
	vd = vpf_card_of(pdev);
	if (!vd)
		return;
	if (action == BUS_NOTIFY_ADD_DEVICE) {
		name = vpf_slot_driver_name(READ_ONCE(vd->slot_driver));
		if (name && device_set_driver_override(&pdev->dev, name))
			pci_err(pdev, "cannot set driver_override %s\n", name);
	} else if (action == BUS_NOTIFY_BOUND_DRIVER) {
		bound = pdev->dev.driver->name;
	}
	vpf_nl_slot_event(vd, kind, port, pdev, bound);
	vpf_put(vd);
}
