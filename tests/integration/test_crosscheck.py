"""Cross-check: OpenSSH's ``ssh-keygen -Y verify`` accepts exactly what Warta's verifier accepts.

Each case is a (payload, signature, identity) triple. Warta accepts it when its verifier
returns the public key that the roster gives that identity; ssh-keygen accepts it when
``ssh-keygen -Y verify -f allowed_signers -I <id> -n warta -s sigfile < payload`` exits 0.
Payloads are built with :func:`warta.model.signing.payload` / ``signoff_payload``; the
signatures are made by ssh-keygen itself, or in-process with ``cryptography`` where a
case needs a signature that ssh-keygen will not make (weak hash, odd fields).
"""

from __future__ import annotations

import base64
import hashlib
import random
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.hashes import SHA1, SHA256, SHA512, HashAlgorithm
from cryptography.hazmat.primitives.serialization import load_ssh_private_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import armor, dearmor, pub, weak_rsa_key, with_fields
from helpers import ssh_string as string
from warta.adapters.ssh import SshsigVerifier, canonical_key
from warta.adapters.trust import WORKFLOW_NAMESPACE, workflow_message
from warta.model.item import Signoff
from warta.model.signing import NAMESPACE, chain_digest, payload, signoff_payload

ITEM = "20261102-bupati-resmikan-jembatan"
CONTENT = "sha256:" + "ab" * 32
OFFICE = "kabupaten-sukamaju-0123456789ab"
SIGNERS = ("hendra", "sri", "dimas")  # mallory's key is deliberately not allowed
#: The order of the group of Curve25519: an Ed25519 signature (R, S) with S < L is canonical.
ED25519_L = 2**252 + 27742317777372353535851937790883648493


# ---- signing: ssh-keygen, or in-process where ssh-keygen would not make such a signature ----


def keygen_sign(key: Path, message: bytes, workdir: Path, *, namespace: str = NAMESPACE,
                hashalg: str | None = None) -> str:
    msg = workdir / "payload"
    msg.write_bytes(message)
    sig = workdir / "payload.sig"
    sig.unlink(missing_ok=True)
    extra = ["-O", f"hashalg={hashalg}"] if hashalg else []
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key), *extra,
                    str(msg)], check=True, input=b"", capture_output=True)
    return sig.read_text(encoding="ascii")


def key_blob(key: Path) -> bytes:
    return base64.b64decode(pub(key).split()[1])


def sshsig_blob(public_blob: bytes, signature: bytes, *, hash_alg: bytes = b"sha512",
                namespace: bytes = b"warta", reserved: bytes = b"") -> bytes:
    return (b"SSHSIG" + (1).to_bytes(4, "big") + string(public_blob) + string(namespace)
            + string(reserved) + string(hash_alg) + string(signature))


def to_be_signed(message: bytes, hash_alg: str, namespace: bytes = b"warta") -> bytes:
    digest = hashlib.new(hash_alg, message).digest()
    return (b"SSHSIG" + string(namespace) + string(b"") + string(hash_alg.encode())
            + string(digest))


def ed25519_sign(key: Path, message: bytes, *, hash_alg: str = "sha512",
                 inner_type: bytes = b"ssh-ed25519", reserved: bytes = b"",
                 mutate: Callable[[bytes], bytes] = lambda s: s) -> str:
    private = load_ssh_private_key(key.read_bytes(), None)
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    raw = mutate(private.sign(to_be_signed(message, hash_alg)))
    inner = string(inner_type) + string(raw)
    return armor(sshsig_blob(key_blob(key), inner, hash_alg=hash_alg.encode(),
                             reserved=reserved))


