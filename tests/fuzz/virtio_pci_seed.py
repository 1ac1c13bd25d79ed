#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a seed for virtio_pci_fuzz: the layout QEMU 7.2 gives
virtio-blk-pci,disable-legacy=on (vendor capabilities at 0x40-0x70 for the
common, ISR, device and notify structures in BAR 4, a 4 KiB BAR 1 and a
16 KiB 64-bit BAR 4), in the input format virtio_pci_fuzz.c reads: 256
bytes of configuration space, one BAR kind byte per BAR, then 4 KiB of
register contents."""
import os
import struct
import sys


def cap(cfg_type, offset, length, nxt, extra=b""):
    body = struct.pack("<BBBBBB2xII", 0x09, nxt, 16 + len(extra), cfg_type,
                       4, 0, offset, length)
    return body + extra


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cfg = bytearray(256)
    cfg[0x06] = 0x10  # status: capability list
    cfg[0x34] = 0x40
    cfg[0x40:0x50] = cap(1, 0x0000, 0x1000, 0x50)
    cfg[0x50:0x60] = cap(3, 0x1000, 0x1000, 0x60)
    cfg[0x60:0x70] = cap(4, 0x2000, 0x1000, 0x70)
    cfg[0x70:0x84] = cap(2, 0x3000, 0x1000, 0x00, struct.pack("<I", 4))
    # BAR kinds: 1 = 32-bit memory, 4 KiB; 0x0a = 64-bit memory, 16 KiB.
    bars = bytes([0, 1, 0, 0, 0x0A, 0])
    regs = bytearray(4096)
    struct.pack_into("<I", regs, 4, 1)      # device_feature: VERSION_1
    struct.pack_into("<H", regs, 18, 1)     # num_queues
    struct.pack_into("<H", regs, 24, 8)     # queue_size
    with open(os.path.join(out, "qemu_virtio_blk_pci"), "wb") as f:
        f.write(bytes(cfg) + bars + bytes(regs))


if __name__ == "__main__":
    main()
