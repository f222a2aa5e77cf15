"""warta cetak: the printed bulletin, its signed manifest, warta verify of an edition, the
revision rule, and the attacks of a staff member with push rights (through the CLI, on real
repositories, keys and PDFs read back with pypdf and rendered with pdftoppm)."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from helpers import TEST_OFFICE, WIB, Repo

EDITION = "content/cetak/2026-11"
SITE = "https://warta.sukamajukab.go.id/"
INJECT_TITLE = 'Jalan Desa #sys.exit() dan #read("/etc/passwd") Diresmikan'
BODY = """SUKAMAJU – Jalan desa sepanjang 2 kilometer diresmikan, Senin (2/11/2026).

## Anggaran

Pembangunan memakai dana desa:

- pengerasan badan jalan
- saluran air di *kedua* sisi

Teks yang mencoba menyisipkan markup: #read("/etc/passwd") dan #sys.exit() dan $x^2$ dan
`#include "x"` serta [tautan](https://example.org/).
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9" width="1600" height="900">'
    '<rect width="16" height="9" fill="#2e7d32"/><circle cx="8" cy="4" r="2" fill="#fdd835"/>'
    "</svg>\n"
)


def _item_with_photo(repo: Repo, title: str, slug: str, day: str, svg: str = SVG) -> Path:
    path = repo.new_item(title, at=f"{day}T08:00:00{WIB}", slug=slug, body=BODY)
    repo.sign(path, "sri", f"{day}T08:04:00{WIB}")
    (path.parent / "foto.svg").write_text(svg, encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "\nstatus:",
        '\nimage:\n  src: foto.svg\n  alt: "Jalan desa"\n  caption: "Jalan desa yang baru."\n'
        '  credit: "Foto: Humas"\nstatus:', 1)
    path.write_text(text, encoding="utf-8")
    repo.sign(path, "dimas", f"{day}T10:00:00{WIB}")
    repo.sign(path, "sri", f"{day}T10:04:00{WIB}")
    repo.sign(path, "hendra", f"{day}T10:08:00{WIB}")
    return path


@pytest.fixture
def office(repo: Repo) -> Repo:
    """Approved: one with a photo and hostile text, two plain; one withdrawn after approval;
    one not approved; one approved in October (outside the edition)."""
    _item_with_photo(repo, INJECT_TITLE, "jalan-desa", "2026-11-02")
    repo.approved_item("Posyandu Melati Jadi Percontohan", day="2026-11-03", slug="posyandu")
    repo.approved_item("Pasar Tani Digelar di Alun-alun", day="2026-11-04", slug="pasar-tani")
    gone = repo.approved_item("Berita Kanari Yang Ditarik", day="2026-11-04", slug="ditarik")
    result = repo.cli("withdraw", str(gone), "--reason", "narasumber keberatan", "--key",
                      str(repo.keys["hendra"]), "--at", f"2026-11-04T15:00:00{WIB}")
    assert result.returncode == 0, result.stderr
    draft = repo.new_item("Draf Kanari Belum Disetujui", at=f"2026-11-04T09:00:00{WIB}",
                          slug="draf")
    repo.sign(draft, "sri", f"2026-11-04T09:04:00{WIB}")
    repo.approved_item("Berita Oktober", day="2026-10-20", slug="oktober")
    repo.commit_all("berita")
    return repo


