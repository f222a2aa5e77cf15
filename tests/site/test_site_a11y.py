"""Accessibility (WCAG 2.1 AA) of the built site in a real browser: axe-core, the engine of
Lighthouse's accessibility audit, run in headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright) on every kind of page, on a desktop and a phone screen, and failing on any
violation of the WCAG 2.0/2.1 A and AA rules, WCAG 2.2's AA rule (target size: Lighthouse
checks it, and a page link too small for a thumb failed it) and axe's best practices. axe-core
comes from the pinned PyPI package axe-playwright-python, which ships axe.min.js; the test
injects it itself.
Beside axe: the page's language, named landmarks, and a visible keyboard focus."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from importlib.resources import files
from pathlib import Path
from typing import Any

import material
import pytest
from playwright.sync_api import Browser, Page, expect
from sitekit import BODY_WORD, SiteRepo, serve
from test_site_listings import Listed, listed  # noqa: F401  (lists of twelve pages)
from test_site_ralat import URL as RALAT_URL
from test_site_ralat import Scene, scene  # noqa: F401  (the Ralat site, built once here)

from conftest import Built
from warta.mkdocs_plugin.plugin import THEME_DIR

AXE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN = "options => axe.run(document, options)"
SCREENS = {"desktop": (1280, 900), "phone": (375, 812)}


def axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule with one of TAGS)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate(RUN, options)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def report(where: str, violations: list[dict[str, Any]]) -> str:
    """Each violation with its rule, impact, help, and each element's selector and summary."""
    lines = [f"{where}: {len(violations)} axe violation(s)"]
    for violation in violations:
        lines.append(f"  [{violation['id']}] ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def served() -> Iterator[Callable[[Path], str]]:
    """A built site's base URL on localhost, each site served once for the module."""
    with ExitStack() as stack:
        urls: dict[Path, str] = {}

        def url(site: Path) -> str:
            if site not in urls:
                urls[site] = stack.enter_context(serve(site))
            return urls[site]

        yield url


@pytest.fixture(scope="module")
def base_url(built: Built, served: Callable[[Path], str]) -> str:
    return served(built.site)


@pytest.fixture(params=sorted(SCREENS))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _check(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("load")
    violations = axe(page)
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert violations == [], report(f"{url} ({width}px)", violations)


#: Every kind of page of the sample site: home, news list (and its second page), an article,
#: the categories and one category, the reporters and one reporter, the archive and a month,
#: the SOP, Buletin, the about page (tentang) and the 404 page.
PAGES = [
    "",
    "berita/",
    "berita/2026/jembatan-gantung-cijambe/",
    "kategori/",
    "kategori/kecamatan-cibening/",
    "reporter/",
    "reporter/dimas/",
    "arsip/",
    "arsip/2026/10/",
    "sop/",
    "buletin/",
    "tentang/",
    "404.html",
]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_page_has_no_axe_violation(page: Page, base_url: str, path: str) -> None:
    _check(page, base_url + path)


def test_paginated_list_has_no_axe_violation(
    page: Page, served: Callable[[Path], str], listed: Listed  # noqa: F811
) -> None:
    """A middle page of a twelve-page news list: first, last and neighbouring page links,
    ellipses, its own number marked as current."""
    _check(page, served(listed.out) + "berita/halaman/6/")
    expect(page.locator(".warta-pagination [aria-current='page']")).to_have_text("6")


def test_draft_in_the_reviewers_preview_has_no_axe_violation(
    page: Page, served: Callable[[Path], str], preview: Built, site_repo: SiteRepo
) -> None:
    """A draft as reviewers see it in ``warta preview``: the DRAF banner and box."""
    _check(page, served(preview.site) + site_repo.items["ditulis"].url)
    expect(page.locator(".warta-draft-announce")).to_be_visible()


def test_withdrawal_notice_has_no_axe_violation(
    page: Page, served: Callable[[Path], str], withdrawn: Built, withdrawn_repo: SiteRepo
) -> None:
    url = served(withdrawn.site) + withdrawn_repo.items["ditarik"].url
    _check(page, url)
    expect(page.locator(".warta-withdrawn__notice")).to_be_visible()


def test_corrected_item_has_no_axe_violation(
    page: Page, served: Callable[[Path], str], scene: Scene  # noqa: F811
) -> None:
    _check(page, served(scene.after) + RALAT_URL)
    expect(page.locator(".warta-ralat")).to_be_visible()


def test_open_search_with_results_has_no_axe_violation(page: Page, base_url: str) -> None:
    """The search dialog open, with a result: named, and its text readable."""
    page.goto(base_url)
    if page.locator("label.md-header__button[for='__search']").is_visible():
        page.locator("label.md-header__button[for='__search']").click()  # the phone's button
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(BODY_WORD)
    box.press("End")
    expect(page.locator(".md-search-result__meta")).to_have_text("1 dokumen ditemukan")
    dialog = page.locator(".md-search[role='dialog']")
    expect(dialog).to_have_attribute("aria-label", "Cari")
    # judged as it rests: mid-fade, a result's text is a lighter grey (on a loaded machine)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    violations = axe(page)
    assert violations == [], report("search open", violations)


def test_page_language_and_named_landmarks(page: Page, base_url: str) -> None:
    """lang="id" on the page; every navigation and complementary landmark of the page's
    markup has a name, and there is one main. (Material's script adds an unnamed <nav> of
    buttons to each code block, .md-code__nav, after load: not Warta's markup, and axe's
    landmark-unique still judges those.)"""
    page.goto(base_url + "berita/2026/jembatan-gantung-cijambe/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("main, [role='main']")).to_have_count(1)
    landmarks = "nav:not(.md-code__nav), aside, [role='navigation'], [role='region']"
    unnamed = page.locator(landmarks).evaluate_all(
        """els => els.filter(e => !(e.getAttribute('aria-label') || '').trim()
                              && !e.getAttribute('aria-labelledby'))
                  .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []


#: The focused element: its outline, and whether it is on screen (inside the viewport, with a
#: size, not hidden).
FOCUS = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, text: (e.textContent || e.getAttribute('aria-label') || '').trim()
            .slice(0, 40),
          onscreen: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
                    && r.bottom > 0 && r.top < innerHeight && s.visibility === 'visible',
          style: s.outlineStyle, width: parseFloat(s.outlineWidth)};
}"""


def test_keyboard_focus_is_always_visible(page: Page, base_url: str) -> None:
    """Tab through an article from the top: the first stop is the skip link, which shows
    and leads to the content; every stop is on screen (on a phone the navigation drawer
    slides in while it holds the focus) and draws an outline of at least 2 px (Material's
    own is a 1.9:1 amber, or none on some buttons)."""
    page.goto(base_url + "berita/2026/jembatan-gantung-cijambe/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS)
    assert first["text"] == "Lewati ke isi", first
    expect(page.locator("a.md-skip")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.md-content')"), page.evaluate(
        FOCUS
    )
    page.goto(base_url + "berita/2026/jembatan-gantung-cijambe/")
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        page.wait_for_timeout(350)  # the drawer's slide (0.25 s), and scrolling into view
        stops.append(page.evaluate(FOCUS))
    # Past the last stop the focus leaves the page (the body), then starts over.
    stops = [s for s in stops if s["tag"] != "BODY"]
    assert len(stops) >= 20, stops
    hidden = [s for s in stops if not s["onscreen"]]
    assert hidden == [], hidden
    faint = [s for s in stops if s["style"] == "none" or s["width"] < 2]
    assert faint == [], faint


def test_search_partial_is_materials_with_the_dialog_named() -> None:
    """Warta's partials/search.html is Material's installed one with only the dialog's
    aria-label added: a Material upgrade that changes the partial fails here, not silently."""
    ours = (THEME_DIR / "partials" / "search.html").read_text(encoding="utf-8")
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(
        encoding="utf-8"
    )
    body = re.sub(r"\A\{#-.*?-#\}\n", "", ours, flags=re.S)
    named = ' role="dialog" aria-label="{{ lang.t(\'search\') }}">'
    assert named in body
    assert re.sub(r"\A\{#-.*?-#\}\n", "", theirs, flags=re.S) == body.replace(
        named, ' role="dialog">'
    )
