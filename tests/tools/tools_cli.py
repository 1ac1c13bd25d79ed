#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Command-line checks of csvsm-igvm `mrtd` and `dump` on the built binaries.

Each check is a function named check_*; it raises AssertionError (with a
message) to fail. The last line printed is "N passed, N failed". Expected
values: td-shim's td-shim-tools/src/tee_info_hash.rs and
td_shim_tee_info_hash.py on Debian's OVMF.fd (single pass), dstack-mr's
two-pass order; the TDX
IGVM check recomputes its MRTD here with hashlib, independently of the C code.
Standard library only.
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh_split

OUT = "out"
OVMF = "/usr/share/ovmf/OVMF.fd"
OVMF_NO_TDX = "/usr/share/OVMF/OVMF_CODE_4M.fd"
# td-shim td_shim_tee_info_hash.py on Debian OVMF.fd (single pass) and the two-pass order.
MRTD_SINGLE = ("4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057"
               "fb887fed0744d5631a212967fb231c47")
MRTD_TWO = ("acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b3"
            "3db3b32e6924cba830a724eed443f7e1")
BOOT_INFO_MAGIC = 0x4d565343  # include/abi/csvsm_boot.h


def tool(*args):
    return sh_split([os.path.join(OUT, "tools", "csvsm-igvm"), *args])


def expect_one_line_error(rc, out, err, want_rc=1):
    expect(rc == want_rc, f"exit {rc}, want {want_rc}", out + err)
    expect(out == "", "stdout not empty on error", out)
    lines = err.strip().splitlines()
    expect(len(lines) == 1 and lines[0].startswith("csvsm-igvm: "),
           "not a one-line error", err)


def check_mrtd_ovmf_single_pass():
    rc, out, err = tool("mrtd", "--ovmf", OVMF)
    expect(rc == 0 and out == MRTD_SINGLE + "\n", f"exit {rc}", out + err)


def check_mrtd_ovmf_two_pass():
    rc, out, err = tool("mrtd", "--ovmf", OVMF, "--two-pass")
    expect(rc == 0 and out == MRTD_TWO + "\n", f"exit {rc}", out + err)


def check_mrtd_output_format():
    rc, out, err = tool("mrtd", "--ovmf", OVMF, "--output-format", "base64")
    expect(rc == 0, f"exit {rc}", err)
    expect(base64.b64decode(out.strip(), validate=True) ==
           bytes.fromhex(MRTD_SINGLE), "base64 does not decode to the MRTD", out)
    rc, out, err = tool("mrtd", "--ovmf", OVMF, "--output-format", "hex")
    expect(rc == 0 and out.strip() == MRTD_SINGLE, "hex differs", out + err)


def check_mrtd_without_tdx_metadata_fails():
    rc, out, err = tool("mrtd", "--ovmf", OVMF_NO_TDX)
    expect_one_line_error(rc, out, err)
    expect("TDX" in err, "error does not say what is missing", err)


def check_mrtd_igvm_without_tdx_platform_fails():
    rc, out, err = tool("mrtd", "--igvm", os.path.join(OUT, "svsm.igvm"))
    expect_one_line_error(rc, out, err)
    expect("no TDX platform" in err, "unclear error", err)


def check_mrtd_usage_errors():
    for args in ([], ["--ovmf", OVMF, "--igvm", "x"], ["--ovmf", OVMF, "extra"],
                 ["--ovmf", OVMF, "--output-format", "octal"],
                 ["--ovmf", OVMF, "--zero-page-add-only"], ["--bogus"]):
        rc, out, err = tool("mrtd", *args)
        expect(rc == 2, f"{args}: exit {rc}, want 2", out + err)


def page_add(gpa):
    """td-shim td-shim-tools/src/tee_info_hash.rs: the 128-byte TDH.MEM.PAGE.ADD block."""
    return b"MEM.PAGE.ADD".ljust(16, b"\0") + struct.pack("<Q", gpa) + bytes(104)


def extend_page(gpa, data):
    """td-shim td-shim-tools/src/tee_info_hash.rs: 16 TDH.MR.EXTEND blocks, each followed by 256 data bytes."""
    return b"".join(b"MR.EXTEND".ljust(16, b"\0") +
                    struct.pack("<Q", gpa + o) + bytes(104) + data[o:o + 256]
                    for o in range(0, 4096, 256))


