/* SPDX-License-Identifier: MIT */
/*
 * panic(): the SVSM's only way to give up. It prints the reason and asks
 * the platform to end the VM with CSVSM_EXIT_PANIC, so a test runner or an
 * operator sees a failure status, not a hang. A nested panic (a panic while
 * panicking) skips the message and terminates at once.
 */
#include "svsm/panic.h"

#include "svsm/log.h"
#include "svsm/plat/plat.h"

#include "abi/csvsm_boot.h"

static int panicking;

void panic(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL))
		plat_terminate(CSVSM_EXIT_PANIC);
	log_printf("\nPANIC: ");
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\ncsvsm: stopped\n");
	plat_terminate(CSVSM_EXIT_PANIC);
}
