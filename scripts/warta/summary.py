"""``warta summary --base REF``: what a pull request does to the news, for its reviewers.

The change is the working tree against the commit ``REF`` names. Both sides are judged the
way every command judges a repository: now with :func:`open_repository` (and the base
comparison of :mod:`warta.base`), the base by reading its files with git (objects only:
``ls-tree`` and ``cat-file``, nothing of the change runs) into a temporary folder and opening
that, under the pin in force now. Only the items whose files changed are copied and judged.

The view models here are rendered by :mod:`warta.summary_markdown` (pure).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from warta.adapters import gitread, safefs
from warta.adapters.git import git
from warta.adapters.items import parse_bytes
from warta.base import check_base, with_base
from warta.codeowners import roster_doubts
from warta.errors import WartaError
from warta.i18n import _, format_moment
from warta.model import policy as publication
from warta.model.findings import Finding
from warta.model.history import read_history
from warta.model.item import CORRECT, RETURN, NewsItem, Signoff, content_digest
from warta.model.office import format_span
from warta.model.performance import wait_began
from warta.queue import barred_people
from warta.repository import NEWS_DIR, Repository, open_repository
from warta.validate import Context, Report, Verdict

NEWS = NEWS_DIR.as_posix() + "/"
#: Files larger than this are not copied for the base's judgement (they then count missing).
MAX_COPY = 100 * 1024 * 1024
_PART = re.compile(r"^[^\x00/]+\Z")
#: A blob id that no git object has: a file that is here but is not a regular file.
_NOT_A_FILE = "-"


@dataclass(frozen=True)
class State:
    """An item's status on one side: ``verified`` when its signatures and rules hold (the
    status is then the one the signed records give), ``publishable`` when it is on the site."""

    status: str
    verified: bool
    publishable: bool
    #: when a verified item waiting only for its signed embargo goes out (as the office's
    #: local time, written out)
    scheduled: str | None = None


@dataclass(frozen=True)
class StepRow:
    label: str
    who: str
    role: str
    when: str
    took: str
    standard: str
    #: True over the Mutu Baku, False within it, None where none applies (a take-back)
    late: bool | None
    valid: bool
    reason: str = ""


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    account: str | None


@dataclass(frozen=True)
class NextStep:
    """The step an item waits for (``step`` None: nothing is due, ``note`` says why) and
    the people who may take it now."""

    step: str | None
    role: str = ""
    note: str = ""
    actors: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    id: str | None
    title: str
    before_path: str | None
    after_path: str | None
    before: State | None
    after: State | None
    steps: tuple[StepRow, ...] = ()
    blocking: tuple[Finding, ...] = ()
    next: NextStep | None = None
    #: the last record whose signature no longer covers the text and files as they stand
    #: ("3. penulisan, Dimas Prasetyo"), None when it does (or there is none)
    unsigned_since: str | None = None
    #: the item's own files this change added, changed or removed
    files: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Change:
    """A file outside any item that differs from the base: added, changed or removed."""

    path: str
    how: str


@dataclass(frozen=True)
class Summary:
    ref: str
    commit: str
    items: tuple[ItemChange, ...]
    others: tuple[Change, ...]
    #: workflow findings that block every item now
    workflow: tuple[Finding, ...] = ()
    #: whether the base could be judged (its workflow read and verified)
    base_verified: bool = True
    forge: str | None = None


def effect(change: ItemChange) -> int:
    """How much merging ``change`` does, for the order of the summary (0 first): 0 puts an
    item on the site or takes one off (now or at its embargo), removes or moves one; 1
    signs a step, or is held back by a finding; 2 the rest (a draft added or edited). No
    number of drafts pushes an item of the first kind into "… and N more items" (found by
    an independent attack)."""
    # an item waiting only for its embargo goes out by itself: it counts as out (an approval
    # under an embargo ending an hour after the check was ranked as a draft's step)
    before = change.before is not None and (
        change.before.publishable or change.before.scheduled is not None)
    after = change.after is not None and (
        change.after.publishable or change.after.scheduled is not None)
    if before != after or change.after is None or (
        change.before is not None and change.before_path != change.after_path
    ):
        return 0
    if change.steps or change.blocking:
        return 1
    return 2


# ---- what changed ------------------------------------------------------------------------


def blob_id(data: bytes, sha256: bool) -> str:
    """The id git gives a blob with these bytes."""
    header = f"blob {len(data)}\0".encode("ascii")
    algorithm = hashlib.sha256 if sha256 else hashlib.sha1
    return algorithm(header + data).hexdigest()


def _working_ids(root: Path, paths: Iterable[str], sha256: bool) -> dict[str, str]:
    """What git would record of each path here, as ``mode:id``: a regular file's mode and
    blob id, a link's target as its blob, a submodule's commit as the index holds it (any
    other: a marker no entry has; absent: left out). A re-pointed link, a submodule moved
    to another commit or a file made executable is a change too (none was listed; found by
    an independent attack)."""
    gitlinks = _gitlinks(root)
    out: dict[str, str] = {}
    for rel in paths:
        if rel in gitlinks:  # (its folder is empty unless the submodule was checked out)
            out[rel] = f"{GITLINK}:{gitlinks[rel]}"
            continue
        try:
            found = safefs.lstat_at(root, rel)
            if found is None:
                continue
            info, target = found
            if target is not None:
                data = os.fsencode(target)
                out[rel] = f"{LINK}:{blob_id(data, sha256)}"
            elif stat.S_ISREG(info.st_mode):
                mode = "100755" if info.st_mode & stat.S_IXUSR else "100644"
                data = safefs.read_bytes(root, rel, max_bytes=MAX_COPY)
                out[rel] = f"{mode}:{blob_id(data, sha256)}"
            else:
                out[rel] = _NOT_A_FILE
        except (safefs.UnsafePath, OSError):
            out[rel] = _NOT_A_FILE
    return out


#: git's modes of a symbolic link and of a submodule (a commit of another repository)
LINK, GITLINK = "120000", "160000"


def base_id(mode: str, sha: str) -> str:
    """What git records of an entry of the base, as :func:`_working_ids` gives it."""
    return f"{mode}:{sha}" if mode in (*gitread.REGULAR, LINK, GITLINK) else _NOT_A_FILE


def _gitlinks(root: Path) -> dict[str, str]:
    """The index's submodules: path -> the commit it records."""
    result = git(root, "ls-files", "-s", "-z", check=False)
    out: dict[str, str] = {}
    for entry in result.stdout.split("\0") if result.returncode == 0 else ():
        head, _tab, path = entry.partition("\t")
        fields = head.split()
        if len(fields) == 3 and fields[0] == GITLINK and path:
            out[path] = fields[1]
    return out


