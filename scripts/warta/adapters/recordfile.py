"""A cache file of records, read one record at a time.

The build's larger caches (pages as the theme rendered them, pages' content, search entries,
rendered bodies: tens of MB at 3,000 items) are files of records in the layout of
:func:`~warta.adapters.cachekey.read_records` (``<kind> <mac>``, then per record a 32-byte key,
a 4-byte length and the data). Read whole, such a file stays in memory for the whole build,
as does every record the build uses until it writes the file again. A :class:`RecordFile`
instead reads the file once, record by record, to check its MAC, and notes where each record
lies and its SHA-256; it then reads a record again only when it is asked for, and gives it
only if it still has that SHA-256. A file changed after its check (written into in place)
gives nothing more; one renamed away, linked or replaced (another build saving its caches
renames a new file over it) still gives what was checked.

The file itself is never written in place: :meth:`RecordFile.save` writes a new one and
renames it over the old, and writes nothing when the build used exactly the records the
file holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from warta.adapters.atomic import write_bytes
from warta.adapters.cachekey import mac_of, new_mac

#: Bytes read at a time.
CHUNK = 1 << 20
#: The longest first line (``<kind> <mac>``) a records file has.
MAX_HEADER = 256
_KEY, _SIZE = 32, 4


class _Gone(Exception):
    """A record could not be read again while a new file was written."""


class RecordFile:
    """The records of one cache file (see the module), opened on first use."""

    def __init__(self, path: Path, secret: bytes, kind: bytes) -> None:
        self.path = path
        self.secret = secret
        self.kind = kind
        self._fd: int | None = None
        #: the file checked (device, inode)
        self._identity: tuple[int, int] | None = None
        #: key (hex) -> (offset in the file, size, SHA-256 of the data)
        self._index: dict[str, tuple[int, int, bytes]] | None = None

    def _records(self) -> dict[str, tuple[int, int, bytes]]:
        if self._index is None:
            self._index = {}
            with contextlib.suppress(OSError):
                self._index = self._read_index()
            if not self._index:
                self.close()
                self._index = {}
        return self._index

    def _read_index(self) -> dict[str, tuple[int, int, bytes]]:
        # (never waiting on a pipe put in its place)
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = self._fd = os.open(self.path, flags)
        info = os.fstat(fd)
        self._identity = (info.st_dev, info.st_ino)
        if not stat.S_ISREG(info.st_mode):
            return {}
        head = os.pread(fd, MAX_HEADER, 0)
        end = head.find(b"\n")
        if end < 0:
            return {}
        found, _, expected = head[:end].partition(b" ")
        if found != self.kind:
            return {}
        mac = new_mac(self.secret, self.kind)
        index: dict[str, tuple[int, int, bytes]] = {}
        at = end + 1
        while at < info.st_size:
            header = os.pread(fd, _KEY + _SIZE, at)
            if len(header) < _KEY + _SIZE:
                return {}
            size = int.from_bytes(header[_KEY:], "big")
            start = at + _KEY + _SIZE
            if start + size > info.st_size:
                return {}
            mac.update(header)
            digest = hashlib.sha256()
            for chunk in _chunks(fd, start, start + size):
                mac.update(chunk)
                digest.update(chunk)
            index[header[:_KEY].hex()] = (start, size, digest.digest())
            at = start + size
        if not hmac.compare_digest(expected, mac.hexdigest().encode()):
            return {}
        return index

    def __contains__(self, key: str) -> bool:
        return key in self._records()

    def keys(self) -> set[str]:
        return set(self._records())

    def get(self, key: str) -> bytes | None:
        """The data of the record ``key`` (None: there is none, or it is no longer what was
        checked: then the file holds none from now on)."""
        place = self._records().get(key)
        if place is None or self._fd is None:
            return None
        offset, size, digest = place
        try:
            data = b"".join(_chunks(self._fd, offset, offset + size))
        except OSError:
            data = b""
        if len(data) != size or hashlib.sha256(data).digest() != digest:
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

    def discard(self) -> None:
        """Remove the file, if its path still names the file this one checked (another build
        may have put a new one there since)."""
        with contextlib.suppress(OSError):
            there = os.lstat(self.path)
            if (there.st_dev, there.st_ino) == self._identity:
                os.unlink(self.path)
        self.close()
        self._index = None

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()


def _chunks(fd: int, start: int, end: int) -> Iterator[bytes]:
    at = start
    while at < end:
        chunk = os.pread(fd, min(CHUNK, end - at), at)
        if not chunk:
            raise OSError("cut short while read")
        yield chunk
        at += len(chunk)


def _after(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
