/* SPDX-License-Identifier: MIT */
/*
 * A polled 16550 UART used as a byte channel (not the console, which is
 * kernel/drivers/uart16550.c on COM1): the vTPM host bridge's port on the
 * native platform (kernel/vtpm/host_bridge_uart.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERIAL_COM2 0x2f8

struct serial_port {
	uint16_t base;
};

/*
 * 115200 8N1, FIFOs on, no interrupts. false when no UART answers at
 * `base` (its scratch register does not keep a value).
 */
bool serial_port_init(struct serial_port *p, uint16_t base);
/* Waits for one byte (polling the line status) and returns it. */
uint8_t serial_port_read_byte(const struct serial_port *p);
/* Sends len bytes, waiting for room before each. */
void serial_port_write(const struct serial_port *p, const uint8_t *buf,
		       size_t len);
