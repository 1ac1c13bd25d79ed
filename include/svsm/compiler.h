/* SPDX-License-Identifier: MIT */
/*
 * Compiler attributes and small helpers used everywhere in the kernel.
 * gcc 12 and clang 14 lack the C23 static_assert keyword, hence the alias.
 */
#pragma once

#define static_assert _Static_assert
#define __must_check	 __attribute__((warn_unused_result))
#define __noreturn	 __attribute__((noreturn))
#define __packed	 __attribute__((packed))
#define __aligned(x)	 __attribute__((aligned(x)))
#define __section(s)	 __attribute__((section(s)))
#define __printf(a, b)	 __attribute__((format(printf, a, b)))
#define __unused	 __attribute__((unused))
#define __no_stack_prot	 __attribute__((no_stack_protector))
#define likely(x)	 __builtin_expect(!!(x), 1)
#define unlikely(x)	 __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)

#define PAGE_SIZE  4096ul
#define PAGE_SHIFT 12

/*
 * Pointer annotations for memory the SVSM does not own. In the clang
 * address-space check build (make lint) they become address spaces with
 * noderef, so a plain dereference or memcpy of such a pointer is an error.
 */
#ifdef SVSM_CHECK_AS
#define __guest	 __attribute__((noderef, address_space(1)))
#define __shared __attribute__((noderef, address_space(2)))
#define __user	 __attribute__((noderef, address_space(3)))
#else
#define __user
#define __guest
#define __shared
#endif
