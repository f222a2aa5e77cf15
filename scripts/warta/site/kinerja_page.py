"""The public page "Kinerja layanan" (UU 14/2008 asks agencies to publish performance
information periodically): aggregates only, no names and no item titles. Generated when the
administrator-signed mkdocs.yml sets ``kinerja: true`` among the warta plugin's options.

Its figures are those of ``warta laporan`` (:mod:`warta.model.performance`, from the items
whose signed records verify) for the year to date: per SOP step how often it was done, the
median time and the share within the Mutu Baku, and the news published each month. Only
numbers, step names from the signed sop.yml and month names reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

from warta.model.performance import Figures
from warta.site.pages import GeneratedPage

KINERJA = "kinerja/"
TITLE = "Kinerja layanan"
_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


@dataclass(frozen=True)
class StepRow:
    number: int
    activity: str
    standard: str
    performed: int
    median: str
    share: str


@dataclass(frozen=True)
class MonthRow:
    month: str
    published: int


@dataclass(frozen=True)
class KinerjaView:
    sop_name: str
    period: str
    until: str
    steps: tuple[StepRow, ...]
    months: tuple[MonthRow, ...]


def _number(value: float | None) -> str:
    return "-" if value is None else format_decimal(round(value, 1), "#,##0.#", locale="id")


def kinerja_page(figures: Figures, sop_name: str) -> GeneratedPage:
    """The page for ``figures`` (no names: see the module)."""
    steps = tuple(
        StepRow(
            s.step.number,
            s.step.activity,
            s.step.time.label(),
            s.performed,
            f"{_number(s.median)} {s.unit}" if s.median is not None else "-",
            "-" if s.share is None else _number(s.share * 100) + " %",
        )
        for s in figures.steps
    )
    months = tuple(
        MonthRow(f"{_MONTHS[int(m.month[5:]) - 1]} {m.month[:4]}", m.published)
        for m in figures.months
    )
    moment = figures.at
    view = KinerjaView(
        sop_name,
        str(figures.period.label),
        f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}",
        steps,
        months,
    )
    return GeneratedPage(
        f"{KINERJA}index.md", TITLE, "kinerja.html", view, hide=("navigation", "toc")
    )
