"""The editorial queue: for each item, which step is next, who must act, how long it has waited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from warta.model.history import read_history
from warta.model.item import NewsItem
from warta.model.performance import wait_began
from warta.model.sop import Step
from warta.validate import Context


@dataclass(frozen=True)
class QueueRow:
    item: NewsItem
    signed: int
    next_step: Step | None
    actors: tuple[str, ...]
    waiting: timedelta | None
    deadline: datetime | None
    overdue: bool
    #: taken off the site by a signed withdrawal (nothing is due until a return)
    withdrawn: bool = False
    #: the wait in the unit of the step's standard time ('12 menit kerja', '3 hari kerja')
    waited: str = "-"
    #: a correction (Ralat) is in progress: the approved version stays on the site meanwhile
    correcting: bool = False


def barred_people(item: NewsItem, step: Step, ctx: Context) -> set[str]:
    """People whom separation of duties forbids to sign ``step`` of this item."""
    barred: set[str] = set()
    for rule in ctx.sop.duties:
        if step.id in rule.steps:
            barred.update(
                s.by for s in read_history(item, ctx.sop).in_force if s.step in rule.steps
            )
    return barred


def queue(items: list[NewsItem], ctx: Context) -> list[QueueRow]:
    """One row per readable item, in SOP order of the next step, then oldest first."""
    rows: list[QueueRow] = []
    for item in items:
        history = read_history(item, ctx.sop)
        signed = history.signed
        # a withdrawn item waits for nobody (until someone returns it)
        step = ctx.sop.next_step(signed) if history.withdrawn is None else None
        actors: tuple[str, ...] = ()
        waiting = deadline = None
        overdue = False
        waited = "-"
        if step is not None:
            today = ctx.local(ctx.now).date()
            barred = barred_people(item, step, ctx)
            actors = tuple(
                p.name for p in ctx.roster.signers(step.role, today) if p.id not in barred
            )
            if item.signoffs:
                since = (wait_began(item, ctx.sop, step, len(item.signoffs))
                         or item.signoffs[-1].at)
                waiting = max(ctx.now - since, timedelta())
                deadline = ctx.sop.calendar.deadline(ctx.local(since), step.time)
                measured = ctx.measure(since, ctx.now, step.time)
                overdue, waited = measured.exceeded, measured.text
        withdrawn = history.withdrawn is not None
        correcting = history.correcting is not None
        rows.append(
            QueueRow(
                item, signed, step, actors, waiting, deadline, overdue, withdrawn, waited,
                correcting,
            )
        )
    rows.sort(key=lambda r: (r.signed, -(r.waiting or timedelta()).total_seconds()))
    return rows
