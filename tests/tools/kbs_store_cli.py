#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The vTPM's store under the key broker's key, end to end in QEMU (TCG).

An image whose measured root file system pins a key broker (etc/kbs: the
broker's signing key and the resource; docs/attestation-proxy.md,
"Configuring the SVSM") boots with csvsm-run --tpm, a raw disk and
`kbs=vsock` or `kbs=com3`. The SVSM attests with the native platform's
TEST evidence to tests/kbs/testkbs.py (configured for tests) through
csvsm-aproxy: over virtio-vsock (csvsm-run --vsock, csvsm-vsockd) or
over COM3 (csvsm-run --kbs-serial: a QEMU chardev to csvsm-aproxy
--unix). The broker holds the
store's key and its rollback counter (docs/storage.md, "Which key at
boot"):

- reboots: the first boot formats the store under the released key and
  tpm2-tools write an NV index; the next boot, over the other transport,
  opens the store with the released key and the NV contents are back; no
  NV contents are on the disk in plain text;
- rollback: a copy of the disk is kept, another NV write advances the
  broker's counter; the old copy is then refused (the log says "older
  than the counter"), it is not written, the counter does not move and no
  TPM answers; the current disk still opens;
- a broker that refuses (test evidence for a broker not configured for
  tests), an answer signed by another key than the pinned one, and an
  unreachable broker: the vTPM does not start, a blank disk stays blank
  (no store is created) and a sealed disk is not written;
- csvsm-run --kbs-serial PATH: COM3's chardev and kbs=com3; refused with
  a kbs word in --cmdline, an empty path and --snp.

Each check is a function named check_*; the last line is "N passed, N failed".
"""
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "kbs"))
import checks
from checks import ROOT, expect, sh
import kbs_cli
import testkbs
import vtpm_persist_cli as vp

OUT = "out"
RESOURCE = "csvsm/vtpm/key"
BROKER_PEM = os.path.join(ROOT, "tests", "kbs", "test-broker-key.pem")
NV_INDEX = "0x1500016"
FIRST = b"NV under the broker's key, 32 B!"
SECOND = b"a later state, the counter moved"
# The production image's region (Makefile SVSM_BASE, mk/kernel.mk
# SVSM_VTPM_SIZE): the same layout as out/svsm.igvm.
REGION = ["--region-base", "0x1000000", "--region-size", "0x1000000"]


def out(*parts):
    return os.path.join(ROOT, OUT, *parts)


def pinned_image(d, broker_key):
    """out/svsm.igvm's kernels and vTPM with etc/kbs pinning broker_key."""
    pin = os.path.join(d, "kbs")
    with open(pin, "w") as f:
        f.write("# The key broker this image trusts (tests only)\n"
                f"broker-key {broker_key.hex()}\nresource {RESOURCE}\n")
    cpio = os.path.join(d, "initfs.cpio")
    rc, text = sh([sys.executable, "user/mkcpio.py", cpio,
                   "bin/vtpm=" + out("user", "vtpm"),
                   "etc/start=user/initfs/start", "etc/kbs=" + pin])
    expect(rc == 0, "mkcpio", text)
    igvm = os.path.join(d, "svsm-kbs.igvm")
    rc, text = sh([out("tools", "csvsm-igvm"), "build", "--kernel",
                   out("svsm.elf"), "--snp-kernel", out("svsm-snp.elf"),
                   *REGION, "--initfs", cpio, "-o", igvm])
    expect(rc == 0, "csvsm-igvm build", text)
    return igvm


def vhost_vsock():
    """Whether csvsm-run will use the kernel's vhost-vsock (AF_VSOCK)."""
    try:
        os.close(os.open("/dev/vhost-vsock", os.O_RDWR))
        return True
    except OSError:
        return False


