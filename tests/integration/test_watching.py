"""The preview's poll for changes (:mod:`warta.mkdocs_plugin.watching`): MkDocs' poll, which
does not walk the sources while the preview builds, and finds a change saved meanwhile with
its first walk after. Real folders, a real observer, MkDocs' own kind of handler."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import polling

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


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """When each walk of the watched folder was made, from now on."""
    made: list[float] = []
    real = polling.DirectorySnapshot

    def counted(*args: object, **kwargs: object) -> polling.DirectorySnapshot:
        made.append(time.monotonic())
        return real(*args, **kwargs)

    monkeypatch.setattr(polling, "DirectorySnapshot", counted)
    return made


def _watching(
    root: Path, seen: _Seen, building: threading.Event
) -> watching.PreviewObserver:
    observer = watching.PreviewObserver(building, timeout=0.1)
    observer.schedule(seen, str(root), recursive=True)
    observer.start()
    time.sleep(0.3)  # (its first walks)
    return observer


def _stopped(observer: watching.PreviewObserver) -> None:
    observer.stop()
    observer.join()


def _edit_is_seen(tree: Path, seen: _Seen, what: str) -> None:
    """A sentence added to ``satu``'s item is seen, by its path (``what``: the case)."""
    item = tree / "berita" / "satu" / "index.md"
    item.write_text(item.read_text() + "Kalimat baru.\n")
    assert seen.wait(), f"{what} was not seen"
    assert str(item) in seen.changes


def _quiet_then_edit_is_seen(tree: Path, seen: _Seen, what: str) -> None:
    """Once what came before has been told whole, an edit is seen by itself."""
    while seen.wait(0.5):
        pass
    seen.changes.clear()
    _edit_is_seen(tree, seen, what)


def test_a_write_is_seen(tree: Path) -> None:
    seen = _Seen()
    observer = _watching(tree, seen, threading.Event())
    try:
        _edit_is_seen(tree, seen, "a write")
    finally:
        _stopped(observer)


def test_no_walk_while_building_and_a_change_saved_meanwhile_is_seen_after(
    tree: Path, walks: list[float]
) -> None:
    """The walk held Python's lock against the build; a change saved during the build is
    found by the first walk after it (compared with the walk before)."""
    seen = _Seen()
    building = threading.Event()
    observer = _watching(tree, seen, building)
    try:
        assert len(walks) >= 2  # (it walks when not building)
        building.set()
        time.sleep(0.3)  # (a walk under way when the build started ends)
        before = len(walks)
        item = tree / "berita" / "dua" / "index.md"
        item.write_text(item.read_text() + "Kalimat baru.\n")
        shutil.rmtree(tree / "berita" / "satu")
        assert not seen.wait(1.5), seen.changes
        assert len(walks) == before, "the sources were walked while the preview built"
        building.clear()
        assert seen.wait(), "a change saved during the build was never seen"
        time.sleep(0.5)
        assert str(item) in seen.changes
        assert any("satu" in change for change in seen.changes), seen.changes
    finally:
        _stopped(observer)


def test_an_item_folder_moved_away_is_seen(tree: Path, tmp_path: Path) -> None:
    seen = _Seen()
    observer = _watching(tree, seen, threading.Event())
    try:
        (tree / "berita" / "dua").rename(tmp_path / "elsewhere")
        assert seen.wait(), "a folder moved away was not seen"
    finally:
        _stopped(observer)


def test_content_swapped_for_another_folder_is_seen(tree: Path, tmp_path: Path) -> None:
    """``mv content content.old`` and a copy put in its place, then an edit in the copy (the
    kernel's change notices followed the old folder and never told of this: found by an
    independent attack on them)."""
    seen = _Seen()
    observer = _watching(tree, seen, threading.Event())
    try:
        tree.rename(tmp_path / "content.old")
        shutil.copytree(tmp_path / "content.old", tree)
        assert seen.wait(), "content/ swapped was not seen"
        _quiet_then_edit_is_seen(tree, seen, "an edit in the new content/")
    finally:
        _stopped(observer)


def test_content_moved_away_and_back_is_watched_again(tree: Path, tmp_path: Path) -> None:
    """``mv content elsewhere`` and back (a checkout can do the same): watchdog's poll
    stopped for good once the folder it watched was gone, and MkDocs passes over the
    folder's own event, so neither the removal nor any later edit was seen (found by an
    independent attack). The poll now finds the folder empty, then whole again."""
    seen = _Seen()
    observer = _watching(tree, seen, threading.Event())
    try:
        tree.rename(tmp_path / "away")
        assert seen.wait(), "content/ moved away was not seen"
        assert str(tree / "berita" / "satu" / "index.md") in seen.changes
        time.sleep(0.5)  # (a walk or two of nothing)
        (tmp_path / "away").rename(tree)
        assert seen.wait(), "content/ put back was not seen"
        _quiet_then_edit_is_seen(tree, seen, "an edit after content/ came back")
    finally:
        _stopped(observer)

