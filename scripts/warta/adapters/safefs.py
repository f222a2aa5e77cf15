"""The repository as hostile input: reads and listings that never follow a link.

Every path is opened one component at a time from the repository root (``openat`` with
``O_NOFOLLOW``), so a symbolic link anywhere on the way, or at the end, is refused instead of
followed, whatever its name or target; a folder swapped for a link between listing and
reading is refused too. Listings never enter a linked folder and report the link itself.
Regular files only: a named pipe, device or socket is reported, never opened for reading,
and a file with more than one hard link (its bytes could change through another name, even
outside the repository) is reported too.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import operator
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from warta.i18n import _

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = (
    os.O_RDONLY
    | os.O_NOFOLLOW
    | os.O_NONBLOCK
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
CHUNK = 1 << 20
_BY_NAME = operator.attrgetter("name")
#: How many folders deep a listing goes (the Markdown, the build and the tools that remove
#: folders all recurse once per level; nothing a newsroom keeps is nested this deep).
MAX_DEPTH = 32


class Kind(StrEnum):
    FILE = "file"
    DIR = "folder"
    LINK = "symbolic link"
    SPECIAL = "special file"


@dataclass(frozen=True)
class Entry:
    """One entry of a listing: its path relative to the root (``/``-separated), what it is,
    its size and (for files) how many names it has; for a regular file the listing was asked
    to read, its digest and, if asked, its bytes (``data``), or why it could not be read
    (``refused``)."""

    rel: str
    kind: Kind
    size: int = 0
    nlink: int = 1
    target: str = ""
    digest: str | None = None
    data: bytes | None = None
    refused: UnsafePath | None = None

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


#: How a listing reads a regular file: not at all, for its digest (and head), or whole; or
#: whole unless ``digests`` knows it unchanged (then for its digest only, with no bytes).
SKIP, DIGEST, KEEP, KEEP_NEW = "skip", "digest", "keep", "keep-new"


class UnsafePath(Exception):
    """A path that may not be read. ``found`` says what is there instead of a regular file
    ("found a symbolic link (to 'x')"), ``code`` what kind of refusal it is: missing, link,
    special, folder, hardlink, too-large, changed or unreadable."""

    def __init__(self, rel: str, found: str, code: str, expected: str | None = None) -> None:
        expected = _("a regular file") if expected is None else expected
        super().__init__(
            _("{path}: expected {expected}, {found}").format(
                path=rel, expected=expected, found=found
            )
        )
        self.rel = rel
        self.found = found
        self.code = code
        self.expected = expected

    @property
    def missing(self) -> bool:
        return self.code == "missing"

    @property
    def reason(self) -> str:
        """'expected a regular file, found …': the words for a finding."""
        return _("expected {expected}, {found}").format(expected=self.expected, found=self.found)

    @property
    def rule(self) -> str:
        """The rule a finding about this file names."""
        return {
            "missing": "file.missing",
            "link": "file.symlink",
            "too-large": "file.too-large",
            "hardlink": "file.hardlink",
        }.get(self.code, "file.unreadable")


def _kind(mode: int) -> Kind:
    if stat.S_ISLNK(mode):
        return Kind.LINK
    if stat.S_ISDIR(mode):
        return Kind.DIR
    if stat.S_ISREG(mode):
        return Kind.FILE
    return Kind.SPECIAL


def special_kind(mode: int) -> str:
    """What a file that is neither regular nor a folder is, in words."""
    if stat.S_ISFIFO(mode):
        return _("a named pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a device or other special file")


@functools.lru_cache(maxsize=64)
def _real(root: Path) -> str:
    """The root's real path (the root itself may be reached through links; nothing in it)."""
    return os.path.realpath(root)


@contextlib.contextmanager
def _open_dir(root: Path, parts: tuple[str, ...], rel: str) -> Iterator[int]:
    """A descriptor of the folder ``root/parts``, reached without following any link."""
    fd = os.open(_real(root), _DIR_FLAGS)
    try:
        for part in parts:
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise _refusal(fd, part, rel, exc) from None
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _refusal(parent: int, name: str, rel: str, exc: OSError) -> UnsafePath:
    """Why opening ``name`` in ``parent`` failed, in words."""
    if exc.errno == errno.ENOENT:
        return UnsafePath(rel, _("found nothing"), "missing")
    try:
        info = os.lstat(name, dir_fd=parent)
    except OSError:
        return UnsafePath(rel, _found_error(exc), "unreadable")
    if stat.S_ISLNK(info.st_mode):
        target = _readlink(parent, name)
        return UnsafePath(
            rel,
            _("found a symbolic link (to {target!r}); nothing is read through a link").format(
                target=target
            ),
            "link",
        )
    if exc.errno == errno.ENOTDIR:
        return UnsafePath(
            rel, _("found a path through something that is not a folder"), "unreadable"
        )
    return UnsafePath(rel, _found_error(exc), "unreadable")


