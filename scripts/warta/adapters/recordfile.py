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

:meth:`RecordFile.save` writes nothing when the build used exactly the records the file
holds. When the build only added records and left few of the file's unused (at most
:data:`UNUSED_SHARE` of its bytes: one item edited at 3,000 items), the new records are
written at the end of the file and its MAC, worked on from the state the check left, over
its first line, under an exclusive lock and only if the file is still the one checked, as
long as it was (a rebuild after an edit rewrote 112 MB of caches for a few pages). A reader
that checks the file between the two writes, or after a crash between them, finds the MAC
wrong and ignores the file (it only costs time); one that checked it before reads records
that did not move. Otherwise a new file is written and renamed over the old.

The records a build makes (every page of a first build: about 70 MB at 3,000 items) wait in
a :class:`Spool` until they are saved: an unnamed file in the cache folder, written as they
are made, each record read back (and checked against its SHA-256) when it is needed again or
saved. A helper process forked from the build, or a build whose spool cannot be written
or would leave its disk nearly full (the output is often written to the same disk), keeps
its records in memory instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import hmac
import os
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from warta.adapters.atomic import PRIVATE, write_bytes
from warta.adapters.cachekey import new_mac

#: Bytes read at a time.
CHUNK = 1 << 20
#: The longest first line (``<kind> <mac>``) a records file has.
MAX_HEADER = 256
#: What a spool leaves free on its file system (bytes, and share of its size), whichever
#: is more: past that, records are held in memory.
RESERVE_BYTES = 512 << 20
RESERVE_SHARE = 0.05
_KEY, _SIZE = 32, 4
#: The share of a file's bytes that records no build uses any more may take, when a save
#: adds records at its end (else the file is written anew with the records used alone).
UNUSED_SHARE = 0.25


class _Gone(Exception):
    """A record could not be read again while a new file was written."""


@dataclass(frozen=True, slots=True)
class Spooled:
    """A record in a :class:`Spool`: where it lies and its SHA-256."""

    spool: Spool
    offset: int
    size: int
    digest: bytes

    def read(self) -> bytes | None:
        """The record (None: it no longer reads as written)."""
        return self.spool.read(self)


#: A record a build made: in memory, or in its spool.
Made = bytes | Spooled


def data_of(record: Made) -> bytes | None:
    """The bytes of a record a build made (None: spooled, and no longer readable)."""
    return record.read() if isinstance(record, Spooled) else record


@dataclass(frozen=True)
class CachePlace:
    """Where a build's caches of pages are read and saved: this user's cache folder for the
    repository (``keep``), or, for a build that may use no cache (``--no-cache``, or no
    secret can be kept), a scratch folder of the build's own and a random secret: nothing
    is found there that the build did not make, and nothing is saved. Either way the build
    makes each page once, and holds what it made in :attr:`spool`."""

    folder: Path
    secret: bytes
    keep: bool
    spool: Spool


def hold(spool: Spool | None, data: bytes) -> Made:
    """``data``, in ``spool`` if there is one."""
    return spool.put(data) if spool is not None else data


