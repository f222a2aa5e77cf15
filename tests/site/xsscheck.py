"""An independent look at built HTML for anything a browser would run.

Parses with the standard library's html.parser (attribute values arrive decoded, so
``jav&#x09;ascript:`` is seen as the browser sees it) and reports, for one document or one
HTML fragment (a feed's content, a search index entry): script and style elements the theme
does not ship, event-handler attributes, script/data URLs, frames from hosts not on the list,
plugin and form elements, base and refresh tags, the theme's reserved ids, and, inside an
item's body, anything the sanitizer's allowlist does not name. Also the hostile content the
tests feed the site (the vectors) and the harmless content that must come through.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from warta.site import sanitize

#: Attributes whose value a browser loads or navigates to.
URL_ATTRS = frozenset(
    {
        *("href", "src", "action", "formaction", "data", "poster", "background", "cite"),
        *("xlink:href", "srcset", "ping", "codebase", "manifest", "lowsrc", "dynsrc"),
    }
)
SITE_URL = "https://warta.sukamajukab.go.id/"
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
#: Never in a Warta page, whoever wrote it.
FORBIDDEN = frozenset(
    {
        *("object", "embed", "applet", "base", "frame", "frameset", "portal", "isindex"),
        *("math", "template", "noscript", "xmp", "plaintext", "foreignobject", "handler"),
        *("listener", "animate", "set", "animatemotion", "animatetransform"),
    }
)
#: Only as the theme writes them (compared with a build without hostile content).
THEME_ONLY = frozenset({"script", "style", "form", "input", "button", "textarea", "select"})
EMBED = re.compile(
    r"^https://(?:www\.youtube-nocookie\.com/|www\.youtube\.com/embed/|player\.vimeo\.com/)"
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _strip_base(text: str) -> str:
    """Theme text with the page's relative base ('../..', '.') removed, to compare pages."""
    return re.sub(r'"\.\.?"', '""', text.replace("../", ""))


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    in_body: bool
    text: str = ""


class Scan(HTMLParser):
    """The elements of one HTML text, with the text of script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.body_depth = 0
        self._open: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values, self.body_depth > 0)
        self.elements.append(element)
        if tag == "div":
            classes = values.get("class", "").split()
            if self.body_depth or "warta-body" in classes:
                self.body_depth += 1
        if tag in ("script", "style"):
            self._open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._open is not None and self._open.tag == tag:
            self._open = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.body_depth:
            self.body_depth -= 1
        if self._open is not None and self._open.tag == tag:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def scan(text: str) -> list[Element]:
    parser = Scan()
    parser.feed(text)
    parser.close()
    return parser.elements


def _inert_json(text: str) -> bool:
    """A data block a browser never runs, that cannot have ended early: JSON with no '<' in
    it (so no '</script' or '<!--' that would change where the element ends)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return "<" not in text


def _attr(element: Element, name: str, value: str) -> str:
    """An attribute as the signature names it: the address of one of the site's pages in a
    read-only field (an item page's "Salin tautan") by its kind only, as it differs per page."""
    if element.tag == "input" and name == "value" and "readonly" in element.attrs:
        parts = urlsplit(value)
        if value.startswith(SITE_URL) and not re.search(r"[\s<>\"'`]", value) and parts.path:
            return "value=<site page>"
    return f"{name}={_strip_base(value)}"


def signature(element: Element) -> tuple[str, ...]:
    """What identifies a theme element across pages. A JSON-LD data block that is valid JSON
    with no '<' in it counts as one kind, whatever it says (an item page's NewsArticle)."""
    if element.tag == "script":
        src = element.attrs.get("src")
        if src is not None:
            return ("script", "src", src.rsplit("/", 1)[-1])
        kind = element.attrs.get("type", "")
        if kind == "application/ld+json" and _inert_json(element.text):
            return ("script", kind, "<inert JSON>")
        return ("script", kind, _strip_base(element.text.strip()))
    return (
        element.tag,
        *sorted(_attr(element, k, v) for k, v in element.attrs.items()),
        _strip_base(element.text.strip()),
    )


