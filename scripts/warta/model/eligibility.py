"""Who may act on an item now: the rules ``warta sign`` and ``warta return`` enforce, written
once so that ``warta status`` can never list what signing would refuse.

Pure: takes the SOP, the people, the item's history and the day; reads nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from warta.model import policy
from warta.model.findings import Finding
from warta.model.history import History, read_history
from warta.model.item import RETURN, NewsItem, Signoff
from warta.model.roster import Person
from warta.model.sop import Sop, Step
from warta.model.translate import _


def signer_refusal(
    sop: Sop, person: Person, step: Step, in_force: Sequence[Signoff], day: date
) -> str | None:
    """Why ``person`` may not sign ``step`` on ``day`` (the role that day, Plt. periods
    included; separation of duties against the steps in force), or None if they may. The
    key that signs must be valid that day too (:func:`warta.model.signing.key_problem`)."""
    if not person.holds(step.role, day):
        role = sop.roles[step.role]
        return _(
            "{name} ({person}) does not hold the role {title} ({short}) on {day}, which step"
            " '{step}' needs"
        ).format(
            name=person.name,
            person=person.id,
            title=role.title,
            short=role.short,
            day=day.isoformat(),
            step=step.id,
        )
    for rule in sop.duties:
        if step.id not in rule.steps:
            continue
        for earlier in in_force:
            if earlier.step in rule.steps and earlier.by == person.id:
                return _(
                    "{name} ({person}) signed '{earlier}', so may not sign '{step}'"
                    " (separation of duties '{rule}': {reason})"
                ).format(
                    name=person.name,
                    person=person.id,
                    earlier=earlier.step,
                    step=step.id,
                    rule=rule.id,
                    reason=rule.reason,
                )
    return None


def blocking_for_step(findings: Iterable[Finding], step: Step, *, strict: bool) -> list[Finding]:
    """The findings on an item that refuse signing ``step``: errors for any step; at the
    publishing gate every finding that blocks publication (``strict``: warnings too)."""
    return policy.blocking(findings, strict=strict and step.gate)


def may_sign(
    sop: Sop, people: Iterable[Person], history: History, findings: Iterable[Finding], day: date
) -> tuple[Step | None, tuple[Person, ...]]:
    """The next step of an item and who may sign it on ``day`` (with a key valid that day):
    nobody while the item is withdrawn, finished or out of order, or while a finding
    refuses the step (judged without ``--strict``, as ``warta sign`` does by default)."""
    if history.problems or history.withdrawn is not None:
        return None, ()
    step = sop.next_step(history.signed)
    if step is None or blocking_for_step(findings, step, strict=False):
        return step, ()
    return step, tuple(
        p
        for p in people
        if p.keys_valid_on(day) and signer_refusal(sop, p, step, history.in_force, day) is None
    )


def return_roles(item: NewsItem, sop: Sop, to: str) -> tuple[str, ...]:
    """The roles that may sign a return of ``item`` to step ``to`` (as ``warta return``
    judges it: sop.yml's ``take_back``), or none if that return would be refused."""
    if not item.signoffs:
        return ()
    draft = Signoff("", "", item.signoffs[-1].at, action=RETURN, to=to, reason="…")
    after = read_history(replace(item, signoffs=(*item.signoffs, draft)), sop)
    if after.problems:
        return ()
    return after.allowed.get(len(item.signoffs), ())
