#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm benchmarks: figures measured side by side in one run, never pass/fail.

  1. allocator throughput (bench/alloc_bench.c, hosted, -O2): alloc+free
     pairs per second for 4 KiB pages and 64-byte objects, next to glibc;
  2. the SNP launch measurement of a 256 MiB image (bench/measure_bench.c)
     against OpenSSL's single-core SHA-384 throughput on 4 KiB blocks, and
     csvsm-snp-measure end to end on Debian's OVMF.fd and a 256 MiB image,
     next to sev-snp-measure 0.0.13 when SEV_SNP_MEASURE names a checkout
     (these are the figures docs/tools.md quotes);
  3. the SVSM's own software cost per call in instructions (callgrind):
     QUERY_PROTOCOL and a 510-entry PVALIDATE, per call and per page, next
     to the VMPL round trip that carries each call; and SVSM_VTPM_CMD's
     protocol side (bench/vtpm_proto_bench.c) for GetRandom(32) and a
     4 KiB command, with a stub channel;
     And the SEV-SNP launch end to end on the model
     (bench/snp_boot_bench.c): the SVSM's instructions from its first C
     code to "ready", for the firmware's start, and per Run VMPL round
     trip of the request loop, next to the same VMPL switch;
  4. the SVSM's static memory footprint at "ready" (booted in QEMU with
     TCG): what it occupies of its region for 1, 4 and 64 vCPUs, next to the
     16 MiB minimum that the leading Rust SVSM (COCONUT) reserves for itself,
     and with the vTPM task that out/svsm.igvm starts, next to its 16 MiB
     region;
  5. the key broker (bench/kbs_bench.py): time from the start of
     attestation to the key released on the model with loopback HTTP and
     HTTPS, and the bytes the SVSM sends and receives.
  6. the persistent store (bench/store_bench.c, hosted, -O2): bytes,
     flushes and atomic updates one small-file update costs, next to
     rewriting the whole state; the time to open the store, next to
     AES-256-GCM over the same bytes alone; what a close in the persisted
     directory writes after a change, a read, and an identical rewrite.
  7. the vTPM's state on the store in QEMU (bench/vtpm_persist_bench.py):
     atomic updates and bytes written per NV-changing command, the latency
     of tpm2_nvincrement with the store and in RAM only, the time to open
     the store at boot, and disk writes in an idle minute.
  8. csvsm against Debian's Linux kernel on the same QEMU machine
     (bench/linux_compare.py): one static program (bench/iobench.c) as a
     csvsm task and as Linux's init, measuring a null syscall, a 4 KiB RAM
     file read and virtio-blk reads and writes on q35 (virtio-pci) and
     microvm (virtio-mmio); TCG for both, or KVM for both where /dev/kvm
     works.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

COCONUT_MIN_KIB = 16 * 1024  # COCONUT-SVSM tools/igvmbuilder/src/gpa_map.rs: a 16 MiB kernel region
ROUND_TRIP_CYCLES = 32000    # NestedSGX (arXiv 2402.11438): a VMPL switch costs 32,000-34,000 cycles
TARGET_KIB = 4 * 1024
FOOTPRINT = re.compile(r"memory before programs: (\d+) KiB in use, (\d+) KiB heap free, (\d+) KiB region")
AT_READY = re.compile(r"memory at ready: (\d+) KiB in use")
# kernel/vtpm/chan_task.c, once the vTPM program has started: its user
# pages and page-table pages.
VTPM_PAGES = re.compile(r"vtpm waits for commands: (\d+) KiB of pages")


# The model's emulation of the SNP instructions: not the SVSM's cost.
# The model's emulation of what hardware does without software: the SNP
# instructions, the secure processor, and the RMP check of every
# guest-memory access (kernel/arch/fake/fake_snp.c, rmp_access_ok).
MODEL_FUNCTIONS = ("sim_pvalidate", "sim_rmpadjust", "sim_rmpquery",
                   "sim_psp_guest_request", "rmp_access_ok",
                   # bench/vtpm_proto_bench.c's stub vTPM channel.
                   "vtpm_chan_transact")


# In the end-to-end launch (bench/snp_boot_bench.c) the host runs too:
# the model hypervisor behind every VMGEXIT (the guest's run included).
E2E_MODEL_FUNCTIONS = ("sim_hv_vmgexit", "sim_pvalidate", "sim_rmpadjust",
                       "sim_rmpquery", "rmp_access_ok")


