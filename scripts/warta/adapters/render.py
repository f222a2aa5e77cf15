"""An item's body rendered exactly once, the way the site publishes it: Python-Markdown with
the extensions of the signed mkdocs.yml (and MkDocs' own toc, tables, fenced_code), then the
HTML allowlist of :mod:`warta.site.sanitize`. The validator checks the links and images of
this very HTML, and the site publishes this very HTML: what was judged is what is served.
"""

from __future__ import annotations

import hashlib
import html
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

import markdown

from warta.adapters.siteconfig import SiteConfig, plain
from warta.i18n import _
from warta.model.closure import BodyTooComplex, too_deep
from warta.site.sanitize import IMG, Policy, attributes, body_id, text_only

#: A news body renders in milliseconds; one that takes this long is hostile or broken.
BUDGET_SECONDS = 10.0
#: What one run may spend on bodies that each ran out of their budget; past it, a body not
#: rendered yet has :data:`LATE_SECONDS`. Each of a hundred pushed drafts, a little
#: different, took the whole budget in every reviewer's preview: 17 minutes (found by an
#: independent attack).
RUN_BUDGET_SECONDS = 20.0
LATE_SECONDS = 1.0

#: What a body may render to before the allowlist reads it: a news text renders to a few
#: times its size; these bound what a body's few kilobytes can make Markdown build (an
#: abbreviation copied into every occurrence of its word, a table padded to its widest row)
#: and how deeply its raw HTML nests (the allowlist's parser takes quadratic time in it).
MAX_EXPANSION = 16 * 1024 * 1024
MAX_TABLE_CELLS = 200_000
MAX_ABBREVIATIONS = 1_000
MAX_NESTING = 5_000
#: an abbreviation's definition as Python-Markdown reads one: in a quote or a list too, a
#: space before the colon, the title on the next line
_ABBREVIATION = re.compile(r"^[ \t>]*\*\[([^\]\n]+)\][ \t]*:[ \t]*\n?[ \t>]*(.*)$", re.MULTILINE)
#: elements the HTML parser opens again in every later block while they are left open
_FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small",
                         "strike", "strong", "tt", "u"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "details", "dd", "div", "dl",
                     "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                     "header", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
                     "table", "td", "th", "tr", "ul"})
#: the most formatting elements left open where a block begins
MAX_OPEN_FORMATTING = 20
_OPEN_OR_CLOSE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>")
#: elements that never hold others (no closing tag)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})

#: href and src attributes of the sanitized HTML (nh3 writes them double-quoted, escaped).
_REF = re.compile(r'<(a|img|iframe)\b[^>]*?\s(href|src)="([^"]*)"')


@dataclass(frozen=True)
class Rendered:
    """A body as published: sanitized HTML, the table of contents (Python-Markdown's
    ``toc_tokens``) and every (element, URL) it refers to."""

    html: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    refs: tuple[tuple[str, str], ...] = ()


#: Elements that end a line of text for the reader; every other tag joins its neighbours.
_BLOCK = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|table|thead|tbody|blockquote|pre|figure"
    r"|figcaption|dl|dt|dd|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


def reader_text(clean_html: str) -> str:
    """What a reader of sanitized HTML sees as text: block elements break lines, inline ones
    join (``0812<em>3456</em>7890`` reads as one number), references are decoded."""
    return html.unescape(_TAG.sub("", _BLOCK.sub("\n", clean_html)))


#: A start tag of sanitized HTML and its attributes.
_START_TAG = re.compile(r"<[A-Za-z][A-Za-z0-9]*(\s[^>]*)?>")
#: Runs of white space, as the search index collapses them (a line break there is a space).
_SPACES = re.compile(r"\s+")
#: Where a table cell begins: the joined text keeps cells apart, so that a row of figures
#: (``1250 | 1520 | 1100 | 1300``) is not read as one NIK (an independent attack found
#: ordinary statistics refused).
_CELL = re.compile(r"<t[dh]\b[^>]*>", re.IGNORECASE)
#: Attributes a page shows as text: a tooltip (an abbreviation's too) and an image's
#: alternative text (shown when it does not load, read aloud by screen readers).
SHOWN_ATTRIBUTES = ("title", "alt")


