#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How the host tools treat the files users hand them.

Outputs: every command that writes a file (`csvsm-igvm build -o`, `sign -o`,
`sign --export-id-block`, `csvsm-snp-measure --dump-vmsa`) is pointed at a
regular file, a new file, a symbolic link, a dangling link, a folder, a
FIFO, a device that takes everything and one that takes nothing (made with
mknod in a temporary folder when run as root, /dev/null and /dev/full
otherwise), and a writable file in a folder the tool may not write. A
device or FIFO must stay what it is, a link must stay a link, errors must
name the user's path, and no temporary file may be left behind.

Inputs: a folder given as a file, and a file whose parameter area declares
2^52 bytes, run through every reading command under a timeout: each must
refuse it promptly with the same reason.

Each check is a function named check_*; it raises AssertionError to fail.
The last line is "N passed, N failed".
"""
import os
import stat
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh
from igvm_file import make_igvm

OUT = "out"
OVMF = "/usr/share/ovmf/OVMF.fd"
TIMEOUT = 20  # seconds; the tools answer these inputs in well under one
NOBODY = 65534


def igvm_tool():
    return os.path.join(ROOT, OUT, "tools", "csvsm-igvm")


class Keys:
    """One P-384 key for the sign writers, made once."""
    dir = None

    @classmethod
    def id_pem(cls):
        if cls.dir is None:
            cls.dir = tempfile.mkdtemp(prefix="files_cli_keys_")
            rc, text = sh(["openssl", "ecparam", "-name", "secp384r1",
                           "-genkey", "-noout", "-out",
                           os.path.join(cls.dir, "id.pem")])
            expect(rc == 0, "openssl ecparam", text)
        return os.path.join(cls.dir, "id.pem")


META = ["--guest-svn", "0", "--family-id", "00" * 16, "--image-id", "00" * 16]


# Each writer: (name, function(path) -> (argv, cwd), the file name it uses in
# the folder when the command names it itself).
def w_build(path):
    return [igvm_tool(), "build", "--kernel",
            os.path.join(ROOT, OUT, "svsm.elf"), "-o", path], None


def w_sign(path):
    return [igvm_tool(), "sign", os.path.join(ROOT, OUT, "svsm.igvm"), "-o",
            path, "--id-key", Keys.id_pem(), "--deterministic", *META], None


def w_export(path):
    d = os.path.dirname(path)
    return [igvm_tool(), "sign", os.path.join(ROOT, OUT, "svsm.igvm"), "-o",
            os.path.join(d, "signed-for-export.igvm"), "--id-key",
            Keys.id_pem(), "--deterministic", "--export-id-block", path,
            *META], None


def w_dump_vmsa(path):
    # --dump-vmsa names its files itself: vmsa0.bin in the working folder.
    return [os.path.join(ROOT, OUT, "tools", "csvsm-snp-measure"), "--mode",
            "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", OVMF,
            "--dump-vmsa"], os.path.dirname(path)


WRITERS = [("build -o", w_build, "out.bin"), ("sign -o", w_sign, "out.bin"),
           ("sign --export-id-block", w_export, "out.bin"),
           ("csvsm-snp-measure --dump-vmsa", w_dump_vmsa, "vmsa0.bin")]


def run_writer(fn, path, user=None):
    argv, cwd = fn(path)
    pre = None
    if user is not None:
        def pre():
            os.setgid(user)
            os.setuid(user)
    proc = subprocess.run(argv, cwd=cwd or ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          timeout=120, check=False, preexec_fn=pre)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def reference(fn, name):
    """What the writer puts into a regular file."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        rc, text = run_writer(fn, path)
        expect(rc == 0, f"writing a new file: exit {rc}", text)
        with open(path, "rb") as f:
            return f.read()


def leftovers(d, expected):
    """Names in d other than the expected ones (temporary files)."""
    return sorted(set(os.listdir(d)) - set(expected))


def for_each_writer(case):
    """Runs case(name, fn, file_name, folder) for every writer."""
    for name, fn, fname in WRITERS:
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o755)
            case(name, fn, fname, d)


