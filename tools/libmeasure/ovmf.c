/* SPDX-License-Identifier: MIT */
/*
 * TRUST: the image is an untrusted file. Its footer table lengths, the SEV
 * metadata offset, size and section count are all attacker-chosen; a hostile
 * value may only produce an error message, never a read outside
 * data[0..size). Every offset and length is checked against the image size
 * before use, sums go through __builtin_add_overflow, and multi-byte fields
 * are copied out with memcpy (the image may be unaligned).
 *
 * OVMF image parsing and the SEV-SNP flows built on it (sev-snp-measure 0.0.13,
 * sevsnpmeasure/guest.py, ovmf.h).
 * The footer GUID table is read backwards from its footer entry, like edk2
 * and QEMU do: each entry is {data, u16 length, GUID} and length covers the
 * whole entry.
 */
#include "ovmf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* EFI_GUID a-b-c-d0d1-d2..d7 in on-disk order: a, b, c little endian. */
#define GUID_BYTES(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                   \
	{                                                                     \
		(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, (a) >> 24, \
			(b)&0xff, (b) >> 8, (c)&0xff, (c) >> 8, d0, d1, d2,   \
			d3, d4, d5, d6, d7                                    \
	}

/*
 * edk2 OvmfPkg/ResetVector, sev-snp-measure ovmf.py (sev-snp-measure 0.0.13,
 * sevsnpmeasure/guest.py).
 */
const uint8_t ovmf_guid_table_footer[OVMF_GUID_SIZE] =
	GUID_BYTES(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5,
		   0x5a, 0x08, 0x2d);
const uint8_t ovmf_guid_sev_metadata[OVMF_GUID_SIZE] =
	GUID_BYTES(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7,
		   0xbf, 0x67, 0xcc);
const uint8_t ovmf_guid_sev_es_reset_block[OVMF_GUID_SIZE] =
	GUID_BYTES(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e,
		   0x2f, 0xb4, 0x4e);
const uint8_t ovmf_guid_sev_hash_table_rv[OVMF_GUID_SIZE] =
	GUID_BYTES(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef,
		   0xa8, 0xd4, 0x54);
/* COCONUT's SVSM binary: offset of its entry point (sev-snp-measure). */
const uint8_t ovmf_guid_svsm_info[OVMF_GUID_SIZE] =
	GUID_BYTES(0xa789a612, 0x0597, 0x4c4b, 0xa4, 0x9f, 0xcb, 0xb1, 0xfe,
		   0x9d, 0x1d, 0xdd);

/* QEMU target/i386/sev.c, sev_hashes.py: the SEV hashes table GUIDs. */
static const uint8_t guid_hash_table[OVMF_GUID_SIZE] =
	GUID_BYTES(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4,
		   0x11, 0xfd, 0x21);
static const uint8_t guid_hash_kernel[OVMF_GUID_SIZE] =
	GUID_BYTES(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72,
		   0xd2, 0x04, 0x5b);
static const uint8_t guid_hash_initrd[OVMF_GUID_SIZE] =
	GUID_BYTES(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91,
		   0x69, 0x78, 0x1d);
static const uint8_t guid_hash_cmdline[OVMF_GUID_SIZE] =
	GUID_BYTES(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d,
		   0x36, 0xab, 0x2a);

/*
 * sev-snp-measure 0.0.13, sevsnpmeasure/guest.py: the footer table ends 32
 * bytes before the end of the image.
 */
#define FOOTER_GAP 32u

/* edk2 OVMF footer table entry header, after the entry's data. */
struct table_entry_hdr {
	uint16_t size; /* data + this header */
	uint8_t guid[OVMF_GUID_SIZE];
} __attribute__((packed));
_Static_assert(sizeof(struct table_entry_hdr) == 18, "OVMF GUID table entry");

/* OvmfSevMetadata.asm: the header the SEV metadata GUID entry points at. */
struct sev_metadata_hdr {
	uint8_t signature[4]; /* "ASEV" */
	uint32_t size;	      /* header + sections */
	uint32_t version;     /* 1 */
	uint32_t num_items;
} __attribute__((packed));
_Static_assert(sizeof(struct sev_metadata_hdr) == 16, "OvmfSevMetadata");

#define HDR_LEN ((uint32_t)sizeof(struct table_entry_hdr))

/* One-line messages into err (util_errf). */
#define errf(err, ...) util_errf((err), OVMF_ERR_LEN, __VA_ARGS__)

static void guid_str(const uint8_t g[OVMF_GUID_SIZE], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

int ovmf_guid_parse(const char *s, uint8_t out[OVMF_GUID_SIZE])
{
	/* Text order of the 16 bytes: a (LE), b (LE), c (LE), d0..d7. */
	static const uint8_t pos[16] = {3, 2, 1,  0,  5,  4,  7,  6,
					8, 9, 10, 11, 12, 13, 14, 15};
	unsigned int b = 0;

	for (size_t i = 0; i < 36; i++) {
		unsigned int v;
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -1;
			continue;
		}
		if (c >= '0' && c <= '9')
			v = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned int)(c - 'A' + 10);
		else
			return -1;
		if (b % 2 == 0)
			out[pos[b / 2]] = (uint8_t)(v << 4);
		else
			out[pos[b / 2]] |= (uint8_t)v;
		b++;
	}
	return s[36] ? -1 : 0;
}