def shown_text(rendered: Rendered) -> str:
    """Everything a page shows a reader of a body as text: the body's text
    (:func:`reader_text`; and joined as the site's search index and its result previews
    join it: no break where a tag was, ``0812-3456<br>-7890``, and every run of white space
    one space, ``0812 3456`` and ``7890`` on two lines; table cells are kept apart), its
    tooltips and alternative texts, its links' addresses (percent-decoded: a ``mailto:``
    or ``wa.me`` link), and the headings its table of contents lists (a heading's
    ``data-toc-label`` is shown there, not in the body), each with its character
    references decoded. The checks of personal data and invisible characters read all of
    it (independent attacks hid a phone number in a label, in a link's address and across
    a line break)."""
    cells = _CELL.sub(" | ", rendered.html)
    joined = _SPACES.sub(" ", html.unescape(_TAG.sub("", cells)))
    parts = [reader_text(rendered.html), joined]
    for tag in _START_TAG.finditer(rendered.html):
        found = attributes(tag.group(1) or "")  # (decoded)
        parts.extend(found[name] for name in SHOWN_ATTRIBUTES if name in found)
        if "href" in found:
            parts.append(unquote(found["href"]))
    parts.extend(_toc_names(rendered.toc))
    return "\n".join(parts)


def _toc_names(tokens: Sequence[dict[str, Any]]) -> Iterator[str]:
    for token in tokens:
        yield html.unescape(text_only(str(token.get("name", ""))))
        yield from _toc_names(token.get("children") or ())


