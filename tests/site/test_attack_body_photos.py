"""Attacks on body photos (<picture> of clean copies, body.img-alt, the audit by name), by
an independent review: a staff member with push rights, whose texts and files are signed in
good faith by the SOP's signers, tries to publish a photo's EXIF/GPS, a link the audit does
not read, or an image no reader can hear. Each failed before its fix."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from test_site_photos import MARKERS, _approve_and_build, _edit, phone_jpeg, photo_newsroom

from helpers import WIB, Repo, SignedRepos, copy_repo


@pytest.fixture
def site(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    """The photo newsroom of test_site_photos.py, copied, with a cache folder of its own."""
    repo = copy_repo(signed_repo(photo_newsroom), tmp_path / "repo")
    repo.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return repo


DAY = "2026-11-03"


def _writer_adds(site: Repo, slug: str, name: str, data: bytes, markdown: str) -> str:
    """A new item ``slug`` (assigned, ordered), to whose folder the writer adds ``name``
    (``data``) and whose body gains ``markdown``, committed unsigned; its path."""
    path = site.new_item(slug.replace("-", " ").title(), at=f"{DAY}T08:00:00{WIB}", slug=slug)
    site.sign(path, "sri", f"{DAY}T08:04:00{WIB}")
    site.write(f"content/berita/2026/{slug}/images/{name}", data)
    _edit(path, "Isi berita.\n", f"Isi berita.\n\n{markdown}\n")
    site.commit_all("foto")
    return f"content/berita/2026/{slug}/index.md"


def _writer_signs(site: Repo, rel: str) -> subprocess.CompletedProcess[str]:
    """The writer (step 3) signs ``rel`` through the CLI."""
    return site.cli("sign", rel, "--key", str(site.keys["dimas"]), "--at", f"{DAY}T10:00:00{WIB}")


def test_a_phone_jpeg_named_gif_is_refused_never_published_with_its_exif(
    site: Repo, tmp_path: Path
) -> None:
    """A GIF is published as signed (no copy is made of it), so a phone's JPEG (EXIF maker,
    GPS position) renamed ``foto.gif`` would reach the site byte for byte, and every browser
    shows it whatever its name. A GIF's bytes are decoded and checked like a raster photo's:
    this one is a JPEG named like a GIF (``image.unreadable``), so ``warta validate`` says
    so, nobody can sign the item, and no output carries its EXIF."""
    rel = _writer_adds(
        site, "foto-gif", "foto.gif", phone_jpeg(31), "![Warga di balai desa](images/foto.gif)"
    )
    validated = site.cli("validate")
    assert validated.returncode == 1, validated.stdout + validated.stderr
    assert f"{rel}" in validated.stdout and "[image.unreadable]" in validated.stdout
    assert "a JPEG image named like a GIF one" in validated.stdout, validated.stdout
    refused = _writer_signs(site, rel)
    assert refused.returncode == 1 and "[image.unreadable]" in refused.stderr, refused.stderr
    out = tmp_path / "site"
    assert site.cli("build", "-d", str(out)).returncode == 0
    leaked = [
        (p.relative_to(out).as_posix(), marker)
        for p in out.rglob("*")
        if p.is_file()
        for marker in MARKERS
        if marker in p.read_bytes()
    ]
    assert not leaked and not (out / "berita/2026/foto-gif").exists(), leaked


def _gif(extension: bytes = b"", comment: bytes = b"") -> bytes:
    """A real 8x8 GIF, with ``extension`` (a raw extension block) before its image."""
    made = io.BytesIO()
    Image.new("P", (8, 8)).save(made, "GIF", **({"comment": comment} if comment else {}))
    data = made.getvalue()
    at = data.index(b"\x2c")  # the image descriptor
    return data[:at] + extension + data[at:]


def test_a_gif_with_a_position_is_refused(site: Repo) -> None:
    """A GIF carrying a GPS position (an XMP block, which Pillow does not parse in a GIF) would
    be published with it: that is an error (``image.gps``), not the warning a raster photo's
    position is (only its clean copies are published)."""
    xmp = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="6,54.5S"/></x:xmpmeta>'
    block = b"\x21\xff\x0bXMP DataXMP" + bytes([len(xmp)]) + xmp + b"\x00"
    rel = _writer_adds(site, "peta-lokasi", "peta.gif", _gif(block), "![Peta](images/peta.gif)")
    refused = _writer_signs(site, rel)
    assert refused.returncode == 1, refused.stderr
    assert re.search(rf"{rel}:\d+: error \[image\.gps\] images/peta\.gif", refused.stderr), (
        refused.stderr
    )


@pytest.mark.parametrize(
    "blank",
    [
        "",  # the control: Markdown's empty alt is refused (passes today)
        "\u200b",  # zero-width space
        "&#8203;",  # the same, as a character reference
        "\u2060",  # word joiner
        "\u3164",  # Hangul filler
        "\u2800",  # braille pattern blank
    ],
)
def test_an_invisible_alt_text_does_not_pass_body_img_alt(site: Repo, blank: str) -> None:
    """``body.img-alt`` accepts any alt text Python's ``str.strip`` leaves non-empty: a
    zero-width space, a word joiner, a Hangul filler or a braille blank is "alt text" to the
    validator and nothing at all to a screen reader (and invisible to the signer, who sees
    the same blank as ``![](foto.jpg)``, which the rule refuses). Expected: signing refused
    with ``body.img-alt``, as for the empty alt."""
    shown = f"![{blank}](images/foto.jpg)"
    rel = _writer_adds(site, "alt-kosong", "foto.jpg", phone_jpeg(5), shown)
    result = _writer_signs(site, rel)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (blank, result.stdout, result.stderr)
    assert re.search(rf"{rel}:\d+: error \[body\.img-alt\]", result.stderr), result.stderr


def test_the_audit_reads_a_gif(site: Repo, tmp_path: Path) -> None:
    """A GIF is published as its writer signed it, so the audit reads it as it reads any file
    (only the photos published as Pillow's copies are checked by name alone): a real GIF
    whose comment names the unpublished draft ``foto-rusak``'s URL fails the build."""
    day = "2026-11-03"
    folder = "content/berita/2026/peta-gif/images/"
    site.write(folder + "peta.gif", _gif(comment=b'<a href="../../foto-rusak/">Foto rusak</a>'))
    body = "Isi.\n\n![Peta lokasi](images/peta.gif)\n"
    path = site.new_item("Peta Gif", at=f"{day}T08:00:00{WIB}", slug="peta-gif", body=body)
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    site.sign(path, "dimas", f"{day}T10:00:00{WIB}")
    site.sign(path, "sri", f"{day}T10:04:00{WIB}")
    site.sign(path, "hendra", f"{day}T10:08:00{WIB}")
    site.commit_all("berita")
    out = tmp_path / "site"
    result = site.cli("build", "-d", str(out))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode != 0 and "foto-rusak" in result.stderr, result.stderr
    # the leak is found in the GIF's own bytes, and the refused site is not left behind
    assert "berita/2026/peta-gif/images/peta.gif: " in result.stderr, result.stderr
    assert not any(out.iterdir())


def test_the_feeds_show_a_body_photo_that_the_site_serves(site: Repo, tmp_path: Path) -> None:
    """The page shows a body photo as the <picture> of its copies, but the feeds carry the
    body as rendered, with the original's URL made absolute. For a JPEG the original's URL
    serves a clean copy; for an AVIF nothing is served there, so every feed reader shows a
    broken image. Expected: each image a feed shows is a file of the site."""
    day = "2026-11-03"
    folder = "content/berita/2026/foto-avif/images/"
    out_avif = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 40)).save(out_avif, "AVIF")
    site.write(folder + "foto.avif", out_avif.getvalue())
    body = "Isi.\n\n![Warga di balai desa](images/foto.avif)\n"
    path = site.new_item("Foto Avif", at=f"{day}T08:00:00{WIB}", slug="foto-avif", body=body)
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    out, _result = _approve_and_build(site, path, day, tmp_path)
    page = (out / "berita/2026/foto-avif/index.html").read_text(encoding="utf-8")
    assert "<picture>" in page  # the page shows the copies
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    url = r"https?://[^\"'&<> ]+?/(berita/2026/foto-avif/images/[^\"'&<> ]+)"
    shown = set(re.findall(url, feed))
    assert shown, feed
    missing = [rel for rel in sorted(shown) if not (out / rel).is_file()]
    assert not missing, missing


