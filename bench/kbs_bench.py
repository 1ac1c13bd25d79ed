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
"""
import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools"))
import kbs_cli  # noqa: E402

RUNS = 5


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
