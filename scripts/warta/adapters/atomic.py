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

#: The permissions of a file that only this user may read: the caches, the record of trust
#: first used, the known signatures (what :func:`write_bytes` is given for them).
PRIVATE = 0o600


def write_text(
    path: Path, text: str, *, exclusive: bool = False, mode: int | None = None
) -> None:
    """Replace (or, with ``exclusive``, create) ``path`` so readers see old or new, never half."""
    write_bytes(path, text.encode("utf-8"), exclusive=exclusive, mode=mode)


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
    is never seen half-written or not yet executable); without, a file replaced keeps its
    permissions and a new one gets what the umask leaves of 0666, as any editor's file (the
    temporary file is made 0600: every item signed was left 0600, unreadable to the
    colleagues sharing the checkout; found by an independent attack); with ``head``, what it
    gives once every part is written is written over the file's first bytes (a header that only the
    whole body decides, such as a MAC, in a file written in one pass). Not ``durable``: not
    waited for until it is on the disk (a cache whose MAC then fails after a crash is only
    made again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept: int | None = None
    with contextlib.suppress(FileNotFoundError):
        found = os.lstat(path).st_mode
        # a device, pipe or socket is never replaced (as root, --output /dev/null would have
        # put a file in the device's place); a link is replaced, never written through
        if not (stat.S_ISREG(found) or stat.S_ISLNK(found)):
            raise OSError(errno.EEXIST, _("not a regular file; expected a file or a new name"),
                          str(path))
        if stat.S_ISREG(found):
            kept = stat.S_IMODE(found) & 0o777  # (never a set-id bit)
    if mode is None:
        mode = kept if kept is not None else 0o666 & ~_umask()
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


def _umask() -> int:
    """This process's umask, read without changing it where Linux tells it (setting it to
    read it back would change it for every thread meanwhile)."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
