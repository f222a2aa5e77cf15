"""The page "SOP Peliputan", generated from workflow/sop.yml (Permenpan RB No. 35/2012 form):
identity table, activity table with Mutu Baku, and the flowchart in the SOP's own form (one
lane per executor, :mod:`warta.site.sopchart`, drawn as inline SVG), so the page changes
whenever the signed YAML does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warta.model.sop import Role, Sop, StandardTime, TimeUnit
from warta.site.catalogue import SOP
from warta.site.dates import date_label
from warta.site.pages import GeneratedPage
from warta.site.sopchart import Chart, layout

TITLE = "SOP Peliputan"


@dataclass(frozen=True)
class IdentityRow:
    """A row of the identity table: no value shows '-'; ``listed`` values are numbered
    when there are several, others are lines."""

    label: str
    values: tuple[str, ...]
    listed: bool = False


@dataclass(frozen=True)
class Gate:
    number: int
    activity: str
    role: str


@dataclass(frozen=True)
class Activity:
    number: int
    activity: str
    role: str
    input: str
    time: str
    output: str
    gate: bool
    freezes: bool
    note: str


@dataclass(frozen=True)
class OfficeDay:
    day: str
    hours: tuple[str, ...]


@dataclass(frozen=True)
class Duty:
    steps: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class SopView:
    name: str
    number: str
    gate: Gate
    identity: tuple[IdentityRow, ...]
    roles: tuple[Role, ...]
    activities: tuple[Activity, ...]
    total_time: str
    chart: Chart
    #: office hours are set (so the section shows), the days with hours, the holidays
    timed: bool
    hours: tuple[OfficeDay, ...]
    holidays: tuple[str, ...]
    statuses: tuple[str, ...]
    duties: tuple[Duty, ...]


def _qualifications(sop: Sop) -> list[str]:
    out = list(sop.identity.executor_qualifications)
    for role in sop.roles.values():
        if role.qualification is not None:
            out.append(f"{role.title}: minimal {role.qualification.label()}")
    return out


def _day(value: date | None) -> tuple[str, ...]:
    return (date_label(value),) if value is not None else ()


def identity_rows(sop: Sop) -> tuple[IdentityRow, ...]:
    ident = sop.identity
    approver = [ident.approved_by]
    if ident.approver_name:
        approver.append(ident.approver_name)
    if ident.approver_nip:
        approver.append(f"NIP {ident.approver_nip}")
    return (
        IdentityRow("Nomor SOP", (ident.number,)),
        IdentityRow("Nama SOP", (ident.name,)),
        IdentityRow("Unit", (ident.unit,)),
        IdentityRow("Tanggal Pembuatan", _day(ident.created)),
        IdentityRow("Tanggal Revisi", _day(ident.revised)),
        IdentityRow("Tanggal Efektif", _day(ident.effective)),
        IdentityRow("Disahkan oleh", tuple(approver)),
        IdentityRow("Dasar Hukum", ident.legal_basis, listed=True),
        IdentityRow("Kualifikasi Pelaksana", tuple(_qualifications(sop)), listed=True),
        IdentityRow("Keterkaitan", ident.related, listed=True),
        IdentityRow("Peralatan / Perlengkapan", ident.equipment, listed=True),
        IdentityRow("Peringatan", ident.warnings, listed=True),
        IdentityRow("Pencatatan dan Pendataan", ident.recording, listed=True),
    )


def total_time(times: Sequence[StandardTime]) -> str:
    """The sum of standard times per unit: '7 hari kerja 20 menit'."""
    minutes = sum(t.amount for t in times if t.unit is TimeUnit.MENIT)
    hours = sum(t.amount for t in times if t.unit is TimeUnit.JAM) + minutes // 60
    minutes %= 60  # (hours are not carried into days: a day is the office's hours)
    work_days = sum(t.amount for t in times if t.unit is TimeUnit.HARI and t.working_days)
    days = sum(t.amount for t in times if t.unit is TimeUnit.HARI and not t.working_days)
    parts = []
    if work_days:
        parts.append(f"{work_days} hari kerja")
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if minutes:
        parts.append(f"{minutes} menit")
    return " ".join(parts) or "-"


def activities(sop: Sop) -> tuple[Activity, ...]:
    return tuple(
        Activity(
            step.number,
            step.activity,
            step.role,
            step.input,
            step.time.label(),
            step.output,
            step.gate,
            step.freezes_content or step.gate,
            step.note,
        )
        for step in sop.steps
    )


_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def office_days(sop: Sop) -> tuple[OfficeDay, ...]:
    """The office hours per working day that has any (Mutu Baku is measured in them); none
    when no hours are set (the standards then run on calendar time)."""
    calendar = sop.calendar
    if not calendar.timed:
        return ()
    return tuple(
        OfficeDay(_DAYS[day], tuple(f"{a:%H.%M}–{b:%H.%M}" for a, b in calendar.hours[day]))
        for day in sorted(calendar.working_weekdays)
        if calendar.hours[day]
    )


def sop_page(sop: Sop) -> GeneratedPage:
    ident = sop.identity
    gate = sop.gate
    view = SopView(
        name=ident.name,
        number=ident.number,
        gate=Gate(gate.number, gate.activity, sop.roles[gate.role].title),
        identity=identity_rows(sop),
        roles=tuple(sop.roles.values()),
        activities=activities(sop),
        total_time=total_time([s.time for s in sop.steps]),
        chart=layout(sop),
        timed=sop.calendar.timed,
        hours=office_days(sop),
        holidays=tuple(date_label(day) for day in sorted(sop.calendar.holidays)),
        statuses=(sop.initial_status, *(step.status for step in sop.steps)),
        duties=tuple(Duty(rule.steps, rule.reason) for rule in sop.duties),
    )
    return GeneratedPage(
        f"{SOP}index.md", TITLE, "sop.html", view, searchable=True, hide=("navigation", "toc")
    )
