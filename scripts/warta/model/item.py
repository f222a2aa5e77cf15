"""News items (evidence): front-matter, body, and the signoffs recorded for each SOP step."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

#: Front-matter keys that record workflow state; they are not part of the signed content.
WORKFLOW_KEYS = frozenset({"status", "approved_by", "signoffs"})


@dataclass(frozen=True)
class Signoff:
    """One completed SOP step: which step, by whom, when, and (once signed) the signature."""

    step: str
    by: str
    at: datetime
    line: int | None = None
    sig: str | None = None
    content: str | None = None
    note: str = ""

    @property
    def at_text(self) -> str:
        return self.at.isoformat()


@dataclass(frozen=True)
class NewsItem:
    """A news item as read from disk. Fields the reader could not read are ``None``.

    ``fields`` holds the content front-matter (everything but the workflow keys) as plain
    JSON-compatible values; ``body`` has LF line endings.
    """

    path: str
    id: str | None
    title: str | None
    status: str | None
    approved_by: str | None
    signoffs: tuple[Signoff, ...]
    fields: Mapping[str, object]
    body: str
    lines: Mapping[str, int] = field(default_factory=dict)
    signoffs_readable: bool = True
    body_line: int = 1

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    def categories(self) -> tuple[str, ...]:
        value = self.fields.get("categories")
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        return ()


def canonical_json(value: object) -> str:
    """A canonical, deterministic serialisation: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def content_digest(fields: Mapping[str, object], body: str) -> str:
    """SHA-256 over the canonical content front-matter and the LF-normalised body.

    Workflow keys (status, approved_by, signoffs) are never part of the content.
    """
    content = {k: v for k, v in fields.items() if k not in WORKFLOW_KEYS}
    body_lf = body.replace("\r\n", "\n").replace("\r", "\n")
    payload = canonical_json(content) + "\n" + body_lf
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
