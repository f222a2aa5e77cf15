"""Judging many items at once: in this process, or in one worker process per CPU.

Each file is read once, as bytes, by the pipeline (:mod:`warta.repository`), which hands the
bytes and what is in the item's folder to :class:`Judges`. Below :data:`PARALLEL_MIN` files
they are judged here; above, in chunks, by worker processes that were given the policy once.
Should a worker die, what it had not handed back is judged here: a dead worker only costs
time.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warta import i18n
from warta.adapters.items import parse_bytes
from warta.adapters.render import MarkdownRenderer, Rendered
from warta.adapters.siteconfig import SiteConfig
from warta.adapters.ssh import SshsigVerifier
from warta.model.closure import Observed
from warta.model.item import NewsItem
from warta.model.judgement import Judgement
from warta.model.roster import Roster
from warta.model.sop import Sop
from warta.progress import NO_PROGRESS, Progress
from warta.site.sanitize import Policy as HtmlPolicy
from warta.validate import Context, judge

if TYPE_CHECKING:  # the process pool is imported only when there is much to judge
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

#: Below this many files to judge, starting worker processes costs more than it saves.
PARALLEL_MIN = 200
#: Files handed to a worker at a time.
CHUNK = 64
#: Chunks handed out and not yet judged, per worker, before reading waits for the workers.
AHEAD = 4


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Work:
    """One item file to judge: where it is listed, its bytes, what its folder holds."""

    index: int
    display: str
    raw: bytes
    folder: tuple[Observed, ...]
    key: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What judging one file gave: the judgement and, when asked for, the item as read."""

    judgement: Judgement
    item: NewsItem | None


def judge_bytes(work: Work, ctx: Context) -> Outcome:
    """The judgement of one item file from its bytes (never raises for bad content)."""
    loaded = parse_bytes(work.raw, work.display)
    judgement = judge(work.display, loaded.item, loaded.findings, ctx, folder=work.folder)
    return Outcome(judgement, loaded.item)


@dataclass(frozen=True)
class Setup:
    """What a worker process needs to judge files (sent to it once)."""

    sop: Sop
    roster: Roster
    office: str | None
    now: datetime
    cache_file: str | None
    secret: bytes | None
    site: SiteConfig | None
    html: HtmlPolicy
    keep: bool
    #: The language of messages (a worker started with "spawn" knows no --lang).
    lang: str = field(default_factory=i18n.language)


#: The worker process's context, verifier and renderer, made once by :func:`_start_worker`.
_WORKER: list[tuple[Context, SshsigVerifier, MarkdownRenderer | None, bool]] = []


def renderer_for(site: SiteConfig | None, html: HtmlPolicy) -> MarkdownRenderer | None:
    return MarkdownRenderer(site, html) if site is not None else None


def _start_worker(setup: Setup) -> None:
    i18n.set_language(setup.lang)
    verifier = SshsigVerifier(
        Path(setup.cache_file) if setup.cache_file else None, secret=setup.secret
    )
    renderer = renderer_for(setup.site, setup.html)
    zone = ZoneInfo(setup.sop.timezone)
    ctx = Context(setup.sop, setup.roster, zone, setup.now, verifier, setup.office, renderer)
    _WORKER[:] = [(ctx, verifier, renderer, setup.keep)]


_Chunk = tuple[list[tuple[Judgement, NewsItem | None]], dict[str, str], dict[str, Rendered]]


def _judge_chunk(chunk: list[Work]) -> _Chunk:
    """Judge files in a worker; hand back the outcomes, the signatures it verified and (when
    the site is being built) what it rendered."""
    ((ctx, verifier, renderer, keep),) = _WORKER
    out = []
    for work in chunk:
        outcome = judge_bytes(work, ctx)
        out.append((outcome.judgement, outcome.item if keep else None))
    rendered = renderer.take() if renderer is not None and keep else {}
    if renderer is not None and not keep:
        renderer.take()
    return out, verifier.take_added(), rendered


