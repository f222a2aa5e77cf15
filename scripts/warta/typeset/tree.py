"""An item's body as data for the typesetter: the HTML the site publishes (rendered with the
signed Markdown configuration and reduced to the allowlist) turned into a JSON tree of blocks
and inlines. The template walks the tree; no text of an item is ever Typst markup.

Blocks: ``{"k": "p"|"h"|"list"|"quote"|"code"|"pre"|"table"|"hr", ...}``; a list's items are
``{"n": number, "c": blocks}``, a table's cells ``{"c": blocks, "colspan", "rowspan",
"header"}``. Inlines are flat: ``{"k": "text", "v": text, "s": [styles], "url"?: link}`` and
``{"k": "br"}``, each run carrying every mark the site shows on it (emphasis, struck,
underlined, raised, lowered, highlighted, code), so the template never recurses into inline
markup and no nesting, however deep, loses a mark. Images inside a body are left out (the
lead photo is printed with its caption and credit); a link keeps its URL only when it is
absolute http(s), since a link relative to the site means nothing on paper.

What the bulletin prints is what the site shows (found by independent attacks): a block
inside an inline element (``<em><p>…</p><p>…</p></em>``) breaks the line there as a browser
does, so no scan reads two lines that paper prints as one; a table keeps every cell in its
column, empty ones and spans too; an ordered list is numbered as the site numbers it.
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
     "aside", "header", "footer", "nav", "main", "colgroup"}
)
SKIP = frozenset({"img", "iframe", "video", "audio", "script", "style", "svg", "math", "object",
                  "colgroup", "col"})
#: Inline elements and the mark each puts on its text, as the site shows it (a struck word is
#: withdrawn: "jembatan <del>tidak</del> disetujui" reads as approved).
STYLES = {
    "em": "em", "i": "em", "cite": "em", "dfn": "em", "var": "em",
    "strong": "strong", "b": "strong",
    "s": "strike", "del": "strike", "strike": "strike",
    "u": "underline", "ins": "underline",
    "sup": "super", "sub": "sub", "mark": "highlight",
    "code": "code", "kbd": "code", "samp": "code",
}
#: What a browser shows around a ``<q>`` (Indonesian quotation marks).
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"
#: Marks that add up when nested (a superscript of a superscript); the others are on or off.
_STACKING = frozenset({"super", "sub"})
#: An ordered list's numbering by its ``type``, as Typst writes it; without one, the site's
#: theme numbers a list by how deeply it lies in others (Material: decimal, lower-alpha,
#: lower-roman, upper-alpha, upper-roman).
NUMBERING = {"1": "1.", "a": "a.", "A": "A.", "i": "i.", "I": "I."}
_BY_DEPTH = ("1.", "a.", "i.", "A.", "I.")
#: Lists, quotes and tables nested deeper than this are printed flat (their items as
#: paragraphs that keep their numbers or bullets, their marks kept), so a hostile body
#: cannot make the template recurse without bound.
MAX_DEPTH = 12
#: A table wider than this (columns, counting spans) is printed a row a paragraph, its
#: cells in order with an empty one shown as a dash.
MAX_COLUMNS = 24
_EMPTY_CELL = "\u2013"


@dataclass
class _El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_El | str] = field(default_factory=list)
    #: whether a block element lies inside (a browser then breaks the line around it)
    blocky: bool = False


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


def _mark_blocky(root: _El) -> None:
    """Set :attr:`_El.blocky` on every element, bottom up, without recursion."""
    order: list[_El] = []
    pending = [root]
    while pending:
        element = pending.pop()
        order.append(element)
        pending.extend(c for c in element.children if isinstance(c, _El))
    for element in reversed(order):
        element.blocky = any(
            isinstance(c, _El) and (c.tag in BLOCK or c.blocky) for c in element.children
        )


def _url(href: str) -> str | None:
    return href if href.lower().startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class _Look:
    """The marks and the link a run of text has where it stands."""

    styles: tuple[str, ...] = ()
    url: str | None = None

    def inside(self, element: _El) -> _Look:
        style = STYLES.get(element.tag)
        styles = self.styles
        if style is not None and (style in _STACKING or style not in styles):
            styles = (*styles, style)
        url = _url(element.attrs.get("href", "")) if element.tag == "a" else self.url
        return _Look(styles, url)


_PLAIN = _Look()


class _Runs:
    """Inline runs being gathered into one paragraph; adjacent runs that look the same are
    joined."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def text(self, value: str, look: _Look) -> None:
        if not value:
            return
        last = self.nodes[-1] if self.nodes else None
        if (last is not None and last["k"] == "text" and last["s"] == list(look.styles)
                and last.get("url") == look.url):
            last["v"] += value
            return
        node: Node = {"k": "text", "v": value, "s": list(look.styles)}
        if look.url is not None:
            node["url"] = look.url
        self.nodes.append(node)

    def br(self) -> None:
        self.nodes.append({"k": "br"})

    def take(self) -> list[Node]:
        nodes, self.nodes = self.nodes, []
        while nodes and nodes[-1]["k"] == "br":
            nodes.pop()
        while nodes and nodes[0]["k"] == "br":
            nodes.pop(0)
        return nodes

    def blank(self) -> bool:
        return all(n["k"] == "br" or not n["v"].strip() for n in self.nodes)


