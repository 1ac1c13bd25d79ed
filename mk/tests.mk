# SPDX-License-Identifier: MIT
#
# Tests, fuzzing and benchmarks. `make test` runs everything through
# tests/run_all.py, whose last line is "N passed, N failed".

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -O1 -g $(HOST_WARN) $(SAN_FLAGS) \
	-Iinclude -Itools/libigvm -Itools/common -Itools/csvsm-run \
	-Itools/csvsm-igvm -Itools/libmeasure -Itests/harness -Ikernel/arch/fake \
	-Isim -DSVSM_PHYS_BASE=$(SVSM_BASE) -MMD -MP

# The SEV-SNP machine model (sim/), hosted.
SIM_SRCS := $(wildcard sim/*.c)

# Kernel and tool sources that are plain C and run hosted under sanitizers.
UNIT_SRCS := $(wildcard tests/unit/*.c) tests/harness/runner.c \
	tests/harness/host_main.c $(LIBIGVM_SRCS) $(LIBMEASURE_SRCS) \
	$(TOOLS_COMMON_SRCS) \
	tools/csvsm-run/plan.c tools/csvsm-run/vpctx.c \
	$(filter-out tools/csvsm-igvm/main.c tools/csvsm-igvm/cmd_%.c,$(CSVSM_IGVM_SRCS)) \
	kernel/core/boot_params.c kernel/core/cmdline.c lib/format.c \
	kernel/core/log.c kernel/core/err.c \
	$(filter-out kernel/mm/vm.c,$(wildcard kernel/mm/*.c)) lib/str.c \
	$(wildcard kernel/arch/fake/*.c) $(SIM_SRCS) \
	$(wildcard kernel/protocols/*.c) $(wildcard kernel/plat/snp/*.c) \
	kernel/guestmem/guestmem.c
UNIT_TEST_BIN := $(O)/tests/unit_tests

$(O)/unit-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  TESTCC  $<"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_TEST_BIN): $(patsubst %,$(O)/unit-obj/%.o,$(UNIT_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS) -lmbedcrypto

test: deps all
	$(Q)$(PYTHON) tests/run_all.py --out $(O)

# libFuzzer targets: one per parser of untrusted bytes.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all \
	-Iinclude -Itools/libigvm -Itools/common
FUZZ_TARGETS := $(O)/fuzz/igvm_parse_fuzz $(O)/fuzz/pgalloc_fuzz \
	$(O)/fuzz/gpa_fuzz $(O)/fuzz/utf8_fuzz $(O)/fuzz/protocol_fuzz \
	$(O)/fuzz/ghcb_fuzz
# The fake arch without its SNP instructions (those need the model, sim/).
FAKE_CORE_SRCS := $(filter-out kernel/arch/fake/fake_snp.c,$(wildcard kernel/arch/fake/*.c))
FUZZ_KERNEL_SRCS := $(FAKE_CORE_SRCS) kernel/core/log.c lib/format.c
# The SVSM's SNP request path on the model, as the unit binary has it.
PROTOCOL_FUZZ_SRCS := $(wildcard sim/*.c) $(wildcard kernel/protocols/*.c) \
	$(wildcard kernel/plat/snp/*.c) kernel/guestmem/guestmem.c \
	kernel/mm/gpa.c kernel/mm/pgalloc.c kernel/mm/slab.c kernel/mm/pgtable.c \
	$(wildcard kernel/arch/fake/*.c) kernel/core/log.c kernel/core/err.c \
	lib/format.c lib/str.c

$(O)/fuzz/protocol_fuzz: tests/fuzz/protocol_fuzz.c $(PROTOCOL_FUZZ_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ikernel/arch/fake -Isim -Itests/harness \
		-DSVSM_PHYS_BASE=$(SVSM_BASE) -o $@ $^ -lmbedcrypto -lcrypto

$(O)/fuzz/ghcb_fuzz: tests/fuzz/ghcb_fuzz.c $(PROTOCOL_FUZZ_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ikernel/arch/fake -Isim -Itests/harness \
		-DSVSM_PHYS_BASE=$(SVSM_BASE) -o $@ $^ -lmbedcrypto -lcrypto

$(O)/fuzz/pgalloc_fuzz: tests/fuzz/pgalloc_fuzz.c kernel/mm/pgalloc.c \
		kernel/mm/slab.c $(FUZZ_KERNEL_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ikernel/arch/fake -o $@ $^

$(O)/fuzz/igvm_parse_fuzz: tests/fuzz/igvm_parse_fuzz.c $(LIBIGVM_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $@ $^ $(HOST_LDLIBS)

# A small reservation table, so fuzz inputs can fill it.
$(O)/fuzz/gpa_fuzz: tests/fuzz/gpa_fuzz.c kernel/mm/gpa.c $(FUZZ_KERNEL_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ikernel/arch/fake -DGPA_MAX_RESERVED=24 \
		-o $@ $^

$(O)/fuzz/utf8_fuzz: tests/fuzz/utf8_fuzz.c lib/str.c kernel/mm/pgalloc.c \
		kernel/mm/slab.c $(FUZZ_KERNEL_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ikernel/arch/fake -o $@ $^

$(O)/fuzz/igvm_seed: tests/fuzz/igvm_seed.c $(LIBIGVM_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O1 -Iinclude -Itools/libigvm -o $@ $^ $(HOST_LDLIBS)

fuzz: deps $(FUZZ_TARGETS) $(O)/fuzz/igvm_seed $(KERNEL_IGVM)
	$(Q)mkdir -p $(O)/fuzz/corpus/igvm_parse
	$(Q)$(O)/fuzz/igvm_seed $(O)/fuzz/corpus/igvm_parse
	$(Q)cp $(KERNEL_IGVM) $(O)/fuzz/corpus/igvm_parse/svsm.igvm
	$(O)/fuzz/igvm_parse_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -print_final_stats=1 $(O)/fuzz/corpus/igvm_parse
	$(Q)for t in pgalloc gpa utf8 protocol ghcb; do \
		mkdir -p $(O)/fuzz/corpus/$$t && \
		$(O)/fuzz/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 $(O)/fuzz/corpus/$$t || exit 1; \
	done

$(O)/bench/alloc_bench: bench/alloc_bench.c kernel/mm/pgalloc.c kernel/mm/slab.c \
		$(FAKE_CORE_SRCS) kernel/core/log.c lib/format.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Iinclude -Ikernel/arch/fake -o $@ $^

$(O)/bench/measure_bench: bench/measure_bench.c tools/libmeasure/snp.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Iinclude -Itools/libmeasure -o $@ $^ \
		-lcrypto -lpthread

# The SVSM's request path on the model, optimised, for callgrind.
$(O)/bench/protocol_bench: bench/protocol_bench.c $(PROTOCOL_FUZZ_SRCS)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Iinclude -Ikernel/arch/fake -Isim \
		-Itests/harness -DSVSM_PHYS_BASE=$(SVSM_BASE) -o $@ $^ \
		-lmbedcrypto -lcrypto

bench: deps all $(O)/bench/alloc_bench $(O)/bench/measure_bench \
		$(O)/bench/protocol_bench
	$(Q)$(PYTHON) bench/run.py --out $(O)