def callgrind_per_call(out, workload, iters, calls, program="protocol_bench",
                       toggle="svsm_request_once", exclude=MODEL_FUNCTIONS,
                       extra=()):
    """Instructions inside `toggle` per call, model emulation excluded.

    Collection is on only inside `toggle`; the inclusive cost of the model
    functions it reaches (callgrind_annotate) is subtracted.
    """
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "cg.out")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={f}",
             "--collect-atstart=no", f"--toggle-collect={toggle}",
             os.path.join(out, "bench", program), workload, str(iters),
             *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if proc.returncode != 0 or not os.path.exists(f):
            return None
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--auto=no",
                              "--threshold=100", f], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=False, text=True)
    total = None
    # A function can be listed twice, under its absolute and its relative
    # file name (an inlined copy): each is counted once.
    model = {}
    for line in ann.stdout.splitlines():
        parts = line.split()
        if not parts or not parts[0].replace(",", "").isdigit():
            continue
        count = int(parts[0].replace(",", ""))
        if line.rstrip().endswith("PROGRAM TOTALS"):
            total = count
            continue
        for fn in exclude:
            if f":{fn} " in line + " ":
                model[fn] = max(model.get(fn, 0), count)
    if total is None:
        return None
    return (total - sum(model.values())) / calls


OVMF = "/usr/share/ovmf/OVMF.fd"
SNP_ARGS = ["--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf"]


def snp_boot_cost(out):
    """The SVSM's boot and request loop on the model launch, in instructions."""
    print("\n== SVSM boot and request loop on the SNP model launch "
          "(instructions, callgrind)", flush=True)
    try:
        with open(os.path.join(out, "svsm-firmware.txt")) as f:
            firmware = f.read().strip()
    except OSError:
        firmware = ""
    phases = [
        ("boot to \"ready\", SNP steps (snp_boot_seq)", "boot", "snp_boot_seq", 1, []),
        ("firmware start, synthetic 64 KiB (snp_fw_seq_start)", "fw",
         "snp_fw_seq_start", 1, []),
    ]
    if firmware:
        phases.append((f"firmware start, {os.path.basename(firmware)} "
                       f"{os.path.getsize(firmware) >> 10} KiB", "fw",
                       "snp_fw_seq_start", 1, [firmware]))
    phases.append(("Run VMPL round trip, QUERY_PROTOCOL", "turn",
                   "snp_fw_seq_turn", 1000, []))
    rows = []
    for label, phase, toggle, iters, extra in phases:
        ins = callgrind_per_call(out, phase, iters, iters, "snp_boot_bench",
                                 toggle, E2E_MODEL_FUNCTIONS, extra)
        if ins is None:
            rows.append([label, "failed", "-"])
            continue
        rows.append([label, f"{ins:.0f}",
                     f"{ins / ROUND_TRIP_CYCLES:.3f}x"])
    table(["phase", "SVSM instructions", "vs 32,000-cycle switch"], rows,
          "(bench/snp_boot_bench.c: the end-to-end test's launch of the model "
          "(tests/unit/snp_e2e_fixture.h),\n make's layout: a 16 MiB region "
          "at 16 MiB with 4 KiB RMP entries, the firmware's sections at 8 MiB, "
          "its image ending at 4 GiB;\n the model hypervisor, its guest and "
          "the SNP instructions' emulation are excluded.\n boot: launch "
          "checks, GHCB protocol, boot GHCB, the region's PVALIDATE (kmain's "
          "own steps are not modelled);\n firmware start: with the test's "
          "synthetic firmware and with the one make builds into "
          "out/svsm.igvm;\n Run VMPL round trip: one turn of the request "
          "loop, the GHCB exchange and the call it carries, per turn, beside "
          "the hardware VMPL switch (NestedSGX).)")


def best_time(cmd, runs=3):
    """Best wall time of runs runs of cmd, or None if it fails."""
    best = None
    for _ in range(runs):
        t = time.monotonic()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
        t = time.monotonic() - t
        if proc.returncode != 0:
            return None
        best = t if best is None else min(best, t)
    return best


def table(header, rows, note=None):
    """Prints rows under header, each column as wide as its widest cell;
    the first column left-aligned, the others right-aligned."""
    cells = [header] + rows
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for r in cells:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(r)).rstrip())
    if note:
        print(note)


def tool_speed(out):
    """csvsm-snp-measure against sev-snp-measure, end to end."""
    ours = os.path.join(out, "tools", "csvsm-snp-measure")
    ref_dir = os.environ.get("SEV_SNP_MEASURE")
    ref = os.path.join(ref_dir, "sev-snp-measure.py") if ref_dir else None
    rows = []
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "ovmf-256m.fd")
        with open(OVMF, "rb") as f:
            ovmf = f.read()
        with open(big, "wb") as f:
            f.write(bytes((256 << 20) - len(ovmf)) + ovmf)
        for label, image in (("OVMF.fd (2 MiB), snp, 1 vCPU", OVMF),
                             ("256 MiB image, snp, 1 vCPU", big)):
            a = best_time([ours, *SNP_ARGS, image])
            b = best_time([sys.executable, ref, *SNP_ARGS, image]) if ref else None
            rows.append([label, f"{a:.3f}" if a else "failed",
                         f"{b:.3f}" if b else "-",
                         f"{b / a:.1f}x" if a and b else "-"])
    table(["input", "csvsm-snp-measure s", "sev-snp-measure 0.0.13 s",
           "speed-up"], rows,
          "(best of 3, wall time; set SEV_SNP_MEASURE=DIR, a sev-snp-measure "
          "0.0.13 checkout, for its column)" if not ref else
          "(best of 3, wall time, both tools on this machine in this run)")


