"""The SOP as data: steps, statuses, the gate, standard times and the office calendar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from builders import WIB, at, minutes, real_sop, working_days

from warta.model.sop import Calendar, StandardTime, TimeUnit


def test_steps_are_found_by_id_and_numbered_in_order() -> None:
    sop = real_sop()
    assert [s.id for s in sop.steps] == [
        "disposisi",
        "perintah",
        "penulisan",
        "laporan",
        "pengesahan",
        "kompilasi",
    ]
    assert sop.step("laporan") is sop.steps[3]
    assert sop.step("laporan").number == 4  # type: ignore[union-attr]
    assert sop.step("redaksi") is None
    assert sop.index("pengesahan") == 4
    assert sop.index("redaksi") is None


def test_the_gate_is_the_approval_step_and_freezes_content_from_there() -> None:
    sop = real_sop()
    assert sop.gate.id == "pengesahan"
    assert sop.gate_index == 4
    assert sop.frozen_from() == 4


def test_the_gate_freezes_the_content_even_when_no_step_is_marked() -> None:
    """An SOP whose gate was not marked ``freezes_content`` published text edited after the
    approval (found by an independent attack): the gate always freezes what it approved."""
    sop = real_sop()
    steps = tuple(replace(s, freezes_content=False) for s in sop.steps)
    assert replace(sop, steps=steps).frozen_from() == sop.gate_index == 4
    earlier = tuple(replace(s, freezes_content=s.id == "laporan") for s in steps)
    assert replace(sop, steps=earlier).frozen_from() == 3


def test_statuses_run_from_the_initial_status_through_each_step() -> None:
    sop = real_sop()
    assert sop.statuses() == (
        "usulan",
        "ditugaskan",
        "diliput",
        "ditulis",
        "dilaporkan",
        "disetujui",
        "dicetak",
        "ditarik",
    )
    assert [sop.status_after(n) for n in range(7)] == list(sop.statuses())[:-1]
    assert sop.signed_count_for("dilaporkan") == 4
    assert sop.signed_count_for("usulan") == 0
    assert sop.signed_count_for("published") is None


def test_next_step_after_n_signed_steps() -> None:
    sop = real_sop()
    assert sop.next_step(0).id == "disposisi"  # type: ignore[union-attr]
    assert sop.next_step(5).id == "kompilasi"  # type: ignore[union-attr]
    assert sop.next_step(6) is None


@pytest.mark.parametrize(
    ("std", "label"),
    [
        (minutes(5), "5 menit"),
        (StandardTime(3, TimeUnit.JAM), "3 jam"),
        (StandardTime(2, TimeUnit.HARI), "2 hari"),
        (working_days(5), "5 hari kerja"),
        # working_days only means something for days
        (StandardTime(5, TimeUnit.MENIT, working_days=True), "5 menit"),
    ],
)
def test_standard_time_labels_in_indonesian(std: StandardTime, label: str) -> None:
    assert std.label() == label


WEEK = Calendar(frozenset({0, 1, 2, 3, 4}), frozenset())


@pytest.mark.parametrize(
    ("start", "std", "deadline"),
    [
        ("2026-11-02 08:00", minutes(5), "2026-11-02 08:05"),
        ("2026-11-02 23:58", minutes(5), "2026-11-03 00:03"),
        ("2026-11-02 08:00", StandardTime(3, TimeUnit.JAM), "2026-11-02 11:00"),
        # calendar days count the weekend
        ("2026-11-06 10:00", StandardTime(2, TimeUnit.HARI), "2026-11-08 10:00"),
        # working days: Friday + 1 is Monday; Friday + 5 is the next Friday
        ("2026-11-06 10:00", working_days(1), "2026-11-09 10:00"),
        ("2026-11-06 10:00", working_days(5), "2026-11-13 10:00"),
        ("2026-11-02 08:04", working_days(5), "2026-11-09 08:04"),
        # begun on a Saturday: the first working day is Monday
        ("2026-11-07 09:00", working_days(1), "2026-11-09 09:00"),
    ],
)
def test_deadline_counts_minutes_hours_days_and_working_days(
    start: str, std: StandardTime, deadline: str
) -> None:
    assert WEEK.deadline(at(start), std) == at(deadline)


def test_deadline_skips_holidays_in_working_days() -> None:
    # Libur: Tuesday 10 November 2026 (Hari Pahlawan is not a holiday; this is a test one)
    calendar = Calendar(frozenset({0, 1, 2, 3, 4}), frozenset({date(2026, 11, 10)}))
    assert calendar.deadline(at("2026-11-09 10:00"), working_days(1)) == at("2026-11-11 10:00")
    assert calendar.is_working_day(date(2026, 11, 9))
    assert not calendar.is_working_day(date(2026, 11, 10))
    assert not calendar.is_working_day(date(2026, 11, 14))  # Saturday


def test_a_six_day_office_works_on_saturday() -> None:
    calendar = Calendar(frozenset({0, 1, 2, 3, 4, 5}), frozenset())
    assert calendar.deadline(at("2026-11-06 10:00"), working_days(1)) == at("2026-11-07 10:00")


def test_an_office_with_no_working_days_counts_calendar_days() -> None:
    calendar = Calendar(frozenset(), frozenset())
    assert calendar.deadline(at("2026-11-06 10:00"), working_days(2)) == at("2026-11-08 10:00")


def test_deadline_keeps_the_zone_of_its_start() -> None:
    deadline = WEEK.deadline(datetime(2026, 11, 6, 10, 0, tzinfo=WIB), working_days(1))
    assert deadline.tzinfo is WIB
