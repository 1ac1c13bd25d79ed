/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch digest chain (AMD 56860, Table 67 (PAGE_INFO)) on
 * OpenSSL's EVP SHA-384.
 * Each PAGE_INFO step depends on the previous LD, so the chain is serial;
 * what can run in parallel is the SHA-384 of each NORMAL page's contents,
 * which is also where nearly all the time goes (4 KiB hashed per page
 * against 0x70 bytes for the step). snp_update_normal_pages() therefore
 * works in rounds: split a round's pages into one contiguous share per
 * worker, hash the shares into an array of 48-byte digests on all workers
 * (the calling thread is one of them), then chain the array serially.
 */
#include "snp.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Pages per round: 16 MiB of data, 192 KiB of digests. */
#define ROUND_PAGES 4096u
/* Below this many pages per worker a thread costs more than it saves. */
#define MIN_PAGES_PER_WORKER 32u
#define MAX_WORKERS	     64u

/* A reusable SHA-384 context: one per thread, never shared. */
struct hasher {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

static int hasher_digest(struct hasher *h, const void *data, size_t len,
			 uint8_t out[SNP_LD_SIZE])
{
	unsigned int n = 0;

	if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1 ||
	    EVP_DigestUpdate(h->ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(h->ctx, out, &n) != 1 || n != SNP_LD_SIZE)
		return SNP_ERR_CRYPTO;
	return 0;
}

/*
 * An explicitly fetched SHA-384 (OpenSSL 3) skips the per-init provider
 * lookup that EVP_sha384() costs; EVP_MD objects may be used from many
 * threads at once.
 */
static const EVP_MD *sha384_fetch(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	return EVP_MD_fetch(NULL, "SHA384", NULL);
#else
	return EVP_sha384();
#endif
}

static void sha384_release(const EVP_MD *md)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free((EVP_MD *)md);
#else
	(void)md;
#endif
}

int snp_sha384(const void *data, size_t len, uint8_t out[SNP_LD_SIZE])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha384(), NULL) != 1 ||
	    n != SNP_LD_SIZE)
		return SNP_ERR_CRYPTO;
	return 0;
}

int snp_sha256(const void *data, size_t len, uint8_t out[SNP_HASH256_SIZE])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != SNP_HASH256_SIZE)
		return SNP_ERR_CRYPTO;
	return 0;
}

