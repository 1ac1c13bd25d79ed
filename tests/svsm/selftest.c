/* SPDX-License-Identifier: MIT */
/*
 * A test that fails on request, to prove the runner notices a failing
 * in-kernel test. The runner only runs suites named "selftest" when the
 * filter names them, so a normal run never includes it.
 */
#include "svsm/boot.h"

#include "test.h"

TEST(selftest, fails_when_asked)
{
	ASSERT_FALSE(cmdline_has(boot_params()->cmdline, "svtest_fail"));
}