def _inline(element: _El, look: _Look, runs: _Runs, *, pre: bool = False) -> None:
    """The text inside ``element`` as runs, walked without recursion: a block element in
    it breaks the line (as the site does), a list item keeps its bullet, lines of
    preformatted text stay lines."""
    pending: list[tuple[_El | str, _Look] | None] = [(element, look)]
    while pending:
        entry = pending.pop()
        if entry is None:  # the end of a block element: the line breaks after it
            runs.br()
            continue
        node, at = entry
        if isinstance(node, str):
            if pre and "\n" in node:
                lines = node.split("\n")
                for index, line in enumerate(lines):
                    if index:
                        runs.br()
                    runs.text(line, at)
            else:
                runs.text(node, at)
            continue
        if node.tag in SKIP:
            continue
        if node.tag == "br":
            runs.br()
            continue
        inner = at.inside(node)
        if node is not element and node.tag in BLOCK:
            runs.br()
            pending.append(None)
            if node.tag == "li":
                runs.text("\u2022 ", inner)
        elif node.tag == "q":  # a browser shows the quotation marks
            runs.text(OPEN_QUOTE, inner)
            pending.append((CLOSE_QUOTE, inner))
        pending.extend((c, inner) for c in reversed(node.children))


def _number(value: str | None, default: int) -> int:
    """A list's ``start`` or an item's ``value`` as a browser reads it (the allowlist lets
    only digits through); the numbers a page can show are kept to what print can."""
    try:
        return max(-1_000_000, min(1_000_000, int(value))) if value else default
    except ValueError:
        return default


Entry = tuple[_El | str, _Look] | None


class _Gathered:
    """The blocks being gathered from one sequence of nodes, the line being made, and the
    nodes still to walk (``None``: a container ends, its last line is a paragraph)."""

    def __init__(self, pending: list[Entry]) -> None:
        self.out: list[Node] = []
        self.runs = _Runs()
        self.pending = pending

    def flush(self) -> None:
        if not self.runs.blank():
            self.out.append({"k": "p", "c": self.runs.take()})
        self.runs.take()

    def walk_in_place(self, node: _El, look: _Look) -> None:
        self.flush()
        self.pending.append(None)
        self.pending.extend((c, look) for c in reversed(node.children))


