"""A photo whose name leaves no room for its copies' names, and a file whose path fits in
the repository but not in the folder the site is built into. The site names each copy of a
raster photo after it (``foto.jpg-1600w.webp``), and a file's name may have at most 255
bytes: a 248-byte name, which git and the file system take, made every copy's write fail.
One pushed draft stopped every reviewer's preview, and an item signed with such a photo
passed ``validate`` and then stopped every deploy (found by an independent attack).

A path is the same: Linux takes 4,096 bytes for a whole path, and an attachment 3,840 bytes
deep in an item's folder (sixteen folders of 240 bytes), which git clones, stopped every
build into a folder a few hundred bytes deep (found by the attack on that fix).

Now the validator refuses such a name (``files.long-name``) or path (``files.long-path``: at
most 1,024 bytes in the site, a photo's copy counted), so ``warta sign`` does not list it,
an item signed with it anyway is left out while the rest of the site is built, and a
preview shows the draft without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_site_photos import signed_outside_warta, site  # noqa: F401 - a fixture, used by name

from helpers import WIB, Repo, tiny_jpeg

FOLDER = "content/berita/2026/panjang"
ITEM = f"{FOLDER}/index.md"
PHOTO = tiny_jpeg(b"nama panjang")
#: 245 bytes: its copy foto…jpg-1600w.webp would have 256
LONG = "foto-" + "é" * 118 + ".jpg"
#: 244 bytes: every copy's name fits
FITS = "foto-" + "é" * 117 + "x.jpg"
#: 251 bytes: even the copy of a 32-pixel photo (…jpg-32w.webp) cannot be written
LONGER = "foto-" + "é" * 121 + ".jpg"
#: 3,840 bytes of folders: the path fits in the repository, not under a deeper site folder
DEEP = "/".join(["d" * 239] * 16) + "/surat.pdf"
PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_names_are_what_the_tests_say() -> None:
    assert len(LONG.encode()) == 245 and len(FITS.encode()) == 244
    assert len(LONGER.encode()) == 251


def test_sign_refuses_a_photo_whose_copies_could_not_be_named(site: Repo) -> None:  # noqa: F811
    day = "2026-11-03"
    path = site.new_item("Nama Panjang", at=f"{day}T08:00:00{WIB}", slug="panjang")
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    site.write(f"{FOLDER}/{LONG}", PHOTO)
    site.write(f"{FOLDER}/{FITS}", PHOTO)
    before = path.read_bytes()
    result = site.cli("sign", str(path), "--key", str(site.keys["dimas"]),
                      "--at", f"{day}T10:00:00+07:00")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [row for row in result.stderr.splitlines() if "[files.long-name]" in row]
    assert re.match(rf"{re.escape(ITEM)}:[0-9]+: error \[files\.long-name\] ", line.strip()), line
    assert f"{LONG}: " in line and "at most 244 bytes, found 245" in line, line
    assert path.read_bytes() == before  # nothing listed, nothing signed
    # the name that fits is no finding
    report = json.loads(site.cli("validate", "--format", "json").stdout)
    (verdict,) = [v for v in report["items"] if v["path"] == ITEM]
    assert [f["rule"] for f in verdict["findings"]] == ["files.long-name"]


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [(LONGER, PHOTO, "files.long-name"), (DEEP, PDF, "files.long-path")],
    ids=["name", "path"],
)
def test_an_item_signed_with_such_a_file_is_left_out_and_the_site_is_built(
    site: Repo, tmp_path: Path, name: str, data: bytes, rule: str  # noqa: F811
) -> None:
    """Signed outside Warta's refusals (as an older Warta would have signed it), built into
    a folder a few hundred bytes deep."""
    path = site.new_item("Nama Panjang", at=f"2026-11-02T07:30:00{WIB}", slug="panjang")
    signed_outside_warta(site, path, {name: data}, rule)

    out = tmp_path / ("o" * 250) / "situs"
    built = site.cli("build", "-d", str(out))
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (out / "berita/2026/panen-raya/index.html").is_file()  # the rest of the site
    assert not (out / "berita/2026/panjang").exists()


def test_a_draft_with_such_files_is_previewed_without_them(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    """Anyone who can push a draft could stop every reviewer's preview."""
    site.new_item("Draf Nama Panjang", at=f"2026-11-04T08:00:00{WIB}", slug="panjang")
    for name, data in ((LONGER, PHOTO), (FITS, PHOTO), (DEEP, PDF), ("surat.pdf", PDF)):
        site.write(f"{FOLDER}/{name}", data)
    site.commit_all("draf")
    result = site.cli("--lang", "en", "validate")
    assert result.returncode == 1
    (line,) = [row for row in result.stdout.splitlines() if "[files.long-path]" in row]
    assert "expected a path of at most 1024 bytes under content/, found 3869" in line, line
    assert sum("[files.long-name]" in row for row in result.stdout.splitlines()) == 1

    out = tmp_path / ("o" * 250) / "pratinjau"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    folder = out / "berita/2026/panjang"
    assert (folder / "index.html").is_file()  # the draft's page
    assert (out / "berita/2026/panen-raya/index.html").is_file()
    names = {p.name for p in folder.iterdir()}
    assert not [n for n in names if n.startswith(LONGER)]
    assert f"{FITS}-32w.jpg" in names and "surat.pdf" in names  # the files that fit are shown
    assert not (folder / ("d" * 239)).exists()


def test_the_limits_count_bytes_in_the_site() -> None:
    from warta.model.closure import TooLong, too_long

    folder = "berita/2026/panjang/"  # 20 bytes
    assert too_long(folder, "a" * 250 + ".pdf") is None  # a name that exists fits
    assert too_long(folder, FITS) is None
    assert too_long(folder, LONG) == TooLong("files.long-name", 244, 245)
    deep = "/".join(["d" * 200] * 4) + "/"  # 804 bytes
    assert too_long(folder, deep + "e" * 196 + ".pdf") is None  # 1,024 bytes in the site
    assert too_long(folder, deep + "e" * 197 + ".pdf") == TooLong("files.long-path", 1024, 1025)
    # a photo's copies are 11 bytes longer
    assert too_long(folder, deep + "e" * 185 + ".jpg") is None
    assert too_long(folder, deep + "e" * 186 + ".jpg") == TooLong("files.long-path", 1013, 1014)


def test_the_longest_copy_tail_is_that_of_the_widest_copy_in_the_longest_format() -> None:
    """COPY_TAIL_MAX holds for every copy the site may write: widths never pass the widest,
    and each format's suffix is counted (a wider copy or a new format would need more)."""
    from warta.adapters.photos import EXTENSION, WIDTHS, widths_for
    from warta.adapters.photostore import Copy
    from warta.mkdocs_plugin.photofiles import copy_name
    from warta.model.photo import COPY_TAIL_MAX

    tails = {
        len(copy_name("f", Copy(fmt, width, 1, "sha256:" + "0" * 64))) - 1
        for width in {*WIDTHS, *widths_for(10**6)}
        for fmt in EXTENSION
    }
    assert max(tails) == COPY_TAIL_MAX
