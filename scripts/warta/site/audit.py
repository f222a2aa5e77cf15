"""After a build, look in the output for any way it leads to an item that may not be published.

The plugin builds from the publication closure only; this audit checks the result instead of
trusting the process, by construction, not by guessing at text: no output file lies under an
unpublished item's URL, no link, image, sitemap entry, search document or feed entry in any
output leads there, and every feed entry is a published item. URLs are compared path segment
by path segment after resolving them against the page that holds them, so 'desa-1' is never
found inside 'desa-10', and nothing an attacker can choose (an id of one letter, a title that
is also a published item's, a word of the footer) makes an honest build fail.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

DOCS_PREFIX = "content/"
NEWS_PREFIX = "berita/"
#: Suffixes (lowercase) of files a browser shows only as pixels: an item's photo of these
#: kinds is published only as copies Pillow made of its pixels (the site's own are an
#: administrator's signed files), and nothing in their bytes is a link, so only their names
#: are checked (at 3,000 items, reading the 15,000 copies as text took longer than the rest
#: of the audit). A GIF, published as an item's writer signed it, is read like any file.
PIXELS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif"})

#: (The lookahead only lets the engine skip ahead to a possible first letter: twice as fast.)
_ATTR = re.compile(
    r"""(?=[HhSsCc])\b(?:href|src|content)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)
#: Links proper, for the withdrawal notice: its meta ``content`` values (the site's
#: description, 'noindex') are no URLs, but would resolve under the notice's own folder.
_LINK_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_XML_URL = re.compile(r"<(loc|link|guid|id)\b[^>]*>([^<]*)</\1>", re.IGNORECASE)
_FEED_ID = re.compile(r"<guid\b[^>]*>([^<]*)</guid>", re.IGNORECASE)
#: Where an item can be published (a year of digits): never a page Warta generates, such as
#: berita/halaman/2/, which a junk file's folder could otherwise claim.
_ITEM_FOLDER = re.compile(r"^berita/[0-9]{4}/[^/]+/\Z")


@dataclass(frozen=True)
class Token:
    """What would betray an unpublished item: the site URL of its folder ('berita/Y/slug/'),
    or its id (looked for in the feeds' entry ids only)."""

    text: str
    kind: str
    path: str


@dataclass(frozen=True)
class Leak:
    output: str
    token: Token
    where: str

    def message(self) -> str:
        return (
            f"{self.output}: {self.where} leads to the {self.token.kind} {self.token.text!r} of"
            f" {self.token.path}, which may not be published"
        )


def tokens(
    unpublished: Iterable[tuple[str, str | None, str | None]],
    published: Iterable[tuple[str | None, str | None]] = (),
) -> list[Token]:
    """The tokens of the unpublished files (``(path, id, url)``), leaving out any URL or id a
    published item holds (a junk copy of an approved item betrays nothing)."""
    urls = {url for _, url in published if url}
    ids = {item_id for item_id, _ in published if item_id}
    out: list[Token] = []
    for path, item_id, signed_url in unpublished:
        found = {signed_url} if signed_url else set()
        rel = path.removeprefix(DOCS_PREFIX)
        folder = posixpath.dirname(rel) + "/"
        if posixpath.basename(rel) == "index.md" and _ITEM_FOLDER.match(folder):
            found.add(folder)  # where it lies, as well as where its slug says
        out.extend(Token(url, "URL", path) for url in sorted(found - urls))
        if item_id and item_id not in ids:
            out.append(Token(item_id, "id", path))
    return out


def _site_path(url: str, base: str, site_url: str) -> str | None:
    """The site path ``url`` (found in the output file whose folder URL is ``base``) leads
    to, or None if it leads off the site."""
    url = html.unescape(url).strip()
    if site_url and url.startswith(site_url):
        url = "/" + url[len(site_url) :]
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    web = parts.scheme.lower() in ("http", "https")
    if (parts.scheme and not (web and not parts.netloc)) or parts.netloc or url.startswith("//"):
        return None  # off the site (a hostless 'https:../x' is resolved like '../x')
    path = unquote(parts.path)
    joined = path if path.startswith("/") else "/" + base + path
    normal = posixpath.normpath(joined)
    return normal.lstrip("/") + ("/" if joined.endswith("/") and normal != "/" else "")


def _urls(name: str, text: str) -> Iterator[tuple[str, str]]:
    """(where, url) of every URL an output holds: HTML and XML attributes and elements, and
    the strings of a JSON document (HTML inside them included)."""
    if name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        for value in _strings(data):
            if "<" in value:
                yield from (
                    ("a link", m.group(1) or m.group(2) or "") for m in _ATTR.finditer(value)
                )
            else:
                yield "an entry", value
        return
    for match in _ATTR.finditer(text):
        yield "a link", match.group(1) or match.group(2) or ""
    for match in _XML_URL.finditer(text):
        yield "an entry", match.group(2)
    if "&lt;" in text:  # HTML held escaped in XML (RSS content)
        for match in _ATTR.finditer(html.unescape(text)):
            yield "a link", match.group(1) or match.group(2) or ""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder) or path + "/" == folder


