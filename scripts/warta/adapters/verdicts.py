"""The verdict cache (in the user's cache folder, per repository): per file, what the
per-item checks concluded (a :class:`~warta.model.judgement.Judgement`), so that an unchanged
item is not read, parsed and verified again.

An entry is found only under a key that is an HMAC, with the per-user secret of
:mod:`warta.adapters.cachekey`, over everything a judgement depends on: the code (Warta's
version, the digest of its source, the versions of the libraries that parse and verify), the
exact bytes of workflow/sop.yml, sop.yml.sig, roster.yml, roster.yml.sig and
workflow/trust-root, the pin, the language of messages (and Warta's compiled catalogues),
and the file's path, the SHA-256 of its exact bytes and what its folder holds. So an entry is
used only when every one of those is identical, and it can never make an invalid item valid.
The file as a whole is authenticated with the same secret: a cache planted by a commit, or
altered, is ignored whole. The clock is the one input outside the key: an entry is used only
while its judgement still holds (:meth:`~warta.model.judgement.Judgement.holds_at`), and a
judgement that names the moment it was made (a signoff in the future) is never stored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import sys
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import cryptography
import markdown
import nh3
import pymdownx
import sshsig
import yaml

import warta
from warta import i18n
from warta.adapters import safefs
from warta.adapters.cachekey import cache_secret, read_entries, repo_cache_dir, write_entries
from warta.adapters.sitemanifest import CONFIG_FILE, SITE_MANIFEST_PATH
from warta.adapters.textfile import MAX_BYTES
from warta.adapters.trust import TRUST_ROOT_PATH
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH
from warta.model.findings import Finding, Severity
from warta.model.judgement import ItemFacts, Judgement

VERDICT_FILE = "verdicts"
FORMAT = b"warta-verdicts/4"
#: The files a judgement depends on besides the item itself (mkdocs.yml: the Markdown
#: extensions and embed hosts bodies are rendered with).
POLICY_FILES = (
    SOP_PATH,
    SOP_PATH.with_name(f"{SOP_PATH.name}.sig"),
    ROSTER_PATH,
    ROSTER_PATH.with_name(f"{ROSTER_PATH.name}.sig"),
    TRUST_ROOT_PATH,
    Path(CONFIG_FILE),
    SITE_MANIFEST_PATH,
    SITE_MANIFEST_PATH.with_name(f"{SITE_MANIFEST_PATH.name}.sig"),
)


def _framed(parts: Iterable[bytes]) -> bytes:
    """``parts`` joined so that no two different sequences give the same bytes."""
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


@functools.cache
def code_digest() -> bytes:
    """SHA-256 over Warta's and sshsig's source and the versions of Python, PyYAML and
    cryptography: the code that reads, checks and verifies items."""
    parts = [
        FORMAT,
        warta.__version__.encode(),
        sys.version.encode(),
        yaml.__version__.encode(),
        str(getattr(yaml, "__with_libyaml__", False)).encode(),
        cryptography.__version__.encode(),
        markdown.__version__.encode(),
        str(getattr(pymdownx, "__version__", "")).encode(),
        str(getattr(nh3, "__version__", "")).encode(),
    ]
    for top in (
        Path(warta.__file__).parent,
        Path(sshsig.__file__).parent,
        Path(pymdownx.__file__).parent,
    ):
        for path in sorted(top.rglob("*.py")):
            parts.append(path.relative_to(top.parent).as_posix().encode())
            parts.append(path.read_bytes())
    parts.extend(i18n.catalogue_path(lang).read_bytes() for lang in i18n.LANGUAGES)
    return hashlib.sha256(_framed(parts)).digest()


def policy_digest(root: Path, pin: str | None) -> bytes:
    """SHA-256 over the code, the exact bytes of the workflow files and trust root, and the
    pin (a missing or unreadable file, and no pin, each count as such)."""
    parts = [code_digest()]
    for rel in POLICY_FILES:
        try:  # as the workflow is read: a regular file, never through a link, bounded
            parts.append(b"file\n" + safefs.read_bytes(root, rel.as_posix(), max_bytes=MAX_BYTES))
        except safefs.UnsafePath as exc:
            # a link (to /dev/zero), a pipe, a huge file: the run refuses the workflow; a key
            # that matches nothing keeps any entry from being found under it meanwhile
            missing = exc.code == "missing"
            parts.append(b"missing" if missing else b"refused " + secrets.token_bytes(16))
    parts.append(b"no pin" if pin is None else b"pin\n" + pin.encode("utf-8", "replace"))
    parts.append(b"messages in " + i18n.language().encode())  # the findings' messages
    return hashlib.sha256(_framed(parts)).digest()


def _finding(f: Finding) -> list[Any]:
    return [f.path, f.line, f.rule, f.severity.value, f.message]


def _unfinding(data: list[Any]) -> Finding:
    path, line, rule, severity, message = data
    if not (
        isinstance(path, str)
        and (line is None or type(line) is int)
        and isinstance(rule, str)
        and isinstance(message, str)
    ):
        raise ValueError("not a finding")
    return Finding(path, line, rule, Severity(severity), message)


def encode(judgement: Judgement) -> list[Any]:
    """A judgement as JSON values (its path is the entry's, kept in the key)."""
    facts = judgement.facts
    return [
        [_finding(f) for f in judgement.reader],
        [_finding(f) for f in judgement.found],
        None
        if facts is None
        else [
            facts.path,
            facts.id,
            facts.status,
            facts.id_line,
            facts.url,
            facts.slug_line,
            facts.approved_at.isoformat() if facts.approved_at is not None else None,
            facts.embargo.isoformat() if facts.embargo is not None else None,
        ],
        judgement.passed,
        judgement.latest.isoformat() if judgement.latest is not None else None,
        judgement.day.isoformat() if judgement.day is not None else None,
        judgement.embargoed,
    ]


def decode(path: str, data: list[Any]) -> Judgement:
    """The judgement :func:`encode` wrote (ValueError, TypeError if it is not one)."""
    reader, found, facts, passed, latest, day, embargoed = data
    if type(passed) is not bool or type(embargoed) is not bool:
        raise ValueError("not a judgement")
    return Judgement(
        path,
        tuple(_unfinding(f) for f in reader),
        tuple(_unfinding(f) for f in found),
        None if facts is None else _facts(facts),
        passed,
        None if latest is None else datetime.fromisoformat(latest),
        None if day is None else date.fromisoformat(day),
        embargoed,
    )


def _facts(data: list[Any]) -> ItemFacts:
    path, item_id, status, id_line, url, slug_line, approved, embargo = data
    return ItemFacts(
        path,
        item_id,
        status,
        id_line,
        url,
        slug_line,
        None if approved is None else datetime.fromisoformat(approved),
        None if embargo is None else datetime.fromisoformat(embargo),
    )


class VerdictCache:
    """Judgements of files, looked up by an authenticated key (see the module's docstring).

    Holds what was used or made in this run; :meth:`save` writes only those, so the cache
    never grows beyond the current files.
    """

    def __init__(self, path: Path, secret: bytes, policy: bytes) -> None:
        self.path = path
        self.secret = secret
        self.policy = policy
        self.stored = self._read()
        self.kept: dict[str, list[Any]] = {}
        self.changed = False

    @classmethod
    def open(cls, root: Path, policy: bytes) -> VerdictCache | None:
        """The cache of the repository at ``root`` (None if no secret can be kept)."""
        secret = cache_secret()
        if secret is None:
            return None
        return cls(repo_cache_dir(root) / VERDICT_FILE, secret, policy)

    def _read(self) -> dict[str, list[Any]]:
        """The stored entries (none if the file is not ours: planted, altered, other)."""
        return read_entries(self.path, self.secret, FORMAT)

    def key(self, path: str, digest: str, folder: bytes) -> str:
        """The lookup key of the file ``path`` whose bytes have ``digest`` (their SHA-256),
        beside the files ``folder`` describes."""
        fields = (path.encode("utf-8", "surrogateescape"), digest.encode("ascii"), folder)
        return hmac.digest(self.secret, self.policy + _framed(fields), "sha256").hex()

    def get(self, key: str, path: str, now: datetime, zone: tzinfo) -> Judgement | None:
        """The judgement stored under ``key`` if it still holds at ``now`` (one that does
        not, against an earlier clock, is kept for later runs but not used)."""
        entry = self.stored.get(key)
        if entry is None:
            return None
        try:
            judgement = decode(path, entry)
        except (ValueError, TypeError):
            return None
        self.kept[key] = entry
        return judgement if judgement.holds_at(now, zone) else None

    def put(self, key: str, judgement: Judgement, now: datetime, zone: tzinfo) -> None:
        """Remember ``judgement``, made at ``now``, unless it names that moment."""
        if judgement.holds_at(now, zone):
            self.kept[key] = encode(judgement)
            self.changed = True

    def save(self) -> None:
        """Write what this run used and made, if that differs from what was read."""
        if not self.changed and self.kept.keys() == self.stored.keys():
            return
        write_entries(self.path, self.secret, FORMAT, self.kept)
