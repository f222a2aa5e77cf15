"""Fixtures for the site tests: one real repository with items in every state, built once."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sitekit import SiteRepo, add_withdrawn, copy_site_config, populate, serve

from helpers import make_repo


@dataclass(frozen=True)
class Built:
    site: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def site_repo(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> SiteRepo:
    repo = make_repo(tmp_path_factory.mktemp("site") / "repo", keys)
    copy_site_config(repo.root)
    site = SiteRepo(repo)
    populate(site)
    return site


@pytest.fixture
def copy(site_repo: SiteRepo, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the site repository, with a cache folder of its own (and its environment)."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    return root, {**site_repo.env(), "XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.fixture(scope="session")
def built(site_repo: SiteRepo, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A plain ``mkdocs build`` of the repository, pinned as CI pins it."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = site_repo.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Built(out, result)


@pytest.fixture(scope="session")
def preview(site_repo: SiteRepo, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``warta preview --build-only``: the reviewers' build, with drafts."""
    out = tmp_path_factory.mktemp("preview") / "site"
    result = site_repo.warta("preview", "--build-only", str(out))
    assert result.returncode == 0, result.stderr
    return Built(out, result)


@pytest.fixture(scope="session")
def withdrawn_repo(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> SiteRepo:
    """The site repository with three approved items taken back: validly withdrawn by the
    Kabag, withdrawn by a record without signature, withdrawn by a Kasubag."""
    repo = make_repo(tmp_path_factory.mktemp("withdrawn") / "repo", keys)
    copy_site_config(repo.root)
    site = SiteRepo(repo)
    populate(site)
    add_withdrawn(site)
    return site


@pytest.fixture(scope="session")
def withdrawn(withdrawn_repo: SiteRepo, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``warta build`` of that repository: the build and its audit of the output."""
    out = tmp_path_factory.mktemp("withdrawn-built") / "site"
    result = withdrawn_repo.warta("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Built(out, result)


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url(built: Built) -> Iterator[str]:
    """The sample site built once, served on localhost."""
    with serve(built.site) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab as wide as a desktop's, where the navigation shows beside the article."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
