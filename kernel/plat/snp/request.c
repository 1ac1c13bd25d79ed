/* SPDX-License-Identifier: MIT */
/*
 * One turn of the SEV-SNP request loop: the SVSM calling convention of
 * AMD 58019 rev 1.00 from the caller's VMSA and calling area (CA) to the
 * protocol dispatcher and back.
 *
 * On hardware the vCPU arrives here after the guest's VMGEXIT asked the
 * host to run VMPL0; in the model (tests/model/guest.c) a test harness plays the
 * guest and calls svsm_request_once() directly. Everything from here on is
 * the same code.
 *
 * Order (58019 calling convention; docs/threat-model.md bug classes 1, 2, 15):
 *   1. EFER.SVME := 0 in the caller's VMSA: the host cannot re-enter the
 *      caller while its call is served.
 *   2. Read the CA's first 8 bytes ONCE (one 8-byte load) and take
 *      CALL_PENDING from that copy. 0: a spurious entry, SVME := 1 and
 *      nothing else.
 *   3. The exit code in the VMSA must be VMGEXIT (0x403); otherwise
 *      SVME := 1 and nothing else, the CA untouched.
 *   4. Read RAX, RCX, RDX, R8, R9 from the VMSA ONCE into a private copy.
 *      CALL_PENDING other than 1 is answered INVALID_FORMAT unrun.
 *   5. Dispatch; write RAX (zero-extended) and the outputs that changed.
 *   6. Clear CALL_PENDING in the CA read in step 2 (after REMAP_CA that is
 *      the old CA, as the spec wants), then SVME := 1.
 *
 * CALL_PENDING is read and later cleared with two accesses, not one
 * atomic exchange: the calling vCPU cannot run between them (SVME = 0),
 * the SVSM acts only on its copy, and another vCPU of the guest that
 * writes the byte meanwhile only confuses the guest itself, which then
 * sees "never ran" (58019: the guest's exchange of CALL_PENDING) and
 * retries or gives up.
 */
#include "svsm/guestmem.h"
#include "svsm/log.h"
#include "svsm/protocols.h"

#include "abi/snp.h"
#include "abi/svsm.h"

#include "snp/snp.h"

static_assert(offsetof(struct svsm_ca, call_pending) == 0,
	      "CALL_PENDING is byte 0 of the first 8 bytes, 58019");

/* Guest- or host-caused notices, limited so they cannot flood. */
static struct log_budget notices = LOG_BUDGET(16);

static void notice(const char *what, uint32_t apic_id)
{
	log_limited(&notices, "snp: vCPU %u: %s", apic_id, what);
}

/*
 * The end of every path that resumes the caller: SVME on, the turn's
 * mappings gone, unpin.
 */
static enum snp_request_status resume(struct svsm_vcpu *vcpu, uint8_t *vmsa,
				      struct guestmem_page *ca,
				      enum snp_request_status st)
{
	snp_vmsa_page_set_svme(vmsa);
	snp_vmsa_unmap_turn();
	if (ca)
		guestmem_page_unmap(ca);
	snp_vcpu_unpin(vcpu);
	return st;
}

enum snp_request_status svsm_request_once(struct svsm_vcpu *vcpu)
{
	/*
	 * TRUST: the guest OS chooses the registers in its VMSA and every
	 * byte of its calling area, and any other guest vCPU (or, for a CA
	 * made shared, the host) may change the CA at any time, including
	 * between two reads. Hence one read of each, decisions on the
	 * private copies only, and a CA that faults ends the turn quietly.
	 * The VMSA and CA addresses are the SVSM's own records, read once.
	 */
	struct svsm_call_regs in;
	struct svsm_call_regs out;
	struct guestmem_page ca;
	uint64_t header;
	uint64_t exit_code;
	uint8_t pending;
	const uint8_t zero = 0;
	uint8_t *vmsa;
	uint32_t apic_id;

	if (!snp_vcpu_pin(vcpu))
		return SNP_REQUEST_NO_VCPU;
	apic_id = vcpu->apic_id;
	/* Each is validated and mapped once for the turn (its own slots). */
	vmsa = snp_vmsa_map_turn(vcpu->vmsa);
	snp_vmsa_page_clear_svme(vmsa);
	if (guestmem_page_map(vcpu->caa, sizeof(header), sizeof(header),
			      VM_SLOT_TURN_CA, &ca) != SVSM_OK) {
		notice("calling area unmappable, call not served", apic_id);
		return resume(vcpu, vmsa, NULL, SNP_REQUEST_CA_FAULT);
	}
	if (guestmem_page_read_u64(&ca, 0, &header) != SVSM_OK) {
		notice("calling area unreadable, call not served", apic_id);
		return resume(vcpu, vmsa, &ca, SNP_REQUEST_CA_FAULT);
	}
	pending = (uint8_t)header; /* byte 0, little endian */
	if (pending == 0)
		return resume(vcpu, vmsa, &ca, SNP_REQUEST_SPURIOUS);
	snp_vmsa_page_read_call(vmsa, &in, &exit_code);
	if (exit_code != SNP_EXITCODE_VMGEXIT)
		return resume(vcpu, vmsa, &ca, SNP_REQUEST_SPURIOUS);

	out = in;
	if (pending != 1) {
		protocols_answer_bad_pending(&out);
	} else if (protocols_handle(vcpu, &out) == PROTOCOL_CALLER_GONE) {
		/* Its VMSA and CA are the guest's again: touch neither. */
		snp_vmsa_unmap_turn();
		guestmem_page_unmap(&ca);
		return SNP_REQUEST_CALLER_GONE;
	}

	snp_vmsa_page_write_call(vmsa, &in, &out);
	if (guestmem_page_write(&ca, 0, &zero, sizeof(zero)) != SVSM_OK)
		notice("calling area unwritable, CALL_PENDING left set",
		       apic_id);
	return resume(vcpu, vmsa, &ca, SNP_REQUEST_DONE);
}
