#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of `csvsm-igvm sign` and `verify` against independent tools.

The IGVM input is written here with the standard library (struct, zlib), so
the tool's parser and builder are checked against a second writer. Keys are
made by the `openssl` command line in a temporary directory; the exported ID
block signature is verified by `openssl dgst` after this script converts the
little-endian r/s back to DER itself. Each check is a function named check_*;
it raises AssertionError to fail. The last line is "N passed, N failed".
Formats: igvm_defs 0.4.0 (IGVM_VHS_SNP_ID_BLOCK) and AMD 56860,
SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO).
"""
import hashlib
import json
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import checks
from checks import ROOT, expect, sh

OUT = "out"

from igvm_file import (GUEST_POLICY, NATIVE, PAGE_DATA, POLICY, SNP, SNP_ID_BLOCK,
                       SUPPORTED_PLATFORM, VP_CONTEXT, make_igvm, read_igvm,
                       reseal)

LD = bytes(range(0x30, 0x60))
# Offsets in the 696-byte SNP_ID_BLOCK body (igvm_defs 0.4.0, IGVM_VHS_*).
ID_LD, ID_SVN, ID_SIG, ID_PUB, AU_SIG, AU_PUB = 0x8, 0x5C, 0x68, 0xF8, 0x190, 0x220


def tool(*args):
    return sh([os.path.join(OUT, "tools", "csvsm-igvm"), *args])


def one_line_error(rc, text, needle):
    expect(rc == 1, f"exit {rc}, want 1", text)
    lines = text.strip().splitlines()
    expect(len(lines) == 1 and lines[0].startswith("csvsm-igvm: "),
           "want one 'csvsm-igvm: ' line", text)
    expect(needle in text, f"missing '{needle}'", text)


def id_block_of(path):
    _, hdrs = read_igvm(path)
    blocks = [(b, o) for t, b, o in hdrs if t == SNP_ID_BLOCK]
    expect(len(blocks) == 1, f"{path}: {len(blocks)} SNP_ID_BLOCK headers")
    return blocks[0]


# --- keys and signatures with the openssl command line -------------------

def openssl(*args):
    rc, text = sh(["openssl", *args])
    expect(rc == 0, f"openssl {' '.join(args)} failed", text)
    return text


def make_keys(d):
    keys = {
        # PKCS#8 and SEC1 ("EC PRIVATE KEY"): both must load.
        "id": ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "author": ["ecparam", "-name", "secp384r1", "-genkey", "-noout"],
        # With an "EC PARAMETERS" block before the key, as ecparam writes it.
        "other": ["ecparam", "-name", "secp384r1", "-genkey"],
        "rsa": ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "p256": ["ecparam", "-name", "prime256v1", "-genkey", "-noout"],
        "ed25519": ["genpkey", "-algorithm", "ED25519"],
    }
    paths = {}
    for name, cmd in keys.items():
        paths[name] = os.path.join(d, name + ".pem")
        openssl(*cmd, "-out", paths[name])
    return paths


def public_point(pem):
    """The uncompressed point 04||X||Y: the tail of the SubjectPublicKeyInfo."""
    with tempfile.NamedTemporaryFile() as f:
        openssl("pkey", "-in", pem, "-pubout", "-outform", "DER", "-out", f.name)
        der = f.read()
    expect(der[-97] == 4, "not an uncompressed P-384 point")
    return der[-96:-48], der[-48:]


def snp_key(pem):
    """AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): the 0x404-byte SNP public key: curve 2, qx, qy (72 B LE)."""
    x, y = public_point(pem)
    k = struct.pack("<I", 2) + x[::-1] + b"\0" * 24 + y[::-1] + b"\0" * 24
    return k + b"\0" * (0x404 - len(k))


def der_sig(rs):
    """144 bytes r||s (72 B little endian each) -> DER ECDSA-Sig-Value."""
    def integer(le):
        b = le[::-1].lstrip(b"\0") or b"\0"
        if b[0] & 0x80:
            b = b"\0" + b
        return b"\x02" + bytes([len(b)]) + b
    body = integer(rs[:72]) + integer(rs[72:144])
    return b"\x30" + bytes([len(body)]) + body


def openssl_verifies(pem, msg, rs, d):
    pub, sig, data = (os.path.join(d, n) for n in ("v.pub", "v.sig", "v.msg"))
    openssl("pkey", "-in", pem, "-pubout", "-out", pub)
    with open(sig, "wb") as f:
        f.write(der_sig(rs))
    with open(data, "wb") as f:
        f.write(msg)
    rc, text = sh(["openssl", "dgst", "-sha384", "-verify", pub, "-signature", sig,
                   data])
    return rc == 0 and "Verified OK" in text


class Fixture:
    """A temp dir with keys, an unsigned SNP+NATIVE file, and a signed one."""

    def __init__(self, d):
        self.d = d
        self.keys = make_keys(d)
        self.unsigned = self.path("in.igvm")
        make_igvm(self.unsigned)

    def path(self, name):
        return os.path.join(self.d, name)

    def sign(self, out, *extra, key="id", author="author", src=None, meta=True):
        """meta: give the SVN and IDs sign requires, unless extra has them."""
        args = ["sign", src or self.unsigned, "-o", out, "--id-key", self.keys[key],
                "--ld", LD.hex(), *extra]
        for opt, value in (("--guest-svn", "0"), ("--family-id", "00" * 16),
                           ("--image-id", "00" * 16)):
            if meta and opt not in extra:
                args += [opt, value]
        if author:
            args += ["--author-key", self.keys[author]]
        return tool(*args)


def with_fixture(fn):
    def run():
        with tempfile.TemporaryDirectory() as d:
            fn(Fixture(d))
    run.__name__ = fn.__name__
    return run


# --- checks ---------------------------------------------------------------

@with_fixture
def check_sign_then_verify(fx):
    out = fx.path("signed.igvm")
    rc, text = fx.sign(out, "--family-id", "00112233445566778899aabbccddeeff",
                       "--image-id", "ff" * 16, "--guest-svn", "5")
    expect(rc == 0 and text.startswith(f"signed {out}: launch digest {LD.hex()}, "
                                       "guest SVN 5, family ID "
                                       "00112233445566778899aabbccddeeff"),
           f"sign: exit {rc}, or no line saying what was signed", text)
    id_digest = hashlib.sha384(snp_key(fx.keys["id"])).hexdigest()
    au_digest = hashlib.sha384(snp_key(fx.keys["author"])).hexdigest()
    rc, text = tool("verify", out, "--ld", LD.hex(), "--id-key-digest", id_digest,
                    "--author-key-digest", au_digest)
    expect(rc == 0, f"verify: exit {rc}", text)
    for needle in ["verifies", "00112233445566778899aabbccddeeff", "f" * 32,
                   "guest_svn            5", "0x30000", id_digest, au_digest]:
        expect(needle in text, f"verify output lacks '{needle}'", text)


@with_fixture
def check_id_block_verifies_with_openssl_cli(fx):
    out, blk = fx.path("signed.igvm"), fx.path("block.bin")
    rc, text = fx.sign(out, "--guest-svn", "9", "--export-id-block", blk)
    expect(rc == 0 and f"wrote {blk} (the 96-byte ID block) and {blk}.sig"
           in text, f"sign: exit {rc}, or no line naming the export", text)
    with open(blk, "rb") as f:
        block = f.read()
    with open(blk + ".sig", "rb") as f:
        rs = f.read()
    # AMD 56860, SNP_LAUNCH_FINISH (ID_BLOCK, ID_AUTH_INFO): LD || family 0 || image 0 || VERSION 1 || SVN || POLICY.
    want = LD + b"\0" * 32 + struct.pack("<IIQ", 1, 9, POLICY)
    expect(block == want, "exported block is not LD||IDs||1||svn||policy")
    expect(len(rs) == 144, f"signature file is {len(rs)} bytes, want 144")
    expect(openssl_verifies(fx.keys["id"], block, rs, fx.d),
           "openssl dgst does not verify the ID block signature")
    expect(not openssl_verifies(fx.keys["id"], block[:-1] + b"\1", rs, fx.d),
           "openssl verifies a modified block")
    # The directive carries the same signature, and the author's signature
    # over the 0x404-byte SNP form of the ID key (not the IGVM struct).
    body, _ = id_block_of(out)
    expect(body[ID_SIG:ID_SIG + 144] == rs, "directive signature differs")
    expect(openssl_verifies(fx.keys["author"], snp_key(fx.keys["id"]),
                            body[AU_SIG:AU_SIG + 144], fx.d),
           "openssl does not verify the author's signature of the ID key")


@with_fixture
def check_auth_info_export(fx):
    out, auth = fx.path("signed.igvm"), fx.path("auth.bin")
    rc, text = fx.sign(out, "--export-auth-info", auth)
    expect(rc == 0, f"sign: exit {rc}", text)
    with open(auth, "rb") as f:
        ai = f.read()
    body, _ = id_block_of(out)
    expect(len(ai) == 0x1000, f"ID_AUTH_INFO is {len(ai)} bytes")
    expect(struct.unpack_from("<II", ai) == (1, 1), "algorithms")
    expect(ai[0x40:0x40 + 144] == body[ID_SIG:ID_SIG + 144], "ID_BLOCK_SIG")
    expect(ai[0x240:0x644] == snp_key(fx.keys["id"]), "ID_KEY")
    expect(ai[0x680:0x680 + 144] == body[AU_SIG:AU_SIG + 144], "ID_KEY_SIG")
    expect(ai[0x880:0xC84] == snp_key(fx.keys["author"]), "AUTHOR_KEY")


@with_fixture
def check_wrong_key_types_fail(fx):
    for bad in ("rsa", "p256", "ed25519"):
        for role in ("id", "author"):
            out = fx.path(f"{bad}-{role}.igvm")
            if role == "id":
                rc, text = fx.sign(out, key=bad)
            else:
                rc, text = fx.sign(out, author=bad)
            one_line_error(rc, text, "not an ECDSA P-384 key")
            expect(not os.path.exists(out), f"{bad} as {role}: output written")


@with_fixture
def check_deterministic_is_reproducible(fx):
    outs = []
    for i in range(2):
        outs.append(fx.path(f"det{i}.igvm"))
        rc, text = fx.sign(outs[-1], "--deterministic")
        expect(rc == 0, f"sign: exit {rc}", text)
    data = [open(p, "rb").read() for p in outs]
    expect(data[0] == data[1], "--deterministic twice gives different files")
    rc, text = fx.sign(fx.path("det-other.igvm"), "--deterministic", key="other")
    expect(rc == 0 and open(fx.path("det-other.igvm"), "rb").read() != data[0],
           "another ID key gives the same file", text)
    for i in range(2):
        rc, text = fx.sign(fx.path(f"rnd{i}.igvm"))
        expect(rc == 0, f"sign: exit {rc}", text)
    expect(open(fx.path("rnd0.igvm"), "rb").read()
           != open(fx.path("rnd1.igvm"), "rb").read(),
           "random-nonce signatures are identical")


@with_fixture
def check_flipped_byte_fails_verify(fx):
    out = fx.path("signed.igvm")
    rc, text = fx.sign(out)
    expect(rc == 0, f"sign: exit {rc}", text)
    buf, hdrs = read_igvm(out)
    _, at = id_block_of(out)
    policy_at = [o for t, _, o in hdrs if t == GUEST_POLICY][0]
    cases = {"ld": at + ID_LD + 7, "guest_svn": at + ID_SVN, "r": at + ID_SIG + 3,
             "s": at + ID_SIG + 72 + 40, "qx": at + ID_PUB + 8 + 1,
             "author r": at + AU_SIG + 5, "author qy": at + AU_PUB + 80 + 2,
             "GUEST_POLICY": policy_at + 2}
    for name, off in cases.items():
        bad = bytearray(buf)
        bad[off] ^= 0x01
        path = fx.path("bad.igvm")
        with open(path, "wb") as f:
            f.write(reseal(bytes(bad)))
        rc, text = tool("verify", path)
        one_line_error(rc, text, "SNP_ID_BLOCK")
        expect("signature" in text or "point" in text or "key" in text,
               f"{name}: unexpected reason", text)
    rc, text = tool("verify", out, "--ld", "00" * 48)
    one_line_error(rc, text, "launch digest")


def expect_copy_plus_id_block(src, out):
    """out = src's headers in order (file offsets aside) + one ID block."""
    ibuf, ih = read_igvm(src)
    obuf, oh = read_igvm(out)
    expect([t for t, _, _ in oh] == [t for t, _, _ in ih] + [SNP_ID_BLOCK],
           "header types or order changed")
    for (t, a, _), (_, b, _) in zip(ih, oh):
        if t in (PAGE_DATA, VP_CONTEXT):
            fa, fb = (struct.unpack_from("<I", x, 12)[0] for x in (a, b))
            da = ibuf[fa:fa + 4096] if fa else bytes(4096)
            db = obuf[fb:fb + 4096] if fb else bytes(4096)
            expect(a[:12] + a[16:] == b[:12] + b[16:] and da == db,
                   f"type 0x{t:x} changed")
        else:
            expect(a == b, f"type 0x{t:x} changed")


