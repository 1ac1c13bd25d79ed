# SPDX-License-Identifier: MIT
#
# Tests, fuzzing and benchmarks. `make test` runs everything through
# tests/run_all.py, whose last line is "N passed, N failed".

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -O1 -g $(HOST_WARN) $(SAN_FLAGS) \
	-Iinclude -Itools/libigvm -Itools/common -Itools/csvsm-run \
	-Itools/csvsm-igvm -Itests/harness -Ikernel/arch/fake \
	-DSVSM_PHYS_BASE=$(SVSM_BASE) -MMD -MP

# Kernel and tool sources that are plain C and run hosted under sanitizers.
UNIT_SRCS := $(wildcard tests/unit/*.c) tests/harness/runner.c \
	tests/harness/host_main.c $(LIBIGVM_SRCS) $(TOOLS_COMMON_SRCS) \
	tools/csvsm-run/plan.c tools/csvsm-run/vpctx.c \
	tools/csvsm-igvm/build.c tools/csvsm-igvm/elf_image.c \
	kernel/core/boot_params.c kernel/core/cmdline.c lib/format.c \
	kernel/core/log.c kernel/core/err.c $(wildcard kernel/mm/*.c) \
	$(wildcard kernel/arch/fake/*.c)
UNIT_TEST_BIN := $(O)/tests/unit_tests

$(O)/unit-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  TESTCC  $<"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_TEST_BIN): $(patsubst %,$(O)/unit-obj/%.o,$(UNIT_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS)

test: deps all
	$(Q)$(PYTHON) tests/run_all.py --out $(O)

# libFuzzer targets: one per parser of untrusted bytes.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-Iinclude -Itools/libigvm -Itools/common
FUZZ_TARGETS := $(O)/fuzz/igvm_parse_fuzz

$(O)/fuzz/igvm_parse_fuzz: tests/fuzz/igvm_parse_fuzz.c $(LIBIGVM_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

$(O)/fuzz/igvm_seed: tests/fuzz/igvm_seed.c $(LIBIGVM_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O1 -Iinclude -Itools/libigvm -o $@ $^ $(HOST_LDLIBS)

fuzz: deps $(FUZZ_TARGETS) $(O)/fuzz/igvm_seed $(KERNEL_IGVM)
	$(Q)mkdir -p $(O)/fuzz/corpus/igvm_parse
	$(Q)$(O)/fuzz/igvm_seed $(O)/fuzz/corpus/igvm_parse
	$(Q)cp $(KERNEL_IGVM) $(O)/fuzz/corpus/igvm_parse/svsm.igvm
	$(O)/fuzz/igvm_parse_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -print_final_stats=1 $(O)/fuzz/corpus/igvm_parse

bench: all
	@echo "no benchmarks yet: see docs/testing.md"
