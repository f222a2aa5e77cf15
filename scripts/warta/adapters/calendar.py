"""The ``office`` section of workflow/sop.yml: time zone, working days, office hours, holidays.

Problems are findings naming file and line, like the rest of the workflow files.
"""

from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warta.adapters.schema import Reader, implausible, type_name
from warta.adapters.yamlnodes import YList
from warta.i18n import _
from warta.model.findings import Finding, error
from warta.model.item import iso_day
from warta.model.office import Calendar, WeekHours, week_hours

WEEKDAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "sabtu": 5,
    "minggu": 6,
}


def read_office(top: Reader, display: str, findings: list[Finding]) -> tuple[Calendar, str]:
    """The ``office`` section of sop.yml: the calendar (working days, holidays, office hours)
    and the time zone; the defaults (Monday to Friday, no holidays, no office hours, WIB)
    when it is absent."""
    node = top.mapping("office", required=False)
    if node is None:
        return Calendar(), "Asia/Jakarta"
    r = Reader(node, display, findings, where="office.")
    r.unknown_keys({"timezone", "working_days", "hours", "holidays"})
    zone = r.text("timezone", required=False, default="Asia/Jakarta") or "Asia/Jakarta"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail(
            "timezone",
            "workflow.timezone",
            _(
                "unknown time zone {zone!r}; expected e.g. "
                "Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
            ).format(zone=zone),
        )
        zone = "Asia/Jakarta"
    days = r.text_list("working_days")
    if days is not None and not days:  # (it silently meant Monday to Friday)
        r.fail(
            "working_days",
            "workflow.weekday",
            _(
                "working_days lists no day; expected the office's working days (e.g. [senin,"
                " selasa, rabu, kamis, jumat]), or no working_days for Monday to Friday"
            ),
        )
    weekdays: set[int] = set()
    for day in days or ("senin", "selasa", "rabu", "kamis", "jumat"):
        if day.lower() not in WEEKDAYS:
            r.fail(
                "working_days",
                "workflow.weekday",
                _("unknown weekday {day!r}; expected one of {days}").format(
                    day=day, days=", ".join(WEEKDAYS)
                ),
            )
        else:
            weekdays.add(WEEKDAYS[day.lower()])
    holidays: set[date] = set()
    listed = node.get("holidays")
    for index, text in enumerate(r.text_list("holidays") or ()):
        # each date on its own line (a long list names the wrong one otherwise)
        line = listed.line_at(index) if isinstance(listed, YList) else r.line("holidays")
        holiday = iso_day(text)
        if holiday is None:
            findings.append(
                error(
                    display,
                    line,
                    "schema.type",
                    _("holiday must be a date YYYY-MM-DD; found {value!r}").format(value=text),
                )
            )
            continue
        problem = implausible(holiday)
        if problem is not None:
            findings.append(
                error(
                    display,
                    line,
                    "date.range",
                    _("'office.holidays' must be dates {problem}; found {value!r}").format(
                        problem=problem, value=text
                    ),
                )
            )
            continue
        holidays.add(holiday)
    hours = _hours(r, display, findings, weekdays)
    return Calendar(frozenset(weekdays), frozenset(holidays), hours), zone


_HOURS = re.compile(r"^\s*([0-9]{2}:[0-9]{2})\s*-\s*([0-9]{2}:[0-9]{2})\s*\Z")


def _hours(r: Reader, display: str, findings: list[Finding], weekdays: set[int]) -> WeekHours:
    """``office.hours``: for each working day one 'HH:MM-HH:MM' or a list of them (a break
    between); empty (no office hours, calendar time) when absent."""
    node = r.mapping("hours", required=False)
    if node is None:
        return ()
    days: dict[int, list[tuple[time, time]]] = {}
    working = ", ".join(name for name, number in WEEKDAYS.items() if number in weekdays)
    for name, value in node.items():
        line = node.line_of(name)
        where = f"office.hours.{name}"
        number = WEEKDAYS.get(str(name).lower())
        if number is None:
            findings.append(
                error(
                    display,
                    line,
                    "workflow.weekday",
                    _("office.hours: unknown weekday {day!r}; expected one of {days}").format(
                        day=str(name)[:20], days=", ".join(WEEKDAYS)
                    ),
                )
            )
            continue
        if number not in weekdays:
            findings.append(
                error(
                    display,
                    line,
                    "workflow.office-hours",
                    _(
                        "{where}: {day} is not a working day; expected hours only for the"
                        " working_days ({working})"
                    ).format(where=where, day=name, working=working),
                )
            )
            continue
        entries = list(enumerate(value)) if isinstance(value, YList) else [(None, value)]
        spans: list[tuple[time, time]] = []
        for index, entry in entries:
            at = line if index is None or not isinstance(value, YList) else value.line_at(index)
            span = _span(entry, display, at, where, findings)
            if span is None:
                continue
            clash = next((s for s in spans if span[0] < s[1] and s[0] < span[1]), None)
            if clash is not None:
                findings.append(
                    error(
                        display,
                        at,
                        "workflow.office-hours",
                        _(
                            "{where}: hours {span} overlap {clash}; expected"
                            " separate stretches of the day"
                        ).format(where=where, span=_text(span), clash=_text(clash)),
                    )
                )
                continue
            spans.append(span)
        if not entries:
            findings.append(
                error(
                    display,
                    line,
                    "workflow.office-hours",
                    _(
                        "{where}: expected hours as HH:MM-HH:MM (e.g. 07:30-16:00); found none"
                    ).format(where=where),
                )
            )
        days[number] = spans
    for name, number in WEEKDAYS.items():
        if number in weekdays and number not in days:
            findings.append(
                error(
                    display,
                    r.line("hours"),
                    "workflow.office-hours",
                    _(
                        "office.hours: working day {day} has no hours; expected hours for every"
                        " working day ({working})"
                    ).format(day=name, working=working),
                )
            )
    return week_hours(days)


def _text(span: tuple[time, time]) -> str:
    return f"{span[0]:%H:%M}-{span[1]:%H:%M}"


def _span(
    entry: object, display: str, line: int, where: str, findings: list[Finding]
) -> tuple[time, time] | None:
    """One stretch of office hours, 'HH:MM-HH:MM' with opening before closing."""
    match = _HOURS.match(entry) if isinstance(entry, str) else None
    try:
        span = (time.fromisoformat(match[1]), time.fromisoformat(match[2])) if match else None
    except ValueError:
        span = None
    if span is None:
        found = repr(entry[:20]) if isinstance(entry, str) else type_name(entry)
        findings.append(
            error(
                display,
                line,
                "workflow.office-hours",
                _(
                    "{where}: expected hours as HH:MM-HH:MM (e.g. 07:30-16:00); found {found}"
                ).format(where=where, found=found),
            )
        )
        return None
    if span[0] >= span[1]:
        findings.append(
            error(
                display,
                line,
                "workflow.office-hours",
                _("{where}: the office must open before it closes; found {span}").format(
                    where=where, span=_text(span)
                ),
            )
        )
        return None
    return span
