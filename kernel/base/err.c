/* SPDX-License-Identifier: MIT */
/* Names of the internal error codes, for log messages. */
#include "svsm/err.h"

const char *svsm_err_name(enum svsm_err err)
{
	switch (err) {
	case SVSM_OK:
		return "ok";
	case SVSM_E_INVAL:
		return "invalid argument";
	case SVSM_E_NOMEM:
		return "out of memory";
	case SVSM_E_FAULT:
		return "fault";
	case SVSM_E_BUSY:
		return "busy";
	case SVSM_E_UNSUPPORTED:
		return "unsupported";
	case SVSM_E_HW:
		return "hardware error";
	case SVSM_E_TIMEOUT:
		return "timeout";
	}
	return "unknown error";
}
