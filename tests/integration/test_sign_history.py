"""Signatures live in the files, not in git history: a shallow clone and a squash-merged
branch still validate offline, and `warta log` copes with the missing commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, warta_exe

JEMBATAN = "content/berita/2026/jembatan/index.md"
POSYANDU = "content/berita/2026/posyandu/index.md"
OFFLINE = {"GIT_ALLOW_PROTOCOL": "file", "GIT_CONFIG_NOSYSTEM": "1"}


def posyandu_and_jembatan(repo: Repo) -> None:
    repo.approved_item("Posyandu Karangsari Tekan Stunting", slug="posyandu", day="2026-11-03")
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(posyandu_and_jembatan)


def clone(source: Repo, target: Path, *args: str) -> Repo:
    subprocess.run(["git", "clone", "-q", *args, f"file://{source.root}", str(target)],
                   check=True, capture_output=True, env={**os.environ, **OFFLINE})
    return Repo(target, source.keys, dict(source.env))


def log_rows(repo: Repo, rel: str) -> list[list[str]]:
    result = subprocess.run([warta_exe(), "--lang", "id", "log", rel], cwd=repo.root,
                            capture_output=True,
                            text=True, env={**os.environ, **repo.env, "COLUMNS": "250"},
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "status: disetujui; dapat dipublikasikan" in result.stdout
    return [cells for line in result.stdout.splitlines()
            if (cells := [c.strip() for c in line.split("│")[1:-1]]) and cells[0].isdigit()]


def all_publishable(repo: Repo) -> None:
    result = repo.cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == (
        "2 item(s), 2 publishable; 0 error(s), 0 warning(s), 0 notice(s)"
    )
    for rel in (JEMBATAN, POSYANDU):
        verify = repo.cli("verify", rel)
        assert verify.returncode == 0, verify.stdout
        assert verify.stdout.startswith(f"OK {rel}: id ")


def test_shallow_clone_validates_offline(site: Repo, tmp_path: Path) -> None:
    shallow = clone(site, tmp_path / "shallow", "--depth", "1")
    assert shallow.git("rev-parse", "--is-shallow-repository").strip() == "true"
    assert shallow.git("rev-list", "--count", "HEAD").strip() == "1"
    assert not (shallow.root / ".warta-cache").exists()  # nothing verified ahead of time
    all_publishable(shallow)
    rows = log_rows(shallow, JEMBATAN)
    # only the last commit is present: the other steps have no commit, every signature holds
    head = shallow.git("rev-parse", "HEAD").strip()[:10]
    assert [(r[1], r[6], r[7]) for r in rows] == [
        ("disposisi", "-", "sah"), ("perintah", "-", "sah"), ("penulisan", "-", "sah"),
        ("laporan", "-", "sah"), ("pengesahan", head, "sah")]


def test_squash_merged_branch_validates(site: Repo, tmp_path: Path) -> None:
    site.git("checkout", "-q", "-b", "liputan")
    site.approved_item("Festival Durian Karangsari", slug="durian", day="2026-11-04")
    site.git("checkout", "-q", "main")
    site.git("merge", "-q", "--squash", "liputan")
    site.git("commit", "-q", "-m", "Liputan festival durian (squash)")
    site.git("branch", "-q", "-D", "liputan")
    site.git("reflog", "expire", "--expire=now", "--all")
    site.git("gc", "-q", "--prune=now")
    rel = "content/berita/2026/durian/index.md"
    # the step commits are gone from history: only the squash commit touches the item
    assert site.git("log", "--format=%s", "--", rel).strip() == \
        "Liputan festival durian (squash)"
    result = site.cli("validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == (
        "3 item(s), 3 publishable; 0 error(s), 0 warning(s), 0 notice(s)"
    )
    rows = log_rows(site, rel)
    assert [(r[1], r[6], r[7]) for r in rows] == [
        (step, "-", "sah")
        for step in ("disposisi", "perintah", "penulisan", "laporan", "pengesahan")]
    # and a shallow clone of the squashed history too
    shallow = clone(site, tmp_path / "shallow", "--depth", "1")
    assert shallow.cli("validate").returncode == 0


def test_exported_tree_without_git_validates(site: Repo, tmp_path: Path) -> None:
    """No .git at all (a release tarball): still validates; the log simply has no commits."""
    export = tmp_path / "export"
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=site.root,
                             capture_output=True, check=True).stdout
    export.mkdir()
    subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
    tree = Repo(export, site.keys, dict(site.env))
    all_publishable(tree)
    assert [r[6] for r in log_rows(tree, JEMBATAN)] == ["-"] * 5
