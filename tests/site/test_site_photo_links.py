"""The clean copies of photos reach the output as hard links to files of this user's cache
(``photo-files``), checked byte for byte before each link: writing thousands of photos costs
a build more than anything else it does with them. Attacks: a kept file altered, swapped for
a link, or planted; an output file left by an earlier build that is itself such a link."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from PIL import Image
from test_site_photos import URL, build, photo_newsroom, small_png

from helpers import Repo, SignedRepos, copy_repo
from warta.adapters import photos
from warta.adapters.cachekey import repo_key
from warta.adapters.photostore import COPIES_DIR, FILES_DIR, META_SUFFIX, Copy, CopyStore
from warta.mkdocs_plugin.files import ItemFile
from warta.publish import account


@pytest.fixture
def site(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    """A copy of the photo newsroom, with a cache folder of its own."""
    repo = copy_repo(signed_repo(photo_newsroom), tmp_path / "repo")
    repo.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return repo


def _kept_folder(repo: Repo) -> Path:
    return Path(repo.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(repo.root) / FILES_DIR


def _photo_outputs(out: Path) -> list[Path]:
    return sorted((out / URL / "images").iterdir())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_copies_are_links_to_checked_files_and_no_two_outputs_share_one(
    site: Repo, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert build(site, first).returncode == 0
    assert build(site, second).returncode == 0
    kept = {(p.stat().st_dev, p.stat().st_ino): p for p in _kept_folder(site).iterdir()}
    outputs = _photo_outputs(second)
    assert len(outputs) == 7  # six copies, and the original's URL
    inodes = [(p.stat().st_dev, p.stat().st_ino) for p in outputs]
    assert len(set(inodes)) == len(outputs)  # no hard link inside one output (Pages refuses)
    umask = os.umask(0o022)
    os.umask(umask)
    for path, inode in zip(outputs, inodes, strict=True):
        assert inode in kept, path  # linked, not written again
        data = path.read_bytes()
        assert kept[inode].name.split(".")[0] == _sha(data)  # the file named by its bytes
        assert data == (first / path.relative_to(second)).read_bytes()
        # read by all (a web server), written by none: no cp or editor writes through
        assert stat.S_IMODE(path.stat().st_mode) == 0o444 & ~umask
    # the widest JPEG is shown at two paths: two files of the same bytes, never one
    images = second / URL / "images"
    same, widest = images / "sawah.jpg", images / "sawah.jpg-1600w.jpg"
    assert same.read_bytes() == widest.read_bytes()
    assert not os.path.samefile(same, widest)


def test_an_altered_or_swapped_kept_file_is_never_published(site: Repo, tmp_path: Path) -> None:
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    want = {p.name: p.read_bytes() for p in _photo_outputs(honest)}
    folder = _kept_folder(site)
    files = sorted(folder.iterdir())
    marker = small_png()
    # one kept file altered in place (its output links see the change: the user's own
    # files), another swapped for a link to a forger's file
    altered, swapped = files[0], files[1]
    altered.chmod(0o644)
    altered.write_bytes(marker)
    forged = tmp_path / "forged.png"
    forged.write_bytes(marker)
    swapped.unlink()
    swapped.symlink_to(forged)
    # a file planted under a copy's name that does not hold the copy's bytes
    planted = folder / f"{files[2].name}.1"
    planted.write_bytes(marker)
    out = tmp_path / "after"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    for path in _photo_outputs(out):
        assert not path.is_symlink()
        assert path.read_bytes() == want[path.name], path
    assert forged.read_bytes() == marker  # never written through the link
    # the kept files hold the copies again
    assert _sha(altered.read_bytes()) == altered.name.split(".")[0]
    assert not swapped.is_symlink()


def test_copies_lost_from_the_kept_files_and_the_entry_are_made_again(
    site: Repo, tmp_path: Path
) -> None:
    """A warm build reads an entry's list of copies and links the kept files; with those
    gone and the entry's copies damaged, the list alone is not enough: the copies are made
    again from the signed original, and the build neither fails nor publishes the damage."""
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    want = {p.name: p.read_bytes() for p in _photo_outputs(honest)}
    for kept in _kept_folder(site).iterdir():
        kept.unlink()
    entries = Path(site.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(site.root)
    (entry,) = [p for p in (entries / COPIES_DIR).iterdir() if p.suffix != META_SUFFIX]
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    out = tmp_path / "after"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in _photo_outputs(out)} == want
    assert entry.read_bytes() != bytes(data)  # kept again, whole
    assert len(list(_kept_folder(site).iterdir())) == len(want)


def _damage_entry(repo: Repo) -> bytes:
    entries = Path(repo.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(repo.root)
    (entry,) = [p for p in (entries / COPIES_DIR).iterdir() if p.suffix != META_SUFFIX]
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    return bytes(data)


def test_a_copy_shown_twice_is_made_again_when_its_second_file_and_the_entry_are_lost(
    site: Repo, tmp_path: Path
) -> None:
    """The widest JPEG is shown at two paths, each linked to a kept file of its own (the
    second named ``<sha>.1``). With the second file gone and the entry damaged, the build
    finds the copies by their list and the first files, then cannot read the entry for the
    second path: it makes the copies again from the signed original instead of stopping,
    now and in the next build. (Found by an independent attack: the build failed.)"""
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    want = {p.name: p.read_bytes() for p in _photo_outputs(honest)}
    seconds = [p for p in _kept_folder(site).iterdir() if p.name.endswith(".1")]
    assert seconds
    for second in seconds:
        second.unlink()
    _damage_entry(site)
    for name in ("after", "again"):
        result = build(site, tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert {p.name: p.read_bytes() for p in _photo_outputs(tmp_path / name)} == want


def test_copies_that_cannot_be_linked_are_made_again_when_the_entry_is_damaged(
    site: Repo, tmp_path: Path
) -> None:
    """An output on another file system than the cache: no kept file can be linked, so each
    copy is read from its entry; with the entry damaged, every copy is made again from the
    signed original, not a failed build. (The build runs with hard links refused as across
    file systems: ``os.link`` raises EXDEV. Found by an independent attack.)"""
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    want = {p.name: p.read_bytes() for p in _photo_outputs(honest)}
    _damage_entry(site)
    elsewhere = tmp_path / "other-file-system"
    elsewhere.mkdir()
    (elsewhere / "sitecustomize.py").write_text(
        "import errno, os\n"
        "def _link(*args, **kwargs):\n"
        "    raise OSError(errno.EXDEV, 'Invalid cross-device link')\n"
        "os.link = _link\n",
        encoding="utf-8",
    )
    paths = [str(elsewhere), *filter(None, [site.env.get("PYTHONPATH")])]
    across = Repo(site.root, site.keys, {**site.env, "PYTHONPATH": os.pathsep.join(paths)})
    out = tmp_path / "after"
    result = build(across, out)
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in _photo_outputs(out)} == want
    assert all(p.stat().st_nlink == 1 for p in _photo_outputs(out))  # written, not linked


def test_a_dirty_build_over_an_old_output_links_again_and_leaves_the_kept_files(
    site: Repo, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    before = {p: p.read_bytes() for p in _kept_folder(site).iterdir()}
    # a dirty build keeps the old output, whose photo files are links into the cache
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty", "-d", str(out)],
        cwd=site.root,
        env={**site.env, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert {p: p.read_bytes() for p in _kept_folder(site).iterdir()} == before
    kept = {(p.stat().st_dev, p.stat().st_ino) for p in before}
    for path in _photo_outputs(out):  # each old link replaced by a new one, not written into
        assert (path.stat().st_dev, path.stat().st_ino) in kept, path


class _Bytes(ItemFile):
    def __init__(self, config: MkDocsConfig, uri: str, data: bytes) -> None:
        super().__init__(config, uri, "sha256:" + _sha(data))
        self.data = data

    def made(self) -> bytes:
        return self.data


def test_an_item_file_replaces_what_is_at_its_place_and_never_writes_into_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict(
        {"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "out")}
    )
    errors, _warnings = config.validate()
    assert not errors
    kept = tmp_path / "kept.jpg"
    kept.write_bytes(b"kept bytes")
    dest = tmp_path / "out" / "foto.jpg"
    dest.parent.mkdir()
    os.link(kept, dest)
    _Bytes(config, "foto.jpg", b"new bytes").copy_file()
    assert dest.read_bytes() == b"new bytes"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~umask  # as MkDocs writes a file
    assert kept.read_bytes() == b"kept bytes"
    assert not os.path.samefile(kept, dest)
    # a link at its place is replaced, not followed
    dest.unlink()
    dest.symlink_to(kept)
    _Bytes(config, "foto.jpg", b"newer bytes").copy_file()
    assert not dest.is_symlink()
    assert dest.read_bytes() == b"newer bytes"
    assert kept.read_bytes() == b"kept bytes"


def _build_under(repo: Repo, out: Path, umask: int) -> subprocess.CompletedProcess[str]:
    return repo.cli("build", "-d", str(out), umask=umask)


def test_a_kept_file_of_another_mode_or_a_pipe_is_made_again(site: Repo, tmp_path: Path) -> None:
    # made under a strict umask, the kept files are readable by their owner only
    private = tmp_path / "private"
    assert _build_under(site, private, 0o077).returncode == 0
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o400 for p in _photo_outputs(private))
    want = {p.name: p.read_bytes() for p in _photo_outputs(private)}
    # a later build under the usual umask does not publish them unreadable to a web server
    public = tmp_path / "public"
    assert _build_under(site, public, 0o022).returncode == 0
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in _photo_outputs(public))
    # kept files made writable by all, and one swapped for a named pipe: never linked, and
    # the build does not wait on the pipe
    folder = _kept_folder(site)
    files = sorted(folder.iterdir())
    for path in files[1:]:
        path.chmod(0o666)
    files[0].unlink()
    os.mkfifo(files[0])
    out = tmp_path / "after"
    assert _build_under(site, out, 0o022).returncode == 0
    for path in _photo_outputs(out):
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path
        assert path.read_bytes() == want[path.name], path
    assert stat.S_ISREG(files[0].lstat().st_mode)


def _linked_again(tmp_path: Path, *, age: int) -> tuple[CopyStore, Path, Copy]:
    """A copy kept by one build (its kept file last written ``age`` seconds ago) and linked
    into the output of the next one: that build's store, the output file and the copy."""
    folder, files = tmp_path / "entries", tmp_path / "files"
    variant = photos.Variant("JPEG", 480, 640, b"\xff\xd8 bytes of a copy")
    first = CopyStore(folder, b"k" * 32, files)
    copies = first.put("sha256:" + "1" * 64, ".jpg", photos.Derived((variant,), None))
    assert copies is not None
    assert first.link(copies, copies.variants[0], tmp_path / "earlier.jpg")
    (kept,) = files.iterdir()
    then = time.time_ns() - age * 1_000_000_000
    os.utime(kept, ns=(then, then))
    store = CopyStore(folder, b"k" * 32, files)
    found = store.find("sha256:" + "1" * 64, ".jpg")
    assert found is not None
    out = tmp_path / "site"
    out.mkdir()
    assert store.link(found, found.variants[0], out / "foto.jpg-480w.jpg")
    return store, out, found.variants[0]


