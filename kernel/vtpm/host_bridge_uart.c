/* SPDX-License-Identifier: MIT */
/*
 * The vTPM host bridge on COM2 (native platform only): csvsm-run --tpm
 * gives QEMU a second serial port whose character device is csvsm-mssim's
 * Unix socket. A 16550 needs no transport setup and is read by polling,
 * which suits the SVSM, which runs with interrupts off; the price is one
 * port access per byte, fine for a test path (docs/vtpm-host.md).
 */
#define LOG_PREFIX "vtpm bridge: "
#include "svsm/log.h"
#include "svsm/serial_port.h"
#include "svsm/vtpm_bridge.h"

static bool uart_read_byte(void *ctx, uint8_t *b)
{
	*b = serial_port_read_byte(ctx);
	return true;
}

static void uart_write(void *ctx, const uint8_t *buf, size_t len)
{
	serial_port_write(ctx, buf, len);
}

void vtpm_host_bridge_run(vtpm_bridge_cmd_fn cmd)
{
	static struct serial_port com2;
	const struct vtpm_bridge_io io = {
		.read_byte = uart_read_byte,
		.write = uart_write,
		.ctx = &com2,
	};

	if (!serial_port_init(&com2, SERIAL_COM2)) {
		log_error("no UART at COM2 (0x%x)", SERIAL_COM2);
		return;
	}
	log_notice("serving the vTPM on COM2");
	/* The UART never ends its input, so every call answers a frame. */
	while (vtpm_bridge_serve_one(&io, cmd) == SVSM_OK)
		;
}
