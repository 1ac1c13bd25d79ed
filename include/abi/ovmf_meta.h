/* SPDX-License-Identifier: MIT */
/*
 * OVMF's SEV metadata as the SVSM reads it from the firmware in guest
 * memory (edk2 OvmfPkg/ResetVector: the footer GUID table of
 * Ia16/ResetVectorVtf0.asm and X64/OvmfSevMetadata.asm; QEMU
 * hw/i386/pc_sysfw_ovmf.c reads the table the same way):
 *
 *   end - 0x30   the footer GUID (16 bytes), preceded by a u16 with the
 *                table's whole length (entries + this 18-byte footer);
 *   before it    the entries, walked from the end: each is its data, a
 *                u16 length (data + 18) and its GUID;
 *   SEV metadata entry: a u32, the metadata header's distance from the end
 *                of the image;
 *   header       "ASEV", u32 length (16 + 12 * count), u32 version (1),
 *                u32 count, then count sections {u32 gpa, u32 size,
 *                u32 type}.
 */
#pragma once

#include <stdint.h>

/* GUIDs in their on-disk (EFI_GUID) byte order. */
#define OVMF_META_GUID_FOOTER                                               \
	{                                                                   \
		0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45, 0xba, 0xea, \
			0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d                  \
	} /* 96b582de-... */
#define OVMF_META_GUID_SEV_METADATA                                         \
	{                                                                   \
		0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47, 0xa7, 0x5e, \
			0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc                  \
	} /* dc886566-... */

#define OVMF_META_FOOTER_END_OFF \
	0x20 /* the footer GUID ends this far from the end */
#define OVMF_META_GUID_LEN	16u
#define OVMF_META_ENTRY_TRAILER 18u	    /* u16 length + GUID */
#define OVMF_META_SIGNATURE	0x56455341u /* "ASEV" */
#define OVMF_META_VERSION	1u
#define OVMF_META_HEADER_SIZE	16u
#define OVMF_META_SECTION_SIZE	12u

/* Section types (OvmfSevMetadata.asm). */
#define OVMF_META_SEC_MEM	1u /* pre-validated by the launch */
#define OVMF_META_SECRETS	2u
#define OVMF_META_CPUID		3u
#define OVMF_META_SVSM_CAA	4u /* the calling area, for an SVSM */
#define OVMF_META_KERNEL_HASHES 0x10u