class _Walker:
    def __init__(self) -> None:
        #: the number and numbering of each item an ordered list counts that is not one of
        #: its children (``<ol><div><li>``): a browser numbers it in the list's sequence
        self.counted: dict[int, tuple[int, str]] = {}

    def blocks(self, children: list[_El | str], look: _Look, depth: int,
               lists: tuple[str, ...]) -> list[Node]:
        """The blocks of ``children``. Elements that only hold others (a ``div``, an
        inline element around blocks) are walked in place, without recursion; lists,
        quotes and tables nest (at most :data:`MAX_DEPTH` deep)."""
        state = _Gathered([(c, look) for c in reversed(children)])
        runs, pending = state.runs, state.pending
        while pending:
            entry = pending.pop()
            if entry is None:
                state.flush()
                continue
            node, at = entry
            if isinstance(node, str):
                runs.text(node, at)
            elif node.tag in SKIP:
                continue
            elif node.tag == "br":
                runs.br()
            elif node.tag not in BLOCK:
                if node.blocky:  # an inline element around blocks: its marks go on inside
                    if node.tag == "q":
                        runs.text(OPEN_QUOTE, at)
                        pending.append((CLOSE_QUOTE, at))
                    pending.extend((c, at.inside(node)) for c in reversed(node.children))
                else:
                    _inline(node, at, runs)
            else:
                self.block(node, at, depth, lists, state)
        state.flush()
        return state.out

    def block(self, node: _El, at: _Look, depth: int, lists: tuple[str, ...],
              state: _Gathered) -> None:
        """A block element among the nodes ``state`` gathers."""
        tag, out, runs = node.tag, state.out, state.runs
        if tag in ("ul", "ol", "li", "blockquote") and depth >= MAX_DEPTH:
            if tag == "blockquote":
                state.walk_in_place(node, at)
            else:
                state.flush()
                state.pending.extend(reversed(self.flat_list(node, at, lists)))
            return
        state.flush()
        if tag == "hr":
            out.append({"k": "hr"})
        elif tag in ("ul", "ol", "li"):
            out.extend(self.listed(node, at, depth, lists))
        elif tag == "blockquote":
            quoted = self.blocks(node.children, at, depth + 1, lists)
            if quoted:
                out.append({"k": "quote", "c": quoted})
        elif tag == "table":
            out.extend(self.table(node, at, depth, lists))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            _inline(node, at, runs)
            if not runs.blank():
                out.append({"k": "h", "level": int(tag[1]), "c": runs.take()})
            runs.take()
        elif tag == "pre":
            out.append(self.pre(node, at))
        elif tag in ("figcaption", "caption"):
            _inline(node, at.inside(_El("em")), runs)
            state.flush()
        else:  # p, div, figure, section, dt, dd, details, summary, a stray row or cell
            state.walk_in_place(node, at)

    def listed(self, element: _El, look: _Look, depth: int,
               lists: tuple[str, ...]) -> list[Node]:
        """A list as the site shows it: each item with the number a browser gives it
        (``start``, ``reversed``, an item's ``value``, the numbering ``type`` or the
        theme's by depth), and what the list holds outside its items printed where it
        stands, between the items around it. A stray ``li`` is a list of one."""
        counted = self.counted.get(id(element)) if element.tag == "li" else None
        if counted is not None:  # numbered in the ordered list around it
            inside = self.blocks(element.children, look, depth + 1, (*lists, "ol"))
            return [_list_block(True, counted[1], [{"n": counted[0], "c": inside}])]
        if element.tag == "li":
            element = _El("ul", {}, [element], element.blocky)
        ordered = element.tag == "ol"
        numbering = self.numbering(element, lists)
        inner = (*lists, element.tag)
        out: list[Node] = []
        run: list[Node] = []
        stray: list[_El | str] = []

        def close_run() -> None:
            if run:
                out.append(_list_block(ordered, numbering, run))
                run.clear()

        for child, number in self.numbered(element, numbering):
            if number is None:
                stray.append(child)
                continue
            if stray:
                close_run()
                out.extend(self.blocks(stray, look, depth + 1, lists))
                stray.clear()
            item = child.children if isinstance(child, _El) else []
            run.append({"n": number, "c": self.blocks(item, look, depth + 1, inner)})
        close_run()
        out.extend(self.blocks(stray, look, depth + 1, lists))
        return out

    def flat_list(self, element: _El, look: _Look, lists: tuple[str, ...]) -> list[Entry]:
        """A list nested too deeply, as entries for :meth:`blocks` to walk in place: each
        item a paragraph that begins with its number or bullet."""
        counted = self.counted.get(id(element)) if element.tag == "li" else None
        if element.tag == "li":
            element = _El("ol" if counted else "ul", {}, [element], element.blocky)
        numbering = counted[1] if counted else self.numbering(element, lists)
        entries: list[Entry] = [None]
        for child, listed in self.numbered(element, numbering):
            if listed is None:
                entries.append((child, look))
                continue
            number = counted[0] if counted else listed  # (numbered in the list around it)
            marker = _label(number, numbering) if element.tag == "ol" else "\u2022"
            entries.append(None)
            entries.append((marker + " ", look))
            entries.extend((c, look) for c in (child.children if isinstance(child, _El) else []))
            entries.append(None)
        return entries

    def numbered(self, element: _El, numbering: str) -> list[tuple[_El | str, int | None]]:
        """The list's children, each item with its number (None: not an item). An ordered
        list counts, as a browser does, every item inside it that no inner list holds (an
        item in a ``div`` in the list too): those that are not its children are numbered
        in :attr:`counted`, for when the walk reaches them."""
        ordered = element.tag == "ol"
        items = _counted_items(element) if ordered else [
            c for c in element.children if isinstance(c, _El) and c.tag == "li"]
        step = -1 if ordered and "reversed" in element.attrs else 1
        number = _number(element.attrs.get("start"), len(items) if step < 0 else 1)
        numbers: dict[int, int] = {}
        for item in items:
            number = _number(item.attrs.get("value"), number)
            numbers[id(item)] = number
            number += step
        out: list[tuple[_El | str, int | None]] = []
        for child in element.children:
            if isinstance(child, _El) and child.tag == "li":
                out.append((child, numbers[id(child)]))
                del numbers[id(child)]
            else:
                out.append((child, None))
        self.counted.update((key, (value, numbering)) for key, value in numbers.items())
        return out

    @staticmethod
    def numbering(element: _El, lists: tuple[str, ...]) -> str:
        """How the site's theme numbers an ordered list: by its ``type``, else by the lists
        around it (``ol ol`` and ``ul ol`` lower-alpha, one more each deeper)."""
        if "type" in element.attrs:
            return NUMBERING.get(element.attrs["type"], "1.")
        depth = lists.count("ol")
        if "ul" in lists:
            depth = max(depth, lists[lists.index("ul"):].count("ol") + 1)
        return _BY_DEPTH[min(depth, len(_BY_DEPTH) - 1)]

    def table(self, element: _El, look: _Look, depth: int,
              lists: tuple[str, ...]) -> list[Node]:
        """A table with every cell in its column: a Typst table of the columns the rows
        make (spans counted as a browser places them), its caption above it."""
        out: list[Node] = []
        groups, captions = _row_groups(element)
        for caption in captions:
            out.extend(self.blocks([caption], look, depth, lists))
        sections = [
            [[c for c in row.children if isinstance(c, _El) and c.tag in ("td", "th")]
             for row in group]
            for group in groups
        ]
        grid = [row for section in sections for row in section]
        columns, places = _placed(sections)
        if not grid or columns == 0:
            return out
        if depth >= MAX_DEPTH or lists.count("table") >= MAX_TABLE_NESTING or (
            columns > MAX_COLUMNS
        ):
            for row in grid:
                runs = _Runs()
                for index, cell in enumerate(row):
                    if index:
                        runs.text(" | ", look)
                    before = len(runs.nodes)
                    _inline(cell, look, runs)
                    if all(n["k"] == "br" or not n["v"].strip() for n in runs.nodes[before:]):
                        del runs.nodes[before:]
                        runs.text(_EMPTY_CELL, look)
                if not runs.blank():
                    out.append({"k": "p", "c": runs.take()})
            return out
        inside = (*lists, "table")
        cells: list[Node] = []
        for row, row_places in zip(grid, places, strict=True):
            for cell, (x, y, colspan, rowspan) in zip(row, row_places, strict=True):
                cells.append({
                    "c": self.blocks(cell.children, look, depth + 1, inside),
                    "x": x,
                    "y": y,
                    "colspan": colspan,
                    "rowspan": rowspan,
                    "header": cell.tag == "th",
                })
        out.append({"k": "table", "columns": columns, "cells": cells})
        return out

    def pre(self, element: _El, look: _Look) -> Node:
        """Preformatted text: as code, or, when it holds marks, as lines of marked runs."""
        marked = _marked(element)
        if not marked:
            runs = _Runs()
            _inline(element, _PLAIN, runs, pre=True)
            text = "".join(n["v"] if n["k"] == "text" else "\n" for n in runs.nodes)
            return {"k": "code", "v": text.rstrip("\n")}
        runs = _Runs()
        _inline(element, look.inside(_El("code")), runs, pre=True)
        return {"k": "pre", "c": runs.take()}


