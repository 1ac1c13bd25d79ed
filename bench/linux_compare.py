#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""csvsm against Debian's Linux kernel on the same QEMU machine.

One static program, bench/iobench.c (Debian's gcc -static), runs as a task
of csvsm's bench image (out/svsm-bench.igvm, the disk as the block device
file /dev/vda) and as the init of Debian's kernel (scripts/fetch_linux.sh)
in a cpio initramfs with the virtio modules; both boot on the same QEMU
machine type, accelerator, vCPU count, memory and raw disk (a fresh copy
each boot, the same content). On q35 the disk is a modern virtio-blk-pci
function, on microvm a virtio-blk-device on virtio-mmio version 2 (csvsm
with acpi=off and its slot on the command line; Linux with microvm's ACPI
tables, the only way its virtio-mmio driver finds the device, since
Debian's kernel lacks VIRTIO_MMIO_CMDLINE_DEVICES).

microvm has no PC speaker port, so Linux cannot calibrate its TSC against
the PIT there and stops at boot; it is given the TSC rate that the q35 boot
of the same kernel measured (tsc_early_khz=). csvsm measures the TSC on the
PIT's channel 1 on microvm (kernel/arch/x86_64/time.c).

Prints each figure side by side with the ratio csvsm / Linux for "higher
is better" figures and Linux / csvsm for times, so above 1 means csvsm is
faster. Every figure is the median of --runs boots. Both kernels must
print the same disk checksum, which the runner also computes on the host.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

LINE = re.compile(r"^iobench: (\w+) (\S+)(?: (\S+))?\s*$")
VULN = re.compile(r"^iobench: vuln (\w+): (.*?)\s*$", re.M)
TSC = re.compile(r"tsc: (?:Refined TSC clocksource calibration|Detected): "
                 r"([0-9.]+) MHz")
DISK_MIB = 16

# name, label, unit, True when higher is better
FIGURES = [
    ("null_syscall", "null syscall (getpid)", "ns", False),
    ("file_read_4k", "4 KiB pread, RAM file", "ns", False),
    ("disk_seq_read_4k", "disk seq. read, 4 KiB", "MiB/s", True),
    ("disk_seq_read_64k", "disk seq. read, 64 KiB", "MiB/s", True),
    ("disk_rand_read_4k", "disk random read, 4 KiB", "IOPS", True),
    ("disk_seq_write_64k", "disk seq. write, 64 KiB", "MiB/s", True),
]


def modinfo_depends(path):
    """The depends= entry of a module's .modinfo strings."""
    with open(path, "rb") as f:
        data = f.read()
    m = re.search(rb"\0depends=([^\0]*)\0", data)
    return [d for d in m.group(1).decode().split(",") if d] if m else []


def module_order(moddir, wanted):
    """Modules to load, dependencies first."""
    order = []

    def visit(name):
        path = os.path.join(moddir, name.replace("-", "_") + ".ko")
        if path in order:
            return
        if not os.path.exists(path):
            raise SystemExit(f"linux_compare: module {name} missing in "
                             f"{moddir}")
        for dep in modinfo_depends(path):
            visit(dep)
        order.append(path)

    for name in wanted:
        visit(name)
    return order


def make_initramfs(out, linux, tmp, machine):
    mods = module_order(os.path.join(linux, "modules"),
                        ["virtio_pci" if machine == "q35" else "virtio_mmio",
                         "virtio_blk"])
    path = os.path.join(tmp, f"initramfs-{machine}.cpio")
    specs = [f"init={os.path.join(out, 'bench', 'iobench')}"]
    specs += [f"m{i}.ko={m}" for i, m in enumerate(mods)]
    subprocess.run([sys.executable, "user/mkcpio.py", path] + specs,
                   check=True)
    return path


def disk_content():
    block = bytes((i * 7 + (i >> 9)) & 0xFF for i in range(1 << 16))
    return block * (DISK_MIB * 16)


def host_checksum(content):
    """bench/iobench.c's checksum of the disk: every 8 bytes, little endian,
    sum = sum * 31 + v, mod 2^64."""
    s = 0
    mask = (1 << 64) - 1
    for (v,) in __import__("struct").iter_unpack("<Q", content):
        s = (s * 31 + v) & mask
    return f"{s:016x}"


def parse(text):
    figs = {}
    for line in text.splitlines():
        m = LINE.match(line.strip("\r"))
        if m:
            figs[m.group(1)] = m.group(2)
    return figs


def run_csvsm(args, machine, disk):
    cmd = [os.path.join(args.out, "tools", "csvsm-run"), "--accel",
           args.accel, "--smp", "1", "--memory", args.memory, "--timeout",
           str(args.timeout), "--machine", machine, "--disk", disk,
           os.path.join(args.out, "svsm-bench.igvm")]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, check=False,
                          timeout=args.timeout + 30)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def run_linux(args, machine, disk, initrd, tsc_khz=None):
    mach = (f"q35,accel={args.accel}" if machine == "q35"
            else f"microvm,accel={args.accel}")
    dev = ("virtio-blk-pci,disable-legacy=on" if machine == "q35"
           else "virtio-blk-device")
    # The CPU model csvsm-run gives the same accelerator.
    cpu = "max,-arch-capabilities" if args.accel == "kvm" else "max"
    cmd = ["qemu-system-x86_64", "-machine", mach, "-cpu", cpu, "-m",
           args.memory, "-smp", "1", "-nodefaults", "-no-reboot", "-display",
           "none", "-serial", "stdio", "-kernel",
           os.path.join(args.linux, "vmlinuz"), "-initrd", initrd, "-append",
           "console=ttyS0 panic=-1"
           + (f" tsc_early_khz={tsc_khz}" if tsc_khz else ""),
           "-drive", f"file={disk},if=none,id=d0,format=raw",
           "-device", f"{dev},drive=d0"]
    if machine == "microvm":
        cmd[1:1] = ["-global", "virtio-mmio.force-legacy=false"]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False,
                              timeout=args.timeout)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return 124, (e.stdout or b"").decode("utf-8", "replace")


