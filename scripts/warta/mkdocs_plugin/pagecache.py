"""Item pages and Warta's generated pages (lists, SOP, Buletin) as the theme rendered them,
kept between builds, so that a build renders the theme's templates only for pages that
changed.

The theme's output for such a page is a function of the templates (Warta's theme, the
staged custom_dir an administrator signed, Material's version), the site's configuration (the
signed mkdocs.yml and what the build sets in it), the navigation, and the page itself: its
URL, title, meta, content, table of contents and links. The key is SHA-256 over all of these
and Warta's code; the file is authenticated with this user's secret like every cache of
Warta's (:mod:`warta.adapters.cachekey`), and each save keeps only the pages the build used.

On a hit, Warta's ``main.html`` extends ``warta-cached.html``, which prints the kept output,
instead of Material's ``base.html``: everything after (other plugins' ``on_post_page``, the
writing, the audit) runs as for a page rendered afresh. Each record begins with the SHA-256
of the page's bytes as MkDocs writes them: when the file the last build left at the page's
path holds exactly those bytes (read and hashed:
:meth:`~warta.mkdocs_plugin.keptoutput.KeptOutput.unchanged`), the kept output is neither
decompressed nor compared (:data:`UNCHANGED`). Only with the plugins this module knows
(search and Warta's own) is anything cached: another plugin might put into a page what none
of these inputs holds.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import material  # type: ignore[import-untyped]
import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from warta.adapters.recordfile import CachePlace, Made, RecordFile, Spool, data_of, hold
from warta.adapters.verdicts import code_digest
from warta.mkdocs_plugin.htmlcache import Deferred

PAGES_FILE = "pages"
FORMAT = b"warta-pages/4"
#: a record: the SHA-256 of the page's bytes, then the page compressed
_DIGEST = 32
#: The context variable that makes main.html print a kept page.
CACHED = "warta_cached"
#: Plugins whose effect on a page the key covers.
KNOWN_PLUGINS = frozenset({"search", "material/search", "warta", "warta/progress"})


def _json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr).encode(
        "utf-8", "surrogatepass"
    )


class Unchanged:
    """What :meth:`PageCache.find` gives for a page the file at its path already holds."""


UNCHANGED = Unchanged()


def page_bytes(output: str) -> bytes:
    """A page's output as MkDocs writes it to its file."""
    return output.encode("utf-8", errors="xmlcharrefreplace")


def record_of(output: str) -> bytes:
    """What the cache keeps of a page's output (see ``_DIGEST``; compressed: a page of
    Material's is ~30 KB, mostly the same navigation and icons)."""
    digest = hashlib.sha256(page_bytes(output)).digest()
    return digest + zlib.compress(output.encode("utf-8", "surrogatepass"), 1)


def _output(record: bytes) -> str | None:
    """The page a record of :func:`record_of` holds (None: it is not one)."""
    if len(record) <= _DIGEST:
        return None
    try:
        return zlib.decompress(record[_DIGEST:]).decode("utf-8")
    except (ValueError, zlib.error):
        return None


def text_digest(text: str | None) -> str | None:
    """SHA-256 of ``text`` (a page's content, in a key): JSON would escape every one of its
    characters first."""
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_of(page: Page, deferred: Deferred | None = None) -> list[Any]:
    """What a page holds, as JSON values for a key: URL, title, meta, a digest of its
    content (of the content not read yet, if ``deferred`` holds it) and its table of
    contents."""
    digest = deferred.digest(page) if deferred is not None else None
    if digest is None:
        digest = text_digest(page.content)
    return [page.url, page.title, page.meta, digest, toc_signature(page.toc)]


def _tree_digest(folders: Iterable[str]) -> bytes:
    """SHA-256 over the paths (within each folder, in order) and bytes of every file under
    ``folders``: not over where the folders are, since the staged custom theme is in a new
    scratch folder every build."""
    digest = hashlib.sha256()
    for folder in folders:
        top = Path(folder)
        digest.update(b"folder\0")
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            data = path.read_bytes()
            digest.update(path.relative_to(top).as_posix().encode("utf-8", "surrogateescape"))
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _nav(items: Iterable[Any]) -> list[Any]:
    """The navigation as every page shows it: Material's prints each page's title, and its
    meta's subtitle, icon and status."""
    return [
        [
            type(item).__name__,
            getattr(item, "title", None),
            getattr(item, "url", None),
            getattr(item, "meta", None),
            _nav(getattr(item, "children", None) or ()),
        ]
        for item in items
    ]


def toc_signature(links: Iterable[AnchorLink]) -> list[Any]:
    """A page's table of contents as JSON values (URL, title, level, children): part of
    what a page, or its search entries, are made of."""
    return [[link.url, link.title, link.level, toc_signature(link.children)] for link in links]


