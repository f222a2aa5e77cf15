"""What the site shows of one news item: the verified item plus who wrote and approved it.

An :class:`Article` is built only from a validator verdict; the site never reads an item on
its own. ``draft`` marks an item shown solely in a reviewer's preview.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from warta.model.history import read_history, text_origin
from warta.model.item import LeadImage, NewsItem, Signoff, content_digest
from warta.model.roster import Roster
from warta.model.sop import Sop
from warta.site.photo import Photo
from warta.site.text import page_url

#: Category names starting with this (case-insensitive) are kecamatan; others are sectors/OPD.
KECAMATAN_PREFIX = "kecamatan "


@dataclass(frozen=True)
class Signer:
    """A person as the site names them: roster name and the role title they signed in."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class TrailStep:
    """One signed SOP step, for the provenance box."""

    number: int
    step: str
    output: str
    signer: Signer
    at: datetime


@dataclass(frozen=True)
class Approval:
    signer: Signer
    at: datetime
    content: str
    #: the note signed with the approval (``warta sign --note``), as written: hostile text
    note: str = ""


@dataclass(frozen=True)
class Ralat:
    """A completed correction as readers see it: the signed note (hostile text), when the
    corrected text was approved, who started the correction, and the content digest of the
    version it replaced (never that version's text)."""

    note: str
    at: datetime
    by: Signer
    previous: str


@dataclass(frozen=True)
class Article:
    id: str
    src_path: str
    src_uri: str
    title: str
    description: str
    day: date
    published: datetime
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    body: str
    image: LeadImage | None
    reporter: Signer | None
    approval: Approval | None
    trail: tuple[TrailStep, ...]
    status: str
    draft: bool = False
    problems: tuple[str, ...] = ()
    #: the step at which the text last changed, and who signed that version
    text_changed: TrailStep | None = None
    #: 1, plus one per signed take-back (return or withdrawal) or correction
    revision: int = 1
    #: the completed corrections (Ralat), oldest first
    corrections: tuple[Ralat, ...] = ()
    #: the clean copies of the lead photo, when it is a raster photo (set by the build)
    photo: Photo | None = None

    @property
    def updated(self) -> datetime | None:
        """When the latest correction was approved, if the item was corrected."""
        return self.corrections[-1].at if self.corrections else None

    @property
    def url(self) -> str:
        return page_url(self.src_uri)

    @property
    def folder_url(self) -> str:
        """Where files beside the item are served (its image, attachments)."""
        return posixpath.dirname(self.src_uri) + "/"

    @property
    def month(self) -> tuple[int, int]:
        return (self.day.year, self.day.month)


def is_kecamatan(category: str) -> bool:
    return category.lower().startswith(KECAMATAN_PREFIX)


def sort_key(article: Article) -> tuple[date, datetime, str]:
    return (article.day, article.published, article.id)


def newest_first(articles: Sequence[Article]) -> list[Article]:
    return sorted(articles, key=sort_key, reverse=True)


def _signer(signoff: Signoff, sop: Sop, roster: Roster, zone: tzinfo) -> Signer:
    person = roster.get(signoff.by)
    step = sop.step(signoff.step)
    role_title = ""
    if step is not None:
        role_title = sop.roles[step.role].title
        if person is not None:
            holding = person.holding(step.role, signoff.at.astimezone(zone).date())
            if holding is not None and holding.acting:
                role_title = f"Plt. {role_title}"
    name = person.name if person is not None else signoff.by
    return Signer(signoff.by, name, role_title)


def _out(approved: datetime, item: NewsItem) -> datetime:
    """When an approval at ``approved`` put ``item`` on the site: then, or at its signed
    embargo if later (a Ralat's item was dated at its approval again; found by an attack)."""
    return approved if item.embargo is None else max(approved, item.embargo)


def build_article(
    item: NewsItem,
    *,
    src_uri: str,
    sop: Sop,
    roster: Roster,
    zone: tzinfo,
    reporter_step: str,
    draft: bool = False,
    problems: Sequence[str] = (),
) -> Article | None:
    """The article for ``item``, from its typed fields as the reader read them: the
    reader's and the validator's findings say what is wrong with any of them, so that
    nothing is found only here.

    Returns None for an item without id or title (it can never be shown). ``draft`` items
    (preview only) may lack an approval; a non-draft must have one, else None.
    """
    if item.id is None or item.title is None:
        return None
    history = read_history(item, sop)

    def trail_step(index: int, s: Signoff) -> TrailStep:
        step = sop.step(s.step)
        return TrailStep(
            step.number if step else index + 1,
            s.step,
            step.output if step else "",
            _signer(s, sop, roster, zone),
            s.at.astimezone(zone),
        )

    trail = tuple(trail_step(index, s) for index, s in enumerate(history.in_force))
    origin = text_origin(item, sop, content_digest(item.fields, item.body))
    changed = trail_step(0, origin.signoff) if origin is not None else None
    gate = sop.gate
    approval = None
    approved = history.signoff_for(gate.id)
    if approved is not None and approved.content:
        approval = Approval(
            _signer(approved, sop, roster, zone),
            approved.at.astimezone(zone),
            approved.content,
            approved.note,
        )
    if approval is None and not draft:
        return None
    written = history.signoff_for(reporter_step)
    reporter = _signer(written, sop, roster, zone) if written else None
    field_day = item.day(zone)
    if history.corrections:  # first published with the approval the first Ralat replaced
        published = _out(history.corrections[0].replaced.at, item).astimezone(zone)
    elif approval is not None:  # out at the approval, or at its signed embargo if later
        published = _out(approval.at, item).astimezone(zone)
    elif item.signoffs:
        published = item.signoffs[-1].at.astimezone(zone)
    else:
        published = datetime.combine(field_day or date(1970, 1, 1), time(0), zone)
    day = field_day or published.date()
    return Article(
        id=item.id,
        src_path=item.path,
        src_uri=src_uri,
        title=item.title,
        description=item.description,
        day=day,
        published=published,
        categories=item.categories,
        tags=item.tags,
        body=item.body,
        image=item.image,
        reporter=reporter,
        approval=approval,
        trail=trail,
        status=item.status or "?",
        draft=draft,
        problems=tuple(problems),
        text_changed=changed,
        revision=history.revision,
        corrections=tuple(
            Ralat(
                c.record.note,
                c.approval.at.astimezone(zone),
                _signer(c.record, sop, roster, zone),
                c.record.content or "",
            )
            for c in history.corrections
        ),
    )
