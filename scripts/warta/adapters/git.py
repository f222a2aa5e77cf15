"""Git: editorial actions are commits; a lock keeps two actions from racing."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warta.errors import RefusedError

TRAILER_ITEM = "Warta-Item"
TRAILER_STEP = "Warta-Step"
TRAILER_SIGNER = "Warta-Signer"


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=120
    )
    if check and result.returncode != 0:
        problem = result.stderr.strip() or result.stdout.strip()
        raise RefusedError(f"git {args[0]} failed: {problem}")
    return result


def is_repo(root: Path) -> bool:
    try:
        result = git(root, "rev-parse", "--git-dir", check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def _lock_path(root: Path) -> Path:
    if is_repo(root):
        gitdir = Path(git(root, "rev-parse", "--git-dir").stdout.strip())
        return (root / gitdir / "warta.lock").resolve()
    return root / ".warta.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def action_lock(root: Path) -> Iterator[None]:
    """One editorial action at a time per repository. A lock left by a dead process is taken."""
    path = _lock_path(root)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(path.read_text().strip() or "0")
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise RefusedError(
                    f"another warta action (process {pid}) is running in this repository"
                    f" (lock {path}); nothing was changed, try again when it has finished"
                ) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        try:
            os.write(fd, f"{os.getpid()}\n".encode())
        finally:
            os.close(fd)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return
    raise RefusedError(f"could not take the lock {path}; nothing was changed")


def commit(root: Path, path: Path, subject: str, trailers: dict[str, str]) -> str:
    """Commit exactly ``path`` with ``subject`` and trailers; return the commit id."""
    rel = path.relative_to(root).as_posix()
    body = "\n".join(f"{k}: {v}" for k, v in trailers.items())
    git(root, "add", "--", rel)
    result = git(root, "commit", "-q", "-m", subject, "-m", body, "--", rel, check=False)
    if result.returncode != 0:
        raise RefusedError("git commit failed: " + (result.stderr.strip() or result.stdout.strip()))
    return git(root, "rev-parse", "HEAD").stdout.strip()


def unstage(root: Path, path: Path) -> None:
    rel = path.relative_to(root).as_posix()
    git(root, "reset", "-q", "--", rel, check=False)


@dataclass(frozen=True)
class ActionCommit:
    sha: str
    date: str
    subject: str
    step: str
    item: str


def item_commits(root: Path, item_id: str) -> list[ActionCommit]:
    """Commits whose trailers name this item (empty in a shallow clone that lacks them)."""
    if not is_repo(root):
        return []
    fmt = (
        "%H%x1f%cI%x1f%s%x1f%(trailers:key=Warta-Step,valueonly,separator=%x2C)"
        "%x1f%(trailers:key=Warta-Item,valueonly,separator=%x2C)%x1e"
    )
    result = git(
        root,
        "log",
        f"--format={fmt}",
        f"--grep={TRAILER_ITEM}: {item_id}",
        "--fixed-strings",
        check=False,
    )
    out: list[ActionCommit] = []
    for record in result.stdout.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) != 5:
            continue
        sha, date, subject, step, item = (f.strip() for f in fields)
        if item == item_id:
            out.append(ActionCommit(sha, date, subject, step, item))
    return out
