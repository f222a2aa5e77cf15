"""SSH signatures with existing tools: OpenSSH's ``ssh-keygen -Y sign`` signs (with the
signer's own key file or ssh-agent); the ``sshsig`` package (on ``cryptography``) verifies
in-process. No home-made cryptography."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sshsig import PublicKey
from sshsig.sshsig import SshsigWrapper

from warta.adapters.atomic import PRIVATE, write_text
from warta.adapters.cachekey import cache_secret, read_cache_file
from warta.errors import RefusedError, UsageError
from warta.i18n import _

_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----\n"
_ARMOR_END = "\n-----END SSH SIGNATURE-----"
_B64_SPACE = re.compile(r"[ \t\n\v\f\r]")
#: What ``ssh-keygen -Y verify`` accepts: SSHSIG version 1, these message hashes, and per
#: key type the number of fields of its public key blob and the allowed signature types.
_SSHSIG_MAGIC = b"SSHSIG\x00\x00\x00\x01"
_HASHES = (b"sha256", b"sha512")
_KEY_FIELDS = {b"ssh-ed25519": 2, b"ssh-rsa": 3}
_SIG_TYPES = {b"ssh-ed25519": (b"ssh-ed25519",), b"ssh-rsa": (b"rsa-sha2-256", b"rsa-sha2-512")}


#: The key types Warta verifies signatures of (a key of another type signs nothing here).
KEY_TYPES = tuple(t.decode("ascii") for t in _KEY_FIELDS)


#: The shortest RSA key ssh-keygen verifies a signature of (OpenSSH's
#: SSH_RSA_MINIMUM_MODULUS_SIZE).
RSA_MIN_BITS = 1024
#: The largest RSA public exponent, in bits (OpenSSL's OPENSSL_RSA_MAX_PUBEXP_BITS; keys use
#: 65537): a key with an exponent of thousands of bits costs each verification milliseconds,
#: and anyone may put such a key in a signature (found by an independent attack).
RSA_MAX_EXPONENT_BITS = 64


def key_kinds() -> str:
    """The keys Warta verifies, as messages name them."""
    return _("{types}; an RSA key of at least {bits} bits").format(
        types=", ".join(KEY_TYPES), bits=RSA_MIN_BITS
    )


def canonical_key(text: str) -> str | None:
    """'type base64' of an OpenSSH public key line as ssh-keygen writes it (the key parsed
    and written again), or None if it is not a key of a type Warta verifies (Ed25519, RSA)
    or does not parse, or is an RSA key of fewer than ``RSA_MIN_BITS`` bits or with an
    exponent of more than ``RSA_MAX_EXPONENT_BITS``. Two spellings
    of one key had one fingerprint, or even two, but one
    key: a revocation written on one spelling left the other signing, and a copy of a key
    re-encoded (an RSA number with a leading zero, a certificate) passed the checks that a
    key belongs to one person; an ECDSA or security key was accepted and never verified
    (found by independent attacks)."""
    parts = text.split()
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
        key = serialization.load_ssh_public_key(f"{parts[0]} {parts[1]}".encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError, TypeError):
        return None
    fields = _ssh_strings(blob)
    if not fields or fields[0] != parts[0].encode("ascii"):
        return None
    if isinstance(key, rsa.RSAPublicKey) and (
        key.key_size < RSA_MIN_BITS  # ssh-keygen refuses it ("Invalid key length"): factorable
        or key.public_numbers().e.bit_length() > RSA_MAX_EXPONENT_BITS
    ):
        return None
    written = key.public_bytes(serialization.Encoding.OpenSSH,
                               serialization.PublicFormat.OpenSSH).decode("ascii")
    return " ".join(written.split()[:2])


def _ssh_strings(data: bytes) -> list[bytes] | None:
    """``data`` split into SSH wire-format strings, or None if any is cut short."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            return None
        size = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        if pos + size > len(data):
            return None
        out.append(data[pos : pos + size])
        pos += size
    return out


