# SPDX-License-Identifier: MIT
#
# The freestanding kernel: flags (docs/architecture.md, "Build flags"), the
# source lists, the link, and the IGVM file built from the ELF.

KCC := $(CC)
KERNEL_ISYSTEM := $(shell $(KCC) -print-file-name=include)
VERSION_H := $(O)/gen/version.h
ASM_OFFSETS_H := $(O)/gen/asm_offsets.h
# Headers the build generates; `make lint` makes them first, too.
KERNEL_GEN_HEADERS := $(VERSION_H) $(ASM_OFFSETS_H)

KERNEL_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdinc \
	-isystem $(KERNEL_ISYSTEM) -fno-common -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-avx \
	-mno-3dnow -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-ffunction-sections -fdata-sections \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-strict-aliasing -fno-strict-overflow -fno-delete-null-pointer-checks \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow \
	-Wundef -Wvla -Wformat=2 -Wimplicit-fallthrough -Wcast-align \
	-Wpointer-arith -Wnull-dereference -Wframe-larger-than=2048 \
	-ffile-prefix-map=$(CURDIR)=. \
	-DSVSM_PHYS_BASE=$(SVSM_BASE) -I$(O)/gen \
	-Iinclude -MMD -MP
ifeq ($(findstring clang,$(KCC)),)
KERNEL_CFLAGS += -Wstack-usage=2048 -ftrivial-auto-var-init=zero \
	-fno-tree-loop-distribute-patterns
else
KERNEL_CFLAGS += -ftrivial-auto-var-init=pattern
endif
KERNEL_ASFLAGS := -DSVSM_PHYS_BASE=$(SVSM_BASE) -Iinclude -I$(O)/gen \
	-Ikernel/arch/x86_64/include -MMD -MP

# Private include paths, one per room: the x86 arch's own headers are for
# the arch and the x86 platforms; the test vocabulary is for test code.
X86_INC := -Ikernel/arch/x86_64/include
$(O)/kernel-obj/kernel/arch/x86_64/%: KERNEL_ROOM_INC := $(X86_INC)
$(O)/kernel-obj/kernel/plat/native/%: KERNEL_ROOM_INC := $(X86_INC)
# The store's AEAD and KDF are the SNP platform's crypto interface.
$(O)/kernel-obj/kernel/store/%: KERNEL_ROOM_INC := -Ikernel/plat/snp/include
$(O)/kernel-obj/tests/%: KERNEL_ROOM_INC := -Itests/harness $(X86_INC) \
	-Ikernel/plat/snp/include
# The protocols are the SNP platform's: they see its interfaces.
$(O)/kernel-obj/kernel/protocols/%: KERNEL_ROOM_INC := -Ikernel/plat/snp/include
KERNEL_LDFLAGS := -static -nostdlib --gc-sections -z noexecstack \
	-z max-page-size=4096 --build-id=none

# The vTPM host bridge and its UART (docs/vtpm-host.md): native platform
# only; an SEV-SNP link must leave these out, so its host cannot reach the
# vTPM.
KERNEL_NATIVE_ONLY_SRCS := kernel/drivers/serial_port.c \
	kernel/vtpm/host_bridge.c kernel/vtpm/host_bridge_uart.c

