"""A raster photo as the site shows it: the clean copies made of the signed original (their
names beside the item, their widths) and the ``<picture>`` a template prints of them, with
``srcset``/``sizes`` for the browser to choose from and the size in pixels that reserves the
photo's place before it loads."""

from __future__ import annotations

from dataclasses import dataclass

from warta.site.text import relative_url

#: How wide the lead photo and a card's photo are drawn (CSS), for the browser's choice.
LEAD_SIZES = "(min-width: 76.25em) 40rem, 100vw"
CARD_SIZES = "10rem"


@dataclass(frozen=True)
class Rendition:
    """One copy: its path in the site (``berita/2026/<slug>/images/foto.jpg-480w.webp``)
    and its width."""

    path: str
    width: int


@dataclass(frozen=True)
class Photo:
    """The copies of one photo: JPEG and WebP, narrowest first; the size in pixels of the
    widest (the photo's proportions)."""

    width: int
    height: int
    jpeg: tuple[Rendition, ...]
    webp: tuple[Rendition, ...]


@dataclass(frozen=True)
class Picture:
    """What a template prints: the fallback ``src`` (the widest JPEG), the JPEG and WebP
    ``srcset``, ``sizes``, and width and height."""

    src: str
    srcset: str
    webp: str
    sizes: str
    width: int
    height: int


def picture(photo: Photo, from_url: str, sizes: str) -> Picture:
    """``photo`` as printed on the page at ``from_url``."""

    def href(rendition: Rendition) -> str:
        return relative_url(rendition.path, from_url)

    def srcset(renditions: tuple[Rendition, ...]) -> str:
        return ", ".join(f"{href(r)} {r.width}w" for r in renditions)

    return Picture(
        src=href(photo.jpeg[-1]),
        srcset=srcset(photo.jpeg),
        webp=srcset(photo.webp),
        sizes=sizes,
        width=photo.width,
        height=photo.height,
    )