def tdx_igvm():
    """A v1 IGVM file (igvm_defs 0.4.0): a TDX platform, a 2-page parameter area, a data
    page, a zero page, an unmeasured page, a shared page and the insert."""
    tdx = 4
    page = bytes(i & 0xff for i in range(4096))
    tlvs = [(0x001, struct.pack("<IBBHQ", tdx, 0, 3, 1, 0)),
            (0x301, struct.pack("<QII", 0x2000, 0, 0))]
    pages = [(0x100000, 0, True), (0x101000, 0, False),
             (0x102000, 2, True), (0x103000, 4, True)]
    var = b""
    for t, body in tlvs:
        var += struct.pack("<II", t, len(body)) + body
    data_start = 24 + len(var) + 32 * len(pages) + 24
    for gpa, flags, has_data in pages:
        body = struct.pack("<QIIIHH", gpa, tdx, data_start if has_data else 0,
                           flags, 0, 0)
        var += struct.pack("<II", 0x302, len(body)) + body
    body = struct.pack("<QII", 0x200000, tdx, 0)
    var += struct.pack("<II", 0x303, len(body)) + body
    total = 24 + len(var) + len(page)
    assert 24 + len(var) == data_start
    hdr = struct.pack("<6I", 0x4D564749, 1, 24, len(var), total, 0)
    crc = zlib.crc32(hdr + var)
    blob = struct.pack("<6I", 0x4D564749, 1, 24, len(var), total, crc) + var + page
    # The igvm crate's semantics, igvm 0.4.0 igvm/src/measurement/tdx.rs (the tool's defaults).
    ops = [page_add(0x100000), extend_page(0x100000, page),
           page_add(0x101000), extend_page(0x101000, bytes(4096)),
           page_add(0x102000), page_add(0x200000), page_add(0x201000)]
    return blob, hashlib.sha384(b"".join(ops)).hexdigest()


def check_mrtd_igvm_matches_independent_computation():
    blob, want = tdx_igvm()
    with tempfile.NamedTemporaryFile(suffix=".igvm") as f:
        f.write(blob)
        f.flush()
        rc, out, err = tool("mrtd", "--igvm", f.name)
        expect(rc == 0 and out.strip() == want, f"exit {rc}, want {want}",
               out + err)
        rc, dump, err = tool("dump", "--json", f.name)
        expect(rc == 0 and json.loads(dump)["platforms"][0]["type"] == "TDX",
               "dump of the TDX file", dump + err)
        for switch in ("--two-pass", "--zero-page-add-only",
                       "--ignore-parameter-areas"):
            rc, other, err = tool("mrtd", "--igvm", f.name, switch)
            expect(rc == 0 and other.strip() not in ("", want),
                   f"{switch} did not change the value", other + err)


def dump_json():
    rc, out, err = tool("dump", "--json", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, f"exit {rc}", err)
    return json.loads(out)


def check_dump_text_lists_platform_and_directives():
    rc, out, err = tool("dump", os.path.join(OUT, "svsm.igvm"))
    expect(rc == 0, f"exit {rc}", err)
    for needle in ("FIXED HEADER", "checksum_valid           yes", "PLATFORMS",
                   "  - NATIVE ", "HEADERS", "SUPPORTED_PLATFORM",
                   "PARAMETER_AREA", "PAGE_DATA", "PARAMETER_INSERT",
                   "REQUIRED_MEMORY", "VP_CONTEXT", "MEMORY_MAP",
                   "VP_COUNT_PARAMETER", "COMMAND_LINE", "MEMORY MAP",
                   "PARAMETER AREAS", "SNP ID BLOCKS"):
        expect(needle in out, f"missing '{needle}'", out)


def check_dump_json_header_and_headers():
    d = dump_json()
    data = open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb").read()
    fh = d["fixed_header"]
    magic, ver, vho, vhs, total, csum = struct.unpack_from("<6I", data)
    fixed = 32 if ver == 2 else 24
    crc = zlib.crc32(data[:20] + bytes(4) + data[24:fixed] + data[vho:vho + vhs])
    expect(fh["magic"] == magic == 0x4D564749 and fh["format_version"] == ver,
           "magic/version", str(fh))
    expect(fh["total_file_size"] == total == len(data) == d["file_size"],
           "sizes", str(fh))
    expect(fh["checksum"] == csum == crc and fh["checksum_valid"] is True,
           "checksum", str(fh))
    hs = d["headers"]
    expect(len(hs) == fh["header_count"] and
           [h["file_pos"] for h in hs] == sorted(h["file_pos"] for h in hs),
           "headers not all listed in file order")
    expect(d["platforms"][0]["type"] == "NATIVE", "platforms[0]", str(d["platforms"]))
    expect(all(isinstance(h["gpa"], str) and h["gpa"].startswith("0x")
               for h in hs if "gpa" in h), "gpa not a 0x string")


