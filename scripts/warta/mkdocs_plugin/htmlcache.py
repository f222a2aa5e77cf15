"""The content of the pages Warta renders from its own templates (an item page: ``item.html``
around the body; the lists, archive, categories, reporters, SOP) kept between builds, so that
a build renders those templates only for the pages that changed.

Such a page's content is a function of its template, its view model (every text, link and
photo the page shows, already formatted), an item's body as the allowlist left it, Warta's
templates and code, and the versions of Jinja2 and MarkupSafe. The key is SHA-256 over all
of these: the view is taken whole, as pickled, so a changed byte anywhere in it (a related
item's new title, a neighbour, a correction, a card on a list) makes another key. The file
is authenticated with this user's secret like every cache of Warta's
(:mod:`warta.adapters.cachekey`), and each save keeps only the pages the build used.

A page's content is not given to MkDocs when MkDocs asks for it: each record begins with the
SHA-256 of the content (what the caches of the later steps are keyed by) and whether the
``probe`` the cache was opened with matches it, and :class:`Deferred` reads the content (from
the file, or compressed from memory if this build made it) only for a page whose output is
not kept (:mod:`~warta.mkdocs_plugin.pagecache`) or that the search plugin will read, just
before MkDocs builds that page. Otherwise MkDocs would hold the content of every page at
once, from the moment it has read them all until it has written them all (130 MB at 3,000
items).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import secrets
import zlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from warta import i18n
from warta.adapters.recordfile import CachePlace, Made, RecordFile, Spool, data_of, hold
from warta.adapters.verdicts import code_digest
from warta.i18n import _

HTML_FILE = "page-html"
FORMAT = b"warta-page-html/2"
TEMPLATES = Path(__file__).resolve().parent.parent / "site" / "templates"
#: a record: the content's SHA-256, whether the probe matches it, the content compressed
_DIGEST, _MARKED = 32, 1


def _templates_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0")
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class Kept:
    """A page's content as the cache holds it (kept by an earlier build, or made in this one
    and held compressed), not read yet."""

    key: str
    #: SHA-256 (hex) of the content, as :func:`~warta.mkdocs_plugin.pagecache.text_digest`
    digest: str
    #: whether the cache's probe matches the content
    marked: bool


class PageHtml:
    """Pages' content made by earlier builds (see the module)."""

    def __init__(
        self, path: Path, secret: bytes, probe: re.Pattern[str], spool: Spool | None = None
    ) -> None:
        self.path = path
        self.secret = secret
        self.probe = probe
        versions = f"{version('jinja2')}\0{version('markupsafe')}\0{i18n.language()}"
        self.salt = hashlib.sha256(
            code_digest() + _templates_digest() + versions.encode() + _encoded(probe.pattern)
        ).digest()
        self._old = RecordFile(path, secret, FORMAT)
        #: where the content this build makes waits until saved (None: in memory)
        self.spool = spool
        #: key -> a page's record (None: as the file holds it)
        self.used: dict[str, Made | None] = {}

    @classmethod
    def open(cls, place: CachePlace, probe: re.Pattern[str]) -> PageHtml:
        """The pages for this build."""
        return cls(place.folder / HTML_FILE, place.secret, probe, place.spool)

    def key(self, template: str, view: object, body: str) -> str | None:
        """The key of the content ``template`` makes of ``view`` around ``body`` (None: a
        view pickle cannot take, which is never kept)."""
        try:
            made_of = pickle.dumps((template, view), protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        digest = hashlib.sha256(self.salt)
        digest.update(len(made_of).to_bytes(8, "big") + made_of)
        digest.update(_encoded(body))
        return digest.hexdigest()

    def kept(self, key: str) -> Kept | None:
        """What an earlier build kept under ``key`` (None: nothing, or a record cut short)."""
        record = self._old.get(key)
        if record is None or len(record) <= _DIGEST + _MARKED:
            return None
        self.used[key] = None
        return Kept(key, record[:_DIGEST].hex(), record[_DIGEST] == 1)

    def text(self, kept: Kept) -> str | None:
        """The content ``kept`` stands for (None: it can no longer be read as it was)."""
        made = self.used.get(kept.key)
        record = data_of(made) if made is not None else self._old.get(kept.key)
        if record is None or record[:_DIGEST].hex() != kept.digest:
            return None
        try:
            data = zlib.decompress(record[_DIGEST + _MARKED :])
        except zlib.error:
            return None
        if hashlib.sha256(data).hexdigest() != kept.digest:
            return None
        try:
            return data.decode("utf-8", "surrogatepass")
        except ValueError:
            return None

    def made(self, key: str, html: str) -> Kept:
        """Keep ``html``, made in this build under ``key`` (compressed: :meth:`text` gives
        it back)."""
        data = _encoded(html)
        digest = hashlib.sha256(data)
        marked = self.probe.search(html) is not None
        record = digest.digest() + bytes([marked]) + zlib.compress(data, 1)
        self.used[key] = hold(self.spool, record)
        return Kept(key, digest.hexdigest(), marked)

    def save(self) -> None:
        self._old.save(self.used)  # what the build did not use goes

    def discard(self) -> None:
        """Remove the file: it holds a record that cannot be read as it was kept."""
        self._old.discard()


class Deferred:
    """The pages of a build whose content is kept and not read yet: MkDocs holds a
    placeholder as their content (with a random part of this build's, so no text of an
    item's can be it) until :meth:`read` puts the content in its place."""

    def __init__(self, html: PageHtml) -> None:
        self.html = html
        #: the build's process (a helper that renders pages, forked from it, removes nothing)
        self._build = os.getpid()
        self.placeholder = f"<!-- warta:content-not-read:{secrets.token_hex(16)} -->"
        self._kept: dict[str, Kept] = {}

    def defer(self, page: Page, kept: Kept) -> str:
        """The placeholder to hold as ``page``'s content, for now."""
        self._kept[page.url] = kept
        return self.placeholder

    def digest(self, page: Page) -> str | None:
        """The SHA-256 of ``page``'s content, if it is not read yet (else None)."""
        kept = self._kept.get(page.url)
        return kept.digest if kept is not None else None

    def marked(self, page: Page) -> bool:
        kept = self._kept.get(page.url)
        return kept is not None and kept.marked

    def read(self, page: Page) -> None:
        """Put ``page``'s content in the placeholder's place (if it holds one)."""
        kept = self._kept.pop(page.url, None)
        if kept is None:
            return
        text = self.html.text(kept)
        if text is None and self.html.used.get(kept.key) is not None:
            # made by this build, and no longer in its spool as written: the file is whole
            raise PluginError(
                "warta: "
                + _(
                    "the content of {url} made by this build could not be read back as it was"
                    " made (its spool changed); build again"
                ).format(url=page.url or "/")
            )
        if text is None:  # changed since it was checked, or written so by this user
            if os.getpid() == self._build:
                self.html.discard()
            raise PluginError(
                "warta: "
                + _(
                    "the content of {url} kept by an earlier build could not be read as it"
                    " was kept; the cache of pages' content was removed, build again"
                ).format(url=page.url or "/")
            )
        page.content = text
