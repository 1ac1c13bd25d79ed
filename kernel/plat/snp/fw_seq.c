/* SPDX-License-Identifier: MIT */
/*
 * Starting the guest firmware at VMPL1 and serving it (snp/boot_seq.h),
 * after "ready":
 *
 *   1. the firmware's SEV metadata, read from the pages the launch placed
 *      below 4 GiB (ovmf_meta_parse); it must name a secrets page, a
 *      CPUID page and a calling area;
 *   2. its sections validated, zeroed and granted to VMPL1, the image
 *      granted (snp_fw_prepare);
 *   3. the SVSM's guest-message pages (a request and a response page
 *      shared with the host, for the PSP's guest requests);
 *   4. the guest's CPUID page (a copy of the SVSM's) and secrets page (a
 *      copy, taken by secrets_take: VMPCK0 to the SVSM's guest-message
 *      client and wiped, the SVSM fields filled);
 *   5. the boot VMSA at the reset state (snp_fw_vmsa_reset) in an SVSM
 *      page, made a VMSA for VMPL1, registered with its calling area and
 *      announced to the host (AP Creation);
 *   6. the request loop, one snp_fw_seq_turn() at a time.
 * Any failure ends the VM (include/abi/snp_term.h, set 3). The kernel
 * runs it from plat_run_guest() (fw_boot.c); tests/unit/snp_e2e_test.c
 * runs it on a launch of the model.
 */
#define LOG_PREFIX "fw: "
#include "svsm/addr.h"
#include "svsm/boot.h"
#include "svsm/log.h"
#include "svsm/mm/pgalloc.h"
#include "svsm/mm/vm.h"

#include "abi/ghcb.h"
#include "abi/snp.h"
#include "abi/snp_guest_msg.h"
#include "abi/snp_term.h"
#include "abi/snp_vmsa.h"

#include "lib/string.h"
#include "snp/boot_seq.h"
#include "snp/cpuid.h"
#include "snp/fw_prepare.h"
#include "snp/fw_vmsa.h"
#include "snp/ghcb.h"
#include "snp/guest_msg.h"
#include "snp/loop.h"
#include "snp/ovmf_meta.h"
#include "snp/secrets.h"
#include "snp/shared_pages.h"
#include "snp/snp.h"

/* The firmware runs at VMPL1 (docs/snp.md). */
#define FW_VMPL 1u

static __noreturn void end(unsigned int code)
{
	ghcb_terminate(SNP_TERM_SET_CSVSM, code);
}

struct fw_img {
	uint64_t gpa;
	uint64_t size;
};

