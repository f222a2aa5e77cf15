"""Read files as they are at a git revision (the base of a pull request), without a checkout.

Only ``git rev-parse``, ``git ls-tree``, ``git for-each-ref``, ``git diff-tree`` and
``git cat-file --batch`` run: they read objects and run no filters, hooks or textconv
programs, whatever the repository holds.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from warta.errors import UsageError
from warta.i18n import _

#: Git's mode of a regular file (and of an executable one); links and submodules are others.
REGULAR = ("100644", "100755")
#: every git command: no replace refs (a pushed refs/replace/<commit> would show another
#: tree for that commit), no hooks, no file-system monitor
_SAFE = ("--no-replace-objects", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null")
#: How long one git read may take, in seconds; one that takes longer is stopped, and the
#: command says so and exits 2 (``cli.main``)
TIMEOUT = 300


@dataclass(frozen=True)
class Blob:
    path: str
    mode: str
    sha: str


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", *_SAFE, *args],
        cwd=root,
        input=data,
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    if result.returncode != 0:
        problem = result.stderr.decode("utf-8", "replace").strip()
        raise UsageError(
            _("git {command} failed: {problem}").format(command=args[0], problem=problem)
        )
    return result.stdout


#: The leading ref name of a revision (``origin/main`` of ``origin/main~1``).
_REF_NAME = re.compile(r"[^~^:@{}\s]+")
_FULL_ID = re.compile(r"(?:[0-9a-f]{40}|[0-9a-f]{64})")
_SHORT_ID = re.compile(r"[0-9a-f]{4,63}")


def _ambiguous(root: Path, ref: str) -> list[str]:
    """Every ref git could take a short name such as ``main`` or ``origin/main`` for, when
    there is more than one (or one beside an abbreviated object id): git picks
    ``refs/tags/main`` before ``refs/heads/main`` and ``refs/tags/origin/main`` before
    ``refs/remotes/origin/main``, and anyone who can push may make such a tag."""
    found = _REF_NAME.match(ref)
    name = found.group() if found else ""
    if not name or name.startswith("refs/") or _FULL_ID.fullmatch(name):
        return []
    rules = ("refs/{}", "refs/tags/{}", "refs/heads/{}", "refs/remotes/{}", "refs/remotes/{}/HEAD")
    candidates = [rule.format(name) for rule in rules]
    listed = _git(root, "for-each-ref", "--format=%(refname)", "--", *candidates)
    existing = set(listed.decode("utf-8", "surrogateescape").split("\n"))
    named = [c for c in candidates if c in existing]
    if len(named) > 1 or (named and _SHORT_ID.fullmatch(name)):
        return named
    return []


def resolve(root: Path, ref: str) -> str:
    """The commit ``ref`` names, or a usage error saying it names none or could name more
    than one (:func:`_ambiguous`)."""
    if not ref or ref.startswith("-"):
        raise UsageError(_("--base {ref!r} is not a git revision").format(ref=ref))
    named = _ambiguous(root, ref)
    if named:
        raise UsageError(
            _(
                "--base {ref!r} is ambiguous: it names {names} (a tag or branch"
                " pushed with that name shadows the target branch); expected the full name of"
                " the target branch, e.g. --base {full}"
            ).format(ref=ref, names=_(" and ").join(named), full=named[-1])
        )
    try:
        out = _git(
            root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        )
    except UsageError:
        raise UsageError(
            _(
                "--base {ref!r} names no commit in this repository; expected the target branch"
                " (fetch it first, e.g. git fetch origin main, then --base origin/main)"
            ).format(ref=ref)
        ) from None
    return out.decode("ascii").strip()


def tree(root: Path, commit: str, folders: Iterable[str], *, gitlinks: bool = False) -> list[Blob]:
    """Every file under ``folders`` at ``commit``: path, mode and object id (with
    ``gitlinks``, each submodule too: mode 160000 and the commit it records)."""
    out = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *folders)
    blobs: list[Blob] = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _tab, name = entry.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split()
        if kind == "blob" or (gitlinks and kind == "commit"):
            blobs.append(Blob(name.decode("utf-8", "surrogateescape"), mode, sha))
    return blobs


def read_blobs(
    root: Path, shas: Iterable[str], limit: int, *, missing_ok: bool = False
) -> dict[str, bytes | None]:
    """The bytes of each object (None for one larger than ``limit`` bytes, or, with
    ``missing_ok``, for a name that names no object, as ``COMMIT:PATH`` does where the commit
    deleted the file). An object the repository lacks is a usage error otherwise: what it held
    (a signed item at ``--base``) would drop out of the comparison unseen."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    # the sizes first: an object larger than ``limit`` is never read (versions of 1 GiB that
    # pack to almost nothing, 200 to a batch, were read whole into memory before their size
    # was looked at; found by an independent attack)
    checked = _git(
        root, "cat-file", "--batch-check", data="".join(f"{s}\n" for s in wanted).encode()
    ).decode("ascii", "replace").split("\n")
    answers = dict(zip(wanted, checked, strict=False))
    sizes: dict[str, int | None] = {}
    for sha in wanted:
        parts = answers.get(sha, "").split()
        sizes[sha] = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else None
    small = [sha for sha in wanted if (size := sizes[sha]) is not None and size <= limit]
    out = (
        _git(root, "cat-file", "--batch", data="".join(f"{s}\n" for s in small).encode())
        if small
        else b""
    )
    found: dict[str, bytes | None] = {}
    position = 0
    for sha in wanted:
        size = sizes[sha]
        if size is None:
            if not missing_ok:
                raise UsageError(
                    _(
                        "git object {sha} is not in this repository ({answer}); expected the"
                        " whole history of the commits compared (a shallow or partial clone"
                        " lacks it: fetch it, e.g. git fetch --unshallow)"
                    ).format(sha=sha, answer=" ".join(answers.get(sha, "").split()[1:]) or "?")
                )
            found[sha] = None
        elif size > limit:
            found[sha] = None
        else:  # (in the order asked: each object's header, its bytes, a newline)
            end = out.index(b"\n", position)
            position = end + 1
            found[sha] = out[position : position + size]
            position += size + 1
    return found