def test_the_audit_reads_no_link_it_vouches_for_and_every_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit after a build does not read a photo again that the build linked to a kept
    file it had checked, while nothing changed it; it reads (and refuses) one that was."""
    store, out, copy = _linked_again(tmp_path, age=60)
    expected = {"foto.jpg-480w.jpg": copy.digest}
    read: list[object] = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda f, d: read.append(f) or real(f, d))
    assert account(out, expected, [store]) == []
    assert read == []  # vouched for: not read again
    assert account(out, {"foto.jpg-480w.jpg": "sha256:" + "2" * 64}, [store]) != []
    assert len(read) == 1  # another digest expected there: read, and refused
    # written into after the link, its times set back as they were: read, and refused
    target = out / "foto.jpg-480w.jpg"
    before = target.stat()
    target.chmod(0o644)
    target.write_bytes(b"\xff\xd8 bytes of a fake")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    target.chmod(stat.S_IMODE(before.st_mode))
    assert len(target.read_bytes()) == before.st_size
    problems = account(out, expected, [store])
    assert len(problems) == 1 and "foto.jpg-480w.jpg" in problems[0], problems
    assert len(read) == 2


def test_the_audit_reads_a_link_to_a_file_kept_in_the_same_clock_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept file written moments before the build could have been changed within one tick
    of the file system's clock without its times moving: the audit reads it."""
    store, out, copy = _linked_again(tmp_path, age=0)
    read: list[object] = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda f, d: read.append(f) or real(f, d))
    assert account(out, {"foto.jpg-480w.jpg": copy.digest}, [store]) == []
    assert len(read) == 1


