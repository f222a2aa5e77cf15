"""``warta laporan``: the AKIP report of a period, from the items whose signed records verify.

The repository is read through the one pipeline (:func:`warta.repository.open_repository`),
so an item counts exactly when ``warta validate`` finds its records sound; the figures are
:mod:`warta.model.performance`; the open items are ``warta status``'s queue
(:func:`warta.queue.queue`) at the report's moment. The report is internal: it is written
where the user asks, never under the site's sources, and the site never builds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from warta.adapters import gitread
from warta.adapters.git import git, is_repo
from warta.adapters.items import parse_bytes
from warta.adapters.textfile import MAX_BYTES
from warta.errors import RefusedError, UsageError
from warta.i18n import _
from warta.laporan.editions import Edition, read_editions
from warta.model.closure import ITEM_FILE
from warta.model.edition import print_step
from warta.model.history import read_history
from warta.model.item import NewsItem, content_digest
from warta.model.performance import (
    Embargoes,
    Figures,
    Period,
    Printing,
    as_at,
    compute,
    wait_began,
    year_period,
)
from warta.model.sop import Step
from warta.queue import queue
from warta.repository import Repository
from warta.standing import HISTORY_LIMIT
from warta.validate import Verdict

#: The schema of ``warta laporan --format json`` (raise it on any incompatible change).
SCHEMA = "warta.laporan/1"
#: Errors that mean an item's records do not verify or cannot be read in the SOP's order:
#: such an item is left out of every figure (and listed, with why).
UNSOUND = (
    "signature.",
    "signoff.",
    "time.",
    "order.",
    "return.",
    "withdraw.",
    "correct.",
    "take-back.",
    "duty.",
    # a copy of another item's folder (same id, or a folder its URL does not name) would
    # count the same work twice
    "id.",
    "url.",
)


@dataclass(frozen=True)
class Excluded:
    path: str
    id: str
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OpenItem:
    id: str
    path: str
    title: str
    step: Step
    since: datetime
    waited: float
    unit: str
    text: str
    exceeded: bool


@dataclass(frozen=True)
class Laporan:
    figures: Figures
    open: tuple[OpenItem, ...]
    excluded: tuple[Excluded, ...]
    editions: tuple[Edition, ...]
    commit: str | None
    dirty: bool
    command: str
    sop_number: str
    sop_name: str
    unit: str
    zone: str


def _unsound(verdict: Verdict) -> tuple[str, ...]:
    """Why ``verdict``'s item cannot be counted (empty: it can)."""
    item = verdict.item
    if item is None or not item.signoffs_readable:
        rules = [f"[{f.rule}] {f.message}" for f in verdict.findings if f.is_error]
        return tuple(rules[:3]) or (_("the item cannot be read"),)
    return tuple(
        f"[{f.rule}] {f.message}"
        for f in verdict.findings
        if f.is_error and f.rule.startswith(UNSOUND)
    )[:3]


def _signed_title(item: NewsItem) -> NewsItem:
    """``item`` as the report shows it: its title only if its last signature covers the
    text as it is (a title edited after approval, or after the last step while the next may
    still change the text, is nobody's word yet)."""
    last = next((s.content for s in reversed(item.signoffs) if s.content), None)
    if last != content_digest(item.fields, item.body):
        return replace(
            item,
            title=_("(title not shown: the text changed after its last signature; {id})").format(
                id=item.id or item.path
            ),
        )
    return item


#: Rules of a record whose signature, signer or role does not hold.
FORGED = ("signature.", "signoff.")


def _out_of_order(verdict: Verdict, project: Repository) -> str | None:
    """The step of the record at which the history of ``verdict``'s item leaves the SOP's
    order, if any, and if that record and every one before it verify: a record nobody
    signed is anyone's, and made-up records in a pushed file turned a step's "dilaksanakan
    dengan baik" to "tidak" (found by an independent attack)."""
    item = verdict.item
    if item is None or not item.signoffs_readable:
        return None
    history = read_history(item, project.sop)
    if not history.problems:
        return None
    line = history.problems[0].line
    index = next((n for n, s in enumerate(item.signoffs) if s.line == line), None)
    if index is None:
        return None
    forged = {f.line for f in verdict.findings if f.is_error and f.rule.startswith(FORGED)}
    if any(s.line in forged for s in item.signoffs[: index + 1]):
        return None
    record = item.signoffs[index]
    return record.step or record.to or None


