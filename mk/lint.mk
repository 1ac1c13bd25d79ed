# SPDX-License-Identifier: MIT
#
# `make lint`: formatting (clang-format), clang-tidy, the clang
# address-space check of __guest/__shared pointers, and the count of
# undocumented unsafe sites (scripts/unsafe_sites.py). `make format` fixes
# formatting in place.

LINT_C_FILES := $(shell git ls-files '*.c' '*.h' 2>/dev/null)
# The SEV-SNP platform and the protocols are not linked into the native
# kernel yet; lint them with the kernel's flags all the same (not the
# mbedTLS wrapper, which needs mbedTLS's headers).
SNP_LINT_SRCS := $(filter-out kernel/plat/snp/crypto_mbedtls.c,\
	$(wildcard kernel/plat/snp/*.c)) $(wildcard kernel/protocols/*.c) \
	kernel/arch/x86_64/snp.c kernel/arch/x86_64/ghcb.c kernel/arch/x86_64/snp_cpu.c \
	$(filter-out kernel/attest/kbs_crypto.c,$(wildcard kernel/attest/*.c))
TIDY_KERNEL_SRCS := $(filter %.c,$(KERNEL_SRCS) $(KERNEL_PROD_SRCS)) \
	$(SNP_LINT_SRCS)
TIDY_HOST_SRCS := $(LIBIGVM_SRCS) $(TOOLS_COMMON_SRCS) $(CSVSM_IGVM_SRCS) \
	$(CSVSM_RUN_SRCS) $(LIBMEASURE_SRCS) $(CSVSM_SNP_MEASURE_SRCS) \
	$(CSVSM_VSOCKD_SRCS) $(CSVSM_APROXY_SRCS) \
	$(CSVSM_MSSIM_SRCS)
# clang-tidy parses with clang: drop the gcc-only kernel flags. The rooms'
# private include paths are given to every file here; the build itself
# gives each room only its own (mk/kernel.mk).
TIDY_KERNEL_FLAGS := $(filter-out -Wstack-usage=% -ftrivial-auto-var-init=% -fno-tree-loop-distribute-patterns -MMD -MP,$(KERNEL_CFLAGS)) \
	$(X86_INC) -Ikernel/plat/snp/include

# Comments cite documents a reader of the repository can find
# (docs/references.md), never notes outside it.
CITE_PATTERN := ref §|shared/(reference|design)|reference/[a-z-]+\.md

# The generated headers come first, so that lint works on a fresh clone.
lint: deps $(KERNEL_GEN_HEADERS)
	@echo "  CITE    no citations of notes outside the repository"
	$(Q)if git grep -nE '$(CITE_PATTERN)' -- ':!mk/lint.mk'; then \
		echo "cite the primary document instead (docs/references.md)"; \
		exit 1; fi
	@echo "  LAYERS  no #include \"../ in kernel, lib, sim"
	$(Q)if git grep -n '#include "\.\./' -- kernel lib sim include; then \
		echo "use the room's include path instead"; exit 1; fi
	@echo "  FORMAT  (clang-format --dry-run)"
	$(Q)clang-format --dry-run -Werror $(LINT_C_FILES)
	@echo "  TIDY    kernel"
	$(Q)clang-tidy --quiet $(TIDY_KERNEL_SRCS) -- $(TIDY_KERNEL_FLAGS) 2>&1 | \
		grep -v '^[0-9]* warnings generated' ; test $${PIPESTATUS[0]} -eq 0
	@echo "  TIDY    tools"
	$(Q)clang-tidy --quiet $(TIDY_HOST_SRCS) -- $(HOST_CFLAGS) -Itools/csvsm-run \
		-Itools/csvsm-vsockd -Itools/csvsm-aproxy -Itools/csvsm-mssim 2>&1 | \
		grep -v '^[0-9]* warnings generated' ; test $${PIPESTATUS[0]} -eq 0
	@echo "  CHECKAS kernel (__guest/__shared)"
	$(Q)for f in $(TIDY_KERNEL_SRCS); do \
		$(CLANG) -fsyntax-only -DSVSM_CHECK_AS -Werror=noderef \
		$(TIDY_KERNEL_FLAGS) $$f || exit 1; done
	$(Q)if $(CLANG) -fsyntax-only -DSVSM_CHECK_AS -Werror=noderef \
		$(TIDY_KERNEL_FLAGS) tests/lint/guest_deref.c 2>/dev/null; then \
		echo "the address-space check accepted tests/lint/guest_deref.c"; \
		exit 1; fi
	@echo "  UNSAFE  undocumented unsafe sites"
	$(Q)$(PYTHON) scripts/unsafe_sites.py

format:
	clang-format -i $(LINT_C_FILES)
