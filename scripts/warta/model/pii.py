"""Personal data (UU 27/2022, Pelindungan Data Pribadi): what looks like a citizen's NIK,
a personal phone number or a personal e-mail address in a news item, and photos of minors
without a recorded basis. These are warnings (``--strict`` makes them block publication);
a false positive is acknowledged in the item's ``pii_ack`` list, which is part of the signed
content, so the approver's signature covers the acknowledgement.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from warta.model.findings import Finding, warning
from warta.model.item import NewsItem

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
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ -]?8\d{1,2}(?:[ .-]?\d{2,4}){2,3}(?![\d])")
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
    "pii.nik": "a NIK (16-digit national ID number)",
    "pii.phone": "a personal phone number",
    "pii.email": "a personal e-mail address",
}


def acknowledged(fields: Mapping[str, object]) -> set[tuple[str, str]]:
    """(rule, text) pairs the item acknowledges as not personal data."""
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
                    out.add((rule, text))
    return out


def _texts(item: NewsItem) -> Iterator[tuple[str, str, int | None]]:
    """(where, text, first line) of every place personal data could hide."""
    for key in ("title", "description"):
        value = item.fields.get(key)
        if isinstance(value, str):
            yield key, value, item.line_of(key)
    image = item.fields.get("image")
    if isinstance(image, Mapping):
        for key in ("caption", "alt", "credit"):
            value = image.get(key)
            if isinstance(value, str):
                yield f"image.{key}", value, item.line_of("image")
    yield "body", item.body, item.body_line


def check_personal_data(item: NewsItem) -> Iterator[Finding]:
    acks = acknowledged(item.fields)
    for where, text, first in _texts(item):
        breaks: list[int] | None = None  # offsets of the line breaks, found once if needed
        for match in scan(text):
            if (match.rule, match.text) in acks:
                continue
            line = first
            if where == "body" and first is not None:
                if breaks is None:
                    breaks = [m.start() for m in re.finditer("\n", text)]
                line = first + bisect.bisect_left(breaks, match.offset)
            yield warning(
                item.path,
                line,
                match.rule,
                f"{where}: found what looks like {WHAT[match.rule]}: {match.text!r};"
                " expected no personal data (UU 27/2022) — remove it, or acknowledge a"
                " false positive under pii_ack with rule, text and reason",
            )
    image = item.fields.get("image")
    if isinstance(image, Mapping) and image.get("shows_minor") is True:
        basis = image.get("minor_basis")
        if not (isinstance(basis, str) and basis.strip()):
            yield warning(
                item.path,
                item.line_of("image"),
                "pii.minor",
                "the photo is marked as showing a minor (shows_minor: true) but no basis"
                " was found; expected image.minor_basis, e.g. the parents' written"
                " consent (children's data is specific personal data, UU 27/2022)",
            )
