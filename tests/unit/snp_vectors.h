/* SPDX-License-Identifier: MIT */
/*
 * What the SNP measurement tests share: the published vectors
 * (sev-snp-measure 0.0.13: its GCTX micro-vectors, tests/test_guest.py, and
 * what it prints for Debian's OVMF.fd), Debian's OVMF paths, and two
 * helpers defined in
 * snp_measure_test.c. The tests are split by subject: snp_measure_test.c
 * (PAGE_INFO chain, VMSAs), snp_ovmf_test.c (OVMF images),
 * snp_igvm_test.c (IGVM files).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE	  4096u
#define OVMF_FD	  "/usr/share/ovmf/OVMF.fd"
#define OVMF_4M	  "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define AP_EIP	  0x80b004u /* Debian OVMF.fd's SEV-ES reset block */
#define EPYC_V4	  0x800f12u
#define VMSA_GPA_ 0xFFFFFFFFF000ull

/* Computed with sev-snp-measure 0.0.13's GCTX (gctx.py), LD from zeros. */
#define LD_NORMAL_ZERO \
	"9d13634b6014bb21cf059b2dc694e7bff01a8a7137041100cd2b695f3d10fb687267b97808b27f8f471d943bc6f53a20"
#define LD_ZERO \
	"70c0ecaab9608f14ebf8ac6f0f07bcd8728f4e2ab30382b539b4de4de904ca9f8ebdf4b2cd3cd84dd996bd55dd794676"
#define LD_UNMEASURED \
	"81475a112c0223cebe1ccb31a0aa2567772871200b33515a3cbbd5ed6a68a8e630902dd83469ea6553554bfb67111fad"
#define LD_SECRETS_CPUID \
	"064437dca682d8e07f90f072239b2ede35643f69eb57bbfbe4c473b578a6d21fff2e3c5d73c5ec8045cd13590ed7872e"
#define LD_PATTERN \
	"79d7e453f7b541d04f7f51cccc6f4acca624b7a97430595dd7c98bd8c7a897656a91c611473f137680bd00e9e72e47c4"
#define SHA384_ZERO_PAGE \
	"c0e59a3e3ffbd3b5c75428fb36432facabc745944296ff515f737c4fef4efc64586809f7a16f56354a1eaecf2aa8d774"
#define VMSA_BSP_HASH \
	"77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b3856f55378e9518d0da99452d51c553a"
#define VMSA_AP_HASH \
	"8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe96222657e11e53fcf63eb0e0afd722385bf7b4"
/* sev-snp-measure 0.0.13 on Debian OVMF.fd (2022.11-6+deb12u2). */
#define LD_DEB_SNP \
	"11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3"
#define LD_DEB_HASH \
	"ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183bfbcd75c3e99b2f558575a5d0094f73c6"
#define LD_DEB_MILAN4 \
	"e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790db2d12a301d66d99a462a13b5d87e2840"

/* Compares 48 bytes with a hex string; prints both on a mismatch. */

/* True when ld (48 bytes) equals the hex string. */
bool ld_is(const uint8_t *ld, const char *hex);
/* A malloc'ed copy of src (at least one byte); NULL when out of memory. */
uint8_t *dup_bytes(const uint8_t *src, size_t len);
/* Fills p with a byte pattern derived from seed. */
void fill_pattern(uint8_t *p, size_t len, unsigned int seed);
