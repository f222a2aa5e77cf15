"""A folder the gate cannot list is a finding, never a folder that is not there (found by
an independent attack: ``chmod 000`` on an approved item's folder, or on a year's, made
``warta validate --strict`` print "0 error(s)" and exit 0, the item gone from every count).

Root reads any folder, so the CLI runs without the two capabilities that let it
(``setpriv``, from util-linux, which every Debian has) when the tests run as root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import Repo, warta_exe

#: The capabilities that let root read a folder whatever its permissions.
_NO_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")


def _as_a_user(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """``warta *args`` in ``repo``, as a process that permissions bind."""
    prefix = _NO_OVERRIDE if os.geteuid() == 0 else ()
    env = {**os.environ, **repo.env}
    return subprocess.run([*prefix, warta_exe(), *args], cwd=repo.root, capture_output=True,
                          text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize("folder", ["content/berita/2026/uji", "content/berita/2026",
                                    "content/berita", "content/assets"])
def test_a_folder_that_cannot_be_listed_fails_validate(
    repo: Repo, folder: str, tmp_path: Path
) -> None:
    repo.approved_item("Bupati Resmikan Jembatan Uji", slug="uji")
    repo.path("content/assets").mkdir(exist_ok=True)
    repo.commit_all("berita uji")
    assert _as_a_user(repo, "validate", "--strict").returncode == 0  # (readable: fine)
    locked = repo.path(folder)
    locked.chmod(0)
    try:
        report = _as_a_user(repo, "validate")
        built = _as_a_user(repo, "build", "-d", str(tmp_path / "site"))
    finally:
        locked.chmod(0o755)
    out = report.stdout + report.stderr
    assert report.returncode == 1, out
    assert "Traceback" not in out + built.stderr
    assert f"{folder}" in report.stdout and "Permission denied" in report.stdout, out
    # the build publishes nothing of what it could not read, and says so
    assert "Traceback" not in built.stdout
    if folder != "content/assets":
        assert not (tmp_path / "site/berita/2026/uji/index.html").exists()
        assert "warta: 0 items published" in built.stderr, built.stderr[-2000:]


def test_an_entry_that_cannot_be_looked_at_fails_validate(repo: Repo) -> None:
    """A folder that may be listed but not entered (read without search permission): its
    names are known and what they are is not."""
    repo.approved_item("Bupati Resmikan Jembatan Uji", slug="uji")
    repo.commit_all("berita uji")
    year = repo.path("content/berita/2026")
    year.chmod(0o444)
    try:
        report = _as_a_user(repo, "validate")
    finally:
        year.chmod(0o755)
    assert report.returncode == 1, report.stdout + report.stderr
    assert "content/berita/2026/uji" in report.stdout, report.stdout
    assert "Traceback" not in report.stdout + report.stderr


@pytest.mark.parametrize(
    ("folder", "args"),
    [
        ("workflow", ("validate",)),
        ("workflow", ("build", "-d", "{tmp}/site")),
        ("workflow", ("status",)),
        ("content/berita/2026", ("log", "content/berita/2026/uji/index.md")),
        ("content/berita/2026", ("verify", "content/berita/2026/uji/index.md")),
    ],
)
def test_a_folder_met_before_any_check_is_a_message_not_a_traceback(
    repo: Repo, folder: str, args: tuple[str, ...], tmp_path: Path
) -> None:
    """Some commands meet a folder through the file system before any check lists it
    (looking for the repository's root, or at the path they were given): a PermissionError
    ended them in a traceback (found by an independent attack)."""
    repo.approved_item("Bupati Resmikan Jembatan Uji", slug="uji")
    repo.commit_all("berita uji")
    locked = repo.path(folder)
    locked.chmod(0)
    try:
        result = _as_a_user(repo, *(a.format(tmp=tmp_path) for a in args))
    finally:
        locked.chmod(0o755)
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert result.returncode in (1, 2), out
    assert "Permission denied" in out and folder in out, out


def test_a_folder_under_workflow_that_cannot_be_listed_trusts_nothing(repo: Repo) -> None:
    """Nothing under workflow/ may be other than regular files and folders, read or not: a
    folder there that cannot be listed was passed over, and ``validate --strict`` passed."""
    extra = repo.path("workflow/lain")
    extra.mkdir()
    (extra / "catatan.txt").write_text("catatan\n", encoding="utf-8")
    extra.chmod(0)
    try:
        result = _as_a_user(repo, "validate", "--strict")
    finally:
        extra.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "workflow/lain: error [workflow.symlink] expected only regular files and folders under"
        " workflow/, found the error 'Permission denied'"
    ) in result.stdout, result.stdout
