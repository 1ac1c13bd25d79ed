/* SPDX-License-Identifier: MIT */
/*
 * The SVSM protocol on the wire (AMD 58019, "Secure VM Service Module for
 * SEV-SNP Guests", rev 1.00): protocol and call ids, the RAX encoding of a
 * call, every result code, the calling area, the PVALIDATE and memory
 * deposit/withdraw lists, and the attestation operation structures with
 * the services manifest. Shared by the SVSM's protocol handlers, the model
 * guest in sim/ that issues calls, and the tests.
 *
 * Source: 58019 rev 1.00 (cited as "58019" below), whose text was
 * reconstructed from a translation of its chapters 2-6 and from the Linux,
 * OVMF and COCONUT-SVSM implementations (docs/references.md); spec table
 * numbers are given where they are known. Everything is little endian.
 *
 * Hosted and freestanding: only <stdint.h>, <stddef.h> and <stdbool.h>.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 58019, post-boot discovery: the #VC handler of a guest component
 * answers RDMSR of this MSR with the current vCPU's calling-area GPA (it is
 * never implemented in hardware), and sets this bit in CPUID 0x8000001F EAX.
 */
#define SVSM_MSR_CAA		    0xc001f000u
#define SVSM_CPUID_8000001F_EAX_BIT 28

/* 58019, calling convention: protocol numbers (RAX[63:32]). */
#define SVSM_CORE_PROTOCOL   0u
#define SVSM_ATTEST_PROTOCOL 1u
#define SVSM_VTPM_PROTOCOL   2u

/* 58019: core protocol (version 1) call ids (RAX[31:0]). */
#define SVSM_CORE_REMAP_CA	 0u
#define SVSM_CORE_PVALIDATE	 1u
#define SVSM_CORE_CREATE_VCPU	 2u
#define SVSM_CORE_DELETE_VCPU	 3u
#define SVSM_CORE_DEPOSIT_MEM	 4u
#define SVSM_CORE_WITHDRAW_MEM	 5u
#define SVSM_CORE_QUERY_PROTOCOL 6u
#define SVSM_CORE_CONFIGURE_VTOM 7u

/* 58019: attestation protocol (version 1) call ids (Tables 11, 13). */
#define SVSM_ATTEST_SERVICES	   0u
#define SVSM_ATTEST_SINGLE_SERVICE 1u

/* 58019, calling convention: RAX = protocol << 32 | call id. */
static inline uint64_t svsm_call_rax(uint32_t protocol, uint32_t call)
{
	return ((uint64_t)protocol << 32) | call;
}

static inline uint32_t svsm_call_protocol(uint64_t rax)
{
	return (uint32_t)(rax >> 32);
}

static inline uint32_t svsm_call_id(uint64_t rax)
{
	return (uint32_t)rax;
}

/*
 * 58019: result codes. A result is a 32-bit value returned in RAX
 * zero-extended (Linux compares RAX against the zero-extended constant, so
 * a sign-extended 0xffffffff80000000 would be misread).
 */
#define SVSM_SUCCESS		      0x00000000u
#define SVSM_ERR_INCOMPLETE	      0x80000000u
#define SVSM_ERR_UNSUPPORTED_PROTOCOL 0x80000001u
#define SVSM_ERR_UNSUPPORTED_CALL     0x80000002u
#define SVSM_ERR_INVALID_ADDRESS      0x80000003u
/*
 * Unconfirmed (docs/protocols.md): the translation ties INVALID_FORMAT to a
 * reserved value in SVSM_CALL_PENDING; no implementation returns it. Kept
 * for that reading only.
 */
#define SVSM_ERR_INVALID_FORMAT	   0x80000004u
#define SVSM_ERR_INVALID_PARAMETER 0x80000005u
#define SVSM_ERR_INVALID_REQUEST   0x80000006u
#define SVSM_ERR_BUSY		   0x80000007u
/* 0x80001000-0xffffffff: protocol-defined errors, base + n. */
#define SVSM_ERR_PROTOCOL_BASE 0x80001000u

/* 58019: 0x00001000-0x3fffffff carry protocol-defined success info. */
#define SVSM_RESULT_INFO_FIRST 0x00001000u
#define SVSM_RESULT_INFO_LAST  0x3fffffffu

