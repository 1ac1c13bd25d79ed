/* SPDX-License-Identifier: MIT */
/*
 * Starting the application processors on the native platform: copy the
 * real-mode trampoline (arch/x86_64/ap_trampoline.S) to the page the boot
 * info reserves below 1 MiB, fill its data block, broadcast INIT-SIPI-SIPI,
 * and wait until every declared vCPU has checked in. CPUs beyond the
 * declared count park themselves in the trampoline.
 */
#define LOG_PREFIX "smp: "
#include "svsm/smp.h"

#include "svsm/arch/cpu.h"

#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/vm.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/plat/plat.h"

#include "../../arch/x86_64/layout.h"
#include "../../arch/x86_64/x86.h"
#include "lib/string.h"

static uintptr_t ap_stacks[CFG_MAX_CPUS];

static void put64(uint8_t *page, unsigned int off, uint64_t v)
{
	memcpy(page + off, &v, sizeof(v));
}

static void put32(uint8_t *page, unsigned int off, uint32_t v)
{
	memcpy(page + off, &v, sizeof(v));
}

static void fill_trampoline(uint8_t *page, uint32_t vcpu_count)
{
	static const uint64_t gdt[4] = {
		0,
		0x00cf9a000000ffffull,
		0x00cf92000000ffffull,
		0x00af9a000000ffffull,
	};
	size_t code_len = (size_t)(ap_trampoline_end - ap_trampoline_start);

	memset(page, 0, PAGE_SIZE);
	memcpy(page, ap_trampoline_start, code_len);
	put64(page, TRAMP_CR3, pa_val(vm_root()));
	put64(page, TRAMP_ENTRY, (uint64_t)(uintptr_t)&smp_ap_entry);
	put64(page, TRAMP_STACKS, (uint64_t)(uintptr_t)ap_stacks);
	put32(page, TRAMP_MAX_AP, vcpu_count - 1);
	put32(page, TRAMP_COUNTER, 0);
	/* Far pointers: offsets are patched by the trampoline itself. */
	put32(page, TRAMP_FAR32 + 4, BOOT_CS32);
	put32(page, TRAMP_FAR64 + 4, BOOT_CS64);
	put32(page, TRAMP_GDTR, sizeof(gdt) - 1);
	put32(page, TRAMP_EFER,
	      (uint32_t)arch_read_efer() & 0x900); /* LME | NXE */
	memcpy(page + TRAMP_GDT, gdt, sizeof(gdt));
}

uint32_t plat_start_aps(const struct boot_params *bp)
{
	uint32_t vcpu_count = bp->vcpu_count;
	uint64_t pa = bp->ap_trampoline_gpa;
	void *apic;
	uint32_t online;
	uint8_t *page;

	static_assert(TRAMP_GDT + 32 <= PAGE_SIZE, "trampoline data fits");
	static_assert(TRAMP_DATA_OFF <= PAGE_SIZE, "trampoline fits");
	if (vcpu_count < 2)
		return 1;
	if ((size_t)(ap_trampoline_end - ap_trampoline_start) > TRAMP_DATA_OFF)
		panic("smp: AP trampoline code overlaps its data");
	/*
	 * The APs switch on paging while running in the trampoline, so its
	 * page must be identity-mapped until they have left it.
	 */
	page = (pa & 0xfff) || pa >= 0x100000
		       ? NULL
		       : vm_map_identity(pa_init(pa), PAGE_SIZE);
	apic = vm_map_mmio(pa_init(arch_apic_base()), PAGE_SIZE);
	if (!page || !apic) {
		log_error("AP trampoline page 0x%llx or APIC unusable; "
			  "APs not started",
			  (unsigned long long)pa);
		return 1;
	}
	for (uint32_t i = 1; i < vcpu_count; i++)
		ap_stacks[i] = percpu_get(i)->stack_top;
	fill_trampoline(page, vcpu_count);
	arch_apic_start_aps(apic, (uint32_t)(pa >> 12));
	online = smp_wait_online(vcpu_count, 1000000);
	/* CPUs beyond the declared count are parked in it: clear it first. */
	memset(page, 0xf4, TRAMP_DATA_OFF); /* HLT */
	vm_unmap_identity(pa_init(pa), PAGE_SIZE);
	return online;
}
