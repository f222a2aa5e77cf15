"""A cache file of records, read one record at a time.

The build's larger caches (pages as the theme rendered them, pages' content, search entries:
tens of MB at 3,000 items) are files of records in the layout of
:func:`~warta.adapters.cachekey.read_records` (``<kind> <mac>``, then per record a 32-byte key,
a 4-byte length and the data). Read whole, such a file stays in memory for the whole build,
as does every record the build uses until it writes the file again. A :class:`RecordFile`
instead reads the file once, in chunks, to check its MAC and note where each record lies,
and then reads a record only when it is asked for.

A record read later is one of the bytes the MAC covered only if the file did not change in
between: every read compares what the file system says of the open file (inode, size,
modification and change times; any write moves the change time, and no call sets it back)
with what it said when the MAC was checked, and a file that changed counts as empty from
then on. The file itself is never written in place: :meth:`RecordFile.save` writes a new
one and renames it over the old, and writes nothing when the build used exactly the records
the file holds.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from warta.adapters.atomic import write_bytes
from warta.adapters.cachekey import mac_of

#: Bytes read at a time to check the MAC.
CHUNK = 1 << 20
#: The longest first line (``<kind> <mac>``) a records file has.
MAX_HEADER = 256
_KEY, _SIZE = 32, 4


class _Gone(Exception):
    """A record could not be read again while a new file was written."""


def _stamp(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class RecordFile:
    """The records of one cache file (see the module), opened on first use."""

    def __init__(self, path: Path, secret: bytes, kind: bytes) -> None:
        self.path = path
        self.secret = secret
        self.kind = kind
        self._fd: int | None = None
        self._stamp: tuple[int, int, int, int, int] | None = None
        #: key (hex) -> (offset in the file, size)
        self._index: dict[str, tuple[int, int]] | None = None

    def _records(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {}
            with contextlib.suppress(OSError):
                self._index = self._read_index()
            if not self._index:
                self.close()
                self._index = {}
        return self._index

    def _read_index(self) -> dict[str, tuple[int, int]]:
        fd = self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return {}
        head = os.pread(fd, MAX_HEADER, 0)
        end = head.find(b"\n")
        if end < 0:
            return {}
        found, _, mac = head[:end].partition(b" ")
        start = end + 1
        if found != self.kind or not hmac.compare_digest(
            mac, mac_of(self.secret, self.kind, self._chunks(fd, start, info.st_size)).encode()
        ):
            return {}
        index: dict[str, tuple[int, int]] = {}
        at = start
        while at < info.st_size:
            header = os.pread(fd, _KEY + _SIZE, at)
            if len(header) < _KEY + _SIZE:
                return {}
            size = int.from_bytes(header[_KEY:], "big")
            if at + _KEY + _SIZE + size > info.st_size:
                return {}
            index[header[:_KEY].hex()] = (at + _KEY + _SIZE, size)
            at += _KEY + _SIZE + size
        if _stamp(os.fstat(fd)) != _stamp(info):
            return {}  # written while it was read
        self._stamp = _stamp(info)
        return index

    @staticmethod
    def _chunks(fd: int, start: int, end: int) -> Iterator[bytes]:
        at = start
        while at < end:
            chunk = os.pread(fd, min(CHUNK, end - at), at)
            if not chunk:
                raise OSError("cut short while read")
            yield chunk
            at += len(chunk)

    def __contains__(self, key: str) -> bool:
        return key in self._records()

    def keys(self) -> set[str]:
        return set(self._records())

    def get(self, key: str) -> bytes | None:
        """The data of the record ``key`` (None: there is none, or the file changed since
        its MAC was checked: then it holds none from now on)."""
        place = self._records().get(key)
        if place is None or self._fd is None:
            return None
        try:
            data = os.pread(self._fd, place[1], place[0])
            unchanged = _stamp(os.fstat(self._fd)) == self._stamp
        except OSError:
            unchanged = False
        if not unchanged or len(data) != place[1]:
            self.close()
            self._index = {}
            return None
        return data

    def save(self, records: Mapping[str, bytes | None]) -> None:
        """Make the file hold exactly ``records`` (key -> data; None: this file's record of
        that key). Nothing is written if it already does; nothing either if a record of this
        file can no longer be read (the next build makes it again)."""
        if all(data is None for data in records.values()) and records.keys() == self.keys():
            return

        def parts() -> Iterator[bytes]:
            for key in sorted(records):
                data = records[key]
                if data is None:
                    data = self.get(key)
                    if data is None:
                        raise _Gone
                yield bytes.fromhex(key)
                yield len(data).to_bytes(_SIZE, "big")
                yield data

        try:
            mac = mac_of(self.secret, self.kind, parts())
            header = self.kind + b" " + mac.encode() + b"\n"
            write_bytes(self.path, _after(header, parts()))
        except (_Gone, OSError):
            pass
        finally:
            self.close()
            self._index = None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()


def _after(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
