"""Progress of the long commands, through the installed ``warta``: on a terminal (a
pseudo-terminal from :mod:`pty` as standard error) a bar shows each phase, in Indonesian by
default and in English with ``--lang en``; through pipes, in CI, with ``--quiet`` or a format
for programs nothing of it shows and the output is what it always was, byte for byte; and
standard output never carries any of it."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import Repo, make_repo, warta_exe
from warta import bulk
from warta.repository import open_repository

LOCALE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: What a bar leaves on a terminal: its labels, its line, and the cursor hidden meanwhile.
BAR = "━"
HIDE_CURSOR = "\x1b[?25l"
INDONESIAN = (
    "membaca berkas",
    "menilai berkas",
    "membaca halaman",
    "membangun halaman",
    "memeriksa keluaran",
)
ENGLISH = (
    "reading files",
    "judging files",
    "reading pages",
    "building pages",
    "checking the output",
)
VALIDATED = "2 item(s), 1 publishable; 0 error(s), 0 warning(s), 0 notice(s)\n"
DRAFT = "content/berita/2026/durian/index.md"
TIMING = re.compile(r"Documentation built in [0-9.]+ seconds")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("progress") / "repo", keys)
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    # not approved yet: the build audits its output for it
    repo.new_item("Festival Durian", at="2026-11-03T08:00:00+07:00", slug="durian")
    return repo


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    #: what reached the terminal (standard error), with the terminal's CRLF as LF
    terminal: str


def environment(repo: Repo, extra: dict[str, str]) -> dict[str, str]:
    """The session's environment and the repository's, without a locale variable, ``CI`` or
    a colour setting, for a terminal 120 columns wide; then ``extra``."""
    unset = (*LOCALE, "CI", "NO_COLOR", "FORCE_COLOR")
    kept = {k: v for k, v in {**os.environ, **repo.env}.items() if k not in unset}
    return {**kept, "TERM": "xterm-256color", "COLUMNS": "120", **extra}


def on_terminal(repo: Repo, *args: str, **env: str) -> Run:
    """``warta ARGS`` with standard error on a pseudo-terminal and standard output piped, no
    locale variable and no ``CI`` (unless given in ``env``)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [warta_exe(), *args],
        cwd=repo.root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=environment(repo, env),
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal has closed it
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        stdout, _ = process.communicate(timeout=300)
    finally:
        reader.join(timeout=60)
        os.close(master)
    terminal = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return Run(process.returncode, stdout.decode("utf-8"), terminal)


def through_pipes(repo: Repo, *args: str, **env: str) -> Run:
    """``warta ARGS`` with both outputs piped, in the same environment as :func:`on_terminal`."""
    done = subprocess.run(
        [warta_exe(), *args],
        cwd=repo.root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=environment(repo, env),
    )
    return Run(done.returncode, done.stdout, done.stderr)


def no_bar(text: str) -> bool:
    return not any(mark in text for mark in (BAR, HIDE_CURSOR, *INDONESIAN, *ENGLISH))


# ---- without a terminal: as it always was ------------------------------------------------


