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
with bodies the repository no longer holds; a run that used exactly the entries the file
holds writes nothing. An entry is read from the file when it is asked for
(:mod:`warta.adapters.recordfile`), not all of them for the whole run.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from warta.adapters.cachekey import cache_secret, repo_cache_dir
from warta.adapters.recordfile import RecordFile
from warta.adapters.render import Rendered
from warta.adapters.verdicts import code_digest

RENDERED_FILE = "rendered"
FORMAT = b"warta-rendered/2"
#: Entries read from the file that stay at hand (a body is asked for a few times in a row).
RECENT = 64


class RenderStore:
    """The rendered bodies of earlier runs, by body digest (see the module)."""

    def __init__(self, path: Path, secret: bytes, salt: bytes) -> None:
        self.path = path
        self.secret = secret
        self.salt = salt
        self._records = RecordFile(path, secret, FORMAT)
        #: keys of the entries this run found in the file
        self.served: set[str] = set()
        #: keys of the entries this run made and already wrote there (:meth:`add`)
        self.added: set[str] = set()
        self._recent: OrderedDict[str, Rendered] = OrderedDict()

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
        key = self.key(digest)
        found = self._recent.get(key)
        if found is not None:
            self._recent.move_to_end(key)
            return found
        data = self._records.get(key)
        try:
            found = decode(json.loads(data)) if data is not None else None
        except ValueError:
            found = None
        if found is not None:
            self.served.add(key)
            self._recent[key] = found
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return found

    def add(self, done: Mapping[str, Rendered]) -> None:
        """Write ``done`` (body digest -> rendered in this run) into the file now, beside
        what it holds, so that the run can find those bodies there instead of holding them
        (a cold build: every body the judges rendered). :meth:`save` keeps them as made in
        this run."""
        if not done:
            return
        records: dict[str, bytes | None] = dict.fromkeys(self._records.keys())
        for digest, rendered in done.items():
            key = self.key(digest)
            records[key] = _encoded(rendered)
            self.added.add(key)
        self._records.save(records)  # (if it cannot be written, those bodies miss: made again)

    def save(self, done: Mapping[str, Rendered]) -> None:
        """Keep ``done`` (body digest -> rendered in this run), what this run :meth:`add`-ed
        and what it found here, and nothing else."""
        records: dict[str, bytes | None] = dict.fromkeys(self.served | self.added)
        for digest, rendered in done.items():
            key = self.key(digest)
            if key not in records:
                records[key] = _encoded(rendered)
        self._records.save(records)
        self.served.clear()
        self.added.clear()


def _encoded(rendered: Rendered) -> bytes:
    return json.dumps(encode(rendered), separators=(",", ":")).encode()


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
