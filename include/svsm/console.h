/* SPDX-License-Identifier: MIT */
/*
 * The console: a 16550 UART at COM1, reached through the platform's port
 * I/O (plat_io_*), so the same driver works natively and, later, through
 * the GHCB on SEV-SNP.
 */
#pragma once

#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t len);
