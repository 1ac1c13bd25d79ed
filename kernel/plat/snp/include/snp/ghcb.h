/* SPDX-License-Identifier: MIT */
/*
 * The SVSM's GHCB client (kernel/plat/snp/ghcb.c): how the SVSM asks the
 * hypervisor for the things only the host can do on SEV-SNP, through the
 * GHCB protocol of AMD 56421 version 2 (docs/references.md; wire formats
 * in include/abi/ghcb.h):
 *
 *   - the MSR protocol: protocol negotiation (SEV information, HV
 *     features), registration of a CPU's GHCB page, page-state changes
 *     before a GHCB exists, termination;
 *   - NAE events through the registered GHCB page: page-state change,
 *     SNP guest request (plain and extended), AP creation, run VMPL.
 *
 * Each CPU has its own GHCB page, a 4 KiB page of SVSM memory shared with
 * the host. The host can write it, and answer anything, at any time: the
 * client copies every answer out of the page once, into private memory,
 * and checks it before it believes it (see docs/protocols.md, "GHCB").
 *
 * Boot order on each CPU: ghcb_negotiate() (once, on the boot CPU), make
 * the page shared (PVALIDATE rescind, then ghcb_msr_page_state_change()),
 * ghcb_register(). A failure there is fatal for the SVSM: the caller ends
 * the VM with ghcb_terminate() (56421 reason set 0, or Linux's set 1
 * codes). Calls run with interrupts disabled, on the calling CPU's GHCB.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/addr.h"
#include "svsm/compiler.h"
#include "svsm/err.h"

#include "abi/ghcb.h"

/* The host's answers to the negotiation (56421), untrusted but checked. */
struct ghcb_host_info {
	uint16_t min_version;
	uint16_t max_version;
	uint8_t cbit;	      /* C-bit position the host reports (not used) */
	uint64_t hv_features; /* GHCB_HV_FT_* */
};

/*
 * HV features the SVSM cannot work without (56421 HV features): SNP and
 * AP creation (the SVSM starts its own APs and tells the host about the
 * boot VMSA). Upstream KVM advertises exactly these two (Linux
 * arch/x86/kvm/svm/svm.h, GHCB_HV_FT_SUPPORTED), and so does the host
 * stack SVSMs run on today; the multi-VMPL bit, which no such host sets,
 * is therefore not required. GHCB_SVSM_HV_FEATURES_WANTED are logged
 * when missing (restricted injection is used where offered).
 */
#define GHCB_SVSM_HV_FEATURES (GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION)
#define GHCB_SVSM_HV_FEATURES_WANTED \
	(GHCB_HV_FT_SNP_MULTI_VMPL | GHCB_HV_FT_SNP_RESTRICTED_INJ)

/*
 * The certificate buffer of an extended guest request is at most this
 * many pages; a host that asks for more is refused (SVSM_E_HW).
 */
#define GHCB_EXT_CERTS_MAX_PAGES 64u

/*
 * SEV information and HV features over the MSR protocol. The host's
 * version range must include GHCB_PROTOCOL_VERSION (2) and be well formed
 * (min <= max), and the HV features must include GHCB_SVSM_HV_FEATURES.
 * *out (may be NULL) gets what the host said. Errors: SVSM_E_HW (answer
 * with the wrong response code), SVSM_E_UNSUPPORTED (version 2 or a
 * feature missing: 56421 termination reason 1 / Linux set 1 code 3).
 */
enum svsm_err __must_check ghcb_negotiate(struct ghcb_host_info *out);

/*
 * Page-state change of one 4 KiB page over the MSR protocol (56421):
 * op GHCB_PSC_OP_PRIVATE or GHCB_PSC_OP_SHARED. For the GHCB page itself,
 * before any GHCB exists. A page made private must still be PVALIDATEd;
 * one made shared must have been rescinded first. Errors: SVSM_E_INVAL
 * (op, misaligned pa), SVSM_E_HW (wrong response code or nonzero error).
 */
enum svsm_err __must_check ghcb_msr_page_state_change(paddr_t pa,
						      unsigned int op);

/*
 * Registers `page` as this CPU's GHCB (MSR protocol 0x012/0x013,
 * 56421): the host must echo the same GFN. The page is SVSM-owned, already
 * shared with the host and mapped where arch_phys_to_virt() says. Needs a
 * successful ghcb_negotiate(). Errors: SVSM_E_INVAL (not negotiated,
 * misaligned or unmapped page, CPU index out of range), SVSM_E_HW (the
 * host refused or echoed another GFN; this CPU then has no GHCB).
 */
enum svsm_err __must_check ghcb_register(paddr_t page);
/* Whether this CPU has a registered GHCB. */
bool ghcb_registered(void);

/*
 * SNP Page State Change NAE (56421): `count` entries made with
 * ghcb_psc_entry() (op PRIVATE, SHARED or PSMASH; a 2 MiB entry
 * 2 MiB-aligned; current page and reserved bits zero), sent in batches of
 * GHCB_PSC_MAX_ENTRIES. The host may stop early; the client sends the
 * rest again and requires progress on every round. A page made private
 * still needs PVALIDATE, which is what proves the host did it.
 * Errors: SVSM_E_INVAL (bad entry, count 0), SVSM_E_HW (the host failed,
 * or its answer does not add up: indices backwards, beyond the end, end
 * changed, reserved bits, success without progress). On error some
 * entries may have been done: the caller must treat every page of the
 * request as being in an unknown state.
 */
