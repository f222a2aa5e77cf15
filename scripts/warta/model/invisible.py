"""Characters a reader does not see: bidi controls, zero-width and other format characters
(Unicode category Cf).

In signed text they let a page show something other than what the reviewer read in the
diff (a RIGHT-TO-LEFT OVERRIDE shows a title's words in another order), and they hide text
from the checks (a ZERO WIDTH SPACE inside a NIK). Every one is an error (``text.invisible``)
with one exception: a ZERO WIDTH JOINER between two emoji, which joins them into one picture
(a family, a flag) and hides nothing. A SOFT HYPHEN is refused like the rest: it is invisible
except at a line break, and news text does not need it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from warta.model.findings import Finding, error
from warta.model.translate import _, ngettext

RULE = "text.invisible"
ZERO_WIDTH_JOINER = "\u200d"
_VARIATION_SELECTOR_16 = "\ufe0f"
#: Code points of emoji (pictographs, symbols and their modifiers) a ZWJ may join.
_EMOJI = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
)
#: At most this many different characters are named in one finding.
NAMED = 5


def format_characters(text: str) -> frozenset[str]:
    """The distinct Unicode format (Cf) characters in ``text``."""
    if text.isascii():
        return frozenset()
    return frozenset(c for c in set(text) if c > "\x7f" and unicodedata.category(c) == "Cf")


#: Default-ignorable code points that are not format characters: the combining grapheme
#: joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors.
_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _unseen(char: str) -> bool:
    """A character that adds nothing a reader needs to read a number or an address: a
    format character, a combining mark, or another default-ignorable code point."""
    if unicodedata.category(char) in ("Cf", "Mn", "Me"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE)


def normalised(text: str) -> str:
    """``text`` as the eye reads it, for the checks that look for numbers and addresses:
    NFKC (full-width or mathematical digits become digits, a no-break space a space),
    without format characters, combining marks or other ignorable code points. Line breaks
    are kept, one for one."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    unseen = [c for c in set(text) if c > "\x7f" and _unseen(c)]
    return text.translate(dict.fromkeys(map(ord, unseen))) if unseen else text


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}"


@dataclass(frozen=True)
class Hidden:
    """One invisible character at ``offset`` in a text."""

    offset: int
    char: str


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI)


def _joins_emoji(text: str, index: int) -> bool:
    """Whether the ZWJ at ``index`` joins two emoji (an emoji ZWJ sequence)."""
    before = index - 1
    if before > 0 and text[before] == _VARIATION_SELECTOR_16:
        before -= 1
    after = index + 1
    return before >= 0 and after < len(text) and _is_emoji(text[before]) and _is_emoji(text[after])


def find_hidden(text: str) -> list[Hidden]:
    """Every invisible character in ``text`` that is refused, in order."""
    found = format_characters(text)
    if not found:
        return []
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(found)) + "]")
    return [
        Hidden(m.start(), m.group())
        for m in pattern.finditer(text)
        if not (m.group() == ZERO_WIDTH_JOINER and _joins_emoji(text, m.start()))
    ]


def check_hidden(
    path: str, where: str, text: str, line: int | None, *, multiline: bool = False
) -> Iterator[Finding]:
    """One error per line of ``text`` holding refused invisible characters, naming each
    character and where it is. ``line`` is the file line of the text (a front-matter value:
    every character is reported on it); with ``multiline`` (a body) each is reported on its
    own line, counted from ``line``."""
    hidden = find_hidden(text)
    if not hidden:
        return
    groups: dict[int | None, list[tuple[int, Hidden]]] = {}
    for each in hidden:
        start = text.rfind("\n", 0, each.offset) + 1 if multiline else 0
        row = line + text.count("\n", 0, each.offset) if multiline and line is not None else line
        groups.setdefault(row, []).append((each.offset - start + 1, each))
    place = _("{char} (column {column})") if multiline else _("{char} (character {column})")
    for row, entries in groups.items():
        first: dict[str, int] = {}
        for column, each in entries:
            first.setdefault(each.char, column)
        named = [
            place.format(char=describe(c), column=col) for c, col in list(first.items())[:NAMED]
        ]
        more = len(first) - len(named)
        listed = ", ".join(named) + (_(" and {more} more").format(more=more) if more > 0 else "")
        count = len(entries)
        what = (
            _("an invisible character")
            if count == 1
            else ngettext("{count} invisible character", "{count} invisible characters", count)
        ).format(count=count)
        yield error(
            path,
            row,
            RULE,
            ngettext(
                "{where}: found {what}: {listed}; expected only characters readers see (no"
                " bidi control, zero-width or other Unicode format character: the page would"
                " read otherwise than the reviewed text): remove it",
                "{where}: found {what}: {listed}; expected only characters readers see (no"
                " bidi control, zero-width or other Unicode format character: the page would"
                " read otherwise than the reviewed text): remove them",
                count,
            ).format(where=where, what=what, listed=listed),
        )


def check_published(path: str, source: str, published: str, line: int | None) -> Iterator[Finding]:
    """Invisible characters the page shows that its source does not: written as character
    references (``&#x202E;``), which the check of the source cannot see."""
    shown = {h.char for h in find_hidden(published)}
    new = sorted(shown - {h.char for h in find_hidden(source)})
    if not new:
        return
    named = ", ".join(describe(c) for c in new[:NAMED])
    yield error(
        path,
        line,
        RULE,
        _(
            "body as published: character references produce {count} invisible"
            " character(s): {named}; expected only characters readers see (the page would read"
            " otherwise than the reviewed text): remove them"
        ).format(count=len(new), named=named),
    )
