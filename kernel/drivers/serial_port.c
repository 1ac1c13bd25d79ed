/* SPDX-License-Identifier: MIT */
/*
 * A 16550 UART as a polled byte channel. Register map: National
 * Semiconductor PC16550D data sheet, table 2. QEMU's serial device never
 * drops a byte from its character device: it takes host bytes only while
 * the receive FIFO has room (hw/char/serial.c, serial_can_receive), so the
 * only flow control needed here is polling the line status.
 */
#include "svsm/serial_port.h"

#include "svsm/arch/cpu.h"

#include "svsm/plat/plat.h"

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

bool serial_port_init(struct serial_port *p, uint16_t base)
{
	p->base = base;
	plat_io_write8(base + UART_SCR, 0x5a);
	if (plat_io_read8(base + UART_SCR) != 0x5a)
		return false;
	plat_io_write8(base + UART_IER, 0x00); /* no interrupts */
	plat_io_write8(base + UART_LCR, 0x80); /* DLAB on */
	plat_io_write8(base + UART_DLL, 0x01); /* 115200 baud */
	plat_io_write8(base + UART_DLM, 0x00);
	plat_io_write8(base + UART_LCR, 0x03); /* 8N1, DLAB off */
	plat_io_write8(base + UART_FCR, 0xc7); /* FIFOs on, cleared */
	plat_io_write8(base + UART_MCR, 0x03); /* DTR, RTS */
	return true;
}

uint8_t serial_port_read_byte(const struct serial_port *p)
{
	while (!(plat_io_read8(p->base + UART_LSR) & LSR_DR))
		arch_cpu_relax();
	return plat_io_read8(p->base + UART_RBR);
}

void serial_port_write(const struct serial_port *p, const uint8_t *buf,
		       size_t len)
{
	for (size_t i = 0; i < len; i++) {
		while (!(plat_io_read8(p->base + UART_LSR) & LSR_THRE))
			arch_cpu_relax();
		plat_io_write8(p->base + UART_THR, buf[i]);
	}
}
