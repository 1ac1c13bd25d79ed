/* SPDX-License-Identifier: MIT */
/*
 * The key-broker client's transport over a serial port, for hosts
 * without vsock: a second 16550 UART (COM3 at 0x3e8 by default, as
 * COCONUT's attestation proxy uses it), polled, carrying the same frames
 * (include/abi/kbs_proxy.h) to csvsm-aproxy on the host end of the QEMU
 * chardev. Register map: National Semiconductor PC16550D data sheet,
 * table 2. The host sees and can change every byte; like vsock, the
 * client relies on it for delivery only, and every wait is bounded.
 */
#include "svsm/arch/cpu.h"

#include "svsm/plat/plat.h"

#include "kbs_int.h"

#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR	 0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

/* Per byte: the proxy answers a request within seconds. */
#define POLL_US		10u
#define BYTE_TIMEOUT_US 30000000u

/* The port of the open transport (one at a time). */
static uint16_t serial_port;

static uint16_t port_of(void *ctx)
{
	return *(const uint16_t *)ctx;
}

static bool wait_lsr(uint16_t port, uint8_t bit)
{
	for (uint32_t t = 0; t < BYTE_TIMEOUT_US; t += POLL_US) {
		if (plat_io_read8(port + UART_LSR) & bit)
			return true;
		arch_udelay(POLL_US);
	}
	return false;
}

static enum svsm_err ser_send(void *ctx, const void *buf, size_t len)
{
	uint16_t port = port_of(ctx);
	const uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (!wait_lsr(port, LSR_THRE))
			return SVSM_E_TIMEOUT;
		plat_io_write8(port + UART_THR, p[i]);
	}
	return SVSM_OK;
}

static enum svsm_err ser_recv(void *ctx, void *buf, size_t len)
{
	uint16_t port = port_of(ctx);
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (!wait_lsr(port, LSR_DR))
			return SVSM_E_TIMEOUT;
		p[i] = plat_io_read8(port + UART_RBR);
	}
	return SVSM_OK;
}

void kbs_serial_open(struct kbs_transport *t, uint16_t port)
{
	plat_io_write8(port + UART_IER, 0x00); /* polled */
	plat_io_write8(port + UART_LCR, 0x80); /* DLAB on */
	plat_io_write8(port + UART_DLL, 0x01); /* 115200 baud */
	plat_io_write8(port + UART_DLM, 0x00);
	plat_io_write8(port + UART_LCR, 0x03); /* 8N1 */
	plat_io_write8(port + UART_FCR, 0xc7); /* FIFOs on and cleared */
	plat_io_write8(port + UART_MCR, 0x03); /* DTR, RTS */
	/* Whatever the host queued before we asked is not an answer. */
	for (unsigned int i = 0; i < 4096; i++) {
		if (!(plat_io_read8(port + UART_LSR) & LSR_DR))
			break;
		(void)plat_io_read8(port + UART_RBR);
	}
	serial_port = port;
	t->ctx = &serial_port;
	t->send = ser_send;
	t->recv = ser_recv;
}
