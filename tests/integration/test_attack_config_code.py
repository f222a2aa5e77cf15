"""A change's ``mkdocs.yml`` never runs code in the gate, the build or any command.

Found by an independent attack on the CI gate: Warta refused a ``!!python/name:`` outside
its safe set (``site.python-name``) but built the Markdown renderer from the change's
unsigned configuration all the same, and importing the name handed the function to the
extension. ``pymdownx.emoji`` calls its ``emoji_index`` as Markdown starts, so
``emoji_index: !!python/name:cProfile.run`` with Python in ``options`` ran that Python in
``warta validate`` (of every forge's CI job: the code ended the process with exit 0, and the
required check went green), in the pre-receive hook, and in the build. An allow list in an
unsigned site manifest made such a name pass too.

Now a name is imported only if it is in Warta's safe set or in the ``allow`` of workflow
files that verify under the trust root in force; an extension given any other is left out
of the renderer, and the configuration MkDocs gets holds the other name's text only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo

ITEM = "content/berita/2026/jembatan/index.md"
PAYLOAD = (
    "  - pymdownx.emoji:\n"
    "      emoji_index: !!python/name:cProfile.run\n"
    "      options: \"import pathlib; pathlib.Path({marker!r}).write_text('ran')\"\n"
)


def approved(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")


@pytest.fixture
def repo(signed_repo: SignedRepos, tmp_path: Path) -> Repo:
    return copy_repo(signed_repo(approved), tmp_path / "repo")


def _plant(repo: Repo, marker: Path, *, allow: bool) -> None:
    config = repo.read("mkdocs.yml")
    assert "markdown_extensions:\n" in config
    repo.write("mkdocs.yml", config.replace(
        "markdown_extensions:\n", "markdown_extensions:\n" + PAYLOAD.format(marker=str(marker)),
        1))
    if allow:
        manifest = repo.read("workflow/site-manifest.yml")
        assert "  python_names: []\n" in manifest
        repo.write("workflow/site-manifest.yml",
                   manifest.replace("  python_names: []\n", "  python_names: [cProfile.run]\n"))
    repo.git("checkout", "-q", "-b", "serang")
    repo.commit_all("emoji")


@pytest.mark.parametrize("allow", [False, True], ids=["config", "config-and-allow"])
def test_no_command_runs_a_python_name_of_the_change(repo: Repo, tmp_path: Path,
                                                     allow: bool) -> None:
    marker = tmp_path / "ran"
    _plant(repo, marker, allow=allow)
    commands = {
        "validate": ("validate", "--no-cache"),
        "gate": ("validate", "--strict", "--no-cache", "--base", "main"),
        "github": ("validate", "--strict", "--no-cache", "--base", "main", "--format", "github"),
        "summary": ("summary", "--strict", "--no-cache", "--base", "main"),
        "build": ("build", "--no-cache", "-d", str(tmp_path / "site")),
        "strict": ("build", "--strict", "-d", str(tmp_path / "strict")),
        "preview": ("preview", "--build-only", str(tmp_path / "preview")),
        "verify": ("verify", ITEM),
        "log": ("log", ITEM),
        "status": ("status",),
    }
    for name, args in commands.items():
        result = repo.cli(*args)
        assert not marker.exists(), name
        assert "Traceback" not in result.stderr, (name, result.stderr)
        if name in ("validate", "gate", "build", "strict"):
            assert result.returncode == 1, (name, result.stdout + result.stderr)
    gate = repo.cli("validate", "--strict", "--no-cache", "--base", "main").stdout
    assert "mkdocs.yml:67: error [site.python-name] !!python/name:cProfile.run" in gate, gate
    # (the unsigned allow list is the manifest's own error, and allows nothing)
    assert ("workflow/site-manifest.yml: error [workflow.signature]" in gate) == allow, gate


def test_an_administrator_s_allow_still_counts(repo: Repo, tmp_path: Path) -> None:
    """The same name allowed in a site manifest an administrator signed is imported: the
    allow list counts once its workflow verifies (here it runs, as allowed)."""
    marker = tmp_path / "ran"
    _plant(repo, marker, allow=True)
    repo.sign_workflow()
    repo.commit_all("ditandatangani administrator")
    result = repo.cli("validate", "--no-cache")
    assert "[site.python-name]" not in result.stdout + result.stderr, result.stdout
    assert marker.exists()


CODE_BODY = "SUKAMAJU – Jadwal:\n\n    08.00 apel pagi\n    09.00 rapat\n"


def test_a_safe_extension_s_options_read_nothing_outside(repo: Repo, tmp_path: Path) -> None:
    """Found by the attack on the fix above: ``codehilite`` hands any option it does not
    know to Pygments, and ``pygments_formatter: png`` with ``font_name: PATH`` made the gate
    open PATH as a font, or run ``fc-list`` for a name that is no file (a file-existence
    oracle on the CI runner and the git server, printed in the log), when it rendered any
    approved body with a code block. An unsigned configuration now chooses nothing of the
    renderer, and ``codehilite`` takes only its own options, with the HTML formatter."""
    item = repo.approved_item("Jadwal Kunjungan Bupati", day="2026-11-03", slug="jadwal",
                              body=CODE_BODY)
    repo.commit_all("jadwal")
    marker = tmp_path / "fc-list-ran"
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "fc-list").write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    (tools / "fc-list").chmod(0o755)
    config = repo.read("mkdocs.yml")
    repo.write("mkdocs.yml", config.replace("markdown_extensions:\n", (
        "markdown_extensions:\n  - codehilite:\n      pygments_formatter: png\n"
        f"      font_name: {tmp_path / 'tidak-ada' / 'rahasia'}\n"), 1))
    repo.git("checkout", "-q", "-b", "serang")
    repo.commit_all("codehilite")
    env = {**repo.env, "PATH": f"{tools}:{os.environ['PATH']}"}
    attacker = Repo(repo.root, repo.keys, env)
    for args in (("validate", "--strict", "--no-cache", "--base", "main"),
                 ("summary", "--strict", "--no-cache", "--base", "main"),
                 ("status",), ("verify", str(item)),
                 ("build", "--no-cache", "-d", str(tmp_path / "site"))):
        result = attacker.cli(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert not marker.exists(), args
    gate = attacker.cli("validate", "--no-cache").stdout
    assert ("mkdocs.yml:66: error [site.extension] Markdown extension 'codehilite': unknown"
            " option 'font_name'") in gate, gate


def test_trust_sign_imports_nothing_a_branch_names(repo: Repo, tmp_path: Path) -> None:
    """Found by the same attack: ``warta trust sign``, run by an administrator on a branch,
    took the branch's unsigned allow list and checked the configuration by importing every
    name it allowed, even one under ``extra:`` that nothing calls, before deciding to sign:
    ``antigravity.webbrowser`` started the administrator's browser. Checking the
    configuration imports nothing."""
    marker = tmp_path / "browser-ran"
    browser = tmp_path / "browser.sh"
    browser.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    browser.chmod(0o755)
    manifest = repo.read("workflow/site-manifest.yml")
    repo.write("workflow/site-manifest.yml", manifest.replace(
        "  python_names: []\n", "  python_names: [antigravity.webbrowser]\n"))
    config = repo.read("mkdocs.yml")
    assert "\nextra:\n" in config
    repo.write("mkdocs.yml", config.replace(
        "\nextra:\n", "\nextra:\n  tema: !!python/name:antigravity.webbrowser\n", 1)
        + "INHERIT: dasar.yml\n")
    admin = Repo(repo.root, repo.keys, {**repo.env, "BROWSER": str(browser)})
    signed = admin.cli("trust", "sign", "--key", str(repo.keys["admin"]), "--no-commit")
    assert signed.returncode == 1, signed.stdout + signed.stderr
    assert "[site.config-key]" in signed.stderr and "Traceback" not in signed.stderr
    assert not marker.exists()
