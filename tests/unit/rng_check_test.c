/* SPDX-License-Identifier: MIT */
/* The sanity check on random-source samples (include/lib/rng_check.h). */
#include "lib/rng_check.h"
#include "test.h"

TEST(rng_check, refuses_stuck_values)
{
	uint64_t last = 0;

	EXPECT_FALSE(rng_sample_plausible(0, &last));
	EXPECT_FALSE(rng_sample_plausible(~0ull, &last));
	EXPECT_EQ(last, 0u);
	EXPECT_TRUE(rng_sample_plausible(0x1234, &last));
	EXPECT_EQ(last, 0x1234u);
	/* The same value twice in a row: a stuck source. */
	EXPECT_FALSE(rng_sample_plausible(0x1234, &last));
	EXPECT_TRUE(rng_sample_plausible(0x1235, &last));
	EXPECT_TRUE(rng_sample_plausible(0x1234, &last));
	EXPECT_EQ(last, 0x1234u);
}