@dataclass
class Baseline:
    """What the theme itself writes, learned from a build without hostile content."""

    signatures: set[tuple[str, ...]] = field(default_factory=set)
    reserved_ids: set[str] = field(default_factory=set)

    def learn(self, text: str) -> None:
        for element in scan(text):
            if element.tag in THEME_ONLY:
                self.signatures.add(signature(element))
            element_id = element.attrs.get("id", "")
            if element_id.startswith("__"):
                self.reserved_ids.add(element_id)


def url_problem(name: str, value: str) -> str | None:
    plain = _CONTROL.sub("", value).lower()
    parts = [p.strip().split(" ")[0] for p in plain.split(",")] if name == "srcset" else [plain]
    for part in parts:
        if part.startswith(BAD_SCHEMES) or "javascript:" in part:
            return f"{name}={value[:80]!r}"
    return None


def problems(
    elements: list[Element],
    baseline: Baseline | None,
    *,
    allowed_tags: frozenset[str] = frozenset(),
    allowed_attrs: dict[str, frozenset[str]] | None = None,
) -> list[str]:
    """What a browser could run in ``elements``. ``baseline`` None: an HTML fragment, where
    the theme's own elements may not occur either. ``allowed_tags``/``allowed_attrs``
    (if given) bound what may appear inside an item's body (or the whole fragment)."""
    found: list[str] = []
    for el in elements:
        where = f"<{el.tag}>"
        for name, value in el.attrs.items():
            if name.startswith("on"):
                found.append(f"{where} has the event handler {name}={value[:60]!r}")
            if name in URL_ATTRS and (problem := url_problem(name, value)):
                found.append(f"{where} {problem}")
            if name == "srcdoc":
                found.append(f"{where} has srcdoc")
            if name == "style" and re.search(r"url\(|expression|@import", value, re.I):
                found.append(f"{where} style={value[:60]!r}")
        if el.tag in FORBIDDEN:
            found.append(f"{where} is forbidden")
        if el.tag == "meta" and "http-equiv" in el.attrs:
            found.append(f"{where} http-equiv={el.attrs['http-equiv']!r}")
        if el.tag == "iframe":
            src = el.attrs.get("src", "")
            if not EMBED.match(src) or "sandbox" not in el.attrs:
                found.append(f"{where} src={src[:80]!r} is not an allowed, sandboxed embed")
        if el.tag in THEME_ONLY and (baseline is None or signature(el) not in baseline.signatures):
            found.append(f"{where} the theme does not write: {signature(el)!r:.160}")
        element_id = el.attrs.get("id", "")
        if element_id.startswith("__") and (
            baseline is None or element_id not in baseline.reserved_ids
        ):
            found.append(f"{where} takes the theme's id {element_id!r}")
        href = el.attrs.get("href", "")
        if el.tag == "link" and urlsplit(href).netloc and not href.startswith(SITE_URL):
            found.append(f"{where} links to {href!r}")
        if (el.in_body or baseline is None) and allowed_attrs is not None:
            if el.tag not in allowed_tags:
                found.append(f"{where} is not in the allowlist")
            extra = set(el.attrs) - allowed_attrs.get(el.tag, frozenset()) - allowed_attrs["*"]
            if extra:
                found.append(f"{where} has attributes outside the allowlist: {sorted(extra)}")
    return found