def footprint(out, vcpus):
    mem = "1G" if vcpus > 16 else "256M"
    proc = subprocess.run([os.path.join(out, "tools", "csvsm-run"), "--accel", "tcg",
                           "--smp", str(vcpus), "--memory", mem, "--exit-on-ready",
                           "--timeout", "120", os.path.join(out, "svsm.igvm")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    log = proc.stdout.decode("utf-8", "replace")
    m = FOOTPRINT.search(log)
    r = AT_READY.search(log)
    if proc.returncode != 0 or not m or not r:
        return None
    v = VTPM_PAGES.search(log)
    return (int(m.group(1)), int(m.group(3)), int(v.group(1)) if v else None,
            int(r.group(1)))


ECHO = re.compile(r"vtpm echo: (\d+) bytes: (\d+) cycles per round trip")


def vtpm_channel_cycles(out, accel):
    """TSC cycles per vtpm_chan_transact round trip in the bench image
    (bench/svsm_bench_main.c against bench/vtpmecho.c), by bytes each way."""
    proc = subprocess.run([os.path.join(out, "tools", "csvsm-run"), "--accel",
                           accel, "--smp", "1", "--memory", "256M",
                           "--timeout", "300",
                           os.path.join(out, "svsm-bench.igvm")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    return {int(m.group(1)): int(m.group(2)) for m in ECHO.finditer(text)}


def vtpm_protocol_cost(out):
    """csvsm's own cost of one SVSM_VTPM_CMD: the protocol side in
    instructions (hosted, callgrind) and the channel and task switch in
    cycles (the bench image in QEMU)."""
    accel = "kvm" if kvm_works() else "tcg"
    print("\n== vTPM command, csvsm's own cost (protocol: instructions, "
          f"callgrind; channel: {accel.upper()} cycles)", flush=True)
    cycles = vtpm_channel_cycles(out, accel)
    rows = []
    for label, workload, echo in (
            ("GetRandom(32): 12 B in, 44 B out", "getrandom", 44),
            ("4 KiB: 4087 B in, 4092 B out", "4k", 4087)):
        ins = callgrind_per_call(out, workload, 1000, 1000,
                                 "vtpm_proto_bench")
        cyc = cycles.get(echo)
        rows.append([label, "failed" if ins is None else f"{ins:.0f}",
                     "-" if ins is None else
                     f"{100.0 * ins / ROUND_TRIP_CYCLES:.2f}%",
                     f"{echo} B", "failed" if cyc is None else str(cyc),
                     "-" if cyc is None else
                     f"{cyc / ROUND_TRIP_CYCLES:.2f}x"])
    table(["SVSM_VTPM_CMD", "protocol instr", "of round trip", "echo",
           f"channel {accel.upper()} cycles", "vs round trip"], rows,
          "(protocol: bench/vtpm_proto_bench.c, hosted: calling area, "
          "kernel/protocols/vtpm.c, kernel/vtpm/vtpm.c and\n the copies "
          "from and to guest memory, to a stub channel that answers at once;"
          "\n channel: bench/svsm_bench_main.c in out/svsm-bench.igvm, TSC "
          "cycles per vtpm_chan_transact against\n bench/vtpmecho.c (the "
          "device read and write, SYSCALL/SYSRET, the task's resume), "
          f"{accel.upper()}, not\n hardware cycles"
          + (": under TCG every instruction is emulated" if accel == "tcg"
             else "") +
          ";\n the TPM's own work is in neither; round trip as above)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--linux", default=".deps/linux",
                    help="Debian's kernel, from scripts/fetch_linux.sh")
    args = ap.parse_args()

    print("== allocator throughput (hosted, one run)", flush=True)
    sys.stdout.flush()
    subprocess.run([os.path.join(args.out, "bench", "alloc_bench")], check=False)

    print("\n== SNP launch measurement of a 256 MiB image (hosted, one run)")
    sys.stdout.flush()
    subprocess.run([os.path.join(args.out, "bench", "measure_bench")], check=False)
    print()
    tool_speed(args.out)

    print("\n== SVSM software cost per call (instructions, callgrind)")
    rows = []
    for label, workload, calls, iters, pages in (
            ("QUERY_PROTOCOL", "query", 1000, 1000, 0),
            ("PVALIDATE, 510 x 4 KiB", "pvalidate", 4, 2, 510)):
        ins = callgrind_per_call(args.out, workload, iters, calls)
        if ins is None:
            rows.append([label, "failed", "-", "-", "-"])
            continue
        per_page = ins / pages if pages else None
        rows.append([label, f"{ins:.0f}",
                     f"{100.0 * ins / ROUND_TRIP_CYCLES:.2f}%",
                     f"{per_page:.0f}" if pages else "-",
                     f"{100.0 * per_page / ROUND_TRIP_CYCLES:.2f}%"
                     if pages else "-"])
    table(["call", "instr/call", "call / round trip", "instr/page",
           "page / round trip"], rows,
          "(round trip: the VMPL switch into the SVSM and back, about 32,000 "
          "cycles on hardware (NestedSGX);\n call / round trip: the SVSM's "
          "software cost of one call next to the switch that carries it, "
          "target under 2% for a simple call;\n page / round trip: for a "
          "batched call, the software cost per page next to one switch, the "
          "price of validating pages one call at a time.\n PVALIDATE is the "
          "average of validating and rescinding; the model's emulation of "
          "the instruction is excluded.)")

    snp_boot_cost(args.out)

    vtpm_protocol_cost(args.out)

    print("\n== vTPM latency: csvsm's vTPM program beside swtpm (host "
          "processes, one run)", flush=True)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "vtpm_bench.py"), "--program",
        os.path.join(args.out, "user", "vtpm")], check=False)

    print("\n== memory at \"ready\" of out/svsm.igvm (TCG), the SVSM and "
          "then its vTPM task")
    rows = []
    vrows = []
    for vcpus in (1, 4, 64):
        r = footprint(args.out, vcpus)
        if r is None:
            rows.append([str(vcpus), "boot failed", "-", "-", "-"])
            vrows.append([str(vcpus), "boot failed", "-", "-", "-", "-"])
            continue
        used, region, vtpm, ready = r
        rows.append([str(vcpus), str(used), str(region),
                     f"{used / COCONUT_MIN_KIB:.3f}x",
                     f"{used / TARGET_KIB:.3f}x"])
        if vtpm is None:
            vrows.append([str(vcpus), str(used), "not started", "-", "-",
                          "-"])
            continue
        vrows.append([str(vcpus), str(used), str(vtpm), str(ready),
                      f"{ready / region:.3f}x",
                      f"{ready / COCONUT_MIN_KIB:.3f}x"])
    table(["vCPUs", "in use KiB", "region KiB", "vs COCONUT 16 MiB",
           "vs 4 MiB target"], rows,
          "(in use: \"memory before programs\", logged before the programs start, "
          "with the root file-system archive\n (the vTPM program, about "
          "5.8 MiB); region KiB is what the IGVM file reserves, "
          "SVSM_VTPM_SIZE with\n the vTPM; the 4 MiB target is the SVSM's "
          "own, without the archive and tasks)")
    print()
    table(["vCPUs", "SVSM KiB", "vTPM task KiB", "at ready KiB",
           "of region", "vs 16 MiB goal"], vrows,
          "(SVSM: before the programs start; vTPM task: its user and "
          "page-table pages, logged when it waits\n for commands "
          "(kernel/vtpm/chan_task.c); at ready: \"memory at ready\", "
          "everything in use with the vTPM\n running, its kernel stack, "
          "bookkeeping and mounted store included; the vTPM issue's goal "
          "is\n the whole region within 16 MiB, COCONUT's minimum)")

    print("\n== key broker: attestation to key released (model + loopback)",
          flush=True)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "kbs_bench.py"), "--out", args.out],
        check=False)
    print("\n== persistent store (hosted, disk in memory, one run)")
    sys.stdout.flush()
    subprocess.run([os.path.join(args.out, "bench", "store_bench")],
                   check=False)
    print("\n== the vTPM's state on the store (QEMU, TCG, one run)",
          flush=True)
    subprocess.run([sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "vtpm_persist_bench.py"), "--out",
        args.out], check=False)
    accel = "kvm" if kvm_works() else "tcg"
    print(f"\n== csvsm and Debian's Linux on the same QEMU ({accel.upper()}),"
          " one static program", flush=True)
    subprocess.run([sys.executable, "bench/linux_compare.py", "--out",
                    args.out, "--linux", args.linux, "--accel", accel],
                   check=False)
    return 0


def kvm_works():
    """/dev/kvm opens for reading and writing (csvsm-run's test too)."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


if __name__ == "__main__":
    sys.exit(main())
