/* SPDX-License-Identifier: MIT */
/*
 * The GHCB protocol on the wire (AMD 56421, "SEV-ES Guest-Hypervisor
 * Communication Block Standardization", version 2): the GHCB MSR and its
 * MSR-protocol requests and responses, the 4 KiB GHCB page, the non-
 * automatic-exit (NAE) codes an SVSM uses, and the page-state-change
 * descriptor. Shared by the SVSM's SNP platform code and by the model
 * hypervisor in sim/, which answers the same requests.
 *
 * Source: the values are those of the Linux guest/KVM code
 * (arch/x86/include/asm/sev-common.h, arch/x86/include/uapi/asm/svm.h) and
 * COCONUT-SVSM, which implement 56421 (its text was not available, see
 * docs/references.md); "56421" below names the spec's message or event.
 * Everything is little endian.
 * The GHCB page and the PSC descriptor are host-writable at all times:
 * copy them into private memory once, then check the copy.
 *
 * Hosted and freestanding: only <stdint.h>, <stddef.h> and <stdbool.h>.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- MSR protocol (56421, GHCB MSR protocol) --------------------------- */

#define GHCB_MSR	   0xc0010130u
#define GHCB_MSR_INFO_MASK 0xfffull /* GHCBInfo: request/response code */
#define GHCB_MSR_DATA_MASK (~GHCB_MSR_INFO_MASK)

#define GHCB_MSR_SEV_INFO_RESP	    0x001u
#define GHCB_MSR_SEV_INFO_REQ	    0x002u
#define GHCB_MSR_CPUID_REQ	    0x004u
#define GHCB_MSR_CPUID_RESP	    0x005u
#define GHCB_MSR_AP_RESET_HOLD_REQ  0x006u
#define GHCB_MSR_AP_RESET_HOLD_RESP 0x007u
#define GHCB_MSR_PREF_GPA_REQ	    0x010u
#define GHCB_MSR_PREF_GPA_RESP	    0x011u
#define GHCB_MSR_REG_GPA_REQ	    0x012u
#define GHCB_MSR_REG_GPA_RESP	    0x013u
#define GHCB_MSR_PSC_REQ	    0x014u
#define GHCB_MSR_PSC_RESP	    0x015u
#define GHCB_MSR_RUN_VMPL_REQ	    0x016u
#define GHCB_MSR_RUN_VMPL_RESP	    0x017u
#define GHCB_MSR_HV_FT_REQ	    0x080u
#define GHCB_MSR_HV_FT_RESP	    0x081u
#define GHCB_MSR_TERM_REQ	    0x100u

static inline unsigned int ghcb_msr_info(uint64_t msr)
{
	return (unsigned int)(msr & GHCB_MSR_INFO_MASK);
}

/* SEV info response: [63:48] max version, [47:32] min, [31:24] C-bit. */
static inline uint64_t ghcb_msr_sev_info_resp(uint16_t max_ver,
					      uint16_t min_ver, uint8_t cbit)
{
	return ((uint64_t)max_ver << 48) | ((uint64_t)min_ver << 32) |
	       ((uint64_t)cbit << 24) | GHCB_MSR_SEV_INFO_RESP;
}

static inline uint16_t ghcb_msr_sev_info_max(uint64_t msr)
{
	return (uint16_t)(msr >> 48);
}

static inline uint16_t ghcb_msr_sev_info_min(uint64_t msr)
{
	return (uint16_t)(msr >> 32);
}

static inline uint8_t ghcb_msr_sev_info_cbit(uint64_t msr)
{
	return (uint8_t)(msr >> 24);
}

/* CPUID request: [63:32] function, [31:30] register; response [63:32]. */
#define GHCB_CPUID_REG_EAX 0u
#define GHCB_CPUID_REG_EBX 1u
#define GHCB_CPUID_REG_ECX 2u
#define GHCB_CPUID_REG_EDX 3u

