"""The verified articles and the URLs of everything listed about them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from warta.site.article import Article, Signer, newest_first
from warta.site.text import unique_slugs

HOME = ""
NEWS = "berita/"
ARCHIVE = "arsip/"
CATEGORIES = "kategori/"
REPORTERS = "reporter/"
SOP = "sop/"
FEED_RSS = "feed.xml"
FEED_JSON = "feed.json"


@dataclass(frozen=True)
class Catalogue:
    """Articles newest first, with stable slugs for their categories and reporters.

    Only what is in here is ever listed, linked or fed: build it from verified items only
    (plus drafts in a reviewer's preview).
    """

    articles: tuple[Article, ...]
    category_slugs: dict[str, str] = field(default_factory=dict)
    reporter_slugs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, articles: Iterable[Article]) -> Catalogue:
        ordered = tuple(newest_first(list(articles)))
        # a preview's drafts never move a published page: published names are slugged first
        published = [a for a in ordered if not a.draft]
        categories = unique_slugs([c for a in published for c in a.categories])
        reporters = unique_slugs([a.reporter.id for a in published if a.reporter is not None])
        return cls(
            ordered,
            unique_slugs([c for a in ordered for c in a.categories], categories),
            unique_slugs([a.reporter.id for a in ordered if a.reporter is not None], reporters),
        )

    def category_url(self, name: str) -> str:
        return f"{CATEGORIES}{self.category_slugs[name]}/"

    def reporter_url(self, reporter: Signer) -> str:
        return f"{REPORTERS}{self.reporter_slugs[reporter.id]}/"

    def by_category(self) -> dict[str, list[Article]]:
        return {name: list(group) for name, group in self._categories.items()}

    @cached_property
    def _categories(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for article in self.articles:
            for name in dict.fromkeys(article.categories):
                out.setdefault(name, []).append(article)
        return out

    def related(self, article: Article, count: int) -> list[Article]:
        """Up to ``count`` of the newest articles sharing a category with ``article``, newest
        first, without ``article`` itself: only what the catalogue holds."""
        found: dict[str, Article] = {}
        for name in dict.fromkeys(article.categories):
            # the ``count`` newest others of each category hold the ``count`` newest of all
            group = self._categories.get(name, [])
            for other in [a for a in group[: count + 1] if a.src_uri != article.src_uri][:count]:
                found.setdefault(other.src_uri, other)
        index = self._index
        return sorted(found.values(), key=lambda a: index[a.src_uri])[:count]

    def by_reporter(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for article in self.articles:
            if article.reporter is not None:
                out.setdefault(article.reporter.id, []).append(article)
        return out

    def by_month(self) -> dict[tuple[int, int], list[Article]]:
        out: dict[tuple[int, int], list[Article]] = {}
        for article in self.articles:
            out.setdefault(article.month, []).append(article)
        return out

    @cached_property
    def _index(self) -> dict[str, int]:
        """Each article's place in the listing order, by docs path (one pass, so that
        looking up every article's neighbours stays linear in their number)."""
        return {a.src_uri: i for i, a in enumerate(self.articles)}

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """(older, newer) than ``article`` in the listing order."""
        index = self._index[article.src_uri]
        newer = self.articles[index - 1] if index > 0 else None
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        return older, newer

    def find(self, src_uri: str) -> Article | None:
        index = self._index.get(src_uri)
        return self.articles[index] if index is not None else None

    def latest(self, count: int) -> Sequence[Article]:
        return self.articles[:count]
