"""The bulletin's data: what the template prints, built from verified items only.

Every text here is data for :mod:`warta.typeset.typst` (JSON the template reads); every file
the template shows (the site's logo, lead photos) is copied into the compile folder by
:func:`warta.adapters.safefs.copy_verified`, which checks its bytes against the digest an
administrator (the logo) or the item's signers (a photo) signed, and follows no link.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import segno

from warta.adapters import photos, safefs
from warta.model.item import NewsItem
from warta.model.photo import AS_SIGNED, is_raster
from warta.model.roster import Roster
from warta.model.sop import Sop
from warta.site.article import Article, is_kecamatan
from warta.site.dates import date_label, day_label, month_label
from warta.typeset.tree import body_tree
from warta.typeset.typst import Placer

#: Lead photos Typst can print (by suffix, lowercase).
PRINTABLE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


@dataclass(frozen=True)
class Printed:
    """One item to print: the verified item, the article the site builds of it, and the HTML
    of its body as the site publishes it."""

    item: NewsItem
    article: Article
    html: str
    digest: str


@dataclass(frozen=True)
class Meta:
    edition: str
    revision: int
    title: str
    start: date
    end: date
    at: datetime
    site_url: str
    publisher: str
    logo: tuple[str, str] | None  # repository path, signed digest


def range_label(start: date, end: date) -> str:
    """'1–30 November 2026', or with both dates in full when the months differ."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_label(end)}"
    return f"{date_label(start)} – {date_label(end)}"


def item_url(site_url: str, article: Article) -> str:
    return site_url.rstrip("/") + "/" + article.url


def _verified(root: Path, rel: str, digest: str) -> Placer:
    def place(dest: Path) -> None:
        safefs.copy_verified(root, rel, dest, digest)

    return place


def _clean_copy(root: Path, rel: str, digest: str, suffix: str) -> Placer:
    """The widest clean JPEG copy of a raster photo (as the site publishes it: upright, no
    metadata), made from its bytes if they have ``digest`` (else UnsafePath)."""

    def place(dest: Path) -> None:
        data = safefs.read_verified(root, rel, digest)
        try:
            if suffix in AS_SIGNED:  # (a GIF: its first frame, never the GIF itself)
                copy = photos.print_copy(data, suffix)
            else:
                derived = photos.derive(data, suffix).variants
                copy = [v for v in derived if v.format == "JPEG"][-1].data
        except photos.PhotoRefused as exc:
            raise safefs.UnsafePath(rel, str(exc), "unreadable") from exc
        safefs.make_folders(dest.parent)
        dest.write_bytes(copy)

    return place


def _names(roster: Roster, role: str, day: date) -> list[str]:
    return sorted(p.name for p in roster.holders(role, day)) or ["-"]


def build(
    root: Path,
    meta: Meta,
    printed: Sequence[Printed],
    *,
    sop: Sop,
    roster: Roster,
    reporter_role: str,
    compile_role: str,
) -> tuple[dict[str, Any], dict[str, Placer | bytes]]:
    """The template's data and the files to put beside it."""
    files: dict[str, Placer | bytes] = {}
    logo = None
    if meta.logo is not None:
        rel, digest = meta.logo
        suffix = posixpath.splitext(rel)[1].lower()
        if suffix in PRINTABLE:
            logo = f"logo{suffix}"
            files[logo] = _verified(root, rel, digest)
    day = meta.at.date()
    items: list[dict[str, Any]] = []
    for index, entry in enumerate(printed, start=1):
        article, item = entry.article, entry.item
        url = item_url(meta.site_url, article)
        qr = f"qr/{index}.svg"
        files[qr] = segno.make(url, error="m").svg_inline(border=0, dark="#000").encode("utf-8")
        image = _image(root, index, item, article, files)
        kecamatan = [c for c in article.categories if is_kecamatan(c)]
        sectors = [c for c in article.categories if not is_kecamatan(c)]
        items.append(
            {
                "title": article.title,
                "description": article.description,
                "category": " · ".join(sectors) or "Berita",
                "dateline": " · ".join([*kecamatan, day_label(article.day)]),
                "image": image,
                "caption": article.image.caption if article.image and image else "",
                "credit": article.image.credit if article.image and image else "",
                "body": body_tree(entry.html),
                "reporter": article.reporter.name if article.reporter else "",
                "approved": day_label(article.approval.at.date()) if article.approval else "",
                "url": url,
                "qr": qr,
                "digest": entry.digest,
            }
        )
    identity = sop.identity
    gate_role = sop.gate.role
    data = {
        "edition": {
            "id": meta.edition,
            "label": "Edisi " + month_label(int(meta.edition[:4]), int(meta.edition[5:7])),
            "revision": meta.revision,
            "title": meta.title,
            "subtitle": "Buletin Berita Pembangunan Daerah",
            "organisation": identity.unit,
            "publisher": meta.publisher,
            "date": [day.year, day.month, day.day],
            "date_label": day_label(day),
            "range_label": range_label(meta.start, meta.end),
            "site_url": meta.site_url,
            "logo": logo,
        },
        "items": items,
        "colophon": {
            "penanggung_jawab": _names(roster, gate_role, day),
            "redaktur": _names(roster, compile_role, day),
            "reporter": _names(roster, reporter_role, day),
            "sop_number": identity.number,
            "sop_name": identity.name,
            "note": (
                "Setiap berita dalam edisi ini telah disetujui menurut SOP dan ditandatangani"
                " secara digital; sidik isi (SHA-256) di bawah setiap berita dapat diperiksa"
                " dengan `warta verify` terhadap berita di situs."
            ),
        },
    }
    return data, files


def _image(
    root: Path, index: int, item: NewsItem, article: Article, files: dict[str, Placer | bytes]
) -> str | None:
    """The lead photo's name in the compile folder (a verified copy), or None."""
    if article.image is None:
        return None
    listed: Mapping[str, str] = {a.path: a.digest for a in item.attachments}
    src = posixpath.normpath(article.image.src)
    digest = listed.get(src)
    suffix = posixpath.splitext(src)[1].lower()
    if digest is None or suffix not in PRINTABLE:
        return None
    folder = item.path.rsplit("/", 1)[0]
    if is_raster(src) or suffix in AS_SIGNED:  # never the original: a clean copy
        name = f"img/{index}.jpg"
        files[name] = _clean_copy(root, f"{folder}/{src}", digest, suffix)
        return name
    name = f"img/{index}{suffix}"
    files[name] = _verified(root, f"{folder}/{src}", digest)
    return name