/*
 * 58019: 0x40000000-0x7fffffff ask for memory: bits 29:0 are the number
 * of 4 KiB pages the guest should give with SVSM_CORE_DEPOSIT_MEM.
 */
#define SVSM_RESULT_MEM_REQUEST	     0x40000000u
#define SVSM_RESULT_MEM_PAGES_MASK   0x3fffffffu
#define SVSM_RESULT_MEM_REQUEST_MASK 0xc0000000u

/*
 * 58019 PVALIDATE errors: an instruction failure with EAX = n in 0..0xf
 * is reported as 0x80001000 + n (so FAIL_INPUT 0x80001001, FAIL_PERMISSION
 * from RMPADJUST 0x80001002, FAIL_SIZEMISMATCH 0x80001006); CF = 1 without
 * the entry's ignore-CF bit is 0x80001010; EAX above 0xf is 0x80001011.
 */
#define SVSM_PVALIDATE_FAIL_BASE	 SVSM_ERR_PROTOCOL_BASE
#define SVSM_PVALIDATE_FAIL_INPUT	 0x80001001u
#define SVSM_PVALIDATE_FAIL_PERMISSION	 0x80001002u
#define SVSM_PVALIDATE_FAIL_SIZEMISMATCH 0x80001006u
#define SVSM_PVALIDATE_FAIL_UNCHANGED	 0x80001010u
#define SVSM_PVALIDATE_FAIL_UNKNOWN	 0x80001011u

/* 58019 DELETE_VCPU: the VMSA is running (APM vol. 3 FAIL_INUSE = 3). */
#define SVSM_CORE_FAIL_INUSE 0x80001003u

/*
 * 58019: the attestation protocol defines no codes of its own; it uses
 * the generic ones (a too-small buffer is INVALID_PARAMETER with the sizes
 * in RCX/RDX/R8, see struct svsm_attest_services_op).
 */

/* The result for a PVALIDATE or RMPADJUST that returned EAX != 0 (58019). */
static inline uint32_t svsm_pvalidate_fail_code(uint32_t eax)
{
	if (eax > 0xfu)
		return SVSM_PVALIDATE_FAIL_UNKNOWN;
	return SVSM_PVALIDATE_FAIL_BASE + eax;
}

/* ---- Calling area (58019, calling convention) ------------------------- */

#define SVSM_CA_SIZE	      4096u
#define SVSM_CA_BUFFER_OFFSET 0x008u

/*
 * 58019: the per-vCPU calling area, one 4 KiB guest page. Guest memory:
 * every vCPU of the guest can write it at any time.
 */
struct svsm_ca {
	uint8_t call_pending;  /* 0 none, 1 call requested */
	uint8_t mem_available; /* the SVSM has memory to withdraw */
	/* The SVSM need not check these. COCONUT uses byte 2 as
	 * no_eoi_required (v1.01 draft APIC extension). */
	uint8_t reserved[6];
	uint8_t buffer[SVSM_CA_SIZE - SVSM_CA_BUFFER_OFFSET];
};
_Static_assert(offsetof(struct svsm_ca, call_pending) == 0x000,
	       "CA SVSM_CALL_PENDING, 58019");
_Static_assert(offsetof(struct svsm_ca, mem_available) == 0x001,
	       "CA SVSM_MEM_AVAILABLE, 58019");
_Static_assert(offsetof(struct svsm_ca, reserved) == 0x002,
	       "CA reserved, 58019");
_Static_assert(offsetof(struct svsm_ca, buffer) == SVSM_CA_BUFFER_OFFSET,
	       "CA buffer, 58019");
_Static_assert(sizeof(struct svsm_ca) == SVSM_CA_SIZE, "CA size, 58019");

/* ---- Core protocol register encodings (58019) ------------------------- */

/* QUERY_PROTOCOL: RCX in = protocol << 32 | version; out = max << 32 | min. */
static inline uint64_t svsm_query_protocol_rcx(uint32_t protocol,
					       uint32_t version)
{
	return ((uint64_t)protocol << 32) | version;
}

static inline uint64_t svsm_query_protocol_result(uint32_t max_version,
						  uint32_t min_version)
{
	return ((uint64_t)max_version << 32) | min_version;
}

/* CREATE_VCPU: R8[31:0] is the APIC ID. */
#define SVSM_CREATE_VCPU_APIC_ID_MASK 0xffffffffull

