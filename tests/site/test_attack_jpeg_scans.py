"""A progressive JPEG with its last scan repeated. libjpeg decodes every scan over the whole
picture and the format sets no limit on scans, so each empty scan of a 10000x10000 picture
(141 bytes, which git compresses to nearly nothing) cost about 8 ms: a draft with such a
photo, pushed in 3 KB, held ``validate``, ``summary`` and the pre-receive hook for minutes
on every push (found by an independent attack on the gate's bounds). A JPEG of more than
``MAX_SCANS`` scans is refused before it is decoded (``image.unreadable``), and so is one of
more than ``MAX_SEGMENTS`` segments: each is counted one at a time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from test_site_photos import site  # noqa: F401 - a fixture, used by name

from helpers import WIB, Repo
from warta.adapters.photos import MAX_SCANS, MAX_SEGMENTS, jpeg_counts


def _progressive(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (46, 125, 50)).save(out, "JPEG", progressive=True)
    return out.getvalue()


def _repeated(data: bytes, times: int) -> bytes:
    """``data`` with its last scan (header and entropy-coded data) repeated ``times`` more."""
    last = data.rindex(b"\xff\xda")
    scan = data[last:-2]  # (up to the end-of-image marker)
    return data[:-2] + scan * times + data[-2:]


def _with_thumbnail(data: bytes) -> bytes:
    """``data`` with another progressive JPEG inside an APP1 segment, as a camera puts its
    thumbnail in the EXIF block."""
    thumb = _progressive(16, 12)
    segment = b"\xff\xe1" + (len(thumb) + 2).to_bytes(2, "big") + thumb
    return data[:2] + segment + data[2:]


def _many_segments(data: bytes, count: int) -> bytes:
    """``data`` with ``count`` empty COM segments before its tables."""
    return data[:2] + b"\xff\xfe\x00\x02" * count + data[2:]


def test_scans_and_segments_are_counted_as_libjpeg_reads_them() -> None:
    plain = _progressive()
    scans, segments = jpeg_counts(plain)
    assert scans == 10  # (libjpeg's progressive script)
    assert jpeg_counts(_with_thumbnail(plain)) == (10, segments + 1)  # the thumbnail skipped
    assert jpeg_counts(_repeated(plain, 5))[0] == 15
    assert jpeg_counts(_repeated(plain, 10_000))[0] == MAX_SCANS + 1  # (stops there)
    assert jpeg_counts(_many_segments(plain, 100_000))[1] == MAX_SEGMENTS + 1
    with Image.open(io.BytesIO(_repeated(plain, 5))) as image:
        image.load()  # (libjpeg takes the repeats: the photo decodes)


@pytest.mark.parametrize(("extra", "segments", "why"), [
    (MAX_SCANS - 10, 0, None),
    (MAX_SCANS - 9, 0, f"a JPEG of more than {MAX_SCANS} scans"),
    (0, MAX_SEGMENTS, f"a JPEG of more than {MAX_SEGMENTS} segments"),
])
def test_a_draft_with_a_jpeg_of_too_many_scans_or_segments_is_refused(
    site: Repo, tmp_path: Path, extra: int, segments: int, why: str | None  # noqa: F811
) -> None:
    photo = _many_segments(_repeated(_progressive(), extra), segments)
    path = site.new_item("Draf Foto Berulang", at=f"2026-11-04T08:00:00{WIB}", slug="berulang")
    site.write("content/berita/2026/berulang/images/foto.jpg", photo)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", "\nimage: {src: images/foto.jpg, alt: Foto}\nstatus:",
                                 1), encoding="utf-8")
    site.commit_all("draf")
    report = site.validate_json("--no-cache")
    item = next(i for i in report["items"] if i["path"].endswith("/berulang/index.md"))
    refused = [f["message"] for f in item["findings"] if f["rule"] == "image.unreadable"]
    if why is None:
        assert refused == [], refused
        return
    assert len(refused) == 1 and why in refused[0], refused