class Sshsig(NamedTuple):
    """The fields of an SSHSIG signature blob (PROTOCOL.sshsig), already checked to be what
    ``ssh-keygen -Y verify`` would parse."""

    blob: bytes
    public_key: bytes
    namespace: bytes
    hash_alg: bytes
    signature: bytes


def parse_sshsig(armored: str) -> Sshsig | None:
    """The fields of ``armored``, or None where ``ssh-keygen -Y verify`` would refuse to
    parse it.

    The ``sshsig`` parser is lenient where OpenSSH is not (text before the header, stray
    characters in the base64, bytes after a field, hash algorithms other than sha256 and
    sha512); the verifier must accept no more than ssh-keygen does, so those fail here.
    """
    if not armored.startswith(_ARMOR_BEGIN):
        return None
    end = armored.find(_ARMOR_END, len(_ARMOR_BEGIN) - 1)
    if end < 0:
        return None
    body = _B64_SPACE.sub("", armored[len(_ARMOR_BEGIN) : end])
    try:
        blob = base64.b64decode(body.encode("ascii"), validate=True)
    except (binascii.Error, ValueError):
        return None
    fields = _ssh_strings(blob[len(_SSHSIG_MAGIC) :])
    if not blob.startswith(_SSHSIG_MAGIC) or fields is None or len(fields) != 5:
        return None
    public_key, namespace, _reserved, hash_alg, signature = fields
    key_fields = _ssh_strings(public_key)
    inner = _ssh_strings(signature)
    if (
        hash_alg not in _HASHES
        or not key_fields
        or len(key_fields) != _KEY_FIELDS.get(key_fields[0])
        or inner is None
        or len(inner) != 2
        or inner[0] not in _SIG_TYPES[key_fields[0]]
    ):
        return None
    return Sshsig(blob, public_key, namespace, hash_alg, signature)


def strict_sshsig(armored: str) -> str | None:
    """``armored`` re-armoured in one canonical form, or None where ``ssh-keygen -Y verify``
    would refuse to parse it (see :func:`parse_sshsig`)."""
    parsed = parse_sshsig(armored)
    if parsed is None:
        return None
    return f"{_ARMOR_BEGIN}{base64.b64encode(parsed.blob).decode('ascii')}{_ARMOR_END}\n"


