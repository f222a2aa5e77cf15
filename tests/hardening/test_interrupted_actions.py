"""Interrupted and concurrent actions: `warta sign` killed at its named pause points and at
random moments, two runs at once, and locks left behind.

Whatever happens, the item on disk is either byte for byte as before or fully signed and
valid; HEAD's copy of the item either is the old one or carries the new signoff (git never
has a commit without its signoff); no temporary file is ever seen as an item; and the next
`warta sign` works.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, warta_exe
from warta.adapters import git as gitops
from warta.adapters.items import parse_item
from warta.errors import RefusedError
from warta.repository import discover

STEP2 = "2026-11-02T08:04:00+07:00"  # perintah, by the Kasubag (sri)
STEP3 = "2026-11-02T10:00:00+07:00"  # penulisan, by a staff member (dimas)
ITEMS = ("jembatan", "posyandu", "irigasi", "bazar", "curug", "sampah", "lansia", "betonisasi")
POINTS = ("signed", "written", "committed")


def rel(slug: str) -> str:
    return f"content/berita/2026/{slug}/index.md"


def waiting_for_step_2(repo: Repo) -> None:
    """Items with step 1 signed and committed, waiting for the Kasubag's step 2."""
    repo.write(".gitignore", ".warta-cache/\n")
    repo.commit_all("ignore the verification cache")
    for slug in ITEMS:
        repo.new_item(f"Berita {slug}", at="2026-11-02T08:00:00+07:00", slug=slug)


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(waiting_for_step_2)


def lock_file(repo: Repo) -> Path:
    return repo.root / ".git" / "warta.lock"


def start_sign(repo: Repo, slug: str, who: str, at: str, *, pause: str | None = None,
               folder: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, **repo.env, "SSH_AUTH_SOCK": ""}
    env.pop("WARTA_PAUSE_AT", None)
    if pause is not None:
        assert folder is not None
        env |= {"WARTA_PAUSE_AT": pause, "WARTA_PAUSE_DIR": str(folder)}
    return subprocess.Popen([warta_exe(), "sign", rel(slug), "--key", str(repo.keys[who]),
                             "--at", at], cwd=repo.root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own group: see kill()


def wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode} before {path.name}:"
                                 f" {process.communicate()}")
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL `warta sign` (only it: a crash of Warta, not of git), then wait until a git or
    ssh-keygen it had started has finished on its own, so that what is checked is final."""
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    deadline = time.monotonic() + 60
    while _group_alive(process.pid):
        assert time.monotonic() < deadline, "a child of the killed process never finished"
        time.sleep(0.01)


def _group_alive(group: int) -> bool:
    """Whether a process (not a zombie) of the process group ``group`` is still running."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _parent, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            return True
    return False


def head_blob(repo: Repo, path: str) -> bytes:
    return subprocess.run(["git", "show", f"HEAD:{path}"], cwd=repo.root, check=True,
                          capture_output=True).stdout


def steps_of(data: bytes) -> list[tuple[str, str]]:
    item = parse_item(data.decode("utf-8"), "x.md").item
    assert item is not None and item.signoffs_readable
    return [(s.step, s.by) for s in item.signoffs]


def verdicts(repo: Repo) -> dict[str, dict]:  # type: ignore[type-arg]
    return {v["path"]: v for v in repo.validate_json()["items"]}


def assert_whole(repo: Repo, slug: str, before: bytes, head_before: bytes,
                 new: tuple[str, str]) -> bool:
    """The invariant after an interruption; True if the new signoff made it to disk."""
    path = rel(slug)
    now = repo.path(path).read_bytes()
    signed = now != before
    if signed:  # fully signed and valid, never half-written
        assert steps_of(now) == [*steps_of(before), new]
        verdict = verdicts(repo)[path]
        assert [f for f in verdict["findings"] if f["severity"] == "error"] == [], verdict
    head = head_blob(repo, path)
    if head != head_before:  # a commit of the item always carries its signoff
        assert head == now
        assert steps_of(head) == [*steps_of(head_before), new]
    # nothing but the real items is ever read as an item (temporary files included)
    items = {p.relative_to(repo.root).as_posix() for p in discover(repo.root)}
    assert items == {rel(s) for s in ITEMS}
    assert set(verdicts(repo)) == items
    return signed


