"""A cache file of records read one record at a time: what its MAC covered, or nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from warta.adapters.cachekey import read_records, write_records
from warta.adapters.recordfile import RecordFile
from warta.adapters.render import Rendered
from warta.adapters.rendercache import RenderStore

SECRET = b"s" * 32
KIND = b"warta-test/1"
RECORDS = {hashlib.sha256(bytes([n])).hexdigest(): bytes([n]) * (n * 100) for n in range(1, 40)}


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
