"""Photos as a newsroom uploads them: a phone's JPEG with EXIF (a GPS position, an
orientation) goes through the SOP, and the site publishes only clean copies made from its
signed bytes (no EXIF, no GPS, no metadata at all, turned upright), in JPEG and WebP at a few
widths, with srcset/sizes, width and height on the page. The copies are the same bytes every
time, kept in the user's cache folder under a MAC (a forged or altered entry is ignored);
``warta validate`` warns about the location and the size of the original (``image.gps``,
``image.size``, with the line of its ``files`` entry); hostile images (a decompression bomb,
too many pixels, a truncated file, a PNG named .jpg) are refused, never a traceback."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Browser
from sitekit import serve

from hardening.forge import Forger, load_policy
from helpers import WIB, Repo, SignedRepos, copy_repo
from warta.adapters import photos
from warta.adapters.cachekey import repo_key
from warta.adapters.photostore import COPIES_DIR, META_SUFFIX, CopyStore
from warta.mkdocs_plugin import photofiles

ITEM = "content/berita/2026/panen-raya/index.md"
URL = "berita/2026/panen-raya/"
ALT = "Petani memanen padi di sawah Desa Cibening"
#: Text only the original carries (in its EXIF): it may appear in no output file.
MAKER = "KameraPonselRahasia"
#: What an image's metadata looks like in its bytes (EXIF in JPEG/WebP, PNG's eXIf, XMP).
MARKERS = (b"Exif\x00\x00", b"eXIf", b"GPSLatitude", b"http://ns.adobe.com/xap", MAKER.encode())
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")


def phone_jpeg(seed: int = 14) -> bytes:
    """A 4000x3000 JPEG as a phone writes it: noisy enough to weigh megabytes, EXIF with the
    maker, a GPS position and orientation 6 (turn 90° clockwise to see it upright)."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (500, 375), rng.randbytes(500 * 375 * 3))
    photo = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F] = MAKER
    exif[0x0112] = 6
    exif[0x8825] = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 12.0)}
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def photo_newsroom(repo: Repo) -> None:
    """An office whose SOP sets ``photos: {max_mb: 2}``; an approved item whose lead photo
    (also shown in its body) is the phone's JPEG; a draft holding hostile images."""
    _edit(repo.path("workflow/sop.yml"), "\nsteps:", "\nphotos:\n  max_mb: 2\n\nsteps:")
    repo.sign_workflow()
    repo.commit_all("sop: photos")
    day = "2026-11-02"
    path = repo.new_item(
        "Panen Raya Padi di Cibening",
        at=f"{day}T08:00:00{WIB}",
        slug="panen-raya",
        body="SUKAMAJU – Panen raya.\n",
    )
    repo.sign(path, "sri", f"{day}T08:04:00{WIB}")
    repo.write("content/berita/2026/panen-raya/images/sawah.jpg", phone_jpeg())
    image = (
        f'image: {{src: images/sawah.jpg, alt: "{ALT}", caption: "Panen raya.",'
        ' credit: "Foto: Humas"}\n'
    )
    _edit(path, "\nstatus:", f"\n{image}status:")
    lead = "SUKAMAJU – Panen raya.\n"
    _edit(path, lead, lead + "\n![Sawah](images/sawah.jpg)\n")
    repo.sign(path, "dimas", f"{day}T10:00:00{WIB}")
    repo.sign(path, "sri", f"{day}T10:04:00{WIB}")
    repo.sign(path, "hendra", f"{day}T10:08:00{WIB}")
    draft = repo.new_item("Foto Rusak", at=f"{day}T09:00:00{WIB}", slug="foto-rusak")
    folder = "content/berita/2026/foto-rusak/images/"
    repo.write(folder + "bom.png", png_claiming(100_000, 100_000))
    repo.write(folder + "raksasa.png", png_claiming(11_000, 10_500))
    repo.write(folder + "terpotong.jpg", phone_jpeg(7)[:200_000])
    repo.write(folder + "palsu.jpg", small_png())
    _edit(draft, "\nstatus:", "\nimage: {src: images/terpotong.jpg, alt: Foto rusak}\nstatus:")
    repo.commit_all("berita")


