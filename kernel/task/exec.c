/* SPDX-License-Identifier: MIT */
/*
 * Loading a checked executable (elf.c) into a task: its PT_LOAD segments,
 * each with its own rights (R, R+X or R+W; never W+X), the stack, and the
 * initial process stack of the System V x86-64 psABI, 3.4.1 ("Initial
 * Stack and Register State", Figure 3.9): argc, argv pointers, NULL, envp
 * pointers, NULL, the auxiliary vector ending with AT_NULL, then the
 * strings and the 16 AT_RANDOM bytes above. RSP is 16-byte aligned and
 * points at argc; RDX is 0 (no function for atexit), the other registers
 * are zero, and the x87/SSE control words are the psABI's (arch_fpu_*).
 *
 * The auxiliary vector has what glibc's startup reads (glibc
 * elf/dl-support.c, _dl_aux_init): AT_PHDR/AT_PHENT/AT_PHNUM (both or
 * neither), AT_PAGESZ, AT_ENTRY, AT_RANDOM from the CPU's random source,
 * AT_HWCAP (CPUID 1 EDX, as Linux), AT_HWCAP2 0 (no FSGSBASE for tasks),
 * AT_CLKTCK 100, AT_SECURE 0, AT_UID..AT_EGID 0, AT_PLATFORM, AT_EXECFN,
 * AT_MINSIGSTKSZ. No AT_SYSINFO_EHDR: without a vDSO glibc makes real
 * time syscalls.
 */
#define LOG_PREFIX "task: "
#include "svsm/arch/cpu.h"

#include "svsm/elf.h"
#include "svsm/log.h"

#include "abi/elf.h"

#include "lib/string.h"
#include "task_int.h"

#define MAX_ARGS    32u
#define MAX_STRINGS (16u << 10)
#define AUXV_MAX    24u

static unsigned int seg_prot(uint32_t flags)
{
	unsigned int prot = 0;

	if (flags & PF_W)
		prot |= PROT_WRITE;
	if (flags & PF_X)
		prot |= PROT_EXEC;
	return prot;
}

static enum svsm_err load_segments(struct task *t, const uint8_t *file,
				   const struct elf_image *img, uint64_t bias)
{
	for (uint32_t i = 0; i < img->load_count; i++) {
		const struct elf_segment *s = &img->load[i];
		uint64_t start = ALIGN_DOWN(s->vaddr + bias, PAGE_SIZE);
		uint64_t end = ALIGN_UP(s->vaddr + bias + s->memsz, PAGE_SIZE);
		enum svsm_err err;

		/* Writable while the SVSM fills it through its own mapping. */
		err = uvm_map_anon(t, start, end - start, PROT_WRITE);
		if (err == SVSM_OK)
			err = uvm_poke(t, s->vaddr + bias, file + s->offset,
				       s->filesz);
		if (err == SVSM_OK)
			err = uvm_protect(t, start, end - start,
					  seg_prot(s->flags));
		if (err != SVSM_OK)
			return err;
	}
	return SVSM_OK;
}

static size_t count(const char *const *v, size_t max)
{
	size_t n = 0;

	while (v && v[n] && n <= max)
		n++;
	return n;
}

/* Pushes a string below *sp; returns its user address. */
static enum svsm_err push_string(struct task *t, uint64_t *sp, const char *s,
				 uint64_t *uaddr)
{
	size_t len = strlen(s) + 1;

	*sp -= len;
	*uaddr = *sp;
	return uvm_poke(t, *sp, s, len);
}

static enum svsm_err push_words(struct task *t, uint64_t *at, const uint64_t *w,
				size_t n)
{
	enum svsm_err err = uvm_poke(t, *at, w, n * sizeof(*w));

	*at += n * sizeof(*w);
	return err;
}

