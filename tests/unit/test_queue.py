"""The editorial queue behind ``warta status``: grouped by next step, who must act (on today's
roster, acting officials included), how long each item has waited against its standard time."""

from __future__ import annotations

from datetime import timedelta

from builders import APPROVED, at, context, item

from warta.queue import queue

NOW = at("2026-11-27 10:00")  # Friday


def test_rows_are_grouped_by_next_step_then_longest_waiting_first() -> None:
    fresh = item((), path="a.md")
    written_long_ago = item(APPROVED[:3], path="b.md")
    written_today = item(
        (
            ("disposisi", "hendra", "2026-11-27 08:00"),
            ("perintah", "sri", "2026-11-27 08:04"),
            ("penulisan", "dimas", "2026-11-27 09:00"),
        ),
        path="c.md",
    )
    approved = item(APPROVED, path="d.md")
    rows = queue([approved, written_today, fresh, written_long_ago], context(now=NOW))
    assert [(r.item.path, r.signed, r.next_step.id if r.next_step else None) for r in rows] == [
        ("a.md", 0, "disposisi"),
        ("b.md", 3, "laporan"),
        ("c.md", 3, "laporan"),
        ("d.md", 5, "kompilasi"),
    ]


def test_who_must_act_and_how_long_they_have_waited() -> None:
    written = item(
        (
            ("disposisi", "hendra", "2026-11-27 08:00"),
            ("perintah", "sri", "2026-11-27 08:04"),
            ("penulisan", "dimas", "2026-11-27 09:50"),
        )
    )
    (row,) = queue([written], context(now=NOW))
    assert row.actors == ("Sri Rahayu, S.Sos.",)
    assert row.waiting == timedelta(minutes=10)
    assert row.waited == "10 menit kerja"
    assert row.deadline == at("2026-11-27 09:55")  # laporan: 5 menit
    assert row.overdue is True


def test_within_the_standard_time_is_not_overdue() -> None:
    assigned = item((("disposisi", "hendra", "2026-11-27 09:57"),))
    (row,) = queue([assigned], context(now=NOW))
    assert row.next_step is not None and row.next_step.id == "perintah"
    assert row.waiting == timedelta(minutes=3)
    assert row.overdue is False


def test_working_days_make_the_weekend_free() -> None:
    # laporan done Friday 10:00; kompilasi (2 hari kerja) is due Tuesday 10:00
    steps = (
        ("disposisi", "hendra", "2026-11-20 08:00"),
        ("perintah", "sri", "2026-11-20 08:04"),
        ("penulisan", "dimas", "2026-11-20 09:00"),
        ("laporan", "sri", "2026-11-20 09:04"),
        ("pengesahan", "hendra", "2026-11-20 09:08"),
    )
    monday = context(now=at("2026-11-23 18:00"))
    (row,) = queue([item(steps)], monday)
    assert row.deadline == at("2026-11-24 09:08")
    assert row.overdue is False
    assert (row.waited, row.overdue) == ("2 hari kerja", False)
    (late,) = queue([item(steps)], context(now=at("2026-11-24 09:09")))
    assert (late.waited, late.overdue) == ("3 hari kerja", True)


def test_the_wait_is_counted_in_office_time_and_shown_in_the_standards_unit() -> None:
    # disposisi on Friday at 16:28; the office closes at 16:30 and opens Monday at 07:30
    assigned = item((("disposisi", "hendra", "2026-11-06 16:28"),))
    (saturday,) = queue([assigned], context(now=at("2026-11-07 12:00")))
    assert (saturday.waited, saturday.overdue) == ("2 menit kerja", False)
    assert saturday.waiting == timedelta(hours=19, minutes=32)  # calendar time, as before
    assert saturday.deadline == at("2026-11-09 07:33")
    (monday,) = queue([assigned], context(now=at("2026-11-09 07:34")))
    assert (monday.waited, monday.overdue) == ("6 menit kerja", True)


def test_an_acting_official_is_among_those_who_must_act_in_the_plt_period() -> None:
    assigned = item((("disposisi", "hendra", "2026-10-10 09:00"),))
    (row,) = queue([assigned], context(now=at("2026-10-10 09:02")))
    assert row.actors == ("Sri Rahayu, S.Sos.", "Agus Setiawan, S.Sos.")
    (after,) = queue([assigned], context(now=at("2026-11-02 09:02")))
    assert after.actors == ("Sri Rahayu, S.Sos.",)


def test_a_new_item_has_not_started_waiting() -> None:
    (row,) = queue([item(())], context(now=NOW))
    assert row.actors == ("Hendra Wijaya, S.Kom., M.T.",)
    assert (row.waiting, row.deadline, row.overdue) == (None, None, False)


def test_a_finished_item_waits_for_no_one() -> None:
    done = item((*APPROVED, ("kompilasi", "sri", "2026-11-03 10:00")))
    (row,) = queue([done], context(now=NOW))
    assert (row.signed, row.next_step, row.actors, row.waiting) == (6, None, (), None)


def test_an_item_signed_out_of_order_queues_at_its_last_good_step() -> None:
    broken = item((APPROVED[0], APPROVED[2]))
    (row,) = queue([broken], context(now=NOW))
    assert row.signed == 1
    assert row.next_step is not None and row.next_step.id == "perintah"


def test_separation_of_duties_bars_the_writer_from_the_approvers_listed() -> None:
    # wati, staff and also (say, acting) Kabag, wrote the item: she may not approve it
    from builders import person, roster

    from warta.model.roster import Holding

    acting_kabag = person("wati", "Wati, S.Kom., M.T.", (Holding("staf"), Holding("kabag")))
    reported = item(
        (
            ("disposisi", "hendra", "2026-11-27 08:00"),
            ("perintah", "sri", "2026-11-27 08:04"),
            ("penulisan", "wati", "2026-11-27 09:00"),
            ("laporan", "sri", "2026-11-27 09:04"),
        )
    )
    (row,) = queue([reported], context(now=NOW, people=roster(acting_kabag)))
    assert row.next_step is not None and row.next_step.id == "pengesahan"
    assert row.actors == ("Hendra Wijaya, S.Kom., M.T.",)


def test_a_signoff_in_the_future_never_shows_a_negative_wait() -> None:
    assigned = item((("disposisi", "hendra", "2026-11-27 10:30"),))
    (row,) = queue([assigned], context(now=NOW))
    assert row.waiting == timedelta()
