"""An item's body as data for the typesetter: the HTML the site publishes (rendered with the
signed Markdown configuration and reduced to the allowlist) turned into a JSON tree of blocks
and inlines. The template walks the tree; no text of an item is ever Typst markup.

Blocks: ``{"k": "p"|"h"|"list"|"quote"|"code"|"hr", ...}``; inlines:
``{"k": "text"|"em"|"strong"|"strike"|"underline"|"super"|"sub"|"highlight"|"link"|"code"|"br",
...}``; a list's items are ``{"n": number, "c": blocks}``. Images inside a body are left out
(the lead photo is printed with its caption and credit); a link keeps its URL only when it is
absolute http(s), since a link relative to the site means nothing on paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

Node = dict[str, Any]

VOID = frozenset({"br", "hr", "img", "wbr", "input", "source", "track", "col", "area", "embed"})
BLOCK = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "table",
     "thead", "tbody", "tfoot", "tr", "td", "th", "div", "figure", "figcaption", "section",
     "details", "summary", "dl", "dt", "dd", "iframe", "video", "audio", "caption", "article",
     "aside", "header", "footer", "nav", "main"}
)
SKIP = frozenset({"img", "iframe", "video", "audio", "script", "style", "svg", "math", "object"})
#: Inline elements whose look carries meaning (a struck word is withdrawn: "<del>tidak</del>
#: disetujui" reads as approved), printed as the site shows them (found by an independent
#: attack: the bulletin printed the struck word as plain text).
MARKED = {"s": "strike", "del": "strike", "u": "underline", "ins": "underline",
          "sup": "super", "sub": "sub", "mark": "highlight"}
#: An ordered list's numbering by its ``type``, as Typst writes it.
NUMBERING = {"1": "1.", "a": "a.", "A": "A.", "i": "i.", "I": "I."}
#: nesting deeper than this is flattened (a hostile body cannot make the template recurse
#: without bound)
MAX_DEPTH = 12


@dataclass
class _El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_El | str] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _El("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _El(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _text_of(element: _El | str) -> str:
    """The text of ``element`` and everything in it, walked without recursion: it flattens
    what lies deeper than :data:`MAX_DEPTH`, which a hostile body nests without bound."""
    parts: list[str] = []
    pending: list[_El | str] = [element]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            parts.append(node)
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag not in SKIP:
            pending.extend(reversed(node.children))
    return "".join(parts)


def _url(href: str) -> str | None:
    return href if href.lower().startswith(("https://", "http://")) else None


def _inlines(children: list[_El | str], depth: int) -> list[Node]:
    out: list[Node] = []
    for child in children:
        if isinstance(child, str):
            if child:
                out.append({"k": "text", "v": child})
            continue
        tag = child.tag
        if tag in SKIP:
            continue
        if tag == "br":
            out.append({"k": "br"})
        elif tag == "code" or depth >= MAX_DEPTH:
            text = _text_of(child)
            if text:
                out.append({"k": "code" if tag == "code" else "text", "v": text})
        elif tag in ("em", "i", "cite", "dfn", "var"):
            out.append({"k": "em", "c": _inlines(child.children, depth + 1)})
        elif tag in ("strong", "b"):
            out.append({"k": "strong", "c": _inlines(child.children, depth + 1)})
        elif tag in MARKED:
            out.append({"k": MARKED[tag], "c": _inlines(child.children, depth + 1)})
        elif tag == "q":  # a browser shows the quotation marks
            out.extend(({"k": "text", "v": "\u201c"}, *_inlines(child.children, depth + 1),
                        {"k": "text", "v": "\u201d"}))
        elif tag == "a":
            inner = _inlines(child.children, depth + 1)
            url = _url(child.attrs.get("href", ""))
            out.append({"k": "link", "url": url, "c": inner} if url else {"k": "span", "c": inner})
        else:
            out.append({"k": "span", "c": _inlines(child.children, depth + 1)})
    return out


def _blank(inlines: list[Node]) -> bool:
    return all(n["k"] == "text" and not n["v"].strip() for n in inlines)


def _blocks(children: list[_El | str], depth: int) -> list[Node]:
    out: list[Node] = []
    run: list[_El | str] = []

    def flush() -> None:
        inl = _inlines(run, depth)
        if not _blank(inl):
            out.append({"k": "p", "c": inl})
        run.clear()

    for child in children:
        if isinstance(child, str) or child.tag not in BLOCK:
            run.append(child)
            continue
        flush()
        out.extend(_block(child, depth))
    flush()
    return out


def _block(element: _El, depth: int) -> list[Node]:
    tag = element.tag
    if tag in SKIP:
        return []
    if depth >= MAX_DEPTH:
        text = _text_of(element).strip()
        return [{"k": "p", "c": [{"k": "text", "v": text}]}] if text else []
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        inl = _inlines(element.children, depth + 1)
        return [] if _blank(inl) else [{"k": "h", "level": int(tag[1]), "c": inl}]
    if tag in ("ul", "ol"):
        return _list(element, depth)
    if tag == "blockquote":
        return [{"k": "quote", "c": _blocks(element.children, depth + 1)}]
    if tag == "pre":
        return [{"k": "code", "v": _text_of(element).rstrip("\n")}]
    if tag == "hr":
        return [{"k": "hr"}]
    if tag == "tr":
        cells = [_text_of(c).strip() for c in element.children if isinstance(c, _El)]
        text = " | ".join(c for c in cells if c)
        return [{"k": "p", "c": [{"k": "text", "v": text}]}] if text else []
    if tag in ("figcaption", "caption"):
        inl = _inlines(element.children, depth + 1)
        return [] if _blank(inl) else [{"k": "p", "c": [{"k": "em", "c": inl}]}]
    if tag in ("p", "dt", "dd", "summary", "td", "th"):
        return _blocks(element.children, depth + 1)
    return _blocks(element.children, depth + 1)  # div, figure, table, section, ...


def _list(element: _El, depth: int) -> list[Node]:
    """A list as the site shows it: each item with the number a browser gives it (``start``,
    ``reversed``, an item's ``value``, the numbering ``type``), and what the list holds
    outside its items printed where it stands, between the items around it."""
    ordered = element.tag == "ol"
    children = element.children
    items = [c for c in children if isinstance(c, _El) and c.tag == "li"]
    step = -1 if ordered and "reversed" in element.attrs else 1
    number = _number(element.attrs.get("start"), len(items) if step < 0 else 1)
    numbering = NUMBERING.get(element.attrs.get("type", "1"), "1.")
    out: list[Node] = []
    run: list[Node] = []
    stray: list[_El | str] = []

    def close_run() -> None:
        if run:
            out.append({"k": "list", "ordered": ordered, "numbering": numbering,
                        "items": list(run)})
            run.clear()

    for child in children:
        if isinstance(child, _El) and child.tag == "li":
            if stray:
                close_run()
                out.extend(_blocks(stray, depth + 1))
                stray.clear()
            number = _number(child.attrs.get("value"), number)
            run.append({"n": number, "c": _blocks(child.children, depth + 1)})
            number += step
        else:
            stray.append(child)
    close_run()
    out.extend(_blocks(stray, depth + 1))
    return out


def _number(value: str | None, default: int) -> int:
    """A list's ``start`` or an item's ``value`` as a browser reads it (the allowlist lets
    only digits through); the numbers a page can show are kept to what print can."""
    try:
        return max(-1_000_000, min(1_000_000, int(value))) if value else default
    except ValueError:
        return default


def body_tree(html: str) -> list[Node]:
    """The blocks of a published body's HTML."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return _blocks(builder.root.children, 0)


def plain(text: str) -> list[Node]:
    """Plain text as inlines (a title, a caption)."""
    return [{"k": "text", "v": text}]
