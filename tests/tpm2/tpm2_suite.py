#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The tpm2-tools suite: the same tpm2-tools commands against Debian's swtpm
and against csvsm's vTPM, answers side by side.

Every step runs Debian's tpm2-tools through a TCTI (the swtpm or mssim TCP
protocol). A step records *answers* (values both TPMs must give alike, or
that differ in a documented way: DOCUMENTED below, docs/vtpm-host.md) and
makes *checks* that hold on each TPM alone (a PCR equals the SHA-256 chain
this script computes, a signature and a quote verify, an NV index reads
back what was written). The run fails on any failed check and on any answer
that differs between the two TPMs outside DOCUMENTED.

Targets:
  --reference swtpm        start Debian's swtpm (socket, TCP) in a temporary
                           folder and manufacture its EKs like csvsm's
                           (TCG templates, RSA 2048 at 0x81010001, ECC P-256
                           at 0x81010002): always the left column.
  --candidate-tcti TCTI    a TPM already listening (csvsm booted with
                           csvsm-run --tpm PORT: mssim:host=127.0.0.1,port=PORT)
  --candidate-program PROG a vTPM program run as a host process behind
                           csvsm-mssim (--mssim names that tool); extra words
                           for the program follow --program-arg
  --candidate-swtpm        a second swtpm socket, manufactured alike: the
                           suite against swtpm alone
  --candidate-swtpm-chardev  swtpm's chardev mode behind csvsm-mssim: checks
                           the adapter and the suite with a known TPM

The last line is "N passed, N failed" (one count per step and side).
"""
import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import yaml

# Answers that differ between swtpm and csvsm by design: "step/field" or a
# prefix ending in "/" for a whole step; each with the reason, which
# docs/vtpm-host.md repeats.
DOCUMENTED = {
    "getcap-fixed/TPM2_PT_MANUFACTURER": "the vendor: swtpm says IBM",
    "getcap-fixed/TPM2_PT_VENDOR_STRING_1": "the vendor string",
    "getcap-fixed/TPM2_PT_VENDOR_STRING_2": "the vendor string",
    "getcap-fixed/TPM2_PT_VENDOR_STRING_3": "the vendor string",
    "getcap-fixed/TPM2_PT_VENDOR_STRING_4": "the vendor string",
    "getcap-fixed/TPM2_PT_FIRMWARE_VERSION_1": "the libtpms build",
    "getcap-fixed/TPM2_PT_FIRMWARE_VERSION_2": "the libtpms build",
    "getcap-fixed/TPM2_PT_MAX_COMMAND_SIZE":
        "csvsm lowers it to fit the SVSM vTPM protocol's 4096-byte buffer",
    "getcap-fixed/TPM2_PT_MAX_RESPONSE_SIZE":
        "csvsm lowers it to fit the SVSM vTPM protocol's 4096-byte buffer",
    "getcap-variable/TPM2_PT_STARTUP_CLEAR.orderly":
        "whether the previous shutdown was orderly depends on the TPM's past",
}

# Persistent handles of the TCG EK Credential Profile's low range.
EK_RSA_HANDLE = "0x81010001"
EK_ECC_HANDLE = "0x81010002"
OWNER_PERSISTENT = "0x81000001"
NV_ORDINARY = "0x1500016"
NV_COUNTER = "0x1500017"
TOOL_TIMEOUT = 120
# The tools that leave a transient object loaded.
LOADS_OBJECTS = {"tpm2_createprimary", "tpm2_create", "tpm2_load",
                 "tpm2_sign", "tpm2_verifysignature", "tpm2_quote",
                 "tpm2_evictcontrol", "tpm2_readpublic", "tpm2_createek"}


class StepError(Exception):
    """A tpm2-tools command failed where it must succeed."""


class Tpm:
    """One TPM reached through a TCTI, with a folder for its files."""

    def __init__(self, name, tcti, workdir):
        self.name = name
        self.tcti = tcti
        self.dir = workdir
        self.answers = {}  # "step/field" -> value
        self.failures = []  # (step, message)
        self.seconds = {}  # step -> wall time

    def path(self, fname):
        return os.path.join(self.dir, fname)

    def tool(self, *args, stdin=None, ok=True):
        """Runs one tpm2-tools command; returns (status, stdout, stderr)."""
        env = dict(os.environ, TPM2TOOLS_TCTI=self.tcti)
        env.pop("TSS2_LOG", None)
        proc = subprocess.run(list(args), cwd=self.dir, env=env, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TOOL_TIMEOUT, check=False)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if ok and proc.returncode != 0:
            raise StepError(f"{' '.join(args)}: exit {proc.returncode}: "
                            f"{err.strip()[:300]}")
        if args[0] in LOADS_OBJECTS:
            # Without a resource manager the object a tool loaded stays in
            # one of the TPM's few slots; the next tool reloads its context.
            self.tool("tpm2_flushcontext", "-t")
        return proc.returncode, out, err

    def yaml(self, *args):
        return yaml.safe_load(self.tool(*args)[1]) or {}


def flatten(prefix, value, into):
    """Flattens tpm2-tools' YAML into "a.b" -> scalar."""
    if isinstance(value, dict):
        for key, sub in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), sub, into)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            flatten(f"{prefix}[{i}]", sub, into)
    else:
        into[prefix] = value
    return into