def test_validate_through_pipes_prints_exactly_what_it_did(newsroom: Repo) -> None:
    for _ in range(2):  # judged, then known to the verdict cache
        result = newsroom.cli("validate")
        assert (result.returncode, result.stdout, result.stderr) == (0, VALIDATED, "")
    result = newsroom.cli("validate", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    items = json.loads(result.stdout)["items"]
    assert [i["path"] for i in items] == [
        "content/berita/2026/durian/index.md",
        "content/berita/2026/jembatan/index.md",
    ]


def test_build_through_pipes_logs_exactly_what_it_did(newsroom: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = newsroom.cli("build", "-d", str(out))
    assert (result.returncode, result.stdout) == (0, f"built {out}\n")
    assert TIMING.sub("Documentation built in T seconds", result.stderr).splitlines() == [
        "INFO    -  Option search.lang 'id' is not supported, falling back to 'en'",
        f"INFO    -  warta: not published: {DRAFT}: status 'ditugaskan', not approved yet",
        "INFO    -  Cleaning site directory",
        f"INFO    -  Building documentation to directory: {out}",
        "INFO    -  warta: 1 item published; 1 file in berita/ left out",
        "INFO    -  Documentation built in T seconds",
    ]


# ---- on a terminal --------------------------------------------------------------------------


def test_validate_shows_progress_in_indonesian_and_leaves_standard_output_alone(
    newsroom: Repo,
) -> None:
    shown = on_terminal(newsroom, "validate")
    piped = through_pipes(newsroom, "validate")
    assert (
        (shown.code, shown.stdout)
        == (piped.code, piped.stdout)
        == (0, "2 berita, 1 layak terbit; 0 galat, 0 peringatan, 0 pemberitahuan\n")
    )
    assert piped.terminal == ""
    assert "menilai berkas" in shown.terminal and "2/2" in shown.terminal
    assert BAR in shown.terminal and HIDE_CURSOR in shown.terminal
    assert shown.terminal.endswith("\x1b[2K")  # transient: the bar's line is erased
    assert "judging files" not in shown.terminal


def test_validate_shows_progress_in_english_with_lang_en(newsroom: Repo) -> None:
    shown = on_terminal(newsroom, "--lang", "en", "validate")
    assert (shown.code, shown.stdout) == (0, VALIDATED)
    assert "reading files" in shown.terminal and "judging files" in shown.terminal
    assert "menilai berkas" not in shown.terminal


def test_build_shows_each_phase(newsroom: Repo, tmp_path: Path) -> None:
    indonesian = on_terminal(newsroom, "build", "-d", str(tmp_path / "id"))
    english = on_terminal(newsroom, "--lang", "en", "build", "-d", str(tmp_path / "en"))
    assert (indonesian.code, indonesian.stdout) == (0, f"selesai dibangun: {tmp_path / 'id'}\n")
    assert (english.code, english.stdout) == (0, f"built {tmp_path / 'en'}\n")
    for run, labels in ((indonesian, INDONESIAN), (english, ENGLISH)):
        places = [run.terminal.find(label) for label in labels]
        assert -1 not in places and places == sorted(places), run.terminal
    # what MkDocs logs meanwhile still reaches the terminal, on lines of its own
    assert "\nINFO    -  warta: 1 item published; 1 file in berita/ left out\n" in (
        english.terminal
    )


def test_preview_shows_progress_while_it_builds(newsroom: Repo, tmp_path: Path) -> None:
    out = tmp_path / "draf"
    shown = on_terminal(newsroom, "--lang", "en", "preview", "--build-only", str(out))
    assert (shown.code, shown.stdout) == (0, f"preview built in {out} (not for publication)\n")
    assert "judging files" in shown.terminal and "building pages" in shown.terminal


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("validate",), {"CI": "true"}),
        (("validate", "--quiet"), {}),
        (("validate", "-q"), {}),
        (("validate", "--format", "json"), {}),
        (("validate", "--format", "github"), {}),
        (("validate", "--format", "codequality"), {}),
    ],
    ids=["ci", "quiet", "q", "json", "github", "codequality"],
)
def test_no_progress_in_ci_when_quiet_or_for_programs(
    newsroom: Repo, args: tuple[str, ...], env: dict[str, str]
) -> None:
    shown = on_terminal(newsroom, "--lang", "en", *args, **env)
    piped = through_pipes(newsroom, "--lang", "en", *args, **env)
    assert shown == piped
    assert shown.terminal == "" and shown.code == 0


def test_no_progress_when_building_in_ci(newsroom: Repo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shown = on_terminal(newsroom, "--lang", "en", "build", "-d", str(out), CI="true")
    piped = through_pipes(newsroom, "--lang", "en", "build", "-d", str(out), CI="true")
    assert (shown.code, shown.stdout) == (piped.code, piped.stdout) == (0, f"built {out}\n")
    assert no_bar(shown.terminal)
    assert TIMING.sub("T", shown.terminal) == TIMING.sub("T", piped.terminal)


def test_no_colour_under_no_color(newsroom: Repo) -> None:
    coloured = on_terminal(newsroom, "--lang", "en", "validate")
    plain = on_terminal(newsroom, "--lang", "en", "validate", NO_COLOR="1")
    colour = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7])(?:;[0-9;]*)?m")
    assert colour.search(coloured.terminal)
    assert "judging files" in plain.terminal and BAR in plain.terminal
    assert not colour.search(plain.terminal)


# ---- the core counts every file, whoever judges it -------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.phases: list[tuple[int | None, str]] = []
        self.steps: dict[str, int] = {}

    def start(self, total: int | None, label: str) -> None:
        self.phases.append((total, label))
        self.steps[label] = 0

    def advance(self, steps: int = 1) -> None:
        self.steps[self.phases[-1][1]] += steps

    def done(self) -> None:
        pass


def test_every_item_counts_once_judged_cached_or_by_workers(
    newsroom: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(newsroom.root, root, symlinks=True)
    for index in range(7):  # unsigned: judged all the same, with their findings
        folder = root / "content" / "berita" / "2026" / f"b{index}"
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(f"---\nid: b{index}\n---\nIsi.\n", encoding="utf-8")
    pin = newsroom.env["WARTA_TRUST_ROOT"]
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "CHUNK", 1)
    monkeypatch.setattr(bulk, "AHEAD", 1)  # reading waits for the workers: counted there
    for jobs, cache in ((2, False), (1, True), (1, True)):  # workers, here, the cache
        fake = Recorder()
        repo = open_repository(root, pin=pin, jobs=jobs, cache=cache, progress=fake)
        assert len(repo.report.verdicts) == 9
        assert fake.phases == [(None, "reading files"), (9, "judging files")]
        assert fake.steps == {"reading files": 0, "judging files": 9}, (jobs, cache)