def check_regular_file_replaced_keeping_its_mode():
    def case(name, fn, fname, d):
        path = os.path.join(d, fname)
        with open(path, "wb") as f:
            f.write(b"old contents")
        os.chmod(path, 0o640)
        rc, text = run_writer(fn, path)
        expect(rc == 0, f"{name}: exit {rc}", text)
        st = os.lstat(path)
        expect(stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o640,
               f"{name}: mode {oct(st.st_mode)}, want a regular 0640 file")
        with open(path, "rb") as f:
            expect(f.read() == reference(fn, fname), f"{name}: wrong contents")
        extra = leftovers(d, [fname, fname + ".sig", "signed-for-export.igvm",
                              "vmsa0.bin"])
        expect(not extra, f"{name}: left behind {extra}")
    for_each_writer(case)


def check_symlink_is_followed_not_replaced():
    def case(name, fn, fname, d):
        target = os.path.join(d, "target.bin")
        with open(target, "wb") as f:
            f.write(b"old")
        link = os.path.join(d, fname)
        os.symlink("target.bin", link)
        rc, text = run_writer(fn, link)
        expect(rc == 0, f"{name}: exit {rc}", text)
        expect(os.path.islink(link) and os.readlink(link) == "target.bin",
               f"{name}: the link was replaced")
        with open(target, "rb") as f:
            expect(f.read() == reference(fn, fname),
                   f"{name}: the link's target was not written")
    for_each_writer(case)


def check_dangling_symlink_is_refused():
    def case(name, fn, fname, d):
        link = os.path.join(d, fname)
        os.symlink("missing/target.bin", link)
        rc, text = run_writer(fn, link)
        expect(rc == 1 and fname in text and "symbolic link" in text,
               f"{name}: exit {rc}, want 1 and a message about the link", text)
        expect(os.path.islink(link)
               and os.readlink(link) == "missing/target.bin",
               f"{name}: the dangling link was replaced")
    for_each_writer(case)


def check_folder_as_output_is_refused():
    def case(name, fn, fname, d):
        path = os.path.join(d, fname)
        os.mkdir(path)
        rc, text = run_writer(fn, path)
        expect(rc == 1 and "is a folder" in text and fname in text,
               f"{name}: exit {rc}", text)
        expect(os.path.isdir(path), f"{name}: the folder was replaced")
    for_each_writer(case)


def check_fifo_is_written_in_place():
    def case(name, fn, fname, d):
        path = os.path.join(d, fname)
        os.mkfifo(path)
        got = []

        def reader():
            with open(path, "rb") as f:
                got.append(f.read())
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        rc, text = run_writer(fn, path)
        t.join(TIMEOUT)
        expect(rc == 0, f"{name}: exit {rc}", text)
        expect(stat.S_ISFIFO(os.lstat(path).st_mode),
               f"{name}: the FIFO was replaced")
        expect(got and got[0] == reference(fn, fname),
               f"{name}: the reader did not get the output")
    for_each_writer(case)


def device(d, name, minor):
    """A character device (1, minor) in d when root, else the one in /dev."""
    if os.geteuid() != 0:
        return "/dev/" + {3: "null", 7: "full"}[minor]
    path = os.path.join(d, name)
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return path


def check_devices_are_written_never_replaced():
    def case(name, fn, fname, d):
        if fn is w_dump_vmsa and os.geteuid() != 0:
            # --dump-vmsa writes into the working folder: a device can only
            # be planted there as root.
            return
        null = device(d, fname, 3)
        rc, text = run_writer(fn, null)
        expect(rc == 0, f"{name} to a null device: exit {rc}", text)
        expect(stat.S_ISCHR(os.lstat(null).st_mode),
               f"{name}: the null device became a regular file")
        if os.geteuid() == 0:
            os.unlink(null)
        full = device(d, fname, 7)
        rc, text = run_writer(fn, full)
        expect(rc == 1 and "No space left on device" in text
               and os.path.basename(full) in text,
               f"{name} to a full device: exit {rc}, want 1 naming it", text)
        expect(stat.S_ISCHR(os.lstat(full).st_mode),
               f"{name}: the full device became a regular file")
        extra = leftovers(d, [fname, fname + ".sig", "signed-for-export.igvm"])
        expect(not extra, f"{name}: left behind {extra}")
    for_each_writer(case)


