"""What HTML an item's body may put on the site: an allowlist, enforced with nh3 (ammonia).

An approved item is signed, but its author may still paste something careless or hostile. The
Markdown of every item page is rendered, then :meth:`Policy.clean` keeps only what news
needs: text structure, emphasis, links (http, https, mailto, relative), images (relative or
https), figures, tables, quotes, code, and video embeds from the configured hosts with a
fixed attribute set. Scripts, styles, event handlers, forms, objects, inline SVG/MathML,
``javascript:``/``data:`` URLs and foreign frames never reach the site: what is not listed
is removed, whatever its spelling.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import nh3

#: The embed hosts of a fresh install (plugin option ``embed_hosts``).
DEFAULT_EMBED_HOSTS = ("www.youtube-nocookie.com", "www.youtube.com/embed", "player.vimeo.com")

TAGS = frozenset(
    {
        *(f"h{n}" for n in range(1, 7)),
        *("p", "br", "hr", "div", "span", "blockquote", "q", "pre", "code", "kbd", "samp"),
        *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary"),
        *("b", "strong", "i", "em", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("abbr", "cite", "time", "a", "img", "figure", "figcaption", "iframe"),
        *("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"),
    }
)
#: Removed together with everything inside them (the others lose the tag, keep the text).
DROP_WITH_CONTENT = frozenset(
    {
        *("script", "style", "template", "noscript", "svg", "math", "object", "embed"),
        *("applet", "frameset", "frame", "noembed", "noframes", "xmp", "plaintext"),
        *("textarea", "select", "title"),
    }
)
_GLOBAL = frozenset({"class", "id", "title", "lang"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _GLOBAL,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "iframe": frozenset({"src", "width", "height", "allowfullscreen"}),
    "th": frozenset({"colspan", "rowspan", "scope", "align", "style"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
}
#: Set on every embed whatever the author wrote: the frame runs the player's own scripts in
#: the player's origin, never the site's.
IFRAME_FIXED = {
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
    "allow": "encrypted-media; fullscreen; picture-in-picture",
    "referrerpolicy": "strict-origin-when-cross-origin",
    "loading": "lazy",
}
EXTERNAL_REL = "noopener noreferrer"
#: Classes that make the theme act (Mermaid renders its text) or imitate the site's own
#: boxes (a fake provenance box); an item's HTML may not use them.
RESERVED_CLASSES = frozenset({"mermaid", "arithmatex"})
RESERVED_CLASS_PREFIXES = ("md-", "warta-", "__")
#: The prefixes of the theme's own ids that a body's may not have (see :func:`body_id`).
RESERVED_ID_PREFIXES = ("md-", "warta-")
#: The theme's ids of no such prefix: where the "skip to content" link leads (main.html).
RESERVED_IDS = frozenset({"isi"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BAD_URL_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")
_DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\Z")
_EMBED_PATH = re.compile(r"^(?:/[A-Za-z0-9._~-]+)*\Z")
_CLASS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*\Z")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.-]{0,99}\Z")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")
_NUMBER = re.compile(r"^[0-9]{1,4}\Z")
_SIZE = re.compile(r"^[0-9]{1,4}%?\Z")
_DATETIME = re.compile(r"^[0-9T:+.Z -]{4,40}\Z")
_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*;?\s*\Z", re.IGNORECASE)
_ATTR = re.compile(r' ([a-z][a-z-]*)="([^"]*)"')
_IFRAME = re.compile(r'<iframe((?: [a-z][a-z-]*="[^"]*")*)>.*?</iframe>', re.DOTALL)
_IFRAME_EMPTY = re.compile(r'<iframe(?: [a-z][a-z-]*="[^"]*")*></iframe>')
_ANCHOR = re.compile(r'<a((?: [a-z][a-z-]*="[^"]*")*)>')
#: An <img> of the cleaned HTML, its attributes as :func:`attributes` reads them.
IMG = re.compile(r'<img((?: [a-z][a-z-]*="[^"]*")*)>')


@dataclass(frozen=True)
class EmbedHost:
    """An origin whose player pages may be framed: ``host`` and, if given, a path prefix."""

    host: str
    path: str = ""

    @classmethod
    def parse(cls, text: str) -> EmbedHost:
        """``www.youtube.com/embed`` → host and path; ValueError says what is wrong."""
        host, slash, path = text.strip().partition("/")
        path = f"/{path}".rstrip("/") if slash else ""
        if not _HOST.match(host) or not _EMBED_PATH.match(path) or _DOT_SEGMENT.search(path):
            raise ValueError(
                f"{text!r} is not a host name with an optional path, such as"
                " 'www.youtube.com/embed' (lowercase, no scheme, no port)"
            )
        return cls(host, path)

    def admits(self, url: str) -> bool:
        """Whether ``url`` is an https page on this host, under its path."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if parts.scheme != "https" or port is not None or parts.netloc.lower() != self.host:
            return False
        if _DOT_SEGMENT.search(parts.path) or not _EMBED_PATH.match(parts.path):
            return False  # no '..', no %-escapes (%2f), no ';' parameters in a player's path
        return not self.path or parts.path == self.path or parts.path.startswith(self.path + "/")

    def __str__(self) -> str:
        return self.host + self.path