# One line per room: arch (the SNP instructions, snp.c and ghcb.c, join
# the image with the SNP platform), platform, drivers (console, shared
# pages, PCI, virtio), the block layer, the boot sequence, the ground
# floor, memory, guest memory, tasks, lib.
KERNEL_SRCS := \
	$(addprefix kernel/arch/x86_64/,entry.S trap.S fault.S ap_trampoline.S \
		ap_boot.c cpu.c io.c mm.c apic.c trap.c user.S user.c time.c) \
	$(wildcard kernel/plat/native/*.c) \
	kernel/drivers/uart16550.c kernel/drivers/shared.c \
	$(KERNEL_NATIVE_ONLY_SRCS) \
	$(wildcard kernel/drivers/pci/*.c kernel/drivers/virtio/*.c) \
	$(wildcard kernel/block/*.c) \
	$(wildcard kernel/store/*.c) \
	$(filter-out kernel/core/ready.c,$(wildcard kernel/core/*.c)) \
	$(wildcard kernel/base/*.c) \
	$(wildcard kernel/mm/*.c) \
	$(wildcard kernel/guestmem/*.c) \
	$(wildcard kernel/task/*.c) \
	$(wildcard kernel/fs/*.c) \
	kernel/vtpm/vtpm.c kernel/vtpm/chan_task.c \
	$(wildcard lib/*.c)

# The production image ends boot with "ready"; the test image runs tests.
KERNEL_PROD_SRCS := kernel/core/ready.c
KERNEL_TEST_SRCS := tests/harness/runner.c $(wildcard tests/svsm/*.c) \
	kernel/arch/x86_64/test_faults.S kernel/arch/x86_64/test_initfs.S

kobj = $(patsubst %,$(O)/kernel-obj/%.o,$(1))
KERNEL_OBJS := $(call kobj,$(KERNEL_SRCS))
KERNEL_LDS := $(O)/kernel-obj/kernel.lds
KERNEL_ELF := $(O)/svsm.elf
KERNEL_IGVM := $(O)/svsm.igvm
TEST_ELF := $(O)/svsm-test.elf
TEST_IGVM := $(O)/svsm-test.igvm

$(O)/kernel-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  KCC     $<"
	$(Q)$(KCC) $(KERNEL_CFLAGS) $(KERNEL_ROOM_INC) -c -o $@ $<

$(O)/kernel-obj/%.S.o: %.S $(ASM_OFFSETS_H)
	@mkdir -p $(dir $@)
	@echo "  KAS     $<"
	$(Q)$(KCC) $(KERNEL_ASFLAGS) -c -o $@ $<

.PHONY: FORCE
$(VERSION_H): FORCE
	$(Q)scripts/gen_version.sh $@

$(O)/kernel-obj/kernel/core/main.c.o: $(VERSION_H)
$(O)/kernel-obj/kernel/arch/x86_64/cpu.c.o: $(ASM_OFFSETS_H)
$(O)/kernel-obj/kernel/arch/x86_64/ap_boot.c.o: $(ASM_OFFSETS_H)

# Offsets shared by C and assembly, generated from the C structures
# (kernel/arch/x86_64/asm_offsets.c): each "->NAME value" marker in the
# compiler's assembly output becomes "#define NAME value".
$(ASM_OFFSETS_H): kernel/arch/x86_64/asm_offsets.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(KCC) $(KERNEL_CFLAGS) $(X86_INC) -MF $(O)/gen/asm_offsets.d \
		-MT $@ -S -o $(O)/gen/asm_offsets.s $<
	$(Q){ echo "/* Generated from kernel/arch/x86_64/asm_offsets.c. */"; \
		echo "#pragma once"; \
		sed -n 's/.*->\([A-Z0-9_]*\) \$$\{0,1\}\([0-9]*\).*/#define \1 \2/p' \
		$(O)/gen/asm_offsets.s; } > $@.tmp && mv $@.tmp $@

$(KERNEL_LDS): kernel/arch/x86_64/kernel.lds.S kernel/arch/x86_64/include/x86/layout.h
	@mkdir -p $(dir $@)
	$(Q)$(KCC) -E -P -x c -DSVSM_PHYS_BASE=$(SVSM_BASE) $(X86_INC) -o $@ $<

$(KERNEL_ELF): $(KERNEL_OBJS) $(call kobj,$(KERNEL_PROD_SRCS)) $(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) -o $@ \
		$(filter %.o,$^)

