"""An item's history as the SOP reads it: rounds of signed steps, returns and withdrawals.

``signoffs`` is append-only. A step record signs the next step of the current round; a
return sends the item back so that the step it names must be signed again (the steps before
it stay in force); a withdrawal takes an approved item off the site until it is returned.
Nothing is ever removed, so every earlier round stays in the file and verifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from warta.model.findings import Finding, error
from warta.model.item import RETURN, SIGN, WITHDRAW, NewsItem, Signoff
from warta.model.sop import Sop, Step


def step_label(sop: Sop, step_id: str) -> str:
    step = sop.step(step_id)
    return f"'{step_id}' (step {step.number})" if step else f"'{step_id}'"


@dataclass(frozen=True)
class History:
    """Where an item stands after reading its records in order."""

    #: the signoff in force for each completed step of the current round (index = step)
    in_force: tuple[Signoff, ...] = ()
    #: the withdrawal in force, if the item is withdrawn
    withdrawn: Signoff | None = None
    #: every return and withdrawal, in order
    take_backs: tuple[Signoff, ...] = ()
    #: order problems (reading stops at the first)
    problems: tuple[Finding, ...] = ()
    #: for each take-back (by its index among the records): the roles that may sign it
    allowed: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

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


def read_history(item: NewsItem, sop: Sop) -> History:
    """Read ``item``'s records against ``sop``; the first record out of order stops it."""
    in_force: list[Signoff] = []
    withdrawn: Signoff | None = None
    take_backs: list[Signoff] = []
    allowed: dict[int, tuple[str, ...]] = {}

    def stop(record: Signoff, rule: str, message: str) -> History:
        return History(
            tuple(in_force),
            withdrawn,
            tuple(take_backs),
            (error(item.path, record.line, rule, message),),
            allowed,
        )

    for index, record in enumerate(item.signoffs):
        where = f"signoffs[{index}]"
        latest = sop.steps[len(in_force) - 1] if in_force else None
        if record.action == SIGN:
            step = sop.step(record.step)
            if step is None:
                return stop(
                    record,
                    "order.unknown-step",
                    f"{where} names step {record.step!r}, which is not in sop.yml; expected"
                    f" one of: {', '.join(s.id for s in sop.steps)}",
                )
            if withdrawn is not None:
                return stop(
                    record,
                    "order.withdrawn",
                    f"{where} signs {step_label(sop, step.id)}, but the item was withdrawn"
                    f" at {withdrawn.at_text}; expected a signed return ('warta return')"
                    " before any step is signed again",
                )
            signed = len(in_force)
            if signed >= len(sop.steps):
                return stop(
                    record,
                    "order.repeated",
                    f"{where} repeats step {step_label(sop, step.id)}; all steps are already"
                    " signed (send the item back with 'warta return' first)",
                )
            expected = sop.steps[signed]
            if step.id != expected.id:
                if step.number < expected.number:
                    return stop(
                        record,
                        "order.repeated",
                        f"{where} repeats step {step_label(sop, step.id)}; expected the next"
                        f" step {step_label(sop, expected.id)}",
                    )
                return stop(
                    record,
                    "order.skipped",
                    f"{where} is step {step_label(sop, step.id)}, which skips"
                    f" {step_label(sop, expected.id)}; steps must be signed in the SOP's"
                    " order",
                )
            in_force.append(record)
        elif record.action == RETURN:
            target = sop.index(record.to)
            if target is None:
                return stop(
                    record,
                    "return.unknown-step",
                    f"{where} returns the item to {record.to!r}, which is not a step in"
                    f" sop.yml; expected one of: {', '.join(s.id for s in sop.steps)}",
                )
            if target >= len(in_force):
                done = ", ".join(s.step for s in in_force) or "none"
                return stop(
                    record,
                    "return.forward",
                    f"{where} returns the item to {step_label(sop, record.to)}, which is not"
                    f" signed in this round; expected a step already signed ({done})",
                )
            published = len(in_force) > sop.gate_index and withdrawn is None
            if withdrawn is not None and target > sop.gate_index:
                return stop(
                    record,
                    "return.withdrawn",
                    f"{where} returns the withdrawn item to {step_label(sop, record.to)},"
                    " which would put it back on the site without a new approval; expected a"
                    f" step up to {step_label(sop, sop.gate.id)}",
                )
            if withdrawn is not None or (published and target <= sop.gate_index):
                # taking the approval back (or bringing back a withdrawn item) is the
                # decision of those who may withdraw, not of the latest step's role
                allowed[index] = sop.roles_for(sop.take_back.withdraw_by, latest)
            else:
                allowed[index] = sop.roles_for(sop.take_back.return_by, latest)
            del in_force[target:]
            withdrawn = None
            take_backs.append(record)
        elif record.action == WITHDRAW:
            if withdrawn is not None or len(in_force) <= sop.gate_index:
                state = "already withdrawn" if withdrawn is not None else "not approved"
                return stop(
                    record,
                    "withdraw.not-published",
                    f"{where} withdraws the item, which is {state}; expected an item past"
                    f" {step_label(sop, sop.gate.id)} (a draft is sent back with"
                    " 'warta return')",
                )
            allowed[index] = sop.roles_for(sop.take_back.withdraw_by, latest)
            withdrawn = record
            take_backs.append(record)
        else:  # the reader refuses other actions; an unknown one never counts
            return stop(
                record,
                "order.unknown-action",
                f"{where} has action {record.action!r}; expected 'return' or 'withdraw'",
            )
    return History(tuple(in_force), withdrawn, tuple(take_backs), (), allowed)


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
