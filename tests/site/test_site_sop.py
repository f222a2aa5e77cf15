"""The page "SOP Peliputan" is drawn from workflow/sop.yml and follows it when it changes."""

from __future__ import annotations

import html
import itertools
from dataclasses import replace
from xml.etree import ElementTree

import pytest

from helpers import MAIN
from warta.adapters.workflow import load_sop
from warta.model.sop import Role, Sop, StandardTime, Step, TimeUnit
from warta.site.sop_page import sop_page, total_time
from warta.site.sopchart import Chart, Kind, decision, layout


@pytest.fixture(scope="module")
def sop() -> Sop:
    loaded, _ = load_sop(MAIN)
    return loaded


def lane_of(chart: Chart, x: int) -> str:
    (lane,) = [lane.role for lane in chart.lanes if lane.x <= x < lane.x + lane.width]
    return lane


def test_one_lane_per_executor_each_step_in_its_lane_in_order(sop: Sop) -> None:
    chart = layout(sop)
    assert [lane.role for lane in chart.lanes] == ["kabag", "kasubag", "staf"]
    assert [" ".join(lane.header.lines) for lane in chart.lanes] == [
        sop.roles[role].title for role in ("kabag", "kasubag", "staf")
    ]
    start, *steps, end = chart.symbols
    assert (start.kind, end.kind) == (Kind.TERMINATOR, Kind.TERMINATOR)
    # the procedure starts and ends with the Kabag, as the seed's flowchart does
    assert lane_of(chart, start.cx) == lane_of(chart, end.cx) == "kabag"
    assert [(s.number, s.lane, lane_of(chart, s.x), lane_of(chart, s.x + s.width - 1))
            for s in steps] == [(t.number, t.role, t.role, t.role) for t in sop.steps]
    assert [s.kind for s in steps] == [
        Kind.DECISION if t.gate else Kind.PROCESS for t in sop.steps
    ]
    # top to bottom, one row each, the step's symbol inside its row beside its Mutu Baku
    tops = [s.y for s in chart.symbols]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    rows = [row for row in chart.rows if row.number is not None]
    for step, symbol, row in zip(sop.steps, steps, rows, strict=True):
        assert row.number == step.number
        assert row.y < symbol.y and symbol.bottom < row.y + row.height
        no, activity, needs, time, output = row.cells
        assert no.lines == (f"{step.number}.",)
        assert " ".join(activity.lines) == step.activity
        assert (" ".join(needs.lines), " ".join(time.lines), " ".join(output.lines)) == (
            step.input, step.time.label(), step.output)


def test_connectors_run_from_step_to_step_and_back_from_the_approval(sop: Sop) -> None:
    chart = layout(sop)
    *forward, back = chart.arrows
    assert len(forward) == len(chart.symbols) - 1
    for arrow, source, target in zip(forward, chart.symbols[:-1], chart.symbols[1:], strict=True):
        assert arrow.points[0] == (source.cx, source.bottom)
        assert arrow.points[-1] == (target.cx, target.y)
        # square bends only
        for (x1, y1), (x2, y2) in itertools.pairwise(arrow.points):
            assert x1 == x2 or y1 == y2
    gate = next(s for s in chart.symbols if s.kind is Kind.DECISION)
    assert [a.label for a in chart.arrows] == ["", "", "", "", "", "yes", "", "no"]
    # 'no': the Kabag sends the report back to the Kasubag's step 4, where warta return goes
    assert chart.decision is sop.gate and chart.returns_to is sop.step("laporan")
    report = next(s for s in chart.symbols if s.number == 4)
    assert back.points[0] == (gate.x + gate.width, gate.cy)
    assert back.points[-1] == (report.x + report.width, report.cy)
    # without returns by the gate's role, the approval is no decision
    plain = replace(sop, take_back=replace(sop.take_back, return_by=("latest",)))
    assert decision(plain) is None
    assert all(s.kind is not Kind.DECISION for s in layout(plain).symbols)
    assert [a.label for a in layout(plain).arrows if a.label] == []


def svg_of(body: str) -> ElementTree.Element:
    """The chart's SVG, parsed as XML (it must be well-formed)."""
    start = body.index("<svg ")
    return ElementTree.fromstring(body[start:body.index("</svg>") + 6])


SVG_NS = "{http://www.w3.org/2000/svg}"


def test_the_chart_is_accessible_svg_in_the_page(sop: Sop) -> None:
    body = sop_page(sop).body
    assert 'class="mermaid"' not in body
    svg = svg_of(body)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "warta-sop-chart-title warta-sop-chart-desc"
    title = svg.find(f"{SVG_NS}title")
    desc = svg.find(f"{SVG_NS}desc")
    assert title is not None and desc is not None
    assert title.text == "Diagram alir SOP Peliputan Pemberitaan Di Wilayah Kabupaten" \
        " (SOP-21.04.1.3.1.3-1)"
    assert desc.text is not None
    assert "Langkah 2 (Kasubag): Memerintahkan staf" in desc.text
    assert "Langkah 5 adalah keputusan: ya, lanjut; tidak, kembali ke langkah 4." in desc.text
    lanes = svg.findall(f".//{SVG_NS}g[@class='warta-sop-lane']")
    assert [g.get("data-role") for g in lanes] == ["kabag", "kasubag", "staf"]
    symbols = svg.findall(f".//{SVG_NS}g[@data-step]")
    placed = [(g.get("data-step"), g.get("data-lane")) for g in symbols
              if "warta-sop-symbol" in (g.get("class") or "")]
    assert placed == [(str(s.number), s.role) for s in sop.steps]
    shapes = [child.tag.removeprefix(SVG_NS) for g in symbols
              if "warta-sop-symbol" in (g.get("class") or "") for child in g][::2]
    assert shapes == ["polygon" if s.gate else "rect" for s in sop.steps]


