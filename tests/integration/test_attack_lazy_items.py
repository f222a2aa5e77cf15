"""Attacks on a warm ``warta validate``, which reads no item known unchanged (its digest
remembered by what the file system says of it) and keys verdicts by that digest: an item
swapped, linked, renamed, replaced with its times set back, or changed by a checkout. In each,
the cached run says what ``--no-cache`` says (an independent attack session wrote them).

What a remembered digest cannot see (a write through a shared memory mapping to a page still
dirty; a file system with a clock of its own) is a change made on the machine itself, not by a
commit: see :mod:`warta.adapters.digests`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, SignedRepos, settle

NEWS = "content/berita/2026"
ITEM = f"{NEWS}/jembatan/index.md"


def summary(repo: Repo, *args: str) -> tuple[int, list[tuple[str, bool, list[str]]]]:
    data = repo.validate_json(*args)
    return data["summary"]["publishable"], sorted(
        (i["path"], i.get("publishable"), sorted(f["rule"] for f in i["findings"]))
        for i in data["items"]
    )


def both(repo: Repo) -> tuple[Any, Any]:
    return summary(repo), summary(repo, "--no-cache")


def run_validate(repo: Repo, *extra: str) -> subprocess.CompletedProcess[str]:
    return repo.cli("validate", "--format", "json", *extra)


def forged_same_size(text: str) -> str:
    forged = text.replace("Isi berita.", "Isi palsu..")
    assert forged != text and len(forged) == len(text)
    return forged


def agree_now_and_remembered(repo: Repo, publishable: int | None = None) -> None:
    """A run right after a change (nothing of it remembered yet), then one after the change
    is remembered: each says what ``--no-cache`` says (and, if given, that ``publishable``
    items are publishable)."""
    for remembered in (False, True):
        if remembered:
            settle()
        cached, plain = both(repo)
        assert cached == plain
        assert publishable is None or cached[0] == publishable


def two_items(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.approved_item("Posyandu Balita", slug="posyandu")


@pytest.fixture(scope="module")
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(two_items)


@pytest.fixture
def item(site: Repo) -> Path:
    """The item attacked, once a warm run remembers it (the other stays publishable)."""
    settle()
    cached, plain = both(site)
    assert cached == plain and cached[0] == 2
    assert summary(site)[0] == 2  # warm: remembered
    return site.path(ITEM)


@pytest.mark.parametrize("swap", ["fifo", "symlink to a valid copy outside"])
def test_item_swapped_for_what_is_never_read(site: Repo, item: Path, tmp_path: Path,
                                             swap: str) -> None:
    """A named pipe (never waited on) or a link to the valid bytes (never followed)."""
    outside = tmp_path / "outside.md"
    shutil.copy2(item, outside)
    item.unlink()
    if swap == "fifo":
        os.mkfifo(item)
    else:
        item.symlink_to(outside)
    cached, plain = both(site)
    assert cached == plain and cached[0] == 1


def test_item_swapped_for_hardlink(site: Repo, item: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    os.link(item, other)
    cached, plain = both(site)
    assert cached == plain and cached[0] == 1
    other.unlink()  # back to one name: ctime moved again
    settle()
    cached, plain = both(site)
    assert cached == plain and cached[0] == 2


def test_item_is_a_directory(site: Repo, item: Path) -> None:
    data = item.read_bytes()
    item.unlink()
    item.mkdir()
    (item / "index.md").write_bytes(data)
    settle()
    for _ in range(2):
        assert run_validate(site).returncode in (0, 1)
        cached, plain = both(site)
        assert cached == plain and cached[0] == 1


def test_folder_replaced_with_forged_copy_preserving_times(site: Repo, item: Path) -> None:
    folder = item.parent
    info = item.stat()
    moved = folder.with_name("jembatan-old")
    folder.rename(moved)
    folder.mkdir()
    (folder / "index.md").write_text(forged_same_size((moved / "index.md").read_text()))
    os.utime(folder / "index.md", ns=(info.st_atime_ns, info.st_mtime_ns))
    shutil.rmtree(moved)
    settle()
    cached, plain = both(site)
    assert cached == plain and cached[0] == 1


def test_rename_swap_of_two_items(site: Repo, item: Path) -> None:
    """Two item files swapped by rename (each keeps its inode and mtime)."""
    other = site.path(f"{NEWS}/posyandu/index.md")
    tmp = item.with_name("tmp.md")
    os.rename(item, tmp)
    os.rename(other, item)
    os.rename(tmp, other)
    agree_now_and_remembered(site)


def test_attachment_added_to_folder_changes_verdict_key(site: Repo, item: Path) -> None:
    (item.parent / "evil.html").write_text("<script>alert(1)</script>")
    agree_now_and_remembered(site)


# ---- git checkouts between branches ------------------------------------------------------


def test_checkout_between_branches(site: Repo, item: Path) -> None:
    """A branch whose item is a same-size forgery, checked out over the remembered valid
    item, and back, each side remembered in turn: every run says what ``--no-cache`` says."""
    site.commit_all("valid")
    valid = site.git("branch", "--show-current").strip()
    site.git("checkout", "-q", "-b", "forged")
    item.write_text(forged_same_size(item.read_text()))
    site.commit_all("forged")
    agree_now_and_remembered(site, 1)
    site.git("checkout", "-q", valid)
    agree_now_and_remembered(site, 2)
    site.git("checkout", "-q", "forged")
    cached, plain = both(site)
    assert cached == plain and cached[0] == 1