/*
 * Walks the (already bounded) table from its end; returns the data of the
 * first entry with guid, and counts the matches in *count.
 */
static const uint8_t *table_walk(const struct ovmf_image *img,
				 const uint8_t *guid, size_t *len,
				 unsigned int *count)
{
	const uint8_t *table = img->data + img->table_off;
	const uint8_t *found = NULL;
	size_t pos = img->table_len;
	struct table_entry_hdr h;

	*count = 0;
	while (img->has_table && pos >= HDR_LEN) {
		memcpy(&h, table + pos - HDR_LEN, HDR_LEN);
		if (h.size < HDR_LEN || h.size > pos)
			break; /* rejected by table_parse() */
		if (!memcmp(h.guid, guid, OVMF_GUID_SIZE) && !(*count)++) {
			found = table + pos - h.size;
			*len = h.size - HDR_LEN;
		}
		pos -= h.size;
	}
	return found;
}

const uint8_t *ovmf_find_guid_entry(const struct ovmf_image *img,
				    const uint8_t guid[OVMF_GUID_SIZE],
				    size_t *len)
{
	unsigned int count;
	size_t l = 0;
	const uint8_t *p = table_walk(img, guid, &l, &count);

	if (len)
		*len = p ? l : 0;
	return p;
}

/* The footer entry, then every entry: lengths inside the table, no dups. */
static int table_parse(struct ovmf_image *img, char *err)
{
	size_t footer = img->size - FOOTER_GAP - HDR_LEN;
	size_t pos, tlen;
	struct table_entry_hdr h;

	memcpy(&h, img->data + footer, HDR_LEN);
	if (memcmp(h.guid, ovmf_guid_table_footer, OVMF_GUID_SIZE) != 0)
		return 0; /* no table: not an error (sev-snp-measure) */
	if (h.size < HDR_LEN)
		return errf(
			err,
			"OVMF GUID table: footer length %u is below its %u-byte header",
			h.size, HDR_LEN);
	tlen = h.size - HDR_LEN;
	if (tlen > footer)
		return errf(
			err,
			"OVMF GUID table: length %u reaches before the start of the image",
			h.size);
	img->has_table = true;
	img->table_off = footer - tlen;
	img->table_len = tlen;
	/* Like QEMU, trailing bytes shorter than a header are ignored. */
	for (pos = tlen; pos >= HDR_LEN; pos -= h.size) {
		char g[37];
		unsigned int count;
		size_t l;

		memcpy(&h, img->data + img->table_off + pos - HDR_LEN, HDR_LEN);
		if (h.size < HDR_LEN || h.size > pos)
			return errf(
				err,
				"OVMF GUID table: entry at file offset 0x%zx has length %u (want %u..%zu)",
				img->table_off + pos - HDR_LEN, h.size, HDR_LEN,
				pos);
		table_walk(img, h.guid, &l, &count);
		guid_str(h.guid, g);
		if (count > 1)
			return errf(err,
				    "OVMF GUID table: GUID %s appears %u times",
				    g, count);
	}
	return 0;
}

