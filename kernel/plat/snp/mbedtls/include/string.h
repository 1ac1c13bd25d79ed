/* SPDX-License-Identifier: MIT */
/* <string.h> for the mbedTLS sources in the kernel: lib/'s functions. */
#pragma once

#include "lib/string.h"
