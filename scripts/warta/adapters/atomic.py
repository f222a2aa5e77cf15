"""Write files atomically: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from warta.i18n import _


def write_text(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Replace (or, with ``exclusive``, create) ``path`` so readers see old or new, never half."""
    write_bytes(path, text.encode("utf-8"), exclusive=exclusive)


def write_bytes(
    path: Path,
    data: bytes | Iterable[bytes | memoryview],
    *,
    exclusive: bool = False,
    mode: int | None = None,
    head: Callable[[], bytes] | None = None,
    durable: bool = True,
) -> None:
    """Like :func:`write_text`, byte for byte (to put a file back exactly as it was; given
    parts, they are written one after the other, never joined in memory first); with
    ``mode``, the file has those permissions from the moment it appears (an executable hook
    is never seen half-written or not yet executable); with ``head``, what it gives once
    every part is written is written over the file's first bytes (a header that only the
    whole body decides, such as a MAC, in a file written in one pass). Not ``durable``: not
    waited for until it is on the disk (a cache whose MAC then fails after a crash is only
    made again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        found = os.lstat(path).st_mode
        # a device, pipe or socket is never replaced (as root, --output /dev/null would have
        # put a file in the device's place); a link is replaced, never written through
        if not (stat.S_ISREG(found) or stat.S_ISLNK(found)):
            raise OSError(errno.EEXIST, _("not a regular file; expected a file or a new name"),
                          str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in (data,) if isinstance(data, bytes) else data:
                handle.write(part)
            handle.flush()
            if head is not None:
                first = head()
                if os.pwrite(handle.fileno(), first, 0) != len(first):
                    raise OSError(errno.EIO, "short write", str(path))
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if path exists
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
