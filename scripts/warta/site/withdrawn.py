"""The public notice at a withdrawn item's URL: "Berita ini telah ditarik", when, and why.

Only signed text appears, escaped by the template ``withdrawn.html``: the title as approved
(the withdrawal may only follow an approval whose content the file still has), the moment of
the signed withdrawal and its signed reason. Nothing else of the item (body, photo,
description, categories, files) is read here, so nothing else can reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from warta.site.dates import day_label, moment_label, rfc3339
from warta.site.markup import render
from warta.site.text import page_url

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


@dataclass(frozen=True)
class NoticeView:
    title: str
    iso: str
    moment: str
    day: str
    reason: str
    text: str = NOTICE_TEXT


def notice_html(notice: WithdrawnNotice, zone: tzinfo) -> str:
    """The page content: heading, the notice with its date and the signed reason."""
    view = NoticeView(
        notice.title,
        rfc3339(notice.at, zone),
        moment_label(notice.at, zone),
        day_label(notice.at.astimezone(zone).date()),
        notice.reason,
    )
    return render("withdrawn.html", v=view)
