/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SVSM protocol path on the SEV-SNP model: the
 * input is a short script of SVSM calls from a hostile guest (registers,
 * CALL_PENDING, the exit code, a PVALIDATE/DEPOSIT list in guest memory,
 * a VMSA image for CREATE_VCPU) interleaved with hostile host actions
 * (pages made shared or unvalidated, guest accesses that fault). Each call
 * goes through svsm_request_once() exactly as in the unit tests. Besides
 * ASan/UBSan and the SVSM's own CHECKs, after every call the target checks
 * two invariants and aborts if they break: no lower VMPL holds any
 * permission on a page the SVSM owns (gpa_reserve()d), and the SVSM
 * region's bytes are unchanged.
 *
 * Build (from the repository root; the sources of the unit binary minus
 * the tests and the host tools):
 *
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -Iinclude -Ikernel/arch/fake -Isim \
 *     -Itests/harness -DSVSM_PHYS_BASE=0x1000000 \
 *     -o out/fuzz/protocol_fuzz tests/fuzz/protocol_fuzz.c sim/[a-z]*.c \
 *     kernel/protocols/[a-z]*.c kernel/plat/snp/[a-z]*.c kernel/guestmem/guestmem.c \
 *     kernel/mm/gpa.c kernel/mm/pgalloc.c kernel/mm/heap.c \
 *     kernel/mm/pgtable.c kernel/arch/fake/[a-z]*.c kernel/core/log.c \
 *     kernel/core/err.c lib/format.c lib/str.c -lmbedcrypto -lcrypto
 *
 * Run: out/fuzz/protocol_fuzz -max_total_time=60 out/fuzz/corpus/protocol
 *
 * Input format (bytes are read in order; a short input reads zeros):
 *   [0]  operations - 1 (low 2 bits: 1..4 operations)
 *   per operation, 64 bytes:
 *     [0]      call: bits 2:0 core call id; bit 3 attestation protocol
 *              (call id bit 0) instead; bit 4 caller is the newest
 *              created vCPU (if any); bit 5 CALL_PENDING := [1];
 *              bit 6 exit code not VMGEXIT; bit 7 a guest page faults
 *     [1]      CALL_PENDING value when bit 5 is set; else fault page
 *     [2..10]  RCX  as an address selector (selector byte + 8 raw bytes)
 *     [11..19] RDX  as an address selector
 *     [20..21] R8   (APIC ID, low 16 bits; [21] bit 7 sets R8[32])
 *     [22..23] list header: entries, next (the list is written at RCX
 *              when that is a guest page with room, else at list_page())
 *     [24..39] 4 list entries: selector byte, 2 flag bytes ([11:0]),
 *              and the selector's raw value (one byte)
 *     [40..42] VMSA image written into the RCX page for a core
 *              CREATE_VCPU (call bits 3:0 = 2):
 *              VMPL, EFER.SVME (bit 0), SEV_FEATURES variant
 *     [43..50] 4 host actions: page, action (shared, unvalidated 4K,
 *              unvalidated 2M, validated, none)
 *     [51..63] unused
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/log.h"
#include "svsm/mm/gpa.h"
#include "svsm/protocols.h"

#include "abi/snp.h"
#include "abi/snp_vmsa.h"
#include "abi/svsm.h"

#include "fake/fake.h"
#include "model/guest.h"
#include "rmp.h"
#include "snp/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE    (8ull << 20)
#define OP_BYTES    64u
#define GUEST_PAGES 64u

static struct sim_guest g;
/* PROTOCOL_FUZZ_TRACE=1 prints each call (to replay a finding). */
static bool trace;
/* The SVSM region's first half as set up (the second holds the heap). */
static uint8_t region_copy[SIM_SVSM_SIZE / 2];

/* The input as a stream that reads zeros past its end. */
struct input {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

static uint8_t byte(struct input *in)
{
	return in->pos < in->len ? in->p[in->pos++] : (in->pos++, 0);
}

static uint64_t u64(struct input *in)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)byte(in) << (8 * i);
	return v;
}

