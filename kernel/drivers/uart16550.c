/* SPDX-License-Identifier: MIT */
/*
 * Driver for the 16550 UART at COM1 (0x3f8), polled, 115200 8N1.
 * Register map: National Semiconductor PC16550D data sheet, table 2.
 */
#include <stdbool.h>
#include <stdint.h>

#include "svsm/console.h"
#include "svsm/plat/plat.h"

#define COM1	 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */

static bool console_ready;

void console_init(void)
{
	plat_io_write8(COM1 + UART_IER, 0x00); /* no interrupts */
	plat_io_write8(COM1 + UART_LCR, 0x80); /* DLAB on */
	plat_io_write8(COM1 + UART_DLL, 0x01); /* 115200 baud */
	plat_io_write8(COM1 + UART_DLM, 0x00);
	plat_io_write8(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
	plat_io_write8(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared */
	plat_io_write8(COM1 + UART_MCR, 0x03); /* DTR, RTS */
	console_ready = true;
}

static void uart_putc(char c)
{
	/* Bounded wait: a stuck UART must not hang the SVSM forever. */
	for (unsigned int i = 0; i < 100000; i++) {
		if (plat_io_read8(COM1 + UART_LSR) & LSR_THRE)
			break;
	}
	plat_io_write8(COM1 + UART_THR, (uint8_t)c);
}

void console_write(const char *s, size_t len)
{
	if (!console_ready)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}