def pcr_value(doc, bank, index):
    """One PCR from tpm2_pcrread's YAML, as bytes."""
    raw = doc[bank][index]
    return int(raw).to_bytes(hashlib.new(bank).digest_size, "big") \
        if isinstance(raw, int) else bytes.fromhex(str(raw)[2:])


# The public area fields that depend on the key itself or its name, which
# two TPMs (different seeds) never share.
KEY_FIELDS = ("name", "qualified name", "x", "y", "rsa")


def public_answers(doc):
    return {k: v for k, v in flatten("", doc, {}).items()
            if k.split(".")[0] not in KEY_FIELDS}


# --- the steps: each takes a Tpm, records answers and makes checks ----------

def step_startup(t, rec, check):
    status, _, err = t.tool("tpm2_startup", "-c", ok=False)
    # tpm2_startup counts TPM_RC_INITIALIZE (already started) as success.
    check(status == 0, f"tpm2_startup -c: exit {status}: {err.strip()[:200]}")
    rec("status", status)


def step_getcap_fixed(t, rec, check):
    doc = t.yaml("tpm2_getcap", "properties-fixed")
    for key, val in flatten("", doc, {}).items():
        rec(key, val)
    size = doc.get("TPM2_PT_MAX_COMMAND_SIZE", {}).get("raw")
    check(size is not None, "no TPM2_PT_MAX_COMMAND_SIZE")


def step_getcap_variable(t, rec, check):
    doc = t.yaml("tpm2_getcap", "properties-variable")
    for key, val in flatten("", doc, {}).items():
        # Counters of this moment's loaded objects and sessions, and the
        # lockout state, belong to the comparison; nothing here is random.
        rec(key, val)


def step_getcap_algorithms(t, rec, check):
    doc = t.yaml("tpm2_getcap", "algorithms")
    for key, val in flatten("", doc, {}).items():
        rec(key, val)
    check("sha256" in doc and "ecc" in doc and "rsa" in doc,
          "sha256, rsa and ecc are not all listed")


def step_getcap_commands(t, rec, check):
    doc = t.yaml("tpm2_getcap", "commands")
    rec("commands", sorted(str(k) for k in doc))


def step_getcap_pcrs(t, rec, check):
    doc = t.yaml("tpm2_getcap", "pcrs")
    rec("selected-pcrs", doc.get("selected-pcrs"))


def handles(t, kind):
    out = t.tool("tpm2_getcap", kind)[1]
    return [line.strip("- ").strip() for line in out.splitlines()
            if line.strip()]


def step_getcap_handles(t, rec, check):
    persistent = handles(t, "handles-persistent")
    rec("persistent", persistent)
    check(EK_RSA_HANDLE in persistent and EK_ECC_HANDLE in persistent,
          f"the EKs are not persistent: {persistent}")
    rec("transient", handles(t, "handles-transient"))
    rec("nv-index", handles(t, "handles-nv-index"))


