/* SPDX-License-Identifier: MIT */
/* The SEV-SNP launch end to end on the model (snp_e2e_fixture.h). */
#include "snp_e2e_fixture.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/gpa.h"
#include "svsm/mm/heap.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/protocols.h"

#include "abi/ovmf_meta.h"
#include "abi/snp.h"
#include "abi/snp_vmsa.h"

#include "igvm_snp.h"
#include "ovmf_image_fixture.h"
#include "rmp.h"
#include "slf_svsm.h"
#include "snp/boot.h"
#include "snp/early.h"
#include "snp/features.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "snp/snp.h"
#include "test.h"
#include "vcpu.h"

#define PG 0x1000ull

/* edk2 2025.02 with AmdSvsmLib (docs/snp.md), Debian 13's OVMF's. */
static const struct e2e_section edk2[] = {
	{E2E_FW_BASE + 0x0000, 0x9000, OVMF_META_SEC_MEM},
	{E2E_FW_BASE + 0xa000, 0x3000, OVMF_META_SEC_MEM},
	{E2E_FW_BASE + 0xd000, 0x1000, OVMF_META_SECRETS},
	{E2E_FW_BASE + 0xe000, 0x1000, OVMF_META_CPUID},
	{E2E_FW_BASE + 0xf000, 0x1000, OVMF_META_SVSM_CAA},
	{E2E_FW_BASE + 0x10000, 0x10000, OVMF_META_SEC_MEM},
};

uint64_t e2e_boot_info_gpa(void)
{
	return slf_snp_boot_info(E2E_REGION);
}

uint64_t e2e_ghcb_gpa(void)
{
	return slf_snp_bss_page(E2E_REGION);
}

void e2e_make_firmware(uint8_t *img, const struct e2e_section *sec,
		       unsigned int n)
{
	uint32_t s[16][3];

	CHECK(n <= 16);
	for (unsigned int i = 0; i < n; i++) {
		s[i][0] = sec[i].gpa;
		s[i][1] = sec[i].size;
		s[i][2] = sec[i].type;
	}
	ovmf_image_make(img, E2E_FW_SIZE, 0x600, (const uint32_t(*)[3])s, n);
}

/* The whole of a file, malloc'ed; NULL (and why) if not. */
static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n > 0 && fseek(f, 0, SEEK_SET) == 0)
		buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	if (!buf) {
		test_printf("  %s: cannot read it (%s)\n", path,
			    f ? "short or empty" : strerror(errno));
		return NULL;
	}
	*size = (size_t)n;
	return buf;
}

/*
 * The physical address of an ELF symbol (in a PT_LOAD segment, by its
 * p_paddr), 0 when the file or the symbol is not there.
 */
static uint64_t elf_symbol_pa(const char *path, const char *name)
{
	size_t size = 0;
	uint8_t *b = read_whole(path, &size);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	uint64_t va = 0;
	uint64_t pa = 0;

	if (!b || size < sizeof(*eh) || eh->e_shoff > size ||
	    eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    eh->e_phoff > size ||
	    eh->e_phnum > (size - eh->e_phoff) / sizeof(Elf64_Phdr))
		goto out;
	for (unsigned int i = 0; i < eh->e_shnum && !va; i++) {
		const Elf64_Shdr *sh =
			(const Elf64_Shdr *)(b + eh->e_shoff) + i;
		const Elf64_Shdr *str;

		if (sh->sh_type != SHT_SYMTAB || sh->sh_link >= eh->e_shnum ||
		    sh->sh_offset > size || sh->sh_size > size - sh->sh_offset)
			continue;
		str = (const Elf64_Shdr *)(b + eh->e_shoff) + sh->sh_link;
		if (str->sh_offset > size ||
		    str->sh_size > size - str->sh_offset)
			continue;
		for (uint64_t j = 0; j < sh->sh_size / sizeof(Elf64_Sym); j++) {
			const Elf64_Sym *sym =
				(const Elf64_Sym *)(b + sh->sh_offset) + j;

			if (sym->st_name < str->sh_size &&
			    strnlen((const char *)b + str->sh_offset +
					    sym->st_name,
				    str->sh_size - sym->st_name) <
				    str->sh_size - sym->st_name &&
			    !strcmp((const char *)b + str->sh_offset +
					    sym->st_name,
				    name)) {
				va = sym->st_value;
				break;
			}
		}
	}
	for (unsigned int i = 0; va && i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph =
			(const Elf64_Phdr *)(b + eh->e_phoff) + i;

		if (ph->p_type == PT_LOAD && va >= ph->p_vaddr &&
		    va - ph->p_vaddr < ph->p_memsz)
			pa = ph->p_paddr + (va - ph->p_vaddr);
	}
out:
	if (b && !pa)
		test_printf("  %s: no symbol %s in a loaded segment\n", path,
			    name);
	free(b);
	return pa;
}

