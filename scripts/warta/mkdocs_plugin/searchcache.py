"""The search entries of item pages kept between builds, so that Material's search plugin
parses only the pages that changed.

Material's search plugin parses each page's HTML into entries (one per section) when the
page's context is made. For an item page Warta does that first, with the search plugin's own
code (:meth:`SearchIndex.add_entry_from_context`), and keeps the entries in this user's cache
folder under SHA-256 over Warta's code, Material's version and everything the entries are
made of: the page's URL, title, meta, content and table of contents, and the signed
mkdocs.yml (the search plugin's options). The next build finds them there, adds them to the
index and marks the page as done for the search plugin. The file is authenticated with this
user's secret like every cache of Warta's
(:mod:`warta.adapters.cachekey`); each save keeps only the entries the build used.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import material  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from warta.adapters.recordfile import CachePlace, Made, RecordFile, Spool, data_of, hold
from warta.adapters.verdicts import code_digest
from warta.mkdocs_plugin.htmlcache import Deferred
from warta.mkdocs_plugin.pagecache import content_of

SEARCH_FILE = "search-entries"
FORMAT = b"warta-search/3"
#: SHA-256 of the source of Material's ``SearchPlugin.on_page_context`` that
#: :func:`quicken` stands in for (another source: the plugin's own handler runs)
KNOWN_PAGE_CONTEXT = "33eb62fd1688be4d99a4e7bf8fc51c1be3d37602b63ad5327c9be3abf5dc8d50"
#: SHA-256 of the sources of Material's ``SearchPlugin.on_post_build`` and
#: ``SearchIndex.generate_search_index`` that :func:`stream_index` stands in for
KNOWN_POST_BUILD = "fa24b7a906c9eccff96e0ae581fd058bdec085e56772f5b6d8a1ca1e3f433c31"
KNOWN_GENERATE = "59ba9853f37a2b42be727cb61044b3fb08817c3d022b21e32389725b290176b4"
#: How many of the index's documents are written at a time.
DOCS_AT_ONCE = 512
#: what Material's handler strips, less the optional space before it (so the search for it
#: begins with a literal text, which the regular expression engine skips to quickly); a page
#: where it is not found is one where Material's expression finds nothing
STRIPPED = re.compile(r"data-search-\w+=\"[^\"]+\"")


def search_index(config: MkDocsConfig) -> Any | None:
    """Material's search index of this build (None without Material's search plugin, or
    with one that does not index the way this module knows)."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        if (
            plugin is not None
            and type(plugin).__module__.startswith("material.plugins.search")
            and isinstance(getattr(index, "entries", None), list)
            and callable(getattr(index, "add_entry_from_context", None))
        ):
            return index
    return None


def quicken(config: MkDocsConfig) -> bool:
    """Let Material's search plugin pass by a page that holds nothing it would strip.

    For each page, Material's ``on_page_context`` adds the page's entries to the index and
    then removes every ``data-search-*="..."`` attribute from the page with a regular
    expression that begins with an optional space, so it is tried at every character: about
    a tenth of a warm build at 3,000 items. Where the page holds no such attribute (Warta's
    templates write a bare ``data-search-exclude``, which it leaves) that expression finds
    nothing, so the handler put in its place here adds the entries and leaves the content as
    it is; a page that holds one goes to Material's own handler. Only the handler whose
    source is the one this was written against (:data:`KNOWN_PAGE_CONTEXT`) is replaced.
    True if it was."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is None or not type(plugin).__module__.startswith("material.plugins.search"):
            continue
        if _source_digest(type(plugin).on_page_context) != KNOWN_PAGE_CONTEXT:
            return False
        return _stand_in(config, "page_context", plugin, _quick)
    return False


def _stand_in(
    config: MkDocsConfig,
    event: str,
    plugin: Any,
    make: Callable[[Any, Callable[..., Any]], Callable[..., Any]],
) -> bool:
    """Put what ``make`` makes of ``plugin``'s ``on_<event>`` handler in its place among
    the build's ``event`` handlers (True), if it is one of them (False otherwise)."""
    handler = getattr(plugin, f"on_{event}")
    events = config.plugins.events[event]
    for place, registered in enumerate(events):
        if registered == handler:
            events[place] = made = make(plugin, handler)
            origins = getattr(config.plugins, "_event_origins", None)
            if isinstance(origins, dict) and handler in origins:
                origins[made] = origins[handler]  # (MkDocs' log names the plugin)
            return True
    return False


@functools.cache
def _source_digest(function: Callable[..., Any]) -> str | None:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return hashlib.sha256(source.encode()).hexdigest()


