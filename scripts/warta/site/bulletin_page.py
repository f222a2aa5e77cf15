"""The "Buletin" page: the printed editions the site serves, newest first, each with its PDF.

It lists only editions whose PDF is in the publication closure (:mod:`warta.editions`: the
manifest verifies, the PDF has the signed digest, the newest revision), from the verified
manifests; the template ``buletin.html`` escapes every text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from warta.model.edition import PDF, Edition, latest, revision_folder
from warta.site.dates import date_label, moment_label, month_label
from warta.site.pages import GeneratedPage
from warta.site.text import relative_url

BULETIN = "buletin/"
TITLE = "Buletin"


@dataclass(frozen=True)
class EditionView:
    href: str
    title: str
    label: str
    revision: int
    range: str
    titles: tuple[str, ...]
    compiled: str
    pdf: str


@dataclass(frozen=True)
class BulletinView:
    editions: tuple[EditionView, ...]


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
        (
            e
            for e in latest(editions).values()
            if revision_folder(e.edition, e.revision) + PDF in served
        ),
        key=lambda e: e.edition,
        reverse=True,
    )
    view = BulletinView(
        tuple(
            EditionView(
                href=relative_url(revision_folder(e.edition, e.revision) + PDF, BULETIN),
                title=e.title,
                label="Edisi " + month_label(int(e.edition[:4]), int(e.edition[5:7])),
                revision=e.revision,
                range=_range(e),
                titles=tuple(i.title for i in e.items),
                compiled=moment_label(e.at, zone),
                pdf=e.pdf,
            )
            for e in shown
        )
    )
    return GeneratedPage(f"{BULETIN}index.md", TITLE, "buletin.html", view, hide=("toc",))