static inline uint64_t ghcb_msr_cpuid_req(uint32_t fn, unsigned int reg)
{
	return ((uint64_t)fn << 32) | ((uint64_t)(reg & 3u) << 30) |
	       GHCB_MSR_CPUID_REQ;
}

static inline uint32_t ghcb_msr_cpuid_fn(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

static inline unsigned int ghcb_msr_cpuid_reg(uint64_t msr)
{
	return (unsigned int)((msr >> 30) & 3u);
}

/* Register GHCB GPA: request and response carry the GFN in [63:12]. */
static inline uint64_t ghcb_msr_reg_gpa_req(uint64_t gfn)
{
	return (gfn << 12) | GHCB_MSR_REG_GPA_REQ;
}

static inline uint64_t ghcb_msr_gfn(uint64_t msr)
{
	return msr >> 12;
}

/* Page state change: [55:52] operation, [51:12] GFN; response [63:32]. */
#define GHCB_MSR_PSC_GFN_MASK 0xffffffffffull /* 40 bits */

static inline uint64_t ghcb_msr_psc_req(uint64_t gfn, unsigned int op)
{
	return ((uint64_t)(op & 0xfu) << 52) |
	       ((gfn & GHCB_MSR_PSC_GFN_MASK) << 12) | GHCB_MSR_PSC_REQ;
}

static inline unsigned int ghcb_msr_psc_op(uint64_t msr)
{
	return (unsigned int)((msr >> 52) & 0xfu);
}

static inline uint64_t ghcb_msr_psc_gfn(uint64_t msr)
{
	return (msr >> 12) & GHCB_MSR_PSC_GFN_MASK;
}

/* Run VMPL: [39:32] target VMPL; response [63:32] error (0 ok). */
static inline uint64_t ghcb_msr_run_vmpl_req(unsigned int vmpl)
{
	return ((uint64_t)(vmpl & 0xffu) << 32) | GHCB_MSR_RUN_VMPL_REQ;
}

static inline unsigned int ghcb_msr_run_vmpl(uint64_t msr)
{
	return (unsigned int)((msr >> 32) & 0xffu);
}

/* The error field [63:32] of the PSC and Run VMPL responses. */
static inline uint32_t ghcb_msr_resp_error(uint64_t msr)
{
	return (uint32_t)(msr >> 32);
}

/* HV features response: [63:12] feature bitmap. */
#define GHCB_HV_FT_SNP		      (1ull << 0)
#define GHCB_HV_FT_SNP_AP_CREATION    (1ull << 1)
#define GHCB_HV_FT_SNP_RESTRICTED_INJ (1ull << 2)
#define GHCB_HV_FT_SNP_RINJ_TIMER     (1ull << 3)
#define GHCB_HV_FT_APIC_ID_LIST	      (1ull << 4)
#define GHCB_HV_FT_SNP_MULTI_VMPL     (1ull << 5) /* required by an SVSM */
#define GHCB_HV_FT_SNP_EXT_INTERRUPTS (1ull << 9)

static inline uint64_t ghcb_msr_hv_features(uint64_t msr)
{
	return msr >> 12;
}

/* Termination: [15:12] reason set, [23:16] reason code. */
static inline uint64_t ghcb_msr_term_req(unsigned int set, unsigned int code)
{
	return ((uint64_t)(set & 0xfu) << 12) |
	       ((uint64_t)(code & 0xffu) << 16) | GHCB_MSR_TERM_REQ;
}

/* Reason set 0, defined by 56421. */
#define GHCB_TERM_SET_GENERAL	       0u
#define GHCB_TERM_GENERAL	       0u
#define GHCB_TERM_PROTOCOL_UNSUPPORTED 1u
#define GHCB_TERM_SNP_UNSUPPORTED      2u

/* ---- The GHCB page (56421, GHCB layout) -------------------------------- */

#define GHCB_PAGE_SIZE	       4096u
#define GHCB_PROTOCOL_VERSION  2u /* the version an SVSM needs */
#define GHCB_USAGE_STANDARD    0u
#define GHCB_SHARED_BUF_OFFSET 0x800u
#define GHCB_SHARED_BUF_SIZE   0x7f0u
/* The valid bitmap covers the 8-byte fields of the first 0x400 bytes. */
#define GHCB_VALID_BITMAP_AREA 0x400u

/*
 * 56421: the GHCB. Only the fields an SVSM uses are named; the save
 * area's other slots are reserved here. Shared with the host: never read a
 * field twice, and after VMGEXIT trust only fields whose valid bit the host
 * set.
 */
struct ghcb {
	uint8_t reserved_000[0xcb];
	uint8_t cpl;
	uint8_t reserved_0cc[0x74];
	uint64_t xss;
	uint8_t reserved_148[0x18];
	uint64_t dr7;
	uint8_t reserved_168[0x90];
	uint64_t rax;
	uint8_t reserved_200[0x108];
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rbx;
	uint8_t reserved_320[0x8];
	uint64_t rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint8_t reserved_380[0x10];
	uint64_t sw_exit_code;
	uint64_t sw_exit_info_1;
	uint64_t sw_exit_info_2;
	uint64_t sw_scratch;
	uint8_t reserved_3b0[0x38];
	uint64_t xcr0;
	uint64_t valid_bitmap[2];
	uint64_t x87_state_gpa;
	uint8_t reserved_408[GHCB_SHARED_BUF_OFFSET - 0x408];
	uint8_t shared_buffer[GHCB_SHARED_BUF_SIZE];
	uint8_t reserved_ff0[0xa];
	uint16_t protocol_version;
	uint32_t ghcb_usage;
};

#define GHCB_ASSERT_(f, o)                              \
	_Static_assert(offsetof(struct ghcb, f) == (o), \
		       "GHCB " #f ", 56421 GHCB layout")
GHCB_ASSERT_(cpl, 0x0cb);
GHCB_ASSERT_(xss, 0x140);
GHCB_ASSERT_(dr7, 0x160);
GHCB_ASSERT_(rax, 0x1f8);
GHCB_ASSERT_(rcx, 0x308);
GHCB_ASSERT_(rdx, 0x310);
GHCB_ASSERT_(rbx, 0x318);
GHCB_ASSERT_(rbp, 0x328);
GHCB_ASSERT_(rsi, 0x330);
GHCB_ASSERT_(rdi, 0x338);
GHCB_ASSERT_(r8, 0x340);
GHCB_ASSERT_(r9, 0x348);
GHCB_ASSERT_(r15, 0x378);
GHCB_ASSERT_(sw_exit_code, 0x390);
GHCB_ASSERT_(sw_exit_info_1, 0x398);
GHCB_ASSERT_(sw_exit_info_2, 0x3a0);
GHCB_ASSERT_(sw_scratch, 0x3a8);
GHCB_ASSERT_(xcr0, 0x3e8);
GHCB_ASSERT_(valid_bitmap, 0x3f0);
GHCB_ASSERT_(x87_state_gpa, 0x400);
GHCB_ASSERT_(shared_buffer, 0x800);
GHCB_ASSERT_(protocol_version, 0xffa);
GHCB_ASSERT_(ghcb_usage, 0xffc);
#undef GHCB_ASSERT_
_Static_assert(sizeof(struct ghcb) == GHCB_PAGE_SIZE,
	       "GHCB, 56421 GHCB layout");

/*
 * 56421 valid bitmap: the valid bit of the 8-byte field at byte offset
 * `off` (< 0x400) is bit (off / 8) of the bitmap. Use with
 * offsetof(struct ghcb, field).
 */
static inline bool ghcb_valid_index_ok(size_t off)
{
	return off < GHCB_VALID_BITMAP_AREA;
}

static inline void ghcb_bitmap_set(uint64_t bitmap[2], size_t off)
{
	size_t bit = off >> 3;

	if (ghcb_valid_index_ok(off))
		bitmap[bit >> 6] |= 1ull << (bit & 63);
}

static inline bool ghcb_bitmap_test(const uint64_t bitmap[2], size_t off)
{
	size_t bit = off >> 3;

	return ghcb_valid_index_ok(off) &&
	       (bitmap[bit >> 6] & (1ull << (bit & 63))) != 0;
}

/*
 * 56421: SW_EXITINFO1[31:0] after VMGEXIT: 0 ok, 1 the host asks to
 * inject an exception (described in EXITINFO2), 2 error with the reason
 * in EXITINFO2.
 */
#define GHCB_RESP_OK		  0u
#define GHCB_RESP_ISSUE_EXCEPTION 1u
#define GHCB_RESP_MALFORMED_INPUT 2u

#define GHCB_ERR_NOT_REGISTERED	 1u
#define GHCB_ERR_INVALID_USAGE	 2u
#define GHCB_ERR_INVALID_SCRATCH 3u
#define GHCB_ERR_MISSING_INPUT	 4u
#define GHCB_ERR_INVALID_INPUT	 5u
#define GHCB_ERR_INVALID_EVENT	 6u

/* ---- Exit codes (SW_EXITCODE, 56421 NAE events) ----------------------- */

/* Automatic exits the SVSM's #VC handler forwards. */
#define GHCB_EXIT_CPUID	     0x72ull
#define GHCB_EXIT_IOIO	     0x7bull
#define GHCB_EXIT_MSR	     0x7cull
#define GHCB_EXIT_MMIO_READ  0x80000001ull
#define GHCB_EXIT_MMIO_WRITE 0x80000002ull
/* The #VC error code for an access to a page that is not validated. */
#define GHCB_VC_NOT_VALIDATED 0x404ull

/*
 * SW_EXITINFO1 of the IOIO exit: the IOIO intercept information of the
 * AMD64 APM vol. 2, "IOIO Intercepts" (exit information of an IN/OUT).
 */
#define GHCB_IOIO_TYPE_IN    (1ull << 0) /* else OUT */
#define GHCB_IOIO_STR	     (1ull << 2)
#define GHCB_IOIO_REP	     (1ull << 3)
#define GHCB_IOIO_SZ8	     (1ull << 4)
#define GHCB_IOIO_SZ16	     (1ull << 5)
#define GHCB_IOIO_SZ32	     (1ull << 6)
#define GHCB_IOIO_A32	     (1ull << 8)
#define GHCB_IOIO_A64	     (1ull << 9)
#define GHCB_IOIO_PORT_SHIFT 16

/* Non-automatic exits (NAE). */
#define GHCB_NAE_SNP_PSC	       0x80000010ull
#define GHCB_NAE_SNP_GUEST_REQUEST     0x80000011ull
#define GHCB_NAE_SNP_EXT_GUEST_REQUEST 0x80000012ull
#define GHCB_NAE_SNP_AP_CREATION       0x80000013ull
#define GHCB_NAE_HV_DOORBELL_PAGE      0x80000014ull
#define GHCB_NAE_GET_APIC_IDS	       0x80000017ull
#define GHCB_NAE_SNP_RUN_VMPL	       0x80000018ull
#define GHCB_NAE_HV_FEATURES	       0x8000fffdull
#define GHCB_NAE_TERMINATE	       0x8000fffeull

/*
 * SNP Guest Request / Extended Guest Request: EXITINFO1 = request page
 * GPA, EXITINFO2 = response page GPA (both shared); for the extended form
 * RAX = certificate buffer GPA, RBX = its page count. On return
 * EXITINFO2[31:0] = PSP status, [63:32] = VMM error; on INVALID_LEN the
 * host puts the pages needed in RBX.
 */
#define GHCB_GUEST_REQ_VMM_ERR_SHIFT   32
#define GHCB_GUEST_REQ_ERR_INVALID_LEN 1u
#define GHCB_GUEST_REQ_ERR_BUSY	       2u

/*
 * SNP AP Creation: EXITINFO1 = request | VMPL << 16 | APIC ID << 32,
 * EXITINFO2 = VMSA GPA, RAX = that VMSA's SEV_FEATURES. On return
 * EXITINFO1[31:0] != 0 is an error. Unconfirmed (docs/protocols.md): the
 * width of the VMPL field is not checked against 56421; csvsm takes the
 * [19:16] that Linux and COCONUT use, and the request in the bits below it.
 */
#define GHCB_AP_CREATE_ON_INIT 0u
#define GHCB_AP_CREATE	       1u
#define GHCB_AP_DESTROY	       2u
#define GHCB_AP_REQUEST_MASK   0xffffull
#define GHCB_AP_VMPL_SHIFT     16
#define GHCB_AP_VMPL_MASK      (0xfull << GHCB_AP_VMPL_SHIFT)
#define GHCB_AP_APIC_ID_SHIFT  32

static inline uint64_t ghcb_ap_creation_info1(unsigned int request,
					      unsigned int vmpl,
					      uint32_t apic_id)
{
	return ((uint64_t)apic_id << GHCB_AP_APIC_ID_SHIFT) |
	       (((uint64_t)vmpl << GHCB_AP_VMPL_SHIFT) & GHCB_AP_VMPL_MASK) |
	       (request & GHCB_AP_REQUEST_MASK);
}

/*
 * #HV Doorbell Page NAE (56421, "#HV Doorbell Page"): EXITINFO1 selects
 * the request, EXITINFO2 = the page's GPA for SET. On return EXITINFO2 =
 * the host's preferred GPA (GET_PREFERRED; all ones: no preference), or
 * the GPA now registered (SET, QUERY). Needed with restricted injection
 * only: the host then signals interrupts through this page and #HV.
 */
#define GHCB_HV_DOORBELL_GET_PREFERRED 0u
#define GHCB_HV_DOORBELL_SET	       1u
#define GHCB_HV_DOORBELL_QUERY	       2u
#define GHCB_HV_DOORBELL_CLEAR	       3u
#define GHCB_HV_DOORBELL_NONE	       (~0ull) /* no page, no preference */

/*
 * The #HV doorbell page (56421, "#HV Doorbell Page"; the same layout in
 * Linux's and COCONUT's restricted-injection guests): a 4 KiB page the
 * guest shares with the host, one per vCPU. The host writes the pending
 * interrupt vector (byte 0) and event bits (byte 1), then raises #HV
 * (vector 28) unless NO_FURTHER_SIGNAL is set, which it sets when it
 * does; the guest acknowledges an interrupt by writing the vector to 0,
 * and clears NO_FURTHER_SIGNAL to be signalled again. NO_EOI_REQUIRED
 * (byte 2, bit 0): the host needs no EOI for the interrupt it delivered;
 * the guest clears the bit and skips the EOI. Bytes 3..63 carry per-VMPL
 * events and reserved space the SVSM does not use.
 */
struct ghcb_hv_doorbell {
	uint8_t vector;
	uint8_t events;
	uint8_t no_eoi_required;
	uint8_t per_vmpl_events;
	uint8_t reserved[4092];
};
_Static_assert(offsetof(struct ghcb_hv_doorbell, events) == 1,
	       "56421, #HV Doorbell Page");
_Static_assert(offsetof(struct ghcb_hv_doorbell, no_eoi_required) == 2,
	       "56421, #HV Doorbell Page");
_Static_assert(sizeof(struct ghcb_hv_doorbell) == 4096,
	       "56421, #HV Doorbell Page");
#define GHCB_HVDB_NMI_PENDING	    (1u << 0)
#define GHCB_HVDB_MC_PENDING	    (1u << 1)
#define GHCB_HVDB_NO_FURTHER_SIGNAL (1u << 7)
#define GHCB_HVDB_NO_EOI_REQUIRED   (1u << 0)
/* The exception vector of #HV (AMD64 APM vol. 2, "#HV"). */
#define GHCB_HV_VECTOR 28u

/*
 * SNP Run VMPL: EXITINFO1 = target VMPL, EXITINFO2 = 0. Unconfirmed
 * (docs/protocols.md): 56421's exact EXITINFO1 format (Linux only passes 0);
 * csvsm passes the VMPL as the whole value.
 */

/* Termination NAE: EXITINFO1 [3:0] reason set, [11:4] reason code. */
static inline uint64_t ghcb_nae_term_info1(unsigned int set, unsigned int code)
{
	return (set & 0xfu) | ((uint64_t)(code & 0xffu) << 4);
}

/* ---- Page state change descriptor (56421, SNP Page State Change) ------ */

/*
 * The operation in a PSC entry and in the MSR PSC request (which knows
 * only PRIVATE and SHARED).
 */
#define GHCB_PSC_OP_PRIVATE 1u
#define GHCB_PSC_OP_SHARED  2u
#define GHCB_PSC_OP_PSMASH  3u
#define GHCB_PSC_OP_UNSMASH 4u

/*
 * The descriptor SW_SCRATCH points to, inside the shared buffer. The host
 * processes entries cur_entry..end_entry (inclusive) and may stop early:
 * the guest loops while cur_entry <= end_entry, and must refuse cur_entry
 * going backwards, end_entry growing, or reserved bits set.
 */
struct ghcb_psc_hdr {
	uint16_t cur_entry;
	uint16_t end_entry;
	uint32_t reserved;
};
_Static_assert(offsetof(struct ghcb_psc_hdr, end_entry) == 2,
	       "PSC header, 56421");
_Static_assert(sizeof(struct ghcb_psc_hdr) == 8, "PSC header, 56421");

#define GHCB_PSC_MAX_ENTRIES 253u

struct ghcb_psc {
	struct ghcb_psc_hdr hdr;
	uint64_t entries[GHCB_PSC_MAX_ENTRIES];
};
_Static_assert(offsetof(struct ghcb_psc, entries) == 8, "PSC, 56421");
_Static_assert(sizeof(struct ghcb_psc) == GHCB_SHARED_BUF_SIZE,
	       "PSC descriptor fills the shared buffer, 56421");

/*
 * A PSC entry: [11:0] current page (4 KiB pages of a 2 MiB entry already
 * done), [51:12] GFN, [55:52] operation, [56] 2 MiB, [63:57] reserved.
 */
#define GHCB_PSC_ENTRY_CUR_PAGE_MASK 0xfffull
#define GHCB_PSC_ENTRY_GFN_SHIFT     12
#define GHCB_PSC_ENTRY_GFN_MASK	     0xffffffffffull /* 40 bits */
#define GHCB_PSC_ENTRY_OP_SHIFT	     52
#define GHCB_PSC_ENTRY_OP_MASK	     0xfull
#define GHCB_PSC_ENTRY_2M	     (1ull << 56)
#define GHCB_PSC_ENTRY_RESERVED	     (~((1ull << 57) - 1))

static inline uint64_t ghcb_psc_entry(uint64_t gfn, unsigned int op,
				      bool page_2m)
{
	return ((gfn & GHCB_PSC_ENTRY_GFN_MASK) << GHCB_PSC_ENTRY_GFN_SHIFT) |
	       (((uint64_t)op & GHCB_PSC_ENTRY_OP_MASK)
		<< GHCB_PSC_ENTRY_OP_SHIFT) |
	       (page_2m ? GHCB_PSC_ENTRY_2M : 0);
}

static inline uint64_t ghcb_psc_entry_gfn(uint64_t entry)
{
	return (entry >> GHCB_PSC_ENTRY_GFN_SHIFT) & GHCB_PSC_ENTRY_GFN_MASK;
}

static inline unsigned int ghcb_psc_entry_op(uint64_t entry)
{
	return (unsigned int)((entry >> GHCB_PSC_ENTRY_OP_SHIFT) &
			      GHCB_PSC_ENTRY_OP_MASK);
}

static inline unsigned int ghcb_psc_entry_cur_page(uint64_t entry)
{
	return (unsigned int)(entry & GHCB_PSC_ENTRY_CUR_PAGE_MASK);
}

static inline bool ghcb_psc_entry_2m(uint64_t entry)
{
	return (entry & GHCB_PSC_ENTRY_2M) != 0;
}