def sign_ok(repo: Repo, slug: str, who: str, at: str) -> None:
    result = repo.cli("sign", rel(slug), "--key", str(repo.keys[who]), "--at", at)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("point", POINTS)
def test_killed_at_a_pause_point_leaves_old_or_whole(site: Repo, tmp_path: Path,
                                                     point: str) -> None:
    slug = "jembatan"
    before, head_before = site.path(rel(slug)).read_bytes(), head_blob(site, rel(slug))
    folder = tmp_path / "pause"
    folder.mkdir()
    process = start_sign(site, slug, "sri", STEP2, pause=point, folder=folder)
    wait_for(folder / f"{point}.reached", process)
    assert (folder / f"{point}.reached").read_text() == str(process.pid)
    assert lock_file(site).exists()  # the action holds the lock while paused
    kill(process)
    signed = assert_whole(site, slug, before, head_before, ("perintah", "sri"))
    assert signed is (point != "signed")  # before writing: nothing; after: all of it
    committed = head_blob(site, rel(slug)) != head_before
    assert committed is (point == "committed")
    assert lock_file(site).exists()  # a killed process leaves its lock behind...
    if signed:  # ...which does not block the next action
        sign_ok(site, slug, "dimas", STEP3)
        assert steps_of(head_blob(site, rel(slug)))[-2:] == [("perintah", "sri"),
                                                               ("penulisan", "dimas")]
    else:
        sign_ok(site, slug, "sri", STEP2)
    assert site.git("status", "--porcelain") == ""
    assert not lock_file(site).exists()


def test_killed_at_random_moments_leaves_old_or_whole(site: Repo) -> None:
    start = time.monotonic()
    sign_ok(site, "jembatan", "sri", STEP2)  # how long one run takes, here and now
    duration = time.monotonic() - start
    rng = random.Random(20261102)
    outcomes = []
    for slug in ITEMS[1:]:
        before, head_before = site.path(rel(slug)).read_bytes(), head_blob(site, rel(slug))
        process = start_sign(site, slug, "sri", STEP2)
        time.sleep(rng.uniform(0.05, 1.1) * duration)
        kill(process)
        signed = assert_whole(site, slug, before, head_before, ("perintah", "sri"))
        outcomes.append((signed, head_blob(site, rel(slug)) != head_before))
        if not signed:
            sign_ok(site, slug, "sri", STEP2)
        sign_ok(site, slug, "dimas", STEP3)  # whatever was left behind, the next step works
    assert len(outcomes) == len(ITEMS) - 1
    leftovers = [p for p in site.root.rglob("*.tmp") if ".git" not in p.parts]
    for leftover in leftovers:  # a temporary file from a kill mid-write is never an item
        assert not leftover.name.endswith(".md")
    for slug in ITEMS[1:]:
        assert steps_of(head_blob(site, rel(slug)))[-1] == ("penulisan", "dimas")
    print("killed before writing / written / committed:",
          [sum(1 for o in outcomes if o == k) for k in ((False, False), (True, False),
                                                        (True, True))])


@pytest.mark.parametrize("point", POINTS)
def test_a_second_sign_while_one_runs_is_refused_cleanly(site: Repo, tmp_path: Path,
                                                         point: str) -> None:
    slug = "posyandu"
    before, head = site.path(rel(slug)).read_bytes(), site.git("rev-parse", "HEAD")
    folder = tmp_path / "pause"
    folder.mkdir()
    first = start_sign(site, slug, "sri", STEP2, pause=point, folder=folder)
    wait_for(folder / f"{point}.reached", first)
    during = site.path(rel(slug)).read_bytes()
    second = start_sign(site, slug, "sri", STEP2)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 1, (out, err)
    assert out == "" and "Traceback" not in err
    assert "another warta action" in err and f"(process {first.pid})" in err
    assert str(lock_file(site).resolve()) in err
    assert site.path(rel(slug)).read_bytes() == during  # the refusal changed nothing
    (folder / "go").touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert steps_of(site.path(rel(slug)).read_bytes()) == [*steps_of(before), ("perintah", "sri")]
    assert steps_of(head_blob(site, rel(slug))) == steps_of(site.path(rel(slug)).read_bytes())
    assert site.git("rev-list", "--count", f"{head.strip()}..HEAD").strip() == "1"
    assert site.git("status", "--porcelain") == ""
    assert not lock_file(site).exists()


