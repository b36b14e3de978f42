// SPDX-License-Identifier: GPL-2.0
/*
 * vmem: guest memory for KVM hosts from boot-reserved ranges, handed out
 * in 1 GiB pages through vmemfs with near-zero kernel metadata, zeroed in
 * the background, and with 4 KiB poison isolation. See
 * Documentation/vmem.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "vmem.h"

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
		 "Reserved ranges to claim at load: SIZE@START[,SIZE@START...] (1 GiB aligned, e.g. 4G@4G)");

static int vmem_scrub_param_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	/* Before init the pools do not exist yet: just record the value. */
	if (vmem_pools)
		vmem_scrub_set(on);
	else
		vmem_scrub_enabled = on;
	return 0;
}

static int vmem_scrub_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", READ_ONCE(vmem_scrub_enabled) ? 'Y' : 'N');
}

static const struct kernel_param_ops vmem_scrub_ops = {
	.set = vmem_scrub_param_set,
	.get = vmem_scrub_param_get,
};
module_param_cb(scrub, &vmem_scrub_ops, NULL, 0644);
MODULE_PARM_DESC(scrub, "Zero freed chunks in the background (default Y)");

static int __init vmem_claim_param(void)
{
	struct vmem_span spans[VMEM_MAX_SPANS];
	const char *why = NULL;
	int n, i, ret;

	n = vmem_parse_spans(ranges, spans, ARRAY_SIZE(spans));
	if (n < 0) {
		pr_err("ranges=%s: %s\n", ranges,
		       n == -E2BIG ? "too many ranges" :
		       "expected SIZE@START[,SIZE@START...]");
		return n;
	}
	for (i = 0; i < n; i++) {
		ret = vmem_range_add(spans[i].start, spans[i].size, &why);
		if (ret) {
			pr_err("ranges: %#llx@%#llx: %s (%d)\n", spans[i].size,
			       spans[i].start, why ?: "failed", ret);
			return ret;
		}
	}
	return 0;
}

static int __init vmem_init(void)
{
	int ret;

	ret = vmem_pools_init();
	if (ret)
		return ret;
	ret = vmem_claim_param();
	if (ret)
		goto ranges;
	ret = vmem_nl_init();
	if (ret)
		goto ranges;
	ret = vmem_fs_init();
	if (ret)
		goto nl;
	return 0;
nl:
	vmem_nl_exit();
ranges:
	vmem_ranges_exit();
	vmem_pools_exit();
	return ret;
}

static void __exit vmem_exit(void)
{
	vmem_fs_exit();
	vmem_nl_exit();
	vmem_ranges_exit();
	vmem_pools_exit();
}

module_init(vmem_init);
module_exit(vmem_exit);
MODULE_DESCRIPTION("vmem: 1 GiB guest memory from reserved ranges, with vmemfs");
MODULE_AUTHOR("vmhost");
MODULE_LICENSE("GPL");
