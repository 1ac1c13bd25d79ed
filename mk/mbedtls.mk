# SPDX-License-Identifier: MIT
#
# mbedTLS in the kernel: the few modules the SNP platform's crypto needs
# (kernel/plat/snp/mbedtls/mbedtls_config.h), compiled from Debian's source
# package with the kernel's code-generation flags (no SSE, no red zone,
# -mcmodel=kernel, stack protector) and freestanding shims for the three
# libc headers they include. Warnings are the library's business: they are
# not the kernel's -Werror. The hosted tests link Debian's libmbedcrypto.

MBEDTLS_SRC ?= .deps/mbedtls
MBEDTLS_MODULES := aes gcm cipher cipher_wrap sha512 md hkdf platform_util
# The key-broker client (kernel/attest/kbs_crypto.c): P-256 ECDH and
# ECDSA, SHA-256, AES key wrap.
MBEDTLS_MODULES += bignum ecp ecp_curves ecdh ecdsa asn1parse asn1write \
	sha256 nist_kw constant_time
MBEDTLS_LIB_SRCS := $(patsubst %,$(MBEDTLS_SRC)/library/%.c,$(MBEDTLS_MODULES))
MBEDTLS_INC := -Ikernel/plat/snp/mbedtls/include -Ikernel/plat/snp/mbedtls \
	-I$(MBEDTLS_SRC)/include -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'
MBEDTLS_CFLAGS := $(filter-out -W% -Werror -MMD -MP,$(KERNEL_CFLAGS)) -w \
	$(MBEDTLS_INC)
MBEDTLS_OBJS := $(patsubst %,$(O)/mbedtls-obj/%.o,$(MBEDTLS_MODULES))

# The SVSM's side: its crypto interface on mbedTLS, and the heap glue.
KERNEL_CRYPTO_SRCS := kernel/plat/snp/crypto_mbedtls.c \
	kernel/plat/snp/mbedtls/mbedtls_glue.c
$(O)/kernel-obj/kernel/plat/snp/%: KERNEL_ROOM_INC := \
	-Ikernel/plat/snp/include $(MBEDTLS_INC)

$(MBEDTLS_LIB_SRCS) $(MBEDTLS_SRC)/include/mbedtls/gcm.h &:
	$(Q)scripts/fetch_mbedtls.sh $(MBEDTLS_SRC)

$(O)/mbedtls-obj/%.o: $(MBEDTLS_SRC)/library/%.c \
		kernel/plat/snp/mbedtls/mbedtls_config.h
	@mkdir -p $(dir $@)
	@echo "  MBEDTLS $<"
	$(Q)$(KCC) $(MBEDTLS_CFLAGS) -c -o $@ $<

$(call kobj,$(KERNEL_CRYPTO_SRCS)): $(MBEDTLS_SRC)/include/mbedtls/gcm.h

# The SEV-SNP kernel links the crypto with its platform.
$(KERNEL_SNP_ELF): $(MBEDTLS_OBJS)
# The key-broker client (docs/attestation-proxy.md), without its
# platform parts: kbs_native.c for the native kernels, kbs_snp.c (the SNP
# report and derived key) for the SEV-SNP kernel. Every kernel chooses
# the store's key at boot (kernel/core/store_boot.c) and links it.
KERNEL_KBS_SRCS := $(filter-out kernel/attest/kbs_snp.c \
	kernel/attest/kbs_native.c,$(wildcard kernel/attest/*.c)) \
	kernel/attest/kbs_native.c
KERNEL_KBS_SNP_SRCS := $(filter-out kernel/attest/kbs_native.c,\
	$(KERNEL_KBS_SRCS)) kernel/attest/kbs_snp.c
$(O)/kernel-obj/kernel/attest/%: KERNEL_ROOM_INC := $(MBEDTLS_INC)
$(call kobj,$(KERNEL_KBS_SNP_SRCS)): $(MBEDTLS_SRC)/include/mbedtls/gcm.h
$(KERNEL_SNP_ELF): $(call kobj,$(KERNEL_KBS_SNP_SRCS))
$(call kobj,kernel/attest/kbs_snp.c): KERNEL_ROOM_INC := $(MBEDTLS_INC) \
	-Ikernel/plat/snp/include
# Its in-kernel known-answer tests include the client's own header.
$(O)/kernel-obj/tests/svsm/kbs_test.c.o: KERNEL_ROOM_INC := -Itests/harness \
	$(X86_INC) -Ikernel/plat/snp/include -Ikernel/attest

# Every image carries the crypto: the persistent store (kernel/store) uses
# it on every platform; the test image proves it with known-answer tests
# inside the kernel (tests/svsm/crypto_test.c).
$(KERNEL_ELF): $(call kobj,$(KERNEL_CRYPTO_SRCS) $(KERNEL_KBS_SRCS)) \
	$(MBEDTLS_OBJS)
$(TEST_ELF): $(call kobj,$(KERNEL_CRYPTO_SRCS) $(KERNEL_KBS_SRCS)) \
	$(MBEDTLS_OBJS)

# The package versions the images are built from (scripts/provenance.sh):
# checked at every build, rewritten only when they change.
$(PROVENANCE): FORCE | $(MBEDTLS_SRC)/library/gcm.c
	@mkdir -p $(dir $@)
	$(Q)scripts/provenance.sh $@ $(MBEDTLS_SRC)
# The production file's adds the firmware's package (mk/kernel.mk).
$(KERNEL_PROVENANCE): FORCE $(KERNEL_PROVENANCE_OVMF) | \
		$(MBEDTLS_SRC)/library/gcm.c
	@mkdir -p $(dir $@)
	$(Q)scripts/provenance.sh $@ $(MBEDTLS_SRC) $(KERNEL_PROVENANCE_OVMF)
.PHONY: FORCE
FORCE:
