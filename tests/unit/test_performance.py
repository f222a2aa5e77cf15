"""The AKIP report's figures as pure functions: periods, nearest-rank percentiles, the
numeric measure behind ``Calendar.measure``, and the tallies on items built in code."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from builders import OFFICE, WIB, at, item, real_sop, roster, signed
from hypothesis import given
from hypothesis import strategies as st

from warta.model.office import Calendar, StandardTime, TimeUnit
from warta.model.performance import as_at, compute, nearest_rank, parse_period


def test_periods() -> None:
    month = parse_period("2026-11")
    assert month is not None and (month.first, month.end) == (date(2026, 11, 1), date(2026, 12, 1))
    december = parse_period("2026-12")
    assert december is not None and december.end == date(2027, 1, 1)
    half = parse_period("2026-S2")
    assert half is not None and half.months() == [f"2026-{m:02d}" for m in range(7, 13)]
    first = parse_period("2026-S1")
    assert first is not None and (first.first, first.end) == (date(2026, 1, 1), date(2026, 7, 1))
    year = parse_period("2026")
    assert year is not None and len(year.months()) == 12
    for bad in ("2026-13", "2026-00", "2026-S3", "26-11", "2026-11-01", "", "abcd", "0001",
                "\u0662\u0660\u0662\u0666", "2026-\uff11\uff11", "\U0001d7d0026"):
        assert parse_period(bad) is None, bad


def test_nearest_rank() -> None:
    assert nearest_rank([], 0.5) is None
    assert nearest_rank([7.0], 0.9) == 7.0
    assert nearest_rank([4.0, 1.0, 3.0, 2.0], 0.5) == 2.0  # rank ceil(2.0) = 2
    assert nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0  # rank ceil(2.5) = 3
    values = [float(v) for v in range(1, 11)]
    assert nearest_rank(values, 0.9) == 9.0  # rank ceil(9.0) = 9, not 10 by float error
    assert nearest_rank([float(v) for v in range(1, 21)], 0.9) == 18.0


MOMENTS = st.datetimes(
    min_value=at("2026-11-02 00:00").replace(tzinfo=None),
    max_value=at("2026-12-31 00:00").replace(tzinfo=None),
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=WIB))
STANDARDS = st.sampled_from([
    StandardTime(5, TimeUnit.MENIT), StandardTime(2, TimeUnit.JAM),
    StandardTime(2, TimeUnit.HARI, working_days=True), StandardTime(1, TimeUnit.HARI),
])


@given(MOMENTS, st.integers(0, 60 * 24 * 9), STANDARDS, st.booleans())
def test_quantity_judges_like_measure(
    start: datetime, minutes: int, std: StandardTime, timed: bool
) -> None:
    calendar = OFFICE if timed else Calendar(OFFICE.working_weekdays, OFFICE.holidays)
    end = start + timedelta(minutes=minutes)
    value = calendar.quantity(start, end, std)
    assert (value > std.amount) == calendar.measure(start, end, std).exceeded


def test_quantity_units() -> None:
    minutes = StandardTime(5, TimeUnit.MENIT)
    days = StandardTime(5, TimeUnit.HARI, working_days=True)
    # Friday 16:20 to Monday 07:40: 10 office minutes on Friday (closing 16:30), 10 on Monday
    assert OFFICE.quantity(at("2026-11-06 16:20"), at("2026-11-09 07:40"), minutes) == 20.0
    assert OFFICE.unit_label(minutes) == "menit kerja"
    assert OFFICE.quantity(at("2026-11-06 16:20"), at("2026-11-09 07:40"), days) == 1.0
    assert OFFICE.unit_label(days) == "hari kerja"
    # 24 and 25 December 2026 are holidays: Wednesday to Monday is 1 working day
    assert OFFICE.quantity(at("2026-12-23 09:00"), at("2026-12-28 08:00"), days) == 1.0
    calendar = Calendar()
    assert calendar.quantity(at("2026-11-06 16:20"), at("2026-11-06 18:20"),
                             StandardTime(1, TimeUnit.JAM)) == 2.0
    assert calendar.unit_label(StandardTime(1, TimeUnit.JAM)) == "jam"


def test_compute_on_items_built_in_code() -> None:
    sop = real_sop()
    steps = [
        ("disposisi", "hendra", "2026-11-06 15:50"),
        ("perintah", "sri", "2026-11-06 16:28"),
        ("penulisan", "dimas", "2026-11-09 10:00"),
        ("laporan", "sri", "2026-11-09 10:04"),
        ("pengesahan", "hendra", "2026-11-09 10:07"),
    ]
    news = item(signoffs=signed(steps))
    period = parse_period("2026-11")
    assert period is not None
    figures = compute([news], sop, roster(), WIB, period, at("2026-11-30 09:00"))
    by_id = {s.step.id: s for s in figures.steps}
    assert (by_id["perintah"].median, by_id["perintah"].within) == (38.0, 0)
    assert by_id["perintah"].well_done is False
    assert (by_id["penulisan"].median, by_id["penulisan"].unit) == (1.0, "hari kerja")
    assert by_id["kompilasi"].well_done is None
    assert figures.counts.started == 1 and figures.counts.published == 1
    assert {p.id: p.approved for p in figures.people}["hendra"] == 1
    # as it stood before the approval: nothing published yet
    earlier = compute([news], sop, roster(), WIB, period, at("2026-11-09 10:05"))
    assert earlier.counts.published == 0
    assert len(as_at(news, at("2026-11-09 10:05")).signoffs) == 4
    # another month: nothing of it
    october = parse_period("2026-10")
    assert october is not None
    assert compute([news], sop, roster(), WIB, october, at("2026-11-30 09:00")).items == 0
