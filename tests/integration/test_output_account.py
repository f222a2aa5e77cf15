"""The account of a build's output (:func:`warta.publish.account`): every file under the site
folder is expected at its path with its bytes, and told in a fixed order, whatever the
folder holds."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from warta.publish import RENDERED, account


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _walked(site: Path, expected: dict[str, str]) -> list[str]:
    """The account as ``os.walk`` lists the folder (what it was written with)."""
    found: list[str] = []
    for current, dirs, names in os.walk(site):
        linked = [d for d in dirs if os.path.islink(os.path.join(current, d))]
        for name in sorted(names + linked):
            path = Path(current, name)
            rel = path.relative_to(site).as_posix()
            want = expected.get(rel)
            if path.is_symlink():
                found.append(f"{rel}: link")
            elif want is None:
                found.append(f"{rel}: unexpected")
            elif want != RENDERED and _digest(path.read_bytes()) != want:
                found.append(f"{rel}: other bytes")
        dirs[:] = [d for d in dirs if d not in linked]
    return found


def test_every_unaccounted_file_is_told_in_the_order_a_walk_finds_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rahasia.txt").write_text("bocor")
    expected: dict[str, str] = {}
    for n, folder in enumerate(["", "b", "a", "a/z", "a/c", "a/c/d", "zz", "m"]):
        (site / folder).mkdir(parents=True, exist_ok=True)
        for name in ("index.html", "foto.jpg", "x.txt"):
            data = f"{folder}/{name}".encode()
            (site / folder / name).write_bytes(data)
            rel = f"{folder}/{name}" if folder else name
            if name == "index.html":
                expected[rel] = RENDERED
            elif name == "foto.jpg":
                expected[rel] = _digest(data if n % 2 else b"lain")
    (site / "a" / "ke-luar").symlink_to(outside)
    (site / "a" / "c" / "berkas").symlink_to(outside / "rahasia.txt")
    (site / "m" / "putus").symlink_to(tmp_path / "tidak-ada")
    expected["a/ke-luar/rahasia.txt"] = _digest(b"bocor")
    told = account(site, expected)
    assert [line.split(": ")[0] for line in told] == [
        line.split(": ")[0] for line in _walked(site, expected)
    ]
    assert "a/ke-luar: a symbolic link; expected no link in the output" in told
    assert not [line for line in told if line.startswith("a/ke-luar/")]
    assert len(told) == len(_walked(site, expected)) == 15


def test_a_pipe_at_a_page_s_path_and_a_folder_that_cannot_be_listed_are_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A named pipe where the build wrote a page (put there while it built), and a folder
    the account cannot list (whose files it cannot account for), are told, never passed
    over (found by an independent attack: both were)."""
    site = tmp_path / "site"
    (site / "berita" / "a").mkdir(parents=True)
    (site / "tertutup").mkdir()
    (site / "tertutup" / "bocor.html").write_text("bocor")
    os.mkfifo(site / "berita" / "a" / "index.html")
    expected = {"berita/a/index.html": RENDERED, "tertutup/bocor.html": RENDERED}
    listing = os.scandir

    def refusing(path: str) -> Iterator[os.DirEntry[str]]:
        if Path(path).name == "tertutup":
            raise PermissionError(13, "Permission denied", path)
        return listing(path)

    monkeypatch.setattr(os, "scandir", refusing)
    told = dict(line.split(": ", 1) for line in account(site, expected))
    assert told.keys() == {"berita/a/index.html", "tertutup"}
    assert "not a regular file" in told["berita/a/index.html"]
    assert "could not be listed (Permission denied)" in told["tertutup"]