def check_stdout_as_output():
    """-o /dev/stdout: the file on stdout, the "wrote" line on stderr."""
    proc = subprocess.run(w_build("/dev/stdout")[0], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=120, check=False)
    err = proc.stderr.decode("utf-8", "replace")
    expect(proc.returncode == 0 and proc.stdout == reference(w_build, "x")
           and err.startswith("wrote /dev/stdout: "),
           f"exit {proc.returncode}, {len(proc.stdout)} bytes on stdout", err)


def check_writable_file_in_unwritable_folder():
    """The temporary file cannot be made: the file is rewritten in place."""
    user = NOBODY if os.geteuid() == 0 else None
    for name, fn, fname in WRITERS[:2]:  # the -o writers
        with tempfile.TemporaryDirectory() as top:
            os.chmod(top, 0o755)
            d = os.path.join(top, "ro")
            os.mkdir(d)
            path = os.path.join(d, fname)
            with open(path, "wb") as f:
                f.write(b"old")
            if user is not None:
                os.chown(d, user, user)
                os.chown(path, user, user)
                os.chmod(Keys.dir, 0o755)
                os.chmod(Keys.id_pem(), 0o644)
            os.chmod(d, 0o555)
            try:
                rc, text = run_writer(fn, path, user)
            finally:
                os.chmod(d, 0o755)
            expect(rc == 0, f"{name}: exit {rc}", text)
            with open(path, "rb") as f:
                expect(f.read() == reference(fn, fname),
                       f"{name}: the file was not rewritten")
            # A new file there cannot be made; the message says why.
            os.chmod(d, 0o555)
            try:
                rc, text = run_writer(fn, os.path.join(d, "new.bin"), user)
            finally:
                os.chmod(d, 0o755)
            expect(rc == 1 and "new.bin" in text and "not writable" in text,
                   f"{name}: new file in a read-only folder: exit {rc}", text)


# --- inputs ---------------------------------------------------------------

def reading_commands(path):
    """Every command that reads an IGVM file, with what it exits on bad input."""
    igvm = igvm_tool()
    return [
        ([igvm, "dump", path], 1),
        ([igvm, "dump", "--json", path], 1),
        ([igvm, "measure", path], 1),
        ([igvm, "measure", "--json", path], 1),
        ([igvm, "mrtd", "--igvm", path], 1),
        ([igvm, "sign", path, "-o", path + ".signed", "--id-key",
          Keys.id_pem(), *META], 1),
        ([igvm, "verify", path], 1),
        ([os.path.join(ROOT, OUT, "tools", "csvsm-run"), "--dry-run", path], 2),
    ]


def check_huge_parameter_area_is_refused_promptly():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "huge.igvm")
        make_igvm(path, area_bytes=1 << 52)
        for argv, want in reading_commands(path):
            rc, text = sh(argv, timeout=TIMEOUT)  # TimeoutExpired fails it
            expect(rc == want and "larger than the 64 MiB" in text,
                   f"{' '.join(argv[1:3])}: exit {rc}, want {want} and the "
                   "parameter-area limit", text)
            expect(not os.path.exists(path + ".signed"), "sign wrote a file")


def check_folder_as_input_says_so():
    with tempfile.TemporaryDirectory() as d:
        for argv, want in reading_commands(d):
            rc, text = sh(argv, timeout=TIMEOUT)
            expect(rc == want and "is a folder" in text and d in text,
                   f"{' '.join(argv[1:3])}: exit {rc}", text)
        rc, text = sh([os.path.join(ROOT, OUT, "tools", "csvsm-snp-measure"),
                       "--mode", "snp", "--vcpus", "1", "--vcpu-type",
                       "EPYC-v4", "--ovmf", d], timeout=TIMEOUT)
        expect(rc == 1 and "is a folder" in text, f"csvsm-snp-measure: {rc}",
               text)


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
