// SPDX-License-Identifier: GPL-2.0
/*
 * Known-outcome kernel code for the vmhost test-harness self-test.
 *
 * selftests/harness loads this module in test hosts to show that the runner
 * turns a failing KUnit case and a WARN in the kernel console into a failed
 * suite. It is never installed and serves no other purpose.
 */
#include <kunit/test.h>
#include <linux/bug.h>
#include <linux/module.h>

static bool fail_case;
module_param(fail_case, bool, 0444);
MODULE_PARM_DESC(fail_case, "Make KUnit case harness_selectable fail (default: false)");

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN once when the module is loaded (default: false)");

static void harness_arithmetic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 6 * 7, 42);
}

static void harness_selectable(struct kunit *test)
{
	KUNIT_EXPECT_FALSE_MSG(test, fail_case, "fails on request (fail_case=1)");
}

static struct kunit_case harness_cases[] = {
	KUNIT_CASE(harness_arithmetic),
	KUNIT_CASE(harness_selectable),
	{}
};

static struct kunit_suite harness_suite = {
	.name = "vmhost_harness",
	.test_cases = harness_cases,
};

kunit_test_suite(harness_suite);

static int __init harness_init(void)
{
	WARN(warn, "vmhost_harness_test: WARN on request (warn=1)\n");
	return 0;
}
module_init(harness_init);

static void __exit harness_exit(void)
{
}
module_exit(harness_exit);

MODULE_DESCRIPTION("vmhost test-harness self-test: known KUnit and WARN outcomes");
MODULE_LICENSE("GPL");
