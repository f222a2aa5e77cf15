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
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

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
    """The places found in the output files of earlier builds, by :func:`file_key`."""

    def __init__(self, path: Path, secret: bytes, salt: bytes) -> None:
        self.path = path
        self.secret = secret
        self.salt = salt
        self._loaded: frozenset[str] = frozenset()

    @classmethod
    def open(cls, root: Path, site_url: str) -> AuditStore | None:
        """The store of the repository at ``root`` for a site at ``site_url``, or None if no
        secret can be kept."""
        secret = cache_secret()
        if secret is None:
            return None
        salt = hashlib.sha256(code_digest() + b"\0" + site_url.encode("utf-8")).digest()
        return cls(repo_cache_dir(root) / AUDIT_FILE, secret, salt)

    def load(self) -> dict[str, Links]:
        """Every entry of the file (none if it is missing, not this user's, or not of the
        shape :meth:`save` writes)."""
        found = _decoded(read_entries(self.path, self.secret, FORMAT))
        self._loaded = frozenset(found)
        return found

    def save(self, found: Mapping[str, Links]) -> None:
        """Make the file hold exactly ``found`` (nothing is written if it already does)."""
        if found.keys() == self._loaded:
            return
        write_entries(self.path, self.secret, FORMAT, _encoded(found))
        self._loaded = frozenset(found)


def _encoded(found: Mapping[str, Links]) -> dict[str, Any]:
    """``found`` as JSON values, each site path and ``where`` written once."""
    paths: dict[str, int] = {}
    wheres: dict[str, int] = {}
    files: dict[str, list[int]] = {}
    feeds: dict[str, list[str]] = {}
    for key, links in found.items():
        flat: list[int] = []
        for where, path in links.pairs:
            flat.append(wheres.setdefault(where, len(wheres)))
            flat.append(paths.setdefault(path, len(paths)))
        files[key] = flat
        if links.feed_ids:
            feeds[key] = list(links.feed_ids)
    return {"paths": list(paths), "wheres": list(wheres), "files": files, "feeds": feeds}


def _decoded(entries: dict[str, Any]) -> dict[str, Links]:
    paths, wheres = entries.get("paths"), entries.get("wheres")
    files, feeds = entries.get("files"), entries.get("feeds")
    if not (
        _strings(paths)
        and _strings(wheres)
        and isinstance(files, dict)
        and isinstance(feeds, dict)
        and all(isinstance(ids, list) and _strings(ids) for ids in feeds.values())
        and feeds.keys() <= files.keys()
    ):
        return {}
    out: dict[str, Links] = {}
    for key, flat in files.items():
        if not isinstance(flat, list) or len(flat) % 2:
            return {}
        pairs: list[tuple[str, str]] = []
        for at in range(0, len(flat), 2):
            where, path = flat[at], flat[at + 1]
            if not (
                type(where) is int
                and type(path) is int
                and 0 <= where < len(wheres)
                and 0 <= path < len(paths)
            ):
                return {}
            pairs.append((wheres[where], paths[path]))
        out[key] = Links(tuple(pairs), tuple(feeds.get(key, ())))
    return out


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
