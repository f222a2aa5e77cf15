"""The SOP page's flowchart as the site's readers get it: drawn by ``warta build`` from the
signed workflow/sop.yml (one lane per executor, following the YAML when an administrator
changes and signs it), and shown by headless Chromium with JavaScript off."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Browser, Page, expect
from sitekit import SiteRepo, serve

from conftest import Built
from warta.adapters.workflow import load_sop

SVG = "{http://www.w3.org/2000/svg}"
#: A step's activity as an administrator could sign it: markup that must stay text.
HOSTILE = "Mengarsipkan </text> <script>alert('sop')</script> & <b>\"cetak\"</b>"
ROLE = """\
  sekda:
    title: Sekretaris Daerah
    short: Sekda
"""
STEP = f"""
  - id: arsip
    activity: {json.dumps(HOSTILE)}
    role: sekda
    input: Berita tercetak
    time: {{amount: 1, unit: jam}}
    output: Arsip berita
    status: diarsipkan
"""


def changed_sop(text: str) -> str:
    """A role listed first (the Sekda) and a seventh step for it, at the end."""
    for old, new in (
        ("roles:\n  kabag:\n", f"roles:\n{ROLE}  kabag:\n"),
        ("    status: dicetak\n", f"    status: dicetak\n{STEP}"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def changed(site_repo: SiteRepo, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``warta build`` of a copy of the site whose sop.yml the administrator changed and
    signed again."""
    root = tmp_path_factory.mktemp("sop-changed") / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    site = SiteRepo(replace(site_repo.repo, root=root))
    sop = root / "workflow" / "sop.yml"
    sop.write_text(changed_sop(sop.read_text(encoding="utf-8")), encoding="utf-8")
    site.repo.sign_workflow()  # a changed SOP is an administrator's signed act
    out = tmp_path_factory.mktemp("sop-changed-site") / "site"
    result = site.warta("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Built(out, result)


def chart(site: Path) -> ElementTree.Element:
    """The SOP page's chart, parsed as XML (it must be well-formed)."""
    page = (site / "sop" / "index.html").read_text(encoding="utf-8")
    start = page.index("<svg ", page.index('class="warta-sop-chart"'))
    return ElementTree.fromstring(page[start:page.index("</svg>", start) + len("</svg>")])


def placed(svg: ElementTree.Element) -> list[tuple[str | None, str | None]]:
    """(step, lane) of every step's symbol, top to bottom."""
    return [
        (g.get("data-step"), g.get("data-lane"))
        for g in svg.iter(f"{SVG}g")
        if "warta-sop-symbol" in (g.get("class") or "") and g.get("data-step")
    ]


def lanes(svg: ElementTree.Element) -> list[str | None]:
    return [g.get("data-role") for g in svg.iter(f"{SVG}g") if g.get("class") == "warta-sop-lane"]


def test_the_built_chart_has_a_lane_per_executor(built: Built, site_repo: SiteRepo) -> None:
    sop, _ = load_sop(site_repo.root)
    svg = chart(built.site)
    assert lanes(svg) == ["kabag", "kasubag", "staf"]
    assert placed(svg) == [(str(s.number), s.role) for s in sop.steps]
    page = (built.site / "sop" / "index.html").read_text(encoding="utf-8")
    assert 'class="mermaid"' not in page and "mermaid.min.js" not in page


def test_the_lanes_follow_the_signed_sop(changed: Built) -> None:
    svg = chart(changed.site)
    # sop.yml lists the Sekda first: the Sekda's lane comes first
    assert lanes(svg) == ["sekda", "kabag", "kasubag", "staf"]
    assert placed(svg) == [
        ("1", "kabag"), ("2", "kasubag"), ("3", "staf"), ("4", "kasubag"), ("5", "kabag"),
        ("6", "kasubag"), ("7", "sekda"),
    ]
    row = next(g for g in svg.iter(f"{SVG}g")
               if g.get("class") == "warta-sop-row" and g.get("data-step") == "7")
    texts = ["".join(t.itertext()) for t in row.iter(f"{SVG}text")]
    assert texts[2:] == ["Berita tercetak", "1 jam", "Arsip berita"]
    # the activity, wrapped, is the signed text, as text
    assert "".join(texts[1].split()) == "".join(HOSTILE.split())
    assert not list(svg.iter(f"{SVG}script")) and not list(svg.iter(f"{SVG}b"))
    page = (changed.site / "sop" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;sop&#x27;)&lt;/script&gt;" in page


@pytest.fixture
def no_script(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", java_script_enabled=False
    )
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


#: Per symbol: its step, lane, and whether its middle lies inside its lane's header column;
#: per text of the chart: whether it fits its column (measured with the fonts at hand).
MEASURE = """svg => {
  const lanes = Object.fromEntries([...svg.querySelectorAll('g.warta-sop-lane')].map(
    g => [g.dataset.role, g.getBoundingClientRect()]));
  const symbols = [...svg.querySelectorAll('g.warta-sop-symbol[data-step]')].map(g => {
    const box = g.getBoundingClientRect(), lane = lanes[g.dataset.lane];
    const middle = box.x + box.width / 2;
    return [g.dataset.step, g.dataset.lane, lane.x - 40 < middle && middle < lane.right + 40];
  });
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const widths = [36, 250, 140, 76, 140];
  const overflowing = [];
  for (const row of svg.querySelectorAll('g.warta-sop-row')) {
    [...row.querySelectorAll('text')].forEach((text, i) => {
      for (const span of text.querySelectorAll('tspan')) {
        if (span.getComputedTextLength() > widths[i] - 16) overflowing.push(span.textContent);
      }
    });
  }
  return {symbols, overflowing, scale, lanes: Object.keys(lanes)};
}"""


@pytest.mark.parametrize("which", ["built", "changed"])
def test_the_chart_shows_without_javascript(
    no_script: Page, which: str, request: pytest.FixtureRequest
) -> None:
    site: Built = request.getfixturevalue(which)
    svg_chart = chart(site.site)
    expected = placed(svg_chart)
    with serve(site.site) as url:
        no_script.goto(url + "sop/")
        svg = no_script.locator("svg.warta-sop-chart__svg")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 900 and box["height"] > 500
        for role in lanes(svg_chart):
            expect(no_script.locator(f"g.warta-sop-lane[data-role='{role}']")).to_be_visible()
        expect(no_script.locator("g.warta-sop-symbol--decision")).to_be_visible()
        expect(no_script.locator("g.warta-sop-symbol--terminator")).to_have_count(2)
        found = svg.evaluate(MEASURE)
    assert [tuple(s[:2]) for s in found["symbols"]] == expected
    assert all(s[2] for s in found["symbols"]), found["symbols"]
    assert found["overflowing"] == []
