#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The model launch's digest against `csvsm-igvm measure` and `openssl`.

For csvsm's own out/svsm.igvm (two kernels and, as `make` builds it,
Debian 13's OVMF.fd under the SNP mask), for the same file without the
firmware, for the native kernel alone with Debian 12's OVMF.fd as the
firmware, and with 4 vCPUs: runs `out/tests/unit_tests
--fixture snp_launch_export` (tests/unit/snp_launch_attest_test.c), which loads the
file with the model's IGVM loader (sim/loader.c), launches it on the model
secure processor and obtains an attestation report through the SVSM's
attestation protocol, and exports the loader's digest (ld.hex), the report
(report.bin) and the model VCEK (vcek.pem). Checked here, independently of
the C code: the digest equals what the `csvsm-igvm measure` command line
prints; the report's MEASUREMENT (0x90) and POLICY (0x08) are that digest
and the file's policy (`measure --json`); `openssl dgst -sha384 -verify`
accepts the report and refuses it with MEASUREMENT changed. The same
for the end-to-end test's files (with its synthetic firmware, and with
the firmware `make` built into out/svsm.igvm at its real addresses) and
the reports its model guest obtained through the SVSM's request loop
after the SVSM's own boot (`--fixture snp_e2e_export`,
tests/unit/snp_e2e_test.c), and for out/svsm.igvm itself launched end to
end (`--fixture snp_e2e_svsm_export`). Report
layout: AMD 56860, ATTESTATION_REPORT. The last line is "N passed, N
failed".
"""
import json
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import expect, sh
import snp_report
from snp_report import flipped

OUT = "out"
OVMF_FD = "/usr/share/ovmf/OVMF.fd"
OFF_POLICY, OFF_MEASUREMENT = 0x08, 0x90


def measure(path, vcpus=1):
    """(digest, policy) as `csvsm-igvm measure --json` prints them."""
    tool = os.path.join(OUT, "tools", "csvsm-igvm")
    rc, text = sh([tool, "measure", "--json", "--vcpus", str(vcpus), path])
    expect(rc == 0, f"measure {path}: exit {rc}", text)
    snp = json.loads(text)["snp"]
    rc, plain = sh([tool, "measure", "--vcpus", str(vcpus), path])
    expect(rc == 0 and plain.strip() == snp["launch_digest"],
           "measure and measure --json disagree", plain)
    return snp["launch_digest"], int(snp["policy"], 16)


def launch(path, vcpus=1):
    """The model launch's exports: {name: bytes}."""
    d = tempfile.mkdtemp(prefix="snp_launch_")
    try:
        env = dict(os.environ, SIM_LOAD_IGVM=path, SIM_LOAD_EXPORT_DIR=d,
                   SIM_LOAD_VCPUS=str(vcpus))
        rc, text = sh([os.path.join(OUT, "tests", "unit_tests"),
                       "--fixture", "snp_launch_export"], env=env)
        expect(rc == 0 and text.rstrip().endswith("snp_launch_export: ok"),
               f"unit_tests --fixture snp_launch_export on {path}: exit {rc}", text)
        files = {}
        for name in ("ld.hex", "report.bin", "vcek.pem"):
            with open(os.path.join(d, name), "rb") as f:
                files[name] = f.read()
        return files
    finally:
        shutil.rmtree(d, True)


def same_launch(path, vcpus=1):
    digest, policy = measure(path, vcpus)
    expect_report(launch(path, vcpus), digest, policy)


def expect_report(e, digest, policy):
    """The exports carry measure's digest and policy; openssl agrees."""
    expect(e["ld.hex"].decode().strip() == digest,
           f"loader {e['ld.hex'].decode().strip()}, measure {digest}")
    r = e["report.bin"]
    expect(len(r) == snp_report.REPORT_SIZE, f"report of {len(r)} bytes")
    expect(r[OFF_MEASUREMENT:OFF_MEASUREMENT + 48].hex() == digest,
           "the report's MEASUREMENT is not the digest measure prints")
    expect(struct.unpack_from("<Q", r, OFF_POLICY)[0] == policy,
           "the report's POLICY is not the file's")
    expect(snp_report.openssl_verify(r, e["vcek.pem"]),
           "openssl refused the report")
    expect(not snp_report.openssl_verify(flipped(r, OFF_MEASUREMENT + 47),
                                         e["vcek.pem"]),
           "openssl accepted the report with MEASUREMENT changed")


def firmware_pages(path):
    """The file's pages in the 16 MiB below 4 GiB, where firmware goes:
    {gpa: compatibility mask} (`csvsm-igvm dump --json`)."""
    rc, text = sh([os.path.join(OUT, "tools", "csvsm-igvm"), "dump",
                   "--json", path])
    expect(rc == 0, f"dump {path}: exit {rc}", text)
    return {int(h["gpa"], 16): h["compatibility_mask"]
            for h in json.loads(text)["headers"]
            if h["type"] == "PAGE_DATA" and
            (1 << 32) - (16 << 20) <= int(h["gpa"], 16) < 1 << 32}


def check_svsm_igvm():
    path = os.path.join(OUT, "svsm.igvm")
    with open(os.path.join(OUT, "svsm-firmware.txt")) as f:
        firmware = f.read().strip()
    expect(firmware, "make built out/svsm.igvm without a firmware")
    pages = firmware_pages(path)
    expect(len(pages) * 4096 == os.path.getsize(firmware),
           f"{len(pages)} firmware pages in the file for {firmware}")
    same_launch(path)