def fmt(v):
    return f"{v:.1f}" if v < 1000 else f"{v:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--linux", default=".deps/linux")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--memory", default="256M")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--machine", choices=("q35", "microvm", "both"),
                    default="both")
    args = ap.parse_args()
    with open(os.path.join(args.linux, "VERSION")) as f:
        version = f.read().strip()
    content = disk_content()
    want_sum = host_checksum(content)
    machines = ["q35", "microvm"] if args.machine == "both" else [args.machine]
    tsc_khz = None
    notes = {}
    with tempfile.TemporaryDirectory(prefix="linux_compare.") as tmp:
        image = os.path.join(tmp, "disk.img")
        if "microvm" in machines and "q35" not in machines:
            with open(image, "wb") as f:
                f.write(content)
            _, text = run_linux(args, "q35", image,
                                make_initramfs(args.out, args.linux, tmp,
                                               "q35"))
            m = TSC.findall(text)
            tsc_khz = int(float(m[-1]) * 1000) if m else None
        for machine in machines:
            initrd = make_initramfs(args.out, args.linux, tmp, machine)
            results = {"csvsm": [], "linux": []}
            problems = []
            for _ in range(args.runs):
                for who in ("csvsm", "linux"):
                    with open(image, "wb") as f:
                        f.write(content)
                    rc, text = (run_csvsm(args, machine, image)
                                if who == "csvsm" else
                                run_linux(args, machine, image, initrd,
                                          tsc_khz if machine == "microvm"
                                          else None))
                    figs = parse(text)
                    if who == "linux":
                        m = TSC.findall(text)
                        if machine == "q35" and m:
                            tsc_khz = int(float(m[-1]) * 1000)
                        notes.update(VULN.findall(text))
                    if "done" not in text or "iobench: error" in text:
                        problems.append(f"{who}: run failed (exit {rc}):\n"
                                        + text[-1500:])
                        continue
                    if figs.get("disk_checksum") != want_sum:
                        problems.append(f"{who}: disk checksum "
                                        f"{figs.get('disk_checksum')}, "
                                        f"expected {want_sum}")
                    results[who].append(figs)
            print(f"-- {machine}, {args.accel.upper()}, 1 vCPU, "
                  f"{args.memory}, {DISK_MIB} MiB raw disk; Linux: {version}")
            rows = []
            for name, label, unit, higher in FIGURES:
                vals = {}
                for who in ("csvsm", "linux"):
                    xs = [float(r[name]) for r in results[who] if name in r]
                    vals[who] = statistics.median(xs) if xs else None
                c, l = vals["csvsm"], vals["linux"]
                ratio = "-"
                if c and l:
                    ratio = f"{(c / l if higher else l / c):.2f}x"
                rows.append([f"{label} ({unit})",
                             fmt(c) if c is not None else "failed",
                             fmt(l) if l is not None else "failed", ratio])
            widths = [max(len(r[i]) for r in rows + [["", "csvsm", "Linux",
                                                       "csvsm vs Linux"]])
                      for i in range(4)]
            for r in [["", "csvsm", "Linux", "csvsm vs Linux"]] + rows:
                print("  ".join(c.ljust(widths[0]) if i == 0
                                else c.rjust(widths[i])
                                for i, c in enumerate(r)))
            for p in problems:
                print(f"linux_compare: {machine}: {p}")
    for name, text in sorted(notes.items()):
        print(f"Linux {name}: {text}")
    print(f"(median of {args.runs} boots each; ratio above 1: csvsm faster. "
          "The same static program on both; Linux reads /dev/vda with "
          "O_DIRECT, csvsm its block device file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
