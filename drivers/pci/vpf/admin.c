// SPDX-License-Identifier: GPL-2.0
/*
 * The PF's own NVMe admin queue: vpf needs a handful of admin commands
 * (Identify, Virtualization Management, Namespace Attachment, Format NVM),
 * one at a time, and nothing else of a controller. One interrupt vector,
 * one 4 KiB data buffer, one command in flight under the PF's lock.
 *
 * The rules are those of drivers/nvme/host/pci.c: the controller is
 * disabled before the queues are given to it and before they are freed
 * (it may write to them until CSTS.RDY reads 0), and a register that reads
 * all ones means the device is gone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>

#include "vpf.h"

static bool vpf_gone(struct vpf_dev *vd)
{
	return pci_dev_is_disconnected(vd->pdev) ||
	       readl(vd->bar + NVME_REG_CSTS) == ~0U;
}

/* Wait for CSTS.RDY to read @rdy; -ENODEV if the device went away. */
static int vpf_wait_ready(struct vpf_dev *vd, bool rdy)
{
	unsigned long end = jiffies + vd->ready_timeout;
	u32 csts;

	for (;;) {
		csts = readl(vd->bar + NVME_REG_CSTS);
		if (csts == ~0U || pci_dev_is_disconnected(vd->pdev))
			return -ENODEV;
		if (!!(csts & NVME_CSTS_RDY) == rdy)
			return 0;
		if (rdy && (csts & NVME_CSTS_CFS)) {
			pci_err(vd->pdev, "controller fatal status while enabling\n");
			return -EIO;
		}
		if (time_after(jiffies, end)) {
			pci_err(vd->pdev, "controller did not get %s in %u ms\n",
				rdy ? "ready" : "disabled",
				jiffies_to_msecs(vd->ready_timeout));
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
}

/*
 * Turn the controller off (CC.EN = 0) and wait until it says so: it then
 * neither reads nor writes the admin queues.
 */
void vpf_admin_disable(struct vpf_dev *vd)
{
	u32 cc;

	if (vpf_gone(vd))
		return;
	cc = readl(vd->bar + NVME_REG_CC);
	if (cc & NVME_CC_ENABLE)
		writel(cc & ~NVME_CC_ENABLE, vd->bar + NVME_REG_CC);
	vpf_wait_ready(vd, false);
}

static irqreturn_t vpf_admin_irq(int irq, void *data)
{
	struct vpf_dev *vd = data;
	struct vpf_admin *a = &vd->adm;
	irqreturn_t ret = IRQ_NONE;
	struct nvme_completion *cqe;

	spin_lock(&a->lock);
	for (;;) {
		cqe = &a->cq[a->cq_head];
		if ((le16_to_cpu(READ_ONCE(cqe->status)) & 1) != a->cq_phase)
			break;
		dma_rmb();	/* the entry after its phase bit */
		ret = IRQ_HANDLED;
		if (a->waiting && cqe->command_id == a->cid) {
			a->cqe = *cqe;
			a->waiting = false;
			complete(&a->done);
		} else {
			/* A late answer to a command that timed out. */
			pci_warn(vd->pdev, "admin completion for no command (cid %u)\n",
				 cqe->command_id);
		}
		if (++a->cq_head == VPF_AQ_DEPTH) {
			a->cq_head = 0;
			a->cq_phase ^= 1;
		}
	}
	if (ret == IRQ_HANDLED)
		writel(a->cq_head, vd->bar + NVME_REG_DBS + vd->db_stride);
	spin_unlock(&a->lock);
	return ret;
}

static void vpf_admin_free_queues(struct vpf_dev *vd)
{
	struct device *dev = &vd->pdev->dev;
	struct vpf_admin *a = &vd->adm;

	if (a->sq)
		dma_free_coherent(dev, VPF_AQ_DEPTH * sizeof(*a->sq), a->sq,
				  a->sq_dma);
	if (a->cq)
		dma_free_coherent(dev, VPF_AQ_DEPTH * sizeof(*a->cq), a->cq,
				  a->cq_dma);
	if (a->buf)
		dma_free_coherent(dev, NVME_IDENTIFY_DATA_SIZE, a->buf,
				  a->buf_dma);
	a->sq = NULL;
	a->cq = NULL;
	a->buf = NULL;
}

/*
 * (Re)start the controller with a fresh admin queue: after probe, and after
 * every reset, which clears the controller's registers. The queues and the
 * interrupt are allocated on the first call and kept.
 */
int vpf_admin_init(struct vpf_dev *vd)
{
	struct pci_dev *pdev = vd->pdev;
	struct device *dev = &pdev->dev;
	struct vpf_admin *a = &vd->adm;
	u32 aqa, cc;
	int ret;

	if (vpf_gone(vd))
		return -ENODEV;
	vd->cap = lo_hi_readq(vd->bar + NVME_REG_CAP);
	vd->db_stride = 4U << NVME_CAP_STRIDE(vd->cap);
	vd->ready_timeout = msecs_to_jiffies((NVME_CAP_TIMEOUT(vd->cap) + 1) *
					     500);
	if (NVME_CAP_MPSMIN(vd->cap) > PAGE_SHIFT - 12) {
		pci_err(pdev, "controller needs pages larger than %lu\n",
			PAGE_SIZE);
		return -ENODEV;
	}
	vpf_admin_disable(vd);
	ret = vpf_wait_ready(vd, false);
	if (ret)
		return ret;

	if (!a->sq) {
		spin_lock_init(&a->lock);
		init_completion(&a->done);
		a->sq = dma_alloc_coherent(dev, VPF_AQ_DEPTH * sizeof(*a->sq),
					   &a->sq_dma, GFP_KERNEL);
		a->cq = dma_alloc_coherent(dev, VPF_AQ_DEPTH * sizeof(*a->cq),
					   &a->cq_dma, GFP_KERNEL);
		a->buf = dma_alloc_coherent(dev, NVME_IDENTIFY_DATA_SIZE,
					    &a->buf_dma, GFP_KERNEL);
		if (!a->sq || !a->cq || !a->buf) {
			vpf_admin_free_queues(vd);
			return -ENOMEM;
		}
	}
	/* Before the interrupt: a shared line may call the handler at once. */
	spin_lock_irq(&a->lock);
	memset(a->cq, 0, VPF_AQ_DEPTH * sizeof(*a->cq));
	a->sq_tail = 0;
	a->cq_head = 0;
	a->cq_phase = 1;
	a->waiting = false;
	spin_unlock_irq(&a->lock);

	if (a->irq <= 0) {
		ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
		if (ret < 0)
			return ret;
		ret = pci_irq_vector(pdev, 0);
		if (ret < 0)
			goto err_vectors;
		a->irq = ret;
		ret = request_irq(a->irq, vpf_admin_irq, IRQF_SHARED,
				  VPF_DRV_NAME, vd);
		if (ret) {
			a->irq = 0;
			goto err_vectors;
		}
	}

	pci_set_master(pdev);
	aqa = (VPF_AQ_DEPTH - 1) | ((VPF_AQ_DEPTH - 1) << 16);
	writel(aqa, vd->bar + NVME_REG_AQA);
	lo_hi_writeq(a->sq_dma, vd->bar + NVME_REG_ASQ);
	lo_hi_writeq(a->cq_dma, vd->bar + NVME_REG_ACQ);
	cc = NVME_CC_CSS_NVM | ((PAGE_SHIFT - 12) << NVME_CC_MPS_SHIFT) |
	     NVME_CC_AMS_RR | NVME_CC_SHN_NONE | NVME_CC_IOSQES |
	     NVME_CC_IOCQES | NVME_CC_ENABLE;
	writel(cc, vd->bar + NVME_REG_CC);
	return vpf_wait_ready(vd, true);

err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

void vpf_admin_free(struct vpf_dev *vd)
{
	vpf_admin_disable(vd);
	/* No DMA to the queues from here on, whatever CSTS said. */
	pci_clear_master(vd->pdev);
	if (vd->adm.irq > 0) {
		free_irq(vd->adm.irq, vd);
		vd->adm.irq = 0;
		pci_free_irq_vectors(vd->pdev);
	}
	vpf_admin_free_queues(vd);
}

/*
 * Run one admin command, with the PF locked (vpf_lock). @data: the command reads or
 * writes the 4 KiB buffer vd->adm.buf (PRP1). Returns 0, a negative errno
 * (-ENODEV: the device is gone, -ETIMEDOUT: no answer in @timeout_s; the
 * controller is then disabled and marked failed), or the NVMe status (> 0)
 * the controller answered with; @result gets the completion's DW0.
 */
int vpf_admin_exec(struct vpf_dev *vd, struct nvme_command *cmd, bool data,
		   unsigned int timeout_s, u32 *result)
{
	struct vpf_admin *a = &vd->adm;
	/* At most a day: the product must not overflow. */
	unsigned long end = jiffies + min(timeout_s, 86400U) * HZ;
	u16 status;

	vpf_assert_locked(vd);
	if (vd->state == VPF_FAILED)
		return -ENODEV;
	if (vd->state == VPF_RECOVERING)
		return -EAGAIN;
	if (vpf_gone(vd))
		return -ENODEV;

	spin_lock_irq(&a->lock);
	a->cid++;
	cmd->common.command_id = a->cid;
	if (data)
		cmd->common.dptr.prp1 = cpu_to_le64(a->buf_dma);
	reinit_completion(&a->done);
	a->waiting = true;
	memcpy(&a->sq[a->sq_tail], cmd, sizeof(*cmd));
	if (++a->sq_tail == VPF_AQ_DEPTH)
		a->sq_tail = 0;
	writel(a->sq_tail, vd->bar + NVME_REG_DBS);
	spin_unlock_irq(&a->lock);

	/* Wake up now and then to notice a device that went away. */
	while (!wait_for_completion_timeout(&a->done, HZ / 10)) {
		if (vpf_gone(vd) || time_after(jiffies, end)) {
			bool gone = vpf_gone(vd);

			spin_lock_irq(&a->lock);
			a->waiting = false;
			spin_unlock_irq(&a->lock);
			pci_err(vd->pdev, "admin command %#x %s\n",
				cmd->common.opcode,
				gone ? "failed: device gone" : "timed out");
			/* No DMA to our buffers after this. */
			vpf_admin_disable(vd);
			pci_clear_master(vd->pdev);
			vd->state = VPF_FAILED;
			return gone ? -ENODEV : -ETIMEDOUT;
		}
	}
	status = le16_to_cpu(a->cqe.status) >> 1;
	if (result)
		*result = le32_to_cpu(a->cqe.result.u32);
	return status & (NVME_SCT_SC_MASK | NVME_STATUS_DNR);
}
