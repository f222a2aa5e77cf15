"""Personal data (UU 27/2022, Pelindungan Data Pribadi): what looks like a citizen's NIK,
a personal phone number or a personal e-mail address in a news item, and photos of minors
without a recorded basis. Each is an error, unless acknowledged as a false positive in the
item's ``pii_ack`` list, which is part of the signed content, so the approver's signature
covers the acknowledgement. Texts are scanned as the eye reads them (NFKC, without format
characters), so that full-width digits or a zero-width space inside a number hide nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from warta.model.findings import Finding, error
from warta.model.invisible import normalised
from warta.model.item import NewsItem
from warta.model.translate import N_, _

# 16 digits, written together or grouped 6-6-4 or 4-4-4-4, not part of a longer number.
_NIK = re.compile(
    r"(?<![\d.])(?:\d{6}[ .]?\d{6}[ .]?\d{4}|\d{4}([ .-])\d{4}\1\d{4}\1\d{4})(?![.-]?\d)"
)
#: The province codes a NIK starts with (Kemendagri): a number starting otherwise is no NIK.
_PROVINCES = frozenset(
    (
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 98),
    )
)
# Indonesian mobile numbers: 08xx / +628xx / 628xx, 10-13 digits, with optional separators.
#: A mobile number; a letter may stand right before it (``WA081234567890``, a slug's
#: ``budi081234567890``: found by an independent attack), a digit may not.
_PHONE = re.compile(r"(?<![\d+])(?:\+62|62|0)[ -]?8\d{1,2}(?:[ .-]?\d{2,4}){2,3}(?![\d])")
# Starts only where a run of address characters starts: tried at every position of a long
# run (a base64 image in the body), the pattern would take quadratic time.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
#: E-mail domains that are institutional, not personal.
INSTITUTIONAL = (".go.id", ".ac.id", ".sch.id", ".mil.id", ".or.id")


@dataclass(frozen=True)
class Match:
    rule: str
    text: str
    offset: int


def _plausible_nik(text: str) -> bool:
    """Province, regency and district codes, a birth date (day + 40 for women) and a
    serial number that could all be real."""
    digits = re.sub(r"\D", "", text)
    province, regency, district = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day, month, serial = int(digits[6:8]), int(digits[8:10]), int(digits[12:16])
    return (
        province in _PROVINCES
        and regency > 0
        and district > 0
        and (1 <= day <= 31 or 41 <= day <= 71)
        and 1 <= month <= 12
        and serial > 0
    )


#: What every NIK match contains (eight digits, perhaps split by one separator): a quick
#: search that spares the slower NIK pattern most texts.
_NIK_HINT = re.compile(r"\d{4}[ .-]?\d{4}")


def scan(text: str) -> Iterator[Match]:
    """Everything in ``text`` that looks like personal data."""
    if _NIK_HINT.search(text):
        for m in _NIK.finditer(text):
            if _plausible_nik(m.group(0)):
                yield Match("pii.nik", m.group(0), m.start())
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 10 <= len(digits) <= 14:
            yield Match("pii.phone", m.group(0), m.start())
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        domain = m.group(1).lower()
        if not domain.endswith(INSTITUTIONAL):
            yield Match("pii.email", m.group(0), m.start())


WHAT = {
    "pii.nik": N_("a NIK (16-digit national ID number)"),
    "pii.phone": N_("a personal phone number"),
    "pii.email": N_("a personal e-mail address"),
}


#: Keys whose values are identifiers, dates, paths or digests, not prose (``pii_ack`` quotes
#: what it acknowledges). The slug is read: it is the item's address, shown wherever the
#: page is linked (``budi-0812-3456-7890`` was published; found by an independent attack).
NOT_PROSE = frozenset({"id", "date", "embargo", "files", "pii_ack", "src"})


def acknowledged(fields: Mapping[str, object]) -> set[tuple[str, str]]:
    """(rule, text) pairs the item acknowledges as not personal data (the text normalised
    as the scan reads it)."""
    out: set[tuple[str, str]] = set()
    acks = fields.get("pii_ack")
    if isinstance(acks, list):
        for ack in acks:
            if isinstance(ack, Mapping):
                rule, text, reason = ack.get("rule"), ack.get("text"), ack.get("reason")
                if (
                    isinstance(rule, str)
                    and isinstance(text, str)
                    and isinstance(reason, str)
                    and reason.strip()
                ):
                    out.add((rule, normalised(text)))
    return out


def _line_at(value: object, index: int, default: int | None) -> int | None:
    """The line of a list's ``index``-th entry, where the reader recorded it."""
    line_at = getattr(value, "line_at", None)
    found = line_at(index) if callable(line_at) else None
    return found if isinstance(found, int) else default