class SshsigVerifier:
    """Verifies SSHSIG signatures; remembers *successful* verifications by digest.

    The cache maps HMAC-SHA256(namespace, message, signature) to the signer's public key,
    keyed with a secret of this user's kept outside the repository: the cache file lives in
    the working tree, where a commit could plant one, so an entry nobody here computed is
    never found. Only a signature that really verified is ever stored, and a lookup needs the
    exact same message and signature bytes, so the cache cannot make an invalid signature
    valid; every policy check (roster, dates, chain) still runs on each use.

    Each signature is parsed once (:func:`parse_sshsig`); the ``sshsig`` package builds what
    the signature covers and checks it with the embedded public key (``cryptography``), whose
    key object is made once per key and reused.
    """

    def __init__(self, cache_file: Path | None = None, *, secret: bytes | None = None) -> None:
        if secret is None and cache_file is not None:
            secret = cache_secret()
        self.secret = secret
        self.cache_file = cache_file if self.secret is not None else None
        #: entries verified here and not yet handed on (see :meth:`take_added`)
        self.added: dict[str, str] = {}
        self.dirty = False
        self._keys: dict[bytes, tuple[PublicKey, str] | None] = {}
        self._cache: dict[str, str] | None = None

    @property
    def cache(self) -> dict[str, str]:
        """Digest -> signer's key of every signature known to verify (the file is read on
        first use: a run that verifies nothing need not read it)."""
        if self._cache is None:
            self._cache = {}
            if self.cache_file is not None:
                try:
                    text = read_cache_file(self.cache_file).decode("ascii")
                except (OSError, UnicodeDecodeError):  # (missing, a link, a pipe: none)
                    text = ""
                for line in text.splitlines():
                    digest, _space, key = line.partition(" ")
                    if len(digest) == 64 and key.startswith(("ssh-", "ecdsa-", "sk-")):
                        self._cache[digest] = key
        return self._cache

    def _digest(self, message: bytes, armored: str, namespace: str) -> str:
        parts = (namespace.encode(), message, armored.encode("utf-8", "surrogatepass"))
        data = b"".join(len(part).to_bytes(8, "big") + part for part in parts)
        return hmac.digest(self.secret or b"", data, "sha256").hex()

    def signer_key(self, message: bytes, armored: str, namespace: str) -> str | None:
        digest = self._digest(message, armored, namespace)
        hit = self.cache.get(digest)
        if hit is not None:
            return hit
        try:
            text = self._verify(message, armored, namespace)
        except Exception:  # malformed input from an attacker must fail closed, never crash
            return None
        if text is None:
            return None
        self.cache[digest] = text
        self.added[digest] = text
        self.dirty = True
        return text

    def _verify(self, message: bytes, armored: str, namespace: str) -> str | None:
        """What ``sshsig.check_signature`` checks, on the fields parsed once."""
        parsed = parse_sshsig(armored)
        if parsed is None or parsed.namespace != namespace.encode("ascii"):
            return None
        known = self._key(parsed.public_key)
        if known is None:
            return None
        key, text = known
        to_verify = SshsigWrapper(
            namespace=parsed.namespace,
            hash_algo=parsed.hash_alg,
            hash=hashlib.new(parsed.hash_alg.decode("ascii"), message).digest(),
        ).to_bytes()
        if key.do_verify(parsed.signature, to_verify) is not None:
            return None
        return text

    def _key(self, blob: bytes) -> tuple[PublicKey, str] | None:
        """The public key object of an SSH key blob and its 'type base64' text, made once."""
        if blob not in self._keys:
            key = PublicKey.do_from_ssh_encoding(blob)
            text = " ".join(key.openssh_str().split()[:2]) if isinstance(key, PublicKey) else ""
            # (no key canonical_key refuses: an RSA key too short for ssh-keygen verified;
            # found by an independent attack)
            usable = isinstance(key, PublicKey) and canonical_key(text) is not None
            self._keys[blob] = (key, text) if isinstance(key, PublicKey) and usable else None
        return self._keys[blob]

    def take_added(self) -> dict[str, str]:
        """The entries verified since the last call (a worker process hands them back)."""
        added, self.added = self.added, {}
        return added

    def merge(self, entries: dict[str, str]) -> None:
        """Remember entries that another verifier with the same secret verified."""
        fresh = {d: k for d, k in entries.items() if self.cache.get(d) != k}
        if fresh:
            self.cache.update(fresh)
            self.dirty = True

    def save(self) -> None:
        if self.cache_file is None or not self.dirty or self._cache is None:
            return
        try:
            lines = "".join(f"{d} {k}\n" for d, k in sorted(self.cache.items()))
            write_text(self.cache_file, lines, mode=PRIVATE)
        except OSError:
            pass  # a cache that cannot be written only costs time
        else:
            self.dirty = False


def _run(args: list[str], *, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, input=stdin, capture_output=True, check=False, timeout=120)


def public_key_of(keyfile: Path) -> str:
    """The public key ('type base64') belonging to a key file (private or .pub)."""
    candidates = [keyfile] if keyfile.suffix == ".pub" else [Path(f"{keyfile}.pub")]
    for candidate in candidates:
        try:
            parts = candidate.read_text(encoding="utf-8").split() if candidate.is_file() else []
        except (OSError, UnicodeDecodeError):  # (no key in it: asked of the key file itself)
            parts = []
        if len(parts) >= 2:
            return " ".join(parts[:2])
    if not keyfile.is_file():
        raise UsageError(_("{keyfile}: key file not found").format(keyfile=keyfile))
    result = _run(["ssh-keygen", "-y", "-P", "", "-f", str(keyfile)])
    if result.returncode != 0:
        raise UsageError(
            _(
                "{keyfile}: cannot read its public key (put {keyfile}.pub beside it): {error}"
            ).format(keyfile=keyfile, error=result.stderr.decode(errors="replace").strip())
        )
    return " ".join(result.stdout.decode().split()[:2])


