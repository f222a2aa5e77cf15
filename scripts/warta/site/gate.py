"""Which files under the news folder may enter a build: the gate, as a pure function.

An item lives at ``berita/<YYYY>/<slug>/index.md`` with its images and attachments beside it
(also in sub-folders). A page is admitted only if the validator cleared exactly that file; a
file that is not a page goes with the item whose folder holds it (the nearest one, so that
an item nested in another's folder keeps its own files) and is admitted only with it. All
else under the news folder is dropped: drafts, rejected items, their photos, stray files.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

NEWS_PREFIX = "berita/"
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: The file of an item; only its folder owns files (what the validator reads is *.md).
ITEM_FILE = "index.md"


@dataclass(frozen=True)
class Selection:
    pages: frozenset[str]
    assets: frozenset[str]
    dropped: tuple[str, ...]
    #: The item page that owns each admitted asset.
    owners: Mapping[str, str] = field(default_factory=dict, compare=False)

    def admits(self, src_uri: str) -> bool:
        return src_uri in self.pages or src_uri in self.assets


def is_page(src_uri: str) -> bool:
    return src_uri.lower().endswith(PAGE_SUFFIXES)


def owner(src_uri: str, folders: Iterable[str]) -> str | None:
    """The nearest item folder (ending in '/') holding ``src_uri``, if any."""
    best: str | None = None
    for folder in folders:
        if src_uri.startswith(folder) and (best is None or len(folder) > len(best)):
            best = folder
    return best


def select(
    src_uris: Iterable[str], admitted: Iterable[str], news_prefix: str = NEWS_PREFIX
) -> Selection:
    """Split the files under ``news_prefix`` into admitted pages, admitted assets, dropped.

    ``admitted`` holds the docs-relative paths of the items the validator cleared.
    Files outside ``news_prefix`` are not this gate's business and are not returned.
    """
    news = [u for u in src_uris if u.startswith(news_prefix)]
    cleared = set(admitted)
    depth = news_prefix.count("/") + 2  # berita/<YYYY>/<slug>/
    folders = {
        posixpath.dirname(u) + "/": u
        for u in news
        if posixpath.basename(u) == ITEM_FILE and u.count("/") >= depth
    }
    pages: set[str] = set()
    assets: dict[str, str] = {}
    dropped: list[str] = []
    for uri in sorted(news):
        if is_page(uri):
            if uri in cleared:
                pages.add(uri)
            else:
                dropped.append(uri)
            continue
        folder = owner(uri, folders)
        if folder is not None and folders[folder] in cleared:
            assets[uri] = folders[folder]
        else:
            dropped.append(uri)
    return Selection(frozenset(pages), frozenset(assets), tuple(dropped), assets)
