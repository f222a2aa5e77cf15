"""Generated listing pages: the news list with pagination, the archive by month, categories
(kecamatan, sector/OPD) and reporters; and the latest-news block of the home page.

Each page is Markdown holding one raw HTML block; every text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from warta.site.article import Article, is_kecamatan
from warta.site.catalogue import ARCHIVE, CATEGORIES, NEWS, REPORTERS, Catalogue
from warta.site.dates import day_label, month_label
from warta.site.text import esc, page_url, relative_url, yaml_string

EMPTY = '<p class="warta-empty">Belum ada berita.</p>'


@dataclass(frozen=True)
class GeneratedPage:
    """A page the site generates: where it goes, its title (plain text) and HTML body."""

    src_uri: str
    title: str
    body: str
    searchable: bool = False
    hide: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return page_url(self.src_uri)

    def markdown(self) -> str:
        """Front-matter (title escaped for HTML, as the theme prints it raw) and the body."""
        head = f"---\ntitle: {yaml_string(esc(self.title))}\n"
        if not self.searchable:
            head += "search:\n  exclude: true\n"
        if self.hide:
            head += "hide:\n" + "".join(f"  - {yaml_string(h)}\n" for h in self.hide)
        return f"{head}---\n\n{self.body}\n"


def card(article: Article, catalogue: Catalogue, from_url: str, heading: str = "h2") -> str:
    """One entry of a list: photo, title link, Indonesian date, categories, summary."""
    href = esc(relative_url(article.url, from_url))
    parts = ['<article class="warta-card">']
    if article.image is not None:
        src = relative_url(article.folder_url + article.image.src, from_url)
        parts.append(
            f'<a class="warta-card__image" href="{href}" tabindex="-1" aria-hidden="true">'
            f'<img src="{esc(src)}" alt="" loading="lazy"></a>'
        )
    parts.append('<div class="warta-card__body">')
    badge = '<span class="warta-badge">DRAF</span> ' if article.draft else ""
    parts.append(
        f'<{heading} class="warta-card__title">{badge}<a href="{href}">{esc(article.title)}</a>'
        f"</{heading}>"
    )
    parts.append(meta_line(article, catalogue, from_url))
    if article.description:
        parts.append(f'<p class="warta-card__summary">{esc(article.description)}</p>')
    parts.append("</div></article>")
    return "".join(parts)


def meta_line(article: Article, catalogue: Catalogue, from_url: str) -> str:
    """'Senin, 5 Oktober 2026 · Kecamatan Cibening · Infrastruktur' with category links."""
    bits = [f'<time datetime="{article.day.isoformat()}">{esc(day_label(article.day))}</time>']
    for name in dict.fromkeys(article.categories):
        href = relative_url(catalogue.category_url(name), from_url)
        bits.append(f'<a class="warta-category" href="{esc(href)}">{esc(name)}</a>')
    return f'<p class="warta-meta">{" · ".join(bits)}</p>'


def card_list(articles: Sequence[Article], catalogue: Catalogue, from_url: str) -> str:
    if not articles:
        return EMPTY
    cards = "".join(card(a, catalogue, from_url) for a in articles)
    return f'<div class="warta-cards">{cards}</div>'


def latest_block(catalogue: Catalogue, count: int, from_url: str = "") -> str:
    """The home page's latest news, excluded from search (each item has its own page)."""
    articles = catalogue.latest(count)
    more = relative_url(NEWS, from_url)
    cards = (
        "".join(card(a, catalogue, from_url, heading="h3") for a in articles) if articles else EMPTY
    )
    return (
        '<div class="warta-latest" data-search-exclude>'
        f'<div class="warta-cards">{cards}</div>'
        f'<p class="warta-more"><a href="{esc(more)}">Semua berita &rarr;</a></p></div>'
    )


def news_page_uri(number: int) -> str:
    return f"{NEWS}index.md" if number == 1 else f"{NEWS}halaman/{number}/index.md"


def _pagination(number: int, total: int, from_url: str) -> str:
    if total <= 1:
        return ""

    def link(n: int) -> str:
        return esc(relative_url(page_url(news_page_uri(n)), from_url))

    parts = ['<nav class="warta-pagination" aria-label="Halaman berita">']
    if number > 1:
        parts.append(f'<a rel="prev" href="{link(number - 1)}">&laquo; Lebih baru</a>')
    parts.append("<ol>")
    for n in range(1, total + 1):
        if n == number:
            parts.append(f'<li><span aria-current="page">{n}</span></li>')
        else:
            parts.append(f'<li><a href="{link(n)}">{n}</a></li>')
    parts.append("</ol>")
    if number < total:
        parts.append(f'<a rel="next" href="{link(number + 1)}">Lebih lama &raquo;</a>')
    parts.append(f'<span class="warta-pagination__label">Halaman {number} dari {total}</span>')
    parts.append("</nav>")
    return "".join(parts)


