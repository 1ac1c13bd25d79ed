/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SVSM's GHCB client (kernel/plat/snp/ghcb.c)
 * against a hostile host. The client talks to the model hypervisor
 * (sim/hv.c) through the fake VMGEXIT; after the honest handler of every
 * exit, the hostile callback rewrites what the input says: the GHCB MSR,
 * EXITINFO1/2, the exit code, the valid bitmap, RAX/RBX, the PSC header,
 * any bytes of the GHCB page or of the response page, and whether a
 * terminated vCPU is resumed. The script drives every client function.
 *
 * Besides ASan/UBSan and the client's own CHECKs, the target aborts when:
 *  - the client exits with a GPA in the MSR that is not one of the GHCB
 *    pages it asked to register, or a PSC call takes more exits than it
 *    has entries (no progress would mean a loop the host controls);
 *  - ghcb_terminate() returns, the vCPU stops without the host ending
 *    the VM, or an extended request reports a page count it should have
 *    refused;
 *  - anything touches fake memory outside the pages in play: the GHCB
 *    pages, the request, response and certificate pages. Everything else
 *    is poisoned for ASan, and the registered GHCB is the last page of
 *    fake memory, so a read beyond it leaves the allocation.
 *
 * Build: make out/fuzz/ghcb_fuzz (the sources of protocol_fuzz).
 * Run:   out/fuzz/ghcb_fuzz -max_total_time=60 out/fuzz/corpus/ghcb
 *
 * Input format (bytes are read in order; a short input reads zeros, and
 * once the input is used up the host is honest):
 *   [0]  operations - 1 (low 3 bits: 1..8 operations)
 *   per operation: [0] function (low 4 bits), CPU (bit 4), honest host
 *                  for this operation (bit 5); [1..4] arguments; then the
 *                  bytes the hostile callback consumes at each exit:
 *     [0]  what to change: bit 0 MSR, 1 EXITINFO1, 2 EXITINFO2,
 *          3 valid bitmap (two words), 4 exit code, 6 RAX and RBX: each
 *          word by a mode byte (XOR, set, add) and 8 bytes; bit 5 the
 *          PSC header: cur_entry and end_entry deltas (signed bytes), a
 *          byte for the reserved bits; bit 7 a patch: target (GHCB or
 *          response page, bit 0; resume a terminated vCPU, bit 1),
 *          offset (2), length (1), bytes.
 */
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/arch/ghcb.h"

#include "svsm/log.h"

#include "abi/ghcb.h"
#include "abi/snp.h"

#include "fake/fake.h"
#include "hv.h"
#include "rmp.h"
#include "snp/ghcb.h"
#include "vcpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_SIZE 0x40000ull /* 64 pages */
#define BASE	 FAKE_PHYS_BASE
#define REQ	 (BASE + 0x1000)
#define RESP	 (BASE + 0x2000)
#define CERTS	 (BASE + 0x3000) /* 4 pages */
#define VMSA	 (BASE + 0x8000)
#define GHCB_B	 (BASE + MEM_SIZE - 0x2000)
#define GHCB_A	 (BASE + MEM_SIZE - 0x1000) /* the last page */
#define PAGE_SZ	 0x1000ull

/* The input as a stream that reads zeros past its end. */
struct input {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

static struct input in;
static bool honest;
static struct sim_vcpu_table vcpus;
static uint8_t *mem;

static bool more(void)
{
	return in.pos < in.len;
}

static uint8_t byte(void)
{
	return in.pos < in.len ? in.p[in.pos++] : (in.pos++, 0);
}

static uint64_t u64(void)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)byte() << (8 * i);
	return v;
}

static void *page(uint64_t gpa)
{
	return mem + (gpa - BASE);
}

/* ---- The hostile host ---------------------------------------------------- */

static void patch(struct sim_hv_exit *x, uint8_t target)
{
	uint8_t *p = NULL;
	size_t off = (size_t)(byte() | (byte() << 8)) & 0xfff;
	size_t len = byte();

	if (target & 1)
		p = page(RESP);
	else if (x->ghcb)
		p = (uint8_t *)x->ghcb;
	if (len > PAGE_SZ - off)
		len = PAGE_SZ - off;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = byte();

		if (p)
			p[off + i] = b;
	}
}

