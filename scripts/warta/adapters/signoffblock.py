"""Front-matter YAML, read faster where its signoffs block is exactly as Warta writes it.

Most of an item's front-matter is its ``signoffs`` block (six signatures), which Warta itself
writes (:func:`warta.adapters.rewrite.render_signoffs`) as the last key. When that block
follows the written form exactly (double-quoted step, by, content and note in a plain
character set, a plain ISO 8601 time, the armoured signature as a literal block, in that
order) it is read with one regular expression per signoff, and only the lines above it go
through the YAML parser. On any deviation, the whole text goes through
:func:`warta.adapters.yamlnodes.parse`, so values, line numbers and errors are always exactly
what that parser gives (a test compares the two on many variants).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from warta.adapters.yamlnodes import (
    MAX_NODES,
    YList,
    YMap,
    parse,
    parse_block_mapping,
    refuse_unseen_breaks,
)

_KEY = "signoffs:\n"
#: The values the pattern reads as literal block scalars.
_LITERAL = frozenset({"sig"})
#: Text in double quotes that YAML reads as exactly these characters: printable, single
#: line, no escapes (no quote, backslash, tab, NEL, LS, PS or byte-order mark). Written as the
#: characters it refuses: the same set as the ranges it allows, compiled in a tenth of the
#: time (1 ms, not 10, in every process that parses an item; a test checks the two sets).
_QUOTED = r'"([^\x00-\x1f\x22\x5c\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*)"'
#: A time, which the parser (YAML 1.2 core schema) reads as the text written.
_TIME = (
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:[+-][0-9]{2}:[0-9]{2}|Z))"
)
#: One line of a literal block indented six spaces: printable ASCII, no space at either end.
_LITERAL_LINE = r"      [\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?\n"
_KEYS = ("step", "by", "at", "content", "note", "sig")
#: In the lines above the block, what could end the YAML document before the block (a
#: document marker at the start of a line) or start lines the way YAML sees them but this
#: reader does not (a YAML line break other than LF).
_DOCUMENT_END = re.compile(r"[\r\x85\u2028\u2029]|^(?:---|\.\.\.)(?=[ \t\n]|\Z)", re.MULTILINE)


@functools.cache
def _signoff() -> re.Pattern[str]:
    """One signoff as Warta writes it (compiled on first use: a run that finds every item in
    the verdict cache parses none)."""
    return re.compile(
        f"  - step: {_QUOTED}\n"
        f"    by: {_QUOTED}\n"
        f"    at: {_TIME}\n"
        f"(?:    content: {_QUOTED}\n)?"
        f"(?:    note: {_QUOTED}\n)?"
        f"(?:    sig: \\|\n((?:{_LITERAL_LINE})+))?"
    )


def parse_front_matter(text: str, *, first_line: int = 1) -> Any:
    """Parse front-matter YAML exactly as :func:`~warta.adapters.yamlnodes.parse` does."""
    refuse_unseen_breaks(text, first_line)  # (before the fast path's own reading of lines)
    fast = _written_by_warta(text, first_line)
    return fast if fast is not None else parse(text, first_line=first_line)


def _written_by_warta(text: str, first_line: int) -> YMap | None:
    """The front-matter when it ends with a signoffs block in the written form, else None."""
    start = text.find("\n" + _KEY) + 1
    if start == 0 or text.startswith("\ufeff"):  # libyaml does not count a leading BOM
        return None
    matches: list[re.Match[str]] = []
    position = start + len(_KEY)
    pattern = _signoff()
    while position < len(text):
        match = pattern.match(text, position)
        if match is None:
            return None
        matches.append(match)
        position = match.end()
    if not matches:
        return None
    if _DOCUMENT_END.search(text, 0, start):
        return None
    head = parse_block_mapping(text[:start], first_line=first_line)
    if head is None:
        return None
    data, count = head
    if "signoffs" in data:
        return None  # a duplicate key: the parser says so
    line = first_line + text.count("\n", 0, start)
    signoffs = YList()
    signoffs.line = line + 1
    signoffs.item_lines = []
    count += 2
    for match in matches:
        line += 1
        entry = YMap()
        entry.line = line
        entry.key_lines = {}
        entry.literal = _LITERAL
        for key, value in zip(_KEYS, match.groups(), strict=True):
            if value is None:
                continue
            entry.key_lines[key] = line
            if key == "sig":
                entry[key] = value.replace("\n      ", "\n")[6:]
                line += value.count("\n") + 1
            else:
                entry[key] = value
                line += 1
        line -= 1
        count += 1 + 2 * len(entry)
        signoffs.append(entry)
        signoffs.item_lines.append(entry.line)
    if count > MAX_NODES:
        return None  # too large: the parser says so
    data["signoffs"] = signoffs
    data.key_lines["signoffs"] = signoffs.line - 1
    return data