def agent_keys() -> list[str]:
    """Public keys the running ssh-agent holds (empty if there is no agent)."""
    if not os.environ.get("SSH_AUTH_SOCK") or shutil.which("ssh-add") is None:
        return []
    result = _run(["ssh-add", "-L"])
    if result.returncode != 0:
        return []
    return [
        " ".join(line.split()[:2]) for line in result.stdout.decode().splitlines() if line.strip()
    ]


def git_signing_key(cwd: Path) -> str | None:
    """git's ``user.signingkey``: a key file path or a literal 'key::ssh-…' public key."""
    if shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "config", "--get", "user.signingkey"],
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=30,
    )
    value = result.stdout.decode().strip()
    return value or None


class KeygenSigner:
    """Signs with ``ssh-keygen -Y sign``: a private key file, or a public key whose private
    half is in ssh-agent."""

    def __init__(self, keyfile: Path | None = None, public_key: str | None = None) -> None:
        if keyfile is None and public_key is None:
            raise UsageError(
                _(
                    "no signing key: pass --key, set git's user.signingkey, or load"
                    " your key into ssh-agent"
                )
            )
        self.keyfile = keyfile
        if public_key is None:
            assert keyfile is not None
            public_key = public_key_of(keyfile)
        self.public_key = public_key

    def sign(self, message: bytes, namespace: str) -> str:
        if shutil.which("ssh-keygen") is None:
            raise UsageError(_("ssh-keygen (OpenSSH) is needed to sign and was not found"))
        with tempfile.TemporaryDirectory(prefix="warta-sign-") as tmp:
            if self.keyfile is not None:
                key_arg = str(self.keyfile)
            else:
                pub = Path(tmp) / "agent_key.pub"
                pub.write_text(f"{self.public_key}\n", encoding="utf-8")
                key_arg = str(pub)
            msg = Path(tmp) / "payload"
            msg.write_bytes(message)
            result = _run(
                ["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key_arg, str(msg)],
                stdin=b"",
            )
            sig = Path(f"{msg}.sig")
            if result.returncode != 0 or not sig.is_file():
                raise RefusedError(
                    _("ssh-keygen could not sign: {problem}; nothing was changed").format(
                        problem=result.stderr.decode(errors="replace").strip() or _("unknown error")
                    )
                )
            return sig.read_text(encoding="ascii")


def choose_public_key(candidates: Iterable[str], wanted: Iterable[str]) -> str | None:
    wanted_set = {" ".join(w.split()[:2]) for w in wanted}
    for candidate in candidates:
        if candidate in wanted_set:
            return candidate
    return None


def choose_signer(
    cwd: Path, keyfile: Path | None, wanted: Iterable[str], missing: str
) -> KeygenSigner:
    """The key to sign with: ``keyfile``, else git's user.signingkey (a key file or
    'key::ssh-…' whose private half is in ssh-agent), else the first ssh-agent key among
    ``wanted``; UsageError(``missing``) when there is none."""
    if keyfile is not None:
        return KeygenSigner(keyfile=keyfile.expanduser())
    configured = git_signing_key(cwd)
    if configured:
        if configured.startswith("key::"):
            return KeygenSigner(public_key=" ".join(configured[5:].split()[:2]))
        return KeygenSigner(keyfile=Path(configured).expanduser())
    chosen = choose_public_key(agent_keys(), wanted)
    if chosen is None:
        raise UsageError(missing)
    return KeygenSigner(public_key=chosen)


def signature_line(sig: str | None) -> bytes | None:
    """A line of the armored signature ``sig`` that holds signature bytes (the one before
    the last, or the last if longer), as a file that records ``sig`` holds it: bytes no
    other signature's lines hold. None for a signature too short to have one."""
    if not sig:
        return None
    body = [line.strip() for line in sig.strip().splitlines()[1:-1] if line.strip()]
    line = max(body[-2:], key=len, default="")
    return line.encode("ascii", "replace") if len(line) >= 40 else None
