"""The figures of the AKIP report (``warta laporan``) and of the public performance page, from
items whose signed records verified. Pure: no I/O; the caller chooses the items.

Every figure is defined here, once, and the report states each rule:

- a step is *performed* by each signed record of it dated in the period;
- the *time a step took* is measured from the record before it (whatever its kind) to it, on
  the office's calendar in the unit of the step's standard (``Calendar.quantity``, the same
  measure ``warta log`` and ``warta status`` print); the first record of an item has no
  start, so it is counted but not measured;
- the median and the 90th percentile use the nearest-rank method: the value at rank
  ``ceil(p * n)`` of the ``n`` sorted times (so both are times that really occurred);
- *within Mutu Baku*: the time is not more than the standard;
- per person, *written*, *reported* and *approved* count distinct items with a record of the
  SOP's writing step (the first step that may change the text), of the step before the
  publishing gate, and of the gate; *returned* counts the returns the person signed;
- *started*: items whose first record is in the period; *published*: items that went out in
  the period (at their first approval, the gate, or at their signed embargo if later; an
  item withdrawn before that never went out); *returned*, *withdrawn*, *corrected*: the records of
  those kinds in the period.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo

from warta.model.history import read_history
from warta.model.item import CORRECT, RETURN, WITHDRAW, NewsItem, content_digest
from warta.model.roster import Roster
from warta.model.sop import Sop, Step

#: A step is "dilaksanakan dengan baik" when at least this share of its measured times was
#: within the Mutu Baku (and no item had it out of order).
WELL_DONE_SHARE = 0.8
#: How many of the longest cases the report lists per step.
LONGEST = 3
#: The percentiles the report gives (nearest rank).
MEDIAN, P90 = 0.5, 0.9

_PERIOD = re.compile(r"^([0-9]{4})(?:-([0-9]{2})|-S([12]))?\Z")


@dataclass(frozen=True)
class Period:
    """A month ('2026-11'), a half-year ('2026-S2') or a year ('2026'): the days from
    ``first`` up to, not including, ``end``, on the office's calendar."""

    label: str
    first: date
    end: date

    def months(self) -> list[str]:
        """The months of the period, 'YYYY-MM', in order."""
        out = []
        year, month = self.first.year, self.first.month
        while date(year, month, 1) < self.end:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def holds(self, day: date) -> bool:
        return self.first <= day < self.end


def parse_period(text: str) -> Period | None:
    """The period ``text`` names ('2026-11', '2026-S2', '2026'), or None if it names none."""
    match = _PERIOD.match(text.strip())
    if match is None:
        return None
    year = int(match[1])
    if not 1970 <= year <= 9998:
        return None  # (a clock's own year: year_period)
    if match[2]:
        month = int(match[2])
        if not 1 <= month <= 12:
            return None
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period(f"{year:04d}-{month:02d}", date(year, month, 1), end)
    if match[3]:
        half = int(match[3])
        first = date(year, 1, 1) if half == 1 else date(year, 7, 1)
        end = date(year, 7, 1) if half == 1 else date(year + 1, 1, 1)
        return Period(f"{year:04d}-S{half}", first, end)
    return year_period(year)