static uint8_t *build(struct e2e *e, const struct e2e_opts *o, size_t *len)
{
	if (o->igvm) {
		uint8_t *file;

		REQUIRE_TRUE(o->firmware && o->snp_elf);
		e->fw = read_whole(o->firmware, &e->fw_size);
		REQUIRE_TRUE(e->fw != NULL);
		e->fw_gpa = E2E_FW_TOP - e->fw_size;
		e->ghcb_gpa = elf_symbol_pa(o->snp_elf, "__shared_start");
		REQUIRE_TRUE(e->ghcb_gpa != 0);
		file = read_whole(o->igvm, len);
		REQUIRE_TRUE(file != NULL);
		return file;
	}
	e->ghcb_gpa = e2e_ghcb_gpa();
	if (o->firmware) {
		e->fw = read_whole(o->firmware, &e->fw_size);
		REQUIRE_TRUE(e->fw != NULL);
	} else {
		e->fw = malloc(E2E_FW_SIZE);
		REQUIRE_TRUE(e->fw != NULL);
		e->fw_size = E2E_FW_SIZE;
		if (o->sections)
			e2e_make_firmware(e->fw, o->sections, o->section_count);
		else
			e2e_make_firmware(e->fw, edk2,
					  sizeof(edk2) / sizeof(edk2[0]));
	}
	e->fw_gpa = E2E_FW_TOP - e->fw_size;
	return slf_build_snp(E2E_REGION, E2E_REGION_SIZE, E2E_POLICY, e->fw,
			     e->fw_size, len);
}

/* The model guest, run by the host's Run VMPL (the hardware's part). */
static void host_runs_vmpl(struct sim_hv_exit *x, void *ctx)
{
	struct e2e *e = ctx;
	struct e2e_guest *g = &e->guest;
	struct snp_vmsa *v;
	uint8_t *caa;

	if (e->hostile)
		e->hostile(x, ctx);
	if (x->exit_code != GHCB_NAE_SNP_RUN_VMPL || !e->vcpu)
		return;
	if (g->host_refuses) {
		if (x->ghcb)
			x->ghcb->sw_exit_info_1 = GHCB_RESP_MALFORMED_INPUT;
		return;
	}
	g->runs++;
	v = arch_phys_to_virt(pa_val(e->vcpu->vmsa), sizeof(*v));
	caa = arch_phys_to_virt(gpa_val(e->vcpu->caa), 8);
	/* VMGEXIT saves the guest's registers and exit code in its VMSA. */
	v->rax = g->rax;
	v->rcx = g->rcx;
	v->rdx = g->rdx;
	v->r8 = g->r8;
	memcpy((uint8_t *)v + SNP_VMSA_OFF_EXITCODE, &g->exit_code, 8);
	if (g->call)
		caa[0] = 1; /* CALL_PENDING */
}

uint64_t e2e_guest_reg(const struct e2e *e, size_t off)
{
	uint64_t v;

	memcpy(&v,
	       (uint8_t *)arch_phys_to_virt(pa_val(e->vcpu->vmsa),
					    SNP_VMSA_SIZE) +
		       off,
	       8);
	return v;
}

