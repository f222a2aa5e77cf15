"""News items (evidence): front-matter, body, and the signoffs recorded for each SOP step."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from warta.model.translate import _

#: Front-matter keys that record workflow state; they are not part of the signed content.
WORKFLOW_KEYS = frozenset({"status", "revision", "approved_by", "signoffs"})

#: What a record in the history (``signoffs``) does: sign an SOP step, send the item back
#: to an earlier step, withdraw a published item, or start a correction (Ralat) of one.
SIGN = "sign"
RETURN = "return"
WITHDRAW = "withdraw"
CORRECT = "correct"
TAKE_BACKS = (RETURN, WITHDRAW)


@dataclass(frozen=True)
class Signoff:
    """One signed record of an item's history: a completed SOP step (``action`` 'sign',
    ``step`` set), a take-back ('return' to the step ``to``, or 'withdraw'; ``step`` is
    empty) with its ``reason``, or the start of a correction ('correct') with its ``note``
    (the Ralat text). Every record carries signer, time, content digest and signature,
    chained to the record before it."""

    step: str
    by: str
    at: datetime
    line: int | None = None
    sig: str | None = None
    content: str | None = None
    note: str = ""
    action: str = SIGN
    to: str = ""
    reason: str = ""

    @property
    def at_text(self) -> str:
        return self.at.isoformat()

    @property
    def is_step(self) -> bool:
        return self.action == SIGN

    def label(self) -> str:
        """How messages name this record: "step 'laporan'" or "the return to 'laporan'"."""
        if self.action == RETURN:
            return _("the return to '{to}' by {by!r}").format(to=self.to, by=self.by)
        if self.action == WITHDRAW:
            return _("the withdrawal by {by!r}").format(by=self.by)
        if self.action == CORRECT:
            return _("the correction by {by!r}").format(by=self.by)
        return _("step '{step}' by {by!r}").format(step=self.step, by=self.by)


@dataclass(frozen=True)
class Attachment:
    """A file an item publishes from its folder: its path there and its SHA-256
    (``sha256:<hex>``), as listed under ``files`` (part of the signed content)."""

    path: str
    digest: str
    line: int | None = None


@dataclass(frozen=True)
class LeadImage:
    """The lead photo as signed under ``image``: ``src`` is a plain path inside the item's
    folder; ``alt`` describes the photo for readers who cannot see it, ``caption`` and
    ``credit`` go under it (each trimmed). ``alt`` is empty only on an item whose
    ``image.alt`` finding keeps it off the site."""

    src: str
    alt: str
    caption: str = ""
    credit: str = ""


#: An item's ``date``: a day, or a date-time (naive: local time; else with its offset).
NewsDate = date | datetime


@dataclass(frozen=True)
class NewsItem:
    """A news item as read from disk. Fields the reader could not read are ``None`` (or
    empty): each such field has a finding of the reader.

    ``fields`` holds the content front-matter (everything but the workflow keys) as plain
    JSON-compatible values, exactly as written: the signed content digest is computed over
    them. Everything else reads the typed fields (``news_date``, ``description``,
    ``categories``, ``tags``, ``slug``, ``image``, ``attachments``); ``body`` has LF line
    endings.
    """

    path: str
    id: str | None
    title: str | None
    status: str | None
    approved_by: str | None
    signoffs: tuple[Signoff, ...]
    fields: Mapping[str, object]
    body: str
    lines: Mapping[str, int] = field(default_factory=dict)
    signoffs_readable: bool = True
    body_line: int = 1
    #: the signed slug (the URL is ``berita/<year of date>/<slug>/``)
    slug: str | None = None
    #: the files the item publishes, as listed under ``files``
    attachments: tuple[Attachment, ...] = ()
    files_line: int | None = None
    #: the lead photo, if ``image`` has a readable ``src``
    image: LeadImage | None = None
    #: the signed ``date`` (None if it does not read: see :func:`read_news_date`)
    news_date: NewsDate | None = None
    #: the signed ``description`` ('' if it does not read)
    description: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: the ``revision`` the file states (None if it states none); the history decides
    revision: int | None = None
    #: the signed ``embargo``: not published before this moment (None: no embargo)
    embargo: datetime | None = None

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    def embargoed(self, now: datetime) -> bool:
        """Whether the item's embargo has not yet passed at ``now``."""
        return self.embargo is not None and now < self.embargo

    @property
    def image_src(self) -> str | None:
        """``image.src``, if the item has a readable lead photo."""
        return self.image.src if self.image is not None else None

    def day(self, zone: tzinfo) -> date | None:
        """The news day of the item in ``zone`` (:func:`news_day`)."""
        return news_day(self.news_date, zone)


#: A date as Warta reads one from people: YYYY-MM-DD in ASCII digits. (Python's
#: ``fromisoformat`` also takes '20261130' and '2026-W48-1'.)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A date-time as Warta reads one: a date, then 'T' or a space, HH:MM[:SS[.ffffff]], and
#: an offset (Z or +HH:MM) or none; a date alone is midnight without an offset (so that
#: the finding says the offset is missing). (Python's ``fromisoformat`` takes any character
#: between date and time, a line break or a digit of another script too, and drops
#: nanoseconds.)
ISO_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)


def iso_day(text: str) -> date | None:
    """The date ``text`` writes as YYYY-MM-DD, else None."""
    try:
        return date.fromisoformat(text) if ISO_DAY.fullmatch(text) else None
    except ValueError:
        return None


def iso_moment(text: str) -> datetime | None:
    """The date-time ``text`` writes as :data:`ISO_MOMENT` says, else None."""
    try:
        return datetime.fromisoformat(text) if ISO_MOMENT.fullmatch(text) else None
    except ValueError:
        return None


def read_news_date(text: str) -> NewsDate | None:
    """An item's ``date`` as written: a date (YYYY-MM-DD) or an ISO 8601 date-time, else
    None."""
    return iso_day(text) if len(text) == 10 else iso_moment(text)


def news_day(moment: NewsDate | None, zone: tzinfo) -> date | None:
    """The day of an item's ``date``: the date itself, or the date-time's day in ``zone`` (a
    naive one is taken as local)."""
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone(zone).date()
    except (OverflowError, ValueError):
        return None


#: Where news items live, relative to the docs folder; an item's URL starts with it.
NEWS_URL = "berita/"


def item_url(item: NewsItem, zone: tzinfo) -> str | None:
    """The site URL of an item, from its signed date and slug: ``berita/<year>/<slug>/``."""
    day = item.day(zone)
    if day is None or item.slug is None:
        return None
    return f"{NEWS_URL}{day.year:04d}/{item.slug}/"


def canonical_json(value: object) -> str:
    """A canonical, deterministic serialisation: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def content_digest(fields: Mapping[str, object], body: str) -> str:
    """SHA-256 over the canonical content front-matter and the LF-normalised body.

    Workflow keys (status, approved_by, signoffs) are never part of the content.
    """
    content = {k: v for k, v in fields.items() if k not in WORKFLOW_KEYS}
    body_lf = body.replace("\r\n", "\n").replace("\r", "\n")
    payload = canonical_json(content) + "\n" + body_lf
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
