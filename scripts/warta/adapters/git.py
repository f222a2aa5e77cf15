"""Git: editorial actions are commits; a lock keeps two actions from racing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from warta.errors import RefusedError
from warta.i18n import _
from warta.model.findings import visible

TRAILER_ITEM = "Warta-Item"
TRAILER_STEP = "Warta-Step"
TRAILER_SIGNER = "Warta-Signer"
TRAILER_ADMIN = "Warta-Admin"


#: How long a git command may take (a commit runs the repository's hooks, which may be slow).
GIT_TIMEOUT = 600


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``git *args`` in ``root``; its output is text, and a name that is not UTF-8 in it
    keeps its bytes as the file system gives them (``os.fsdecode``): a pushed file name was
    never to end a command in a traceback. One that runs longer than :data:`GIT_TIMEOUT` is
    stopped and refused, saying so."""
    try:
        result = subprocess.run(
            ["git", "--no-replace-objects", *args],  # (a pushed refs/replace/ changes nothing)
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
            timeout=GIT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise RefusedError(
            _(
                "git {command} did not finish within {seconds} s (a hook of the repository that"
                " waits?) and was stopped; if .git/index.lock is left, remove it once no git"
                " command runs"
            ).format(command=args[0], seconds=GIT_TIMEOUT)
        ) from None
    if check and result.returncode != 0:
        said = result.stderr.strip() or result.stdout.strip()
        problem = "\n".join(visible(line) for line in said.split("\n"))
        raise RefusedError(
            _("git {command} failed: {problem}").format(command=args[0], problem=problem)
        )
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


def _read_pid(fd: int) -> int:
    try:
        return int(os.pread(fd, 32, 0).decode("ascii").strip() or "0")
    except (OSError, ValueError, UnicodeDecodeError):
        return 0


def _same_file(path: Path, fd: int) -> bool:
    try:
        here = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _refuse_held(path: Path, pid: int) -> RefusedError:
    holder = _(" (process {pid})").format(pid=pid) if pid else ""
    return RefusedError(
        _(
            "another warta action{holder} is running in this repository"
            " (lock {path}); nothing was changed, try again when it has finished"
        ).format(holder=holder, path=path)
    )


def _acquire(path: Path) -> int:
    """The fd of the lock file at ``path``, created by us with our pid and flock(2)ed."""
    fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a fresh file: nobody else can hold it
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        for _attempt in range(5):
            try:
                os.link(tmp, path)  # atomic: the lock never exists without its pid
            except FileExistsError:
                _break_if_stale(path)
                continue
            return fd
    except BaseException:
        os.close(fd)
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    os.close(fd)
    raise RefusedError(_("could not take the lock {path}; nothing was changed").format(path=path))


def _break_if_stale(path: Path) -> None:
    """Remove the lock at ``path`` if its holder is gone, else refuse.

    A live holder keeps its lock file flock(2)ed; the kernel drops that when the process
    dies. Whoever breaks a stale lock holds its flock while checking and unlinking, so two
    processes can never both break it, nor break a lock that was just taken anew.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        if not _try_lock(fd):
            raise _refuse_held(path, _read_pid(fd))
        pid = _read_pid(fd)
        if pid and pid != os.getpid() and _alive(pid):
            # not flock()ed but naming a live process: an older warta, or a lock made by
            # hand; the message names the file, to remove if that process is not warta
            raise _refuse_held(path, pid)
        if _same_file(path, fd):
            os.unlink(path)
    finally:
        os.close(fd)


@contextlib.contextmanager
def action_lock(root: Path) -> Iterator[None]:
    """One editorial action at a time per repository.

    The lock file names its holder's pid and is flock(2)ed while held: two racing actions
    can never both take it, and a lock left by a killed process (whose flock the kernel has
    released) is taken over. The file is removed when the action ends.
    """
    path = _lock_path(root)
    try:
        fd = _acquire(path)
    except OSError as exc:
        raise RefusedError(
            _("cannot take the lock {path}: {error}; nothing was changed").format(
                path=path, error=exc.strerror
            )
        ) from None
    try:
        yield
    finally:
        if _same_file(path, fd):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        os.close(fd)


def commit(
    root: Path,
    paths: Sequence[Path],
    subject: str,
    trailers: Mapping[str, str | Sequence[str]],
    *,
    body: str = "",
) -> str:
    """Commit exactly ``paths`` with ``subject``, ``body`` and trailers (a trailer with a
    list of values is repeated, one line per value); return the id."""
    rels = [path.relative_to(root).as_posix() for path in paths]
    # a title or name from the repository never puts a control character into the history
    # (git log prints it raw); the trailers stay as they are: programs read them
    subject = visible(subject)
    body = "\n".join(map(visible, body.split("\n")))
    tail = "\n".join(
        f"{k}: {v}"
        for k, values in trailers.items()
        for v in ([values] if isinstance(values, str) else values)
    )
    message = ["-m", subject] + (["-m", body] if body else []) + ["-m", tail]
    git(root, "add", "--", *rels)
    result = git(root, "commit", "-q", *message, "--", *rels, check=False)
    if result.returncode != 0:
        raise RefusedError(
            _("git {command} failed: {problem}").format(
                command="commit", problem=result.stderr.strip() or result.stdout.strip()
            )
        )
    return git(root, "rev-parse", "HEAD").stdout.strip()


def unstage(root: Path, path: Path) -> None:
    rel = path.relative_to(root).as_posix()
    git(root, "reset", "-q", "--", rel, check=False)


def head(root: Path) -> str | None:
    """The commit HEAD names (None: none yet, or it cannot be read)."""
    try:
        result = git(root, "rev-parse", "--verify", "-q", "HEAD", check=False)
    except (OSError, RefusedError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def tracked(root: Path, *pathspecs: str) -> list[str]:
    """The files git tracks in the repository at ``root`` that ``pathspecs`` name
    (repository paths, in git's order; none if it is not a git repository)."""
    try:
        result = git(root, "ls-files", "-z", "--", *pathspecs, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    return [name for name in result.stdout.split("\0") if name]


def in_repository(folder: Path) -> bool:
    """Whether ``folder``, or the nearest folder above it that exists, is inside a git
    working tree or a git directory: of any repository, found by git itself from there (not
    from settings in the environment: ``GIT_DIR``, ``GIT_CEILING_DIRECTORIES``, … are left
    out, and a folder another user owns is looked into too). True if git cannot say."""
    here = folder
    while not here.is_dir() and here.parent != here:
        here = here.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(LC_ALL="C", GIT_DISCOVERY_ACROSS_FILESYSTEM="1")
    try:
        result = subprocess.run(
            ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=false", "rev-parse",
             "--is-inside-work-tree", "--is-inside-git-dir"],
            cwd=here, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False,
        )
    except FileNotFoundError:  # no git: nothing here can be committed
        return False
    except (OSError, subprocess.SubprocessError):
        return True
    if result.returncode == 0:
        return "true" in result.stdout.split()
    return "not a git repository" not in result.stderr


def tracked_attributes(root: Path) -> list[str]:
    """The ``.gitattributes`` files git tracks in the repository at ``root``, at any depth."""
    return tracked(root, ".gitattributes", ":(glob)**/.gitattributes")
