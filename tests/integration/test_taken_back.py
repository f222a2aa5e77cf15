"""An approval taken back on a branch is never published from the commit that held it.

A take-back counts once it is on the branch the site is built from. The Kabag approves an
item on her branch, then sees a wrong figure and returns it there, signed. Her approval
still stands in the commit before: a staff member (no Kabag key) takes the item as it was
then onto a branch of main, and main, which held steps 1-4, took it as the next step of its
history (found by an independent attack, through ``validate --base main`` and the
pre-receive hook). The gate now looks for the item at the tip of every other ref, and a
version whose records all verify and that holds a return or a withdrawal where this change
holds none or another record refuses it (``history.taken-back``).
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from helpers import (
    Repo,
    SignedRepos,
    armor,
    copy_repo,
    dearmor,
    make_keys,
    make_repo,
    ssh_fields,
    ssh_string,
    with_fields,
)
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
    return repo, approved_then_returned(repo)


def approved_then_returned(repo: Repo) -> str:
    """The branch ``kabag-review``: the Kabag's approval, then her signed return; gives the
    approval's commit (main checked out again)."""
    repo.git("checkout", "-q", "-b", "kabag-review")
    repo.sign(repo.path(ITEM), "hendra", f"{DAY}T10:08:00{WIB}")
    approval = repo.git("rev-parse", "HEAD").strip()
    actions.take_back(repo.project(), repo.path(ITEM), KeygenSigner(keyfile=repo.keys["hendra"]),
                      action="return", to="penulisan", reason=REASON,
                      now=datetime.fromisoformat(f"{DAY}T10:30:00{WIB}"))
    repo.git("checkout", "-q", "main")
    return approval


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
        f" with the return to 'penulisan' by 'hendra' on {DAY}T10:30:00+07:00 ({REASON})"
        " after its record 5; expected this change to hold that take-back there, found no"
        " record after it: what was taken back is never published. Merge the take-back (it is"
        f" not on main ({main[:10]}) yet), or take the item as it stands there"
    ) in result.stdout
    assert "Traceback" not in result.stderr


def test_the_next_step_signed_over_the_replay_is_refused(kabag: tuple[Repo, str]) -> None:
    """The Kasubag signs step 6 over the replayed approval: the histories fork where the
    Kabag took it back, and the change holds another record there (found by an independent
    attack: only a change that stopped at the approval was refused)."""
    repo, approval = kabag
    replay(repo, approval)
    repo.sign(repo.path(ITEM), "sri", f"{DAY}T11:00:00{WIB}", step="kompilasi")
    result = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 1, result.stdout
    assert ("after its record 5; expected this change to hold that take-back there, found"
            " step 'kompilasi' by 'sri'") in result.stdout


def test_a_re_encoded_signature_is_the_same_record(tmp_path: Path) -> None:
    """The key inside a signature is not signed: the Kabag's RSA key written with a
    needless leading zero in its exponent still verifies as her key, but made the approval
    look like another record than the one she took back (found by an independent attack)."""
    folder = tmp_path / "keys"
    folder.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "hendra",
                    "-f", str(folder / "hendra_ed25519")], check=True)
    repo = make_repo(tmp_path / "repo", make_keys(folder))
    reported(repo)
    replay(repo, approved_then_returned(repo))
    text = repo.read(ITEM)
    [*_, last] = re.finditer(r"( *)(-----BEGIN SSH SIGNATURE-----\n(?:\1[A-Za-z0-9+/=]+\n)+"
                             r"\1-----END SSH SIGNATURE-----)", text)

    def padded(key: bytes) -> bytes:  # (the exponent with a needless leading zero)
        kind, exponent, modulus = ssh_fields(key)
        return ssh_string(kind) + ssh_string(b"\x00" + exponent) + ssh_string(modulus)

    blob = with_fields(dearmor(last.group(2)), lambda f: [padded(f[0]), *f[1:]])
    indent = last.group(1)
    written = "".join(f"{indent}{line}\n" for line in armor(blob).splitlines())
    repo.write(ITEM, text[: last.start()] + written.rstrip("\n") + text[last.end():])
    repo.commit_all("terbitkan")
    verdicts = {v["path"]: v for v in repo.validate_json()["items"]}
    assert verdicts[ITEM]["publishable"], verdicts[ITEM]  # (it still verifies)
    result = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 1, result.stdout
    assert "[history.taken-back]" in result.stdout


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


