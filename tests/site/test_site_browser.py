"""The built site in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; no browser download) against the site served on localhost."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sitekit import BODY_WORD, SiteRepo

from conftest import Built

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
#: Where the item screenshot is kept for a human to look at (also printed by the test).
SHOT = "berita-item.png"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built: Built) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built.site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def search(page: Page, words: str) -> list[str]:
    """Type into Material's search box; the result links once the worker has answered."""
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(words)
    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_have_text("Mempersiapkan pencarian")
    expect(meta).not_to_have_text("Ketik untuk mulai pencarian")
    return [
        link.get_attribute("href") or ""
        for link in page.locator(".md-search-result__list a.md-search-result__link").all()
    ]


def test_home_page_lists_exactly_the_approved_items(
    page: Page, base_url: str, site_repo: SiteRepo
) -> None:
    page.goto(base_url)
    expect(page.locator("h1")).to_contain_text("Warta Kabupaten Sukamaju")
    titles = page.locator(".warta-latest .warta-card__title a").all_inner_texts()
    assert sorted(titles) == sorted(i.title for i in site_repo.published())


def test_search_finds_an_approved_item_by_a_body_word(
    page: Page, base_url: str, site_repo: SiteRepo
) -> None:
    page.goto(base_url)
    links = search(page, BODY_WORD)
    assert links and all(
        link.startswith(base_url + site_repo.items["jembatan"].url) for link in links
    )
    expect(page.locator(".md-search-result__meta")).to_have_text("1 dokumen ditemukan")


@pytest.mark.parametrize("words", ["kanaripalsuisi", "Kanariusulan", "kanaridiubahisi"])
def test_search_finds_no_unpublished_item(page: Page, base_url: str, words: str) -> None:
    page.goto(base_url)
    assert search(page, words) == []
    expect(page.locator(".md-search-result__meta")).to_have_text("Tidak ada dokumen yang sesuai")


def test_item_page_shows_provenance_and_indonesian_date(
    page: Page, base_url: str, site_repo: SiteRepo, tmp_path_factory: pytest.TempPathFactory
) -> None:
    item = site_repo.items["jembatan"]
    page.goto(base_url + item.url)
    expect(page.locator("article h1, .md-content h1").first).to_have_text(item.title)
    expect(page.locator(".warta-item__header time")).to_have_text("Senin, 5 Oktober 2026")
    box = page.locator(".warta-provenance")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Disetujui oleh")
    expect(box).to_contain_text("Hendra Wijaya, S.Kom., M.T., Kepala Bagian Kominfo dan Humas")
    expect(box).to_contain_text("Senin, 5 Oktober 2026 pukul 10.08 WIB")
    expect(box.locator(".warta-verify")).to_contain_text(f"warta verify {item.rel}")
    photo = page.locator(".warta-lead img")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    shot = Path(tmp_path_factory.mktemp("screenshots")) / SHOT
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
