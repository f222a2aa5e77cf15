"""Generated listing pages: the news list, the archive by month, categories (kecamatan,
sector/OPD) and reporters, each list paginated; and the latest-news block of the home page.

A page is a template of :mod:`warta.site.markup` and its view model; its HTML never passes
through Markdown. A list of more than ``per_page`` news continues at ``<list>/halaman/2/``,
``…/halaman/3/``, each page linking only a window of the others (see
:func:`warta.site.views.window`), so the lists' output grows linearly with the news.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from warta.site.article import Article, is_kecamatan
from warta.site.catalogue import ARCHIVE, CATEGORIES, NEWS, REPORTERS, Catalogue
from warta.site.dates import month_label
from warta.site.markup import render
from warta.site.text import esc, page_url, relative_url
from warta.site.views import Card, Pagination, card, pagination

EMPTY = '<p class="warta-empty">Belum ada berita.</p>'
#: News per page of every list (the plugin's ``per_page``).
PER_PAGE = 10
#: The folder of a list's further pages: ``berita/halaman/2/``. No item lives there (an
#: item's folder is ``berita/<year: digits>/<slug>/``), nor a category or reporter (slugs
#: have no '/').
PAGES = "halaman/"


@dataclass(frozen=True)
class GeneratedPage:
    """A page the site generates: where it goes, its title (plain text), and the template
    and view model of its HTML."""

    src_uri: str
    title: str
    template: str
    view: object
    searchable: bool = False
    hide: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return page_url(self.src_uri)

    @property
    def body(self) -> str:
        """The page's HTML (rendered on each call: a build asks once per page)."""
        return render(self.template, v=self.view)

    def meta(self) -> dict[str, object]:
        """The page's ``page.meta``: the title escaped for HTML (the theme prints it raw),
        left out of search unless ``searchable``, the theme's parts it hides."""
        meta: dict[str, object] = {"title": esc(self.title)}
        if not self.searchable:
            meta["search"] = {"exclude": True}
        if self.hide:
            meta["hide"] = list(self.hide)
        return meta


@dataclass(frozen=True)
class ListView:
    cards: tuple[Card, ...]
    pagination: Pagination | None = None
    #: a reporter's role, above their list
    role: str = ""


@dataclass(frozen=True)
class LatestView:
    cards: tuple[Card, ...]
    more: str


@dataclass(frozen=True)
class Counted:
    """A link to a list, with how many news it holds."""

    href: str
    text: str
    count: int


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    months: tuple[Counted, ...]


@dataclass(frozen=True)
class ArchiveView:
    years: tuple[ArchiveYear, ...]


@dataclass(frozen=True)
class CategoriesView:
    kecamatan: tuple[Counted, ...]
    sectors: tuple[Counted, ...]


@dataclass(frozen=True)
class ReporterRow:
    href: str
    text: str
    role: str
    count: int


@dataclass(frozen=True)
class ReportersView:
    reporters: tuple[ReporterRow, ...]


def latest_block(catalogue: Catalogue, count: int, from_url: str = "") -> str:
    """The home page's latest news, excluded from search (each item has its own page)."""
    cards = tuple(card(a, catalogue, from_url) for a in catalogue.latest(count))
    return render("latest.html", v=LatestView(cards, relative_url(NEWS, from_url)))


def list_page_uri(folder: str, number: int) -> str:
    """Page ``number`` of the list at ``folder`` ('berita/'): 1 is the folder's own index."""
    return f"{folder}index.md" if number == 1 else f"{folder}{PAGES}{number}/index.md"


def news_page_uri(number: int) -> str:
    return list_page_uri(NEWS, number)