def boot_info(d, data):
    """The csvsm boot-info page: RSI of the NATIVE VP context points at it."""
    native = [p["compatibility_mask"] for p in d["platforms"]
              if p["type"] == "NATIVE"][0]
    vp = [h for h in d["headers"] if h["type"] == "VP_CONTEXT" and
          h["compatibility_mask"] & native]
    expect(len(vp) == 1, "one NATIVE VP context", str(vp))
    rsi = struct.unpack_from("<Q", data, vp[0]["file_offset"] + 48)[0]
    pg = [h for h in d["headers"] if h["type"] == "PAGE_DATA" and
          int(h["gpa"], 16) == rsi and h["compatibility_mask"] & native]
    expect(len(pg) == 1 and pg[0]["file_offset"], "boot-info page", str(pg))
    f = struct.unpack_from("<II10Q", data, pg[0]["file_offset"])
    expect(f[0] == BOOT_INFO_MAGIC, "boot-info magic", hex(f[0]))
    return {"memmap": f[6], "vp_count": f[8], "cmdline": f[9]}, vp[0]


def check_dump_json_parameter_areas_and_memory_map():
    d = dump_json()
    data = open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb").read()
    bi, vp = boot_info(d, data)
    areas = {a["parameter_area_index"]: a for a in d["parameter_areas"]}
    want = {0: ("memmap", "MEMORY_MAP"), 1: ("vp_count", "VP_COUNT_PARAMETER"),
            2: ("cmdline", "COMMAND_LINE")}
    for i, (field, ptype) in want.items():
        a = areas.get(i)
        expect(a is not None and a["inserted_gpa"] == hex(bi[field]),
               f"area {i} not inserted at {hex(bi[field])}", str(a))
        expect([p["type"] for p in a["parameters"]] == [ptype],
               f"area {i} parameters", str(a))
    mm = [e for e in d["memory_map"] if e["platform"] == "NATIVE"]
    for i, (field, _) in want.items():
        expect(any(e["kind"] == "PARAMETER_AREA" and e["start"] == hex(bi[field])
                   and e["parameter_area_index"] == i and e["size"] == 4096
                   for e in mm), f"memory map lacks area {i}", str(mm))
    vps = [e for e in mm if e["kind"] == "VP_CONTEXT"]
    expect(len(vps) == 1 and vps[0]["start"] == vp["gpa"] and
           vps[0]["vp_index"] == 0, "VP context entry", str(vps))
    runs = [e for e in mm if e["kind"] == "PAGE_DATA"]
    pages = sum(1 for h in d["headers"] if h["type"] == "PAGE_DATA" and
                h["compatibility_mask"] & vp["compatibility_mask"])
    expect(runs and sum(e["pages"] for e in runs) == pages and
           len(runs) < pages, "page data not merged into runs", str(runs))
    expect(not any(e["overlap"] for e in mm), "overlap in the map", str(mm))


def check_dump_bad_files_fail_with_one_line():
    data = open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb").read()
    for blob in (data[:10], data[:100], data[:len(data) // 2], data[:-1],
                 b"IGVM" + os.urandom(200), b""):
        for args in ([], ["--json"]):
            with tempfile.NamedTemporaryFile(suffix=".igvm") as f:
                f.write(blob)
                f.flush()
                rc, out, err = tool("dump", *args, f.name)
            expect_one_line_error(rc, out, err)
    rc, out, err = tool("dump", "/nonexistent.igvm")
    expect_one_line_error(rc, out, err)
    rc, out, err = tool("dump")
    expect(rc == 2, f"no file: exit {rc}", out + err)


def check_dump_json_escapes_strings():
    data = open(os.path.join(ROOT, OUT, "svsm.igvm"), "rb").read()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'a"b\\c\nd\te\u00e9.igvm')
        with open(path, "wb") as f:
            f.write(data)
        rc, out, err = tool("dump", "--json", path)
        expect(rc == 0 and json.loads(out)["file"] == path, "file name", out + err)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
