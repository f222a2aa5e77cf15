"""The gate is part of the build: real ``mkdocs build`` runs on a real repository.

Published: three approved items (one also compiled for print). Unpublished: one item in every
state short of approval, one edited after approval, one with a forged approval, one
unreadable, and stray files. Each unpublished thing carries the canary 'kanari'.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sitekit import BODY_WORD, CANARY, SiteRepo, warta_at

from conftest import Built
from helpers import AS_FROM_A_TERMINAL, Repo, warta_exe


def output_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def text_of(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def traces(site: Path, needle: str) -> list[str]:
    """Every output file whose name or content holds ``needle``, case-insensitively."""
    needle = needle.lower()
    found = []
    for path in output_files(site):
        rel = path.relative_to(site).as_posix()
        if needle in rel.lower():
            found.append(f"name: {rel}")
        elif needle in text_of(path).lower():
            found.append(f"content: {rel}")
    return found


# ---- nothing of an unpublished item reaches site/ --------------------------------------


def test_no_trace_of_any_unpublished_item_in_any_output_file(
    built: Built, site_repo: SiteRepo
) -> None:
    unpublished = site_repo.unpublished()
    assert {i.key for i in unpublished} >= {
        "usulan",
        "ditugaskan",
        "diliput",
        "ditulis",
        "dilaporkan",
        "diubah",
        "palsu",
        "rusak",
    }
    assert traces(built.site, CANARY) == []
    for item in unpublished:
        for needle in (item.title, item.slug, item.image or item.slug, item.path.parent.name):
            assert traces(built.site, needle) == [], needle
    # Ayu wrote only unpublished items: she is no reporter, her name is nowhere.
    assert traces(built.site, "Ayu Lestari") == []
    # The unpublished items are all from September: no archive month, no date for it.
    assert traces(built.site, "September 2026") == []
    assert traces(built.site, "2026-09-1") == []


def test_the_canary_scan_sees_what_it_looks_for(built: Built, site_repo: SiteRepo) -> None:
    """Positive control: the same scan finds published items in every kind of output."""
    jembatan = site_repo.items["jembatan"]
    found = traces(built.site, jembatan.slug)
    for where in (
        "name: berita/2026/jembatan-gantung-cijambe/index.html",
        "content: search/search_index.json",
        "content: sitemap.xml",
        "content: sitemap.xml.gz",
        "content: index.html",
        "content: berita/index.html",
        "content: arsip/2026/10/index.html",
        "content: kategori/kecamatan-cibening/index.html",
        "content: reporter/dimas/index.html",
        "content: feed.xml",
        "content: feed.json",
    ):
        assert where in found
    assert "name: berita/2026/jembatan-gantung-cijambe/images/jembatan-cijambe.svg" in traces(
        built.site, "jembatan-cijambe.svg"
    )
    assert traces(built.site, BODY_WORD)


def test_exactly_the_verified_items_and_their_files_are_built(
    built: Built, site_repo: SiteRepo
) -> None:
    pages = sorted(
        p.relative_to(built.site).as_posix()
        for p in (built.site / "berita").rglob("*")
        if p.is_file() and "halaman" not in p.parts
    )
    expected = ["berita/index.html"]
    for item in site_repo.published():
        expected.append(f"{item.url}index.html")
        if item.image:
            expected.append(f"{item.url}images/{item.image}")
    assert pages == sorted(expected)


def test_search_index_holds_published_pages_only(built: Built, site_repo: SiteRepo) -> None:
    index = json.loads((built.site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    news = {loc for loc in locations if loc.startswith("berita/")}
    assert news == {i.url for i in site_repo.published()}
    text = json.dumps(index).lower()
    for item in site_repo.published():
        assert item.body_word.lower() in text


def test_sitemap_lists_published_items_and_no_other_news(built: Built, site_repo: SiteRepo) -> None:
    sitemap = (built.site / "sitemap.xml").read_text()
    listed = set(
        re.findall(r"<loc>https://warta\.sukamajukab\.go\.id/(berita/\d{4}/[^<]+)</loc>", sitemap)
    )
    assert listed == {i.url for i in site_repo.published()}


def test_plain_build_leaves_unpublished_items_out_and_logs_why(
    built: Built, site_repo: SiteRepo
) -> None:
    log = built.result.stderr
    for item in site_repo.unpublished():
        assert f"not published: {item.rel}" in log, item.key
    assert re.search(
        r"WARNING -  warta: content/berita/2026/kanaripalsu-slug/index.md:\d+: "
        r"\[signature.unknown-key\]",
        log,
    )
    assert "[content.changed-after-approval]" in log
    assert "status 'ditulis', not approved yet" in log
    assert "3 items published" in log


# ---- --strict ---------------------------------------------------------------------------


def test_strict_build_fails_on_validation_errors_with_the_findings(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    result = site_repo.mkdocs("build", "--strict", "-d", str(tmp_path / "site"))
    assert result.returncode == 1
    log = result.stderr
    assert re.search(r"Aborted with \d+ warnings in strict mode", result.stdout + log)
    assert re.search(r"kanaripalsu-slug/index.md:\d+: \[signature.unknown-key\]", log)
    assert re.search(r"kanaridiubah-slug/index.md:\d+: \[content.changed-after-approval\]", log)
    assert "kanarirusak-slug/index.md:4: [yaml.syntax]" in log


def test_strict_build_passes_with_drafts_and_warnings_only(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """Drafts are not errors, so a strict build without any finding passes; a warning (here:
    the unpinned trust root) fails it, exactly as it fails ``warta validate --strict``."""
    clean = tmp_path / "repo"
    shutil.copytree(site_repo.root, clean, ignore=shutil.ignore_patterns(".git", ".warta-cache"))
    for key in ("diubah", "palsu", "rusak"):
        shutil.rmtree(clean / site_repo.items[key].path.parent.relative_to(site_repo.root))
    for stray in ("content/berita/kanarilepas.pdf", "content/berita/2026/kanarilepas2.txt"):
        (clean / stray).unlink()  # files outside any item's folder are errors too
    copy = SiteRepo(Repo(clean, site_repo.repo.keys, dict(site_repo.repo.env)))
    result = copy.mkdocs("build", "--strict", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert traces(tmp_path / "site", CANARY) == []
    unpinned = copy.mkdocs("build", "--strict", "-d", str(tmp_path / "u"), pinned=False)
    assert unpinned.returncode == 1
    assert "WARNING -  warta: workflow/trust-root: [trust.unpinned]" in unpinned.stderr
    assert copy.warta("validate", "--strict", pinned=False).returncode == 1


def test_warta_build_pins_the_trust_root_and_maps_strict_failure_to_exit_1(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    result = site_repo.warta(
        "build",
        "--strict",
        "-d",
        str(tmp_path / "a"),
        "--trust-root",
        "sha256:" + "0" * 64,
        pinned=False,
    )
    assert result.returncode == 1
    assert "[trust.pin-mismatch]" in result.stderr
    assert "no news item is published" in result.stderr
    assert not (tmp_path / "a" / "berita" / "2026").exists()
    ok = site_repo.warta("build", "-d", str(tmp_path / "b"))
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "b" / "berita" / "2026" / "posyandu-melati" / "index.html").is_file()


def test_a_plain_build_with_untrusted_workflow_files_builds_nothing(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """Found by an independent attack: while the workflow files were not trusted (here the
    roster's signature is not the administrator's), a plain build made the site without a
    single news item and exited 0, for a pipeline to deploy over the newsroom. It fails, and
    leaves no site (nor an older one) in its folder."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    sig = root / "workflow" / "roster.yml.sig"
    sig.write_text(sig.read_text(encoding="utf-8").replace("A", "B", 3), encoding="utf-8")
    out = tmp_path / "a"
    out.mkdir()
    (out / "index.html").write_text("situs lama", encoding="utf-8")
    result = warta_at(root, site_repo.env(), "build", "-d", str(out))
    assert result.returncode == 1, result.stderr
    assert "workflow/roster.yml" in result.stderr, result.stderr
    assert "nothing is built" in result.stderr and "Traceback" not in result.stderr
    assert list(out.iterdir()) == [], result.stderr


