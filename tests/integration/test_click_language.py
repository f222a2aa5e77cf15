"""click's own messages (a command called wrongly) are in the office's language too: they
were English whatever the language, around an Indonesian "Penggunaan:" (found by an
independent attack)."""

from __future__ import annotations

import os
import subprocess

import pytest

from helpers import MAIN, warta_exe


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([warta_exe(), *args], cwd=MAIN, capture_output=True, text=True,
                          timeout=120, check=False, env=env)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("sgn",), ["Coba 'warta --help' untuk bantuan.",
                    "Galat: Tidak ada perintah 'sgn'. Maksud Anda 'sign'?"]),
        (("sign",), ["Coba 'warta sign --help' untuk bantuan.",
                     "Galat: Argumen tidak diberikan 'PATH'."]),
        (("validate", "--format", "xml"), [
            "Galat: Nilai tidak sah untuk '--format': 'xml' bukan salah satu dari 'text',"
            " 'json', 'github', 'codequality'."]),
        (("--lang", "en", "sgn"), ["Try 'warta --help' for help.",
                                   "Error: No such command 'sgn'. Did you mean 'sign'?"]),
    ],
)
def test_a_command_called_wrongly_is_told_so_in_the_office_s_language(
    args: tuple[str, ...], said: list[str]
) -> None:
    result = _run(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert all(line in lines for line in said), result.stderr
