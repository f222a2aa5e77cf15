"""A draft's categories and tags reach every reviewer's preview, and anyone who can push
writes drafts (a third independent attack):

- a draft with 2,000 categories made 2,002 category pages and took the preview 84 s. An item
  holds at most ``CATEGORIES_MAX`` categories and ``TAGS_MAX`` tags of at most ``LABEL_MAX``
  characters (``schema.too-many``, ``schema.too-long``), and an item over the limit lists none;
- a draft whose category differed from a published one only in case (``KECAMATAN CIBENING``)
  took that category's address in the preview, and the published category moved to
  ``kategori/kecamatan-cibening-2/``. Published names keep their addresses; a draft's new
  names get others."""

from __future__ import annotations

import re
from pathlib import Path

from test_site_photos import site  # noqa: F401 - a fixture, used by name

from hardening.forge import Forger
from helpers import WIB, Repo
from warta.adapters.items import (
    CATEGORIES_MAX,
    DESCRIPTION_MAX,
    LABEL_MAX,
    TAGS_MAX,
    TITLE_MAX,
)


def _draft(repo: Repo, folder: str, title: str, *, slug: str, categories: str,
           tags: str = "[]", description: str = "Ringkasan draf") -> str:
    rel = f"content/berita/{folder}/index.md"
    repo.write(
        rel,
        "---\n"
        f"id: 20261105-{slug}\ntitle: {title}\nslug: {slug}\ndate: 2026-11-05\n"
        f"description: {description}\ncategories: {categories}\ntags: {tags}\n"
        'status: "ditugaskan"\nrevision: 1\n---\n\nIsi draf.\n',
    )
    return rel


def _yaml_list(names: list[str]) -> str:
    return "[" + ", ".join(names) + "]"


def _category_pages(out: Path) -> list[str]:
    return sorted(p.parent.name for p in (out / "kategori").glob("*/index.html"))


