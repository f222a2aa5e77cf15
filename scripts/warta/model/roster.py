"""The roster: people, the roles they hold (and when), their education and their SSH keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

#: The code forges a roster may name accounts on.
FORGES = ("github", "gitlab", "forgejo")


@dataclass(frozen=True)
class Holding:
    """A role held by a person, optionally only within a period (an acting official, Plt.)."""

    role: str
    start: date | None = None
    end: date | None = None
    acting: bool = False

    def covers(self, day: date) -> bool:
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)


@dataclass(frozen=True)
class Key:
    """An SSH public key (OpenSSH one-line format) and when it may be used."""

    public_key: str
    start: date | None = None
    revoked: date | None = None
    revoked_reason: str = ""
    demo: bool = False
    demo_line: int | None = None

    def valid_on(self, day: date) -> bool:
        if self.start is not None and day < self.start:
            return False
        return not (self.revoked is not None and day >= self.revoked)


@dataclass(frozen=True)
class Education:
    level: str
    field: str = ""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    nip: str
    holdings: tuple[Holding, ...]
    keys: tuple[Key, ...] = ()
    education: tuple[Education, ...] = ()
    line: int | None = None
    #: accounts on code forges, as (forge, user) pairs, e.g. ("github", "ayu-lestari"):
    #: who to ask on a pull request, and the CODEOWNERS of the repository
    forge: tuple[tuple[str, str], ...] = ()

    def account(self, forge: str) -> str | None:
        return next((user for name, user in self.forge if name == forge), None)

    def holds(self, role: str, day: date) -> bool:
        return any(h.role == role and h.covers(day) for h in self.holdings)

    def holding(self, role: str, day: date) -> Holding | None:
        for h in self.holdings:
            if h.role == role and h.covers(day):
                return h
        return None

    def keys_valid_on(self, day: date) -> tuple[Key, ...]:
        return tuple(k for k in self.keys if k.valid_on(day))


@dataclass(frozen=True)
class Roster:
    people: Mapping[str, Person]
    #: the roster says (signed, top-level ``demo: true``) that this repository is a
    #: demonstration: its demo keys are then notices rather than warnings
    demo: bool = False
    demo_line: int | None = None

    def get(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def holders(self, role: str, day: date) -> tuple[Person, ...]:
        return tuple(p for p in self.people.values() if p.holds(role, day))

    def signers(self, role: str, day: date) -> tuple[Person, ...]:
        """The holders of ``role`` on ``day`` who have a key valid that day: those who can
        act (someone whose keys are all revoked was named to act; found by an attack)."""
        return tuple(p for p in self.holders(role, day) if p.keys_valid_on(day))
