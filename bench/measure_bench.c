/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (not a test) of SEV-SNP launch-digest speed over a 256 MiB
 * image of NORMAL pages (the PAGE_INFO chain of AMD 56860, Table 67, is
 * serial; only the page hashes can run in parallel):
 *   (a) OpenSSL SHA-384 of 4 KiB blocks on one core: one core's limit;
 *   (b) snp_update_normal_pages(), one worker per online CPU;
 *   (c) the same forced to one thread.
 * The chain itself is serial; only the page hashes run in parallel, so (b)
 * can beat (a) only by hashing on several cores. Prints MB/s (10^6 bytes)
 * and the ratios measured in this run, best of 3; never fails on timing.
 *
 * Build and run:
 *   mkdir -p out/bench && gcc -std=gnu11 -O2 -Iinclude -Itools/libmeasure \
 *     -o out/bench/measure_bench bench/measure_bench.c \
 *     tools/libmeasure/snp.c -lcrypto -lpthread && out/bench/measure_bench
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snp.h"

#define IMAGE_BYTES (256u << 20)
#define RUNS	    3

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* (a): one context, one core, 4 KiB per digest. */
static double sha384_single_core(const uint8_t *data, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t out[SNP_LD_SIZE];
	double t0 = now();

	if (!ctx)
		return -1;
	for (size_t off = 0; off < len; off += SNP_PAGE_SIZE) {
		if (EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, data + off, SNP_PAGE_SIZE) != 1 ||
		    EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
			EVP_MD_CTX_free(ctx);
			return -1;
		}
	}
	EVP_MD_CTX_free(ctx);
	return now() - t0;
}

/* (b), (c): the launch digest of the whole image at 4 GiB - len. */
static double snp_pages(const uint8_t *data, size_t len, unsigned int threads,
			uint8_t ld[SNP_LD_SIZE])
{
	struct snp_ctx ctx;
	double t0;

	snp_init(&ctx);
	ctx.threads = threads;
	t0 = now();
	if (snp_update_normal_pages(&ctx, 0x100000000ull - len, data, len))
		return -1;
	memcpy(ld, ctx.ld, SNP_LD_SIZE);
	return now() - t0;
}

static double mbps(size_t len, double secs)
{
	return secs > 0 ? (double)len / secs / 1e6 : 0;
}

int main(void)
{
	uint8_t *data = malloc(IMAGE_BYTES);
	uint8_t ld_par[SNP_LD_SIZE], ld_one[SNP_LD_SIZE];
	double a = 1e9, b = 1e9, c = 1e9;

	if (!data) {
		fprintf(stderr, "measure_bench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < IMAGE_BYTES; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	for (int r = 0; r < RUNS; r++) {
		double ta = sha384_single_core(data, IMAGE_BYTES);
		double tb = snp_pages(data, IMAGE_BYTES, 0, ld_par);
		double tc = snp_pages(data, IMAGE_BYTES, 1, ld_one);

		if (ta < 0 || tb < 0 || tc < 0) {
			fprintf(stderr, "measure_bench: hashing failed\n");
			free(data);
			return 1;
		}
		a = ta < a ? ta : a;
		b = tb < b ? tb : b;
		c = tc < c ? tc : c;
	}
	printf("SNP launch digest, %u MiB of NORMAL pages, %u online CPUs, best of %d\n",
	       IMAGE_BYTES >> 20, snp_online_cpus(), RUNS);
	printf("%-44s %8s %9s\n", "case", "seconds", "MB/s");
	printf("%-44s %8.3f %9.0f\n",
	       "(a) OpenSSL SHA-384, 4 KiB blocks, 1 core", a,
	       mbps(IMAGE_BYTES, a));
	printf("%-44s %8.3f %9.0f\n", "(b) snp_update_normal_pages, all CPUs",
	       b, mbps(IMAGE_BYTES, b));
	printf("%-44s %8.3f %9.0f\n", "(c) snp_update_normal_pages, 1 thread",
	       c, mbps(IMAGE_BYTES, c));
	printf("ratio (b)/(a) %.2f   (c)/(a) %.2f   (b)/(c) %.2f\n",
	       mbps(IMAGE_BYTES, b) / mbps(IMAGE_BYTES, a),
	       mbps(IMAGE_BYTES, c) / mbps(IMAGE_BYTES, a),
	       mbps(IMAGE_BYTES, b) / mbps(IMAGE_BYTES, c));
	printf("digests of (b) and (c) %s\n",
	       memcmp(ld_par, ld_one, SNP_LD_SIZE) ? "DIFFER" : "agree");
	free(data);
	return 0;
}
