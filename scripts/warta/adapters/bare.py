"""Git on the server: a bare repository, and a pushed commit laid out in a folder of its own.

Every git call here runs with a cleaned environment: no ``GIT_*`` variable of the caller
(a pre-receive hook has ``GIT_DIR`` and the quarantine's object directories set), no system
or user configuration, no hooks, no fsmonitor. The checkout of a pushed commit happens in a
fresh temporary repository that borrows the server's objects (and the push's quarantined
ones) through ``objects/info/alternates``; nothing is ever written into the bare repository.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from warta.adapters import gitread
from warta.adapters.gitread import REGULAR
from warta.errors import RefusedError, UsageError
from warta.i18n import _

#: Object ids: SHA-1 (40 hex digits) or SHA-256 (64).
OBJECT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")
#: every git command: no replace refs (a pushed refs/replace/<commit> would show another
#: tree for that commit), no hooks, no file-system monitor
_SAFE = ("--no-replace-objects", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false")
_TIMEOUT = 600
#: ``info/attributes`` of the scratch repository: it overrides every ``.gitattributes``.
NO_CONVERSION = "* -text -filter -ident -working-tree-encoding\n"


def clean_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without any ``GIT_*`` variable, and
    with no system or user git configuration read."""
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_ATTR_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_REPLACE_OBJECTS="1",
    )
    return env


