"""``warta laporan``: the AKIP report's figures on a newsroom with known timings, equal to
values computed by hand, its formats (JSON, CSV, HTML with inline SVG charts, PDF read back
with pypdf), and the attacks a staff member with push rights would try.

The newsroom (all times WIB; office hours Mon-Thu 07:30-16:00, Fri 07:30-16:30; 17 August
2026, a Monday, is a holiday), reported for 2026-S2 as it stood at Tue 10 Nov 2026 09:00:

- A: disposisi Fri 6 Nov 15:50, perintah Fri 16:28 (38 menit kerja: the office closes at
  16:30), penulisan Mon 9 Nov 10:00 (Friday afternoon to Monday: 1 hari kerja), laporan
  10:04 (4), pengesahan 10:07 (3);
- B: disposisi Fri 14 Aug 09:00, perintah 09:05 (5: exactly the standard, within),
  penulisan Tue 18 Aug 14:00 (over the holiday: 2 hari kerja), laporan 14:06 (6),
  pengesahan 14:10 (4);
- C: disposisi Thu 5 Nov 06:00 (before opening), perintah 07:40 (10 menit kerja: only
  07:30-07:40 counts), penulisan 17:00 (after closing, same day: 1 hari kerja); laporan on
  20 Nov, after the report's moment, so not counted: C waits for laporan since Thu 17:00,
  540 + 510 + 90 = 1140 menit kerja at Tue 09:00;
- D: disposisi Mon 2 Nov 08:00, perintah 08:04 (4), penulisan 10:00 (1 hari kerja), returned
  by the Kabag to penulisan at 10:30 (laporan had waited 30 menit kerja: a wait a return
  ends is measured too), penulisan again 11:00 (1), laporan 11:03 (3),
  pengesahan 11:05 (2); it waits for kompilasi 6 hari kerja at Tue 10 Nov 09:00.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from hardening.forge import Forger, load_policy
from helpers import Repo, copy_repo, make_repo, warta_exe

AT = "2026-11-10T09:00:00+07:00"
INJECTED = 'Rapat #import "x.typ": ] <script>alert(1)</script> $x$'


def _item(repo: Repo, title: str, slug: str, times: list[tuple[str, str]]) -> Path:
    """An item whose records are signed by each (person, time) in order (the first creates
    it: step 1)."""
    (by, first), *rest = times
    path = repo.new_item(title, at=first, by=by, slug=slug)
    for person, moment in rest:
        repo.sign(path, person, moment)
    return path


def _newsroom(root: Path, keys: dict[str, Path]) -> Repo:
    repo = make_repo(root, keys)
    a = _item(repo, INJECTED, "a", [
        ("hendra", "2026-11-06T15:50:00+07:00"), ("sri", "2026-11-06T16:28:00+07:00"),
        ("dimas", "2026-11-09T10:00:00+07:00"), ("sri", "2026-11-09T10:04:00+07:00"),
        ("hendra", "2026-11-09T10:07:00+07:00"),
    ])
    _item(repo, "Peringatan Proklamasi di Cibening", "b", [
        ("hendra", "2026-08-14T09:00:00+07:00"), ("sri", "2026-08-14T09:05:00+07:00"),
        ("dimas", "2026-08-18T14:00:00+07:00"), ("sri", "2026-08-18T14:06:00+07:00"),
        ("hendra", "2026-08-18T14:10:00+07:00"),
    ])
    c = _item(repo, "Posyandu Karangsari", "c", [
        ("hendra", "2026-11-05T06:00:00+07:00"), ("sri", "2026-11-05T07:40:00+07:00"),
        ("dimas", "2026-11-05T17:00:00+07:00"), ("sri", "2026-11-20T09:00:00+07:00"),
    ])
    d = _item(repo, "Pasar Murah Sukamaju", "d", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
        ("ayu", "2026-11-02T10:00:00+07:00"),
    ])
    result = repo.cli("return", str(d), "--to", "penulisan", "--reason", "lengkapi data",
                      "--key", str(keys["hendra"]), "--at", "2026-11-02T10:30:00+07:00")
    assert result.returncode == 0, result.stderr
    for person, moment in (("ayu", "2026-11-02T11:00:00+07:00"),
                           ("sri", "2026-11-02T11:03:00+07:00"),
                           ("hendra", "2026-11-02T11:05:00+07:00")):
        repo.sign(d, person, moment)
    assert a.exists() and c.exists()
    repo.commit_all("berita")
    return repo


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    return _newsroom(tmp_path_factory.mktemp("laporan") / "repo", keys)


def _json(repo: Repo, period: str = "2026-S2", at: str = AT) -> dict:  # type: ignore[type-arg]
    result = repo.cli("laporan", "--periode", period, "--format", "json", "--at", at)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _steps(data: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {s["id"]: s for s in data["steps"]}


def test_step_figures_equal_hand_computed_values(newsroom: Repo) -> None:
    data = _json(newsroom)
    assert data["schema"] == "warta.laporan/1"
    steps = _steps(data)
    figures = {
        k: (s["performed"], s["measured"], s["median"], s["p90"], s["within"], s["unit"])
        for k, s in steps.items()
    }
    assert figures == {
        # step 1 has no start: counted, not measured
        "disposisi": (4, 0, None, None, 0, "menit kerja"),
        # A 38 (Friday closes 16:30), B 5, C 10 (before opening), D 4 -> [4, 5, 10, 38]
        "perintah": (4, 4, 5.0, 38.0, 2, "menit kerja"),
        # A 1 (Fri -> Mon), B 2 (17 Aug holiday), C 1 (after closing), D 1, D again 1
        "penulisan": (5, 5, 1.0, 2.0, 5, "hari kerja"),
        # C's laporan is after the report's moment: not counted. A 4, B 6, D 3, and D's
        # wait for laporan that the return ended (10:00-10:30: 30) -> [3, 4, 6, 30]
        "laporan": (3, 4, 4.0, 30.0, 2, "menit kerja"),
        "pengesahan": (3, 3, 3.0, 4.0, 3, "menit kerja"),
        "kompilasi": (0, 0, None, None, 0, "hari kerja"),
    }
    assert steps["perintah"]["share_within"] == 0.5
    assert steps["laporan"]["share_within"] == 0.5
    assert [(c["path"].split("/")[3], c["value"], c["exceeded"], c["ended_by"])
            for c in steps["laporan"]["longest"]] == [
        ("d", 30.0, True, "return"), ("b", 6.0, True, None), ("a", 4.0, False, None)]
    longest = steps["perintah"]["longest"]
    assert [(c["path"].split("/")[3], c["value"], c["exceeded"]) for c in longest] == [
        ("a", 38.0, True), ("c", 10.0, True), ("b", 5.0, False)]
    # the monitoring form: ya at >= 80 % within the Mutu Baku, '-' when not performed
    assert [m["well_done"] for m in data["monitoring"]] == [
        "ya", "tidak", "ya", "tidak", "ya", None]
    assert all(m["notes"] == "" and m["action"] == "" for m in data["monitoring"])
    assert len(data["evaluation"]) == 7
    assert all(q["answer"] is None for q in data["evaluation"])


def test_people_items_months_and_open_items(newsroom: Repo) -> None:
    data = _json(newsroom)
    people = {p["id"]: (p["written"], p["reported"], p["approved"], p["returned"])
              for p in data["people"]}
    assert people == {
        "hendra": (0, 0, 3, 1),
        "sri": (0, 3, 0, 0),
        "dimas": (3, 0, 0, 0),
        "ayu": (1, 0, 0, 0),
    }
    assert data["items"] == {"started": 4, "published": 3, "returned": 1, "withdrawn": 0,
                             "corrected": 0}
    months = {m["month"]: (m["started"], m["published"]) for m in data["months"]}
    assert months == {"2026-07": (0, 0), "2026-08": (1, 1), "2026-09": (0, 0),
                      "2026-10": (0, 0), "2026-11": (3, 2), "2026-12": (0, 0)}
    waiting = {o["path"].split("/")[3]: (o["next_step"], o["waited"], o["unit"], o["exceeded"])
               for o in data["open"]}
    assert waiting["c"] == ("laporan", 1140.0, "menit kerja", True)
    assert waiting["a"] == ("kompilasi", 1.0, "hari kerja", False)
    assert waiting["d"] == ("kompilasi", 6.0, "hari kerja", True)
    assert data["editions"] == []
    assert data["excluded"] == []
    assert data["at"] == AT
    assert data["commit"] == newsroom.git("rev-parse", "HEAD").strip()
    assert data["command"] == f"warta laporan --periode 2026-S2 --at {AT}"


def test_a_month_counts_only_its_own_records(newsroom: Repo) -> None:
    steps = _steps(_json(newsroom, "2026-08"))
    assert (steps["penulisan"]["performed"], steps["penulisan"]["median"]) == (1, 2.0)
    assert steps["perintah"]["within"] == 1
    later = _json(newsroom, "2026-11", "2026-11-30T09:00:00+07:00")
    # C's laporan (20 Nov) counts now; C is no longer waiting for it
    assert _steps(later)["laporan"]["performed"] == 3
    assert "c" not in {o["path"].split("/")[3] for o in later["open"] if
                       o["next_step"] == "laporan"}


def test_csv_schema(newsroom: Repo) -> None:
    result = newsroom.cli("laporan", "--periode", "2026-S2", "--format", "csv", "--at", AT)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["section", "key", "measure", "value", "unit"]
    assert all(len(r) == 5 for r in rows)
    assert ["step", "2. perintah", "median", "5.0", "menit kerja"] in rows
    assert ["step", "3. penulisan", "p90", "2.0", "hari kerja"] in rows
    assert ["person", "hendra", "returned", "1", "berita"] in rows
    assert ["items", "2026-S2", "published", "3", "berita"] in rows
    assert ["step", "6. kompilasi", "unlisted", "0", "kali"] in rows


def test_html_has_inline_svg_charts_and_escapes_titles(newsroom: Repo, tmp_path: Path) -> None:
    out = tmp_path / "laporan.html"
    result = newsroom.cli("laporan", "--periode", "2026-S2", "--at", AT, "--output", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Formulir monitoring pelaksanaan SOP" in html
    assert "<td>hendra (dikembalikan)</td>" in html  # a wait a return ended
    assert newsroom.git("rev-parse", "HEAD").strip() in html


def _pdf(repo: Repo, out: Path, at: str = AT) -> bytes:
    result = repo.cli("laporan", "--periode", "2026-S2", "--format", "pdf", "--at", at,
                      "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_pdf_holds_the_forms_and_is_deterministic(newsroom: Repo, tmp_path: Path) -> None:
    first = _pdf(newsroom, tmp_path / "a.pdf")
    again = _pdf(newsroom, tmp_path / "b.pdf")
    assert first == again
    reader = PdfReader(tmp_path / "a.pdf")
    assert len(reader.pages) >= 2
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Formulir monitoring pelaksanaan SOP" in text
    assert "Apakah SOP mampu mendorong peningkatan kinerja?" in text
    assert "Apakah SOP bersinergi satu dengan lainnya?" in text
    # the title that tries to inject Typst markup is printed as text
    assert '#import "x.typ"' in text
    assert "Laporan Akuntabilitas Kinerja" in text
    assert "hendra (dikembalikan)" in text  # D's wait for laporan, ended by his return
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "a.pdf"),
                    str(png)], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_a_forged_signature_does_not_change_the_figures(newsroom: Repo, tmp_path: Path) -> None:
    repo = copy_repo(newsroom, tmp_path / "repo")
    before = _json(repo)
    forged = repo.approved_item("Kunjungan Kerja yang Dipalsukan", day="2026-11-03", slug="e")
    text = forged.read_text(encoding="utf-8")
    # a staff member moves the Kabag's approval earlier to look faster: its signature no
    # longer verifies
    assert "at: 2026-11-03T10:08:00+07:00" in text
    text = text.replace("at: 2026-11-03T10:08:00+07:00", "at: 2026-11-03T10:05:00+07:00")
    forged.write_text(text, encoding="utf-8")
    repo.commit_all("forged")
    after = _json(repo)
    for key in ("steps", "people", "items", "months", "open", "monitoring"):
        assert after[key] == before[key], key
    assert [e["path"] for e in after["excluded"]] == ["content/berita/2026/e/index.md"]
    assert any("signature." in r for r in after["excluded"][0]["reasons"])


def test_a_title_edited_after_approval_is_never_shown_as_the_record(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Anyone who can push may change an approved item's title without a signature: the site
    leaves the item out, but the report printed the new title beside the signed records,
    in the office's accountability document. The records still count; the title is not
    shown."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    before = _json(repo)
    path = repo.path("content/berita/2026/a/index.md")
    planted = "Kepala Dinas PUPR Ditahan atas Proyek Betonisasi"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + 1
    path.write_text(text[:start] + f'title: "{planted}"' + text[text.index("\n", start):],
                    encoding="utf-8")
    repo.commit_all("judul")
    after = _json(repo)

    def untitled(value: object) -> object:  # the figures, without any title
        if isinstance(value, dict):
            return {k: untitled(v) for k, v in value.items() if k != "title"}
        return [untitled(v) for v in value] if isinstance(value, list) else value

    for key in ("steps", "people", "items", "months", "open", "monitoring"):
        assert untitled(after[key]) == untitled(before[key]), key
    assert after["excluded"] == before["excluded"]
    assert planted not in json.dumps(after, ensure_ascii=False)
    assert "(title not shown: the text changed after its last signature; 20261106-" in (
        json.dumps(after, ensure_ascii=False))
    out = tmp_path / "laporan.html"
    html = repo.cli("laporan", "--periode", "2026-S2", "--at", AT, "--output", str(out))
    assert html.returncode == 0, html.stderr
    assert planted not in out.read_text(encoding="utf-8")


def test_a_title_edited_while_the_next_step_may_edit_is_not_shown_either(
    newsroom: Repo, tmp_path: Path
) -> None:
    """An item waiting for the writer (step 3, which may change the text) has no finding
    when its title is changed: still nobody signed that title, and the report listed it
    among the open items beside the signed steps."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    path = _item(repo, "Rapat Koordinasi Camat", "e", [
        ("hendra", "2026-11-09T08:00:00+07:00"), ("sri", "2026-11-09T08:04:00+07:00")])
    repo.commit_all("e")
    shown = [o["title"] for o in _json(repo)["open"]]
    assert "Rapat Koordinasi Camat" in shown
    planted = "Camat Cibening Terima Suap"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: \"Rapat Koordinasi Camat\"", f'title: "{planted}"', 1)
                    if "title: \"Rapat" in text else text.replace(
                        "title: Rapat Koordinasi Camat", f"title: {planted}", 1),
                    encoding="utf-8")
    repo.commit_all("judul")
    assert planted in path.read_text(encoding="utf-8")
    data = _json(repo)
    assert planted not in json.dumps(data, ensure_ascii=False)
    assert any(o["title"].startswith("(title not shown: the text changed after its last"
                                      " signature; 20261109-rapat-koordinasi-camat")
               for o in data["open"])


