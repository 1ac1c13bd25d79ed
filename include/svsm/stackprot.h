/* SPDX-License-Identifier: MIT */
/* The stack-protector guard: seeded from hardware randomness at entry. */
#pragma once

#include <stdbool.h>

#include "svsm/compiler.h"

/* Called from entry.S before any protected function; do not call again. */
void stackprot_init(void);
/* True when the guard came from RDSEED/RDRAND. */
bool stackprot_seeded(void);
