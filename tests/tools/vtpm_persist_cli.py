#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vTPM's state on the SVSM's store, end to end in QEMU (TCG).

out/svsm.igvm boots with csvsm-run --tpm, a raw disk and
--cmdline "store_devkey=HEX" (docs/storage.md, docs/vtpm.md):

- restart: tpm2-tools make a persistent key (tpm2_evictcontrol) and an NV
  index with contents; after a reboot on the same disk the EK public areas,
  the NV contents and the persistent handles are back;
- the same disk with another key: the vTPM does not start (its log line
  says why) and the disk's bytes do not change;
- write economy: no command for a while and read-only commands write
  nothing; one tpm2_nvincrement is one atomic update (the store's version,
  readable in each root block, grows by 2);
- power cuts: QEMU killed at random moments during a tpm2_nvincrement loop;
  after each, the counter is the last acknowledged value or one more.
  CSVSM_PERSIST_CUTS sets the number of cuts (default 2);
- csvsm-run --store-disk FILE --store-devkey random|HEX: a printed random
  key opens the disk again; refused with --snp and with bad words.

Each check is a function named check_*; the last line is "N passed, N failed".
"""
import hashlib
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect

OUT = "out"
KEY = "5e" * 32
OTHER_KEY = "a7" * 32
DISK_SIZE = 1 << 20
EK_HANDLES = ("0x81010001", "0x81010002")
OWNER_KEY = "0x81000001"
NV_DATA = "0x1500016"
NV_COUNTER = "0x1500017"
CONTENTS = b"csvsm persisted NV index, 32 B!!"
BOOT_TIMEOUT = 300
TOOL_TIMEOUT = 120


def store_version(disk):
    """The store's version: the higher of the two roots' (plain) fields."""
    with open(disk, "rb") as f:
        data = f.read(8192)
    best = 0
    for slot in (0, 1):
        root = data[slot * 4096:slot * 4096 + 0x18]
        if root[:8] == b"csvsmST1":
            best = max(best, struct.unpack_from("<Q", root, 0x10)[0])
    return best


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Svsm:
    """out/svsm.igvm (or `igvm`) in QEMU with the vTPM on a TCP port and a
    disk; the vTPM's state on the disk under `key`, or in RAM only if key
    is None (unless the image pins a key broker: tests/tools/
    kbs_store_cli.py). `launcher` are more csvsm-run options, `qemu` more
    QEMU arguments."""

    def __init__(self, disk, key, store_options=False, igvm=None,
                 launcher=(), qemu=()):
        self.port = checks.free_port_pair()
        self.tcti = f"mssim:host=127.0.0.1,port={self.port}"
        self.log = b""
        if store_options:  # the launcher's own options
            where = ["--store-disk", disk, "--store-devkey", key]
        else:
            where = ["--disk", disk] + (
                ["--cmdline", f"store_devkey={key}"] if key else [])
        self.proc = subprocess.Popen(
            [os.path.join(ROOT, OUT, "tools", "csvsm-run"), "--accel", "tcg",
             "--timeout", "900", "--tpm", str(self.port)] + where
            + list(launcher)
            + [igvm or os.path.join(ROOT, OUT, "svsm.igvm")]
            + (["--"] + list(qemu) if qemu else []),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def read_log(self):
        self.log += self.proc.stdout.read() or b""
        return self.log.decode("utf-8", "replace")

    def wait_for(self, *words):
        """Waits until one of `words` is in the log; returns it."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            text = self.read_log()
            for w in words:
                if w in text:
                    return w
            expect(time.monotonic() < deadline and self.proc.poll() is None,
                   f"none of {words} in the SVSM's log", text[-3000:])
            time.sleep(0.2)

    def serving(self):
        self.wait_for("serving the vTPM on COM2")
        log = self.read_log()
        expect("vtpm started" in log and "vtpm: not started" not in log,
               "the vTPM did not start on its store", log[-3000:])

    def tool(self, *args, ok=True):
        env = dict(os.environ, TPM2TOOLS_TCTI=self.tcti)
        env.pop("TSS2_LOG", None)
        proc = subprocess.run(list(args), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TOOL_TIMEOUT,
                              check=False)
        if ok:
            expect(proc.returncode == 0,
                   f"{' '.join(args)}: exit {proc.returncode}",
                   proc.stderr.decode("utf-8", "replace")[-1000:])
        return proc.returncode, proc.stdout

    def kill(self):
        """Ends QEMU at once: a power cut for the SVSM."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=60)


def fresh_disk(tmp, name="disk.img"):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.truncate(DISK_SIZE)
    return path


def boot(disk, key=KEY):
    s = Svsm(disk, key)
    try:
        s.serving()
        s.tool("tpm2_startup", "-c")
    except BaseException:
        s.kill()
        raise
    return s


def public_areas(s):
    return {h: s.tool("tpm2_readpublic", "-c", h)[1]
            for h in EK_HANDLES + (OWNER_KEY,)}


def persistent_handles(s):
    out = s.tool("tpm2_getcap", "handles-persistent")[1].decode()
    return sorted(line.strip("- ").strip() for line in out.splitlines()
                  if line.strip())


def counter(s):
    out = s.tool("tpm2_nvread", NV_COUNTER, "-C", "o")[1]
    expect(len(out) == 8, f"the counter reads {out!r}")
    return struct.unpack(">Q", out)[0]


def first_boot(tmp, disk):
    """Formats the store and leaves a key, an NV index and a counter."""
    s = boot(disk)
    try:
        expect("new, formatted" in s.read_log(),
               "the blank disk was not formatted", s.read_log()[-3000:])
        ctx = os.path.join(tmp, "primary.ctx")
        s.tool("tpm2_createprimary", "-C", "o", "-c", ctx)
        s.tool("tpm2_evictcontrol", "-C", "o", "-c", ctx, OWNER_KEY)
        s.tool("tpm2_flushcontext", "-t")
        data = os.path.join(tmp, "contents")
        with open(data, "wb") as f:
            f.write(CONTENTS)
        s.tool("tpm2_nvdefine", NV_DATA, "-C", "o", "-s", str(len(CONTENTS)),
               "-a", "ownerread|ownerwrite")
        s.tool("tpm2_nvwrite", NV_DATA, "-C", "o", "-i", data)
        s.tool("tpm2_nvdefine", NV_COUNTER, "-C", "o", "-s", "8",
               "-a", "ownerread|ownerwrite|nt=counter")
        s.tool("tpm2_nvincrement", NV_COUNTER, "-C", "o")
        return s, public_areas(s), persistent_handles(s)
    except BaseException:
        s.kill()
        raise


def check_restart_brings_back_eks_nv_and_persistent_handles():
    with tempfile.TemporaryDirectory() as tmp:
        disk = fresh_disk(tmp)
        s, publics, handles = first_boot(tmp, disk)
        s.kill()
        expect(OWNER_KEY in handles and all(h in handles for h in EK_HANDLES),
               f"the first boot's persistent handles: {handles}")
        s = boot(disk)
        try:
            expect("vtpm: state in the store (opened in " in s.read_log(),
                   "the second boot did not open the store",
                   s.read_log()[-3000:])
            expect(public_areas(s) == publics,
                   "the EKs or the persistent key changed across the reboot")
            expect(persistent_handles(s) == handles,
                   "the persistent handles changed across the reboot")
            got = s.tool("tpm2_nvread", NV_DATA, "-C", "o")[1]
            expect(got == CONTENTS, f"the NV index reads {got!r}")
            expect(counter(s) == 1, "the counter did not survive")
        finally:
            s.kill()

        # The same disk with another key: refused, untouched.
        before = digest(disk)
        s = Svsm(disk, OTHER_KEY)
        try:
            s.wait_for("serving the vTPM on COM2")
            log = s.read_log()
            expect("vtpm: not started: its store cannot be opened" in log and
                   "vtpm started" not in log,
                   "the vTPM started on a disk made with another key",
                   log[-3000:])
            expect("made with another key" in log,
                   "the refusal does not say why", log[-3000:])
            status, _ = s.tool("tpm2_startup", "-c", ok=False)
            expect(status != 0, "a TPM answers without its state")
        finally:
            s.kill()
        expect(digest(disk) == before, "the refused disk was written")


def check_idle_writes_nothing_and_one_increment_is_one_update():
    with tempfile.TemporaryDirectory() as tmp:
        disk = fresh_disk(tmp)
        s, _, _ = first_boot(tmp, disk)
        try:
            v = store_version(disk)
            expect(v >= 2, f"store version {v}")
            # No command at all for a while: nothing is written.
            time.sleep(float(os.environ.get("CSVSM_PERSIST_IDLE", "15")))
            expect(store_version(disk) == v, "an idle vTPM wrote its store")
            # Commands that change nothing in NV: nothing is written.
            for _ in range(10):
                s.tool("tpm2_getrandom", "8")
                s.tool("tpm2_nvread", NV_COUNTER, "-C", "o")
                s.tool("tpm2_pcrread", "sha256:0")
            expect(store_version(disk) == v,
                   f"read-only commands wrote the store: version {v} -> "
                   f"{store_version(disk)}")
            for i in range(3):
                s.tool("tpm2_nvincrement", NV_COUNTER, "-C", "o")
                expect(store_version(disk) == v + 2 * (i + 1),
                       f"increment {i + 1}: version {v} -> "
                       f"{store_version(disk)}, not one update each")
        finally:
            s.kill()


def check_power_cuts_during_nvincrement_keep_an_acknowledged_count():
    cuts = int(os.environ.get("CSVSM_PERSIST_CUTS", "2"))
    rng = random.Random(os.environ.get("CSVSM_PERSIST_SEED", "13"))
    with tempfile.TemporaryDirectory() as tmp:
        disk = fresh_disk(tmp)
        s, _, _ = first_boot(tmp, disk)
        acked = counter(s)
        s.kill()
        for cut in range(cuts):
            s = boot(disk)
            try:
                got = counter(s)
                expect(got in (acked, acked + 1),
                       f"cut {cut}: the counter is {got}, the last "
                       f"acknowledged value {acked}")
                acked = got
                # A loop of increments, killed at a random moment.
                env = dict(os.environ, TPM2TOOLS_TCTI=s.tcti)
                loop = subprocess.Popen(
                    ["sh", "-c", f"while tpm2_nvincrement {NV_COUNTER} -C o"
                     "; do echo ok; done"],
                    env=env, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(1.0, 6.0))
                s.kill()
                out, _ = loop.communicate(timeout=TOOL_TIMEOUT)
                acked += out.count(b"ok")
            finally:
                s.kill()
        expect(acked > 1, "no increment was acknowledged before the cuts")
        s = boot(disk)
        try:
            got = counter(s)
            expect(got in (acked, acked + 1),
                   f"the counter is {got}, the last acknowledged {acked}")
        finally:
            s.kill()


def check_launcher_store_options_random_key_then_the_same_key():
    with tempfile.TemporaryDirectory() as tmp:
        disk = fresh_disk(tmp)
        s = Svsm(disk, "random", store_options=True)
        try:
            s.serving()
            log = s.read_log()
            found = re.search(r"store key \(development only\): ([0-9a-f]{64})",
                              log)
            expect(found and "state in the store (new, formatted" in log,
                   "--store-devkey random: no key printed or no new store",
                   log[-3000:])
            s.tool("tpm2_startup", "-c")
            publics = s.tool("tpm2_readpublic", "-c", EK_HANDLES[0])[1]
        finally:
            s.kill()
        s = Svsm(disk, found.group(1), store_options=True)
        try:
            s.serving()
            expect("state in the store (opened in " in s.read_log(),
                   "the printed key did not open the store",
                   s.read_log()[-3000:])
            s.tool("tpm2_startup", "-c")
            expect(s.tool("tpm2_readpublic", "-c", EK_HANDLES[0])[1] ==
                   publics, "another EK under the same key")
        finally:
            s.kill()
        run = os.path.join(ROOT, OUT, "tools", "csvsm-run")
        igvm = os.path.join(ROOT, OUT, "svsm.igvm")
        for args, says in (
                (["--snp", "--store-disk", disk, "--store-devkey", "random"],
                 "development-only"),
                (["--store-disk", disk, "--store-devkey", "12"],
                 "64 hex digits"),
                (["--store-disk", disk], "go together"),
                (["--store-disk", disk, "--store-devkey", KEY, "--cmdline",
                  f"store_devkey={OTHER_KEY}"], "a store word in --cmdline")):
            p = subprocess.run([run, "-n"] + args + [igvm],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=60, check=False)
            err = p.stderr.decode()
            expect(p.returncode == 2 and says in err,
                   f"csvsm-run {' '.join(args)}: exit {p.returncode}", err)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
