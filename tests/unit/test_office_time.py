"""Office time: minute and hour standards count only office hours on working days that are no
holiday; day standards count working days; every duration is shown in the unit of its
standard. The calendar is the one of workflow/sop.yml: Senin-Kamis 07:30-16:00, Jumat
07:30-16:30, 2026's libur nasional and cuti bersama.

November 2026: Friday 6, Monday 9. December 2026: Thursday 24 (cuti bersama), Friday 25
(Natal)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from builders import OFFICE, OFFICE_HOURS, WIB, at, minutes, working_days
from hypothesis import given, settings
from hypothesis import strategies as st

from warta.model.office import Calendar, StandardTime, TimeUnit, format_office, week_hours

HOURS = StandardTime(2, TimeUnit.JAM)
#: the calendar without office hours: time runs on the calendar (sop.yml without `hours`)
PLAIN = Calendar(OFFICE.working_weekdays, OFFICE.holidays)


# ---- office minutes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "office"),
    [
        # the weekend: Friday 16:00-16:30 and Monday 07:30-07:35
        ("2026-11-06 16:00", "2026-11-09 07:35", 35),
        # Friday closes at 16:30, Thursday at 16:00
        ("2026-11-05 15:50", "2026-11-05 16:20", 10),
        ("2026-11-06 15:50", "2026-11-06 16:20", 30),
        # overnight: Monday 15:00-16:00 and Tuesday 07:30-08:00
        ("2026-11-09 15:00", "2026-11-10 08:00", 90),
        # before opening: only from 07:30
        ("2026-11-09 06:00", "2026-11-09 07:40", 10),
        # after closing: nothing
        ("2026-11-09 16:10", "2026-11-09 23:00", 0),
        # on a Saturday and a Sunday: nothing
        ("2026-11-07 09:00", "2026-11-08 17:00", 0),
        # a whole week, Monday opening to Monday opening: 4 x 8.5 hours + 9 hours
        ("2026-11-09 07:30", "2026-11-16 07:30", 4 * 510 + 540),
        # Wednesday 23 December to Monday 28: Thursday (cuti bersama) and Friday (Natal) off
        ("2026-12-23 15:58", "2026-12-28 07:33", 5),
        # Tuesday 16 June (1 Muharam) is a holiday: Monday 15:00 to Wednesday 08:00
        ("2026-06-15 15:00", "2026-06-17 08:00", 90),
        # the same moment, or an end before the start: nothing
        ("2026-11-09 10:00", "2026-11-09 10:00", 0),
        ("2026-11-09 10:00", "2026-11-09 09:00", 0),
    ],
)
def test_office_minutes(start: str, end: str, office: int) -> None:
    assert OFFICE.office_minutes(at(start), at(end)) == office


def test_office_time_reads_both_moments_on_the_office_clock() -> None:
    # Monday 07:35 WIB is 00:35 UTC
    end = datetime.fromisoformat("2026-11-09T00:35:00+00:00")
    assert OFFICE.office_minutes(at("2026-11-06 16:00"), end) == 35


def test_a_day_with_a_break_counts_only_its_stretches() -> None:
    lunch = week_hours({0: [(time(7, 30), time(12)), (time(13), time(16))]})
    calendar = Calendar(frozenset({0}), frozenset(), lunch)
    assert calendar.office_minutes(at("2026-11-09 11:55"), at("2026-11-09 13:05")) == 10


def test_without_office_hours_time_runs_on_the_calendar() -> None:
    assert PLAIN.office_time(at("2026-11-06 16:00"), at("2026-11-09 07:35")) == timedelta(
        days=2, hours=15, minutes=35
    )


# ---- working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # done as it began, or before: none
        ("2026-11-06 08:04", "2026-11-06 08:04", 0),
        # a working day begun counts whole
        ("2026-11-06 08:04", "2026-11-06 15:00", 1),
        # Friday to Monday at the same time: one working day
        ("2026-11-06 08:04", "2026-11-09 08:04", 1),
        ("2026-11-06 08:04", "2026-11-09 08:05", 2),
        # Friday to the next Friday: five
        ("2026-11-06 08:04", "2026-11-13 08:04", 5),
        ("2026-11-06 08:04", "2026-11-13 09:30", 6),
        # begun on a Saturday: counts from Monday's opening
        ("2026-11-07 10:00", "2026-11-09 15:00", 1),
        ("2026-11-07 10:00", "2026-11-10 07:30", 1),
        ("2026-11-07 10:00", "2026-11-10 07:31", 2),
        # begun after closing: counts from the next opening
        ("2026-11-09 18:00", "2026-11-10 16:00", 1),
        # begun at 16:20 on a Friday: Monday closes at 16:00, so one day is up then
        ("2026-11-06 16:20", "2026-11-09 16:00", 1),
        ("2026-11-06 16:20", "2026-11-09 16:01", 2),
        # Monday 21 December: Thursday 24 and Friday 25 are off, so five days end Wednesday 30
        ("2026-12-21 10:00", "2026-12-30 10:00", 5),
        ("2026-12-21 10:00", "2026-12-30 10:01", 6),
    ],
)
def test_working_days(start: str, end: str, days: int) -> None:
    assert OFFICE.working_days(at(start), at(end)) == days


@pytest.mark.parametrize(
    ("start", "std", "deadline"),
    [
        # minutes run in office time: over the weekend
        ("2026-11-06 16:28", minutes(5), "2026-11-09 07:33"),
        # begun before opening: from 07:30
        ("2026-11-09 06:00", minutes(5), "2026-11-09 07:35"),
        # over Christmas: Wednesday 23 closes at 16:00, Monday 28 opens at 07:30
        ("2026-12-23 15:58", minutes(5), "2026-12-28 07:33"),
        ("2026-11-09 15:00", HOURS, "2026-11-10 08:30"),
        # working days: the same clock time, kept within the day's hours
        ("2026-11-06 10:00", working_days(1), "2026-11-09 10:00"),
        ("2026-11-06 16:20", working_days(1), "2026-11-09 16:00"),
        ("2026-11-07 09:00", working_days(1), "2026-11-10 07:30"),
        ("2026-12-21 10:00", working_days(5), "2026-12-30 10:00"),
    ],
)
def test_deadline_in_office_time(start: str, std: StandardTime, deadline: str) -> None:
    assert OFFICE.deadline(at(start), std) == at(deadline)


@pytest.mark.parametrize("amount", [1, 509, 510, 511, 60 * 24 * 20, 366 * 24 * 60])
def test_a_long_deadline_is_exactly_its_office_time_away(amount: int) -> None:
    start = at("2026-03-17 10:00")  # the Tuesday before Nyepi and Idulfitri
    deadline = OFFICE.deadline(start, minutes(amount))
    assert OFFICE.office_minutes(start, deadline) == amount
    assert OFFICE.office_minutes(start, deadline - timedelta(minutes=1)) == amount - 1


# ---- shown in the unit of the standard -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "std", "text", "exceeded"),
    [
        ("2026-11-06 16:00", "2026-11-09 07:35", minutes(5), "35 menit kerja", True),
        ("2026-11-06 16:28", "2026-11-09 07:33", minutes(5), "5 menit kerja", False),
        ("2026-11-09 15:00", "2026-11-10 08:05", minutes(5), "1 jam 35 menit kerja", True),
        ("2026-11-09 15:00", "2026-11-10 08:30", HOURS, "2 jam kerja", False),
        ("2026-11-09 15:00", "2026-11-10 08:31", HOURS, "2 jam 1 menit kerja", True),
        ("2026-11-06 08:04", "2026-11-13 08:04", working_days(5), "5 hari kerja", False),
        ("2026-11-06 08:04", "2026-11-13 10:00", working_days(5), "6 hari kerja", True),
        # calendar days stay calendar time
        ("2026-11-06 10:00", "2026-11-08 11:00", StandardTime(2, TimeUnit.HARI),
         "2 hari 1 jam", True),
    ],
)
def test_measure_in_the_unit_of_the_standard(
    start: str, end: str, std: StandardTime, text: str, exceeded: bool
) -> None:
    measured = OFFICE.measure(at(start), at(end), std)
    assert (measured.text, measured.exceeded) == (text, exceeded)


def test_without_office_hours_minutes_are_calendar_time_and_days_still_working_days() -> None:
    weekend = PLAIN.measure(at("2026-11-06 16:00"), at("2026-11-09 07:35"), minutes(5))
    assert (weekend.text, weekend.exceeded) == ("2 hari 15 jam 35 menit", True)
    # a week, Thursday to Thursday, is five working days (not '7 hari')
    written = PLAIN.measure(at("2026-11-05 10:00"), at("2026-11-12 10:00"), working_days(5))
    assert (written.text, written.exceeded) == ("5 hari kerja", False)


@pytest.mark.parametrize(
    ("office", "text"),
    [(0, "0 menit kerja"), (12, "12 menit kerja"), (60, "1 jam kerja"),
     (65, "1 jam 5 menit kerja"), (3000, "50 jam kerja")],
)
def test_format_office(office: int, text: str) -> None:
    assert format_office(office) == text


# ---- against counting minute by minute ------------------------------------------------------

_BASE = datetime(2026, 12, 21, 0, 0, tzinfo=WIB)  # a Monday, the week of Christmas


def _by_the_minute(start: datetime, end: datetime) -> int:
    count, moment = 0, start
    while moment < end:
        day = moment.date()
        open_ = [(a, b) for a, b in OFFICE_HOURS[day.weekday()]] if OFFICE.is_working_day(
            day
        ) else []
        if any(a <= moment.time() < b for a, b in open_):
            count += 1
        moment += timedelta(minutes=1)
    return count


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.integers(min_value=0, max_value=9 * 24 * 60),
    st.integers(min_value=0, max_value=9 * 24 * 60),
)
def test_office_minutes_agree_with_counting_minute_by_minute(a: int, b: int) -> None:
    start, end = _BASE + timedelta(minutes=a), _BASE + timedelta(minutes=b)
    assert OFFICE.office_minutes(start, end) == _by_the_minute(start, end)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=9 * 24 * 60), st.integers(min_value=1, max_value=6))
def test_working_days_agree_with_the_deadline(a: int, days: int) -> None:
    start = _BASE + timedelta(minutes=a)
    due = OFFICE.deadline(start, working_days(days))
    assert OFFICE.working_days(start, due) == days
    assert OFFICE.working_days(start, due + timedelta(minutes=1)) == days + 1
    assert due.date() > start.date() and OFFICE.is_working_day(due.date())
    assert date(2026, 12, 24) != due.date()
