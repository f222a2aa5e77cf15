"""Standard times (Mutu Baku waktu) and the office calendar that measures them.

The calendar knows the working weekdays, the holidays (libur nasional, cuti bersama) and,
optionally, the office hours of each weekday. With office hours, minute and hour standards
count only office time and day standards count working days; without them, minute and hour
standards run in calendar time (as before office hours existed). Day standards marked
``working_days`` always count working days.

Times are aware datetimes. The calendar reads every moment on the wall clock of the zone of
``start`` (callers pass moments in the office's zone), so a step is measured the way the
office's clock on the wall measures it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class TimeUnit(StrEnum):
    MENIT = "menit"
    JAM = "jam"
    HARI = "hari"


@dataclass(frozen=True)
class StandardTime:
    """A step's standard time (Mutu Baku waktu): an amount of minutes, hours or (working) days."""

    amount: int
    unit: TimeUnit
    working_days: bool = False

    def label(self) -> str:
        suffix = " kerja" if self.in_working_days else ""
        return f"{self.amount} {self.unit.value}{suffix}"

    @property
    def in_working_days(self) -> bool:
        return self.unit is TimeUnit.HARI and self.working_days

    @property
    def minutes(self) -> int:
        """The amount in minutes (for minute and hour standards)."""
        return self.amount * (60 if self.unit is TimeUnit.JAM else 1)


#: One stretch of office hours on a day: opening and closing time (opening < closing).
Interval = tuple[time, time]
#: Office hours per weekday, Monday first: seven tuples of intervals in order.
WeekHours = tuple[tuple[Interval, ...], ...]


def week_hours(days: Mapping[int, Sequence[Interval]]) -> WeekHours:
    """Office hours for a calendar from ``{weekday: [(opening, closing), ...]}`` (0 = Monday);
    a weekday left out has none."""
    return tuple(tuple(sorted(days.get(weekday, ()))) for weekday in range(7))


def format_span(span: timedelta) -> str:
    """A calendar duration in Indonesian words: '2 hari 3 jam', '12 menit'."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins or not parts:
        parts.append(f"{mins} menit")
    return " ".join(parts)


def format_office(minutes: int) -> str:
    """Office time in Indonesian words, in hours and minutes (an office day has no fixed
    length, so never in days): '12 menit kerja', '1 jam 5 menit kerja', '50 jam kerja'."""
    hours, mins = divmod(max(minutes, 0), 60)
    parts = [f"{hours} jam"] if hours else []
    if mins or not parts:
        parts.append(f"{mins} menit")
    return " ".join(parts) + " kerja"


@dataclass(frozen=True)
class Measure:
    """How long a step took (or has waited), in the unit of its standard time, and whether
    that is more than the standard."""

    text: str
    exceeded: bool


_ZERO = timedelta()
_DAY = timedelta(days=1)
#: Seconds in one unit of a standard time (office time for minutes and hours).
_SECONDS = {TimeUnit.MENIT: 60.0, TimeUnit.JAM: 3600.0, TimeUnit.HARI: 86400.0}


def _length(intervals: Sequence[Interval]) -> timedelta:
    """The wall-clock length of a day's office hours."""
    day = date(2000, 1, 3)
    return sum(
        (datetime.combine(day, b) - datetime.combine(day, a) for a, b in intervals), _ZERO
    )


