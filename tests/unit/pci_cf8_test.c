/* SPDX-License-Identifier: MIT */
/*
 * Hosted tests of PCI configuration mechanism #1 (kernel/drivers/pci/
 * pci_cf8.c): every access goes through the platform's port I/O
 * (plat_io_*), the address as one 32-bit write to 0xcf8 (PCI 3.0
 * §3.2.2.3.2: enable bit, bus, device, function, the register's dword),
 * then the data bytes at 0xcfc plus the register's offset in its dword.
 * The platform functions here record the accesses and answer from a fake
 * configuration space.
 */
#include <stdint.h>
#include <string.h>

#include "svsm/pci.h"
#include "svsm/plat/plat.h"

#include "abi/pci.h"

#include "test.h"

struct io_access {
	char kind; /* 'w' 8-bit write, 'r' 8-bit read, 'L' 32-bit write */
	uint16_t port;
	uint32_t val;
};

static struct io_access log_[16];
static unsigned int nlog;
static uint32_t address;   /* the last value written to 0xcf8 */
static uint8_t space[256]; /* the configuration space of 00:03.2 */

static void record(char kind, uint16_t port, uint32_t val)
{
	if (nlog < sizeof(log_) / sizeof(log_[0]))
		log_[nlog] = (struct io_access){kind, port, val};
	nlog++;
}

static uint8_t *selected(uint16_t port)
{
	if (address != PCI_CONFIG_ADDR(0, 3, 2, address & 0xfc) ||
	    port < PCI_CONFIG_DATA || port > PCI_CONFIG_DATA + 3)
		return NULL;
	return &space[(address & 0xfc) + (port - PCI_CONFIG_DATA)];
}

void plat_io_write8(uint16_t port, uint8_t val)
{
	uint8_t *p = selected(port);

	record('w', port, val);
	if (p)
		*p = val;
}

uint8_t plat_io_read8(uint16_t port)
{
	uint8_t *p = selected(port);

	record('r', port, 0);
	return p ? *p : 0xff;
}

void plat_io_write32(uint16_t port, uint32_t val)
{
	record('L', port, val);
	if (port == PCI_CONFIG_ADDRESS)
		address = val;
}

static void reset_io(void)
{
	nlog = 0;
	address = 0;
	for (unsigned int i = 0; i < sizeof(space); i++)
		space[i] = (uint8_t)(i * 3 + 1);
}

static bool access_is(unsigned int i, char kind, uint16_t port, uint32_t val)
{
	REQUIRE_TRUE(i < nlog);
	REQUIRE_EQ(log_[i].kind, kind);
	REQUIRE_EQ(log_[i].port, port);
	REQUIRE_EQ(log_[i].val, val);
	return true;
}

TEST(pci_cf8, read_selects_with_one_32bit_write_then_reads_bytes)
{
	struct pci_fn f = {.bus = 0, .dev = 3, .fn = 2};

	reset_io();
	/* 16 bits at 0x06: the dword at 0x04, bytes 2 and 3 of the window. */
	EXPECT_EQ(pci_cfg_raw_read(&f, 0x06, 2),
		  (uint32_t)space[6] | (uint32_t)space[7] << 8);
	ASSERT_EQ(nlog, 3);
	EXPECT_TRUE(access_is(0, 'L', 0xcf8, 0x80001a04u));
	EXPECT_TRUE(access_is(1, 'r', 0xcfe, 0));
	EXPECT_TRUE(access_is(2, 'r', 0xcff, 0));

	reset_io();
	EXPECT_EQ(pci_cfg_raw_read(&f, 0x10, 4),
		  (uint32_t)space[0x10] | (uint32_t)space[0x11] << 8 |
			  (uint32_t)space[0x12] << 16 |
			  (uint32_t)space[0x13] << 24);
	ASSERT_EQ(nlog, 5);
	EXPECT_TRUE(access_is(0, 'L', 0xcf8, 0x80001a10u));
}

TEST(pci_cf8, write_selects_then_writes_each_byte)
{
	struct pci_fn f = {.bus = 0, .dev = 3, .fn = 2};

	reset_io();
	pci_cfg_raw_write(&f, 0x05, 1, 0xab);
	ASSERT_EQ(nlog, 2);
	EXPECT_TRUE(access_is(0, 'L', 0xcf8, 0x80001a04u));
	EXPECT_TRUE(access_is(1, 'w', 0xcfd, 0xab));
	EXPECT_EQ(space[5], 0xab);

	reset_io();
	pci_cfg_raw_write(&f, 0x24, 4, 0x11223344u);
	ASSERT_EQ(nlog, 5);
	EXPECT_TRUE(access_is(0, 'L', 0xcf8, 0x80001a24u));
	EXPECT_EQ(space[0x24], 0x44);
	EXPECT_EQ(space[0x27], 0x11);
	/* Another function's address reaches nothing of this one. */
	f.fn = 1;
	reset_io();
	EXPECT_EQ(pci_cfg_raw_read(&f, 0x00, 2), 0xffffu);
	EXPECT_TRUE(access_is(0, 'L', 0xcf8, 0x80001900u));
}
