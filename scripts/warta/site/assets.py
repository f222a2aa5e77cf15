"""Whether an SVG beside an item may be served from the site's origin.

A file in an item's folder is published as it is, at the site's own origin, so a drawing a
browser would run would run with the site's authority. An SVG passes only as a plain drawing:
no script, event handlers, foreignObject, animation, foreign (e.g. XHTML) elements, DOCTYPE or
processing instructions, and no reference to anything outside itself (links and ``url()``
may only point at ``#fragments``; embedded raster images are allowed). Which other types may
be listed at all is :data:`warta.model.closure.PASSIVE`.

SVGs are refused, not rewritten: a rewritten drawing would no longer be the signed file.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from warta.model.photo import MAX_PIXELS
from warta.model.translate import _

SVG_NS = "http://www.w3.org/2000/svg"
#: Namespaces drawing programs write that browsers neither render nor run.
EDITOR_NS = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
        "http://ns.adobe.com/AdobeIllustrator/10.0/",
        "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
        "http://ns.adobe.com/Extensibility/1.0/",
        "http://ns.adobe.com/Graphs/1.0/",
        "http://ns.adobe.com/SaveForWeb/1.0/",
        "http://ns.adobe.com/Variables/1.0/",
        "http://ns.adobe.com/xap/1.0/",
        "http://www.bohemiancoding.com/sketch/ns",
    }
)
#: SVG elements that run script, embed documents or change the drawing's links over time.
ACTIVE_ELEMENTS = frozenset(
    {
        *("script", "foreignObject", "handler", "listener", "iframe", "embed", "object"),
        *("set", "animate", "animateMotion", "animateTransform", "animateColor", "discard"),
    }
)
RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
_URL_REF = re.compile(r"url\(\s*['\"]?\s*(?![\s'\"#])", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
#: Presentation attributes that take CSS values (where escapes could spell a reference).
CSS_ATTRIBUTES = frozenset({"fill", "stroke", "filter", "mask", "clip-path", "cursor"})
_IMAGE_SET = re.compile(r"(?:image-set|image|cross-fade|element)\s*\(", re.IGNORECASE)
_DECL = re.compile(r"^\ufeff?\s*<\?xml\s[^?]*\?>")


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree ``{ns}name``."""
    if name.startswith("{"):
        ns, _brace, local = name[1:].partition("}")
        return ns, local
    return "", name


def _css_problems(text: str, where: str, *, css: bool = True) -> Iterator[str]:
    """What in ``text`` (style sheet text if ``css``, else any attribute value) could make
    a browser fetch something."""
    if css and "\\" in text:
        yield _("{where} uses CSS escapes (\\), which could spell any reference").format(
            where=where
        )
    if _IMPORT.search(text):
        yield _("{where} imports a style sheet (@import)").format(where=where)
    if _URL_REF.search(text) or _IMAGE_SET.search(text):
        yield _(
            "{where} refers to a file or site with url() or image-set(); only url(#…) is allowed"
        ).format(where=where)


def svg_problems(data: bytes) -> list[str]:
    """Why the SVG ``data`` may not be served from the site (empty: it may)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [_("it is not UTF-8 text")]
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return [_("it has a DOCTYPE or entity declarations")]
    if "<?" in _DECL.sub("", text, count=1):
        return [_("it has a processing instruction (such as xml-stylesheet)")]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [_("it is not well-formed XML ({error})").format(error=exc)]
    if _local(root.tag) != (SVG_NS, "svg"):
        return [_("its root element is not an SVG <svg>")]
    found: list[str] = []
    for element in root.iter():
        ns, name = _local(str(element.tag))
        if ns in EDITOR_NS:
            continue
        if ns != SVG_NS:
            found.append(
                _("<{name}> is not an SVG element (namespace {ns!r})").format(
                    name=name, ns=ns or "none"
                )
            )
            continue
        if name in ACTIVE_ELEMENTS:
            found.append(
                _("<{name}> is not allowed (script, embedded document or animation)").format(
                    name=name
                )
            )
        if name == "style":
            found.extend(_css_problems(element.text or "", "<style>"))
        for key, value in element.attrib.items():
            _ns, attr = _local(key)
            if attr.lower().startswith("on"):
                found.append(
                    _("<{name}> has the event handler {attr}").format(name=name, attr=attr)
                )
            elif attr == "href" and (size := _oversized(name, value)) is not None:
                found.append(
                    _(
                        "<{name}> embeds a picture of {size} pixels; expected at most {most}"
                        " (a picture that large stalls the typesetter and the browser)"
                    ).format(name=name, size=size, most=MAX_PIXELS)
                )
            elif attr == "href" and _carries_metadata(name, value):
                found.append(
                    _(
                        "<{name}> embeds a photo with EXIF or XMP metadata (it may hold where"
                        " and when it was taken, which the site never publishes); embed it"
                        " without metadata"
                    ).format(name=name)
                )
            elif attr == "href" and not _internal_ref(name, value):
                found.append(
                    _("<{name}> refers to {value!r}; only #fragments are allowed").format(
                        name=name, value=value[:60]
                    )
                )
            else:
                css = attr == "style" or (ns == SVG_NS and attr in CSS_ATTRIBUTES)
                found.extend(_css_problems(value, f"<{name} {attr}>", css=css))
    return list(dict.fromkeys(found))


#: What an embedded photo's metadata starts with: EXIF in JPEG (APP1) and WebP, PNG's eXIf
#: chunk, XMP (a position: GPSLatitude).
_METADATA = (b"Exif\x00\x00", b"eXIf", b"EXIF", b"<x:xmpmeta", b"ns.adobe.com/xap", b"GPSLatitude")


def _embedded(element: str, value: str) -> bytes | None:
    """The bytes of the photo ``value`` embeds (a base64 data: URL of an <image>), if any."""
    value = value.strip()
    found = RASTER_DATA.match(value)
    if element != "image" or found is None:
        return None
    try:
        return base64.b64decode(value[found.end() :])
    except (binascii.Error, ValueError):
        return None  # no photo a browser shows


def _carries_metadata(element: str, value: str) -> bool:
    """Whether ``value`` embeds a photo that carries metadata: the site and the printed
    bulletin serve an SVG as signed, so the metadata of a photo inside it would be published
    (a phone's JPEG with its GPS position)."""
    data = _embedded(element, value)
    return data is not None and any(marker in data for marker in _METADATA)


def _oversized(element: str, value: str) -> str | None:
    """The size ('20000x20000') of an embedded photo of more than MAX_PIXELS pixels, read
    from its header (its pixels are never decoded here); None for any other."""
    data = _embedded(element, value)
    if data is None:
        return None
    from PIL import Image  # noqa: PLC0415 - loaded only for an SVG that embeds a photo

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # more than twice Pillow's own limit
        return _("more than {count}").format(count=2 * (Image.MAX_IMAGE_PIXELS or 0))
    except Exception:  # Pillow's decoders raise many kinds: no picture a browser shows
        return None
    return f"{width}x{height}" if width * height > MAX_PIXELS else None


def _internal_ref(element: str, value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or (element == "image" and bool(RASTER_DATA.match(value)))
