"""The language of the installed ``warta``: Indonesian by default, English with ``--lang en``
or an English LANG/LC_MESSAGES/LC_ALL; rule ids and JSON keys the same in both."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import Repo, warta_exe

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def run(*args: str, cwd: Path | None = None, **locale: str) -> subprocess.CompletedProcess[str]:
    """``warta ARGS`` with only the given locale variables set."""
    env = {k: v for k, v in os.environ.items() if k not in LOCALE}
    return subprocess.run(
        [warta_exe(), *args],
        cwd=cwd,
        env={**env, **locale},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "locale", "usage"),
    [
        ((), {}, "Penggunaan:"),
        (("--lang", "en"), {}, "Usage:"),
        (("--lang", "id"), {"LANG": "en_US.UTF-8"}, "Penggunaan:"),
        ((), {"LANG": "id_ID.UTF-8"}, "Penggunaan:"),
        ((), {"LANG": "en_US.UTF-8"}, "Usage:"),
        ((), {"LANG": "C.UTF-8"}, "Penggunaan:"),
        ((), {"LANG": "id_ID.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "Usage:"),
        ((), {"LANG": "en_US.UTF-8", "LC_ALL": "id_ID.UTF-8"}, "Penggunaan:"),
    ],
)
def test_the_language_of_help(args: tuple[str, ...], locale: dict[str, str], usage: str) -> None:
    result = run(*args, "validate", "--help", **locale)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{usage} warta validate [OPTIONS] [ROOT]")


def test_help_in_indonesian_and_english() -> None:
    indonesian = run("sign", "--help").stdout
    english = run("--lang", "en", "sign", "--help").stdout
    assert "Tandatangani langkah SOP berikutnya untuk berita di PATH lalu commit." in indonesian
    assert "Kode keluar: 0 baik" in indonesian
    assert "Sign the next SOP step of the item at PATH and commit it." in english
    assert "Exit codes: 0 fine" in english


def test_lang_after_help_still_counts() -> None:
    assert run("--help", "--lang", "en").stdout.startswith("Usage: warta [OPTIONS] COMMAND")


def test_rule_ids_and_json_keys_are_english_in_both(repo: Repo) -> None:
    """The same findings in Indonesian and English: the text differs, the rule ids, levels and
    every JSON key do not."""
    repo.write("content/berita/2026/rusak/index.md", "---\ntitle: [\n---\nIsi.\n")
    texts, shapes = {}, {}
    for lang in ("id", "en"):
        text = run("--lang", lang, "validate", cwd=repo.root, **repo.env)
        data = run("--lang", lang, "validate", "--format", "json", cwd=repo.root, **repo.env)
        assert (text.returncode, data.returncode) == (1, 1), text.stderr
        texts[lang] = text.stdout
        parsed = json.loads(data.stdout)
        shapes[lang] = (
            sorted(parsed),
            sorted(parsed["summary"]),
            [(sorted(i), [(sorted(f), f["rule"], f["severity"]) for f in i["findings"]])
             for i in parsed["items"]],
        )
    assert shapes["id"] == shapes["en"]
    assert "1 item(s), 0 publishable; 1 error(s)" in texts["en"]
    assert "1 berita, 0 layak terbit; 1 galat" in texts["id"]
    rules = [line.split("[")[1].split("]")[0] for line in texts["en"].splitlines() if "[" in line]
    assert rules and all(f"[{rule}]" in texts["id"] for rule in rules)