/*
 * CONFIGURE_VTOM, RCX in. Bit 0 selects query (1) or configure (0). For
 * configure: bit 1 enable, bit 2 set CR3 := RDX, bit 3 RIP := R8, bit 4
 * RSP := R9, bits 11:5 must be 0, bits 63:12 the new vTOM.
 */
#define SVSM_VTOM_QUERY	    (1ull << 0)
#define SVSM_VTOM_ENABLE    (1ull << 1)
#define SVSM_VTOM_SET_CR3   (1ull << 2)
#define SVSM_VTOM_SET_RIP   (1ull << 3)
#define SVSM_VTOM_SET_RSP   (1ull << 4)
#define SVSM_VTOM_RESERVED  0xfe0ull
#define SVSM_VTOM_ADDR_MASK (~0xfffull)
/*
 * CONFIGURE_VTOM query output. Unconfirmed (docs/protocols.md): the
 * translation's register table is garbled; csvsm takes the reading that
 * fits the other calls: RCX bit 1 = supported, RCX[19:12] = alignment as a
 * power of two, RDX = minimum vTOM, R8 = maximum vTOM.
 */
#define SVSM_VTOM_Q_SUPPORTED	(1ull << 1)
#define SVSM_VTOM_Q_ALIGN_SHIFT 12
#define SVSM_VTOM_Q_ALIGN_MASK	(0xffull << SVSM_VTOM_Q_ALIGN_SHIFT)

/* ---- PVALIDATE list (58019, SVSM_CORE_PVALIDATE) ---------------------- */

/*
 * The list RCX points to (8-byte aligned; the whole list inside one 4 KiB
 * page): this header, then `entries` 8-byte entries.
 */
struct svsm_pvalidate_hdr {
	uint16_t entries; /* >= 1 */
	uint16_t next;	  /* next entry to process, < entries; written back */
	uint32_t reserved;
};
_Static_assert(offsetof(struct svsm_pvalidate_hdr, entries) == 0x0,
	       "PVALIDATE list entries, 58019");
_Static_assert(offsetof(struct svsm_pvalidate_hdr, next) == 0x2,
	       "PVALIDATE list next, 58019");
_Static_assert(offsetof(struct svsm_pvalidate_hdr, reserved) == 0x4,
	       "PVALIDATE list reserved, 58019");
_Static_assert(sizeof(struct svsm_pvalidate_hdr) == 8,
	       "PVALIDATE list header, 58019");

#define SVSM_PVALIDATE_ENTRY_SIZE 8u
/* A list starting at page offset 0 holds at most (4096 - 8) / 8 entries. */
#define SVSM_PVALIDATE_MAX_ENTRIES                     \
	((4096u - sizeof(struct svsm_pvalidate_hdr)) / \
	 SVSM_PVALIDATE_ENTRY_SIZE)
/* ... and one at CA + 8, where Linux and OVMF put it, 510. */
#define SVSM_PVALIDATE_CA_MAX_ENTRIES            \
	((SVSM_CA_SIZE - SVSM_CA_BUFFER_OFFSET - \
	  sizeof(struct svsm_pvalidate_hdr)) /   \
	 SVSM_PVALIDATE_ENTRY_SIZE)
_Static_assert(SVSM_PVALIDATE_MAX_ENTRIES == 511, "58019 SVSM_CORE_PVALIDATE");
_Static_assert(SVSM_PVALIDATE_CA_MAX_ENTRIES == 510,
	       "58019 SVSM_CORE_PVALIDATE");

/*
 * An entry: [1:0] page size (0 4 KiB, 1 2 MiB; 2 and 3 invalid),
 * [2] 1 validate / 0 rescind, [3] ignore CF = 1, [11:4] reserved (must be
 * 0), [63:12] the GFN (for 2 MiB, GFN bits 8:0, i.e. GPA bits 20:12, are 0).
 */
#define SVSM_PVALIDATE_ENTRY_SIZE_MASK 0x3ull
#define SVSM_PVALIDATE_ENTRY_SIZE_4K   0x0ull
#define SVSM_PVALIDATE_ENTRY_SIZE_2M   0x1ull
#define SVSM_PVALIDATE_ENTRY_VALIDATE  (1ull << 2)
#define SVSM_PVALIDATE_ENTRY_IGNORE_CF (1ull << 3)
#define SVSM_PVALIDATE_ENTRY_RESERVED  0xff0ull
#define SVSM_PVALIDATE_ENTRY_GFN_SHIFT 12
#define SVSM_PVALIDATE_ENTRY_GPA_MASK  (~0xfffull)