uint8_t e2e_guest_pending_xchg(const struct e2e *e)
{
	uint8_t *caa = arch_phys_to_virt(gpa_val(e->vcpu->caa), 8);

	return __atomic_exchange_n(caa, 0, __ATOMIC_SEQ_CST);
}

/* The firmware's image as the launch left it below 4 GiB. */
static bool firmware_as_launched(struct e2e *e)
{
	for (uint64_t off = 0; off < e->fw_size; off += PG) {
		struct sim_rmp_entry was = slf_rmp(&e->slf, e->fw_gpa + off);

		REQUIRE_TRUE(was.assigned && was.validated && !was.vmsa);
		REQUIRE_EQ(was.perms[1] | was.perms[2] | was.perms[3], 0);
	}
	REQUIRE_EQ(memcmp(slf_ptr(&e->slf, e->fw_gpa), e->fw, e->fw_size), 0);
	return true;
}

static void reset_svsm(void)
{
	ghcb_reset();
	guest_msg_reset();
	snp_features_reset();
	snp_early_reset();
	snp_vcpus_reset();
	protocols_reset();
	fake_snp_reset_counters();
	fake_snp_vmpl = 0;
	fake_ghcb_cpu = 0;
}

/* Fn8000_001F EBX's C-bit in the launched CPUID page: entry.S's. */
static unsigned int page_cbit(const struct snp_cpuid_page *p)
{
	for (uint32_t i = 0; i < p->count && i < SNP_CPUID_COUNT_MAX; i++)
		if (p->fn[i].eax_in == 0x8000001fu)
			return p->fn[i].ebx & 0x3f;
	return 0;
}

bool e2e_launch(struct e2e *e, const struct e2e_opts *o)
{
	struct igvm_snp_opts mo = {.vcpus = E2E_VCPUS, .threads = 1};
	struct snp_vmsa v;
	int rc;

	memset(e, 0, sizeof(*e));
	e->saved_level = log_get_level();
	log_set_level(LOG_LEVEL_ERROR);
	reset_svsm();
	REQUIRE_TRUE(slf_init_fake(&e->slf, E2E_VCPUS, E2E_RAM));
	if (o->host_cbit_ebx)
		e->slf.cpuid[2].ebx = o->host_cbit_ebx;
	e->file = build(e, o, &e->len);
	REQUIRE_TRUE(e->file != NULL);
	REQUIRE_EQ(
		igvm_snp_measure_buf(e->file, e->len, &mo, e->measured, NULL),
		0);
	rc = slf_load(&e->slf, e->file, e->len);
	if (rc)
		test_printf("  load: %s\n", e->slf.err);
	REQUIRE_EQ(rc, 0);
	REQUIRE_TRUE(firmware_as_launched(e));
	/* entry.S gets the boot-info page in RSI (the file's VP context). */
	memcpy(&v, e->slf.load->vmsa[0], sizeof(v));
	e->boot_info_gpa = v.rsi;
	if (!o->igvm)
		REQUIRE_EQ(e->boot_info_gpa, e2e_boot_info_gpa());
	{
		const struct csvsm_boot_info *bi =
			(const struct csvsm_boot_info *)slf_ptr(
				&e->slf, e->boot_info_gpa);

		REQUIRE_TRUE(bi != NULL);
		e->region_base = bi->region_base;
		e->region_size = bi->region_size;
	}

	/* The host: the model hypervisor with the launch's PSP. */
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	sim_vcpu_table_init(&e->host, &fake_snp_rmp);
	e->host.apic_count = E2E_VCPUS;
	sim_hv.vcpus = &e->host;
	sim_hv.psp = e->slf.psp;
	sim_hv.hostile = host_runs_vmpl;
	sim_hv.hostile_ctx = e;

	/* entry.S maps the region with 2 MiB pages until vm_init(). */
	fake_boot_map_2m_lo = e->region_base;
	fake_boot_map_2m_hi = e->region_base + e->region_size;
	/* What the CPU tells the boot: SEV_STATUS from the launch VMSA. */
	e->env = (struct snp_boot_env){
		.boot_info_pa = e->boot_info_gpa,
		.sev_status = SNP_SEV_STATUS_SEV | SNP_SEV_STATUS_ES |
			      (v.sev_features << 2),
		.link_base = E2E_REGION,
		.probe_va = (uintptr_t)slf_ptr(&e->slf, E2E_REGION),
		.ghcb_pa = pa_init(e->ghcb_gpa),
		.ghcb_private_va = (uintptr_t)slf_ptr(&e->slf, e->ghcb_gpa),
		.ghcb = slf_ptr(&e->slf, e->ghcb_gpa),
	};
	e->env.entry_cbit = page_cbit((const struct snp_cpuid_page *)slf_ptr(
		&e->slf, e->slf.load->cpuid_gpa));
	return true;
}