def step_getrandom(t, rec, check):
    first = bytes.fromhex(t.tool("tpm2_getrandom", "--hex", "32")[1].strip())
    second = bytes.fromhex(t.tool("tpm2_getrandom", "--hex", "32")[1].strip())
    rec("length", len(first))
    check(len(first) == 32 and len(second) == 32, "not 32 bytes")
    check(first != second, "two GetRandom(32) gave the same bytes")


def step_pcrread(t, rec, check):
    doc = t.yaml("tpm2_pcrread", "sha256:0,7,16,23")
    for idx in (0, 7, 16, 23):
        val = pcr_value(doc, "sha256", idx)
        rec(f"sha256:{idx}", val.hex())
    check(pcr_value(doc, "sha256", 16) == bytes(32), "PCR 16 is not zero")


def step_pcrextend(t, rec, check):
    before = pcr_value(t.yaml("tpm2_pcrread", "sha256:16"), "sha256", 16)
    expect = before
    for word in (b"csvsm one", b"csvsm two"):
        digest = hashlib.sha256(word).hexdigest()
        t.tool("tpm2_pcrextend", f"16:sha256={digest}")
        expect = hashlib.sha256(expect + bytes.fromhex(digest)).digest()
        after = pcr_value(t.yaml("tpm2_pcrread", "sha256:16"), "sha256", 16)
        check(after == expect, f"PCR 16 is {after.hex()}, SHA-256 says "
              f"{expect.hex()}")
    rec("sha256:16", expect.hex())


def step_createprimary_rsa(t, rec, check):
    doc = yaml.safe_load(t.tool("tpm2_createprimary", "-C", "o", "-G",
                                "rsa2048", "-c", "prim_rsa.ctx")[1])
    for key, val in public_answers(doc).items():
        rec(key, val)
    check(len(str(doc.get("rsa", ""))) == 512, "the modulus is not 2048 bits")


def step_createprimary_ecc(t, rec, check):
    doc = yaml.safe_load(t.tool("tpm2_createprimary", "-C", "o", "-G",
                                "ecc256", "-c", "prim.ctx")[1])
    for key, val in public_answers(doc).items():
        rec(key, val)
    check(len(str(doc.get("x", ""))) == 64, "x is not 256 bits")


def step_create_load(t, rec, check):
    for name, alg, attrs in (
            ("sign_ecc", "ecc256:ecdsa-sha256", None),
            ("sign_rsa", "rsa2048:rsassa-sha256", None),
            ("ak", "ecc256:ecdsa-sha256:null",
             "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|"
             "restricted|sign")):
        args = ["tpm2_create", "-C", "prim.ctx", "-G", alg,
                "-u", f"{name}.pub", "-r", f"{name}.priv"]
        if attrs:
            args += ["-a", attrs]
        doc = yaml.safe_load(t.tool(*args)[1])
        for key, val in public_answers(doc).items():
            rec(f"{name}.{key}", val)
        t.tool("tpm2_load", "-C", "prim.ctx", "-u", f"{name}.pub",
               "-r", f"{name}.priv", "-c", f"{name}.ctx")
    rec("transient", handles(t, "handles-transient"))


def step_sign_verify(t, rec, check):
    with open(t.path("msg.bin"), "wb") as f:
        f.write(b"csvsm signs this")
    for key in ("sign_ecc", "sign_rsa"):
        t.tool("tpm2_sign", "-c", f"{key}.ctx", "-g", "sha256",
               "-o", f"{key}.sig", "msg.bin")
        status = t.tool("tpm2_verifysignature", "-c", f"{key}.ctx",
                        "-g", "sha256", "-m", "msg.bin",
                        "-s", f"{key}.sig", ok=False)[0]
        check(status == 0, f"{key}: the signature does not verify")
        rec(f"{key}.verifies", status == 0)
        # A changed message must not verify.
        with open(t.path("other.bin"), "wb") as f:
            f.write(b"csvsm signs that")
        status = t.tool("tpm2_verifysignature", "-c", f"{key}.ctx",
                        "-g", "sha256", "-m", "other.bin",
                        "-s", f"{key}.sig", ok=False)[0]
        check(status != 0, f"{key}: a signature over another message "
              "verifies")
        rec(f"{key}.other-message-refused", status != 0)