static inline uint64_t svsm_pvalidate_entry(uint64_t gpa, unsigned int size,
					    bool validate, bool ignore_cf)
{
	return (gpa & SVSM_PVALIDATE_ENTRY_GPA_MASK) |
	       (size & SVSM_PVALIDATE_ENTRY_SIZE_MASK) |
	       (validate ? SVSM_PVALIDATE_ENTRY_VALIDATE : 0) |
	       (ignore_cf ? SVSM_PVALIDATE_ENTRY_IGNORE_CF : 0);
}

static inline uint64_t svsm_pvalidate_entry_gpa(uint64_t entry)
{
	return entry & SVSM_PVALIDATE_ENTRY_GPA_MASK;
}

static inline unsigned int svsm_pvalidate_entry_size(uint64_t entry)
{
	return (unsigned int)(entry & SVSM_PVALIDATE_ENTRY_SIZE_MASK);
}

/* ---- DEPOSIT_MEM / WITHDRAW_MEM lists (58019) ------------------------- */

/*
 * DEPOSIT_MEM: the list RCX points to (8-byte aligned), same header and
 * count/next rules as the PVALIDATE list, then 8-byte entries.
 */
struct svsm_deposit_hdr {
	uint16_t entries;
	uint16_t next;
	uint32_t reserved;
};
_Static_assert(offsetof(struct svsm_deposit_hdr, next) == 0x2,
	       "DEPOSIT_MEM list next, 58019");
_Static_assert(sizeof(struct svsm_deposit_hdr) == 8,
	       "DEPOSIT_MEM list header, 58019");

/* Deposit entry: [1:0] size (0 4K, 1 2M), [11:2] reserved, [63:12] GFN. */
#define SVSM_DEPOSIT_ENTRY_SIZE_MASK 0x3ull
#define SVSM_DEPOSIT_ENTRY_SIZE_4K   0x0ull
#define SVSM_DEPOSIT_ENTRY_SIZE_2M   0x1ull
#define SVSM_DEPOSIT_ENTRY_RESERVED  0xffcull
#define SVSM_DEPOSIT_ENTRY_GPA_MASK  (~0xfffull)

/*
 * WITHDRAW_MEM: the output list RCX points to (8-byte aligned, inside one
 * page; at page offset 0xff8 there is no room and the call fails with
 * INVALID_PARAMETER). The SVSM writes the count, then `count` 8-byte GPAs
 * of 4 KiB pages; the 6 bytes after count are unused.
 */
struct svsm_withdraw_hdr {
	uint16_t count;
	uint8_t unused[6];
};
_Static_assert(offsetof(struct svsm_withdraw_hdr, unused) == 0x2,
	       "WITHDRAW_MEM list, 58019");
_Static_assert(sizeof(struct svsm_withdraw_hdr) == 8,
	       "WITHDRAW_MEM list header, 58019");
#define SVSM_WITHDRAW_NO_ROOM_OFFSET 0xff8u

/* ---- Attestation (58019, attestation protocol) ------------------------ */

/* REPORT_DATA = SHA-512(nonce || manifest): 64 bytes. */
#define SVSM_ATTEST_REPORT_DATA_SIZE 64u

/*
 * 58019 Table 11: the ATTEST_SERVICES operation RCX points to. Report,
 * manifest and certificate buffers are 4 KiB aligned guest pages; a
 * certificates size of 0 asks for no certificates. Every reserved field
 * must be 0. Outputs (on success and on a too-small buffer): RCX manifest
 * size, RDX certificates size, R8 report size.
 */
struct svsm_attest_services_op {
	uint64_t report_gpa;
	uint32_t report_size;
	uint32_t reserved_0c;
	uint64_t nonce_gpa;
	uint16_t nonce_size;
	uint8_t reserved_1a[6];
	uint64_t manifest_gpa;
	uint32_t manifest_size;
	uint32_t reserved_2c;
	uint64_t certs_gpa;
	uint32_t certs_size;
	uint32_t reserved_3c;
};

