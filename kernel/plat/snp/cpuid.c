/* SPDX-License-Identifier: MIT */
/*
 * CPUID from the SEV-SNP CPUID page (snp/cpuid.h, where the rules are).
 * Pure functions on a private copy of the page, so the same code serves
 * the #VC handler and the hosted tests.
 */
#include "snp/cpuid.h"

#include "lib/string.h"

#define REG_EAX 0
#define REG_EBX 1
#define REG_ECX 2
#define REG_EDX 3

/* XSAVE: the legacy area and the header precede every component. */
#define XSAVE_LEGACY_AND_HEADER 576u
/* Components 0 (x87) and 1 (SSE) live in the legacy area. */
#define XSAVE_FIRST_EXTENDED 2u

/*
 * Leaves whose subleaf (ECX) selects the answer (Linux
 * arch/x86/include/asm/cpuid.h, cpuid_function_is_indexed()).
 */
static bool indexed(uint32_t leaf)
{
	switch (leaf) {
	case 0x4:
	case 0x7:
	case 0xb:
	case 0xd:
	case 0xf:
	case 0x10:
	case 0x12:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x1e:
	case 0x1f:
	case 0x24:
	case 0x8000001d:
		return true;
	default:
		return false;
	}
}

static const struct snp_cpuid_fn *find(const struct snp_cpuid_table *t,
				       uint32_t leaf, uint32_t subleaf)
{
	for (uint32_t i = 0; i < t->count; i++) {
		const struct snp_cpuid_fn *f = &t->fn[i];

		if (f->eax_in == leaf &&
		    (!indexed(leaf) || f->ecx_in == subleaf))
			return f;
	}
	return NULL;
}

static uint32_t range_max(const struct snp_cpuid_table *t, uint32_t leaf)
{
	const struct snp_cpuid_fn *f = find(t, leaf, 0);

	return f ? f->eax : 0;
}

enum svsm_err snp_cpuid_init(struct snp_cpuid_table *t,
			     const struct snp_cpuid_page *page)
{
	/*
	 * TRUST: the page was checked by the secure processor at launch
	 * (each entry against what the CPU supports) and lies in SVSM
	 * memory; it is still copied once and its form checked, so that a
	 * builder mistake ends the boot rather than a lookup.
	 */
	memset(t, 0, sizeof(*t));
	if (page->count > SNP_CPUID_COUNT_MAX || page->reserved_04 ||
	    page->reserved_08)
		return SVSM_E_INVAL;
	t->count = page->count;
	memcpy(t->fn, page->fn, t->count * sizeof(t->fn[0]));
	t->std_max = range_max(t, 0x0);
	t->hyp_max = range_max(t, 0x40000000);
	t->ext_max = range_max(t, 0x80000000);
	return SVSM_OK;
}

static bool in_range(const struct snp_cpuid_table *t, uint32_t leaf)
{
	return leaf <= t->std_max ||
	       (leaf >= 0x40000000 && leaf <= t->hyp_max) ||
	       (leaf >= 0x80000000 && leaf <= t->ext_max);
}

/*
 * The XSAVE area size for the components in `mask`: standard format (each
 * component at its offset, leaf 0xD.i EBX) or compacted (components packed
 * in order, 64-byte aligned where leaf 0xD.i ECX[1] asks).
 */
static enum svsm_err xsave_size(const struct snp_cpuid_table *t, uint64_t mask,
				bool compacted, uint32_t *out)
{
	uint64_t size = XSAVE_LEGACY_AND_HEADER;

	for (unsigned int i = XSAVE_FIRST_EXTENDED; i < 64; i++) {
		const struct snp_cpuid_fn *f;
		uint64_t end;

		if (!(mask & (1ull << i)))
			continue;
		f = find(t, 0xd, i);
		if (!f || f->eax == 0)
			return SVSM_E_INVAL;
		if (compacted) {
			if (f->ecx & 0x2)
				size = (size + 63) & ~63ull;
			end = size + f->eax;
		} else {
			end = (uint64_t)f->ebx + f->eax;
		}
		if (end > UINT32_MAX)
			return SVSM_E_INVAL;
		if (compacted || end > size)
			size = end;
	}
	*out = (uint32_t)size;
	return SVSM_OK;
}

enum svsm_err snp_cpuid(const struct snp_cpuid_table *t,
			const struct snp_cpuid_cpu *cpu, uint32_t leaf,
			uint32_t subleaf, uint32_t out[4])
{
	const struct snp_cpuid_fn *f = find(t, leaf, subleaf);

	memset(out, 0, 4 * sizeof(out[0]));
	if (f) {
		out[REG_EAX] = f->eax;
		out[REG_EBX] = f->ebx;
		out[REG_ECX] = f->ecx;
		out[REG_EDX] = f->edx;
	} else if (!in_range(t, leaf)) {
		return SVSM_OK;
	}

	switch (leaf) {
	case 0x1:
		out[REG_EBX] =
			(out[REG_EBX] & 0x00ffffffu) | (cpu->apic_id << 24);
		out[REG_ECX] &= ~(1u << 27);
		out[REG_ECX] |= cpu->osxsave ? 1u << 27 : 0;
		break;
	case 0x7:
		if (subleaf == 0) {
			out[REG_ECX] &= ~(1u << 4);
			out[REG_ECX] |= cpu->ospke ? 1u << 4 : 0;
		}
		break;
	case 0xb:
	case 0x1f:
		out[REG_EDX] = cpu->apic_id;
		break;
	case 0xd:
		if (subleaf == 0)
			return xsave_size(t, cpu->xcr0, false, &out[REG_EBX]);
		if (subleaf == 1)
			return xsave_size(t, cpu->xcr0 | cpu->xss, true,
					  &out[REG_EBX]);
		break;
	case 0x8000001e:
		out[REG_EAX] = cpu->apic_id;
		break;
	default:
		break;
	}
	return SVSM_OK;
}