def test_two_signs_on_different_items_never_interleave(site: Repo) -> None:
    """Started together, one per item, a few rounds: each run either completes (and commits
    only its own item) or is refused because the other holds the lock."""
    for round_, (a, b) in enumerate((("irigasi", "bazar"), ("curug", "sampah"),
                                      ("lansia", "betonisasi"))):
        runs = [(slug, start_sign(site, slug, "sri", STEP2)) for slug in (a, b)]
        results = {slug: (p.wait(timeout=120), *p.communicate()) for slug, p in runs}
        for slug, (code, _, err) in results.items():
            assert "Traceback" not in err
            if code == 1:
                assert "another warta action" in err, err
                sign_ok(site, slug, "sri", STEP2)
            else:
                assert code == 0, err
        for slug in (a, b):
            assert steps_of(head_blob(site, rel(slug)))[-1] == ("perintah", "sri"), round_
        assert site.git("status", "--porcelain") == ""
    for commit in site.git("log", "--format=%H", "-n", "6").split():
        changed = site.git("show", "--name-only", "--format=", commit).split()
        assert len(changed) == 1  # every action commit holds exactly its own item


def test_a_stale_lock_naming_a_dead_process_does_not_block(site: Repo) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock_file(site).write_text(f"{dead.pid}\n")
    sign_ok(site, "jembatan", "sri", STEP2)
    lock_file(site).write_text("")  # a lock file cut short by a crash
    sign_ok(site, "jembatan", "dimas", STEP3)
    assert not lock_file(site).exists()


def test_a_failed_commit_puts_a_crlf_item_back_byte_for_byte(site: Repo) -> None:
    """When git refuses the commit, the action undoes its write: exactly the old bytes, line
    endings included (the item had been converted to CRLF after step 1)."""
    path = site.path(rel("jembatan"))
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    site.commit_all("CRLF")
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'ditolak oleh hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    head = site.git("rev-parse", "HEAD")
    result = site.cli("sign", rel("jembatan"), "--key", str(site.keys["sri"]), "--at", STEP2)
    assert result.returncode == 1 and "ditolak oleh hook" in result.stderr, result.stderr
    assert path.read_bytes() == crlf
    assert site.git("rev-parse", "HEAD") == head
    assert site.git("status", "--porcelain") == ""
    assert not lock_file(site).exists()


def test_a_leftover_temporary_file_is_never_an_item(site: Repo) -> None:
    """What an atomic write killed before its rename leaves behind (a full signed copy named
    like mkstemp's) is not read as an item, by the validator or the site's discovery."""
    item = site.path(rel("jembatan"))
    leftover = item.with_name(".index.md.k3j9x2.tmp")
    leftover.write_bytes(item.read_bytes())
    assert {p.relative_to(site.root).as_posix() for p in discover(site.root)} == {
        rel(s) for s in ITEMS}
    data = site.validate_json()
    assert data["summary"]["items"] == len(ITEMS) and data["summary"]["errors"] == 0


# ---- the lock itself, under contention ----------------------------------------------------


def _contend(root: str, seconds: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    gitops.is_repo = lambda _root: False  # type: ignore[assignment]  # a plain folder: fast
    inside = Path(root, "inside")
    held = overlaps = refused = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with gitops.action_lock(Path(root)):
                held += 1
                try:
                    fd = os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    overlaps += 1
                    continue
                os.close(fd)
                os.unlink(inside)
        except RefusedError:
            refused += 1
    results.put((held, overlaps, refused))


def _contenders(root: Path, count: int, seconds: float) -> Iterator[tuple[int, int, int]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_contend, args=(str(root), seconds, results))
               for _ in range(count)]
    for worker in workers:
        worker.start()
    for _ in workers:
        yield results.get(timeout=60)
    for worker in workers:
        worker.join(timeout=60)


