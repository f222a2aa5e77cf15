"""The public page "Kinerja layanan" (UU 14/2008 asks agencies to publish performance
information periodically): aggregates only, no names and no item titles. Generated when the
administrator-signed mkdocs.yml sets ``kinerja: true`` among the warta plugin's options.

Its figures are those of ``warta laporan`` (:mod:`warta.model.performance`, from the items
whose signed records verify) for the year to date: per SOP step how often it was done, the
median time and the share within the Mutu Baku, and the news published each month. Only
numbers, step names from the signed sop.yml and month names reach the page.
"""

from __future__ import annotations

from babel.numbers import format_decimal

from warta.model.performance import Figures
from warta.site.pages import GeneratedPage
from warta.site.text import esc

KINERJA = "kinerja/"
TITLE = "Kinerja layanan"
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")


def _number(value: float | None) -> str:
    return "-" if value is None else format_decimal(round(value, 1), "#,##0.#", locale="id")


def kinerja_page(figures: Figures, sop_name: str) -> GeneratedPage:
    """The page for ``figures`` (no names: see the module)."""
    rows = []
    for s in figures.steps:
        share = s.share
        rows.append(
            f"<tr><td>{s.step.number}</td><td>{esc(s.step.activity)}</td>"
            f"<td>{esc(s.step.time.label())}</td><td>{s.performed}</td>"
            f"<td>{_number(s.median)}{' ' + esc(s.unit) if s.median is not None else ''}</td>"
            f"<td>{'-' if share is None else _number(share * 100) + ' %'}</td></tr>"
        )
    months = "".join(
        f"<tr><td>{_MONTHS[int(m.month[5:]) - 1]} {m.month[:4]}</td><td>{m.published}</td></tr>"
        for m in figures.months
    )
    moment = figures.at
    body = (
        '<div class="warta-kinerja">'
        f"<p>Kinerja pelaksanaan SOP <strong>{esc(sop_name)}</strong> tahun"
        f" {figures.period.label}, sampai {moment.day} {_MONTHS[moment.month - 1]}"
        f" {moment.year}, dihitung dari catatan bertanda tangan digital yang sah."
        " Median menurut metode peringkat terdekat; waktu dihitung dalam jam kerja dan hari"
        " kerja kantor.</p>"
        '<h2 id="langkah">Per langkah SOP</h2><table><thead><tr><th>No</th><th>Kegiatan</th>'
        "<th>Mutu Baku</th><th>Dilaksanakan</th><th>Median waktu</th>"
        "<th>Dalam Mutu Baku</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        '<h2 id="terbit">Berita diterbitkan per bulan</h2><table><thead><tr><th>Bulan</th>'
        f"<th>Diterbitkan</th></tr></thead><tbody>{months}</tbody></table></div>"
    )
    return GeneratedPage(f"{KINERJA}index.md", TITLE, body, hide=("navigation", "toc"))
