"""Typed extraction from parsed YAML with findings that name file, line, rule, expected, found."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from warta.adapters.yamlnodes import YList, YMap
from warta.i18n import N_, _
from warta.model.findings import Finding, error, visible, warning
from warta.model.invisible import check_hidden
from warta.model.item import iso_day, iso_moment

#: The years a date or date-time may fall in: anything else is a typo, and near the ends of
#: the calendar converting it to another time zone, or adding a standard time, would overflow.
MOMENT_YEARS = range(1900, 3000)
_Moment = TypeVar("_Moment", bound=date)

#: The UTC offsets of real time zones (UTC-12:00 to UTC+14:00).
OFFSETS = (timedelta(hours=-12), timedelta(hours=14))


def implausible(moment: date) -> str | None:
    """What a date or date-time must be and is not (years 1900-2999, a real time zone's
    offset), or None when it is plausible."""
    if moment.year not in MOMENT_YEARS:
        return _("between the years {first} and {last}").format(
            first=MOMENT_YEARS.start, last=MOMENT_YEARS.stop - 1
        )
    offset = moment.utcoffset() if isinstance(moment, datetime) else None
    if offset is not None and not OFFSETS[0] <= offset <= OFFSETS[1]:
        return _("with a UTC offset between -12:00 and +14:00 (a real time zone's)")
    return None


def type_name(value: object) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("a boolean ({value})").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("a number ({value})").format(value=value)
    if isinstance(value, str):
        return _("text {value!r}").format(value=value[:40])
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return type(value).__name__


class Reader:
    """Pulls typed values out of one YAML mapping; every problem becomes a finding."""

    def __init__(self, data: YMap, path: str, findings: list[Finding], where: str = "") -> None:
        self.data = data
        self.path = path
        self.findings = findings
        self.where = where

    def _name(self, key: str) -> str:
        return f"{self.where}{key}"

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def fail(self, key: str, rule: str, message: str) -> None:
        self.findings.append(error(self.path, self.line(key), rule, message))

    def _over(self, key: str, rule: str, message: str, most: int, found: int) -> None:
        """A limit passed: ``message`` (marked with N_) names the key, the limit and what
        was found."""
        self.fail(key, rule, _(message).format(name=self._name(key), most=most, found=found))

    def missing(self, key: str, expected: str) -> None:
        self.findings.append(
            error(
                self.path,
                self.data.line_of(key),  # the key's line if it is there but empty
                "schema.missing",
                _("'{name}' is required; expected {expected}, found nothing").format(
                    name=self._name(key), expected=expected
                ),
            )
        )

    def wrong(self, key: str, expected: str, value: object) -> None:
        self.fail(
            key,
            "schema.type",
            _("'{name}' must be {expected}; found {found}").format(
                name=self._name(key), expected=expected, found=type_name(value)
            ),
        )

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        default: str = "",
        longest: int | None = None,
        line: bool = False,
    ) -> str | None:
        """The text under ``key``; None (with a finding) if it is not text or, with
        ``longest``, has more characters (an unsigned draft's text is listed in every
        preview and report, so it is shown nowhere then), or, with ``line``, holds a control
        character (C0, DEL, C1: YAML's escapes write any of them, and a title goes into
        commit messages, reports and terminals)."""
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing(key, _("text"))
                return None
            return default
        value = self.data[key]
        if isinstance(value, str) and longest is not None and len(value) > longest:
            self._over(
                key,
                "schema.too-long",
                N_("'{name}' must be at most {most} characters; found {found}"),
                longest,
                len(value),
            )
            return None
        if isinstance(value, str) and line and (found := _control(value)) is not None:
            self.fail(
                key,
                "text.control",
                _(
                    "'{name}' must be one line of text without control characters; found {char}"
                ).format(name=self._name(key), char=visible(found)),
            )
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.wrong(key, _("text (quote it)"), value)
            return None
        self.wrong(key, _("text"), value)
        return None

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.wrong(key, _("true or false"), value)
        return default

    def integer(self, key: str) -> int | None:
        if key not in self.data:
            self.missing(key, _("a whole number"))
            return None
        value = self.data[key]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        self.wrong(key, _("a whole number"), value)
        return None

    def text_list(
        self, key: str, *, required: bool = False, most: int | None = None, longest: int = 0
    ) -> tuple[str, ...] | None:
        """The list of text at ``key``; None (after a finding) for anything else, or for more
        than ``most`` entries or an entry over ``longest`` characters (when given)."""
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing(key, _("a list of text"))
                return None
            return ()
        value = self.data[key]
        if not isinstance(value, list):
            self.wrong(key, _("a list of text"), value)
            return None
        out: list[str] = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                line = value.line_at(index) if isinstance(value, YList) else self.line(key)
                self.findings.append(
                    error(
                        self.path,
                        line,
                        "schema.type",
                        _("'{name}' entries must be text; found {found}").format(
                            name=self._name(key), found=type_name(entry)
                        ),
                    )
                )
                return None
            if longest and len(entry) > longest:
                line = value.line_at(index) if isinstance(value, YList) else self.line(key)
                self.findings.append(
                    error(
                        self.path,
                        line,
                        "schema.too-long",
                        _(
                            "'{name}' entries must be at most {most} characters; found one"
                            " of {found}"
                        ).format(name=self._name(key), most=longest, found=len(entry)),
                    )
                )
                return None
            out.append(entry)
        if most is not None and len(out) > most:
            self._over(
                key,
                "schema.too-many",
                N_("'{name}' must have at most {most} entries; found {found}"),
                most,
                len(out),
            )
            return None
        return tuple(out)

    def mapping(self, key: str, *, required: bool = True) -> YMap | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing(key, _("a mapping"))
            return None
        value = self.data[key]
        if isinstance(value, YMap):
            return value
        self.wrong(key, _("a mapping"), value)
        return None

    def seq(self, key: str, *, required: bool = True) -> YList | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing(key, _("a list"))
            return None
        value = self.data[key]
        if isinstance(value, YList):
            return value
        self.wrong(key, _("a list"), value)
        return None

    def day(self, key: str, *, required: bool = False) -> date | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing(key, _("a date (YYYY-MM-DD)"))
            return None
        value = self.data[key]
        if isinstance(value, str) and (day := iso_day(value)) is not None:
            return self.plausible(key, day, value, "date.range", _("a date"))
        self.wrong(key, _("a date (YYYY-MM-DD)"), value)
        return None

    def plausible(
        self, key: str, moment: _Moment, text: str, rule: str, what: str
    ) -> _Moment | None:
        """``moment`` if it is plausible (:func:`implausible`), else None and a finding."""
        problem = implausible(moment)
        if problem is None:
            return moment
        self.fail(
            key,
            rule,
            _("'{name}' must be {what} {problem}; found {text!r}").format(
                name=self._name(key), what=what, problem=problem, text=text
            ),
        )
        return None

    def moment(self, key: str) -> datetime | None:
        """An ISO 8601 date-time that must carry a UTC offset."""
        if key not in self.data or self.data[key] is None:
            self.missing(key, _("a date-time with offset, e.g. 2026-11-20T09:30:00+07:00"))
            return None
        value = self.data[key]
        if not isinstance(value, str):
            self.wrong(key, _("a date-time with offset"), value)
            return None
        parsed = iso_moment(value)
        if parsed is None:
            self.fail(
                key,
                "time.format",
                _("'{name}' must be an ISO 8601 date-time with offset; found {value!r}").format(
                    name=self._name(key), value=value
                ),
            )
            return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail(
                key,
                "time.no-offset",
                _(
                    "'{name}' must carry a UTC offset (e.g. +07:00 for WIB);"
                    " found {value!r} with none"
                ).format(name=self._name(key), value=value),
            )
            return None
        return self.plausible(key, parsed, value, "time.range", _("a date-time"))

    def unknown_keys(self, allowed: Iterable[str], *, severity_error: bool = True) -> None:
        allowed_set = set(allowed)
        for key in self.data:
            if key in allowed_set:
                continue
            hint = ", ".join(sorted(allowed_set))
            message = _("unknown key '{name}'; expected one of: {hint}").format(
                name=self._name(key), hint=hint
            )
            make = error if severity_error else warning
            self.findings.append(make(self.path, self.line(key), "schema.unknown-key", message))


def as_map(value: Any, path: str, line: int, what: str, findings: list[Finding]) -> YMap | None:
    if isinstance(value, YMap):
        return value
    findings.append(
        error(
            path,
            line,
            "schema.type",
            _("{what} must be a mapping; found {found}").format(what=what, found=type_name(value)),
        )
    )
    return None


def _control(text: str) -> str | None:
    """The first control character (C0, DEL, C1) in ``text``, if any."""
    return next((ch for ch in text if unicodedata.category(ch) == "Cc"), None)


def hidden_text(data: YMap, display: str) -> Iterator[Finding]:
    """Invisible characters (bidi controls, zero-width and other format characters) in any
    key or text value of ``data``, each named with the line of its key or entry."""
    stack: list[tuple[object, str, int]] = [(data, "", data.line)]
    while stack:
        value, where, line = stack.pop()
        if isinstance(value, str):
            yield from check_hidden(display, where, value, line)
        elif isinstance(value, YMap):
            for key, child in reversed(value.items()):
                name = f"{where}.{key}" if where else key
                yield from check_hidden(
                    display, _("the key '{name}'").format(name=name), key, value.line_of(key)
                )
                stack.append((child, name, value.line_of(key)))
        elif isinstance(value, YList):
            for index in reversed(range(len(value))):
                stack.append((value[index], f"{where}[{index}]", value.line_at(index)))