HOSTILE = "</text> <script>alert(\"sop\")</script> & 'x' <b>\"y\""


def test_the_changed_sop_is_drawn_and_its_texts_stay_texts(sop: Sop) -> None:
    extra = Step(
        number=7,
        id="arsip",
        activity=HOSTILE,
        role="sekretaris",
        input="Berita tercetak",
        time=StandardTime(1, TimeUnit.JAM),
        output="Arsip",
        status="diarsipkan",
    )
    roles = {"sekretaris": Role("sekretaris", HOSTILE, "<i>Sekda</i>"), **sop.roles}
    changed = replace(sop, steps=(*sop.steps, extra), roles=roles)
    chart = layout(changed)
    assert [lane.role for lane in chart.lanes] == ["sekretaris", "kabag", "kasubag", "staf"]
    assert chart.symbols[-2].lane == "sekretaris" and chart.symbols[-2].number == 7
    page = sop_page(changed)
    body = page.body
    assert f'<th scope="col" title="{html.escape(HOSTILE)}">&lt;i&gt;Sekda&lt;/i&gt;</th>' in body
    assert "<script>" not in body and "<b>" not in body and "<i>" not in body
    svg = svg_of(body)
    assert not list(svg.iter(f"{SVG_NS}script"))
    row = svg.find(f".//{SVG_NS}g[@class='warta-sop-row'][@data-step='7']")
    assert row is not None
    _no, activity, *_ = row.iter(f"{SVG_NS}text")
    assert " ".join(t.text or "" for t in activity.iter(f"{SVG_NS}tspan")) == HOSTILE
    lane = svg.find(f".//{SVG_NS}g[@data-role='sekretaris']")
    assert lane is not None  # (the narrow lane wraps the title where it must)
    assert "".join("".join(lane.itertext()).split()) == "".join(HOSTILE.split())
    desc = svg.find(f"{SVG_NS}desc")
    assert desc is not None and desc.text is not None and "(<i>Sekda</i>)" in desc.text


def test_sop_page_tables(sop: Sop) -> None:
    page = sop_page(sop)
    assert page.src_uri == "sop/index.md" and page.title == "SOP Peliputan"
    body = page.body
    for label, value in (
        ("Nomor SOP", "SOP-21.04.1.3.1.3-1"),
        ("Tanggal Pembuatan", "1 September 2017"),
        ("Tanggal Efektif", "2 September 2017"),
        ("Disahkan oleh", "Kepala Bagian Kominfo dan Humas"),
        ("Dasar Hukum", "Inpres No. 7 Tahun 1999"),
    ):
        assert f'<tr><th scope="row">{label}</th><td>{value}' in body
    assert body.count('<td class="warta-sop-actor"') == len(sop.steps)
    assert "<td>Agenda kerja</td><td>5 menit</td><td>Disposisi</td>" in body
    assert "<strong>Gerbang publikasi</strong>" in body


def test_total_standard_time() -> None:
    times = [
        StandardTime(5, TimeUnit.MENIT),
        StandardTime(5, TimeUnit.HARI, working_days=True),
        StandardTime(2, TimeUnit.HARI, working_days=True),
        StandardTime(15, TimeUnit.MENIT),
        StandardTime(1, TimeUnit.JAM),
    ]
    assert total_time(times) == "7 hari kerja 1 jam 20 menit"


def test_the_sop_page_shows_the_office_hours_and_holidays(sop: Sop) -> None:
    body = sop_page(sop).body
    section = body.split('<h2 id="jam-kerja">Jam kerja</h2>')[1].split("<h2")[0]
    for day, hours in (("Senin", "07.30–16.00"), ("Kamis", "07.30–16.00"),
                       ("Jumat", "07.30–16.30")):
        assert f'<tr><th scope="row">{day}</th><td>{hours}</td></tr>' in section
    assert "Sabtu" not in section and "Minggu" not in section
    assert f"Hari libur ({len(sop.calendar.holidays)}): " in section
    assert "25 Desember 2026" in section
    # without office hours, the standards run on calendar time: no section
    plain = replace(sop, calendar=replace(sop.calendar, hours=()))
    assert 'id="jam-kerja"' not in sop_page(plain).body


def test_total_standard_time_carries_minutes_into_hours() -> None:
    """Found by an independent attack on other offices' SOPs: 15 + 30 + 30 minutes and
    4 + 2 + 1 hours read "7 jam 75 menit". Hours are not carried into days (a day is the
    office's hours)."""
    times = [StandardTime(n, TimeUnit.MENIT) for n in (15, 30, 30)] + [
        StandardTime(n, TimeUnit.JAM) for n in (4, 2, 1)] + [
        StandardTime(1, TimeUnit.HARI, working_days=True)]
    assert total_time(times) == "1 hari kerja 8 jam 15 menit"
    assert total_time([StandardTime(30, TimeUnit.JAM)]) == "30 jam"