class PageCache:
    """Pages rendered by earlier builds (see the module)."""

    def __init__(self, path: Path, secret: bytes, salt: bytes, spool: Spool | None = None) -> None:
        self.path = path
        self.secret = secret
        self.salt = salt
        self._old = RecordFile(path, secret, FORMAT)
        #: where the pages this build renders wait until saved (None: in memory)
        self.spool = spool
        #: key -> the page as kept (compressed; None: as the file holds it)
        self.used: dict[str, Made | None] = {}
        #: page URL -> its key, for the pages rendered afresh in this build
        self.pending: dict[str, str] = {}
        #: key -> a page as kept, rendered in this build by a helper process (prerender.py)
        self.fresh: dict[str, Made] = {}
        #: page URL -> its key, worked out by :meth:`holds` before the page is built
        self._keys: dict[str, str] = {}
        #: the pages of the build whose content is not read yet
        self.deferred: Deferred | None = None
        #: template name -> its key, for the theme's templates of no page rendered afresh
        self.pending_static: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        place: CachePlace,
        config: MkDocsConfig,
        nav: Navigation,
        own_theme: Iterable[str],
        site: str,
        *,
        every_page: Iterable[Page] | None = None,
    ) -> PageCache | None:
        """The cache for this build (``own_theme``: Warta's and the staged custom theme's
        folders; ``site``: the signed mkdocs.yml's digest; ``every_page``: the pages of the
        build, when its templates may show any page's content, not only their own: a custom
        theme's templates can), or None when there is none: a plugin whose effect it cannot
        know."""
        if any(name not in KNOWN_PLUGINS for name in config.plugins):
            return None
        own = [str(d) for d in own_theme]
        setup = [
            site,
            material.__version__,
            mkdocs.__version__,
            # the theme's folders in order; the ones whose files are hashed by their position
            [f"own:{own.index(str(d))}" if str(d) in own else str(d) for d in config.theme.dirs],
            config.extra,
            list(config.extra_css),
            [str(s) for s in config.extra_javascript],
            config.site_url,
            config.use_directory_urls,
            _nav(nav.items),
            nav.homepage.url if nav.homepage is not None else None,
            # (a page's URL, title, meta, content and table of contents, for every page)
            [content_of(page) for page in every_page] if every_page is not None else None,
        ]
        salt = hashlib.sha256(code_digest() + _tree_digest(own) + _json(setup)).digest()
        return cls(place.folder / PAGES_FILE, place.secret, salt, place.spool)

    def key(self, page: Page) -> str:
        made_of = [
            *content_of(page, self.deferred),
            page.canonical_url,
            page.edit_url,
            page.is_homepage,
            [p.url if p is not None else None for p in (page.previous_page, page.next_page)],
            [a.title for a in page.ancestors],
        ]
        return hashlib.sha256(self.salt + _json(made_of)).hexdigest()

    def holds(self, page: Page) -> bool:
        """Whether an earlier build kept ``page`` (asked once every page's content is known:
        its key is remembered for :meth:`find`, since nothing it is made of changes until the
        page is built)."""
        key = self._keys[page.url] = self.key(page)
        return key in self._old

    def find(
        self, page: Page, unchanged: Callable[[str], bool] | None = None
    ) -> str | Unchanged | None:
        """The kept output for ``page`` (None: render it, and :meth:`keep` the output), or
        :data:`UNCHANGED` when ``unchanged`` says the page's file holds exactly its bytes
        (given their SHA-256, hex)."""
        key = self._keys.pop(page.url, None) or self.key(page)
        fresh = self.fresh.get(key)
        found = data_of(fresh) if fresh is not None else self._old.get(key)
        if found is not None and len(found) > _DIGEST:
            if unchanged is not None and unchanged(found[:_DIGEST].hex()):
                self.used[key] = fresh
                return UNCHANGED
            output = _output(found)
            if output is not None:
                self.used[key] = fresh  # (None: the file's own record)
                return output
        self.pending[page.url] = key
        return None

    def _static_key(self, name: str, base_url: str) -> str:
        return hashlib.sha256(self.salt + _json(["template", name, base_url])).hexdigest()

    def find_static(self, name: str, base_url: str) -> str | None:
        """The kept output of the theme's template ``name`` (one of no page, such as the
        error page: a function of what the salt covers and its ``base_url``), or None:
        render it, and :meth:`keep_static` the output."""
        key = self._static_key(name, base_url)
        found = self._old.get(key)
        output = _output(found) if found is not None else None
        if output is not None:
            self.used[key] = None
            return output
        self.pending_static[name] = key
        return None

    def keep_static(self, name: str, output: str) -> None:
        key = self.pending_static.pop(name, None)
        if key is not None:
            self.used[key] = hold(self.spool, record_of(output))

    def keep(self, page: Page, output: str) -> None:
        key = self.pending.pop(page.url, None)
        if key is not None:
            self.used[key] = hold(self.spool, record_of(output))

    def save(self) -> None:
        self._old.save(self.used)
        self.fresh.clear()
