"""View models of the lists: what a template prints of an article in a list (a card), its
date-and-categories line, and a list's page links. Plain text and relative URLs only: the
templates escape every value."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from warta.site.article import Article
from warta.site.catalogue import Catalogue
from warta.site.dates import day_label
from warta.site.photo import CARD_SIZES, Picture, picture
from warta.site.text import relative_url

#: Pages on each side of the current one that the page links show (besides first and last).
WINDOW = 2


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class MetaLine:
    """'Senin, 5 Oktober 2026 · Kecamatan Cibening · Infrastruktur', categories linked."""

    day: str
    label: str
    categories: tuple[Link, ...]


@dataclass(frozen=True)
class Card:
    """One entry of a list: photo, title link, date line, summary."""

    href: str
    title: str
    draft: bool
    meta: MetaLine
    summary: str
    image: str | None = None
    #: the clean copies of a raster photo (None: an SVG or GIF, shown as signed)
    picture: Picture | None = None


@dataclass(frozen=True)
class PageLink:
    """A numbered link of a list's pagination; ``number`` None is a gap (an ellipsis)."""

    number: int | None
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    links: tuple[PageLink, ...]
    prev: str | None = None
    next: str | None = None


def meta_line(article: Article, catalogue: Catalogue, from_url: str) -> MetaLine:
    categories = tuple(
        Link(relative_url(catalogue.category_url(name), from_url), name)
        for name in dict.fromkeys(article.categories)
    )
    return MetaLine(article.day.isoformat(), day_label(article.day), categories)


def card(article: Article, catalogue: Catalogue, from_url: str) -> Card:
    image = None
    shown = None
    if article.image is not None:
        image = relative_url(article.folder_url + article.image.src, from_url)
    if article.image is not None and article.photo is not None:
        shown = picture(article.photo, from_url, CARD_SIZES)
        image = shown.src
    return Card(
        href=relative_url(article.url, from_url),
        title=article.title,
        draft=article.draft,
        meta=meta_line(article, catalogue, from_url),
        summary=article.description,
        image=image,
        picture=shown,
    )


def _segments(url: str) -> list[str]:
    return [p for p in posixpath.normpath("/" + url).split("/") if p]


def _targets(article: Article, catalogue: Catalogue) -> Iterator[str]:
    """Every site URL :func:`card` links ``article``'s card to."""
    yield article.url
    if article.image is not None:
        yield article.folder_url + article.image.src
    if article.photo is not None:
        yield from (r.path for r in (*article.photo.jpeg, *article.photo.webp))
    yield from (catalogue.category_url(name) for name in article.categories)


#: A folder name no URL of the site has: a page in it stands for any page of its folder.
_ANY = "\0"


class Cards:
    """:func:`card` for the pages of one build, each card made once for all the pages of a
    folder (the item pages of a year show the same few related news). A card's links
    depend on where its page is only through the page's folder's parent, unless one of them
    leads into the page's own folder: then it is made for that page alone."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        #: (article, the folder its page stands in for) -> the card there
        self._made: dict[tuple[int, str], tuple[Article, Card]] = {}
        #: article -> the folders of what its card links to ("/a/b/", normalised)
        self._targets: dict[int, tuple[Article, tuple[str, ...]]] = {}
        #: page URL -> (its folder, normalised, and the page in its folder's parent that
        #: stands in for it; None: a page at the top)
        self._pages: dict[str, tuple[str, str] | None] = {}

    def _page(self, from_url: str) -> tuple[str, str] | None:
        if from_url not in self._pages:
            base = (
                from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
            )
            folder = _segments(base)
            self._pages[from_url] = (
                ("/" + "/".join(folder) + "/", "/".join([*folder[:-1], _ANY]) + "/")
                if folder
                else None
            )
        return self._pages[from_url]

    def _links(self, article: Article) -> tuple[str, ...]:
        known = self._targets.get(id(article))
        if known is None or known[0] is not article:
            paths = tuple(
                "/" + "/".join(_segments(t)) + "/" for t in _targets(article, self.catalogue)
            )
            known = self._targets[id(article)] = (article, paths)
        return known[1]

    def card(self, article: Article, from_url: str) -> Card:
        page = self._page(from_url)
        if page is None:
            return card(article, self.catalogue, from_url)
        folder, stand_in = page
        if any(t.startswith(folder) for t in self._links(article)):
            return card(article, self.catalogue, from_url)
        key = (id(article), stand_in)
        made = self._made.get(key)
        if made is None or made[0] is not article:
            made = self._made[key] = (article, card(article, self.catalogue, stand_in))
        return made[1]


def window(number: int, total: int) -> list[int | None]:
    """The page numbers to link from page ``number`` of ``total``: the first, the last and
    ``WINDOW`` on each side of the current one, None for each gap between them (a gap of one
    page shows that page instead). At most ``2 * WINDOW + 5`` numbers, however long the list."""
    shown = sorted({1, total, *range(max(1, number - WINDOW), min(total, number + WINDOW) + 1)})
    out: list[int | None] = []
    for n in shown:
        previous = out[-1] if out else None
        if previous is not None and n - previous == 2:
            out.append(previous + 1)
        elif previous is not None and n - previous > 2:
            out.append(None)
        out.append(n)
    return out


def pagination(
    number: int, total: int, url_of: Callable[[int], str], from_url: str
) -> Pagination | None:
    """Page ``number`` of ``total``'s links (None for a list of one page); ``url_of`` gives
    a page's site URL."""
    if total <= 1:
        return None

    def href(n: int) -> str:
        return relative_url(url_of(n), from_url)

    links = tuple(
        PageLink(None) if n is None else PageLink(n, href(n), n == number)
        for n in window(number, total)
    )
    return Pagination(
        number,
        total,
        links,
        prev=href(number - 1) if number > 1 else None,
        next=href(number + 1) if number < total else None,
    )
