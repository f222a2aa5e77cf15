"""An item's history as the SOP reads it: rounds of signed steps, returns, withdrawals and
corrections.

``signoffs`` is append-only. A step record signs the next step of the current round; a
return sends the item back so that the step it names must be signed again (the steps before
it stay in force); a withdrawal takes an approved item off the site until it is returned.
A correction (Ralat) of a published item sends it back to the first step sop.yml's
``correction`` lists; the listed steps are signed again in order, the records of the steps
between them stay in force, and the gate's new approval completes it (the steps after the
gate are then signed again as usual). Nothing is ever removed, so every earlier round stays
in the file and verifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from warta.model.findings import Finding, error
from warta.model.item import CORRECT, RETURN, SIGN, WITHDRAW, NewsItem, Signoff
from warta.model.sop import Sop, Step
from warta.model.translate import _


def step_label(sop: Sop, step_id: str) -> str:
    step = sop.step(step_id)
    if step is None:
        return f"'{step_id}'"
    return _("'{step}' (step {number})").format(step=step_id, number=step.number)


@dataclass(frozen=True)
class Corrected:
    """A completed correction: the signed record that started it (note, signer, time, and
    the digest of the text it corrected), the approval that put the corrected text out, and
    the approval it replaced."""

    record: Signoff
    approval: Signoff
    replaced: Signoff


@dataclass(frozen=True)
class History:
    """Where an item stands after reading its records in order."""

    #: the signoff in force for each completed step of the current round (index = step)
    in_force: tuple[Signoff, ...] = ()
    #: the withdrawal in force, if the item is withdrawn
    withdrawn: Signoff | None = None
    #: every return, withdrawal and correction record, in order
    take_backs: tuple[Signoff, ...] = ()
    #: order problems (reading stops at the first)
    problems: tuple[Finding, ...] = ()
    #: for each take-back (by its index among the records): the roles that may sign it
    allowed: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: the correction record in progress (not yet approved again), if any
    correcting: Signoff | None = None
    #: every completed correction, oldest first
    corrections: tuple[Corrected, ...] = ()
    #: the correction record the withdrawal in force ended (its approved version is the
    #: last text the site showed), if the item was withdrawn during a correction
    ended_correction: Signoff | None = None
    #: for each take-back (by its index among the records: a return, a withdrawal, the start
    #: of a correction): the step the item was waiting for then (its wait ended there,
    #: unsigned)
    interrupted: Mapping[int, str] = field(default_factory=dict)

    @property
    def signed(self) -> int:
        """How many steps of the current round are signed."""
        return len(self.in_force)

    @property
    def revision(self) -> int:
        """1, plus one for every take-back: each new round of approval has a higher one."""
        return 1 + len(self.take_backs)

    def signoff_for(self, step_id: str) -> Signoff | None:
        return next((s for s in self.in_force if s.step == step_id), None)

    def status(self, sop: Sop) -> str:
        if self.withdrawn is not None:
            return sop.take_back.withdrawn_status
        return sop.status_after(self.signed)

    def past_gate(self, sop: Sop) -> bool:
        return self.signed > sop.gate_index


@dataclass
class _Reading:
    """The state of :func:`read_history` as it reads records in order."""

    sop: Sop
    in_force: list[Signoff] = field(default_factory=list)
    withdrawn: Signoff | None = None
    take_backs: list[Signoff] = field(default_factory=list)
    allowed: dict[int, tuple[str, ...]] = field(default_factory=dict)
    correcting: Signoff | None = None
    corrections: list[Corrected] = field(default_factory=list)
    ended_correction: Signoff | None = None
    #: during a correction: the records in force before it, and the steps still to sign
    carried: list[Signoff] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    #: during a correction: the approval it corrects
    replaced: Signoff | None = None
    interrupted: dict[int, str] = field(default_factory=dict)

    def history(self, problems: tuple[Finding, ...] = ()) -> History:
        return History(
            tuple(self.in_force),
            self.withdrawn,
            tuple(self.take_backs),
            problems,
            dict(self.allowed),
            self.correcting,
            tuple(self.corrections),
            self.ended_correction,
            dict(self.interrupted),
        )

    @property
    def latest(self) -> Step | None:
        return self.sop.steps[len(self.in_force) - 1] if self.in_force else None

    def sign(self, record: Signoff, where: str) -> tuple[str, str] | None:
        sop = self.sop
        step = sop.step(record.step)
        if step is None:
            return (
                "order.unknown-step",
                _(
                    "{where} names step {step!r}, which is not in sop.yml; expected one of: {steps}"
                ).format(where=where, step=record.step, steps=", ".join(s.id for s in sop.steps)),
            )
        if self.withdrawn is not None:
            return (
                "order.withdrawn",
                _(
                    "{where} signs {step}, but the item was withdrawn"
                    " at {at}; expected a signed return ('warta return')"
                    " before any step is signed again"
                ).format(where=where, step=step_label(sop, step.id), at=self.withdrawn.at_text),
            )
        signed = len(self.in_force)
        if signed >= len(sop.steps):
            return (
                "order.repeated",
                _(
                    "{where} repeats step {step}; all steps are already"
                    " signed (send the item back with 'warta return' first)"
                ).format(where=where, step=step_label(sop, step.id)),
            )
        expected = sop.steps[signed]
        if step.id != expected.id:
            if step.number < expected.number:
                return (
                    "order.repeated",
                    _("{where} repeats step {step}; expected the next step {expected}").format(
                        where=where,
                        step=step_label(sop, step.id),
                        expected=step_label(sop, expected.id),
                    ),
                )
            return (
                "order.skipped",
                _(
                    "{where} is step {step}, which skips {expected}; steps must be signed in"
                    " the SOP's order"
                ).format(
                    where=where,
                    step=step_label(sop, step.id),
                    expected=step_label(sop, expected.id),
                ),
            )
        self.in_force.append(record)
        if self.pending and self.pending[0] == signed:
            self.pending.pop(0)
            # the records of the steps a correction does not sign again stay in force
            upto = self.pending[0] if self.pending else 0
            self.in_force.extend(self.carried[len(self.in_force) : upto])
        if self.correcting is not None and self.replaced is not None and step.gate:
            self.corrections.append(Corrected(self.correcting, record, self.replaced))
            self.correcting, self.replaced, self.carried, self.pending = None, None, [], []
        return None

    def note_wait(self, index: int) -> None:
        """The take-back at ``index`` ends the wait for the next step, if one was awaited
        (a withdrawn item awaits none)."""
        if self.withdrawn is None and len(self.in_force) < len(self.sop.steps):
            self.interrupted[index] = self.sop.steps[len(self.in_force)].id

    def take_back(self, index: int, record: Signoff, where: str) -> tuple[str, str] | None:
        sop, in_force, withdrawn = self.sop, self.in_force, self.withdrawn
        target = sop.index(record.to)
        if target is None:
            return (
                "return.unknown-step",
                _(
                    "{where} returns the item to {to!r}, which is not a step in"
                    " sop.yml; expected one of: {steps}"
                ).format(where=where, to=record.to, steps=", ".join(s.id for s in sop.steps)),
            )
        if target >= len(in_force):
            done = ", ".join(s.step for s in in_force) or _("none")
            return (
                "return.forward",
                _(
                    "{where} returns the item to {step}, which is not"
                    " signed in this round; expected a step already signed ({done})"
                ).format(where=where, step=step_label(sop, record.to), done=done),
            )
        published = len(in_force) > sop.gate_index and withdrawn is None
        if withdrawn is not None and target > sop.gate_index:
            return (
                "return.withdrawn",
                _(
                    "{where} returns the withdrawn item to {step},"
                    " which would put it back on the site without a new approval; expected a"
                    " step up to {gate}"
                ).format(
                    where=where, step=step_label(sop, record.to), gate=step_label(sop, sop.gate.id)
                ),
            )
        if withdrawn is not None or (published and target <= sop.gate_index):
            # taking the approval back (or bringing back a withdrawn item) is the
            # decision of those who may withdraw, not of the latest step's role
            self.allowed[index] = sop.roles_for(sop.take_back.withdraw_by, self.latest)
        else:
            self.allowed[index] = sop.roles_for(sop.take_back.return_by, self.latest)
        self.note_wait(index)
        del in_force[target:]
        self.withdrawn, self.ended_correction = None, None
        self.carried, self.pending = [], []  # the rest of the round follows the SOP's order
        self.take_backs.append(record)
        return None

    def withdraw(self, index: int, record: Signoff, where: str) -> tuple[str, str] | None:
        sop = self.sop
        approved = len(self.in_force) > sop.gate_index or self.correcting is not None
        if self.withdrawn is not None or not approved:
            state = _("already withdrawn") if self.withdrawn is not None else _("not approved")
            return (
                "withdraw.not-published",
                _(
                    "{where} withdraws the item, which is {state}; expected an item past"
                    " {gate} (a draft is sent back with 'warta return')"
                ).format(where=where, state=state, gate=step_label(sop, sop.gate.id)),
            )
        self.allowed[index] = sop.roles_for(sop.take_back.withdraw_by, self.latest)
        self.note_wait(index)
        self.withdrawn, self.ended_correction = record, self.correcting
        # a withdrawal ends a correction in progress: its approved version leaves the site
        self.correcting, self.replaced, self.carried, self.pending = None, None, [], []
        self.take_backs.append(record)
        return None

    def correct(self, index: int, record: Signoff, where: str) -> tuple[str, str] | None:
        sop = self.sop
        published = len(self.in_force) > sop.gate_index and self.withdrawn is None
        if not published or self.correcting is not None:
            if self.correcting is not None:
                state = _("already being corrected")
            else:
                state = _("withdrawn") if self.withdrawn is not None else _("not approved")
            return (
                "correct.not-published",
                _(
                    "{where} starts a correction of the item, which is {state}; expected a"
                    " published item, past {gate}"
                ).format(where=where, state=state, gate=step_label(sop, sop.gate.id)),
            )
        approved = self.in_force[sop.gate_index].content
        if record.content != approved:
            return (
                "correct.content",
                _(
                    "{where} starts a correction over content {content}, not the"
                    " approved {approved}; expected the digest of the text it corrects"
                ).format(where=where, content=record.content, approved=approved),
            )
        self.allowed[index] = sop.roles_for(sop.correction.start_by, self.latest)
        self.note_wait(index)
        self.correcting, self.replaced = record, self.in_force[sop.gate_index]
        self.carried, self.pending = list(self.in_force), list(sop.correction_steps())
        del self.in_force[self.pending[0] :]
        self.take_backs.append(record)
        return None


def read_history(item: NewsItem, sop: Sop) -> History:
    """Read ``item``'s records against ``sop``; the first record out of order stops it."""
    reading = _Reading(sop)
    for index, record in enumerate(item.signoffs):
        where = f"signoffs[{index}]"
        if record.action == SIGN:
            problem = reading.sign(record, where)
        elif record.action == RETURN:
            problem = reading.take_back(index, record, where)
        elif record.action == WITHDRAW:
            problem = reading.withdraw(index, record, where)
        elif record.action == CORRECT:
            problem = reading.correct(index, record, where)
        else:  # the reader refuses other actions; an unknown one never counts
            problem = (
                "order.unknown-action",
                _(
                    "{where} has action {action!r}; expected 'return', 'withdraw' or 'correct'"
                ).format(where=where, action=record.action),
            )
        if problem is not None:
            return reading.history((error(item.path, record.line, *problem),))
    return reading.history()


@dataclass(frozen=True)
class TextOrigin:
    """The step record at which the text last changed: the first record carrying the text
    as it stands, after a record that carried another."""

    signoff: Signoff
    step: Step | None


def text_origin(item: NewsItem, sop: Sop, current: str) -> TextOrigin | None:
    """Which step record first signed the text ``current`` (the digest of the text as it
    stands) in its latest run of records carrying it; None if no step signed it."""
    origin: Signoff | None = None
    for record in item.signoffs:
        if not record.is_step:
            continue
        if record.content != current:
            origin = None
        elif origin is None:
            origin = record
    return TextOrigin(origin, sop.step(origin.step)) if origin is not None else None