def _tracked(root: Path) -> list[str]:
    result = git(root, "ls-files", "-z", check=False)
    return [p for p in result.stdout.split("\0") if p] if result.returncode == 0 else []


def changed_paths(root: Path, base: Mapping[str, str], sha256: bool) -> dict[str, str]:
    """Every path whose file differs between the base (path -> blob id) and the working tree
    (tracked files, and every file under content/berita/): 'added', 'changed' or 'removed'
    in the running language."""
    news = [e.rel for e in safefs.walk(root, NEWS_DIR.as_posix()) if e.kind is not safefs.Kind.DIR]
    here = _working_ids(root, sorted({*base, *_tracked(root), *news}), sha256)
    out: dict[str, str] = {}
    for path in sorted({*base, *here}):
        before, after = base.get(path), here.get(path)
        if before == after:
            continue
        if before is None:
            out[path] = _("added")
        else:
            out[path] = _("removed") if after is None else _("changed")
    return out


def item_folder(path: str) -> str | None:
    """``content/berita/<year>/<slug>`` for a path inside such a folder."""
    parts = path.split("/")
    if len(parts) < 5 or not path.startswith(NEWS):
        return None
    return "/".join(parts[:4])


# ---- the base, judged ----------------------------------------------------------------------


def _copy_base(root: Path, blobs: list[gitread.Blob], folder: Path) -> None:
    """Write the regular files ``blobs`` of the base into ``folder`` (names with an empty,
    '.' or '..' part are skipped: git's tree may hold anything)."""
    data = gitread.read_blobs(root, (b.sha for b in blobs), MAX_COPY)
    for blob in blobs:
        parts = blob.path.split("/")
        raw = data.get(blob.sha)
        if raw is None or any(p in ("", ".", "..") or not _PART.match(p) for p in parts):
            continue
        target = folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            handle.write(raw)