bool e2e_boot(struct e2e *e)
{
	return FAKE_EXPECT_VCPU_STOP(snp_boot_seq(&e->env, &e->st));
}

bool e2e_kmain(struct e2e *e)
{
	const struct csvsm_boot_info *bi = &e->st.bi;
	uint64_t heap = (bi->free_base + PG - 1) & ~(PG - 1);
	uint64_t end = bi->region_base + bi->region_size;

	REQUIRE_EQ(boot_params_parse(bi, E2E_REGION,
				     slf_ptr(&e->slf, bi->memmap_gpa),
				     slf_ptr(&e->slf, bi->vp_count_gpa),
				     slf_ptr(&e->slf, bi->cmdline_gpa), &e->bp),
		   SVSM_OK);
	REQUIRE_TRUE(slf_clear_reservations());
	REQUIRE_EQ(gpa_set_ram(e->bp.ram, e->bp.ram_count), SVSM_OK);
	REQUIRE_EQ(gpa_reserve(pa_init(e->bp.region_base), e->bp.region_size),
		   SVSM_OK);
	REQUIRE_EQ(pgalloc_init(pa_init(heap), end - heap), SVSM_OK);
	heap_init(0xe2e0e2e0e2e0e2e0ull);
	/* From now on the SVSM's guest-memory accesses obey the RMP. */
	fake_snp_rmp_guards_access(true);
	/* The firmware as the boot info names it: where the launch put it. */
	REQUIRE_EQ(e->bp.fw_gpa, e->fw_gpa);
	REQUIRE_EQ(e->bp.fw_size, e->fw_size);
	e->fw_env = (struct snp_fw_env){
		.bp = &e->bp,
		.cpuid = &e->st.cpuid,
		.sev_status = e->env.sev_status,
	};
	return true;
}

bool e2e_fw(struct e2e *e)
{
	return FAKE_EXPECT_VCPU_STOP(e->vcpu = snp_fw_seq_start(&e->fw_env));
}

bool e2e_turn(struct e2e *e)
{
	return FAKE_EXPECT_VCPU_STOP(snp_fw_seq_turn(e->vcpu));
}

void e2e_fini(struct e2e *e)
{
	static const struct ram_range no_ram;

	fake_snp_rmp_guards_access(false);
	fake_boot_map_2m_lo = 0;
	fake_boot_map_2m_hi = 0;
	sim_hv.hostile = NULL;
	sim_hv.hostile_ctx = NULL;
	sim_hv.vcpus = NULL;
	sim_hv.psp = NULL;
	fake_snp_hv_stop();
	if (!slf_clear_reservations() || gpa_set_ram(&no_ram, 0) != SVSM_OK)
		test_printf("  could not clear the GPA registry\n");
	reset_svsm();
	slf_fini(&e->slf);
	free(e->file);
	e->file = NULL;
	free(e->fw);
	e->fw = NULL;
	log_set_level(e->saved_level);
}
