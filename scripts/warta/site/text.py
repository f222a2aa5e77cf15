"""Escaping, slugs and relative URLs for generated pages."""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
import unicodedata


def esc(text: object) -> str:
    """``text`` escaped for HTML element content and double-quoted attribute values."""
    return html.escape(str(text), quote=True)


def slugify(text: str, fallback: str = "x") -> str:
    """ASCII, lowercase, hyphen-separated; ``fallback`` if nothing is left."""
    chars = [
        ch if ch.isascii() and ch.isalnum() else "-"
        for ch in unicodedata.normalize("NFKD", text.lower())
        if not unicodedata.combining(ch)
    ]
    slug = re.sub(r"-+", "-", "".join(chars)).strip("-")
    return slug[:60].strip("-") or fallback


def unique_slugs(names: list[str], taken: dict[str, str] | None = None) -> dict[str, str]:
    """A distinct slug for each name, adding -2, -3 … where two names fold to the same slug;
    the names in ``taken`` keep theirs, and the other names get others."""
    out: dict[str, str] = dict(taken or {})
    used: set[str] = set(out.values())
    for name in sorted(set(names) - out.keys()):
        base = slugify(name)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        out[name] = slug
    return out


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives ``src_uri`` (use_directory_urls: true)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _base_folders(from_url: str) -> tuple[str, ...]:
    """The folders of the page at ``from_url``."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    return _parts(base)


@functools.lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str, ...]:
    """The names of the site path ``path``, normalised (a page links many times from one
    place, and a list links the same categories and folders again and again)."""
    return tuple(p for p in posixpath.normpath("/" + path).split("/") if p)


def relative_url(target: str, from_url: str) -> str:
    """A link from the page at ``from_url`` to ``target`` (both site-relative, '' = root)."""
    # posixpath.relpath, without its calls to the working directory (94,000 links at 3,000
    # items took 1.8 s): both are absolute here
    to = _parts(target)
    start = _base_folders(from_url)
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([*([".."] * (len(start) - common)), *to[common:]]) or "."
    if rel == ".":
        return "./"
    if (not target or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


#: Characters that could end a ``<script>`` element or open a comment or markup in it,
#: and the line separators JavaScript once refused in strings, as JSON escapes.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def json_script(value: object) -> str:
    """``value`` as JSON that is safe as the content of a ``<script>`` element: no '<',
    '>' or '&' appears in it (each is a ``\\u`` escape inside a JSON string), so no text in
    it can close the element, whatever it holds."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
