"""``warta codeowners``: write (or check) CODEOWNERS from the roster as verified.

The roster is read the way every command reads the workflow (:func:`load_policy`: trust root,
pin, signatures), so an edit of roster.yml that no administrator signed cannot make anyone
an owner: while a workflow file does not verify, nothing is written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.atomic import write_text
from warta.adapters.textfile import MAX_BYTES
from warta.errors import ConfigError, UsageError
from warta.model.codeowners import (
    CODEOWNERS_FILE,
    Owners,
    forges_in,
    news_roles,
    owners,
    render,
)
from warta.model.findings import Finding
from warta.model.roster import FORGES
from warta.repository import Policy, load_policy

#: Where each forge looks before the repository root (a file there hides ours).
_SHADOWS = {"github": (".github/CODEOWNERS",), "gitlab": (), "forgejo": ()}


@dataclass(frozen=True)
class Generated:
    path: Path
    text: str
    owners: Owners
    #: the file on disk as it was (None: absent or not a regular file)
    before: str | None
    warnings: tuple[str, ...]

    @property
    def current(self) -> bool:
        return self.before == self.text

    def diff(self) -> str:
        """A unified diff from the file on disk to the generated text."""
        return "".join(
            difflib.unified_diff(
                (self.before or "").splitlines(keepends=True),
                self.text.splitlines(keepends=True),
                f"{CODEOWNERS_FILE} (on disk)" if self.before is not None else "/dev/null",
                f"{CODEOWNERS_FILE} (from the roster)",
            )
        )


def roster_doubts(findings: Iterable[Finding]) -> list[Finding]:
    """The workflow errors that make the roster's accounts untrustworthy: those of the
    workflow files, the trust root, the pin and serials (not those of mkdocs.yml)."""
    return [
        f
        for f in findings
        if f.is_error
        and (f.path.startswith("workflow/") or f.rule.startswith(("trust.", "serial.")))
    ]


def choose_forge(policy: Policy, forge: str | None) -> str:
    if forge is not None:
        if forge not in FORGES:
            raise UsageError(f"--forge {forge!r}: expected one of {', '.join(FORGES)}")
        return forge
    found = forges_in(policy.roster)
    if len(found) == 1:
        return found[0]
    named = f"accounts on {', '.join(found)}" if found else "no forge account"
    raise UsageError(
        f"the roster names {named}; say which forge CODEOWNERS is for with --forge"
        f" ({'|'.join(FORGES)})"
    )


def generate(root: Path, *, forge: str | None, pin: str | None) -> Generated:
    """The CODEOWNERS text for ``root`` and the file as it is now (nothing written).
    ConfigError while a workflow file does not verify."""
    policy = load_policy(root, pin=pin, cache=False)
    bad = roster_doubts(policy.workflow_findings)
    if bad:
        raise ConfigError(
            "the workflow files do not verify, so the roster's forge accounts are not"
            " trusted and CODEOWNERS is not generated (an administrator signs them with"
            " warta trust sign)",
            bad,
        )
    chosen = choose_forge(policy, forge)
    today = policy.now.astimezone(policy.zone).date()
    admin_ids = [admin.id for admin in policy.trust.admins]
    found = owners(policy.roster, admin_ids, chosen, today, news_roles(policy.sop))
    warnings = found.warnings()
    for shadow in _SHADOWS[chosen]:
        if (root / shadow).exists() or (root / shadow).is_symlink():
            warnings.append(
                f"{shadow} exists: {chosen} reads it before {CODEOWNERS_FILE} at the root,"
                " so the generated file has no effect until it is removed"
            )
    try:
        raw: bytes | None = safefs.read_bytes(root, CODEOWNERS_FILE, max_bytes=MAX_BYTES)
    except (OSError, safefs.UnsafePath):
        raw = None
    before = raw.decode("utf-8", "replace") if raw is not None else None
    return Generated(root / CODEOWNERS_FILE, render(found), found, before, tuple(warnings))


def write(generated: Generated) -> None:
    """Write the generated file atomically (a link there is replaced, never followed)."""
    write_text(generated.path, generated.text)
