"""Signed text that Material's own script or plugins would turn into markup (found by an
independent attack on the published site): a tooltip feature that puts ``title``s into the
page as HTML, and the search plugin's clean-up of ``data-search-*`` attributes, which cut a
page after a body's text. Real keys, real builds, the CLI through its entry point."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import Repo, SignedRepos, copy_repo

PAYLOAD = "<img src=x onerror=alert(document.domain)>"


def test_a_material_feature_warta_has_not_checked_is_refused(
    signed_repo: SignedRepos, tmp_path: Path
) -> None:
    """``content.tooltips`` puts each ``title`` (and each shortened label: a page title)
    into the page with innerHTML: an escaped ``<img onerror>`` in a signed title ran. An
    administrator can neither sign such a configuration nor build with it."""
    repo = copy_repo(signed_repo(), tmp_path / "repo")
    config = repo.read("mkdocs.yml")
    assert "  features:\n" in config
    repo.write("mkdocs.yml", config.replace("  features:\n",
                                            "  features:\n    - content.tooltips\n", 1))
    signed = repo.cli("--lang", "en", "trust", "sign", "--key", str(repo.keys["admin"]),
                      "--no-commit")
    assert signed.returncode != 0, signed.stdout
    said = signed.stdout + signed.stderr
    assert "site.feature" in said and "'content.tooltips'" in said, said
    assert "Traceback" not in said
    built = repo.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode != 0
    assert not (tmp_path / "site" / "index.html").exists()


def test_no_markup_in_a_title_and_no_text_read_as_a_search_attribute(
    signed_repo: SignedRepos, tmp_path: Path
) -> None:
    """A ``title`` (the writer's, or an abbreviation's) holding markup is dropped; a body
    ending in ``data-search-x="`` no longer lets Material's search plugin cut the page's
    markup after it (the share row's tag was printed as text)."""
    repo: Repo = copy_repo(signed_repo(), tmp_path / "repo")
    body = (
        f'SUKAMAJU – Bupati meninjau <span title="{PAYLOAD}">jembatan</span> baru.\n\n'
        f"*[SUKAMAJU]: {PAYLOAD}\n\n"
        'Warga berkumpul data-search-x="\n'
    )
    repo.approved_item("Bupati Tinjau Jembatan", slug="jembatan", body=body)
    repo.commit_all("berita")
    built = repo.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site/berita/2026/jembatan/index.html").read_text(encoding="utf-8")
    article = page[page.index('<div class="warta-body">'):]
    assert not re.search(r'title="[^"]*(&lt;|<)img', page), page
    assert "onerror" not in page
    assert "<span>jembatan</span>" in article
    assert '<section class="warta-share"' in article
    assert 'data-search-x="' not in page
    assert "Warga berkumpul data&#45;search-x=" in article