def judge_base(repo: Repository, blobs: list[gitread.Blob]) -> Report | None:
    """The base's report over ``blobs`` (its workflow, site files and the changed items),
    under the pin in force now; None if its workflow cannot be read at all."""
    pin = repo.policy.pin.fingerprint if repo.policy.pin is not None else None
    with tempfile.TemporaryDirectory(prefix="warta-base-") as tmp:
        _copy_base(repo.root, blobs, Path(tmp))
        try:
            based = open_repository(
                Path(tmp),
                now=repo.policy.now,
                pin=pin,
                cache=False,
                keep_items=True,
                remember=False,
                jobs=1,
            )
        except WartaError:
            return None
        return based.report


def _state(verdict: Verdict, report: Report, ctx: Context) -> State:
    """Verified when nothing blocks the item or the workflow: its stated status then agrees
    with its signed records (check ``status``), so it is the status the signatures give."""
    blocking = publication.blocking([*report.workflow, *verdict.findings], strict=report.strict)
    status = verdict.status or "?"
    if verdict.item is not None and not blocking:
        scheduled = None
        if verdict.embargo is not None and not verdict.publishable:
            scheduled = format_moment(ctx.local(verdict.embargo))
        return State(status, True, verdict.publishable, scheduled)
    return State(status, False, False)


def _claimed(item: NewsItem | None) -> State | None:
    return State(item.status or "?", False, False) if item is not None else None


# ---- one item ------------------------------------------------------------------------------


def _when(ctx: Context, record: Signoff) -> str:
    return format_moment(ctx.local(record.at))


def _steps(
    item: NewsItem, before: NewsItem | None, verdict: Verdict, ctx: Context
) -> tuple[StepRow, ...]:
    """The records of ``item`` that the base's version did not have."""
    known = {s.sig for s in before.signoffs if s.sig} if before is not None else set()
    bad = {f.line for f in verdict.findings if f.rule.startswith("signature.")}
    rows: list[StepRow] = []
    for index, record in enumerate(item.signoffs):
        if record.sig and record.sig in known:
            continue
        person = ctx.roster.get(record.by)
        step = ctx.sop.step(record.step) if record.is_step else None
        role = ""
        if step is not None:
            title = ctx.sop.roles[step.role].title if step.role in ctx.sop.roles else step.role
            holding = person.holding(step.role, ctx.local_day(record)) if person else None
            role = f"Plt. {title}" if holding is not None and holding.acting else title
        took, late = "-", None
        if index > 0:
            previous = item.signoffs[index - 1]
            start = wait_began(item, ctx.sop, step, index) if step is not None else None
            if step is not None and start is not None:
                measured = ctx.measure(start, record.at, step.time)
                took, late = measured.text, measured.exceeded
            elif step is None:
                took = format_span(max(record.at - previous.at, timedelta()))
        if record.is_step:
            label = f"{step.number}. {record.step}" if step else record.step
        else:
            label = {
                RETURN: _("back to {step}").format(step=record.to),
                CORRECT: _("correction"),
            }.get(record.action, _("withdrawn"))
        rows.append(
            StepRow(
                label=label,
                who=person.name if person else record.by,
                role=role,
                when=_when(ctx, record),
                took=took,
                standard=step.time.label() if step else "-",
                late=late,
                valid=bool(record.sig) and record.line not in bad,
                reason=record.reason,
            )
        )
    return tuple(rows)