def _marked(element: _El) -> bool:
    """Whether an element holds a mark other than code (a struck word in a code block)."""
    pending = [element]
    while pending:
        node = pending.pop()
        for child in node.children:
            if isinstance(child, _El):
                if STYLES.get(child.tag, "code") != "code" or child.tag == "a":
                    return True
                pending.append(child)
    return False


#: At most this many places (rows by columns, spans counted) a table may take in print; a
#: larger one is printed a row a paragraph.
MAX_PLACES = 50_000


def _row_groups(table: _El) -> tuple[list[list[_El]], list[_El]]:
    """The table's rows by section, in the order a browser shows them (its first head
    first, its first foot last; other heads and feet, the bodies and rows outside any
    section between, as they stand: CSS 2.1 §17.2), and its captions."""
    head: list[_El] | None = None
    foot: list[_El] | None = None
    middle: list[list[_El]] = []
    captions: list[_El] = []
    loose: list[_El] = []
    for child in table.children:
        if not isinstance(child, _El):
            continue
        if child.tag == "tr":
            loose.append(child)
            continue
        if loose:  # rows outside a section make one of their own
            middle.append(loose)
            loose = []
        if child.tag == "caption":
            captions.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows = [r for r in child.children if isinstance(r, _El) and r.tag == "tr"]
            if child.tag == "thead" and head is None:
                head = rows
            elif child.tag == "tfoot" and foot is None:
                foot = rows
            else:
                middle.append(rows)
    if loose:
        middle.append(loose)
    return [g for g in (head or [], *middle, foot or []) if g], captions