def cetak(repo: Repo, *args: str, by: str = "sri", at: str = "2026-11-30T10:00:00+07:00"
          ) -> subprocess.CompletedProcess[str]:
    return repo.cli("cetak", "--edisi", "2026-11", "--key", str(repo.keys[by]), "--at", at, *args)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def link_uris(path: Path) -> list[str]:
    out = []
    for page in pypdf.PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def test_an_edition_prints_only_what_is_publishable(office: Repo) -> None:
    result = cetak(office)
    assert result.returncode == 0, result.stderr
    pdf = office.path(f"{EDITION}/buletin.pdf")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for title in ("Posyandu Melati Jadi Percontohan", "Pasar Tani Digelar di Alun-alun"):
        assert title in flat
    assert "Kanari" not in flat and "Berita Oktober" not in flat
    # the hostile text is printed as text; nothing was read from /etc/passwd
    assert "#sys.exit()" in flat and '#read("/etc/passwd")' in flat
    assert "root:" not in text
    # masthead, colophon from the roster, SOP number, QR links to each item's page
    assert "Edisi November 2026" in flat and "Daftar Isi" in flat
    assert "Penanggung jawab" in flat and "SOP-21.04.1.3.1.3-1" in flat
    uris = link_uris(pdf)
    assert f"{SITE}berita/2026/posyandu/" in uris and f"{SITE}berita/2026/jalan-desa/" in uris
    assert not any("ditarik" in u or "draf" in u for u in uris)
    assert "left out content/berita/2026/ditarik/index.md" in result.stdout
    assert "withdrawn" in result.stdout and "not approved" in result.stdout
    # one commit: the PDF, the manifest and the three printing signoffs
    names = office.git("show", "--name-only", "--format=", "HEAD").split()
    assert sorted(names) == sorted([
        f"{EDITION}/buletin.pdf", f"{EDITION}/edisi.yml",
        "content/berita/2026/jalan-desa/index.md", "content/berita/2026/posyandu/index.md",
        "content/berita/2026/pasar-tani/index.md",
    ])
    assert office.git("status", "--porcelain") == ""
    item = office.read("content/berita/2026/posyandu/index.md")
    assert 'step: "kompilasi"' in item and "content/cetak/2026-11/edisi.yml" in item
    assert 'status: "dicetak"' in item
    verified = office.cli("verify", EDITION)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK content/cetak/2026-11/edisi.yml" in verified.stdout
    assert office.cli("validate").returncode == 0


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the unfiltered rows of an 8-bit RGB/grey PNG (what pdftoppm writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 3
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, chunk = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8
            channels = {0: 1, 2: 3}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = bytearray(), bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows += line
        prev = line
    return width, height, bytes(rows)


def test_the_first_two_pages_render_and_are_not_blank(office: Repo, tmp_path: Path) -> None:
    assert cetak(office).returncode == 0
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "2", "-png",
                    str(office.path(f"{EDITION}/buletin.pdf")), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 2
    for page in pages:
        width, height, pixels = _png_pixels(page)
        assert width > 200 and height > 280  # A4 at 30 dpi: 248 x 351
        dark = sum(1 for v in pixels if v < 128)
        assert 0.005 < dark / len(pixels) < 0.6, (page.name, dark / len(pixels))


def test_the_same_signed_input_gives_the_same_pdf(office: Repo) -> None:
    assert cetak(office, "--no-commit").returncode == 0
    first = office.path(f"{EDITION}/buletin.pdf").read_bytes()
    office.git("checkout", "-q", "--", "content")
    shutil.rmtree(office.path("content/cetak"))
    assert cetak(office, "--no-commit").returncode == 0
    assert office.path(f"{EDITION}/buletin.pdf").read_bytes() == first


def test_a_changed_pdf_or_item_fails_verify(office: Repo) -> None:
    assert cetak(office).returncode == 0
    pdf = office.path(f"{EDITION}/buletin.pdf")
    good = pdf.read_bytes()
    pdf.write_bytes(good.replace(b"Posyandu", b"Pesanggrahan", 1) + b"\n%junk\n")
    result = office.cli("verify", f"{EDITION}/edisi.yml")
    assert result.returncode == 1
    assert f"{EDITION}/buletin.pdf: error [cetak.pdf-changed]" in result.stdout
    assert "NOT VERIFIED" in result.stdout
    pdf.write_bytes(good)
    item = office.path("content/berita/2026/posyandu/index.md")
    item.write_text(item.read_text(encoding="utf-8").replace(
        "Isi berita.", "Isi berita yang diubah diam-diam."), encoding="utf-8")
    result = office.cli("verify", EDITION)
    assert result.returncode == 1
    line = next(ln for ln in result.stdout.splitlines() if "[cetak.item-invalid]" in ln)
    assert line.startswith(f"{EDITION}/edisi.yml:") and "posyandu" in line


def test_a_withdrawal_makes_a_new_revision_never_an_overwrite(
    office: Repo, tmp_path: Path
) -> None:
    assert cetak(office).returncode == 0
    first = {p: office.path(f"{EDITION}/{p}").read_bytes() for p in ("buletin.pdf", "edisi.yml")}
    again = cetak(office, at="2026-11-30T11:00:00+07:00")
    assert again.returncode == 1 and "already holds these items" in again.stderr
    result = office.cli("withdraw", "content/berita/2026/pasar-tani/index.md", "--reason",
                        "data keliru", "--key", str(office.keys["hendra"]), "--at",
                        "2026-11-30T12:00:00+07:00")
    assert result.returncode == 0, result.stderr
    flagged = office.cli("verify", EDITION)
    assert flagged.returncode == 0 and "[cetak.item-withdrawn]" in flagged.stdout
    # the PDF prints the withdrawn text: off the site until the next revision leaves it out
    assert not (_built(office, tmp_path / "withdrawn") / "cetak").exists()
    sources = office.validate_json()["site"]
    assert any(f["rule"] == "cetak.item-withdrawn" and f["severity"] == "notice"
               for s in sources for f in s["findings"])
    # a notice, never a block: under --strict a withdrawal whose edition has nothing else
    # to print had no signed way onto main (found by an independent attack)
    strict = office.cli("validate", "--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    second = cetak(office, at="2026-11-30T13:00:00+07:00")
    assert second.returncode == 0, second.stderr
    assert "revision 2" in second.stdout
    assert {p: office.path(f"{EDITION}/{p}").read_bytes() for p in first} == first
    text = pdf_text(office.path(f"{EDITION}/r2/buletin.pdf"))
    assert "Pasar Tani" not in text and "Posyandu" in text
    manifest = office.read(f"{EDITION}/r2/edisi.yml")
    assert "revision: 2" in manifest and 'previous: "sha256:' in manifest
    assert office.cli("verify", f"{EDITION}/r2").returncode == 0
    old = office.cli("verify", EDITION)
    assert "[cetak.superseded]" in old.stdout
    site = _built(office, tmp_path / "site")
    assert (site / "cetak" / "2026-11" / "r2" / "buletin.pdf").exists()
    assert not (site / "cetak" / "2026-11" / "buletin.pdf").exists()


def test_only_the_printing_role_may_compile_and_a_refusal_writes_nothing(office: Repo) -> None:
    result = cetak(office, by="dimas")
    assert result.returncode == 1 and "nothing was written" in result.stderr
    assert not office.path("content/cetak").exists()
    assert office.git("status", "--porcelain") == ""
    bad = office.cli("cetak", "--edisi", "2026-13", "--key", str(office.keys["sri"]))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    empty = office.cli("cetak", "--edisi", "2026-09", "--key", str(office.keys["sri"]),
                       "--at", "2026-11-30T10:00:00+07:00")
    assert empty.returncode == 1 and not office.path("content/cetak").exists()


def test_a_failed_commit_leaves_no_edition_file_even_in_a_folder_that_was_there(
    office: Repo,
) -> None:
    """Only the folders it had made were removed: the PDF and the manifest stayed in an
    edition folder that existed before (empty, made by hand), and every later ``cetak`` of
    the month was refused as a repeat of them (found by an independent attack)."""
    office.path("content/cetak/2026-11").mkdir(parents=True)
    hook = office.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'ditolak oleh hook' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = {p: p.read_bytes() for p in office.root.joinpath("content/berita").rglob("index.md")}
    failed = cetak(office)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ditolak oleh hook" in failed.stderr and "Traceback" not in failed.stderr
    assert list(office.path("content/cetak/2026-11").iterdir()) == []
    assert {p: p.read_bytes() for p in before} == before
    assert office.git("status", "--porcelain") == ""
    hook.unlink()
    again = cetak(office)
    assert again.returncode == 0, again.stdout + again.stderr
    assert office.path("content/cetak/2026-11/buletin.pdf").is_file()


def _built(repo: Repo, out: Path) -> Path:
    result = repo.cli("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_the_buletin_page_serves_signed_editions_only(office: Repo, tmp_path: Path) -> None:
    assert cetak(office).returncode == 0
    site = _built(office, tmp_path / "site")
    page = (site / "buletin" / "index.html").read_text(encoding="utf-8")
    assert 'href="../cetak/2026-11/buletin.pdf"' in page and "Edisi November 2026" in page
    served = site / "cetak" / "2026-11" / "buletin.pdf"
    assert served.read_bytes() == office.path(f"{EDITION}/buletin.pdf").read_bytes()
    assert not (site / "cetak" / "2026-11" / "edisi.yml").exists()


def test_a_forged_or_swapped_edition_is_not_served(office: Repo, tmp_path: Path) -> None:
    assert cetak(office).returncode == 0
    manifest = office.path(f"{EDITION}/edisi.yml")
    signed = manifest.read_text(encoding="utf-8")
    # 1. the manifest altered (another title) after signing
    manifest.write_text(signed.replace('title: "', 'title: "Palsu ', 1), encoding="utf-8")
    result = office.cli("verify", EDITION)
    assert result.returncode == 1 and "[cetak.signature-invalid]" in result.stdout
    site = _built(office, tmp_path / "forged")
    assert not (site / "cetak").exists()
    assert "buletin.pdf" not in (site / "buletin" / "index.html").read_text(encoding="utf-8")
    # 2. the PDF swapped for another one, manifest intact
    manifest.write_text(signed, encoding="utf-8")
    pdf = office.path(f"{EDITION}/buletin.pdf")
    good = pdf.read_bytes()
    pdf.write_bytes(good[:-200] + b" " * 200)
    assert not (_built(office, tmp_path / "swapped") / "cetak").exists()
    # 3. a symbolic link in place of the PDF (to a file with the signed bytes)
    elsewhere = tmp_path / "copy.pdf"
    elsewhere.write_bytes(good)
    pdf.unlink()
    os.symlink(elsewhere, pdf)
    result = office.cli("verify", EDITION)
    assert result.returncode == 1 and "[cetak.pdf-missing]" in result.stdout
    assert not (_built(office, tmp_path / "linked") / "cetak").exists()


def test_a_manifest_signed_by_someone_without_the_role_is_not_served(
    office: Repo, tmp_path: Path
) -> None:
    """A staff member signs an edition of their own with their own (roster) key."""
    from datetime import datetime

    from warta.adapters.editionfile import render
    from warta.adapters.ssh import KeygenSigner
    from warta.model.edition import Edition, EditionItem, payload
    from warta.model.signing import NAMESPACE

    pdf = b"%PDF-1.7\n% not a bulletin\n"
    at = datetime.fromisoformat("2026-11-30T10:00:00+07:00")
    listed = (EditionItem("20261130-palsu", "content/berita/2026/palsu/index.md",
                          "sha256:" + "0" * 64, "Palsu"),)
    made = Edition("2026-12", 1, "Buletin Palsu", at.date(), at.date(), listed,
                   "sha256:" + hashlib.sha256(pdf).hexdigest(), "dimas", at, at.isoformat(),
                   None)
    sig = KeygenSigner(keyfile=office.keys["dimas"]).sign(
        payload(made, office=TEST_OFFICE), NAMESPACE
    )
    from dataclasses import replace

    office.write("content/cetak/2026-12/buletin.pdf", pdf)
    office.write("content/cetak/2026-12/edisi.yml", render(replace(made, sig=sig)))
    office.write("content/cetak/2026-12/catatan.pdf", pdf)  # no manifest at all
    result = office.cli("verify", "content/cetak/2026-12")
    assert result.returncode == 1 and "[cetak.role]" in result.stdout
    findings = office.validate_json()
    rules = {f["rule"] for s in findings["site"] for f in s["findings"]}
    assert {"cetak.role", "cetak.stray"} <= rules
    site = _built(office, tmp_path / "site")
    assert not (site / "cetak").exists()


def test_the_compiler_cannot_print_what_the_gate_did_not_approve(
    office: Repo, tmp_path: Path
) -> None:
    """The Kasubag (who may compile) signs, with their own valid key and role, a manifest
    listing a draft the Kabag never approved: the signature is theirs, the approval is
    not, so the site serves nothing of it."""
    from dataclasses import replace
    from datetime import datetime

    from warta.adapters.editionfile import render
    from warta.adapters.ssh import KeygenSigner
    from warta.model.edition import Edition, EditionItem, payload
    from warta.model.item import content_digest
    from warta.model.signing import NAMESPACE

    draft = office.project().items["content/berita/2026/draf/index.md"]
    listed = EditionItem(str(draft.id), draft.path, content_digest(draft.fields, draft.body),
                         str(draft.title))
    pdf = b"%PDF-1.7\n% Draf Kanari Belum Disetujui\n"
    at = datetime.fromisoformat("2026-11-30T10:00:00+07:00")
    made = Edition("2026-11", 1, "Buletin", at.date(), at.date(), (listed,),
                   "sha256:" + hashlib.sha256(pdf).hexdigest(), "sri", at, at.isoformat(), None)
    sig = KeygenSigner(keyfile=office.keys["sri"]).sign(
        payload(made, office=TEST_OFFICE), NAMESPACE
    )
    office.write(f"{EDITION}/buletin.pdf", pdf)
    office.write(f"{EDITION}/edisi.yml", render(replace(made, sig=sig)))
    office.commit_all("edisi sendiri")
    rules = {f["rule"]: f["severity"] for s in office.validate_json()["site"]
             for f in s["findings"]}
    assert rules.get("cetak.item-not-signed") == "error"
    assert office.cli("verify", EDITION).returncode == 1
    site = _built(office, tmp_path / "site")
    assert not (site / "cetak").exists()
    assert "Draf Kanari" not in (site / "buletin" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("blocking", ["content/cetak", EDITION])
def test_a_file_where_the_edition_s_folder_goes_is_refused(office: Repo, blocking: str) -> None:
    """Found by an independent attack: a file at content/cetak (or at the edition's folder)
    ended cetak in a NotADirectoryError traceback."""
    office.write(blocking, "bukan folder\n")
    office.commit_all("berkas menghalangi")
    result = cetak(office)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "already exists and holds no valid signed edition" in result.stderr
    assert office.read(blocking) == "bukan folder\n"
    assert office.git("status", "--porcelain") == ""


@pytest.mark.parametrize("edition", ["0000-01", "0000-12"])
def test_an_edition_in_year_zero_is_a_usage_error(office: Repo, edition: str) -> None:
    result = office.cli("cetak", "--edisi", edition, "--key", str(office.keys["sri"]))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--edisi" in result.stderr


def test_a_manifest_that_is_no_regular_file_is_named_in_words(repo: Repo) -> None:
    """A link or a pipe where an edition's manifest goes is refused, and the message says
    what was found in the reader's language (it printed the internal kind before)."""
    import json

    (repo.root / "content/cetak/2026-12").mkdir(parents=True)
    os.symlink("../../../workflow/sop.yml", repo.root / "content/cetak/2026-12/edisi.yml")
    repo.commit_all("not a manifest")
    (repo.root / "content/cetak/2027-01").mkdir(parents=True)
    os.mkfifo(repo.root / "content/cetak/2027-01/edisi.yml")  # (a reader would block on it)
    found = {}
    for lang in ("en", "id"):
        result = repo.cli("--lang", lang, "validate", "--format", "json")
        assert result.returncode == 1, result.stderr
        found[lang] = {
            s["path"]: f["message"]
            for s in json.loads(result.stdout)["site"]
            for f in s["findings"]
            if f["rule"] == "cetak.not-regular"
        }
    link, fifo = "content/cetak/2026-12/edisi.yml", "content/cetak/2027-01/edisi.yml"
    assert "found a symbolic link" in found["en"][link], found
    assert "ditemukan tautan simbolik" in found["id"][link], found
    assert "found a special file" in found["en"][fifo], found
    assert "ditemukan berkas khusus" in found["id"][fifo], found


def _slow_svg(uses: int) -> str:
    """An SVG a browser draws at once and Typst slowly: one 4000x4000 picture drawn ``uses``
    times (found by an independent attack: 2,000 uses kept Typst busy for 100-130 s)."""
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4000, 4000), (40, 120, 60)).save(out, "PNG")
    data = base64.b64encode(out.getvalue()).decode()
    drawn = "".join(f'<use href="#p" x="{i % 50}" y="{i // 50}"/>' for i in range(uses))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90" width="1600" height="900">'
        f'<defs><image id="p" width="160" height="90" href="data:image/png;base64,{data}"/>'
        f"</defs>{drawn}</svg>\n"
    )


@pytest.fixture
def slow_office(repo: Repo, tmp_path: Path) -> Repo:
    """One approved item whose signed photo is such an SVG; the CLI's temporary folder is
    ``tmp_path / "tmp"`` (to see what a run leaves behind)."""
    _item_with_photo(repo, "Peta Jalan Desa", "peta", "2026-11-02", svg=_slow_svg(600))
    repo.commit_all("berita")
    (tmp_path / "tmp").mkdir()
    repo.env["TMPDIR"] = str(tmp_path / "tmp")
    return repo


def _untouched(repo: Repo, tmp: Path) -> None:
    assert repo.git("status", "--porcelain").strip() == ""
    assert not repo.path("content/cetak").exists()
    assert list(tmp.iterdir()) == []


def test_a_body_nested_without_bound_is_printed_flat_not_a_traceback(repo: Repo) -> None:
    """An approved body with 1,500 nested ``<em>`` ended ``warta cetak`` in a RecursionError:
    what lies deeper than the template goes was flattened by a function that recursed
    itself. Now it is printed as plain text."""
    nested = "<em>" * 1500 + "bagian terdalam" + "</em>" * 1500
    body = f"SUKAMAJU – Paragraf {nested} selesai.\n"
    repo.approved_item("Berita Bersarang Dalam", day="2026-11-02", slug="bersarang", body=body)
    repo.commit_all("berita")
    result = cetak(repo)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = pdf_text(repo.path(f"{EDITION}/buletin.pdf"))
    assert "bagian terdalam" in text and "selesai" in text


def test_a_gif_lead_photo_is_printed_as_a_small_clean_copy(repo: Repo) -> None:
    """A GIF is published on the site as signed, but the typesetter decoded a GIF given as it
    is at full size (about 800 MB for a one-colour 10,000 x 10,000 one of 75 KB, per item).
    The bulletin prints a clean JPEG of its first frame, at most 1,600 pixels wide."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("P", (4000, 3000), 3).save(out, "GIF", comment=b"Dibuat oleh Humas Sukamaju")
    path = repo.new_item("Peta Jalan Desa", at=f"2026-11-02T08:00:00{WIB}", slug="peta",
                         body=BODY)
    repo.sign(path, "sri", f"2026-11-02T08:04:00{WIB}")
    (path.parent / "peta.gif").write_bytes(out.getvalue())
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\nstatus:", '\nimage:\n  src: peta.gif\n  alt: "Peta jalan desa"\nstatus:', 1),
        encoding="utf-8")
    for by, at in (("dimas", "10:00"), ("sri", "10:04"), ("hendra", "10:08")):
        repo.sign(path, by, f"2026-11-02T{at}:00{WIB}")
    repo.commit_all("berita")
    result = cetak(repo)
    assert result.returncode == 0, result.stderr
    pdf = repo.path(f"{EDITION}/buletin.pdf")
    shown = [image for page in pypdf.PdfReader(pdf).pages for image in page.images]
    assert [(i.image.format, i.image.size) for i in shown] == [("JPEG", (1600, 1200))]
    assert b"Dibuat oleh Humas" not in pdf.read_bytes()  # (only pixels are printed)


def test_the_typesetter_has_a_time_budget(slow_office: Repo, tmp_path: Path) -> None:
    """Typst had no time limit: an approved SVG drawn thousands of times kept ``warta cetak``
    busy for minutes. It runs in a child process killed once the budget is spent."""
    slow_office.env["WARTA_TYPESET_SECONDS"] = "2"
    result = slow_office.cli("--lang", "en", "cetak", "--edisi", "2026-11", "--key",
                             str(slow_office.keys["sri"]), "--at", "2026-11-30T10:00:00+07:00")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "the bulletin could not be typeset within 2 s" in result.stderr, result.stderr
    assert "WARTA_TYPESET_SECONDS" in result.stderr
    _untouched(slow_office, tmp_path / "tmp")
    for bad in ("0", "-5", "sepuluh", "nan", "\u0661\u0660", "1e9"):
        slow_office.env["WARTA_TYPESET_SECONDS"] = bad
        refused = cetak(slow_office)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert "WARTA_TYPESET_SECONDS" in refused.stderr
        _untouched(slow_office, tmp_path / "tmp")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_and_sigterm_stop_the_typesetter_and_leave_nothing(
    slow_office: Repo, tmp_path: Path, stop: signal.Signals
) -> None:
    """While Typst ran, Ctrl+C was ignored (the Python thread runs no handler inside the
    compiler), SIGTERM left the compile folder in the temporary directory, and SIGHUP (a
    closed terminal) left Typst running on its own."""
    import time

    tmp = tmp_path / "tmp"
    process = _typesetting(slow_office, tmp)
    process.send_signal(stop)
    sent = time.monotonic()
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - sent < 5, "the typesetter kept running after the signal"
    assert process.returncode != 0, out + err
    assert "Traceback" not in err, err
    _untouched(slow_office, tmp)


def _typesetting(repo: Repo, tmp: Path) -> subprocess.Popen[str]:
    """``warta cetak`` of the slow office, started, once Typst is running."""
    import time

    from helpers import AS_FROM_A_TERMINAL, warta_exe

    env = {**os.environ, **repo.env}
    env.pop("WARTA_TRUST_ROOT", None)
    process = subprocess.Popen(
        [*AS_FROM_A_TERMINAL, warta_exe(), "cetak", "--edisi", "2026-11", "--key",
         str(repo.keys["sri"]), "--at", "2026-11-30T10:00:00+07:00"],
        cwd=repo.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not any(tmp.iterdir()) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # the compile folder is written: Typst is running now
    assert process.poll() is None, process.communicate()
    return process


def _children(pid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text(encoding="utf-8")
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            out.append(int(status.parent.name))
    return out


def test_a_killed_cetak_leaves_no_typesetter_running(slow_office: Repo, tmp_path: Path) -> None:
    """SIGKILL cannot be caught: before, the typesetting child kept running without a parent
    and past any budget. Now the kernel ends it with its parent (Linux), and its own timer
    ends it anyway once the budget and a grace period are spent. (The parent's temporary
    folder stays: nothing runs in a killed process.)"""
    import time

    tmp = tmp_path / "tmp"
    process = _typesetting(slow_office, tmp)
    children = _children(process.pid)
    assert len(children) == 1, children
    process.kill()
    process.wait(timeout=10)  # (not communicate: the child holds the output's pipes too)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    state = Path(f"/proc/{children[0]}/status")
    alive = state.exists() and "\nState:\tZ" not in state.read_text(encoding="utf-8")
    if alive:
        os.kill(children[0], signal.SIGKILL)
    process.communicate(timeout=60)
    assert not alive, "the typesetter kept running after its parent was killed"
    assert slow_office.git("status", "--porcelain").strip() == ""


@pytest.mark.parametrize("title", ["Warta\x85Sukamaju", "Warta\u202eSukamaju", "Warta\x7f"])
def test_a_title_with_control_or_direction_characters_is_a_usage_error(
    office: Repo, title: str
) -> None:
    """--judul goes into the PDF, the signed manifest and the commit subject: it was refused
    only for C0 controls."""
    result = cetak(office, "--judul", title)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--judul" in result.stderr and "Traceback" not in result.stderr
    assert not office.path("content/cetak").exists()


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words with their boxes (points from the page's top left), by pdftotext."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [
        [(html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
         for m in _WORD.findall(page)]
        for page in out.split("<page ")[1:]
    ]


def _printed(repo: Repo, title: str, body: str) -> Path:
    """The edition's PDF once an approved item with ``body`` is printed in it."""
    repo.approved_item(title, day="2026-11-02", slug="jembatan", body=body)
    repo.commit_all("berita")
    result = cetak(repo)
    assert result.returncode == 0, result.stderr
    return repo.path(f"{EDITION}/buletin.pdf")


def _layout(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _struck(pdf: Path, page: int, box: tuple[float, float, float, float], tmp: Path) -> float:
    """The darkest share of a row of pixels across the middle third of a word's box: a line
    through the word covers every column of one row, letters do not."""
    subprocess.run(["pdftoppm", "-r", "144", "-f", str(page + 1), "-l", str(page + 1), "-png",
                    "-gray", str(pdf), str(tmp / "s")], check=True)
    (png,) = tmp.glob("s-*.png")
    with Image.open(png) as image:
        gray = image.convert("L")
        x0, y0, x1, y1 = (round(v * 2) for v in box)
        height = y1 - y0
        rows = range(y0 + height // 3, y1 - height // 3 + 1)
        shares = [
            sum(1 for x in range(x0 + 2, x1 - 2) if gray.getpixel((x, y)) < 160)
            / max(1, x1 - x0 - 4)
            for y in rows
        ]
    png.unlink()
    return max(shares)


def test_the_bulletin_prints_what_the_site_shows_struck_raised_numbered_and_listed(
    repo: Repo, tmp_path: Path
) -> None:
    """The bulletin read the site's HTML with its own walker and dropped what it did not
    know: a struck word printed plain ("jembatan <del>tidak</del> disetujui" reads as
    approved on the site and as refused on paper), text of a list outside its items
    vanished, "<ol start=7>" was numbered 1 and 10<sup>4</sup> printed as 104 (found by an
    independent attack)."""
    body = (
        "SUKAMAJU – Usulan jembatan <del>tidak</del> disetujui DPRD.\n\n"
        "<ul>Catatan redaksi: angka masih sementara.<li>Tahap satu</li></ul>\n\n"
        '<ol start="7"><li>Butir tujuh</li><li>Butir delapan</li></ol>\n\n'
        '<ol reversed><li>Tiga turun</li><li>Dua turun</li><li>Satu turun</li></ol>\n\n'
        '<ol type="a"><li>Huruf pertama</li><li value="5">Huruf kelima</li></ol>\n\n'
        "Luas 10<sup>4</sup> meter persegi, rumus H<sub>2</sub>O, kata <q>resmi</q>.\n"
    )
    pdf = _printed(repo, "Anggaran Jembatan Desa", body)
    text = _layout(pdf)
    assert "Catatan redaksi: angka masih sementara." in text
    for line in ("7. Butir tujuh", "8. Butir delapan", "3. Tiga turun", "2. Dua turun",
                 "1. Satu turun", "a. Huruf pertama", "e. Huruf kelima", "\u201cresmi\u201d"):
        assert line in text, (line, text)
    pages = _words(pdf)
    found = {w[0]: (index, w[1:]) for index, page in enumerate(pages) for w in page}
    ten, four = found["10"][1], found["4"][1]
    assert four[3] < ten[3] - 2 and four[3] - four[1] < ten[3] - ten[1]  # raised and smaller
    two, water = found["2"][1], found["H"][1]
    assert two[3] > water[3] + 1  # lowered
    page, box = found["tidak"]
    assert _struck(pdf, page, box, tmp_path) > 0.9
    page, box = found["disetujui"]
    assert _struck(pdf, page, box, tmp_path) < 0.7  # (the measure tells the two apart)


def test_the_bulletin_keeps_the_site_s_lines_marks_tables_and_numbers_however_nested(
    repo: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on the fix above: blocks inside an inline element
    were printed as one line (``<em><p>0812-3456</p><p>-7890</p></em>``: a number no scan
    had read, since the page shows two lines; the scan now reads text joined too, so two
    harmless lines stand for it here), thirteen ``<span>`` around a ``<del>``
    printed the struck word plain, a table lost its empty cells (two villages' votes read
    alike) and a nested list was numbered 1, 2 where the site shows a, b."""
    spans = "<span>" * 13 + "Usul <del>ditolak</del> disetujui." + "</span>" * 13
    body = (
        "SUKAMAJU – Laporan.\n\n"
        "<div><em><p>Koordinator rapat</p><p>Bapak Sekdes</p></em></div>\n\n"
        f"<p>{spans}</p>\n\n"
        "| Desa | Setuju | Menolak |\n|---|---|---|\n| Cijambe | ya | |\n"
        "| Karangsari | | ya |\n\n"
        "1. Persiapan\n    1. Survei lokasi\n    2. Pembebasan lahan\n2. Pelaksanaan\n"
    )
    pdf = _printed(repo, "Rapat Desa", body)
    text = _layout(pdf)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Koordinator rapat" in lines and "Bapak Sekdes" in lines, lines
    assert "b. Pembebasan lahan" in lines and "2. Pelaksanaan" in lines, lines
    words = {w[0]: (index, w[1:]) for index, page in enumerate(_words(pdf)) for w in page}
    page, box = words["ditolak"]
    assert _struck(pdf, page, box, tmp_path) > 0.9
    # each vote stays in its column: "ya" of Karangsari lies under "Menolak"
    cijambe, karangsari = words["Cijambe"][1], words["Karangsari"][1]
    votes = [(w[1], w[2]) for page in _words(pdf) for w in page if w[0] == "ya"]
    setuju, menolak = words["Setuju"][1], words["Menolak"][1]
    assert len(votes) == 2
    by_row = sorted(votes, key=lambda v: v[1])
    assert abs(by_row[0][1] - cijambe[1]) < 3 and abs(by_row[1][1] - karangsari[1]) < 3
    assert abs(by_row[0][0] - setuju[0]) < 3 and abs(by_row[1][0] - menolak[0]) < 3
    assert words["Desa"][1][1] < cijambe[1]  # the head above the rows (it was printed below)


def test_hostile_tables_and_lists_print_as_the_site_shows_them_or_the_edition_still_prints(
    repo: Repo,
) -> None:
    """Found by independent attacks on the bulletin's tables and lists: ``rowspan="0"``
    (to the end of its section) was read as 1, moving the next row's vote under the other
    column; a cell spanning columns into one spanning rows from above, a reversed list
    counting below zero and tables ten deep made the typesetter refuse the whole month's
    edition; cutting the span short then moved the next cell a column left; a second
    ``<thead>`` was printed first."""
    body = (
        "SUKAMAJU – Rapat.\n\n"
        '<table><thead><tr><th>Rapat</th><th>Desa</th><th>Setuju</th><th>Menolak</th></tr>'
        '</thead><tbody><tr><td rowspan="0">Musdes</td><td>Cijambe</td><td>ya</td><td></td>'
        "</tr><tr><td>Karangsari</td><td></td><td>ya</td></tr></tbody></table>\n\n"
        '<table><tbody><tr><td>Senin</td><td rowspan="2">Rapat</td><td>Selasa</td></tr>'
        '<tr><td colspan="2">Libur</td></tr></tbody></table>\n\n'
        "<table><tr><th>Desa</th><th>Kode</th><th>2025</th><th>2026</th></tr>"
        '<tr><td>Cibening</td><td rowspan="2">K1</td><td>100</td><td>200</td></tr>'
        '<tr><td colspan="3">Sukamaju (total)</td><td>999</td></tr></table>\n\n'
        # a second head is a body where it stands; tables ten deep print
        "<table><thead><tr><th>Juara 1</th></tr></thead><tbody><tr><td>a</td></tr></tbody>"
        "<thead><tr><td>Juara 2</td></tr></thead><tbody><tr><td>Juara 3</td></tr></tbody>"
        "</table>\n\n"
        + "<table><tr><td>" * 10 + "terdalam" + "</td></tr></table>" * 10 + "\n\n"
        + '<ol reversed start="1"><li>satu</li><li>nol</li><li>minus satu</li></ol>\n'
    )
    pdf = _printed(repo, "Rapat Desa", body)
    words = {w[0]: w[1:] for page in _words(pdf) for w in page}
    votes = sorted(((w[1], w[2]) for page in _words(pdf) for w in page if w[0] == "ya"),
                   key=lambda v: v[1])
    assert abs(votes[0][0] - words["Setuju"][0]) < 3  # Cijambe
    assert abs(votes[1][0] - words["Menolak"][0]) < 3  # Karangsari, under its column
    text = _layout(pdf)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert {"1. satu", "0. nol", "-1. minus satu"} <= set(lines), lines
    assert "Libur" in text and "Selasa" in text and "terdalam" in text
    order = [line for line in lines if line.startswith("Juara")]
    assert order == ["Juara 1", "Juara 2", "Juara 3"], order
    # the cell after one cut short stands where a browser puts it: 999 under 2026
    heads = [w[1:] for page in _words(pdf) for w in page
             if w[0] in ("2025", "2026") and w[2] < words["999"][1]]
    column = max(heads, key=lambda box: box[1])  # the header row just above
    years = sorted(h for h in heads if abs(h[1] - column[1]) < 1)
    assert len(years) == 2
    assert abs(words["999"][0] - years[1][0]) < 3, (words["999"], years)


def test_an_item_inside_a_block_of_an_ordered_list_keeps_the_number_the_site_shows(
    repo: Repo,
) -> None:
    """Left open by an independent attack: an item in a ``<div>`` in an ``<ol>`` is
    numbered by a browser in the list's sequence (a reversed list counts it too), and the
    bulletin printed it with a bullet, the items after it one number too low."""
    body = (
        "SUKAMAJU – Urutan.\n\n"
        '<ol start="3"><li>Butir tiga</li><div><li>Butir empat</li></div>'
        "<li>Butir lima</li></ol>\n\n"
        "<ol reversed><li>Mundur tiga</li><div><li>Mundur dua</li></div>"
        "<li>Mundur satu</li></ol>\n\n"
        "<ol><li>Induk<ol><li>Anak pertama</li><div><li>Anak kedua</li></div></ol></li>"
        "</ol>\n"
    )
    pdf = _printed(repo, "Urutan Kegiatan", body)
    lines = [" ".join(line.split()) for line in _layout(pdf).splitlines()]
    expected = {"3. Butir tiga", "4. Butir empat", "5. Butir lima", "3. Mundur tiga",
                "2. Mundur dua", "1. Mundur satu", "a. Anak pertama", "b. Anak kedua"}
    assert expected <= set(lines), lines
    assert not [line for line in lines if line.startswith("\u2022")], lines


def test_an_item_not_yet_through_a_step_before_printing_is_left_out_not_the_edition(
    repo: Repo,
) -> None:
    """Found by an independent attack on other offices' SOPs: with a step between the
    approval and printing (an upload to the web), one approved item still waiting for it
    made ``warta cetak`` refuse the whole month's edition ("wrong order"), writing nothing."""
    sop = repo.read("workflow/sop.yml")
    upload = (
        "  - id: unggah\n"
        "    activity: Mengunggah berita ke situs web\n"
        "    role: kasubag\n"
        "    input: Berita yang disahkan\n"
        "    time: {amount: 30, unit: menit}\n"
        "    output: Berita di situs web\n"
        "    status: diunggah\n\n"
    )
    repo.write("workflow/sop.yml",
               sop.replace("  - id: kompilasi\n", upload + "  - id: kompilasi\n"))
    repo.sign_workflow()
    ready = repo.approved_item("Posyandu Melati Jadi Percontohan", day="2026-11-03",
                               slug="posyandu")
    repo.sign(ready, "sri", f"2026-11-03T11:00:00{WIB}")  # unggah
    repo.approved_item("Pasar Tani Digelar di Alun-alun", day="2026-11-04", slug="pasar-tani")
    repo.commit_all("berita")
    result = cetak(repo)
    assert result.returncode == 0, result.stderr
    assert "pasar-tani" in result.stdout and "6. unggah" in result.stdout, result.stdout
    text = pdf_text(repo.path(f"{EDITION}/buletin.pdf"))
    assert "Posyandu Melati" in text and "Pasar Tani" not in text


def test_a_key_revoked_on_main_prints_no_new_revision(repo: Repo) -> None:
    """Found by an independent attack on the gate's revocation check, which covered item
    records only: revision 1 printed on Tue 3 Nov, Sri's key revoked on main from Tue 10 Nov,
    and on Thu 12 Nov the thief, her clock set to Mon 9 Nov, compiled revision 2 with the
    stolen key; the gate passed it and the site served it in place of revision 1. A
    manifest new at the gate is refused when its key is revoked by the gate's day
    (``cetak.key-revoked``), and ``warta cetak`` refuses such a key by its own clock."""
    from helpers import pub
    from warta.model.signing import fingerprint

    repo.approved_item("Jalan Desa Diresmikan", day="2026-11-02", slug="jalan")
    repo.commit_all("berita")
    first = cetak(repo.at_clock("2026-11-03T12:00:00+07:00"), at="2026-11-03T10:00:00+07:00")
    assert first.returncode == 0, first.stdout + first.stderr
    revoked = repo.at_clock("2026-11-10T10:00:00+07:00").cli(
        "roster", "revoke", "sri", "--key", fingerprint(pub(repo.keys["sri"])), "--on",
        "2026-11-10", "--reason", "laptop dicuri", "--admin-key", str(repo.keys["admin"]))
    assert revoked.returncode == 0, revoked.stdout + revoked.stderr
    base = repo.git("rev-parse", "HEAD").strip()
    thursday = repo.at_clock("2026-11-12T10:00:00+07:00")
    refused = cetak(thursday, "--judul", "Buletin Palsu", at="2026-11-09T15:00:00+07:00")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "was revoked on 2026-11-10 (laptop dicuri)" in refused.stderr, refused.stderr
    forged = cetak(repo.at_clock("2026-11-09T16:00:00+07:00"), "--judul", "Buletin Palsu",
                   at="2026-11-09T15:00:00+07:00")
    assert forged.returncode == 0, forged.stdout + forged.stderr  # (the thief's own clock)
    gate = thursday.cli("validate", "--strict", "--no-cache", "--base", base)
    assert gate.returncode == 1, gate.stdout + gate.stderr
    (line,) = [row for row in gate.stdout.splitlines() if "[cetak.key-revoked]" in row]
    assert line.startswith(f"{EDITION}/r2/edisi.yml:"), line
    assert "revoked on 2026-11-10 (laptop dicuri); it claims 2026-11-09" in line, line
    # revision 1, which the base holds, is judged by its day as before: no finding
    assert [row for row in gate.stdout.splitlines() if "[cetak." in row] == [line]
