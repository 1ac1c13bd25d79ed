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
#include "svsm/uart16550.h"

bool serial_port_init(struct serial_port *p, uint16_t base)
{
	p->base = base;
	plat_io_write8(base + UART_SCR, 0x5a);
	if (plat_io_read8(base + UART_SCR) != 0x5a)
		return false;
	uart16550_setup(base);
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
