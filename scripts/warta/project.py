"""Wiring: read a Warta repository (workflow files and items) and validate it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from warta.adapters.items import LoadedItem, load_all
from warta.adapters.workflow import SOP_PATH, load_roster, load_sop
from warta.errors import UsageError
from warta.model.findings import Finding
from warta.model.roster import Roster
from warta.model.sop import Sop
from warta.validate import ITEM_CHECKS, Context, ItemCheck, Report, validate


@dataclass
class Project:
    """A loaded repository: the policy (SOP, roster), the evidence (items) and the verdict."""

    root: Path
    sop: Sop
    roster: Roster
    context: Context
    loaded: list[LoadedItem]
    workflow_findings: list[Finding]


def find_root(start: Path) -> Path:
    """The repository root: ``start`` itself, or the nearest parent holding workflow/sop.yml."""
    start = start.resolve()
    if not start.exists():
        raise UsageError(f"{start}: no such directory")
    for candidate in (start, *start.parents):
        if (candidate / SOP_PATH).is_file():
            return candidate
    return start


def load_project(root: Path, *, now: datetime | None = None) -> Project:
    """Load workflow files (ConfigError if broken) and every item under content/berita/."""
    sop, sop_findings = load_sop(root)
    roster, roster_findings = load_roster(root, sop)
    zone = ZoneInfo(sop.timezone)
    loaded = load_all(root)
    items = [entry.item for entry in loaded if entry.item is not None]
    context = Context(sop, roster, zone, now or datetime.now(UTC), items)
    return Project(root, sop, roster, context, loaded, [*sop_findings, *roster_findings])


def check_project(
    project: Project, *, strict: bool = False, checks: Sequence[tuple[str, ItemCheck]] = ITEM_CHECKS
) -> Report:
    return validate(
        [(entry.path, entry.item, entry.findings) for entry in project.loaded],
        project.context,
        workflow_findings=project.workflow_findings,
        checks=checks,
        strict=strict,
    )