enum svsm_err __must_check ghcb_page_state_change(const uint64_t *entries,
						  size_t count);

/*
 * SNP Guest Request NAE (56421; message in 56860): the sealed request in
 * req_pa, the answer in resp_pa (both SVSM pages shared with the host). *fw_err
 * gets EXITINFO2 as the host returned it (VMM error << 32 | firmware
 * status), 0 on success. Returns SVSM_OK (the host says the firmware
 * answered), SVSM_E_BUSY (VMM error BUSY: send the same request again;
 * the caller retries), SVSM_E_HW (any other error, or a malformed
 * answer), SVSM_E_INVAL (misaligned or equal pages).
 */
enum svsm_err __must_check ghcb_guest_request(paddr_t req_pa, paddr_t resp_pa,
					      uint64_t *fw_err);

/*
 * SNP Extended Guest Request NAE: as ghcb_guest_request(), and the host
 * also writes the certificate table into the *npages pages at certs_pa.
 * When they are too few, the host answers VMM error INVALID_LEN without
 * forwarding the request: SVSM_E_NOMEM, *npages = the pages it needs
 * (more than offered, at most GHCB_EXT_CERTS_MAX_PAGES; otherwise
 * SVSM_E_HW). Bug class 13 (docs/threat-model.md): the request was shown
 * to the host, so the caller must send the same request again (extended,
 * or plain).
 */
enum svsm_err __must_check ghcb_ext_guest_request(paddr_t req_pa,
						  paddr_t resp_pa,
						  paddr_t certs_pa,
						  uint32_t *npages,
						  uint64_t *fw_err);

/*
 * SNP AP Creation NAE (56421): op GHCB_AP_CREATE_ON_INIT, GHCB_AP_CREATE
 * or GHCB_AP_DESTROY for the VMSA at vmsa_pa, which runs at `vmpl` on the
 * vCPU with apic_id and has sev_features. Errors: SVSM_E_INVAL (op, VMPL,
 * misaligned VMSA), SVSM_E_HW (the host refused or answered malformed).
 */
enum svsm_err __must_check ghcb_ap_create(unsigned int op, uint32_t apic_id,
					  paddr_t vmsa_pa, unsigned int vmpl,
					  uint64_t sev_features);

/*
 * SNP Run VMPL NAE (56421): asks the host to run this vCPU's VMSA of
 * `vmpl`; returns when the host runs VMPL0 again. Errors: SVSM_E_INVAL
 * (VMPL >= 4), SVSM_E_HW.
 */
enum svsm_err __must_check ghcb_run_vmpl(unsigned int vmpl);

/*
 * #HV Doorbell Page NAE (56421): op GHCB_HV_DOORBELL_* (SET registers the
 * 4 KiB page at `page`, shared with the host, as this vCPU's doorbell;
 * the others ignore `page`). *gpa (may be NULL) gets the host's EXITINFO2:
 * its preferred GPA, or the page registered now (all ones: none).
 * Errors: SVSM_E_INVAL (op, misaligned page), SVSM_E_UNSUPPORTED (no
 * GHCB on this CPU), SVSM_E_HW (refused, as upstream KVM refuses the
 * event, or a SET the host answered with another GPA).
 */
enum svsm_err __must_check ghcb_hv_doorbell(unsigned int op, paddr_t page,
					    uint64_t *gpa);
/*
 * IOIO event (56421; SVM exit 0x7B): one IN or OUT of 1, 2 or 4 bytes,
 * info1 as the IOIO intercept information of the AMD64 APM vol. 2
 * (GHCB_IOIO_*: port, size, type). For OUT the value is sent in RAX; for
 * IN *in_value gets the host's RAX. No string or REP forms (SVSM_E_INVAL).
 * Errors: SVSM_E_UNSUPPORTED (no GHCB on this CPU), SVSM_E_HW. It never
 * logs: the console's own output comes this way.
 */
enum svsm_err __must_check ghcb_ioio(uint64_t info1, uint64_t value,
				     uint64_t *in_value);

/*
 * MSR event (56421; SVM exit 0x7C): RDMSR (*read_value = EDX:EAX as the
 * host answers) or WRMSR of `value`. Errors as ghcb_ioio().
 */
enum svsm_err __must_check ghcb_msr(bool write, uint32_t msr, uint64_t value,
				    uint64_t *read_value);

/*
 * Ends the VM through the MSR protocol termination request (56421):
 * reason_set [3:0], reason_code [7:0]. Never returns: if the host resumes
 * the vCPU anyway, it halts for good.
 */
__noreturn void ghcb_terminate(unsigned int reason_set,
			       unsigned int reason_code);

#if __STDC_HOSTED__
/* Forgets the negotiation and every CPU's registration (hosted tests). */
void ghcb_reset(void);
#endif
