"""``warta trust accept``: take a changed trust root (or an older workflow state) deliberately.

Unpinned, this machine holds a repository to the trust root it first used it with, and to
the highest workflow serials it has seen (:mod:`warta.adapters.tofu`). When the office really
changed its administrators, someone confirms the new fingerprint with them and accepts it:
the record then holds that trust root, and the serials of the workflow files as they are now
(when their signatures verify under it), even lower ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warta.adapters import offices, tofu
from warta.adapters.serials import SERIAL_FILES, read_serials
from warta.adapters.ssh import SshsigVerifier
from warta.adapters.trust import (
    TrustRoot,
    administrators,
    check_workflow_signature,
    load_trust_root,
)
from warta.errors import ConfigError, RefusedError
from warta.i18n import _


@dataclass(frozen=True)
class Accepted:
    trust: TrustRoot
    before: tofu.Record
    after: tofu.Record
    #: Why the serials were left as they were (None: recorded as they are now).
    serials_kept: str | None


def accept(root: Path, fingerprint: str, now: datetime) -> Accepted:
    """Record the trust root of ``root`` as this machine's, if it is ``fingerprint``
    (RefusedError otherwise: nothing is recorded)."""
    trust = load_trust_root(root)
    given = fingerprint.strip().lower()
    if given != trust.fingerprint:
        raise RefusedError(
            _(
                "the trust root of {root} must be the fingerprint given, {given};"
                " found {found} (administrators: {admins}). Nothing was"
                " recorded: check the fingerprint with the office's administrators"
            ).format(
                root=root,
                given=fingerprint.strip(),
                found=trust.fingerprint,
                admins=administrators(trust),
            )
        )
    claims = offices.conflict(root, trust, offices.read_register(root))
    if claims:  # (what a practice newsroom naming the office would ask the Kabag to run)
        raise _unrecorded(offices.conflict_message(trust, claims))
    before = tofu.read_record(root)
    serials: dict[str, int] | None = None
    kept: str | None = None
    try:
        serials = {path: s.value for path, s in read_serials(root).items()}
    except ConfigError as exc:
        kept = "; ".join(f"{f.location()}: {f.message}" for f in exc.findings) or exc.message
    verifier = SshsigVerifier()
    problems = [
        f for rel in SERIAL_FILES for f in check_workflow_signature(root, rel, trust, verifier)
    ]
    if serials is not None and problems:
        serials = None
        kept = "; ".join(f"{f.location()}: {f.message}" for f in problems)
    if serials is not None:  # (the workflow verified: the office is this one's here)
        try:
            offices.claim(root, trust, now)
        except OSError as exc:
            raise _unrecorded(offices.unwritable(exc).message) from None
    try:
        after = tofu.remember(
            root, now=now, trust_root=trust.fingerprint, serials=serials, replace=True
        )
    except OSError as exc:
        raise RefusedError(
            _(
                "cannot write this machine's trust-on-first-use record {path}: {error};"
                " nothing was recorded"
            ).format(path=tofu.record_path(root), error=exc.strerror or exc)
        ) from None
    return Accepted(trust, before, after, kept)


def _unrecorded(problem: str) -> RefusedError:
    return RefusedError(_("{problem}; nothing was recorded").format(problem=problem))
