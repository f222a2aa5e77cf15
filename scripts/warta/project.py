"""Wiring: read a Warta repository (trust root, workflow files, items) and validate it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from warta.adapters.items import LoadedItem, load_all
from warta.adapters.ssh import SshsigVerifier
from warta.adapters.trust import (
    PIN_ENV,
    TrustRoot,
    check_trust,
    check_workflow_signature,
    load_trust_root,
)
from warta.adapters.workflow import ROSTER_PATH, SOP_PATH, load_roster, load_sop
from warta.errors import UsageError
from warta.model.findings import Finding, warning
from warta.model.roster import Roster
from warta.model.signing import fingerprint
from warta.model.sop import Sop
from warta.validate import ITEM_CHECKS, Context, ItemCheck, Report, validate

CACHE_FILE = Path(".warta-cache") / "verified-signatures"


@dataclass
class Project:
    """A loaded repository: the policy (SOP, roster, trust), the evidence (items)."""

    root: Path
    sop: Sop
    roster: Roster
    trust: TrustRoot
    context: Context
    loaded: list[LoadedItem]
    workflow_findings: list[Finding]
    verifier: SshsigVerifier


def find_root(start: Path) -> Path:
    """The repository root: ``start`` itself, or the nearest parent holding workflow/sop.yml."""
    start = start.resolve()
    if not start.exists():
        raise UsageError(f"{start}: no such directory")
    for candidate in (start, *start.parents):
        if (candidate / SOP_PATH).is_file():
            return candidate
    return start


def resolve_pin(pin: str | None) -> str | None:
    if pin:
        return pin
    env = os.environ.get(PIN_ENV, "").strip()
    return env or None


@dataclass
class Policy:
    """The workflow files and trust root of a repository, and what checking them found."""

    root: Path
    sop: Sop
    roster: Roster
    trust: TrustRoot
    zone: ZoneInfo
    now: datetime
    verifier: SshsigVerifier
    workflow_findings: list[Finding]


def load_policy(
    root: Path, *, now: datetime | None = None, pin: str | None = None, cache: bool = True
) -> Policy:
    """Load the trust root and workflow files (ConfigError if broken) and check them."""
    sop, sop_findings = load_sop(root)
    roster, roster_findings = load_roster(root, sop)
    trust = load_trust_root(root)
    verifier = SshsigVerifier(root / CACHE_FILE if cache else None)
    workflow = [*check_trust(trust, resolve_pin(pin)), *sop_findings, *roster_findings]
    # two signatures: verified every time, without reading the cache of the items' many
    direct = SshsigVerifier()
    workflow.extend(check_workflow_signature(root, SOP_PATH, trust, direct))
    workflow.extend(check_workflow_signature(root, ROSTER_PATH, trust, direct))
    workflow.extend(_demo_key_warnings(roster))
    zone = ZoneInfo(sop.timezone)
    return Policy(root, sop, roster, trust, zone, now or datetime.now(UTC), verifier, workflow)


def load_project(
    root: Path,
    *,
    now: datetime | None = None,
    pin: str | None = None,
    cache: bool = True,
) -> Project:
    """Load trust root and workflow files (ConfigError if broken) and every item."""
    policy = load_policy(root, now=now, pin=pin, cache=cache)
    loaded = load_all(root)
    items = [entry.item for entry in loaded if entry.item is not None]
    context = Context(policy.sop, policy.roster, policy.zone, policy.now, policy.verifier, items)
    return Project(
        root,
        policy.sop,
        policy.roster,
        policy.trust,
        context,
        loaded,
        policy.workflow_findings,
        policy.verifier,
    )


def _demo_key_warnings(roster: Roster) -> list[Finding]:
    demo = [(p, k) for p in roster.people.values() for k in p.keys if k.demo]
    if not demo:
        return []
    names = ", ".join(f"{p.id} {fingerprint(k.public_key)}" for p, k in demo)
    return [
        warning(
            ROSTER_PATH.as_posix(),
            demo[0][0].line,
            "roster.demo-key",
            f"the roster holds {len(demo)} DEMO key(s), whose private halves are public"
            f" under tests/demo/keys: {names}; expected each person's own key",
        )
    ]


def check_project(
    project: Project, *, strict: bool = False, checks: Sequence[tuple[str, ItemCheck]] = ITEM_CHECKS
) -> Report:
    report = validate(
        [(entry.path, entry.item, entry.findings) for entry in project.loaded],
        project.context,
        workflow_findings=project.workflow_findings,
        checks=checks,
        strict=strict,
    )
    project.verifier.save()
    return report
