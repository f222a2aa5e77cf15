"""The report's HTML in a real browser (headless Chromium): it opens, both charts are drawn
inline as SVG, and a title carrying a script stays text (no dialog ever opens)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from helpers import make_repo

TITLE = 'Rapat <script>alert("laporan")</script><img src=x onerror=alert(2)>'


def test_the_report_opens_with_its_charts(
    browser: Browser, tmp_path: Path, keys: dict[str, Path]
) -> None:
    repo = make_repo(tmp_path / "repo", keys)
    repo.approved_item(TITLE, day="2026-11-02", slug="rapat")
    path = repo.new_item("Posyandu Karangsari", at="2026-11-03T08:00:00+07:00", slug="posyandu")
    repo.sign(path, "sri", "2026-11-03T08:09:00+07:00")
    repo.commit_all("berita")
    out = tmp_path / "laporan.html"
    result = repo.cli("laporan", "--periode", "2026-11", "--at", "2026-11-04T09:00:00+07:00",
                      "--output", str(out))
    assert result.returncode == 0, result.stderr
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    charts = page.locator("div.chart > svg")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("text=Formulir monitoring pelaksanaan SOP").count() == 1
    assert TITLE in page.inner_text("body")
    assert dialogs == [] and errors == []
    page.close()