static enum svsm_err build_stack(struct task *t, const struct elf_image *img,
				 uint64_t bias, const char *const *argv,
				 const char *const *envp)
{
	size_t argc = count(argv, MAX_ARGS);
	size_t envc = count(envp, MAX_ARGS);
	uint64_t sp = UVM_STACK_TOP;
	uint64_t argp[MAX_ARGS];
	uint64_t envpp[MAX_ARGS];
	uint64_t auxv[AUXV_MAX * 2];
	uint64_t platform;
	uint64_t random;
	uint64_t rnd[2];
	uint64_t at;
	uint64_t zero = 0;
	uint64_t words;
	size_t n = 0;
	enum svsm_err err = SVSM_OK;

	if (argc == 0 || argc > MAX_ARGS || envc > MAX_ARGS)
		return SVSM_E_INVAL;
	if (!arch_hw_random(&rnd[0]) || !arch_hw_random(&rnd[1]))
		return SVSM_E_HW;
	sp -= sizeof(rnd);
	random = sp;
	err = uvm_poke(t, sp, rnd, sizeof(rnd));
	for (size_t i = 0; err == SVSM_OK && i < argc; i++)
		err = push_string(t, &sp, argv[i], &argp[i]);
	for (size_t i = 0; err == SVSM_OK && i < envc; i++)
		err = push_string(t, &sp, envp[i], &envpp[i]);
	if (err == SVSM_OK)
		err = push_string(t, &sp, "x86_64", &platform);
	if (err != SVSM_OK || UVM_STACK_TOP - sp > MAX_STRINGS)
		return err != SVSM_OK ? err : SVSM_E_INVAL;

#define AUX(type, val)                       \
	do {                                 \
		auxv[n++] = (type);          \
		auxv[n++] = (uint64_t)(val); \
	} while (0)
	if (img->has_phdr) {
		AUX(AT_PHDR, img->phdr + bias);
		AUX(AT_PHENT, sizeof(struct elf64_phdr));
		AUX(AT_PHNUM, img->phnum);
	}
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_ENTRY, img->entry + bias);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP, arch_user_hwcap());
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PLATFORM, platform);
	AUX(AT_EXECFN, argp[0]);
	AUX(AT_MINSIGSTKSZ, arch_user_minsigstksz());
	AUX(AT_NULL, 0);
#undef AUX
	CHECK(n <= ARRAY_SIZE(auxv));

	words = 1 + (argc + 1) + (envc + 1) + n;
	sp = ALIGN_DOWN(sp - words * sizeof(uint64_t), 16);
	at = sp;
	{
		uint64_t argc64 = argc;

		err = push_words(t, &at, &argc64, 1);
	}
	if (err == SVSM_OK)
		err = push_words(t, &at, argp, argc);
	if (err == SVSM_OK)
		err = push_words(t, &at, &zero, 1);
	if (err == SVSM_OK && envc)
		err = push_words(t, &at, envpp, envc);
	if (err == SVSM_OK)
		err = push_words(t, &at, &zero, 1);
	if (err == SVSM_OK)
		err = push_words(t, &at, auxv, n);
	t->sp = sp;
	return err;
}

enum svsm_err exec_load(struct task *t, const void *elf, size_t size,
			const char *const *argv, const char *const *envp,
			const char **why)
{
	struct elf_image img;
	uint64_t bias;
	enum svsm_err err = elf_exec_parse(elf, size, &img, why);

	if (err != SVSM_OK)
		return err;
	bias = elf_exec_bias(&img);
	err = load_segments(t, elf, &img, bias);
	if (err == SVSM_OK)
		err = uvm_map_anon(
			t,
			UVM_STACK_TOP - (uint64_t)UVM_STACK_PAGES * PAGE_SIZE,
			(uint64_t)UVM_STACK_PAGES * PAGE_SIZE, PROT_WRITE);
	if (err == SVSM_OK)
		err = build_stack(t, &img, bias, argv, envp);
	if (err != SVSM_OK) {
		*why = err == SVSM_E_NOMEM
			       ? "out of memory or over the task's limit"
			       : "cannot build the initial stack";
		return err;
	}
	t->entry = img.entry + bias;
	t->brk_start = img.hi + bias;
	t->brk_cur = t->brk_start;
	t->mmap_next = UVM_MMAP_TOP;
	return SVSM_OK;
}
