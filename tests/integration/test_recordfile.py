"""A cache file of records read one record at a time: what its MAC covered, or nothing."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from warta.adapters import recordfile
from warta.adapters.cachekey import read_records, write_records
from warta.adapters.recordfile import RecordFile, Spool, Spooled, data_of, hold
from warta.adapters.render import Rendered
from warta.adapters.rendercache import RenderStore

SECRET = b"s" * 32
KIND = b"warta-test/1"
RECORDS = {hashlib.sha256(bytes([n])).hexdigest(): bytes([n]) * (n * 100) for n in range(1, 40)}


@pytest.fixture(autouse=True)
def _a_disk_with_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """The room this machine's disk has left is not what these tests are about: a spool
    keeps :data:`~recordfile.RESERVE_SHARE` of its disk free, and CI's disk may have less
    than that. The reserve is tested on its own, below."""
    monkeypatch.setattr(recordfile, "RESERVE_BYTES", 0)
    monkeypatch.setattr(recordfile, "RESERVE_SHARE", 0.0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "records"
    write_records(path, SECRET, KIND, RECORDS)
    return path


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns


def test_each_record_reads_back_as_it_was_written(path: Path) -> None:
    records = RecordFile(path, SECRET, KIND)
    assert records.keys() == set(RECORDS)
    assert all(records.get(key) == data for key, data in RECORDS.items())
    assert records.get("00" * 32) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # cut short
        lambda data: data + b"\0",  # one byte more
        lambda data: data[:-5] + b"XXXXX",  # a record's bytes changed
        lambda data: data.replace(KIND, b"warta-test/2", 1),  # another kind
        lambda data: b"",
        lambda data: data.split(b"\n", 1)[1],  # no header
        lambda data: b"\0" * len(data),  # what a crash may leave of a save never synced
    ],
)
def test_a_damaged_file_holds_no_record(path: Path, damage: object) -> None:
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    records = RecordFile(path, SECRET, KIND)
    assert records.keys() == set()
    assert all(records.get(key) is None for key in RECORDS)


def test_a_file_of_another_secret_or_a_link_holds_no_record(path: Path, tmp_path: Path) -> None:
    assert RecordFile(path, b"t" * 32, KIND).keys() == set()
    link = tmp_path / "link"
    link.symlink_to(path)
    assert RecordFile(link, SECRET, KIND).keys() == set()
    assert RecordFile(tmp_path / "missing", SECRET, KIND).keys() == set()


def _overwrite(path: Path, key: str) -> None:
    """Change the record ``key``'s bytes in place (same length, same file)."""
    data = path.read_bytes()
    at = data.index(bytes.fromhex(key)) + 36
    with path.open("r+b") as handle:
        handle.seek(at)
        handle.write(b"\xff" * 8)


def test_a_record_changed_in_place_after_the_check_gives_nothing_more(path: Path) -> None:
    records = RecordFile(path, SECRET, KIND)
    first, second = sorted(RECORDS)[:2]
    assert records.get(first) == RECORDS[first]
    _overwrite(path, second)
    assert records.get(first) == RECORDS[first]  # (unchanged: still what was checked)
    assert records.get(second) is None
    assert records.keys() == set()
    assert records.get(first) is None


def test_a_file_renamed_over_touched_or_linked_still_gives_what_was_checked(
    path: Path, tmp_path: Path
) -> None:
    """Another build saves its caches by renaming a new file over the old one: the old one
    (still open) changed only in its links and change time."""
    records = RecordFile(path, SECRET, KIND)
    assert records.keys() == set(RECORDS)
    os.link(path, tmp_path / "link")
    os.utime(path)
    write_records(path, SECRET, KIND, {"ab" * 32: b"baru"})
    assert all(records.get(key) == data for key, data in RECORDS.items())
    assert RecordFile(path, SECRET, KIND).keys() == {"ab" * 32}


def test_saving_what_the_file_holds_writes_nothing(path: Path) -> None:
    before = _stamp(path)
    records = RecordFile(path, SECRET, KIND)
    records.save(dict.fromkeys(RECORDS))
    assert _stamp(path) == before


