"""News that is not where news lives never reaches the site: an item outside content/berita/
(rule item.outside-news; unsigned too), and a folder elsewhere under content/ that is a
symbolic link into content/berita/ (MkDocs follows links; Warta refuses every link)."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sitekit import SiteRepo, add_item, copy_site_config

from helpers import make_repo


@pytest.fixture(scope="module")
def strays(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> SiteRepo:
    site = SiteRepo(make_repo(tmp_path_factory.mktemp("strays") / "repo", keys))
    copy_site_config(site.root)
    add_item(
        site,
        "terbit",
        title="Pasar Tani Cigintung Dibuka",
        slug="pasar-tani-cigintung",
        day="2026-10-10",
        body="PASIRLAYA – Pasar tani dibuka setiap Sabtu.\n",
        categories=["Kecamatan Pasirlaya", "Pertanian"],
        steps=5,
        published=True,
    )
    draft = add_item(
        site,
        "draf",
        title="Kanaritautan Judul Draf",
        slug="kanaritautan-slug",
        day="2026-10-11",
        body="PASIRLAYA – Isi kanaritautanisi yang belum disetujui.\n",
        categories=["Kecamatan Pasirlaya"],
        steps=3,
    )
    approved = site.items["terbit"].path
    # an approved item copied outside the news folder, retitled: signed, but misplaced
    stray = approved.read_text(encoding="utf-8").replace(
        "Pasar Tani Cigintung Dibuka", "Kanarinyasar Judul"
    )
    (site.root / "content" / "kanarinyasar.md").write_text(stray, encoding="utf-8")
    # a folder link from elsewhere into the draft's folder
    os.symlink(draft.path.parent, site.root / "content" / "pintas")
    return site


def test_items_outside_the_news_folder_and_links_into_it_never_reach_the_site(
    strays: SiteRepo, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = strays.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    assert "content/kanarinyasar.md:1: [item.outside-news]" in result.stderr
    assert "not published: content/kanarinyasar.md" in result.stderr
    assert "content/pintas: [site.symlink] expected a regular file, found a symbolic link" in (
        result.stderr
    )
    leaks = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix().lower()
        if (
            "kanari" in rel
            or "pintas" in rel
            or (
                path.is_file()
                and path.suffix != ".gz"
                and "kanari" in path.read_text(encoding="utf-8", errors="replace").lower()
            )
        ):
            leaks.append(rel)
    assert leaks == []
    # the approved item itself is published
    assert (out / "berita" / "2026" / "pasar-tani-cigintung" / "index.html").is_file()


def test_the_validator_reports_the_misplaced_item(strays: SiteRepo) -> None:
    data = strays.repo.validate_json()
    verdicts = {entry["path"]: entry for entry in data["site"]}
    stray = verdicts["content/kanarinyasar.md"]
    assert stray["publishable"] is False
    assert [f["rule"] for f in stray["findings"]] == ["item.outside-news", "site.unsigned"]
    link = verdicts["content/pintas"]
    assert link["publishable"] is False
    draft = strays.items["draf"].path.parent
    assert [(f["rule"], f["message"]) for f in link["findings"]] == [
        (
            "site.symlink",
            f"expected a regular file, found a symbolic link (to '{draft}'); nothing is"
            " published through a link",
        )
    ]
    assert data["summary"]["publishable"] == 1


def test_without_the_plugin_gate_the_link_would_have_leaked(
    strays: SiteRepo, tmp_path: Path
) -> None:
    """Control: MkDocs really does follow the folder link, so the check above is not vacuous."""
    root = tmp_path / "copy"
    shutil.copytree(strays.root, root, symlinks=True)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("  - warta:")
    end = config.index("markdown_extensions:")
    (root / "mkdocs.yml").write_text(config[:start] + "\n" + config[end:], encoding="utf-8")
    os.unlink(root / "content" / "pintas")
    target = root / "content" / "berita" / "2026" / "kanaritautan-slug"
    os.symlink(target, root / "content" / "pintas")
    out = tmp_path / "site"
    copy = SiteRepo(replace(strays.repo, root=root))
    result = copy.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    page = out / "pintas" / "index.html"
    assert page.is_file() and "kanaritautanisi" in page.read_text(encoding="utf-8")