def _scheme(url: str) -> str | None:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def _plain_url(value: str) -> str | None:
    """``value`` without surrounding spaces, or None if it holds characters browsers drop
    or reinterpret inside URLs (tabs, newlines, controls, backslashes)."""
    value = value.strip(" ")
    if not value or _BAD_URL_CHARS.search(value):
        return None
    return value


def _hostless(url: str) -> bool:
    """An http(s) URL without '//host' ('https:../x'): browsers resolve it against the page,
    so it is a relative link in disguise; it is refused."""
    scheme = _scheme(url)
    return scheme in ("http", "https") and not url[len(scheme) + 1 :].startswith("//")


def link_url(value: str) -> str | None:
    """An ``href``: http, https, mailto or relative (a fragment, a path), but no fragment
    naming one of the theme's own elements (``#__search`` opens Material's search)."""
    url = _plain_url(value)
    if url is None or url.startswith("#__") or _hostless(url):
        return None
    scheme = _scheme(url)
    if scheme is not None and scheme not in URL_SCHEMES:
        return None
    if scheme is None and "#" in url:  # to an element of a page of the site's, as
        # :func:`body_id` names a body's (percent-encoded or not: a browser decodes it)
        before, _, fragment = url.partition("#")
        decoded = unquote(fragment)
        if decoded.startswith("__"):
            return None
        if body_id(decoded) != decoded:
            return f"{before}#isi-{fragment}"
    return url


def image_url(value: str) -> str | None:
    """An image ``src``: https, or relative to the site (never another scheme or ``//``)."""
    url = _plain_url(value)
    if url is None or _hostless(url):
        return None
    scheme = _scheme(url)
    if scheme == "https" or (scheme is None and not url.startswith("//")):
        return url
    return None


def attributes(text: str) -> dict[str, str]:
    """The attributes of a tag of the cleaned HTML (``text`` as :data:`IMG` matched them:
    each ``name="value"``, with '"', '<' and '>' escaped in the value), decoded."""
    return {m.group(1): html.unescape(m.group(2)) for m in _ATTR.finditer(text)}


def is_external(href: str) -> bool:
    return _scheme(href) in {"http", "https"} or href.startswith("//")


def _classes(value: str) -> str | None:
    kept = [
        name
        for name in value.split()
        if _CLASS.match(name)
        and name.lower() not in RESERVED_CLASSES
        and not name.lower().startswith(RESERVED_CLASS_PREFIXES)
    ]
    return " ".join(kept) or None


def _match(pattern: re.Pattern[str]) -> Callable[[str], str | None]:
    return lambda value: value if pattern.match(value) else None


def _one_of(*allowed: str) -> Callable[[str], str | None]:
    return lambda value: value if value in allowed else None


def _text_align(value: str) -> str | None:
    match = _TEXT_ALIGN.match(value)
    return f"text-align: {match.group(1).lower()}" if match else None


def _boolean(value: str) -> str | None:
    return ""


def _text(value: str) -> str | None:
    return value


def _title(value: str) -> str | None:
    """A ``title`` (the writer's, or an abbreviation's) without markup in it: Material's
    tooltips put a title into the page as HTML, so ``<img onerror>`` in one would run."""
    return None if "<" in value or ">" in value else value


def _id(value: str) -> str | None:
    """Ids the theme does not use itself: Material's own (they start with '__') go, and one
    named as the theme's are (``warta-``, ``md-``, ``isi``) is renamed (:func:`body_id`)."""
    return body_id(value) if _ID.match(value) and not value.startswith("__") else None


def body_id(value: str) -> str:
    """The id an element of a body has on the page: ``isi-`` before one that starts as the
    theme's own do, or is one of its own (:data:`RESERVED_IDS`), so that no heading (``##
    Warta Share Url``) or element takes the id of the theme's share field or related news,
    whose script and labels find them by it (found by independent attacks). The table of
    contents and a body's links to its own fragments are renamed the same way."""
    lowered = value.lower()
    reserved = lowered in RESERVED_IDS or lowered.startswith(RESERVED_ID_PREFIXES)
    return "isi-" + value if reserved else value


