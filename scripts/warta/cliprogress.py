"""Progress on the terminal for the long commands (``validate``, ``build``, ``preview``,
``laporan``, ``cetak``): a Rich bar on standard error, gone when its phase ends.

It is shown only to a person: when standard error is a terminal, ``CI`` is not set (CI
services set it) and neither ``--quiet`` nor a format for programs was asked for. Standard
output is never written to, and Rich leaves out colours under ``NO_COLOR``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

import click

from warta.i18n import N_
from warta.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # Rich is imported only when a bar is shown
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

#: Redraw the bar at most this often (seconds): judging thousands of files stays cheap.
INTERVAL = 0.1

QUIET = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help=N_(
        "Show no progress on the terminal (it is never shown in CI, nor when standard error"
        " is not a terminal)."
    ),
)


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a CI service runs this (they set ``CI``, mostly to ``true``)."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false")


def wanted(
    *, quiet: bool = False, environ: Mapping[str, str] = os.environ, stream: TextIO | None = None
) -> bool:
    """Whether progress is shown: on a terminal (``stream``: standard error), not in CI,
    not ``quiet``."""
    stream = sys.stderr if stream is None else stream
    return not quiet and not in_ci(environ) and stream.isatty()


@contextmanager
def terminal_progress(*, quiet: bool = False) -> Iterator[Progress]:
    """A bar on standard error when :func:`wanted`, else :data:`NO_PROGRESS`; whatever
    happens inside, no bar is left showing."""
    if not wanted(quiet=quiet):
        yield NO_PROGRESS
        return
    from rich.console import Console  # noqa: PLC0415

    bar = Bar(Console(stderr=True, soft_wrap=True))
    try:
        yield bar
    finally:
        bar.done()


class Bar:
    """:class:`~warta.progress.Progress` as a Rich bar, one per phase (without a total: its
    label and the time taken), transient: a line logged meanwhile is printed above it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._shown: RichProgress | None = None
        self._task: TaskID | None = None
        self._drawn = 0.0

    def start(self, total: int | None, label: str) -> None:
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress  # noqa: PLC0415

        self.done()
        counts = (BarColumn(), MofNCompleteColumn()) if total is not None else ()
        shown = RichProgress(
            TextColumn("{task.description}", markup=False),
            *counts,
            TimeElapsedColumn(),
            console=self.console,
            auto_refresh=False,  # no thread: judging may fork worker processes
            transient=True,
            redirect_stdout=False,  # standard output is the command's, never the bar's
            redirect_stderr=True,
        )
        shown.start()
        self._task = shown.add_task(label, total=total)
        self._shown = shown
        self._drawn = time.monotonic()

    def advance(self, steps: int = 1) -> None:
        if self._shown is None or self._task is None or steps <= 0:
            return
        self._shown.advance(self._task, steps)
        now = time.monotonic()
        if now - self._drawn >= INTERVAL:
            self._shown.refresh()
            self._drawn = now

    def done(self) -> None:
        if self._shown is not None:
            self._shown.stop()
        self._shown = None
        self._task = None
