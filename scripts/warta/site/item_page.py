"""The parts the site adds around an item's own text: header with Indonesian date, the Ralat
box of a corrected item, the lead photo with caption and credit, the "Bagikan" share row, the
provenance box, related news, links to neighbouring news, and (only in a reviewer's preview)
the draft banner.

:func:`item_view` gathers them as a view model; the template ``item.html`` (of Warta's own
package, see :mod:`warta.site.markup`) prints it around the body.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from markupsafe import Markup

from warta.model.pin import Pin, PinSource
from warta.model.sop import Sop
from warta.site.article import Article, Signer, TrailStep
from warta.site.catalogue import SOP, Catalogue
from warta.site.dates import moment_label, rfc3339
from warta.site.markup import render
from warta.site.photo import LEAD_SIZES, Picture, picture
from warta.site.share import RELATED, ShareRow, Site, share_row
from warta.site.text import relative_url
from warta.site.views import Card, Cards, Link, MetaLine, meta_line

DRAFT_TEXT = "DRAF - tidak untuk dipublikasikan"
#: The template of an item page's content.
TEMPLATE = "item.html"


@dataclass(frozen=True)
class Moment:
    """A ``<time>``: the RFC 3339 moment and how people read it."""

    iso: str
    label: str


@dataclass(frozen=True)
class SignedStep:
    number: int
    step: str
    name: str
    role: str
    at: Moment


@dataclass(frozen=True)
class Waiting:
    number: int
    step: str
    role: str


@dataclass(frozen=True)
class Banner:
    """The unmissable banner on every unpublished page of a preview."""

    status: str
    waiting: Waiting | None
    problems: tuple[str, ...]
    text: str = DRAFT_TEXT


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str
    caption: str
    credit: str
    #: the clean copies of a raster lead photo (None: an SVG or GIF, shown as signed)
    picture: Picture | None = None


@dataclass(frozen=True)
class RalatView:
    at: Moment
    note: str
    previous: str


@dataclass(frozen=True)
class PinView:
    """The pin in force, where it came from (a :class:`PinSource` value) and, for a
    trust-on-first-use record, the day it was made."""

    fingerprint: str
    source: str
    since: str = ""


@dataclass(frozen=True)
class SignedFile:
    name: str
    digest: str


@dataclass(frozen=True)
class Provenance:
    draft: bool
    approver: Signer | None
    approved_at: Moment | None
    note: str
    writer: Signer | None
    changed: SignedStep | None
    revision: int
    digest: str
    pin: PinView | None
    sop: Link
    command: str
    trail: tuple[SignedStep, ...]
    files: tuple[SignedFile, ...]


@dataclass(frozen=True)
class ItemView:
    title: str
    meta: MetaLine
    byline: Link | None
    banner: Banner | None
    corrections: tuple[RalatView, ...]
    figure: Figure | None
    provenance: Provenance
    newer: Link | None
    older: Link | None
    share: ShareRow | None = None
    related: tuple[Card, ...] = ()


def _moment(at: datetime, zone: tzinfo) -> Moment:
    return Moment(rfc3339(at, zone), moment_label(at, zone))


def _signed(step: TrailStep, zone: tzinfo) -> SignedStep:
    return SignedStep(
        step.number, step.step, step.signer.name, step.signer.role, _moment(step.at, zone)
    )


def verify_command(article: Article, trust_fingerprint: str) -> str:
    """The one command that re-checks this item from a clone of the repository."""
    return (
        f"warta verify {shlex.quote(article.src_path)}"
        f" --trust-root {shlex.quote(trust_fingerprint)}"
    )


def _pin(pin: Pin) -> PinView:
    since = pin.since[:10] if pin.source is PinSource.TOFU and pin.since else ""
    return PinView(pin.fingerprint, pin.source.value, since)


def provenance(
    article: Article,
    *,
    sop: Sop,
    zone: tzinfo,
    trust_fingerprint: str,
    files: Mapping[str, str] | None = None,
    pin: Pin | None = None,
) -> Provenance:
    """Who approved the item and when, the signed content digest and how to verify it."""
    approval = article.approval
    folder = posixpath.dirname(article.src_uri) + "/"
    ident = sop.identity
    return Provenance(
        draft=article.draft,
        approver=approval.signer if approval is not None else None,
        approved_at=_moment(approval.at, zone) if approval is not None else None,
        note=approval.note.strip() if approval is not None else "",
        writer=article.reporter,
        changed=_signed(article.text_changed, zone) if article.text_changed else None,
        revision=article.revision,
        digest=approval.content if approval is not None else "",
        pin=_pin(pin) if pin is not None else None,
        sop=Link(relative_url(SOP, article.url), f"{ident.number} {ident.name}"),
        command=verify_command(article, trust_fingerprint),
        trail=tuple(_signed(step, zone) for step in article.trail),
        files=tuple(
            SignedFile(uri.removeprefix(folder), digest)
            for uri, digest in sorted((files or {}).items())
        ),
    )


def draft_banner(article: Article, sop: Sop) -> Banner | None:
    """A draft's banner: its status, the step it waits for, what keeps it off the site."""
    if not article.draft:
        return None
    signed = len(article.trail)
    step = sop.next_step(signed) if signed <= sop.gate_index else None
    waiting = None
    if step is not None:
        waiting = Waiting(step.number, step.id, sop.roles[step.role].short)
    return Banner(article.status, waiting, article.problems)


