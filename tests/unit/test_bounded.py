"""warta.adapters.bounded: work in a forked child with a time budget (the typesetter's)."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from warta.adapters.bounded import ChildFailed, OverBudget, run_bounded


def test_the_child_s_answer_comes_back_whole() -> None:
    big = os.urandom(3 << 20)  # more than a pipe holds: read while the child writes
    assert run_bounded(lambda: big, 30) == big
    assert run_bounded(lambda: b"", 30) == b""


def test_an_error_in_the_child_is_raised_with_its_message() -> None:
    def broken() -> bytes:
        raise ValueError("error: file not found (searched at foto.svg)")

    with pytest.raises(ChildFailed, match=r"searched at foto\.svg"):
        run_bounded(broken, 30)


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children ``os.fork`` makes from now on (in this test)."""
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forked


def test_a_child_past_its_budget_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    forked = _forks(monkeypatch)

    def slow() -> bytes:
        time.sleep(30)
        return b"late"

    started = time.monotonic()
    with pytest.raises(OverBudget):
        run_bounded(slow, 0.5)
    assert time.monotonic() - started < 5
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # killed and reaped: not even a zombie is left


def test_a_child_that_dies_gives_no_answer() -> None:
    def dies() -> bytes:
        os._exit(3)

    with pytest.raises(ChildFailed, match="without an answer"):
        run_bounded(dies, 30)


def test_an_answer_cut_short_is_never_taken_for_a_whole_one() -> None:
    """The parent read until the pipe closed and took anything starting with '+': a child
    killed while it wrote (the OOM killer, someone ending Typst) gave cetak a truncated PDF
    to sign (found by an independent attack). The answer now says its length, and the
    child's exit status must be 0."""
    import signal

    real_write = os.write

    def cut(fd: int, data: bytes | memoryview) -> int:  # writes a part, then the child ends
        real_write(fd, bytes(data)[:1000])
        os._exit(0)

    def killed(fd: int, data: bytes | memoryview) -> int:
        real_write(fd, bytes(data)[:1000])
        os.kill(os.getpid(), signal.SIGKILL)
        return 0

    for writer in (cut, killed):

        def work(writer=writer) -> bytes:  # (runs in the child: only the child's os.write)
            setattr(os, "write", writer)  # noqa: B010 (a module attribute, in the child only)
            return b"%PDF-" + b"x" * 100_000 + b"%%EOF"

        with pytest.raises(ChildFailed, match="without an answer"):
            run_bounded(work, 30)


def test_a_signal_right_after_the_fork_never_makes_a_second_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM between the fork and the child's own handlers raised KeyboardInterrupt in the
    child, which then went on as a second copy of the calling program (found by an
    independent attack). The signals are blocked until each process is ready: the child
    ends by SIGTERM's default action, and the parent gets no answer."""
    import signal

    me = os.getpid()
    told, tell = os.pipe()  # an escaped child says so here
    os.set_blocking(told, False)
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid == 0:
            os.kill(os.getpid(), signal.SIGTERM)  # (the moment a storm of signals hits)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    try:
        with pytest.raises(ChildFailed, match="without an answer"):
            run_bounded(lambda: b"ok", 30)
    finally:
        if os.getpid() != me:  # a child that escaped: say so, and end it before it goes on
            os.write(tell, b"escaped")
            os._exit(99)
    os.close(tell)
    try:
        escaped = os.read(told, 16)
    except BlockingIOError:
        escaped = b""
    os.close(told)
    assert escaped == b"", "the child ran the caller's code"
    assert signal.getsignal(signal.SIGTERM) is not None
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()  # nothing left blocked


def _sent_during_work(stop: signal.Signals, after: float) -> threading.Timer:
    """``stop`` sent to this process ``after`` seconds from now (while the work runs)."""
    timer = threading.Timer(after, os.kill, (os.getpid(), stop))
    timer.start()
    return timer


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
def test_a_signal_started_ignored_stays_ignored(stop: signal.Signals) -> None:
    """``nohup warta cetak`` ignores SIGHUP so that the run survives a closed terminal, and a
    shell starts a background command with Ctrl+C ignored. The typesetter took SIGHUP and
    SIGTERM over anyway, in the process and in its child (reset to the default action): a
    closed terminal ended the nohup run it was meant to keep. An ignored signal now changes
    nothing, in either process."""

    def work() -> bytes:  # (in the child: how it treats the signal a terminal sends it too)
        time.sleep(1.5)
        return str(signal.getsignal(stop)).encode()

    before = signal.signal(stop, signal.SIG_IGN)
    try:
        timer = _sent_during_work(stop, 0.5)
        assert run_bounded(work, 30) == str(signal.SIG_IGN).encode()
        timer.join()
        assert signal.getsignal(stop) == signal.SIG_IGN
    finally:
        signal.signal(stop, before)


@pytest.mark.parametrize("stop", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
def test_a_signal_not_ignored_stops_the_work_and_its_child(
    stop: signal.Signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counterpart: the same signal, not ignored, ends the work at once, the child is
    gone, and the handlers are as they were."""
    forked = _forks(monkeypatch)

    def work() -> bytes:
        time.sleep(30)
        return b"late"

    default = signal.default_int_handler if stop == signal.SIGINT else signal.SIG_DFL
    before = signal.signal(stop, default)
    try:
        timer = _sent_during_work(stop, 0.5)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run_bounded(work, 60)
        assert time.monotonic() - started < 10
        timer.join()
        assert len(forked) == 1
        with pytest.raises(ChildProcessError):
            os.waitpid(forked[0], os.WNOHANG)
        assert signal.getsignal(stop) == default  # (the handler is put back)
    finally:
        signal.signal(stop, before)
