"""Scheduled items: approved items whose signed embargo has not come yet, soonest first
(the "Terjadwal" section of ``warta status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from warta.i18n import format_moment
from warta.model import policy
from warta.validate import Report


@dataclass(frozen=True)
class ScheduledRow:
    """One approved item waiting for its embargo."""

    path: str
    title: str | None
    embargo: datetime
    #: findings block it (so it will not be published at that time unless they are fixed)
    blocked: bool

    def as_json(self) -> dict[str, object]:
        """The row in ``warta status --format json`` (``scheduled``)."""
        return {
            "path": self.path,
            "title": self.title,
            "embargo": self.embargo.isoformat(),
            "blocked": self.blocked,
        }


def scheduled(report: Report) -> list[ScheduledRow]:
    """The items past the gate whose embargo is still pending at the report's clock."""
    rows: list[ScheduledRow] = []
    for verdict in report.verdicts:
        if verdict.embargo is None:
            continue
        title = verdict.item.title if verdict.item is not None else None
        blocked = bool(
            policy.blocking([*report.workflow, *verdict.findings], strict=report.strict)
        )
        rows.append(ScheduledRow(verdict.path, title, verdict.embargo, blocked))
    rows.sort(key=lambda row: (row.embargo, row.path))
    return rows


def when_text(moment: datetime, zone: tzinfo) -> str:
    """An embargo as the office reads it, in the running language: 'Kamis, 24 Desember 2026
    09.00 WIB' (English: 'Thursday, 24 December 2026 09:00 WIB')."""
    return format_moment(moment.astimezone(zone), weekday=True)
