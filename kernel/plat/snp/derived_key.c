/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP derived key as the store's key source (snp/derived_key.h).
 * The request is fixed by policy, below; docs/storage.md, "Keys", gives
 * the reasons and what a move to another host means.
 */
#define LOG_PREFIX "snp-key: "
#include "snp/derived_key.h"

#include "svsm/log.h"

#include "lib/bytes.h"
#include "lib/string.h"
#include "snp/crypto.h"

void snp_derived_key_request(struct snp_key_req *req)
{
	memset(req, 0, sizeof(*req));
	/*
	 * Root: the VCEK, chosen explicitly (KEY_SEL = VCEK) so that a VLEK
	 * the host installs or removes later cannot change the key. The
	 * VMRK needs a migration agent csvsm does not have.
	 */
	req->key_select = SNP_KEY_ROOT_VCEK | SNP_KEY_SEL_VCEK
						      << SNP_KEY_SEL_SHIFT;
	/*
	 * Mixed in: the guest policy (a debuggable VM gets another key),
	 * the family ID (csvsm's product line, from the ID block) and the
	 * guest SVN at the floor. Not the measurement nor the image ID,
	 * which change with every build, so an update of csvsm still opens
	 * the state; not the TCB, so a firmware update does not lose it.
	 */
	req->guest_field_select = SNP_KEY_FIELD_POLICY |
				  SNP_KEY_FIELD_FAMILY_ID |
				  SNP_KEY_FIELD_GUEST_SVN;
	req->vmpl = 0;
	req->guest_svn = SNP_STORE_SVN_FLOOR;
	req->tcb_version = 0;
}

enum svsm_err snp_derived_key_take(const struct snp_key_rsp *rsp,
				   uint8_t key[STORE_KEY_SIZE])
{
	static_assert(sizeof(rsp->key) == STORE_KEY_SIZE, "key size");

	if (rsp->status != 0) {
		log_error("the PSP refused the key request: status 0x%x",
			  (unsigned int)rsp->status);
		memset(key, 0, STORE_KEY_SIZE);
		return SVSM_E_HW;
	}
	if (!mem_is_zero(rsp->reserved, sizeof(rsp->reserved))) {
		log_error("MSG_KEY_RSP with reserved bytes set: key not taken");
		memset(key, 0, STORE_KEY_SIZE);
		return SVSM_E_HW;
	}
	memcpy(key, rsp->key, STORE_KEY_SIZE);
	return SVSM_OK;
}

static snp_key_exchange_fn exchange;

void snp_derived_key_set_exchange(snp_key_exchange_fn fn)
{
	exchange = fn;
}

static enum svsm_err derived_get(const struct store_key_source *src,
				 uint8_t key[STORE_KEY_SIZE])
{
	struct snp_key_req req;
	struct snp_key_rsp rsp;
	enum svsm_err err;

	(void)src;
	memset(key, 0, STORE_KEY_SIZE); /* no key unless the PSP gave one */
	if (!exchange)
		return SVSM_E_UNSUPPORTED;
	snp_derived_key_request(&req);
	memset(&rsp, 0, sizeof(rsp));
	err = exchange(&req, &rsp);
	if (err == SVSM_OK)
		err = snp_derived_key_take(&rsp, key);
	else
		log_error("no answer to the key request from the PSP");
	crypto_wipe(&rsp, sizeof(rsp));
	return err;
}

const struct store_key_source snp_derived_key_source = {
	.name = "the SNP derived key (VCEK, VMPL0)",
	.development = false,
	.get = derived_get,
};
