# SPDX-License-Identifier: MIT
"""An IGVM writer and reader for the tool tests, standard library only.

Written from igvm_defs 0.4.0 (IGVM_FIXED_HEADER, the variable headers,
IGVM_VHS_* bodies, the CRC-32 checksum over the fixed and variable
headers), independently of libigvm, so the tools' parser is checked
against a second writer.
"""
import struct
import zlib

from checks import expect

# igvm_defs 0.4.0, IgvmVariableHeaderType type ids; IGVM_VHS_* enums.
SUPPORTED_PLATFORM, GUEST_POLICY = 0x001, 0x101
PARAMETER_AREA, PAGE_DATA, PARAMETER_INSERT, VP_CONTEXT = 0x301, 0x302, 0x303, 0x304
VP_COUNT, SNP_ID_BLOCK = 0x307, 0x30B
SNP, NATIVE = 1, 2  # compatibility mask bits
POLICY = 0x30000


def platform(mask, ptype):
    return (SUPPORTED_PLATFORM, struct.pack("<IBBHQ", mask, 0, ptype, 1, 0), None)


def page(gpa, mask, data=None, dtype=0, flags=0):
    """PAGE_DATA; the file_offset at body offset 12 is filled in later."""
    return (PAGE_DATA, struct.pack("<QIIIHH", gpa, mask, 0, flags, dtype, 0), data)


UNMEASURED_FLAG = 2  # PAGE_DATA flags bit 1


def make_igvm(path, policy=POLICY, snp=True, native=True, unmeasured=None,
              area_bytes=4096):
    """A small SNP + NATIVE file. unmeasured: data for an SNP PAGE_DATA page
    with the UNMEASURED flag; area_bytes: the parameter area's size."""
    hdrs = []
    if snp:
        hdrs.append(platform(SNP, 2))
    if native:
        hdrs.append(platform(NATIVE, 0))
    if snp and policy is not None:
        hdrs.append((GUEST_POLICY, struct.pack("<QII", policy, SNP, 0), None))
    hdrs.append((PARAMETER_AREA, struct.pack("<QII", area_bytes, 0, 0), None))
    hdrs.append((VP_COUNT, struct.pack("<II", 0, 0), None))
    mask = (SNP if snp else 0) | (NATIVE if native else 0)
    hdrs.append((PARAMETER_INSERT, struct.pack("<QII", 0x5000, mask, 0), None))
    hdrs.append(page(0x1000, mask, bytes((i * 7 + 1) & 0xff for i in range(4096))))
    hdrs.append(page(0x2000, mask))                  # zero page, no data
    if snp:
        hdrs.append(page(0x3000, SNP, dtype=1))      # SECRETS
        hdrs.append(page(0x4000, SNP, b"\x42" * 4096))
        if unmeasured is not None:
            hdrs.append(page(0x6000, SNP, unmeasured, flags=UNMEASURED_FLAG))
        hdrs.append((VP_CONTEXT, struct.pack("<QIIHH", 0xFFFFFFFFF000, SNP, 0, 0, 0),
                     bytes((i * 3) & 0xff for i in range(4096))))
    if native:
        hdrs.append(page(0x4000, NATIVE, b"\x24" * 4096))
    write_igvm(path, hdrs)


def write_igvm(path, hdrs):
    fixed = 24
    vh_size = sum(8 + (len(b) + 7) // 8 * 8 for _, b, _ in hdrs)
    pos = fixed + vh_size
    vh, data = b"", b""
    for t, body, blob in hdrs:
        if blob is not None:
            fo_field = 12 if t in (PAGE_DATA, VP_CONTEXT) else None
            body = body[:fo_field] + struct.pack("<I", pos) + body[fo_field + 4:]
            data += blob
            pos += len(blob)
        vh += struct.pack("<II", t, len(body)) + body + b"\0" * (-len(body) % 8)
    total = fixed + len(vh) + len(data)
    head = struct.pack("<6I", 0x4D564749, 1, fixed, len(vh), total, 0)
    csum = zlib.crc32(head + vh) & 0xFFFFFFFF
    with open(path, "wb") as f:
        f.write(struct.pack("<6I", 0x4D564749, 1, fixed, len(vh), total, csum)
                + vh + data)


def read_igvm(path):
    """Returns (bytes, [(type, body, body_file_offset)])."""
    with open(path, "rb") as f:
        buf = f.read()
    magic, ver, off, size, total, _ = struct.unpack_from("<6I", buf)
    expect(magic == 0x4D564749 and total == len(buf), f"{path}: not IGVM")
    hdrs, pos = [], off
    while pos < off + size:
        t, n = struct.unpack_from("<II", buf, pos)
        hdrs.append((t, buf[pos + 8:pos + 8 + n], pos + 8))
        pos += 8 + (n + 7) // 8 * 8
    return buf, hdrs


def reseal(buf):
    """Recomputes the checksum after an edit (igvm_defs 0.4.0, IGVM_FIXED_HEADER.checksum)."""
    _, ver, off, size, _, _ = struct.unpack_from("<6I", buf)
    fixed = 24 if ver == 1 else 32
    head = bytearray(buf[:fixed])
    head[20:24] = b"\0\0\0\0"
    csum = zlib.crc32(bytes(head) + buf[off:off + size]) & 0xFFFFFFFF
    return buf[:20] + struct.pack("<I", csum) + buf[24:]
