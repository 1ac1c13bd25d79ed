/* SPDX-License-Identifier: MIT */
/*
 * AP bring-up accounting. The platform starts the APs; each one loads its
 * descriptor tables, reports its APIC ID, marks itself online and idles.
 * The boot CPU waits, bounded, and reports exactly which CPUs came up.
 */
#define LOG_PREFIX "smp: "
#include "svsm/smp.h"

#include "svsm/arch/cpu.h"

#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/percpu.h"
#include "svsm/plat/plat.h"

static uint32_t online_count = 1;

void smp_ap_entry(uint32_t index)
{
	struct percpu *pc = percpu_get(index);

	if (!pc)
		arch_halt_forever();
	arch_cpu_init(pc);
	smp_ap_run(pc);
}

void smp_ap_online(struct percpu *pc)
{
	pc->apic_id = arch_apic_id();
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	__atomic_fetch_add(&online_count, 1, __ATOMIC_ACQ_REL);
}

void smp_ap_run(struct percpu *pc)
{
	smp_ap_online(pc);
	/*
	 * Nothing to do on this platform's APs: halt with interrupts off,
	 * for good. From here the AP executes no SVSM code and makes no
	 * memory access, so the TLB entries it may hold are never used.
	 * SEV-SNP's APs go on to serve the guest's vCPUs instead
	 * (snp_ap_main, kernel/plat/snp/plat.c; docs/boot.md, "APs").
	 */
	arch_halt_forever();
}

uint32_t smp_wait_online(uint32_t count, uint32_t timeout_us)
{
	for (uint32_t t = 0; t < timeout_us; t += 10) {
		if (__atomic_load_n(&online_count, __ATOMIC_ACQUIRE) >= count)
			break;
		arch_udelay(10);
	}
	return __atomic_load_n(&online_count, __ATOMIC_ACQUIRE);
}

uint32_t smp_start(uint32_t count)
{
	uint32_t online;

	if (count > 1)
		plat_start_aps(boot_params());
	online = __atomic_load_n(&online_count, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < count; i++) {
		const struct percpu *pc = percpu_get(i);

		log_info("cpu %u: apic id %u, %s", i, pc->apic_id,
			 __atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)
				 ? "online"
				 : "DID NOT START");
	}
	if (online != count)
		log_error("%u of %u CPUs started", online, count);
	else
		log_info("%u of %u CPUs started", online, count);
	return online;
}
