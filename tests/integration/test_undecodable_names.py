"""A file whose name is not UTF-8 (pushed from a machine with a Latin-1 locale, or planted)
is reported, never a traceback, whatever the locale of the terminal: the name is printed
escaped and every report stays valid UTF-8."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, tiny_jpeg, warta_exe

JEMBATAN = "content/berita/2026/jembatan/index.md"


def odd_name(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.approved_item("Posyandu Karangsari", slug="posyandu")
    repo.commit_all("jembatan, posyandu")
    news = os.fsencode(repo.root / "content/berita/2026")
    with open(os.path.join(news, b"jembatan", b"foto\xe9.jpg"), "wb") as photo:  # Latin-1
        photo.write(tiny_jpeg())
    os.rename(os.path.join(news, b"posyandu"), os.path.join(news, b"caf\xe9"))  # a folder too


@pytest.fixture(scope="module")
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(odd_name)


def run(repo: Repo, *args: str, io_encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **repo.env, "PYTHONIOENCODING": io_encoding}
    return subprocess.run([warta_exe(), *args], cwd=repo.root, env=env, capture_output=True,
                          check=False)


@pytest.mark.parametrize("io_encoding", ["utf-8:strict", "utf-8:surrogateescape"])
def test_a_name_that_is_not_utf8_is_reported_escaped(site: Repo, io_encoding: str) -> None:
    escaped = "foto\\udce9.jpg"
    text = run(site, "validate", io_encoding=io_encoding)
    assert text.returncode == 1
    assert b"Traceback" not in text.stderr
    out = text.stdout.decode("utf-8")  # (strict: valid UTF-8)
    assert f"{JEMBATAN}:2: error [files.unlisted] {escaped} is in the item's folder" in out
    report = run(site, "validate", "--format", "json", io_encoding=io_encoding)
    assert report.returncode == 1
    items = json.loads(report.stdout.decode("utf-8"))["items"]
    item = next(i for i in items if i["path"] == JEMBATAN)
    assert [f["rule"] for f in item["findings"]] == ["files.unlisted"]
    assert item["findings"][0]["message"].startswith("foto\udce9.jpg is in the item's folder")
    github = run(site, "validate", "--format", "github", io_encoding=io_encoding)
    assert github.returncode == 1
    assert f"title=files.unlisted::{escaped}" in github.stdout.decode("utf-8")
    # GitLab's code quality report (its fingerprint hashed the name strictly)
    log = run(site, "log", JEMBATAN, io_encoding=io_encoding)
    assert b"Traceback" not in log.stderr
    assert escaped in log.stdout.decode("utf-8")
    quality = run(site, "validate", "--format", "codequality", io_encoding=io_encoding)
    assert quality.returncode == 1
    assert b"Traceback" not in quality.stderr
    assert "files.unlisted" in {e["check_name"] for e in json.loads(quality.stdout)}
    build = run(site, "build", io_encoding=io_encoding)  # (MkDocs' log goes to stderr)
    assert build.returncode == 0
    assert b"Traceback" not in build.stderr
    assert escaped in build.stderr.decode("utf-8")


@pytest.mark.parametrize("fmt", ["html", "json", "csv", "pdf"])
def test_the_reports_of_a_repository_with_such_names_are_written(
    site: Repo, fmt: str, tmp_path: Path
) -> None:
    """The AKIP report in every format: written whole, valid UTF-8, the name as its escape
    (as the text of its escape in the PDF's data, where Typst would refuse an unpaired one)."""
    out = tmp_path / f"laporan.{fmt}"
    made = run(site, "laporan", "--periode", "2026-S2", "--format", fmt, "--at",
               "2026-12-01T10:00:00+07:00", "--output", str(out), io_encoding="utf-8:strict")
    assert made.returncode == 0, made.stderr
    data = out.read_bytes()
    if fmt == "pdf":  # read back: the left-out item's folder, spelled as its escape
        assert data.startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
    else:
        text = data.decode("utf-8")
    assert "caf\\udce9" in (json.dumps(json.loads(text)) if fmt == "json" else text)


# ---- git's output: names that are not UTF-8 (an attack found three tracebacks) -----------


def _plant(repo: Repo, rel: bytes, data: bytes = b"hi\n") -> None:
    path = os.fsencode(repo.root) + b"/" + rel
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as planted:
        planted.write(data)


def test_a_tracked_cache_file_named_so_is_a_warning_not_a_traceback(repo: Repo) -> None:
    """``git ls-files`` names it as its bytes; every command looks for a tracked cache."""
    _plant(repo, b".warta-cache/x\xff")
    repo.git("add", "-f", ".warta-cache")
    repo.commit_all("plant")
    result = repo.cli("--lang", "en", "validate")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert ".warta-cache/x\\udcff: warning [cache.in-repository]" in result.stdout


def test_summary_of_a_branch_with_a_file_named_so(repo: Repo) -> None:
    item = repo.approved_item("Jalan Desa Diperbaiki")
    _plant(repo, os.fsencode(item.parent.relative_to(repo.root)) + b"/x\xff.txt")
    repo.commit_all("plant")
    result = repo.cli("--lang", "en", "summary", "--base", "HEAD~1")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert "`files.unlisted`" in result.stdout, result.stdout


def test_git_refusing_a_path_named_so_is_a_message(repo: Repo) -> None:
    """A copy of an item with a photo, in a folder named so, without its photo: ``git add``
    refuses the photo's path, and says so in the name's bytes."""
    day = "2026-11-02"
    path = repo.new_item("Jalan Desa", at=f"{day}T08:00:00+07:00", slug="jalan")
    repo.sign(path, "sri", f"{day}T08:04:00+07:00")
    (path.parent / "foto.jpg").write_bytes(tiny_jpeg())
    path.write_text(path.read_text(encoding="utf-8").replace(
        "\nstatus:", '\nimage:\n  src: foto.jpg\n  alt: "Jalan desa"\nstatus:', 1),
        encoding="utf-8")
    for by, at in (("dimas", "10:00"), ("sri", "10:04"), ("hendra", "10:08")):
        repo.sign(path, by, f"{day}T{at}:00+07:00")
    odd = os.fsencode(path.parent.parent) + b"/x\xff"
    os.mkdir(odd)
    with open(odd + b"/index.md", "wb") as copy:
        copy.write(path.read_bytes())
    repo.commit_all("plant")
    result = repo.cli("--lang", "en", "withdraw", os.fsdecode(odd + b"/index.md"), "--reason",
                      "alasan", "--key", str(repo.keys["hendra"]))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert "git add failed: fatal: pathspec 'content/berita/2026/x\\udcff/foto.jpg'" in (
        result.stderr
    ), result.stderr
    assert repo.git("status", "--porcelain").strip() == ""


def test_a_public_key_file_that_is_not_text(repo: Repo, tmp_path: Path) -> None:
    """``--key FILE`` whose ``FILE.pub`` holds no text: the public key is asked of the key
    file itself; ``--key X.pub`` that holds no text is a usage error (both were tracebacks)."""
    key = tmp_path / "kunci"
    shutil.copyfile(repo.keys["hendra"], key)
    key.chmod(0o600)
    Path(f"{key}.pub").write_bytes(b"\xff\xfe ssh-ed25519\n")
    made = repo.cli("--lang", "en", "new", "Panen Cabai", "--category", "Infrastruktur",
                    "--key", str(key))
    assert made.returncode == 0, made.stderr
    result = repo.cli("--lang", "en", "new", "Panen Jagung", "--category", "Infrastruktur",
                      "--key", f"{key}.pub")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "cannot read its public key" in result.stderr