def step_quote(t, rec, check):
    t.tool("tpm2_quote", "-c", "ak.ctx", "-l", "sha256:16,23", "-q",
           "c5c5a001", "-m", "quote.msg", "-s", "quote.sig",
           "-o", "quote.pcrs", "-g", "sha256")
    status = t.tool("tpm2_checkquote", "-u", "ak.pub", "-m", "quote.msg",
                    "-s", "quote.sig", "-f", "quote.pcrs", "-g", "sha256",
                    "-q", "c5c5a001", ok=False)[0]
    check(status == 0, "tpm2_checkquote refuses the quote")
    rec("checkquote", status == 0)
    status = t.tool("tpm2_checkquote", "-u", "ak.pub", "-m", "quote.msg",
                    "-s", "quote.sig", "-f", "quote.pcrs", "-g", "sha256",
                    "-q", "c5c5a002", ok=False)[0]
    check(status != 0, "tpm2_checkquote accepts another nonce")
    doc = yaml.safe_load(t.tool("tpm2_print", "-t", "TPMS_ATTEST",
                                "quote.msg")[1])
    flat = flatten("", doc, {})
    for key in ("magic", "type", "extraData", "attested.quote.pcrSelect.count",
                "attested.quote.pcrSelect.pcrSelections.0.hash",
                "attested.quote.pcrSelect.pcrSelections.0.pcrSelect",
                "attested.quote.pcrDigest"):
        rec(key, flat.get(key))
    # The digest is SHA-256 over PCR 16 then PCR 23 as pcrread shows them.
    doc = t.yaml("tpm2_pcrread", "sha256:16,23")
    want = hashlib.sha256(pcr_value(doc, "sha256", 16) +
                          pcr_value(doc, "sha256", 23)).hexdigest()
    check(str(flat.get("attested.quote.pcrDigest")) == want,
          f"the quote's PCR digest is not SHA-256(PCR16 || PCR23) = {want}")
    check(str(flat.get("extraData")) == "c5c5a001", "the nonce is not quoted")


def step_nv(t, rec, check):
    data = bytes(range(32))
    with open(t.path("nv.bin"), "wb") as f:
        f.write(data)
    t.tool("tpm2_nvdefine", NV_ORDINARY, "-C", "o", "-s", "32",
           "-a", "ownerread|ownerwrite|authread|authwrite")
    t.tool("tpm2_nvwrite", NV_ORDINARY, "-C", "o", "-i", "nv.bin")
    back = t.tool("tpm2_nvread", NV_ORDINARY, "-C", "o", "-s", "32",
                  "-o", "nv_back.bin")
    del back
    with open(t.path("nv_back.bin"), "rb") as f:
        got = f.read()
    check(got == data, f"NV read {got.hex()}, wrote {data.hex()}")
    rec("ordinary", got.hex())
    t.tool("tpm2_nvdefine", NV_COUNTER, "-C", "o", "-s", "8",
           "-a", "nt=counter|ownerread|ownerwrite|authread|authwrite")
    values = []
    for _ in range(2):
        t.tool("tpm2_nvincrement", NV_COUNTER, "-C", "o")
        t.tool("tpm2_nvread", NV_COUNTER, "-C", "o", "-s", "8",
               "-o", "ctr.bin")
        with open(t.path("ctr.bin"), "rb") as f:
            values.append(int.from_bytes(f.read(), "big"))
    check(values[1] == values[0] + 1, f"the counter went {values}")
    rec("counter-step", values[1] - values[0])
    doc = t.yaml("tpm2_nvreadpublic")
    for key, val in flatten("", doc, {}).items():
        if not key.endswith(".name"):
            rec(f"public.{key}", val)


def step_evictcontrol(t, rec, check):
    t.tool("tpm2_evictcontrol", "-C", "o", "-c", "prim.ctx", OWNER_PERSISTENT)
    persistent = handles(t, "handles-persistent")
    check(OWNER_PERSISTENT in persistent, f"{OWNER_PERSISTENT} not listed")
    rec("persistent", persistent)
    pub = public_answers(t.yaml("tpm2_readpublic", "-c", OWNER_PERSISTENT))
    rec("readpublic", pub)