# ---- fail closed without the plugin ------------------------------------------------------


def _without_plugin(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "- warta:")
    end = start + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    return "".join(lines[:start] + lines[end:])


def test_without_the_plugin_no_news_item_is_published(site_repo: SiteRepo, tmp_path: Path) -> None:
    config = site_repo.root / "mkdocs-sans-warta.yml"
    config.write_text(_without_plugin((site_repo.root / "mkdocs.yml").read_text()))
    assert "warta" not in re.sub(
        r"#.*", "", config.read_text().split("plugins:")[1].split("markdown_extensions")[0]
    )
    out = tmp_path / "site"
    result = site_repo.mkdocs("build", "-d", str(out), config=config.name)
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()
    assert not (out / "berita").exists()
    for item in site_repo.items.values():
        assert traces(out, item.slug) == [], item.key
        assert traces(out, item.title) == [], item.key
    for word in (CANARY, BODY_WORD, "menimbang", "rawit", "Cijambe"):
        assert traces(out, word) == [], word


def test_the_plugin_refuses_a_config_that_would_publish_news_without_it(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  /berita/\n", "  /nothing/\n"))
    copy = SiteRepo(Repo(root, site_repo.repo.keys, dict(site_repo.repo.env)))
    result = copy.mkdocs("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "must exclude the news folder (exclude_docs: /berita/)" in result.stderr


def test_the_plugin_builds_from_the_signed_configuration_only(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """Another configuration file beside the signed one (here: a copy that would build the
    site elsewhere) is refused by the plugin, even under a plain ``mkdocs build``."""
    other = site_repo.root / "mkdocs-lain.yml"
    other.write_text((site_repo.root / "mkdocs.yml").read_text())
    try:
        result = site_repo.mkdocs("build", "-d", str(tmp_path / "site"), config=other.name)
    finally:
        other.unlink()
    assert result.returncode == 1
    assert "the site is built from the mkdocs.yml an administrator signed" in result.stderr
    assert not (tmp_path / "site" / "berita").exists()


# ---- preview ------------------------------------------------------------------------------

BANNER = "DRAF - tidak untuk dipublikasikan"


def test_preview_shows_every_unpublished_page_with_the_banner(
    preview: Built, site_repo: SiteRepo
) -> None:
    for item in site_repo.unpublished():
        page = preview.site / item.url / "index.html"
        if item.key == "rusak":  # unreadable: nothing to show, not even in a preview
            assert not page.exists()
            continue
        html = page.read_text()
        assert html.count(BANNER) >= 2, item.key  # the bar above the header and in the page
        assert 'name="robots" content="noindex' in html
    for item in site_repo.published():
        html = (preview.site / item.url / "index.html").read_text()
        assert BANNER not in html
        assert "Asal-usul berita ini" in html


def test_the_deployable_build_has_no_draft_and_no_banner(built: Built) -> None:
    assert traces(built.site, BANNER) == []
    assert traces(built.site, "noindex") == []


def test_preview_is_never_built_into_the_deployable_site_dir(site_repo: SiteRepo) -> None:
    result = site_repo.warta("preview", "--build-only", "site")
    assert result.returncode == 2
    assert "may not be built into the deployable site directory" in result.stderr
    assert not (site_repo.root / "site").exists()


def test_preview_from_another_folder_is_never_built_into_the_deployable_site_dir(
    site_repo: SiteRepo,
) -> None:
    """``--build-only site`` from the repository's parent: the check read ``site`` from the
    current folder, MkDocs from the repository, and the drafts went into the deployable site
    folder (found by an independent attack). Now the path is the current folder's for both:
    the preview is built beside the repository, never in it."""
    from helpers import warta_exe

    parent = site_repo.root.parent
    target = parent / "site"
    assert not target.exists()
    result = subprocess.run(
        [warta_exe(), "preview", "-f", f"{site_repo.root.name}/mkdocs.yml", "--build-only",
         "site", "--quiet"],
        cwd=parent, capture_output=True, text=True, env=site_repo.env(), timeout=300,
        check=False,
    )
    try:
        assert result.returncode == 0, result.stderr
        assert not (site_repo.root / "site").exists()
        assert (target / "index.html").is_file()
    finally:
        shutil.rmtree(target, ignore_errors=True)


# ---- the post-build audit of `warta build` -----------------------------------------------


def test_warta_build_audits_the_output_for_traces_of_unpublished_items(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """A page that is not news but links to a draft, signed by an administrator (unsigned, it
    would not be published at all): the gate lets it through (it is not an item); the audit
    of the output catches the link and the build fails."""
    copy = tmp_path / "repo"
    shutil.copytree(site_repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    about = copy / "content" / "tentang.md"
    about.write_text(
        about.read_text()
        + "\nLihat juga [berita ini](https://warta.sukamajukab.go.id/berita/2026/"
        "kanariditulis-slug/#judul) nanti.\n"
    )
    leaky = SiteRepo(Repo(copy, site_repo.repo.keys, dict(site_repo.repo.env)))
    leaky.repo.sign_workflow()
    result = leaky.warta("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 1
    assert (
        "tentang/index.html: a link leads to the URL 'berita/2026/kanariditulis-slug/' of"
        " content/berita/2026/kanariditulis-slug/index.md, which may not be published"
    ) in result.stderr
    assert "do not deploy it" in result.stderr


def test_the_audit_cache_never_hides_a_leak_a_build_found_before(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """The audit keeps where each output file leads (in this user's cache), not what it
    found there. A second build over the same output reads no file's links again (the cache
    file is left as it was) and still finds the link to the draft. A cache file altered to
    say the page leads elsewhere is ignored whole: the leak is found, and the file is made
    again. ``--no-cache`` keeps none."""
    copy = tmp_path / "repo"
    shutil.copytree(site_repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    about = copy / "content" / "tentang.md"
    about.write_text(about.read_text() + "\n[Nanti](../berita/2026/kanariditulis-slug/).\n")
    leaky = SiteRepo(Repo(copy, site_repo.repo.keys, dict(site_repo.repo.env)))
    leaky.repo.sign_workflow()
    cache = tmp_path / "cache"
    # (one build date for every build: a sitemap dated anew past midnight is a new file)
    epoch = str(int(time.time()))
    env = {**leaky.env(), "XDG_CACHE_HOME": str(cache), "SOURCE_DATE_EPOCH": epoch}

    def build(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [warta_exe(), "build", *args, "-d", str(tmp_path / "site")],
            cwd=copy, capture_output=True, text=True, env=env, timeout=300, check=False,
        )

    leak = (
        "tentang/index.html: a link leads to the URL 'berita/2026/kanariditulis-slug/' of"
        " content/berita/2026/kanariditulis-slug/index.md, which may not be published"
    )
    nocache = build("--no-cache")
    assert nocache.returncode == 1
    assert leak in nocache.stderr
    assert not list(cache.glob("warta/repos/*/audit-links"))
    first = build()
    assert first.returncode == 1
    assert leak in first.stderr
    [kept] = cache.glob("warta/repos/*/audit-links")
    before = kept.stat()
    again = build()
    assert again.returncode == 1
    assert leak in again.stderr
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    data = kept.read_bytes()
    assert data.count(b"berita/2026/kanariditulis-slug/") == 1  # (each path is kept once)
    kept.write_bytes(data.replace(b"kanariditulis-slug/", b"kanariditulis-slux/"))
    forged = build()
    assert forged.returncode == 1
    assert leak in forged.stderr
    assert b"kanariditulis-slug/" in kept.read_bytes()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_warta_preview_serves_drafts_from_a_temporary_directory(
    site_repo: SiteRepo, tmp_path: Path, stop: signal.Signals
) -> None:
    """The preview serves drafts from a folder of its own, never the site folder, and
    removes it when stopped: by SIGTERM, or by SIGHUP (its terminal closed), which ended it
    at once and left the folder behind."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scratch = tmp_path / "tmp"  # (its own: another preview may run beside it)
    scratch.mkdir()
    served: list[Path] = []
    server = subprocess.Popen(
        [*AS_FROM_A_TERMINAL, warta_exe(), "preview", "-a", f"127.0.0.1:{port}"],
        cwd=site_repo.root,
        env={**site_repo.env(), "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/{site_repo.items['ditulis'].url}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    draft = response.read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert BANNER in draft
        served = list(scratch.glob("warta-preview-*"))
        assert len(served) == 1
    finally:
        server.send_signal(stop)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "preview stopped" in output
    assert not served[0].exists()
    assert list(scratch.iterdir()) == []
    assert not (site_repo.root / "site").exists()