static uint64_t list_page(void)
{
	return g.first_free;
}

static uint64_t guest_page(unsigned int i)
{
	return g.first_free + (1 + i % GUEST_PAGES) * 0x1000ull;
}

/* An address: mostly interesting ones, sometimes raw. */
static uint64_t address(uint8_t sel, uint64_t raw)
{
	struct svsm_vcpu *v;

	switch (sel % 12) {
	case 0:
		return raw;
	case 1:
		return guest_page((unsigned int)raw);
	case 2:
		return g.base + 0x400000 + (raw % 2) * 0x200000;
	case 3:
		return g.svsm_base + (raw & 0x1ff000);
	case 4:
		return g.boot_vmsa;
	case 5:
		return gpa_val(g.boot->caa);
	case 6:
		return gpa_val(g.boot->caa) + SVSM_CA_BUFFER_OFFSET;
	case 7:
		return list_page() + (raw & 0xff8);
	case 8:
		v = snp_vcpu_current((uint32_t)raw % SIM_APIC_COUNT);
		return v ? pa_val(v->vmsa) : raw;
	case 9:
		return ~0ull - (raw & 0xffff);
	case 10:
		return guest_page((unsigned int)raw) + ((raw >> 8) & 0xfff);
	default:
		return SNP_LAUNCH_VMSA_GPA;
	}
}

static uint64_t selector(struct input *in)
{
	uint8_t sel = byte(in);

	return address(sel, u64(in));
}

static void host_action(uint8_t sel, uint8_t action)
{
	uint64_t gpa = guest_page(sel);

	/* The host may change any guest page at any time. */
	switch (action % 5) {
	case 0:
		(void)sim_rmp_make_shared(&fake_snp_rmp, gpa, SNP_RMP_PSIZE_4K);
		break;
	case 1:
		(void)sim_rmp_assign(&fake_snp_rmp, gpa, SNP_RMP_PSIZE_4K);
		break;
	case 2:
		(void)sim_rmp_assign(&fake_snp_rmp,
				     g.base + 0x400000 + (sel % 2) * 0x200000,
				     SNP_RMP_PSIZE_2M);
		break;
	case 3:
		if (!gpa_range_overlaps_svsm(gpa_init(gpa), 0x1000))
			(void)sim_guest_page_valid(&g, gpa);
		break;
	default:
		break;
	}
}

/* Where the guest writes the list: at RCX when that is a guest page with
 * room for it, else at list_page(). */
static uint64_t list_at(uint64_t rcx)
{
	uint64_t need = sizeof(struct svsm_pvalidate_hdr) + 4 * 8;

	if ((rcx & 7) || (rcx & 0xfff) > 0x1000 - need ||
	    rcx < g.base + SIM_SVSM_SIZE || rcx >= g.base + g.size ||
	    gpa_range_overlaps_svsm(gpa_init(rcx), need))
		return list_page();
	return rcx;
}

static void write_list(struct input *in, uint64_t at)
{
	struct svsm_pvalidate_hdr hdr = {0};
	uint64_t e[4];

	/* One read per statement: the order of the bytes is the format. */
	hdr.entries = byte(in);
	hdr.next = byte(in);
	for (unsigned int i = 0; i < 4; i++) {
		uint8_t sel = byte(in);
		uint16_t flags = byte(in);
		uint8_t idx;

		flags |= (uint16_t)(byte(in) << 8);
		idx = byte(in);

		e[i] = (address(sel, idx) & ~0xfffull) | (flags & 0xfff);
	}
	memcpy(sim_guest_ptr(at, sizeof(hdr)), &hdr, sizeof(hdr));
	memcpy(sim_guest_ptr(at + sizeof(hdr), sizeof(e)), e, sizeof(e));
}

