"""The publication closure as a plan, a staged folder and an account of the output.

From a judged :class:`~warta.repository.Repository`, :func:`plan` says exactly which files a
build may read: the items it shows (approved ones; in a reviewer's preview, drafts too), the
files each carries, and the site's own files an administrator signed. :func:`stage` copies
exactly those into a fresh folder that MkDocs then builds from (its ``docs_dir``), each copy
checked against its signed SHA-256 as it is made, so MkDocs never walks the repository, never
follows a link and never reads a byte nobody signed. After the build, :func:`account` looks at
every file in the output: each must be a page the build rendered or a copy whose bytes are
the signed ones; anything else is unaccounted for.

An item whose correction (Ralat) is in progress keeps its approved version on the site,
found in git history and judged again (:mod:`warta.standing`); the draft is never shown.

A withdrawn item is not shown, but its URL keeps a public notice (:class:`Withdrawn`) if, and
only if, the validator found nothing against it: its withdrawal is then validly signed by a
role ``take_back.withdraw_by`` names, and came after a valid approval whose content the file
still has (or, withdrawn during a correction, after the approval that correction corrects:
the title then comes from that version in git history). A notice carries none of the item's
files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from warta.adapters import safefs
from warta.i18n import _
from warta.model import policy
from warta.model.closure import DOCS, output_clash, too_long, twins, type_problem
from warta.model.findings import Finding
from warta.model.history import read_history
from warta.model.item import NewsItem, Signoff, item_url
from warta.model.photo import is_raster
from warta.repository import Repository
from warta.standing import approved_version, standing_version
from warta.validate import Verdict

DOCS_PREFIX = f"{DOCS}/"
#: The docs path of the news folder: the files of items.
NEWS_PREFIX = "berita/"
#: What an output path is expected to hold: a digest of its exact bytes, or RENDERED.
RENDERED = "rendered"


@dataclass(frozen=True)
class Shown:
    """An item the site shows, where its page goes, and the files it carries (docs path ->
    digest)."""

    verdict: Verdict
    item: NewsItem
    src_uri: str
    files: Mapping[str, str]


@dataclass(frozen=True)
class Withdrawn:
    """A withdrawn item whose URL keeps a notice: the approved title, the signed record."""

    path: str
    src_uri: str
    title: str
    record: Signoff


@dataclass
class Plan:
    items: dict[str, Shown] = field(default_factory=dict)
    #: docs path -> the notice of a validly withdrawn item (no files of it are staged)
    withdrawn: dict[str, Withdrawn] = field(default_factory=dict)
    #: docs path -> (repository path, digest) of every file to stage
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: custom_dir path -> (repository path, digest)
    theme: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: why an item in correction is left out (its approved version could not be kept)
    findings: list[Finding] = field(default_factory=list)


def plan(repo: Repository, *, preview: bool = False) -> Plan:
    """What a build may read: the closure (drafts too, in a preview)."""
    out = Plan()
    for judged in repo.report.verdicts:
        verdict, item = judged, repo.items.get(judged.path)
        if item is None or not verdict.path.startswith(DOCS_PREFIX):
            continue
        if not (verdict.publishable or preview):
            standing = standing_version(repo, item, verdict)
            if standing is not None and standing.finding is not None:
                out.findings.append(standing.finding)
            if standing is not None and standing.item is not None and standing.verdict:
                verdict, item = standing.verdict, standing.item
            else:
                notice = withdrawal(repo, verdict, item)
                if notice is not None:
                    uri = verdict.path[len(DOCS_PREFIX) :]
                    out.withdrawn[uri] = Withdrawn(verdict.path, uri, notice[0], notice[1])
                continue
        if not verdict.publishable and not _where_it_would_be(repo, item):
            continue  # a draft shown elsewhere could take a generated page's place
        src_uri = verdict.path[len(DOCS_PREFIX) :]
        folder = src_uri.rsplit("/", 1)[0] + "/"
        files: dict[str, str] = {}
        if verdict.publishable:
            files = {folder + a.path: a.digest for a in item.attachments}
        else:  # a draft in a preview: its regular, harmless files as they are now
            found = repo.folder_of(verdict.path)
            raster = {o.rel for o in found if o.regular and is_raster(o.rel)}
            twinned = twins(o.rel for o in found if o.kind != "folder")
            for observed in found:
                if (
                    observed.regular
                    and observed.digest
                    and observed.rel != "index.md"
                    and observed.nlink == 1
                    and not observed.problems
                    and type_problem(observed.rel) is None
                    and output_clash(observed.rel, raster) is None
                    and observed.rel not in twinned
                    and too_long(folder, observed.rel) is None
                ):
                    files[folder + observed.rel] = observed.digest
        out.items[src_uri] = Shown(verdict, item, src_uri, files)
        for uri, digest in files.items():
            out.files[uri] = (DOCS_PREFIX + uri, digest)
    for path, digest in repo.admitted_sources.items():
        if path.startswith(DOCS_PREFIX):
            out.files[path[len(DOCS_PREFIX) :]] = (path, digest)
        elif repo.policy.site is not None and repo.policy.site.custom_dir:
            custom = repo.policy.site.custom_dir.rstrip("/") + "/"
            if path.startswith(custom):
                out.theme[path[len(custom) :]] = (path, digest)
    return out


def withdrawal(repo: Repository, verdict: Verdict, item: NewsItem) -> tuple[str, Signoff] | None:
    """The approved title and the withdrawal record of an item that was validly published
    and then validly withdrawn; None for anything else (a draft, an unsigned or forged
    record, a signer without the role, a text changed since the approval, an untrusted
    workflow: every finding that blocks an item blocks its notice too).

    Withdrawn during a correction, the file holds the unapproved draft: the title is then
    the approved version's, from git history (:func:`warta.standing.approved_version`), or
    there is no notice. Withdrawn before its embargo passed, it was never published: no
    notice either."""
    sop, strict = repo.sop, repo.report.strict
    if verdict.publishable or item.id is None or item.title is None:
        return None
    if not policy.clears(repo.report.workflow, strict=strict):
        return None
    if not policy.clears(verdict.findings, strict=strict) or not item.signoffs_readable:
        return None
    history = read_history(item, sop)
    record = history.withdrawn
    if history.problems or record is None:
        return None
    if item.status != sop.take_back.withdrawn_status or not record.sig or not record.reason:
        return None
    if history.ended_correction is not None:
        found = approved_version(repo, item, history.ended_correction)
        if isinstance(found, str) or found[0].title is None or _unseen(
            found[0], record, repo.policy.now
        ):
            return None
        return found[0].title, record
    approval = history.signoff_for(sop.gate.id)
    if approval is None or not history.past_gate(sop):
        return None
    # the frozen-content check holds the text to the approved digest; say so here too
    if approval.content is None or record.content != approval.content:
        return None
    if _unseen(item, record, repo.policy.now):
        return None
    return item.title, record


def _where_it_would_be(repo: Repository, item: NewsItem) -> bool:
    """Whether the draft ``item`` lies at the URL its date and slug give (a preview shows a
    draft only there: ``content/berita/halaman/2/index.md`` would take a list page's place)."""
    url = item_url(item, repo.policy.zone)
    return url is not None and item.path == f"{DOCS_PREFIX}{url}index.md"


def _unseen(item: NewsItem, record: Signoff, now: datetime) -> bool:
    """Whether ``item`` was withdrawn before its signed embargo let it out, or the embargo
    has not passed yet by this run's clock (a withdrawal may be signed up to the allowed
    skew ahead of it): it was never published, so no notice may name it (its headline would
    leak)."""
    return item.embargo is not None and (record.at < item.embargo or now < item.embargo)


def stage(
    root: Path, files: Mapping[str, tuple[str, str]], dest: Path
) -> dict[str, tuple[str, str]]:
    """Copy each of the site's own files into ``dest`` (at its docs path) if its bytes now
    have the signed digest; UnsafePath (and a partial folder the caller removes) otherwise.
    The files of news items are not copied but handed back (docs path -> (repository path,
    digest)): the build reads and checks each as it writes it to the output
    (:class:`warta.mkdocs_plugin.files.VerifiedFile`), with no scratch copy."""
    left: dict[str, tuple[str, str]] = {}
    for uri, (rel, digest) in sorted(files.items()):
        if uri.startswith(NEWS_PREFIX):
            left[uri] = (rel, digest)
        else:
            safefs.copy_verified(root, rel, dest / uri, digest)
    return left


class Vouched(Protocol):
    """Knows output files whose bytes this build checked and that have not changed since
    (:meth:`warta.adapters.photostore.CopyStore.unchanged`)."""

    def unchanged(self, path: Path, digest: str, info: os.stat_result) -> bool: ...


class Unaccounted(str):
    """A line of the account of the output (``path: why``) that knows its path: a name may
    hold ``:`` itself (found by an independent attack: the part before the first one was
    removed instead)."""

    rel: str

    def __new__(cls, rel: str, why: str) -> Unaccounted:
        line = super().__new__(cls, f"{rel}: {why}")
        line.rel = rel
        return line


def account(
    site: Path, expected: Mapping[str, str], vouched: Sequence[Vouched] = ()
) -> list[Unaccounted]:
    """Every file under ``site`` that is not accounted for: not expected at that path, or a
    copy whose bytes are not the expected ones (relative paths, with why). A copy one of
    ``vouched`` linked to a file it checked, unchanged since, is not read again. Folders are
    visited as :func:`os.walk` visits them (each before what it holds), a link to a folder
    is not followed, each folder's entries are told in the order of their names, and a
    folder that cannot be listed is told (what it holds cannot be accounted for)."""
    problems: list[Unaccounted] = []
    pending = [(str(site), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(
                Unaccounted(
                    prefix.rstrip("/") or ".",
                    _("a folder that could not be listed ({error}); expected every folder of"
                      " the output readable").format(error=exc.strerror or exc),
                )
            )
            continue
        names = []
        folders = []
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                folders.append(entry)
            else:
                names.append(entry)
        for entry in sorted(names, key=lambda e: e.name):
            problem = _unaccounted(entry, prefix + entry.name, expected, vouched)
            if problem is not None:
                problems.append(problem)
        pending.extend((e.path, f"{prefix}{e.name}/") for e in reversed(folders))
    return problems


def _unaccounted(
    entry: os.DirEntry[str], rel: str, expected: Mapping[str, str], vouched: Sequence[Vouched]
) -> Unaccounted | None:
    """Why the output file ``entry`` (at ``rel``) is not accounted for (None: it is)."""
    want = expected.get(rel)
    if entry.is_symlink():
        return Unaccounted(rel, _("a symbolic link; expected no link in the output"))
    if want is None:
        return Unaccounted(rel, _("nothing the build was to write; expected no such file"))
    if not entry.is_file(follow_symlinks=False):  # (a pipe, socket or device put there)
        return Unaccounted(rel, _("not a regular file; expected the file the build wrote"))
    if want == RENDERED:
        return None
    path = Path(entry.path)
    if vouched:
        info = entry.stat(follow_symlinks=False)
        if any(v.unchanged(path, want, info) for v in vouched):
            return None
    with path.open("rb") as handle:
        found = "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    if found != want:
        return Unaccounted(
            rel, _("expected the signed {expected}, found {found}").format(
                expected=want, found=found
            )
        )
    return None