@dataclass(frozen=True)
class Calendar:
    """Which weekdays are working days (0 = Monday), which dates are holidays, and the office
    hours of each weekday (empty: no office hours, time runs on the calendar)."""

    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    hours: WeekHours = ()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    @property
    def timed(self) -> bool:
        """Whether office hours are set (on some working weekday)."""
        return bool(self.hours) and any(self.hours[w] for w in self.working_weekdays)

    def _open(self, day: date) -> tuple[Interval, ...]:
        """The office hours of ``day``: none on a day off or a holiday."""
        return self.hours[day.weekday()] if self.is_working_day(day) else ()

    # ---- office time (minute and hour standards) ----------------------------------------

    def office_time(self, start: datetime, end: datetime) -> timedelta:
        """The office time between ``start`` and ``end``: only the time within office hours on
        working days that are no holiday (the calendar time when no office hours are set);
        nothing if ``end`` is not after ``start``."""
        end = end.astimezone(start.tzinfo)
        if end <= start:
            return _ZERO
        if not self.timed:
            return end - start
        first, last = start.date(), end.date()
        total = self._within(first, start, end)
        if last != first:
            total += self._within(last, start, end)
            total += self._whole_days(first + _DAY, last - _DAY)
        return total

    def office_minutes(self, start: datetime, end: datetime) -> int:
        """:meth:`office_time` in whole minutes (rounded down)."""
        return int(self.office_time(start, end).total_seconds() // 60)

    def _within(self, day: date, start: datetime, end: datetime) -> timedelta:
        """The office time of ``day`` that lies between ``start`` and ``end``."""
        total = _ZERO
        for opening, closing in self._open(day):
            lo = max(start, datetime.combine(day, opening, start.tzinfo))
            hi = min(end, datetime.combine(day, closing, start.tzinfo))
            if hi > lo:
                total += hi - lo
        return total

    def _whole_days(self, first: date, last: date) -> timedelta:
        """The office time of the days ``first`` to ``last`` (inclusive; none if last < first),
        a week at a time, then less each holiday's hours."""
        if last < first:
            return _ZERO
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        lengths = self._lengths()
        total = sum(lengths, _ZERO) * weeks
        total += sum((lengths[(first.weekday() + i) % 7] for i in range(rest)), _ZERO)
        for holiday in self._holidays_between(first, last):
            total -= lengths[holiday.weekday()]
        return total

    def _lengths(self) -> list[timedelta]:
        """The length of office hours of each weekday (Monday first), holidays aside."""
        return [
            _length(self.hours[w]) if w in self.working_weekdays else _ZERO for w in range(7)
        ]

    def _holidays_between(self, first: date, last: date) -> list[date]:
        ordered = sorted(self.holidays)
        return ordered[bisect_left(ordered, first) : bisect_right(ordered, last)]

    def _office_deadline(self, start: datetime, amount: timedelta) -> datetime:
        """The moment at which ``amount`` of office time since ``start`` is spent."""
        moment = start
        left = amount
        week = sum(self._lengths(), _ZERO)
        # whole weeks first (holidays only make a week shorter: measure, then go on)
        while week > _ZERO and left > 2 * week:
            moment += timedelta(days=7 * (left // week - 1))
            left = amount - self.office_time(start, moment)
        day = moment.date()
        while True:
            for opening, closing in self._open(day):
                lo = max(moment, datetime.combine(day, opening, start.tzinfo))
                hi = datetime.combine(day, closing, start.tzinfo)
                if hi > lo:
                    if hi - lo >= left:
                        return lo + left
                    left -= hi - lo
            day += _DAY
            moment = datetime.combine(day, time(), start.tzinfo)

    # ---- working days (day standards) ---------------------------------------------------

    def _begin(self, start: datetime) -> datetime:
        """When a step begun at ``start`` begins to count in working days: at once within
        office hours (or without office hours), else at the next opening."""
        if not self.timed:
            return start
        day = start.date()
        while True:
            for opening, closing in self._open(day):
                if day == start.date() and start.time() > closing:
                    continue
                return max(start, datetime.combine(day, opening, start.tzinfo))
            day += _DAY

    def _same_time(self, day: date, begun: datetime) -> datetime:
        """The moment on ``day`` at the clock time of ``begun``, kept within the day's office
        hours: a time after closing (or in a break) becomes the closing before it, a time
        before opening the opening."""
        clock = begun.time()
        intervals = self._open(day) if self.timed else ()
        if intervals and not any(a <= clock <= b for a, b in intervals):
            earlier = [b for _, b in intervals if b < clock]
            clock = earlier[-1] if earlier else intervals[0][0]
        return datetime.combine(day, clock, begun.tzinfo)

    def _count_working(self, after: date, last: date) -> int:
        """How many working days lie after ``after`` up to ``last`` (inclusive)."""
        if last <= after:
            return 0
        days = (last - after).days
        weeks, rest = divmod(days, 7)
        count = len(self.working_weekdays) * weeks
        count += sum(
            1 for i in range(1, rest + 1) if (after.weekday() + i) % 7 in self.working_weekdays
        )
        holidays = self._holidays_between(after + _DAY, last)
        return count - sum(1 for h in holidays if h.weekday() in self.working_weekdays)

    def working_days(self, start: datetime, end: datetime) -> int:
        """How many working days a step begun at ``start`` and done at ``end`` took, counted as
        deadlines count them: ``n`` when it was done by the same clock time on the ``n``-th
        working day after it began, but not by that time on the working day before; 0 when done
        as it began. A working day begun counts whole: done the same day is 1 hari kerja.

        With office hours a step begun outside them begins at the next opening, and the clock
        time is kept within each day's hours (begun Friday 16:20, the Monday after closes at
        16:00: one working day is up at Monday 16:00)."""
        if not self.working_weekdays:
            return -(-int((end - start).total_seconds()) // 86400) if end > start else 0
        begun = self._begin(start)
        end = end.astimezone(start.tzinfo)
        if end <= begun:
            return 0
        count = self._count_working(begun.date(), end.date())
        if count == 0:
            return 1
        last = end.date()
        while not self.is_working_day(last):
            last -= _DAY
        return count if end <= self._same_time(last, begun) else count + 1

    def deadline(self, start: datetime, std: StandardTime) -> datetime:
        """The moment by which a step begun at ``start`` should be done: office time spent
        (or calendar time, without office hours) for minutes and hours, the same clock time
        ``amount`` working days later (see :meth:`working_days`) for working days."""
        if std.unit is not TimeUnit.HARI:
            amount = timedelta(minutes=std.minutes)
            return self._office_deadline(start, amount) if self.timed else start + amount
        if not std.working_days or not self.working_weekdays:
            return start + timedelta(days=std.amount)
        begun = self._begin(start)
        day, left = begun.date(), std.amount
        while left > 0:
            day += _DAY
            if self.is_working_day(day):
                left -= 1
        return self._same_time(day, begun)

    def quantity(self, start: datetime, end: datetime, std: StandardTime) -> float:
        """How long from ``start`` to ``end`` took, as a number in the unit of ``std`` (see
        :meth:`unit_label`): working days for a working-day standard, else office time (or
        calendar time, without office hours; always for calendar days) in minutes, hours or
        days. More than ``std.amount`` is more than the standard."""
        if std.in_working_days and self.working_weekdays:
            return float(self.working_days(start, end))
        if std.unit is TimeUnit.HARI or not self.timed:
            span = max(end - start, _ZERO)
        else:
            span = self.office_time(start, end)
        return span.total_seconds() / _SECONDS[std.unit]

    def unit_label(self, std: StandardTime) -> str:
        """The unit :meth:`quantity` counts ``std`` in: 'menit kerja', 'jam kerja',
        'hari kerja', or 'menit', 'jam', 'hari' on the calendar."""
        if std.in_working_days and self.working_weekdays:
            return "hari kerja"
        if std.unit is TimeUnit.HARI or not self.timed:
            return std.unit.value
        return f"{std.unit.value} kerja"

    def measure(self, start: datetime, end: datetime, std: StandardTime) -> Measure:
        """How long from ``start`` to ``end`` took in the unit of ``std`` ('12 menit kerja',
        '3 hari kerja'; calendar time '2 hari 3 jam' for calendar days, and for minutes and
        hours without office hours), and whether that exceeds ``std`` (:meth:`quantity`)."""
        exceeded = self.quantity(start, end, std) > std.amount
        if std.in_working_days and self.working_weekdays:
            return Measure(f"{self.working_days(start, end)} hari kerja", exceeded)
        if std.unit is TimeUnit.HARI or not self.timed:
            return Measure(format_span(max(end - start, _ZERO)), exceeded)
        spent = self.office_time(start, end)
        return Measure(format_office(int(spent.total_seconds() // 60)), exceeded)