def _git(
    *args: str, cwd: Path | None = None, git_dir: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    where = ("--git-dir", str(git_dir)) if git_dir is not None else ()
    result = subprocess.run(
        ["git", *_SAFE, *where, *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        check=False,
        timeout=_TIMEOUT,
    )
    if check and result.returncode != 0:
        problem = result.stderr.decode("utf-8", "replace").strip()
        raise RefusedError(
            _("git {command} failed: {problem}").format(command=args[0], problem=problem)
        )
    return result


def _out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", "surrogateescape").strip()


def bare_git_dir(path: Path) -> Path:
    """The absolute git directory of the bare repository at ``path``; a usage error if
    ``path`` is not one (a working tree, its ``.git``, or no repository at all)."""
    if not path.is_dir():
        raise UsageError(
            _("{path}: no such directory; expected a bare git repository").format(path=path)
        )
    result = _git("rev-parse", "--is-bare-repository", git_dir=path, check=False)
    worktree = result.returncode == 0 or (path / ".git").exists()
    if worktree and _out(result) != "true":
        raise UsageError(
            _(
                "{path}: not a bare git repository (it has a working tree); expected the"
                " repository the office pushes to, made with git init --bare"
            ).format(path=path)
        )
    if b"dubious ownership" in result.stderr:
        raise UsageError(
            _(
                "{path}: owned by another user; run this as the user that owns the repository"
                " (the one pushes arrive as)"
            ).format(path=path)
        )
    if result.returncode != 0:
        raise UsageError(
            _("{path}: not a git repository; expected a bare one (git init --bare)").format(
                path=path
            )
        )
    return path.resolve()


def hooks_path_override(git_dir: Path) -> str | None:
    """The ``core.hooksPath`` git would use for a push into the bare repository (then its
    ``hooks/`` folder is not where git looks), or None: the repository's own configuration,
    and the system's and this user's, which git reads when it receives a push."""
    result = _git("config", "--local", "--get", "core.hooksPath", git_dir=git_dir, check=False)
    value = _out(result)
    if result.returncode == 0 and value:
        return value
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    effective = subprocess.run(
        ["git", "--git-dir", str(git_dir), "config", "--get", "core.hooksPath"],
        env=env,
        capture_output=True,
        check=False,
        timeout=_TIMEOUT,
    )
    value = _out(effective)
    return value if effective.returncode == 0 and value else None


def valid_branch(name: str) -> bool:
    """Whether ``name`` is a valid branch name (as ``git check-ref-format --branch``)."""
    if not name or name.startswith("-"):
        return False
    result = _git("check-ref-format", f"refs/heads/{name}", check=False)
    return result.returncode == 0


def branch_commit(git_dir: Path, ref: str) -> str | None:
    """The commit ``ref`` (a full ref name) points at, or None if it does not exist."""
    spec = f"{ref}^{{commit}}"
    result = _git(
        "rev-parse", "--verify", "--quiet", "--end-of-options", spec, git_dir=git_dir, check=False
    )
    return _out(result) if result.returncode == 0 else None


def file_at(git_dir: Path, commit: str, path: str, limit: int) -> bytes | None:
    """The bytes of the regular file ``path`` at ``commit`` (None if it is missing, is not a
    regular file, or is larger than ``limit``)."""
    listing = _out(_git("ls-tree", "--full-tree", commit, "--", path, git_dir=git_dir))
    meta, _tab, name = listing.partition("\t")
    parts = meta.split()
    if name != path or len(parts) != 3 or parts[0] not in REGULAR or parts[1] != "blob":
        return None
    size = int(_out(_git("cat-file", "-s", parts[2], git_dir=git_dir)))
    if size > limit:
        return None
    return _git("cat-file", "blob", parts[2], git_dir=git_dir).stdout


def object_dirs(git_dir: Path, hook_env: Mapping[str, str]) -> list[Path]:
    """Where the objects of a push are while a pre-receive hook runs: the repository's own
    object directory, and the quarantine of the incoming objects (if git uses one)."""
    dirs = [git_dir / "objects"]
    for name in ("GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY"):
        value = hook_env.get(name)
        if value:
            extra = Path(value) if os.path.isabs(value) else git_dir / value
            if extra.resolve() not in [d.resolve() for d in dirs]:
                dirs.append(extra.resolve())
    return dirs


def ref_tips(git_dir: Path) -> dict[str, str]:
    """The commits the refs of the repository at ``git_dir`` point at, before the push
    (:func:`warta.adapters.gitread.tips_of`): where a take-back may stand that the pushed
    change stops short of."""
    return gitread.tips_of(_git("for-each-ref", gitread.TIPS_FORMAT, git_dir=git_dir).stdout)


@contextlib.contextmanager
def scratch(objects: list[Path], object_format: str) -> Iterator[Path]:
    """A fresh repository in a temporary folder (removed afterwards, whatever happens) that
    reads the objects in ``objects`` and writes nothing there; yields its working tree."""
    for folder in objects:
        if "\n" in str(folder) or not folder.is_absolute():
            raise RefusedError(
                _("{folder}: cannot be used as an object directory").format(folder=folder)
            )
    with tempfile.TemporaryDirectory(prefix="warta-hook-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp) / "push"
        _git("init", "-q", "--template=", f"--object-format={object_format}", str(root))
        alternates = root / ".git" / "objects" / "info" / "alternates"
        alternates.parent.mkdir(parents=True, exist_ok=True)
        alternates.write_text("".join(f"{d}\n" for d in objects), encoding="utf-8")
        # before any .gitattributes of the push: files are laid out byte for byte as git
        # holds them (no end-of-line or encoding conversion, no filter, no $Id$)
        (root / ".git" / "info").mkdir(exist_ok=True)
        (root / ".git" / "info" / "attributes").write_text(NO_CONVERSION, encoding="utf-8")
        yield root


#: The most bytes a pushed tree's files may hold, every path counted: the gate writes each
#: one out, so one blob of zeros listed under a thousand paths (a push of a few KB) would
#: fill the server's disk.
MAX_TREE_BYTES = 2 * 1024**3


#: The most files the gate checks out of a pushed tree. Three trees of 1,000 entries each
#: naming the next make 10^9 paths in 130 KB of objects: their listing alone took more
#: memory than the server had (found by an attack).
MAX_TREE_FILES = 200_000


def tree_bytes(root: Path, commit: str) -> int:
    """How many bytes checking ``commit`` out writes (its blobs' sizes, once per path),
    read from the scratch repository at ``root`` without writing any. The listing is read
    as it comes: RefusedError, and git stopped, once it names more than
    :data:`MAX_TREE_FILES` files."""
    args = ["git", *_SAFE, "ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    total = files = 0
    rest = b""
    with subprocess.Popen(args, cwd=root, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            while chunk := process.stdout.read(1 << 16):
                entries = (rest + chunk).split(b"\0")
                rest = entries.pop()
                files += len(entries)
                if files > MAX_TREE_FILES:
                    raise RefusedError(_(
                        "the pushed tree names more than {most} files; expected at most that"
                        " many (the gate writes every file out to judge it)"
                    ).format(most=MAX_TREE_FILES))
                total += sum(_blob_size(entry) for entry in entries)
        except BaseException:
            process.kill()
            raise
        problem = process.stderr.read(1 << 16).decode("utf-8", "replace").strip()
        process.wait(timeout=_TIMEOUT)
    if process.returncode != 0 or rest:
        raise RefusedError(_("git {command} failed: {problem}").format(
            command="ls-tree", problem=problem or f"exit {process.returncode}"))
    return total


def _blob_size(entry: bytes) -> int:
    fields = entry.split(b"\t", 1)[0].split()
    if len(fields) == 4 and fields[1] == b"blob" and fields[3].isdigit():
        return int(fields[3])
    return 0


def lay_out(root: Path, commit: str) -> None:
    """Check ``commit`` out, detached, in the scratch repository at ``root``: links as
    links, every file byte for byte as git holds it (see :data:`NO_CONVERSION`); git itself
    refuses paths such as ``.git`` or ``..``. RefusedError, and nothing written, if its
    files hold more than :data:`MAX_TREE_BYTES`."""
    size = tree_bytes(root, commit)
    if size > MAX_TREE_BYTES:
        raise RefusedError(
            _(
                "the pushed tree's files hold {size} bytes; expected at most {most} (the gate"
                " writes every file out to judge it)"
            ).format(size=size, most=MAX_TREE_BYTES)
        )
    settings = ("-c", "core.symlinks=true", "-c", "core.autocrlf=false")
    _git(*settings, "checkout", "-q", "--detach", commit, cwd=root)


def set_branch(root: Path, name: str, commit: str) -> None:
    """Create the branch ``name`` at ``commit`` in the scratch repository at ``root``."""
    _git("update-ref", f"refs/heads/{name}", commit, cwd=root)


def is_ancestor(root: Path, old: str, new: str) -> bool:
    """Whether ``old`` is an ancestor of ``new`` (a fast-forward), read in the scratch
    repository at ``root``."""
    result = _git("merge-base", "--is-ancestor", old, new, cwd=root, check=False)
    if result.returncode not in (0, 1):
        problem = result.stderr.decode("utf-8", "replace").strip()
        raise RefusedError(
            _("git {command} failed: {problem}").format(command="merge-base", problem=problem)
        )
    return result.returncode == 0
