"""A file in an item's folder below a folder that has the name of a file the site writes for
that item: its page (``index.html/catatan.txt``) or a copy of one of its photos
(``images/foto.jpg-32w.jpg/catatan.txt`` beside ``images/foto.jpg``). MkDocs cannot write
both, and the build ended in a traceback: for a signed item, every deploy failed; for an
unsigned draft pushed by anyone, every reviewer's preview did.

A photo named like another's copy (``images/foto.jpg-32w.jpg`` itself, beside
``images/foto.jpg``; found by an independent attack) passed ``validate --strict`` and every
signature, while the build could not write both: the approved page showed a broken image,
the other picture stood at the copy's address, and every ``build --strict`` failed.

Now the validator refuses such a file (``files.clash``), so ``warta sign`` refuses to list it,
an item signed with it anyway is left out while the rest of the site is built, and a preview
shows the draft without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_site_photos import signed_outside_warta, site  # noqa: F401 - a fixture, used by name

from helpers import WIB, Repo, tiny_jpeg

FOLDER = "content/berita/2026/lipatan"
ITEM = f"{FOLDER}/index.md"
#: Another picture, at the name of the copy the site writes of images/foto.jpg.
PLANTED = tiny_jpeg(b"bukan salinan")
#: layout -> (the files beside the item, what the finding says takes a written file's name)
LAYOUTS = {
    "copy": (
        {"images/foto.jpg": tiny_jpeg(b"31"), "images/foto.jpg-32w.jpg/catatan.txt": b"catatan\n"},
        "the folder images/foto.jpg-32w.jpg ",
    ),
    "page": ({"index.html/catatan.txt": b"catatan\n"}, "the folder index.html "),
    "file": (
        {"images/foto.jpg": tiny_jpeg(b"31"), "images/foto.jpg-32w.jpg": PLANTED},
        "images/foto.jpg-32w.jpg has the name of a file the site writes for this item ",
    ),
}


def _place(repo: Repo, layout: str) -> None:
    for rel, data in LAYOUTS[layout][0].items():
        repo.write(f"{FOLDER}/{rel}", data)


def _no_note_published(out: Path) -> None:
    assert not list(out.rglob("catatan.txt"))
    assert all(p.read_bytes() not in (b"catatan\n", PLANTED) for p in out.rglob("*")
               if p.is_file())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sign_refuses_a_folder_named_like_a_file_the_site_writes(site: Repo,  # noqa: F811
                                                                 layout: str) -> None:
    day = "2026-11-03"
    path = site.new_item("Berita Lipatan", at=f"{day}T08:00:00{WIB}", slug="lipatan")
    site.sign(path, "sri", f"{day}T08:04:00{WIB}")
    _place(site, layout)
    before = path.read_bytes()
    result = site.cli("sign", str(path), "--key", str(site.keys["dimas"]),
                      "--at", f"{day}T10:00:00+07:00")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [row for row in result.stderr.splitlines() if "[files.clash]" in row]
    # (the line of the list the signature would have written)
    assert re.match(rf"{re.escape(ITEM)}:[0-9]+: error \[files\.clash\] ", line.strip()), line
    assert LAYOUTS[layout][1] in line, line
    assert path.read_bytes() == before  # nothing listed, nothing signed


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_item_signed_with_such_a_folder_is_left_out_and_the_site_is_built(
    site: Repo, tmp_path: Path, layout: str  # noqa: F811
) -> None:
    """Signed outside Warta's refusals (as an older Warta would have signed it)."""
    path = site.new_item("Berita Lipatan", at=f"2026-11-02T07:30:00{WIB}", slug="lipatan")
    signed_outside_warta(site, path, LAYOUTS[layout][0], "files.clash")

    out = tmp_path / "out"
    built = site.cli("build", "-d", str(out))
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (out / "berita/2026/panen-raya/index.html").is_file()  # the rest of the site
    assert not (out / "berita/2026/lipatan").exists()
    _no_note_published(out)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_draft_with_such_a_folder_is_previewed_without_it(
    site: Repo, tmp_path: Path, layout: str  # noqa: F811
) -> None:
    """Anyone who can push a draft could stop every reviewer's preview."""
    site.new_item("Draf Lipatan", at=f"2026-11-04T08:00:00{WIB}", slug="lipatan")
    _place(site, layout)
    site.commit_all("draf")
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "berita/2026/lipatan/index.html").is_file()  # the draft's page
    _no_note_published(out)
    if layout != "page":  # the photo's copy is written where the folder or file was not
        assert (out / "berita/2026/lipatan/images/foto.jpg-32w.jpg").is_file()