static int sev_metadata_parse(struct ovmf_image *img, char *err)
{
	struct sev_metadata_hdr m;
	uint32_t off;
	size_t len, start;
	const uint8_t *e =
		ovmf_find_guid_entry(img, ovmf_guid_sev_metadata, &len);

	if (!e)
		return 0;
	if (len < sizeof(off))
		return errf(err,
			    "SEV metadata GUID entry holds %zu bytes, want 4",
			    len);
	memcpy(&off, e, sizeof(off));
	if (off < sizeof(m) || off > img->size)
		return errf(
			err,
			"SEV metadata offset 0x%x from the end is outside the %zu-byte image",
			off, img->size);
	start = img->size - off;
	memcpy(&m, img->data + start, sizeof(m));
	if (memcmp(m.signature, "ASEV", 4) != 0)
		return errf(
			err,
			"SEV metadata at 0x%zx: bad signature (want \"ASEV\")",
			start);
	if (m.version != 1)
		return errf(err, "SEV metadata at 0x%zx: version %u, want 1",
			    start, m.version);
	if (m.size < sizeof(m) || m.size > off)
		return errf(
			err,
			"SEV metadata at 0x%zx: size %u is outside [16, %u]",
			start, m.size, off);
	if (m.num_items >
	    (m.size - sizeof(m)) / sizeof(struct ovmf_sev_section))
		return errf(
			err,
			"SEV metadata at 0x%zx: %u sections do not fit in %u bytes",
			start, m.num_items, m.size);
	img->has_sev_metadata = true;
	img->sections_off = start + sizeof(m);
	img->section_count = m.num_items;
	return 0;
}

