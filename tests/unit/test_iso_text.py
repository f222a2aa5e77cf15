"""Dates and date-times as Warta reads them from people (``date:``, ``at:``, ``--at``,
``WARTA_NOW``, ``--dari``, holidays): one form each, ASCII digits. Python's
``fromisoformat`` alone took any character between date and time (a line break, ESC, a
digit of another script), dropped nanoseconds, and read '20261130' and '2026-W48-1' as
dates (found by an independent attack)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from warta.model.item import iso_day, iso_moment, read_news_date

WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", date(2026, 11, 30)),
        ("20261130", None),
        ("2026-W48-1", None),
        ("2026-11-30\n", None),
        ("2026-1-30", None),
        ("\u0662\u0660\u0662\u0666-11-30", None),
        ("2026-02-30", None),
    ],
)
def test_a_day(text: str, expected: date | None) -> None:
    assert iso_day(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T08:00:00+07:00", datetime(2026, 11, 30, 8, tzinfo=WIB)),
        ("2026-11-30 08:00:00+07:00", datetime(2026, 11, 30, 8, tzinfo=WIB)),
        ("2026-11-30T08:00+07:00", datetime(2026, 11, 30, 8, tzinfo=WIB)),
        ("2026-11-30T01:00:00Z", datetime(2026, 11, 30, 1, tzinfo=UTC)),
        ("2026-11-30T08:00:00.5+07:00", datetime(2026, 11, 30, 8, 0, 0, 500_000, tzinfo=WIB)),
        ("2026-11-30T08:00:00", datetime(2026, 11, 30, 8)),
        ("2026-11-30", datetime(2026, 11, 30)),  # (then: no offset, the finding says)
        ("2026-11-30+07:00", None),
        ("2026-11-30\u066008:00:00+07:00", None),
        ("2026-11-30\x1b08:00:00+07:00", None),
        ("2026-11-30\n08:00:00+07:00", None),
        ("2026-11-30T08:00:00.999999999+07:00", None),
        ("2026-11-30T08:00:00+07:00\n", None),
        ("20261130T080000+0700", None),
        ("2026-11-30T25:00:00+07:00", None),
    ],
)
def test_a_moment(text: str, expected: datetime | None) -> None:
    assert iso_moment(text) == expected


def test_an_item_s_date_is_either() -> None:
    assert read_news_date("2026-11-30") == date(2026, 11, 30)
    assert read_news_date("2026-11-30T08:00:00+07:00") == datetime(2026, 11, 30, 8, tzinfo=WIB)
    assert read_news_date("20261130") is None
    assert read_news_date("2026-W48-1") is None
