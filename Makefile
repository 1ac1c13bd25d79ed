# SPDX-License-Identifier: MIT
#
# csvsm's single, non-recursive build. `make` builds the SVSM kernel, its
# IGVM file, the host tools and the tests into $(O). The pieces live in
# mk/*.mk; see docs/testing.md for the targets.
#
#   make            build everything          make run    boot the SVSM in QEMU
#   make test       run every test            make lint   format, tidy, unsafe sites
#   make fuzz       60 s per fuzz target      make clean  remove $(O)

SHELL := /bin/bash
O ?= out
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# The SVSM's static region (guest-physical), shared by the link and the builder.
SVSM_BASE ?= 0x1000000
SVSM_SIZE ?= 0x400000

CC := gcc
CLANG ?= clang
PYTHON ?= python3

.DEFAULT_GOAL := all
.PHONY: all deps run test bench fuzz lint format clean

include mk/kernel.mk
include mk/mbedtls.mk
include mk/host.mk
include mk/tests.mk
include mk/lint.mk

all: $(KERNEL_IGVM) $(TEST_IGVM) $(HOST_TOOLS) $(UNIT_TEST_BIN) $(VTPM_PROG)

deps:
	$(Q)scripts/deps.sh

run: deps all
	$(O)/tools/csvsm-run $(RUN_ARGS) $(KERNEL_IGVM)

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
