"""Original photos as the office uploads them: what an adapter found in one (its format, size
in pixels and bytes, whether it carries a GPS position, why it cannot be shown), and what
``warta validate`` says about it (``image.size``, ``image.gps``, ``image.unreadable``).

The site never publishes an original raster photo: only copies made from its signed bytes,
without metadata (:mod:`warta.adapters.photos`). These checks tell the office early what it
keeps in the repository (a large file, a location) and refuse a photo no copy can be made of.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warta.model.findings import Finding, error, warning
from warta.model.invisible import normalised
from warta.model.item import NewsItem
from warta.model.sop import Photos
from warta.model.translate import _

if TYPE_CHECKING:
    from warta.model.closure import Observed

#: The most pixels a photo may have (a 100-megapixel camera's), as a file or inside an SVG;
#: more is refused unread. Pillow's own warning (at 89 million) is left to this limit; its
#: error (at twice that) stands.
MAX_PIXELS = 100_000_000

#: Suffixes (lowercase) of the raster photos the site publishes only as clean copies.
RASTER = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif"})


#: The most bytes of a file's name (Linux's NAME_MAX; git and the file system allow that).
NAME_MAX = 255
#: The longest tail a raster photo's copy adds to its name (``foto.jpg`` ->
#: ``foto.jpg-1600w.webp``: at most four digits of width and the longest format's suffix;
#: :func:`warta.mkdocs_plugin.photofiles.copy_name`).
COPY_TAIL_MAX = len("-1600w.webp")


def is_raster(path: str) -> bool:
    """Whether the file at ``path`` is a raster photo (by its suffix, compared in lowercase)."""
    return posixpath.splitext(path)[1].lower() in RASTER


#: Suffixes (lowercase) of photos published as signed (no copy is made of a GIF, which may
#: move): inspected as strictly, since what is in them reaches the site.
AS_SIGNED = frozenset({".gif"})


def is_inspected(path: str) -> bool:
    """Whether the file at ``path`` is a photo whose bytes are decoded and checked: a raster
    photo, or a GIF (by its suffix, compared in lowercase). A JPEG named ``.gif`` is then a
    JPEG named like a GIF, refused, never published as signed with its EXIF."""
    return posixpath.splitext(path)[1].lower() in _INSPECTED


_INSPECTED = RASTER | AS_SIGNED


@dataclass(frozen=True)
class PhotoFacts:
    """What an original photo holds: its format as decoded (``""`` if none), its size in
    pixels once its EXIF orientation is applied, its size in bytes, whether it carries a GPS
    position (EXIF GPSInfo or an XMP GPS tag), and why no copy can be made of it (``""``:
    it decodes within the limits)."""

    format: str
    width: int
    height: int
    size: int
    gps: bool = False
    problem: str = ""

    def key(self) -> str:
        """As text, for the verdict cache's key of a folder."""
        return f"{self.format}:{self.width}x{self.height}:{self.size}:{self.gps}:{self.problem}"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def check_photos(item: NewsItem, folder: Sequence[Observed], rules: Photos) -> Iterator[Finding]:
    """For each raster photo (and GIF) in the item's folder: an error if no copy can be made
    of it (decompression bomb, too many pixels, truncated or corrupt, another format than its
    name says), a warning if the original is larger than ``rules.max_mb`` or carries a GPS
    position (an error for a GIF, which is published as signed). Each names the line of its
    ``files`` entry (else of ``files``)."""
    listed = {a.path: a.line for a in item.attachments}
    fallback = item.files_line or item.line_of("id")
    for entry in folder:
        facts = entry.photo
        if facts is None:
            continue
        line = listed.get(entry.rel) or fallback
        if facts.problem:
            yield error(
                item.path,
                line,
                "image.unreadable",
                _(
                    "{path}: expected a photo the site can publish (JPEG, PNG, WebP or AVIF that"
                    " decodes completely, its format the one its name says); found {problem};"
                    " the item is not published"
                ).format(path=entry.rel, problem=facts.problem),
            )
        if facts.size > rules.max_bytes:
            yield warning(
                item.path,
                line,
                "image.size",
                _(
                    "{path}: expected an original of at most {most} MB (photos.max_mb in"
                    " sop.yml); found {found} MB. The site publishes smaller copies, but the"
                    " repository keeps the original"
                ).format(path=entry.rel, most=rules.max_mb, found=_mb(facts.size)),
            )
        if facts.gps and not is_raster(entry.rel):
            yield error(
                item.path,
                line,
                "image.gps",
                _(
                    "{path}: expected no location in the photo; found a GPS position in its"
                    " metadata, and a GIF is published as signed, so the site would publish"
                    " it; the item is not published"
                ).format(path=entry.rel),
            )
        elif facts.gps:
            yield warning(
                item.path,
                line,
                "image.gps",
                _(
                    "{path}: expected no location in the photo; found a GPS position in its"
                    " metadata. The site publishes only copies without metadata, but the"
                    " original in the repository still tells where it was taken"
                ).format(path=entry.rel),
            )


#: Images without alt text whose line is looked for (each search reads the body): the
#: rest are reported at the body's first line, so a body of 30,000 costs no more.
LOCATED = 50


def _says_something(alt: str) -> bool:
    """Whether ``alt`` holds a character a reader (or a screen reader) meets: not only
    spaces, format characters (U+200B), fillers (U+3164) or the blank braille cell."""
    return bool(normalised(alt).replace("\u2800", "").strip())


def check_body_images(
    item: NewsItem, images: Sequence[tuple[str, str | None]]
) -> Iterator[Finding]:
    """Every image of the body as published (``(src, alt)``) has alt text, as the lead photo
    must (``image.alt``): a reader who cannot see it hears what it shows. Markdown's
    ``![](foto.jpg)`` has an empty alt, so it is an error, once per image; alt text of only
    invisible characters is none."""
    seen: set[str] = set()
    lines: list[str] | None = None
    for src, alt in images:
        if (alt is not None and _says_something(alt)) or src in seen:
            continue
        seen.add(src)
        if lines is None:
            lines = item.body.splitlines()
        line = item.body_line
        if line is not None and len(seen) <= LOCATED:  # the line naming it
            line += next((n for n, text in enumerate(lines) if src in text), 0)
        if alt is None:
            message = _(
                "the body's image {src!r} must describe the photo for readers who cannot see"
                " it (alt text: ![what the photo shows]({src})); found no alt text"
            )
        else:
            message = _(
                "the body's image {src!r} must describe the photo for readers who cannot see"
                " it (alt text: ![what the photo shows]({src})); found empty alt text"
            )
        yield error(item.path, line, "body.img-alt", message.format(src=src))