def check_svsm_igvm_without_firmware():
    d = tempfile.mkdtemp(prefix="snp_launch_nofw_")
    try:
        path = os.path.join(d, "svsm-nofw.igvm")
        # make's arguments (mk/kernel.mk) but --firmware.
        initfs = os.path.join(OUT, "svsm-initfs.cpio")
        region = (["--region-size", "0x1000000", "--initfs", initfs]
                  if os.path.exists(initfs) else
                  ["--region-size", "0x400000"])
        rc, text = sh([os.path.join(OUT, "tools", "csvsm-igvm"), "build",
                       "--kernel", os.path.join(OUT, "svsm.elf"),
                       "--snp-kernel", os.path.join(OUT, "svsm-snp.elf"),
                       "--region-base", "0x1000000", *region,
                       "--provenance", os.path.join(OUT, "provenance.txt"),
                       "-o", path])
        expect(rc == 0, f"build without firmware: exit {rc}", text)
        expect(not firmware_pages(path), "pages below 4 GiB without firmware")
        expect(measure(path)[0] != measure(os.path.join(OUT, "svsm.igvm"))[0],
               "the firmware does not change the launch digest")
        same_launch(path)
    finally:
        shutil.rmtree(d, True)


def check_svsm_igvm_4_vcpus():
    same_launch(os.path.join(OUT, "svsm.igvm"), 4)


def check_with_ovmf_firmware():
    d = tempfile.mkdtemp(prefix="snp_launch_fw_")
    try:
        path = os.path.join(d, "svsm-fw.igvm")
        rc, text = sh([os.path.join(OUT, "tools", "csvsm-igvm"), "build",
                       "--kernel", os.path.join(OUT, "svsm.elf"),
                       "--firmware", OVMF_FD, "--policy", "0x30000",
                       "-o", path])
        expect(rc == 0, f"build with {OVMF_FD}: exit {rc}", text)
        same_launch(path)
    finally:
        shutil.rmtree(d, True)


def check_model_end_to_end():
    """The report the model guest obtained through the SVSM's request loop
    after the SVSM's own boot and firmware start (`--fixture
    snp_e2e_export`, tests/unit/snp_e2e_test.c), for each file that test
    built (2 vCPUs): with its synthetic firmware (e2e.igvm) and, when
    `make` built out/svsm.igvm with a firmware, with that firmware at its
    real addresses (e2e-fw.igvm, whose firmware pages are that file's)."""
    d = tempfile.mkdtemp(prefix="snp_e2e_")
    try:
        env = dict(os.environ, SIM_E2E_EXPORT_DIR=d)
        rc, text = sh([os.path.join(OUT, "tests", "unit_tests"),
                       "--fixture", "snp_e2e_export"], env=env)
        expect(rc == 0 and text.rstrip().endswith("snp_e2e_export: ok"),
               f"unit_tests --fixture snp_e2e_export: exit {rc}", text)
        with open(os.path.join(OUT, "svsm-firmware.txt")) as f:
            firmware = f.read().strip()
        suffixes = ["", "-fw"] if firmware else [""]
        expect(os.path.exists(os.path.join(d, "e2e-fw.igvm")) ==
               bool(firmware),
               f"e2e-fw.igvm exported, but make's firmware is '{firmware}'")
        for suffix in suffixes:
            files = {}
            for name in ("ld", "report", "vcek"):
                ext = {"ld": "hex", "report": "bin", "vcek": "pem"}[name]
                with open(os.path.join(d, f"{name}{suffix}.{ext}"),
                          "rb") as f:
                    files[f"{name}.{ext}"] = f.read()
            path = os.path.join(d, f"e2e{suffix}.igvm")
            digest, policy = measure(path, 2)
            expect_report(files, digest, policy)
        if firmware:
            # The built firmware's pages are the very file make carries.
            with open(firmware, "rb") as f:
                size = len(f.read())
            pages = firmware_pages(os.path.join(d, "e2e-fw.igvm"))
            expect(len(pages) * 4096 == size and
                   pages == firmware_pages(os.path.join(OUT, "svsm.igvm")),
                   "e2e-fw.igvm's firmware pages are not out/svsm.igvm's")
    finally:
        shutil.rmtree(d, True)


def check_model_end_to_end_svsm_igvm():
    """make's own out/svsm.igvm end to end (`--fixture snp_e2e_svsm_export`,
    tests/unit/snp_e2e_test.c): the model loader launches that very file
    (its SNP kernel's bytes, its firmware) with 2 vCPUs, the SVSM's boot
    and firmware start run hosted on the pages it placed, and the report
    its model guest obtained through the request loop carries the digest
    `csvsm-igvm measure --vcpus 2 out/svsm.igvm` prints and verifies with
    openssl."""
    with open(os.path.join(OUT, "svsm-firmware.txt")) as f:
        firmware = f.read().strip()
    expect(firmware, "make built out/svsm.igvm without a firmware")
    d = tempfile.mkdtemp(prefix="snp_e2e_svsm_")
    try:
        path = os.path.join(OUT, "svsm.igvm")
        env = dict(os.environ, SIM_E2E_EXPORT_DIR=d, SIM_E2E_IGVM=path,
                   SIM_E2E_SNP_ELF=os.path.join(OUT, "svsm-snp.elf"),
                   SIM_E2E_FIRMWARE=firmware)
        rc, text = sh([os.path.join(OUT, "tests", "unit_tests"),
                       "--fixture", "snp_e2e_svsm_export"], env=env)
        expect(rc == 0 and
               text.rstrip().endswith("snp_e2e_svsm_export: ok"),
               f"unit_tests --fixture snp_e2e_svsm_export: exit {rc}", text)
        files = {}
        for name in ("ld.hex", "report.bin", "vcek.pem"):
            with open(os.path.join(d, "svsm-" + name), "rb") as f:
                files[name] = f.read()
        digest, policy = measure(path, 2)
        expect_report(files, digest, policy)
    finally:
        shutil.rmtree(d, True)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
