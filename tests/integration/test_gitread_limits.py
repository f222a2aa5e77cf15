"""Reading git objects never holds one larger than asked for (found by an independent
attack: versions of 50 MiB that pack to almost nothing, 200 to a batch, were read whole
into memory by ``warta laporan`` and by a build with the Kinerja page, and only then found
too large)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from warta.adapters import gitread

MiB = 1 << 20


def _repo(root: Path) -> list[str]:
    """A repository whose file ``a.md`` was small, then 20 MiB, then small again: the
    commits, oldest first."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    commits = []
    for n, data in enumerate((b"kecil\n", b"a" * (20 * MiB), b"kecil lagi\n")):
        (root / "a.md").write_bytes(data)
        subprocess.run(["git", "add", "a.md"], cwd=root, check=True)
        subprocess.run(["git", "-c", "user.name=x", "-c", "user.email=x@x.invalid", "commit",
                        "-q", "-m", str(n)], cwd=root, check=True)
        commits.append(subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True,
                                      capture_output=True, text=True).stdout.strip())
    return commits


def test_an_object_larger_than_asked_for_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    commits = _repo(root)
    largest: list[int] = []
    real = gitread._git

    def measured(*args: Any, **kw: Any) -> bytes:
        out = real(*args, **kw)
        largest.append(len(out))
        return out

    monkeypatch.setattr(gitread, "_git", measured)
    names = [f"{c}:a.md" for c in commits]
    found = gitread.read_blobs(root, [*names, "0" * 40], MiB, missing_ok=True)
    assert found == {names[0]: b"kecil\n", names[1]: None, names[2]: b"kecil lagi\n",
                     "0" * 40: None}
    assert max(largest) < MiB  # the 20 MiB version never came out of git
    history = list(gitread.path_history(root, "a.md", 10, MiB, oldest_first=True))
    assert [data for _commit, data in history] == [b"kecil\n", None, b"kecil lagi\n"]
    assert [commit for commit, _data in history] == commits
    assert [c for c, _d in gitread.path_history(root, "a.md", 2, MiB)] == commits[:0:-1]
    assert max(largest) < MiB
    with pytest.raises(gitread.UsageError):
        gitread.read_blobs(root, ["0" * 40], MiB)


def test_each_version_is_read_once_with_its_first_commit_in_the_order_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file set to A, B, A, B, A and deleted: two versions, each read once (commits that
    change a file and put it back cost no read or parse; found by an independent attack)."""
    root = tmp_path / "repo"
    root.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(["git", "-c", "user.name=x", "-c", "user.email=x@x.invalid",
                               *args], cwd=root, check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q", "-b", "main")
    commits = []
    for n, data in enumerate((b"A\n", b"B\n", b"A\n", b"B\n", b"A\n", None)):
        if data is None:
            (root / "a.md").unlink()
        else:
            (root / "a.md").write_bytes(data)
        git("add", "-A")
        git("commit", "-q", "-m", str(n))
        commits.append(git("rev-parse", "HEAD"))
    asked: list[str] = []
    real = gitread.read_blobs

    def counting(root: Path, shas: Any, limit: int, **kw: Any) -> Any:
        asked.extend(shas)
        return real(root, shas, limit, **kw)

    monkeypatch.setattr(gitread, "read_blobs", counting)
    oldest = list(gitread.path_history(root, "a.md", 100, MiB, oldest_first=True))
    assert oldest == [(commits[0], b"A\n"), (commits[1], b"B\n")]
    assert len(asked) == 2
    newest = list(gitread.path_history(root, "a.md", 100, MiB))
    assert newest == [(commits[4], b"A\n"), (commits[3], b"B\n")]