@dataclass(frozen=True)
class Split:
    """The items whose records verify (``counted``), the others with why (``excluded``),
    per step the items left out for a record of it out of order (``disorder``), and by item
    path the embargo of each text the counted items' approvals signed (``embargoes``)."""

    counted: list[NewsItem]
    excluded: list[Excluded]
    disorder: dict[str, int]
    embargoes: dict[str, Embargoes]


def split(project: Repository, *, public: bool = False) -> Split:
    """The items of the figures (:class:`Split`). ``public``: leave out, too, the items
    whose signed embargo is still running (the public page counts nothing the site does not
    show)."""
    counted: list[NewsItem] = []
    excluded: list[Excluded] = []
    disorder: dict[str, int] = {}
    embargoes: dict[str, Embargoes] = {}
    budget = HistoryBudget()
    for verdict in project.report.verdicts:
        if not verdict.path.endswith(f"/{ITEM_FILE}"):
            continue  # a stray file under berita/ is no item (validate reports it)
        item = verdict.item
        reasons = _unsound(verdict)
        # (only an item whose records verify is looked up in the history: anyone can push
        # an item with a made-up approval)
        signed = (
            signed_embargoes(project, item, budget) if item is not None and not reasons else None
        )
        if public and (
            verdict.embargo is not None
            or _embargoed(item, signed, project, file=bool(reasons))
        ):
            continue
        if not reasons and signed is None:
            reasons = (
                "[embargo.unknown] "
                + _(
                    "the text an approval signed is neither the file as it is nor a version in"
                    " its git history (of the oldest {count} read), so when the item went out"
                    " (its embargo) is not known"
                ).format(count=HistoryBudget().per_item),
            )
        if not reasons and item is not None and signed is not None:
            counted.append(_signed_title(item))
            embargoes[item.path] = signed
            continue
        step = _out_of_order(verdict, project)
        if step is not None:
            disorder[step] = disorder.get(step, 0) + 1
        excluded.append(
            Excluded(
                verdict.path,
                (item.id if item else None) or "",
                (_signed_title(item).title if item else None) or "",
                reasons,
            )
        )
    return Split(counted, excluded, disorder, embargoes)


@dataclass
class HistoryBudget:
    """How many versions of items' files one report may still read from the git history
    (each item's at most ``per_item``): an attacker with push rights adds versions for
    nothing, and each is read and parsed (400 of them took a report from 0.7 s to 27 s;
    found by an independent attack). Beyond it, when an item went out is not known."""

    left: int = 2_000
    per_item: int = 200


def signed_embargoes(
    project: Repository, item: NewsItem, budget: HistoryBudget | None = None
) -> Embargoes | None:
    """The embargo of each text an approval of ``item`` signed, by its content digest: the
    file's own when the file holds that text, else the version of the file in its git
    history that holds it (its digest covers the embargo), read oldest first (the approved
    versions come before anything pushed since) within ``budget``; None when one of them is
    in neither, or not within the budget (then when the item went out is not known)."""
    gate = project.sop.gate.id
    wanted = {
        s.content for s in item.signoffs if s.is_step and s.step == gate and s.sig
    }
    found: dict[str | None, datetime | None] = {}
    if content_digest(item.fields, item.body) in wanted:
        found[content_digest(item.fields, item.body)] = item.embargo
    if wanted <= found.keys():
        return found
    budget = budget if budget is not None else HistoryBudget()
    seen: set[bytes] = set()
    try:  # (read lazily, a batch of commits at a time)
        for _commit, raw in gitread.path_history(
            project.root, item.path, min(budget.per_item, HISTORY_LIMIT), MAX_BYTES,
            oldest_first=True,
        ):
            if budget.left <= 0:
                return None
            if raw is None or hashlib.sha256(raw).digest() in seen:
                continue
            seen.add(hashlib.sha256(raw).digest())
            budget.left -= 1
            old = parse_bytes(raw, item.path).item
            if old is None:
                continue
            digest = content_digest(old.fields, old.body)
            if digest in wanted:
                found.setdefault(digest, old.embargo)
                if wanted <= found.keys():
                    return found
    except UsageError:
        return None
    return None


