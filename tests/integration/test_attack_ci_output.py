"""What a pushed change controls (file and folder names, keys in a workflow file) must not act
on the CI log or the reviewer's terminal through Warta's output. Found by an independent
attack on the outputs:

- GitHub's runner reads ``##[command props]data`` anywhere in a line of a job's log, on
  standard output and standard error alike: a folder named ``x##[error file=…;line=3]…``
  put an annotation of the attacker's words on a colleague's item through ``warta summary``
  (which the GitHub job also writes to the log), and a key in ``roster.yml`` did the same
  through the refusal ``validate`` prints on standard error;
- ``warta verify`` printed its verdict line with the item's folder name as it is, escapes
  for the terminal included;
- the fix a finding suggests (``warta return PATH …``) named the path unquoted, so pasting it
  ran a ``$(…)`` in a folder's name;
- thirty junk files pushed a change to ``.gitlab-ci.yml`` into "… and 1 more file".
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_summary import APPROVED, change_branch

from helpers import Repo, SignedRepos, copy_repo

COMMAND = "##[error file=content/berita/2026/jembatan/index.md;line=3;title=x]palsu"


@pytest.fixture
def repo(signed_repo: SignedRepos, tmp_path: Path) -> Repo:
    return copy_repo(signed_repo(change_branch), tmp_path / "repo")


def _copy_item(repo: Repo, folder: str) -> str:
    """A copy of the approved item's folder under another name (its own findings: an id
    claimed twice), committed."""
    target = repo.root / "content/berita/2026" / folder
    shutil.copytree(repo.path(APPROVED).parent, target)
    repo.commit_all("salinan")
    return f"content/berita/2026/{folder}/index.md"


def test_no_name_from_the_change_forms_a_github_command_in_the_summary(repo: Repo) -> None:
    repo.write(f"x{COMMAND}/catatan.txt", "catatan\n")
    _copy_item(repo, f"y{COMMAND}")
    result = repo.cli("summary", "--base", "main", "--forge", "github")
    assert result.returncode == 0, result.stderr
    assert "x##\uff3berror file=" in result.stdout  # (shown, with a look-alike bracket)
    assert "##[" not in result.stdout + result.stderr


def test_no_key_of_a_broken_workflow_file_forms_a_github_command(repo: Repo) -> None:
    roster = repo.read("workflow/roster.yml")
    repo.write("workflow/roster.yml", roster + f'"x {COMMAND}": 1\n')
    repo.commit_all("roster")
    result = repo.cli("validate", "--format", "github", "--base", "main")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "x ##\\x5berror file=" in result.stderr  # (the refusal still names the key)
    assert "##[" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_verify_shows_a_folder_s_escapes_as_text(repo: Repo) -> None:
    path = _copy_item(repo, "zz\x1b[2K\r\x1b[32mOK\x1b]8;;https:contoh.example\x1b\\")
    result = repo.cli("verify", path)
    assert result.returncode == 1, result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    (verdict,) = [line for line in result.stdout.splitlines() if "NOT PUBLISHABLE" in line]
    assert verdict == ("NOT PUBLISHABLE content/berita/2026/zz\\x1b[2K\\x0d\\x1b[32mOK\\x1b]8;;"
                       "https:contoh.example\\x1b\\/index.md")


def test_a_suggested_fix_quotes_the_path(repo: Repo, tmp_path: Path) -> None:
    folder = "x$(touch PWNED)"
    path = _copy_item(repo, folder)
    repo.write(path, repo.read(path).replace("Isi berita", "Isi berita diubah"))
    repo.commit_all("ubah")
    result = repo.cli("validate")
    assert result.returncode == 1
    (line,) = [row for row in result.stdout.splitlines()
               if row.startswith(path) and "[content.changed-after-approval]" in row]
    suggested = re.search(r"\(warta return (.*) --to ", line)
    assert suggested is not None, line
    assert suggested.group(1) == f"'{path}'"


def test_files_that_govern_the_news_are_listed_before_any_other(repo: Repo) -> None:
    for number in range(35):
        repo.write(f".aa-{number:02}.txt", "x\n")
    repo.write(".gitlab-ci.yml", "pages:\n  script: [echo]\n")
    repo.commit_all("sampah")
    text = repo.cli("--lang", "id", "summary", "--base", "main").stdout
    listed = [line for line in text.splitlines() if line.startswith("- `")]
    assert listed[0] == "- `.gitlab-ci.yml` (ditambahkan)"
    assert "- … dan 6 berkas lain" in text.splitlines()


def test_a_claimed_status_forms_no_github_command_in_the_summary(repo: Repo) -> None:
    """The status an item claims was put in the summary's code span without the guard the
    other names get: ``##[notice]Disetujui Kabag`` became an annotation of the job's log
    (found by an independent attack)."""
    path = _copy_item(repo, "stat")
    text = repo.read(path)
    status = re.search(r"^status: .*$", text, re.MULTILINE)
    assert status is not None
    repo.write(path, text.replace(status.group(), 'status: "##[notice]Disetujui Kabag"', 1))
    repo.commit_all("status")
    result = repo.cli("summary", "--base", "main", "--forge", "github")
    assert result.returncode == 0, result.stderr
    assert "##\uff3bnotice]Disetujui Kabag" in result.stdout
    assert "##[" not in result.stdout + result.stderr


def test_github_annotations_show_a_folder_s_escapes_as_text(repo: Repo) -> None:
    """``validate --format github`` wrote a folder's name as it is: a clipboard write (OSC
    52), a window title, a disguised link and a right-to-left override reached the job's log
    and the terminal of whoever reads it (found by an independent attack)."""
    folder = "zz\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]8;;https:contoh.example\x1b\\jembatan\u202e"
    _copy_item(repo, folder)
    result = repo.cli("validate", "--format", "github")
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if "zz" in line]
    assert annotations
    for line in annotations:
        assert "zz\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]8;;" in line
        assert "\\u202e" in line
    assert "\x1b" not in result.stdout + result.stderr
    assert "\u202e" not in result.stdout + result.stderr


@pytest.mark.parametrize("hidden", ["\u200b", "\u2060", "\ufeff", "\u00ad", "\U000e0041"])
def test_an_invisible_character_in_a_folder_s_name_is_shown(repo: Repo, hidden: str) -> None:
    """A copy at ``jembatan<zero width space>`` printed exactly as the approved item's path,
    so findings about the copy read as findings about it (found by an independent attack)."""
    path = _copy_item(repo, f"jembatan{hidden}")
    code = ord(hidden)
    shown = f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}" if code > 0xFF else (
        f"\\x{code:02x}")
    for args in (("validate",), ("verify", path), ("status",)):
        result = repo.cli(*args)
        out = result.stdout + result.stderr
        assert hidden not in out, args
        assert f"jembatan{shown}" in out, (args, out)


#: Every character the GitHub runner trims before it looks for ``::`` at a line's start
#: (.NET's ``TrimStart``: Unicode white space).
WHITE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@pytest.mark.parametrize("folder", [
    "::group::✓ Semua berita lulus pemeriksaan",
    "\u3000::error title=warta::Semua pemeriksaan lulus",
    "\u00a0::stop-commands::tanda",
])
def test_no_line_of_text_output_starts_a_github_command(repo: Repo, folder: str) -> None:
    """Found by an independent attack on the outputs: each line of ``validate``'s text
    starts with a finding's path, and a folder named ``::group::…`` (or with a Unicode space
    before it, which the runner trims) holding a ``.gitattributes`` made a line the runner
    reads as a workflow command, in an office's own job that prints the text format."""
    repo.write(f"{folder}/.gitattributes", "* text=auto\n")
    repo.commit_all("folder")
    for args in (("validate", "--strict", "--base", "main"), ("status",), ("verify",)):
        result = repo.cli(*args)
        assert "Traceback" not in result.stderr
        lines = re.split(r"\r\n|\r|\n", result.stdout + result.stderr)
        assert not [line for line in lines if line.lstrip(WHITE).startswith("::")], args
        if args[0] == "validate":
            assert result.returncode == 1
            assert any(line.lstrip(WHITE).startswith("\\x3a:") for line in lines), lines