#: At most this many places (rows by columns, spans counted) a table may take in print; a
#: larger one is printed a row a paragraph.
MAX_PLACES = 50_000
#: Tables inside tables deeper than this are printed a row a paragraph (the typesetter
#: gives up on about ten; found by an independent attack).
MAX_TABLE_NESTING = 3

Place = tuple[int, int, int, int]


def _placed(groups: list[list[list[_El]]]) -> tuple[int, list[list[Place]]]:
    """How many columns the rows make and where each cell goes, ``(x, y, colspan,
    rowspan)``, for the rows of each section of a table (``groups``). Cells are placed as a
    browser places them: a cell spanning rows takes its column in the rows below, to the end
    of its section at most (``rowspan="0"``: to that end); a cell that would run into one
    spanning from above is cut short there (a browser draws the two over each other, which
    the typesetter refuses), and the next cell of its row still stands where a browser puts
    it. More columns than :data:`MAX_COLUMNS` (or places than :data:`MAX_PLACES`): the
    count is over the limit."""
    places: list[list[Place]] = []
    columns = 0
    used = 0
    top = 0
    for group in groups:
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(group):
            column = 0
            row_places: list[Place] = []
            for cell in row:
                while (r, column) in taken:
                    column += 1
                wanted = max(1, min(_number(cell.attrs.get("colspan"), 1), MAX_COLUMNS + 1))
                colspan = next((k for k in range(1, wanted) if (r, column + k) in taken), wanted)
                rowspan = _number(cell.attrs.get("rowspan"), 1)
                left = len(group) - r
                rowspan = left if rowspan == 0 else max(1, min(rowspan, left))
                used += colspan * rowspan
                if column + wanted > MAX_COLUMNS or used > MAX_PLACES:
                    return MAX_COLUMNS + 1, []
                taken.update((r + dr, column + dc) for dr in range(rowspan)
                             for dc in range(colspan))
                row_places.append((column, top + r, colspan, rowspan))
                column += wanted
                columns = max(columns, column)
            places.append(row_places)
        top += len(group)
    return columns, places


def _counted_items(element: _El) -> list[_El]:
    """The items an ordered list counts, in order: every ``li`` inside it that no inner
    list (``ul``, ``ol``, ``menu``: each counts its own) holds."""
    out: list[_El] = []
    pending = list(reversed(element.children))
    while pending:
        node = pending.pop()
        if not isinstance(node, _El) or node.tag in ("ul", "ol", "menu"):
            continue
        if node.tag == "li":
            out.append(node)
        pending.extend(reversed(node.children))
    return out


def _list_block(ordered: bool, numbering: str, items: list[Node]) -> Node:
    block: Node = {"k": "list", "ordered": ordered, "numbering": numbering,
                   "items": list(items)}
    if ordered and any(not _typesettable(i["n"], numbering) for i in items):
        # numbers the typesetter does not count (below one, a roman past 3999): each item
        # beside its number written out, as the site writes it
        block["labels"] = [_label(i["n"], numbering) for i in items]
    return block


def _typesettable(number: int, numbering: str) -> bool:
    """Whether the typesetter's own list numbering writes ``number`` as the site does."""
    return number >= 1 and (numbering[0] not in "iI" or number < 4000)


def _label(number: int, numbering: str) -> str:
    """An item's number as ``numbering`` writes it (for a list printed flat)."""
    kind = numbering[0]
    if kind in "aA" and number > 0:
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return (letters.upper() if kind == "A" else letters) + "."
    if kind in "iI" and 0 < number < 4000:
        roman = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                               (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                               (5, "v"), (4, "iv"), (1, "i")):
            while number >= value:
                roman += numeral
                number -= value
        return (roman.upper() if kind == "I" else roman) + "."
    return f"{number}."


def body_tree(html: str) -> list[Node]:
    """The blocks of a published body's HTML."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    _mark_blocky(builder.root)
    return _Walker().blocks(builder.root.children, _PLAIN, 0, ())


def plain(text: str) -> list[Node]:
    """Plain text as inlines (a title, a caption)."""
    return [{"k": "text", "v": text, "s": []}]