class Judges:
    """Judges the files the cache did not know: in this process, or in worker processes once
    there are PARALLEL_MIN of them (the first ones are sent while the rest are still read).
    Each result comes back with the index its file was added with; ``progress`` advances by
    each file as it is judged (a worker's chunk: when it is handed back)."""

    def __init__(
        self,
        ctx: Context,
        verifier: SshsigVerifier,
        renderer: MarkdownRenderer | None,
        setup: Setup,
        jobs: int,
        *,
        progress: Progress = NO_PROGRESS,
    ) -> None:
        self.ctx = ctx
        self.verifier = verifier
        self.renderer = renderer
        self.setup = setup
        self.jobs = jobs
        self.progress = progress
        self.pending: list[Work] = []
        self.sent: list[tuple[list[Work], Future[_Chunk] | None]] = []
        self.pool: ProcessPoolExecutor | None = None
        self.added = 0
        self.settled = 0

    def add(self, work: Work) -> None:
        self.pending.append(work)
        self.added += 1
        if self.jobs > 1 and self.added >= PARALLEL_MIN:
            while len(self.pending) >= CHUNK:
                self._send(CHUNK)

    def _send(self, size: int) -> None:
        from concurrent.futures import wait  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        chunk, self.pending = self.pending[:size], self.pending[size:]
        if self.pool is None:
            self.pool = _pool(self.jobs, self.setup)
        future: Future[_Chunk] | None
        try:
            future = self.pool.submit(_judge_chunk, chunk)
        except BrokenProcessPool:
            future = None
        self.sent.append((chunk, future))
        while len(self.sent) - self.settled > AHEAD * self.jobs:
            waited, waiting = self.sent[self.settled]
            if waiting is not None:
                wait([waiting])
            self.settled += 1
            self.progress.advance(len(waited))

    def results(self) -> Iterator[tuple[Work, Outcome, bool]]:
        """(work, outcome, whether it may be cached) of every file added."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        if self.sent:
            while self.pending:
                self._send(CHUNK)
        for work in self.pending:
            yield work, judge_bytes(work, self.ctx), True
            self.progress.advance()
        self.pending = []
        broken = False
        for index, (chunk, future) in enumerate(self.sent):
            left = 0 if index < self.settled else len(chunk)  # (counted when reading waited)
            outcome: _Chunk | None = None
            if not broken and future is not None:
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = None
            if outcome is None:
                broken = True
                for work in chunk:
                    yield work, judge_bytes(work, self.ctx), False
                    self.progress.advance(min(left, 1))
                continue
            judged, verified, rendered = outcome
            self.verifier.merge(verified)
            if self.renderer is not None:
                self.renderer.done.update(rendered)
            self.progress.advance(left)
            for work, (judgement, item) in zip(chunk, judged, strict=True):
                yield work, Outcome(judgement, item), True
        self.sent = []
        self.settled = 0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def start_method() -> str | None:
    """Fork where that is safe (Linux, no other thread yet): workers start at once with
    everything loaded. Elsewhere the platform's default: workers import Warta themselves."""
    import multiprocessing  # noqa: PLC0415 - only when there is much to judge

    if (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return "fork"
    return None


def pool_context() -> BaseContext:
    """How worker processes start (:func:`start_method`). A worker that is not forked starts
    a fresh interpreter with ``python -c``, which puts the working directory first on
    ``sys.path``: in a checkout, where anyone who can push writes, a ``multiprocessing/``
    folder at the top would run before anything of Warta's. Such workers are started with
    ``PYTHONSAFEPATH`` set, which leaves the working directory out."""
    import multiprocessing  # noqa: PLC0415 - only when there is much to do

    context = multiprocessing.get_context(start_method())
    if context.get_start_method() != "fork":
        os.environ["PYTHONSAFEPATH"] = "1"  # (inherited by every worker started afresh)
    return context


def _pool(jobs: int, setup: Setup) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=pool_context(),
        initializer=_start_worker,
        initargs=(setup,),
    )
