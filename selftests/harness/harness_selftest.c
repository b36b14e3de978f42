// SPDX-License-Identifier: GPL-2.0
/*
 * A kselftest with a known outcome, for the test-harness self-test:
 * fails_on_request fails when VMHOST_HARNESS_FAIL=1 is in the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

TEST(always_passes)
{
	ASSERT_EQ(4, 2 + 2);
}

TEST(fails_on_request)
{
	const char *fail = getenv("VMHOST_HARNESS_FAIL");

	EXPECT_TRUE(!fail || strcmp(fail, "1"));
}

TEST_HARNESS_MAIN
