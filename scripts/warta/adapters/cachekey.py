"""The per-user secret that authenticates Warta's caches in .warta-cache/.

The caches live in the working tree, where a commit could plant one; an entry counts only
if it is keyed (HMAC) with this secret, which is kept outside every repository.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_secret() -> bytes | None:
    """A random key of this user's, kept outside every repository (None if it cannot be
    kept: then nothing is cached)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "warta" / "cache-key"
    for _ in range(2):
        try:
            secret = path.read_bytes()
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