class Broker:
    """The test KBS (test evidence allowed unless told otherwise) holding
    RESOURCE at counter 0, and csvsm-aproxy in front of it for the
    vsock transport and for COM3; `proxies=False` starts no proxy (the
    broker cannot be reached)."""

    def __init__(self, d, allow_sample=True, signing_key_pem=BROKER_PEM,
                 proxies=True):
        self.d = d
        self.broker = testkbs.Broker("00" * 48, 0, allow_sample=allow_sample,
                                     signing_key_pem=signing_key_pem)
        self.key = secrets.token_bytes(32)
        self.broker.add_resource(RESOURCE, self.key, 0)
        self.srv, self.url = testkbs.serve(self.broker)
        self.uds = os.path.join(d, "vsock")
        self.serial = os.path.join(d, "kbs-serial.sock")
        self.procs = []
        if not proxies:
            return
        vsock = (["--vsock", "1995"] if vhost_vsock()
                 else ["--unix", f"{self.uds}_1995"])
        for where in (vsock, ["--unix", self.serial]):
            self.procs.append(subprocess.Popen(
                [out("tools", "csvsm-aproxy"), "--kbs", self.url, *where],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        kbs_cli.wait_listening(self.serial)
        if not vhost_vsock():
            kbs_cli.wait_listening(f"{self.uds}_1995")

    def counter(self):
        return self.broker.resources[RESOURCE]["counter"]

    def boot(self, igvm, disk, transport="vsock", words=""):
        """The pinned image on disk, reaching the broker over transport;
        `words` more for the SVSM's command line."""
        where = (["--kbs-serial", self.serial] if transport == "com3"
                 else ["--cmdline", "kbs=vsock"])
        if words:
            where += ["--cmdline", words]
        return vp.Svsm(disk, None, igvm=igvm,
                       launcher=["--vsock", self.uds] + where)

    def close(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.srv.shutdown()


def with_broker(fn, **kw):
    vp.OUT = OUT
    d = tempfile.mkdtemp(prefix="kbs_store_")
    b = None
    try:
        b = Broker(d, **kw)
        return fn(d, b)
    finally:
        if b:
            b.close()
        shutil.rmtree(d, True)


def serving(s, transport):
    """The vTPM serves its state from the store under the broker's key."""
    s.serving()
    log = s.read_log()
    expect("store key: the key broker the image pins "
           f"({RESOURCE} over {transport})" in log,
           "the log does not say the key came from the broker", log[-3000:])
    expect("the key broker released the store key" in log,
           "the broker released no key", log[-3000:])
    s.tool("tpm2_startup", "-c")
    return log


def write_nv(d, s, data, define=True):
    path = os.path.join(d, "nv.bin")
    with open(path, "wb") as f:
        f.write(data)
    if define:
        s.tool("tpm2_nvdefine", NV_INDEX, "-C", "o", "-s", str(len(data)),
               "-a", "ownerread|ownerwrite")
    s.tool("tpm2_nvwrite", NV_INDEX, "-C", "o", "-i", path)


def read_nv(s):
    return s.tool("tpm2_nvread", NV_INDEX, "-C", "o")[1]


def refused(s, *says):
    """The vTPM did not start and said why; no TPM answers."""
    s.wait_for("serving the vTPM on COM2")
    log = s.read_log()
    expect("vtpm: not started" in log and "vtpm started" not in log,
           "the vTPM started", log[-3000:])
    for words in says:
        expect(words in log, f"the log does not say '{words}'", log[-3000:])
    status, _ = s.tool("tpm2_startup", "-c", ok=False)
    expect(status != 0, "a TPM answers without its state")
    return log


def first_boot(d, b, igvm, disk):
    """Formats the store under the broker's key and writes FIRST."""
    s = b.boot(igvm, disk)
    try:
        log = serving(s, "vsock")
        expect("state in the store (new, formatted" in log,
               "the blank disk was not formatted", log[-3000:])
        write_nv(d, s, FIRST)
        expect(read_nv(s) == FIRST, "the NV index does not read back")
    finally:
        s.kill()


def check_store_opens_across_reboots_with_the_released_key():
    def go(d, b):
        igvm = pinned_image(d, b.broker.broker_key_sec1())
        disk = vp.fresh_disk(d)
        first_boot(d, b, igvm, disk)
        after_first = b.counter()
        # A format and the vTPM's writes: two advances per update.
        expect(after_first >= 4 and after_first % 2 == 0,
               f"the broker's counter is {after_first} after a format and "
               "an NV write")
        with open(disk, "rb") as f:
            image = f.read()
        expect(FIRST not in image and b.key not in image,
               "NV contents or the key are on the disk in plain text")
        # The next boot, over the serial transport: the same key opens it.
        s = b.boot(igvm, disk, "com3")
        try:
            log = serving(s, "com3")
            expect("state in the store (opened in " in log,
                   "the store was not opened", log[-3000:])
            # Opened at exactly the counter the first boot left.
            expect(f"released the store key for {RESOURCE}, counter "
                   f"{after_first}, in" in log,
                   f"the broker did not release counter {after_first}",
                   log[-3000:])
            got = read_nv(s)
            expect(got == FIRST, f"the NV index reads {got!r}")
        finally:
            s.kill()
    with_broker(go)


def check_older_disk_is_refused_through_the_brokers_counter():
    def go(d, b):
        igvm = pinned_image(d, b.broker.broker_key_sec1())
        disk = vp.fresh_disk(d)
        first_boot(d, b, igvm, disk)
        old = os.path.join(d, "old.img")
        shutil.copyfile(disk, old)
        before = b.counter()
        s = b.boot(igvm, disk)
        try:
            serving(s, "vsock")
            write_nv(d, s, SECOND, define=False)
        finally:
            s.kill()
        now = b.counter()
        expect(now > before, f"the NV write did not advance the counter "
               f"({before} -> {now})")
        old_digest = vp.digest(old)
        s = b.boot(igvm, old)
        try:
            refused(s, "older than the counter",
                    "the key broker released the store key")
        finally:
            s.kill()
        expect(vp.digest(old) == old_digest, "the refused old disk changed")
        expect(b.counter() == now, "the refusal moved the broker's counter")
        # The current disk still opens, with the newer state. The vTPM
        # service started a second time (start=vtpm beside the image's
        # etc/start) is refused and leaves the mounted store's broker be.
        s = b.boot(igvm, disk, words="start=vtpm")
        try:
            log = serving(s, "vsock")
            expect("its store is mounted already" in log,
                   "the second start of the vTPM was not refused",
                   log[-3000:])
            got = read_nv(s)
            expect(got == SECOND, f"the NV index reads {got!r}")
            at = b.counter()
            write_nv(d, s, FIRST, define=False)
            expect(b.counter() > at, "the store's update did not advance "
                   "the broker's counter after the second start")
            expect(read_nv(s) == FIRST, "the NV index did not change")
        finally:
            s.kill()
    with_broker(go)


def check_refusing_broker_creates_no_store_and_writes_nothing():
    def refusing(d, b):
        igvm = pinned_image(d, b.broker.broker_key_sec1())
        blank = vp.fresh_disk(d, "blank.img")
        s = b.boot(igvm, blank)
        try:
            refused(s, "the key broker released no key",
                    "the broker refused")
        finally:
            s.kill()
        with open(blank, "rb") as f:
            expect(not any(f.read()), "a store was created on the blank "
                   "disk for a broker that refused")
        expect(any("not configured for tests" in e
                   for e in b.broker.events),
               "the broker did not refuse the test evidence",
               "\n".join(b.broker.events))
    with_broker(refusing, allow_sample=False)

    def forged(d, b):
        # The image pins the test broker's key; this broker signs with
        # another one (as a proxy that makes its own answers would).
        pinned = testkbs.Broker("00" * 48, 0, signing_key_pem=BROKER_PEM)
        igvm = pinned_image(d, pinned.broker_key_sec1())
        blank = vp.fresh_disk(d, "blank.img")
        s = b.boot(igvm, blank)
        try:
            refused(s, "the key broker released no key",
                    "not the pinned broker's")
        finally:
            s.kill()
        with open(blank, "rb") as f:
            expect(not any(f.read()), "a store was created on the blank "
                   "disk under a key the pinned broker did not sign")
    with_broker(forged, signing_key_pem=None)

    def unreachable(d, b):
        igvm = pinned_image(d, b.broker.broker_key_sec1())
        blank = vp.fresh_disk(d, "blank.img")
        s = b.boot(igvm, blank)
        try:
            refused(s, "the key broker cannot be reached")
        finally:
            s.kill()
        with open(blank, "rb") as f:
            expect(not any(f.read()), "a store was created on the blank "
                   "disk without a broker")
    with_broker(unreachable, proxies=False)


def check_sealed_disk_is_not_written_when_the_broker_refuses():
    def go(d, b):
        igvm = pinned_image(d, b.broker.broker_key_sec1())
        disk = vp.fresh_disk(d)
        first_boot(d, b, igvm, disk)
        sealed = vp.digest(disk)
        counter = b.counter()
        b.broker.allow_sample = False  # the broker's policy changes
        s = b.boot(igvm, disk)
        try:
            refused(s, "the key broker released no key", "the broker refused")
        finally:
            s.kill()
        expect(vp.digest(disk) == sealed, "the sealed disk was written")
        expect(b.counter() == counter, "the broker's counter moved")
    with_broker(go)


def check_launcher_kbs_serial_option():
    run, igvm = out("tools", "csvsm-run"), out("svsm.igvm")
    rc, text = sh([run, "-n", "--kbs-serial", "/run/k.sock", igvm])
    expect(rc == 0 and "socket,id=csvsm-kbs,path=/run/k.sock" in text and
           "isa-serial,chardev=csvsm-kbs,iobase=0x3e8,irq=5" in text,
           "--kbs-serial does not attach COM3", text)
    kept = [w for w in text.split() if "csvsm-run." in w]
    for line in text.splitlines():
        if line.startswith("csvsm-run: files kept in "):
            shutil.rmtree(line.split()[-1], True)
    expect(kept, "no launcher folder named", text)
    for args, says in (
            (["--cmdline", "kbs=vsock"], "a kbs word in --cmdline"),
            (["--cmdline", "loglevel=40 kbs"], "a kbs word in --cmdline"),
            (["--snp"], "not supported with --snp")):
        rc, text = sh([run, "-n", "--kbs-serial", "/run/k.sock", *args,
                       igvm])
        expect(rc == 2 and says in text, f"{args}: exit {rc}", text)
    rc, text = sh([run, "-n", "--kbs-serial", "", igvm])
    expect(rc == 2 and "needs a path" in text, f"empty path: exit {rc}",
           text)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