#define SVSM_ATTEST_ASSERT_(f, o)                                          \
	_Static_assert(offsetof(struct svsm_attest_services_op, f) == (o), \
		       "attest op " #f ", 58019 Table 11")
SVSM_ATTEST_ASSERT_(report_gpa, 0x00);
SVSM_ATTEST_ASSERT_(report_size, 0x08);
SVSM_ATTEST_ASSERT_(reserved_0c, 0x0c);
SVSM_ATTEST_ASSERT_(nonce_gpa, 0x10);
SVSM_ATTEST_ASSERT_(nonce_size, 0x18);
SVSM_ATTEST_ASSERT_(reserved_1a, 0x1a);
SVSM_ATTEST_ASSERT_(manifest_gpa, 0x20);
SVSM_ATTEST_ASSERT_(manifest_size, 0x28);
SVSM_ATTEST_ASSERT_(reserved_2c, 0x2c);
SVSM_ATTEST_ASSERT_(certs_gpa, 0x30);
SVSM_ATTEST_ASSERT_(certs_size, 0x38);
SVSM_ATTEST_ASSERT_(reserved_3c, 0x3c);
#undef SVSM_ATTEST_ASSERT_
_Static_assert(sizeof(struct svsm_attest_services_op) == 0x40,
	       "attest op, 58019 Table 11");

/*
 * 58019 Table 13: ATTEST_SINGLE_SERVICE = the services operation, then the
 * service GUID (EFI byte order) and the manifest version (only 0 defined).
 */
struct svsm_attest_single_service_op {
	struct svsm_attest_services_op base;
	uint8_t service_guid[16];
	uint32_t manifest_version;
	uint32_t reserved_54;
};
_Static_assert(offsetof(struct svsm_attest_single_service_op, service_guid) ==
		       0x40,
	       "single-service op GUID, 58019 Table 13");
_Static_assert(offsetof(struct svsm_attest_single_service_op,
			manifest_version) == 0x50,
	       "single-service op version, 58019 Table 13");
_Static_assert(offsetof(struct svsm_attest_single_service_op, reserved_54) ==
		       0x54,
	       "single-service op reserved, 58019 Table 13");
_Static_assert(sizeof(struct svsm_attest_single_service_op) == 0x58,
	       "single-service op, 58019 Table 13");

/*
 * 58019 Table 12: the services manifest. This header, `service_count`
 * entries, then the service data blobs in entry order; `length` is the
 * whole manifest in bytes.
 */
struct svsm_services_manifest_hdr {
	uint8_t guid[16]; /* SVSM_SERVICES_MANIFEST_GUID */
	uint32_t length;
	uint32_t service_count;
};
_Static_assert(offsetof(struct svsm_services_manifest_hdr, length) == 0x10,
	       "manifest length, 58019 Table 12");
_Static_assert(offsetof(struct svsm_services_manifest_hdr, service_count) ==
		       0x14,
	       "manifest count, 58019 Table 12");
_Static_assert(sizeof(struct svsm_services_manifest_hdr) == 0x18,
	       "manifest header, 58019 Table 12");

struct svsm_services_manifest_entry {
	uint8_t guid[16];
	uint32_t data_offset; /* from the start of the manifest */
	uint32_t data_size;
};
_Static_assert(offsetof(struct svsm_services_manifest_entry, data_offset) ==
		       0x10,
	       "manifest entry offset, 58019 Table 12");
_Static_assert(sizeof(struct svsm_services_manifest_entry) == 24,
	       "manifest entry, 58019 Table 12");

/* 63849ebb-3d92-4670-a1ff-58f9c94b87bb, EFI byte order (58019 Table 12). */
#define SVSM_SERVICES_MANIFEST_GUID                                         \
	{                                                                   \
		0xbb, 0x9e, 0x84, 0x63, 0x92, 0x3d, 0x70, 0x46, 0xa1, 0xff, \
			0x58, 0xf9, 0xc9, 0x4b, 0x87, 0xbb                  \
	}
/* vTPM service c476f1eb-0123-45a5-9641-b4e7dde5bfe3 (58019 §8.3.1) */
#define SVSM_VTPM_SERVICE_GUID                                              \
	{                                                                   \
		0xeb, 0xf1, 0x76, 0xc4, 0x23, 0x01, 0xa5, 0x45, 0x96, 0x41, \
			0xb4, 0xe7, 0xdd, 0xe5, 0xbf, 0xe3                  \
	}
