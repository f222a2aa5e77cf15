"""The "Buletin" page: the printed editions the site serves, newest first, each with its PDF.

It lists only editions whose PDF is in the publication closure (:mod:`warta.editions`: the
manifest verifies, the PDF has the signed digest, the newest revision), from the verified
manifests; every text is escaped here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import tzinfo

from warta.model.edition import PDF, Edition, latest, revision_folder
from warta.site.dates import date_label, moment_label, month_label
from warta.site.pages import GeneratedPage
from warta.site.text import esc, relative_url

BULETIN = "buletin/"
TITLE = "Buletin"
EMPTY = '<p class="warta-empty">Belum ada edisi cetak.</p>'


def _range(edition: Edition) -> str:
    start, end = edition.start, edition.end
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_label(end)}"
    return f"{date_label(start)} – {date_label(end)}"


def bulletin_page(
    editions: Sequence[Edition], served: Collection[str], zone: tzinfo
) -> GeneratedPage:
    """The page listing each edition's newest revision whose PDF (docs path) is ``served``."""
    shown = sorted(
        (e for e in latest(editions).values() if revision_folder(e.edition, e.revision) + PDF
         in served),
        key=lambda e: e.edition,
        reverse=True,
    )
    from_url = BULETIN
    parts = [
        '<div class="warta-buletin">',
        "<p>Edisi cetak berita pembangunan daerah, dihimpun menurut langkah terakhir SOP."
        " Setiap edisi ditandatangani secara digital; berkas PDF di sini adalah berkas yang"
        " ditandatangani.</p>",
    ]
    if not shown:
        parts.append(EMPTY)
    for edition in shown:
        pdf = revision_folder(edition.edition, edition.revision) + PDF
        href = esc(relative_url(pdf, from_url))
        label = "Edisi " + month_label(int(edition.edition[:4]), int(edition.edition[5:7]))
        revision = f" · Revisi {edition.revision}" if edition.revision > 1 else ""
        titles = "".join(f"<li>{esc(i.title)}</li>" for i in edition.items)
        parts.append(
            '<article class="warta-card warta-edition">'
            f'<h2 class="warta-card__title"><a href="{href}">{esc(edition.title)}:'
            f" {esc(label)}</a>{esc(revision)}</h2>"
            f'<p class="warta-meta">Berita {esc(_range(edition))} · {len(edition.items)} berita'
            f" · dihimpun {esc(moment_label(edition.at, zone))}</p>"
            f'<p><a class="md-button" href="{href}" download>Unduh PDF</a></p>'
            f"<details><summary>Daftar isi</summary><ol>{titles}</ol></details>"
            f'<p class="warta-digest"><small>SHA-256 PDF: <code>{esc(edition.pdf)}</code></small>'
            "</p></article>"
        )
    parts.append("</div>")
    return GeneratedPage(f"{BULETIN}index.md", TITLE, "".join(parts), hide=("toc",))