@pytest.fixture
def site(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    """A copy of the photo newsroom, with a cache folder of its own."""
    repo = copy_repo(signed_repo(photo_newsroom), tmp_path / "repo")
    repo.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return repo


def signed_outside_warta(repo: Repo, path: Path, files: dict[str, bytes], rule: str) -> None:
    """The item at ``path``, listing ``files`` (path in its folder -> bytes, written there),
    signed up to its approval outside Warta's refusals, as an older Warta would have signed
    it, and committed; ``validate`` then refuses it with ``rule`` alone."""
    for rel, data in files.items():
        (path.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        (path.parent / rel).write_bytes(data)
    listed = "".join(
        f'  - path: "{rel}"\n    sha256: "{hashlib.sha256(data).hexdigest()}"\n'
        for rel, data in sorted(files.items())
    )
    text = path.read_text(encoding="utf-8").replace("\nstatus:", f"\nfiles:\n{listed}status:", 1)
    path.write_text(Forger(repo.keys).sign_chain(text, policy=load_policy()), encoding="utf-8")
    repo.commit_all("berita yang ditandatangani di luar warta sign")
    report = repo.cli("validate", "--format", "json")
    assert report.returncode == 1
    rel = path.relative_to(repo.root).as_posix()
    (verdict,) = [v for v in json.loads(report.stdout)["items"] if v["path"] == rel]
    assert [f["rule"] for f in verdict["findings"]] == [rule]
    assert not verdict["publishable"]


def build(repo: Repo, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = repo.cli("build", "-d", str(out), *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _approve_and_build(
    site: Repo, path: Path, day: str, tmp_path: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The writer, the Kasubag and the Kabag sign ``path`` on ``day``; the site is built."""
    site.sign(path, "dimas", f"{day}T10:00:00{WIB}")
    site.sign(path, "sri", f"{day}T10:04:00{WIB}")
    site.sign(path, "hendra", f"{day}T10:08:00{WIB}")
    site.commit_all("berita")
    out = tmp_path / "site"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    return out, result


def _copies_folder(repo: Repo) -> Path:
    return Path(repo.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(repo.root) / COPIES_DIR


def _files_line(repo: Repo, name: str) -> int:
    lines = repo.read(ITEM).splitlines()
    return next(n for n, line in enumerate(lines, 1) if "path:" in line and name in line)


def test_the_site_publishes_clean_upright_copies_and_never_the_original(
    site: Repo, tmp_path: Path
) -> None:
    original = site.path("content/berita/2026/panen-raya/images/sawah.jpg").read_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test's premise
    out = tmp_path / "site"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    folder = out / URL / "images"
    made = sorted(p.name for p in folder.iterdir())
    assert made == [
        "sawah.jpg",
        *(f"sawah.jpg-{w}w.{ext}" for w in (1600, 480, 960) for ext in ("jpg", "webp")),
    ]
    for name in made:
        with Image.open(folder / name) as copy:
            assert copy.height > copy.width  # turned upright by its EXIF orientation
            assert copy.width in (480, 960, 1600)
    # the original's URL serves the widest clean JPEG, never the signed bytes
    assert (folder / "sawah.jpg").read_bytes() == (folder / "sawah.jpg-1600w.jpg").read_bytes()
    outputs = [p for p in out.rglob("*") if p.is_file()]
    for path in outputs:
        data = path.read_bytes()
        assert original not in data and original[:4096] not in data, path
        for marker in MARKERS:
            assert marker not in data, (path, marker)
        if path.suffix.lower() in IMAGE_SUFFIXES:
            with Image.open(path) as image:
                assert not image.getexif(), path
                assert not {"exif", "xmp", "icc_profile"} & set(image.info), path


def test_pages_show_the_copies_with_srcset_size_and_alt(site: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    page = (out / URL / "index.html").read_text(encoding="utf-8")
    lead = re.search(r'<figure class="warta-lead"><picture>(.*?)</picture>', page, re.S)
    assert lead is not None, page
    html = lead.group(1)
    assert (
        'srcset="images/sawah.jpg-480w.webp 480w, images/sawah.jpg-960w.webp 960w,'
        ' images/sawah.jpg-1600w.webp 1600w"' in html
    )
    assert (
        'srcset="images/sawah.jpg-480w.jpg 480w, images/sawah.jpg-960w.jpg 960w,'
        ' images/sawah.jpg-1600w.jpg 1600w"' in html
    )
    assert 'src="images/sawah.jpg-1600w.jpg"' in html
    assert 'width="1600" height="2133"' in html
    assert f'alt="{ALT}"' in html
    assert 'fetchpriority="high"' in html and 'loading="lazy"' not in html  # above the fold
    assert 'sizes="' in html
    # the photo in the body is a picture of the same copies too: lazy, with its own alt text
    body = page.split('<figure class="warta-lead">', 1)[1].split("</figure>", 1)[1]
    shown = re.search(r"<picture>(.*?)</picture>", body, re.S)
    assert shown is not None, body
    assert 'srcset="images/sawah.jpg-480w.webp 480w' in shown.group(1)
    assert 'src="images/sawah.jpg-1600w.jpg"' in shown.group(1)
    assert 'width="1600" height="2133" alt="Sawah"' in shown.group(1)
    assert 'loading="lazy"' in shown.group(1) and "fetchpriority" not in shown.group(1)
    assert 'src="images/sawah.jpg"' not in page
    listing = (out / "berita" / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<a class="warta-card__image" href="2026/panen-raya/"[^>]*>(.*?)</a>',
                     listing, re.S)
    assert card is not None, listing
    # the first card of the list: its photo is seen at once, so it is not loaded lazily
    assert card.start() == listing.index('<a class="warta-card__image"')
    assert 'loading="lazy"' not in card.group(1) and 'fetchpriority="high"' in card.group(1)
    assert "2026/panen-raya/images/sawah.jpg-480w.webp 480w" in card.group(1)
    assert 'width="1600" height="2133"' in card.group(1)
    # a link preview gets the size of what the photo's URL serves: the widest clean copy
    head = page.split("</head>", 1)[0]
    assert '<meta property="og:image:width" content="1600">' in head, head
    assert '<meta property="og:image:height" content="2133">' in head, head


def test_copies_are_the_same_bytes_every_time(site: Repo, tmp_path: Path) -> None:
    original = site.path("content/berita/2026/panen-raya/images/sawah.jpg").read_bytes()
    first, second = photos.derive(original, ".jpg"), photos.derive(original, ".jpg")
    assert first == second
    assert [v.data for v in first.variants] == [v.data for v in second.variants]
    cold = tmp_path / "cold"
    assert build(site, cold).returncode == 0
    again = Repo(site.root, site.keys, {**site.env, "XDG_CACHE_HOME": str(tmp_path / "other")})
    fresh = tmp_path / "fresh"
    assert build(again, fresh).returncode == 0  # another cache: every copy made anew
    warm = tmp_path / "warm"
    assert build(site, warm).returncode == 0  # from the cache
    images = sorted(p.relative_to(cold) for p in (cold / URL / "images").iterdir())
    for rel in images:
        assert (cold / rel).read_bytes() == (fresh / rel).read_bytes() == (warm / rel).read_bytes()


def _forge(folder: Path, digest: str, secret: bytes, marker: bytes) -> None:
    """A cache entry, written with ``secret``, saying that the copies of the original with
    ``digest`` are ``marker`` at every width."""
    fake = tuple(
        photos.Variant(fmt, width, round(width * 4 / 3), marker)
        for width in (480, 960, 1600)
        for fmt in ("JPEG", "WEBP")
    )
    assert CopyStore(folder, secret).put(digest, ".jpg", photos.Derived(fake, fake[-2]))


def test_the_cache_of_copies_is_authenticated(site: Repo, tmp_path: Path) -> None:
    honest = tmp_path / "honest"
    assert build(site, honest).returncode == 0
    folder = _copies_folder(site)
    entries = sorted(folder.iterdir())
    assert [e.name for e in entries] == [entries[0].name, entries[0].name + META_SUFFIX]
    entry, listing = entries
    original = site.path("content/berita/2026/panen-raya/images/sawah.jpg").read_bytes()
    digest = "sha256:" + hashlib.sha256(original).hexdigest()
    assert entry.name == CopyStore.entry(digest, ".jpg")
    marker = small_png()  # what a forger would publish instead: a green square
    secret = (Path(site.env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()

    def published(name: str) -> bytes:
        out = tmp_path / name
        assert build(site, out).returncode == 0
        return (out / URL / "images" / "sawah.jpg-480w.jpg").read_bytes()

    want = (honest / URL / "images" / "sawah.jpg-480w.jpg").read_bytes()
    # planted with another secret: ignored, the copies are made again from the signed bytes
    _forge(folder, digest, b"x" * 32, marker)
    assert published("forged") == want
    # an honest entry altered by one byte: ignored
    assert published("rebuilt") == want
    for part in (entry, listing):
        data = bytearray(part.read_bytes())
        data[-10] ^= 0xFF
        part.write_bytes(bytes(data))
        assert published("altered") == want
    # an honest entry renamed to stand for another photo's copies: ignored
    elsewhere = "sha256:" + "0" * 64
    _forge(folder, elsewhere, secret, marker)
    (folder / CopyStore.entry(elsewhere, ".jpg")).rename(entry)
    (folder / (CopyStore.entry(elsewhere, ".jpg") + META_SUFFIX)).rename(listing)
    assert published("renamed") == want
    # the control: written with this user's secret under its own name, the entry IS used
    _forge(folder, digest, secret, marker)
    forged = published("trusted")
    assert forged != want
    with Image.open(io.BytesIO(forged)) as image:
        assert image.getpixel((5, 5))[1] > 100  # the green square


def test_validate_warns_of_the_location_and_size_with_the_files_line(site: Repo) -> None:
    report = site.validate_json()
    item = next(i for i in report["items"] if i["path"] == ITEM)
    assert item["publishable"]
    found = {f["rule"]: f for f in item["findings"]}
    line = _files_line(site, "images/sawah.jpg")
    assert found["image.gps"]["severity"] == "warning"
    assert found["image.gps"]["line"] == line
    assert "GPS position" in found["image.gps"]["message"]
    assert found["image.size"]["severity"] == "warning"
    assert found["image.size"]["line"] == line
    assert re.search(r"at most 2 MB .*found \d+\.\d MB", found["image.size"]["message"])
    text = site.cli("validate").stdout
    assert f"{ITEM}:{line}: warning [image.gps]" in text
    assert f"{ITEM}:{line}: warning [image.size]" in text
    strict = site.cli("validate", "--strict")
    assert strict.returncode == 1  # a deploy gate under --strict stops on them


def test_without_the_setting_the_size_limit_is_five_mb(site: Repo) -> None:
    _edit(site.path("workflow/sop.yml"), "\nphotos:\n  max_mb: 2\n", "\n")
    site.sign_workflow()
    site.commit_all("sop: default photo size")
    size = site.path("content/berita/2026/panen-raya/images/sawah.jpg").stat().st_size
    assert 2_000_000 < size <= 5_000_000  # over the old limit, under the default
    item = next(i for i in site.validate_json()["items"] if i["path"] == ITEM)
    rules = {f["rule"] for f in item["findings"]}
    assert "image.gps" in rules and "image.size" not in rules


def solid_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_too_tall_for_its_copies_is_refused_before_anyone_signs_it(
    site: Repo, tmp_path: Path
) -> None:
    """A long infographic passed validate and every signature, then the build could not
    make its WebP copy (at most 16,383 pixels a side): the approved page showed a broken
    image and every ``--strict`` deploy failed. Now validate refuses it, so nobody signs it;
    a photo whose copy is as tall as a copy may be is published."""
    day = "2026-11-03"
    rel = "content/berita/2026/infografis/index.md"
    path = site.new_item("Infografis APBD", at=f"{day}T08:00:00{WIB}", slug="infografis")
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    site.write("content/berita/2026/infografis/images/tinggi.png", solid_png(100, 16_001))
    site.write("content/berita/2026/infografis/images/pas.png", solid_png(100, 16_000))
    _edit(path, "\nstatus:", "\nimage: {src: images/tinggi.png, alt: Infografis APBD}\nstatus:")
    site.commit_all("infografis")
    item = next(i for i in site.validate_json()["items"] if i["path"] == rel)
    assert [(f["rule"], f["message"]) for f in item["findings"] if f["severity"] == "error"] == [
        ("image.unreadable",
         "images/tinggi.png: expected a photo the site can publish (JPEG, PNG, WebP or AVIF that"
         " decodes completely, its format the one its name says); found a photo whose copy for"
         " the site would be 100x16001 pixels; expected a copy at most 16000 pixels tall (a WebP"
         " image holds at most 16,383): a less tall photo (crop or split it); the item is not"
         " published")]
    before = path.read_bytes()
    signing = site.cli("--lang", "en", "sign", rel, "--key", str(site.keys["dimas"]))
    assert signing.returncode == 1, signing.stdout + signing.stderr
    assert "Traceback" not in signing.stderr
    assert path.read_bytes() == before
    # the office crops it: the photo at the limit is signed, approved and copied whole
    site.path("content/berita/2026/infografis/images/tinggi.png").unlink()
    _edit(path, "src: images/tinggi.png", "src: images/pas.png")
    out, result = _approve_and_build(site, path, day, tmp_path)
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if "infografis" in line]
    for ext in ("jpg", "webp"):
        with Image.open(out / f"berita/2026/infografis/images/pas.png-100w.{ext}") as copy:
            assert copy.size == (100, 16_000)


def test_hostile_images_are_refused_never_a_traceback(site: Repo, tmp_path: Path) -> None:
    report = site.validate_json()
    draft = next(i for i in report["items"] if "foto-rusak" in i["path"])
    refused = {
        f["message"].split(":", 1)[0]: f["message"]
        for f in draft["findings"]
        if f["rule"] == "image.unreadable"
    }
    assert set(refused) == {
        "images/bom.png",
        "images/raksasa.png",
        "images/terpotong.jpg",
        "images/palsu.jpg",
    }
    assert "decompression bomb" in refused["images/bom.png"]
    assert "11000x10500 pixels, expected at most" in refused["images/raksasa.png"]
    assert "truncated" in refused["images/terpotong.jpg"]
    assert "a PNG image named like a JPEG one" in refused["images/palsu.jpg"]
    # the reviewers' preview shows the draft without those photos, and says why
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "[image.unreadable]" in result.stderr
    page = (out / "berita/2026/foto-rusak/index.html").read_text(encoding="utf-8")
    assert "warta-lead" not in page
    assert not (out / "berita/2026/foto-rusak/images").exists()
    # the public build publishes the approved item and nothing of the draft
    built = tmp_path / "site"
    assert build(site, built).returncode == 0
    assert (built / URL / "index.html").exists()
    assert not (built / "berita/2026/foto-rusak").exists()


def test_a_photo_changed_after_approval_is_not_published(site: Repo, tmp_path: Path) -> None:
    site.write("content/berita/2026/panen-raya/images/sawah.jpg", phone_jpeg(99))
    out = tmp_path / "site"
    result = build(site, out)
    assert result.returncode == 0
    assert "files.changed" in result.stderr
    assert not (out / URL).exists()


def test_the_office_setting_is_checked(site: Repo) -> None:
    _edit(site.path("workflow/sop.yml"), "max_mb: 2", "max_mb: 0")
    site.sign_workflow_unchecked()
    result = site.cli("validate")
    assert result.returncode == 2
    assert "[workflow.photos]" in result.stderr + result.stdout


def test_a_browser_shows_the_copies(site: Repo, tmp_path: Path, browser: Browser) -> None:
    """Headless Chromium on a phone-sized screen: the lead photo loads, from a WebP copy
    (the ``<source>``) of a width the screen needs, with the upright proportions; the list's
    card photo loads too, lazily."""
    out = tmp_path / "site"
    assert build(site, out).returncode == 0
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="id-ID"
    )
    page = context.new_page()
    try:
        with serve(out) as url:
            page.goto(url + URL)
            lead = page.locator(".warta-lead img")
            lead.scroll_into_view_if_needed()
            page.wait_for_function(
                "() => document.querySelector('.warta-lead img').complete"
                " && document.querySelector('.warta-lead img').naturalWidth > 0"
            )
            chosen = lead.evaluate("img => img.currentSrc")
            natural = lead.evaluate("img => [img.naturalWidth, img.naturalHeight]")
            assert chosen.endswith("images/sawah.jpg-960w.webp"), chosen  # 390 px at 2x
            # (density-corrected for srcset: the proportions are what count) upright
            assert abs(natural[1] / natural[0] - 4 / 3) < 0.01, natural
            body = page.locator("p > picture img")
            body.scroll_into_view_if_needed()
            page.wait_for_function(
                "() => document.querySelector('p > picture img').naturalWidth > 0"
            )
            assert body.evaluate("img => img.currentSrc").endswith("images/sawah.jpg-960w.webp")
            page.goto(url + "berita/")
            card = page.locator(".warta-card__image img").first
            assert card.get_attribute("loading") is None  # the first card: seen at once
            card.scroll_into_view_if_needed()
            page.wait_for_function(
                "() => document.querySelector('.warta-card__image img').naturalWidth > 0"
            )
            assert card.evaluate("img => img.currentSrc").endswith(".webp")
    finally:
        context.close()


def test_the_printed_bulletin_carries_a_clean_copy_too(site: Repo) -> None:
    """``warta cetak`` prints the lead photo, and its PDF (published on the site) carries the
    clean copy, never the original with its EXIF and GPS."""
    result = site.cli(
        "cetak", "--edisi", "2026-11", "--key", str(site.keys["sri"]),
        "--at", "2026-11-30T10:00:00+07:00",
    )
    assert result.returncode == 0, result.stderr
    pdf = site.path("content/cetak/2026-11/buletin.pdf").read_bytes()
    assert b"/DCTDecode" in pdf  # the photo is in it, as a JPEG
    # (the PDF's own XMP document metadata, which Typst writes, is not the photo's)
    for marker in (b"Exif\x00\x00", b"GPSLatitude", MAKER.encode()):
        assert marker not in pdf, marker


def test_copies_made_in_several_processes_are_the_ones_one_process_makes(tmp_path: Path) -> None:
    """With many photos not kept yet, the build makes their copies in several processes
    first: the store then holds, for each, exactly the bytes :func:`photos.derive` makes here,
    and a photo no copy can be made of is left to the build's own pass (which says why)."""
    root = tmp_path / "repo"
    (root / "images").mkdir(parents=True)
    raster: list[tuple[str, str, str]] = []
    for n in range(photofiles.PARALLEL_MIN + 2):
        out = io.BytesIO()
        Image.effect_noise((300 + 40 * n, 200), 30 + n).convert("RGB").save(out, "JPEG")
        data = out.getvalue() if n else small_png()  # the first: a PNG named .jpg
        (root / "images" / f"f{n}.jpg").write_bytes(data)
        raster.append((f"images/f{n}.jpg", "sha256:" + hashlib.sha256(data).hexdigest(), ".jpg"))
    store = CopyStore.scratch(tmp_path / "store")
    photofiles._make_missing(root, raster, store, jobs=2)
    for rel, digest, suffix in raster[1:]:
        copies = store.find(digest, suffix)
        assert copies is not None, rel
        made = photos.derive((root / rel).read_bytes(), suffix)
        assert [store.read(copies, c) for c in copies.variants] == [v.data for v in made.variants]
    assert store.find(raster[0][1], ".jpg") is None  # refused: the build's pass says why
    alone = CopyStore.scratch(tmp_path / "alone")
    photofiles._make_missing(root, raster, alone, jobs=1)  # one process: nothing made ahead
    assert all(alone.find(digest, suffix) is None for _rel, digest, suffix in raster)


def test_a_listed_file_named_like_another_photo_s_copy_is_refused(
    site: Repo, tmp_path: Path
) -> None:
    """A writer lists, beside a photo, a file named as its copy will be
    (``foto.jpg-480w.jpg``), hoping it is published in the copy's place with its EXIF.
    Before, the photo whose copy it displaced was left out of an approved page while
    ``validate`` passed; now the name is refused (``files.clash``) when the writer signs,
    and an item signed with it anyway is left out whole (test_attack_output_clash.py).
    Nothing of either photo, and no EXIF, is published."""
    day = "2026-11-03"
    path = site.new_item(
        "Foto Berlapis", at=f"{day}T08:00:00{WIB}", slug="foto-berlapis", body="Isi.\n"
    )
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    folder = "content/berita/2026/foto-berlapis/images/"
    site.write(folder + "foto.jpg", phone_jpeg(21))
    site.write(folder + "foto.jpg-480w.jpg", phone_jpeg(22))
    before = path.read_bytes()
    result = site.cli("--lang", "en", "sign", str(path), "--key", str(site.keys["dimas"]),
                      "--at", f"{day}T10:00:00{WIB}")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[files.clash] images/foto.jpg-480w.jpg has the name of a file the site writes" in (
        result.stderr)
    assert path.read_bytes() == before
    site.commit_all("berita")
    out = tmp_path / "site"
    built = build(site, out)
    assert built.returncode == 0, built.stderr
    assert not (out / "berita" / "2026" / "foto-berlapis").exists()
    for published in out.rglob("*"):
        if published.is_file():
            data = published.read_bytes()
            assert not any(marker in data for marker in MARKERS), published


def test_a_photo_in_the_body_needs_alt_text_to_be_signed(site: Repo) -> None:
    """``![](images/foto.jpg)`` shows a photo no screen reader can describe: signing the
    text with it is refused (``body.img-alt`` at its line, nothing changed); with alt text
    the same photo is signed."""
    day = "2026-11-03"
    path = site.new_item("Tanpa Keterangan", at=f"{day}T08:00:00{WIB}", slug="tanpa-alt")
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    rel = "content/berita/2026/tanpa-alt/index.md"
    site.write("content/berita/2026/tanpa-alt/images/foto.jpg", phone_jpeg(5))
    _edit(path, "Isi berita.\n", "Isi berita.\n\n![](images/foto.jpg)\n")
    site.commit_all("foto")
    before = site.read(rel)
    at = ("--at", f"{day}T10:00:00{WIB}")
    refused = site.cli("sign", rel, "--key", str(site.keys["dimas"]), *at)
    assert refused.returncode == 1, refused.stderr
    # (the line of the text as signing would write it, with the files it lists)
    assert re.search(rf"{rel}:\d+: error \[body\.img-alt\]", refused.stderr), refused.stderr
    assert "images/foto.jpg" in refused.stderr and "Traceback" not in refused.stderr
    assert site.read(rel) == before
    _edit(path, "![](images/foto.jpg)", "![Warga di balai desa](images/foto.jpg)")
    site.commit_all("alt")
    signed = site.cli("sign", rel, "--key", str(site.keys["dimas"]), *at)
    assert signed.returncode == 0, signed.stderr


def test_a_body_photo_keeps_the_writer_s_size_and_hostile_alt_stays_text(
    site: Repo, tmp_path: Path
) -> None:
    """A body photo the writer sized (``{: width="320" }``) keeps that size instead of the
    copies' own; its alt text, however hostile, is printed as text; an image that is not one
    of the item's raster photos (an SVG) stays as it was; no published file is the original."""
    day = "2026-11-03"
    alt = 'Sawah "><script>alert(7)</script>'
    body = (
        "Isi.\n\n"
        f'![{alt}](images/foto.jpg){{: width="320" title="Sawah di Cibening" }}\n\n'
        "![Peta lokasi](images/peta.svg)\n"
    )
    folder = "content/berita/2026/foto-sedang/images/"
    site.write(folder + "foto.jpg", phone_jpeg(9))
    site.write(folder + "peta.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="8"/>')
    path = site.new_item("Foto Sedang", at=f"{day}T08:00:00{WIB}", slug="foto-sedang", body=body)
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    out, _built = _approve_and_build(site, path, day, tmp_path)
    page = (out / "berita/2026/foto-sedang/index.html").read_text(encoding="utf-8")
    assert "<script>alert(7)" not in page
    shown = re.search(r"<picture>(.*?)</picture>", page, re.S)
    assert shown is not None, page
    img = re.search(r"<img [^>]*>", shown.group(1))
    assert img is not None
    assert 'alt="Sawah &quot;&gt;&lt;script&gt;alert(7)&lt;/script&gt;"' in img.group(0), img
    assert 'width="320"' in img.group(0) and "height=" not in img.group(0)
    assert 'title="Sawah di Cibening"' in img.group(0)
    assert 'srcset="images/foto.jpg-480w.jpg 480w, images/foto.jpg-960w.jpg 960w' in img.group(0)
    assert '<img alt="Peta lokasi" src="images/peta.svg">' in page
    original = site.path(folder + "foto.jpg").read_bytes()
    for made in out.rglob("*"):
        assert not made.is_file() or original[:4096] not in made.read_bytes(), made


def _facts_entries(repo: Repo) -> dict[str, list[Any]]:
    facts = Path(repo.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(repo.root)
    header, _, body = (facts / "photo-facts").read_bytes().partition(b"\n")
    assert header.startswith(b"warta-photo-facts/")
    entries = json.loads(body)
    assert isinstance(entries, dict)
    return entries


def test_what_a_run_learned_of_the_photos_serves_a_run_in_the_other_language(
    site: Repo,
) -> None:
    """A warm `warta validate` in English after one in Indonesian reads no photo again: the
    facts of a photo without a refusal serve both languages (before, each language evicted
    the other's, and every photo was decoded again)."""
    # (exit 1: the newsroom's second item is a draft with findings of its own)
    assert site.cli("--lang", "id", "validate").returncode == 1
    learned = _facts_entries(site)
    clean = {key: facts for key, facts in learned.items() if not facts[5]}
    assert clean and len(clean) < len(learned)  # (the draft's photos include refused ones)
    english = site.cli("--lang", "en", "validate")
    assert english.returncode == 1, english.stderr
    assert "GPS position" in english.stdout  # (the run's findings are in English)
    after = _facts_entries(site)
    assert {key: facts for key, facts in after.items() if not facts[5]} == clean
    # a refusal was found again, in the run's language
    assert {facts[6] for facts in after.values() if facts[5]} == {"en"}


def test_a_refusal_is_found_again_in_the_language_of_the_run(tmp_path: Path) -> None:
    """The facts of a photo no copy can be made of hold the refusal as text: a run in the
    other language reads the photo again, so the finding is in its language; a clean
    photo's facts are not learned again."""
    from warta import i18n
    from warta.adapters.photostore import FactsCache

    broken = b"\xff\xd8\xff not a photo"
    clean = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(clean, "JPEG")
    files = {"sha256:" + hashlib.sha256(d).hexdigest(): d for d in (broken, clean.getvalue())}
    reads: list[str] = []

    def facts_in(lang: str) -> dict[str, str]:
        i18n.set_language(lang)
        cache = FactsCache(tmp_path / "photo-facts", b"k" * 32)
        found = {
            digest: cache.facts(digest, ".jpg", lambda d=digest: reads.append(d) or files[d])
            for digest in files
        }
        cache.save()
        return {digest: f.problem for digest, f in found.items()}

    try:
        indonesian = facts_in("id")
        assert len(reads) == 2
        english = facts_in("en")
    finally:
        i18n.set_language(None)
    broken_digest = next(d for d, data in files.items() if data == broken)
    assert reads[2:] == [broken_digest]  # only the refused photo was read again
    assert indonesian[broken_digest] and english[broken_digest]
    assert indonesian[broken_digest] != english[broken_digest]
    assert set(english.values()) - {english[broken_digest]} == {""}


def test_a_photo_s_name_is_a_path_of_this_site_in_src_and_srcset(
    site: Repo, tmp_path: Path
) -> None:
    """Found by an attack, then fixed: the copies' URLs were printed as the names are, so a
    photo at ``https:evil.example/a.jpg`` (the body's ``./`` dropped) and one whose name
    holds ``1w, https:evil.example/b 700w,`` made the page load pictures from another
    server, bytes nobody signed. Each name is now percent-encoded: a path of this site."""
    day = "2026-11-03"
    one = "https:evil.example/a.jpg"
    two = "foto/pasar 1w, https:evil.example/b 700w, r.jpg"
    folder = "content/berita/2026/pasar-desa/"
    site.write(folder + one, phone_jpeg(3))
    site.write(folder + two, phone_jpeg(4))
    body = (f'Isi.\n\n<img src="./{one}" alt="Los pasar">\n\n'
            f'<img src="{two}" alt="Pedagang di pasar">\n')
    path = site.new_item("Pasar Desa", at=f"{day}T08:00:00{WIB}", slug="pasar-desa", body=body)
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    out, _built = _approve_and_build(site, path, day, tmp_path)
    page = (out / "berita/2026/pasar-desa/index.html").read_text(encoding="utf-8")
    urls = [u.strip().split(" ")[0]
            for attr in re.findall(r'(?:src|srcset)="([^"]*)"', page) for u in attr.split(",")]
    pictures = [u for u in urls if "pasar" in u or "evil" in u]
    assert pictures, page
    for url in pictures:
        assert not re.match(r"[a-z]+:", url), url  # no scheme: this site's path
    assert "https%3Aevil.example/a.jpg-960w.jpg" in page
    assert "foto/pasar%201w%2C%20https%3Aevil.example/b%20700w%2C%20r.jpg-480w.jpg 480w" in page
    for url in pictures:
        from urllib.parse import unquote

        target = (out / "berita/2026/pasar-desa" / unquote(url)).resolve()
        assert target.is_file(), url  # the copy is there, under its own name


def test_a_photo_or_an_svg_built_to_exhaust_the_gate_is_refused_undecoded(site: Repo) -> None:
    """Found by an attack on the gate's time and memory, then fixed: a lossless WebP of one
    colour holds millions of pixels in a few dozen bytes (100 million in 34 bytes took
    0.5 s and 1.6 GB to decode, in any draft), and an SVG could embed any number of them.
    Now a WebP or AVIF may hold at most 1,000 pixels per byte (past 4 million), and an SVG
    embeds at most 20 pictures."""
    buf = io.BytesIO()
    Image.new("RGB", (3000, 3000), (200, 30, 30)).save(buf, "WEBP", lossless=True)
    bomb = buf.getvalue()
    assert len(bomb) < 9_000  # (9 million pixels: more than 1,000 for each byte)
    folder = "content/berita/2026/foto-rusak/images/"
    site.write(folder + "padat.webp", bomb)
    tiny = base64.b64encode(small_png()).decode("ascii")
    images = "".join(f'<image href="data:image/png;base64,{tiny}" width="8" height="8"/>'
                     for _ in range(21))
    site.write(folder + "banyak.svg",
               f'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">{images}</svg>')
    spaces = "".join(f' xmlns:n{k}="urn:n{k}"' for k in range(21))
    hrefs = "".join(f' n{k}:href="data:image/png;base64,{tiny}"' for k in range(21))
    site.write(folder + "satu.svg",  # one <image>, 21 pictures (each href is decoded)
               f'<svg xmlns="http://www.w3.org/2000/svg"{spaces} width="8" height="8">'
               f'<image{hrefs} width="8" height="8"/></svg>')
    buf = io.BytesIO()
    Image.new("RGB", (2000, 2000), (255, 255, 255)).save(buf, "PNG")  # 4 million: allowed
    site.write(folder + "putih.png", buf.getvalue())
    site.commit_all("bom")
    report = site.validate_json()
    draft = next(i for i in report["items"] if "foto-rusak" in i["path"])
    said = {f["message"].split(":", 1)[0]: f["message"] for f in draft["findings"]}
    assert "3000x3000 pixels in" in said["images/padat.webp"], said
    assert "decompression bomb" in said["images/padat.webp"]
    assert "more than 20 pictures" in said["images/banyak.svg"], said
    assert "more than 20 pictures" in said["images/satu.svg"], said
    assert "images/putih.png" not in said, said


def test_the_feeds_name_the_signed_lead_photo_not_the_file_its_name_spells(
    site: Repo, tmp_path: Path
) -> None:
    """A lead photo signed in folders literally named ``%2e%2e``: the page's previews
    percent-encoded the name, the JSON Feed wrote it as it is, and every URL parser reads
    ``%2e%2e`` as a step up, so feed readers showed a file of the site the writer chose
    instead of the signed photo (found by an independent attack)."""
    day = "2026-11-03"
    src = "%2e%2e/%2e%2e/%2e%2e/assets/logo.jpg"
    folder = "content/berita/2026/jembatan/"
    site.write(folder + src, phone_jpeg(5))
    path = site.new_item("Jembatan Gantung", at=f"{day}T08:00:00{WIB}", slug="jembatan")
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    _edit(path, "\nstatus:", f'\nimage: {{src: "{src}", alt: "Jembatan gantung"}}\nstatus:')
    out, _built = _approve_and_build(site, path, day, tmp_path)
    page = (out / "berita/2026/jembatan/index.html").read_text(encoding="utf-8")
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    (entry,) = [i for i in feed["items"] if "jembatan" in i["url"]]
    urls = [entry["image"], *re.findall(r'property="og:image" content="([^"]*)"', page)]
    assert len(urls) == 2, urls
    for url in urls:
        segments = urlsplit(url).path.split("/")
        assert not {s.lower() for s in segments} & {"..", ".", "%2e%2e", "%2e", ".%2e", "%2e."}
        served = out / unquote(urlsplit(url).path.removeprefix("/"))
        assert served.is_file() and served.is_relative_to(out / "berita/2026/jembatan"), url


_DERIVE_LIMITED = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (768 << 20, 768 << 20))
from warta.adapters import photos
made = photos.derive(Path(sys.argv[1]).read_bytes(), ".png")
print(" ".join(f"{v.format}:{v.width}x{v.height}" for v in made.variants))
"""


@pytest.mark.parametrize(("mode", "size"), [
    ("1", (10_000, 10_000)), ("P", (10_000, 10_000)), ("L", (10_000, 10_000)),
    ("1", (6_399, 15_627)), ("P", (3_199, 31_000)),
])
def test_a_tiny_file_of_many_pixels_is_copied_within_bounded_memory(
    tmp_path: Path, mode: str, size: tuple[int, int]
) -> None:
    """A 10,000 x 10,000 one-bit PNG is 32 KB; made full colour whole before it was scaled,
    each copy made took 1.3 GB, and so did tall ones after a first fix (found by two
    independent attacks). It is taken down in strips first: the copies are made under a
    768 MiB address-space limit."""
    image = Image.new(mode, size, 1)
    if mode == "P":
        image.putpalette([0, 0, 0, 200, 30, 30] * 128)
    image.save(tmp_path / "besar.png")
    assert (tmp_path / "besar.png").stat().st_size < 200_000
    done = subprocess.run(
        [sys.executable, "-c", _DERIVE_LIMITED, str(tmp_path / "besar.png")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(Path(photos.__file__).parents[2])},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    made = [m.split(":")[1].split("x") for m in done.stdout.split()]
    assert [int(w) for w, _h in made] == [480, 480, 960, 960, 1600, 1600], made
    tall = size[1] * 1600 / size[0]  # (a whole factor may leave half a pixel: 15,500 of 15,505)
    assert abs(int(made[-1][1]) - tall) / tall < 0.001, made


def test_a_dithered_photo_taken_down_keeps_its_tone() -> None:
    """Taken down by whole pixels, a one-bit photo of 50 % grey dither became black or white
    (found by an independent attack): its pixels are averaged."""
    image = Image.new("1", (8000, 4000))
    image.putdata([(x + y) % 2 for y in range(4000) for x in range(8000)])
    out = io.BytesIO()
    image.save(out, "PNG")
    made = photos.derive(out.getvalue(), ".png")
    widest = max((v for v in made.variants if v.format == "JPEG"), key=lambda v: v.width)
    counts = Image.open(io.BytesIO(widest.data)).convert("L").histogram()
    mean = sum(level * n for level, n in enumerate(counts)) / sum(counts)
    assert 100 < mean < 156, mean


def test_a_large_photo_taken_down_first_keeps_its_orientation() -> None:
    """The photo is taken down (by its upright width, 8,000 pixels: a half) before it is
    turned upright: stored 4,000 x 8,000 with EXIF orientation 6 (turned a quarter), its
    copies are wide."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.new("RGB", (4000, 8000), (90, 120, 200)).save(out, "PNG", exif=exif.tobytes())
    made = photos.derive(out.getvalue(), ".png")
    widest = max(made.variants, key=lambda v: v.width)
    assert (widest.width, widest.height) == (1600, 800)


def _animation(width: int, height: int, frames: int) -> bytes:
    """A GIF whose canvas is ``width`` x ``height`` and that draws one pixel ``frames``
    times: 15 bytes a frame, however large the canvas."""
    head = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x4c\x01\x00"
    return head + frame * frames + b";"


def test_a_gif_drawing_more_pixels_than_a_photo_holds_is_refused(site: Repo) -> None:
    """A GIF is published as signed: 15 KB of it made 1,000 frames of 10,000 x 10,000
    pixels for every reader's browser to draw. Its frames count, at its canvas's size, to
    the photos' 100 million pixels; an ordinary animation and a still of as many pixels
    as a photo may have pass."""
    folder = "content/berita/2026/foto-rusak/images/"
    bomb = _animation(10_000, 10_000, 1_000)
    assert len(bomb) < 16_000
    site.write(folder + "bom.gif", bomb)
    site.write(folder + "diam.gif", _animation(10_000, 10_000, 1))
    frames = [Image.new("P", (480, 270), n) for n in range(40)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80)
    site.write(folder + "animasi.gif", out.getvalue())
    draft = next(i for i in site.validate_json()["items"] if "foto-rusak" in i["path"])
    refused = {
        f["message"].split(":", 1)[0]: f["message"]
        for f in draft["findings"]
        if f["rule"] == "image.unreadable"
    }
    assert "images/animasi.gif" not in refused and "images/diam.gif" not in refused
    assert (
        "found an animation of 1000 frames of 10000x10000 pixels, 100000000000 pixels in all;"
        " expected at most 100000000 (a shorter or smaller animation)"
    ) in refused["images/bom.gif"]
