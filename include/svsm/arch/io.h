/* SPDX-License-Identifier: MIT */
/*
 * x86 port I/O. Only the native platform uses these directly; a
 * confidential platform routes port I/O through its host interface
 * (GHCB IOIO on SNP), see plat_io_*().
 */
#pragma once

#include <stdint.h>

void arch_outb(uint16_t port, uint8_t val);
uint8_t arch_inb(uint16_t port);
void arch_outl(uint16_t port, uint32_t val);
