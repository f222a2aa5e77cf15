"""The SOP as data: identity, roles, the ordered activities (steps) and separation of duties.

Everything specific to one Pemda's procedure lives in ``workflow/sop.yml``; this module only
knows the *shape* of an SOP in the Permenpan RB No. 35/2012 format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

# standard times and the calendar live in warta.model.office; the SOP names them too
from warta.model.office import Calendar, StandardTime, TimeUnit
from warta.model.translate import _

__all__ = [
    "GATE",
    "LATEST",
    "Calendar",
    "DutyRule",
    "Identity",
    "Qualification",
    "Role",
    "Sop",
    "StandardTime",
    "Step",
    "TakeBack",
    "TimeUnit",
]


@dataclass(frozen=True)
class Qualification:
    """Minimum education for a role, e.g. level S2 in Teknik Informatika."""

    level: str
    field: str | None = None

    def label(self) -> str:
        return f"{self.level} {self.field}" if self.field else self.level


@dataclass(frozen=True)
class Role:
    id: str
    title: str
    short: str
    qualification: Qualification | None = None


@dataclass(frozen=True)
class Step:
    """One activity of the SOP. Signing it moves an item to ``status``."""

    number: int
    id: str
    activity: str
    role: str
    input: str
    time: StandardTime
    output: str
    status: str
    gate: bool = False
    freezes_content: bool = False
    note: str = ""
    #: whether the text may change before this step is signed (its signer signs the edit)
    edits: bool = False
    #: whether this step records printing (the bulletin's compilation, `warta cetak`)
    prints: bool = False


@dataclass(frozen=True)
class DutyRule:
    """Separation of duties: the signers of these steps must all be different people."""

    id: str
    steps: tuple[str, ...]
    reason: str


#: In ``take_back``: the role of the latest completed step, and the role of the gate.
LATEST = "latest"
GATE = "gate"


@dataclass(frozen=True)
class TakeBack:
    """Who may take an item back, and the status of a withdrawn item. ``return_by`` and
    ``withdraw_by`` hold role ids, or 'latest' (the role of the latest completed step) and
    'gate' (the role of the publishing gate)."""

    return_by: tuple[str, ...] = (LATEST, GATE)
    withdraw_by: tuple[str, ...] = (GATE,)
    withdrawn_status: str = "ditarik"


#: The size of an original photo above which ``warta validate`` warns, when sop.yml is silent.
DEFAULT_PHOTO_MAX_MB = 5


@dataclass(frozen=True)
class Photos:
    """What the office asks of original photos (``photos`` in sop.yml): ``max_mb``, the size
    (in MB of 1,000,000 bytes) above which an original is flagged (``image.size``)."""

    max_mb: int = DEFAULT_PHOTO_MAX_MB

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1_000_000


@dataclass(frozen=True)
class Correction:
    """How a published item is corrected (Ralat): who may start it (``start_by``: role ids,
    'latest' or 'gate', as in ``take_back``) and which steps must be signed again after the
    signed correction record, in SOP order, the publishing gate last. Empty ``steps``: the
    SOP's default (:meth:`Sop.correction_steps`)."""

    start_by: tuple[str, ...] = (GATE,)
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Identity:
    number: str
    name: str
    unit: str
    created: date | None
    revised: date | None
    effective: date | None
    approved_by: str
    approver_name: str = ""
    approver_nip: str = ""
    legal_basis: tuple[str, ...] = ()
    executor_qualifications: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    recording: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sop:
    """A whole SOP: identity, roles, ordered steps, duty rules, the office calendar and zone."""

    identity: Identity
    roles: Mapping[str, Role]
    steps: tuple[Step, ...]
    initial_status: str
    duties: tuple[DutyRule, ...] = ()
    calendar: Calendar = field(default_factory=Calendar)
    timezone: str = "Asia/Jakarta"
    education_ranks: Mapping[str, int] = field(default_factory=dict)
    take_back: TakeBack = field(default_factory=TakeBack)
    correction: Correction = field(default_factory=Correction)
    photos: Photos = field(default_factory=Photos)

    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def index(self, step_id: str) -> int | None:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        return None

    @property
    def gate(self) -> Step:
        """The publishing gate (the approval step). Loading guarantees exactly one."""
        return next(step for step in self.steps if step.gate)

    def writing_step(self) -> Step:
        """The step whose signers write the news: the first that may change the text."""
        return next((s for s in self.steps if s.edits), self.steps[0])

    def reporter_step(self, configured: object = None) -> Step | None:
        """The step whose signer is an item's reporter: ``configured`` (the site's
        ``reporter_step`` option), else the writing step; None if ``configured`` names no
        step."""
        if configured is None:
            return self.writing_step()
        return self.step(configured) if isinstance(configured, str) else None

    def wait_start(self, step: Step, since: datetime, embargo: datetime | None) -> datetime:
        """When the wait for ``step`` began: at the record before it (``since``), but for
        a step after the publishing gate not before the item's signed embargo: nothing is
        printed or shared before the item is out (a Kasubag was reported late for a step
        `warta cetak` would not let them take; noted by an independent attack)."""
        index = self.index(step.id)
        if embargo is not None and index is not None and index > self.gate_index:
            return max(since, embargo)
        return since

    @property
    def gate_index(self) -> int:
        return self.steps.index(self.gate)

    def statuses(self) -> tuple[str, ...]:
        return (
            self.initial_status,
            *(step.status for step in self.steps),
            self.take_back.withdrawn_status,
        )

    def roles_for(self, who: tuple[str, ...], latest: Step | None) -> tuple[str, ...]:
        """The role ids ``who`` (as in ``take_back``) names, given the latest completed step."""
        out: list[str] = []
        for name in who:
            if name == LATEST:
                if latest is None:
                    continue
                role = latest.role
            else:
                role = self.gate.role if name == GATE else name
            if role not in out:
                out.append(role)
        return tuple(out)

    def last_editor_before(self, index: int) -> Step | None:
        """The last step before ``index`` whose signer may change the text (the step to
        return to when the text changed where it may not), else the first step."""
        for step in reversed(self.steps[:index]):
            if step.edits:
                return step
        return self.steps[0] if self.steps else None

    def correction_steps(self) -> tuple[int, ...]:
        """The indexes of the steps a correction signs again, in order, the gate last:
        sop.yml's ``correction.steps``, else the first step that may change the text (the
        reporter's) and the gate."""
        if self.correction.steps:
            found = (self.index(s) for s in self.correction.steps)
            return tuple(i for i in found if i is not None)
        writer = next((i for i, s in enumerate(self.steps) if s.edits), None)
        gate = self.gate_index
        return (writer, gate) if writer is not None and writer < gate else (gate,)

    def status_after(self, signed: int) -> str:
        """The status of an item whose first ``signed`` steps are signed."""
        return self.initial_status if signed == 0 else self.steps[signed - 1].status

    def signed_count_for(self, status: str) -> int | None:
        statuses = self.statuses()
        return statuses.index(status) if status in statuses else None

    def next_step(self, signed: int) -> Step | None:
        return self.steps[signed] if signed < len(self.steps) else None

    def frozen_from(self) -> int | None:
        """Index of the first step that freezes content: one marked ``freezes_content``, or
        the publishing gate, whichever comes first. The gate always freezes what it approved
        (an SOP whose gate was not marked published text edited after the approval; found
        by an independent attack)."""
        for i, step in enumerate(self.steps):
            if step.freezes_content or step.gate:
                return i
        return None


def unknown_reporter_step(configured: object, sop: Sop) -> str:
    """Why the site's ``reporter_step`` option is refused."""
    return _(
        "reporter_step {step!r} is not a step of workflow/sop.yml; expected one of: {steps}"
        " (or no reporter_step: the writing step, {writing}, is the reporter's)"
    ).format(step=configured, steps=", ".join(s.id for s in sop.steps),
             writing=sop.writing_step().id)
