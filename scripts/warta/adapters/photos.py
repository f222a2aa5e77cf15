"""Photos with Pillow: what an original holds (:func:`inspect`) and the clean copies the site
publishes instead of it (:func:`derive`).

A copy is made from pixels only: the photo is decoded, turned upright by its EXIF
orientation, scaled down (never up) to each of :data:`WIDTHS` and encoded anew into an image
that carries no metadata at all (no EXIF, GPS, XMP, ICC profile, comment or text chunk). The
same bytes with the same settings and the same Pillow give the same copies, byte for byte.

Hostile input fails here, never later: a file is decoded only if its format is the one its
name says, it has at most :data:`MAX_PIXELS` pixels (a decompression bomb claims billions)
and it decodes completely (a truncated or corrupt file does not). Every surprise of the
decoder becomes a refusal (:class:`PhotoRefused`), never a traceback.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

# Pillow's package alone: its image module and codecs (35-45 ms to import) are imported by
# the functions that open a photo, so a run that opens none never loads them
from PIL import __version__ as PILLOW_VERSION

from warta.i18n import _
from warta.model.photo import MAX_PIXELS, PhotoFacts

if TYPE_CHECKING:
    from PIL import Image

#: The widths (pixels) of the copies; a photo narrower than one gets one copy at its width.
WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
#: libwebp's effort (0-6): 0 encodes in half the time of 2 for files about 3 % larger
#: (measured on the bench's 800x450 photos: 16.4 against 32.7 ms, 57.4 against 55.6 KB; 4
#: takes 58.5 ms). A page serves WebP to every browser in use, so this is the cost of each
#: new photo in a build that makes its copies (every CI build: it has no cache).
WEBP_METHOD = 0
#: JPEG copies are the fallback of a ``<picture>`` (and the file at an original's URL):
#: optimised Huffman tables, not progressive (4.0 against 9.3 ms for 2.5 % more bytes).
JPEG_PROGRESSIVE = False
#: The formats Pillow may recognise in a file at all (to say what a misnamed file is); no
#: other decoder runs on the repository's bytes.
DETECT = ("JPEG", "PNG", "WEBP", "AVIF", "GIF", "BMP", "TIFF")
#: What a file's name promises (its lowercase suffix) -> the formats Pillow may find in it.
FORMATS: dict[str, tuple[str, ...]] = {
    ".jpg": ("JPEG", "MPO"),
    ".jpeg": ("JPEG", "MPO"),
    ".png": ("PNG",),
    ".webp": ("WEBP",),
    ".avif": ("AVIF",),
    ".gif": ("GIF",),  # inspected only: a GIF is published as signed, never copied
}
#: The format of the clean copy served at an original's own URL (AVIF: none is served there).
SAME_FORMAT = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
#: The EXIF tag of the GPS block, and the XMP names of a position.
#: The tallest a copy may be: below WebP's limit of 16,383 pixels a side (libwebp's
#: WEBP_MAX_DIMENSION; a JPEG's is 65,535), with room for the rounding of a JPEG decoded at a
#: smaller scale. Copies are at most ``WIDTHS[-1]`` wide, so only a very tall photo (a long
#: screenshot or infographic) has a copy past it.
MAX_COPY_HEIGHT = 16_000
GPS_IFD = 0x8825
XMP_GPS = (b"GPSLatitude", b"GPSLongitude")
#: The version of what :func:`inspect` and :func:`derive` do: raised with every change to
#: them, so that what earlier versions found or made is not used again.
VERSION = 3
#: What the settings are, for a cache key (a change makes every copy anew).
SETTINGS = (
    f"v{VERSION};widths={WIDTHS};jpeg={JPEG_QUALITY}/{'p' if JPEG_PROGRESSIVE else 'b'};"
    f"webp={WEBP_QUALITY}/{WEBP_METHOD};"
    f"max={MAX_PIXELS};pillow={PILLOW_VERSION}"
)
#: A run inspects photos ahead on several threads (:func:`warta.repository.scan`), but one
#: with more pixels than this only on the thread that asks for it after them, unless it is a
#: baseline JPEG (decoded there at an eighth of its size, a few rows at a time): the memory
#: a thread's decoding took stays with that thread's own heap, 100 million pixels take 100
#: to 400 MB, and a progressive JPEG of 10,000 x 10,000 (2.3 MB) took 800 MB, since all of
#: its scans are held (found by an independent attack). A GIF is never read ahead: Pillow
#: holds its comments whole.
LARGE_PIXELS = 4_000_000
_AHEAD = threading.local()
MIME = {"JPEG": "image/jpeg", "WEBP": "image/webp", "PNG": "image/png"}
EXTENSION = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}


class PhotoRefused(Exception):
    """A photo no copy can be made of; the message says why (for people)."""


@dataclass(frozen=True)
class Variant:
    """One copy: its format (``JPEG``, ``WEBP``, ``PNG``), size in pixels and bytes."""

    format: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Derived:
    """The copies of one photo: the responsive ones (JPEG and WebP at each width, narrowest
    first), and the one served at the original's URL (None for an AVIF original)."""

    variants: tuple[Variant, ...]
    same: Variant | None

    @property
    def widest(self) -> Variant:
        return self.variants[-1]


