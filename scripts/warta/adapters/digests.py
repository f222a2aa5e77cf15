"""The digests of files, remembered by what the file system says of them (in this user's
cache folder, per repository), as git's index does: a photo or item whose size, inode,
modification and change times are all unchanged since it was hashed is not read again.

Only a validation run uses it (``warta validate``, and ``warta hook`` without a base): the
build reads every item whole and copies every file it publishes again, checked against the
signed digest (:func:`warta.adapters.safefs.copy_verified`), so a file changed behind the
cache's back can never be published. A commit, a checkout, ``cp``, ``mv`` or an editor's save
moves the change time (ctime), which no program can set. An entry's key is the file's path
and those stamps as they are (no hash per file: a warm run at 10,000 items looks up 20,000);
the file as a whole is authenticated with this user's secret
(:func:`~warta.adapters.cachekey.read_entries`), so a cache planted, altered or copied from
elsewhere is ignored whole.

What it cannot see, as git cannot: a file changed again within the file system's clock tick
(so a file changed shortly before or during a run is not remembered: "racily clean", as git
calls it; the margin covers FAT's two-second tick), a write through a shared memory mapping
to a page still dirty (Linux moves the times on the first write only), and a file system
that reports times of its own (a network or FUSE one with another clock). Those are changes
made on this machine, not by a commit; ``--no-cache`` reads every file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from warta.adapters.cachekey import cache_secret, read_entries, repo_cache_dir, write_entries

DIGESTS_FILE = "file-digests"
FORMAT = b"warta-digests/2"
#: A file whose change time is this close to the start of the run, or later, is not
#: remembered (file system clocks tick in milliseconds, FAT's in two seconds).
RACY_NS = 2_500_000_000


class DigestCache:
    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self.secret = secret
        self.stored = self._read()
        self.used: dict[str, str] = {}
        self.started = time.time_ns()

    @classmethod
    def open(cls, root: Path) -> DigestCache | None:
        secret = cache_secret()
        return cls(repo_cache_dir(root) / DIGESTS_FILE, secret) if secret else None

    def _read(self) -> dict[str, str]:
        return {
            k: v
            for k, v in read_entries(self.path, self.secret, FORMAT).items()
            if isinstance(v, str) and v.startswith("sha256:")
        }

    @staticmethod
    def key(rel: str, info: os.stat_result) -> str:
        """The entry of the file at ``rel`` as ``info`` describes it (a path holds no NUL, so
        no two files and stamps give the same key)."""
        return (
            f"{rel}\0{info.st_dev}\0{info.st_ino}\0{info.st_size}"
            f"\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
        )

    def get(self, rel: str, info: os.stat_result) -> str | None:
        key = self.key(rel, info)
        found = self.stored.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, rel: str, info: os.stat_result, digest: str) -> None:
        """Remember ``digest`` for the file that ``info`` describes (read whole after
        ``info`` was taken), unless it changed too recently to be sure of (see the module)."""
        if info.st_ctime_ns >= self.started - RACY_NS:
            return
        self.used[self.key(rel, info)] = digest

    def save(self) -> None:
        """Keep what this run used or learned (so the cache never outgrows the tree)."""
        if self.used != self.stored or not self.path.is_file():
            write_entries(self.path, self.secret, FORMAT, dict(self.used))
