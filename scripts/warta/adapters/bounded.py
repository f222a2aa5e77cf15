"""Running native work that Python cannot interrupt (the Typst compiler) in a child process
with a time budget.

While Typst typesets, the Python thread that called it runs no signal handler: Ctrl+C did
nothing, SIGTERM left the compile folder behind, and an approved SVG drawn two thousand times
kept ``warta cetak`` busy for minutes with no end in sight (found by an independent attack).
Here the work runs in a forked child. The parent waits for its answer on a pipe, where
Ctrl+C, SIGTERM and SIGHUP reach it; when the budget is spent, or the parent is
interrupted, the child is killed and the parent's cleanup (the temporary folder) runs as
usual. A parent killed outright (SIGKILL) cannot clean up: its child then ends by itself.
"""

from __future__ import annotations

import os
import select
import signal
import time
from collections.abc import Callable
from contextlib import suppress
from typing import NoReturn

from warta.adapters import stops
from warta.errors import WartaError

#: Seconds the child may run past the budget before its own timer ends it (the parent ends it
#: at the budget; this is for a parent that can no longer).
GRACE = 5.0
#: prctl(2): the signal a process gets when its parent ends.
PR_SET_PDEATHSIG = 1


class OverBudget(WartaError):
    """The work did not finish within its budget; the child was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"not finished after {seconds:g} s")
        self.seconds = seconds


class ChildFailed(WartaError):
    """The work raised in the child (its message) or the child died (no answer)."""


def run_bounded(work: Callable[[], bytes], seconds: float) -> bytes:
    """``work()``'s bytes, computed in a forked child that is killed after ``seconds``
    (OverBudget), or when Ctrl+C, SIGTERM or SIGHUP reaches this process (KeyboardInterrupt,
    after the child is gone; one this process was started with ignored stays ignored, see
    :mod:`warta.adapters.stops`). An exception in ``work`` becomes ChildFailed with its message.

    Those signals are blocked from before the fork until each process is ready for them:
    the child has its own handlers (a signal between the fork and them made the child raise
    KeyboardInterrupt and go on as a second copy of the program, found by an independent
    attack), and the parent is inside the block that kills the child."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    previous = stops.interrupting((signal.SIGTERM, signal.SIGHUP))
    pid = 0
    try:
        pid = os.fork()
        if pid == 0:  # the child: answer on the pipe, then leave without any cleanup
            os.close(read_end)
            _answer(work, write_end, parent, seconds, mask)
        os.close(write_end)
        write_end = -1
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # (one sent meanwhile arrives now)
        answer = _read(read_end, time.monotonic() + seconds, seconds)
    except BaseException:
        if pid:
            _kill(pid)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        stops.restore(previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if write_end >= 0:
            os.close(write_end)
        os.close(read_end)
    status = _reap(pid)
    kind, size, data = answer[:1], int.from_bytes(answer[1:9], "big"), answer[9:]
    if status != 0 or len(answer) < 9 or size != len(data):  # killed while it answered
        raise ChildFailed("the child process ended without an answer")
    if kind == b"+":
        return data
    if kind == b"-":
        raise ChildFailed(data.decode("utf-8", "replace"))
    raise ChildFailed("the child process ended without an answer")


def _answer(
    work: Callable[[], bytes], fd: int, parent: int, seconds: float, mask: set[int | signal.Signals]
) -> NoReturn:
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills the child
        for stop in (signal.SIGTERM, signal.SIGHUP):  # (one the parent ignores, nohup's
            if signal.getsignal(stop) != signal.SIG_IGN:  # SIGHUP, the child ignores too)
                signal.signal(stop, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        # the child ends on its own too: when the parent ends however it ends (SIGKILL, a
        # closed terminal), and once the budget and a grace period are spent (SIGALRM's
        # default action ends the process even inside native code)
        _die_with(parent)
        signal.setitimer(signal.ITIMER_REAL, seconds + GRACE)
        try:
            kind, data = b"+", work()
        except Exception as exc:  # (its message crosses the pipe; the parent raises)
            kind, data = b"-", str(exc).encode("utf-8", "replace")
        # the answer says how long it is: one cut short (the child killed while it wrote)
        # is never taken for a whole one
        view = memoryview(kind + len(data).to_bytes(8, "big") + data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os._exit(0)


def _die_with(parent: int) -> None:
    """Linux: have the kernel send SIGKILL to this process when its parent ends; then end
    at once if the parent is gone already. (Elsewhere the budget's timer still ends it.)"""
    with suppress(OSError, AttributeError):
        import ctypes  # noqa: PLC0415 - only in the child

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


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


def _reap(pid: int) -> int | None:
    """The exit status of the child ``pid`` once it has ended (None: not known)."""
    with suppress(ChildProcessError):
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return None


#: What stops the work: Ctrl+C, SIGTERM (a cancelled job), SIGHUP (a closed terminal).
_STOPS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