@with_fixture
def check_headers_are_preserved(fx):
    out = fx.path("signed.igvm")
    rc, text = fx.sign(out)
    expect(rc == 0, f"sign: exit {rc}", text)
    expect_copy_plus_id_block(fx.unsigned, out)
    body, _ = id_block_of(out)
    mask, enabled = struct.unpack_from("<IB", body)
    expect(mask == SNP and enabled == 1 and body[ID_LD:ID_LD + 48] == LD,
           "directive mask, author flag or LD")


@with_fixture
def check_sign_csvsm_image(fx):
    src = os.path.join(ROOT, OUT, "svsm.igvm")
    _, hdrs = read_igvm(src)
    expect(any(t == SUPPORTED_PLATFORM and b[5] == 2 for t, b, _ in hdrs),
           f"{src} has no SEV-SNP platform")
    out = fx.path("svsm-signed.igvm")
    rc, text = fx.sign(out, "--deterministic", "--guest-svn", "1", src=src)
    expect(rc == 0, f"sign: exit {rc}", text)
    expect_copy_plus_id_block(src, out)
    rc, text = tool("verify", out, "--ld", LD.hex())
    expect(rc == 0 and "guest_svn            1" in text, f"verify: exit {rc}",
           text)


@with_fixture
def check_refusals(fx):
    signed = fx.path("signed.igvm")
    rc, text = fx.sign(signed)
    expect(rc == 0, f"sign: exit {rc}", text)
    rc, text = fx.sign(fx.path("twice.igvm"), src=signed)
    one_line_error(rc, text, "already has an SNP_ID_BLOCK")
    native = fx.path("native.igvm")
    make_igvm(native, snp=False)
    rc, text = fx.sign(fx.path("x.igvm"), src=native)
    one_line_error(rc, text, "no SEV-SNP platform")
    rc, text = tool("verify", fx.unsigned)
    one_line_error(rc, text, "no SNP_ID_BLOCK")
    rc, text = fx.sign(fx.path("x.igvm"), "--policy", "0x70000")
    one_line_error(rc, text, "GUEST_POLICY")
    rc, text = fx.sign(fx.path("x.igvm"), "--ld", "00" * 47)
    expect(rc == 2 and "--ld" in text, "short --ld accepted", text)
    expect(not os.path.exists(fx.path("x.igvm")), "output written on error")