def step_readpublic_eks(t, rec, check):
    for handle in (EK_RSA_HANDLE, EK_ECC_HANDLE):
        doc = t.yaml("tpm2_readpublic", "-c", handle)
        for key, val in public_answers(doc).items():
            rec(f"{handle}.{key}", val)


def step_clear(t, rec, check):
    t.tool("tpm2_clear", "-c", "l")
    persistent = handles(t, "handles-persistent")
    nv = handles(t, "handles-nv-index")
    check(OWNER_PERSISTENT not in persistent, "the owner key survived Clear")
    check(NV_ORDINARY not in nv, "the owner NV index survived Clear")
    rec("persistent", persistent)
    rec("nv-index", nv)


STEPS = [
    ("startup", step_startup),
    ("getcap-fixed", step_getcap_fixed),
    ("getcap-variable", step_getcap_variable),
    ("getcap-algorithms", step_getcap_algorithms),
    ("getcap-commands", step_getcap_commands),
    ("getcap-pcrs", step_getcap_pcrs),
    ("getcap-handles", step_getcap_handles),
    ("getrandom", step_getrandom),
    ("pcrread", step_pcrread),
    ("pcrextend", step_pcrextend),
    ("createprimary-rsa", step_createprimary_rsa),
    ("createprimary-ecc", step_createprimary_ecc),
    ("create-load", step_create_load),
    ("sign-verifysignature", step_sign_verify),
    ("quote-checkquote", step_quote),
    ("nv", step_nv),
    ("evictcontrol", step_evictcontrol),
    ("readpublic-eks", step_readpublic_eks),
    ("clear", step_clear),
]


def run_steps(t):
    """Runs every step on one TPM; a step that raises is one failure."""
    for step, func in STEPS:
        def rec(field, value, step=step):
            t.answers[f"{step}/{field}"] = value

        def check(cond, message, step=step):
            if not cond:
                t.failures.append((step, message))
        start = time.monotonic()
        try:
            func(t, rec, check)
        except (StepError, subprocess.TimeoutExpired, KeyError, TypeError,
                ValueError, AttributeError, yaml.YAMLError) as exc:
            t.failures.append((step, f"{type(exc).__name__}: {exc}"))
        t.seconds[step] = time.monotonic() - start


def documented(key):
    if key in DOCUMENTED:
        return DOCUMENTED[key]
    for pat, why in DOCUMENTED.items():
        # A pattern names its field's parts too: "X" covers "X.raw".
        if key.startswith(pat if pat.endswith("/") else pat + "."):
            return why
    return None


def short(value, width=34):
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def compare(ref, cand):
    """Prints both TPMs side by side; returns (passed, failed) per step."""
    print(f"{'answer':<58} {ref.name:<34} {cand.name:<34} verdict")
    diffs = {}
    for key in sorted(set(ref.answers) | set(cand.answers),
                      key=lambda k: ([s for s, _ in STEPS].index(
                          k.split("/")[0]), k)):
        a, b = ref.answers.get(key), cand.answers.get(key)
        why = documented(key)
        if a == b:
            verdict = "same"
        elif why:
            verdict = f"documented: {why}"
        else:
            verdict = "DIFFERENT"
            diffs.setdefault(key.split("/")[0], []).append(key)
        print(f"{short(key, 58):<58} {short(a):<34} {short(b):<34} {verdict}")
    print("seconds per step (not compared): " + ", ".join(
        f"{step} {ref.seconds.get(step, 0):.2f}/{cand.seconds.get(step, 0):.2f}"
        for step, _ in STEPS))
    passed = failed = 0
    for step, _ in STEPS:
        for t in (ref, cand):
            msgs = [m for s, m in t.failures if s == step]
            for m in msgs:
                print(f"FAIL {step} on {t.name}: {m}")
            if msgs:
                failed += 1
            else:
                passed += 1
        if step in diffs:
            print(f"FAIL {step}: {cand.name} differs from {ref.name} in "
                  f"{', '.join(diffs[step])}")
            failed += 1
    return passed, failed


# --- targets -----------------------------------------------------------------

