#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Key-broker figures: time from the start of attestation to the key
released, and the bytes on the wire, side by side in one run.

The SVSM's client (kernel/attest/) runs on the SEV-SNP model in
`out/tests/unit_tests --fixture kbs_model_fetch` (hosted, under ASan and
UBSan as the unit tests are built), through csvsm-aproxy to the test KBS
(tests/kbs/testkbs.py) over loopback HTTP, and over the same framing with
HTTPS. Each row is the median of RUNS attestations in one process (the
model launch is not counted: the clock starts at kbs_attest_fetch()).
The bytes are the SVSM's side of the framing (include/abi/kbs_proxy.h),
which is what crosses vsock or the serial port; the test-evidence row is
what the in-QEMU test over virtio-vsock sends too.

Then the store under the broker's key in QEMU (TCG, the production
kernels with the test broker pinned, tests/tools/kbs_store_cli.py): from
the vTPM service's start at boot to the key released and to /var/tpm
mounted (the boot log's own clock), over virtio-vsock and over COM3,
beside the same disk opened with the development key (no broker, no
counter). Median of QEMU_RUNS reboots each.
"""
import argparse
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))
import kbs_cli  # noqa: E402
import kbs_store_cli  # noqa: E402
import vtpm_persist_cli  # noqa: E402

RUNS = 5
QEMU_RUNS = 3
MOUNTED = re.compile(r"vtpm: state in the store \(([a-z, ]+) in (\d+) us\)")
RELEASED = re.compile(r"released the store key for \S+, counter \d+, "
                      r"in (\d+) us")


def measure(label, tee="snp", **kw):
    s = kbs_cli.Setup(**kw)
    try:
        rs = s.fetch(tee=tee, runs=RUNS)
    finally:
        s.close()
    ok = [r for r in rs if r["err"] == "SVSM_OK"]
    if len(ok) != RUNS:
        return [label, "failed", "-", "-", "-"]
    return [label, statistics.median(r["us"] for r in ok) / 1000.0,
            ok[0]["sent"], ok[0]["received"], len(ok)]


def boot_times(s):
    """(ms to the key released or None, ms to the store mounted)."""
    try:
        s.serving()
        log = s.read_log()
    finally:
        s.kill()
    mounted = MOUNTED.search(log)
    released = RELEASED.search(log)
    if not mounted:
        raise AssertionError("no mount time in the log")
    return (int(released.group(1)) / 1000.0 if released else None,
            int(mounted.group(2)) / 1000.0)


def median_row(label, times):
    keys = [k for k, _ in times if k is not None]
    return [label, statistics.median(keys) if keys else None,
            statistics.median(m for _, m in times)]


def store_rows():
    """The store's mount at boot with the broker's key, and without."""
    def go(d, b):
        igvm = kbs_store_cli.pinned_image(d, b.broker.broker_key_sec1())
        disk = vtpm_persist_cli.fresh_disk(d)
        rows = [median_row("broker, vsock, format",
                           [boot_times(b.boot(igvm, disk))])]
        for transport in ("vsock", "com3"):
            rows.append(median_row(
                f"broker, {transport}, open",
                [boot_times(b.boot(igvm, disk, transport))
                 for _ in range(QEMU_RUNS)]))
        dev = vtpm_persist_cli.fresh_disk(d, "dev.img")
        key = vtpm_persist_cli.KEY
        boot_times(vtpm_persist_cli.Svsm(dev, key))  # formats it
        rows.append(median_row(
            "development key, open",
            [boot_times(vtpm_persist_cli.Svsm(dev, key))
             for _ in range(QEMU_RUNS)]))
        return rows
    kbs_store_cli.OUT = kbs_cli.OUT
    return kbs_store_cli.with_broker(go)


def print_store_rows(rows):
    base = rows[-1][2]
    print()
    print(f"{'store key at boot':<26}{'ms to key':>10}{'ms to mounted':>15}"
          f"{'vs dev key':>12}")
    for label, key_ms, mount_ms in rows:
        key = f"{key_ms:.1f}" if key_ms is not None else "-"
        print(f"{label:<26}{key:>10}{mount_ms:>15.1f}"
              f"{mount_ms / base:>11.2f}x")
    print(f"(QEMU TCG, from the vTPM service's start to the key released "
          f"and to /var/tpm mounted; median of {QEMU_RUNS} reboots, the "
          "format once; the proxy and the test broker on the host)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    kbs_cli.OUT = ap.parse_args().out
    rows = [measure("SNP report, HTTP"),
            measure("SNP report, HTTPS", tls=True),
            measure("test evidence, HTTP", tee="sample", allow_sample=True)]
    base = rows[0][1] if isinstance(rows[0][1], float) else None
    print(f"{'evidence, broker link':<24}{'ms to key':>10}{'vs SNP/HTTP':>13}"
          f"{'bytes sent':>12}{'bytes recv':>12}")
    for label, ms, sent, recv, _ in rows:
        if not isinstance(ms, float):
            print(f"{label:<24}{'failed':>10}")
            continue
        ratio = f"{ms / base:.2f}x" if base else "-"
        print(f"{label:<24}{ms:>10.1f}{ratio:>13}{sent:>12}{recv:>12}")
    print(f"(median of {RUNS} attestations each: auth, attest, resource; "
          "the SVSM hosted under sanitizers on the model, the proxy and the "
          "broker on loopback)")
    try:
        print_store_rows(store_rows())
    except (AssertionError, OSError) as e:
        print(f"store key at boot: failed ({e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