@with_fixture
def check_file_without_guest_policy(fx):
    src = fx.path("nopolicy.igvm")
    make_igvm(src, policy=None)
    out = fx.path("signed.igvm")
    rc, text = fx.sign(out, src=src)
    one_line_error(rc, text, "--policy")
    rc, text = fx.sign(out, "--policy", "30000", src=src)
    expect(rc == 0, f"sign --policy: exit {rc}", text)
    rc, text = tool("verify", out)
    one_line_error(rc, text, "--policy")
    rc, text = tool("verify", out, "--policy", "30000")
    expect(rc == 0 and "none (author key not enabled)" not in text,
           f"verify --policy: exit {rc}", text)
    rc, text = tool("verify", out, "--policy", "70000")
    one_line_error(rc, text, "signature")


@with_fixture
def check_without_author_key(fx):
    out = fx.path("signed.igvm")
    rc, text = fx.sign(out, author=None)
    expect(rc == 0, f"sign: exit {rc}", text)
    rc, text = tool("verify", out)
    expect(rc == 0 and "none (author key not enabled)" in text,
           f"verify: exit {rc}", text)
    au_digest = hashlib.sha384(snp_key(fx.keys["author"])).hexdigest()
    rc, text = tool("verify", out, "--author-key-digest", au_digest)
    one_line_error(rc, text, "author key")


