"""SSH signatures with existing tools: OpenSSH's ``ssh-keygen -Y sign`` signs (with the
signer's own key file or ssh-agent); the ``sshsig`` package (on ``cryptography``) verifies
in-process. No home-made cryptography."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import sshsig

from warta.adapters.atomic import write_text
from warta.errors import RefusedError, UsageError


class SshsigVerifier:
    """Verifies SSHSIG signatures; remembers *successful* verifications by digest.

    The cache maps sha256(namespace, message, signature) to the signer's public key. Only a
    signature that really verified is ever stored, and a lookup needs the exact same message
    and signature bytes, so the cache cannot make an invalid signature valid; every policy
    check (roster, dates, chain) still runs on each use.
    """

    def __init__(self, cache_file: Path | None = None) -> None:
        self.cache_file = cache_file
        self.cache: dict[str, str] = {}
        self.dirty = False
        if cache_file is not None and cache_file.is_file():
            try:
                for line in cache_file.read_text(encoding="ascii").splitlines():
                    digest, _, key = line.partition(" ")
                    if len(digest) == 64 and key.startswith(("ssh-", "ecdsa-", "sk-")):
                        self.cache[digest] = key
            except (OSError, UnicodeDecodeError):
                self.cache = {}

    @staticmethod
    def _digest(message: bytes, armored: str, namespace: str) -> str:
        h = hashlib.sha256()
        for part in (namespace.encode(), message, armored.strip().encode("utf-8", "replace")):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
        return h.hexdigest()

    def signer_key(self, message: bytes, armored: str, namespace: str) -> str | None:
        digest = self._digest(message, armored, namespace)
        hit = self.cache.get(digest)
        if hit is not None:
            return hit
        try:
            key = sshsig.check_signature(message, armored.strip(), namespace)
        except (sshsig.InvalidSignature, NotImplementedError, ValueError):
            return None
        except Exception:  # malformed input from an attacker must fail closed, never crash
            return None
        text = " ".join(key.openssh_str().split()[:2])
        self.cache[digest] = text
        self.dirty = True
        return text

    def save(self) -> None:
        if self.cache_file is None or not self.dirty:
            return
        try:
            lines = "".join(f"{d} {k}\n" for d, k in sorted(self.cache.items()))
            write_text(self.cache_file, lines)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _run(args: list[str], *, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, input=stdin, capture_output=True, check=False, timeout=120)


def public_key_of(keyfile: Path) -> str:
    """The public key ('type base64') belonging to a key file (private or .pub)."""
    candidates = [keyfile] if keyfile.suffix == ".pub" else [Path(f"{keyfile}.pub")]
    for candidate in candidates:
        if candidate.is_file():
            parts = candidate.read_text(encoding="utf-8").split()
            if len(parts) >= 2:
                return " ".join(parts[:2])
    if not keyfile.is_file():
        raise UsageError(f"{keyfile}: key file not found")
    result = _run(["ssh-keygen", "-y", "-P", "", "-f", str(keyfile)])
    if result.returncode != 0:
        raise UsageError(
            f"{keyfile}: cannot read its public key (put {keyfile}.pub beside it):"
            f" {result.stderr.decode(errors='replace').strip()}"
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
                "no signing key: pass --key, set git's user.signingkey, or load"
                " your key into ssh-agent"
            )
        self.keyfile = keyfile
        if public_key is None:
            assert keyfile is not None
            public_key = public_key_of(keyfile)
        self.public_key = public_key

    def sign(self, message: bytes, namespace: str) -> str:
        if shutil.which("ssh-keygen") is None:
            raise UsageError("ssh-keygen (OpenSSH) is needed to sign and was not found")
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
                    "ssh-keygen could not sign: "
                    + (result.stderr.decode(errors="replace").strip() or "unknown error")
                    + "; nothing was changed"
                )
            return sig.read_text(encoding="ascii")


def choose_public_key(candidates: Iterable[str], wanted: Iterable[str]) -> str | None:
    wanted_set = {" ".join(w.split()[:2]) for w in wanted}
    for candidate in candidates:
        if candidate in wanted_set:
            return candidate
    return None
