"""Two files beside an item whose names differ only in upper and lower case
(``Lampiran.pdf``, ``lampiran.pdf``) or in how a letter is encoded (``kafé.pdf`` with the
letter é, and with e and a combining accent), or a file named like another's folder but for
case. Git and Linux keep both; a file system that ignores case and Unicode form (macOS',
Windows') holds one, and the build's own output check refuses to write both.

Before, ``warta sign`` listed both, ``validate`` passed the item, and then every build
stopped ("would both be published at …"): one approved item stopped every deploy, and one
pushed draft stopped every reviewer's preview. Now the validator refuses the later name
(``files.case-clash``), so ``warta sign`` does not list it, an item signed with it anyway is
left out while the rest of the site is built, and a draft's preview leaves it out.

A file named like one the site writes for the item but for case (``INDEX.HTML/…``, or a
picture named like a copy of another, ``Foto.JPG-480w.jpg`` beside ``foto.jpg``) is the same
clash as ``files.clash`` without case, and is refused as that."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from test_site_photos import signed_outside_warta, site  # noqa: F401 - a fixture, used by name

from helpers import WIB, Repo, tiny_jpeg

FOLDER = "content/berita/2026/lipatan"
ITEM = f"{FOLDER}/index.md"
PDF_A, PDF_B = b"%PDF-1.4\n% satu\n", b"%PDF-1.4\n% dua\n"
NFC, NFD = unicodedata.normalize("NFC", "kafé.pdf"), unicodedata.normalize("NFD", "kafé.pdf")
#: layout -> (the files beside the item, the rule, the name refused, what the finding says)
LAYOUTS = {
    "case": ({"Lampiran.pdf": PDF_A, "lampiran.pdf": PDF_B}, "files.case-clash",
             "lampiran.pdf", "lampiran.pdf and Lampiran.pdf differ only in upper and lower case"),
    "unicode": ({NFC: PDF_A, NFD: PDF_B}, "files.case-clash", NFC,  # (NFD sorts first)
                f"{NFC} and {NFD} differ only in upper and lower case, or in how a letter"),
    "folder": ({"Lampiran.pdf": PDF_A, "lampiran.pdf/catatan.txt": b"catatan\n"},
               "files.case-clash", "Lampiran.pdf", "Lampiran.pdf and lampiran.pdf/catatan.txt"),
    "page": ({"INDEX.HTML/catatan.txt": b"catatan\n"}, "files.clash",
             "INDEX.HTML/catatan.txt", "the folder INDEX.HTML has the name of a file the site"),
    "copy": ({"images/foto.jpg": tiny_jpeg(b"31"), "images/Foto.JPG-480W.jpg": tiny_jpeg(b"x")},
             "files.clash", "images/Foto.JPG-480W.jpg",
             "images/Foto.JPG-480W.jpg has the name of a file the site writes for this item"),
}


def _place(repo: Repo, layout: str) -> None:
    for rel, data in LAYOUTS[layout][0].items():
        (repo.root / FOLDER / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / FOLDER / rel).write_bytes(data)


def _published(out: Path) -> dict[str, bytes]:
    folder = out / "berita/2026/lipatan"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sign_refuses_a_name_that_differs_only_in_case(site: Repo,  # noqa: F811
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
    rule = LAYOUTS[layout][1]
    (line,) = [row for row in result.stderr.splitlines() if f"[{rule}]" in row]
    assert re.match(rf"{re.escape(ITEM)}:[0-9]+: error \[{re.escape(rule)}\] ", line.strip()), line
    assert LAYOUTS[layout][3] in line, line
    assert path.read_bytes() == before  # nothing listed, nothing signed


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_item_signed_with_such_names_is_left_out_and_the_site_is_built(
    site: Repo, tmp_path: Path, layout: str  # noqa: F811
) -> None:
    """Signed outside Warta's refusals (as an older Warta signed it: before, every build
    stopped on it)."""
    path = site.new_item("Berita Lipatan", at=f"2026-11-02T07:30:00{WIB}", slug="lipatan")
    signed_outside_warta(site, path, LAYOUTS[layout][0], LAYOUTS[layout][1])

    out = tmp_path / "out"
    built = site.cli("build", "-d", str(out))
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (out / "berita/2026/panen-raya/index.html").is_file()  # the rest of the site
    assert not (out / "berita/2026/lipatan").exists()
    strict = site.cli("build", "--strict", "-d", str(tmp_path / "strict"))
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert f"[{LAYOUTS[layout][1]}]" in strict.stderr


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_draft_with_such_names_is_previewed_without_the_later_one(
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
    published = _published(out)
    assert "index.html" in published  # the draft's page
    files, _rule, refused, _why = LAYOUTS[layout]
    assert all(not name.startswith(refused) for name in published), sorted(published)
    assert files[refused] not in published.values()
    kept = [rel for rel in files if rel != refused and not rel.startswith("images/")]
    for rel in kept:  # the file kept (a photo is published as its clean copies)
        assert published[rel] == files[rel]
