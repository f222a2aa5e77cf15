"""A path no file can be reached by, given to a command: a name longer than the file system
takes, or a loop of symbolic links. It ended ``verify``, ``validate``, ``status``, ``build
-d`` and others in a traceback (found by an independent attack); now each says which path
and why, exit 2."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import MAIN, warta_exe

LONG = "a" * 300


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loop")
    (folder / "l1").symlink_to("l2")
    (folder / "l2").symlink_to("l1")
    return folder


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    env.pop("LC_MESSAGES", None)
    return subprocess.run([warta_exe(), "--lang", "en", *args], cwd=MAIN, capture_output=True,
                          text=True, timeout=300, check=False, env=env)


@pytest.mark.parametrize(
    "args",
    [("verify", LONG), ("validate", "{loop}/l1"), ("status", "{loop}/l1"),
     ("summary", "{loop}/l1", "--base", "HEAD"), ("build", "-d", "{loop}/" + LONG)],
    ids=["verify-long", "validate-loop", "status-loop", "summary-loop", "build-long"],
)
def test_an_unusable_path_is_named_with_exit_2(loop: Path, args: tuple[str, ...]) -> None:
    result = _run(*(a.format(loop=loop) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [row for row in result.stderr.splitlines() if row.startswith("warta: ")]
    assert line.endswith((": expected a path to a file or folder, found the error 'File name"
                          " too long'", ": expected a path to a file or folder, found the error"
                          " 'Too many levels of symbolic links'")), line
