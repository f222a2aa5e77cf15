"""Validate a whole repository quickly, with the report :func:`warta.project.check_project`
gives: what ``warta validate`` runs.

Each news file is read once, as bytes. A file whose judgement the verdict cache holds for
exactly these bytes and this policy (:mod:`warta.adapters.verdicts`) is not parsed or verified
again; the others are judged here or, when there are many, in worker processes (one per
CPU), given the very bytes that were read. The site-wide checks (unique ids and slugs) then
run across every file, as :func:`warta.validate.conclude` always does. Consumers that need
the items themselves (the MkDocs plugin, status, log, sign) use
:func:`warta.project.load_project`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from warta.adapters.items import (
    load_item,
    news_files,
    parse_item,
    stray_entries,
)
from warta.adapters.ssh import SshsigVerifier
from warta.adapters.textfile import TextResult, decode, read_bytes
from warta.adapters.verdicts import VerdictCache, policy_digest
from warta.model.judgement import Judgement
from warta.model.roster import Roster
from warta.model.sop import Sop
from warta.project import Policy, load_policy, resolve_pin
from warta.validate import Context, Report, conclude, judge

if TYPE_CHECKING:  # the process pool is imported only when there is much to judge
    from concurrent.futures import Future, ProcessPoolExecutor

#: Below this many files to judge, starting worker processes costs more than it saves.
PARALLEL_MIN = 200
#: Files handed to a worker at a time.
CHUNK = 64
#: Chunks handed out and not yet judged, per worker, before reading waits for the workers
#: (the files read ahead wait in memory).
AHEAD = 4


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def judge_bytes(display: str, raw: bytes, ctx: Context) -> Judgement:
    """The judgement of the news file ``display`` whose bytes are ``raw``: what
    :func:`~warta.adapters.items.load_item` and :func:`~warta.validate.validate` conclude."""
    text = decode(raw, display)
    if text.text is None:
        return judge(display, None, text.findings, ctx)
    loaded = parse_item(text.text, display)
    return judge(display, loaded.item, [*text.findings, *loaded.findings], ctx)


def validate_repository(
    root: Path,
    *,
    now: datetime | None = None,
    pin: str | None = None,
    strict: bool = False,
    jobs: int | None = None,
    cache: bool = True,
) -> Report:
    """Load the policy (ConfigError if broken), judge every news file and conclude."""
    before = policy_digest(root, resolve_pin(pin)) if cache else None
    policy = load_policy(root, now=now, pin=pin, cache=cache)
    verdicts: VerdictCache | None = None
    if before is not None and policy_digest(root, resolve_pin(pin)) == before:
        verdicts = VerdictCache.open(root, before)  # only if the policy read is the one keyed
    ctx = Context(policy.sop, policy.roster, policy.zone, policy.now, policy.verifier)
    files = news_files(root)
    judged: list[Judgement | None] = [None] * len(files)
    judges = _Judges(policy, ctx, default_jobs() if jobs is None else jobs)
    try:
        for index, (path, display, link) in enumerate(files):
            if link:  # where a link leads is load_item's to judge; never cached
                entry = load_item(root, Path(path))
                judged[index] = judge(entry.path, entry.item, entry.findings, ctx)
                continue
            raw = read_bytes(path, display)
            if isinstance(raw, TextResult):
                judged[index] = judge(display, None, raw.findings, ctx)
                continue
            key = None
            if verdicts is not None:
                key = verdicts.key(display, raw)
                judged[index] = verdicts.get(key, display, ctx.now, ctx.zone)
            if judged[index] is None:
                judges.add(index, path, display, raw, key)
        for index, key, judgement in judges.results():
            judged[index] = judgement
            if verdicts is not None and key is not None:
                verdicts.put(key, judgement, ctx.now, ctx.zone)
    finally:
        judges.close()
    strays = stray_entries(root)
    everything = [j for j in judged if j is not None]
    everything.extend(judge(e.path, e.item, e.findings, ctx) for e in strays)
    report = conclude(everything, workflow_findings=policy.workflow_findings, strict=strict)
    policy.verifier.save()
    if verdicts is not None:
        verdicts.save()
    return report


@dataclass(frozen=True)
class _Setup:
    """What a worker process needs to judge files (sent to it once)."""

    sop: Sop
    roster: Roster
    now: datetime
    cache_file: Path | None
    secret: bytes | None


#: The worker process's context and verifier, made once by :func:`_start_worker`.
_WORKER: list[tuple[Context, SshsigVerifier]] = []


def _start_worker(setup: _Setup) -> None:
    verifier = SshsigVerifier(setup.cache_file, secret=setup.secret)
    zone = ZoneInfo(setup.sop.timezone)
    _WORKER[:] = [(Context(setup.sop, setup.roster, zone, setup.now, verifier), verifier)]


def _judge_chunk(chunk: list[tuple[str, bytes]]) -> tuple[list[Judgement], dict[str, str]]:
    """Judge files in a worker; hand back the judgements and the signatures it verified."""
    ((ctx, verifier),) = _WORKER
    judged = [judge_bytes(display, raw, ctx) for display, raw in chunk]
    return judged, verifier.take_added()


#: (index in the listing, path, display path, cache key) of a file handed to a worker
_Sent = tuple[int, str, str, str | None]
#: what a worker hands back for a chunk: its judgements and the signatures it verified
_Outcome = tuple[list[Judgement], dict[str, str]]


class _Judges:
    """Judges the files the cache did not know: in this process, or in worker processes once
    there are PARALLEL_MIN of them (the first ones are sent while the rest are still read).
    Each result comes back with the index its file was added with. Should a worker die, what
    it had not handed back is judged here (read again, so not kept in the cache)."""

    def __init__(self, policy: Policy, ctx: Context, jobs: int) -> None:
        self.policy = policy
        self.ctx = ctx
        self.jobs = jobs
        self.pending: list[tuple[int, str, str, bytes, str | None]] = []
        self.sent: list[tuple[list[_Sent], Future[_Outcome] | None]] = []
        self.pool: ProcessPoolExecutor | None = None
        self.added = 0
        self.settled = 0  # chunks in ``sent`` known to be judged (or lost)

    def add(self, index: int, path: str, display: str, raw: bytes, key: str | None) -> None:
        self.pending.append((index, path, display, raw, key))
        self.added += 1
        if self.jobs > 1 and self.added >= PARALLEL_MIN:
            while len(self.pending) >= CHUNK:
                self._send(CHUNK)

    def _send(self, size: int) -> None:
        from concurrent.futures import wait  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        chunk, self.pending = self.pending[:size], self.pending[size:]
        if self.pool is None:
            self.pool = _pool(self.jobs, self.policy)
        future: Future[_Outcome] | None
        try:
            future = self.pool.submit(_judge_chunk, [(d, raw) for _, _, d, raw, _ in chunk])
        except BrokenProcessPool:
            future = None
        self.sent.append(([(i, p, d, k) for i, p, d, _, k in chunk], future))
        while len(self.sent) - self.settled > AHEAD * self.jobs:
            waiting = self.sent[self.settled][1]
            if waiting is not None:
                wait([waiting])
            self.settled += 1

    def results(self) -> Iterator[tuple[int, str | None, Judgement]]:
        """(index, cache key or None, judgement) of every file added."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        if self.sent:
            while self.pending:
                self._send(CHUNK)
        for index, _, display, raw, key in self.pending:
            yield index, key, judge_bytes(display, raw, self.ctx)
        self.pending = []
        broken = False
        for sent, future in self.sent:
            outcome: _Outcome | None = None
            if not broken and future is not None:
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = None
            if outcome is None:
                broken = True
                for index, path, display, _ in sent:
                    entry = load_item(self.policy.root, Path(path))
                    yield index, None, judge(display, entry.item, entry.findings, self.ctx)
                continue
            judged, verified = outcome
            self.policy.verifier.merge(verified)
            for (index, _, _, key), judgement in zip(sent, judged, strict=True):
                yield index, key, judgement
        self.sent = []
        self.settled = 0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _start_method() -> str | None:
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


def _pool(jobs: int, policy: Policy) -> ProcessPoolExecutor:
    import multiprocessing  # noqa: PLC0415 - only when there is much to judge
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    verifier = policy.verifier
    setup = _Setup(policy.sop, policy.roster, policy.now, verifier.cache_file, verifier.secret)
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(_start_method()),
        initializer=_start_worker,
        initargs=(setup,),
    )
