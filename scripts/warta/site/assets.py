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
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import unquote

from warta.adapters.photos import MAX_PIXELS_PER_BYTE, embedded
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
#: Attributes whose value a browser fetches or opens, whatever it is.
_FETCHING = frozenset({"ping", "src", "srcset", "action", "formaction", "poster", "background"})
#: A value that names another site, a script or data (in an attribute that is not href).
#: (A scheme is looked for from the start of each run of scheme characters only, possessively:
#: from every letter of one long run, the search took time square in its length, an hour for
#: an SVG of 1 MiB in a draft; found by an independent attack. It matches as
#: ``[a-z][a-z0-9+.-]*:\s*/`` did: a run holding a letter, then a colon.)
_ELSEWHERE = re.compile(
    r"(?<![a-z0-9+.-])(?=[0-9+.-]*+[a-z])[a-z0-9+.-]++:\s*+/|javascript:|data:|//",
    re.IGNORECASE,
)
RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
#: (Possessive: spaces that end in ``#`` were tried at every split, time square in their
#: number; found by the same attack.)
_URL_REF = re.compile(r"url\(\s*+['\"]?\s*+(?![\s'\"#])", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
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


#: The most pictures (data: URLs) one SVG may embed.
MAX_EMBEDDED = 20
#: The most a filter primitive may ask of the one who draws it (the number named, per
#: attribute): a dilation of radius 300 (263 bytes) ran past two minutes in the bulletin's
#: typesetter, 200 blurs chained past a minute in Chromium (found by an independent attack).
FILTER_BOUNDS = {
    ("feMorphology", "radius"): 8.0,
    ("feGaussianBlur", "stdDeviation"): 50.0,
    ("feDropShadow", "stdDeviation"): 50.0,
    ("feConvolveMatrix", "order"): 5.0,
    ("feTurbulence", "numOctaves"): 8.0,
}
#: The most filter primitives one SVG may hold.
MAX_FILTER_STEPS = 20
#: The most elements one SVG may draw once every reference to a ``#fragment`` (``<use>``)
#: is drawn as the element it names: six groups of ten ``<use>`` of the one before, 2 KB,
#: drew a million rectangles, which kept a browser busy past a minute and stopped the
#: bulletin's typesetter at its limit of a million (found by an independent attack).
MAX_DRAWN = 100_000


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
    pictures = 0
    for element in root.iter():
        ns, name = _local(str(element.tag))
        if ns in EDITOR_NS:
            continue
        pictures += sum(1 for v in element.attrib.values() if RASTER_DATA.match(v.strip()))
        if pictures > MAX_EMBEDDED:  # (each is decoded whole: 300 took minutes)
            found.append(_(
                "it embeds more than {most} pictures; expected a drawing with a few"
            ).format(most=MAX_EMBEDDED))
            break
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
            # a browser reads all the text inside (after a child element too, and every
            # CDATA block), not only ElementTree's .text
            if len(element):
                found.append(_("<style> holds elements; expected only a style sheet"))
            found.extend(_css_problems("".join(element.itertext()), "<style>"))
        for key, value in element.attrib.items():
            _ns, attr = _local(key)
            if attr.lower().startswith("on"):
                found.append(
                    _("<{name}> has the event handler {attr}").format(name=name, attr=attr)
                )
            elif attr.lower() in _FETCHING:  # fetched or opened (<a ping> on a click)
                found.append(_elsewhere(name, attr, value))
            elif attr == "href" and (problem := _embedded_problem(name, value)) is not None:
                found.append(problem)
            elif attr == "href" and not _internal_ref(name, value):
                found.append(
                    _("<{name}> refers to {value!r}; only #fragments are allowed").format(
                        name=name, value=value[:60]
                    )
                )
            else:
                # any attribute of the drawing may be a presentation attribute a browser
                # reads as CSS (marker-end, …): a CSS escape is refused in all of them
                css = _ns in ("", SVG_NS)
                problems = list(_css_problems(value, f"<{name} {attr}>", css=css))
                if (
                    not problems
                    and attr != "href"
                    and name not in ACTIVE_ELEMENTS  # (refused whole above)
                    and _ns in ("", SVG_NS)
                    and _ELSEWHERE.search(value)
                ):
                    # only href (checked above) may name anything, and only a #fragment
                    problems.append(_elsewhere(name, attr, value))
                found.extend(problems)
    found.extend(_filter_problems(root))
    if not found:
        drawn = _drawn(root)
        if drawn is None:
            found.append(_("an element refers to an element that holds it (#fragment)"))
        elif drawn > MAX_DRAWN:
            found.append(
                _(
                    "it draws more than {most} elements once each #fragment it refers to is"
                    " drawn where it is named; expected a drawing of fewer"
                ).format(most=MAX_DRAWN)
            )
    return list(dict.fromkeys(found))


#: ``url(#fragment)`` in an attribute or style sheet (the fragment as written).
_URL_FRAGMENT = re.compile(r"url\(\s*+['\"]?\s*+#([^'\")\s]*)", re.IGNORECASE)
#: A number in path data or a list of points.
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _vertices(element: ET.Element) -> int:
    """How many points a marker may be drawn at on ``element`` (an upper bound: every
    command and every pair of numbers of its path data or points)."""
    data = element.get("d") or element.get("points") or ""
    commands = sum(1 for c in data if c.isalpha() and c not in "eE")
    return max(commands, len(_NUMBER.findall(data)) // 2) + 2


def _target(value: str, ids: dict[str, ET.Element]) -> ET.Element | None:
    """The element a ``#fragment`` names, as a browser finds it (``%6c5`` is ``l5``)."""
    return ids.get(unquote(value))


def _references(
    element: ET.Element, ids: dict[str, ET.Element]
) -> Iterator[tuple[ET.Element, int]]:
    """The elements ``element`` draws by ``#fragment`` (``href``, ``xlink:href`` and any
    ``url(#…)``), each with how many times it may be drawn (a marker at every point of a
    path). A link's ``href`` draws nothing."""
    _ns, name = _local(str(element.tag))
    for key, value in element.attrib.items():
        attr = _local(key)[1]
        if attr == "href" and name != "a" and value.strip().startswith("#"):
            target = _target(value.strip()[1:], ids)
            if target is not None:
                yield target, 1
            continue
        for fragment in _URL_FRAGMENT.findall(value):
            target = _target(fragment, ids)
            if target is not None:
                marker = "marker" in attr or "marker" in value.lower()
                yield target, _vertices(element) if marker else 1


def _styled(root: ET.Element, ids: dict[str, ET.Element]) -> list[tuple[ET.Element, int]]:
    """What the ``<style>`` sheets name by ``url(#…)``: a rule may apply to every element,
    and a marker at every point of every path, so each counts that many times."""
    named = [
        fragment
        for element in root.iter()
        if _local(str(element.tag)) == (SVG_NS, "style")
        for fragment in _URL_FRAGMENT.findall("".join(element.itertext()))
    ]
    if not named:
        return []
    times = sum(1 + _vertices(e) for e in root.iter())
    return [(t, times) for f in named if (t := _target(f, ids)) is not None]


def _drawn(root: ET.Element) -> int | None:
    """How many elements a browser draws for ``root``, each one that names another by
    ``#fragment`` counting as that one too (with what it holds and names) as many times as
    it may draw it, at most :data:`MAX_DRAWN` + 1; None if an element names one that holds
    it. Depth first, without recursion (a drawing may nest deeper than Python's stack)."""
    ids: dict[str, ET.Element] = {}
    for element in root.iter():
        name = element.get("id")
        if name is not None:
            ids.setdefault(name, element)
    count: dict[int, int] = {}
    open_: set[int] = set()  # (on the path being walked)
    styled = _styled(root, ids)
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        key = id(element)
        named = [*_references(element, ids), *(styled if element is root else ())]
        if closing:
            open_.discard(key)
            total = 1 + sum(count[id(c)] for c in element)
            total += sum(count[id(t)] * times for t, times in named)
            count[key] = min(total, MAX_DRAWN + 1)
            continue
        if key in count:
            continue
        open_.add(key)
        stack.append((element, True))
        for nested in (*element, *(t for t, _times in named)):
            if id(nested) in open_:
                return None
            if id(nested) not in count:
                stack.append((nested, False))
    return count[id(root)]


def _filter_problems(root: ET.Element) -> Iterator[str]:
    """What in the drawing's filters asks too much of the one who draws it."""
    steps = 0
    for element in root.iter():
        ns, name = _local(str(element.tag))
        if ns != SVG_NS or not name.startswith("fe"):
            continue
        if not name.startswith(("feFunc", "feMergeNode", "feDistantLight", "fePointLight",
                                "feSpotLight")):
            steps += 1
            if steps == MAX_FILTER_STEPS + 1:
                yield _("it holds more than {most} filter steps; expected a drawing with a few"
                        ).format(most=MAX_FILTER_STEPS)
        for (kind, attr), most in FILTER_BOUNDS.items():
            if name == kind and any(
                float(n) > most for n in _NUMBER.findall(element.get(attr, ""))
            ):
                yield _("<{name}> asks for {attr} above {most}; expected at most that").format(
                    name=name, attr=attr, most=f"{most:g}"
                )


def _elsewhere(name: str, attr: str, value: str) -> str:
    return _("<{name}> {attr}={value!r} names another address; expected none").format(
        name=name, attr=attr, value=value[:60]
    )


#: What an embedded photo's metadata starts with: EXIF in JPEG (APP1) and WebP, PNG's eXIf
#: chunk, XMP (a position: GPSLatitude).
_METADATA = (b"Exif\x00\x00", b"eXIf", b"EXIF", b"<x:xmpmeta", b"ns.adobe.com/xap", b"GPSLatitude")


#: What a browser drops from base64 before decoding it (ASCII whitespace).
_BASE64_SPACE = re.compile(r"[ \t\n\r\f]+")


def _embedded_problem(element: str, value: str) -> str | None:
    """Why the photo ``value`` embeds (a base64 data: URL of an <image>) may not be
    published, or None (for a photo that may, and for any other value). The base64 must be
    plain, padded and whole (after ASCII whitespace): decoders disagree on anything else
    (Python skips a '%' and fails without padding; Typst and browsers decode both), so a
    picture the checks below cannot read is never one a reader's program draws. It must be
    a PNG, JPEG, GIF or WebP picture of at most MAX_PIXELS pixels that Pillow reads whole
    (:func:`warta.adapters.photos.embedded`), without EXIF, XMP, text or comments: the site
    and the bulletin serve an SVG as signed, so a phone's JPEG inside one would publish where
    it was taken."""
    value = value.strip()
    found = RASTER_DATA.match(value)
    if element != "image" or found is None:
        return None
    try:
        data = base64.b64decode(_BASE64_SPACE.sub("", value[found.end() :]), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    picture = embedded(data) if data else None
    if picture is not None and (picture.past or picture.width * picture.height > MAX_PIXELS):
        shown = (
            _("more than {count}").format(count=picture.past)
            if picture.past
            else f"{picture.width}x{picture.height}"
        )
        return _(
            "<{name}> embeds a picture of {size} pixels; expected at most {most}"
            " (a picture that large stalls the typesetter and the browser)"
        ).format(name=element, size=shown, most=MAX_PIXELS)
    if picture is not None and picture.dense:
        return _(
            "<{name}> embeds a picture of {width}x{height} pixels in {size} bytes, a"
            " decompression bomb; expected at most {ratio} pixels per byte"
        ).format(name=element, width=picture.width, height=picture.height, size=len(data),
                 ratio=MAX_PIXELS_PER_BYTE)
    if picture is None or picture.extra is None:  # (not read whole)
        return _(
            "<{name}> embeds data that is not a PNG, JPEG, GIF or WebP picture in plain,"
            " padded base64"
        ).format(name=element)
    if picture.extra or any(marker in data for marker in _METADATA):
        return _(
            "<{name}> embeds a photo with EXIF or XMP metadata (it may hold where"
            " and when it was taken, which the site never publishes); embed it"
            " without metadata"
        ).format(name=element)
    return None


def _internal_ref(element: str, value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or (element == "image" and bool(RASTER_DATA.match(value)))
