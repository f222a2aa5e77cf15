"""The photo-size reader of the head tags (warta.site.imagesize) against Pillow's own
encoders, and against headers that do not hold together."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from warta.site.imagesize import Size, image_size


def _encoded(fmt: str, size: tuple[int, int], mode: str = "RGB", **options: object) -> bytes:
    data = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(
        data, format=fmt, **options
    )
    return data.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mode", "options"),
    [
        ("PNG", "RGB", {}),
        ("GIF", "RGB", {}),
        ("JPEG", "RGB", {}),
        ("JPEG", "RGB", {"progressive": True}),
        ("JPEG", "RGB", {"exif": b"Exif\x00\x00" + b"\x00" * 4000}),  # a segment before SOF
        ("WEBP", "RGB", {"lossless": False}),
        ("WEBP", "RGB", {"lossless": True}),
        ("WEBP", "RGBA", {"lossless": False}),  # VP8X (alpha)
    ],
)
@pytest.mark.parametrize("size", [(1200, 630), (1, 1), (4000, 3000), (333, 777)])
def test_the_size_is_the_one_encoded(
    fmt: str, mode: str, options: dict[str, object], size: tuple[int, int]
) -> None:
    data = _encoded(fmt, size, mode, **options)
    assert image_size(data) == Size(*size)
    assert Image.open(io.BytesIO(data)).size == size


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # cut short
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 8,  # zero size
        b"\xff\xd8\xff\xe0\x00\x01",  # a length below 2
        b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 20,  # scan data before any frame header
        b"\xff\xd8\xff\xe1\xff\xff" + b"\x00" * 100,  # a segment running past the data
        b"\xff\xd8" + b"\x00" * 100,  # no marker
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 30,  # no VP8 start code
        b"GIF89a\x00",
    ],
)
def test_a_header_that_does_not_hold_together_gives_none(data: bytes) -> None:
    assert image_size(data) is None