def references(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((m.group(1), html.unescape(m.group(3))) for m in _REF.finditer(text))


def images(text: str) -> tuple[tuple[str, str | None], ...]:
    """The ``(src, alt)`` of every ``<img>`` of sanitized HTML (alt None: there is none).
    An ``<img`` the pattern cannot read (never, as nh3 writes tags) counts as an image
    without src or alt: the check fails closed."""
    found = [attributes(m.group(1)) for m in IMG.finditer(text)]
    unread = text.count("<img") - len(found)
    return tuple((a.get("src", ""), a.get("alt")) for a in found) + (("", None),) * unread


class Store(Protocol):
    """Rendered bodies from earlier runs (:mod:`warta.adapters.rendercache`)."""

    def get(self, digest: str) -> Rendered | None: ...


class MarkdownRenderer:
    """Renders bodies with one Markdown instance (reset between bodies), remembering each
    result by the body's digest for the rest of the run (and, with a ``store``, finding
    what an earlier run of the same renderer made of the same text there: that is not
    held in :attr:`done` as well)."""

    def __init__(self, config: SiteConfig, policy: Policy) -> None:
        self.extensions = [name for name, _ in config.extensions]
        self.configs = {
            name: plain(options, config.python_names)
            for name, options in config.extensions
            if isinstance(options, dict)
        }
        self.policy = policy
        self._md: markdown.Markdown | None = None
        self.done: dict[str, Rendered] = {}
        #: bodies refused this run, by digest
        self.refused: dict[str, BodyTooComplex] = {}
        #: seconds this run spent on bodies that ran out of their budget
        self.spent = 0.0
        self.store: Store | None = None

    def _uses(self, extension: str) -> bool:
        return extension in self.extensions or f"markdown.extensions.{extension}" in self.extensions

    def _refuse_expansion(self, body: str) -> None:
        """Refuse, before Markdown builds it, a body that would render to far more than
        :data:`MAX_EXPANSION`: 20,000 words of an abbreviation whose title is 900 KB made
        18 GB, and a table of 3,000 columns and rows (21 KB) took 3.6 GB."""
        if self._uses("abbr"):
            defined = _ABBREVIATION.findall(body)
            if len(defined) > MAX_ABBREVIATIONS:
                raise BodyTooComplex(0, _(
                    "it defines {count} abbreviations, more than {most}"
                ).format(count=len(defined), most=MAX_ABBREVIATIONS))
            grows = sum(body.count(word) * (len(title) + len(word) + 32)
                        for word, title in defined if word)
            if grows > MAX_EXPANSION:
                raise BodyTooComplex(0, _(
                    "its abbreviations would make about {size} MB of HTML"
                ).format(size=grows // (1024 * 1024)))
        if self._uses("tables"):
            cells = _table_cells(body)
            if cells > MAX_TABLE_CELLS:
                raise BodyTooComplex(0, _(
                    "its tables would make {cells} cells, more than {most}"
                ).format(cells=cells, most=MAX_TABLE_CELLS))

    def setup(self) -> dict[str, Any]:
        """Everything besides the text and the code that what a body renders to depends on."""
        return {"extensions": self.extensions, "configs": self.configs, "html": repr(self.policy)}

    def _markdown(self) -> markdown.Markdown:
        if self._md is None:
            self._md = markdown.Markdown(extensions=self.extensions, extension_configs=self.configs)
        return self._md

    def render(self, body: str) -> Rendered:
        key = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
        found = self.done.get(key)
        if found is None and self.store is not None:
            found = self.store.get(key)  # (the store remembers what it gave)
        if found is not None:
            return found
        refused = self.refused.get(key)
        if refused is not None:  # (each check asks again: the budget is spent once)
            raise refused
        try:
            return self._render(key, body)
        except BodyTooComplex as exc:
            self.refused[key] = exc
            raise

    def _render(self, key: str, body: str) -> Rendered:
        self._refuse_expansion(body)
        md = self._markdown()
        md.reset()
        budget = BUDGET_SECONDS if self.spent < RUN_BUDGET_SECONDS else LATE_SECONDS
        started = time.monotonic()
        try:
            raw = _within(budget, lambda: md.convert(body))
        except BodyTooComplex:
            self.spent += time.monotonic() - started
            self._md = None  # interrupted mid-parse: start afresh
            raise
        except RecursionError as exc:
            self._md = None
            raise too_deep() from exc
        _refuse_raw(raw)
        clean = self.policy.clean(raw)
        toc = _renamed(list(getattr(md, "toc_tokens", []) or []))
        result = Rendered(clean, toc, references(clean))
        self.done[key] = result
        return result

    def references(self, body: str) -> Sequence[tuple[str, str]]:
        return self.render(body).refs

    def images(self, body: str) -> Sequence[tuple[str, str | None]]:
        return images(self.render(body).html)

    def text(self, body: str) -> str:
        return shown_text(self.render(body))

    def take(self) -> dict[str, Rendered]:
        """What was rendered since the last call (a worker process hands it back)."""
        done, self.done = self.done, {}
        return done


def _table_cells(body: str) -> int:
    """At most how many cells the tables of ``body`` make: a table runs to the next blank
    line, and each of its rows (one without a '|' too) is padded to its widest."""
    cells = 0
    for block in re.split(r"\n[ \t]*\n", body):
        if "|" in block:
            lines = block.split("\n")
            cells += max(line.count("|") for line in lines) * len(lines)
    return cells


def _refuse_raw(raw: str) -> None:
    """Refuse HTML that Markdown made too large, or whose elements nest deeper than
    :data:`MAX_NESTING` (the allowlist took 112 s on 250,000 ``<ul>`` in a 1 MB body, and
    no time budget can stop it once it runs)."""
    if len(raw) > MAX_EXPANSION:
        raise BodyTooComplex(0, _("it renders to {size} MB of HTML").format(
            size=len(raw) // (1024 * 1024)))
    depth = deepest = formatting = 0
    for found in _OPEN_OR_CLOSE.finditer(raw):
        name = found.group(2).lower()
        if name in _VOID:  # (a '/>' on any other element is ignored by HTML: it opens)
            continue
        if name in _FORMATTING:
            formatting = max(formatting - 1, 0) if found.group(1) else formatting + 1
        elif name in _BLOCKS and not found.group(1) and formatting > MAX_OPEN_FORMATTING:
            raise BodyTooComplex(0, _(
                "more than {most} formatting elements are left open where a block begins"
                " (each would be opened again in every later block)"
            ).format(most=MAX_OPEN_FORMATTING))
        depth = max(depth - 1, 0) if found.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_NESTING:
                raise BodyTooComplex(0, _(
                    "its HTML nests more than {most} elements deep"
                ).format(most=MAX_NESTING))


def _renamed(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table of contents with each heading's id as the allowlist left it in the body
    (:func:`~warta.site.sanitize.body_id`)."""
    return [
        {
            **token,
            "id": body_id(str(token.get("id", ""))),
            "children": _renamed(list(token.get("children", []))),
        }
        for token in tokens
    ]


def _within(seconds: float, work: Callable[[], str]) -> str:
    """``work()``, or BodyTooComplex once it has run ``seconds`` (measured where a timer can
    interrupt it: the main thread of a process, as the CLI's and the workers' are)."""
    if threading.current_thread() is not threading.main_thread():
        return work()

    def expire(signum: int, frame: object) -> None:
        raise BodyTooComplex(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
