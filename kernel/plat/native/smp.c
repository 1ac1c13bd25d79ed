/* SPDX-License-Identifier: MIT */
/*
 * Starting the application processors on the native platform: install the
 * x86 real-mode trampoline (kernel/arch/x86_64/ap_boot.c) in the page the
 * boot info reserves below 1 MiB, broadcast INIT-SIPI-SIPI, and wait until
 * every declared vCPU has checked in. CPUs beyond the declared count park
 * themselves in the trampoline.
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

#include "x86/x86.h"

static uintptr_t ap_stacks[CFG_MAX_CPUS];

uint32_t plat_start_aps(const struct boot_params *bp)
{
	uint32_t vcpu_count = bp->vcpu_count;
	uint64_t pa = bp->ap_trampoline_gpa;
	void *apic;
	uint32_t online;
	uint8_t *page;

	if (vcpu_count < 2)
		return 1;
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
	if (!arch_ap_trampoline_install(page, pa_val(vm_root()),
					(uintptr_t)&smp_ap_entry, ap_stacks,
					vcpu_count))
		panic("smp: AP trampoline code overlaps its data");
	arch_apic_start_aps(apic, (uint32_t)(pa >> 12));
	online = smp_wait_online(vcpu_count, 1000000);
	arch_ap_trampoline_retire(page);
	vm_unmap_identity(pa_init(pa), PAGE_SIZE);
	return online;
}