void snp_init(struct snp_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void snp_init_seed(struct snp_ctx *ctx, const uint8_t seed[SNP_LD_SIZE])
{
	snp_init(ctx);
	memcpy(ctx->ld, seed, SNP_LD_SIZE);
}

/*
 * AMD 56860, Table 67 (PAGE_INFO): the PAGE_INFO for one step; KVM passes IMI 0
 * and VMPL perms 0.
 */
static void page_info_fill(struct snp_page_info *pi, const uint8_t *ld,
			   uint64_t gpa, enum snp_page_type type,
			   const uint8_t *contents)
{
	memset(pi, 0, sizeof(*pi));
	memcpy(pi->digest_cur, ld, SNP_LD_SIZE);
	if (contents)
		memcpy(pi->contents, contents, SNP_LD_SIZE);
	pi->length = (uint16_t)sizeof(*pi);
	pi->page_type = (uint8_t)type;
	pi->gpa = gpa; /* the host is little endian, as PAGE_INFO */
}

static bool valid_type(enum snp_page_type type)
{
	return type >= SNP_PAGE_TYPE_NORMAL && type <= SNP_PAGE_TYPE_CPUID;
}

int snp_update(struct snp_ctx *ctx, uint64_t gpa, enum snp_page_type type,
	       const uint8_t contents[SNP_LD_SIZE])
{
	struct snp_page_info pi;

	if ((gpa & SNP_PAGE_MASK) || !valid_type(type))
		return SNP_ERR_ARG;
	page_info_fill(&pi, ctx->ld, gpa, type, contents);
	return snp_sha384(&pi, sizeof(pi), ctx->ld);
}

int snp_update_normal_page(struct snp_ctx *ctx, uint64_t gpa,
			   const uint8_t page[SNP_PAGE_SIZE])
{
	uint8_t h[SNP_LD_SIZE];
	int rc = snp_sha384(page, SNP_PAGE_SIZE, h);

	return rc ? rc : snp_update(ctx, gpa, SNP_PAGE_TYPE_NORMAL, h);
}

int snp_update_vmsa_page(struct snp_ctx *ctx, uint64_t gpa,
			 const uint8_t page[SNP_PAGE_SIZE])
{
	uint8_t h[SNP_LD_SIZE];
	int rc = snp_sha384(page, SNP_PAGE_SIZE, h);

	return rc ? rc : snp_update(ctx, gpa, SNP_PAGE_TYPE_VMSA, h);
}

/* A range of len bytes at gpa: page aligned, whole pages, no wrap. */
static bool range_ok(uint64_t gpa, uint64_t len)
{
	uint64_t end;

	return !(gpa & SNP_PAGE_MASK) && !(len & SNP_PAGE_MASK) &&
	       !__builtin_add_overflow(gpa, len, &end);
}

/*
 * The serial part: one PAGE_INFO step per page with one reused context;
 * digests NULL means contents-less pages (all-zero CONTENTS).
 */
static int chain(struct snp_ctx *ctx, struct hasher *h, uint64_t gpa,
		 enum snp_page_type type, const uint8_t *digests,
		 uint64_t pages)
{
	struct snp_page_info pi;

	for (uint64_t i = 0; i < pages; i++) {
		int rc;

		page_info_fill(&pi, ctx->ld, gpa + i * SNP_PAGE_SIZE, type,
			       digests ? digests + i * SNP_LD_SIZE : NULL);
		rc = hasher_digest(h, &pi, sizeof(pi), ctx->ld);
		if (rc)
			return rc;
	}
	return 0;
}

static int hasher_open(struct hasher *h)
{
	h->ctx = EVP_MD_CTX_new();
	h->md = sha384_fetch();
	if (!h->md)
		return SNP_ERR_CRYPTO;
	return h->ctx ? 0 : SNP_ERR_NOMEM;
}

static void hasher_close(struct hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	if (h->md)
		sha384_release(h->md);
}

static int update_empty_pages(struct snp_ctx *ctx, uint64_t gpa, uint64_t len,
			      enum snp_page_type type)
{
	struct hasher h = {0};
	int rc;

	if (!range_ok(gpa, len))
		return SNP_ERR_ARG;
	if (!len)
		return 0;
	rc = hasher_open(&h);
	if (!rc)
		rc = chain(ctx, &h, gpa, type, NULL, len / SNP_PAGE_SIZE);
	hasher_close(&h);
	return rc;
}

int snp_update_zero_pages(struct snp_ctx *ctx, uint64_t gpa, uint64_t len)
{
	return update_empty_pages(ctx, gpa, len, SNP_PAGE_TYPE_ZERO);
}

int snp_update_unmeasured_pages(struct snp_ctx *ctx, uint64_t gpa, uint64_t len)
{
	return update_empty_pages(ctx, gpa, len, SNP_PAGE_TYPE_UNMEASURED);
}

int snp_update_secrets_page(struct snp_ctx *ctx, uint64_t gpa)
{
	return snp_update(ctx, gpa, SNP_PAGE_TYPE_SECRETS, NULL);
}

int snp_update_cpuid_page(struct snp_ctx *ctx, uint64_t gpa)
{
	return snp_update(ctx, gpa, SNP_PAGE_TYPE_CPUID, NULL);
}

unsigned int snp_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > (long)MAX_WORKERS ? MAX_WORKERS : (unsigned int)n;
}