/*
 * Changes *field as the input says: a mode byte (XOR, set or add, so
 * that small and zero inputs stay close to the honest answer) and 8
 * bytes. With no GHCB page (an MSR-protocol exit) the bytes are read and
 * dropped.
 */
static void mangle(uint64_t *field)
{
	uint8_t mode = byte();
	uint64_t v = u64();

	if (!field)
		return;
	switch (mode % 3) {
	case 0:
		*field ^= v;
		break;
	case 1:
		*field = v;
		break;
	default:
		*field += v;
		break;
	}
}

/* The PSC header: cur_entry and end_entry moved, reserved bits XORed. */
static void mangle_psc(struct ghcb *g)
{
	int8_t dcur = (int8_t)byte();
	int8_t dend = (int8_t)byte();
	uint8_t rsvd = byte();
	struct ghcb_psc_hdr h;

	if (!g)
		return;
	memcpy(&h, g->shared_buffer, sizeof(h));
	h.cur_entry = (uint16_t)(h.cur_entry + dcur);
	h.end_entry = (uint16_t)(h.end_entry + dend);
	h.reserved ^= (uint32_t)rsvd << (rsvd % 25);
	memcpy(g->shared_buffer, &h, sizeof(h));
}

#define FIELD_(g, f) ((g) ? &(g)->f : NULL)

static void rewrite(struct sim_hv_exit *x, uint8_t what)
{
	struct ghcb *g = x->ghcb;

	if (what & 0x01)
		mangle(x->msr);
	if (what & 0x02)
		mangle(FIELD_(g, sw_exit_info_1));
	if (what & 0x04)
		mangle(FIELD_(g, sw_exit_info_2));
	if (what & 0x08) {
		mangle(FIELD_(g, valid_bitmap[0]));
		mangle(FIELD_(g, valid_bitmap[1]));
	}
	if (what & 0x10)
		mangle(FIELD_(g, sw_exit_code));
	if (what & 0x20)
		mangle_psc(g);
	if (what & 0x40) {
		mangle(FIELD_(g, rax));
		mangle(FIELD_(g, rbx));
	}
	if (what & 0x80) {
		uint8_t target = byte();

		patch(x, target);
		if (target & 2)
			x->stop = false;
	}
}

static unsigned int exits;

static void hostile(struct sim_hv_exit *x, void *ctx)
{
	(void)ctx;
	exits++;
	/* The client only exits with a page it asked to register. */
	if (ghcb_msr_info(x->msr_in) == 0 && x->msr_in != GHCB_A &&
	    x->msr_in != GHCB_B)
		abort();
	if (honest || !more())
		return;
	rewrite(x, byte());
}

/* ---- The client, driven --------------------------------------------------- */

static uint64_t psc_entries[300];

static void do_psc(uint8_t a, uint8_t b)
{
	size_t n = 1 + (((size_t)a << 8 | b) % ARRAY_SIZE(psc_entries));
	unsigned int before = exits;

	for (size_t i = 0; i < n; i++) {
		unsigned int op = (a >> (i % 8)) & 1 ? GHCB_PSC_OP_SHARED
						     : GHCB_PSC_OP_PRIVATE;

		psc_entries[i] =
			ghcb_psc_entry((BASE >> 12) + i % 64, op, false);
	}
	(void)!ghcb_page_state_change(psc_entries, n);
	/* Progress on every round: at most one exit per entry. */
	if (exits - before > n)
		abort();
}

static void do_ext(uint8_t a)
{
	uint32_t npages = a % 5;
	uint32_t offered = npages;
	uint64_t fw_err;
	enum svsm_err err;

	err = ghcb_ext_guest_request(pa_init(REQ), pa_init(RESP),
				     pa_init(CERTS), &npages, &fw_err);
	if (err == SVSM_E_NOMEM) {
		if (npages <= offered || npages > GHCB_EXT_CERTS_MAX_PAGES)
			abort();
	} else if (npages != offered) {
		abort();
	}
}

/*
 * Whatever the host does, the vCPU never runs on after a termination:
 * ghcb_terminate() stops it (caught in LLVMFuzzerTestOneInput) or aborts.
 */
static void do_terminate(unsigned int set, unsigned int code)
{
	ghcb_terminate(set, code);
	abort();
}

