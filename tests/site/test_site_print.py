"""Printing a news item (and the SOP page) in headless Chromium: the print stylesheet in
warta.css leaves out the navigation, prints the article across the page with its provenance
box whole and the page's address, and the PDF holds them."""

from __future__ import annotations

import io

import pypdf
from playwright.sync_api import Page, expect
from sitekit import SiteRepo

SITE_URL = "https://warta.sukamajukab.go.id/"
#: Navigation of the page (Material's and Warta's): none of it on paper.
NAVIGATION = (
    ".md-header",
    ".md-tabs",
    ".md-sidebar--primary",
    ".md-footer",
    ".md-search",
    "nav.warta-neighbours",
)


def pdf_text(page: Page) -> str:
    document = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    return "\n".join(sheet.extract_text() for sheet in document.pages)


def test_an_item_prints_without_navigation_with_its_provenance_and_address(
    page: Page, base_url: str, site_repo: SiteRepo
) -> None:
    item = site_repo.items["jembatan"]
    page.goto(base_url + item.url)
    address = page.locator(".warta-print-url")
    # on the screen: the navigation is there, the address line is not
    for part in NAVIGATION:
        expect(page.locator(part).first).to_be_visible()
    expect(address).to_be_hidden()

    page.emulate_media(media="print")
    for part in NAVIGATION:
        expect(page.locator(part).first).to_be_hidden()
    expect(page.locator(".warta-provenance")).to_be_visible()
    expect(page.locator(".warta-provenance")).to_contain_text("Disetujui oleh")
    # the folded lists of signed steps and files are printed open
    expect(page.locator(".warta-trail li").first).to_be_visible()
    expect(page.locator(".warta-trail li")).to_have_count(5)
    expect(address).to_be_visible()
    expect(address).to_have_text(f"Alamat halaman ini: {SITE_URL}{item.url}")
    # the article across the page: nothing beside it
    article = page.locator("article.md-content__inner").bounding_box()
    assert article is not None and article["width"] > 0.95 * 1280, article

    text = pdf_text(page)
    flat = "".join(text.split())
    assert "".join(f"{SITE_URL}{item.url}".split()) in flat
    assert "Asal-usulberitaini" in flat and "Disetujuioleh" in flat
    assert "".join(item.title.split()) in flat
    assert "Beritasesudahnya" not in flat and "Beritasebelumnya" not in flat


def test_the_sop_chart_prints_whole(page: Page, base_url: str) -> None:
    page.goto(base_url + "sop/")
    page.emulate_media(media="print")
    chart = page.locator("svg.warta-sop-chart__svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    content = page.locator("article.md-content__inner").bounding_box()
    assert box is not None and content is not None
    # scaled to the page, not cut at its edge
    assert box["x"] >= content["x"] and box["x"] + box["width"] <= content["x"] + content[
        "width"] + 1
    expect(page.locator(".warta-print-url")).to_have_text(f"Alamat halaman ini: {SITE_URL}sop/")
    flat = "".join(pdf_text(page).split())
    assert "KepalaSubBagianHumas" in flat and "Kelengkapan" in flat
