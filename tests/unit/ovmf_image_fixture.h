/* SPDX-License-Identifier: MIT */
/*
 * A firmware image with OVMF's SEV metadata, made in memory
 * (ovmf_image_fixture.c): the footer GUID table at the end, one SEV
 * metadata entry pointing at an `ASEV` header meta_dist bytes from the
 * end, and the sections given as {GPA, size, type} (OVMF_META_SEC_*),
 * everything else 0xcc. As edk2 lays it out (OvmfPkg/ResetVector,
 * OvmfPkg/AmdSev); used by the metadata tests and the end-to-end test.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

void ovmf_image_make(uint8_t *img, size_t size, uint32_t meta_dist,
		     const uint32_t (*sec)[3], uint32_t n);
