"""The typed fields of an item, end to end: one real repository (git, ssh-keygen keys, signed
workflow files) holds one item per broken field (the lead photo, description, tags,
categories), ``warta validate`` runs once over all of them through the installed entry point,
and each test asserts the item's findings exactly: rule, severity, line, message (what was
expected and what was found). An image pointing out of the folder, an image that is a list
and alt text that is a mapping are among them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hardening.forge import Forger, load_policy
from helpers import Repo, make_repo
from warta.adapters import newitem

NEWS = "content/berita/2026"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"><rect width="16"/></svg>\n'
PHOTO = "image:\n  src: foto.svg\n  alt: Jembatan gantung di atas sungai\n"
ALT = "image.alt must describe the photo for readers who cannot see it; "

#: slug -> (text replaced, its replacement) in the new item, and the files beside it
CASES: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "foto-benar": (("status:", PHOTO + "status:"), ("foto.svg",)),
    "foto-keluar": (
        ("status:", PHOTO.replace("foto.svg", "../../workflow/roster.yml") + "status:"),
        (),
    ),
    "foto-daftar": (("status:", "image: [foto.svg, Jembatan gantung]\nstatus:"), ("foto.svg",)),
    "alt-peta": (
        ("status:", "image:\n  src: foto.svg\n  alt: {teks: Jembatan}\nstatus:"),
        ("foto.svg",),
    ),
    "tanpa-alt": (("status:", "image:\n  src: foto.svg\n  credit: Humas\nstatus:"), ("foto.svg",)),
    "alt-kosong": (("status:", "image:\n  src: foto.svg\n  alt: '  '\nstatus:"), ("foto.svg",)),
    "foto-pdf": (
        ("status:", PHOTO.replace("foto.svg", "laporan.pdf") + "status:"),
        ("laporan.pdf",),
    ),
    "foto-hilang": (("status:", PHOTO + "status:"), ()),
    "ringkasan-daftar": (("description: Ringkasan", "description: [Ringkasan, dua]"), ()),
    "tag-peta": (("status:", "tags: {jalan: desa}\nstatus:"), ()),
    "kategori-angka": (("- Kecamatan Cibening", "- Kecamatan Cibening\n- 2026"), ()),
}


def rel(slug: str) -> str:
    return f"{NEWS}/{slug}/index.md"


def item_text(slug: str) -> str:
    return newitem.skeleton(
        f"20261102-{slug}",
        title=f"Berita {slug}",
        slug=slug,
        day=date(2026, 11, 2),
        initial_status="usulan",
        categories=["Kecamatan Cibening"],
        description="Ringkasan",
    ).replace("KABUPATEN – Tulis berita di sini.\n", "CIBENING – Isi berita.\n")


@dataclass
class Run:
    repo: Repo
    exit_code: int
    data: dict[str, Any]
    text: str

    def findings(self, slug: str) -> list[tuple[str, str, int | None, str]]:
        (verdict,) = [v for v in self.data["items"] if v["path"] == rel(slug)]
        return [(f["rule"], f["severity"], f["line"], f["message"]) for f in verdict["findings"]]

    def line(self, slug: str, prefix: str) -> int:
        rows = self.repo.read(rel(slug)).split("\n")
        return next(n for n, row in enumerate(rows, start=1) if row.startswith(prefix))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Run:
    repo = make_repo(tmp_path_factory.mktemp("fields") / "repo", keys)
    for slug, ((old, new), files) in CASES.items():
        text = item_text(slug)
        assert text.count(old) == 1, (slug, old)
        repo.write(rel(slug), text.replace(old, new))
        for name in files:
            repo.write(f"{NEWS}/{slug}/{name}", SVG)
    # approved (signed outside Warta's refusals): the photo is not among the signed files
    approved = item_text("foto-tak-terdaftar").replace("status:", PHOTO + "status:")
    repo.write(rel("foto-tak-terdaftar"), Forger(keys).sign_chain(approved, policy=load_policy()))
    repo.commit_all("items")
    result = repo.cli("validate", "--format", "json")
    assert result.stderr == ""
    text = repo.cli("validate")
    assert text.returncode == result.returncode
    return Run(repo, result.returncode, json.loads(result.stdout), text.stdout)


def test_the_run_exits_1_and_a_good_photo_has_no_finding(run: Run) -> None:
    assert run.exit_code == 1
    assert run.findings("foto-benar") == []


def test_text_output_names_file_line_rule_and_message(run: Run) -> None:
    line = run.line("foto-keluar", "  src:")
    assert (
        f"{rel('foto-keluar')}:{line}: error [image.src] image.src must be a plain path inside"
        " the item's folder; found '../../workflow/roster.yml'"
    ) in run.text.splitlines()


#: slug -> the one finding of its item: rule, the line it names (by what the line starts
#: with), message; every one an error
EXPECTED = {
    "foto-keluar": (
        "image.src",
        "  src:",
        "image.src must be a plain path inside the item's folder;"
        " found '../../workflow/roster.yml'",
    ),
    "foto-daftar": ("schema.type", "image:", "'image' must be a mapping; found a list"),
    "alt-peta": ("schema.type", "  alt:", "'image.alt' must be text; found a mapping"),
    "tanpa-alt": ("image.alt", "  src:", ALT + "found nothing"),
    "alt-kosong": ("image.alt", "  alt:", ALT + "found empty text"),
    "foto-pdf": (
        "image.type",
        "  src:",
        "image.src must name a photo (.avif, .gif, .jpeg, .jpg, .png, .svg, .webp);"
        " found 'laporan.pdf'",
    ),
    "foto-hilang": (
        "image.missing",
        "image:",
        "image.src 'foto.svg' must name a file in the item's folder; found none",
    ),
    "foto-tak-terdaftar": (
        "image.unlisted",
        "image:",
        "image.src 'foto.svg' must name a file listed under 'files'; found none",
    ),
    "ringkasan-daftar": ("schema.type", "description:", "'description' must be text; found a list"),
    "tag-peta": ("schema.type", "tags:", "'tags' must be a list of text; found a mapping"),
    "kategori-angka": (
        "schema.type",
        "- 2026",
        "'categories' entries must be text; found a number (2026)",
    ),
}


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_each_broken_field_gets_its_finding(run: Run, slug: str) -> None:
    rule, prefix, message = EXPECTED[slug]
    assert run.findings(slug) == [(rule, "error", run.line(slug, prefix), message)]
