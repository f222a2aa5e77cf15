"""The page "SOP Peliputan" is drawn from workflow/sop.yml and follows it when it changes."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest

from helpers import MAIN
from warta.adapters.workflow import load_sop
from warta.model.sop import Role, StandardTime, Step, TimeUnit
from warta.site.sop_page import flowchart, sop_page, total_time


@pytest.fixture(scope="module")
def sop():  # type: ignore[no-untyped-def]
    loaded, _ = load_sop(MAIN)
    return loaded


def test_flowchart_runs_top_to_bottom_in_sop_symbols(sop) -> None:  # type: ignore[no-untyped-def]
    lines = flowchart(sop).splitlines()
    assert lines[0] == "flowchart TB"
    assert lines[1] == '  mulai(["Mulai"])'  # terminator (capsule)
    assert lines[2] == (
        '  s1["1. Kabag<br/>Menugaskan kasubag pemberitaan untuk meliput berita pembangunan'
        ' yang ada di Kabupaten"]'
    )  # process box: performer, activity
    assert '  selesai(["Selesai"])' in lines
    arrows = [line for line in lines if "-->" in line]
    assert arrows == [
        "  mulai --> s1",
        '  s1 -->|"Disposisi"| s2',
        '  s2 -->|"Bahan informasi kegiatan"| s3',
        '  s3 -->|"Informasi dan berita"| s4',
        '  s4 -->|"Laporan hasil kegiatan"| s5',
        '  s5 -->|"Pengesahan laporan hasil kegiatan"| s6',
        '  s6 -->|"Pencetakan berita informasi pembangunan daerah"| selesai',
    ]
    assert lines[-1] == "  class s5 gate"


def test_the_flowchart_changes_when_the_yaml_does(sop) -> None:  # type: ignore[no-untyped-def]
    extra = Step(
        number=7,
        id="arsip",
        activity='Mengarsipkan "berita" <cetak> #1',
        role="sekretaris",
        input="Berita tercetak",
        time=StandardTime(1, TimeUnit.JAM),
        output="Arsip",
        status="diarsipkan",
    )
    roles = {**sop.roles, "sekretaris": Role("sekretaris", "Sekretaris Daerah", "Sekda")}
    changed = replace(sop, steps=(*sop.steps, extra), roles=roles)
    chart = flowchart(changed)
    assert chart != flowchart(sop)
    assert '  s7["7. Sekda<br/>Mengarsipkan #quot;berita#quot; #lt;cetak#gt; #35;1"]' in chart
    assert '  s7 -->|"Arsip"| selesai' in chart
    page = sop_page(changed)
    assert '<th scope="col" title="Sekretaris Daerah">Sekda</th>' in page.body
    assert "Mengarsipkan &quot;berita&quot; &lt;cetak&gt; #1" in page.body


def test_sop_page_tables(sop) -> None:  # type: ignore[no-untyped-def]
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
    chart = body.split('<pre class="mermaid"><code>')[1].split("</code></pre>")[0]
    assert html.unescape(chart) == flowchart(sop)


def test_total_standard_time() -> None:
    times = [
        StandardTime(5, TimeUnit.MENIT),
        StandardTime(5, TimeUnit.HARI, working_days=True),
        StandardTime(2, TimeUnit.HARI, working_days=True),
        StandardTime(15, TimeUnit.MENIT),
        StandardTime(1, TimeUnit.JAM),
    ]
    assert total_time(times) == "7 hari kerja 1 jam 20 menit"


def test_the_sop_page_shows_the_office_hours_and_holidays(sop) -> None:  # type: ignore[no-untyped-def]
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
