/* SPDX-License-Identifier: MIT */
/*
 * Exception-table entries for assembly: EXTABLE insn, fixup records that a
 * fault at `insn` resumes at `fixup` instead of being fatal. Only
 * instructions that touch memory the SVSM does not control (guest pages)
 * get entries. The linker collects them between __start_extable and
 * __stop_extable (kernel.lds.S).
 */
#pragma once

#ifdef __ASSEMBLER__
.macro EXTABLE insn, fixup
	.pushsection extable, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm
#endif