def test_a_kept_file_written_into_between_the_check_and_the_link_is_checked_again(
    tmp_path: Path,
) -> None:
    """The build checks the kept files when it finds the copies and links them later. One
    written into meanwhile, same size, its times set back, is checked again before the link
    (its change time moved) and made again; the audit never vouches for the forged bytes.
    (Found by an independent attack: the audit passed them.)"""
    folder, files = tmp_path / "entries", tmp_path / "files"
    good = b"\xff\xd8 bytes of a copy"
    variant = photos.Variant("JPEG", 480, 640, good)
    first = CopyStore(folder, b"k" * 32, files)
    copies = first.put("sha256:" + "1" * 64, ".jpg", photos.Derived((variant,), None))
    assert copies is not None
    assert first.link(copies, copies.variants[0], tmp_path / "earlier.jpg")
    (kept,) = files.iterdir()
    then = time.time_ns() - 60 * 1_000_000_000
    os.utime(kept, ns=(then, then))
    store = CopyStore(folder, b"k" * 32, files)
    found = store.find("sha256:" + "1" * 64, ".jpg")  # checked byte for byte here
    assert found is not None
    before = kept.stat()
    time.sleep(0.02)  # (a later tick of the file system's clock)
    kept.chmod(0o644)
    kept.write_bytes(b"\xff\xd8 bytes of a fake")
    os.utime(kept, ns=(before.st_atime_ns, before.st_mtime_ns))
    kept.chmod(stat.S_IMODE(before.st_mode))
    assert kept.stat().st_size == before.st_size and kept.read_bytes() != good
    out = tmp_path / "site"
    out.mkdir()
    assert store.link(found, found.variants[0], out / "foto.jpg-480w.jpg")
    assert (out / "foto.jpg-480w.jpg").read_bytes() == good
    assert account(out, {"foto.jpg-480w.jpg": found.variants[0].digest}, [store]) == []


