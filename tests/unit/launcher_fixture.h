/* SPDX-License-Identifier: MIT */
/*
 * Shared between launcher_test.c and boot_params_test.c, which cannot include
 * each other's headers (launch.h and svsm/boot.h both define struct
 * ram_range). launcher_test.c builds its synthetic kernel into an IGVM file,
 * plans it for a q35 machine as csvsm-run would, and hands back the pages the
 * kernel reads at boot, found through the boot-info page's own addresses.
 */
#pragma once

#include <stdint.h>

#define LAUNCHER_FIXTURE_REGION_BASE 0x1000000ull

struct launcher_boot_areas {
	uint8_t boot_info[4096] __attribute__((aligned(8)));
	uint8_t memmap[4096];
	uint8_t vp_count[4096];
	uint8_t cmdline[4096];
};

/* 0 on success; -1 (and a test failure recorded) otherwise. */
int launcher_fixture_boot_areas(uint64_t mem_size, uint32_t vcpus,
				const char *cmdline,
				struct launcher_boot_areas *out);