def rsa_sign(key: Path, message: bytes, inner_type: bytes, hash_: HashAlgorithm) -> str:
    private = load_ssh_private_key(key.read_bytes(), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    raw = private.sign(to_be_signed(message, "sha512"), padding.PKCS1v15(), hash_)
    return armor(sshsig_blob(key_blob(key), string(inner_type) + string(raw)))


def reblob(armored: str, change: Callable[[bytes], bytes]) -> str:
    return armor(change(dearmor(armored)))


# ---- the two verifiers --------------------------------------------------------------------


class Judges:
    """Warta's verifier and ssh-keygen, given the same allowed signers."""

    def __init__(self, keys: dict[str, Path], workdir: Path, signers: tuple[str, ...]) -> None:
        self.workdir = workdir
        self.roster = {name: pub(keys[name]) for name in signers}
        self.allowed = workdir / "allowed_signers"
        self.allowed.write_text("".join(
            f'{name} namespaces="{NAMESPACE},{WORKFLOW_NAMESPACE}" {key}\n'
            for name, key in self.roster.items()))

    def warta(self, identity: str, message: bytes, armored: str,
              namespace: str = NAMESPACE) -> bool:
        key = SshsigVerifier().signer_key(message, armored, namespace)
        return key is not None and key == self.roster.get(identity)

    def keygen(self, identity: str, message: bytes, armored: str,
               namespace: str = NAMESPACE) -> bool:
        sigfile = self.workdir / "case.sig"
        sigfile.write_text(armored, encoding="utf-8")
        result = subprocess.run(
            ["ssh-keygen", "-Y", "verify", "-f", str(self.allowed), "-I", identity,
             "-n", namespace, "-s", str(sigfile)],
            input=message, capture_output=True, check=False)
        return result.returncode == 0

    def both(self, identity: str, message: bytes, armored: str,
             namespace: str = NAMESPACE) -> tuple[bool, bool]:
        return (self.warta(identity, message, armored, namespace),
                self.keygen(identity, message, armored, namespace))


@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rsa") / "lurah_rsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "lurah@test",
                    "-f", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def judges(keys: dict[str, Path], rsa_key: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Judges:
    keys = {**keys, "lurah": rsa_key}
    return Judges(keys, tmp_path_factory.mktemp("judges"), (*SIGNERS, "lurah"))


def first() -> Signoff:
    return Signoff("disposisi", "hendra", datetime.fromisoformat("2026-11-02T08:00:00+07:00"),
                   content=CONTENT)


def second() -> Signoff:
    return Signoff("perintah", "sri", datetime.fromisoformat("2026-11-02T08:04:00+07:00"),
                   content=CONTENT)


# ---- cases ----------------------------------------------------------------------------


def test_valid_chain_is_accepted_by_both(judges: Judges, keys: dict[str, Path],
                                         tmp_path: Path) -> None:
    one = first()
    message_one = signoff_payload(ITEM, one, None, office=OFFICE)
    sig_one = keygen_sign(keys["hendra"], message_one, tmp_path)
    two = second()
    message_two = signoff_payload(ITEM, two, chain_digest(sig_one), office=OFFICE)
    sig_two = keygen_sign(keys["sri"], message_two, tmp_path)
    assert judges.both("hendra", message_one, sig_one) == (True, True)
    assert judges.both("sri", message_two, sig_two) == (True, True)
    # signoff_payload is exactly payload() with the signoff's fields
    assert message_two == payload(ITEM, step="perintah", by="sri",
                                  at_text="2026-11-02T08:04:00+07:00", content=CONTENT,
                                  prev=chain_digest(sig_one), office=OFFICE)


GENUINE = {"item": ITEM, "step": "pengesahan", "by": "hendra",
           "at_text": "2026-11-02T10:08:00+07:00", "content": CONTENT,
           "prev": "sha256:" + "cd" * 32, "office": OFFICE}
TAMPERED = {"item": "20261103-posyandu-karangsari", "step": "laporan", "by": "sri",
            "at_text": "2026-11-02T10:07:00+07:00", "content": "sha256:" + "00" * 32,
            "prev": None, "office": "kabupaten-lain-0123456789ab"}


def build(fields: dict[str, str | None]) -> bytes:
    return payload(str(fields["item"]), step=str(fields["step"]), by=str(fields["by"]),
                   at_text=str(fields["at_text"]), content=str(fields["content"]),
                   prev=fields["prev"], office=fields["office"])


@pytest.mark.parametrize("field", sorted(GENUINE))
def test_payload_tampered_in_any_field_is_rejected_by_both(
    judges: Judges, keys: dict[str, Path], tmp_path: Path, field: str
) -> None:
    genuine = build(GENUINE)
    armored = keygen_sign(keys["hendra"], genuine, tmp_path)
    tampered = build({**GENUINE, field: TAMPERED[field]})
    assert tampered != genuine
    assert judges.both("hendra", genuine, armored) == (True, True)
    assert judges.both("hendra", tampered, armored) == (False, False)


def test_identity_namespace_and_outsider_are_judged_alike(
    judges: Judges, keys: dict[str, Path], tmp_path: Path
) -> None:
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    by_sri = keygen_sign(keys["sri"], message, tmp_path)
    by_mallory = keygen_sign(keys["mallory"], message, tmp_path)
    other_namespace = keygen_sign(keys["hendra"], message, tmp_path, namespace="git")
    assert judges.both("sri", message, by_sri) == (True, True)
    assert judges.both("hendra", message, by_sri) == (False, False)  # another person's key
    assert judges.both("hendra", message, by_mallory) == (False, False)  # not a signer at all
    assert judges.both("mallory", message, by_mallory) == (False, False)
    assert judges.both("hendra", message, other_namespace) == (False, False)


def test_workflow_signatures_are_judged_alike(judges: Judges, keys: dict[str, Path],
                                              tmp_path: Path) -> None:
    data = b"people: []\n"
    message = workflow_message("roster.yml", data, OFFICE)
    armored = keygen_sign(keys["hendra"], message, tmp_path, namespace=WORKFLOW_NAMESPACE)
    assert judges.both("hendra", message, armored, WORKFLOW_NAMESPACE) == (True, True)
    assert judges.both("hendra", message, armored, NAMESPACE) == (False, False)
    edited = workflow_message("roster.yml", data + b"# edited\n", OFFICE)
    assert judges.both("hendra", edited, armored, WORKFLOW_NAMESPACE) == (False, False)
    renamed = workflow_message("sop.yml", data, OFFICE)
    assert judges.both("hendra", renamed, armored, WORKFLOW_NAMESPACE) == (False, False)
    # the same file signed for another office, or for none (a trust root naming none)
    for office in ("kabupaten-lain-0123456789ab", None):
        elsewhere = workflow_message("roster.yml", data, office)
        assert judges.both("hendra", elsewhere, armored, WORKFLOW_NAMESPACE) == (False, False)


def test_encoding_variants_both_accept(judges: Judges, keys: dict[str, Path],
                                       tmp_path: Path) -> None:
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    armored = keygen_sign(keys["hendra"], message, tmp_path)
    sha256 = keygen_sign(keys["hendra"], message, tmp_path, hashalg="sha256")
    lines = armored.strip().splitlines()
    one_line = "\n".join([lines[0], "".join(lines[1:-1]), lines[-1]]) + "\n"
    spaced = lines[0] + "\n" + "\n".join(f"{ln[:9]} \t{ln[9:]}" for ln in lines[1:-1]) \
        + "\n" + lines[-1] + "\n"
    variants = {
        "as signed": armored,
        "hashalg sha256": sha256,
        "rewrapped at 70": armor(dearmor(armored)),
        "one base64 line": one_line,
        "blanks inside the base64": spaced,
        "no final newline": armored.strip(),
        "text after the footer": armored + "trailing words\n",
        "reserved field used": reblob(armored, lambda b: with_fields(
            b, lambda f: [f[0], f[1], b"anything", f[3], f[4]])),
    }
    for name, text in variants.items():
        assert judges.both("hendra", message, text) == (True, True), name


def test_malformed_or_weak_signatures_both_reject(judges: Judges, keys: dict[str, Path],
                                                  tmp_path: Path) -> None:
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    key = keys["hendra"]
    armored = keygen_sign(key, message, tmp_path)
    lines = armored.strip().splitlines()
    assert lines[-2].endswith("==")  # an Ed25519 SSHSIG blob is 175 bytes: two padding signs

    def body_line(text: str) -> str:
        return "\n".join([lines[0], text, *lines[2:]]) + "\n"

    def flip_last_signature_byte(blob: bytes) -> bytes:
        return blob[:-1] + bytes([blob[-1] ^ 0x01])

    def inner_trailing(f: list[bytes]) -> list[bytes]:
        return [*f[:4], f[4] + b"\x00"]

    def key_trailing(f: list[bytes]) -> list[bytes]:
        return [f[0] + b"\x00\x00\x00\x00", *f[1:]]

    cases = {
        "bit flipped in the signature": reblob(armored, flip_last_signature_byte),
        "bytes after the last field": reblob(armored, lambda b: b + b"\x00\x00\x00\x00"),
        "bytes after the raw signature": reblob(armored, lambda b: with_fields(b, inner_trailing)),
        "bytes after the public key": reblob(armored, lambda b: with_fields(b, key_trailing)),
        "version 2": reblob(armored, lambda b: b[:6] + (2).to_bytes(4, "big") + b[10:]),
        "stray characters in the base64": body_line(lines[1][:12] + "!*" + lines[1][12:]),
        "data after the padding": armored.strip().replace("==\n-----END", "==QUFB\n-----END"),
        "padding removed": armored.replace("==\n", "\n"),
        "text before the header": "Signed-off-by: hendra\n" + armored,
        "indented armour": "".join(f"  {ln}\n" for ln in lines),
        "CRLF armour": armored.replace("\n", "\r\n"),
        "footer inside a line": "\n".join([*lines[:-2], lines[-2] + lines[-1]]) + "\n",
        "no footer": "\n".join(lines[:-1]) + "\n",
        "hash sha1": ed25519_sign(key, message, hash_alg="sha1"),
        "hash md5": ed25519_sign(key, message, hash_alg="md5"),
        "hash sha384": ed25519_sign(key, message, hash_alg="sha384"),
        "hash sha3_256": ed25519_sign(key, message, hash_alg="sha3_256"),
        "inner type ssh-rsa on an ed25519 key": ed25519_sign(key, message, inner_type=b"ssh-rsa"),
        "empty": "",
    }
    for name, text in cases.items():
        assert judges.both("hendra", message, text) == (False, False), name
    # the in-process signer itself is sound: the same construction with sha512 is accepted
    assert judges.both("hendra", message, ed25519_sign(key, message)) == (True, True)


def test_rsa_keys_are_judged_alike(judges: Judges, rsa_key: Path, tmp_path: Path) -> None:
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    assert judges.both("lurah", message, keygen_sign(rsa_key, message, tmp_path)) == (True, True)
    sha256 = rsa_sign(rsa_key, message, b"rsa-sha2-256", SHA256())
    sha512 = rsa_sign(rsa_key, message, b"rsa-sha2-512", SHA512())
    sha1 = rsa_sign(rsa_key, message, b"ssh-rsa", SHA1())
    assert judges.both("lurah", message, sha256) == (True, True)
    assert judges.both("lurah", message, sha512) == (True, True)
    assert judges.both("lurah", message, sha1) == (False, False)


def test_an_rsa_key_too_short_for_ssh_keygen_is_refused_alike(tmp_path: Path) -> None:
    """Found by an independent attack: Warta verified signatures of a 768-bit RSA key (one
    that can be factored), which ssh-keygen refuses ("Invalid key length"), and the roster
    took such a key."""
    weak = weak_rsa_key(tmp_path / "lemah_rsa")
    private = load_ssh_private_key(weak.read_bytes(), None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 768
    judges = Judges({"lemah": weak}, tmp_path, ("lemah",))
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    for inner, hash_ in ((b"rsa-sha2-512", SHA512()), (b"rsa-sha2-256", SHA256())):
        assert judges.both("lemah", message, rsa_sign(weak, message, inner, hash_)) == (
            False, False)
    assert canonical_key(pub(weak)) is None


def test_an_rsa_key_with_a_huge_exponent_is_refused(tmp_path: Path) -> None:
    """Found by an independent attack: an exponent of a thousand bits made each
    verification cost milliseconds, and anyone may put such a key in a signature. Warta
    refuses an exponent of more than 64 bits (OpenSSL's limit for large keys; keys use
    65537), in the roster and in signatures (a valid one here)."""
    huge = weak_rsa_key(tmp_path / "pangkat_rsa", bits=1024, e=(1 << 1000) + 1)
    message = signoff_payload(ITEM, first(), None, office=OFFICE)
    signature = rsa_sign(huge, message, b"rsa-sha2-512", SHA512())
    assert canonical_key(pub(huge)) is None
    assert SshsigVerifier().signer_key(message, signature, NAMESPACE) is None
    normal = weak_rsa_key(tmp_path / "biasa_rsa", bits=1024)
    signed = rsa_sign(normal, message, b"rsa-sha2-512", SHA512())
    assert SshsigVerifier().signer_key(message, signed, NAMESPACE) == pub(normal)


def test_the_one_known_difference_is_warta_being_stricter(
    judges: Judges, keys: dict[str, Path]
) -> None:
    """OpenSSH's Ed25519 accepts a non-canonical S (S + L, the same signature re-encoded by
    anyone, no key needed); OpenSSL, under Warta's verifier, rejects it. Warta fails closed:
    the difference never lets through what ssh-keygen would refuse."""
    message = signoff_payload(ITEM, first(), None, office=OFFICE)

    def add_order(raw: bytes) -> bytes:
        s = int.from_bytes(raw[32:], "little") + ED25519_L
        assert s < 2**256
        return raw[:32] + s.to_bytes(32, "little")

    malleated = ed25519_sign(keys["hendra"], message, mutate=add_order)
    assert judges.both("hendra", message, malleated) == (False, True)


MUTATION_ALPHABET = " \t\n\r=+/-!A0"


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_mutations_are_judged_alike(judges: Judges, keys: dict[str, Path],
                                           data: st.DataObject) -> None:
    message = signoff_payload(ITEM, second(), "sha256:" + "ef" * 32, office=OFFICE)
    armored = _cached_signature(keys["sri"], message, judges.workdir)
    blob = bytearray(dearmor(armored))
    kind = data.draw(st.sampled_from(["byte", "text-insert", "text-delete"]))
    if kind == "byte":
        index = data.draw(st.integers(0, len(blob) - 1))
        blob[index] ^= data.draw(st.integers(1, 255))
        mutated = armor(bytes(blob))
    elif kind == "text-insert":
        index = data.draw(st.integers(0, len(armored)))
        char = data.draw(st.sampled_from(MUTATION_ALPHABET))
        mutated = armored[:index] + char + armored[index:]
    else:
        index = data.draw(st.integers(0, len(armored) - 1))
        mutated = armored[:index] + armored[index + 1 :]
    warta, keygen = judges.both("sri", message, mutated)
    assert warta == keygen, (kind, mutated)


_SIGNATURES: dict[bytes, str] = {}


def _cached_signature(key: Path, message: bytes, workdir: Path) -> str:
    if message not in _SIGNATURES:
        _SIGNATURES[message] = keygen_sign(key, message, workdir)
    return _SIGNATURES[message]


def test_random_payloads_signed_by_roster_keys_are_accepted_by_both(
    judges: Judges, keys: dict[str, Path], tmp_path: Path
) -> None:
    rng = random.Random(20261102)
    for _ in range(4):
        who = rng.choice(SIGNERS)
        message = payload(
            f"2026110{rng.randint(1, 9)}-berita-{rng.randint(0, 999)}",
            step=rng.choice(["disposisi", "perintah", "penulisan", "laporan"]),
            by=who, at_text=f"2026-11-0{rng.randint(1, 9)}T0{rng.randint(0, 9)}:00:00+07:00",
            content="sha256:" + hashlib.sha256(str(rng.random()).encode()).hexdigest(),
            prev=rng.choice([None, "sha256:" + "12" * 32]),
            office=rng.choice([None, OFFICE]),
        )
        armored = keygen_sign(keys[who], message, tmp_path)
        assert judges.both(who, message, armored) == (True, True)
        other = next(s for s in SIGNERS if s != who)
        assert judges.both(other, message, armored) == (False, False)