def _next(item: NewsItem, ctx: Context, trusted: bool, forge: str | None) -> NextStep:
    """The step ``item`` waits for and who may take it today (Plt. included, separation of
    duties applied), with their account on ``forge`` when the workflow verifies."""
    history = read_history(item, ctx.sop)
    if history.withdrawn is not None:
        return NextStep(None, note=_("withdrawn: no step until the item is returned"))
    step = ctx.sop.next_step(history.signed)
    if step is None:
        return NextStep(None, note=_("done: every step of the SOP is signed"))
    today = ctx.local(ctx.now).date()
    barred = barred_people(item, step, ctx)
    role = ctx.sop.roles.get(step.role)
    actors = []
    for person in ctx.roster.signers(step.role, today):
        if person.id in barred:
            continue
        holding = person.holding(step.role, today)
        short = role.short if role else step.role
        account = person.account(forge) if forge is not None and trusted else None
        label = f"Plt. {short}" if holding is not None and holding.acting else short
        actors.append(Actor(person.name, label, account))
    return NextStep(
        f"{step.number}. {step.id}", role.title if role else step.role, "", tuple(actors)
    )


# ---- the whole change ----------------------------------------------------------------------


def summarize(repo: Repository, ref: str, forge: str | None = None) -> Summary:
    """The change of the working tree against ``ref`` (UsageError if it names no commit)."""
    root = repo.root
    commit = gitread.resolve(root, ref)
    all_blobs = gitread.tree(root, commit, [], gitlinks=True)
    regular = {b.path: b.sha for b in all_blobs if b.mode in gitread.REGULAR}
    base_ids = {b.path: base_id(b.mode, b.sha) for b in all_blobs}
    changes = changed_paths(root, base_ids, sha256=len(commit) == 64)
    report = with_base(repo.report, check_base(repo, ref))
    verdicts = {v.path: v for v in report.verdicts}

    folders: set[str] = set()
    others: list[Change] = []
    inside: dict[str, list[Change]] = {}
    for path, how in changes.items():
        folder = item_folder(path)
        index = f"{folder}/index.md" if folder else None
        if index is not None and (index in regular or index in verdicts):
            folders.add(folder or "")
            if path != index:  # (the item's own file: the entry itself)
                inside.setdefault(index, []).append(Change(path, how))
        else:
            others.append(Change(path, how))

    base_items: dict[str, NewsItem] = {}
    for folder in sorted(folders):
        sha = regular.get(f"{folder}/index.md")
        raw = gitread.read_blobs(root, [sha], MAX_COPY).get(sha) if sha else None
        if raw is not None:
            loaded = parse_bytes(raw, f"{folder}/index.md").item
            if loaded is not None:
                base_items[loaded.path] = loaded
    wanted = {b for b in all_blobs if b.mode in gitread.REGULAR and _copied(b.path, folders)}
    base_report = judge_base(repo, sorted(wanted, key=lambda b: b.path))
    base_verdicts = {v.path: v for v in base_report.verdicts} if base_report else {}

    ctx = repo.context
    trusted = not roster_doubts(report.workflow)  # only then are accounts mentioned
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for folder in sorted(folders):
        path = f"{folder}/index.md"
        before, after = base_items.get(path), verdicts.get(path)
        for side, found in ((0, before.id if before else None), (1, after.id if after else None)):
            if (side == 0 and before is None) or (side == 1 and after is None):
                continue
            key = found or f"path:{path}"
            groups.setdefault(key, ([], []))[side].append(path)
    sides = _Sides(base_items, base_verdicts, base_report, verdicts, report)
    items = [
        _item_change(key, was, now, sides, ctx, trusted=trusted, forge=forge, inside=inside)
        for key, was, now in _pairs(groups)
    ]
    items.sort(key=lambda c: (effect(c), c.after_path or c.before_path or ""))
    return Summary(
        ref,
        commit,
        tuple(items),
        tuple(others),
        tuple(publication.blocking(report.workflow, strict=report.strict)),
        base_report is not None and not publication.blocking(base_report.workflow, strict=False),
        forge,
    )


