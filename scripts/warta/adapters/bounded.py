"""Running native work that Python cannot interrupt (the Typst compiler) in a child process
with a time budget.

While Typst typesets, the Python thread that called it runs no signal handler: Ctrl+C did
nothing, SIGTERM left the compile folder behind, and an approved SVG drawn two thousand times
kept ``warta cetak`` busy for minutes with no end in sight (found by an independent attack).
Here the work runs in a forked child. The parent waits for its answer on a pipe, where
Ctrl+C and SIGTERM reach it; when the budget is spent, or the parent is interrupted, the
child is killed and the parent's cleanup (the temporary folder) runs as usual.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import NoReturn

from warta.errors import WartaError


class OverBudget(WartaError):
    """The work did not finish within its budget; the child was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not finished after {seconds:g} s")
        self.seconds = seconds


class ChildFailed(WartaError):
    """The work raised in the child (its message) or the child died (no answer)."""


def run_bounded(work: Callable[[], bytes], seconds: float) -> bytes:
    """``work()``'s bytes, computed in a forked child that is killed after ``seconds``
    (OverBudget), or when Ctrl+C or SIGTERM reaches this process (KeyboardInterrupt, after
    the child is gone). An exception in ``work`` becomes ChildFailed with its message."""
    read_end, write_end = os.pipe()
    with _sigterm_interrupts():
        pid = os.fork()
        if pid == 0:  # the child: answer on the pipe, then leave without any cleanup
            os.close(read_end)
            _answer(work, write_end)
        os.close(write_end)
        try:
            answer = _read(read_end, time.monotonic() + seconds, seconds)
        except BaseException:
            _kill(pid)
            raise
        finally:
            os.close(read_end)
    _reap(pid)
    if answer[:1] == b"+":
        return answer[1:]
    if answer[:1] == b"-":
        raise ChildFailed(answer[1:].decode("utf-8", "replace"))
    raise ChildFailed("the child process ended without an answer")


def _answer(work: Callable[[], bytes], fd: int) -> NoReturn:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this child
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        try:
            answer = b"+" + work()
        except Exception as exc:  # (its message crosses the pipe; the parent raises)
            answer = b"-" + str(exc).encode("utf-8", "replace")
        view = memoryview(answer)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(0)


def _read(fd: int, deadline: float, seconds: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise OverBudget(seconds)
        ready, _w, _x = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def _reap(pid: int) -> None:
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile (as Ctrl+C does), so that the caller's
    cleanup runs; only the main thread can take a signal handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
