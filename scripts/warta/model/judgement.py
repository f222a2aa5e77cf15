"""Judgements: what the per-item checks concluded about one file, before the site-wide
checks, and for how long that conclusion holds (the verdict cache relies on it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from warta.model.findings import Finding
from warta.model.item import NewsItem, item_url

#: Signoff times more than this far in the future are refused (clock skew allowance).
FUTURE_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ItemFacts:
    """What the site-wide checks and the report need to know of a readable item."""

    path: str
    id: str | None
    status: str | None
    id_line: int | None
    #: the site URL the signed date and slug give ('berita/2026/x/'), if they read
    url: str | None
    slug_line: int | None
    #: when the publishing gate was signed (None if it was not)
    approved_at: datetime | None = None
    #: the signed embargo: not published before it (None: none)
    embargo: datetime | None = None

    @classmethod
    def of(cls, item: NewsItem, zone: tzinfo, approved_at: datetime | None = None) -> ItemFacts:
        return cls(
            item.path,
            item.id,
            item.status,
            item.line_of("id"),
            item_url(item, zone),
            item.line_of("slug"),
            approved_at,
            item.embargo,
        )


@dataclass(frozen=True)
class Judgement:
    """What the per-item checks conclude about one file, before the site-wide checks and
    ``--strict``; and for how long that conclusion holds.

    ``facts`` is None when the file could not be read as an item. ``passed`` says the item is
    past the publishing gate with its id, status and signoffs known. Three things look at
    the clock: 'time.future' (any signoff later than now, allowing FUTURE_SKEW; ``latest`` is
    the latest signoff time), the frozen-content check, whose findings name who holds the
    approving role today (``day`` is then that day), and the embargo (``embargoed``: its time,
    ``facts.embargo``, had not yet come).
    """

    path: str
    reader: tuple[Finding, ...]
    found: tuple[Finding, ...]
    facts: ItemFacts | None
    passed: bool
    latest: datetime | None = None
    day: date | None = None
    embargoed: bool = False

    def holds_at(self, now: datetime, zone: tzinfo) -> bool:
        """Whether judging the same file against the same policy at ``now`` concludes the
        same: no signoff is in the future then, no finding names another day's facts, and the
        embargo is still pending (or still past) as it was.
        (A judgement that did not hold when it was made, one with a signoff in the future,
        must never be reused: its 'time.future' findings name the moment it was made.)"""
        if self.latest is not None and self.latest > now + FUTURE_SKEW:
            return False
        embargo = self.facts.embargo if self.facts is not None else None
        if embargo is not None and (now < embargo) != self.embargoed:
            return False
        if embargo is None and self.embargoed:
            return False
        return self.day is None or now.astimezone(zone).date() == self.day
