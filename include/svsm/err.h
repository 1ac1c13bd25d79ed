/* SPDX-License-Identifier: MIT */
/*
 * The one internal error enum. Fallible functions return it and are marked
 * __must_check. Protocol result codes are produced from it in one place only
 * (the protocol dispatcher), never elsewhere.
 */
#pragma once

enum svsm_err {
	SVSM_OK = 0,
	SVSM_E_INVAL,	    /* malformed or out-of-range input */
	SVSM_E_NOMEM,	    /* out of memory */
	SVSM_E_FAULT,	    /* an access to memory faulted */
	SVSM_E_BUSY,	    /* resource in use */
	SVSM_E_UNSUPPORTED, /* valid request the SVSM does not implement */
	SVSM_E_HW,	    /* the hardware or the host reported an error */
	SVSM_E_TIMEOUT,	    /* something did not happen in time */
};

const char *svsm_err_name(enum svsm_err err);
