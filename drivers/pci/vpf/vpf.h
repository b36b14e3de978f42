/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpf: PF driver for an NVMe offload card with SR-IOV (NVMe Virtualization
 * Enhancements). Internal definitions shared by the module's files.
 */
#ifndef _VPF_H
#define _VPF_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <vmhost/vpf.h>

#define VPF_DRV_NAME		"vpf"
#define VPF_AQ_DEPTH		16	/* admin queue entries (SQ and CQ) */
#define VPF_ID_CNS_PRIMARY	0x14	/* Primary Controller Capabilities */
#define VPF_MAX_PORTS		256	/* downstream ports of one card's tree */

/* Virtualization Management (NVMe 1.4+ 5.22): actions and resource types. */
enum {
	VPF_VM_ACT_PRIMARY_FLEX	= 0x1,
	VPF_VM_ACT_SEC_OFFLINE	= 0x7,
	VPF_VM_ACT_SEC_ASSIGN	= 0x8,
	VPF_VM_ACT_SEC_ONLINE	= 0x9,
};

enum vpf_res {
	VPF_RES_VQ = 0,
	VPF_RES_VI = 1,
};

/* Identify CNS 14h, Primary Controller Capabilities (NVMe 1.4+ 5.15.2.19) */
struct vpf_id_primary {
	__le16 cntlid;
	__le16 portid;
	__u8 crt;		/* bit 0 VQ, bit 1 VI resources supported */
	__u8 rsvd5[27];
	__le32 vqfrt;		/* flexible VQ total */
	__le32 vqrfa;		/* flexible VQ assigned to secondaries */
	__le16 vqrfap;		/* flexible VQ allocated to the primary */
	__le16 vqprt;		/* private VQ of the primary */
	__le16 vqfrsm;		/* most flexible VQ one secondary can have */
	__le16 vqgran;
	__u8 rsvd48[16];
	__le32 vifrt;
	__le32 virfa;
	__le16 virfap;
	__le16 viprt;
	__le16 vifrsm;
	__le16 vigran;
	__u8 rsvd80[4016];
};

/* Identify CNS 15h, one Secondary Controller Entry (NVMe 1.4+ 5.15.2.20) */
struct vpf_id_secondary {
	__le16 scid;		/* secondary controller id */
	__le16 pcid;		/* its primary */
	__u8 scs;		/* bit 0: online */
	__u8 rsvd5[3];
	__le16 vfn;		/* VF number, 1 for the first VF */
	__le16 nvq;
	__le16 nvi;
	__u8 rsvd14[18];
};

#define VPF_SEC_LIST_MAX	127	/* entries one Identify returns */

struct vpf_id_sec_list {
	__u8 num;
	__u8 rsvd1[31];
	struct vpf_id_secondary sc[VPF_SEC_LIST_MAX];
};

/* The primary controller's resources, from CNS 14h. */
struct vpf_pool {
	u32 vq_total, vi_total;		/* flexible, for secondaries */
	u32 vq_max, vi_max;		/* per secondary */
};

/* What the operator configured for one VF; replayed after every reset. */
struct vpf_vf_conf {
	u16 vq, vi;
	u8 online;
	u8 driver;			/* enum vpf_vf_driver */
};

/* One VF (secondary controller). */
struct vpf_vf {
	u16 cntlid;			/* secondary controller id, 0: none */
	struct vpf_vf_conf conf;
	/* What the card reported last (secondary controller list). */
	u16 nvq, nvi;
	bool online;
};

/* One namespace of the subsystem, as vpf knows it. */
struct vpf_ns {
	u32 nsid;
	int vf;				/* attached to this VF, -1: none */
	int last_vf;			/* last tenant, or one of: */
#define VPF_NS_UNKNOWN	(-1)		/* may hold anyone's data: wipe first */
#define VPF_NS_CLEAN	(-2)		/* erased since its last tenant */
	bool on_pf;			/* attached to the PF (erasing) */
	u64 nsze;			/* logical blocks */
	u32 lba_size;
	u8 flbas;
};

/* The PF's admin queue (admin.c). */
struct vpf_admin {
	struct nvme_command *sq;
	struct nvme_completion *cq;
	dma_addr_t sq_dma, cq_dma;
	void *buf;			/* one 4 KiB data buffer (commands are serial) */
	dma_addr_t buf_dma;
	u16 sq_tail, cq_head;
	u8 cq_phase;
	u16 cid;			/* command id of the command in flight */
	struct completion done;
	struct nvme_completion cqe;	/* its completion */
	spinlock_t lock;		/* the CQ, cid and cqe */
	bool waiting;
	int irq;
};

enum vpf_state {
	VPF_LIVE = VPF_DEV_STATE_LIVE,
	VPF_RECOVERING = VPF_DEV_STATE_RECOVERING,
	VPF_FAILED = VPF_DEV_STATE_FAILED,
};

struct vpf_dev {
	struct kref kref;		/* vpf_get/vpf_put; the PF's binding has one */
	struct pci_dev *pdev;
	struct list_head node;		/* vpf_devs */
	/*
	 * Below: under the PF's device lock (vpf_lock), which serialises
	 * the admin queue and every change of configuration.
	 */
	void __iomem *bar;
	u64 cap;
	u32 db_stride;			/* bytes between doorbells */
	unsigned long ready_timeout;	/* jiffies, from CAP.TO */
	struct vpf_admin adm;
	enum vpf_state state;

