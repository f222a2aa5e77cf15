"""The office's everyday output in both languages: ``warta status``, ``log``, ``roster show``,
``build`` (the MkDocs plugin's log, also under plain ``mkdocs build``) and refusals print in
Indonesian by default and in English with ``--lang en``; paths, rule ids and commands stay
the same in both."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Repo, warta_exe

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
UNREADABLE = "content/berita/2026/rusak/index.md"


def run(
    repo: Repo, *args: str, command: tuple[str, ...] | None = None, **locale: str
) -> subprocess.CompletedProcess[str]:
    """``warta ARGS`` (or ``command``) in ``repo`` with only the given locale variables set."""
    env = {k: v for k, v in {**os.environ, **repo.env}.items() if k not in LOCALE}
    return subprocess.run(
        [*(command or (warta_exe(),)), *args],
        cwd=repo.root,
        env={**env, "COLUMNS": "200", **locale},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def office(repo: Repo) -> Repo:
    """The test repository under its pin, with one approved item and one unreadable file."""
    repo.env["WARTA_TRUST_ROOT"] = repo.pin
    repo.approved_item("Jembatan Cibening", slug="jembatan")
    repo.write(UNREADABLE, b"\xff\xfe\x00 bukan teks")
    return repo


def test_status_in_indonesian_by_default_and_in_english(office: Repo) -> None:
    indonesian = run(office, "status")
    english = run(office, "--lang", "en", "status")
    assert (indonesian.returncode, english.returncode) == (0, 0), indonesian.stderr
    assert "Peliputan Pemberitaan Di Wilayah Kabupaten — antrean" in indonesian.stdout
    assert "Langkah berikut" in indonesian.stdout and "Pelaksana" in indonesian.stdout
    assert f"tidak terbaca: {UNREADABLE} (jalankan 'warta validate')" in indonesian.stdout
    assert "Peliputan Pemberitaan Di Wilayah Kabupaten — queue" in english.stdout
    assert "Next step" in english.stdout and "Who acts" in english.stdout
    assert f"unreadable: {UNREADABLE} (run 'warta validate')" in english.stdout


def test_log_in_indonesian_by_default_and_in_english(office: Repo) -> None:
    rel = "content/berita/2026/jembatan/index.md"
    indonesian = run(office, "log", rel)
    english = run(office, "log", rel, LANG="en_US.UTF-8")
    assert (indonesian.returncode, english.returncode) == (0, 0), indonesian.stderr
    assert "status: disetujui; dapat dipublikasikan" in indonesian.stdout
    assert "Tanda tangan" in indonesian.stdout and "Senin, 2 November 2026 08.00 WIB" in (
        indonesian.stdout
    )
    assert "Teks terakhir diubah pada langkah 1. disposisi oleh Hendra Wijaya" in " ".join(
        indonesian.stdout.split()
    )
    assert "status: disetujui; publishable" in english.stdout
    assert "Signature" in english.stdout and "Monday, 2 November 2026 08:00 WIB" in english.stdout
    assert "The text was last changed at step 1. disposisi by Hendra Wijaya" in " ".join(
        english.stdout.split()
    )


def test_roster_show_in_indonesian_by_default_and_in_english(office: Repo) -> None:
    indonesian = run(office, "roster", "show").stdout
    english = run(office, "--lang", "en", "roster", "show").stdout
    assert "workflow/roster.yml: ditandatangani administrator (sha256:" in indonesian
    assert "  peran: kasubag (Kepala Sub Bagian Humas)" in indonesian
    assert "  kunci: SHA256:" in indonesian and "  pendidikan: S1 Sosiologi" in indonesian
    assert "workflow/roster.yml: signed by an administrator (sha256:" in english
    assert "  role: kasubag (Kepala Sub Bagian Humas)" in english
    assert "  key: SHA256:" in english and "  education: S1 Sosiologi" in english


def test_build_logs_in_indonesian_by_default_and_in_english(
    office: Repo, tmp_path: Path
) -> None:
    indonesian = run(office, "build", "-d", str(tmp_path / "id"))
    english = run(office, "--lang", "en", "build", "-d", str(tmp_path / "en"))
    assert (indonesian.returncode, english.returncode) == (0, 0), indonesian.stderr
    assert "warta: 1 berita diterbitkan; 1 berkas di berita/ tidak ikut" in indonesian.stderr
    assert f"warta: tidak dipublikasikan: {UNREADABLE} (1 kesalahan)" in indonesian.stderr
    assert "warta: 1 item published; 1 file in berita/ left out" in english.stderr
    assert f"warta: not published: {UNREADABLE} (1 error)" in english.stderr


@pytest.mark.parametrize(
    ("locale", "published"),
    [
        ({}, "warta: 1 berita diterbitkan"),
        ({"LANG": "id_ID.UTF-8"}, "warta: 1 berita diterbitkan"),
        ({"LANG": "en_US.UTF-8"}, "warta: 1 item published"),
        ({"LANG": "id_ID.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "warta: 1 item published"),
    ],
)
def test_plain_mkdocs_build_speaks_the_language_of_the_environment(
    office: Repo, tmp_path: Path, locale: dict[str, str], published: str
) -> None:
    result = run(
        office, "build", "-d", str(tmp_path / "site"), "-f", str(office.root / "mkdocs.yml"),
        command=(sys.executable, "-m", "mkdocs"), NO_MKDOCS_2_WARNING="1", **locale,
    )
    assert result.returncode == 0, result.stderr
    assert published in result.stderr


def test_a_refused_build_in_indonesian_by_default_and_in_english(office: Repo) -> None:
    indonesian = run(office, "build", "-f", "lain.yml")
    english = run(office, "--lang", "en", "build", "-f", "lain.yml")
    assert (indonesian.returncode, english.returncode) == (2, 2)
    assert indonesian.stderr == (
        "warta: lain.yml: berkas tidak ada (diharapkan mkdocs.yml situs)\n"
    )
    assert english.stderr == "warta: lain.yml: no such file (expected the site's mkdocs.yml)\n"


def test_a_stale_codeowners_in_indonesian_by_default_and_in_english(office: Repo) -> None:
    office.write("CODEOWNERS", "# not Warta's\n")
    indonesian = run(office, "codeowners", "--forge", "github", "--check")
    english = run(office, "--lang", "en", "codeowners", "--forge", "github", "--check")
    assert (indonesian.returncode, english.returncode) == (1, 1)
    assert indonesian.stderr.splitlines()[-1] == (
        "warta: CODEOWNERS sudah usang; buat ulang dengan 'warta codeowners'"
    )
    assert english.stderr.splitlines()[-1] == (
        "warta: CODEOWNERS is stale; regenerate it with 'warta codeowners'"
    )
