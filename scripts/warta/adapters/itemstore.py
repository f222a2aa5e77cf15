"""News items as read from their exact bytes, kept between runs (in this user's cache folder,
per repository), so that a build after a small change reads only the files that changed.

Reading an item (:func:`warta.adapters.items.parse_bytes`: YAML, the signoff records, the
typed fields) is a function of its path and bytes alone; a warm build of 3,000 items spent
a tenth of its time doing it again. An entry is the item as JSON values, with the type of
every value and the line of every key and element (findings name them), found under SHA-256
over Warta's code (:func:`~warta.adapters.verdicts.code_digest`), the path and the SHA-256 of
the bytes: a changed byte is another key. An entry holds the item alone, never what reading
it found (the verdict cache holds the judgement, and a finding's message is in the language
of the run that made it), and only values of the types listed here: an item holding
anything else is read again. The file is authenticated as a whole with this
user's secret (:mod:`warta.adapters.cachekey`): one planted by a commit, copied from
elsewhere or altered is ignored whole, and an entry is only ever decoded into the plain
values and Warta's own records named here (never pickled objects). Each save keeps only the
entries the run used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from warta.adapters.cachekey import cache_secret, repo_cache_dir
from warta.adapters.recordfile import RecordFile
from warta.adapters.verdicts import code_digest
from warta.adapters.yamlnodes import YList, YMap
from warta.model.item import Attachment, LeadImage, NewsItem, Signoff

ITEMS_FILE = "items"
FORMAT = b"warta-items/1"

#: Warta's records an entry may hold, by name.
_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (NewsItem, Signoff, Attachment, LeadImage)
}


class _Unkept(Exception):
    """A value this store does not keep (the item is read again next time)."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        if type(value) not in (int, float):
            raise _Unkept
        return value
    if isinstance(value, YMap):
        return {
            "m": [
                getattr(value, "line", None),
                getattr(value, "key_lines", None),
                [[k, _encode(v)] for k, v in value.items()],
            ]
        }
    if isinstance(value, YList):
        return {
            "l": [
                getattr(value, "line", None),
                getattr(value, "item_lines", None),
                [_encode(v) for v in value],
            ]
        }
    if type(value) is dict:
        if not all(isinstance(k, str) for k in value):
            raise _Unkept
        return {"d": [[k, _encode(v)] for k, v in value.items()]}
    if type(value) is list:
        return {"L": [_encode(v) for v in value]}
    if type(value) is tuple:
        return {"t": [_encode(v) for v in value]}
    if type(value) is datetime:
        zone = value.tzinfo
        if zone is not None and type(zone) is not timezone:
            raise _Unkept  # (a named zone would come back as a bare offset)
        offset = zone.utcoffset(None) if zone is not None else None
        naive = value.replace(tzinfo=None).isoformat()
        return {"dt": [naive, offset.total_seconds() if offset is not None else None]}
    if type(value) is date:
        return {"date": value.isoformat()}
    if dataclasses.is_dataclass(value) and _RECORDS.get(type(value).__name__) is type(value):
        return {
            "r": [
                type(value).__name__,
                [[f.name, _encode(getattr(value, f.name))] for f in dataclasses.fields(value)],
            ]
        }
    raise _Unkept


#: The JSON values an entry holds as they are (``json.loads`` makes exactly these types).
_PLAIN = frozenset({type(None), bool, int, float, str})


def _decode(data: Any) -> Any:
    if type(data) in _PLAIN:
        return data
    if type(data) is not dict or len(data) != 1:
        raise ValueError("not an entry")
    ((tag, body),) = data.items()
    decoder = _DECODERS.get(tag)
    if decoder is None:
        raise ValueError("not an entry")
    return decoder(body)


def _mapping(body: Any) -> YMap:  # a mapping of the YAML, with its lines
    line, lines, values = body
    made = YMap((k, _decode(v)) for k, v in values)
    if lines is not None:
        made.key_lines = dict(lines)
    if line is not None:
        made.line = line
    return made


def _list(body: Any) -> YList:  # a list of the YAML, with its lines
    line, lines, values = body
    made = YList(_decode(v) for v in values)
    if lines is not None:
        made.item_lines = list(lines)
    if line is not None:
        made.line = line
    return made


def _moment(body: Any) -> datetime:
    naive, seconds = body
    moment = datetime.fromisoformat(naive)
    if seconds is None:
        return moment
    return moment.replace(tzinfo=timezone(timedelta(seconds=seconds)))


def _record(body: Any) -> Any:
    name, fields = body
    return _RECORDS[name](**{k: _decode(v) for k, v in fields})


#: tag -> how an entry's value of that tag is made (see :func:`_encode`)
_DECODERS: dict[str, Callable[[Any], Any]] = {
    "m": _mapping,
    "l": _list,
    "d": lambda body: {k: _decode(v) for k, v in body},
    "L": lambda body: [_decode(v) for v in body],
    "t": lambda body: tuple(_decode(v) for v in body),
    "dt": _moment,
    "date": date.fromisoformat,
    "r": _record,
}


def encode_item(item: NewsItem) -> bytes | None:
    """``item`` as an entry's bytes (None: it holds a value this store does not keep)."""
    try:
        return json.dumps(_encode(item), ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
    except (_Unkept, ValueError):
        return None


def decode_item(data: bytes) -> NewsItem | None:
    """The item an entry holds (None: the entry is not one)."""
    try:
        item = _decode(json.loads(data.decode("utf-8", "surrogatepass")))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    return item if isinstance(item, NewsItem) else None


class ItemStore:
    """The items of earlier runs, by path and bytes (see the module)."""

    def __init__(self, path: Path, secret: bytes, salt: bytes) -> None:
        self._records = RecordFile(path, secret, FORMAT)
        self.salt = salt
        #: key -> the entry made in this run (None: the file's own)
        self.used: dict[str, bytes | None] = {}

    @classmethod
    def open(cls, root: Path) -> ItemStore | None:
        """The store of the repository at ``root`` (None if no secret can be kept)."""
        secret = cache_secret()
        if secret is None:
            return None
        return cls(repo_cache_dir(root) / ITEMS_FILE, secret, code_digest())

    def key(self, path: str, raw: bytes) -> str:
        digest = hashlib.sha256(self.salt)
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(raw).digest())
        return digest.hexdigest()

    def get(self, path: str, raw: bytes) -> NewsItem | None:
        """The item an earlier run read from exactly ``raw`` at ``path`` (None: none)."""
        key = self.key(path, raw)
        data = self._records.get(key)
        item = decode_item(data) if data is not None else None
        if item is not None and item.path == path:
            self.used[key] = None
            return item
        return None

    def put(self, path: str, raw: bytes, item: NewsItem) -> None:
        """Keep ``item``, read from ``raw`` at ``path`` without a finding."""
        key = self.key(path, raw)
        if key in self.used:
            return
        data = encode_item(item)
        if data is not None:
            self.used[key] = data

    def save(self) -> None:
        """Keep the entries this run used, and nothing else."""
        self._records.save(self.used)
        self.used.clear()
