"""The roster: roles held (and when: Plt. periods), keys valid (and when), who holds a role."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from builders import people, public_key, roster

from warta.model.roster import Holding, Key


@pytest.mark.parametrize(
    ("day", "holds"),
    [
        (date(2026, 9, 30), False),
        (date(2026, 10, 1), True),  # first day of the Plt. period
        (date(2026, 10, 15), True),
        (date(2026, 10, 31), True),  # last day, inclusive
        (date(2026, 11, 1), False),
    ],
)
def test_agus_is_plt_kasubag_only_in_october_2026(day: date, holds: bool) -> None:
    agus = people()["agus"]
    assert agus.holds("kasubag", day) is holds
    assert agus.holds("staf", day) is True


def test_the_holding_found_for_a_day_says_it_is_acting() -> None:
    agus = people()["agus"]
    holding = agus.holding("kasubag", date(2026, 10, 20))
    assert holding == Holding("kasubag", date(2026, 10, 1), date(2026, 10, 31), acting=True)
    assert agus.holding("kasubag", date(2026, 11, 2)) is None
    assert agus.holding("staf", date(2026, 11, 2)) == Holding("staf")


def test_an_open_ended_holding_covers_every_day() -> None:
    assert Holding("kabag").covers(date(1990, 1, 1))
    assert Holding("kabag", start=date(2026, 1, 1)).covers(date(2099, 12, 31))
    assert not Holding("kabag", start=date(2026, 1, 1)).covers(date(2025, 12, 31))
    assert not Holding("kabag", end=date(2026, 1, 1)).covers(date(2026, 1, 2))


def test_holders_of_a_role_on_a_day_include_acting_officials() -> None:
    team = roster()
    assert [p.id for p in team.holders("kasubag", date(2026, 10, 5))] == ["sri", "agus"]
    assert [p.id for p in team.holders("kasubag", date(2026, 11, 5))] == ["sri"]
    assert [p.id for p in team.holders("kabag", date(2026, 11, 5))] == ["hendra"]
    assert team.holders("bupati", date(2026, 11, 5)) == ()


def test_unknown_people_are_none() -> None:
    assert roster().get("mallory") is None
    assert roster().get("hendra").name == "Hendra Wijaya, S.Kom., M.T."  # type: ignore[union-attr]


def test_a_key_is_valid_from_its_start_until_the_day_it_is_revoked() -> None:
    key = Key(public_key("x"), start=date(2026, 1, 1), revoked=date(2026, 6, 1), revoked_reason="x")
    assert not key.valid_on(date(2025, 12, 31))
    assert key.valid_on(date(2026, 1, 1))
    assert key.valid_on(date(2026, 5, 31))
    assert not key.valid_on(date(2026, 6, 1))  # revoked that day


def test_keys_valid_on_a_day() -> None:
    old = Key(public_key("old"), revoked=date(2026, 6, 1), revoked_reason="laptop hilang")
    new = Key(public_key("new"), start=date(2026, 6, 1))
    person = replace(people()["sri"], keys=(old, new))
    assert person.keys_valid_on(date(2026, 5, 31)) == (old,)
    assert person.keys_valid_on(date(2026, 6, 1)) == (new,)