def text_of(fragment: str) -> str:
    """The text a browser shows for ``fragment`` (tags dropped, references decoded)."""
    parts: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = _Text(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return "".join(parts)


# ---- what the tests feed the site -----------------------------------------------------------

#: Classic vectors (OWASP's filter evasion cheat sheet, mXSS, DOM clobbering), each with its
#: own number; balanced ones first, as an unclosed tag swallows what follows it.
VECTORS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<svg><script>alert(4)</script></svg>",
    "<body onload=alert(5)>",
    '<iframe src="javascript:alert(6)"></iframe>',
    '<iframe src="https://evil.example/7"></iframe>',
    "<iframe srcdoc=\"<script>alert(8)</script>\" src=\"https://www.youtube.com/embed/8\"></iframe>",
    '<a href="javascript:alert(9)">klik9</a>',
    '<a href="jav&#x09;ascript:alert(10)">klik10</a>',
    '<a href="JaVaScRiPt:alert(11)">klik11</a>',
    '<a href=" &#14;  javascript:alert(12)">klik12</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(13)">k13</a>',
    "<a href=\"vbscript:msgbox('14')\">klik14</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNSk8L3NjcmlwdD4=">klik15</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTYpPg==">',
    '<object data="javascript:alert(17)"></object>',
    '<embed src="https://evil.example/18.swf">',
    '<form action="javascript:alert(19)"><button>kirim19</button></form>',
    "<input autofocus onfocus=alert(20)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(21)">',
    '<base href="https://evil.example/22/">',
    "<style>@import 'https://evil.example/23.css';</style>",
    '<div style="background-image:url(javascript:alert(24))">gaya24</div>',
    '<a href="#" onclick="alert(25)">klik25</a>',
    "\"><script>alert(26)</script>",
    "'-alert(27)-'",
    "<img src=x:alert(28) onerror=eval(src)>",
    '<svg><a xlink:href="javascript:alert(29)"><text x="20" y="20">k29</text></a></svg>',
    '<a href="javascript&colon;alert(30)">klik30</a>',
    '<div id="__config">{"base": "https://evil.example/31"}</div>',
    '<pre class="mermaid">graph TD; A["<img src=x onerror=alert(32)>"]</pre>',
    "<template><script>alert(33)</script></template>",
    "<video><source onerror=alert(34)></video>",
    '<link rel="stylesheet" href="https://evil.example/35.css">',
    "<details open ontoggle=alert(36)><summary>s36</summary></details>",
    '<a href="https://evil.example/37" target="_blank">luar37</a>',
    "<textarea><script>alert(38)</script></textarea>",
    "<svg><animate onbegin=alert(39) attributeName=x dur=1s>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(40)>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(41)>",
)
#: Markdown's own ways to a link, an image or an attribute (bodies only, before the raw HTML
#: vectors, whose unclosed tags turn the rest of a body into one raw HTML block).
MARKDOWN_VECTORS = """\
[klik m1](javascript:alert(101)) ![gambar m2](javascript:alert(102)) [klik m3][jahat]
<javascript:alert(104)> [klik m5](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMDUpPC9zY3JpcHQ+)

[jahat]: javascript:alert(103)

## Judul m6 <img src=x onerror=alert(106)>

## Judul m7 {: onclick="alert(107)" #__search }

Paragraf m8 {: style="background:url(javascript:alert(108))" }

```mermaid
graph TD; A["<img src=x onerror=alert(109)>"]
```
"""
#: What news needs, which must come through.
HARMLESS = """\
KABUPATEN – Pembangunan jalan desa dilanjutkan.

## Anggaran per desa

| Desa | Panjang (m) |
|:-----|------------:|
| Cijambe | 840 |
| Sukasari | 1.200 |

<figure markdown="0"><img src="images/foto.svg" alt="Jalan desa" width="640"><figcaption>Jalan \
desa Cijambe, Senin (5/10/2026).</figcaption></figure>

<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" \
title="Video peresmian" allowfullscreen></iframe>

Baca juga [berita lain](https://warta.sukamajukab.go.id/berita/) dan [situs Kemendagri](https://www.kemendagri.go.id/),
atau kirim surel ke <a href="mailto:humas@sukamajukab.go.id">humas</a>.

> Kutipan Bupati: jalan ini untuk warga.

"""

#: What an item body may hold: the sanitizer's allowlist, plus what it sets itself.
BODY_ATTRS = {
    **sanitize.ATTRIBUTES,
    "a": sanitize.ATTRIBUTES["a"] | {"rel"},
    "iframe": sanitize.ATTRIBUTES["iframe"] | set(sanitize.IFRAME_FIXED),
}
