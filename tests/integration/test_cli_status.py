"""``warta status``: a table of the items grouped by their next SOP step, who must act, how
long each has waited against the step's standard time (Mutu Baku), late ones flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo

WIB = timezone(timedelta(hours=7))


def calendar_time(repo: Repo) -> None:
    """The real SOP without its office hours: these tests wait in real time (``warta status``
    reads the clock), and in office time a wait would depend on the hour the tests run.
    Office time in the queue: tests/unit/test_queue.py; in ``warta log``: test_sign.py."""
    sop = repo.read("workflow/sop.yml")
    start, end = sop.index("  hours:\n"), sop.index("  # Dates YYYY-MM-DD")
    repo.write("workflow/sop.yml", sop[:start] + sop[end:])
    repo.sign_workflow()
    repo.commit_all("calendar time")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(calendar_time)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    env = {
        **template.env,
        "COLUMNS": "200",  # one line per cell, so rows can be read back
        "LC_MESSAGES": "id_ID.UTF-8",  # the queue as the office reads it: Indonesian
    }
    return copy_repo(template, tmp_path / "repo", env)


def ago(minutes: int) -> str:
    moment = datetime.now(UTC).astimezone(WIB) - timedelta(minutes=minutes)
    return moment.replace(microsecond=0).isoformat()


def rows(output: str) -> list[list[str]]:
    """The table's rows, each cell's lines joined by a space; a section break is ['---']."""
    out: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("├"):
            out.append(["---"])
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0] or not out or out[-1] == ["---"]:
            out.append(cells)
        else:
            out[-1] = [f"{a} {b}".strip() for a, b in zip(out[-1], cells, strict=True)]
    return out


UNSIGNED = """---
id: 20261127-usulan-pasar
title: Usulan Liputan Pasar
slug: usulan-pasar
date: 2026-11-27
description: Usulan
categories: [Kecamatan Cibening]
status: usulan
signoffs: []
---

Isi.
"""


def test_status_groups_items_by_next_step_with_actor_wait_and_standard_time(site: Repo) -> None:
    site.write("content/berita/2026/usulan-pasar/index.md", UNSIGNED)
    site.new_item("Posyandu Karangsari", at=ago(3), slug="posyandu")
    written = site.new_item("Irigasi Tanjungwaru", at=ago(140), slug="irigasi")
    site.sign(written, "sri", ago(136))
    site.sign(written, "dimas", ago(120))
    done = site.approved_item("Jembatan Cibening", slug="jembatan")
    site.sign(done, "sri", "2026-11-03T10:00:00+07:00")
    result = site.cli("status")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    header = "Langkah berikut ┃ Berita ┃ Pelaksana ┃ Menunggu ┃ Mutu Baku ┃"
    assert header in " ".join(result.stdout.split())
    assert "Peliputan Pemberitaan Di Wilayah Kabupaten — antrean" in result.stdout
    assert rows(result.stdout) == [
        [
            "1. disposisi (Kabag)",
            "Usulan Liputan Pasar content/berita/2026/usulan-pasar/index.md",
            "Hendra Wijaya, S.Kom., M.T.",
            "-",
            "5 menit",
            "",
        ],
        ["---"],
        [
            "2. perintah (Kasubag)",
            "Posyandu Karangsari content/berita/2026/posyandu/index.md",
            "Sri Rahayu, S.Sos.",
            "3 menit",
            "5 menit",
            "",
        ],
        ["---"],
        [
            "4. laporan (Kasubag)",
            "Irigasi Tanjungwaru content/berita/2026/irigasi/index.md",
            "Sri Rahayu, S.Sos.",
            "2 jam",
            "5 menit",
            "TERLAMBAT",
        ],
        ["---"],
        [
            "selesai",
            "Jembatan Cibening content/berita/2026/jembatan/index.md",
            "-",
            "-",
            "-",
            "",
        ],
    ]


def test_items_waiting_at_the_same_step_share_a_group_longest_waiting_first(site: Repo) -> None:
    site.new_item("Baru Saja", at=ago(1), slug="baru")
    site.new_item("Sudah Lama", at=ago(90), slug="lama")
    table = rows(site.cli("status").stdout)
    assert [(r[0], r[1].split()[0], r[3], r[5]) for r in table] == [
        ("2. perintah (Kasubag)", "Sudah", "1 jam 30 menit", "TERLAMBAT"),
        ("2. perintah (Kasubag)", "Baru", "1 menit", ""),
    ]


def test_status_of_an_empty_newsroom(site: Repo) -> None:
    result = site.cli("status")
    assert result.returncode == 0
    assert rows(result.stdout) == []


def test_status_with_a_broken_workflow_exits_2(site: Repo) -> None:
    site.path("workflow/sop.yml").unlink()
    result = site.cli("--lang", "en", "status")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "workflow/sop.yml: error [workflow.missing] workflow file is missing: expected it here,"
        " found nothing"
    )


def test_titles_and_paths_are_shown_as_written_not_as_markup(site: Repo) -> None:
    site.new_item("Rapat [/] Desa [bold]Cibening[/bold]", at=ago(2), slug="rapat")
    site.write("content/berita/[red]rusak[/].md", "tanpa front-matter\n")
    result = site.cli("status")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)[0][1] == (
        "Rapat [/] Desa [bold]Cibening[/bold] content/berita/2026/rapat/index.md"
    )
    assert "tidak terbaca: content/berita/[red]rusak[/].md (jalankan 'warta validate')" in (
        result.stdout
    )
