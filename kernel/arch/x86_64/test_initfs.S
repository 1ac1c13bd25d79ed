/* SPDX-License-Identifier: MIT */
/*
 * The test image's root file system: the cpio archive of the user-mode
 * test programs and their host outputs (mk/kernel.mk builds it), included
 * in rodata, so the loader measures it with the kernel. Linked only into
 * out/svsm-test.igvm; the production image has no programs yet
 * (docs/user-mode.md).
 */
	.section .rodata.initfs, "a"
	.balign 4096
	.globl test_initfs_start, test_initfs_end
test_initfs_start:
	.incbin INITFS_PATH
test_initfs_end:
	.section .note.GNU-stack, "", @progbits