# The SEV-SNP kernel: the same kernel with the SNP platform instead of the
# native one, its entry (snp_entry.S, the launch VMSA's RIP), the SNP
# instructions and the #VC glue, and the crypto the platform needs.
# csvsm-igvm puts it under the SNP compatibility mask (docs/boot.md).
KERNEL_SNP_ELF := $(O)/svsm-snp.elf
KERNEL_SNP_SRCS := $(filter-out kernel/plat/native/%,$(KERNEL_SRCS)) \
	$(addprefix kernel/arch/x86_64/,snp_entry.S snp_ap.S snp_cpu.c snp.c ghcb.c) \
	$(wildcard kernel/plat/snp/*.c) kernel/plat/snp/mbedtls/mbedtls_glue.c \
	$(wildcard kernel/protocols/*.c)
$(KERNEL_SNP_ELF): $(call kobj,$(KERNEL_SNP_SRCS) $(KERNEL_PROD_SRCS)) \
		$(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -e entry32_snp -T $(KERNEL_LDS) -o $@ \
		$(filter %.o,$^)

$(TEST_ELF): $(KERNEL_OBJS) $(call kobj,$(KERNEL_TEST_SRCS)) $(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) -o $@ \
		$(filter %.o,$^)

IGVM_BUILD_ARGS := --region-base $(SVSM_BASE) --region-size $(SVSM_SIZE)
# The test image carries the test programs and runs them as tasks, so its
# region is larger (docs/user-mode.md).
SVSM_TEST_SIZE ?= 0x2000000
$(TEST_IGVM): IGVM_BUILD_ARGS := --region-base $(SVSM_BASE) \
	--region-size $(SVSM_TEST_SIZE)

# User-mode test programs (user/test): Debian's gcc and glibc, `-static`
# (and one `-static-pie`), unmodified Linux programs. Each one's output on
# this host, with the arguments and environment the in-kernel test gives
# it, is recorded next to it; the root file system of the test image is a
# cpio archive of both (user/mkcpio.py), embedded in the test kernel's
# rodata (kernel/arch/x86_64/test_initfs.S) and so measured with it.
USER_OUT := $(O)/user
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -Wl,--build-id=none \
	-ffile-prefix-map=$(CURDIR)=.
USER_PROGS := hello memtest hostile filetest cryptotest fputest devtest \
	conftest vtpmbad blocktest
USER_BINS := $(addprefix $(USER_OUT)/,$(USER_PROGS) hello-pie)
INITFS := $(USER_OUT)/initfs.cpio

$(USER_OUT)/%: user/test/%.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDLIBS)

# Debian's libcrypto.a (libssl-dev). Its network and DSO objects warn that
# getaddrinfo and dlopen need shared libraries at run time; the test never
# calls them, so the linker's warnings are silenced for this program only.
$(USER_OUT)/cryptotest: USER_LDLIBS := -lcrypto -Wl,--no-warnings
$(USER_OUT)/fputest: USER_LDLIBS := -lm

# The vTPM program (user/vtpm, docs/vtpm.md): Debian's libtpms.a (libtpms-dev)
# on Debian's libcrypto.a (libssl-dev) and glibc's libc.a; libtpms needs
# nothing else. The same binary runs as an SVSM task and, over a socket, as
# a host process (the model's vTPM channel, the swtpm comparison). As for
# cryptotest, the linker's warnings about libcrypto's network and DSO
# objects are silenced: the program never calls them.
VTPM_PROG := $(USER_OUT)/vtpm
VTPM_LDLIBS := -ltpms -lcrypto -Wl,--no-warnings
$(VTPM_PROG): user/vtpm/vtpm.c include/abi/vtpm.h
	@mkdir -p $(dir $@)
	@echo "  USERCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -Iinclude -o $@ $< $(VTPM_LDLIBS)

$(USER_OUT)/hello-pie: user/test/hello.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $< (static-pie)"
	$(Q)$(CC) $(filter-out -static,$(USER_CFLAGS)) -static-pie -fPIE \
		-o $@ $<

# The host's output and exit status: the reference the test compares with.
$(USER_OUT)/hello.expected: $(USER_OUT)/hello
	$(Q)env -i A=1 B=two $< one two > $@.tmp 2>&1; \
		echo "exit=$$?" >> $@.tmp; mv $@.tmp $@
$(USER_OUT)/memtest.expected: $(USER_OUT)/memtest
	$(Q)env -i $< > $@.tmp 2>&1; echo "exit=$$?" >> $@.tmp; mv $@.tmp $@
$(USER_OUT)/cryptotest.expected: $(USER_OUT)/cryptotest
	$(Q)env -i $< > $@.tmp 2>&1; echo "exit=$$?" >> $@.tmp; mv $@.tmp $@
$(USER_OUT)/fputest.expected: $(USER_OUT)/fputest
	$(Q)env -i $< > $@.tmp 2>&1; echo "exit=$$?" >> $@.tmp; mv $@.tmp $@
$(USER_OUT)/conftest.expected: $(USER_OUT)/conftest
	$(Q)env -i $< > $@.tmp 2>&1; echo "exit=$$?" >> $@.tmp; mv $@.tmp $@
# filetest works in a directory of its own: an empty one here.
$(USER_OUT)/filetest.expected: $(USER_OUT)/filetest
	$(Q)rm -rf $@.dir && mkdir -p $@.dir && cd $@.dir && \
		env -i $(abspath $<) > $(abspath $@).tmp 2>&1; \
		echo "exit=$$?" >> $(abspath $@).tmp; rm -rf $(abspath $@).dir; \
		mv $(abspath $@).tmp $(abspath $@)
$(INITFS): user/mkcpio.py $(USER_BINS) $(VTPM_PROG) $(USER_OUT)/hello.expected \
		$(USER_OUT)/memtest.expected $(USER_OUT)/filetest.expected \
		$(USER_OUT)/cryptotest.expected $(USER_OUT)/fputest.expected \
		$(USER_OUT)/conftest.expected
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) user/mkcpio.py $@ \
		$(foreach p,$(USER_PROGS) hello-pie,bin/$(p)=$(USER_OUT)/$(p)) \
		bin/vtpm=$(VTPM_PROG) \
		expected/hello=$(USER_OUT)/hello.expected \
		expected/memtest=$(USER_OUT)/memtest.expected \
		expected/filetest=$(USER_OUT)/filetest.expected \
		expected/cryptotest=$(USER_OUT)/cryptotest.expected \
		expected/fputest=$(USER_OUT)/fputest.expected \
		expected/conftest=$(USER_OUT)/conftest.expected

$(O)/kernel-obj/kernel/arch/x86_64/test_initfs.S.o: $(INITFS)
$(O)/kernel-obj/kernel/arch/x86_64/test_initfs.S.o: KERNEL_ASFLAGS += \
	-DINITFS_PATH='"$(INITFS)"'

# The Debian package versions the images are built from, measured in
# their boot-info page; its rule is in mk/mbedtls.mk, next to the mbedTLS
# source whose version it records.
PROVENANCE := $(O)/provenance.txt

# An image's provenance file: $(PROVENANCE) unless the image names its own.
IGVM_PROVENANCE = $(PROVENANCE)

$(O)/%.igvm: $(O)/%.elf $(O)/tools/csvsm-igvm $(PROVENANCE)
	@echo "  IGVM    $@"
	$(Q)$(O)/tools/csvsm-igvm build --kernel $< $(IGVM_BUILD_ARGS) \
		--provenance $(IGVM_PROVENANCE) -o $@

# The production image's root file-system image (docs/vtpm-host.md): the
# vTPM program and /etc/start naming the vTPM service, so that `make run`
# starts the vTPM; its 16 MiB region holds the archive and the vTPM task
# (COCONUT's minimum, the vTPM issue's memory goal). Only
# when this tree builds the vTPM program (VTPM_PROG, user/vtpm).
ifneq ($(VTPM_PROG),)
PROD_INITFS := $(O)/svsm-initfs.cpio
SVSM_VTPM_SIZE ?= 0x1000000
$(PROD_INITFS): $(VTPM_PROG) user/initfs/start user/mkcpio.py
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) user/mkcpio.py $@ bin/vtpm=$(VTPM_PROG) \
		etc/start=user/initfs/start
$(KERNEL_IGVM): $(PROD_INITFS)
KERNEL_IGVM_ARGS := --region-base $(SVSM_BASE) \
	--region-size $(SVSM_VTPM_SIZE) --initfs $(PROD_INITFS)
else
KERNEL_IGVM_ARGS := $(IGVM_BUILD_ARGS)
endif

# The production file carries the SEV-SNP kernel under the SNP mask.
$(KERNEL_IGVM): $(KERNEL_SNP_ELF)
KERNEL_IGVM_ARGS += --snp-kernel $(KERNEL_SNP_ELF)

# The guest firmware the production file carries under the SNP mask, for
# the SNP kernel to start at VMPL1 (docs/snp.md): OVMF.fd from Debian 13's
# ovmf package, fetched on first use (scripts/fetch_ovmf.sh), or the file
# FIRMWARE names; `make FIRMWARE=` builds the file without a firmware. The
# native platform never sees it (docs/boot.md). The Debian package's
# version joins the file's provenance; another firmware is measured, but
# has no package version to record.
OVMF_DIR ?= .deps/ovmf-trixie
OVMF_FD := $(OVMF_DIR)/OVMF.fd
FIRMWARE ?= $(OVMF_FD)

# Checked at every build (the script returns at once when the pinned
# version is there), rewritten only when the pinned version changes.
$(OVMF_FD) $(OVMF_DIR)/VERSION &: FORCE
	$(Q)scripts/fetch_ovmf.sh $(OVMF_DIR)

$(KERNEL_IGVM): $(FIRMWARE)
$(KERNEL_IGVM): IGVM_BUILD_ARGS = $(KERNEL_IGVM_ARGS) \
	$(if $(FIRMWARE),--firmware $(FIRMWARE))

# The production file's provenance (its rule is in mk/mbedtls.mk): the
# images' packages and, with Debian's OVMF inside, its ovmf package.
KERNEL_PROVENANCE := $(O)/svsm-provenance.txt
KERNEL_PROVENANCE_OVMF := $(if $(filter $(OVMF_FD),$(FIRMWARE)),\
	$(OVMF_DIR)/VERSION)
$(KERNEL_IGVM): $(KERNEL_PROVENANCE)
$(KERNEL_IGVM): IGVM_PROVENANCE = $(KERNEL_PROVENANCE)
# Which firmware the file was built with, rewritten only when that changes,
# so that naming another firmware (or none) rebuilds the file.
KERNEL_FIRMWARE_NAME := $(O)/svsm-firmware.txt
$(KERNEL_FIRMWARE_NAME): FORCE
	@mkdir -p $(dir $@)
	$(Q)echo '$(FIRMWARE)' | cmp -s - $@ || echo '$(FIRMWARE)' >$@
$(KERNEL_IGVM): $(KERNEL_FIRMWARE_NAME)

# The production file without the firmware, the IGVM fuzzer's seed
# (mk/tests.mk): the fuzzer reads 64 KiB of each input, which holds this
# file's headers but not the firmware's 1024 more page headers.
KERNEL_IGVM_SEED := $(O)/fuzz/svsm-nofw.igvm
$(KERNEL_IGVM_SEED): $(KERNEL_ELF) $(KERNEL_SNP_ELF) $(PROD_INITFS) \
		$(O)/tools/csvsm-igvm $(PROVENANCE)
	@mkdir -p $(dir $@)
	@echo "  IGVM    $@"
	$(Q)$(O)/tools/csvsm-igvm build --kernel $< $(KERNEL_IGVM_ARGS) \
		--provenance $(PROVENANCE) -o $@ >/dev/null
