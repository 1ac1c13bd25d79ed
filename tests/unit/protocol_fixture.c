/* SPDX-License-Identifier: MIT */
/* The protocol tests' shared fixture (protocol_fixture.h). */
#include "protocol_fixture.h"

struct sim_guest pfx;

bool pfx_setup(void)
{
	return sim_guest_init(&pfx, PFX_VMPL, PFX_MEM_SIZE) &&
	       pfx.base == PFX_BASE && pfx.svsm_base == PFX_SVSM_BASE &&
	       pfx.boot_vmsa == PFX_BOOT_VMSA && pfx.boot_caa == PFX_BOOT_CAA;
}

uint64_t pfx_page(unsigned int i)
{
	/* first_free .. base + 4 MiB: 496 pages. */
	return PFX_BASE + SIM_SVSM_SIZE + 0x10000 + (uint64_t)i * SZ_4K;
}

uint64_t pfx_2m(unsigned int i)
{
	return PFX_BASE + 2 * SZ_2M + (uint64_t)i * SZ_2M;
}

void pfx_write_hdr(uint64_t gpa, uint16_t count, uint16_t next)
{
	struct svsm_pvalidate_hdr hdr = {.entries = count, .next = next};

	memcpy(sim_guest_ptr(gpa, sizeof(hdr)), &hdr, sizeof(hdr));
}

void pfx_write_list(uint64_t gpa, uint16_t count, uint16_t next,
		    const uint64_t *entries)
{
	pfx_write_hdr(gpa, count, next);
	if (count)
		memcpy(sim_guest_ptr(gpa + 8, count * 8u), entries, count * 8u);
}

uint16_t pfx_list_next(uint64_t gpa)
{
	struct svsm_pvalidate_hdr hdr;

	memcpy(&hdr, sim_guest_ptr(gpa, sizeof(hdr)), sizeof(hdr));
	return hdr.next;
}

uint64_t pfx_pvalidate1(uint64_t list, uint64_t entry)
{
	pfx_write_list(list, 1, 0, &entry);
	return sim_guest_core(&pfx, SVSM_CORE_PVALIDATE, list, 0, 0, NULL);
}

struct sim_rmp_entry pfx_rmp(uint64_t gpa)
{
	struct sim_rmp_entry e;

	memset(&e, 0xee, sizeof(e));
	EXPECT_TRUE(sim_rmp_entry(&fake_snp_rmp, gpa, &e));
	return e;
}

bool pfx_rmp_same(const struct sim_rmp_entry *a, const struct sim_rmp_entry *b)
{
	return a->assigned == b->assigned && a->validated == b->validated &&
	       a->vmsa == b->vmsa && a->page_size == b->page_size &&
	       memcmp(a->perms, b->perms, sizeof(a->perms)) == 0;
}

bool pfx_is_guest_page(uint64_t gpa)
{
	struct sim_rmp_entry e = pfx_rmp(gpa);

	return e.assigned && e.validated && !e.vmsa &&
	       e.perms[1] == SNP_PERM_ALL && e.perms[2] == SNP_PERM_ALL &&
	       e.perms[3] == 0;
}

bool pfx_is_svsm_only(uint64_t gpa)
{
	struct sim_rmp_entry e = pfx_rmp(gpa);

	return e.assigned && e.validated && !e.vmsa && e.perms[1] == 0 &&
	       e.perms[2] == 0 && e.perms[3] == 0;
}

bool pfx_is_reserved(uint64_t gpa)
{
	return gpa_range_overlaps_svsm(gpa_init(gpa), SZ_4K);
}

bool pfx_all(uint64_t gpa, uint64_t len, uint8_t v)
{
	const uint8_t *p = sim_guest_ptr(gpa, len);

	for (uint64_t i = 0; i < len; i++) {
		if (p[i] != v)
			return false;
	}
	return true;
}

void pfx_fill(uint64_t gpa, uint64_t len, uint8_t v)
{
	memset(sim_guest_ptr(gpa, len), v, len);
}

uint64_t pfx_create(uint64_t vmsa, uint64_t caa, uint32_t apic_id,
		    unsigned int vmpl)
{
	sim_guest_write_vmsa(vmsa, vmpl, SNP_EFER_SVME, SIM_SEV_FEATURES);
	return sim_guest_core(&pfx, SVSM_CORE_CREATE_VCPU, vmsa, caa, apic_id,
			      NULL);
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

void pfx_snapshot(struct pfx_snapshot *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	paddr_t base;
	uint64_t size;

	memset(s, 0, sizeof(*s));
	for (uint64_t gpa = pfx.base; gpa < pfx.base + pfx.size; gpa += SZ_4K) {
		struct sim_rmp_entry e = pfx_rmp(gpa);
		uint8_t b[8] = {e.assigned,  e.validated, e.vmsa,
				e.page_size, e.perms[0],  e.perms[1],
				e.perms[2],  e.perms[3]};

		h = fnv(h, b, sizeof(b));
	}
	s->rmp_hash = h;
	s->region_hash =
		fnv(0xcbf29ce484222325ull,
		    sim_guest_ptr(pfx.svsm_base, pfx.svsm_size), pfx.svsm_size);
	s->reserved_count = gpa_reserved_count();
	h = 0xcbf29ce484222325ull;
	for (uint32_t i = 0; gpa_reserved_get(i, &base, &size); i++) {
		uint64_t r[2] = {pa_val(base), size};

		h = fnv(h, r, sizeof(r));
	}
	s->reserved_hash = h;
	s->vcpus = snp_vcpu_count();
	s->deposits = protocols_deposit_count();
	s->host_vcpus = sim_vcpu_count(&pfx.host);
	heap_get_stats(&s->heap);
	pgalloc_get_stats(&s->pga);
}

bool pfx_snapshot_same(const struct pfx_snapshot *a,
		       const struct pfx_snapshot *b)
{
	return a->rmp_hash == b->rmp_hash && a->region_hash == b->region_hash &&
	       a->reserved_hash == b->reserved_hash &&
	       a->reserved_count == b->reserved_count && a->vcpus == b->vcpus &&
	       a->deposits == b->deposits && a->host_vcpus == b->host_vcpus &&
	       memcmp(&a->heap, &b->heap, sizeof(a->heap)) == 0 &&
	       memcmp(&a->pga, &b->pga, sizeof(a->pga)) == 0;
}

bool pfx_still_serving(void)
{
	struct sim_call c;
	uint64_t rax = sim_guest_core(&pfx, SVSM_CORE_QUERY_PROTOCOL,
				      svsm_query_protocol_rcx(0, 1), 0, 0, &c);

	return rax == SVSM_SUCCESS &&
	       c.rcx == svsm_query_protocol_result(1, 1) &&
	       c.pending_seen == 0 && c.status == SNP_REQUEST_DONE;
}