def news_pages(catalogue: Catalogue, per_page: int) -> list[GeneratedPage]:
    """Berita, page 1 at berita/, then berita/halaman/2/ …; always at least one page."""
    per_page = max(1, per_page)
    articles = catalogue.articles
    total = max(1, -(-len(articles) // per_page))
    pages = []
    for number in range(1, total + 1):
        uri = news_page_uri(number)
        url = page_url(uri)
        chunk = articles[(number - 1) * per_page : number * per_page]
        body = (
            '<div class="warta-list">'
            + card_list(chunk, catalogue, url)
            + _pagination(number, total, url)
            + "</div>"
        )
        title = "Berita" if number == 1 else f"Berita — halaman {number}"
        pages.append(GeneratedPage(uri, title, body))
    return pages


def _month_uri(year: int, month: int) -> str:
    return f"{ARCHIVE}{year:04d}/{month:02d}/index.md"


def archive_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    """Arsip: the months with news (newest first), and one page per month."""
    months = catalogue.by_month()
    index_url = page_url(f"{ARCHIVE}index.md")
    rows: list[str] = []
    year_open: int | None = None
    for year, month in sorted(months, reverse=True):
        if year != year_open:
            if year_open is not None:
                rows.append("</ul>")
            rows.append(f'<h2 class="warta-archive__year">{year}</h2><ul class="warta-archive">')
            year_open = year
        href = relative_url(page_url(_month_uri(year, month)), index_url)
        count = len(months[(year, month)])
        rows.append(
            f'<li><a href="{esc(href)}">{esc(month_label(year, month))}</a>'
            f' <span class="warta-count">({count} berita)</span></li>'
        )
    if year_open is not None:
        rows.append("</ul>")
    body = '<div class="warta-list">' + ("".join(rows) or EMPTY) + "</div>"
    pages = [GeneratedPage(f"{ARCHIVE}index.md", "Arsip", body)]
    for (year, month), articles in sorted(months.items(), reverse=True):
        uri = _month_uri(year, month)
        body = '<div class="warta-list">' + card_list(articles, catalogue, page_url(uri)) + "</div>"
        pages.append(GeneratedPage(uri, f"Arsip {month_label(year, month)}", body))
    return pages


def category_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    """Kategori: kecamatan and sectors/OPD with their counts, and one page per category."""
    groups = catalogue.by_category()
    index_url = page_url(f"{CATEGORIES}index.md")

    def listing(names: list[str]) -> str:
        if not names:
            return EMPTY
        items = "".join(
            f'<li><a href="{esc(relative_url(catalogue.category_url(n), index_url))}">'
            f'{esc(n)}</a> <span class="warta-count">({len(groups[n])} berita)</span></li>'
            for n in names
        )
        return f'<ul class="warta-categories">{items}</ul>'

    kecamatan = sorted(n for n in groups if is_kecamatan(n))
    sectors = sorted(n for n in groups if not is_kecamatan(n))
    body = (
        '<div class="warta-list">'
        f"<h2>Kecamatan</h2>{listing(kecamatan)}"
        f"<h2>Sektor / OPD</h2>{listing(sectors)}</div>"
    )
    pages = [GeneratedPage(f"{CATEGORIES}index.md", "Kategori", body)]
    for name in sorted(groups):
        uri = catalogue.category_url(name) + "index.md"
        body = (
            '<div class="warta-list">'
            + card_list(groups[name], catalogue, page_url(uri))
            + "</div>"
        )
        pages.append(GeneratedPage(uri, name, body))
    return pages


def _reporter_name(articles: list[Article]) -> str:
    reporter = articles[0].reporter
    return reporter.name if reporter is not None else ""


def reporter_pages(catalogue: Catalogue) -> list[GeneratedPage]:
    """Reporter: who wrote the published news (names from the roster), one page each."""
    groups = catalogue.by_reporter()
    index_url = page_url(f"{REPORTERS}index.md")
    rows = []
    ordered = sorted(groups.values(), key=_reporter_name)
    for articles in ordered:
        reporter = articles[0].reporter
        assert reporter is not None
        href = relative_url(catalogue.reporter_url(reporter), index_url)
        rows.append(
            f'<li><a href="{esc(href)}">{esc(reporter.name)}</a>'
            f' <span class="warta-role">{esc(reporter.role)}</span>'
            f' <span class="warta-count">({len(articles)} berita)</span></li>'
        )
    listing = f'<ul class="warta-reporters">{"".join(rows)}</ul>' if rows else EMPTY
    pages = [
        GeneratedPage(
            f"{REPORTERS}index.md", "Reporter", f'<div class="warta-list">{listing}</div>'
        )
    ]
    for articles in ordered:
        reporter = articles[0].reporter
        assert reporter is not None
        uri = catalogue.reporter_url(reporter) + "index.md"
        body = (
            '<div class="warta-list">'
            f'<p class="warta-role">{esc(reporter.role)}</p>'
            + card_list(articles, catalogue, page_url(uri))
            + "</div>"
        )
        pages.append(GeneratedPage(uri, f"Reporter: {reporter.name}", body))
    return pages
