"""The output of the last build, kept in place for the next one to build over.

Emptying the site folder and writing it again cost a rebuild at 3,000 items more than a
second: 15,000 photo links removed and made again, their folders with them, and every kept
photo read and hashed again, because a link made or removed moves the kept file's change
time. ``warta build`` therefore keeps what the folder holds, as files of its own, and makes
the build prove every byte again:

1. :meth:`KeptOutput.set_aside`: anything in the folder that is not a plain file or folder
   (a symbolic link, a pipe, a device) is removed, and so is a file that shares its bytes with
   another path (a hard link), unless it is a link to a photo copy kept in this user's cache
   (:class:`warta.adapters.photostore.CopyStore`), and every file or folder whose mode is
   not the one this build would make it with under its umask (a build under another umask
   left it: MkDocs writes into a file as it finds it, mode and all); what the file system
   says of every file left is noted; then all of it is moved into one hidden folder of the
   site folder, where MkDocs' own cleaning of the folder leaves it (it skips names that
   begin with a dot). An old output nested deeper than :data:`MAX_PATH` bytes is not kept
   (OSError: the caller empties the folder, whose removal goes by open folders).
2. :meth:`KeptOutput.restore`, once the build knows every path it will write and before it
   writes any: the old output is moved back, and whatever stands where the build will write
   something of another kind (a folder where a file goes, a file where a folder goes) is
   removed. Every page and file is then written again as in a build into an empty folder;
   only a link to a kept photo copy whose bytes the build checked stays as it is, and a page
   whose kept file holds exactly the bytes the build made (read now and compared, or hashed
   against the page cache's digest of the page: :meth:`KeptOutput.unchanged`).
3. :meth:`KeptOutput.remove_stale`, after the build wrote everything and before its account
   of the output: every old file the build did not write again (what the file system says of
   it is still what it said in step 1) is removed, unless it is a photo copy the build was to
   publish (the account checks its bytes). What is left is what this build wrote: the
   account and the audit of the output then run as after a build into an empty folder.

A build that fails, or ``--no-cache``, leaves nothing to keep: the folder is emptied.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from warta.adapters import safefs
from warta.adapters.faults import checkpoint

T = TypeVar("T")

#: The hidden folder the old output waits in while MkDocs cleans the site folder.
ASIDE_PREFIX = ".warta-kept-"
#: The longest path (bytes) of an old output's entry that is kept: every later step reaches
#: it by its whole path, which the system refuses past 4,096 bytes.
MAX_PATH = 3_000


def _stamp(info: os.stat_result) -> int:
    """What any write, ``chmod``, link or rename of a file moves, and no program can set
    back: its change time (a file made in its place has one of its own)."""
    return info.st_ctime_ns


class KeptOutput:
    """The output an earlier build left in ``site`` (see the module)."""

    def __init__(self, site: Path, aside: Path | None) -> None:
        self.site = site
        #: the hidden folder the old output waits in (None: there was none to keep)
        self.aside = aside
        #: relative path -> change time of every file kept
        self.files: dict[str, int] = {}
        #: relative paths of every folder kept
        self.folders: set[str] = set()
        #: pages the build made with exactly the bytes kept (not written again)
        self.same: set[str] = set()

    @classmethod
    def set_aside(
        cls, site: Path, kept_link: Callable[[str, os.stat_result], bool]
    ) -> KeptOutput:
        """Step 1 of the module for the site folder ``site`` (a folder, checked not to be a
        link or the repository's). ``kept_link``: whether a file with several names (its
        relative path, what the file system says of it) is a link to a kept photo copy."""
        for entry in os.scandir(site):  # (one a build stopped on its way left behind)
            if entry.name.startswith(ASIDE_PREFIX):
                remove_entry(Path(entry.path))
        kept = cls(site, None)
        kept._prune(kept_link)
        names = [entry.name for entry in os.scandir(site)]
        if not names:
            return kept
        aside = site / (ASIDE_PREFIX + secrets.token_hex(8))
        aside.mkdir(mode=0o700)
        kept.aside = aside
        for number, name in enumerate(names):
            if number == 1:
                checkpoint("output-set-aside")  # (the interruption tests stop here)
            os.rename(site / name, aside / name)
        return kept

    def _prune(self, kept_link: Callable[[str, os.stat_result], bool]) -> None:
        mask = safefs.current_umask()
        file_mode, folder_mode = 0o666 & ~mask, 0o777 & ~mask  # (as open() and mkdir make them)
        pending = [""]
        while pending:
            folder = pending.pop()
            with os.scandir(self.site / folder) as entries:
                listed = list(entries)
            for entry in listed:
                rel = f"{folder}/{entry.name}" if folder else entry.name
                if len(os.fsencode(entry.path)) > MAX_PATH:
                    raise OSError(errno.ENAMETOOLONG, "nested too deep to keep", entry.path)
                info = entry.stat(follow_symlinks=False)
                mode = stat.S_IMODE(info.st_mode)
                if stat.S_ISDIR(info.st_mode):
                    if mode == folder_mode:
                        self.folders.add(rel)
                        pending.append(rel)
                    else:
                        remove_entry(Path(entry.path))
                elif stat.S_ISREG(info.st_mode) and (
                    (info.st_nlink == 1 and mode == file_mode) or kept_link(rel, info)
                ):
                    self.files[rel] = _stamp(info)
                else:  # a link, a pipe, a device, bytes shared with a path elsewhere, a mode
                    remove_entry(Path(entry.path))

    def restore(self, paths: Iterable[str]) -> None:
        """Step 2 of the module: ``paths`` are every file the build will write (relative)."""
        if self.aside is None:
            return
        for entry in os.scandir(self.aside):
            target = self.site / entry.name
            if os.path.lexists(target):  # (written since the folder was cleaned)
                remove_entry(Path(entry.path))
                self.files.pop(entry.name, None)
                self._forget(entry.name)
            else:
                os.rename(entry.path, target)
                if entry.name in self.files:  # (a rename moves the change time)
                    self.files[entry.name] = _stamp(os.lstat(target))
        shutil.rmtree(self.aside)
        self.aside = None
        for rel in paths:
            if rel in self.folders:  # a folder where a file goes
                remove_entry(self.site / rel)
                self._forget(rel)
            end = rel.rfind("/")
            while end > 0:
                parent = rel[:end]
                if parent in self.files:  # a file where a folder goes
                    remove_entry(self.site / parent)
                    del self.files[parent]
                end = rel.rfind("/", 0, end)

    def _forget(self, folder: str) -> None:
        """Forget the folder ``folder`` and all it held (removed)."""
        if folder not in self.folders:
            return
        prefix = folder + "/"
        self.folders = {f for f in self.folders if f != folder and not f.startswith(prefix)}
        self.files = {f: s for f, s in self.files.items() if not f.startswith(prefix)}

    def holds(self, rel: str, data: bytes) -> bool:
        """Whether the kept file at ``rel`` (not written by this build) holds exactly
        ``data``: then the build need not write it (it is then this build's)."""
        found = self._read(rel, lambda handle: handle.read(len(data) + 1), len(data))
        if found != data:
            return False
        self.same.add(rel)
        return True

    def unchanged(self, rel: str, digest: str) -> bool:
        """Whether the kept file at ``rel`` (not written by this build) holds exactly the
        bytes of SHA-256 ``digest`` (hex), as :meth:`holds` without the bytes themselves:
        the file is read and hashed, never trusted by what the file system says of it (a
        write through a shared memory mapping moves no time of the file's)."""
        found = self._read(rel, lambda handle: hashlib.file_digest(handle, "sha256").hexdigest())
        if found != digest:
            return False
        self.same.add(rel)
        return True

    def _read(
        self, rel: str, read: Callable[[io.BufferedReader], T], size: int | None = None
    ) -> T | None:
        """What ``read`` makes of the kept file at ``rel`` (None: not a kept file, one this
        build wrote, not a regular file, or not ``size`` bytes long)."""
        was = self.files.get(rel)
        if was is None or rel in self.same:
            return None
        try:
            fd = os.open(self.site / rel, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or size not in (None, info.st_size):
                return None
            if _stamp(info) != was:
                return None  # (written since it was kept)
            with os.fdopen(os.dup(fd), "rb") as handle:
                return read(handle)
        except OSError:
            return None
        finally:
            os.close(fd)

    def remove_stale(self, written: Mapping[str, str], rendered: str) -> None:
        """Step 3 of the module. ``written``: every path the build was to write, with the
        digest of its bytes, or ``rendered`` for a page the build made (a page is written
        again by every build, but the theme's own files, such as ``sitemap.xml.gz``, are
        written only by the theme that makes them: one still as it was is not this
        build's)."""
        prefix = f"{self.site}{os.sep}"
        for rel, was in self.files.items():
            want = written.get(rel)
            if want is not None and (want != rendered or rel in self.same):
                continue  # a copy (the account checks its bytes), or a page made again
            path = prefix + rel
            if want is not None:
                try:
                    if _stamp(os.lstat(path)) != was:
                        continue  # written again by this build
                except FileNotFoundError:
                    continue
            with contextlib.suppress(OSError):  # (else the account finds it and says so)
                os.unlink(path)
        for folder in sorted(self.folders, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # (only empty ones are removed)
                os.rmdir(prefix + folder)

    def discard(self) -> None:
        """Remove the hidden folder if it is still there (a build that stopped early)."""
        if self.aside is not None:
            with contextlib.suppress(FileNotFoundError):
                remove_entry(self.aside)
            self.aside = None


def remove_entry(path: Path) -> None:
    """Remove the file, link, pipe, device or folder at ``path``, never following a link; a
    folder of this user's that may not be written (``chmod -w``, an old output's) is made
    writable first (OSError for anything else that cannot be removed)."""
    if path.is_dir() and not path.is_symlink():
        try:
            shutil.rmtree(path)
        except PermissionError:
            _writable(path)
            shutil.rmtree(path)
        return
    try:
        os.unlink(path)
    except PermissionError:
        _writable(path.parent, below=False)
        os.unlink(path)


def _writable(top: Path, *, below: bool = True) -> None:
    """Let this user read, write and enter the folder ``top`` (and, ``below``, every folder
    under it) where it is this user's; no link is followed."""
    pending = [top]
    while pending:
        folder = pending.pop()
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):
            continue
        if info.st_uid == os.geteuid() and info.st_mode & 0o700 != 0o700:
            os.chmod(folder, stat.S_IMODE(info.st_mode) | 0o700)
        if below:
            with os.scandir(folder) as entries:
                pending.extend(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))


def remove_all(site: Path) -> None:
    """Remove what the folder ``site`` holds, never following a link (see :func:`remove_entry`)."""
    for entry in os.scandir(site):
        remove_entry(Path(entry.path))