def _figure(article: Article) -> Figure | None:
    image = article.image
    if image is None:
        return None
    src = relative_url(article.folder_url + image.src, article.url)
    shown = None
    if article.photo is not None:
        shown = picture(article.photo, article.url, LEAD_SIZES)
        src = shown.src
    return Figure(src, image.alt, image.caption, image.credit, shown)


def _neighbour(article: Article | None, from_url: str) -> Link | None:
    return Link(relative_url(article.url, from_url), article.title) if article else None


def item_view(
    article: Article,
    *,
    sop: Sop,
    zone: tzinfo,
    trust_fingerprint: str,
    catalogue: Catalogue,
    files: Mapping[str, str] | None = None,
    pin: Pin | None = None,
    site: Site | None = None,
    related: int = RELATED,
    cards: Cards | None = None,
) -> ItemView:
    """Everything an item page shows around its body (neighbours and up to ``related``
    related news among what the catalogue holds; the corrections newest first; the share
    row only for a ``site`` with an address; ``cards``: the build's cards, made once)."""
    cards = cards if cards is not None else Cards(catalogue)
    byline = None
    if article.reporter is not None:
        href = relative_url(catalogue.reporter_url(article.reporter), article.url)
        byline = Link(href, article.reporter.name)
    older, newer = catalogue.neighbours(article)
    return ItemView(
        title=article.title,
        meta=meta_line(article, catalogue, article.url),
        byline=byline,
        banner=draft_banner(article, sop),
        corrections=tuple(
            RalatView(_moment(r.at, zone), r.note, r.previous)
            for r in reversed(article.corrections)
        ),
        figure=_figure(article),
        provenance=provenance(
            article,
            sop=sop,
            zone=zone,
            trust_fingerprint=trust_fingerprint,
            files=files,
            pin=pin,
        ),
        newer=_neighbour(newer, article.url),
        older=_neighbour(older, article.url),
        share=share_row(article, site) if site is not None else None,
        related=tuple(
            cards.card(other, article.url) for other in catalogue.related(article, related)
        ),
    )


def item_html(
    article: Article,
    body_html: str,
    *,
    sop: Sop,
    zone: tzinfo,
    trust_fingerprint: str,
    catalogue: Catalogue,
    files: Mapping[str, str] | None = None,
    pin: Pin | None = None,
    site: Site | None = None,
) -> str:
    """The whole content of an item page around ``body_html``, the item's HTML as the
    allowlist of :mod:`warta.site.sanitize` left it."""
    view = item_view(
        article,
        sop=sop,
        zone=zone,
        trust_fingerprint=trust_fingerprint,
        catalogue=catalogue,
        files=files,
        pin=pin,
        site=site,
    )
    return item_content(view, body_html)


def item_content(view: ItemView, body_html: str) -> str:
    """The item page of ``view`` around ``body_html`` (sanitized by the allowlist)."""
    # The one value printed unescaped: the body, sanitized before it came here.
    return render(TEMPLATE, v=view, body=Markup(body_html))