def path_history(
    root: Path, rel: str, limit: int, max_bytes: int, *, batch: int = 32,
    oldest_first: bool = False,
) -> Iterator[tuple[str, bytes | None]]:
    """Each version of the file ``rel`` in the commits reachable from HEAD that changed it,
    once, with the first commit that holds it in the order asked: newest first (or the
    oldest first); None for a version larger than ``max_bytes``. At most ``limit`` commits
    are looked at. A commit where the file is no blob (deleted, a folder, a submodule) gives
    nothing. Versions are read ``batch`` at a time, so that a caller who stops early reads
    no more (and at most ``batch`` versions are held at once). A shallow clone holds only
    the commits it fetched.

    Which object each commit holds is asked first (``cat-file --batch-check``, no file is
    read), so a version committed again and again is read once: commits that change the file
    and put it back leave no diff anyone reviews, and each of 20,000 such commits was read
    and parsed on every build of an item in correction (found by an independent attack)."""
    if not rel or any(c.isspace() or ord(c) < 32 for c in rel) or rel.startswith("-"):
        return
    try:
        if oldest_first:
            # (parents before children whatever the commits' dates say: a date is the
            # committer's to write)
            listed = _git(
                root, "rev-list", "--full-history", "--topo-order", "--reverse", "HEAD", "--", rel
            )
        else:
            listed = _git(
                root, "rev-list", "--full-history", f"--max-count={limit}", "HEAD", "--", rel
            )
    except UsageError:
        return  # no commit yet, or no HEAD: nothing in the history
    commits = listed.decode("ascii").split()[:limit]
    if not commits:
        return
    names = "".join(f"{commit}:{rel}\n" for commit in commits).encode()
    answers = _git(root, "cat-file", "--batch-check", data=names).decode("ascii", "replace")
    versions: list[tuple[str, str]] = []  # (commit, object), each object once
    seen: set[str] = set()
    for commit, answer in zip(commits, answers.split("\n"), strict=False):
        parts = answer.split()
        if len(parts) == 3 and parts[1] == "blob" and parts[0] not in seen:
            seen.add(parts[0])
            versions.append((commit, parts[0]))
    for start in range(0, len(versions), batch):
        chunk = versions[start : start + batch]
        found = read_blobs(root, [sha for _commit, sha in chunk], max_bytes)
        yield from ((commit, found.get(sha)) for commit, sha in chunk)