def test_a_body_image_must_be_a_photo_file(site: Repo) -> None:
    """A browser shows whatever image bytes an ``<img>`` gets, whatever the file's name: a
    phone's JPEG listed as ``foto.txt`` and shown with ``![…](images/foto.txt)`` would be
    published as signed (a .txt is an attachment, never made a clean copy of), EXIF and GPS
    included. An image of the body must name a photo file: signing is refused with
    ``link.image-type``; a link to the same file (a download) is not an image."""
    rel = _writer_adds(
        site, "foto-teks", "foto.txt", phone_jpeg(41), "![Warga di balai desa](images/foto.txt)"
    )
    path = site.path(rel)
    refused = _writer_signs(site, rel)
    assert refused.returncode == 1, refused.stderr
    assert re.search(rf"{rel}:\d+: error \[link\.image-type\] .*'images/foto\.txt'", refused.stderr)
    assert "Traceback" not in refused.stderr
    _edit(path, "![Warga di balai desa](images/foto.txt)", "[Data mentah](images/foto.txt)")
    site.commit_all("tautan")
    signed = _writer_signs(site, rel)
    assert signed.returncode == 0, signed.stderr


def test_an_svg_embedding_a_photo_with_its_position_is_never_signed(
    site: Repo,
) -> None:
    """The SVG is published as signed (on the site and in the bulletin), so the GPS position
    of a JPEG inside it would be: ``warta sign`` refuses it (found by an independent attack)."""

    path = site.new_item("Peta Lokasi", at=f"2026-11-02T08:00:00{WIB}", slug="peta-lokasi")
    site.sign(path, "sri", f"2026-11-02T08:04:00{WIB}")
    data = base64.b64encode(_gps_jpeg()).decode()
    (path.parent / "peta.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
        f'<image href="data:image/jpeg;base64,{data}" width="16" height="16"/></svg>',
        encoding="utf-8",
    )
    refused = site.cli("sign", str(path), "--key", str(site.keys["dimas"]),
                       "--at", f"2026-11-02T10:00:00{WIB}")
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "[files.unsafe] peta.svg: unsafe SVG: <image> embeds a photo with EXIF" in (
        refused.stderr
    )


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (70, 130, 180)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_an_svg_embedding_a_picture_too_large_to_draw_is_never_signed(site: Repo) -> None:
    """A 20,000 x 20,000 PNG inside a signed SVG made the bulletin's typesetter take 1.2 GB:
    the 100-megapixel limit held for photo files only (found by an independent attack)."""
    from test_site_assets import _png_header

    path = site.new_item("Peta Besar", at=f"2026-11-02T08:00:00{WIB}", slug="peta-besar")
    site.sign(path, "sri", f"2026-11-02T08:04:00{WIB}")
    data = base64.b64encode(_png_header(20_000, 20_000)).decode()
    (path.parent / "peta.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
        f'<image href="data:image/png;base64,{data}" width="16" height="16"/></svg>',
        encoding="utf-8",
    )
    assert "[files.unsafe] peta.svg: unsafe SVG: <image> embeds a picture of more than" in (
        writer_refused(site, path)
    )


def test_an_svg_that_fans_out_through_use_is_never_signed(site: Repo) -> None:
    """2 KB of nested <use> drawing a million rectangles passed every check, stalled a
    browser and stopped ``warta cetak`` at the typesetter's node limit (found by an
    independent attack)."""
    from test_site_assets import _fanned

    path = site.new_item("Peta Ramai", at=f"2026-11-02T08:00:00{WIB}", slug="peta-ramai")
    site.sign(path, "sri", f"2026-11-02T08:04:00{WIB}")
    (path.parent / "peta.svg").write_bytes(_fanned(6, 10))
    assert "[files.unsafe] peta.svg: unsafe SVG: it draws more than 100000 elements" in (
        writer_refused(site, path)
    )


def writer_refused(site: Repo, path: Path) -> str:
    """What ``warta sign`` says refusing the writer's step of ``path`` (in English)."""
    refused = site.cli("--lang", "en", "sign", str(path), "--key", str(site.keys["dimas"]),
                       "--at", f"2026-11-02T10:00:00{WIB}")
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    return refused.stderr
