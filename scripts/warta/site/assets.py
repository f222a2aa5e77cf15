"""Which files beside an item may be served from the site's origin.

A file in an item's folder is published as it is, at the site's own origin, so a file a
browser would run (HTML, JavaScript, XML, an SVG with script) would run with the site's
authority. Only known passive types pass, and an SVG only if it is a plain drawing: no
script, event handlers, foreignObject, animation, foreign (e.g. XHTML) elements, DOCTYPE or
processing instructions, and no reference to anything outside itself (links and ``url()``
may only point at ``#fragments``; embedded raster images are allowed). An item with any
other file is left out of the build with the reason; the author removes or replaces it.

SVGs are refused, not rewritten: a rewritten drawing would no longer be the signed file.
"""

from __future__ import annotations

import functools
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping

#: Suffixes (lowercase) of files that may sit beside an item; everything else is refused.
PASSIVE = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"),
        *(".pdf", ".txt", ".csv", ".odt", ".ods", ".odp", ".doc", ".docx", ".xls", ".xlsx"),
        *(".ppt", ".pptx", ".mp3", ".m4a", ".ogg", ".oga", ".mp4", ".webm", ".ogv", ".zip"),
    }
)
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
_DECL = re.compile(r"^\ufeff?\s*<\?xml\s[^?]*\?>")


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree ``{ns}name``."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _css_problems(text: str, where: str) -> Iterator[str]:
    if _IMPORT.search(text):
        yield f"{where} imports a style sheet (@import)"
    if _URL_REF.search(text):
        yield f"{where} refers to a file or site with url(); only url(#…) is allowed"


def svg_problems(data: bytes) -> list[str]:
    """Why the SVG ``data`` may not be served from the site (empty: it may)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ["it is not UTF-8 text"]
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return ["it has a DOCTYPE or entity declarations"]
    if "<?" in _DECL.sub("", text, count=1):
        return ["it has a processing instruction (such as xml-stylesheet)"]
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [f"it is not well-formed XML ({exc})"]
    if _local(root.tag) != (SVG_NS, "svg"):
        return ["its root element is not an SVG <svg>"]
    found: list[str] = []
    for element in root.iter():
        ns, name = _local(str(element.tag))
        if ns in EDITOR_NS:
            continue
        if ns != SVG_NS:
            found.append(f"<{name}> is not an SVG element (namespace {ns or 'none'!r})")
            continue
        if name in ACTIVE_ELEMENTS:
            found.append(f"<{name}> is not allowed (script, embedded document or animation)")
        if name == "style":
            found.extend(_css_problems(element.text or "", "<style>"))
        for key, value in element.attrib.items():
            _, attr = _local(key)
            if attr.lower().startswith("on"):
                found.append(f"<{name}> has the event handler {attr}")
            elif attr == "href" and not _internal_ref(name, value):
                found.append(f"<{name}> refers to {value[:60]!r}; only #fragments are allowed")
            else:
                found.extend(_css_problems(value, f"<{name} {attr}>"))
    return list(dict.fromkeys(found))


def _internal_ref(element: str, value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or (element == "image" and bool(RASTER_DATA.match(value)))


def problems(src_uri: str, read: Callable[[], bytes]) -> list[str]:
    """Why the file at ``src_uri`` may not be published beside an item (``read`` gives its
    bytes; it is called only for types whose content is checked)."""
    suffix = posixpath.splitext(src_uri)[1].lower()
    if suffix not in PASSIVE:
        shown = suffix or "no suffix"
        return [f"files of this type ({shown}) are not published beside news items"]
    if suffix == ".svg":
        return [f"unsafe SVG: {p}" for p in svg_problems(read())]
    return []


def refusals(owners: Mapping[str, str], read: Callable[[str], bytes]) -> dict[str, list[str]]:
    """The item pages that may not be published because of a file beside them, each with
    its reasons ('images/x.svg: unsafe SVG: …'). ``owners`` maps each file to its item page."""
    out: dict[str, list[str]] = {}
    for uri in sorted(owners):
        page = owners[uri]
        shown = posixpath.relpath(uri, posixpath.dirname(page))
        for problem in problems(uri, functools.partial(read, uri)):
            out.setdefault(page, []).append(f"{shown}: {problem}")
    return out
