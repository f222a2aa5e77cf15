"""``warta build`` builds over what the last build left in its folder
(:mod:`warta.mkdocs_plugin.keptoutput`): the links to kept photo copies stay as they are, and
a kept file whose stamps are the ones remembered is not read again. The folder is hostile
input like everything else: whatever an earlier build, a person or a committed ``site/``
left there, the output must be exactly what a build into an empty folder makes."""

from __future__ import annotations

import hashlib
import mmap
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from test_site_photo_links import _kept_folder
from test_site_photos import URL, build, photo_newsroom

from helpers import Repo, SignedRepos, copy_repo, settle, warta_exe
from warta.adapters import photos
from warta.adapters.digests import RACY_NS
from warta.adapters.photostore import STAMPS_FILE, CopyStore
from warta.mkdocs_plugin.keptoutput import (
    ASIDE_PREFIX,
    KeptOutput,
)

CANARY = "kanari-lama"


@pytest.fixture
def site(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    """A copy of the photo newsroom, with a cache folder of its own."""
    repo = copy_repo(signed_repo(photo_newsroom), tmp_path / "repo")
    repo.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return repo


def tree(site: Path) -> dict[str, bytes | str]:
    """Every entry under ``site``: a file's bytes, else what kind of entry it is."""
    found: dict[str, bytes | str] = {}
    for current, dirs, names in os.walk(site):
        for name in dirs + names:
            path = Path(current, name)
            rel = path.relative_to(site).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[rel] = "link"
            elif stat.S_ISDIR(mode):
                found[rel] = "folder"
            elif stat.S_ISREG(mode):
                found[rel] = path.read_bytes()
            else:
                found[rel] = "special"
    return found


def _photos(out: Path) -> dict[str, os.stat_result]:
    return {p.name: p.lstat() for p in sorted((out / URL / "images").iterdir())}


def _alter(path: Path, data: bytes) -> None:
    """Write ``data`` (as long as what is there) into the read-only ``path``, its
    modification time set back as it was."""
    before = path.lstat()
    assert len(data) == before.st_size
    path.chmod(0o644)
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    path.chmod(stat.S_IMODE(before.st_mode))


def test_a_rebuild_keeps_the_links_it_checked_and_makes_what_a_fresh_build_makes(
    site: Repo, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    before = _photos(out)
    settle()
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    after = _photos(out)
    assert after.keys() == before.keys() and len(after) == 7
    for name, info in after.items():  # the same link, not made again: its times as they were
        was = before[name]
        assert (info.st_ino, info.st_ctime_ns) == (was.st_ino, was.st_ctime_ns), name
    assert tree(out) == tree(fresh)
    assert not [p for p in out.iterdir() if p.name.startswith(ASIDE_PREFIX)]


def test_a_page_the_kept_output_holds_already_is_not_written_again(
    site: Repo, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    pages = {p: p.lstat() for p in out.rglob("*.html") if p.name != "404.html"}
    assert len(pages) > 5  # (the theme's 404 page is not a page of the site's: written)
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    for page, was in pages.items():  # the same file, not written again (one at the top
        now = page.lstat()  # of the folder was moved aside and back: its change time moved)
        assert (now.st_ino, now.st_mtime_ns) == (was.st_ino, was.st_mtime_ns), page
    assert "Page skipped" not in result.stderr  # (MkDocs' line for a page it did not write)
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    assert tree(out) == tree(fresh)


def test_a_kept_file_is_read_again_only_when_its_stamps_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked once by a run that began well after its last change, a kept file is trusted
    by its stamps; written into since, its times set back as they were, it is read again,
    refused, and made again from the entry."""
    folder, files = tmp_path / "entries", tmp_path / "files"
    good = b"\xff\xd8 bytes of a copy"
    digest = "sha256:" + "1" * 64
    first = CopyStore(folder, b"k" * 32, files)
    copies = first.put(
        digest, ".jpg", photos.Derived((photos.Variant("JPEG", 480, 640, good),), None)
    )
    assert copies is not None
    assert first.link(copies, copies.variants[0], tmp_path / "earlier.jpg")
    (kept,) = files.iterdir()
    read: list[object] = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda f, d: read.append(f) or real(f, d))

    def later() -> CopyStore:  # a run that begins well after the kept file's last change
        store = CopyStore(folder, b"k" * 32, files)
        store._started += 2 * RACY_NS
        return store

    second = later()
    assert second.find(digest, ".jpg") is not None
    assert len(read) == 1  # checked byte for byte, and its stamps remembered
    second.save()
    assert (tmp_path / STAMPS_FILE).is_file()
    third = later()
    found = third.find(digest, ".jpg")
    assert found is not None and len(read) == 1  # not read again
    third.save()
    _alter(kept, b"\xff\xd8 bytes of a fake")
    fourth = later()
    found = fourth.find(digest, ".jpg")
    assert found is not None and len(read) == 2  # its change time moved: read, refused
    out = tmp_path / "site"
    out.mkdir()
    assert fourth.link(found, found.variants[0], out / "foto.jpg-480w.jpg")
    assert (out / "foto.jpg-480w.jpg").read_bytes() == good
    fourth.save()
    fifth = later()
    assert fifth.find(digest, ".jpg") is not None
    fifth.save()
    count = len(read)
    assert later().find(digest, ".jpg") is not None and len(read) == count  # trusted again
    # the remembered stamps planted by another hand: ignored, the file read again
    kept_stamps = (tmp_path / STAMPS_FILE).read_bytes()
    (tmp_path / STAMPS_FILE).write_bytes(b"warta-photo-file-stamps/2 0\n{}")
    assert later().find(digest, ".jpg") is not None and len(read) == count + 1
    (tmp_path / STAMPS_FILE).write_bytes(kept_stamps)
    # under another umask the kept file's mode is not this run's: made again, as after a
    # check by its bytes, never linked with the mode an earlier umask gave it
    private = later()
    private.mode = 0o400
    found = private.find(digest, ".jpg")
    assert found is not None
    assert private.link(found, found.variants[0], out / "privat.jpg")
    assert stat.S_IMODE((out / "privat.jpg").stat().st_mode) == 0o400
    assert (out / "privat.jpg").read_bytes() == good


def test_a_kept_file_written_into_between_builds_never_reaches_the_output(
    site: Repo, tmp_path: Path
) -> None:
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    want = tree(fresh)  # (its photos are links to the kept files too)
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    settle()
    assert build(site, out).returncode == 0  # the kept files' stamps remembered
    for kept in _kept_folder(site).iterdir():
        size = kept.lstat().st_size
        _alter(kept, bytes(size))
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert tree(out) == want


def test_whatever_the_old_output_holds_the_rebuild_is_a_fresh_build(
    site: Repo, tmp_path: Path
) -> None:
    """Links (to a folder, to a file outside, in place of a photo or a page), a file with a
    second name outside, a page that is a second name of a kept photo copy, a pipe, a page
    of an item nobody signed, a hidden folder like the build's own, a folder where a page
    goes, a file where a folder goes, pages altered in place (their length kept): the
    build neither follows nor writes through any of them, and leaves none of them."""
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "rahasia.txt"
    secret.write_text("milik orang lain\n")
    shared = outside / "bersama.html"
    shared.write_text("jangan ditimpa\n")
    page = out / URL / "index.html"
    photo = out / URL / "images" / "sawah.jpg-480w.jpg"
    page.unlink()
    os.link(shared, page)  # the page shares its bytes with a file outside
    photo.unlink()
    photo.symlink_to(secret)
    (out / "berita" / "lewat").symlink_to(outside, target_is_directory=True)
    os.mkfifo(out / "pipa")
    (out / "berita" / "2026" / "bocor").mkdir()
    (out / "berita" / "2026" / "bocor" / "index.html").write_text(f"<p>{CANARY}</p>\n")
    (out / f"{ASIDE_PREFIX}0000").mkdir()
    (out / f"{ASIDE_PREFIX}0000" / "index.html").write_text(CANARY)
    (out / "404.html").unlink()
    (out / "404.html").mkdir()  # a folder where a page goes
    (out / "404.html" / "isi.txt").write_text(CANARY)
    # the home page made a second name of a kept photo copy (root writes through 0444)
    wide = out / URL / "images" / "sawah.jpg-960w.jpg"
    copy = next(k for k in _kept_folder(site).iterdir() if os.path.samefile(k, wide))
    (out / "index.html").unlink()
    os.link(copy, out / "index.html")
    listed = [
        p for p in sorted(out.rglob("*.html")) if p.is_file() and b"Panen" in p.read_bytes()
    ]
    for page in [p for p in listed if p != out / URL / "index.html"][:3]:
        text = page.read_bytes()
        page.write_bytes(text.replace(b"Panen", b"Bocor", 1))  # (its length kept)
    sitemap = out / "sitemap.xml"
    sitemap.unlink()
    sitemap.write_text(CANARY)  # a page of the theme, not yet written again
    assets = next(p for p in out.iterdir() if p.name == "assets")
    os.rename(assets, tmp_path / "assets-lama")
    assets.write_text(CANARY)  # a file where a folder goes
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert tree(out) == tree(fresh)
    assert secret.read_text() == "milik orang lain\n"
    assert shared.read_text() == "jangan ditimpa\n"
    assert sorted(p.name for p in outside.iterdir()) == ["bersama.html", "rahasia.txt"]
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == copy.name.split(".")[0]


def test_a_page_no_longer_published_leaves_the_kept_output(site: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    assert (out / URL / "index.html").is_file()
    path = site.path(f"content/{URL}index.md")
    path.write_text(path.read_text(encoding="utf-8") + "\nDiubah tanpa tanda tangan.\n")
    site.commit_all("ubah")
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert not (out / URL).exists()
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    assert tree(out) == tree(fresh)


def test_without_a_cache_or_after_a_failed_build_the_folder_is_emptied(
    site: Repo, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    linked = {name: info.st_ino for name, info in _photos(out).items()}
    assert build(site, out, "--no-cache").returncode == 0
    for name, info in _photos(out).items():  # written, not linked: nothing was kept
        assert info.st_ino != linked[name] and info.st_nlink == 1, name
    assert build(site, out).returncode == 0
    (out / "tersisa.txt").write_text(CANARY)
    path = site.path(f"content/{URL}index.md")
    path.write_text(path.read_text(encoding="utf-8").replace("status:", "status: [", 1))
    result = build(site, out, "--strict")
    assert result.returncode != 0
    assert list(out.iterdir()) == []


def test_the_stale_files_of_a_kept_output_are_found_by_what_the_build_wrote(
    tmp_path: Path,
) -> None:
    """Unit: a page the build did not write again is removed even where one is expected
    (a theme's file it no longer makes), a copy stays for the account to check, and a file
    nothing expects goes; folders left empty go too."""
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    for rel in ("index.html", "sitemap.xml.gz", "a/b/foto.jpg", "a/b/lama.html"):
        (site / rel).write_text(rel)
    kept = KeptOutput.set_aside(site, lambda rel, info: False)
    assert [p.name for p in site.iterdir()] == [kept.aside.name if kept.aside else ""]
    kept.restore(["index.html", "sitemap.xml.gz", "a/b/foto.jpg"])
    assert sorted(p.name for p in site.iterdir()) == ["a", "index.html", "sitemap.xml.gz"]
    (site / "index.html").unlink()
    (site / "index.html").write_text("baru")  # written again by this build
    kept.remove_stale(
        {"index.html": "r", "sitemap.xml.gz": "r", "a/b/foto.jpg": "sha256:1"}, "r"
    )
    assert sorted(tree(site)) == ["a", "a/b", "a/b/foto.jpg", "index.html"]
    kept.remove_stale({}, "r")
    assert tree(site) == {}


def _modes(site: Path) -> dict[str, int]:
    return {
        p.relative_to(site).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in site.rglob("*")
    }


def test_an_old_output_made_under_another_umask_takes_this_build_s_modes(
    site: Repo, tmp_path: Path
) -> None:
    """MkDocs writes into a file as it finds it, mode and all: an output made private (umask
    077) stayed private after a build under 022, and the other way round (found by an
    independent attack)."""
    fresh, out = tmp_path / "fresh", tmp_path / "site"
    assert site.cli("build", "-d", str(fresh), umask=0o022).returncode == 0
    for first, then in ((0o077, 0o022), (0o022, 0o077)):
        assert site.cli("build", "-d", str(out), umask=first).returncode == 0
        result = site.cli("build", "-d", str(out), umask=then)
        assert result.returncode == 0, result.stderr
        if then == 0o022:
            assert _modes(out) == _modes(fresh)
            assert tree(out) == tree(fresh)
        else:
            assert {m & 0o077 for m in _modes(out).values()} == {0}


def test_a_build_stopped_while_the_old_output_is_set_aside_leaves_the_folder_empty(
    site: Repo, tmp_path: Path
) -> None:
    """SIGTERM while the old output was being moved aside left the hidden folder and the rest
    of the old output, its stale pages included (found by an independent attack)."""
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    pause = tmp_path / "pause"
    pause.mkdir()
    env = {**os.environ, **site.env, "WARTA_PAUSE_AT": "output-set-aside",
           "WARTA_PAUSE_DIR": str(pause)}
    running = subprocess.Popen([warta_exe(), "build", "-d", str(out)], cwd=site.root, env=env,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (pause / "output-set-aside.reached").exists():
        assert running.poll() is None, running.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert [p.name for p in out.iterdir() if p.name.startswith(ASIDE_PREFIX)]
    running.send_signal(signal.SIGTERM)
    _, err = running.communicate(timeout=120)
    assert running.returncode != 0
    assert "Traceback" not in err
    assert list(out.iterdir()) == []


def test_an_old_output_nested_too_deep_to_keep_is_emptied(site: Repo, tmp_path: Path) -> None:
    """A committed ``site/`` nested past what a path may hold stopped every build with exit 2
    (found by an independent attack): the old output is then removed, not kept."""
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    fd = os.open(out, os.O_RDONLY)
    try:
        for _ in range(50):  # (about 5,000 bytes of path, made one folder at a time)
            os.mkdir("d" * 99, dir_fd=fd)
            inner = os.open("d" * 99, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("bocor.html", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
            f.write(CANARY)
    finally:
        os.close(fd)
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    assert tree(out) == tree(fresh)


def test_a_read_only_folder_in_the_old_output_is_removed(site: Repo, tmp_path: Path) -> None:
    """A folder of the old output that may not be written (``chmod -w``) held a stale page
    the build could not remove: it failed, and left the page (found by an independent attack,
    without root's power to write anywhere)."""
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    stale = out / "berita" / "2025" / "ditarik"
    stale.mkdir(parents=True)
    (stale / "index.html").write_text(CANARY)
    stale.chmod(0o555)
    env = {**os.environ, **site.env}
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] * (os.geteuid() == 0)
    result = subprocess.run([*drop, warta_exe(), "build", "-d", str(out)], cwd=site.root,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert not (out / "berita" / "2025").exists()
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    assert tree(out) == tree(fresh)


# ---- pages the kept output holds already, found by their digest ---------------------------


def _same_length_other(data: bytes) -> bytes:
    """``data`` with its last letter ``a`` turned into ``b`` (as long as it was)."""
    at = data.rindex(b"a")
    return data[:at] + b"b" + data[at + 1 :]


def test_a_page_altered_without_its_times_moving_is_made_again(
    site: Repo, tmp_path: Path
) -> None:
    """A page file altered between builds through a shared memory mapping (the kernel moves
    a file's times on the first write to a page of the mapping, not on later ones before
    the data is written back): a rebuild must not take it for the page it made, by its
    times or otherwise (found by an independent attack on remembered stamps). The other
    pages are not written again."""
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    page = out / URL / "index.html"
    made = page.read_bytes()
    with page.open("r+b") as handle, mmap.mmap(handle.fileno(), 0) as mapped:
        mapped[:] = made  # (the first write: the times move now)
        settle()
        assert build(site, out).returncode == 0
        pages = {p: p.lstat() for p in out.rglob("*.html") if p.parent != out}
        before = page.lstat()
        mapped[:] = _same_length_other(made)  # (a page already written to: no time moves)
        after = page.lstat()
        result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert (after.st_mtime_ns, after.st_ctime_ns) == (before.st_mtime_ns, before.st_ctime_ns)
    assert page.read_bytes() == made
    for other, was in pages.items():  # the others: the same files, not written again
        if other != page:
            now = other.lstat()
            assert (now.st_ino, now.st_ctime_ns) == (was.st_ino, was.st_ctime_ns), other
    fresh = tmp_path / "fresh"
    assert build(site, fresh).returncode == 0
    assert tree(out) == tree(fresh)


def test_a_kept_page_is_found_by_its_bytes(tmp_path: Path) -> None:
    """KeptOutput.unchanged reads and hashes the kept file: the digest of its bytes is
    found, another is not, and a page altered with its modification time set back is
    altered."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    data = b"<html>halaman</html>"
    (site / "a" / "index.html").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()

    def kept() -> KeptOutput:
        output = KeptOutput.set_aside(site, lambda rel, info: False)
        output.restore(["a/index.html"])
        return output

    assert not kept().unchanged("a/index.html", "0" * 64)
    assert not kept().unchanged("b/index.html", digest)  # (no such page kept)
    first = kept()
    assert first.unchanged("a/index.html", digest)
    assert "a/index.html" in first.same
    assert not first.unchanged("a/index.html", digest)  # (once: then it is this build's)
    _alter(site / "a" / "index.html", b"<html>HALAMAN</html>")
    assert not kept().unchanged("a/index.html", digest)
