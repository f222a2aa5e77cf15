"""Where each output file leads, as the post-build audit found it, kept between builds.

The audit (:mod:`warta.site.audit`) reads every output file for the places it leads to: its
links, images, sitemap, search and feed entries, each resolved to a site path. That is most
of the audit's time, and for the same file it is always the same. An entry here holds what
:func:`~warta.site.audit.links` found in one file, under SHA-256 over Warta's code (its
source, the audit's among it, and Python's version:
:func:`~warta.adapters.verdicts.code_digest`), the site URL, the file's name, whether it is
a withdrawal notice, and its exact bytes: a changed byte is another key, so an entry is only
ever what the same audit found in the same file. What those places are compared with (the
unpublished items) is never kept: every build compares every file's places with its own.

The file is authenticated as a whole with this user's secret (:mod:`warta.adapters.cachekey`)
and lives in this user's cache folder for the repository, never in the working tree: one
planted by a commit, copied from elsewhere, altered or of another shape is ignored whole.
Each save keeps the entries of that build's output only, and a build that found every file
here writes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TypeGuard

from warta.adapters.cachekey import cache_secret, read_entries, repo_cache_dir, write_entries
from warta.adapters.verdicts import code_digest
from warta.site.audit import Links

AUDIT_FILE = "audit-links"
FORMAT = b"warta-audit/1"


def file_key(salt: bytes, name: str, notice: bool, data: bytes) -> str:
    """The key of the output file ``name`` whose bytes are ``data``."""
    digest = hashlib.sha256(salt)
    # (a name that is not UTF-8 keeps its bytes, as os.fsencode gives them)
    for part in (name.encode("utf-8", "surrogateescape"), b"1" if notice else b"0"):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(data)
    return digest.hexdigest()


class AuditStore:
    """The places found in the output files of earlier builds, by :func:`file_key`.

    An entry is held as the file has it (a line of numbers into one table of site paths) and
    made into :class:`Links` only when asked for, so a build at 3,000 items holds a few MB for
    its 4,700 files, not the 230,000 pairs they lead to."""

    def __init__(self, path: Path, secret: bytes, salt: bytes) -> None:
        self.path = path
        self.secret = secret
        self.salt = salt
        self._old = _Tables()
        self._loaded: dict[str, str] = {}
        self._feeds: dict[str, list[str]] = {}
        #: keys of the loaded entries this build found again
        self._used: set[str] = set()
        #: what this build read itself
        self._new = _Tables()
        self._made: dict[str, tuple[str, tuple[str, ...]]] = {}

    @classmethod
    def open(cls, root: Path, site_url: str) -> AuditStore | None:
        """The store of the repository at ``root`` for a site at ``site_url``, or None if no
        secret can be kept."""
        secret = cache_secret()
        if secret is None:
            return None
        salt = hashlib.sha256(code_digest() + b"\0" + site_url.encode("utf-8")).digest()
        return cls(repo_cache_dir(root) / AUDIT_FILE, secret, salt)

    def load(self) -> bool:
        """Read the file for an audit: whether it holds any entry (none if it is missing, not
        this user's, or not of the shape :meth:`save` writes). What an earlier audit with this
        store found or put counts no more."""
        self._old, self._loaded, self._feeds = _Tables(), {}, {}
        self._used, self._made, self._new = set(), {}, _Tables()
        entries = read_entries(self.path, self.secret, FORMAT)
        paths, wheres = entries.get("paths"), entries.get("wheres")
        files, feeds = entries.get("files"), entries.get("feeds")
        if (
            _strings(paths)
            and _strings(wheres)
            and isinstance(files, dict)
            and all(isinstance(line, str) for line in files.values())
            and isinstance(feeds, dict)
            and all(_strings(ids) for ids in feeds.values())
            and feeds.keys() <= files.keys()
        ):
            self._old = _Tables(paths, wheres)
            self._loaded, self._feeds = files, feeds
        return bool(self._loaded)

    def get(self, key: str) -> Links | None:
        """The entry ``key`` (None: there is none, or it does not read as :meth:`save` writes
        it), kept for the next build."""
        line = self._loaded.get(key)
        pairs = self._old.decoded(line) if line is not None else None
        if pairs is None:
            return None
        self._used.add(key)
        return Links(pairs, tuple(self._feeds.get(key, ())))

    def put(self, key: str, links: Links) -> None:
        """Keep what this build found in a file, for the next build."""
        self._made[key] = (self._new.encoded(links.pairs), links.feed_ids)

    def save(self) -> None:
        """Make the file hold exactly the entries this build found here or put (nothing is
        written if it already does)."""
        if not self._made and self._used == self._loaded.keys():
            return
        files: dict[str, str] = {}
        feeds: dict[str, list[str]] = {}
        for key in self._used - self._made.keys():
            pairs = self._old.decoded(self._loaded[key])
            if pairs is not None:  # (read as it was by get)
                files[key] = self._new.encoded(pairs)
                if self._feeds.get(key):
                    feeds[key] = self._feeds[key]
        for key, (line, ids) in self._made.items():
            files[key] = line
            if ids:
                feeds[key] = list(ids)
        entries = {"paths": self._new.paths, "wheres": self._new.wheres, "files": files}
        write_entries(self.path, self.secret, FORMAT, {**entries, "feeds": feeds})
        self._loaded, self._feeds, self._old = files, feeds, self._new
        self._used, self._made, self._new = set(files), {}, _Tables()


class _Tables:
    """The site paths and ``where`` texts an entry's numbers stand for."""

    def __init__(self, paths: list[str] | None = None, wheres: list[str] | None = None) -> None:
        self.paths = paths if paths is not None else []
        self.wheres = wheres if wheres is not None else []
        self._path_at: dict[str, int] | None = None
        self._where_at: dict[str, int] = {}

    def encoded(self, pairs: tuple[tuple[str, str], ...]) -> str:
        """``pairs`` as a line of numbers (new paths and texts added to the tables)."""
        if self._path_at is None:
            self._path_at = {path: at for at, path in enumerate(self.paths)}
            self._where_at = {where: at for at, where in enumerate(self.wheres)}
        numbers: list[str] = []
        for where, path in pairs:
            w = self._where_at.get(where)
            if w is None:
                w = self._where_at[where] = len(self.wheres)
                self.wheres.append(where)
            p = self._path_at.get(path)
            if p is None:
                p = self._path_at[path] = len(self.paths)
                self.paths.append(path)
            numbers += (str(w), str(p))
        return " ".join(numbers)

    def decoded(self, line: str) -> tuple[tuple[str, str], ...] | None:
        """The pairs a line of numbers stands for (None: it does not read as one)."""
        numbers = line.split()
        if len(numbers) % 2 or not all(n.isascii() and n.isdigit() for n in numbers):
            return None
        pairs: list[tuple[str, str]] = []
        for at in range(0, len(numbers), 2):
            w, p = int(numbers[at]), int(numbers[at + 1])
            if w >= len(self.wheres) or p >= len(self.paths):
                return None
            pairs.append((self.wheres[w], self.paths[p]))
        return tuple(pairs)


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