int ovmf_parse(const uint8_t *data, size_t size, uint64_t end_gpa,
	       struct ovmf_image *out, char err[OVMF_ERR_LEN])
{
	memset(out, 0, sizeof(*out));
	if (!data || !size || (size & SNP_PAGE_MASK))
		return errf(err,
			    "image size %zu is not a non-zero multiple of 4096",
			    size);
	if (end_gpa & SNP_PAGE_MASK)
		return errf(err, "image end address 0x%llx is not page aligned",
			    (unsigned long long)end_gpa);
	if (size > end_gpa)
		return errf(
			err,
			"image of %zu bytes does not fit below its end address 0x%llx",
			size, (unsigned long long)end_gpa);
	out->data = data;
	out->size = size;
	out->gpa = end_gpa - size;
	if (table_parse(out, err) || sev_metadata_parse(out, err)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

struct ovmf_sev_section ovmf_sev_section_get(const struct ovmf_image *img,
					     uint32_t i)
{
	struct ovmf_sev_section s = {0};

	if (img->has_sev_metadata && i < img->section_count)
		memcpy(&s,
		       img->data + img->sections_off + (size_t)i * sizeof(s),
		       sizeof(s));
	return s;
}

int ovmf_guid_entry_u32(const struct ovmf_image *img,
			const uint8_t guid[OVMF_GUID_SIZE], const char *what,
			uint32_t *out, char err[OVMF_ERR_LEN])
{
	size_t len;
	const uint8_t *e = ovmf_find_guid_entry(img, guid, &len);
	char g[37];

	guid_str(guid, g);
	if (!e)
		return errf(err, "no %s (GUID %s) in the image's GUID table",
			    what, g);
	if (len < sizeof(*out))
		return errf(err, "%s (GUID %s) holds %zu bytes, want 4", what,
			    g, len);
	memcpy(out, e, sizeof(*out));
	return 0;
}

int ovmf_sev_es_reset_eip(const struct ovmf_image *img, uint32_t *eip,
			  char err[OVMF_ERR_LEN])
{
	return ovmf_guid_entry_u32(img, ovmf_guid_sev_es_reset_block,
				   "SEV-ES reset block", eip, err);
}

bool ovmf_sev_hashes_supported(const struct ovmf_image *img)
{
	uint32_t gpa = 0;

	return !ovmf_guid_entry_u32(img, ovmf_guid_sev_hash_table_rv, "", &gpa,
				    NULL) &&
	       gpa != 0;
}

static void hash_entry(struct ovmf_sev_hash_entry *e, const uint8_t *guid,
		       const uint8_t *hash)
{
	memcpy(e->guid, guid, OVMF_GUID_SIZE);
	e->length = (uint16_t)sizeof(*e);
	memcpy(e->hash, hash, SNP_HASH256_SIZE);
}

void ovmf_sev_hash_table_build(const struct ovmf_sev_hashes *h,
			       uint8_t out[OVMF_SEV_HASH_TABLE_PADDED])
{
	struct ovmf_sev_hash_table t;

	memcpy(t.guid, guid_hash_table, OVMF_GUID_SIZE);
	t.length = (uint16_t)sizeof(t);
	hash_entry(&t.cmdline, guid_hash_cmdline, h->cmdline);
	hash_entry(&t.initrd, guid_hash_initrd, h->initrd);
	hash_entry(&t.kernel, guid_hash_kernel, h->kernel);
	memset(out, 0, OVMF_SEV_HASH_TABLE_PADDED);
	memcpy(out, &t, sizeof(t));
}

/*
 * ---- SEV-SNP launch flows (sev-snp-measure guest.py, sev-snp-measure 0.0.13,
 * sevsnpmeasure/guest.py) ----
 */

static int snp_fail(char *err, int rc, const char *what)
{
	return errf(err, "%s: %s", what, snp_strerror(rc));
}

/*
 * sev-snp-measure 0.0.13, sevsnpmeasure/guest.py: the KERNEL_HASHES page, table
 * at the hashes GPA's page offset.
 */
static int update_hashes_page(struct snp_ctx *ctx, const struct ovmf_image *img,
			      const struct ovmf_sev_hashes *hashes,
			      struct ovmf_sev_section s, char *err)
{
	uint8_t page[SNP_PAGE_SIZE] = {0};
	uint32_t gpa = 0;
	size_t off;
	int rc;

	if (s.size != SNP_PAGE_SIZE)
		return errf(
			err,
			"SEV metadata: KERNEL_HASHES section is 0x%x bytes, want 0x1000",
			s.size);
	if (ovmf_guid_entry_u32(img, ovmf_guid_sev_hash_table_rv,
				"SEV hashes table", &gpa, err))
		return -1;
	off = gpa & SNP_PAGE_MASK;
	if (off > SNP_PAGE_SIZE - OVMF_SEV_HASH_TABLE_PADDED)
		return errf(err,
			    "SEV hashes table at 0x%x crosses a page boundary",
			    gpa);
	ovmf_sev_hash_table_build(hashes, page + off);
	rc = snp_update_normal_pages(ctx, s.gpa, page, sizeof(page));
	return rc ? snp_fail(err, rc, "SEV hashes page") : 0;
}

static int update_section(struct snp_ctx *ctx, const struct ovmf_image *img,
			  const struct ovmf_sev_hashes *hashes,
			  enum vmsa_vmm_type vmm, struct ovmf_sev_section s,
			  char *err)
{
	int rc;

	/* Sections describe guest RAM below 4 GiB (gpa and size are u32). */
	if ((uint64_t)s.gpa + s.size > OVMF_FOUR_GB)
		return errf(
			err,
			"SEV metadata section type 0x%x at 0x%x, size 0x%x: ends above 4 GiB",
			s.type, s.gpa, s.size);
	switch (s.type) {
	case OVMF_SEV_SNP_SEC_MEM:
		rc = vmm == VMSA_VMM_GCE
			     ? snp_update_unmeasured_pages(ctx, s.gpa, s.size)
			     : snp_update_zero_pages(ctx, s.gpa, s.size);
		break;
	case OVMF_SEV_SNP_SECRETS:
		rc = snp_update_secrets_page(ctx, s.gpa);
		break;
	case OVMF_SEV_CPUID:
		/* EC2 adds the CPUID pages after every other section. */
		rc = vmm == VMSA_VMM_EC2 ? 0
					 : snp_update_cpuid_page(ctx, s.gpa);
		break;
	case OVMF_SEV_SNP_KERNEL_HASHES:
		if (hashes)
			return update_hashes_page(ctx, img, hashes, s, err);
		rc = snp_update_zero_pages(ctx, s.gpa, s.size);
		break;
	case OVMF_SEV_SVSM_CAA:
		rc = snp_update_zero_pages(ctx, s.gpa, s.size);
		break;
	default:
		return errf(err, "SEV metadata: unknown section type 0x%x",
			    s.type);
	}
	if (rc)
		return errf(
			err,
			"SEV metadata section type 0x%x at 0x%x, size 0x%x: %s",
			s.type, s.gpa, s.size, snp_strerror(rc));
	return 0;
}

int ovmf_snp_update_metadata(struct snp_ctx *ctx, const struct ovmf_image *img,
			     const struct ovmf_sev_hashes *hashes,
			     enum vmsa_vmm_type vmm, char err[OVMF_ERR_LEN])
{
	bool have_hashes_section = false;
	uint32_t n = img->has_sev_metadata ? img->section_count : 0;

	for (uint32_t i = 0; i < n; i++) {
		struct ovmf_sev_section s = ovmf_sev_section_get(img, i);

		have_hashes_section |= s.type == OVMF_SEV_SNP_KERNEL_HASHES;
		if (update_section(ctx, img, hashes, vmm, s, err))
			return -1;
	}
	for (uint32_t i = 0; vmm == VMSA_VMM_EC2 && i < n; i++) {
		struct ovmf_sev_section s = ovmf_sev_section_get(img, i);
		int rc = s.type == OVMF_SEV_CPUID
				 ? snp_update_cpuid_page(ctx, s.gpa)
				 : 0;

		if (rc)
			return snp_fail(err, rc, "CPUID page");
	}
	if (hashes && !have_hashes_section)
		return errf(
			err,
			"a kernel is given but the OVMF SEV metadata has no SNP_KERNEL_HASHES section");
	return 0;
}

int ovmf_snp_ovmf_hash(const struct ovmf_image *img, unsigned int threads,
		       uint8_t ld[SNP_LD_SIZE], char err[OVMF_ERR_LEN])
{
	struct snp_ctx ctx;
	int rc;

	snp_init(&ctx);
	ctx.threads = threads;
	rc = snp_update_normal_pages(&ctx, img->gpa, img->data, img->size);
	if (rc)
		return snp_fail(err, rc, "OVMF pages");
	memcpy(ld, ctx.ld, SNP_LD_SIZE);
	return 0;
}

/* vcpus VMSAs at SNP_LAUNCH_VMSA_GPA: bsp for vCPU 0, ap for the others. */
static int update_vmsas(struct snp_ctx *ctx, const struct ovmf_snp_opts *o,
			const uint8_t *bsp, const uint8_t *ap, char *err)
{
	for (unsigned int i = 0; i < o->vcpus; i++) {
		const uint8_t *page = i ? ap : bsp;
		int rc;

		if (o->vmsa_out && o->vmsa_out(o->vmsa_arg, i, page))
			return errf(err, "cannot write the VMSA of vCPU %u", i);
		rc = snp_update_vmsa_page(ctx, SNP_LAUNCH_VMSA_GPA, page);
		if (rc)
			return snp_fail(err, rc, "VMSA page");
	}
	return 0;
}

int ovmf_snp_measure(const struct ovmf_image *img,
		     const struct ovmf_snp_opts *o, uint8_t ld[SNP_LD_SIZE],
		     char err[OVMF_ERR_LEN])
{
	uint8_t bsp[VMSA_SIZE], ap[VMSA_SIZE];
	struct snp_ctx ctx;
	char g[37];
	uint32_t eip = 0;
	int rc;

	guid_str(ovmf_guid_sev_metadata, g);
	if (!img->has_sev_metadata)
		return errf(
			err,
			"the image has no SEV metadata (GUID %s): QEMU cannot launch it as an SEV-SNP guest",
			g);
	if (o->ovmf_hash)
		snp_init_seed(&ctx, o->ovmf_hash);
	else
		snp_init(&ctx);
	ctx.threads = o->threads;
	ctx.progress = o->progress;
	if (!o->ovmf_hash) {
		rc = snp_update_normal_pages(&ctx, img->gpa, img->data,
					     img->size);
		if (rc)
			return snp_fail(err, rc, "OVMF pages");
	}
	if (ovmf_snp_update_metadata(&ctx, img, o->hashes, o->vmm, err) ||
	    ovmf_sev_es_reset_eip(img, &eip, err))
		return -1;
	if (o->vcpus > 1 && !eip)
		return errf(err,
			    "the SEV-ES reset block gives AP entry point 0");
	if (vmsa_build(bsp, o->vmm, VMSA_BSP_EIP, o->vcpu_sig,
		       o->guest_features) ||
	    vmsa_build(ap, o->vmm, eip, o->vcpu_sig, o->guest_features))
		return errf(err, "unknown VMM type %d", (int)o->vmm);
	if (update_vmsas(&ctx, o, bsp, ap, err))
		return -1;
	memcpy(ld, ctx.ld, SNP_LD_SIZE);
	return 0;
}

int ovmf_snp_svsm_measure(const struct ovmf_image *ovmf,
			  const struct ovmf_image *svsm,
			  const struct ovmf_snp_opts *o,
			  uint8_t ld[SNP_LD_SIZE], char err[OVMF_ERR_LEN])
{
	uint8_t vmsa[VMSA_SIZE];
	struct snp_ctx ctx;
	uint32_t entry = 0;
	int rc;

	if (o->ovmf_hash || o->hashes)
		return errf(err, "snp:svsm takes no OVMF hash and no kernel");
	if (o->vmm != VMSA_VMM_QEMU)
		return errf(err, "snp:svsm is only defined for QEMU");
	if (ovmf_guid_entry_u32(svsm, ovmf_guid_svsm_info, "SVSM info entry",
				&entry, err))
		return -1;
	snp_init(&ctx);
	ctx.threads = o->threads;
	ctx.progress = o->progress;
	rc = snp_update_normal_pages(&ctx, ovmf->gpa, ovmf->data, ovmf->size);
	if (!rc)
		rc = snp_update_normal_pages(&ctx, svsm->gpa, svsm->data,
					     svsm->size);
	if (rc)
		return snp_fail(err, rc, "OVMF and SVSM pages");
	if (ovmf_snp_update_metadata(&ctx, svsm, NULL, VMSA_VMM_QEMU, err))
		return -1;
	/* Every vCPU, the BSP included, starts at the SVSM entry point. */
	vmsa_build_svsm(vmsa, svsm->gpa + entry, o->vcpu_sig,
			o->guest_features);
	if (update_vmsas(&ctx, o, vmsa, vmsa, err))
		return -1;
	memcpy(ld, ctx.ld, SNP_LD_SIZE);
	return 0;
}
