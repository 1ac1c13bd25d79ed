# SPDX-License-Identifier: MIT
#
# Hosted code: the IGVM library and the tools on it. Tools are built with
# hardening; the unit tests (mk/tests.mk) rebuild the library sources with
# sanitizers.

HOST_CC := $(CC)
HOST_WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla
HOST_CFLAGS := -std=gnu11 -O2 -g $(HOST_WARN) -D_FORTIFY_SOURCE=2 \
	-fstack-protector-strong -ffile-prefix-map=$(CURDIR)=. \
	-Iinclude -Itools/libigvm -Itools/libmeasure -Itools/common -MMD -MP
# Every library the host code can need (the unit tests and fuzzers link all
# of it); each tool links only what it uses.
HOST_LDLIBS := -lz -lcrypto -lgcrypt -lpthread
CSVSM_IGVM_LDLIBS := -lz -lcrypto -lgcrypt -lpthread
CSVSM_SNP_MEASURE_LDLIBS := -lz -lcrypto -lpthread
CSVSM_RUN_LDLIBS := -lz

# The IGVM library, with the one tools/common file it needs.
LIBIGVM_SRCS := $(wildcard tools/libigvm/*.c) tools/common/bytes.c
# Launch measurement (SNP digest, VMSA, OVMF, TDX MRTD, ID blocks).
LIBMEASURE_SRCS := $(wildcard tools/libmeasure/*.c)
# ID blocks: signing and verifying; only csvsm-igvm needs them.
IDBLOCK_SRCS := $(wildcard tools/libmeasure/idblock*.c)
TOOLS_COMMON_SRCS := tools/common/util.c tools/common/progress.c
# --version: needs the generated version header, so not in the unit tests.
TOOLS_VERSION_SRC := tools/common/version.c
CSVSM_IGVM_SRCS := $(wildcard tools/csvsm-igvm/*.c)
# The SVSM's own archive reader checks `build --initfs`.
CSVSM_IGVM_KERNEL_SRCS := kernel/fs/cpio.c
CSVSM_RUN_SRCS := tools/csvsm-run/main.c tools/csvsm-run/plan.c \
	tools/csvsm-run/vpctx.c tools/csvsm-run/qemu.c tools/csvsm-run/snp.c \
	tools/csvsm-run/vsock.c tools/csvsm-run/tpm.c tools/csvsm-run/disk.c

hobj = $(patsubst %,$(O)/host-obj/%.o,$(1))
HOST_TOOLS := $(O)/tools/csvsm-igvm $(O)/tools/csvsm-run $(O)/tools/csvsm-vsockd \
	$(O)/tools/csvsm-aproxy \
	$(O)/tools/csvsm-mssim \
	$(if $(wildcard tools/csvsm-snp-measure/*.c),$(O)/tools/csvsm-snp-measure)

# sev-snp-measure's command line, on libmeasure.
CSVSM_SNP_MEASURE_SRCS := $(wildcard tools/csvsm-snp-measure/*.c)
$(O)/tools/csvsm-snp-measure: $(call hobj,$(CSVSM_SNP_MEASURE_SRCS) $(filter-out $(IDBLOCK_SRCS),$(LIBMEASURE_SRCS)) $(LIBIGVM_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^ $(CSVSM_SNP_MEASURE_LDLIBS)

$(O)/host-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

# The launcher's own headers (launch.h, resetstub.h) are for its objects only.
$(call hobj,$(CSVSM_RUN_SRCS)): HOST_CFLAGS += -Itools/csvsm-run
$(call hobj,$(TOOLS_VERSION_SRC)): HOST_CFLAGS += -I$(dir $(VERSION_H))
$(call hobj,$(TOOLS_VERSION_SRC)): $(VERSION_H)

$(O)/tools/csvsm-igvm: $(call hobj,$(CSVSM_IGVM_SRCS) $(CSVSM_IGVM_KERNEL_SRCS) $(LIBIGVM_SRCS) $(LIBMEASURE_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^ $(CSVSM_IGVM_LDLIBS)

# The reset stub: assembled, linked at 0xffff0000, flattened to 64 KiB.
RESETSTUB_BIN := $(O)/host-obj/resetstub.bin
$(RESETSTUB_BIN): tools/csvsm-run/resetstub.S tools/csvsm-run/resetstub.h tools/csvsm-run/resetstub.lds
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(HOST_CC) -c -Itools/csvsm-run -o $(O)/host-obj/resetstub.o $<
	$(Q)ld -T tools/csvsm-run/resetstub.lds -o $(O)/host-obj/resetstub.elf \
		$(O)/host-obj/resetstub.o
	$(Q)objcopy -O binary $(O)/host-obj/resetstub.elf $@

$(O)/host-obj/stub_blob.o: tools/csvsm-run/stub_blob.S $(RESETSTUB_BIN)
	$(Q)$(HOST_CC) -c -DRESETSTUB_BIN='"$(RESETSTUB_BIN)"' -o $@ $<

$(O)/tools/csvsm-run: $(call hobj,$(CSVSM_RUN_SRCS) $(LIBIGVM_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC)) $(O)/host-obj/stub_blob.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^ $(CSVSM_RUN_LDLIBS)

# The vhost-user vsock back-end (docs/vsock.md).
CSVSM_VSOCKD_SRCS := $(wildcard tools/csvsm-vsockd/*.c)
$(call hobj,$(CSVSM_VSOCKD_SRCS)): HOST_CFLAGS += -Itools/csvsm-vsockd
$(O)/tools/csvsm-vsockd: $(call hobj,$(CSVSM_VSOCKD_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^

# The attestation proxy (docs/attestation-proxy.md): OpenSSL for HTTPS.
CSVSM_APROXY_SRCS := $(wildcard tools/csvsm-aproxy/*.c)
$(call hobj,$(CSVSM_APROXY_SRCS)): HOST_CFLAGS += -Itools/csvsm-aproxy
$(O)/tools/csvsm-aproxy: $(call hobj,$(CSVSM_APROXY_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^ -lssl -lcrypto

# The mssim TPM protocol on TCP in front of a vTPM program or the SVSM's
# host bridge (docs/vtpm-host.md).
CSVSM_MSSIM_SRCS := $(wildcard tools/csvsm-mssim/*.c)
$(call hobj,$(CSVSM_MSSIM_SRCS)): HOST_CFLAGS += -Itools/csvsm-mssim
$(O)/tools/csvsm-mssim: $(call hobj,$(CSVSM_MSSIM_SRCS) $(TOOLS_COMMON_SRCS) $(TOOLS_VERSION_SRC))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) -o $@ $^
