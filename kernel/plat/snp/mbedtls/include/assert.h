/* SPDX-License-Identifier: MIT */
/*
 * <assert.h> for the mbedTLS sources in the kernel: compile-time checks
 * only (MBEDTLS_CHECK_PARAMS is off, so the library asserts nothing at run
 * time).
 */
#pragma once

#ifndef static_assert
#define static_assert _Static_assert
#endif
