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
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from warta import i18n
from warta.adapters.cachekey import cache_secret, read_records, repo_cache_dir, write_records
from warta.adapters.verdicts import code_digest

HTML_FILE = "page-html"
FORMAT = b"warta-page-html/1"
TEMPLATES = Path(__file__).resolve().parent.parent / "site" / "templates"


def _templates_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            digest.update(path.relative_to(TEMPLATES).as_posix().encode() + b"\0")
            digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


class PageHtml:
    """Pages' content made by earlier builds (see the module)."""

    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self.secret = secret
        versions = f"{version('jinja2')}\0{version('markupsafe')}\0{i18n.language()}"
        self.salt = hashlib.sha256(
            code_digest() + _templates_digest() + versions.encode()
        ).digest()
        self._old: dict[str, memoryview] | None = None
        #: key -> a page's content as kept (compressed)
        self.used: dict[str, bytes | memoryview] = {}

    @classmethod
    def open(cls, root: Path) -> PageHtml | None:
        """The pages for this build, or None if no secret can be kept."""
        secret = cache_secret()
        return cls(repo_cache_dir(root) / HTML_FILE, secret) if secret is not None else None

    def key(self, template: str, view: object, body: str) -> str:
        made_of = pickle.dumps((template, view), protocol=5)
        digest = hashlib.sha256(self.salt)
        digest.update(len(made_of).to_bytes(8, "big") + made_of)
        digest.update(body.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def page(self, template: str, view: object, body: str, render: Callable[[], str]) -> str:
        """The content ``template`` makes of ``view`` (around ``body``, an item's): as kept,
        else ``render()``."""
        try:
            key = self.key(template, view, body)
        except (pickle.PicklingError, TypeError, AttributeError):  # a view pickle cannot take
            return render()
        if self._old is None:
            self._old = read_records(self.path, self.secret, FORMAT)
        kept = self._old.get(key)
        if kept is not None:
            try:
                html = zlib.decompress(kept).decode("utf-8", "surrogatepass")
            except (ValueError, zlib.error):
                html = None
            if html is not None:
                self.used[key] = kept
                return html
        html = render()
        self.used[key] = zlib.compress(html.encode("utf-8", "surrogatepass"), 1)
        return html

    def save(self) -> None:
        self._old = None  # what the build did not use goes first
        write_records(self.path, self.secret, FORMAT, self.used)