def test_copies_made_again_by_an_encoder_that_makes_other_bytes_are_published(
    site: Repo, tmp_path: Path
) -> None:
    """Copies are made again from the original when the cache lost them; an encoder that no
    longer makes the same bytes under the same settings (a Pillow whose system libjpeg was
    updated; here a JPEG quality changed after the settings were read) makes copies of the
    same format and size with other bytes. They are published, and the account of the
    output expects those bytes: a damaged cache only costs time. (Found by an independent
    attack: the build failed.)"""
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    for second in [p for p in _kept_folder(site).iterdir() if p.name.endswith(".1")]:
        second.unlink()
    _damage_entry(site)
    custom = tmp_path / "other-encoder"
    custom.mkdir()
    (custom / "sitecustomize.py").write_text(
        "import warta.adapters.photos as p\np.JPEG_QUALITY = 83\n", encoding="utf-8"
    )
    paths = [str(custom), *filter(None, [site.env.get("PYTHONPATH")])]
    other = Repo(site.root, site.keys, {**site.env, "PYTHONPATH": os.pathsep.join(paths)})
    out = tmp_path / "after"
    result = build(other, out)
    assert result.returncode == 0, result.stderr
    assert "site.unaccounted" not in result.stderr
    want = {p.name: p for p in _photo_outputs(honest)}
    made = {p.name: p for p in _photo_outputs(out)}
    assert made.keys() == want.keys()
    assert any(made[n].read_bytes() != want[n].read_bytes() for n in made)  # (the premise)
    for name, path in made.items():
        with Image.open(path) as copy, Image.open(want[name]) as before:
            assert (copy.format, copy.size) == (before.format, before.size), name


def test_copies_made_again_are_not_held_in_memory(tmp_path: Path) -> None:
    """A build may make the copies of every photo again (a damaged cache, an output that
    cannot be linked): what it made is kept in the store, not held until the build ends.
    (The store holds the entry it read last: one photo's copies, however many there are.)"""
    import io
    import random
    import tracemalloc

    from warta.mkdocs_plugin.photofiles import Original

    root = tmp_path / "repo"
    root.mkdir()
    store = CopyStore(tmp_path / "entries", b"k" * 32, None)  # (no kept files to link)
    rng = random.Random(7)
    listed = []
    for number in range(5):
        noise = Image.frombytes("RGB", (300, 200), rng.randbytes(300 * 200 * 3))
        out = io.BytesIO()
        noise.resize((1800, 1200)).save(out, "JPEG", quality=90)
        data = out.getvalue()
        (root / f"p{number}.jpg").write_bytes(data)
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        copies = store.put(digest, ".jpg", photos.derive(data, ".jpg"))
        assert copies is not None
        (store.folder / copies.entry).write_bytes(b"damaged")  # after the build found them
        listed.append((f"p{number}.jpg", digest, copies))
    tracemalloc.start()
    try:
        originals, written = [], 0
        for rel, digest, copies in listed:
            original = Original(root, rel, digest, ".jpg", store)
            for copy in copies.variants:
                again = original.copy(copy)
                assert again is not None and again[0] == copy.digest
                written += len(again[1])
                del again
            originals.append(original)  # (as the build's files hold them)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert written > 5_000_000
    assert held < 2 * written / len(listed), (held, written)  # at most two photos' worth