def paginated(
    folder: str,
    title: str,
    articles: Sequence[Article],
    catalogue: Catalogue,
    per_page: int,
    *,
    role: str = "",
) -> list[GeneratedPage]:
    """The list of ``articles`` at ``folder``, ``per_page`` a page (at least one page); the
    further pages' titles say their number."""
    per_page = max(1, per_page)
    total = max(1, -(-len(articles) // per_page))

    def url_of(n: int) -> str:
        return page_url(list_page_uri(folder, n))

    pages = []
    for number in range(1, total + 1):
        uri = list_page_uri(folder, number)
        url = url_of(number)
        chunk = articles[(number - 1) * per_page : number * per_page]
        view = ListView(
            tuple(card(a, catalogue, url) for a in chunk),
            pagination(number, total, url_of, url),
            role,
        )
        named = title if number == 1 else f"{title} — halaman {number}"
        pages.append(GeneratedPage(uri, named, "listing.html", view))
    return pages


def news_pages(catalogue: Catalogue, per_page: int = PER_PAGE) -> list[GeneratedPage]:
    """Berita, page 1 at berita/, then berita/halaman/2/ …; always at least one page."""
    return paginated(NEWS, "Berita", catalogue.articles, catalogue, per_page)


def _month_folder(year: int, month: int) -> str:
    return f"{ARCHIVE}{year:04d}/{month:02d}/"


def archive_pages(catalogue: Catalogue, per_page: int = PER_PAGE) -> list[GeneratedPage]:
    """Arsip: the months with news (newest first), and each month's list."""
    months = catalogue.by_month()
    index_url = page_url(f"{ARCHIVE}index.md")
    ordered = sorted(months, reverse=True)
    years = tuple(
        ArchiveYear(
            year,
            tuple(
                Counted(
                    relative_url(_month_folder(y, m), index_url),
                    month_label(y, m),
                    len(months[(y, m)]),
                )
                for y, m in ordered
                if y == year
            ),
        )
        for year in dict.fromkeys(y for y, _ in ordered)
    )
    pages = [GeneratedPage(f"{ARCHIVE}index.md", "Arsip", "archive.html", ArchiveView(years))]
    for year, month in ordered:
        title = f"Arsip {month_label(year, month)}"
        pages += paginated(
            _month_folder(year, month), title, months[(year, month)], catalogue, per_page
        )
    return pages


def category_pages(catalogue: Catalogue, per_page: int = PER_PAGE) -> list[GeneratedPage]:
    """Kategori: kecamatan and sectors/OPD with their counts, and each category's list."""
    groups = catalogue.by_category()
    index_url = page_url(f"{CATEGORIES}index.md")

    def listing(include: Callable[[str], bool]) -> tuple[Counted, ...]:
        return tuple(
            Counted(relative_url(catalogue.category_url(n), index_url), n, len(groups[n]))
            for n in sorted(groups)
            if include(n)
        )

    view = CategoriesView(listing(is_kecamatan), listing(lambda n: not is_kecamatan(n)))
    pages = [GeneratedPage(f"{CATEGORIES}index.md", "Kategori", "categories.html", view)]
    for name in sorted(groups):
        pages += paginated(catalogue.category_url(name), name, groups[name], catalogue, per_page)
    return pages


def _reporter_name(articles: list[Article]) -> str:
    reporter = articles[0].reporter
    return reporter.name if reporter is not None else ""


def reporter_pages(catalogue: Catalogue, per_page: int = PER_PAGE) -> list[GeneratedPage]:
    """Reporter: who wrote the published news (names from the roster), and each one's list."""
    groups = catalogue.by_reporter()
    index_url = page_url(f"{REPORTERS}index.md")
    ordered = sorted(groups.values(), key=_reporter_name)
    rows = []
    pages = []
    for articles in ordered:
        reporter = articles[0].reporter
        assert reporter is not None
        folder = catalogue.reporter_url(reporter)
        rows.append(
            ReporterRow(
                relative_url(folder, index_url), reporter.name, reporter.role, len(articles)
            )
        )
        pages += paginated(
            folder,
            f"Reporter: {reporter.name}",
            articles,
            catalogue,
            per_page,
            role=reporter.role,
        )
    index = ReportersView(tuple(rows))
    return [GeneratedPage(f"{REPORTERS}index.md", "Reporter", "reporters.html", index), *pages]
