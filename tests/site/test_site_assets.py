"""Files beside an item (warta.site.assets): only passive types, and SVGs only as plain
drawings; one case per rule with its exact message."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import SVG

from helpers import MAIN
from warta.model.closure import type_problem
from warta.site import assets

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    ' viewBox="0 0 16 9">'
)


def svg(inner: str) -> bytes:
    return f"{HEAD}{inner}</svg>".encode()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (svg("<script>alert(1)</script>"),
         "<script> is not allowed (script, embedded document or animation)"),
        (svg('<rect width="1" height="1" onload="alert(1)"/>'),
         "<rect> has the event handler onload"),
        (svg('<g ONCLICK="alert(1)"/>'), "<g> has the event handler ONCLICK"),
        (svg("<foreignObject><p>x</p></foreignObject>"),
         "<foreignObject> is not allowed (script, embedded document or animation)"),
        (svg('<set attributeName="href" to="javascript:alert(1)"/>'),
         "<set> is not allowed (script, embedded document or animation)"),
        (svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
         "<a> refers to 'javascript:alert(1)'; only #fragments are allowed"),
        (svg('<a href="https://evil.test/"><text>x</text></a>'),
         "<a> refers to 'https://evil.test/'; only #fragments are allowed"),
        (svg('<image href="https://evil.test/pixel.png"/>'),
         "<image> refers to 'https://evil.test/pixel.png'; only #fragments are allowed"),
        (svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'),
         "<image> refers to 'data:image/svg+xml;base64,PHN2Zz4='; only #fragments are allowed"),
        (svg('<use href="lain.svg#ikon"/>'),
         "<use> refers to 'lain.svg#ikon'; only #fragments are allowed"),
        (svg('<rect style="fill: url(https://evil.test/x)"/>'),
         "<rect style> refers to a file or site with url() or image-set(); only url(#…) is"
         " allowed"),
        (svg('<rect fill="url(\'//evil.test/x\')"/>'),
         "<rect fill> refers to a file or site with url() or image-set(); only url(#…) is"
         " allowed"),
        (svg("<style>@import 'https://evil.test/a.css';</style>"),
         "<style> imports a style sheet (@import)"),
        (svg("<style>rect { fill: u\\rl(https://evil.test/x) }</style>"),
         "<style> uses CSS escapes (\\), which could spell any reference"),
        (svg('<rect style="fill: image-set(\'https://evil.test/x\' 1x)"/>'),
         "<rect style> refers to a file or site with url() or image-set(); only url(#…) is"
         " allowed"),
        (svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
         "<script> is not an SVG element (namespace 'http://www.w3.org/1999/xhtml')"),
        (svg('<x:y xmlns:x="urn:x"/>'),
         "<y> is not an SVG element (namespace 'urn:x')"),
    ],
)
def test_unsafe_svg(data: bytes, problem: str) -> None:
    assert assets.svg_problems(data) == [problem]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xff\xfe<\x00s\x00", "it is not UTF-8 text"),
        (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
         "it has a DOCTYPE or entity declarations"),
        (b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="x.xsl"?>' + svg(""),
         "it has a processing instruction (such as xml-stylesheet)"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>",
         "it is not well-formed XML (mismatched tag: line 1, column 48)"),
        (b"<svg><script>alert(1)</script></svg>", "its root element is not an SVG <svg>"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "its root element is not an SVG <svg>"),
    ],
)
def test_unreadable_or_disguised_svg(data: bytes, problem: str) -> None:
    assert assets.svg_problems(data) == [problem]


def test_every_problem_is_listed_once() -> None:
    data = svg('<rect onload="a()"/><rect onload="a()"/><script/>')
    assert assets.svg_problems(data) == [
        "<rect> has the event handler onload",
        "<script> is not allowed (script, embedded document or animation)",
    ]


def _png_base64(size: tuple[int, int] = (16, 16)) -> str:
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (70, 130, 180)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def _wrapped(data: str) -> str:
    """Base64 on lines of 76 characters, as some editors write it (a browser skips the
    whitespace)."""
    return "\n".join(data[i : i + 76] for i in range(0, len(data), 76))


def test_plain_drawings_pass() -> None:
    drawings = [
        SVG.format(color="#4a90c2").encode(),
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg(
            '<defs><linearGradient id="g"><stop offset="0"/></linearGradient>'
            '<symbol id="i"><path d="M0 0h1"/></symbol></defs>'
            '<rect fill="url(#g)" style="stroke: url( \'#g\' )"/><use xlink:href="#i"/>'
            '<a href="#i"><text>tautan</text></a><style>rect { fill: url(#g) }</style>'
            f'<image href="data:image/png;base64,{_wrapped(_png_base64())}"/><title>Peta</title>'
        ),
        # What Inkscape writes around a drawing.
        svg(
            '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
            'sodipodi-0.dtd" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
            ' inkscape:zoom="1"/><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
            '22-rdf-syntax-ns#"><cc:Work xmlns:cc="http://creativecommons.org/ns#"/></rdf:RDF>'
            "</metadata>"
        ),
    ]
    for data in drawings:
        assert assets.svg_problems(data) == [], data


def test_the_sample_newsrooms_svgs_pass() -> None:
    found = sorted((MAIN / "content").rglob("*.svg"))
    assert len(found) > 10
    for path in found:
        assert assets.svg_problems(path.read_bytes()) == [], path


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("images/foto.JPG", True),
        ("images/foto.webp", True),
        ("lampiran/laporan.pdf", True),
        ("lampiran/data.xlsx", True),
        ("video/rapat.mp4", True),
        ("lampiran/laporan.html", False),
        ("lampiran/laporan.htm", False),
        ("lampiran/laporan.xhtml", False),
        ("lampiran/data.xml", False),
        ("lampiran/skrip.js", False),
        ("images/peta.svgz", False),
        ("lampiran/README", False),
    ],
)
def test_file_types(name: str, allowed: bool) -> None:
    found = type_problem(name)
    assert (found is None) is allowed
    if not allowed:
        suffix = name.rsplit("/", 1)[-1].partition(".")[2]
        shown = f".{suffix}" if suffix else "no suffix"
        assert found == f"files of this type ({shown}) are not published beside news items"


@pytest.mark.parametrize("name", ["catatan.md", "lain.markdown", "x.MD", "a.mdown", "b.mkd"])
def test_a_page_is_never_a_file_of_an_item(name: str) -> None:
    assert type_problem(name) == (
        "would be rendered as a page of the site; expected photos and attachments only"
    )


def _embedded(kind: str, *, metadata: bool) -> bytes:
    """An SVG embedding a small photo as a data: URL, with or without a GPS position."""
    import base64
    import io

    from PIL import Image

    exif = Image.Exif()
    if metadata:
        exif[0x8825] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (70, 130, 180)).save(
        out, kind.upper(), **({"exif": exif.tobytes()} if metadata else {})
    )
    data = base64.b64encode(out.getvalue()).decode()
    return svg(f'<image href="data:image/{kind};base64,{data}" width="16" height="16"/>')


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_an_embedded_photo_with_its_position_is_refused(kind: str) -> None:
    """An independent attack published a phone's GPS position through a JPEG inside a signed
    SVG (on the site and in the printed bulletin, which serve an SVG as signed)."""
    assert assets.svg_problems(_embedded(kind, metadata=False)) == []
    assert assets.svg_problems(_embedded(kind, metadata=True)) == [
        "<image> embeds a photo with EXIF or XMP metadata (it may hold where and when it was"
        " taken, which the site never publishes); embed it without metadata"
    ]


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` (header and one empty data chunk: what
    the check reads; a browser or the typesetter would allocate every pixel)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(
        b"IEND", b""
    )


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [(10_000, 10_000, None), (10_001, 10_000, "10001x10000"),
     (20_000, 20_000, "more than 178956970")],
)
def test_an_embedded_picture_has_at_most_the_pixels_of_a_photo(
    width: int, height: int, shown: str | None
) -> None:
    """A picture inside an SVG was not held to the 100-megapixel limit of a photo file: a
    signed SVG with a 20,000 x 20,000 PNG made the typesetter of the printed bulletin take
    1.2 GB (found by an independent attack)."""
    import base64
    import io

    if shown is None:  # a picture within the limit is read whole: a real one
        from PIL import Image

        out = io.BytesIO()
        Image.new("1", (width, height)).save(out, "PNG")
        picture = out.getvalue()
    else:  # (its header is enough to refuse it)
        picture = _png_header(width, height)
    data = base64.b64encode(picture).decode()
    problems = assets.svg_problems(
        svg(f'<image href="data:image/png;base64,{data}" width="16" height="16"/>')
    )
    expected = [] if shown is None else [
        f"<image> embeds a picture of {shown} pixels; expected at most 100000000 (a picture"
        " that large stalls the typesetter and the browser)"
    ]
    assert problems == expected


@pytest.mark.parametrize(
    "spelled",
    [
        pytest.param(lambda b: b.rstrip("="), id="padding-left-out"),
        pytest.param(lambda b: b[:8] + "%41" + b[9:], id="percent-escape"),
        pytest.param(lambda b: b[:8] + "*" + b[9:], id="not-base64"),
        pytest.param(lambda b: "", id="empty"),
        pytest.param(lambda b: "iVBORw0KGgo=", id="no-picture"),
        pytest.param(lambda b: b + "====", id="padding-after-the-end"),
    ],
)
def test_an_embedded_picture_is_plain_padded_base64_of_a_picture(
    spelled: Callable[[str], str],
) -> None:
    """Python's decoder fails without padding and skips a '%', so the size and metadata
    checks were passed by (found by an independent attack): a 30,000 x 30,000 picture
    without its '=' was signed and made the typesetter take 954 MB, and a GPS JPEG passed
    the same way. Typst and browsers decode both. Anything but plain, padded base64 of a
    picture Pillow reads is refused."""
    import base64

    def padded(data: bytes) -> str:  # (bytes after the picture's end: base64 with '=')
        spelled = base64.b64encode(data + b"\0" * ((1 - len(data)) % 3)).decode()
        assert spelled.endswith("=")
        return spelled

    small = base64.b64decode(_png_base64())
    plain = svg(f'<image href="data:image/png;base64,{padded(small)}" width="1" height="1"/>')
    assert assets.svg_problems(plain) == []
    for data in (padded(small), padded(_png_header(30_000, 30_000))):
        problems = assets.svg_problems(
            svg(f'<image href="data:image/png;base64,{spelled(data)}" width="1" height="1"/>')
        )
        assert problems == [
            "<image> embeds data that is not a PNG, JPEG, GIF or WebP picture in plain,"
            " padded base64"
        ], problems


def test_a_gps_photo_spelled_otherwise_is_refused_all_the_same() -> None:
    import base64
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (70, 130, 180)).save(out, "JPEG", exif=exif.tobytes())
    data = out.getvalue()
    data += b"\0" * ((1 - len(data)) % 3)  # (a length its base64 pads: one '=' or two)
    payload = base64.b64encode(data).decode()
    assert payload.endswith("=")
    for spelled in (payload, payload.rstrip("="), payload[:8] + "%41" + payload[9:]):
        problems = assets.svg_problems(
            svg(f'<image href="data:image/jpeg;base64,{spelled}" width="1" height="1"/>')
        )
        assert len(problems) == 1 and ("EXIF" in problems[0] or "plain" in problems[0])


@pytest.mark.parametrize(
    "drawing",
    [
        pytest.param(
            '<style>rect{fill:red}<g/>rect{fill:url(https://pelacak.example/p.svg#x)}</style>'
            '<rect width="10" height="10"/>', id="css-after-an-element"),
        pytest.param(
            "<style><![CDATA[a{}]]><g/><![CDATA[rect{fill:url(https://pelacak.example/p.svg)}]]>"
            '</style><rect width="10" height="10"/>', id="second-cdata-block"),
        pytest.param(
            '<path d="M10 10 L90 90" stroke="black"'
            ' marker-end="\\75 rl(http://pelacak.example/m.svg#m)"/>', id="escape-in-marker-end"),
        pytest.param(
            '<path d="M10 10 L90 90" marker-start="u\\72 l(http://pelacak.example/m.svg#m)"/>',
            id="escape-in-marker-start"),
        pytest.param('<a href="#x" ping="http://pelacak.example/ping"><rect id="x"/></a>',
                     id="a-ping"),
        pytest.param('<a href="#x" ping="/ping"><rect id="x"/></a>', id="a-ping-here"),
        pytest.param('<rect width="1" height="1" requiredExtensions="https://pelacak.example/"/>',
                     id="address-in-another-attribute"),
    ],
)
def test_a_drawing_loads_nothing_from_elsewhere_however_its_css_is_written(drawing: str) -> None:
    """A browser reads all the text inside <style> (ElementTree's .text is only what comes
    before the first child element) and reads marker-* attributes as CSS, where an escape
    spells url( (found by an independent attack: headless Chromium fetched from another
    server for each)."""
    assert assets.svg_problems(svg(drawing)) != []


def _png_with(chunk: str) -> bytes:
    """An 8x8 PNG carrying a GPS position in a text chunk of the kind named."""
    import io

    from PIL import Image, PngImagePlugin

    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 54.0, 12.5), 3: "E", 4: (107.0, 36.0, 3.2)}
    info = PngImagePlugin.PngInfo()
    if chunk == "ztxt-exif":  # ImageMagick's "Raw profile type exif", compressed
        info.add_text("Raw profile type exif", exif.tobytes().hex(), zip=True)
    elif chunk == "text-exif":
        info.add_text("Raw profile type exif", exif.tobytes().hex())
    else:  # compressed XMP
        xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>6,54.2S</exif:GPSLatitude>'
        info.add_itxt("XML:com.adobe.xmp", xmp + "</x:xmpmeta>", zip=True)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.mark.parametrize("chunk", ["ztxt-exif", "text-exif", "itxt-xmp"])
def test_a_picture_s_text_chunks_are_metadata_too(chunk: str) -> None:
    """The check looked for fixed bytes ('Exif', 'GPSLatitude') in the picture: a position
    in a compressed or hex-written text chunk passed, and was published in the signed SVG
    (found by an independent attack). Anything Pillow reads beyond how to draw the pixels
    is refused."""
    import base64

    data = base64.b64encode(_png_with(chunk)).decode()
    problems = assets.svg_problems(
        svg(f'<image href="data:image/png;base64,{data}" width="8" height="8"/>')
    )
    assert problems == [
        "<image> embeds a photo with EXIF or XMP metadata (it may hold where and when it was"
        " taken, which the site never publishes); embed it without metadata"
    ]


def test_a_later_frame_s_metadata_is_metadata_too() -> None:
    """An APNG's second frame carried a compressed text chunk with a GPS position, which a
    look at the first frame never read (found by an independent attack)."""
    import base64
    import io
    import struct
    import zlib

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", save_all=True,
                                  append_images=[Image.new("RGB", (4, 4), "blue")])
    apng = out.getvalue()
    payload = b"Raw profile type exif\0\0" + zlib.compress(b"GPS 6,10,31S 106,49,37E")
    chunk = (struct.pack(">I", len(payload)) + b"zTXt" + payload
             + struct.pack(">I", zlib.crc32(b"zTXt" + payload)))
    end = apng.rindex(b"IEND") - 4
    hidden = apng[:end] + chunk + apng[end:]
    for picture, refused in ((apng, False), (hidden, True)):
        data = base64.b64encode(picture).decode()
        problems = assets.svg_problems(
            svg(f'<image href="data:image/png;base64,{data}" width="4" height="4"/>')
        )
        assert bool(problems) is refused, problems


# ---- the check's work stays in proportion to the drawing (found by an independent attack) ---

#: The two expressions as they were: each took time square in the length of one value.
_OLD_ELSEWHERE = re.compile(r"[a-z][a-z0-9+.-]*:\s*/|javascript:|data:|//", re.IGNORECASE)
_OLD_URL_REF = re.compile(r"url\(\s*['\"]?\s*(?![\s'\"#])", re.IGNORECASE)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aZ9+.-:/ \t'\"#(urlURL", max_size=40))
def test_the_linear_expressions_find_what_the_old_ones_found(text: str) -> None:
    assert bool(assets._ELSEWHERE.search(text)) == bool(_OLD_ELSEWHERE.search(text)), text
    assert bool(assets._URL_REF.search(text)) == bool(_OLD_URL_REF.search(text)), text


CHECK = """
import sys
from warta.site import assets
value = sys.argv[1]
n = 1 << 20
data = {
    "run": ('<svg xmlns="http://www.w3.org/2000/svg"><g class="' + "a" * n + '"/></svg>'),
    "spaces": ('<svg xmlns="http://www.w3.org/2000/svg"><style>g { fill: url('
               + " " * n + '#g) }</style></svg>'),
}[value]
print(assets.svg_problems(data.encode()))
"""


@pytest.mark.parametrize("shape", ["run", "spaces"])
def test_a_drawing_of_one_mib_is_checked_in_one_pass(shape: str) -> None:
    """One attribute of a megabyte of letters, or a megabyte of spaces in ``url(``: an hour
    of the check before (time square in the length), a few milliseconds now. The bound is a
    guard against that hour, not a measure of speed."""
    done = subprocess.run([sys.executable, "-c", CHECK, shape], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def _fanned(levels: int, fan: int, *, close: str = "") -> bytes:
    """Groups each drawing ``fan`` <use> of the one before: fan ** levels rectangles."""
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><defs>',
             f'<g id="l0"><rect width="1" height="1"/>{close}</g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}" x="{i % 3}"/>' for i in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    parts.append(f'</defs><use href="#l{levels}"/></svg>')
    return "".join(parts).encode()


def test_a_drawing_that_fans_out_through_use_is_refused() -> None:
    """Six groups of ten <use> of the one before: 2 KB that draw a million rectangles (a
    browser past a minute, the typesetter at its limit; found by an independent attack)."""
    bomb = _fanned(6, 10)
    assert len(bomb) < 3000
    assert assets.svg_problems(bomb) == [
        f"it draws more than {assets.MAX_DRAWN} elements once each #fragment it refers to is"
        " drawn where it is named; expected a drawing of fewer"
    ]
    assert assets.svg_problems(_fanned(4, 10)) == []  # (ten thousand: a drawing)
    looped = _fanned(2, 3, close='<use href="#l2"/>')
    assert assets.svg_problems(looped) == [
        "an element refers to an element that holds it (#fragment)"]
    deep = ('<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 5000 + "<rect/>"
            + "</g>" * 5000 + "</svg>").encode()
    assert assets.svg_problems(deep) == []  # (no recursion: deeper than Python's stack)


def _markers(levels: int, points: int) -> bytes:
    """Markers at every point of a path of ``points`` points, each drawing the one before:
    points ** levels shapes."""
    d = "M0 0" + " h1" * (points - 1)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><defs>',
             '<marker id="m0"><rect width="1" height="1"/></marker>']
    for level in range(1, levels):
        parts.append(f'<marker id="m{level}"><path d="{d}" marker-mid="url(#m{level - 1})"/>'
                     "</marker>")
    parts.append(f'</defs><path d="{d}" marker-mid="url(#m{levels - 1})"/></svg>')
    return "".join(parts).encode()


def test_what_a_drawing_names_by_url_or_an_encoded_fragment_is_counted_too() -> None:
    """Markers nested in markers (1.7 KB drawing a million shapes), the <use> bomb with its
    fragments percent-encoded (``#%6c5``, which a browser reads as ``#l5``) and a style
    sheet naming a marker for every path passed the count (found by an independent
    attack); a link to the drawing's own id draws nothing and is no loop."""
    too_many = f"it draws more than {assets.MAX_DRAWN} elements"
    assert too_many in assets.svg_problems(_markers(4, 40))[0]
    assert assets.svg_problems(_markers(2, 40)) == []
    encoded = _fanned(6, 10).replace(b'href="#l', b'href="#%6c')
    assert too_many in assets.svg_problems(encoded)[0]
    defs = _markers(3, 60).decode().split("<defs>")[1].split("</defs>")[0]
    line = " h1" * 59
    paths = "".join(f'<path d="M0 {n}{line}"/>' for n in range(30))
    plain = f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{defs}</defs>{paths}</svg>'
    assert assets.svg_problems(plain.encode()) == []
    sheet = plain.replace("<defs>", "<style>path{marker-mid:url(#m2)}</style><defs>")
    assert too_many in assets.svg_problems(sheet.encode())[0]
    link = (b'<svg xmlns="http://www.w3.org/2000/svg" id="top"><a href="#top"><rect/></a>'
            b'<use href="#%72"/><rect id="r"/></svg>')
    assert assets.svg_problems(link) == []


@pytest.mark.parametrize(("steps", "problem"), [
    ('<feMorphology operator="dilate" radius="300"/>',
     "<feMorphology> asks for radius above 8; expected at most that"),
    ('<feMorphology radius="2 300"/>',
     "<feMorphology> asks for radius above 8; expected at most that"),
    ('<feTurbulence numOctaves="1000000"/>',
     "<feTurbulence> asks for numOctaves above 8; expected at most that"),
    ('<feConvolveMatrix order="64" kernelMatrix="1"/>',
     "<feConvolveMatrix> asks for order above 5; expected at most that"),
    ('<feGaussianBlur stdDeviation="200"/>' * 21,
     "<feGaussianBlur> asks for stdDeviation above 50; expected at most that"),
])
def test_a_filter_that_asks_too_much_of_its_reader_is_refused(steps: str, problem: str) -> None:
    """A dilation of radius 300 (263 bytes) ran past two minutes in the typesetter and 200
    chained blurs past a minute in Chromium (found by an independent attack)."""
    data = svg(f'<filter id="f">{steps}</filter><rect width="9" height="9" filter="url(#f)"/>')
    assert problem in assets.svg_problems(data)
    many = svg('<filter id="f">' + '<feGaussianBlur stdDeviation="1"/>' * 21 + "</filter>")
    assert assets.svg_problems(many) == [
        "it holds more than 20 filter steps; expected a drawing with a few"]
    fine = svg('<filter id="f"><feGaussianBlur stdDeviation="2"/><feMorphology radius="1"/>'
               '<feMerge><feMergeNode in="SourceGraphic"/></feMerge></filter>'
               '<rect width="9" height="9" filter="url(#f)"/>')
    assert assets.svg_problems(fine) == []
