"""A photo's width and height in pixels, read from the first bytes of the file.

Only the headers of the raster formats an item may carry are read (PNG, GIF, JPEG, WebP),
by offsets and lengths checked against the data: no decoder runs, nothing is decompressed,
and a file that is not what its header says gives None rather than an error. AVIF and SVG
give None (an AVIF's size is deep in its boxes; an SVG's is whatever its XML says).
"""

from __future__ import annotations

from dataclasses import dataclass

#: A JPEG's size is in its first start-of-frame segment; give up on a file whose first
#: ``LIMIT`` bytes hold none (its metadata segments are longer than any sane photo's).
LIMIT = 1 << 20
#: Start-of-frame markers (baseline, progressive, lossless …; not DHT, JPG or DAC).
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
#: Markers without a length (start of image, restart markers, TEM).
_STANDALONE = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})


@dataclass(frozen=True)
class Size:
    width: int
    height: int


def _positive(width: int, height: int) -> Size | None:
    return Size(width, height) if width > 0 and height > 0 else None


def _png(data: bytes) -> Size | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return _positive(int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


def _gif(data: bytes) -> Size | None:
    if len(data) < 10:
        return None
    return _positive(int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little"))


def _jpeg(data: bytes) -> Size | None:
    at = 2
    end = min(len(data), LIMIT)
    while at + 4 <= end:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if length < 2:
            return None
        if marker in _SOF:
            if at + 9 > len(data) or length < 7:
                return None
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return _positive(width, height)
        at += 2 + length
    return None


def _webp(data: bytes) -> Size | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return _positive(width, height)
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return _positive((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return _positive(width, height)
    return None


def image_size(data: bytes) -> Size | None:
    """The pixel size ``data``'s header states, or None (unknown format, or a header that
    does not hold together)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _gif(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None