/* The parser's reads: bytes of the firmware the launch measured. */
static int fw_read(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	const struct fw_img *fw = ctx;
	uint8_t *d = dst;

	if (off > fw->size || len > fw->size - off)
		return -1;
	while (len) {
		uint64_t pa = fw->gpa + off;
		uint64_t in_page = PAGE_SIZE - (pa & (PAGE_SIZE - 1));
		uint32_t n = len < in_page ? len : (uint32_t)in_page;
		const uint8_t *p = vm_temp_map(pa_init(pa & ~(PAGE_SIZE - 1)),
					       SNP_SLOT_PAGE, 0);

		memcpy(d, p + (pa & (PAGE_SIZE - 1)), n);
		vm_temp_unmap(SNP_SLOT_PAGE);
		d += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Copies an SVSM page (in its region) to a guest page. */
static void copy_page(uint64_t dst_gpa, const void *src)
{
	memcpy(vm_temp_map(pa_init(dst_gpa), SNP_SLOT_PAGE, PROT_WRITE), src,
	       PAGE_SIZE);
	vm_temp_unmap(SNP_SLOT_PAGE);
}

/*
 * Step 3: two pages of the SVSM's heap shared with the host, for the
 * messages to the PSP (AMD 56421, SNP Guest Request: both pages are
 * shared).
 */
static void guest_msg_pages(void)
{
	paddr_t pa;
	bool lost = false;

	if (pgalloc_alloc(1, PGALLOC_ZERO, &pa) != SVSM_OK ||
	    snp_share_pages(pa, 2, &lost) != SVSM_OK ||
	    guest_msg_init(pa, pa_add(pa, PAGE_SIZE)) != SVSM_OK)
		end(SNP_TERM_FW_PREPARE);
}

static void guest_pages(const struct boot_params *bp, const struct fw_meta *m)
{
	const void *cpuid = arch_phys_to_virt(bp->cpuid_gpa, PAGE_SIZE);
	const void *secrets = arch_phys_to_virt(bp->secrets_gpa, PAGE_SIZE);
	struct secrets_svsm_info info = {
		.svsm_base = pa_init(bp->region_base),
		.svsm_size = bp->region_size,
		.svsm_caa = pa_init(m->caa_gpa),
		.svsm_max_version = 1,
		.guest_vmpl = FW_VMPL,
	};
	struct snp_secrets_page *page;
	enum svsm_err err;

	if (!cpuid || !secrets)
		end(SNP_TERM_FW_PREPARE);
	copy_page(m->cpuid_gpa, cpuid);
	copy_page(m->secrets_gpa, secrets);
	page = vm_temp_map(pa_init(m->secrets_gpa), SNP_SLOT_VMSA, PROT_WRITE);
	err = secrets_take(page, &info);
	vm_temp_unmap(SNP_SLOT_VMSA);
	if (err != SVSM_OK)
		end(SNP_TERM_FW_PREPARE);
}

/* A page for a VMSA: not 2 MiB aligned (the VMSA erratum). */
static paddr_t vmsa_page(void)
{
	paddr_t pa;
	paddr_t spare;

	if (pgalloc_alloc(0, PGALLOC_ZERO, &pa) != SVSM_OK)
		end(SNP_TERM_FW_VCPU);
	if (pa_is_aligned(pa, SNP_PAGE_SIZE_2M)) {
		spare = pa;
		if (pgalloc_alloc(0, PGALLOC_ZERO, &pa) != SVSM_OK)
			end(SNP_TERM_FW_VCPU);
		pgalloc_free(spare, 0);
	}
	return pa;
}

static struct svsm_vcpu *boot_vcpu(const struct snp_fw_env *env,
				   const struct fw_meta *m)
{
	const struct boot_params *bp = env->bp;
	uint32_t ids[CFG_MAX_CPUS];
	uint64_t features = env->sev_status >> 2;
	struct snp_cpuid_cpu cpu = {.xcr0 = 1};
	struct svsm_vcpu *v = NULL;
	uint32_t sig[4] = {0};
	paddr_t pa = vmsa_page();

	/* RDX at reset: the processor signature, CPUID Fn0000_0001 EAX. */
	if (snp_cpuid(env->cpuid, &cpu, 1, 0, sig) != SVSM_OK)
		end(SNP_TERM_FW_VCPU);
	snp_fw_vmsa_reset(vm_temp_map(pa, SNP_SLOT_VMSA, PROT_WRITE), FW_VMPL,
			  features, sig[0]);
	vm_temp_unmap(SNP_SLOT_VMSA);
	if (snp_revoke_lower(pa, false) != (int)SNP_SUCCESS ||
	    snp_rmpadjust(pa, false, FW_VMPL, 0, true) != (int)SNP_SUCCESS)
		end(SNP_TERM_FW_VCPU);
	/* QEMU numbers its vCPUs' APIC IDs 0..n-1 (not asked of the host). */
	for (uint32_t i = 0; i < bp->vcpu_count && i < CFG_MAX_CPUS; i++)
		ids[i] = i;
	if (snp_vcpus_set_apic_ids(ids, bp->vcpu_count) != SVSM_OK ||
	    snp_vcpu_register_boot(0, pa, gpa_init(m->caa_gpa), FW_VMPL,
				   features, &v) != SVSM_OK ||
	    ghcb_ap_create(GHCB_AP_CREATE_ON_INIT, 0, pa, FW_VMPL, features) !=
		    SVSM_OK)
		end(SNP_TERM_FW_VCPU);
	return v;
}

struct svsm_vcpu *snp_fw_seq_start(const struct snp_fw_env *env)
{
	/*
	 * TRUST: the firmware image and its metadata are the file's and
	 * the host's; ovmf_meta_parse() and snp_fw_prepare() check them.
	 */
	const struct boot_params *bp = env->bp;
	struct fw_img fw = {bp->fw_gpa, bp->fw_size};
	struct fw_prepare_result r;
	struct svsm_vcpu *v;
	struct fw_meta m;

	if (!bp->fw_size) {
		log_info("no guest firmware in the IGVM file");
		return NULL;
	}
	if (ovmf_meta_parse(fw_read, &fw, fw.size, bp->region_base,
			    bp->region_size, &m) != SVSM_OK ||
	    !m.caa_gpa || !m.secrets_gpa || !m.cpuid_gpa)
		end(SNP_TERM_FW_META);
	if (snp_fw_prepare(&m, fw.gpa, fw.size, FW_VMPL, &r) != SVSM_OK)
		end(SNP_TERM_FW_PREPARE);
	guest_msg_pages();
	guest_pages(bp, &m);
	v = boot_vcpu(env, &m);
	log_info("firmware at 0x%llx (%llu KiB), calling area 0x%llx: "
		 "running it at VMPL%u",
		 (unsigned long long)fw.gpa,
		 (unsigned long long)(fw.size / 1024),
		 (unsigned long long)m.caa_gpa, FW_VMPL);
	return v;
}

void snp_fw_seq_turn(struct svsm_vcpu *v)
{
	/*
	 * TRUST: from the first Run VMPL on, the guest and the host drive
	 * the loop; snp_loop_turn() and the protocols check everything
	 * they send.
	 */
	enum snp_request_status st;

	if (snp_loop_turn(v, &st) != SVSM_OK)
		end(SNP_TERM_RUN_VMPL);
}