@with_fixture
def check_sign_requires_svn_and_ids(fx):
    """The signer names what its key endorses; the file being signed does not."""
    out = fx.path("x.igvm")
    full = ["--guest-svn", "3", "--family-id", "11" * 16, "--image-id", "22" * 16]
    for drop in ("--guest-svn", "--family-id", "--image-id"):
        i = full.index(drop)
        rc, text = fx.sign(out, *(full[:i] + full[i + 2:]), meta=False)
        expect(rc == 2, f"sign without {drop}: exit {rc}, want 2", text)
        lines = text.strip().splitlines()
        expect(len(lines) == 1 and "--guest-svn, --family-id and --image-id"
               in lines[0], f"sign without {drop}: no one-line reason", text)
        expect(not os.path.exists(out), f"sign without {drop} wrote a file")
    # csvsm's own file: the message shows the values its boot-info page holds.
    rc, text = fx.sign(out, src=os.path.join(ROOT, OUT, "svsm.igvm"), meta=False)
    expect(rc == 2 and "the file records --guest-svn 0 --family-id " + "0" * 32
           in text, f"csvsm file without SVN/IDs: exit {rc}", text)
    rc, text = fx.sign(out, *full, meta=False)
    expect(rc == 0, f"sign with all three: exit {rc}", text)
    body, _ = id_block_of(out)
    expect(struct.unpack_from("<I", body, ID_SVN)[0] == 3
           and body[0x38:0x48] == b"\x11" * 16 and body[0x48:0x58] == b"\x22" * 16,
           "the ID block does not carry the signer's SVN and IDs")


