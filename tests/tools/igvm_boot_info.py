# SPDX-License-Identifier: MIT
"""Finding csvsm's boot-info page in an IGVM file, through `csvsm-igvm dump --json`.

Shared by initfs_cli.py and provenance_cli.py. The native platform's boot
vCPU gets the page's address in RSI (include/abi/csvsm_boot.h); the VMSA
layout puts RSI at offset 48 of the VP context's register block as the
builder writes it.
"""
import json
import struct

from checks import expect, sh


def native_boot_info(tool, path):
    """(file offset of the boot-info page, {gpa: native PAGE_DATA header},
    the file's bytes)."""
    rc, out = sh([tool, "dump", "--json", path])
    expect(rc == 0, "dump", out)
    d = json.loads(out)
    with open(path, "rb") as f:
        data = f.read()
    native = [p["compatibility_mask"] for p in d["platforms"]
              if p["type"] == "NATIVE"][0]
    vp = [h for h in d["headers"] if h["type"] == "VP_CONTEXT" and
          h["compatibility_mask"] & native][0]
    rsi = struct.unpack_from("<Q", data, vp["file_offset"] + 48)[0]
    pages = {int(h["gpa"], 16): h for h in d["headers"]
             if h["type"] == "PAGE_DATA" and h["compatibility_mask"] & native}
    return pages[rsi]["file_offset"], pages, data
