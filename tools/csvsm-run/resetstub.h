/* SPDX-License-Identifier: MIT */
/*
 * Layout of the launcher's reset stub: a 64 KiB firmware image that stock
 * QEMU maps just below 4 GiB (-bios). The launcher patches the context block
 * at the start of the image from the IGVM file's native VP context; the
 * stub's code (resetstub.S) loads it and jumps to the VP's entry point.
 * Shared by the assembly and the C launcher, so macros only.
 */
#pragma once

#define STUB_BASE 0xffff0000 /* linear address of the image's first byte */
#define STUB_SIZE 0x10000

/* Context block offsets (all fields little endian). */
#define STUB_GDT       0x000 /* 16 descriptors */
#define STUB_GDT_COUNT 16
#define STUB_GDTR      0x080 /* u16 limit, u32 base: the stub's GDT */
#define STUB_TGT_GDTR  0x088 /* u16 limit, u32 base: the VP's GDTR */
#define STUB_TGT_IDTR  0x090 /* u16 limit, u32 base: the VP's IDTR */
#define STUB_CR0       0x098
#define STUB_CR3       0x09c
#define STUB_CR4       0x0a0
#define STUB_EFER_LO   0x0a4
#define STUB_EFER_HI   0x0a8
#define STUB_FLAGS     0x0ac /* bit 0: load the VP's GDTR before jumping */
#define STUB_EAX       0x0b0
#define STUB_EBX       0x0b4
#define STUB_ECX       0x0b8
#define STUB_EDX       0x0bc
#define STUB_ESI       0x0c0
#define STUB_EDI       0x0c4
#define STUB_EBP       0x0c8
#define STUB_ESP       0x0cc
#define STUB_FAR_EIP   0x0d0 /* u32 eip, u16 cs: the final far jump */
#define STUB_FAR_CS    0x0d4
#define STUB_DATA_SEL  0x0d8 /* u16: DS, ES, FS, GS and SS */
#define STUB_CTX_END   0x0e0

#define STUB_FLAG_LOAD_GDT 1

/* The stub's own selectors: the last two GDT slots. */
#define STUB_CS32 0x70
#define STUB_DS32 0x78
