/* SPDX-License-Identifier: MIT */
/*
 * Memory syscalls: brk, and mmap/munmap/mprotect for anonymous private
 * memory (Linux mm/mmap.c, mm/mprotect.c for the semantics and errors).
 *
 * W^X holds for a task's whole life: only the executable's own R+X
 * segments are ever executable. mmap and mprotect refuse PROT_EXEC on any
 * other page and PROT_WRITE on an executable page with -EACCES, so a task
 * can neither write its own text nor execute its stack, heap or data.
 *
 * Differences from Linux, on purpose: no file or shared mappings
 * (-EBADF, -EINVAL), MAP_FIXED only over unmapped pages (-EINVAL instead of
 * replacing them), no PROT_NONE (-EINVAL), and all memory is mapped at the
 * call (no demand paging), charged to the task's limit (-ENOMEM).
 *
 * TRUST: every argument comes from the task; ranges are checked against
 * USER_TOP with overflow-checked arithmetic before any page is touched.
 */
#include "abi/linux.h"

#include "task_int.h"

#define PROT_KNOWN (LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC)

long sys_brk(struct task *t, uint64_t addr)
{
	uint64_t old_end = ALIGN_UP(t->brk_cur, PAGE_SIZE);
	uint64_t new_end;

	if (addr < t->brk_start || addr - t->brk_start > UVM_BRK_MAX)
		return (long)t->brk_cur;
	new_end = ALIGN_UP(addr, PAGE_SIZE);
	if (new_end > old_end) {
		if (uvm_map_anon(t, old_end, new_end - old_end, PROT_WRITE) !=
		    SVSM_OK)
			return (long)t->brk_cur; /* Linux: the old break */
	} else if (new_end < old_end) {
		uvm_unmap(t, new_end, old_end - new_end);
	}
	t->brk_cur = addr;
	return (long)addr;
}

long sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint64_t prot,
	      uint64_t flags, uint64_t fd, uint64_t off)
{
	uint64_t va;

	(void)fd;
	/* Like Linux, mmap ignores protection bits it does not know. */
	prot &= PROT_KNOWN;
	if (!len || !IS_ALIGNED(off, PAGE_SIZE))
		return -LINUX_EINVAL;
	if (!(flags & LINUX_MAP_ANONYMOUS))
		return -LINUX_EBADF; /* no files to map */
	if ((flags & 0x3) != LINUX_MAP_PRIVATE)
		return -LINUX_EINVAL; /* shared memory: no one to share with */
	if (prot & LINUX_PROT_EXEC)
		return -LINUX_EACCES;
	if (!(prot & (LINUX_PROT_READ | LINUX_PROT_WRITE)))
		return -LINUX_EINVAL; /* PROT_NONE */
	if (len > USER_TOP)
		return -LINUX_ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & LINUX_MAP_FIXED) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || !uvm_range_ok(addr, len) ||
		    !uvm_range_free(t, addr, len))
			return -LINUX_EINVAL;
		va = addr;
	} else {
		if (t->mmap_next - len < t->brk_start + UVM_BRK_MAX ||
		    len > t->mmap_next)
			return -LINUX_ENOMEM;
		va = t->mmap_next - len;
	}
	if (uvm_map_anon(t, va, len,
			 (prot & LINUX_PROT_WRITE) ? PROT_WRITE : 0) != SVSM_OK)
		return -LINUX_ENOMEM;
	if (!(flags & LINUX_MAP_FIXED))
		t->mmap_next = va;
	return (long)va;
}

long sys_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	if (!len || !IS_ALIGNED(addr, PAGE_SIZE))
		return -LINUX_EINVAL;
	if (len > USER_TOP)
		return -LINUX_EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!uvm_range_ok(addr, len))
		return -LINUX_EINVAL;
	uvm_unmap(t, addr, len);
	return 0;
}

long sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot)
{
	unsigned int p = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~(uint64_t)PROT_KNOWN))
		return -LINUX_EINVAL;
	if (len > USER_TOP)
		return -LINUX_ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!uvm_range_ok(addr, len))
		return -LINUX_ENOMEM;
	if (!len)
		return 0;
	if ((prot & LINUX_PROT_WRITE) && (prot & LINUX_PROT_EXEC))
		return -LINUX_EACCES;
	if (!prot)
		return -LINUX_EINVAL; /* PROT_NONE */
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		struct pgtable_entry e;
		bool exec;

		if (!pgtable_lookup(&t->pt, va_init(addr + off), &e))
			return -LINUX_ENOMEM;
		exec = !(e.pte & PTE_NX) && t->pt.nx;
		if ((prot & LINUX_PROT_EXEC) && !exec)
			return -LINUX_EACCES;
		if ((prot & LINUX_PROT_WRITE) && exec)
			return -LINUX_EACCES;
	}
	if (prot & LINUX_PROT_WRITE)
		p |= PROT_WRITE;
	if (prot & LINUX_PROT_EXEC)
		p |= PROT_EXEC;
	return uvm_protect(t, addr, len, p) == SVSM_OK ? 0 : -LINUX_ENOMEM;
}
