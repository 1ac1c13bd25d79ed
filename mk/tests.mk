# SPDX-License-Identifier: MIT
#
# Tests, fuzzing and benchmarks. `make test` runs everything through
# tests/run_all.py, whose last line is "N passed, N failed".

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# Include paths of hosted code that runs kernel code: the public kernel
# headers, the fake arch's and the SNP platform's own, the model (sim/),
# and test code (the vocabulary, the model machine in tests/model).
HOSTED_KERNEL_INC := -Iinclude -Ikernel/arch/fake/include \
	-Ikernel/plat/snp/include -Isim -Itests -Itests/harness \
	-DSVSM_PHYS_BASE=$(SVSM_BASE)

UNIT_CFLAGS := -std=gnu11 -O1 -g $(HOST_WARN) $(SAN_FLAGS) \
	$(HOSTED_KERNEL_INC) -Itools/libigvm -Itools/common -Itools/csvsm-run \
	-Itools/csvsm-igvm -Itools/libmeasure -MMD -MP

# The SEV-SNP machine model (sim/) and the machine the tests run it in.
# The launch (the PSP's launch commands and the IGVM loader) also needs
# libigvm and libmeasure, so only the unit tests link it.
SIM_LAUNCH_SRCS := sim/psp_launch.c sim/loader.c
SIM_SRCS := $(filter-out $(SIM_LAUNCH_SRCS),$(wildcard sim/*.c)) \
	tests/model/guest.c
# The fake arch; FAKE_CORE_SRCS is it without its adapter to the model.
FAKE_SRCS := $(wildcard kernel/arch/fake/*.c)
FAKE_CORE_SRCS := $(filter-out kernel/arch/fake/fake_snp.c,$(FAKE_SRCS))
# The SVSM's SNP platform and protocols, with what they stand on, hosted.
# boot.c, plat.c and fw_boot.c are the SNP kernel's glue (kernel only);
# the sequences they run (boot_seq.c, fw_seq.c) are hosted too.
SNP_KERNEL_ONLY_SRCS := kernel/plat/snp/boot.c kernel/plat/snp/plat.c \
	kernel/plat/snp/fw_boot.c
SNP_HOSTED_SRCS := $(wildcard kernel/protocols/*.c) \
	kernel/vtpm/vtpm.c kernel/vtpm/chan_proc.c \
	$(filter-out $(SNP_KERNEL_ONLY_SRCS),$(wildcard kernel/plat/snp/*.c)) \
	kernel/guestmem/guestmem.c \
	kernel/mm/gpa.c kernel/mm/pgalloc.c kernel/mm/heap.c kernel/mm/pgtable.c \
	kernel/base/log.c kernel/base/err.c kernel/base/lib_check.c \
	kernel/base/trap_report.c lib/format.c lib/str.c

# Kernel and tool sources that are plain C and run hosted under sanitizers.
UNIT_SRCS := $(wildcard tests/unit/*.c) tests/harness/runner.c \
	tests/harness/host_main.c $(LIBIGVM_SRCS) $(LIBMEASURE_SRCS) \
	$(TOOLS_COMMON_SRCS) \
	tools/csvsm-run/plan.c tools/csvsm-run/vpctx.c tools/csvsm-run/disk.c \
	$(filter-out tools/csvsm-igvm/main.c tools/csvsm-igvm/cmd_%.c,$(CSVSM_IGVM_SRCS)) \
	kernel/core/boot_params.c kernel/core/cmdline.c \
	$(SNP_HOSTED_SRCS) \
	$(FAKE_SRCS) $(SIM_SRCS) $(SIM_LAUNCH_SRCS)
# The virtio drivers and the block layer, against the fake device of
# tests/unit/fake_virtio.c.
VIRTIO_HOSTED_SRCS := kernel/drivers/shared.c kernel/drivers/virtio/virtio.c \
	kernel/drivers/virtio/virtqueue.c kernel/drivers/virtio/virtio_blk.c \
	kernel/drivers/virtio/virtio_vsock.c kernel/drivers/virtio/vsock_pkt.c \
	kernel/block/block.c
UNIT_SRCS += $(VIRTIO_HOSTED_SRCS)
# plat_share()/plat_unshare() for them: native's, or SEV-SNP's on the model
# when a test asks (the unit binary has it through tests/unit/*.c).
HOSTED_PLAT_SRCS := tests/unit/hosted_plat.c
# The task loader's and the root file system's parsers.
UNIT_SRCS += kernel/task/elf.c kernel/fs/cpio.c
# The key-broker client (docs/attestation-proxy.md) and its model tests.
# (the serial transport drives a UART: in the kernel only; kbs_native.c
# is the native kernels' platform part, kbs_snp.c the model's)
KBS_SRCS := $(filter-out kernel/attest/kbs_serial.c kernel/attest/kbs_native.c,\
	$(wildcard kernel/attest/*.c))
# Debian's libmbedcrypto is built without AES key wrap (MBEDTLS_NIST_KW_C):
# the hosted builds compile that one module from the same 2.28 source
# package the kernel uses (scripts/fetch_mbedtls.sh).
KBS_NIST_KW := $(O)/kbs-host/nist_kw.o
$(KBS_NIST_KW): $(MBEDTLS_SRC)/library/nist_kw.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $< (AES key wrap)"
	$(Q)$(HOST_CC) -O2 -fPIC -w -DMBEDTLS_NIST_KW_C -c -o $@ $<
KBS_FUZZ_NIST_KW := $(O)/kbs-host/nist_kw_fuzz.o
$(KBS_FUZZ_NIST_KW): $(MBEDTLS_SRC)/library/nist_kw.c
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) -O1 -g -fsanitize=address,undefined -w \
		-DMBEDTLS_NIST_KW_C -c -o $@ $<
KBS_MODEL_TEST_SRCS := $(wildcard tests/model/*kbs*.c)
UNIT_SRCS += $(KBS_SRCS) $(KBS_MODEL_TEST_SRCS)
$(patsubst %,$(O)/unit-obj/%.o,$(KBS_MODEL_TEST_SRCS)): UNIT_CFLAGS += \
	-Ikernel/attest
# The persistent store and the persisted directory on the RAM file system,
# against the stopping disk of tests/unit/fake_disk.c; the CPU's randomness
# and the command-line mount are the kernel's.
STORE_SRCS := $(filter-out kernel/store/random.c,$(wildcard kernel/store/*.c))
UNIT_SRCS += $(STORE_SRCS) kernel/fs/ramfs.c kernel/fs/vfs.c kernel/fs/persist.c
# The vTPM host bridge's frames (its UART half needs port I/O).
UNIT_SRCS += kernel/vtpm/host_bridge.c
# PCI configuration access by port I/O, against tests/unit/pci_cf8_test.c's
# recording platform.
UNIT_SRCS += kernel/drivers/pci/pci_cf8.c
UNIT_TEST_BIN := $(O)/tests/unit_tests

$(O)/unit-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  TESTCC  $<"
	$(Q)$(HOST_CC) $(UNIT_CFLAGS) -c -o $@ $<

# The model's vTPM channel runs the vTPM program as a host process
# (kernel/vtpm/chan_proc.c).
$(O)/unit-obj/kernel/vtpm/chan_proc.c.o: UNIT_CFLAGS += \
	-DVTPM_HOST_PROGRAM='"$(abspath $(VTPM_PROG))"'

$(O)/unit-obj/tests/unit/protocol_vtpm_test.c.o: UNIT_CFLAGS += \
	-DVTPM_BAD_PROGRAM='"$(abspath $(USER_OUT)/vtpmbad)"'

# The end-to-end launch also runs with the firmware `make` builds into
# out/svsm.igvm (FIRMWARE, mk/kernel.mk), read from this path at run time:
# a build with a firmware has a test that fails when the file is missing.
$(O)/unit-obj/tests/unit/snp_e2e_test.c.o: UNIT_CFLAGS += \
	$(if $(FIRMWARE),-DE2E_FIRMWARE='"$(abspath $(FIRMWARE))"')
$(O)/unit-obj/tests/unit/snp_e2e_test.c.o: $(KERNEL_FIRMWARE_NAME)

$(UNIT_TEST_BIN): $(patsubst %,$(O)/unit-obj/%.o,$(UNIT_SRCS)) $(KBS_NIST_KW) | $(VTPM_PROG) \
		$(USER_OUT)/vtpmbad
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(HOST_CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LDLIBS) -lmbedcrypto

test: deps all
	$(Q)$(PYTHON) tests/run_all.py --out $(O)

# libFuzzer targets: one per parser of untrusted bytes. Each target's
# sources are FUZZ_SRCS_<name> (its own file is added), its extra flags
# FUZZ_FLAGS_<name> and libraries FUZZ_LIBS_<name>.
FUZZ_SECONDS ?= 60
# Corpora outside $(O), so that they survive `make clean` and grow run by run.
FUZZ_CORPUS ?= .fuzz-corpus
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Iinclude -Itools/libigvm -Itools/common
FUZZ_NAMES := igvm_parse pgalloc gpa utf8 protocol ghcb virtq virtio_pci \
	elf_parse cpio syscall vsock_pkt vtpm vc_decode ovmf_meta kbs_json store_open
FUZZ_TARGETS := $(patsubst %,$(O)/fuzz/%_fuzz,$(FUZZ_NAMES))
FUZZ_KERNEL_SRCS := $(FAKE_CORE_SRCS) kernel/base/log.c kernel/base/lib_check.c \
	lib/format.c

FUZZ_SRCS_igvm_parse := $(LIBIGVM_SRCS)
FUZZ_LIBS_igvm_parse := $(HOST_LDLIBS)
FUZZ_SRCS_pgalloc := kernel/mm/pgalloc.c kernel/mm/heap.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_pgalloc := $(HOSTED_KERNEL_INC)
# A small reservation table, so fuzz inputs can fill it.
FUZZ_SRCS_gpa := kernel/mm/gpa.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_gpa := $(HOSTED_KERNEL_INC) -DGPA_MAX_RESERVED=24
FUZZ_SRCS_utf8 := lib/str.c kernel/mm/pgalloc.c kernel/mm/heap.c \
	$(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_utf8 := $(HOSTED_KERNEL_INC)
# The SVSM's SNP request path on the model, as the unit binary has it;
# the SNP code outside the unit binary also needs the shared-page pool
# (the APs' GHCBs) and the hosted platform hooks it calls.
SNP_HOSTED_LINK_SRCS := kernel/drivers/shared.c $(HOSTED_PLAT_SRCS)
FUZZ_SRCS_protocol := $(SNP_HOSTED_SRCS) $(SNP_HOSTED_LINK_SRCS) $(FAKE_SRCS) $(SIM_SRCS)
FUZZ_FLAGS_protocol := $(HOSTED_KERNEL_INC)
FUZZ_LIBS_protocol := -lmbedcrypto -lcrypto
# The vTPM protocol's decoding, with a stub channel in the target itself.
FUZZ_SRCS_vtpm := $(filter-out kernel/vtpm/chan_proc.c,$(FUZZ_SRCS_protocol))
FUZZ_FLAGS_vtpm := $(HOSTED_KERNEL_INC)
FUZZ_LIBS_vtpm := $(FUZZ_LIBS_protocol)
FUZZ_SRCS_ghcb := $(FUZZ_SRCS_protocol)
FUZZ_FLAGS_ghcb := $(HOSTED_KERNEL_INC)
FUZZ_LIBS_ghcb := $(FUZZ_LIBS_protocol)

# The used ring and virtio-blk's configuration, from a fake device.
FUZZ_SRCS_virtq := $(VIRTIO_HOSTED_SRCS) $(HOSTED_PLAT_SRCS) tests/unit/fake_virtio.c \
	kernel/mm/pgalloc.c kernel/mm/heap.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_virtq := $(HOSTED_KERNEL_INC) -Itests/unit
# PCI configuration space and virtio-pci registers; the file is the machine.
FUZZ_SRCS_virtio_pci := $(VIRTIO_HOSTED_SRCS) $(HOSTED_PLAT_SRCS) kernel/drivers/pci/pci.c \
	kernel/drivers/virtio/virtio_pci.c kernel/mm/pgalloc.c kernel/mm/heap.c \
	kernel/base/err.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_virtio_pci := $(HOSTED_KERNEL_INC)
FUZZ_SRCS_elf_parse := kernel/task/elf.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_elf_parse := $(HOSTED_KERNEL_INC)
FUZZ_SRCS_cpio := kernel/fs/cpio.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_cpio := $(HOSTED_KERNEL_INC)
# The task syscall layer and the file system on the fake arch; the target
# includes the task room's own header (kernel/task/task_int.h).
FUZZ_SRCS_syscall := kernel/task/syscall.c kernel/task/sys_file.c \
	kernel/task/sys_mem.c kernel/task/uvm.c kernel/fs/ramfs.c \
	kernel/fs/vfs.c kernel/mm/pgtable.c kernel/mm/pgalloc.c \
	kernel/mm/heap.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_syscall := $(HOSTED_KERNEL_INC) -Ikernel/task

# The #VC instruction decoder of the SNP platform, and the user-mode
# CPUID path on it.
FUZZ_SRCS_vc_decode := kernel/plat/snp/vc_decode.c kernel/plat/snp/vc_user.c \
	kernel/plat/snp/vc.c kernel/plat/snp/cpuid.c kernel/plat/snp/ghcb.c \
	$(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_vc_decode := $(HOSTED_KERNEL_INC)

# The firmware's SEV metadata, against the host tools' parser.
FUZZ_SRCS_ovmf_meta := kernel/plat/snp/ovmf_meta.c \
	$(filter-out $(IDBLOCK_SRCS),$(LIBMEASURE_SRCS)) \
	$(LIBIGVM_SRCS) $(TOOLS_COMMON_SRCS)
FUZZ_FLAGS_ovmf_meta := $(HOSTED_KERNEL_INC) -Itools/libmeasure
FUZZ_LIBS_ovmf_meta := $(HOST_LDLIBS)

# virtio-vsock packets and connections, from the fake device and peer.
FUZZ_SRCS_vsock_pkt := $(VIRTIO_HOSTED_SRCS) $(HOSTED_PLAT_SRCS) tests/unit/fake_vsock.c \
	kernel/mm/pgalloc.c kernel/mm/heap.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_vsock_pkt := $(HOSTED_KERNEL_INC) -Itests/unit

# The key-broker client's parsers: JSON, base64, the JWE, the frames.
FUZZ_SRCS_kbs_json := $(filter-out kernel/attest/kbs_snp.c \
	kernel/attest/kbs_vsock.c,$(KBS_SRCS)) kernel/mm/pgalloc.c \
	kernel/mm/heap.c $(FUZZ_KERNEL_SRCS) $(KBS_FUZZ_NIST_KW)
FUZZ_FLAGS_kbs_json := $(HOSTED_KERNEL_INC) -Ikernel/attest
FUZZ_LIBS_kbs_json := -lmbedcrypto
# Opening a hostile disk with the store, on the stopping fake disk.
FUZZ_SRCS_store_open := $(STORE_SRCS) kernel/plat/snp/crypto_mbedtls.c \
	kernel/block/block.c tests/unit/fake_disk.c kernel/mm/pgalloc.c \
	kernel/mm/heap.c kernel/base/err.c $(FUZZ_KERNEL_SRCS)
FUZZ_FLAGS_store_open := $(HOSTED_KERNEL_INC) -Itests/unit -Ikernel/store
FUZZ_LIBS_store_open := -lmbedcrypto

define fuzz_rule
$(O)/fuzz/$(1)_fuzz: tests/fuzz/$(1)_fuzz.c $$(sort $$(FUZZ_SRCS_$(1)))
	@mkdir -p $$(dir $$@)
	@echo "  FUZZ    $$@"
	$$(Q)$$(CLANG) $$(FUZZ_CFLAGS) $$(FUZZ_FLAGS_$(1)) -o $$@ $$^ \
		$$(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(t))))

$(O)/fuzz/igvm_seed: tests/fuzz/igvm_seed.c $(LIBIGVM_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O1 -Iinclude -Itools/libigvm -Itools/common \
		-o $@ $^ $(HOST_LDLIBS)

# Seeds the IGVM corpus, then runs each target for FUZZ_SECONDS and prints
# one summary line per target (scripts/fuzz.py; full logs in $(O)/fuzz/).
fuzz: deps $(FUZZ_TARGETS) $(O)/fuzz/igvm_seed $(KERNEL_IGVM_SEED)
	$(Q)mkdir -p $(FUZZ_CORPUS)/igvm_parse
	$(Q)$(O)/fuzz/igvm_seed $(FUZZ_CORPUS)/igvm_parse
	$(Q)cp $(KERNEL_IGVM_SEED) $(FUZZ_CORPUS)/igvm_parse/svsm.igvm
	$(Q)$(PYTHON) tests/fuzz/virtio_pci_seed.py $(FUZZ_CORPUS)/virtio_pci
	$(Q)$(PYTHON) scripts/fuzz.py --out $(O)/fuzz --corpus $(FUZZ_CORPUS) \
		--seconds $(FUZZ_SECONDS) --max-len igvm_parse=65536 \
		--max-len virtio_pci=8192 --max-len store_open=16384 $(FUZZ_NAMES)

$(O)/bench/alloc_bench: bench/alloc_bench.c kernel/mm/pgalloc.c kernel/mm/heap.c \
		$(FAKE_CORE_SRCS) kernel/base/log.c lib/format.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 $(HOSTED_KERNEL_INC) -o $@ $^

$(O)/bench/measure_bench: bench/measure_bench.c tools/libmeasure/snp.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Iinclude -Itools/libmeasure -o $@ $^ \
		-lcrypto -lpthread

# The SVSM's request path on the model, optimised, for callgrind.
$(O)/bench/protocol_bench: bench/protocol_bench.c $(FUZZ_SRCS_protocol)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g $(HOSTED_KERNEL_INC) -o $@ $^ \
		-lmbedcrypto -lcrypto

# The SEV-SNP launch end to end on the model (tests/unit/snp_e2e_fixture.h),
# optimised, for callgrind: the SVSM's boot, firmware start and loop turn.
SNP_BOOT_BENCH_SRCS := bench/snp_boot_bench.c $(addprefix tests/unit/, \
	snp_e2e_fixture.c sim_load_fixture.c slf_svsm.c ovmf_image_fixture.c \
	launcher_helpers.c sim_psp_fixture.c) \
	$(SNP_HOSTED_SRCS) $(SNP_HOSTED_LINK_SRCS) $(FAKE_SRCS) $(SIM_SRCS) \
	$(SIM_LAUNCH_SRCS) $(LIBIGVM_SRCS) $(LIBMEASURE_SRCS) $(TOOLS_COMMON_SRCS) \
	$(filter-out tools/csvsm-igvm/main.c tools/csvsm-igvm/cmd_%.c,$(CSVSM_IGVM_SRCS)) \
	kernel/core/boot_params.c kernel/core/cmdline.c tools/csvsm-run/plan.c tools/csvsm-run/vpctx.c
$(O)/bench/snp_boot_bench: $(SNP_BOOT_BENCH_SRCS)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g $(HOSTED_KERNEL_INC) -Itests/unit \
		-Itools/libigvm -Itools/common -Itools/csvsm-run \
		-Itools/csvsm-igvm -Itools/libmeasure -o $@ $^ $(HOST_LDLIBS) \
		-lmbedcrypto -lcrypto

# The vTPM protocol path on the model with a stub channel, for callgrind.
$(O)/bench/vtpm_proto_bench: bench/vtpm_proto_bench.c $(FUZZ_SRCS_vtpm)
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g $(HOSTED_KERNEL_INC) -o $@ $^ \
		-lmbedcrypto -lcrypto

# The store on an in-memory disk, optimised.
$(O)/bench/store_bench: bench/store_bench.c $(STORE_SRCS) \
		kernel/plat/snp/crypto_mbedtls.c kernel/block/block.c \
		tests/unit/fake_disk.c kernel/mm/pgalloc.c kernel/mm/heap.c \
		kernel/fs/ramfs.c kernel/fs/vfs.c kernel/fs/persist.c \
		kernel/base/err.c $(FAKE_CORE_SRCS) kernel/base/log.c \
		kernel/base/lib_check.c lib/format.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 $(HOSTED_KERNEL_INC) -Itests/unit -o $@ \
		$^ -lmbedcrypto


# csvsm against Debian's Linux kernel on the same QEMU: one static program
# (bench/iobench.c) as a task of the bench image and as Linux's init.
BENCH_IOBENCH := $(O)/bench/iobench
BENCH_INITFS := $(O)/bench/initfs.cpio
BENCH_ELF := $(O)/svsm-bench.elf
BENCH_IGVM := $(O)/svsm-bench.igvm

$(BENCH_IOBENCH): bench/iobench.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $<

# A vTPM program that echoes each command: the channel's own cost.
BENCH_VTPMECHO := $(O)/bench/vtpmecho
$(BENCH_VTPMECHO): bench/vtpmecho.c
	@mkdir -p $(dir $@)
	@echo "  USERCC  $<"
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $<

$(BENCH_INITFS): user/mkcpio.py $(BENCH_IOBENCH) $(BENCH_VTPMECHO)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) user/mkcpio.py $@ bin/iobench=$(BENCH_IOBENCH) \
		bin/vtpmecho=$(BENCH_VTPMECHO)

# The root file-system wrapper of the test image, around this archive.
$(O)/bench-obj/initfs.S.o: kernel/arch/x86_64/test_initfs.S $(BENCH_INITFS)
	@mkdir -p $(dir $@)
	@echo "  KAS     $< (bench)"
	$(Q)$(KCC) $(KERNEL_ASFLAGS) -DINITFS_PATH='"$(BENCH_INITFS)"' \
		-c -o $@ $<

$(BENCH_ELF): $(KERNEL_OBJS) $(call kobj,bench/svsm_bench_main.c) \
		$(O)/bench-obj/initfs.S.o $(KERNEL_LDS)
	@echo "  LD      $@"
	$(Q)ld $(KERNEL_LDFLAGS) -T $(KERNEL_LDS) -o $@ $(filter %.o,$^)

# Every image carries the crypto (the store's, mk/mbedtls.mk).
$(BENCH_ELF): $(call kobj,$(KERNEL_CRYPTO_SRCS) $(KERNEL_KBS_SRCS)) \
	$(MBEDTLS_OBJS)

# Tasks need the test image's larger region.
$(BENCH_IGVM): IGVM_BUILD_ARGS := --region-base $(SVSM_BASE) \
	--region-size $(SVSM_TEST_SIZE)

bench: deps all $(O)/bench/alloc_bench $(O)/bench/measure_bench \
		$(O)/bench/protocol_bench $(O)/bench/vtpm_proto_bench \
		$(O)/bench/store_bench $(O)/bench/snp_boot_bench $(BENCH_IGVM)
	$(Q)scripts/fetch_linux.sh .deps/linux
	$(Q)$(PYTHON) bench/run.py --out $(O) --linux .deps/linux
