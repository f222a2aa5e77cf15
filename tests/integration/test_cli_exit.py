"""How ``warta`` ends: with the command's exit code, both streams whole, and every function
registered to run at exit run (the process leaves without freeing its objects one by one:
cli.run, the console script)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, warta_exe

#: warta's main, in a process that first registers a function to run at exit (as the page
#: helpers' pool, temporary folders and logging do)
PROGRAM = """
import atexit, sys
from pathlib import Path
marker = Path(sys.argv[1])
atexit.register(lambda: marker.write_text("ran at exit", encoding="utf-8"))
sys.argv = ["warta", *sys.argv[2:]]
from warta.cli import run
run()
"""


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(lambda repo: repo.approved_item("Bupati Resmikan Jembatan",
                                                       slug="jembatan"))


def _run(site: Repo, marker: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **site.env}
    return subprocess.run([sys.executable, "-c", PROGRAM, str(marker), *args], cwd=site.root,
                          capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("validate",), 0),
        (("validate", "--no-such-option"), 2),
        (("validate", "--format", "json"), 0),
    ],
)
def test_exit_functions_run_and_the_code_is_kept(
    site: Repo, tmp_path: Path, args: tuple[str, ...], code: int
) -> None:
    marker = tmp_path / "marker"
    result = _run(site, marker, *args)
    assert result.returncode == code, result.stderr
    assert marker.read_text(encoding="utf-8") == "ran at exit"
    assert (result.stdout, result.stderr) == (
        (cli := site.cli(*args)).stdout, cli.stderr)


def test_findings_exit_1_with_the_whole_report(site: Repo, tmp_path: Path) -> None:
    """Exit 1, and the report (more than a pipe's buffer) arrives whole through a pipe."""
    text = site.read("content/berita/2026/jembatan/index.md")
    site.write("content/berita/2026/jembatan/index.md", text + "\nDiubah.\n" * 3000)
    for n in range(60):
        site.write(f"content/berita/2026/draf-{n}/index.md", "---\ntitle: x\n---\n")
    marker = tmp_path / "marker"
    result = _run(site, marker, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert marker.exists()
    assert len(result.stdout) > 65536
    assert result.stdout == site.cli("validate", "--format", "json").stdout


@pytest.mark.parametrize(("args", "code"), [(("validate",), 0), (("validate", "--nope"), 2)])
def test_a_closed_standard_output_keeps_the_code(
    site: Repo, args: tuple[str, ...], code: int
) -> None:
    """Started with its standard output closed (``warta build >&-``, some schedulers), the
    command ends with its own code, no traceback (found by an independent attack: 1)."""
    env = {**os.environ, **site.env}
    result = subprocess.run(
        [warta_exe(), *args], cwd=site.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=env, timeout=300, check=False, pass_fds=(), preexec_fn=_close_stdout,
    )
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def _close_stdout() -> None:
    os.close(1)


def _close_stderr() -> None:
    os.close(2)


def test_a_closed_standard_error_keeps_the_code_and_the_build(site: Repo, tmp_path: Path) -> None:
    """Started without a standard error (``2>&-``), ``validate`` still exits 0 with its
    report and ``build`` still builds (both ended with exit 1 and nothing said: found by an
    independent attack)."""
    env = {**os.environ, **site.env}

    def closed(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [warta_exe(), *args], cwd=site.root, stdout=subprocess.PIPE, text=True, env=env,
            timeout=300, check=False, preexec_fn=_close_stderr,
        )

    result = closed("validate")
    assert (result.returncode, result.stdout) == (0, site.cli("validate").stdout)
    out = tmp_path / "situs"
    assert closed("build", "-d", str(out)).returncode == 0
    assert (out / "index.html").is_file()
    assert closed("validate", "--nope").returncode == 2
