"""A raster photo as the site shows it: the clean copies made of the signed original (their
names beside the item, their widths) and the ``<picture>`` a template prints of them, with
``srcset``/``sizes`` for the browser to choose from and the size in pixels that reserves the
photo's place before it loads. In an item's body, an ``<img>`` of one of the item's raster
photos becomes that ``<picture>`` too (:func:`body_pictures`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from warta.model.closure import reference_target
from warta.site.markup import macro
from warta.site.sanitize import IMG, attributes
from warta.site.text import esc, relative_url

#: How wide the lead photo and a card's photo are drawn (CSS), for the browser's choice.
LEAD_SIZES = "(min-width: 76.25em) 40rem, 100vw"
CARD_SIZES = "10rem"
#: The attributes of a body's <img> a picture keeps (the allowlist's others are its own).
KEPT = ("width", "height", "title", "class", "id", "lang")


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


#: A path ``quote`` leaves as it is (ASCII letters and digits, ``_.-~`` and ``/``).
_PLAIN = re.compile(r"[A-Za-z0-9_.~/-]*")


def _url(path: str) -> str:
    """A relative link as a URL: each character of a file's name that means something in a
    URL or a ``srcset`` (``:`` of a scheme, ``,`` and space between candidates, ``%``,
    ``?``, ``#``) percent-encoded, so that a photo named ``https:evil.example/a.jpg`` or
    ``a 1w, https:evil.example/b 700w.jpg`` is a path of this site, not another server's.
    (A list of 3,000 items links 190,000 names, nearly all of them plain.)"""
    if _PLAIN.fullmatch(path):
        return path
    return quote(path, safe="/")


def _linker(photo: Photo, from_url: str) -> Callable[[Rendition], str]:
    """How the page at ``from_url`` links to each copy of ``photo``: the link to their
    folder worked out once, the name added (a list of 3,000 items printed 190,000 such
    links), unless the page lies in that folder (then each is worked out whole)."""
    folders = {posixpath.dirname(r.path) for r in (*photo.jpeg, *photo.webp)}
    if len(folders) == 1:
        (folder,) = folders
        page = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
        if folder and not f"/{page.strip('/')}/".startswith(f"/{folder.strip('/')}/"):
            prefix = _url(relative_url(folder + "/", from_url))
            return lambda r: prefix + _url(posixpath.basename(r.path))
    return lambda r: _url(relative_url(r.path, from_url))


def picture(photo: Photo, from_url: str, sizes: str) -> Picture:
    """``photo`` as printed on the page at ``from_url``."""

    href = _linker(photo, from_url)

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


def _each_photo(
    body_html: str,
    folder: str,
    photos: Mapping[str, Photo],
    shown: Callable[[Photo, dict[str, str]], str],
) -> str:
    """``body_html`` with each ``<img>`` that shows one of ``photos`` (docs path -> copies;
    ``folder`` is the item's) replaced by ``shown(photo, its attributes)``."""
    if not photos or "<img" not in body_html:
        return body_html

    def swap(match: re.Match[str]) -> str:
        given = attributes(match.group(1))
        target = reference_target(given.get("src", ""), folder)
        photo = photos.get(target) if target is not None else None
        return match.group(0) if photo is None else shown(photo, given)

    return IMG.sub(swap, body_html)


def body_pictures(body_html: str, folder: str, page_url: str, photos: Mapping[str, Photo]) -> str:
    """``body_html`` (an item's body as the allowlist left it) with each ``<img>`` that
    shows one of ``photos`` (``page_url``: where the body is shown) as the ``<picture>`` of
    its clean copies: lazy, with the alt text, and the width, height, title, class, id and
    lang the writer gave the image. Any other image is left as it is."""
    tag = macro("macros.html", "picture")

    def shown(photo: Photo, given: dict[str, str]) -> str:
        extra = tuple((name, given[name]) for name in KEPT if name in given)
        eager = given.get("loading") == "eager"
        return str(tag(picture(photo, page_url, LEAD_SIZES), given.get("alt", ""), eager, extra))

    return _each_photo(body_html, folder, photos, shown)


def body_copies(body_html: str, folder: str, page_url: str, photos: Mapping[str, Photo]) -> str:
    """``body_html`` with each ``<img>`` of one of ``photos`` showing its widest JPEG copy
    (what a feed carries: one image every reader shows; an AVIF's own URL serves nothing)."""

    def shown(photo: Photo, given: dict[str, str]) -> str:
        given = {**given, "src": _url(relative_url(photo.jpeg[-1].path, page_url))}
        return "<img" + "".join(f' {name}="{esc(value)}"' for name, value in given.items()) + ">"

    return _each_photo(body_html, folder, photos, shown)
