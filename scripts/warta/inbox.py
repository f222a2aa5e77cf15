"""``warta status`` as data: each item's place in the queue, who may sign it now (exactly as
``warta sign`` would judge: :mod:`warta.model.eligibility`), and, for an item nobody can
sign, why and who must fix it.

Who must fix an item with errors:

- the text changed where it may not (``content.changed-after-approval``, ``content.edited``):
  a ``warta return`` to the last step that may change the text before the change (the same
  step the finding's message names), by the people who may sign that return today
  (sop.yml's ``take_back``);
- any other error: the person who signed the item's latest record in force (the item is in
  their hands since that signature), or, for an item nobody signed yet, the holders of the
  first step's role today.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from warta.model.eligibility import blocking_for_step, may_sign, return_roles
from warta.model.findings import Finding
from warta.model.history import History, read_history
from warta.model.item import NewsItem
from warta.model.roster import Person, Roster
from warta.model.sop import Sop, Step
from warta.queue import QueueRow, queue
from warta.validate import Context, Verdict

#: The schema of ``warta status --format json`` (raise it on any incompatible change).
STATUS_SCHEMA = "warta.status/1"
#: Rules whose fix is to send the item back so that its text is signed again.
TEXT_RULES = frozenset({"content.changed-after-approval", "content.edited"})
#: How many findings the text view lists per item (the JSON lists them all).
SHOWN_FINDINGS = 3


class Group(StrEnum):
    """Where ``warta status`` lists an item. (Scheduled items, under an embargo, get a
    group of their own here: ``SCHEDULED = "terjadwal"``.)"""

    QUEUE = "antrean"
    BLOCKED = "tidak-dapat-ditandatangani"


@dataclass(frozen=True)
class Fix:
    """Who must act so that an item with errors can move on, and the command, if one."""

    people: tuple[Person, ...]
    command: str | None = None
    #: 'return' (the text must be signed again) or 'last-signer' (see the module's rules)
    rule: str = "last-signer"


@dataclass(frozen=True)
class Entry:
    row: QueueRow
    #: the findings that refuse signing the next step (every error, for a finished item)
    blocked: tuple[Finding, ...]
    #: who may sign the next step today, with a key valid today
    signers: tuple[Person, ...]
    fix: Fix | None

    @property
    def item(self) -> NewsItem:
        return self.row.item

    def sign_command(self, person: Person) -> str | None:
        step = self.row.next_step
        if step is None or person not in self.signers:
            return None
        return f"warta sign {shlex.quote(self.item.path)} --step {step.id} --as {person.id}"


def group_of(entry: Entry) -> Group:
    """The group ``warta status`` lists the entry in."""
    return Group.BLOCKED if entry.blocked else Group.QUEUE


def _return_target(item: NewsItem, history: History, sop: Sop, rules: set[str]) -> Step | None:
    """The step the text must go back to: before the approval, the last that may change
    the text; before an earlier change where none was allowed, the last such step."""
    frozen = sop.frozen_from()
    target: Step | None = None
    if "content.changed-after-approval" in rules and frozen is not None:
        target = sop.last_editor_before(frozen)
    else:
        previous = None
        for record in history.in_force:
            step = sop.step(record.step)
            if (
                step is not None
                and previous is not None
                and not step.edits
                and record.content != previous.content
            ):
                target = sop.last_editor_before(step.number - 1)
                break
            previous = record
        if target is None:
            target = sop.last_editor_before(history.signed)
    if target is None or (sop.index(target.id) or 0) >= history.signed:
        return None
    return target


def fix_for(
    item: NewsItem,
    history: History,
    blocked: Iterable[Finding],
    *,
    sop: Sop,
    roster: Roster,
    day: date,
) -> Fix:
    """Who must fix an item nobody can sign (the module's rules)."""
    rules = {f.rule for f in blocked}
    if rules & TEXT_RULES and not history.problems:
        target = _return_target(item, history, sop, rules)
        if target is not None:
            roles = return_roles(item, sop, target.id)
            able = {p.id for role in roles for p in roster.signers(role, day)}
            people = tuple(p for p in roster.people.values() if p.id in able)
            command = (
                f"warta return {shlex.quote(item.path)} --to {target.id} --reason '…'"
            )
            return Fix(people, command, "return")
    last = history.in_force[-1] if history.in_force else None
    if last is None and item.signoffs:
        last = item.signoffs[-1]
    if last is not None:
        person = roster.get(last.by)
        return Fix((person,) if person is not None else ())
    first = sop.steps[0] if sop.steps else None
    return Fix(roster.signers(first.role, day) if first is not None else ())


def inbox(
    items: Iterable[NewsItem], verdicts: Mapping[str, Verdict], ctx: Context, *, trusted: bool
) -> list[Entry]:
    """Every readable item in queue order (:func:`warta.queue.queue`), with who may sign it
    now; nobody may while the workflow files are not ``trusted``."""
    day = ctx.local(ctx.now).date()
    entries: list[Entry] = []
    for row in queue(list(items), ctx):
        item = row.item
        verdict = verdicts.get(item.path)
        findings = tuple(verdict.findings) if verdict is not None else ()
        history = read_history(item, ctx.sop)
        step, signers = may_sign(ctx.sop, ctx.roster.people.values(), history, findings, day)
        blocked = tuple(
            blocking_for_step(findings, step, strict=False)
            if step is not None
            else (f for f in findings if f.is_error)
        )
        fix = None
        if blocked:
            fix = fix_for(item, history, blocked, sop=ctx.sop, roster=ctx.roster, day=day)
        entries.append(Entry(row, blocked, signers if trusted else (), fix))
    return entries


def for_person(entries: Iterable[Entry], person: Person) -> list[Entry]:
    """What ``person`` must act on now: the items they may sign, and the items nobody can
    sign that they must fix."""
    return [
        e
        for e in entries
        if person in e.signers or (e.fix is not None and person in e.fix.people)
    ]


def _finding(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "line": finding.line,
        "message": finding.message,
    }


def entry_json(entry: Entry, ctx: Context) -> dict[str, object]:
    """One item of ``warta status --format json`` (schema ``warta.status/1``)."""
    row, item = entry.row, entry.item
    step = row.next_step
    next_step = None
    if step is not None:
        next_step = {
            "id": step.id,
            "number": step.number,
            "role": step.role,
            "standard": step.time.label(),
        }
    fix = None
    if entry.fix is not None:
        fix = {
            "rule": entry.fix.rule,
            "command": entry.fix.command,
            "people": [p.id for p in entry.fix.people],
        }
    return {
        "path": item.path,
        "id": item.id,
        "title": item.title,
        "status": item.status,
        "group": group_of(entry).value,
        "withdrawn": row.withdrawn,
        "correcting": row.correcting,
        "next_step": next_step,
        "may_sign": [p.id for p in entry.signers],
        "commands": {p.id: entry.sign_command(p) for p in entry.signers},
        "since": item.signoffs[-1].at.isoformat() if item.signoffs else None,
        "waiting_seconds": int(row.waiting.total_seconds()) if row.waiting is not None else None,
        "waiting": row.waited if row.waiting is not None else None,
        "deadline": ctx.local(row.deadline).isoformat() if row.deadline is not None else None,
        "late": row.overdue,
        "blocked": [_finding(f) for f in entry.blocked],
        "fix": fix,
    }


def status_json(
    entries: Iterable[Entry], ctx: Context, *, person: Person | None, unreadable: Iterable[str]
) -> dict[str, object]:
    """The whole of ``warta status --format json``."""
    return {
        "schema": STATUS_SCHEMA,
        "now": ctx.local(ctx.now).isoformat(),
        "as": person.id if person is not None else None,
        "items": [entry_json(e, ctx) for e in entries],
        "scheduled": [],
        "unreadable": list(unreadable),
    }
