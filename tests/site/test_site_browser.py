"""The built site in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright; no browser download; the ``browser`` fixture is in conftest.py) against the site
served on localhost."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sitekit import BODY_WORD, INFLECTED, WITHDRAWN_REASON, SiteRepo, serve

from conftest import Built

#: Where the item screenshot is kept for a human to look at (also printed by the test).
SHOT = "berita-item.png"


def search(page: Page, words: str) -> list[str]:
    """Type into Material's search box; the result links once the worker has answered."""
    box = page.locator("input.md-search__input")
    box.click()
    # The whole query at once, then one key: typing letter by letter would show results for
    # each prefix, and the list could change while it is read.
    box.fill(words)
    box.press("End")
    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_have_text("Mempersiapkan pencarian")
    expect(meta).not_to_have_text("Ketik untuk mulai pencarian")
    links: list[str] = page.locator(
        ".md-search-result__list a.md-search-result__link"
    ).evaluate_all("links => links.map(link => link.getAttribute('href') || '')")
    return links


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


@pytest.mark.parametrize("words", [*INFLECTED, INFLECTED[0][:-2]])
def test_indonesian_search_finds_a_suffixed_body_word_by_its_base_form(
    page: Page, base_url: str, site_repo: SiteRepo, words: str
) -> None:
    """The body says 'kerindangannya' (base 'kerindangan' + the suffix -nya): the exact form,
    the base form and a shorter beginning all find the item, because Material's search
    matches word beginnings (there is no Indonesian stemmer in lunr)."""
    page.goto(base_url)
    links = search(page, words)
    assert links and all(
        link.startswith(base_url + site_repo.items["jembatan"].url) for link in links
    )


def test_indonesian_search_has_no_stemmer(page: Page, base_url: str, built: Built) -> None:
    """What it cannot do, pinned so the README stays true: a root without its prefix
    ('rindang' in 'kerindangannya') or with another prefix ('meresmikan' for 'diresmikan')
    finds nothing. mkdocs.yml asks for 'id'; lunr has no such language, so MkDocs falls back
    to its default tokenizer, with no stemmer in the pipeline."""
    config = json.loads((built.site / "search" / "search_index.json").read_text())["config"]
    assert config["lang"] == ["en"] and "stemmer" not in config["pipeline"]
    page.goto(base_url)
    assert search(page, "rindang") == []
    page.goto(base_url)
    assert search(page, "meresmikan") == []  # the body says 'diresmikan'


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


@pytest.fixture(scope="module")
def withdrawn_url(withdrawn: Built) -> Iterator[str]:
    with serve(withdrawn.site) as url:
        yield url


def test_withdrawn_item_shows_the_notice_and_nothing_of_the_item(
    page: Page, withdrawn_url: str, withdrawn_repo: SiteRepo
) -> None:
    item = withdrawn_repo.items["ditarik"]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(withdrawn_url + item.url)
    assert response is not None and response.status == 200
    expect(page).to_have_title(f"{item.title} - Warta Kabupaten Sukamaju")
    content = page.locator(".md-content")
    expect(content.locator("h1")).to_have_text(item.title)
    box = content.locator(".warta-withdrawn__notice")
    expect(box).to_be_visible()
    expect(box.locator("p").first).to_have_text(
        "Berita ini telah ditarik pada Rabu, 14 Oktober 2026."
    )
    expect(box.locator(".warta-withdrawn__reason")).to_have_text(f"Alasan: {WITHDRAWN_REASON}")
    text = content.inner_text()
    for absent in ("tarikditarikisi", "tarikditarikringkas", "Kecamatan Mekarjaya", "Penulis"):
        assert absent not in text
    expect(content.locator("img")).to_have_count(0)
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    assert dialogs == []  # the reason's <script> is text, not code


def test_search_does_not_find_the_withdrawn_item(page: Page, withdrawn_url: str) -> None:
    page.goto(withdrawn_url)
    assert search(page, "TarikDitarik") == []
    expect(page.locator(".md-search-result__meta")).to_have_text("Tidak ada dokumen yang sesuai")


#: Material draws Mermaid into a *closed* shadow root; opened here so the test can look in.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, { ...init, mode: "open" });
};
"""
DIAGRAM = "() => document.querySelector('div.mermaid')?.shadowRoot?.querySelector('svg')"


def _record_requests(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _off_site(urls: list[str], base_url: str) -> list[str]:
    """Requests that left the local server (data:, blob: and about: never reach a network)."""
    host = urlsplit(base_url).hostname
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in {"data", "blob", "about"}
        and urlsplit(url).hostname not in {host, "localhost"}
    ]


MERMAID_PAGE = """

## Alur

```mermaid
flowchart TB
  mulai(["Mulai"]) --> tulis["Staf menulis"] --> setuju{"Kabag setuju?"}
```
"""


def test_a_page_with_a_diagram_draws_it_with_the_local_mermaid(
    browser: Browser, site_repo: SiteRepo, tmp_path: Path
) -> None:
    """A page of the site with a ```mermaid block (the SOP page draws its own chart at build
    time): main.html loads the vendored copy, and nothing leaves the server."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    about = root / "content" / "tentang.md"
    about.write_text(about.read_text(encoding="utf-8") + MERMAID_PAGE, encoding="utf-8")
    site = SiteRepo(replace(site_repo.repo, root=root))
    site.repo.sign_workflow()  # a changed page of the site is an administrator's signed act
    out = tmp_path / "site"
    result = site.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    try:
        page = context.new_page()
        requests = _record_requests(page)
        page.add_init_script(OPEN_SHADOW_ROOTS)
        with serve(out) as url:
            page.goto(url + "tentang/")
            page.wait_for_function(DIAGRAM)
            nodes = page.evaluate(
                """() => [...document.querySelector('div.mermaid').shadowRoot
                           .querySelectorAll('svg g.node')].map(n => n.textContent.trim())"""
            )
            assert nodes == ["Mulai", "Staf menulis", "Kabag setuju?"]
            assert any(u.endswith("/assets/warta/mermaid.min.js") for u in requests), requests
            assert _off_site(requests, url) == []
    finally:
        context.close()


def test_pages_without_a_diagram_do_not_load_mermaid(page: Page, base_url: str) -> None:
    requests = _record_requests(page)
    page.goto(base_url)
    expect(page.locator(".warta-latest")).to_be_visible()
    assert not [url for url in requests if "mermaid" in url]
    assert _off_site(requests, base_url) == []
