// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vpf's pure logic (cmd.c): the admin commands it builds,
 * the data it reads back, and the accounting of flexible resources.
 */
#include <kunit/test.h>

#include "vpf.h"

static void vpf_virt_mgmt_encoding(struct kunit *test)
{
	struct nvme_command c;

	vpf_cmd_virt_mgmt(&c, VPF_VM_ACT_SEC_ASSIGN, VPF_RES_VI, 0x12, 3);
	KUNIT_EXPECT_EQ(test, c.common.opcode, nvme_admin_virtual_mgmt);
	/* ACT 3:0 = 8, RT 10:8 = 1, CNTLID 31:16 = 0x12 */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw10), 0x00120108U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw11), 3U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.nsid), 0U);

	vpf_cmd_virt_mgmt(&c, VPF_VM_ACT_PRIMARY_FLEX, VPF_RES_VQ, 0xffff, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw10), 0xffff0001U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw11), 0U);
}

static void vpf_identify_encoding(struct kunit *test)
{
	struct nvme_command c;

	vpf_cmd_identify(&c, NVME_ID_CNS_SCNDRY_CTRL_LIST, 0, 0x41);
	KUNIT_EXPECT_EQ(test, c.identify.opcode, nvme_admin_identify);
	KUNIT_EXPECT_EQ(test, c.identify.cns, NVME_ID_CNS_SCNDRY_CTRL_LIST);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(c.identify.ctrlid), 0x41);
	/* CNS in CDW10 7:0, CNTID in 31:16 */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw10), 0x00410015U);
	vpf_cmd_identify(&c, NVME_ID_CNS_CTRL_NS_LIST, 7, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.nsid), 7U);
}

static void vpf_attach_format_encoding(struct kunit *test)
{
	struct nvme_command c;

	vpf_cmd_ns_attach(&c, 5, true);
	KUNIT_EXPECT_EQ(test, c.common.opcode, nvme_admin_ns_attach);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.nsid), 5U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw10), 0U);
	vpf_cmd_ns_attach(&c, 5, false);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.common.cdw10), 1U);

	/* LBA format 2, user data erase */
	vpf_cmd_format(&c, 9, 0x02, 1);
	KUNIT_EXPECT_EQ(test, c.format.opcode, nvme_admin_format_nvm);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.format.nsid), 9U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.format.cdw10), 0x202U);
	/* FLBAS 0x71: LBAF 0x31 (upper bits 6:5 -> LBAFU 13:12), metadata at the end */
	vpf_cmd_format(&c, 9, 0x71, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.format.cdw10), 0x3011U);
}

static void vpf_ctrl_lists(struct kunit *test)
{
	u16 ids[] = { 1, 0x42, 0xfffe }, out[4] = { };
	void *buf = kunit_kzalloc(test, NVME_IDENTIFY_DATA_SIZE, GFP_KERNEL);
	__le16 *l = buf;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, vpf_ctrl_list_fill(buf, ids, 3), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(l[0]), 3);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(l[2]), 0x42);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(l[4]), 0);
	KUNIT_EXPECT_EQ(test, vpf_ctrl_list_parse(buf, out, 2), 3);
	KUNIT_EXPECT_EQ(test, out[0], 1);
	KUNIT_EXPECT_EQ(test, out[1], 0x42);
	KUNIT_EXPECT_EQ(test, out[2], 0);	/* beyond max: not copied */
	KUNIT_EXPECT_EQ(test, vpf_ctrl_list_fill(buf, ids, 2048), -EINVAL);
	l[0] = cpu_to_le16(2048);
	KUNIT_EXPECT_EQ(test, vpf_ctrl_list_parse(buf, out, 4), -EPROTO);
}

static void vpf_layouts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vpf_id_primary),
			(size_t)NVME_IDENTIFY_DATA_SIZE);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_primary, vqfrt), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_primary, vqfrsm), 44);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_primary, vifrt), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_primary, vifrsm), 76);
	KUNIT_EXPECT_EQ(test, sizeof(struct vpf_id_secondary), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_secondary, vfn), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_secondary, nvi), 12);
	KUNIT_EXPECT_LE(test, sizeof(struct vpf_id_sec_list),
			(size_t)NVME_IDENTIFY_DATA_SIZE);
	KUNIT_EXPECT_EQ(test, offsetof(struct vpf_id_sec_list, sc), 32);
}

static void vpf_pool_accounting(struct kunit *test)
{
	struct vpf_id_primary *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct vpf_vf vfs[3] = { };
	struct vpf_pool pool;
	const char *why = NULL;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->crt = 3;
	p->vqfrt = cpu_to_le32(10);
	p->vqfrsm = cpu_to_le16(4);
	p->vifrt = cpu_to_le32(5);
	p->vifrsm = cpu_to_le16(2);
	vpf_pool_parse(p, &pool);
	KUNIT_EXPECT_EQ(test, pool.vq_total, 10U);
	KUNIT_EXPECT_EQ(test, pool.vq_max, 4U);
	KUNIT_EXPECT_EQ(test, pool.vi_total, 5U);
	KUNIT_EXPECT_EQ(test, pool.vi_max, 2U);
	p->crt = 1;	/* no VI resources */
	vpf_pool_parse(p, &pool);
	KUNIT_EXPECT_EQ(test, pool.vi_total, 0U);
	p->crt = 3;
	vpf_pool_parse(p, &pool);

	vfs[0].conf.vq = 4;
	vfs[0].conf.vi = 2;
	vfs[1].conf.vq = 4;
	vfs[1].conf.vi = 2;
	KUNIT_EXPECT_EQ(test, vpf_pool_used(vfs, 3, VPF_RES_VQ, -1), 8U);
	KUNIT_EXPECT_EQ(test, vpf_pool_used(vfs, 3, VPF_RES_VQ, 1), 4U);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 2, 2, 1, &why), 0);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 2, 3, 1, &why),
			-ENOSPC);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 2, 2, 2, &why),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 2, 5, 1, &why),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 2, 1, 3, &why),
			-ERANGE);
	/* A VF's own resources count as free for its own change. */
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 3, 0, 4, 2, &why), 0);
	KUNIT_EXPECT_EQ(test, vpf_res_check(&pool, vfs, 2, 0, 4, 2, &why), 0);
}

static void vpf_status_mapping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vpf_status_errno(0), 0);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(NVME_SC_NS_ALREADY_ATTACHED |
					       NVME_STATUS_DNR), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(NVME_SC_NS_IS_PRIVATE), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(NVME_SC_NS_NOT_ATTACHED),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(NVME_SC_CTRL_RES_NUM_INVALID),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(NVME_SC_INVALID_FIELD),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vpf_status_errno(0x2ff), -EIO);
	KUNIT_EXPECT_STREQ(test, vpf_status_str(NVME_SC_SEC_CTRL_STATE_INVALID),
			   "secondary controller state invalid");
}

static struct kunit_case vpf_cmd_cases[] = {
	KUNIT_CASE(vpf_virt_mgmt_encoding),
	KUNIT_CASE(vpf_identify_encoding),
	KUNIT_CASE(vpf_attach_format_encoding),
	KUNIT_CASE(vpf_ctrl_lists),
	KUNIT_CASE(vpf_layouts),
	KUNIT_CASE(vpf_pool_accounting),
	KUNIT_CASE(vpf_status_mapping),
	{}
};

static struct kunit_suite vpf_cmd_suite = {
	.name = "vpf-cmd",
	.test_cases = vpf_cmd_cases,
};

kunit_test_suite(vpf_cmd_suite);

MODULE_DESCRIPTION("KUnit tests for vpf's command building and resource accounting");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
