"""Unit tests run with no disk: while a test function runs, Warta's code and the test's own
code may not open, list or stat a file, nor start a process. (Modules are imported before,
at collection; the test machinery itself, pytest and hypothesis reading sources, may.)"""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import warta

GUARDED = (
    (builtins, "open"),
    (io, "open"),
    (os, "open"),
    (os, "listdir"),
    (os, "scandir"),
    (os, "stat"),
    (os, "lstat"),
    (os, "mkdir"),
    (os, "remove"),
    (os, "unlink"),
    (os, "rename"),
    (os, "replace"),
    (subprocess, "Popen"),
)

#: Code that must not touch the disk: Warta and the unit tests (with their builders).
WATCHED = (str(Path(warta.__file__).parent), str(Path(__file__).parent))
#: Test machinery that may (reading sources to report a failure, hypothesis' digests).
MACHINERY = ("_pytest", "pluggy", "hypothesis")


class DiskAccess(AssertionError):
    """A unit test touched the filesystem or started a process."""


def _watched_caller() -> bool:
    """Whether the innermost caller that matters is Warta or a unit test (not pytest or
    hypothesis). Standard-library and other frames in between are looked through."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(WATCHED):
            return True
        if any(f"{os.sep}{part}{os.sep}" in name for part in MACHINERY):
            return False
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _guard(name: str, original: Callable[..., object]) -> Callable[..., object]:
    def guarded(*args: object, **kwargs: object) -> object:
        if _watched_caller():
            raise DiskAccess(f"unit tests must not touch the disk: {name}{args!r}")
        return original(*args, **kwargs)

    return guarded


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Arm the guard for the test function only (fixtures and failure reports are outside)."""
    patch = pytest.MonkeyPatch()
    for module, name in GUARDED:
        original = getattr(module, name)
        patch.setattr(module, name, _guard(f"{module.__name__}.{name}", original))
    try:
        yield
    finally:
        patch.undo()
