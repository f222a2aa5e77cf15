"""The public notice at a withdrawn item's URL: "Berita ini telah ditarik", when, and why.

Only signed text appears, escaped: the title as approved (the withdrawal may only follow an
approval whose content the file still has), the moment of the signed withdrawal and its
signed reason. Nothing else of the item (body, photo, description, categories, files) is
read here, so nothing else can reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from warta.site.dates import day_label, moment_label, rfc3339
from warta.site.text import esc, page_url

NOTICE_TEXT = "Berita ini telah ditarik"


@dataclass(frozen=True)
class WithdrawnNotice:
    """What the notice shows: the approved title, the signed moment and reason."""

    src_uri: str
    title: str
    at: datetime
    reason: str

    @property
    def url(self) -> str:
        return page_url(self.src_uri)


def notice_html(notice: WithdrawnNotice, zone: tzinfo) -> str:
    """The page content: heading, the notice with its date and the signed reason."""
    local = notice.at.astimezone(zone)
    return (
        '<div class="warta-withdrawn" data-search-exclude>'
        f'<header class="warta-item__header"><h1>{esc(notice.title)}</h1></header>'
        '<div class="warta-withdrawn__notice" role="note">'
        f"<p><strong>{NOTICE_TEXT}</strong> pada "
        f'<time datetime="{rfc3339(notice.at, zone)}" title="{esc(moment_label(notice.at, zone))}">'
        f"{esc(day_label(local.date()))}</time>.</p>"
        f'<p class="warta-withdrawn__reason">Alasan: {esc(notice.reason)}</p>'
        "</div>"
        "<p>Isi berita ini tidak lagi ditampilkan. Penarikan ditandatangani secara digital"
        " oleh pejabat yang berwenang menurut SOP.</p>"
        "</div>"
    )
