"""What tells ``warta preview`` that a source changed: MkDocs' poll, paused while it builds.

MkDocs' live-reload server polls: twice a second it walks every watched file and folder and
compares what it finds with the walk before. A newsroom's ``content/`` holds an item file and
a folder or two per item (12,007 entries at 3,000 items, 0.18 s a walk on one core), and the
walk went on while the preview rebuilt, holding Python's interpreter lock against the build:
a rebuild took about half as long again. The preview's poll does not walk while a build
runs; its first walk after the build compares with the walk before it, so a change saved
during a build is found then, and starts the next build.

The kernel's own change notices (inotify) were tried first and left: they miss a ``content/``
folder removed and put back or swapped for another, and watchdog passes over a watch the
kernel refuses (its limit reached) below the top folder without a word, so changes there were
never seen. A poll sees each of these. A watched folder that is gone is polled as an empty
one until it comes back (watchdog's own poll stopped for good: ``content/`` moved
away and back was never watched again, found by an independent attack).
"""

from __future__ import annotations

import threading
from typing import Any

from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingEmitter, PollingObserver
from watchdog.utils.dirsnapshot import DirectorySnapshot, EmptyDirectorySnapshot

#: Seconds between walks (MkDocs' own interval).
INTERVAL = 0.5


class _PausedWhileBuilding(PollingEmitter):
    """MkDocs' polling emitter that does not walk while ``building`` is set."""

    def __init__(self, *args: Any, building: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.building = building
        walk = self._take_snapshot

        def snapshot() -> DirectorySnapshot:
            # A watched folder gone (``mv content elsewhere``, a checkout) is an empty one:
            # every file in it was deleted, and each file is created when it comes back.
            # watchdog's own emitter stopped for good instead, and MkDocs passes over the
            # folder's own event, so nothing under it was ever seen again.
            try:
                return walk()
            except (FileNotFoundError, NotADirectoryError):
                return EmptyDirectorySnapshot()

        self._take_snapshot = snapshot

    def queue_events(self, timeout: float) -> None:
        if self.stopped_event.wait(timeout):
            return
        while self.building.is_set():
            if self.stopped_event.wait(0.05):
                return
        super().queue_events(0)


class PreviewObserver(PollingObserver):
    """The ``observer`` of MkDocs' LiveReloadServer for a preview: its poll, with no walk
    while ``building`` is set (the preview's builder sets it)."""

    def __init__(self, building: threading.Event, *, timeout: float = INTERVAL) -> None:
        BaseObserver.__init__(self, _PausedWhileBuilding, timeout=timeout, building=building)
