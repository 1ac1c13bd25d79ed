/* SPDX-License-Identifier: MIT */
/*
 * The 16550 UART's registers (National Semiconductor PC16550D data sheet,
 * table 2) and its set-up, shared by the console on COM1
 * (kernel/drivers/uart16550.c) and the polled byte channels
 * (kernel/drivers/serial_port.c).
 */
#pragma once

#include <stdint.h>

#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_DR	 0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

/* 115200 8N1, FIFOs on and cleared, DTR and RTS, no interrupts. */
void uart16550_setup(uint16_t base);
