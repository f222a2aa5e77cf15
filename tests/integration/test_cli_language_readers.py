"""Messages of the readers and refusals (YAML, front-matter fields, the clock, git, keys, the
trust record) through the installed ``warta``: in Indonesian by default, in English with
``--lang en``; rule ids the same in both."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import Repo, warta_exe

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
ITEM = "content/berita/2026/rusak/index.md"


def run(repo: Repo, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``warta ARGS`` in ``repo`` with no locale variable set (the default language), plus
    ``extra`` variables."""
    env = {k: v for k, v in os.environ.items() if k not in LOCALE}
    return subprocess.run(
        [warta_exe(), *args],
        cwd=repo.root,
        env={**env, **repo.env, **extra},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def both(repo: Repo, *args: str, **extra: str) -> tuple[str, str]:
    """The output (stdout and stderr) of ``warta ARGS`` by default and with ``--lang en``."""
    default = run(repo, *args, **extra)
    english = run(repo, "--lang", "en", *args, **extra)
    assert default.returncode == english.returncode != 0, (default.stderr, english.stderr)
    return default.stdout + default.stderr, english.stdout + english.stderr


def by_environment(repo: Repo, *args: str) -> tuple[str, str]:
    """The output of ``warta ARGS`` by default and with an English LC_MESSAGES."""
    default = run(repo, *args)
    english = run(repo, *args, LC_MESSAGES="en_US.UTF-8")
    assert default.returncode == english.returncode != 0, (default.stderr, english.stderr)
    return default.stdout + default.stderr, english.stdout + english.stderr


def test_a_yaml_error_in_an_item(repo: Repo) -> None:
    repo.write(ITEM, "---\ntitle: Satu\ntitle: Dua\n---\nIsi.\n")
    indonesian, english = both(repo, "validate")
    assert (
        "[yaml.duplicate-key] key 'title' ganda: diharapkan setiap key satu kali, ditemukan"
        " lagi (pertama kali pada baris 2)"
    ) in indonesian
    assert (
        "[yaml.duplicate-key] duplicate key 'title': expected each key once, found it again"
        " (first at line 2)"
    ) in english


def test_fields_of_an_item_that_are_missing_or_wrong(repo: Repo) -> None:
    repo.write(
        ITEM,
        "---\nid: 20261102-rusak\ndate: 2026-11-02\ndescription: x\ncategories: [a]\n"
        "slug: rusak\nrevision: nol\n---\nIsi.\n",
    )
    indonesian, english = both(repo, "validate")
    assert "'title' wajib diisi; diharapkan teks, tidak ditemukan apa pun" in indonesian
    assert "'revision' harus berupa bilangan bulat; ditemukan teks 'nol'" in indonesian
    assert "'title' is required; expected text, found nothing" in english
    assert "'revision' must be a whole number; found text 'nol'" in english


def test_front_matter_that_does_not_open(repo: Repo) -> None:
    repo.write(ITEM, "title: tanpa pembuka\n")
    indonesian, english = both(repo, "validate")
    assert "diharapkan baris pertama berupa '---' yang membuka front-matter" in indonesian
    assert "expected the first line to be '---' opening the front-matter" in english


def test_a_wrong_clock(repo: Repo) -> None:
    indonesian, english = both(repo, "validate", WARTA_NOW="besok")
    assert indonesian.startswith(
        "warta: WARTA_NOW='besok': diharapkan tanggal-waktu ISO 8601 dengan offset"
    )
    assert english.startswith("warta: WARTA_NOW='besok': expected an ISO 8601 date-time")


def test_a_base_that_names_no_commit(repo: Repo) -> None:
    indonesian, english = both(repo, "validate", "--base", "tidak-ada")
    assert "--base 'tidak-ada' tidak menyebut commit mana pun di repositori ini" in indonesian
    assert "--base 'tidak-ada' names no commit in this repository" in english


def test_a_key_file_that_is_not_there(repo: Repo) -> None:
    repo.write(ITEM, "---\ntitle: x\n---\nIsi.\n")
    missing = str(Path(repo.root, "tidak-ada_ed25519"))
    indonesian, english = both(repo, "sign", ITEM, "--key", missing)
    assert f"{missing}: berkas kunci tidak ditemukan" in indonesian
    assert f"{missing}: key file not found" in english


def test_accepting_a_trust_root_that_is_not_the_one_given(repo: Repo) -> None:
    wrong = "sha256:" + "0" * 64
    indonesian, english = both(repo, "trust", "accept", wrong)  # --lang en before the subgroup
    assert f"harus sama dengan sidik jari yang diberikan, {wrong}" in indonesian
    assert "Tidak ada yang dicatat: periksa sidik jari itu dengan administrator kantor" in (
        indonesian
    )
    assert f"must be the fingerprint given, {wrong}" in english
    assert "Nothing was recorded" in english
    _, by_variable = by_environment(repo, "trust", "accept", wrong)
    assert f"must be the fingerprint given, {wrong}" in by_variable