_GLOBAL_CHECKS: dict[str, Callable[[str], str | None]] = {
    "class": _classes,
    "id": _id,
    "title": _title,
    "lang": _match(_LANG),
}
_CHECKS: dict[tuple[str, str], Callable[[str], str | None]] = {
    ("a", "href"): link_url,
    ("img", "src"): image_url,
    ("img", "alt"): _text,
    ("img", "width"): _match(_SIZE),
    ("img", "height"): _match(_SIZE),
    ("img", "loading"): _one_of("lazy", "eager"),
    ("iframe", "width"): _match(_SIZE),
    ("iframe", "height"): _match(_SIZE),
    ("iframe", "allowfullscreen"): _boolean,
    ("th", "scope"): _one_of("row", "col", "rowgroup", "colgroup"),
    ("ol", "start"): _match(_NUMBER),
    ("ol", "reversed"): _boolean,
    ("ol", "type"): _one_of("1", "a", "A", "i", "I"),
    ("li", "value"): _match(_NUMBER),
    ("time", "datetime"): _match(_DATETIME),
    ("details", "open"): _boolean,
    ("col", "span"): _match(_NUMBER),
    ("colgroup", "span"): _match(_NUMBER),
    **{
        (cell, name): check
        for cell in ("th", "td")
        for name, check in (
            ("colspan", _match(_NUMBER)),
            ("rowspan", _match(_NUMBER)),
            ("align", _one_of("left", "right", "center", "justify")),
            ("style", _text_align),
        )
    },
}


@dataclass(frozen=True)
class Policy:
    """The allowlist, with the embed hosts the site's configuration names."""

    embeds: tuple[EmbedHost, ...] = field(
        default_factory=lambda: tuple(EmbedHost.parse(h) for h in DEFAULT_EMBED_HOSTS)
    )

    @classmethod
    def of(cls, hosts: Iterable[str]) -> Policy:
        """The policy embedding from ``hosts`` (ValueError names a malformed entry)."""
        return cls(tuple(EmbedHost.parse(h) for h in hosts))

    def embeddable(self, url: str) -> bool:
        return any(host.admits(url) for host in self.embeds)

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        if tag == "iframe":
            if name == "src":
                url = _plain_url(value)
                return url if url is not None and self.embeddable(url) else None
            if name in IFRAME_FIXED:
                return IFRAME_FIXED[name]
        check = _CHECKS.get((tag, name)) or _GLOBAL_CHECKS.get(name)
        return check(value) if check is not None else None

    def _nh3(self, text: str, tags: frozenset[str], drop: frozenset[str]) -> str:
        attributes = {t: set(names) for t, names in ATTRIBUTES.items() if t == "*" or t in tags}
        return nh3.clean(
            text,
            tags=set(tags),
            clean_content_tags=set(drop),
            attributes=attributes,
            attribute_filter=self._attribute,
            strip_comments=True,
            link_rel=None,
            generic_attribute_prefixes=set(),
            set_tag_attribute_values={"iframe": dict(IFRAME_FIXED)} if "iframe" in tags else {},
            url_schemes=set(URL_SCHEMES),
        )

    def clean(self, text: str) -> str:
        """``text`` (HTML) reduced to the allowlist; external links get rel=noopener."""
        out = _empty_frames(self._nh3(text, TAGS, DROP_WITH_CONTENT))
        if out.count("<iframe") != len(_IFRAME_EMPTY.findall(out)):
            # An <iframe the rewriting above did not recognise: fail closed, no embeds.
            out = self._nh3(text, TAGS - {"iframe"}, DROP_WITH_CONTENT | {"iframe"})
        # Material's search plugin deletes ``data-search-*="…"`` from every page it indexes,
        # a text's quote through the template's next one included: written so, no text can
        # read as such an attribute (the browser shows the same characters)
        return _mark_external(_seen_images(out)).replace("data-search-", "data&#45;search-")


def _empty_frames(text: str) -> str:
    """Each frame without its raw-text content (which would turn into markup wherever a
    reader drops the frame); frames whose ``src`` was refused go altogether."""

    def rewrite(match: re.Match[str]) -> str:
        attrs = match.group(1)
        return f"<iframe{attrs}></iframe>" if "src" in attributes(attrs) else ""

    return _IFRAME.sub(rewrite, text)


def _seen_images(text: str) -> str:
    """The images that show something: an ``<img>`` whose ``src`` was refused (a script or
    ``data:`` URL) goes altogether, as a frame does, rather than stand as an image of nothing
    without a text for readers who cannot see it."""

    def rewrite(match: re.Match[str]) -> str:
        return match.group(0) if attributes(match.group(1)).get("src") else ""

    return IMG.sub(rewrite, text)


def _mark_external(text: str) -> str:
    def rewrite(match: re.Match[str]) -> str:
        href = attributes(match.group(1)).get("href")
        if href is None or not is_external(href):
            return match.group(0)
        return f'<a{match.group(1)} rel="{EXTERNAL_REL}">'

    return _ANCHOR.sub(rewrite, text)


def text_only(fragment: str) -> str:
    """The text of an HTML ``fragment``, still escaped for HTML (for headings in a TOC)."""
    return nh3.clean(fragment, tags=set(), clean_content_tags=set(DROP_WITH_CONTENT))
