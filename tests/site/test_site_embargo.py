"""The embargo in real ``mkdocs build`` runs at a fixed clock (``WARTA_NOW``): before its time
an approved, embargoed item leaves no trace in any output file (pages, lists, archive,
categories, reporter pages, feeds, sitemap, search index); from its time on the same
repository, with the same cache, publishes it; an embargo removed after approval publishes
nothing early."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_gate import traces

from helpers import WIB, Repo, make_repo, warta_exe

EMBARGO = f"2026-12-24T09:00:00{WIB}"
BEFORE = f"2026-12-24T08:59:59{WIB}"
TITLE = "Pasar Murah Kanariembargo Jelang Natal"
SLUG = "pasar-murah-kanariembargo"
ITEM_ID = "20261102-pasar-murah-kanariembargo-jelang-natal"
BODY_WORD = "kanariembargoisi"
#: Only the embargoed item has this category (and its writer, Ayu, writes nothing else).
CATEGORY = "Kanariembargo Perdagangan"


@pytest.fixture(scope="module")
def embargoed(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("embargo-site") / "repo", keys)
    repo.approved_item("Jembatan Cibening Diresmikan", slug="jembatan")
    path = repo.new_item(
        TITLE,
        at=f"2026-11-02T08:00:00{WIB}",
        slug=SLUG,
        body=f"SUKAMAJU – Isi {BODY_WORD} pasar murah.\n",
        categories=(CATEGORY,),
    )
    repo.sign(path, "sri", f"2026-11-02T08:04:00{WIB}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", f"\nembargo: {EMBARGO}\nstatus:", 1))
    repo.sign(path, "ayu", f"2026-11-02T10:00:00{WIB}")
    repo.sign(path, "sri", f"2026-11-02T10:04:00{WIB}")
    repo.sign(path, "hendra", f"2026-11-02T10:08:00{WIB}")
    repo.commit_all("berita")
    return repo


def build(repo: Repo, out: Path, clock: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` as CI runs it, with the clock fixed at ``clock``."""
    env = {**repo.env, "NO_MKDOCS_2_WARNING": "1", "WARTA_NOW": clock}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out), *extra],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**_base_env(), **env},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("WARTA_NOW", None)
    return env


NEEDLES = (TITLE, SLUG, ITEM_ID, BODY_WORD, CATEGORY, "Ayu Lestari")


def test_before_the_embargo_no_output_file_holds_a_trace_of_it(
    embargoed: Repo, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    result = build(embargoed, site, BEFORE)
    assert "warta: 1 item published" in result.stderr
    assert (
        f"not published yet: content/berita/2026/{SLUG}/index.md: under embargo until {EMBARGO}"
        in result.stderr
    )
    for needle in NEEDLES:
        assert traces(site, needle) == [], needle
    assert traces(site, "kanari") == []
    # the positive control: the other item is in every kind of output the scan reads
    found = traces(site, "jembatan")
    for where in (
        "content: index.html",
        "content: berita/index.html",
        "content: feed.xml",
        "content: feed.json",
        "content: sitemap.xml",
        "content: search/search_index.json",
        "name: berita/2026/jembatan/index.html",
    ):
        assert where in found, where


def test_from_the_embargo_on_the_same_repository_publishes_it(
    embargoed: Repo, tmp_path: Path
) -> None:
    build(embargoed, tmp_path / "before", BEFORE)  # the cache now holds the earlier verdict
    site = tmp_path / "site"
    result = build(embargoed, site, EMBARGO)
    assert "warta: 2 items published" in result.stderr
    assert (site / "berita" / "2026" / SLUG / "index.html").is_file()
    found = traces(site, SLUG)
    for where in (
        "content: index.html",
        "content: berita/index.html",
        "content: feed.xml",
        "content: feed.json",
        "content: sitemap.xml",
        "content: search/search_index.json",
    ):
        assert where in found, where
    assert {"content: feed.json", "content: search/search_index.json"} <= set(
        traces(site, BODY_WORD)
    )
    assert any(CATEGORY.lower().replace(" ", "-") in f for f in traces(site, "kanariembargo"))
    assert traces(site, "Ayu Lestari")  # her reporter page exists now
    # dated when it went out, not at its approval weeks before (an independent attack)
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in feed["items"] if SLUG in e["url"]]
    assert entry["date_published"] == EMBARGO, entry["date_published"]
    page = (site / "berita" / "2026" / SLUG / "index.html").read_text(encoding="utf-8")
    assert f'"datePublished": "{EMBARGO}"' in page or f'"datePublished":"{EMBARGO}"' in page


def test_an_embargo_removed_after_approval_publishes_nothing_early(
    embargoed: Repo, tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(embargoed.root, root, symlinks=True)
    repo = Repo(root, embargoed.keys, dict(embargoed.env))
    path = root / "content" / "berita" / "2026" / SLUG / "index.md"
    path.write_text(path.read_text(encoding="utf-8").replace(f"embargo: {EMBARGO}\n", ""))
    site = tmp_path / "site"
    env = {**_base_env(), **repo.env, "NO_MKDOCS_2_WARNING": "1", "WARTA_NOW": BEFORE}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site)],
        cwd=root, capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "[content.changed-after-approval]" in result.stderr
    for needle in NEEDLES:
        assert traces(site, needle) == [], needle


def test_the_preview_marks_the_embargoed_item_with_its_time(
    embargoed: Repo, tmp_path: Path
) -> None:
    """Reviewers see the embargoed item in the preview, in the DRAF banner, with why it is not
    on the site yet."""
    out = tmp_path / "preview"
    env = {**_base_env(), **embargoed.env, "WARTA_NOW": BEFORE}
    result = subprocess.run(
        [warta_exe(), "preview", "--build-only", str(out)], cwd=embargoed.root,
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    page = next(out.rglob(f"{SLUG}/index.html")).read_text(encoding="utf-8")
    banner = page.split('class="warta-draft"')[1].split("</div>")[0]
    assert "[embargo.pending]" in banner and EMBARGO in banner


def test_a_corrected_item_stays_dated_at_its_embargo(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    """Found by an independent attack on the fix above: after a Ralat, an item released by
    its embargo was dated at its first approval again, weeks before it went out."""
    repo = make_repo(tmp_path / "repo", keys)
    embargo = f"2026-11-10T09:00:00{WIB}"
    path = repo.embargoed_item("Ralat Kanari Embargo", embargo, day="2026-11-02", slug="ralat")
    repo.commit_all("berita")
    late = repo.at_clock(f"2026-11-12T09:00:00{WIB}")
    started = late.cli("correct", str(path), "--note", "Angka diperbaiki", "--key",
                       str(repo.keys["hendra"]), "--at", f"2026-11-12T09:00:00{WIB}")
    assert started.returncode == 0, started.stderr
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Isi berita.", "Isi berita yang diperbaiki."), encoding="utf-8")
    repo.sign(path, "dimas", f"2026-11-12T10:00:00{WIB}")
    repo.sign(path, "hendra", f"2026-11-12T11:00:00{WIB}")
    repo.commit_all("ralat")
    site = tmp_path / "site"
    built = repo.at_clock(f"2026-11-13T09:00:00{WIB}").cli("build", "-d", str(site))
    assert built.returncode == 0, built.stderr
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in feed["items"] if "/ralat/" in e["url"]]
    assert entry["date_published"] == embargo, entry
