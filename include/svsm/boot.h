/* SPDX-License-Identifier: MIT */
/*
 * What the kernel learns at boot: the boot-info page (measured, from the
 * builder) and the loader-filled IGVM parameter areas (untrusted). boot.c
 * validates all of it once and keeps private copies here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/compiler.h"
#include "svsm/err.h"

#define BOOT_MAX_RAM_RANGES 32
#define BOOT_CMDLINE_MAX    256

struct ram_range {
	uint64_t base;
	uint64_t size;
};

struct boot_params {
	uint64_t region_base;
	uint64_t region_size;
	uint64_t image_end;
	uint64_t free_base;
	uint64_t ap_trampoline_gpa;
	uint64_t secrets_gpa; /* SEV-SNP */
	uint64_t cpuid_gpa;   /* SEV-SNP */
	uint64_t fw_gpa;      /* guest firmware in the file, or 0 */
	uint64_t fw_size;
	uint64_t initfs_gpa; /* root file-system image in the region, or 0 */
	uint64_t initfs_size;
	uint32_t guest_svn; /* version metadata, measured */
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vcpu_count;
	uint32_t ram_count;
	struct ram_range ram[BOOT_MAX_RAM_RANGES];
	char cmdline[BOOT_CMDLINE_MAX];
};

struct csvsm_boot_info;

/*
 * Validates the boot-info page at `info` and the parameter areas it names,
 * and fills `result`, which is written only when everything is valid.
 * The caller maps the pages; `memmap`, `vp_count` and `cmdline` point at
 * the loader-filled areas.
 */
enum svsm_err __must_check boot_params_parse(const struct csvsm_boot_info *info,
					     uint64_t expected_base,
					     const void *memmap,
					     const void *vp_count,
					     const void *cmdline,
					     struct boot_params *result);

/* The validated parameters (after kmain has parsed them). */
const struct boot_params *boot_params(void);

/* True when the command line holds the word `opt` (e.g. "exit_on_ready"). */
bool cmdline_has(const char *cmdline, const char *opt);
/* Copies the value of `key=` into buf; false when absent or too long. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);

/*
 * The word `start=` names the programs to start at boot, comma-separated
 * ("start=vtpm" or "start=/bin/hello,vtpm"): copies the idx-th name into
 * buf. false past the last one, or when a name is empty or does not fit.
 */
bool cmdline_start_item(const char *cmdline, unsigned int idx, char *buf,
			size_t len);

/*
 * Unpacks the root file-system image the boot-info page names, then starts
 * the programs of `start=` (kernel/core/start.c). Errors are logged.
 */
void boot_start_programs(void);

/*
 * With `vtpm_bridge` on the command line, serves the vTPM host bridge for
 * ever (native platform, include/svsm/vtpm_bridge.h); else returns.
 */
void boot_host_bridge(void);

/* The last step of boot: production prints "ready"; the test image runs tests. */
__noreturn void boot_finish(void);