def test_many_branches_cost_one_git_process(kabag: tuple[Repo, str], tmp_path: Path) -> None:
    """Each ref's files are compared with the base in one ``git diff-tree`` for them all:
    one process per ref let a writer slow every gate by pushing thousands of branches
    (found by an independent attack). Counted through a ``git`` first on PATH."""
    repo, approval = kabag
    for n in range(30):
        repo.git("branch", f"sampah-{n}", "main")
    replay(repo, approval)
    log = tmp_path / "git.log"
    shim = tmp_path / "bin" / "git"
    shim.parent.mkdir()
    real_git = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True,
                              check=True).stdout.strip()
    shim.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real_git} "$@"\n')
    shim.chmod(0o755)
    counted = Repo(repo.root, repo.keys,
                   {**repo.env, "PATH": f"{shim.parent}:{os.environ['PATH']}"})
    result = counted.cli("validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 1 and "[history.taken-back]" in result.stdout
    calls = [line for line in log.read_text().splitlines() if " diff-tree " in f" {line} "]
    assert len(calls) == 1, calls


def test_a_writers_return_before_the_approval_blocks_nothing(
    signed_repo: SignedRepos, tmp_path: Path
) -> None:
    """Only a take-back of an approval counts: a writer's own return after her writing step
    (the SOP lets the latest step's role return), signed on a branch from before the
    Kasubag's report, blocked the Kabag's approval and every change after it, and could not
    be merged (found by an independent attack)."""
    repo = copy_repo(signed_repo(reported), tmp_path / "repo")
    repo.git("checkout", "-q", "-b", "ayu-lama", "main~2")  # (before the report)
    actions.take_back(repo.project(), repo.path(ITEM), KeygenSigner(keyfile=repo.keys["ayu"]),
                      action="return", to="penulisan", reason="Foto kurang",
                      now=datetime.fromisoformat(f"{DAY}T10:02:00{WIB}"))
    assert repo.cli("validate", "--strict", "--no-cache").returncode == 0  # (it verifies)
    repo.git("checkout", "-q", "-b", "persetujuan", "main")
    repo.sign(repo.path(ITEM), "hendra", f"{DAY}T10:08:00{WIB}")
    result = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert result.returncode == 0, result.stdout


def test_copies_on_other_refs_are_read_once_and_bounded(kabag: tuple[Repo, str]) -> None:
    """A writer's branch naming the Kabag's signed file at 2,000 paths is read once; 1,001
    different files holding the item's id are refused, not read one by one (each cost
    1.4 ms of every gate run: 5 branches of 10,000 copies took 70 s; found by an
    independent attack)."""
    repo, approval = kabag
    replay(repo, approval)
    signed_text = repo.git("show", f"kabag-review:{ITEM}")

    def branch(name: str, texts: list[str]) -> None:
        shas = subprocess.run(["git", "hash-object", "-w", "--stdin-paths"], cwd=repo.root,
                              input="".join(_scratch(repo, i, t) + "\n" for i, t in
                                            enumerate(texts)),
                              capture_output=True, text=True, check=True).stdout.split()
        index = "".join(f"100644 {sha}\tcontent/berita/2026/salinan-{i}/index.md\n"
                        for i, sha in enumerate(shas))
        env = {**os.environ, "GIT_INDEX_FILE": str(repo.root / ".git" / f"index-{name}")}
        subprocess.run(["git", "read-tree", "main"], cwd=repo.root, env=env, check=True)
        subprocess.run(["git", "update-index", "--index-info"], cwd=repo.root, env=env,
                       input=index, text=True, check=True)
        tree = subprocess.run(["git", "write-tree"], cwd=repo.root, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
        commit = repo.git("commit-tree", tree, "-p", "main", "-m", name).strip()
        repo.git("update-ref", f"refs/heads/{name}", commit)

    branch("salinan", [signed_text] * 2000)
    once = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert once.returncode == 1 and "[history.taken-back]" in once.stdout, once.stdout
    assert "versions of the items" not in once.stdout
    branch("ragam", [f"{signed_text}\n<!-- {i} -->\n" for i in range(1001)])
    many = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert many.returncode == 1
    assert ("1003 versions of the items this change signs further stand on other refs;"
            " expected at most 1000 to search for a take-back") in many.stdout


def _scratch(repo: Repo, index: int, text: str) -> str:
    """``text`` in a file outside the working tree, for ``git hash-object --stdin-paths``."""
    path = repo.root.parent / "blobs" / f"{index}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)