def _quick(plugin: Any, handler: Callable[..., Any]) -> Callable[..., Any]:
    """Material's ``handler`` of ``plugin`` for the pages :func:`quicken` describes."""

    def on_page_context(context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        content = page.content
        if not isinstance(content, str) or STRIPPED.search(content):
            return handler(context, page=page, config=config, nav=nav)
        if plugin.config.enabled:
            plugin.search_index.add_entry_from_context(page)
        return None

    on_page_context.mkdocs_priority = getattr(handler, "mkdocs_priority", 0)  # type: ignore[attr-defined]
    return on_page_context


def stream_index(config: MkDocsConfig) -> bool:
    """Let Material's search plugin write its index a few documents at a time.

    At the end of a build Material makes the whole index one JSON text (13 MB at 3,000
    items), then its bytes, then writes them: the text, its bytes and the parts it is joined
    from were the build's peak memory, about 25 MB above the rest. The handler put in its
    place here writes the same bytes (``json.dumps`` of the same object with the same
    options, a part at a time) to the same file. Only the handlers whose sources are the
    ones this was written against (:data:`KNOWN_POST_BUILD`, :data:`KNOWN_GENERATE`) are
    replaced, and a rebuild that merges with an earlier index (``mkdocs serve --dirty``)
    goes to Material's own. True if it was."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is None or not type(plugin).__module__.startswith("material.plugins.search"):
            continue
        index_type = type(getattr(plugin, "search_index", None))
        generate = getattr(index_type, "generate_search_index", None)
        if (
            generate is None
            or _source_digest(type(plugin).on_post_build) != KNOWN_POST_BUILD
            or _source_digest(generate) != KNOWN_GENERATE
        ):
            return False
        return _stand_in(config, "post_build", plugin, _streamed)
    return False


def _streamed(plugin: Any, handler: Callable[..., Any]) -> Callable[..., Any]:
    """Material's ``on_post_build`` of ``plugin`` as :func:`stream_index` describes it."""

    def on_post_build(*, config: MkDocsConfig) -> None:
        if not plugin.config.enabled:
            return
        if plugin.is_dirty or plugin.search_index_prev is not None:
            handler(config=config)
            return
        index = plugin.search_index
        settings = {key: index.config[key] for key in ["lang", "separator", "pipeline", "fields"]}
        path = os.path.join(config.site_dir, "search", "search_index.json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:  # (in place, as Material's utils.write_file writes it)
            for part in index_parts(settings, index.entries):
                out.write(part)

    on_post_build.mkdocs_priority = getattr(handler, "mkdocs_priority", 0)  # type: ignore[attr-defined]
    return on_post_build


def index_parts(settings: Mapping[str, Any], docs: Sequence[Any]) -> Iterator[bytes]:
    """``json.dumps({"config": settings, "docs": docs}, separators=(",", ":"),
    default=str)``, as Material writes its index, in parts of :data:`DOCS_AT_ONCE`
    documents."""
    dump = functools.partial(json.dumps, separators=(",", ":"), default=str)
    yield ('{"config":' + dump(settings) + ',"docs":[').encode("utf-8")
    for start in range(0, len(docs), DOCS_AT_ONCE):
        part = ",".join(map(dump, docs[start : start + DOCS_AT_ONCE]))
        yield ("," + part if start else part).encode("utf-8")
    yield b"]}"


class SearchEntries:
    """Entries of earlier builds by page (see the module)."""

    def __init__(
        self, path: Path, secret: bytes, site: str = "", spool: Spool | None = None
    ) -> None:
        self.path = path
        self.secret = secret
        self.salt = hashlib.sha256(
            code_digest() + material.__version__.encode() + b"\0" + site.encode()
        ).digest()
        #: key -> a page's entries as JSON (read, and parsed, only when used)
        self._old = RecordFile(path, secret, FORMAT)
        #: where the entries this build makes wait until saved (None: in memory)
        self.spool = spool
        #: key -> the entries of a page this build indexed (None: as the file holds them)
        self.used: dict[str, Made | None] = {}
        #: key -> entries made in this build by a helper process (prerender.py), as JSON
        self.fresh: dict[str, Made] = {}
        #: the key of the page :meth:`index` last indexed (None: it indexed none)
        self.last_key: str | None = None
        #: the pages of the build whose content is not read yet
        self.deferred: Deferred | None = None

    @classmethod
    def open(cls, place: CachePlace, site: str) -> SearchEntries:
        """The entries for this build (``site``: the signed mkdocs.yml's digest, which holds
        the search plugin's options)."""
        return cls(place.folder / SEARCH_FILE, place.secret, site, place.spool)

    def key(self, page: Page) -> str:
        made_of = content_of(page, self.deferred)
        text = json.dumps(made_of, sort_keys=True, separators=(",", ":"), default=repr)
        return hashlib.sha256(self.salt + text.encode("utf-8", "surrogatepass")).hexdigest()

    def index(self, index: Any, page: Page) -> None:
        """Add the page's entries to Material's ``index`` (from the cache, or made by the
        index itself), and mark the page as indexed, so the search plugin passes it by."""
        if (page.meta.get("search") or {}).get("exclude"):
            return
        key = self.last_key = self.key(page)
        fresh: Made | None = self.fresh.get(key)
        kept = data_of(fresh) if fresh is not None else self._old.get(key)
        entries = _entries(kept)
        if kept is None or entries is None:
            if self.deferred is not None:
                self.deferred.read(page)  # the index reads the content
            before = len(index.entries)
            index.add_entry_from_context(page)
            made = index.entries[before:]
            # (as pairs: JSON would sort the keys, the index keeps Material's order)
            made_json = json.dumps([list(entry.items()) for entry in made]).encode(
                "utf-8", "surrogatepass"
            )
            fresh = hold(self.spool, made_json)
        else:
            index.entries.extend(entries)
        self.used[key] = fresh
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}

    def save(self) -> None:
        self.fresh.clear()
        self._old.save(self.used)


def _entries(kept: bytes | None) -> list[dict[str, Any]] | None:
    """Stored entries (JSON: each a list of [key, value] pairs) as the index holds them."""
    if kept is None:
        return None
    try:
        data = json.loads(kept)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for entry in data:
        if not (
            isinstance(entry, list)
            and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in entry)
        ):
            return None
        out.append(dict(entry))
    return out