	u16 cntlid;
	u32 nn;
	char serial[21], model[41];
	struct vpf_pool pool;
	u16 total_vfs;			/* VFs with a secondary controller */
	u16 num_vfs;
	struct vpf_vf *vfs;		/* total_vfs of them */
	struct xarray ns;		/* nsid -> struct vpf_ns */
	struct pci_dev *card;		/* top of the card's switch tree, or NULL */
	unsigned int slot_driver;	/* enum vpf_slot_driver (READ_ONCE) */
	bool holds_module;		/* module reference while VFs exist */
	bool removed;			/* unbound: only the struct is left */
	bool probing;			/* probe resets the PF: no replay */
	bool erase_all;			/* Format NVM erases every namespace */
};

/* admin.c */
int vpf_admin_init(struct vpf_dev *vd);
void vpf_admin_disable(struct vpf_dev *vd);
void vpf_admin_free(struct vpf_dev *vd);
int vpf_admin_exec(struct vpf_dev *vd, struct nvme_command *cmd, bool data,
		   unsigned int timeout_s, u32 *result);

/* cmd.c: building commands and reading their data (no hardware) */
void vpf_cmd_identify(struct nvme_command *c, u8 cns, u32 nsid, u16 cntid);
void vpf_cmd_virt_mgmt(struct nvme_command *c, u8 act, enum vpf_res rt,
		       u16 cntlid, u16 nr);
void vpf_cmd_ns_attach(struct nvme_command *c, u32 nsid, bool attach);
void vpf_cmd_format(struct nvme_command *c, u32 nsid, u8 flbas, u8 ses);
int vpf_ctrl_list_fill(void *buf, const u16 *ids, unsigned int n);
int vpf_ctrl_list_parse(const void *buf, u16 *ids, unsigned int max);
void vpf_pool_parse(const struct vpf_id_primary *p, struct vpf_pool *pool);
u32 vpf_pool_used(const struct vpf_vf *vfs, unsigned int n, enum vpf_res rt,
		  int skip);
int vpf_res_check(const struct vpf_pool *pool, const struct vpf_vf *vfs,
		  unsigned int n, int vf, u32 vq, u32 vi, const char **why);
int vpf_status_errno(u16 status);
const char *vpf_status_str(u16 status);

/* core.c */
extern struct list_head vpf_devs;
extern struct mutex vpf_devs_lock;
extern unsigned int vpf_vf_vq, vpf_vf_vi;
extern unsigned int vpf_wipe_timeout;
extern const char vpf_msg_vf_busy[];

struct vpf_dev *vpf_get(const char *name);
void vpf_put(struct vpf_dev *vd);
void vpf_lock(struct vpf_dev *vd);
void vpf_unlock(struct vpf_dev *vd);

static inline void vpf_assert_locked(struct vpf_dev *vd)
{
	device_lock_assert(&vd->pdev->dev);
}

int vpf_identify(struct vpf_dev *vd, u8 cns, u32 nsid, u16 cntid);
int vpf_refresh_vfs(struct vpf_dev *vd);
int vpf_sriov_set(struct vpf_dev *vd, int num, const struct vpf_vf_conf *conf,
		  bool force, const char **why);
int vpf_vf_apply(struct vpf_dev *vd, unsigned int vf,
		 const struct vpf_vf_conf *conf, bool force, bool vf_locked,
		 const char **why);
bool vpf_vf_in_use(struct vpf_dev *vd, unsigned int vf);
bool vpf_pdev_in_use(struct pci_dev *pdev);
struct pci_dev *vpf_vf_pdev(struct vpf_dev *vd, unsigned int vf);
int vpf_ns_scan(struct vpf_dev *vd);
int vpf_ns_replay(struct vpf_dev *vd);
int vpf_ns_detach_all(struct vpf_dev *vd);
void vpf_ns_free(struct vpf_dev *vd);
unsigned int vpf_ns_count(struct vpf_dev *vd);
int vpf_ns_attach(struct vpf_dev *vd, u32 nsid, unsigned int vf,
		  const char **why);
int vpf_ns_detach(struct vpf_dev *vd, u32 nsid, bool force, const char **why);
int vpf_ns_wipe(struct vpf_dev *vd, u32 nsid, const char **why);
int vpf_bind(const char *pci_name, const char **why);
int vpf_unbind(const char *pci_name, bool force, const char **why);

/* slot.c */
struct pci_dev *vpf_card_root(struct pci_dev *pf);
int vpf_ports_get(struct vpf_dev *vd, struct pci_dev ***ports);
void vpf_ports_put(struct pci_dev **ports, int n);
int vpf_slot_fill(struct sk_buff *skb, struct vpf_dev *vd,
		  struct pci_dev *port);
const char *vpf_slot_driver_name(unsigned int policy);
void vpf_slot_notify(struct pci_dev *pdev, unsigned long action);
extern unsigned int vpf_slot_driver_default;

/* netlink.c */
extern bool vpf_nl_up;		/* the family is registered */
void vpf_nl_event(struct vpf_dev *vd, enum vpf_event_kind kind, int vf,
		  s64 nsid, int num_vfs, const char *message);
void vpf_nl_slot_event(struct vpf_dev *vd, enum vpf_event_kind kind,
		       struct pci_dev *port, struct pci_dev *fn,
		       const char *bound);

extern struct pci_driver vpf_driver;

#endif /* _VPF_H */
