/* SPDX-License-Identifier: MIT */
/*
 * Driver for the 16550 UART at COM1 (0x3f8), polled, 115200 8N1.
 * Register map: National Semiconductor PC16550D data sheet, table 2.
 */
#include "svsm/uart16550.h"

#include <stdbool.h>
#include <stdint.h>

#include "svsm/console.h"
#include "svsm/plat/plat.h"

#define COM1 0x3f8

static bool console_ready;

void uart16550_setup(uint16_t base)
{
	plat_io_write8(base + UART_IER, 0x00); /* no interrupts */
	plat_io_write8(base + UART_LCR, 0x80); /* DLAB on */
	plat_io_write8(base + UART_DLL, 0x01); /* 115200 baud */
	plat_io_write8(base + UART_DLM, 0x00);
	plat_io_write8(base + UART_LCR, 0x03); /* 8N1, DLAB off */
	plat_io_write8(base + UART_FCR, 0xc7); /* FIFOs on, cleared */
	plat_io_write8(base + UART_MCR, 0x03); /* DTR, RTS */
}

void console_init(void)
{
	uart16550_setup(COM1);
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
