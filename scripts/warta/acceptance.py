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

from warta.adapters import tofu
from warta.adapters.serials import SERIAL_FILES, read_serials
from warta.adapters.ssh import SshsigVerifier
from warta.adapters.trust import (
    TrustRoot,
    administrators,
    check_workflow_signature,
    load_trust_root,
)
from warta.errors import ConfigError, RefusedError


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
            f"the trust root of {root} must be the fingerprint given, {fingerprint.strip()};"
            f" found {trust.fingerprint} (administrators: {administrators(trust)}). Nothing was"
            " recorded: check the fingerprint with the office's administrators"
        )
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
    try:
        after = tofu.remember(
            root, now=now, trust_root=trust.fingerprint, serials=serials, replace=True
        )
    except OSError as exc:
        raise RefusedError(
            f"cannot write this machine's trust-on-first-use record {tofu.record_path(root)}:"
            f" {exc.strerror or exc}; nothing was recorded"
        ) from None
    return Accepted(trust, before, after, kept)
