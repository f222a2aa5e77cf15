"""What tells ``warta preview`` that a source changed: the kernel where it can, else a poll.

MkDocs' live-reload server polls: twice a second it walks every watched file and folder and
compares what it finds with the walk before. A newsroom's ``content/`` holds an item file and
a folder or two per item (12,007 entries at 3,000 items, 0.18 s a walk on one core), and the
walk goes on while the preview rebuilds, holding Python's interpreter lock against the build.
On Linux the preview asks the kernel instead (inotify): nothing is walked, and a change is
told as it happens. Elsewhere, or when the kernel refuses more watches (its limit,
``fs.inotify.max_user_watches``, is reached), the preview polls as MkDocs does.

Only changes are asked for: a file written, created, removed or moved, a folder created,
removed or moved. Never a file opened or read: the build reads every source, and each read
would start another build.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from warta.i18n import _

log = logging.getLogger("mkdocs.warta")

#: The events that are changes (see the module's text).
CHANGES: list[type[FileSystemEvent]] = [
    FileModifiedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


class _AsFileChange(FileSystemEventHandler):
    """MkDocs' handler, told of a folder's change as of a file's. MkDocs rebuilds on file
    events only, which is all a poll needs (it lists each file of a folder moved or removed);
    the kernel tells of an item's folder renamed or moved away as one folder event."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            event = FileModifiedEvent(event.src_path)
        self.handler.dispatch(event)


def _kernel_observer() -> BaseObserver | None:
    """An observer the kernel tells of changes (Linux), or None."""
    try:
        from watchdog.observers.inotify import InotifyObserver  # noqa: PLC0415 - Linux only
    except ImportError:
        return None
    try:
        return InotifyObserver()
    except OSError:  # no inotify instance left (fs.inotify.max_user_instances)
        return None


class Watcher:
    """The ``observer`` of MkDocs' LiveReloadServer, which schedules its watches on it,
    starts, stops and joins it: the kernel's observer, or MkDocs' own polling one."""

    def __init__(self, polling_interval: float = 0.5) -> None:
        self.polling_interval = polling_interval
        self.observer: BaseObserver = _kernel_observer() or self._polling()
        self._scheduled: list[tuple[FileSystemEventHandler, str, bool]] = []

    @property
    def polls(self) -> bool:
        return isinstance(self.observer, PollingObserver)

    def _polling(self) -> BaseObserver:
        return PollingObserver(timeout=self.polling_interval)

    def schedule(
        self,
        event_handler: FileSystemEventHandler,
        path: str | Path,
        *,
        recursive: bool = False,
    ) -> ObservedWatch:
        self._scheduled.append((event_handler, str(path), recursive))
        if self.polls:
            return self.observer.schedule(event_handler, path, recursive=recursive)
        return self.observer.schedule(
            _AsFileChange(event_handler), path, recursive=recursive, event_filter=CHANGES
        )

    def unschedule(self, watch: ObservedWatch) -> None:
        self.observer.unschedule(watch)

    def start(self) -> None:
        try:
            self.observer.start()
            return
        except OSError as exc:
            if self.polls:
                raise
            with contextlib.suppress(Exception):  # (the watches that did start)
                self.observer.stop()
            log.warning(
                "warta: "
                + _(
                    "the system refused to watch the sources for changes ({error}); checking"
                    " them twice a second instead, which slows each rebuild (raise"
                    " fs.inotify.max_user_watches to avoid this)"
                ).format(error=exc)
            )
        self.observer = self._polling()
        for handler, path, recursive in self._scheduled:
            self.observer.schedule(handler, path, recursive=recursive)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self.observer.is_alive():
            self.observer.join(timeout)