def _why(exc: BaseException) -> str:
    """What went wrong, the same every run (an object's address left out): the text of a
    finding, which the verdict cache keeps."""
    text = re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "", str(exc)).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def _opened(data: bytes, suffix: str) -> Iterator[Image.Image]:
    """The photo in ``data`` opened as the format its name promises, within the limits;
    PhotoRefused for anything else (the pixels are not decoded here)."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    formats = FORMATS.get(suffix.lower())
    if formats is None:
        raise PhotoRefused(_("a file of this type ({suffix})").format(suffix=suffix))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS
            image = Image.open(io.BytesIO(data), formats=DETECT)
    except Image.DecompressionBombError as exc:
        raise PhotoRefused(_("a decompression bomb ({error})").format(error=_why(exc))) from exc
    except Exception as exc:  # Pillow's decoders raise many kinds; all mean "not a photo"
        raise PhotoRefused(_("no image Pillow can read ({error})").format(error=_why(exc))) from exc
    with image:
        if image.format not in formats:
            raise PhotoRefused(
                _("a {found} image named like a {expected} one").format(
                    found=image.format or "?", expected=formats[0]
                )
            )
        pixels = image.width * image.height
        if pixels > MAX_PIXELS or image.width < 1 or image.height < 1:
            raise PhotoRefused(
                _("{width}x{height} pixels, expected at most {most}").format(
                    width=image.width, height=image.height, most=MAX_PIXELS
                )
            )
        if too_dense(image.format, pixels, len(data)):
            raise PhotoRefused(_(
                "{width}x{height} pixels in {size} bytes, a decompression bomb; expected at"
                " most {ratio} pixels per byte (as a camera or an editor saves a photo)"
            ).format(width=image.width, height=image.height, size=len(data),
                     ratio=MAX_PIXELS_PER_BYTE))
        problem = jpeg_problem(data) if image.format in ("JPEG", "MPO") else None
        if problem is not None:
            raise PhotoRefused(problem)
        yield image


#: The most scans a JPEG may have. libjpeg decodes every scan over the whole picture, and
#: the format sets no limit: an empty scan of a 10000x10000 picture, 141 bytes that git
#: compresses to nearly nothing, costs about 8 ms, and a few hundred KB of them stalled the
#: gate and the pre-receive hook for minutes on every push (found by an independent attack).
MAX_SCANS = 100
#: The most segments (markers with a length) a JPEG may have: a photo has a few dozen (its
#: tables, one per scan, and APP blocks), and each is counted one at a time.
MAX_SEGMENTS = 1_000
#: A marker: 0xFF, then neither a stuffed 0x00, nor a restart marker, nor a fill byte.
_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")


def jpeg_counts(data: bytes) -> tuple[int, int]:
    """How many scans (start-of-scan markers) and segments the JPEG in ``data`` holds, each
    counted up to one more than its bound (:data:`MAX_SCANS`, :data:`MAX_SEGMENTS`).
    Segments are skipped by their length (a thumbnail inside an APP segment is not
    counted), and entropy-coded data to the next marker, found by one search (a 0xFF
    there is followed by a stuffed 0x00 or a restart marker)."""
    scans = segments = 0
    pos, size = 2, len(data)
    while scans <= MAX_SCANS and segments <= MAX_SEGMENTS:
        found = _MARKER.search(data, pos)
        if found is None:
            break
        pos, marker = found.start(), data[found.start() + 1]
        if marker in _STANDALONE:
            pos += 2
        elif marker == 0xD9 or pos + 4 > size:  # end of image
            break
        else:
            segments += 1
            scans += marker == 0xDA
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return scans, segments


def jpeg_problem(data: bytes) -> str | None:
    """Why the JPEG in ``data`` is not decoded (too many scans or segments), or None."""
    scans, segments = jpeg_counts(data)
    if scans > MAX_SCANS:
        return _(
            "a JPEG of more than {most} scans; expected at most {most} (as a camera or an"
            " editor saves a photo: a progressive one has about ten)"
        ).format(most=MAX_SCANS)
    if segments > MAX_SEGMENTS:
        return _(
            "a JPEG of more than {most} segments; expected at most {most} (as a camera or an"
            " editor saves a photo: a few dozen)"
        ).format(most=MAX_SEGMENTS)
    return None


#: Marker bytes after 0xFF that stand alone (no length): TEM, SOI.
_STANDALONE = frozenset({0x01, 0xD8})


#: A WebP or AVIF photo of more pixels than this may hold at most
#: :data:`MAX_PIXELS_PER_BYTE` of them for each byte of its file. A phone's photo holds
#: about 4; a lossless WebP of one colour holds 100 million pixels in 34 bytes and took
#: 0.5 s and 1.6 GB to decode (found by an attack). The other formats' compression is
#: bounded (deflate and LZW by about a thousand to one; a JPEG is decoded at a small scale).
FREE_PIXELS = 4_000_000
MAX_PIXELS_PER_BYTE = 1_000
UNBOUNDED_FORMATS = frozenset({"WEBP", "AVIF"})


def too_dense(fmt: str | None, pixels: int, size: int) -> bool:
    """Whether ``pixels`` are too many for a ``fmt`` file of ``size`` bytes (a bomb)."""
    return (fmt in UNBOUNDED_FORMATS and pixels > FREE_PIXELS
            and pixels > MAX_PIXELS_PER_BYTE * size)


#: The formats a picture embedded in an SVG (a data: URL) may have.
EMBEDDED_FORMATS = ("GIF", "JPEG", "PNG", "WEBP")
#: The most frames an embedded picture may have (an animation is read frame by frame).
MAX_FRAMES = 100
#: What Pillow may find in an embedded picture besides its pixels: how to draw them. Anything
#: else (EXIF, XMP, text chunks compressed or not, comments) may hold where and when a photo
#: was taken.
DRAWING_INFO = frozenset(
    {
        *("dpi", "gamma", "transparency", "srgb", "chromaticity", "aspect", "interlace"),
        *("jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"),
        *("adobe", "adobe_transform", "duration", "loop", "background", "version"),
        *("icc_profile", "compression", "default_image", "disposal", "blend", "bbox"),
        "timestamp",
    }
)


@dataclass(frozen=True)
class Embedded:
    """A picture embedded in an SVG as its header says: its size (``past``: more pixels
    than Pillow will even say, 0 otherwise), and whether it holds more than its pixels and
    how to draw them (None: it was not read whole: past the limits, or it does not
    decode)."""

    width: int
    height: int
    extra: bool | None
    past: int = 0
    #: more pixels than its bytes may hold (:func:`too_dense`): not decoded
    dense: bool = False


def embedded(data: bytes) -> Embedded | None:
    """What the picture in ``data`` is (None: Pillow finds no GIF, JPEG, PNG or WebP
    picture there). A picture of at most :data:`MAX_PIXELS` pixels, every frame counted, is
    decoded whole, so that a text chunk after the pixels or in a later frame is read too."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS
            with Image.open(io.BytesIO(data), formats=EMBEDDED_FORMATS) as image:
                if image.format not in EMBEDDED_FORMATS:
                    return None
                frames = getattr(image, "n_frames", 1)
                if too_dense(image.format, frames * image.width * image.height, len(data)):
                    return Embedded(image.width, image.height, None, dense=True)
                if image.format == "JPEG" and jpeg_problem(data) is not None:
                    return Embedded(image.width, image.height, None)  # (not read whole)
                return Embedded(image.width, image.height, _extra(image))
    except Image.DecompressionBombError:  # more than twice Pillow's own limit
        return Embedded(0, 0, None, past=2 * (Image.MAX_IMAGE_PIXELS or 0))
    except Exception:  # Pillow's decoders raise many kinds: no picture it reads
        return None