def test_bad_period_and_output_under_content_are_refused(newsroom: Repo) -> None:
    bad = newsroom.cli("laporan", "--periode", "2026-13")
    assert bad.returncode == 2 and "--periode" in bad.stderr
    # digits of another script are not a year (Python's int() would read them as 2026)
    arabic = newsroom.cli("laporan", "--periode", "\u0662\u0660\u0662\u0666")
    assert arabic.returncode == 2 and "--periode" in arabic.stderr
    inside = newsroom.cli("laporan", "--periode", "2026-11", "--output", "content/laporan.html")
    assert inside.returncode == 2 and "internal" in inside.stderr
    assert not (newsroom.root / "content" / "laporan.html").exists()
    future = newsroom.cli("laporan", "--periode", "2026", "--at", "2999-01-01T00:00:00+07:00")
    assert future.returncode == 2 and "no later than now" in future.stderr
    a_file = newsroom.root.parent / "bukan-folder"
    a_file.write_text("x", encoding="utf-8")  # a file where the output's folder should be
    nowhere = newsroom.cli("laporan", "--periode", "2026-11", "--at", AT,
                           "--output", str(a_file / "laporan.html"))
    assert nowhere.returncode == 2 and "cannot write" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr


def test_public_page_has_aggregates_and_no_names_and_the_report_is_never_built(
    newsroom: Repo, tmp_path: Path
) -> None:
    repo = copy_repo(newsroom, tmp_path / "repo")
    # a title naming a person, which must not reach the public page
    repo.approved_item("Wawancara dengan Camat Budi Santosa", day="2026-11-04", slug="nama")
    config = repo.read("mkdocs.yml").replace(
        "      feed_items: 20\n", "      feed_items: 20\n      kinerja: true\n")
    repo.write("mkdocs.yml", config)
    repo.sign_workflow()
    # someone commits an internal report under content/: it is never published
    report = tmp_path / "laporan.html"
    made = repo.cli("laporan", "--periode", "2026-11", "--at", AT, "--output", str(report))
    assert made.returncode == 0, made.stderr
    repo.write("content/laporan-2026-11.html", report.read_text(encoding="utf-8"))
    repo.commit_all("kinerja, and a report smuggled into content/")
    clock = repo.at_clock("2026-11-30T09:00:00+07:00")
    built = clock.cli("build", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    page = (site / "kinerja" / "index.html").read_text(encoding="utf-8")
    assert "Kinerja layanan" in page and "Dalam Mutu Baku" in page
    assert "Menugaskan kasubag pemberitaan" in page
    assert "November 2026" in page
    people = ("Hendra", "Sri Rahayu", "Dimas", "Ayu Lestari", "Agus Setiawan", "hendra", "dimas")
    for text in (*people, "Budi Santosa", "Posyandu Karangsari", "Pasar Murah"):
        assert text not in page, text
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"Laporan Akuntabilitas Kinerja" not in everything
    assert not list(site.rglob("laporan-2026-11*"))


def _with_kinerja(newsroom: Repo, root: Path) -> Repo:
    """A copy of ``newsroom`` whose signed mkdocs.yml turns the public Kinerja page on."""
    repo = copy_repo(newsroom, root)
    config = repo.read("mkdocs.yml").replace(
        "      feed_items: 20\n", "      feed_items: 20\n      kinerja: true\n")
    repo.write("mkdocs.yml", config)
    repo.sign_workflow()
    repo.commit_all("kinerja")
    return repo


def _kinerja_november(repo: Repo, site: Path, clock: str) -> int:
    """The news the public page counts as published in November 2026, built at ``clock``."""
    built = repo.at_clock(clock).cli("build", "--site-dir", str(site))
    assert built.returncode == 0, built.stderr
    text = html.unescape(re.sub(r"<[^>]+>", " ", (site / "kinerja/index.html").read_text(
        encoding="utf-8")))
    found = re.search(r"November 2026\s+(\d+)", text)
    assert found is not None, text
    return int(found[1])


def test_an_item_counts_as_published_when_it_went_out_never_before_its_embargo(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on time: an item approved in November with an embargo
    in December, then withdrawn before it (never published: no page, no notice), was
    counted as published in November on the public page from its withdrawal on, for good;
    and an item whose embargo ends in another month was counted in its approval's month."""
    repo = _with_kinerja(newsroom, tmp_path / "repo")
    clock = "2026-11-30T09:00:00+07:00"
    before = _kinerja_november(repo, tmp_path / "s0", clock)
    pulled = repo.embargoed_item("Rahasia Lelang Jabatan", "2026-12-24T09:00:00+07:00",
                                 day="2026-11-02", slug="lelang")
    later = repo.embargoed_item("Jadwal Libur Akhir Tahun", "2026-12-01T09:00:00+07:00",
                                day="2026-11-03", slug="libur")
    repo.commit_all("embargo")
    assert _kinerja_november(repo, tmp_path / "s1", clock) == before
    withdrawn = repo.at_clock("2026-11-17T09:00:00+07:00").cli(
        "withdraw", str(pulled), "--reason", "batal", "--key", str(repo.keys["hendra"]))
    assert withdrawn.returncode == 0, withdrawn.stderr
    repo.commit_all("tarik")
    assert _kinerja_november(repo, tmp_path / "s2", clock) == before
    # in the internal report too: the one went out on 1 December, the other never
    december = repo.at_clock("2026-12-30T09:00:00+07:00")
    months = {m["month"]: m["published"]
              for m in _json(december, "2026", "2026-12-30T09:00:00+07:00")["months"]}
    assert months["2026-12"] == 1, months
    assert months["2026-11"] == before, months
    assert later.exists()


def test_an_item_returned_before_its_embargo_never_went_out(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on the fix above: approved on 3 November with a
    1 December embargo, then returned on 20 November and never signed again, the item was
    counted as published in December."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    path = repo.embargoed_item("Rahasia Anggaran Desa", "2026-12-01T09:00:00+07:00",
                               day="2026-11-03", slug="anggaran")
    returned = repo.at_clock("2026-11-20T09:00:00+07:00").cli(
        "return", str(path), "--to", "laporan", "--reason", "angka belum final", "--key",
        str(repo.keys["hendra"]))
    assert returned.returncode == 0, returned.stderr
    repo.commit_all("kembali")
    december = repo.at_clock("2026-12-30T09:00:00+07:00")
    months = {m["month"]: m["published"]
              for m in _json(december, "2026-12", "2026-12-30T09:00:00+07:00")["months"]}
    assert months == {"2026-12": 0}, months


def test_a_step_after_the_gate_waits_from_the_embargo_not_the_approval(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Noted by an independent attack: the printing step's standard time ran from the
    approval even while ``warta cetak`` left the embargoed item out, so the Kasubag was
    reported late for a step they could not take. A step after the gate waits from the
    embargo, if later."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    path = repo.embargoed_item("Libur Akhir Tahun", "2026-11-20T09:00:00+07:00",
                               day="2026-11-02", slug="libur")
    repo.commit_all("embargo")
    printed = repo.at_clock("2026-11-20T10:00:00+07:00").cli(
        "cetak", "--edisi", "2026-11", "--key", str(repo.keys["sri"]), "--at",
        "2026-11-20T10:00:00+07:00")
    assert printed.returncode == 0, printed.stderr
    late = repo.at_clock("2026-11-30T09:00:00+07:00")
    checked = late.cli("validate", "--no-cache")
    assert f"{path.relative_to(repo.root).as_posix()}" not in [
        line.split(":", 1)[0] for line in checked.stdout.splitlines()
        if "[mutu-baku.exceeded]" in line], checked.stdout
    data = _json(late, "2026-11", "2026-11-30T09:00:00+07:00")
    (step,) = [s for s in data["steps"] if s["id"] == "kompilasi"]
    cases = [c for c in step["longest"] if c["path"].endswith("/libur/index.md")]
    assert cases and not cases[0]["exceeded"], step


def test_a_clock_before_1970_builds_the_public_page_without_a_traceback(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on time: WARTA_NOW takes years from 1900, but the
    public page's year went through the report's period reader (1970 and later) and an
    assertion ended the build in a traceback."""
    repo = _with_kinerja(newsroom, tmp_path / "repo")
    built = repo.at_clock("1969-12-31T10:00:00+07:00").cli(
        "build", "--site-dir", str(tmp_path / "site"))
    assert "Traceback" not in built.stderr and built.returncode in (0, 1), built.stderr
    assert built.returncode == 1 or "1969" in (tmp_path / "site/kinerja/index.html").read_text(
        encoding="utf-8")


def test_without_the_signed_setting_there_is_no_public_page(
    newsroom: Repo, tmp_path: Path
) -> None:
    built = newsroom.at_clock("2026-11-30T09:00:00+07:00").cli(
        "build", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    assert not (tmp_path / "site" / "kinerja").exists()


def test_messages_are_indonesian_with_lang_id(newsroom: Repo) -> None:
    bad = newsroom.cli("--lang", "id", "laporan", "--periode", "2026-S3")
    assert bad.returncode == 2
    assert "diharapkan sebuah bulan (2026-11), semester (2026-S2) atau tahun (2026)" in bad.stderr
    english = newsroom.cli("--lang", "en", "laporan", "--periode", "2026-S3")
    assert "expected a month (2026-11), a half-year (2026-S2) or a year (2026)" in english.stderr


def test_printed_editions_are_the_signed_ones_with_the_items_signed_for_print(
    newsroom: Repo, tmp_path: Path, keys: dict[str, Path]
) -> None:
    repo = copy_repo(newsroom, tmp_path / "repo")
    made = repo.cli("cetak", "--edisi", "2026-11", "--key", str(keys["sri"]),
                    "--at", "2026-11-10T09:00:00+07:00")
    assert made.returncode == 0, made.stdout + made.stderr
    ids = {p.parent.name: re.search(r"^id: (\S+)$", p.read_text(encoding="utf-8"), re.M)[1]
           for p in (repo.root / "content" / "berita" / "2026").glob("*/index.md")}
    # a manifest written by hand, unsigned, is no edition, whatever it lists
    repo.write("content/cetak/2026-08/edisi.yml",
               f"edition: 2026-08\nitems:\n  - id: {ids['b']}\n  - id: {ids['c']}\n")
    # a manifest that is a symbolic link out of the repository is never read
    (repo.root / "content" / "cetak" / "2026-10").mkdir()
    (repo.root / "content" / "cetak" / "2026-10" / "edisi.yml").symlink_to("/etc/passwd")
    repo.commit_all("edisi palsu")
    data = _json(repo, "2026-S2", "2026-11-10T10:00:00+07:00")
    # November's approved items (A, and D after its return); B is August's, C unapproved
    [edition] = data["editions"]
    assert set(edition["items"]) == {ids["a"], ids["d"]}
    assert edition == {
        "edition": "2026-11",
        "revision": 1,
        "path": "content/cetak/2026-11/edisi.yml",
        "items": edition["items"],
        "printed": edition["items"],  # each signed step 6 with the edition
        "complete": True,
    }
    assert _steps(data)["kompilasi"]["performed"] == 2
    none = _json(repo, "2026-S1", "2026-11-10T10:00:00+07:00")
    assert none["editions"] == []


def test_the_html_is_the_same_for_the_same_input_and_well_formed(
    newsroom: Repo, tmp_path: Path
) -> None:
    from html.parser import HTMLParser

    pages = []
    for name in ("a.html", "b.html"):
        out = tmp_path / name
        result = newsroom.cli("laporan", "--periode", "2026-S2", "--at", AT, "--output", str(out))
        assert result.returncode == 0, result.stderr
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.svg: list[dict[str, str | None]] = []
            self.tables = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "svg":
                self.svg.append(dict(attrs))
            self.tables += tag == "table"

    tags = Tags()
    tags.feed(pages[0].decode("utf-8"))
    assert len(tags.svg) == 2 and all(s.get("viewbox") for s in tags.svg)
    assert tags.tables >= 8


def test_the_default_report_goes_to_the_home_folder(newsroom: Repo, tmp_path: Path) -> None:
    """Written where it was run, the report went into the checkout: under content/ (found by
    an independent attack), or where the next `git add -A` would commit it, whatever the
    .gitignore said (pushed, it says what its pusher wants). By default it now goes to
    ~/warta-laporan/, a folder only its user may read."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, **newsroom.env, "HOME": str(home)}
    for where, period in ((newsroom.root / "content", "2026-11"), (newsroom.root, "2026-S2")):
        result = subprocess.run([warta_exe(), "laporan", "--periode", period, "--at", AT],
                                cwd=where, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stderr
        report = home / "warta-laporan" / f"laporan-{period}.html"
        assert str(report) in result.stderr
        assert "<svg" in report.read_text(encoding="utf-8")
    assert stat.S_IMODE((home / "warta-laporan").stat().st_mode) == 0o700
    assert newsroom.git("status", "--porcelain", "--untracked-files=all") == ""


def test_a_device_given_as_output_is_never_replaced(newsroom: Repo, tmp_path: Path) -> None:
    """Replacing the output atomically put a file in the place of a device, pipe or socket
    (as root, --output /dev/null would have); such an output is refused."""
    pipe = tmp_path / "pipa"
    os.mkfifo(pipe)
    result = newsroom.cli("laporan", "--periode", "2026-11", "--at", AT, "--format", "csv",
                          "--output", str(pipe))
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr and "not a regular file" in result.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipa"]  # no temporary file left


@pytest.mark.parametrize("args", [["validate"], ["validate", "--format", "json"],
                                  ["status", "--format", "json"],
                                  ["laporan", "--periode", "2026-11", "--at", AT,
                                   "--format", "csv"]])
def test_a_full_disk_for_the_output_is_a_message(newsroom: Repo, args: list[str]) -> None:
    """Standard output on a full disk (/dev/full) ended in an OSError traceback."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([warta_exe(), "--lang", "en", *args], cwd=newsroom.root,
                                env=newsroom.env,
                                stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "the output could not be written: [Errno 28]" in result.stderr


def test_the_report_s_typesetter_has_the_cetak_budget(
    newsroom: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's PDF is typeset in a child process with the budget of ``warta cetak``
    (before, Typst ran inside the command, where Ctrl+C does nothing)."""
    out = tmp_path / "laporan.pdf"
    monkeypatch.setitem(newsroom.env, "WARTA_TYPESET_SECONDS", "0.001")
    result = newsroom.cli("--lang", "en", "laporan", "--periode", "2026-S2", "--format", "pdf",
                          "--at", AT, "--output", str(out))
    assert result.returncode == 1, result.stderr
    assert "the report could not be typeset within 0.001 s" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    monkeypatch.setitem(newsroom.env, "WARTA_TYPESET_SECONDS", "tidak")
    refused = newsroom.cli("laporan", "--periode", "2026-S2", "--format", "pdf", "--at", AT,
                           "--output", str(out))
    assert refused.returncode == 2 and "WARTA_TYPESET_SECONDS" in refused.stderr
    monkeypatch.delitem(newsroom.env, "WARTA_TYPESET_SECONDS")
    assert _pdf(newsroom, out).startswith(b"%PDF")


def test_a_return_does_not_make_a_late_step_s_delay_vanish(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Each step is timed from the record before it, so the wait a return ended belonged to
    no step: the Kasubag returned an item whose writer was ten working days late to her own
    step, signed it again, and the report showed every step within its Mutu Baku, "well
    done", nothing waiting (found by an independent attack). The wait is measured now, as a
    case of the step it waited for, marked as ended by a return."""
    repo = make_repo(tmp_path / "repo", keys)
    path = _item(repo, "Pasar Murah Sukamaju", "pasar", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
    ])
    result = repo.cli("return", str(path), "--to", "perintah", "--reason", "perintah diperbarui",
                      "--key", str(keys["sri"]), "--at", "2026-11-16T08:00:00+07:00")
    assert result.returncode == 0, result.stderr
    for person, moment in (("sri", "2026-11-16T08:01:00+07:00"),
                           ("dimas", "2026-11-16T10:00:00+07:00"),
                           ("sri", "2026-11-16T10:04:00+07:00"),
                           ("hendra", "2026-11-16T10:08:00+07:00")):
        repo.sign(path, person, moment)
    repo.commit_all("berita")
    data = _json(repo, "2026-11", "2026-11-30T09:00:00+07:00")
    writing = _steps(data)["penulisan"]
    assert (writing["performed"], writing["measured"], writing["within"]) == (1, 2, 1)
    assert writing["well_done"] == "tidak"
    (late, *_rest) = writing["longest"]
    assert (late["value"], late["exceeded"], late["ended_by"], late["by"]) == (
        10.0, True, "return", "sri")
    validated = repo.cli("validate", "--format", "json")
    notices = [f["message"] for f in json.loads(validated.stdout)["items"][0]["findings"]
               if f["rule"] == "mutu-baku.exceeded"]
    assert any("penulisan" in m and "waited 10 hari kerja until the item was taken back"
               " (return)" in m for m in notices), notices


def test_the_printing_step_signed_without_an_edition_is_not_counted_as_done(
    newsroom: Repo, tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Step 6 (compile and print) signed with a plain ``warta sign`` and no edition made
    the item "dicetak" and the report count the step as done within its Mutu Baku, "well
    done", while nothing was printed (found by an independent attack). A record of the
    printing step counts only for an item a verified edition lists; the others are
    ``unlisted`` and the step is not "well done"."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    a = next((repo.root / "content" / "berita" / "2026").glob("a/index.md"))
    signed = repo.cli("sign", str(a), "--step", "kompilasi", "--key", str(keys["sri"]),
                      "--at", "2026-11-09T11:00:00+07:00")
    assert signed.returncode == 0, signed.stderr
    data = _json(repo, "2026-S2", "2026-11-10T10:00:00+07:00")
    printing = _steps(data)["kompilasi"]
    assert (printing["performed"], printing["measured"], printing["unlisted"]) == (0, 0, 1)
    assert printing["well_done"] == "tidak"
    assert data["editions"] == []
    # a manifest anyone with push rights writes, listing the very id and text, is no edition
    text = a.read_text(encoding="utf-8")
    found = re.search(r"^id: (\S+)$", text, re.M)
    assert found is not None
    item_id = found[1]
    content = re.findall(r"content: \"?(sha256:[0-9a-f]{64})", text)[-1]
    repo.write("content/cetak/2026-11/edisi.yml",
               f"edition: 2026-11\nitems:\n  - {{id: {item_id}, content: {content}}}\n")
    repo.commit_all("edisi tanpa tanda tangan")
    forged = _steps(_json(repo, "2026-S2", "2026-11-10T10:00:00+07:00"))["kompilasi"]
    assert (forged["performed"], forged["unlisted"]) == (0, 1)
    repo.path("content/cetak/2026-11/edisi.yml").unlink()
    repo.commit_all("hapus")
    # printed in an edition, the same record counts
    made = repo.cli("cetak", "--edisi", "2026-11", "--key", str(keys["sri"]),
                    "--at", "2026-11-10T09:00:00+07:00")
    assert made.returncode == 0, made.stdout + made.stderr
    data = _json(repo, "2026-S2", "2026-11-10T10:00:00+07:00")
    printing = _steps(data)["kompilasi"]
    assert (printing["performed"], printing["unlisted"]) == (2, 0)
    # the edition's rows in the CSV name its revision: a reprint is a row of its own
    rows = list(csv.reader(io.StringIO(repo.cli(
        "laporan", "--periode", "2026-S2", "--format", "csv", "--at",
        "2026-11-10T10:00:00+07:00").stdout)))
    assert ["edition", "2026-11 revisi 1", "printed", "2", "berita"] in rows


def test_a_withdrawal_does_not_make_a_late_approval_s_delay_vanish(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """The Kabag sat 24 days on a correction's approval (standard: minutes), then withdrew
    the item, brought it back and approved it at once: the report showed the approval
    "well done" (found by an independent attack after returns were measured). A wait a
    withdrawal or a correction ends is measured like one a return ends."""
    repo = make_repo(tmp_path / "repo", keys)
    path = _item(repo, "Jalan Desa Cibening", "jalan", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
        ("dimas", "2026-11-02T10:00:00+07:00"), ("sri", "2026-11-02T10:04:00+07:00"),
        ("hendra", "2026-11-02T10:08:00+07:00"),
    ])
    repo.commit_all("berita")

    def cli(*args: str) -> None:
        done = repo.cli(*args)
        assert done.returncode == 0, done.stdout + done.stderr

    cli("correct", str(path), "--note", "Panjang jalan diralat", "--key", str(keys["hendra"]),
        "--at", "2026-11-03T08:00:00+07:00")
    cli("sign", str(path), "--key", str(keys["dimas"]), "--at", "2026-11-03T09:00:00+07:00")
    cli("withdraw", str(path), "--reason", "ralat diperiksa ulang", "--key",
        str(keys["hendra"]), "--at", "2026-11-27T09:00:00+07:00")
    cli("return", str(path), "--to", "laporan", "--reason", "kembali", "--key",
        str(keys["hendra"]), "--at", "2026-11-27T09:01:00+07:00")
    cli("sign", str(path), "--key", str(keys["sri"]), "--at", "2026-11-27T09:20:00+07:00")
    cli("sign", str(path), "--key", str(keys["hendra"]), "--at", "2026-11-27T09:25:00+07:00")
    data = _json(repo, "2026-11", "2026-11-30T10:00:00+07:00")
    approval = _steps(data)["pengesahan"]
    waits = [(c["ended_by"], c["exceeded"]) for c in approval["longest"] if c["ended_by"]]
    assert waits == [("withdraw", True)], approval["longest"]
    assert approval["well_done"] == "tidak"


def test_a_corrected_text_signed_for_print_without_an_edition_is_not_counted(
    newsroom: Repo, tmp_path: Path, keys: dict[str, Path]
) -> None:
    """An item printed in November, corrected in December, then signed for print by hand:
    the December report counted printing done on time because the November edition listed
    the item's id (found by an independent attack). An edition counts for the text it
    printed."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    made = repo.cli("cetak", "--edisi", "2026-11", "--key", str(keys["sri"]),
                    "--at", "2026-11-10T09:00:00+07:00")
    assert made.returncode == 0, made.stdout + made.stderr
    a = next((repo.root / "content" / "berita" / "2026").glob("a/index.md"))

    def cli(*args: str) -> None:
        done = repo.cli(*args)
        assert done.returncode == 0, done.stdout + done.stderr

    cli("correct", str(a), "--note", "Nama desa diperbaiki.", "--key", str(keys["hendra"]),
        "--at", "2026-12-02T08:00:00+07:00")
    text = a.read_text(encoding="utf-8")
    a.write_text(text.rstrip("\n") + "\n\nNama desa diperbaiki.\n", encoding="utf-8")
    cli("sign", str(a), "--key", str(keys["dimas"]), "--at", "2026-12-02T09:00:00+07:00")
    cli("sign", str(a), "--key", str(keys["hendra"]), "--at", "2026-12-02T09:04:00+07:00")
    cli("sign", str(a), "--step", "kompilasi", "--key", str(keys["sri"]),
        "--at", "2026-12-02T09:10:00+07:00")
    printing = _steps(_json(repo, "2026-12", "2026-12-03T09:00:00+07:00"))["kompilasi"]
    assert (printing["performed"], printing["unlisted"], printing["well_done"]) == (
        0, 1, "tidak")


def test_quick_take_backs_do_not_make_a_late_step_well_done(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Measuring the waits take-backs end made short ones count as on time for a step
    nobody performed: the Kasubag reported and returned an item four times a minute apart,
    and the one real approval, a working day late, read as 80 % within and "well done"
    (found by an independent attack). Only a wait that exceeded counts."""
    repo = make_repo(tmp_path / "repo", keys)
    path = _item(repo, "Pasar Murah", "pasar", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
        ("dimas", "2026-11-02T10:00:00+07:00"), ("sri", "2026-11-02T10:04:00+07:00"),
    ])
    for minute in range(4):  # each wait for the approval a minute: within its standard
        done = repo.cli("return", str(path), "--to", "laporan", "--reason", "ulang", "--key",
                        str(keys["sri"]), "--at", f"2026-11-02T10:{5 + 2 * minute:02d}:00+07:00")
        assert done.returncode == 0, done.stderr
        repo.sign(path, "sri", f"2026-11-02T10:{6 + 2 * minute:02d}:00+07:00")
    repo.sign(path, "hendra", "2026-11-03T10:30:00+07:00")
    repo.commit_all("berita")
    approval = _steps(_json(repo, "2026-11", "2026-11-30T09:00:00+07:00"))["pengesahan"]
    assert (approval["performed"], approval["measured"], approval["within"]) == (1, 1, 0)
    assert approval["well_done"] == "tidak"


def test_an_unsigned_edit_of_the_embargo_moves_no_figure(newsroom: Repo, tmp_path: Path) -> None:
    """Found by an independent attack: the embargo line of an approved item deleted, which
    nobody signed, made the public page count the item as published while its signed
    embargo still ran (it told the public the item exists), and moved the month the
    internal report counted it in. The embargo that counts is the one its approval signed
    (the committed text the approval's digest names)."""
    repo = _with_kinerja(newsroom, tmp_path / "repo")
    clock = "2026-11-30T09:00:00+07:00"
    path = repo.embargoed_item("Rahasia Festival", "2026-12-01T09:00:00+07:00",
                               day="2026-11-02", slug="rahasia")
    repo.commit_all("embargo")
    before = _kinerja_november(repo, tmp_path / "s0", clock)
    months = {m["month"]: m["published"] for m in _json(repo, "2026", AT)["months"]}
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^embargo:.*\n", "", text), encoding="utf-8")
    repo.commit_all("embargo dihapus, tanpa tanda tangan")
    assert _kinerja_november(repo, tmp_path / "s1", clock) == before
    assert {m["month"]: m["published"] for m in _json(repo, "2026", AT)["months"]} == months
    assert months["2026-12"] == 1, months


def test_an_approval_went_out_at_the_embargo_it_signed(newsroom: Repo, tmp_path: Path) -> None:
    """Found by the same attack: approved and published on 2 November without an embargo,
    then returned and approved again with an embargo in January, the item counted as never
    published in 2026 (the later embargo was applied to the first approval)."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    december = repo.at_clock("2026-12-30T09:00:00+07:00")
    before = _json(december, "2026", "2026-12-30T09:00:00+07:00")["months"]
    path = repo.approved_item("Jembatan Baru", day="2026-11-02", slug="jembatan-baru")
    returned = repo.at_clock("2026-11-03T08:00:00+07:00").cli(
        "return", str(path), "--to", "perintah", "--reason", "tambah embargo", "--key",
        str(repo.keys["hendra"]))
    assert returned.returncode == 0, returned.stderr
    repo.sign(path, "sri", "2026-11-03T08:30:00+07:00")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", "\nembargo: 2027-01-10T09:00:00+07:00\nstatus:", 1),
                    encoding="utf-8")
    repo.sign(path, "dimas", "2026-11-03T09:00:00+07:00")
    repo.sign(path, "sri", "2026-11-03T09:10:00+07:00")
    repo.sign(path, "hendra", "2026-11-03T09:20:00+07:00")
    after = _json(december, "2026", "2026-12-30T09:00:00+07:00")
    published = {m["month"]: m["published"] for m in after["months"]}
    assert published["2026-11"] == 1 + {m["month"]: m["published"] for m in before}["2026-11"]


def test_an_item_whose_approved_text_is_nowhere_is_left_out_with_why(
    newsroom: Repo, tmp_path: Path
) -> None:
    """When the text an approval signed is neither the file nor a committed version of it,
    when the item went out is not known: it is left out of the figures (and listed)."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    path = repo.new_item("Pasar Murah", at="2026-11-16T08:00:00+07:00", slug="pasar-murah")
    repo.sign(path, "sri", "2026-11-16T08:04:00+07:00", commit=False)
    # the writer's text, approved but never committed
    path.write_text(path.read_text(encoding="utf-8") + "\nDitulis.\n", encoding="utf-8")
    for by, at in (("dimas", "10:00"), ("sri", "10:04"), ("hendra", "10:08")):
        repo.sign(path, by, f"2026-11-16T{at}:00+07:00", commit=False)
    path.write_text(path.read_text(encoding="utf-8") + "\nKalimat baru.\n", encoding="utf-8")
    repo.commit_all("disetujui lalu diubah, hanya versi ubahan yang di-commit")
    data = _json(repo.at_clock("2026-12-30T09:00:00+07:00"), "2026", "2026-12-30T09:00:00+07:00")
    excluded = {e["path"]: e["reasons"] for e in data["excluded"]}
    reasons = excluded["content/berita/2026/pasar-murah/index.md"]
    assert any("[embargo.unknown]" in r for r in reasons), reasons


def _pushed_versions(repo: Repo, rel: str, count: int) -> None:
    """``count`` commits by someone with push rights (no key), each setting the file ``rel``
    to another text, then one putting the signed file back."""
    head = repo.git("rev-parse", "HEAD").strip()
    current = (repo.root / rel).read_bytes()
    stream = [b"reset refs/heads/main\nfrom %s\n\n" % head.encode()]
    for n in range(count + 1):
        data = current if n == count else current.replace(b"\nstatus:", b"\nx%d: 1\nstatus:" % n)
        stream.append(b"commit refs/heads/main\ncommitter x <x@x.invalid> %d +0000\ndata 2\nc\n"
                      % (1790000000 + n))
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n\n" % (rel.encode(), len(data), data))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo.root, input=b"".join(stream),
                   check=True)
    repo.git("reset", "-q", "--hard", "main")


def test_the_approved_text_is_found_oldest_first_within_a_budget(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack: the search of an item's history for the text its
    approval signed read every version pushed since, newest first, each parsed whole (400
    took a report from 0.7 s to 27 s). It reads the oldest first, within a budget; beyond
    the budget, when the item went out is not known (left out, never counted wrongly)."""
    from warta import laporan

    repo = copy_repo(newsroom, tmp_path / "repo")
    path = repo.approved_item("Jembatan Cibening", slug="jembatan-cibening")
    rel = path.relative_to(repo.root).as_posix()
    corrected = repo.cli("correct", str(path), "--note", "Nama diralat", "--key",
                         str(repo.keys["hendra"]), "--at", "2026-11-03T08:00:00+07:00")
    assert corrected.returncode == 0, corrected.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("Isi berita.", "Isi diralat."),
                    encoding="utf-8")
    repo.sign(path, "dimas", "2026-11-03T09:00:00+07:00")
    _pushed_versions(repo, rel, 40)
    project = repo.project()
    item = project.items[rel]
    # the approved version is among the first few: found, the 40 pushed since never read
    assert laporan.signed_embargoes(project, item, laporan.HistoryBudget(per_item=12))
    assert laporan.signed_embargoes(project, item, laporan.HistoryBudget(left=0)) is None
    december = repo.at_clock("2026-12-30T09:00:00+07:00")
    data = _json(december, "2026", "2026-12-30T09:00:00+07:00")
    assert rel not in {e["path"] for e in data["excluded"]}, data["excluded"]


def test_an_item_whose_records_do_not_verify_is_never_looked_up(
    newsroom: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anyone can push an item with a made-up approval: its history is never read."""
    from warta import laporan
    from warta.adapters import gitread

    repo = copy_repo(newsroom, tmp_path / "repo")
    path = repo.approved_item("Palsu", slug="palsu")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    end = max(n for n, line in enumerate(lines) if "END SSH SIGNATURE" in line)
    line = lines[end - 1]
    middle = len(line) // 2
    lines[end - 1] = line[:middle] + ("B" if line[middle] == "A" else "A") + line[middle + 1:]
    path.write_text("".join(lines).replace("Isi berita.", "Isi lain."), encoding="utf-8")
    repo.commit_all("persetujuan dipalsukan")
    read: list[str] = []
    real = gitread.path_history

    def counting(root: Path, rel: str, *args: Any, **kw: Any) -> Any:
        read.append(rel)
        return real(root, rel, *args, **kw)

    monkeypatch.setattr(gitread, "path_history", counting)
    parts = laporan.split(repo.project())
    rel = path.relative_to(repo.root).as_posix()
    assert rel in {e.path for e in parts.excluded}
    assert rel not in read


def _charts(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, flags=re.S)


def test_a_matplotlibrc_in_the_checkout_changes_no_chart(newsroom: Repo, tmp_path: Path) -> None:
    """matplotlib reads `matplotlibrc` in the working folder when it is imported, and the
    report runs in the checkout: a pushed one redrew the charts (a hidden Mutu Baku line),
    made matplotlib run `latex` over its preamble (a traceback where TeX is missing), or,
    as a link, echoed another file's lines (found by an independent attack)."""
    clean = tmp_path / "clean.html"
    result = newsroom.cli("laporan", "--periode", "2026-S2", "--at", AT, "--output", str(clean))
    assert result.returncode == 0, result.stderr
    repo = copy_repo(newsroom, tmp_path / "repo")
    secret = tmp_path / "rahasia.txt"
    secret.write_text("token_rahasia: 4f1c2e\n", encoding="utf-8")
    for name, rc in (
        ("restyled", 'axes.facecolor: "#ff00ff"\nlines.dashed_pattern: 0.0001, 1000\n'
                     "svg.fonttype: none\n"),
        ("latex", "text.usetex: True\ntext.latex.preamble: \\input{/etc/hostname}\n"),
        ("link", None),
    ):
        rcfile = repo.root / "matplotlibrc"
        rcfile.unlink(missing_ok=True)
        if rc is None:
            rcfile.symlink_to(secret)
        else:
            rcfile.write_text(rc, encoding="utf-8")
        repo.commit_all(f"matplotlibrc: {name}")
        for fmt in ("html", "pdf"):
            out = tmp_path / f"{name}.{fmt}"
            result = repo.cli("laporan", "--periode", "2026-S2", "--at", AT, "--format", fmt,
                              "--output", str(out))
            assert result.returncode == 0, (name, result.stderr)
            assert "Traceback" not in result.stderr and "4f1c2e" not in result.stderr, name
            assert out.stat().st_size > 0
        page = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert "ff00ff" not in page.lower()
        assert _charts(page) == _charts(clean.read_text(encoding="utf-8")), name


def test_a_fifo_named_matplotlibrc_does_not_stop_the_report(
    newsroom: Repo, tmp_path: Path
) -> None:
    """matplotlib opens `./matplotlibrc` when it is imported: a FIFO there kept the report
    waiting for ever."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    os.mkfifo(repo.root / "matplotlibrc")
    out = tmp_path / "laporan.html"
    result = subprocess.run(
        [warta_exe(), "laporan", "--periode", "2026-S2", "--at", AT, "--output", str(out)],
        cwd=repo.root, env={**os.environ, **repo.env}, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(_charts(out.read_text(encoding="utf-8"))) == 2


def test_the_report_is_never_written_inside_a_git_repository(
    newsroom: Repo, tmp_path: Path
) -> None:
    """Not over a file git tracks (a pushed placeholder had the report written over it), not
    where the .gitignore ignores it (a pushed '!/laporan-*.html' undid that, at once or at
    the next pull), not in a folder below the top, not in another repository inside the
    checkout (a Pages clone in public/, which the checkout ignores), not in .git, and not
    by default when the home folder is itself in a repository (found by independent
    attacks). Nothing is written, and the command says why."""
    repo = copy_repo(newsroom, tmp_path / "repo")
    repo.write("laporan-2026-11.html", "<!-- tempat laporan bulanan -->\n")
    (repo.root / "laporan-2026-S2.html").symlink_to("README.md")
    repo.write(".gitignore", "/public/\n/rapat.html\n")
    repo.git("add", "-f", "laporan-2026-11.html", "laporan-2026-S2.html", ".gitignore")
    repo.commit_all("tempat laporan")
    pages = repo.root / "public"
    pages.mkdir()
    subprocess.run(["git", "init", "-q", str(pages)], check=True)
    for output in ("laporan-2026-11.html", "laporan-2026-S2.html", "rapat.html",
                   "workflow/rapat.html", "public/rapat.html", ".git/rapat.html",
                   str(repo.root / "rapat.pdf")):
        result = repo.cli("--lang", "en", "laporan", "--periode", "2026-11", "--at", AT,
                          "--output", output)
        assert result.returncode == 2, (output, result.stderr)
        assert "the folder is inside a git repository" in result.stderr, output
        assert "Traceback" not in result.stderr
    home = repo.root / "workflow"  # a home folder inside a repository
    result = subprocess.run([warta_exe(), "--lang", "en", "laporan", "--periode", "2026-11",
                             "--at", AT], cwd=repo.root,
                            env={**os.environ, **repo.env, "HOME": str(home)},
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert "the folder is inside a git repository" in result.stderr
    assert repo.read("laporan-2026-11.html") == "<!-- tempat laporan bulanan -->\n"
    assert (repo.root / "laporan-2026-S2.html").is_symlink()
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
    assert sorted(p.name for p in pages.iterdir()) == [".git"]
    # beside the checkout, outside every repository, it is written
    result = repo.cli("laporan", "--periode", "2026-11", "--at", AT, "--output",
                      str(tmp_path / "rapat.html"))
    assert result.returncode == 0, result.stderr
    assert "<svg" in (tmp_path / "rapat.html").read_text(encoding="utf-8")


def test_an_unsigned_embargo_in_a_correction_s_draft_moves_no_step_time(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Found by an independent attack on the figures: an item approved on Mon 2 Nov and
    printed on Thu 12 Nov (8 hari kerja; the standard is 2) was then corrected, and the
    correction's draft, open to edits nobody has signed yet, got an ``embargo`` line of
    12 Nov: the gate passed it, and the report, ``warta log`` and validate's notice measured
    the printing from that line (1 hari kerja, on time). A step after the gate waits from
    the embargo the approval before it signed."""
    repo = make_repo(tmp_path / "repo", keys)
    path = _item(repo, "Jembatan Gantung Cibening", "jembatan", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
        ("dimas", "2026-11-02T10:00:00+07:00"), ("sri", "2026-11-02T10:04:00+07:00"),
        ("hendra", "2026-11-02T10:08:00+07:00"),
    ])
    repo.commit_all("berita")
    printed = repo.at_clock("2026-11-12T12:00:00+07:00").cli(
        "cetak", "--edisi", "2026-11", "--key", str(keys["sri"]), "--at",
        "2026-11-12T10:00:00+07:00")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    corrected = repo.at_clock("2026-11-20T12:00:00+07:00").cli(
        "correct", str(path), "--note", "Panjang jembatan 84 meter", "--key",
        str(keys["hendra"]), "--at", "2026-11-20T09:00:00+07:00")
    assert corrected.returncode == 0, corrected.stdout + corrected.stderr
    late = repo.at_clock("2026-11-30T12:00:00+07:00")
    rel = path.relative_to(repo.root).as_posix()

    def measured() -> tuple[float, str, int, list[tuple[str, bool]]]:
        printing = _steps(_json(late, "2026-11", "2026-11-30T12:00:00+07:00"))["kompilasi"]
        notices = [line for line in late.cli("validate", "--no-cache").stdout.splitlines()
                   if line.startswith(rel) and "[mutu-baku.exceeded]" in line
                   and "kompilasi" in line]
        log = json.loads(late.cli("log", str(path), "--format", "json").stdout)
        logged = [(r["duration"], r["late"]) for r in log["records"]
                  if r["step"] == "kompilasi"]
        return printing["median"], printing["well_done"], len(notices), logged

    before = measured()
    assert before[:3] == (8.0, "tidak", 1), before
    assert [late for _took, late in before[3]] == [True], before
    base = repo.git("rev-parse", "HEAD").strip()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", "\nembargo: 2026-11-12T09:00:00+07:00\nstatus:",
                                 1), encoding="utf-8")
    repo.commit_all("draf ralat, embargo tanpa tanda tangan")
    gate = late.cli("validate", "--strict", "--no-cache", "--base", base)
    assert gate.returncode == 0, gate.stdout + gate.stderr  # a draft may be edited
    after = measured()
    # the report and the log read the embargo the approval signed from git history; validate
    # cannot, and gives no notice it cannot ground (see the next test)
    assert (after[0], after[1], after[3]) == (before[0], before[1], before[3]), after
    assert after[2] == 0


def test_only_signed_records_out_of_order_make_a_step_not_well_done(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Found by an independent attack on the figures: a pushed file with two made-up
    records (``disposisi``, then ``pengesahan``, no signature) counted as an approval out of
    the SOP's order, and turned the approval step's "dilaksanakan dengan baik" to "tidak".
    Only records whose signatures, signers and roles verify, up to the one out of order,
    count; the same two records really signed still do."""
    repo = make_repo(tmp_path / "repo", keys)
    _item(repo, "Jalan Desa Cibening", "jalan", [
        ("hendra", "2026-11-02T08:00:00+07:00"), ("sri", "2026-11-02T08:04:00+07:00"),
        ("dimas", "2026-11-02T10:00:00+07:00"), ("sri", "2026-11-02T10:04:00+07:00"),
        ("hendra", "2026-11-02T10:08:00+07:00"),
    ])
    repo.commit_all("berita")
    moment = "2026-11-30T12:00:00+07:00"
    before = _json(repo, "2026-11", moment)
    assert _steps(before)["pengesahan"]["well_done"] == "ya"
    text = repo.new_item("Kunjungan Palsu", at="2026-11-03T08:00:00+07:00", slug="palsu",
                         commit=False).read_text(encoding="utf-8")
    jump = (("disposisi", "hendra", "08:00"), ("pengesahan", "hendra", "08:01"))
    signed = Forger(keys).sign_chain(text, jump, day="2026-11-03", policy=load_policy())
    unsigned = re.sub(r"(?m)^    sig: .*\n(?:      .*\n)*", "", signed)
    assert "sig:" in signed and "sig:" not in unsigned
    item = repo.root / "content/berita/2026/palsu/index.md"

    item.write_text(unsigned, encoding="utf-8")
    repo.commit_all("dua catatan tanpa tanda tangan")
    after = _json(repo, "2026-11", moment)
    for key in ("steps", "monitoring"):
        assert after[key] == before[key], key
    assert [e["path"] for e in after["excluded"]] == ["content/berita/2026/palsu/index.md"]

    item.write_text(signed, encoding="utf-8")
    repo.commit_all("dua catatan bertanda tangan, langkahnya melompat")
    approval = _steps(_json(repo, "2026-11", moment))["pengesahan"]
    assert (approval["out_of_order"], approval["well_done"]) == (1, "tidak")


def test_a_correction_does_not_make_an_on_time_printing_late(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Found by the attack on the fix above: once the file no longer held the approved text
    (a correction's draft), ``warta log``, validate's notice and the summary measured a
    printing step from the approval, not from the embargo it signed, so a printing one hour
    after its embargo read eight working days late. ``warta log`` reads the signed embargo
    from git history, as the report does; validate gives no notice it cannot ground."""
    repo = make_repo(tmp_path / "repo", keys)
    path = repo.embargoed_item("Jembatan Gantung Cibening", "2026-11-12T09:00:00+07:00",
                               day="2026-11-02", slug="jembatan")
    repo.commit_all("berita")
    printed = repo.at_clock("2026-11-12T12:00:00+07:00").cli(
        "cetak", "--edisi", "2026-11", "--key", str(keys["sri"]), "--at",
        "2026-11-12T10:00:00+07:00")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    late = repo.at_clock("2026-11-30T12:00:00+07:00")
    rel = path.relative_to(repo.root).as_posix()

    def printing() -> tuple[list[tuple[str, bool]], int, tuple[float, str]]:
        log = json.loads(late.cli("log", str(path), "--format", "json").stdout)
        logged = [(r["duration"], r["late"]) for r in log["records"] if r["step"] == "kompilasi"]
        notices = [line for line in late.cli("validate", "--no-cache").stdout.splitlines()
                   if line.startswith(rel) and "[mutu-baku.exceeded]" in line
                   and "kompilasi" in line]
        figures = _steps(_json(late, "2026-11", "2026-11-30T12:00:00+07:00"))["kompilasi"]
        return logged, len(notices), (figures["median"], figures["well_done"])

    before = printing()
    assert [was_late for _took, was_late in before[0]] == [False], before
    assert before[1:] == (0, (1.0, "ya")), before
    corrected = repo.at_clock("2026-11-20T12:00:00+07:00").cli(
        "correct", str(path), "--note", "Panjang jembatan 84 meter", "--key",
        str(keys["hendra"]), "--at", "2026-11-20T09:00:00+07:00")
    assert corrected.returncode == 0, corrected.stdout + corrected.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("SUKAMAJU – ", "SUKAMAJU – (Ralat) ",
                                                             1), encoding="utf-8")
    repo.commit_all("draf ralat")
    assert printing() == before
