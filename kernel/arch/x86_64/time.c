/* SPDX-License-Identifier: MIT */
/*
 * The time source of include/svsm/arch/time.h.
 *
 * The TSC's rate is measured against PIT channel 2 counting 10 ms in mode
 * 0 (Intel 8254 datasheet; the gate and output are bits 0 and 5 of port
 * 0x61), as Linux's pit_calibrate_tsc did (arch/x86/kernel/tsc.c). A
 * machine without port 0x61 (QEMU's microvm has no PC speaker, so channel
 * 2's gate stays off) is measured on channel 1 instead, whose gate is
 * always on and whose output goes nowhere: its count, latched and read
 * back, tells how many PIT ticks passed. The
 * wall clock is read once from the MC146818 RTC (CMOS registers 0-9 and
 * status B for BCD and 12-hour mode), waiting for no update in progress
 * (status A bit 7).
 */
#include "svsm/arch/time.h"

#include <stdbool.h>

#include "svsm/arch/io.h"

#define PIT_HZ	 1193182u
#define CALIB_HZ 100u /* 10 ms */

static uint64_t tsc_hz;
static uint64_t tsc_start;
static uint64_t epoch;

static uint64_t rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	/* SAFETY: RDTSC reads the time-stamp counter, nothing else. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t measure_tsc_hz(void)
{
	uint16_t latch = PIT_HZ / CALIB_HZ;
	uint8_t gate = arch_inb(0x61);
	uint64_t t0;
	uint64_t t1;
	uint32_t spins = 0;

	if (gate == 0xff)
		return 0; /* nothing at port 0x61 */
	arch_outb(0x61,
		  (uint8_t)((gate & ~0x02) | 0x01)); /* gate on, no speaker */
	arch_outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
	arch_outb(0x42, (uint8_t)latch);
	arch_outb(0x42, (uint8_t)(latch >> 8));
	t0 = rdtsc();
	while (!(arch_inb(0x61) & 0x20) && ++spins < 10000000u)
		;
	t1 = rdtsc();
	arch_outb(0x61, gate);
	if (spins >= 10000000u || t1 <= t0)
		return 0;
	return (t1 - t0) * CALIB_HZ;
}

/* Channel 1's current count (counter latch command, then low, high). */
static uint16_t pit1_count(void)
{
	uint8_t lo;
	uint8_t hi;

	arch_outb(0x43, 0x40);
	lo = arch_inb(0x41);
	hi = arch_inb(0x41);
	return (uint16_t)(lo | hi << 8);
}

/* Counting down from 0xffff in mode 2; 10 ms of its ticks timed. */
static uint64_t measure_tsc_hz_channel1(void)
{
	uint16_t start;
	uint32_t ticks = 0;
	uint32_t spins = 0;
	uint64_t t0;
	uint64_t t1;

	arch_outb(0x43, 0x74); /* channel 1, lobyte/hibyte, mode 2 */
	arch_outb(0x41, 0xff);
	arch_outb(0x41, 0xff);
	start = pit1_count();
	t0 = rdtsc();
	while (ticks < PIT_HZ / CALIB_HZ && ++spins < 10000000u)
		ticks = (uint16_t)(start - pit1_count());
	t1 = rdtsc();
	if (spins >= 10000000u || t1 <= t0 || !ticks)
		return 0;
	return (t1 - t0) * PIT_HZ / ticks;
}

static uint8_t cmos(uint8_t reg)
{
	arch_outb(0x70, reg);
	return arch_inb(0x71);
}

static uint32_t bcd(uint8_t v, bool is_bcd)
{
	return is_bcd ? (uint32_t)(v >> 4) * 10 + (v & 0xf) : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
	uint32_t era;
	uint32_t yoe;
	uint32_t doy;
	uint32_t doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t read_rtc(void)
{
	uint8_t b;
	bool is_bcd;
	uint32_t s;
	uint32_t mi;
	uint32_t h;
	uint32_t d;
	uint32_t mo;
	uint32_t y;
	uint8_t hr;

	for (uint32_t i = 0; i < 1000000u && (cmos(0x0a) & 0x80); i++)
		;
	b = cmos(0x0b);
	is_bcd = !(b & 0x04);
	s = bcd(cmos(0x00), is_bcd);
	mi = bcd(cmos(0x02), is_bcd);
	hr = cmos(0x04);
	h = bcd(hr & 0x7f, is_bcd);
	if (!(b & 0x02) && (hr & 0x80))
		h = (h % 12) + 12; /* 12-hour mode, PM */
	d = bcd(cmos(0x07), is_bcd);
	mo = bcd(cmos(0x08), is_bcd);
	y = bcd(cmos(0x09), is_bcd) + 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return 0;
	return days_from_civil(y, mo, d) * 86400 + (uint64_t)h * 3600 +
	       (uint64_t)mi * 60 + s;
}

void arch_time_init(void)
{
	if (tsc_hz)
		return;
	tsc_hz = measure_tsc_hz();
	if (!tsc_hz)
		tsc_hz = measure_tsc_hz_channel1();
	if (!tsc_hz)
		tsc_hz = 1000000000ull; /* no PIT: assume 1 GHz */
	epoch = read_rtc();
	tsc_start = rdtsc();
}

uint64_t arch_time_ns(void)
{
	uint64_t t = rdtsc();
	uint64_t d = t > tsc_start ? t - tsc_start : 0;

	if (!tsc_hz)
		return 0; /* before arch_time_init() */
	/* Split to avoid overflow: whole seconds, then the remainder. */
	return (d / tsc_hz) * 1000000000ull +
	       (d % tsc_hz) * 1000000000ull / tsc_hz;
}

uint64_t arch_time_epoch(void)
{
	return epoch;
}
