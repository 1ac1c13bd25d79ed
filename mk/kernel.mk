# SPDX-License-Identifier: MIT
#
# The freestanding kernel: flags (docs/architecture.md, "Build flags"), the
# source lists, the link, and the IGVM file built from the ELF.

KCC := $(CC)
KERNEL_ISYSTEM := $(shell $(KCC) -print-file-name=include)
VERSION_H := $(O)/gen/version.h

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
	-Iinclude -Itests/harness -MMD -MP
ifeq ($(findstring clang,$(KCC)),)
KERNEL_CFLAGS += -Wstack-usage=2048 -ftrivial-auto-var-init=zero \
	-fno-tree-loop-distribute-patterns
else
KERNEL_CFLAGS += -ftrivial-auto-var-init=pattern
endif
KERNEL_ASFLAGS := -DSVSM_PHYS_BASE=$(SVSM_BASE) -Iinclude -MMD -MP
KERNEL_LDFLAGS := -static -nostdlib --gc-sections -z noexecstack \
	-z max-page-size=4096 --build-id=none

KERNEL_SRCS := \
	kernel/arch/x86_64/entry.S \
	kernel/arch/x86_64/trap.S \
	kernel/arch/x86_64/fault.S \
	kernel/arch/x86_64/ap_trampoline.S \
	kernel/arch/x86_64/cpu.c \
	kernel/arch/x86_64/io.c \
	kernel/arch/x86_64/mm.c \
	kernel/arch/x86_64/apic.c \
	kernel/arch/x86_64/trap.c \
	kernel/plat/native/native.c \
	kernel/plat/native/smp.c \
	kernel/drivers/uart16550.c \
	kernel/core/main.c \
	kernel/core/boot_params.c \
	kernel/core/cmdline.c \
	kernel/core/layout.c \
	kernel/core/percpu.c \
	kernel/core/smp.c \
	kernel/core/log.c \
	kernel/core/panic.c \
	kernel/core/stackprot.c \
	kernel/core/err.c \
	$(wildcard kernel/mm/*.c) \
	kernel/guestmem/guestmem.c \
	lib/string.c \
	lib/format.c \
	lib/str.c

# The production image ends boot with "ready"; the test image runs tests.
KERNEL_PROD_SRCS := kernel/core/ready.c
KERNEL_TEST_SRCS := tests/harness/runner.c $(wildcard tests/svsm/*.c) \
	kernel/arch/x86_64/test_faults.S

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
	$(Q)$(KCC) $(KERNEL_CFLAGS) -c -o $@ $<

$(O)/kernel-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  KAS     $<"
	$(Q)$(KCC) $(KERNEL_ASFLAGS) -c -o $@ $<

.PHONY: FORCE
$(VERSION_H): FORCE
	$(Q)scripts/gen_version.sh $@

$(O)/kernel-obj/kernel/core/main.c.o: $(VERSION_H)

$(KERNEL_LDS): kernel/arch/x86_64/kernel.lds.S kernel/arch/x86_64/layout.h
	@mkdir -p $(dir $@)
	$(Q)$(KCC) -E -P -x c -DSVSM_PHYS_BASE=$(SVSM_BASE) -o $@ $<

$(KERNEL_ELF): $(KERNEL_OBJS) $(call kobj,$(KERNEL_PROD_SRCS)) $(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) -o $@ \
		$(filter %.o,$^)

$(TEST_ELF): $(KERNEL_OBJS) $(call kobj,$(KERNEL_TEST_SRCS)) $(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) -o $@ \
		$(filter %.o,$^)

IGVM_BUILD_ARGS := --region-base $(SVSM_BASE) --region-size $(SVSM_SIZE)

$(O)/%.igvm: $(O)/%.elf $(O)/tools/csvsm-igvm
	@echo "  IGVM    $@"
	$(Q)$(O)/tools/csvsm-igvm build --kernel $< $(IGVM_BUILD_ARGS) -o $@
