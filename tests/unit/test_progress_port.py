"""The progress port (warta.progress) with a fake that records every call: a phase over a
sequence, judging in this process counting each file, when the CLI shows a bar at all, and
the Rich bar itself drawn into memory."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from builders import OFFICE_ID, context, real_sop, roster
from rich.console import Console

from warta.bulk import Judges, Setup, Work
from warta.cliprogress import Bar, in_ci, wanted
from warta.progress import NO_PROGRESS, Progress, counted
from warta.site.sanitize import Policy as HtmlPolicy

Event = tuple[str, int | None, str]


class Recorder:
    """Records what it is told, as (call, number, label)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def start(self, total: int | None, label: str) -> None:
        self.events.append(("start", total, label))

    def advance(self, steps: int = 1) -> None:
        self.events.append(("advance", steps, ""))

    def done(self) -> None:
        self.events.append(("done", None, ""))


def test_the_fake_and_the_default_are_progress() -> None:
    ports: list[Progress] = [Recorder(), NO_PROGRESS]
    for port in ports:
        port.start(2, "x")
        port.advance()
        port.done()


def test_counted_reports_a_phase_of_its_steps() -> None:
    fake = Recorder()
    seen = []
    for step in counted(fake, ["a", "b"], 2, "reading"):
        seen.append((step, list(fake.events)))
    assert seen == [
        ("a", [("start", 2, "reading")]),
        ("b", [("start", 2, "reading"), ("advance", 1, "")]),
    ]
    assert fake.events[-2:] == [("advance", 1, ""), ("done", None, "")]


def test_counted_ends_its_phase_when_the_consumer_stops_early() -> None:
    fake = Recorder()
    steps = counted(fake, range(10), 10, "reading")
    assert next(steps) == 0
    steps.close()
    assert fake.events == [("start", 10, "reading"), ("done", None, "")]


def _judges(fake: Recorder) -> Judges:
    ctx = context()
    setup = Setup(
        real_sop(),
        roster(),
        OFFICE_ID,
        datetime(2026, 11, 27, tzinfo=UTC),
        None,
        None,
        None,
        HtmlPolicy(),
        keep=False,
    )
    return Judges(ctx, None, None, setup, 1, progress=fake)  # type: ignore[arg-type]


def test_judging_here_counts_each_file_once_it_is_judged() -> None:
    fake = Recorder()
    judges = _judges(fake)
    for index in range(3):
        judges.add(Work(index, f"content/berita/2026/b{index}/index.md", b"---\n", ()))
    assert fake.events == []
    counts = []
    for work, outcome, cacheable in judges.results():
        counts.append(len(fake.events))
        assert cacheable and outcome.judgement.path == work.display
    assert counts == [0, 1, 2]
    assert fake.events == [("advance", 1, "")] * 3


def test_progress_is_shown_only_to_a_person_at_a_terminal() -> None:
    class Stream(io.StringIO):
        def __init__(self, tty: bool) -> None:
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    terminal, pipe = Stream(tty=True), Stream(tty=False)
    assert wanted(environ={}, stream=terminal)
    assert not wanted(environ={}, stream=pipe)
    assert not wanted(quiet=True, environ={}, stream=terminal)
    for value in ("true", "1", "yes", "TRUE"):
        assert in_ci({"CI": value})
        assert not wanted(environ={"CI": value}, stream=terminal)
    for value in ("", "0", "false", "False"):
        assert not in_ci({"CI": value})
        assert wanted(environ={"CI": value}, stream=terminal)


def _terminal(**options: object) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80, **options), out  # type: ignore[arg-type]


def test_the_bar_draws_its_phases_and_leaves_nothing_behind() -> None:
    console, out = _terminal(color_system="standard")
    bar = Bar(console)
    bar.advance()  # no phase open: nothing
    bar.done()
    assert out.getvalue() == ""
    bar.start(3, "menilai berkas")
    bar.advance(3)
    bar.start(None, "membaca halaman")  # ends the phase before
    bar.done()
    bar.done()
    drawn = out.getvalue()
    assert "menilai berkas" in drawn and "0/3" in drawn
    assert "membaca halaman" in drawn
    assert drawn.endswith("\x1b[2K")  # the last line erased: transient
    assert "\x1b[3" in drawn  # coloured


def test_the_bar_has_no_colour_under_no_color() -> None:
    console, out = _terminal(color_system="standard", no_color=True)
    bar = Bar(console)
    bar.start(2, "judging files")
    bar.advance(2)
    bar.done()
    drawn = out.getvalue()
    assert "judging files" in drawn
    assert "\x1b[3" not in drawn and "\x1b[9" not in drawn