def _pairs(
    groups: Mapping[str, tuple[list[str], list[str]]],
) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each group of files claiming one id, as the files before and after the change: one
    file on each side is that item (moved, if the paths differ); when two files claim the id
    on one side, each file is its own entry (a copy would otherwise hide the item's own file,
    or pass for its move)."""
    for key, (was, now) in groups.items():
        if len(was) <= 1 and len(now) <= 1:
            yield key, was, now
            continue
        for path in sorted({*was, *now}):
            yield key, [path] if path in was else [], [path] if path in now else []


def _copied(path: str, folders: set[str]) -> bool:
    folder = item_folder(path)
    return folder in folders if path.startswith(NEWS) else True


@dataclass(frozen=True)
class _Sides:
    base_items: Mapping[str, NewsItem]
    base_verdicts: Mapping[str, Verdict]
    base_report: Report | None
    verdicts: Mapping[str, Verdict]
    report: Report


def _item_change(
    key: str,
    was: list[str],
    now: list[str],
    sides: _Sides,
    ctx: Context,
    *,
    trusted: bool,
    forge: str | None,
    inside: Mapping[str, list[Change]],
) -> ItemChange:
    before_path = was[0] if was else None
    after_path = now[0] if now else None
    files = tuple(sorted(
        (c for path in {*was, *now} for c in inside.get(path, ())), key=lambda c: c.path))
    before_item = sides.base_items.get(before_path) if before_path else None
    before_verdict = sides.base_verdicts.get(before_path) if before_path else None
    before: State | None
    if before_verdict is not None and sides.base_report is not None:
        before = _state(before_verdict, sides.base_report, ctx)
    else:
        before = _claimed(before_item)
    report = sides.report
    verdict = sides.verdicts.get(after_path) if after_path else None
    item = verdict.item if verdict else None
    item_id = None if key.startswith("path:") else key
    base_title = before_item.title if before_item else None
    if verdict is None:  # removed: what the base comparison says of it
        gone = tuple(f for f in report.site if f.path == before_path and f.is_error)
        title = base_title or before_path or "?"
        return ItemChange(item_id, title, before_path, None, before, None, blocking=gone,
                          files=files)
    after = _state(verdict, report, ctx)
    blocking = tuple(publication.blocking(verdict.findings, strict=report.strict))
    steps: tuple[StepRow, ...] = ()
    following = None
    if item is not None:
        steps = _steps(item, before_item, verdict, ctx)
        following = _next(item, ctx, trusted, forge)
    title = (item.title if item else None) or base_title or after_path or "?"
    return ItemChange(
        item_id, title, before_path, after_path, before, after, steps, blocking, following,
        _unsigned_since(item, ctx) if item is not None else None, files,
    )


def _unsigned_since(item: NewsItem, ctx: Context) -> str | None:
    """The last record, if its signature does not cover the text and files as they stand
    (an edit the next step may sign: allowed, but the reviewer is told; a figure changed in
    a colleague's signed draft read "no step was signed in this change", noted by an
    independent attack)."""
    last = next((r for r in reversed(item.signoffs) if r.content), None)
    if last is None or last.content == content_digest(item.fields, item.body):
        return None
    person = ctx.roster.get(last.by)
    step = ctx.sop.step(last.step) if last.is_step else None
    label = f"{step.number}. {last.step}" if step is not None else (last.action or last.step)
    return f"{label}, {person.name if person else last.by}"