def open_items(project: Repository, items: Iterable[NewsItem], at: datetime) -> list[OpenItem]:
    """The items waiting for a step at ``at`` (as ``warta status`` would list them then),
    longest wait first."""
    ctx = replace(project.context, now=at)
    standing = [i for i in (as_at(item, at) for item in items) if i.signoffs]
    out = []
    for row in queue(standing, ctx):
        step = row.next_step
        if step is None or row.withdrawn or not row.item.signoffs:
            continue
        since = (wait_began(row.item, ctx.sop, step, len(row.item.signoffs))
                 or row.item.signoffs[-1].at)
        calendar = ctx.sop.calendar
        waited = calendar.quantity(ctx.local(since), ctx.local(at), step.time)
        out.append(
            OpenItem(
                row.item.id or "",
                row.item.path,
                row.item.title or "",
                step,
                since,
                waited,
                calendar.unit_label(step.time),
                row.waited,
                row.overdue,
            )
        )
    out.sort(key=lambda o: (o.since, o.path))
    return out


def commit_of(project: Repository) -> tuple[str | None, bool]:
    """The commit the repository is at and whether its content or workflow differ from it."""
    root = project.root
    if not is_repo(root):
        return None, True
    head = git(root, "rev-parse", "--verify", "-q", "HEAD", check=False).stdout.strip()
    status = git(root, "status", "--porcelain", "--", "content", "workflow", check=False)
    return head or None, bool(status.stdout.strip())


def build(project: Repository, period: Period, at: datetime, command: str) -> Laporan:
    """The report of ``period`` as the repository stood at ``at``."""
    if not project.policy.trusted:
        raise RefusedError(
            _(
                "the workflow files are not trusted, so no figure can be computed; run"
                " 'warta validate' to see why"
            )
        )
    parts = split(project)
    items, excluded = parts.counted, parts.excluded
    sop = project.sop
    figures = compute(items, sop, project.roster, project.policy.zone, period, at,
                      parts.disorder, printing(project), parts.embargoes)
    commit, dirty = commit_of(project)
    editions = read_editions(project.editions, period, items, sop)
    return Laporan(
        figures,
        tuple(open_items(project, items, at)),
        tuple(excluded),
        tuple(editions),
        commit,
        dirty,
        command,
        sop.identity.number,
        sop.identity.name,
        sop.identity.unit,
        sop.timezone,
    )


def public_figures(project: Repository) -> Figures:
    """The figures of the public performance page: the year to date, from the items whose
    records verify (aggregates only; the page shows no names)."""
    now = project.policy.now
    period = year_period(now.astimezone(project.policy.zone).year)
    parts = split(project, public=True)
    return compute(parts.counted, project.sop, project.roster, project.policy.zone, period, now,
                   parts.disorder, printing(project), parts.embargoes)


def _embargoed(
    item: NewsItem | None, signed: Embargoes | None, project: Repository, *, file: bool = False
) -> bool:
    """Whether ``item``'s embargo has not passed yet, whatever became of the item (a
    withdrawn one too: its approval is not the public's to know before then): the embargo
    its last approval signed (``signed``: see :func:`signed_embargoes`; None, not known:
    then it counts as running), else (or with ``file``: an item whose records do not
    verify, never counted) the file's."""
    if item is None:
        return False
    if file:
        return item.embargo is not None and project.policy.now < item.embargo
    gate = project.sop.gate.id
    last = next(
        (s for s in reversed(item.signoffs) if s.is_step and s.step == gate and s.sig), None
    )
    if last is not None and signed is None:
        return True
    embargo = signed[last.content] if last is not None and signed is not None else item.embargo
    return embargo is not None and project.policy.now < embargo


def printing(project: Repository) -> Printing | None:
    """The printing step and the items the verified editions (any month, any revision)
    list, with the text each printed: a record of that step counts only over one of them."""
    step = print_step(project.sop)
    if step is None:
        return None
    printed = frozenset((i.id, i.content) for e in project.editions for i in e.items)
    return Printing(step.id, printed)
