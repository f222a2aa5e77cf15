"""Rendered bodies kept between builds (in this user's cache folder, per repository), so that
a build after a small change renders only what changed.

An entry is the sanitized HTML, table of contents and references of one body, found under
SHA-256 over Warta's code (its version and source, the versions of Python-Markdown,
pymdownx and nh3: :func:`~warta.adapters.verdicts.code_digest`), the Markdown configuration
and HTML allowlist of the signed mkdocs.yml, and the body's exact text. A changed byte in any
of them is another key, so an entry is only ever the output of the same renderer over the
same text. The file is authenticated as a whole with this user's secret
(:mod:`warta.adapters.cachekey`): one planted by a commit, copied from elsewhere or altered
is ignored whole. Each save keeps only the entries the run used, so the file does not grow
with bodies the repository no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from warta.adapters.cachekey import cache_secret, read_entries, repo_cache_dir, write_entries
from warta.adapters.render import Rendered
from warta.adapters.verdicts import code_digest

RENDERED_FILE = "rendered"
FORMAT = b"warta-rendered/1"


class RenderStore:
    """The rendered bodies of earlier runs, by body digest (see the module)."""

    def __init__(self, path: Path, secret: bytes, salt: bytes) -> None:
        self.path = path
        self.secret = secret
        self.salt = salt
        self._entries: dict[str, Any] | None = None

    @classmethod
    def open(cls, root: Path, setup: Mapping[str, Any]) -> RenderStore | None:
        """The store of the repository at ``root`` for a renderer configured as ``setup``
        (JSON values), or None if no secret can be kept."""
        secret = cache_secret()
        if secret is None:
            return None
        config = json.dumps(setup, sort_keys=True, separators=(",", ":"), default=_named)
        salt = hashlib.sha256(code_digest() + b"\0" + config.encode("utf-8")).digest()
        return cls(repo_cache_dir(root) / RENDERED_FILE, secret, salt)

    def key(self, digest: str) -> str:
        return hashlib.sha256(self.salt + digest.encode("ascii")).hexdigest()

    def get(self, digest: str) -> Rendered | None:
        """What the same renderer made of the body whose SHA-256 is ``digest`` (hex)."""
        if self._entries is None:
            self._entries = read_entries(self.path, self.secret, FORMAT)
        return decode(self._entries.get(self.key(digest)))

    def save(self, done: Mapping[str, Rendered]) -> None:
        """Keep ``done`` (body digest -> rendered), and nothing else."""
        entries = {self.key(digest): encode(rendered) for digest, rendered in done.items()}
        write_entries(self.path, self.secret, FORMAT, entries)


def _named(value: object) -> str:
    """A configured function (a superfences formatter) by its name: its repr holds an address
    that differs in every process. Anything else as its type and repr."""
    name = getattr(value, "__qualname__", None)
    if callable(value) and isinstance(name, str):
        return f"{getattr(value, '__module__', '')}.{name}"
    return f"{type(value).__qualname__}:{value!r}"


def encode(rendered: Rendered) -> list[Any]:
    return [rendered.html, rendered.toc, [list(ref) for ref in rendered.refs]]


def decode(data: Any) -> Rendered | None:
    """The entry as a Rendered, or None if it is not one (an older layout)."""
    if not (isinstance(data, list) and len(data) == 3):
        return None
    html, toc, refs = data
    if not (isinstance(html, str) and isinstance(toc, list) and isinstance(refs, list)):
        return None
    pairs: list[tuple[str, str]] = []
    for ref in refs:
        if not (isinstance(ref, list) and len(ref) == 2 and all(isinstance(r, str) for r in ref)):
            return None
        pairs.append((ref[0], ref[1]))
    return Rendered(html, toc, tuple(pairs))
