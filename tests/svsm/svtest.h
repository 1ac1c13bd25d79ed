/* SPDX-License-Identifier: MIT */
/* Helpers private to the in-kernel tests. */
#pragma once

#include <stdbool.h>

/* Triggers the deliberate failure `kind`: ud, pf, gp, df, panic, smash, hang. */
void svtest_crash(const char *kind);

/* Unpacks the test image's root file system once; false if it failed. */
bool svtest_unpack_initfs(void);
