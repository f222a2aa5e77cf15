"""What Warta learned of photos, kept between runs in this user's cache folder (per
repository, outside the working tree, authenticated with this user's secret:
:mod:`warta.adapters.cachekey`).

- :class:`FactsCache` (``photo-facts``): what each original holds (:func:`photos.inspect`),
  by its SHA-256, its name's suffix and the settings, so a warm ``warta validate`` reads no
  photo again.
- :class:`CopyStore` (the folder ``photos/``): the clean copies of each original
  (:func:`photos.derive`), one file per original, named by a digest of the original's signed
  SHA-256, its suffix and the settings, with the list of its copies (format, size, SHA-256)
  in a small file beside it (``.meta``). Each file's MAC covers its name too, so an entry
  renamed to stand for another photo, altered, planted or copied from elsewhere is ignored
  and the copies are made again from the signed bytes. Each copy is also kept as a file of
  its own (``photo-files/``, named by its SHA-256) to be linked into the output. A kept file
  is read whole and hashed before it is linked, unless what the file system said of it when
  it was last hashed (``photo-file-stamps``: device, inode, size, mode, owner, modification
  and change times) is still what it says, as git's index trusts a file: any write,
  ``chmod``, link or rename moves the change time, which no program can set back, and a
  file changed within :data:`~warta.adapters.digests.RACY_NS` of a run is not remembered.

Without a secret (no cache may be kept), a store in a scratch folder of the build with a
secret of its own does the same for one build.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warta import i18n
from warta.adapters import photos, safefs
from warta.adapters.cachekey import (
    cache_secret,
    read_entries,
    read_records,
    repo_cache_dir,
    write_entries,
    write_records,
)
from warta.adapters.digests import RACY_NS
from warta.i18n import _
from warta.model.photo import PhotoFacts

FACTS_FILE = "photo-facts"
FACTS_FORMAT = b"warta-photo-facts/2"
COPIES_DIR = "photos"
#: the copies as files of their own, named by their SHA-256, linked into the output
FILES_DIR = "photo-files"
COPIES_FORMAT = b"warta-photo-copies/2"
#: an entry's list of its copies, in a file of its own beside it
COPIES_META_FORMAT = b"warta-photo-copy-list/1"
#: what the file system said of each kept file when its bytes were last checked
STAMPS_FILE = "photo-file-stamps"
STAMPS_FORMAT = b"warta-photo-file-stamps/2"
META_SUFFIX = ".meta"
_META = hashlib.sha256(b"meta").hexdigest()


class FactsCache:
    """What originals hold, by digest and suffix (see the module)."""

    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self.secret = secret
        self.stored = read_entries(path, secret, FACTS_FORMAT)
        self.used: dict[str, Any] = {}

    @classmethod
    def open(cls, root: Path) -> FactsCache | None:
        secret = cache_secret()
        return cls(repo_cache_dir(root) / FACTS_FILE, secret) if secret else None

    @staticmethod
    def key(digest: str, suffix: str) -> str:
        """The entry of an original: its digest and suffix, and the settings."""
        hasher = _settings_hash().copy()
        hasher.update(f"{suffix}\0{digest}".encode())
        return hasher.hexdigest()

    def facts(self, digest: str, suffix: str, read: Callable[[], bytes | None]) -> PhotoFacts:
        """The facts of the original with ``digest``; ``read`` gives its bytes when they are
        not known (None: it could not be read, or no longer has ``digest``). A refusal is
        kept as the text it was found in, with its language: facts without one serve every
        language, so a run in English after one in Indonesian reads no photo again."""
        key = self.key(digest, suffix)
        language = i18n.language()
        found = _facts(self.stored.get(key), language)
        if found is None:
            found = learn(digest, suffix, read)
            if found.size == 0 and found.problem:  # not read: learn it again next time
                return found
        self.used[key] = [
            found.format,
            found.width,
            found.height,
            found.size,
            found.gps,
            found.problem,
            language if found.problem else "",
        ]
        return found

    def save(self) -> None:
        if self.used != self.stored:
            write_entries(self.path, self.secret, FACTS_FORMAT, self.used)


#: What an original's facts are: 2 since a photo too tall for its copies is refused, 3 since
#: a GIF of more pixels than a photo's in all its frames is.
FACTS_VERSION = 3


@functools.cache
def _settings_hash() -> hashlib._Hash:
    """SHA-256 begun over the settings (see :meth:`FactsCache.key`)."""
    return hashlib.sha256(f"{photos.SETTINGS};facts={FACTS_VERSION}\0".encode())


def learn(digest: str, suffix: str, read: Callable[[], bytes | None]) -> PhotoFacts:
    """The facts of the original ``read`` gives, if its bytes have ``digest``."""
    data = read()
    if data is None or "sha256:" + hashlib.sha256(data).hexdigest() != digest:
        return PhotoFacts(
            "", 0, 0, 0, problem=_("a file that could not be read, or changed while it was read")
        )
    return photos.inspect(data, suffix)


def _facts(value: Any, language: str) -> PhotoFacts | None:
    """Stored facts as facts, if they are of the right shape and any refusal among them is
    in ``language``."""
    if not (isinstance(value, list) and len(value) == 7):
        return None
    fmt, width, height, size, gps, problem, written_in = value
    if not (
        isinstance(fmt, str)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in (width, height, size))
        and isinstance(gps, bool)
        and isinstance(problem, str)
        and written_in == (language if problem else "")
    ):
        return None
    return PhotoFacts(fmt, width, height, size, gps, problem)


@dataclass(frozen=True)
class Copy:
    """One clean copy in the store: its format, size in pixels, and SHA-256 (of its bytes)."""

    format: str
    width: int
    height: int
    digest: str

    @property
    def record(self) -> str:
        return hashlib.sha256(f"{self.format}:{self.width}".encode()).hexdigest()


@dataclass(frozen=True)
class Copies:
    """The copies of one original in the store (``entry`` names its file there)."""

    entry: str
    variants: tuple[Copy, ...]
    same: Copy | None


class CopyStore:
    """The clean copies of originals, by the original's signed digest (see the module)."""

    def __init__(self, folder: Path, secret: bytes, files: Path | None = None) -> None:
        self.folder = folder
        self.secret = secret
        #: where copies are kept as files of their own, to be linked into the output (None:
        #: never; see :meth:`link`)
        self.files = files
        #: the entry read last and its records (a build reads an original's copies one
        #: after the other: each file is read and authenticated once, not once per copy)
        self._last: tuple[str, dict[str, memoryview]] | None = None
        #: entry -> its copies, as found whole in this build (an entry is checked once)
        self._found: dict[str, Copies] = {}
        #: digest -> how many output files this build linked to a file of that copy
        self._linked: dict[str, int] = {}
        #: kept file -> what the file system said of it when this build checked its bytes
        self._ready_files: dict[str, os.stat_result] = {}
        #: output path -> the digest of the copy linked there and what the file system said
        #: of the link just made (see :meth:`unchanged`)
        self._links: dict[str, tuple[str, tuple[int, ...]]] = {}
        self._started = time.time_ns()
        #: the mode of a kept file (see :meth:`link`)
        self.mode = read_only_mode()
        #: where the stamps of kept files are remembered between builds (None: not at all)
        self.stamps_path = folder.parent / STAMPS_FILE if files is not None else None
        #: kept file -> its stamps (:func:`_stamp_text`) when its bytes were last checked
        self._stamps: dict[str, Any] = (
            read_entries(self.stamps_path, secret, STAMPS_FORMAT) if self.stamps_path else {}
        )
        self._stamps_used: dict[str, Any] = {}

    @classmethod
    def open(cls, root: Path) -> CopyStore | None:
        secret = cache_secret()
        folder = repo_cache_dir(root)
        return cls(folder / COPIES_DIR, secret, folder / FILES_DIR) if secret else None

    def kept_inodes(self) -> set[tuple[int, int]]:
        """The device and inode of every kept file (none without a folder of them)."""
        if self.files is None:
            return set()
        try:
            device = os.stat(self.files).st_dev
            with os.scandir(self.files) as entries:
                return {(device, entry.inode()) for entry in entries}
        except OSError:
            return set()

    def save(self) -> None:
        """Remember the stamps of the kept files this build checked or trusted (so that the
        list never outgrows what a build uses)."""
        if self.stamps_path is not None and self._stamps_used != self._stamps:
            write_entries(self.stamps_path, self.secret, STAMPS_FORMAT, self._stamps_used)

    def _verified(self, name: str, path: Path, digest: str) -> os.stat_result | None:
        """What the file system says of the kept file ``name`` (at ``path``) if it holds
        exactly the bytes of ``digest`` (see :func:`_checked`): trusted without reading when
        its stamps are the ones remembered from an earlier check, else read and hashed now
        (and its stamps remembered, unless it changed too recently to be sure of)."""
        if self._stamps:
            try:
                info = os.lstat(path)
            except OSError:
                info = None
            if (
                info is not None
                and self._stamps.get(name) == (text := _stamp_text(info))
                and stat.S_IMODE(info.st_mode) == self.mode  # (this run's umask's, as below)
            ):
                self._stamps_used[name] = text
                return info
        checked = _checked(path, digest, self.mode)
        if (
            checked is not None
            and self.stamps_path is not None
            and checked.st_ctime_ns < self._started - RACY_NS
        ):
            self._stamps_used[name] = _stamp_text(checked)
        return checked

    @classmethod
    def scratch(cls, folder: Path) -> CopyStore:
        """A store for one build, in ``folder`` (a fresh, private folder of the build)."""
        return cls(folder, os.urandom(32))

    @staticmethod
    def entry(digest: str, suffix: str) -> str:
        text = f"{photos.SETTINGS}\0{suffix.lower()}\0{digest}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _kind(self, entry: str) -> bytes:
        return COPIES_FORMAT + b":" + entry.encode("ascii")

    def _records(self, entry: str) -> dict[str, memoryview]:
        if self._last is not None and self._last[0] == entry:
            return self._last[1]
        records = read_records(self.folder / entry, self.secret, self._kind(entry))
        self._last = (entry, records)
        return records

    def find(self, digest: str, suffix: str) -> Copies | None:
        """The copies made earlier of the original with ``digest`` (None: none, or an entry
        that is not authentic, or copies that can no longer be had whole).

        What the copies are is read from the entry's small list (``<entry>.meta``); each
        copy is then had from its kept file, checked byte for byte (:meth:`_ready`), and
        only a copy without a good kept file is read from the entry itself: a warm build
        reads each copy once, not three times."""
        entry = self.entry(digest, suffix)
        known = self._found.get(entry)
        if known is not None:
            return known
        meta = read_records(
            self.folder / (entry + META_SUFFIX), self.secret, self._meta_kind(entry)
        ).get(_META)
        if meta is None:
            return None
        try:
            listed = json.loads(bytes(meta))
            variants = tuple(Copy(*v) for v in listed["variants"])
            same = Copy(*listed["same"]) if listed["same"] is not None else None
        except (ValueError, TypeError, KeyError):
            return None
        if not variants:
            return None
        copies = Copies(entry, variants, same)
        for copy in (*variants, *([same] if same else [])):
            if not self._ready(copy) and self.read(copies, copy) is None:
                return None
        found = self._found[entry] = copies
        return found

    def _meta_kind(self, entry: str) -> bytes:
        return COPIES_META_FORMAT + b":" + entry.encode("ascii")

    def _ready(self, copy: Copy) -> bool:
        """Whether the kept file of ``copy`` holds exactly its bytes (checked now, once per
        build; :meth:`link` links the file checked)."""
        if self.files is None:
            return False
        name = copy.digest.removeprefix("sha256:")
        if name not in self._ready_files:
            checked = self._verified(name, self.files / name, copy.digest)
            if checked is None:
                return False
            self._ready_files[name] = checked
        return True

    def put(self, digest: str, suffix: str, derived: photos.Derived) -> Copies | None:
        """Keep ``derived``, the copies of the original with ``digest`` (None: they could
        not be kept)."""
        entry = self.entry(digest, suffix)
        records: dict[str, bytes] = {}

        def kept(variant: photos.Variant) -> Copy:
            copy = Copy(variant.format, variant.width, variant.height, digest_of(variant.data))
            records[copy.record] = variant.data
            return copy

        variants = tuple(kept(v) for v in derived.variants)
        same = kept(derived.same) if derived.same is not None else None
        meta = {
            "variants": [[c.format, c.width, c.height, c.digest] for c in variants],
            "same": [same.format, same.width, same.height, same.digest] if same else None,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        self._last = None  # (it may hold this entry as missing)
        self._found.pop(entry, None)
        write_records(self.folder / entry, self.secret, self._kind(entry), records)
        listed = {_META: json.dumps(meta, sort_keys=True).encode()}
        write_records(
            self.folder / (entry + META_SUFFIX), self.secret, self._meta_kind(entry), listed
        )
        return self.find(digest, suffix)

    def read(self, copies: Copies, copy: Copy) -> bytes | None:
        """The bytes of ``copy`` as kept (None: the entry is gone or no longer authentic, or
        holds other bytes)."""
        data = self._records(copies.entry).get(copy.record)
        if data is None or digest_of(bytes(data)) != copy.digest:
            return None
        return bytes(data)

    def link(self, copies: Copies, copy: Copy, dest: Path) -> bool:
        """Put ``copy`` at ``dest`` (a path where nothing is) as a hard link to a file of the
        store that holds exactly its bytes, made from the authenticated entry when there is
        none yet or it is not as it must be: writing thousands of photos into the output
        costs a build more than all else it does with them (the way pnpm links packages
        from its store, and the Nix store's files are linked). False when no link was made
        (a store without files, another file system, an entry no longer whole): the caller
        writes the bytes itself.

        A kept file is read-only for everyone (``0444`` under the umask), owned by this
        user, with exactly the bytes of the copy: anything else there (altered, swapped
        for a link or a pipe, made writable, made under another umask) is made again. Being
        read-only, an output file refuses ``cp`` or an editor instead of writing through
        to the cache and to other outputs (only root could). A file of the store is linked
        at most once per build, so no two paths of one output share their bytes (a Pages
        archive may hold no hard links); a copy shown at two paths gets a second file. What
        is linked is the file checked in this build (by :meth:`find`, unchanged since by
        what the file system says of it, change time included, or else here): the link is
        kept only if it leads to that file, its size, mode and modification time as they
        were. ``dest`` may hold what an earlier build left: a link to exactly that file, with
        nothing changed since it was checked, is kept as it is (not linked again, so the
        file's change time stays, and the next build need not read it); anything else is
        removed first (False if it cannot be)."""
        if self.files is None:
            return False
        uses = self._linked.get(copy.digest, 0)
        self._linked[copy.digest] = uses + 1
        name = copy.digest.removeprefix("sha256:") + (f".{uses}" if uses else "")
        path = self.files / name
        checked = self._still(name, path) or self._verified(name, path, copy.digest)
        if checked is None:
            data = self.read(copies, copy)
            if data is None or not _keep_file(self.files, name, data, self.mode):
                return False
            checked = _checked(path, copy.digest, self.mode)
            if checked is None:
                return False
        try:
            there: os.stat_result | None = os.lstat(dest)
        except FileNotFoundError:
            there = None
        except OSError:
            return False
        if there is not None and _changed(there) == _changed(checked):
            linked = there  # (the link an earlier build made, as it was checked)
        else:
            try:
                if there is not None:
                    os.unlink(dest)
                os.link(path, dest, follow_symlinks=False)
                linked = os.lstat(dest)
            except OSError:
                return False
        if _stamp(linked) != _stamp(checked):
            os.unlink(dest)  # replaced or changed since it was checked: write it instead
            return False
        if checked.st_mtime_ns < self._started - RACY_NS:
            self._links[str(dest)] = (copy.digest, _changed(linked))
        return True

    def _still(self, name: str, path: Path) -> os.stat_result | None:
        """What :meth:`find` found of the kept file ``name`` when it checked its bytes, if
        the file at ``path`` is still that file with nothing changed since: its change time
        too, which any write, ``chmod`` or ``touch`` moves. A build into an emptied folder
        does not move it between the check and the link; ``mkdocs build --dirty`` does (it
        removes the old output's link to the file just before), so it checks every kept
        file again. None: check it again."""
        checked = self._ready_files.pop(name, None)
        if checked is None:
            return None
        try:
            now = os.lstat(path)
        except OSError:
            return None
        if _stamp(now) != _stamp(checked) or now.st_ctime_ns != checked.st_ctime_ns:
            return None
        return checked

    def unchanged(self, path: Path, digest: str, info: os.stat_result) -> bool:
        """Whether the output file at ``path`` (``info``: its ``lstat``) is a link this build
        made to a kept file whose bytes it checked were ``digest``, with nothing changed
        since: not its bytes, mode, links or times (any write, ``chmod``, ``touch`` or link
        moves the change time, which no program can set back). Only a kept file last written
        well before the build began is vouched for (a write in the same tick of the file
        system's clock as the link would leave the times as they were: ``digests.RACY_NS``);
        the build's audit reads every other file again."""
        known = self._links.get(str(path))
        if known is None or known[0] != digest:
            return False
        return _changed(info) == known[1]


def _stamp(info: os.stat_result) -> tuple[int, ...]:
    """What no change to a file's bytes or mode leaves as it was (a link moves only its
    change time)."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode, info.st_uid)


def _changed(info: os.stat_result) -> tuple[int, ...]:
    """:func:`_stamp` and the change time (a link's count moves it)."""
    return (*_stamp(info), info.st_ctime_ns)


def _stamp_text(info: os.stat_result) -> str:
    """:func:`_changed` as it is remembered between builds."""
    return ":".join(map(str, _changed(info)))


def _checked(path: Path, digest: str, mode: int) -> os.stat_result | None:
    """What the file system says of the file at ``path`` (no link followed, never waiting
    on a pipe), if it is a regular file of this user's with exactly ``mode`` and bytes of
    ``digest``; None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        if stat.S_IMODE(info.st_mode) != mode:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            found = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)
    return info if found == digest else None


def _keep_file(folder: Path, name: str, data: bytes, mode: int) -> bool:
    """Write ``data`` as the file ``name`` of ``folder`` with ``mode``, whole or not at
    all."""
    temporary = folder / f".new-{os.getpid()}-{secrets.token_hex(8)}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.replace(temporary, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def read_only_mode() -> int:
    """``0444`` under this process's umask: what a kept file's mode must be (read by all
    that the umask lets read, as the output's other files are; written by none)."""
    return 0o444 & ~safefs.current_umask()


def digest_of(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``, as signed digests and the copies' digests are written."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
