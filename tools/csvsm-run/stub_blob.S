/* SPDX-License-Identifier: MIT */
/* Embeds the assembled reset stub (built from resetstub.S) in the launcher. */
	.section .rodata
	.balign 16
	.globl resetstub_image, resetstub_image_end
resetstub_image:
	.incbin	RESETSTUB_BIN
resetstub_image_end:
	.section .note.GNU-stack, "", @progbits