def path_commits(root: Path, rel: str, limit: int) -> list[tuple[str, tuple[str, ...], str | None]]:
    """Each commit reachable from HEAD that changed the file ``rel`` (every parent of a merge
    followed), the oldest first, with its parents among them (git's rewritten parents: the
    nearest that changed the file) and the object the file is there (None where it is no
    file); at most ``limit`` commits."""
    if not rel or any(c.isspace() or ord(c) < 32 for c in rel) or rel.startswith("-"):
        return []
    try:
        listed = _git(root, "rev-list", "--full-history", "--parents", "--topo-order",
                      "--reverse", "HEAD", "--", rel)
    except UsageError:
        return []
    rows = [line.split() for line in listed.decode("ascii").splitlines() if line][:limit]
    if not rows:
        return []
    names = "".join(f"{row[0]}:{rel}\n" for row in rows).encode()
    answers = _git(root, "cat-file", "--batch-check", data=names).decode("ascii", "replace")
    out: list[tuple[str, tuple[str, ...], str | None]] = []
    for row, answer in zip(rows, answers.split("\n"), strict=False):
        parts = answer.split()
        blob = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
        out.append((row[0], tuple(row[1:]), blob))
    return out


def step_trailers(root: Path, commits: Iterable[str]) -> dict[str, frozenset[str]]:
    """The ``Warta-Step`` trailer values of each commit (by full id)."""
    wanted = [c for c in dict.fromkeys(commits) if _FULL_ID.fullmatch(c)]
    if not wanted:
        return {}
    # records start with a token no commit message can know in advance: a trailer holding
    # separators of its own cannot forge another commit's record
    token = secrets.token_hex(16)
    fmt = f"{token}%H%x1f%(trailers:key=Warta-Step,valueonly,separator=%x1f)"
    out = _git(root, "log", "--no-walk=unsorted", f"--format={fmt}", *wanted)
    found: dict[str, frozenset[str]] = {}
    for record in out.decode("utf-8", "replace").split(token)[1:]:
        commit, _sep, values = record.strip("\n").partition("\x1f")
        if commit in wanted and commit not in found:
            found[commit] = frozenset(v.strip() for v in values.split("\x1f"))
    return found


#: ``git for-each-ref --format=…`` for :func:`tips_of` (an annotated tag peeled to its commit)
TIPS_FORMAT = "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)"


def ref_tips(root: Path) -> dict[str, str]:
    """Every commit a ref of the repository points at (its branches, the remote branches it
    fetched, tags, a forge's pull-request refs), with one ref that names it."""
    return tips_of(_git(root, "for-each-ref", TIPS_FORMAT))


def tips_of(out: bytes) -> dict[str, str]:
    """What ``git for-each-ref`` with :data:`TIPS_FORMAT` printed: each commit, with the first
    ref naming it (an annotated tag stands for the commit it tags; refs to other objects are
    left out)."""
    tips: dict[str, str] = {}
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        sha, kind, peeled, peeled_kind, name = (line.split(" ", 4) + [""] * 5)[:5]
        if kind == "tag" and peeled_kind == "commit":
            sha, kind = peeled, peeled_kind
        if kind == "commit" and name:
            tips.setdefault(sha, name)
    return tips


def changed_files(
    root: Path, base: str, others: Iterable[str], folder: str
) -> dict[str, list[tuple[str, str]]]:
    """For each commit of ``others``, the files under ``folder`` that differ from the commit
    ``base`` and are there, each with its blob's id: tree objects compared, no file read,
    one git process for them all (one per ref made every gate slower by 3 ms per branch a
    writer pushed; found by an independent attack)."""
    wanted = list(dict.fromkeys(others))
    if not wanted:
        return {}
    lines = "".join(f"{other} {base}\n" for other in wanted).encode("ascii")
    out = _git(
        root, "diff-tree", "--stdin", "-r", "-z", "--no-renames", "--raw", "--",
        folder, data=lines,
    )
    changed: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    blob: str | None = None
    for token in out.split(b"\0"):
        text = token.decode("utf-8", "surrogateescape").strip("\n")
        if blob is not None:  # (the path after its ":old new old-id new-id status" line)
            if current is not None and _FULL_ID.fullmatch(blob) and blob.strip("0"):
                current.append((text, blob))
            blob = None
        elif text.startswith(":"):
            parts = text.split()
            blob = parts[3] if len(parts) >= 5 else ""
        elif _FULL_ID.fullmatch(text):  # (each commit that differs, then its files)
            current = changed.setdefault(text, [])
    return changed