def test_the_lock_is_exclusive_under_contention(tmp_path: Path) -> None:
    """Six processes taking and releasing the lock as fast as they can, for a second: never
    two inside at once. (The former pid-file lock let a second process in whenever it read
    the lock file between its creation and the writing of the pid, and treated it as stale.)"""
    outcomes = list(_contenders(tmp_path, 6, 1.0))
    assert sum(overlaps for _, overlaps, _ in outcomes) == 0
    assert sum(held for held, _, _ in outcomes) > 50
    assert sum(refused for _, _, refused in outcomes) > 0  # there was contention
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no lock or temp file left


def _listing(repo: Repo, slug: str, name: str, data: bytes) -> None:
    """``name`` (holding ``data``) put beside the item and listed under its ``files``."""
    import hashlib

    folder = repo.path(rel(slug)).parent
    (folder / name).write_bytes(data)
    text = repo.read(rel(slug))
    digest = hashlib.sha256(data).hexdigest()
    repo.write(rel(slug), text.replace(
        "---\n", f"---\nfiles:\n- path: {name}\n  sha256: {digest}\n", 1))
    repo.commit_all("lampiran")


def refused_and_kept(repo: Repo, process: subprocess.Popen[str], folder: Path, saved: str,
                     head: str) -> None:
    """Let the paused action go on: it refuses, the text ``saved`` meanwhile stays and
    nothing is committed."""
    (folder / "go").touch()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, (out, err)
    assert "changed while it was being signed" in err and "Traceback" not in err
    item = next(p for p in repo.root.glob("content/berita/*/*/index.md")
                if p.read_text(encoding="utf-8") == saved)
    assert item.is_file()
    assert repo.git("rev-parse", "HEAD") == head


@pytest.mark.parametrize("change", ["the item's text", "a file it lists"])
def test_a_change_saved_while_the_signature_is_made_is_kept_and_nothing_is_signed(
    site: Repo, tmp_path: Path, change: str
) -> None:
    """An editor's save during the passphrase prompt was overwritten by the signed text,
    and a listed file replaced then was committed under a signature listing the old one
    (found by an independent attack). Now the signing is refused and the change stays."""
    slug = "irigasi"
    sign_ok(site, slug, "sri", STEP2)
    _listing(site, slug, "data.txt", b"versi 1\n")  # (the writer's step may add files)
    head = site.git("rev-parse", "HEAD")
    folder = tmp_path / "pause"
    folder.mkdir()
    process = start_sign(site, slug, "dimas", STEP3, pause="signed", folder=folder)
    wait_for(folder / "signed.reached", process)
    item = site.path(rel(slug))
    if change == "the item's text":
        saved = item.read_text(encoding="utf-8").replace("Isi berita.", "Isi yang diperbaiki.")
        assert saved != item.read_text(encoding="utf-8")
        item.write_text(saved, encoding="utf-8")
    else:
        saved = item.read_text(encoding="utf-8")
        (item.parent / "data.txt").write_bytes(b"versi 2\n")
    refused_and_kept(site, process, folder, saved, head)
    assert not lock_file(site).exists()


def test_a_return_refuses_a_text_saved_while_its_signature_is_made(
    site: Repo, tmp_path: Path
) -> None:
    """``warta return`` (and withdraw and correct, which write the same way) checks the
    same before it writes."""
    slug = "curug"
    sign_ok(site, slug, "sri", STEP2)
    head = site.git("rev-parse", "HEAD")
    folder = tmp_path / "pause"
    folder.mkdir()
    env = {**os.environ, **site.env, "SSH_AUTH_SOCK": "", "WARTA_PAUSE_AT": "signed",
           "WARTA_PAUSE_DIR": str(folder)}
    process = subprocess.Popen(
        [warta_exe(), "return", rel(slug), "--to", "disposisi", "--reason", "kurang data",
         "--key", str(site.keys["sri"]), "--at", "2026-11-02T09:00:00+07:00"],
        cwd=site.root, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(folder / "signed.reached", process)
    item = site.path(rel(slug))
    saved = item.read_text(encoding="utf-8") + "\nTambahan.\n"
    item.write_text(saved, encoding="utf-8")
    refused_and_kept(site, process, folder, saved, head)