/* One worker's contiguous share of a round. */
struct share {
	pthread_t tid;
	const uint8_t *data;
	size_t pages;
	uint8_t *digests; /* pages * SNP_LD_SIZE */
	const EVP_MD *md;
	int rc;
};

static void *hash_share(void *arg)
{
	struct share *s = arg;
	struct hasher h = {.ctx = EVP_MD_CTX_new(), .md = s->md};

	s->rc = h.ctx ? 0 : SNP_ERR_NOMEM;
	for (size_t i = 0; i < s->pages && !s->rc; i++)
		s->rc = hasher_digest(&h, s->data + i * SNP_PAGE_SIZE,
				      SNP_PAGE_SIZE,
				      s->digests + i * SNP_LD_SIZE);
	EVP_MD_CTX_free(h.ctx);
	return NULL;
}

/*
 * Hashes pages pages of data into digests on up to workers threads, the
 * caller's included. Shares are contiguous so each thread streams its own
 * memory.
 */
/* NOLINTNEXTLINE(readability-non-const-parameter): written via sh[i] */
static int hash_round(const uint8_t *data, size_t pages, uint8_t *digests,
		      unsigned int workers, const EVP_MD *md)
{
	struct share sh[MAX_WORKERS];
	unsigned int n = workers;
	unsigned int started = 1;
	size_t per, done = 0;
	int rc = 0;

	if (pages / MIN_PAGES_PER_WORKER < n)
		n = (unsigned int)(pages / MIN_PAGES_PER_WORKER);
	if (n < 1)
		n = 1;
	per = pages / n;
	for (unsigned int i = 0; i < n; i++) {
		size_t cnt = per + (i < pages % n);

		sh[i] = (struct share){
			.data = data + done * SNP_PAGE_SIZE,
			.pages = cnt,
			.digests = digests + done * SNP_LD_SIZE,
			.md = md,
		};
		done += cnt;
	}
	for (; started < n; started++)
		if (pthread_create(&sh[started].tid, NULL, hash_share,
				   &sh[started]) != 0)
			break;
	/* Threads that did not start are hashed here: slower, not wrong. */
	for (unsigned int i = started; i < n; i++)
		hash_share(&sh[i]);
	hash_share(&sh[0]);
	for (unsigned int i = 1; i < started; i++)
		pthread_join(sh[i].tid, NULL);
	for (unsigned int i = 0; i < n && !rc; i++)
		rc = sh[i].rc;
	return rc;
}

int snp_update_normal_pages(struct snp_ctx *ctx, uint64_t gpa,
			    const uint8_t *data, size_t len)
{
	size_t total = len / SNP_PAGE_SIZE;
	size_t round = total < ROUND_PAGES ? total : ROUND_PAGES;
	unsigned int workers = ctx->threads ? ctx->threads : snp_online_cpus();
	struct hasher h = {0};
	uint8_t *digests;
	int rc = 0;

	if (!range_ok(gpa, len) || (len && !data))
		return SNP_ERR_ARG;
	if (!total)
		return 0;
	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	digests = malloc(round * SNP_LD_SIZE);
	rc = digests ? hasher_open(&h) : SNP_ERR_NOMEM;
	for (size_t p = 0; p < total && !rc; p += round) {
		size_t n = total - p < round ? total - p : round;

		rc = hash_round(data + p * SNP_PAGE_SIZE, n, digests, workers,
				h.md);
		if (!rc)
			rc = chain(ctx, &h, gpa + p * SNP_PAGE_SIZE,
				   SNP_PAGE_TYPE_NORMAL, digests, n);
		if (!rc && ctx->progress.fn)
			ctx->progress.fn(ctx->progress.arg, n);
	}
	hasher_close(&h);
	free(digests);
	return rc;
}

const char *snp_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case SNP_ERR_ARG:
		return "GPA or length not page aligned, or GPA range overflows";
	case SNP_ERR_CRYPTO:
		return "OpenSSL SHA-384 failed";
	case SNP_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}
