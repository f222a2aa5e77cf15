"""How long runs tell how far they are: a port the core calls and an edge implements.

The core (judging in :mod:`warta.repository`, the site build in
:mod:`warta.mkdocs_plugin.commands`) reports phases through :class:`Progress`: ``start`` a
phase with a label and how many steps it has, ``advance`` as steps are done, ``done`` when it
ends (or fails). What the person sees, if anything, is the edge's choice: the CLI hands in a
terminal bar (:mod:`warta.cliprogress`) on an interactive terminal, and :data:`NO_PROGRESS`
everywhere else. This module imports nothing but typing: the core stays free of terminals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """Where a long run reports how far it is (never what it found: that is the findings')."""

    def start(self, total: int | None, label: str) -> None:
        """A phase begins: ``label`` (in the running language), ``total`` steps (None:
        unknown). A phase still open ends first."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more of the current phase are done (nothing if no phase is open)."""

    def done(self) -> None:
        """The current phase ends, and whatever showed it is gone (nothing if none is open)."""


class NoProgress:
    """Shows nothing: the default, for programs, pipes and CI."""

    def start(self, total: int | None, label: str) -> None:
        del total, label

    def advance(self, steps: int = 1) -> None:
        del steps

    def done(self) -> None:
        pass


NO_PROGRESS: Progress = NoProgress()


def counted(progress: Progress, steps: Iterable[T], total: int, label: str) -> Iterator[T]:
    """``steps`` as they are, reported as one phase of ``total`` steps: each one taken counts,
    and the phase ends when they run out (or the consumer stops)."""
    progress.start(total, label)
    try:
        for step in steps:
            yield step
            progress.advance()
    finally:
        progress.done()
