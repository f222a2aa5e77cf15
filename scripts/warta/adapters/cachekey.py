"""Where Warta keeps its caches (outside every working tree), and the per-user secret that
authenticates them.

The caches live under the user's cache folder (``$XDG_CACHE_HOME/warta``, default
``~/.cache/warta``), one folder per repository (keyed by its real path), never in the working
tree, where a commit could plant one. An entry counts only if it is keyed (HMAC) with this
user's secret, so a cache copied from elsewhere is ignored too.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from warta.adapters.atomic import PRIVATE, write_bytes
from warta.adapters.git import tracked


def xdg_home(variable: str, default: str) -> Path:
    """An XDG base folder: ``$variable`` if it is an absolute path (the specification
    ignores relative ones), else ``~/default``."""
    value = os.environ.get(variable, "")
    return Path(value) if os.path.isabs(value) else Path.home() / default


def cache_home() -> Path:
    return xdg_home("XDG_CACHE_HOME", ".cache") / "warta"


def repo_key(root: Path) -> str:
    """The name of a repository's folders under this user's cache and state folders: a
    digest of its real path (a fresh clone elsewhere is another repository)."""
    return hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]


def repo_cache_dir(root: Path) -> Path:
    """This user's cache folder for the repository at ``root`` (not created here)."""
    return cache_home() / "repos" / repo_key(root)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or lies under it (both resolved): a file there is
    content a commit could plant."""
    return path.resolve().is_relative_to(root.resolve())


def cache_secret() -> bytes | None:
    """A random key of this user's, kept outside every repository (None if it cannot be
    kept: then nothing is cached)."""
    path = cache_home() / "cache-key"
    for _ in range(2):
        try:
            secret = read_cache_file(path)
        except FileNotFoundError:
            pass
        except OSError:
            return None
        else:
            return secret if len(secret) >= 32 else None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError:
            return None
        try:
            os.write(fd, os.urandom(32))
        finally:
            os.close(fd)
    return None


def read_cache_file(path: Path) -> bytes:
    """The bytes of the cache file ``path``: OSError if it is not a regular file (a link,
    a pipe: never followed, never waited on), as if it were missing or unreadable."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read()
    finally:
        os.close(fd)


def _mac(secret: bytes, kind: bytes, body: bytes | memoryview) -> str:
    return mac_of(secret, kind, (body,))


def mac_of(secret: bytes, kind: bytes, parts: Iterable[bytes | memoryview]) -> str:
    """The MAC of a cache file of ``kind`` whose body is ``parts`` one after the other (never
    joined first: a cache of pages is tens of MB)."""
    mac = new_mac(secret, kind)
    for part in parts:
        mac.update(part)
    return mac.hexdigest()


def new_mac(secret: bytes, kind: bytes) -> hmac.HMAC:
    """The MAC of a cache file of ``kind``, its body still to be given (``update``)."""
    return hmac.new(secret, kind + b"\n", "sha256")


def read_records(path: Path, secret: bytes, kind: bytes) -> dict[str, memoryview]:
    """The records of the binary cache file ``path`` (``<kind> <mac>`` then, per record, a
    32-byte key, a 4-byte length and the data), as views into the file's bytes; none if the
    file is missing, of another kind, not authenticated with ``secret`` or cut short."""
    try:
        data = read_cache_file(path)
    except OSError:
        return {}
    end = data.find(b"\n")
    if end < 0:
        return {}
    found, _, mac = data[:end].partition(b" ")
    body = memoryview(data)[end + 1 :]
    if found != kind or not hmac.compare_digest(mac, mac_of(secret, kind, (body,)).encode()):
        return {}
    out: dict[str, memoryview] = {}
    at = 0
    while at < len(body):
        if at + 36 > len(body):
            return {}
        size = int.from_bytes(body[at + 32 : at + 36], "big")
        if at + 36 + size > len(body):
            return {}
        out[body[at : at + 32].hex()] = body[at + 36 : at + 36 + size]
        at += 36 + size
    return out


def write_records(
    path: Path, secret: bytes, kind: bytes, records: Mapping[str, bytes | memoryview]
) -> None:
    """Write ``records`` (hex key of 32 bytes -> data) so :func:`read_records` finds them."""
    parts: list[bytes | memoryview] = []
    for key, data in sorted(records.items()):
        parts.extend((bytes.fromhex(key), len(data).to_bytes(4, "big"), data))
    header = kind + b" " + mac_of(secret, kind, parts).encode() + b"\n"
    with contextlib.suppress(OSError):
        write_bytes(path, [header, *parts], mode=PRIVATE)


def read_entries(path: Path, secret: bytes, kind: bytes) -> dict[str, Any]:
    """The entries of the cache file ``path`` (``<kind> <mac>`` then JSON), or none if it
    is missing, of another kind, or not authenticated with ``secret`` (planted, altered)."""
    try:
        data = read_cache_file(path)
    except OSError:
        return {}
    header, _, body = data.partition(b"\n")
    found, _, mac = header.partition(b" ")
    if found != kind or not hmac.compare_digest(mac, _mac(secret, kind, body).encode()):
        return {}
    try:
        entries = json.loads(body)
    except ValueError:
        return {}
    return entries if isinstance(entries, dict) else {}


def write_entries(path: Path, secret: bytes, kind: bytes, entries: dict[str, Any]) -> None:
    """Write ``entries`` so that :func:`read_entries` with ``secret`` finds them (a cache
    that cannot be written only costs time)."""
    body = json.dumps(entries, separators=(",", ":"), sort_keys=True, ensure_ascii=True).encode()
    with contextlib.suppress(OSError):
        write_bytes(
            path, [kind + b" " + _mac(secret, kind, body).encode() + b"\n", body], mode=PRIVATE
        )


#: Where older versions of Warta kept their caches: inside the working tree.
LEGACY_CACHE = ".warta-cache"


def tracked_cache(root: Path) -> list[str]:
    """The files of a ``.warta-cache/`` folder that git tracks in the repository at ``root``
    (repository paths; none if it is not a git repository). Warta never reads them."""
    return tracked(root, LEGACY_CACHE)