@with_fixture
def check_sign_refuses_unmeasured_data(fx):
    """Two files differing only in an UNMEASURED page measure the same."""
    a, b = fx.path("a.igvm"), fx.path("b.igvm")
    make_igvm(a, unmeasured=b"\x11" * 4096)
    make_igvm(b, unmeasured=b"\x99" * 4096)
    digests = []
    for src in (a, b):
        rc, text = tool("measure", src)
        expect(rc == 0, f"measure {src}: exit {rc}", text)
        digests.append(text.strip())
    expect(digests[0] == digests[1],
           "UNMEASURED page data changed the digest; the premise is wrong")
    for src in (a, b):
        out = src + ".signed"
        rc, text = fx.sign(out, src=src)
        one_line_error(rc, text, "--allow-unmeasured-data")
        expect("1 page(s) with data are loaded UNMEASURED" in text,
               "the refusal does not say what is unmeasured", text)
        expect(not os.path.exists(out), "a refused file was written")
    rc, text = fx.sign(a + ".signed", "--allow-unmeasured-data", src=a)
    expect(rc == 0 and "warning: 1 page(s) with data" in text
           and "not covered by the signature" in text,
           f"--allow-unmeasured-data: exit {rc}, or no warning", text)
    # A file whose UNMEASURED page has no data is signed without a word.
    c = fx.path("c.igvm")
    make_igvm(c, unmeasured=bytes(4096))
    rc, text = fx.sign(c + ".signed", src=c)
    expect(rc == 0 and "warning" not in text, f"zero UNMEASURED page: exit {rc}",
           text)


def measure_json(path, *args):
    rc, text = tool("measure", "--json", *args, path)
    expect(rc == 0, f"measure --json {path}: exit {rc}", text)
    return json.loads(text)


@with_fixture
def check_measure_json_says_how_metadata_is_vouched_for(fx):
    src = os.path.join(ROOT, OUT, "svsm.igvm")
    j = measure_json(src)
    expect(j["metadata_source"] == "boot_info"
           and j["metadata_trust"] == "measured", "csvsm file", json.dumps(j))
    # Signed over the file's own digest for 1 vCPU: signed.
    out = fx.path("own.igvm")
    rc, text = tool("sign", src, "-o", out, "--id-key", fx.keys["id"],
                    "--guest-svn", "7", "--family-id", "11" * 16,
                    "--image-id", "22" * 16)
    expect(rc == 0, f"sign: exit {rc}", text)
    j = measure_json(out)
    expect(j["metadata_source"] == "id_block" and j["metadata_trust"] == "signed"
           and j["guest_svn"] == 7 and "metadata_problem" not in j,
           "an ID block over the file's digest is not reported as signed",
           json.dumps(j))
    # The same block judged for 4 vCPUs: another digest, so unverified.
    j = measure_json(out, "--vcpus", "4")
    expect(j["metadata_trust"] == "unverified"
           and "launch digest" in j["metadata_problem"],
           "an ID block over another digest is not labelled", json.dumps(j))
    # A forged SVN (signature no longer matches): unverified.
    buf, _ = read_igvm(out)
    _, at = id_block_of(out)
    bad = bytearray(buf)
    bad[at + ID_SVN] = 99
    forged = fx.path("forged.igvm")
    with open(forged, "wb") as f:
        f.write(reseal(bytes(bad)))
    j = measure_json(forged)
    expect(j["guest_svn"] == 99 and j["metadata_trust"] == "unverified"
           and "signature" in j["metadata_problem"],
           "a forged SVN is reported without a label", json.dumps(j))


def main():
    return checks.run(globals(), __doc__)


if __name__ == "__main__":
    sys.exit(main())