def free_port_pair():
    """A port P with P and P+1 free on 127.0.0.1 (command and platform)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair")


def wait_port(port, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def manufacture(t):
    """Gives a fresh reference TPM the EKs csvsm's manufacture makes: the TCG
    default templates (tpm2_createek) at the low-range handles."""
    t.tool("tpm2_startup", "-c")
    t.tool("tpm2_createek", "-G", "rsa", "-c", EK_RSA_HANDLE,
           "-u", "ek_rsa.pub")
    t.tool("tpm2_createek", "-G", "ecc", "-c", EK_ECC_HANDLE,
           "-u", "ek_ecc.pub")


class Servers:
    """The processes this run started, ended by their own ids."""

    def __init__(self):
        self.procs = []

    def start(self, argv, log):
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def start_swtpm(servers, workdir, log):
    state = os.path.join(workdir, "state")
    os.makedirs(state)
    port = free_port_pair()
    proc = servers.start(
        ["swtpm", "socket", "--tpm2",
         "--server", f"type=tcp,port={port},bindaddr=127.0.0.1",
         "--ctrl", f"type=tcp,port={port + 1},bindaddr=127.0.0.1",
         "--tpmstate", f"dir={state}", "--flags", "not-need-init"], log)
    wait_port(port, proc)
    return f"swtpm:host=127.0.0.1,port={port}"


def start_mssim(servers, mssim, program_argv, log):
    port = free_port_pair()
    proc = servers.start([mssim, "--port", str(port), "--"] + program_argv,
                         log)
    wait_port(port, proc)
    wait_port(port + 1, proc)
    return f"mssim:host=127.0.0.1,port={port}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", choices=["swtpm"], default="swtpm")
    grp = ap.add_mutually_exclusive_group(required=True)
    grp.add_argument("--candidate-tcti")
    grp.add_argument("--candidate-program")
    grp.add_argument("--candidate-swtpm-chardev", action="store_true")
    grp.add_argument("--candidate-swtpm", action="store_true")
    ap.add_argument("--program-arg", action="append", default=[])
    ap.add_argument("--mssim", default="out/tools/csvsm-mssim")
    ap.add_argument("--name", default="csvsm")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temporary folder")
    args = ap.parse_args()
    for tool in ("swtpm", "tpm2_getcap"):
        if shutil.which(tool) is None:
            print(f"tpm2_suite: {tool} is missing (scripts/deps.sh)")
            print("0 passed, 1 failed")
            return 1
    top = tempfile.mkdtemp(prefix="csvsm-tpm2-")
    servers = Servers()
    passed, failed = 0, 1  # until the comparison says otherwise
    log = open(os.path.join(top, "servers.log"), "wb")
    try:
        for sub in ("ref", "ref/files", "cand", "cand/files"):
            os.makedirs(os.path.join(top, sub))
        ref = Tpm("swtpm", start_swtpm(servers, os.path.join(top, "ref"), log),
                  os.path.join(top, "ref", "files"))
        manufacture(ref)
        cand_dir = os.path.join(top, "cand", "files")
        if args.candidate_tcti:
            tcti = args.candidate_tcti
        elif args.candidate_swtpm:
            tcti = start_swtpm(servers, os.path.join(top, "cand"), log)
        elif args.candidate_program:
            tcti = start_mssim(servers, args.mssim,
                               [args.candidate_program] + args.program_arg,
                               log)
        else:
            state = os.path.join(top, "cand", "state")
            os.makedirs(state)
            tcti = start_mssim(servers, args.mssim,
                               ["swtpm", "chardev", "--tpm2", "--fd", "{fd}",
                                "--tpmstate", f"dir={state}",
                                "--flags", "not-need-init"], log)
        cand = Tpm(args.name, tcti, cand_dir)
        if args.candidate_swtpm_chardev or args.candidate_swtpm:
            manufacture(cand)
        for t in (ref, cand):
            run_steps(t)
        passed, failed = compare(ref, cand)
    except (StepError, RuntimeError, OSError) as exc:
        print(f"tpm2_suite: {exc}")
        passed, failed = 0, 1
    finally:
        servers.stop()
        log.close()
        if failed:
            with open(os.path.join(top, "servers.log"), "rb") as f:
                tail = f.read()[-2000:].decode("utf-8", "replace")
            if tail.strip():
                print("--- server log (tail) ---\n" + tail)
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