static void write_vmsa(struct input *in, bool create, uint64_t rcx)
{
	static const uint64_t features[] = {SIM_SEV_FEATURES, 0,
					    SIM_SEV_FEATURES | 0x20, ~0ull};
	uint8_t vmpl = byte(in);
	uint8_t efer = byte(in);
	uint8_t feat = byte(in);
	uint64_t page = rcx & ~0xfffull;

	/* Only for CREATE_VCPU, and only into guest pages: the guest cannot
	 * write anything else. */
	if (!create || page < g.base + SIM_SVSM_SIZE ||
	    page >= g.base + g.size ||
	    gpa_range_overlaps_svsm(gpa_init(page), 0x1000))
		return;
	sim_guest_write_vmsa(page, vmpl % 5, (efer & 1) ? SNP_EFER_SVME : 0,
			     features[feat % 4]);
}

static void check_invariants(void)
{
	paddr_t base;
	uint64_t size;

	for (uint32_t i = 0; gpa_reserved_get(i, &base, &size); i++) {
		for (uint64_t off = 0; off < size; off += 0x1000) {
			struct sim_rmp_entry e;

			if (!sim_rmp_entry(&fake_snp_rmp, pa_val(base) + off,
					   &e))
				abort();
			if (e.perms[1] | e.perms[2] | e.perms[3])
				abort();
		}
	}
	if (memcmp(sim_guest_ptr(g.svsm_base, sizeof(region_copy)), region_copy,
		   sizeof(region_copy)) != 0)
		abort();
}

static void one_op(struct input *in)
{
	uint8_t call = byte(in);
	uint8_t arg = byte(in);
	struct sim_call c;
	struct svsm_vcpu *caller = g.boot;
	struct svsm_vcpu *newest = NULL;
	uint64_t rcx;

	for (uint32_t a = 0; a < SIM_APIC_COUNT; a++) {
		struct svsm_vcpu *v = snp_vcpu_current(a);

		if (v && !v->boot && (!newest || v->seq > newest->seq))
			newest = v;
	}
	if ((call & 0x10) && newest)
		caller = newest;
	if (call & 0x08)
		sim_call_init(&c, SVSM_ATTEST_PROTOCOL, call & 1);
	else
		sim_call_init(&c, SVSM_CORE_PROTOCOL, call & 7);
	c.rcx = selector(in);
	c.rdx = selector(in);
	rcx = c.rcx;
	c.r8 = byte(in);
	c.r8 |= (uint64_t)byte(in) << 8;
	if (c.r8 & 0x8000)
		c.r8 = (c.r8 & 0x7fff) | (1ull << 32);
	if (call & 0x20)
		c.pending = arg;
	if (call & 0x40)
		c.exit_code = 0x404;
	write_list(in, list_at(c.rcx));
	write_vmsa(in, (call & 0x0f) == SVSM_CORE_CREATE_VCPU, c.rcx);
	for (unsigned int i = 0; i < 4; i++) {
		uint8_t sel = byte(in);

		host_action(sel, byte(in));
	}
	in->pos += OP_BYTES - 51; /* keep operations 64 bytes apart */
	if ((call & 0x80) && !(call & 0x20)) {
		fake_guest_fault_base = guest_page(arg);
		fake_guest_fault_size = 0x1000;
	}
	sim_guest_call(&g, caller, &c);
	fake_guest_fault_size = 0;
	if (trace)
		fprintf(stderr, "op %#x rcx %#llx rdx %#llx -> %#llx (%d)\n",
			call, (unsigned long long)rcx,
			(unsigned long long)c.rdx, (unsigned long long)c.rax,
			(int)c.status);
	/* Results are 32-bit, zero-extended. */
	if (c.status == SNP_REQUEST_DONE && (c.rax >> 32) != 0)
		abort();
	check_invariants();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size, 0};
	unsigned int ops;

	trace = getenv("PROTOCOL_FUZZ_TRACE") != NULL;
	log_set_level(trace ? LOG_LEVEL_VERBOSE : LOG_LEVEL_ERROR);
	if (!sim_guest_init(&g, 2, MEM_SIZE))
		abort();
	memcpy(region_copy, sim_guest_ptr(g.svsm_base, sizeof(region_copy)),
	       sizeof(region_copy));
	ops = (byte(&in) & 3) + 1;
	for (unsigned int i = 0; i < ops; i++)
		one_op(&in);
	return 0;
}
