"""The preview's watcher (:mod:`warta.mkdocs_plugin.watching`): told by the kernel of each
change under a watched folder and of nothing else, and polling as MkDocs does when the kernel
refuses to watch. Real folders, real observers (inotify: Linux, as CI), MkDocs' own kind of
handler."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import BaseObserver

from warta.mkdocs_plugin import watching


class _Seen(FileSystemEventHandler):
    """As MkDocs' live-reload handler: folder events are ignored, any other is a change."""

    def __init__(self) -> None:
        self.changes: list[str] = []
        self.event = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        self.changes.append(str(event.src_path))
        self.event.set()

    def wait(self, seconds: float = 10.0) -> bool:
        seen = self.event.wait(seconds)
        self.event.clear()
        return seen


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for name in ("satu", "dua"):
        (root / "berita" / name / "images").mkdir(parents=True)
        (root / "berita" / name / "index.md").write_text("---\ntitle: x\n---\nIsi.\n")
    return root


def _watching(root: Path, seen: _Seen) -> watching.Watcher:
    watcher = watching.Watcher(polling_interval=0.1)
    watcher.schedule(seen, str(root), recursive=True)
    watcher.start()
    time.sleep(0.3)  # (a poll's first walk)
    return watcher


def _stopped(watcher: watching.Watcher) -> None:
    watcher.stop()
    watcher.join()


def test_the_kernel_tells_of_writes_and_never_of_reads(tree: Path) -> None:
    seen = _Seen()
    watcher = _watching(tree, seen)
    try:
        assert not watcher.polls
        for path in tree.rglob("*"):  # what a build does to every source
            if path.is_file():
                path.read_bytes()
        assert not seen.wait(1.0), seen.changes
        item = tree / "berita" / "satu" / "index.md"
        item.write_text(item.read_text() + "Kalimat baru.\n")
        assert seen.wait(), "a write was not told"
        assert str(item) in seen.changes
    finally:
        _stopped(watcher)


@pytest.mark.parametrize("how", ["renamed", "moved away", "removed"])
def test_an_item_folder_renamed_moved_away_or_removed_is_a_change(
    tree: Path, tmp_path: Path, how: str
) -> None:
    """The kernel tells of a folder renamed or moved away as one folder event, which MkDocs'
    handler ignores: it is told as a change of a file."""
    import shutil

    seen = _Seen()
    watcher = _watching(tree, seen)
    folder = tree / "berita" / "dua"
    try:
        if how == "renamed":
            folder.rename(folder.with_name("dua-baru"))
        elif how == "moved away":
            folder.rename(tmp_path / "elsewhere")
        else:
            shutil.rmtree(folder)
        assert seen.wait(), f"a folder {how} was not told"
    finally:
        _stopped(watcher)


def test_a_kernel_that_refuses_to_watch_leaves_the_watching_to_a_poll(
    tree: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The kernel's watch limit reached as the watches start (ENOSPC, as inotify_add_watch
    says it): the watcher polls, as MkDocs does, says so, and still sees each change."""
    from watchdog.observers.inotify import InotifyObserver

    class Refusing(InotifyObserver):
        def on_thread_start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    made: list[BaseObserver] = []

    def refusing() -> BaseObserver:
        made.append(Refusing())
        return made[-1]

    monkeypatch.setattr(watching, "_kernel_observer", refusing)
    seen = _Seen()
    with caplog.at_level("WARNING", logger="mkdocs.warta"):
        watcher = _watching(tree, seen)
    try:
        assert watcher.polls
        assert "fs.inotify.max_user_watches" in caplog.text
        item = tree / "berita" / "satu" / "index.md"
        item.write_text(item.read_text() + "Kalimat baru.\n")
        assert seen.wait(), "a write was not told by the poll"
    finally:
        _stopped(watcher)
        for observer in made:
            assert not observer.is_alive()