def _line_of(value: object, key: str, default: int | None) -> int | None:
    """The line of a mapping's ``key``, where the reader recorded it."""
    line_of = getattr(value, "line_of", None)
    found = line_of(key) if callable(line_of) else None
    return found if isinstance(found, int) else default


def _strings(value: object, where: str, line: int | None) -> Iterator[tuple[str, str, int | None]]:
    if isinstance(value, str):
        yield where, value, line
    elif isinstance(value, Mapping):
        for key, child in value.items():
            if key not in NOT_PROSE:
                yield from _strings(child, f"{where}.{key}", _line_of(value, key, line))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, f"{where}[{index}]", _line_at(value, index, line))


def _texts(item: NewsItem) -> Iterator[tuple[str, str, int | None]]:
    """(where, text, first line) of every place personal data could hide: every text of the
    content front-matter but identifiers, dates, paths and digests, and the body."""
    for key, value in item.fields.items():
        if key not in NOT_PROSE:
            yield from _strings(value, key, item.line_of(key))
    yield "body", item.body, item.body_line


def check_personal_data(item: NewsItem) -> Iterator[Finding]:
    acks = acknowledged(item.fields)
    for where, original, first in _texts(item):
        text = normalised(original)  # keeps every line break: rows still count
        breaks: list[int] | None = None  # offsets of the line breaks, found once if needed
        rows: tuple[list[str], list[str]] | None = None
        for match in scan(text):
            if (match.rule, match.text) in acks:
                continue
            if breaks is None:
                breaks = [m.start() for m in re.finditer("\n", text)]
            row = bisect.bisect_left(breaks, match.offset)
            line = first + row if where == "body" and first is not None else first
            hint = ""
            if text != original:
                rows = rows or (original.split("\n"), text.split("\n"))
                if rows[0][row] != rows[1][row]:
                    hint = _(
                        " (read as shown: full-width forms and invisible characters normalised)"
                    )
            yield error(
                item.path,
                line,
                match.rule,
                _(
                    "{where}: found what looks like {what}: {text!r}{hint};"
                    " expected no personal data (UU 27/2022) — remove it, or acknowledge a"
                    " false positive under pii_ack with rule, text and reason"
                ).format(
                    where=_("body") if where == "body" else where,
                    what=_(WHAT[match.rule]),
                    text=match.text,
                    hint=hint,
                ),
            )
    image = item.fields.get("image")
    if isinstance(image, Mapping) and image.get("shows_minor") is True:
        basis = image.get("minor_basis")
        if not (isinstance(basis, str) and basis.strip()):
            yield error(
                item.path,
                item.line_of("image"),
                "pii.minor",
                _(
                    "the photo is marked as showing a minor (shows_minor: true) but no basis"
                    " was found; expected image.minor_basis, e.g. the parents' written"
                    " consent (children's data is specific personal data, UU 27/2022)"
                ),
            )


def check_published_text(
    item: NewsItem, published: str, raw_found: set[tuple[str, str]] | None = None
) -> Iterator[Finding]:
    """Personal data in the body *as readers see it* (``published``: the rendered page's
    text, tags removed, character references decoded) that the Markdown hid from the scan
    of the source: backslash escapes, emphasis between digits, ``&#64;`` for '@'. Reported
    on the body's first line, since rendering keeps no line numbers."""
    acks = acknowledged(item.fields)
    seen = (
        raw_found
        if raw_found is not None
        else {(m.rule, m.text) for m in scan(normalised(item.body))}
    )
    reported: set[tuple[str, str]] = set()
    for match in scan(normalised(published)):
        key = (match.rule, match.text)
        if key in acks or key in seen or key in reported:
            continue
        reported.add(key)
        yield error(
            item.path,
            item.body_line,
            match.rule,
            _(
                "body as published: found what looks like {what}: {text!r}"
                " (written with Markdown escapes, emphasis or character references, so the"
                " source does not show it plainly); expected no personal data (UU 27/2022) —"
                " remove it, or acknowledge a false positive under pii_ack with rule, text and"
                " reason"
            ).format(what=_(WHAT[match.rule]), text=match.text),
        )