def _found_error(exc: OSError) -> str:
    """'found the error …': what an unreadable path gave instead of its bytes."""
    return _("found the error {error!r}").format(error=exc.strerror)


def _at_most(limit: int) -> str:
    """What a file with a size limit is expected to be."""
    return _("a file of at most {limit} bytes").format(limit=limit)


def _readlink(parent: int, name: str) -> str:
    try:
        return os.readlink(name, dir_fd=parent)
    except OSError:
        return "?"


def _split(rel: str) -> tuple[str, ...]:
    parts = tuple(p for p in rel.split("/") if p)
    if not parts or any(p in (".", "..") for p in parts):
        raise UnsafePath(
            rel,
            _("found {value!r}").format(value=rel),
            "unreadable",
            _("a path inside the repository"),
        )
    return parts


@contextlib.contextmanager
def open_file(root: Path, rel: str, *, max_bytes: int | None = None) -> Iterator[int]:
    """A descriptor of the regular file ``root/rel`` (UnsafePath if it is anything else, is
    reached through a link, has other hard links, or is larger than ``max_bytes``)."""
    parts = _split(rel)
    with _open_dir(root, parts[:-1], rel) as folder:
        try:
            fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=folder)
        except OSError as exc:
            raise _refusal(folder, parts[-1], rel, exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnsafePath(rel, _("found a folder"), "folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(
                rel, _("found {what}").format(what=special_kind(info.st_mode)), "special"
            )
        if info.st_nlink > 1:
            raise UnsafePath(
                rel,
                _(
                    "found a file with {count} hard links (its bytes could change through"
                    " another name)"
                ).format(count=info.st_nlink),
                "hardlink",
                _("a file with one name"),
            )
        if max_bytes is not None and info.st_size > max_bytes:
            raise UnsafePath(
                rel,
                _("found {size} bytes").format(size=info.st_size),
                "too-large",
                _at_most(max_bytes),
            )
        yield fd
    finally:
        os.close(fd)


def lstat_at(root: Path, rel: str) -> tuple[os.stat_result, str | None] | None:
    """What ``root/rel`` is itself, and a link's target (None: nothing there). No link on
    the way is followed (UnsafePath), nor the link itself."""
    parts = _split(rel)
    try:
        with _open_dir(root, parts[:-1], rel) as folder:
            try:
                info = os.lstat(parts[-1], dir_fd=folder)
            except FileNotFoundError:
                return None
            target = os.readlink(parts[-1], dir_fd=folder) if stat.S_ISLNK(info.st_mode) \
                else None
            return info, target
    except UnsafePath as exc:
        if exc.code == "missing":
            return None
        raise


def read_bytes(root: Path, rel: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file ``root/rel``, read without following any link."""
    with open_file(root, rel, max_bytes=max_bytes) as fd:
        chunks = []
        size = 0
        while chunk := os.read(fd, CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise UnsafePath(rel, _("found more"), "too-large", _at_most(max_bytes))
        return b"".join(chunks)


def read_verified(root: Path, rel: str, digest: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of ``root/rel`` if, read now, they have ``digest`` (else UnsafePath)."""
    data = read_bytes(root, rel, max_bytes=max_bytes)
    found = "sha256:" + hashlib.sha256(data).hexdigest()
    if found != digest:
        raise UnsafePath(
            rel,
            _("found {digest}: it changed while the site was built").format(digest=found),
            "changed",
            digest,
        )
    return data


def make_folders(path: Path) -> None:
    """``path.mkdir(parents=True, exist_ok=True)`` without recursion: pathlib's recurses once
    per missing folder, and a repository's folders may be nested a thousand deep."""
    missing: list[Path] = []
    while not path.is_dir() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise


def copy_verified(root: Path, rel: str, dest: Path, digest: str) -> None:
    """Copy ``root/rel`` to ``dest``, a new file in a scratch folder, if, read now, its bytes
    have ``digest`` (else UnsafePath and nothing written): what is copied is exactly what was
    checked. ``dest`` must not exist yet (nor be a link): it is created, never replaced, and
    not synced to disk, since a scratch folder is thrown away after the build."""
    data = read_verified(root, rel, digest)
    make_folders(dest.parent)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


class Digests(Protocol):
    """Remembers digests by what the file system says of a file (see adapters.digests)."""

    def get(self, rel: str, info: os.stat_result) -> str | None: ...

    def put(self, rel: str, info: os.stat_result, digest: str) -> None: ...


@dataclass(frozen=True)
class _Reading:
    read: Callable[[str], tuple[str, int]] | None
    digests: Digests | None


def walk(
    root: Path,
    rel: str = "",
    *,
    read: Callable[[str], tuple[str, int]] | None = None,
    digests: Digests | None = None,
) -> list[Entry]:
    """Every entry below ``root/rel`` (files, folders, links, special files), sorted by
    path; linked folders are listed as links and never entered. Empty if ``rel`` is not a
    folder reached without links; a folder that cannot be opened or listed (its permissions)
    is listed as one refused entry, at any depth, ``rel`` itself included. ``read(rel)``
    says, for each regular file with one name, how to read it (:data:`SKIP`,
    :data:`DIGEST`, :data:`KEEP` or :data:`KEEP_NEW`) and the most bytes it may have: it
    is then read through the folder already open, never by its path again. A file read for
    its digest only (or :data:`KEEP_NEW`) is not read at all if ``digests`` knows it
    unchanged."""
    parts = tuple(p for p in rel.split("/") if p)
    out: list[Entry] = []
    try:
        with _open_dir(root, parts, rel) as top:
            _walk(top, "/".join(parts), out, _Reading(read, digests))
    except UnsafePath as exc:
        # a folder that cannot be opened (its permissions): refused, so a check says so
        unlisted = _unlisted(exc)
        return [Entry(exc.rel, Kind.FILE, refused=unlisted)] if exc.code == "unreadable" else []
    except OSError:
        return []
    return out  # in path order: each folder is listed sorted, its entries right after it


def _walk(fd: int, prefix: str, out: list[Entry], reading: _Reading) -> None:
    """List the folder ``fd`` and every folder below it, depth first, without recursion (a
    folder nested thousands deep, which anyone can push, ended the walk in a RecursionError);
    each folder being listed holds one descriptor. A folder that cannot be opened or listed,
    and one more than :data:`MAX_DEPTH` deep, is listed as refused and not entered."""
    found = _listing(fd)
    if isinstance(found, OSError):
        unlisted = _unlisted(UnsafePath(prefix, _found_error(found), "unreadable"))
        out.append(Entry(prefix, Kind.FILE, refused=unlisted))
        return
    stack: list[tuple[int, str, Iterator[os.DirEntry[str]]]] = [(fd, prefix, iter(found))]
    try:
        while stack:
            folder, at, entries = stack[-1]
            item = next(entries, None)
            if item is None:
                stack.pop()
                if folder != fd:
                    os.close(folder)
                continue
            name = item.name
            rel = f"{at}/{name}" if at else name
            try:
                # the kind the listing gave needs no stat
                info = None if item.is_dir(follow_symlinks=False) else item.stat(
                    follow_symlinks=False
                )
            except FileNotFoundError:
                continue  # removed since the folder was listed
            except OSError as exc:  # listed, and what it is cannot be known: refused
                out.append(Entry(rel, Kind.FILE, refused=_refusal(folder, name, rel, exc)))
                continue
            kind = Kind.DIR if info is None else _kind(info.st_mode)
            if kind is Kind.DIR and len(stack) >= MAX_DEPTH:
                # listed as refused, never entered: nothing below it is published
                too_deep = UnsafePath(
                    rel,
                    _("found one nested deeper"),
                    "too-deep",
                    _("a folder at most {most} deep").format(most=MAX_DEPTH),
                )
                out.append(Entry(rel, Kind.FILE, refused=too_deep))
                continue
            if kind is Kind.DIR:
                child = _enter(folder, name, rel)
                if isinstance(child, UnsafePath):
                    # listed as refused (as a folder too deep is): what it holds could not
                    # be listed, so the listing is not whole, and a check says so
                    out.append(Entry(rel, Kind.FILE, refused=child))
                    continue
                out.append(Entry(rel, Kind.DIR))
                stack.append((child[0], rel, iter(child[1])))
                continue
            assert info is not None  # only a folder's kind comes without a stat
            if kind is Kind.FILE and info.st_nlink == 1 and reading.read is not None:
                out.append(
                    _read_listed(
                        folder, name, rel, info, how=reading.read(rel), digests=reading.digests
                    )
                )
            else:
                target = _readlink(folder, name) if kind is Kind.LINK else ""
                out.append(Entry(rel, kind, info.st_size, info.st_nlink, target))
    finally:
        for folder, _at, _entries in stack:
            if folder != fd:
                os.close(folder)


def _listing(fd: int) -> list[os.DirEntry[str]] | OSError:
    try:
        with os.scandir(fd) as listing:
            return sorted(listing, key=_BY_NAME)
    except OSError as exc:
        return exc


def _enter(fd: int, name: str, rel: str) -> tuple[int, list[os.DirEntry[str]]] | UnsafePath:
    """The folder ``name`` of ``fd`` (at ``rel``) opened and listed, or why it cannot be:
    no longer a folder reached without a link, or one that cannot be opened or listed (its
    permissions, say)."""
    try:
        child = os.open(name, _DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        return _unlisted(_refusal(fd, name, rel, exc))
    found = _listing(child)
    if isinstance(found, OSError):
        os.close(child)
        return _unlisted(UnsafePath(rel, _found_error(found), "unreadable"))
    return child, found


def _unlisted(refused: UnsafePath) -> UnsafePath:
    """``refused``, about a folder that could not be listed."""
    return UnsafePath(refused.rel, refused.found, refused.code, _("a folder Warta can list"))


def _read_listed(
    fd: int,
    name: str,
    rel: str,
    info: os.stat_result,
    *,
    how: tuple[str, int],
    digests: Digests | None,
) -> Entry:
    """The regular file ``name`` of ``fd`` with one name, read as ``how`` (mode, most bytes)
    says; its digest taken from, or given to, ``digests``."""
    mode, limit = how
    if mode == SKIP:
        return Entry(rel, Kind.FILE, info.st_size, info.st_nlink)
    if mode in (DIGEST, KEEP_NEW) and digests is not None and info.st_size <= limit:
        known = digests.get(rel, info)
        if known is not None:
            return Entry(rel, Kind.FILE, info.st_size, info.st_nlink, digest=known)
    entry, opened = _read_entry(fd, name, rel, info, keep=mode != DIGEST, limit=limit)
    if mode != KEEP and entry.digest and opened is not None and digests is not None:
        digests.put(rel, opened, entry.digest)
    return entry


def _read_entry(
    folder: int, name: str, rel: str, listed: os.stat_result, *, keep: bool, limit: int
) -> tuple[Entry, os.stat_result | None]:
    """The file ``name`` (listed as ``listed``) with its digest (and, with ``keep``, its
    bytes), or refused; and what the file system said of the file read."""
    entry = Entry(rel, Kind.FILE, listed.st_size, listed.st_nlink)
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=folder)
    except OSError as exc:
        return replace(entry, refused=_refusal(folder, name, rel, exc)), None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            return replace(entry, kind=_kind(info.st_mode), nlink=info.st_nlink), None
        if info.st_size > limit:
            found = UnsafePath(
                rel,
                _("found {size} bytes").format(size=info.st_size),
                "too-large",
                _at_most(limit),
            )
            return replace(entry, refused=found), None
        hasher = hashlib.sha256()
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, CHUNK):
            hasher.update(chunk)
            size += len(chunk)
            if keep:
                chunks.append(chunk)
            if size > limit:
                found = UnsafePath(rel, _("found more"), "too-large", _at_most(limit))
                return replace(entry, refused=found), None
    except OSError as exc:
        return replace(entry, refused=UnsafePath(rel, _found_error(exc), "unreadable")), None
    finally:
        os.close(fd)
    digest = "sha256:" + hasher.hexdigest()
    return replace(entry, digest=digest, data=b"".join(chunks) if keep else None), info


def lstat_kind(path: Path) -> Kind | None:
    """What ``path`` itself is (a link is a link), or None if nothing is there."""
    try:
        return _kind(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def link_on_path(root: Path, rel: str) -> str | None:
    """The first component of ``root/rel`` (inside the root) that is a symbolic link."""
    current = root
    done: list[str] = []
    for part in (p for p in rel.split("/") if p):
        current = current / part
        done.append(part)
        if lstat_kind(current) is Kind.LINK:
            return "/".join(done)
    return None


def current_umask() -> int:
    """This process's umask, read without changing it (``/proc``; else set and set back)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
        line = next(line for line in status.splitlines() if line.startswith("Umask:"))
        return int(line.split()[1], 8)
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask
