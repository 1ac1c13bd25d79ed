/* SPDX-License-Identifier: MIT */
/*
 * The vTPM on the wire: the SVSM vTPM protocol's calls and buffer layouts
 * (AMD 58019 rev 1.00, vTPM protocol, Tables 14-17), the few TPM 2.0
 * command and response fields the SVSM and the vTPM program read (TCG TPM
 * 2.0 Library, Part 1 §18 and Part 2), and the TCG EK templates (TCG EK
 * Credential Profile for TPM Family 2.0, "Template L-1" and "Template
 * L-2"). Shared by the SVSM's protocol handler and channel, the vTPM
 * program (user/vtpm), the model guest and the tests.
 *
 * Protocol fields are little endian (58019); TPM fields are big endian
 * (TCG Part 1 §18.2). Hosted and freestanding: only <stdint.h>.
 */
#pragma once

#include <stdint.h>

/* 58019, vTPM protocol (version 1) call ids (RAX[31:0]). */
#define SVSM_VTPM_QUERY 0u
#define SVSM_VTPM_CMD	1u

/*
 * 58019 Table 15: the platform command in the first u32 of the buffer;
 * the numbers are the Microsoft TPM simulator's ("MSSIM") platform
 * commands. Only TPM_SEND_COMMAND is implemented, as by Linux
 * (drivers/char/tpm/tpm_svsm.c) and OVMF, which use nothing else.
 */
#define VTPM_PLAT_SIGNAL_POWER_ON      1u
#define VTPM_PLAT_SIGNAL_POWER_OFF     2u
#define VTPM_PLAT_SIGNAL_PHYS_PRES_ON  3u
#define VTPM_PLAT_SIGNAL_PHYS_PRES_OFF 4u
#define VTPM_PLAT_SIGNAL_HASH_START    5u
#define VTPM_PLAT_SIGNAL_HASH_DATA     6u
#define VTPM_PLAT_SIGNAL_HASH_END      7u
#define VTPM_PLAT_SEND_COMMAND	       8u
#define VTPM_PLAT_SIGNAL_CANCEL_ON     9u
#define VTPM_PLAT_SIGNAL_CANCEL_OFF    10u
#define VTPM_PLAT_SIGNAL_NV_ON	       11u
#define VTPM_PLAT_SIGNAL_NV_OFF	       12u
#define VTPM_PLAT_SIGNAL_KEY_CACHE_ON  13u
#define VTPM_PLAT_SIGNAL_KEY_CACHE_OFF 14u
#define VTPM_PLAT_SIGNAL_RESET	       17u
#define VTPM_PLAT_SIGNAL_RESTART       18u
/* The largest number a MSSIM platform command has. */
#define VTPM_PLAT_MAX 18u
/* SVSM_VTPM_QUERY RCX: bit n set = platform command n supported. */
#define VTPM_QUERY_PLATFORM_CMDS (1ull << VTPM_PLAT_SEND_COMMAND)
/* SVSM_VTPM_QUERY RDX: features; none in version 1. */
#define VTPM_QUERY_FEATURES 0ull

/*
 * The request/response buffer RCX points to is at most one page (Linux
 * SVSM_VTPM_MAX_BUFFER, OVMF's one-page allocation). Table 16: u32
 * platform command, u8 locality, u32 command size (unaligned), the TPM
 * command. Table 17: u32 response size, the TPM response.
 */
#define VTPM_BUFFER_SIZE      4096u
#define VTPM_REQ_HDR_SIZE     9u
#define VTPM_REQ_OFF_LOCALITY 4u
#define VTPM_REQ_OFF_SIZE     5u
#define VTPM_RSP_HDR_SIZE     4u
#define VTPM_MAX_CMD_SIZE     (VTPM_BUFFER_SIZE - VTPM_REQ_HDR_SIZE) /* 4087 */
#define VTPM_MAX_RSP_SIZE     (VTPM_BUFFER_SIZE - VTPM_RSP_HDR_SIZE) /* 4092 */

/*
 * What the vTPM program advertises as TPM_PT_MAX_COMMAND_SIZE and
 * TPM_PT_MAX_RESPONSE_SIZE: one page less 128 bytes, the PC Client CRB
 * buffer size, inside both protocol limits above.
 */
#define VTPM_TPM_BUFFER_SIZE 3968u
_Static_assert(VTPM_TPM_BUFFER_SIZE <= VTPM_MAX_CMD_SIZE, "command limit");
_Static_assert(VTPM_TPM_BUFFER_SIZE <= VTPM_MAX_RSP_SIZE, "response limit");

/* TCG Part 1 §18.2: every command and response starts with tag, size, code. */
#define TPM_HDR_SIZE	   10u
#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_ST_SESSIONS	   0x8002u
/* TCG Part 2 §6.5.2: command codes. */
#define TPM_CC_EVICT_CONTROL  0x00000120u
#define TPM_CC_CREATE_PRIMARY 0x00000131u
#define TPM_CC_STARTUP	      0x00000144u
#define TPM_CC_SHUTDOWN	      0x00000145u
#define TPM_CC_FLUSH_CONTEXT  0x00000165u
#define TPM_CC_READ_PUBLIC    0x00000173u
#define TPM_CC_GET_RANDOM     0x0000017bu
#define TPM_CC_PCR_EXTEND     0x00000182u
/* TCG Part 2 §6.9: TPM_SU. */
#define TPM_SU_CLEAR 0x0000u
#define TPM_SU_STATE 0x0001u
/* TCG Part 2 §6.6: response codes. */
#define TPM_RC_SUCCESS	    0x000u
#define TPM_RC_INITIALIZE   0x100u
#define TPM_RC_FAILURE	    0x101u
#define TPM_RC_COMMAND_SIZE 0x142u
/* TCG Part 2 §7.4, §8: handles and the password session. */
#define TPM_RH_OWNER	   0x40000001u
#define TPM_RS_PW	   0x40000009u
#define TPM_RH_ENDORSEMENT 0x4000000bu

/*
 * The endorsement keys csvsm's vTPM manufactures (TCG EK Credential
 * Profile, §2.2.1.5 and its Templates L-1 and L-2): RSA 2048 and ECC
 * NIST P-256, persistent at the handles TCG's provisioning guidance names.
 */
#define VTPM_EK_RSA_HANDLE 0x81010001u
#define VTPM_EK_ECC_HANDLE 0x81010002u

/*
 * Both templates, marshalled as TPMT_PUBLIC (TCG Part 2 §12.2.4), big
 * endian: type, nameAlg SHA-256, objectAttributes 0x000300b2 (fixedTPM,
 * fixedParent, sensitiveDataOrigin, adminWithPolicy, restricted,
 * decrypt), authPolicy = PolicySecret(TPM_RH_ENDORSEMENT) ("PolicyA"),
 * AES-128-CFB symmetric, no scheme, then the key's parameters and an
 * all-zero unique field of the key's size.
 */
#define VTPM_EK_POLICY_A                                                    \
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc,   \
		0x8d, 0x46, 0xa5, 0xd7, 0x24, 0xfd, 0x52, 0xd7, 0x6e, 0x06, \
		0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, \
		0xaa
#define VTPM_EK_COMMON(type)                                                \
	0x00, (type), 0x00, 0x0b, 0x00, 0x03, 0x00, 0xb2, 0x00, 0x20,       \
		VTPM_EK_POLICY_A, 0x00, 0x06, 0x00, 0x80, 0x00, 0x43, 0x00, \
		0x10
/* The prefix of Template L-1 before its 256 zero bytes of unique.rsa. */
#define VTPM_EK_RSA_PREFIX \
	VTPM_EK_COMMON(0x01), 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00
#define VTPM_EK_RSA_PREFIX_SIZE 58u
#define VTPM_EK_RSA_UNIQUE_SIZE 256u
#define VTPM_EK_RSA_SIZE	(VTPM_EK_RSA_PREFIX_SIZE + VTPM_EK_RSA_UNIQUE_SIZE)
/*
 * Template L-2: curve NIST P-256, no KDF, then unique.ecc = two 32-byte
 * zero coordinates, each with its u16 size.
 */
#define VTPM_EK_ECC_PREFIX	VTPM_EK_COMMON(0x23), 0x00, 0x03, 0x00, 0x10
#define VTPM_EK_ECC_PREFIX_SIZE 54u
#define VTPM_EK_ECC_SIZE	(VTPM_EK_ECC_PREFIX_SIZE + 2u + 32u + 2u + 32u)

/* TCG Part 1 §18: big-endian fields of a TPM command or response. */
static inline uint32_t vtpm_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t vtpm_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void vtpm_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void vtpm_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* 58019 Tables 16-17: the little-endian u32 fields, at any alignment. */
static inline uint32_t vtpm_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static inline void vtpm_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
