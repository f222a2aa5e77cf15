"""YAML 1.2 core-schema scalars on PyYAML.

PyYAML resolves plain scalars by the YAML 1.1 rules: ``yes``, ``no``, ``on`` and ``off`` are
booleans, ``010`` is octal, ``1:00:00`` is a sexagesimal number (and a long one takes seconds
to convert), ``2026-11-02`` is a date. The loader here resolves them as YAML 1.2's core schema
does: ``null``/``~``/empty, ``true``/``false`` (three spellings each), decimal, ``0o`` and
``0x`` integers and decimal floats; everything else, dates and times included, is text exactly
as written (the readers parse dates themselves, and signed payloads see what the author wrote).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml

from warta.i18n import _

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
STR = "tag:yaml.org,2002:str"
MERGE = "tag:yaml.org,2002:merge"
#: The scalar tags a document may name explicitly (``!!str 5``); no others.
SCALAR_TAGS = frozenset({NULL, BOOL, INT, FLOAT, STR})

#: The longest number read (a 4,000-digit integer would fail the content digest).
MAX_NUMBER = 32

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NOT_FINITE = re.compile(r"(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_FLOAT_ALL = re.compile(f"(?:{_FLOAT.pattern[:-2]}|{_NOT_FINITE.pattern[:-2]})\\Z")


#: libyaml (C) when PyYAML was built with it: fast, and it bounds nesting itself.
_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CoreLoader(_BASE):  # type: ignore[misc]
    """PyYAML's safe loader resolving plain scalars by the YAML 1.2 core schema (and ``<<``
    as a merge key, so that it can be refused rather than read as text)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {}


for _tag, _pattern, _first in (
    (NULL, _NULL, ["~", "n", "N", ""]),
    (BOOL, _BOOL, list("tTfF")),
    (INT, _INT, list("-+0123456789")),
    (FLOAT, _FLOAT_ALL, list("-+.0123456789")),
    (MERGE, re.compile(r"<<\Z"), ["<"]),
):
    CoreLoader.add_implicit_resolver(_tag, _pattern, _first)


class ScalarError(ValueError):
    """A scalar that is not what its tag says; ``rule`` names why."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


def construct(tag: str, value: str) -> object:
    """The Python value of a scalar with a core-schema ``tag`` (resolved or explicit).
    Raises ScalarError for a value its tag cannot hold, a number longer than MAX_NUMBER
    characters, and infinities and NaN."""
    if tag == STR:
        return value
    if tag in (INT, FLOAT) and len(value) > MAX_NUMBER:
        raise ScalarError(
            _(
                "expected a number of at most {most} characters here, found one of"
                " {length} (quote it if it is text)"
            ).format(most=MAX_NUMBER, length=len(value)),
            "yaml.number",
        )
    if tag == NULL and _NULL.match(value):
        return None
    if tag == BOOL and _BOOL.match(value):
        return value[0] in "tT"
    if tag == INT:
        if _DECIMAL.match(value):
            return int(value, 10)
        if _OCTAL.match(value):
            return int(value[2:], 8)
        if _HEX.match(value):
            return int(value[2:], 16)
    if tag == FLOAT:
        if _NOT_FINITE.match(value):
            raise ScalarError(
                _("expected a finite number, found {value!r}").format(value=value), "yaml.number"
            )
        if _FLOAT.match(value):
            number = float(value)
            if not math.isfinite(number):
                raise ScalarError(
                    _("expected a finite number, found {value!r} (too large)").format(value=value),
                    "yaml.number",
                )
            return number
    raise ScalarError(
        _(
            "YAML value does not parse: expected a plain value, found {value!r} (tagged"
            " !!{tag}, which it is not)"
        ).format(value=value[:40], tag=tag.rsplit(":", 1)[-1]),
        "yaml.syntax",
    )
