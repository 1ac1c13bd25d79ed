/* SPDX-License-Identifier: MIT */
/*
 * <stdlib.h> for the mbedTLS sources in the kernel: they use only size_t
 * and NULL from it (memory comes through mbedtls_config.h).
 */
#pragma once

#include <stddef.h>