def year_period(year: int) -> Period:
    """The calendar year ``year`` (1 to 9998)."""
    return Period(f"{year:04d}", date(year, 1, 1), date(year + 1, 1, 1))


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th quantile (0 < p <= 1) of ``values`` by the nearest-rank method: the value
    at rank ceil(p * n) of the sorted values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(round(p * len(ordered), 9)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Case:
    """One performance of a step: the item, who signed, when, and how long it took."""

    item_id: str
    path: str
    title: str
    by: str
    at: datetime
    value: float
    exceeded: bool
    #: the take-back that ended the wait, not the step's signature ('return', 'withdraw',
    #: 'correct'; ``by`` signed it), or None
    ended_by: str | None = None


@dataclass(frozen=True)
class StepFigures:
    step: Step
    #: the unit the times are counted in ('menit kerja', 'hari kerja', ...)
    unit: str
    performed: int
    measured: int
    median: float | None
    p90: float | None
    within: int
    longest: tuple[Case, ...]
    #: items left out of the figures because this step's record was out of the SOP's order
    out_of_order: int = 0
    #: records of the printing step of items no verified edition lists (signed without
    #: printing): not counted as performed, never measured
    unlisted: int = 0

    @property
    def share(self) -> float | None:
        """The share of measured times within the Mutu Baku (None: nothing measured)."""
        return self.within / self.measured if self.measured else None

    @property
    def well_done(self) -> bool | None:
        """The monitoring form's "dilaksanakan dengan baik": yes when performed, no record
        of it out of order, and (when measured) at least :data:`WELL_DONE_SHARE` within the
        Mutu Baku; None when not performed in the period."""
        if self.performed == 0 and self.unlisted == 0:
            return None
        share = self.share
        return (
            self.out_of_order == 0
            and self.unlisted == 0
            and self.performed > 0
            and (share is None or share >= WELL_DONE_SHARE)
        )


@dataclass(frozen=True)
class PersonFigures:
    id: str
    name: str
    written: int
    reported: int
    approved: int
    returned: int


@dataclass(frozen=True)
class Counts:
    started: int = 0
    published: int = 0
    returned: int = 0
    withdrawn: int = 0
    corrected: int = 0


@dataclass(frozen=True)
class Month:
    month: str
    started: int
    published: int


@dataclass(frozen=True)
class Figures:
    period: Period
    at: datetime
    steps: tuple[StepFigures, ...]
    people: tuple[PersonFigures, ...]
    counts: Counts
    months: tuple[Month, ...]
    #: how many items (whose records verify) have a record in the period
    items: int


def as_at(item: NewsItem, moment: datetime) -> NewsItem:
    """``item`` as it stood at ``moment``: its records up to then (records are appended in
    time order; a later one is not yet written)."""
    kept = tuple(s for s in item.signoffs if s.at <= moment)
    if len(kept) == len(item.signoffs):
        return item
    return replace(item, signoffs=kept)


def writing_step(sop: Sop) -> Step:
    """The step whose signers write the news: the first that may change the text."""
    return sop.writing_step()


def reporting_step(sop: Sop) -> Step:
    """The step that reports the news to the gate: the one right before it."""
    return sop.steps[max(sop.gate_index - 1, 0)]


def _day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _month(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"


@dataclass(frozen=True)
class Printing:
    """The step that records printing and the items a verified printed edition lists, each
    with the text it printed: a record of that step counts only over a text an edition
    printed (the step is an edition, ``warta cetak``; found by independent attacks: the
    step signed with no edition, or over a corrected text no edition printed, counted as
    done well)."""

    step: str
    #: (item id, content digest) of every item a verified edition printed
    listed: frozenset[tuple[str, str]]


@dataclass
class _Tally:
    cases: dict[str, list[Case]]
    performed: dict[str, int]
    people: dict[str, dict[str, set[str] | int]]
    started: dict[str, int]
    published: dict[str, int]
    returned: int = 0
    withdrawn: int = 0
    corrected: int = 0
    printing: Printing | None = None
    unlisted: int = 0


def compute(  # noqa: PLR0917
    items: Iterable[NewsItem],
    sop: Sop,
    roster: Roster,
    zone: tzinfo,
    period: Period,
    at: datetime,
    out_of_order: Mapping[str, int] | None = None,
    printing: Printing | None = None,
    embargoes: Mapping[str, Embargoes] | None = None,
) -> Figures:
    """The figures of ``period`` from ``items`` (whose records verified) as they stood at
    ``at``; ``out_of_order`` counts, per step id, the items left out for a record of that
    step out of the SOP's order; ``embargoes``: by item path, the embargo of each text its
    approvals signed (see :func:`went_out`)."""
    months = period.months()
    tally = _Tally(
        {s.id: [] for s in sop.steps},
        {s.id: 0 for s in sop.steps},
        {},
        dict.fromkeys(months, 0),
        dict.fromkeys(months, 0),
        printing=printing,
    )
    count = 0
    for original in items:
        signed = embargoes.get(original.path) if embargoes is not None else None
        if _tally_item(as_at(original, at), sop, zone, period, tally, signed=signed):
            count += 1
    disorder = out_of_order or {}
    steps = tuple(_step_figures(sop, s, tally, disorder.get(s.id, 0)) for s in sop.steps)
    people = []
    for person_id in sorted(tally.people):
        row = tally.people[person_id]
        person = roster.get(person_id)
        people.append(
            PersonFigures(
                person_id,
                person.name if person else person_id,
                *(_size(row.get(k, 0)) for k in ("written", "reported", "approved", "returned")),
            )
        )
    counts = Counts(
        sum(tally.started.values()),
        sum(tally.published.values()),
        tally.returned,
        tally.withdrawn,
        tally.corrected,
    )
    return Figures(
        period,
        at,
        steps,
        tuple(people),
        counts,
        tuple(Month(m, tally.started[m], tally.published[m]) for m in months),
        count,
    )


def _size(value: set[str] | int) -> int:
    return len(value) if isinstance(value, set) else value


#: The embargo of each text an item's approvals signed, by the text's content digest.
Embargoes = Mapping[str | None, datetime | None]


def went_out(item: NewsItem, sop: Sop, signed: Embargoes | None = None) -> datetime | None:
    """When ``item`` was first published: at an approval (the gate), or at the embargo that
    approval signed if that is later, unless a take-back (a return, a withdrawal, a
    correction) came before that moment: then at the next approval that went out; None if
    none did. ``signed`` holds the embargo of each text an approval signed (by its content
    digest; None: the file's embargo for every approval). (An item returned before its
    embargo was counted as published at the embargo; the embargo a later text gives, or an
    unsigned edit of the file, moved an earlier approval; found by independent attacks.)"""
    for index, approval in enumerate(item.signoffs):
        if not (approval.is_step and approval.step == sop.gate.id and approval.sig):
            continue
        embargo = item.embargo if signed is None else signed[approval.content]
        out = approval.at if embargo is None else max(approval.at, embargo)
        if not any(r.action in (RETURN, WITHDRAW, CORRECT) and r.at < out
                   for r in item.signoffs[index + 1:]):
            return out
    return None


def embargo_in_force(
    item: NewsItem, sop: Sop, index: int, signed: Embargoes | None = None
) -> tuple[bool, datetime | None]:
    """Whether the embargo in force for the record at ``index`` of ``item`` is known
    (``len(item.signoffs)``: the next record), and that embargo: the one the last approval
    before it signed. ``signed``: see :func:`went_out`; without it, the file's embargo is
    known only while the file holds the very text that approval signed. A correction's
    draft is open to edits nobody has signed yet, and an embargo line added there moved the
    start of every printing step already signed (a printing eight working days late read
    one, on time; found by an independent attack)."""
    gate = sop.gate.id
    for approval in reversed(item.signoffs[:index]):
        if approval.is_step and approval.step == gate and approval.sig:
            if signed is not None:
                return True, signed.get(approval.content)
            if approval.content == content_digest(item.fields, item.body):
                return True, item.embargo
            return False, None
    return True, None


def wait_began(
    item: NewsItem, sop: Sop, step: Step, index: int, signed: Embargoes | None = None
) -> datetime | None:
    """When the wait for ``step`` at the record at ``index`` of ``item`` began (``index``
    ``len(item.signoffs)``: the wait for the next record): at the record before it, but for a
    step after the publishing gate not before the embargo in force
    (:func:`embargo_in_force`); None when that embargo is not known (then the wait is not
    measured: measured from the approval instead, an on-time printing read as late once
    the item was being corrected; found by an independent attack)."""
    since = item.signoffs[index - 1].at
    position = sop.index(step.id)
    if position is None or position <= sop.gate_index:
        return since
    known, embargo = embargo_in_force(item, sop, index, signed)
    return sop.wait_start(step, since, embargo) if known else None


def _tally_item(
    item: NewsItem, sop: Sop, zone: tzinfo, period: Period, tally: _Tally, *,
    signed: Embargoes | None = None,
) -> bool:
    """Count ``item``'s records in ``period``; whether it has any (``signed``: see
    :func:`went_out`)."""
    writing, reporting, gate = writing_step(sop).id, reporting_step(sop).id, sop.gate.id
    kinds = {writing: "written", reporting: "reported", gate: "approved"}
    key = item.id or item.path
    active = False
    interrupted = read_history(item, sop).interrupted
    out = went_out(item, sop, signed)
    if out is not None and period.holds(_day(out, zone)):
        tally.published[_month(out, zone)] += 1
    for index, record in enumerate(item.signoffs):
        inside = period.holds(_day(record.at, zone))
        if not inside:
            continue
        active = True
        person = tally.people.setdefault(record.by, {})
        if index == 0:
            tally.started[_month(record.at, zone)] += 1
        waited = interrupted.get(index)
        if waited is not None and waited in tally.cases and index > 0:
            case = _case(item, sop, zone, index, waited=waited, signed=signed)
            # only a delay: a short wait a take-back ended is no performance of the step (a
            # run of quick returns made a late approval "well done"; found by an attack)
            if case is not None and case.exceeded:
                tally.cases[waited].append(case)
        if record.action == RETURN:
            tally.returned += 1
            person["returned"] = _size(person.get("returned", 0)) + 1
        elif record.action == WITHDRAW:
            tally.withdrawn += 1
        elif record.action == CORRECT:
            tally.corrected += 1
        if not record.is_step or record.step not in tally.performed:
            continue
        printing = tally.printing
        if printing is not None and record.step == printing.step and (
            (key, record.content or "") not in printing.listed
        ):
            tally.unlisted += 1
            continue
        kind = kinds.get(record.step)
        if kind is not None:
            mine = person.setdefault(kind, set())
            if isinstance(mine, set):
                mine.add(key)
        tally.performed[record.step] += 1
        if index > 0:
            case = _case(item, sop, zone, index, signed=signed)
            if case is not None:
                tally.cases[record.step].append(case)
    return active


def _case(
    item: NewsItem, sop: Sop, zone: tzinfo, index: int,
    *, waited: str | None = None, signed: Embargoes | None = None,
) -> Case | None:
    """How long the step of the record at ``index`` took from the record before it; with
    ``waited``, how long the item waited for that step until the record took it back (a
    wait that ends in a return, a withdrawal or a correction is measured too: otherwise
    whoever may take the item back could make a late step's delay vanish, then sign the step
    before again; found by independent attacks). ``signed``: see :func:`went_out`."""
    previous, record = item.signoffs[index - 1], item.signoffs[index]
    step = sop.step(waited if waited is not None else record.step)
    if step is None or record.at < previous.at:
        return None
    calendar = sop.calendar
    start = wait_began(item, sop, step, index, signed)
    if start is None or record.at < start:
        return None
    value = calendar.quantity(start.astimezone(zone), record.at.astimezone(zone), step.time)
    return Case(
        item.id or "",
        item.path,
        item.title or "",
        record.by,
        record.at,
        value,
        value > step.time.amount,
        record.action if waited is not None else None,
    )


def _step_figures(sop: Sop, step: Step, tally: _Tally, out_of_order: int) -> StepFigures:
    cases = tally.cases[step.id]
    values = [c.value for c in cases]
    longest = sorted(cases, key=lambda c: (-c.value, c.at, c.path))[:LONGEST]
    return StepFigures(
        step,
        sop.calendar.unit_label(step.time),
        tally.performed[step.id],
        len(cases),
        nearest_rank(values, MEDIAN),
        nearest_rank(values, P90),
        sum(1 for c in cases if not c.exceeded),
        tuple(longest),
        out_of_order,
        tally.unlisted if tally.printing is not None and tally.printing.step == step.id else 0,
    )