@dataclass(frozen=True)
class Links:
    """Where one output file leads, whatever is unpublished: each ``(where, site path)`` once,
    in the order first met, and the ids of its feed entries. A pure function of the file's
    name, its bytes, the site URL and whether it is a withdrawal notice (:func:`links`), so it
    can be kept between builds under those."""

    pairs: tuple[tuple[str, str], ...]
    feed_ids: tuple[str, ...] = ()


def is_notice(name: str, notices: Collection[str]) -> bool:
    """Whether the output ``name`` is the withdrawal notice page of one of ``notices``."""
    return posixpath.basename(name) == "index.html" and posixpath.dirname(name) + "/" in notices


def links(name: str, text: str, site_url: str = "", notice: bool = False) -> Links:
    """Where the output file ``name`` (its ``text``) leads. A withdrawal notice (``notice``)
    is read for links proper only, less those to itself."""
    own = posixpath.dirname(name) + "/"
    pairs: dict[tuple[str, str], None] = {}
    if notice:
        for match in _LINK_ATTR.finditer(text):
            target = _site_path(match.group(1) or match.group(2) or "", own, site_url)
            if target is not None and target != own:
                pairs["a link", target] = None
        return Links(tuple(pairs))
    # a page's links are relative to its folder; a JSON document's (search index, feed)
    # to the site's root, or absolute
    base = own if "/" in name and ".json" not in name else ""
    for where, url in _urls(name, text):
        target = _site_path(url, base, site_url)
        if target is not None:
            pairs[where, target] = None
    ids = tuple(_feed_ids(name, text)) if name in ("feed.xml", "feed.json") else ()
    return Links(tuple(pairs), ids)


class Tokens:
    """The tokens of one audit, looked up by path: a site path meets the URL tokens that
    are its folder or one of its parent folders (at a few lookups a path, however many
    items are unpublished), in the order the tokens were given."""

    def __init__(self, found: Collection[Token]) -> None:
        folders = [t for t in found if t.kind == "URL"]
        self.empty = not found
        self.ids = {t.text: t for t in found if t.kind == "id"}
        self._order = {token: at for at, token in enumerate(folders)}
        self._folders: dict[str, list[Token]] = {}
        #: URL tokens that are no folder (none Warta makes): compared one by one
        self._others = [t for t in folders if not t.text.endswith("/")]
        for token in folders:
            if token.text.endswith("/"):
                self._folders.setdefault(token.text, []).append(token)

    def under(self, path: str) -> list[Token]:
        """The URL tokens ``path`` lies under (in their order). (Not kept per path: at 3,000
        items a build's 60,000 distinct paths would hold more memory than the audit saves.)"""
        hits = [t for t in self._others if _under(path, t.text)] if self._others else []
        folders = self._folders
        end = path.find("/")
        while end >= 0:
            found = folders.get(path[: end + 1])
            if found:
                hits.extend(found)
            end = path.find("/", end + 1)
        found = folders.get(path + "/")  # (a folder token 'x//' holds 'x/')
        if found:
            hits.extend(found)
        if len(hits) > 1:
            hits.sort(key=self._order.__getitem__)
        return hits


def leaks_in(name: str, found: Links, tokens: Tokens, notice: bool = False) -> list[Leak]:
    """Every way the output ``name``, which leads where ``found`` says, leads to ``tokens``:
    its name (a withdrawal ``notice`` lies under its item's URL by design), a site path one
    of its links or entries resolves to, a feed entry's id."""
    out: list[Leak] = []
    if tokens.empty:
        return out
    if not notice:
        out.extend(Leak(name, token, "its name") for token in tokens.under(name))
    seen: set[tuple[str, str]] = set()
    for where, target in found.pairs:
        for token in tokens.under(target):
            if notice or (token.text, where) not in seen:
                seen.add((token.text, where))
                out.append(Leak(name, token, where))
    for entry_id in found.feed_ids:
        if entry_id in tokens.ids:
            out.append(Leak(name, tokens.ids[entry_id], "a feed entry"))
    return out


def leaks(
    outputs: Iterable[tuple[str, str]],
    found: Collection[Token],
    site_url: str = "",
    notices: Collection[str] = (),
) -> list[Leak]:
    """Every way the outputs (``(path, text)``) lead to an unpublished item: a file under
    its URL, a URL that resolves into it, a feed entry with its id. ``notices`` are the URLs
    ('berita/Y/slug/') whose withdrawal notice page the build made."""
    tokens = Tokens(found)
    out: list[Leak] = []
    if tokens.empty:
        return out  # nothing unpublished: nothing to lead to
    for name, text in outputs:
        notice = is_notice(name, notices)
        out.extend(leaks_in(name, links(name, text, site_url, notice), tokens, notice))
    return out


def _feed_ids(name: str, text: str) -> Iterator[str]:
    if name.endswith(".json"):
        try:
            items = json.loads(text).get("items", [])
        except (ValueError, AttributeError):
            return
        for entry in items if isinstance(items, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield entry["id"]
        return
    for match in _FEED_ID.finditer(text):
        yield html.unescape(match.group(1)).strip()