static void one_op(void)
{
	uint8_t fn = byte();
	uint8_t a = byte();
	uint8_t b = byte();
	uint8_t c = byte();
	uint8_t d = byte();
	uint64_t fw_err;

	fake_ghcb_cpu = (fn >> 4) & 1;
	honest = (fn >> 5) & 1;
	switch (fn % 10) {
	case 0:
		(void)!ghcb_negotiate(NULL);
		break;
	case 1:
		(void)!ghcb_register(pa_init(a & 1 ? GHCB_B : GHCB_A));
		break;
	case 2:
		(void)!ghcb_msr_page_state_change(
			pa_init(BASE + (b % 64) * PAGE_SZ), a % 4);
		break;
	case 3:
		sim_hv.psc_max_per_exit = c % 4;
		do_psc(a, b);
		break;
	case 4:
		(void)!ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err);
		break;
	case 5:
		sim_hv.greq.certs_len = (size_t)a * 64;
		do_ext(b);
		break;
	case 6:
		(void)!ghcb_ap_create(a % 4, b % 4, pa_init(VMSA), c % 5,
				      (uint64_t)d);
		break;
	case 7:
		(void)!ghcb_run_vmpl(a % 5);
		break;
	case 8:
		sim_hv.greq.busy = a % 2;
		(void)!ghcb_guest_request(pa_init(REQ), pa_init(RESP), &fw_err);
		break;
	default:
		do_terminate(a, b);
		break;
	}
}

/* ---- Set-up ---------------------------------------------------------------- */

static uint8_t certs_blob[4 * 0x1000];

/* Fake memory once, with every page not in play poisoned. */
static void init_memory(void)
{
	static const uint64_t in_play[] = {REQ,
					   RESP,
					   CERTS,
					   CERTS + PAGE_SZ,
					   CERTS + 2 * PAGE_SZ,
					   CERTS + 3 * PAGE_SZ,
					   GHCB_B,
					   GHCB_A};

	if (mem)
		return;
	if (fake_mm_init(MEM_SIZE) != BASE)
		abort();
	mem = arch_phys_to_virt(BASE, MEM_SIZE);
	for (uint64_t gpa = BASE; gpa < BASE + MEM_SIZE; gpa += PAGE_SZ) {
		bool used = false;

		for (size_t i = 0; i < ARRAY_SIZE(in_play); i++)
			used |= in_play[i] == gpa;
		if (!used)
			ASAN_POISON_MEMORY_REGION(page(gpa), PAGE_SZ);
	}
	memset(certs_blob, 0xce, sizeof(certs_blob));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int ops;

	log_set_level(LOG_LEVEL_NONE);
	init_memory();
	memset(page(GHCB_A), 0, PAGE_SZ);
	memset(page(GHCB_B), 0, PAGE_SZ);
	sim_rmp_fini(&fake_snp_rmp);
	if (!sim_rmp_init(&fake_snp_rmp, BASE, MEM_SIZE) ||
	    sim_rmp_launch_page(&fake_snp_rmp, VMSA, true) != SNP_SUCCESS)
		abort();
	fake_snp_hv_start();
	sim_hv.rmp = &fake_snp_rmp;
	sim_vcpu_table_init(&vcpus, &fake_snp_rmp);
	sim_hv.vcpus = &vcpus;
	sim_hv.greq.certs = certs_blob;
	sim_hv.hostile = hostile;
	ghcb_reset();
	in = (struct input){data, size, 0};
	exits = 0;

	/* The boot CPU's GHCB, from an honest host. */
	honest = true;
	if (ghcb_negotiate(NULL) != SVSM_OK ||
	    ghcb_register(pa_init(GHCB_A)) != SVSM_OK)
		abort();
	ops = (byte() & 7) + 1;
	for (unsigned int i = 0; i < ops; i++) {
		/*
		 * The vCPU stops for good only when the host ends the VM:
		 * a termination, or an exit through a GHCB the host no
		 * longer has registered (after a lying registration), which
		 * KVM answers by ending the VM. Anything else aborts.
		 */
		if (FAKE_EXPECT_VCPU_STOP(one_op())) {
			if (!sim_hv.ended && !sim_hv.terminated &&
			    !fake_vcpu_halted)
				abort();
			break;
		}
	}
	fake_snp_hv_stop();
	return 0;
}
