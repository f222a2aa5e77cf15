"""An approval taken back on a branch is never published from the commit that held it.

A take-back counts once it is on the branch the site is built from. The Kabag approves an
item on her branch, then sees a wrong figure and returns it there, signed. Her approval
still stands in the commit before: a staff member (no Kabag key) takes the item as it was
then onto a branch of main, and main, which held steps 1-4, took it as the next step of its
history (found by an independent attack, through ``validate --base main`` and the
pre-receive hook). The gate now looks for the item at the tip of every other ref, and a
version whose verified records continue this change's with a return or a withdrawal refuses
it (``history.taken-back``).
"""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo
from warta import actions
from warta.adapters.ssh import KeygenSigner

ITEM = "content/berita/2026/durian/index.md"
DAY, WIB = "2026-11-02", "+07:00"
REASON = "Angka salah, jangan terbitkan"


def reported(repo: Repo) -> None:
    """An item on main through step 4 (reported), awaiting the Kabag."""
    path = repo.new_item("Festival Durian Karangsari", at=f"{DAY}T08:00:00{WIB}", slug="durian")
    repo.sign(path, "sri", f"{DAY}T08:04:00{WIB}")
    repo.sign(path, "dimas", f"{DAY}T10:00:00{WIB}")
    repo.sign(path, "sri", f"{DAY}T10:04:00{WIB}")
    repo.commit_all("reported")


@pytest.fixture
def kabag(signed_repo: SignedRepos, tmp_path: Path) -> tuple[Repo, str]:
    """The newsroom, with the Kabag's branch ``kabag-review``: her approval, then her
    signed return to penulisan; main holds steps 1-4. Gives the approval's commit."""
    repo = copy_repo(signed_repo(reported), tmp_path / "repo")
    repo.git("checkout", "-q", "-b", "kabag-review")
    repo.sign(repo.path(ITEM), "hendra", f"{DAY}T10:08:00{WIB}")
    approval = repo.git("rev-parse", "HEAD").strip()
    actions.take_back(repo.project(), repo.path(ITEM), KeygenSigner(keyfile=repo.keys["hendra"]),
                      action="return", to="penulisan", reason=REASON,
                      now=datetime.fromisoformat(f"{DAY}T10:30:00{WIB}"))
    repo.git("checkout", "-q", "main")
    return repo, approval


def replay(repo: Repo, approval: str) -> None:
    """The staff member's branch: main, with the item as it stood at the approval."""
    repo.git("checkout", "-q", "-b", "staff", "main")
    repo.git("checkout", approval, "--", ITEM)
    repo.git("commit", "-q", "-m", "terbitkan")


def test_an_approval_taken_back_on_a_branch_is_refused(kabag: tuple[Repo, str]) -> None:
    repo, approval = kabag
    replay(repo, approval)
    result = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 1, result.stdout
    line = repo.read(ITEM).splitlines().index("signoffs:") + 1
    main = repo.git("rev-parse", "main").strip()
    assert (
        f"{ITEM}:{line}: error [history.taken-back] the signed history of"
        f" '20261102-festival-durian-karangsari' continues at refs/heads/kabag-review:{ITEM}"
        f" with the return to 'penulisan' by 'hendra' on {DAY}T10:30:00+07:00 ({REASON});"
        " expected this change to hold that history, not the 5 record(s) before it: what was"
        f" taken back is never published. Merge the take-back (it is not on main"
        f" ({main[:10]}) yet), or take the item as it stands there"
    ) in result.stdout
    assert "Traceback" not in result.stderr


def test_the_take_back_merged_passes(kabag: tuple[Repo, str]) -> None:
    """The Kabag's branch itself (approval and return) is the history the gate wants; and
    an approval nobody took back is merged as before (the control)."""
    repo, approval = kabag
    repo.git("checkout", "-q", "kabag-review")
    ok = repo.cli("validate", "--strict", "--no-cache", "--base", "main")
    assert ok.returncode == 0, ok.stdout
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "kabag-review")
    replay(repo, approval)
    control = repo.cli("validate", "--strict", "--no-cache", "--base", "main")
    assert control.returncode == 0, control.stdout  # (nothing took it back)


def test_a_forged_take_back_takes_nothing_back(kabag: tuple[Repo, str]) -> None:
    """A writer's branch with a take-back whose signature does not verify (its reason
    changed) does not block the Kabag's approval: only a verified record counts."""
    repo, approval = kabag
    repo.git("checkout", "-q", "-b", "forged", "kabag-review")
    repo.write(ITEM, repo.read(ITEM).replace(REASON, "Dibatalkan"))
    repo.commit_all("forged return")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "kabag-review")
    replay(repo, approval)
    result = repo.cli("validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 0, result.stdout


def test_the_hook_refuses_the_replay(kabag: tuple[Repo, str], tmp_path: Path) -> None:
    """On a plain git server: the Kabag's branch was pushed there; the staff member's push
    of the approval to main is declined."""
    repo, approval = kabag
    bare = tmp_path / "kominfo.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    repo.git("remote", "add", "server", str(bare))
    repo.git("push", "-q", "server", "main", "kabag-review")
    installed = repo.cli("hook", "install", str(bare))
    assert installed.returncode == 0, installed.stderr
    replay(repo, approval)
    pushed = subprocess.run(["git", "push", "server", "staff:main"], cwd=repo.root,
                            capture_output=True, text=True, check=False, timeout=300)
    assert pushed.returncode != 0, pushed.stderr
    assert "pre-receive hook declined" in pushed.stderr
    assert "[history.taken-back]" in pushed.stderr
    assert "Traceback" not in pushed.stderr
