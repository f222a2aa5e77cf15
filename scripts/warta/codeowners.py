"""``warta codeowners``: write (or check) CODEOWNERS from the roster as verified.

The roster is read the way every command reads the workflow (:func:`load_policy`: trust root,
pin, signatures), so an edit of roster.yml that no administrator signed cannot make anyone
an owner: while a workflow file does not verify, nothing is written.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.atomic import write_text
from warta.adapters.textfile import MAX_BYTES
from warta.errors import ConfigError, UsageError
from warta.i18n import _
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
                _("{file} (on disk)").format(file=CODEOWNERS_FILE)
                if self.before is not None
                else "/dev/null",
                _("{file} (from the roster)").format(file=CODEOWNERS_FILE),
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
            raise UsageError(
                _("--forge {forge!r}: expected one of {forges}").format(
                    forge=forge, forges=", ".join(FORGES)
                )
            )
        return forge
    found = forges_in(policy.roster)
    if len(found) == 1:
        return found[0]
    message = (
        _(
            "the roster names accounts on {found}; say which forge CODEOWNERS is for with"
            " --forge ({forges})"
        )
        if found
        else _(
            "the roster names no forge account; say which forge CODEOWNERS is for with"
            " --forge ({forges})"
        )
    )
    raise UsageError(message.format(found=", ".join(found), forges="|".join(FORGES)))


def generate(root: Path, *, forge: str | None, pin: str | None) -> Generated:
    """The CODEOWNERS text for ``root`` and the file as it is now (nothing written).
    ConfigError while a workflow file does not verify."""
    policy = load_policy(root, pin=pin, cache=False)
    bad = roster_doubts(policy.workflow_findings)
    if bad:
        raise ConfigError(
            _(
                "the workflow files do not verify, so the roster's forge accounts are not"
                " trusted and CODEOWNERS is not generated (an administrator signs them with"
                " warta trust sign)"
            ),
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
                _(
                    "{shadow} exists: {forge} reads it before {file} at the root, so the"
                    " generated file has no effect until it is removed"
                ).format(shadow=shadow, forge=chosen, file=CODEOWNERS_FILE)
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


_HEADER = re.compile(r"# Generated by Warta from workflow/roster\.yml for (\w+);")


def forge_of(text: str) -> str | None:
    """The forge a generated CODEOWNERS was written for (None: not Warta's)."""
    found = _HEADER.match(text)
    return found.group(1) if found and found.group(1) in FORGES else None


def refresh(root: Path, pin: str) -> tuple[Path | None, str | None]:
    """After a change of the roster: rewrite the repository's CODEOWNERS from the roster as
    it is signed now, if the file is Warta's. Returns the path written (None: not written)
    and, when a file there was left alone, why. The forge comes from the file's header, but
    only while the signed roster names accounts on it: a header edited on a branch cannot
    make an administrator's commit write a file for a forge the office does not use."""
    path = root / CODEOWNERS_FILE
    if path.is_symlink():
        return None, _(
            "{file} is a link: not refreshed (warta codeowners replaces it)"
        ).format(file=CODEOWNERS_FILE)
    if not path.is_file():
        return None, None
    forge = forge_of(path.read_text(encoding="utf-8", errors="replace"))
    if forge is None:
        return None, _(
            "{file} was not written by Warta: not refreshed (warta codeowners --forge F writes it"
            " from the roster)"
        ).format(file=CODEOWNERS_FILE)
    found = forges_in(load_policy(root, pin=pin, cache=False).roster)
    if found and forge not in found:
        return None, _(
            "{file} says it is for {forge}, but the roster names accounts on {found} only: not"
            " refreshed (warta codeowners --forge F, on purpose)"
        ).format(file=CODEOWNERS_FILE, forge=forge, found=", ".join(found))
    generated = generate(root, forge=forge, pin=pin)
    if generated.current:
        return None, None
    write(generated)
    return path, None