def _extra(image: Image.Image) -> bool | None:
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES or frames * image.width * image.height > MAX_PIXELS:
        return None
    extra = False
    try:
        for frame in range(frames):  # (an APNG's later frames carry chunks too)
            image.seek(frame)
            image.load()  # (text chunks after the pixels are read only now)
            extra = extra or bool(
                set(image.info) - DRAWING_INFO or image.getexif() or getattr(image, "text", None)
            )
    except Exception:  # a picture Pillow cannot read whole: nothing a reader is shown
        return None
    return extra


def _decoded(image: Image.Image, at_least: int | None = None) -> Image.Image:
    """The photo's pixels, decoded completely (PhotoRefused if they cannot be); a JPEG at a
    smaller scale whose upright width is still ``at_least`` pixels (libjpeg decodes every
    scan of it all the same, so a truncated file is found)."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    try:
        if at_least is not None and image.format in ("JPEG", "MPO"):
            upright = _upright_size(image)
            turned = upright != (image.width, image.height)
            image.draft("RGB", (1, at_least) if turned else (at_least, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS
            image.load()
    except Exception as exc:
        raise PhotoRefused(
            _("a truncated or corrupt image ({error})").format(error=_why(exc))
        ) from exc
    return image


def _has_gps(image: Image.Image) -> bool:
    try:
        exif = image.getexif()
        if GPS_IFD in exif and (exif.get_ifd(GPS_IFD) or exif[GPS_IFD]):
            return True
    except Exception:
        return True  # an EXIF block that cannot be read may hold anything: say so
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    return isinstance(xmp, bytes) and any(name in xmp for name in XMP_GPS)


def _upright_size(image: Image.Image) -> tuple[int, int]:
    try:
        orientation = image.getexif().get(0x0112)
    except Exception:
        orientation = None
    if orientation in (5, 6, 7, 8):
        return image.height, image.width
    return image.width, image.height


class LargePhoto(Exception):
    """A photo costly to inspect (:func:`_costly`) met on a thread that reads ahead."""


def _costly(image: Image.Image) -> bool:
    """Whether inspecting ``image`` may take much memory (see :data:`LARGE_PIXELS`)."""
    if image.format == "GIF":
        return True
    baseline = image.format in ("JPEG", "MPO") and not image.info.get("progressive")
    return not baseline and image.width * image.height > LARGE_PIXELS


def reading_ahead() -> None:
    """Mark this thread as one that inspects photos ahead of the run: :func:`inspect`
    raises LargePhoto there for one costly to inspect."""
    _AHEAD.on = True


def inspect(data: bytes, suffix: str) -> PhotoFacts:
    """What the original ``data`` (named with ``suffix``) holds; ``problem`` says why no copy
    can be made of it. Never raises, but LargePhoto on a thread that reads ahead."""
    try:
        with _opened(data, suffix) as image:
            fmt = image.format or ""
            if getattr(_AHEAD, "on", False) and _costly(image):
                raise LargePhoto
            # a GIF is published as signed: a position anywhere in its bytes (an XMP or
            # comment block Pillow does not parse) counts
            gps = _has_gps(image) or (fmt == "GIF" and any(n in data for n in XMP_GPS))
            width, height = _upright_size(image)
            if fmt != "GIF":  # (a GIF is published as signed, never copied)
                _refuse_too_tall(width, height)
            else:
                _refuse_long_animation(image)
            _decoded(image, at_least=1)
    except PhotoRefused as exc:
        return PhotoFacts("", 0, 0, len(data), problem=str(exc))
    except LargePhoto:
        raise
    except Exception as exc:  # fail closed: a surprise is a refusal too
        return PhotoFacts("", 0, 0, len(data), problem=_why(exc))
    return PhotoFacts(fmt, width, height, len(data), gps=gps)


def _refuse_long_animation(image: Image.Image) -> None:
    """PhotoRefused if the GIF ``image`` draws more than :data:`MAX_PIXELS` pixels in all
    its frames, each frame counted at the size of its canvas (as a browser composes it): it
    is published as signed, and 15 KB hold 1,000 frames of 10,000 x 10,000 pixels, 100
    billion for every reader's browser to draw (a lead of an independent attack). Counting
    the frames reads the file, not its pixels: about 0.1 s for each MB."""
    frames = getattr(image, "n_frames", 1)
    if frames * image.width * image.height > MAX_PIXELS:
        raise PhotoRefused(
            _(
                "an animation of {frames} frames of {width}x{height} pixels, {pixels} pixels"
                " in all; expected at most {most} (a shorter or smaller animation)"
            ).format(
                frames=frames,
                width=image.width,
                height=image.height,
                pixels=frames * image.width * image.height,
                most=MAX_PIXELS,
            )
        )


def _refuse_too_tall(width: int, height: int) -> None:
    """PhotoRefused if the widest copy of an upright ``width`` x ``height`` photo would be
    taller than a copy may be (:data:`MAX_COPY_HEIGHT`): what ``warta validate`` says before
    anyone signs the photo, not a build that cannot copy it."""
    widest = widths_for(width)[-1]
    tall = max(1, round(height * widest / width))
    if tall > MAX_COPY_HEIGHT:
        raise PhotoRefused(
            _(
                "a photo whose copy for the site would be {width}x{height} pixels; expected a"
                " copy at most {most} pixels tall (a WebP image holds at most 16,383): a less"
                " tall photo (crop or split it)"
            ).format(width=widest, height=tall, most=MAX_COPY_HEIGHT)
        )


#: The modes whose pixels :meth:`Image.reduce` averages; the others are made one of these a
#: strip at a time (a palette's indices are no colours, and a bilevel or 16-bit image it
#: does not take).
_AVERAGED = frozenset({"L", "LA", "La", "RGB", "RGBA", "RGBa", "RGBX", "I", "F", "CMYK", "YCbCr"})
#: Rows of the photo made another mode at once, in multiples of the factor.
_STRIP = 256


def _smaller(image: Image.Image) -> Image.Image:
    """``image`` taken down by the largest whole factor that leaves its upright width at
    least the widest copy's, its pixels averaged, a strip at a time when they must first be
    made another mode (the copies are then made from it, as from a JPEG decoded at a smaller
    scale). A 10,000 x 10,000 one-bit PNG of 12 KB, made full colour whole before it was
    scaled, took 1.3 GB for each copy made, and so did 6,399 x 15,627 and 3,199 x 31,000
    after a first fix that took down only photos twice as wide as the widest copy, and that
    dropped every other pixel of a dithered photo (found by two independent attacks)."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    widest = WIDTHS[-1]
    factor = (_upright_size(image)[0] + widest - 2) // (widest - 1) - 1
    if factor < 2:
        return image
    if image.mode in _AVERAGED:
        return image.reduce(factor)
    alpha = image.mode in ("LA", "PA") or "transparency" in image.info
    mode = "L" if image.mode == "1" or image.mode.startswith("I;16") else "RGB"
    mode = {"L": "LA", "RGB": "RGBA"}[mode] if alpha and image.mode != "1" else mode
    width, height = image.size
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * _STRIP
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows))).convert(mode)
        out.paste(strip.reduce(factor), (0, top // factor))
    out.info = {k: v for k, v in image.info.items() if k != "transparency"}  # (its turn)
    return out


def _clean(image: Image.Image) -> Image.Image:
    """The upright pixels of ``image`` in a fresh image (RGB, or RGBA if it has
    transparency) that carries nothing else: no info, EXIF, ICC profile or text."""
    from PIL import Image, ImageOps  # noqa: PLC0415

    upright = ImageOps.exif_transpose(image) or image
    alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    mode = "RGBA" if alpha else "RGB"
    converted = upright.convert(mode)
    fresh = Image.new(mode, converted.size)  # (no copy of its bytes held besides)
    fresh.paste(converted)
    return fresh


def _encode(image: Image.Image, fmt: str) -> bytes:
    from PIL import Image  # noqa: PLC0415 - see the imports above

    out = io.BytesIO()
    if fmt == "JPEG":
        flat = image
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
        flat.save(
            out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=JPEG_PROGRESSIVE
        )
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def widths_for(width: int) -> list[int]:
    """The copies' widths for a photo ``width`` pixels wide: never wider than it."""
    chosen = [w for w in WIDTHS if w < width]
    chosen.append(min(width, WIDTHS[-1]))
    return sorted(set(chosen))


def print_copy(data: bytes, suffix: str) -> bytes:
    """A clean JPEG of the first frame of the GIF ``data``, at most ``WIDTHS[-1]`` wide, for
    the printed bulletin (PhotoRefused if there is none). A GIF of 100 million pixels is
    first taken down by whole pixels in its own palette, a few hundred MB less than
    :func:`derive`'s full-colour copy of it; the typesetter, given the GIF itself, took
    about 800 MB for each."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    try:
        with _opened(data, suffix) as image:
            image.seek(0)
            frame = _decoded(image)
            target = min(frame.width, WIDTHS[-1])  # (a GIF has no orientation to turn it by)
            if frame.width > 2 * target:  # (whole pixels: the palette needs no colour)
                shrink = 2 * target / frame.width
                size = (2 * target, max(1, round(frame.height * shrink)))
                frame = frame.resize(size, Image.Resampling.NEAREST)
            clean = _clean(frame)
        tall = max(1, round(clean.height * target / clean.width))
        if clean.size != (target, tall):
            clean = clean.resize((target, tall), Image.Resampling.LANCZOS)
        return _encode(clean, "JPEG")
    except PhotoRefused:
        raise
    except Exception as exc:  # fail closed: the photo is refused, the edition is not made
        raise PhotoRefused(_("no copy could be made ({error})").format(error=_why(exc))) from exc


def derive(data: bytes, suffix: str) -> Derived:
    """The clean copies of the photo ``data`` (named with ``suffix``); PhotoRefused if no
    copy can be made. The same ``data`` gives the same bytes."""
    from PIL import Image  # noqa: PLC0415 - see the imports above

    try:
        with _opened(data, suffix) as image:
            _refuse_too_tall(*_upright_size(image))
            clean = _clean(_smaller(_decoded(image, at_least=WIDTHS[-1])))
        width, height = clean.size
        variants: list[Variant] = []
        largest: Image.Image | None = None
        for target in sorted(widths_for(width), reverse=True):
            source = largest or clean
            scaled_height = max(1, round(height * target / width))
            scaled = (
                source
                if source.size == (target, scaled_height)
                else source.resize((target, scaled_height), Image.Resampling.LANCZOS)
            )
            largest = largest or scaled
            for fmt in ("JPEG", "WEBP"):
                variants.append(Variant(fmt, target, scaled_height, _encode(scaled, fmt)))
    except PhotoRefused:
        raise
    except Exception as exc:  # fail closed: the photo is refused, the build goes on
        raise PhotoRefused(_("no copy could be made ({error})").format(error=_why(exc))) from exc
    variants.sort(key=lambda v: (v.width, v.format))
    same = None
    kind = SAME_FORMAT.get(suffix.lower())
    if kind is not None and largest is not None:
        widest = [v for v in variants if v.format == kind and v.width == largest.width]
        same = (
            widest[0]
            if widest
            else Variant(kind, largest.width, largest.height, _encode(largest, kind))
        )
    return Derived(tuple(variants), same)
