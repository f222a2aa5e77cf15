"""Signals that stop a long run the way Ctrl+C does: SIGTERM and SIGHUP, for the
typesetter, a build and a preview.

SIGTERM (a cancelled CI job) and SIGHUP (a closed terminal) end a process at once by
default, so its ``finally`` blocks never run: temporary folders stay behind and child
processes run on. While they are installed, these handlers make such a signal raise
KeyboardInterrupt instead, and the cleanup runs as it does for Ctrl+C.

A signal the process was started with ignored stays ignored. ``nohup warta cetak …``
ignores SIGHUP so the run survives a closed terminal, and a shell starts background
commands with Ctrl+C ignored; Python itself leaves such a SIGINT alone. Taking those
signals over turned ``nohup`` into a way to lose the run that ``nohup`` was meant to keep.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable
from typing import Any

#: A handler as :func:`signal.signal` returns it.
Handler = Any


def interrupting(stops: Iterable[signal.Signals]) -> dict[signal.Signals, Handler]:
    """Have each of ``stops`` raise KeyboardInterrupt, unless it is ignored; the handlers
    replaced, for :func:`restore`. Only the main thread can set a signal handler:
    elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    replaced: dict[signal.Signals, Handler] = {}
    for stop in stops:
        if signal.getsignal(stop) == signal.SIG_IGN:
            continue
        replaced[stop] = signal.signal(stop, _interrupt)
    return replaced


def restore(replaced: dict[signal.Signals, Handler]) -> None:
    """Put back the handlers :func:`interrupting` replaced."""
    for stop, handler in replaced.items():
        signal.signal(stop, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
