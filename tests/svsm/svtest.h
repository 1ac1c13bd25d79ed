/* SPDX-License-Identifier: MIT */
/* Helpers private to the in-kernel tests. */
#pragma once

/* Triggers the deliberate failure `kind`: ud, pf, gp, df, panic, smash, hang. */
void svtest_crash(const char *kind);
