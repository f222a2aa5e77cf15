"""Create a new news item skeleton (pure text building; the CLI writes it)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date

import yaml


def slugify(title: str) -> str:
    """ASCII, lowercase, hyphen-separated; at most 60 characters."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:60].strip("-") or "berita"


def fresh_id(day: date) -> str:
    """A new id: the date and 6 random hex digits, e.g. 20261127-4f9a2c."""
    return f"{day:%Y%m%d}-{secrets.token_hex(3)}"


def skeleton(
    item_id: str,
    *,
    title: str,
    day: date,
    initial_status: str,
    categories: list[str],
    description: str = "",
    slug: str | None = None,
) -> str:
    front = {
        "id": item_id,
        "title": title,
        "slug": slug or slugify(title),
        "date": day.isoformat(),
        "description": description,
        "categories": categories,
        "status": initial_status,
        "signoffs": [],
    }
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    text = text.replace(f"date: '{day.isoformat()}'", f"date: {day.isoformat()}")
    return f"---\n{text}---\n\nKABUPATEN – Tulis berita di sini.\n"
