"""Ctrl+C after ``git commit`` has made the commit (while a slow post-commit hook runs, as
git-lfs installs one): the action put the item file back as it was before, so the working
tree took the new record away from what HEAD holds, and a later ``git commit -a`` dropped it
(found by an independent attack). Once HEAD moved, the file is left as committed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers import AS_FROM_A_TERMINAL, Repo, SignedRepos, newsroom_items, warta_exe

BARU = "content/berita/2026/baru/index.md"  # steps 1-4 signed: the Kabag's approval is next


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(newsroom_items)


def test_ctrl_c_after_the_commit_leaves_the_file_as_committed(site: Repo, tmp_path: Path) -> None:
    marker = tmp_path / "hook-running"
    hook = site.root / ".git" / "hooks" / "post-commit"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 30\n", encoding="utf-8")
    hook.chmod(0o755)
    head = site.git("rev-parse", "HEAD").strip()
    env = {**os.environ, **site.env}
    process = subprocess.Popen(
        [*AS_FROM_A_TERMINAL, warta_exe(), "sign", BARU, "--key", str(site.keys["hendra"]),
         "--at", "2026-11-02T11:08:00+07:00"],
        cwd=site.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), process.communicate()
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C does: the whole foreground group
    out, err = process.communicate(timeout=60)
    assert process.returncode != 0, out + err
    assert "Traceback" not in err, err
    committed = site.git("rev-parse", "HEAD").strip()
    assert committed != head  # the commit was made before the interruption
    assert site.git("show", f"HEAD:{BARU}") == site.read(BARU)
    assert site.git("status", "--porcelain") == ""


def test_a_git_command_that_never_ends_is_stopped_and_said(site: Repo, tmp_path: Path) -> None:
    """A commit whose hook waited past the time git is given ended ``sign`` in a traceback
    (subprocess.TimeoutExpired). The time is shortened here by a ``sitecustomize``."""
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "sitecustomize.py").write_text(
        "import warta.adapters.git as g\ng.GIT_TIMEOUT = 2\n", encoding="utf-8")
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nsleep 20\n", encoding="utf-8")
    hook.chmod(0o755)
    before, head = site.read(BARU), site.git("rev-parse", "HEAD").strip()
    env = {**os.environ, **site.env, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(custom), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [warta_exe(), "--lang", "en", "sign", BARU, "--key", str(site.keys["hendra"]), "--at",
         "2026-11-02T11:08:00+07:00"],
        cwd=site.root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "warta: git commit did not finish within 2 s" in result.stderr
    assert site.read(BARU) == before
    assert site.git("rev-parse", "HEAD").strip() == head