def test_a_draft_with_thousands_of_categories_lists_none_in_the_preview(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    many = _yaml_list([f"Kategori {n}" for n in range(2000)])
    rel = _draft(site, "2026/banyak", "Draf Banyak", slug="banyak", categories=many,
                 tags=_yaml_list([f"tag{n}" for n in range(TAGS_MAX + 1)]))
    site.commit_all("draf")
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (
        f"{rel}:7: [schema.too-many] 'categories' must have at most {CATEGORIES_MAX} entries;"
        " found 2000"
    ) in result.stderr, result.stderr
    assert f"{rel}:8: [schema.too-many] 'tags' must have at most {TAGS_MAX} entries" in (
        result.stderr
    )
    assert (out / "berita/2026/banyak/index.html").is_file()  # the draft itself is shown
    assert _category_pages(out) == ["infrastruktur", "kecamatan-cibening"]
    assert "Kategori 1" not in (out / "kategori/index.html").read_text(encoding="utf-8")


def test_a_draft_with_an_overlong_category_or_tag_lists_none(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    long = "Kecamatan " + "Panjang" * 20
    rel = _draft(site, "2026/panjang", "Draf Panjang", slug="panjang",
                 categories=_yaml_list(["Infrastruktur", long]),
                 tags=_yaml_list(["jalan", "t" * (LABEL_MAX + 1)]))
    site.commit_all("draf")
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        f"{rel}:7: [schema.too-long] 'categories' entries must be at most {LABEL_MAX}"
        f" characters; found one of {len(long)}"
    ) in result.stderr, result.stderr
    assert f"{rel}:8: [schema.too-long] 'tags' entries must be at most {LABEL_MAX}" in (
        result.stderr
    )
    assert _category_pages(out) == ["infrastruktur", "kecamatan-cibening"]
    kategori = (out / "kategori/infrastruktur/index.html").read_text(encoding="utf-8")
    assert "Draf Panjang" not in kategori  # over the limit, it lists in none of them


def test_an_item_with_too_many_categories_is_refused_and_left_out(
    site: Repo, keys: dict[str, Path], tmp_path: Path  # noqa: F811
) -> None:
    """``warta new`` refuses it; signed anyway (outside Warta's refusals), it is left out."""
    many = [f"Kategori {n}" for n in range(CATEGORIES_MAX + 1)]
    args = [a for name in many for a in ("--category", name)]
    refused = site.cli("new", "Berita Banyak Kategori", *args, "--key", str(site.keys["hendra"]),
                       "--at", f"2026-11-03T08:00:00{WIB}")
    assert refused.returncode == 1, refused.stderr
    assert "[schema.too-many] 'categories' must have at most" in refused.stderr
    assert not site.path("content/berita/2026/berita-banyak-kategori").exists()
    path = site.approved_item("Berita Banyak Kategori", day="2026-11-03", slug="banyak")
    text, n = re.subn(r"\ncategories:\n(?:- .*\n)+", "\ncategories: " + _yaml_list(many) + "\n",
                      path.read_text(encoding="utf-8"))
    assert n == 1
    path.write_text(Forger(keys).sign_chain(text), encoding="utf-8")
    site.commit_all("berita yang ditandatangani di luar warta")
    verdict = site.verdict_of("/banyak/index.md")
    assert [f["rule"] for f in verdict["findings"]] == ["schema.too-many"]
    assert not verdict["publishable"]
    out = tmp_path / "site"
    built = site.cli("build", "-d", str(out))
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (out / "berita/2026/banyak").exists()
    assert _category_pages(out) == ["infrastruktur", "kecamatan-cibening"]


def test_a_draft_never_moves_a_published_category_or_reporter(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    _draft(site, "2026/huruf", "Draf Huruf Besar", slug="huruf",
           categories="[KECAMATAN CIBENING, INFRASTRUKTUR]")
    site.commit_all("draf")
    built = site.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr[-3000:]
    published = _category_pages(tmp_path / "site")
    assert published == ["infrastruktur", "kecamatan-cibening"]
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _category_pages(out) == [
        "infrastruktur", "infrastruktur-2", "kecamatan-cibening", "kecamatan-cibening-2"
    ]
    for slug in published:  # the published pages keep their address and their item
        page = (out / "kategori" / slug / "index.html").read_text(encoding="utf-8")
        assert "Panen Raya Padi di Cibening" in page
        assert "Draf Huruf Besar" not in page
    draft_page = (out / "kategori/kecamatan-cibening-2/index.html").read_text(encoding="utf-8")
    assert "Draf Huruf Besar" in draft_page
    assert "Panen Raya Padi di Cibening" not in draft_page
    assert sorted(p.name for p in (out / "reporter").iterdir() if p.is_dir()) == sorted(
        p.name for p in (tmp_path / "site/reporter").iterdir() if p.is_dir()
    )


def test_a_draft_with_a_huge_title_or_description_shows_it_nowhere(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    """Ten drafts with 900 KB titles made the internal report's PDF take 41 s for 1,005 pages
    (found by an independent attack): a title has at most ``TITLE_MAX`` characters, and a
    longer one is shown nowhere; so for a description (on the draft's card in every list
    of a preview) and ``DESCRIPTION_MAX``."""
    huge = "Judul " * 150_000
    long = "Ringkasan " * 20_000
    _draft(site, "2026/judul", huge.strip(), slug="judul", categories="[Infrastruktur]")
    _draft(site, "2026/ringkas", "Draf Ringkas", slug="ringkas", categories="[Infrastruktur]",
           description=long.strip())
    site.commit_all("draf")
    report = site.cli("--lang", "en", "validate")
    assert report.returncode == 1
    assert (
        "content/berita/2026/judul/index.md:3: error [schema.too-long] 'title' must be at most"
        f" {TITLE_MAX} characters; found {len(huge.strip())}"
    ) in report.stdout
    assert (
        "content/berita/2026/ringkas/index.md:6: error [schema.too-long] 'description' must be"
        f" at most {DESCRIPTION_MAX} characters; found {len(long.strip())}"
    ) in report.stdout
    out = tmp_path / "preview"
    preview = site.cli("preview", "--build-only", str(out))
    assert preview.returncode == 0, preview.stderr[-3000:]
    assert huge[:60] not in preview.stderr
    assert not [p for p in out.rglob("*.html") if "Judul Judul Judul" in p.read_text("utf-8")]
    assert not [p for p in out.rglob("*.html") if "Ringkasan Ringkasan" in p.read_text("utf-8")]
    laporan = tmp_path / "laporan.html"
    made = site.cli("laporan", "--periode", "2026-11", "--at", f"2026-11-30T10:00:00{WIB}",
                    "--output", str(laporan))
    assert made.returncode == 0, made.stderr
    assert "Judul Judul Judul" not in laporan.read_text(encoding="utf-8")