def _open_on(path: Path) -> int:
    """How many of this process's descriptors are open on ``path``."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == str(path)
        except OSError:  # (the listing's own descriptor, closed by now)
            continue
    return count


def test_a_save_closes_the_file_whether_or_not_it_writes(path: Path) -> None:
    """A save that had nothing to write returned with the file still open: a warm build (or
    a preview, once per rebuild) kept one descriptor of the render cache open for good
    (found by a test that counts a build's descriptors, run on its own)."""
    records = RecordFile(path, SECRET, KIND)
    assert records.get(next(iter(RECORDS))) is not None
    assert _open_on(path) == 1
    records.save(dict.fromkeys(RECORDS))  # what it holds: nothing written
    assert _open_on(path) == 0
    assert records.get(next(iter(RECORDS))) == RECORDS[next(iter(RECORDS))]  # (opens again)
    records.save({**dict.fromkeys(RECORDS), "ab" * 32: b"new"})  # written
    assert _open_on(path) == 0


def test_a_save_is_not_waited_for_on_the_disk(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file cut short or zeroed by a crash holds no record (above): a save need not
    wait until its bytes are on the disk."""
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    kept = dict(list(RECORDS.items())[:3])
    RecordFile(path, SECRET, KIND).save(dict(kept))
    assert synced == []
    records = RecordFile(path, SECRET, KIND)
    assert records.keys() == kept.keys()
    assert all(records.get(key) == data for key, data in kept.items())


def test_saving_keeps_exactly_the_records_given(path: Path) -> None:
    records = RecordFile(path, SECRET, KIND)
    kept = sorted(RECORDS)[:3]
    new = {"ab" * 32: b"baru"}
    records.save({**dict.fromkeys(kept), **new})
    assert {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()} == {
        **{k: RECORDS[k] for k in kept},
        **new,
    }
    assert RecordFile(path, SECRET, KIND).get("ab" * 32) == b"baru"


def test_a_record_that_cannot_be_read_again_leaves_the_file_as_it_is(path: Path) -> None:
    records = RecordFile(path, SECRET, KIND)
    assert records.keys() == set(RECORDS)
    _overwrite(path, sorted(RECORDS)[1])
    changed = path.read_bytes()
    records.save({**dict.fromkeys(sorted(RECORDS)[:2]), "ab" * 32: b"baru"})
    assert path.read_bytes() == changed
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no half-written file


def test_rendered_bodies_found_and_made_are_what_a_save_keeps(tmp_path: Path) -> None:
    path = tmp_path / "rendered"
    salt = b"\0" * 32
    one, two, three = (Rendered(f"<p>{n}</p>", [], ()) for n in "123")
    digests = [hashlib.sha256(n.encode()).hexdigest() for n in "123"]
    store = RenderStore(path, SECRET, salt)
    store.save({digests[0]: one, digests[1]: two})
    store = RenderStore(path, SECRET, salt)
    assert store.get(digests[0]) == one
    store.save({digests[2]: three})  # found one, made three: two goes
    store = RenderStore(path, SECRET, salt)
    assert [store.get(d) for d in digests] == [one, None, three]
    before = _stamp(path)
    store.save({})
    assert _stamp(path) == before  # it used exactly what the file holds


# ---- the spool: records a build made, waiting to be saved --------------------------------


def _spool_file(spooled: Spooled) -> int:
    """The descriptor of ``spooled``'s unnamed file (only a test reaches into it)."""
    handle = spooled.spool._file
    assert handle is not None
    return handle.fileno()


def test_spooled_records_read_back_from_an_unnamed_file_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "repo"  # (made on the first record)
    spool = Spool(folder)
    made = [spool.put(data) for data in RECORDS.values()]
    assert all(isinstance(record, Spooled) for record in made)
    assert [data_of(record) for record in made] == list(RECORDS.values())
    assert list(folder.iterdir()) == []  # nothing there by name, never left behind
    assert os.fstat(_spool_file(made[0])).st_nlink == 0
    spool.close()
    assert [data_of(record) for record in made] == [None] * len(made)
    assert spool.put(b"later") == b"later"  # (closed: kept in memory)


def test_a_spooled_record_changed_reads_as_nothing_and_is_never_saved(path: Path) -> None:
    spool = Spool(path.parent / "spool")
    kept, changed = spool.put(b"utuh" * 100), spool.put(b"asli" * 100)
    assert isinstance(kept, Spooled) and isinstance(changed, Spooled)
    os.pwrite(_spool_file(changed), b"ubah", changed.offset + 8)
    assert data_of(kept) == b"utuh" * 100
    assert data_of(changed) is None
    before = path.read_bytes()
    RecordFile(path, SECRET, KIND).save({"ab" * 32: kept, "cd" * 32: changed})
    assert path.read_bytes() == before  # the next build makes it again
    RecordFile(path, SECRET, KIND).save({"ab" * 32: kept, **dict.fromkeys(sorted(RECORDS)[:2])})
    assert {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()} == {
        "ab" * 32: b"utuh" * 100,
        **{k: RECORDS[k] for k in sorted(RECORDS)[:2]},
    }


def test_a_record_spooled_in_another_spool_or_in_a_helper_process_is_not_this_one_s(
    tmp_path: Path,
) -> None:
    one, two = Spool(tmp_path / "one"), Spool(tmp_path / "two")
    record = one.put(b"satu")
    assert isinstance(record, Spooled)
    assert two.read(record) is None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # a helper forked from the build: keeps its records in memory
        try:
            os.close(read_end)
            made = one.put(b"dari helper")
            os.write(write_end, b"bytes" if made == b"dari helper" else b"spooled")
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        assert answer.read() == b"bytes"
    os.waitpid(pid, 0)
    assert data_of(record) == b"satu"
    assert os.fstat(_spool_file(record)).st_size == len(b"satu")  # the helper wrote nothing


def test_a_spool_that_cannot_be_written_keeps_records_in_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")
    spool = Spool(blocked / "repo")
    assert spool.put(b"data") == b"data"
    assert hold(None, b"data") == b"data"


def test_records_spooled_from_several_threads_each_read_back(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    datas = [bytes([n % 256]) * (1000 + n) for n in range(400)]
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(spool.put, datas))
    assert [data_of(record) for record in made] == datas


def test_rendered_bodies_added_early_are_found_there_and_kept_without_a_second_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rendered"
    salt = b"\0" * 32
    one, two, three = (Rendered(f"<p>{n}</p>", [{"id": n}], (("a", n),)) for n in "123")
    digests = [hashlib.sha256(n.encode()).hexdigest() for n in "123"]
    store = RenderStore(path, SECRET, salt)
    store.save({digests[0]: one})
    store = RenderStore(path, SECRET, salt)
    store.add({})  # (nothing made: nothing written)
    before = _stamp(path)
    assert _stamp(path) == before
    store.add({digests[1]: two, digests[2]: three})  # (the judges rendered two and three)
    assert [store.get(d) for d in digests] == [one, two, three]  # found in the file now
    added = _stamp(path)
    assert added != before
    store.save({})  # the run used exactly what the file holds: no second write
    assert _stamp(path) == added
    store = RenderStore(path, SECRET, salt)
    assert store.get(digests[1]) == two
    store.save({})  # used only two: one and three go
    assert [RenderStore(path, SECRET, salt).get(d) for d in digests] == [None, two, None]


def test_a_record_put_as_the_spool_closes_is_held_in_memory(tmp_path: Path) -> None:
    """(Found by an independent attack: a helper's last record, received as a build ended,
    opened a new spool file that nothing closed.)"""
    spool = Spool(tmp_path)
    assert isinstance(spool.put(b"satu"), Spooled)
    real = spool._lock

    class CloseFirst:
        """The put has passed its first check; the build closes the spool now."""

        def __enter__(self) -> None:
            spool._lock = real
            spool.close()
            real.acquire()

        def __exit__(self, *exc: object) -> None:
            real.release()

    spool._lock = CloseFirst()  # type: ignore[assignment]
    assert spool.put(b"dua") == b"dua"
    assert spool._file is None


def test_a_spool_leaves_its_disk_room_for_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Found by an independent attack: on a disk nearly full, the spool took the room the
    output needed, and a build that had passed failed.)"""
    spool = Spool(tmp_path)
    assert isinstance(spool.put(b"x" * 1000), Spooled)
    disk = shutil.disk_usage(tmp_path).total
    monkeypatch.setattr(recordfile, "RESERVE_BYTES", disk)  # as if the disk had no more room
    assert spool.put(b"y" * 1000) == b"y" * 1000
    monkeypatch.setattr(recordfile, "RESERVE_BYTES", 0)
    assert spool.put(b"z" * 1000) == b"z" * 1000  # (the rest of the build: in memory)
    assert isinstance(Spool(tmp_path).put(b"z" * 1000), Spooled)
    # the share of the disk kept free counts as well as the bytes
    monkeypatch.setattr(recordfile, "RESERVE_SHARE", 1.0)
    assert Spool(tmp_path).put(b"w" * 1000) == b"w" * 1000


# ---- a save that only adds records (at the end of the file) ---------------------------------


def test_a_save_that_only_adds_records_writes_them_at_the_end(path: Path) -> None:
    """The same file, longer by the new record, authenticated as a whole; a reader that
    checked it before reads every record it knew as before."""
    before = path.stat()
    reader = RecordFile(path, SECRET, KIND)
    assert reader.keys() == set(RECORDS)
    unused = sorted(RECORDS)[-1]  # (one record no longer used: few, it stays)
    records = RecordFile(path, SECRET, KIND)
    records.save({**dict.fromkeys(set(RECORDS) - {unused}), "ab" * 32: b"baru"})
    after = path.stat()
    assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size + 32 + 4 + 4)
    found = {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()}
    assert found == {**RECORDS, "ab" * 32: b"baru"}
    assert read_records(path, b"another secret", KIND) == {}
    assert all(reader.get(key) == data for key, data in RECORDS.items())


def test_a_save_that_leaves_many_records_unused_writes_a_new_file(path: Path) -> None:
    before = path.stat()
    keep = sorted(RECORDS)[: len(RECORDS) // 2]
    RecordFile(path, SECRET, KIND).save({**dict.fromkeys(keep), "ab" * 32: b"baru"})
    assert path.stat().st_ino != before.st_ino
    found = {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()}
    assert found == {**{k: RECORDS[k] for k in keep}, "ab" * 32: b"baru"}


def test_a_file_another_build_changed_or_holds_is_written_anew(path: Path) -> None:
    """Saved since it was checked (longer), or locked by another build's save: the new
    records are not written at the end of a file whose MAC state is not this one's."""
    first = RecordFile(path, SECRET, KIND)
    second = RecordFile(path, SECRET, KIND)
    assert first.keys() == second.keys() == set(RECORDS)
    first.save({**dict.fromkeys(RECORDS), "ab" * 32: b"satu"})
    inode = path.stat().st_ino
    second.save({**dict.fromkeys(RECORDS), "cd" * 32: b"dua"})
    assert path.stat().st_ino != inode  # (renamed over: it was longer than when checked)
    found = {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()}
    assert found == {**RECORDS, "cd" * 32: b"dua"}
    third = RecordFile(path, SECRET, KIND)
    assert third.keys() == set(found)
    with path.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        inode = path.stat().st_ino
        third.save({**dict.fromkeys(found), "ef" * 32: b"tiga"})
    assert path.stat().st_ino != inode
    assert {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()} == {
        **found,
        "ef" * 32: b"tiga",
    }


def test_a_file_that_shares_its_bytes_with_another_path_is_written_anew(
    path: Path, tmp_path: Path
) -> None:
    """A cache file with a second name (a hard link) is never written at its end: the
    other name keeps the bytes it had."""
    other = tmp_path / "nama-lain"
    os.link(path, other)
    before = other.read_bytes()
    records = RecordFile(path, SECRET, KIND)
    records.save({**dict.fromkeys(RECORDS), "ab" * 32: b"baru"})
    assert other.read_bytes() == before
    assert path.stat().st_ino != other.stat().st_ino
    found = {k: bytes(v) for k, v in read_records(path, SECRET, KIND).items()}
    assert found == {**RECORDS, "ab" * 32: b"baru"}