class Spool:
    """Where a build's new records wait until its caches are saved (see the module): an
    unnamed file in ``folder``, made on the first record, gone when closed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._file: IO[bytes] | None = None
        self._end = 0
        self._failed = False
        #: the build's process: a helper forked from it writes nothing here
        self._owner = os.getpid()
        self._lock = threading.Lock()  # (a helper's records arrive in a thread)

    def put(self, data: bytes) -> Made:
        """``data``, spooled (or as it is, when it cannot be)."""
        if self._failed or os.getpid() != self._owner:
            return data
        with self._lock:
            if self._failed:  # (closed meanwhile: a helper's last record, as a build ends)
                return data
            try:
                if self._file is None:
                    self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                    # (closed by close(), not at the end of a block)
                    self._file = tempfile.TemporaryFile(  # noqa: SIM115
                        dir=self.folder, prefix=".spool-", buffering=0
                    )
                fd, offset = self._file.fileno(), self._end
                if not _room(fd, len(data)):
                    raise OSError(errno.ENOSPC, "kept for the output")
                view = memoryview(data)
                while view:
                    view = view[os.pwrite(fd, view, offset + len(data) - len(view)) :]
            except OSError:
                self._failed = True
                return data
            self._end += len(data)
        return Spooled(self, offset, len(data), hashlib.sha256(data).digest())

    def read(self, record: Spooled) -> bytes | None:
        spooled = self._file
        if spooled is None or record.spool is not self:
            return None
        try:
            data = b"".join(_chunks(spooled.fileno(), record.offset, record.offset + record.size))
        except (OSError, ValueError):  # (ValueError: closed)
            return None
        if len(data) != record.size or hashlib.sha256(data).digest() != record.digest:
            return None
        return data

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None
            self._failed = True  # (nothing more is spooled)


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
        #: the MAC's state after the whole file checked, and the file's size then
        self._mac: hmac.HMAC | None = None
        self._size = 0

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
        self._mac, self._size = mac, info.st_size
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

    def save(self, records: Mapping[str, Made | None]) -> None:
        """Make the file hold exactly ``records`` (key -> data, in memory or spooled; None:
        this file's record of that key). Nothing is written if it already does; nothing
        either if a record of this file, or a spooled one, can no longer be read (the next
        build makes it again). The file is closed afterwards, whether or not it was written
        (a file that already held ``records`` stayed open: one descriptor more for each
        rebuild of a preview)."""
        if all(data is None for data in records.values()) and records.keys() == self.keys():
            self.close()
            self._index = None
            return
        try:
            added = self._added(records)
        except _Gone:
            added = True  # (nothing written, as below)
        if added:
            self.close()
            self._index = None
            return

        mac = new_mac(self.secret, self.kind)
        header = len(self.kind) + 2 + 2 * mac.digest_size  # "<kind> <MAC in hex>\n"

        def parts() -> Iterator[bytes]:
            yield b"\n" * header  # (written over once the MAC is known: one pass)
            for key in sorted(records):
                record = records[key]
                data = self.get(key) if record is None else data_of(record)
                if data is None:
                    raise _Gone
                for part in (bytes.fromhex(key), len(data).to_bytes(_SIZE, "big"), data):
                    mac.update(part)
                    yield part

        def head() -> bytes:
            return self.kind + b" " + mac.hexdigest().encode() + b"\n"

        try:
            # (not waited for on the disk: a file cut short by a crash fails its MAC and is
            # ignored; waiting cost a rebuild after an edit 0.1-0.2 s at 3,000 items)
            write_bytes(self.path, parts(), head=head, durable=False, mode=PRIVATE)
        except (_Gone, OSError):
            pass
        finally:
            self.close()
            self._index = None

    def _added(self, records: Mapping[str, Made | None]) -> bool:
        """Write the records made in this build at the end of the file, if that is all a save
        must do (see the module); False: the file is to be written anew."""
        index, mac = self._records(), self._mac
        if not index or mac is None or self._identity is None:
            return False
        # (a record made again under a key the file holds: the key is what it is made of,
        # so the file's stays)
        made = {k: data for k, data in records.items() if data is not None and k not in index}
        if any(data is None and key not in index for key, data in records.items()):
            return False
        unused = sum(_KEY + _SIZE + index[key][1] for key in index.keys() - records.keys())
        if unused > UNUSED_SHARE * self._size:
            return False
        parts = []
        for key in sorted(made):
            data = data_of(made[key])
            if data is None:
                raise _Gone
            parts += [bytes.fromhex(key), len(data).to_bytes(_SIZE, "big"), data]
        if not parts:
            return True  # (only records no build uses any more, few: they stay)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) != self._identity or info.st_size != self._size:
                return False  # (another build saved it since it was checked)
            if info.st_nlink != 1:
                return False  # (bytes another path shares: a new file is renamed over it)
            mac = mac.copy()
            at = self._size
            for part in parts:
                mac.update(part)
                view = memoryview(part)
                while view:
                    view = view[os.pwrite(fd, view, at + len(part) - len(view)) :]
                at += len(part)
            head = self.kind + b" " + mac.hexdigest().encode() + b"\n"
            if os.pwrite(fd, head, 0) != len(head):
                raise OSError(errno.EIO, "short write", str(self.path))
        except OSError:
            return False  # (a file another build holds, or that cannot be written)
        finally:
            os.close(fd)
        return True

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


def _room(fd: int, size: int) -> bool:
    """Whether ``size`` more bytes leave the file system of ``fd`` at least
    :data:`RESERVE_BYTES` and :data:`RESERVE_SHARE` of its size free: the output is often
    written to the same disk, and a build the spool made fail for want of room would be
    worse than one that holds its records in memory."""
    info = os.fstatvfs(fd)
    free = info.f_bavail * info.f_frsize
    return free - size >= max(RESERVE_BYTES, RESERVE_SHARE * info.f_blocks * info.f_frsize)


def _chunks(fd: int, start: int, end: int) -> Iterator[bytes]:
    at = start
    while at < end:
        chunk = os.pread(fd, min(CHUNK, end - at), at)
        if not chunk:
            raise OSError("cut short while read")
        yield chunk
        at += len(chunk)
