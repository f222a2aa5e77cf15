"""A reviewer's preview shows unsigned drafts, so anyone who can push writes them: a draft
must never stop the preview (an independent attack stopped it twice), and never reaches
``warta build``.

- A body nested a thousand levels deep made Markdown's parser exceed Python's recursion
  limit: the preview ended in a traceback (an approved item's was an ``internal.error``). It is
  ``body.too-complex`` now, like a body over the time budget.
- A draft at ``content/berita/halaman/2/index.md`` took the place of the news list's second
  page and the preview was not built. A preview shows a draft only at the URL its own date and
  slug give, where it would be published."""

from __future__ import annotations

import re
from pathlib import Path

from test_site_photos import site  # noqa: F401 - a fixture, used by name

from hardening.forge import Forger
from helpers import WIB, Repo
from warta.adapters.safefs import MAX_DEPTH

#: blocks nested a thousand deep: the parser recurses past Python's limit at once (a list 800
#: levels deep does too, after seconds, so the time budget could answer first on a busy machine)
DEEP = "<div markdown>\n" * 1000 + "x\n" + "</div>\n" * 1000


def _draft(repo: Repo, folder: str, title: str, *, slug: str, body: str = "Isi draf.\n") -> str:
    rel = f"content/berita/{folder}/index.md"
    repo.write(
        rel,
        "---\n"
        f"id: 20261105-{slug}\ntitle: {title}\nslug: {slug}\ndate: 2026-11-05\n"
        "description: Ringkasan draf\ncategories: [Kecamatan Cibening]\n"
        'status: "ditugaskan"\nrevision: 1\n---\n\n' + body,
    )
    return rel


def test_a_draft_nested_too_deeply_is_shown_without_its_body(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    rel = _draft(site, "2026/dalam", "Draf Dalam", slug="dalam", body=DEEP)
    site.commit_all("draf")
    result = site.cli("preview", "--build-only", str(tmp_path / "preview"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert f"{rel}: [body.too-complex] it is nested too deeply to be rendered" in result.stderr
    page = (tmp_path / "preview/berita/2026/dalam/index.html").read_text(encoding="utf-8")
    assert "Draf Dalam" in page
    assert "(naskah tidak dapat ditampilkan)" in page


def test_an_approved_body_nested_too_deeply_is_refused_as_too_complex(
    site: Repo, keys: dict[str, Path]  # noqa: F811
) -> None:
    """``warta sign`` refuses it; signed anyway (outside Warta's refusals), it is left out."""
    path = site.new_item("Berita Dalam", at=f"2026-11-02T07:30:00{WIB}", slug="dalam",
                         body="Isi.\n")
    path.write_text(path.read_text(encoding="utf-8").replace("Isi.\n", DEEP), encoding="utf-8")
    refused = site.cli("sign", str(path), "--key", str(site.keys["sri"]),
                       "--at", "2026-11-02T08:04:00+07:00")
    assert refused.returncode == 1
    assert "[body.too-complex] the body could not be rendered: it is nested too deeply" in (
        refused.stderr
    )
    path.write_text(Forger(keys).sign_chain(path.read_text(encoding="utf-8")), encoding="utf-8")
    site.commit_all("berita yang ditandatangani di luar warta sign")
    verdict = site.verdict_of("/dalam/index.md")
    assert [f["rule"] for f in verdict["findings"]] == ["body.too-complex"]
    assert not verdict["publishable"]


def test_a_draft_where_a_list_page_is_written_is_left_out_of_the_preview(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    for n in range(10):  # more than a list page holds: the list has a second page
        _draft(site, f"2026/isi-{n}", f"Isi {n}", slug=f"isi-{n}")
    _draft(site, "halaman/2", "Halaman Palsu", slug="halaman")
    site.commit_all("draf")
    out = tmp_path / "preview"
    result = site.cli("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    second = (out / "berita/halaman/2/index.html").read_text(encoding="utf-8")
    assert "halaman 2" in second  # the news list's second page
    assert not [p for p in out.rglob("*.html") if "Halaman Palsu" in p.read_text(encoding="utf-8")]
    assert (out / "berita/2026/isi-0/index.html").is_file()  # drafts where they belong are shown
    built = site.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (tmp_path / "site/berita/2026/isi-0").exists()



def test_folders_nested_hundreds_deep_stop_nothing(
    site: Repo, tmp_path: Path  # noqa: F811
) -> None:
    """The listing of the repository recursed twice per folder: a draft's folder (or one
    under content/assets) nested 500 deep ended validate, build and preview in a
    RecursionError. A listing goes 32 folders deep: what lies deeper is refused, and not
    published. (500, not more: pytest removes its folders by recursing once per level.)"""
    for folder in ("content/berita/2026/dalam", "content/assets"):
        path = site.path(folder)
        for _level in range(500):  # (pathlib's mkdir(parents=True) recurses too)
            path = path / "d"
            path.mkdir(parents=path.parent == site.path(folder))
        (path / "catatan.txt").write_text("catatan\n", encoding="utf-8")
    rel = _draft(site, "2026/dalam", "Draf Dalam", slug="dalam")
    site.commit_all("folder dalam")
    report = site.cli("validate")
    assert report.returncode == 1, report.stderr
    assert "Traceback" not in report.stdout + report.stderr
    refused = f" expected a folder at most {MAX_DEPTH} deep, found one nested deeper"
    assert re.search(r"^content/assets/(d/)+d: error \[site\.unreadable\]" + refused,
                     report.stdout, re.MULTILINE), report.stdout
    assert re.search(r"^content/berita/2026/dalam/index\.md:2: error \[files\.unreadable\]"
                     r" (d/)+d:" + refused, report.stdout, re.MULTILINE), report.stdout
    preview = site.cli("preview", "--build-only", str(tmp_path / "preview"))
    assert preview.returncode == 0, preview.stderr[-3000:]
    assert f"{rel}:" in preview.stderr  # the draft's folder, refused as too deep
    assert (tmp_path / "preview/berita/2026/dalam/index.html").is_file()
    assert not list((tmp_path / "preview").rglob("catatan.txt"))
    built = site.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr[-3000:]
    assert not list((tmp_path / "site").rglob("catatan.txt"))
