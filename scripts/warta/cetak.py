"""``warta cetak``: compile an edition of the printed bulletin (the SOP's last step).

One action, as the role of the printing step (:func:`warta.model.edition.print_step`, the
Kasubag in the seed): choose the items that are publishable now and whose news day is in the
range, typeset them (:mod:`warta.typeset`), sign the printing step of every chosen item not
yet signed there (through :func:`warta.actions.sign_text`, with every check of
``warta sign``) with a note naming the edition and its manifest, sign the manifest, write the
PDF, the manifest and the items, and commit them all in one commit. Any refusal writes
nothing; a failed commit puts every file back.

Which items: publishable at that moment (approved by the gate, not withdrawn, not under an
embargo not yet over). An item under correction is left out (its approved text stays on the
site, but the printing step cannot be signed on a text under correction); so is a withdrawn
one. The run says what it left out and why.

A run never overwrites an edition: the first is ``content/cetak/<edition>/``, every later
one a new revision ``r2/``, ``r3/``, ... whose manifest names the previous one's signature.
A run whose items, digests, title and range equal the newest revision's is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from warta.actions import _refuse_bad_time, _refuse_invalid_key, _signer_person, sign_text
from warta.adapters import clock, safefs
from warta.adapters import git as gitops
from warta.adapters.atomic import write_bytes, write_text
from warta.adapters.editionfile import render
from warta.adapters.ssh import KeygenSigner
from warta.adapters.textfile import read_repo_text
from warta.errors import RefusedError, UsageError
from warta.i18n import _
from warta.model.closure import DOCS
from warta.model.edition import (
    MANIFEST,
    PDF,
    Edition,
    EditionItem,
    latest,
    month_range,
    payload,
    print_step,
    revision_folder,
)
from warta.model.findings import NOT_ARGUMENT_TEXT
from warta.model.history import read_history
from warta.model.item import NewsItem, content_digest
from warta.model.signing import NAMESPACE, chain_digest
from warta.model.sop import Step
from warta.publish import DOCS_PREFIX
from warta.repository import Repository
from warta.site.article import build_article
from warta.typeset import document
from warta.typeset.typst import compile_pdf, typeset_seconds

DEFAULT_TITLE = "Warta"
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@dataclass(frozen=True)
class LeftOut:
    path: str
    title: str
    why: str


@dataclass(frozen=True)
class Result:
    edition: Edition
    folder: str
    signed: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    pdf_bytes: int
    pages: int
    commit: str | None


def _range(edition: str, start: date | None, end: date | None) -> tuple[date, date]:
    month = month_range(edition)
    if month is None:
        raise UsageError(_("--edisi {value!r}: expected a month such as 2026-11").format(
            value=edition))
    start, end = start or month[0], end or month[1]
    if end < start:
        raise UsageError(_("--sampai {end} is before --dari {start}").format(
            end=end.isoformat(), start=start.isoformat()))
    return start, end


def choose(
    project: Repository, start: date, end: date, reporter_step: str
) -> tuple[list[document.Printed], list[LeftOut]]:
    """The items to print (publishable now, news day in range, in order of day and path) and
    those in range that are left out, with why."""
    sop, zone = project.sop, project.policy.zone
    chosen: list[tuple[date, str, document.Printed]] = []
    left: list[LeftOut] = []
    for verdict in project.report.verdicts:
        item = project.items.get(verdict.path)
        if item is None or item.id is None or not verdict.path.startswith(DOCS_PREFIX + "berita/"):
            continue
        day = item.day(zone)
        if day is None or not start <= day <= end:
            continue
        title = item.title or item.id
        if not verdict.publishable:
            left.append(LeftOut(verdict.path, title, _why_not(project, verdict.path)))
            continue
        waiting = _step_before_printing(project, item)
        if waiting is not None:  # (one such item refused the whole edition)
            left.append(LeftOut(verdict.path, title, waiting))
            continue
        article = build_article(
            item, src_uri=verdict.path[len(DOCS_PREFIX):], sop=sop, roster=project.roster,
            zone=zone, reporter_step=reporter_step,
        )
        rendered = project.rendered(item)
        if article is None or rendered is None:
            left.append(LeftOut(verdict.path, title, _("it could not be rendered")))
            continue
        digest = content_digest(item.fields, item.body)
        chosen.append((day, verdict.path, document.Printed(item, article, rendered.html, digest)))
    chosen.sort(key=lambda c: (c[0], c[1]))
    return [c[2] for c in chosen], sorted(left, key=lambda x: x.path)


def _step_before_printing(project: Repository, item: NewsItem) -> str | None:
    """Why a published item is not printed yet, if a step of the SOP between the gate and
    printing (an upload to the web, say) is still to be signed for it (found by an
    independent attack on other offices' SOPs)."""
    sop = project.sop
    history = read_history(item, sop)
    printing = print_step(sop)
    if printing is None or history.signoff_for(printing.id) is not None:
        return None  # (printed before: printed again as it stands)
    following = sop.next_step(history.signed)
    if following is None or following.id == printing.id:
        return None
    role = sop.roles[following.role].title if following.role in sop.roles else following.role
    return _("its step {step} ({role}) comes before printing and is not signed yet").format(
        step=f"{following.number}. {following.id}", role=role)


def _why_not(project: Repository, path: str) -> str:
    item = project.items[path]
    history = read_history(item, project.sop)
    verdict = next(v for v in project.report.verdicts if v.path == path)
    if history.withdrawn is not None:
        return _("withdrawn")
    if history.correcting is not None:
        return _("under correction: printed again once the corrected text is approved")
    if verdict.embargo is not None:
        return _("under embargo until {value}").format(value=verdict.embargo.isoformat())
    if not history.past_gate(project.sop):
        return _("not approved")
    return _("findings block its publication")


def _newest(project: Repository, edition: str) -> Edition | None:
    """The newest valid (signed) revision of the edition."""
    return latest([e for e in project.editions if e.edition == edition]).get(edition)


def _same(a: Edition, items: Sequence[EditionItem], title: str, start: date, end: date) -> bool:
    key = [(i.id, i.content) for i in a.items]
    return key == [(i.id, i.content) for i in items] and (a.title, a.start, a.end) == (
        title, start, end)


def _refuse_compiler(project: Repository, signer: KeygenSigner, step: Step, day: date,
                     as_person: str | None) -> str:
    person = _signer_person(project, signer, as_person)
    if not person.holds(step.role, day):
        role = project.sop.roles[step.role].title if step.role in project.sop.roles else step.role
        raise RefusedError(_(
            "{name} ({id}) does not hold the role of {role} on {day}, which compiles the"
            " edition (step '{step}'); nothing was written"
        ).format(name=person.name, id=person.id, role=role, day=day.isoformat(), step=step.id))
    _refuse_invalid_key(project, signer, person, day)
    return person.id


def compile_edition(
    project: Repository,
    signer: KeygenSigner,
    *,
    edition: str,
    start: date | None = None,
    end: date | None = None,
    title: str | None = None,
    as_person: str | None = None,
    now: datetime | None = None,
    commit: bool = True,
    reporter_step: str = "penulisan",
) -> Result:
    """Compile, sign, write and commit an edition (RefusedError/UsageError: nothing written)."""
    start, end = _range(edition, start, end)
    step = print_step(project.sop)
    if step is None:
        raise RefusedError(_(
            "sop.yml names no step that records printing (prints: true on the step after the"
            " publishing gate that compiles the bulletin); nothing was written"
        ))
    errors = [f for f in project.policy.workflow_findings if f.is_error]
    if errors:
        raise RefusedError(_(
            "the workflow files are not trusted, so nothing may be signed: {found}"
        ).format(found="; ".join(f"{f.location()}: {f.message}" for f in errors)))
    moment = (now or clock.now()).astimezone(project.context.zone).replace(microsecond=0)
    by = _refuse_compiler(project, signer, step, moment.date(), as_person)
    seconds = typeset_seconds()  # (a bad budget is a usage error before anything is signed)
    title = (title if title is not None else _site_name(project)).strip()
    if not title or len(title) > 120 or re.search(f"[{NOT_ARGUMENT_TEXT}]", title):
        raise UsageError(_("--judul: expected a title of 1 to 120 characters on one line"))
    printed, left_out = choose(project, start, end, reporter_step)
    if not printed:
        raise RefusedError(_(
            "no publishable item has a news day from {start} to {end}; nothing was written"
        ).format(start=start.isoformat(), end=end.isoformat()))
    for entry in printed:
        _refuse_bad_time(entry.item.path, entry.item, moment, project.context.now)
    listed = tuple(
        EditionItem(p.item.id or "", p.item.path, p.digest, p.article.title) for p in printed
    )
    newest = _newest(project, edition)
    if newest is not None and _same(newest, listed, title, start, end):
        raise RefusedError(_(
            "edition {edition} revision {revision} ({path}) already holds these items with these"
            " digests; nothing was written"
        ).format(edition=edition, revision=newest.revision, path=newest.path))
    # the next revision after the newest signed one: a folder nobody signed (however high
    # its number) never decides it; one standing in the way is refused, never overwritten
    revision = (newest.revision if newest is not None else 0) + 1
    folder = f"{DOCS}/{revision_folder(edition, revision)}"
    manifest_rel = folder + MANIFEST
    taken = [folder + name for name in (MANIFEST, PDF)]
    if revision > 1:
        taken.append(folder.rstrip("/"))
    if _in_the_way(project.root, folder.rstrip("/")) or any(
        safefs.lstat_kind(project.root / rel) is not None for rel in taken
    ):
        raise RefusedError(_(
            "{folder} already exists and holds no valid signed edition (see 'warta validate');"
            " remove it first; nothing was written"
        ).format(folder=folder))
    # recorded data (signed, shown on the item's page), in the office's language: no message
    note = f"Dicetak dalam edisi {edition} revisi {revision} ({manifest_rel})"
    new_texts: list[tuple[Path, bytes, str]] = []
    with gitops.action_lock(project.root):
        for entry in printed:
            history = read_history(entry.item, project.sop)
            if history.signoff_for(step.id) is not None:
                continue  # printed before: its printing step stays as signed
            path = project.root / entry.item.path
            text = read_repo_text(project.root, entry.item.path)
            if text.text is None:
                raise RefusedError(_("{path}: unreadable; nothing was written").format(
                    path=entry.item.path))
            new_text, _step, _person, _signoff = sign_text(
                project, entry.item.path, text.text, signer, step_id=step.id,
                as_person=as_person, note=note, now=moment,
            )
            new_texts.append((path, path.read_bytes(), new_text))
        pdf = _typeset(
            project, printed, edition=edition, revision=revision, title=title, start=start,
            end=end, moment=moment, seconds=seconds,
        )
        made = Edition(
            edition, revision, title, start, end, listed,
            "sha256:" + hashlib.sha256(pdf).hexdigest(), by, moment, moment.isoformat(),
            chain_digest(newest.sig) if newest is not None and newest.sig else None,
        )
        message = payload(made, office=project.policy.trust.office)
        armored = signer.sign(message, NAMESPACE)
        if project.policy.verifier.signer_key(message, armored, NAMESPACE) is None:
            raise RefusedError(_("the new signature does not verify; nothing was changed"))
        made = replace(made, sig=armored.strip(), path=manifest_rel)
        sha = _write(
            project, folder, pdf=pdf, manifest=render(made), items=new_texts, made=made, by=by,
            step=step, commit=commit,
        )
    return Result(made, folder, tuple(p.relative_to(project.root).as_posix()
                                      for p, _r, _t in new_texts),
                  tuple(left_out), len(pdf), _pages(pdf), sha)


def _site_name(project: Repository) -> str:
    site = project.policy.site
    name = site.data.get("site_name") if site is not None else None
    return name if isinstance(name, str) and name.strip() else DEFAULT_TITLE


def _typeset(
    project: Repository, printed: Sequence[document.Printed], *, edition: str, revision: int,
    title: str, start: date, end: date, moment: datetime, seconds: float,
) -> bytes:
    site = project.policy.site
    data = site.data if site is not None else {}
    site_url = data.get("site_url") if isinstance(data.get("site_url"), str) else ""
    publisher = data.get("site_author") if isinstance(data.get("site_author"), str) else ""
    theme = data.get("theme")
    logo_path = theme.get("logo") if isinstance(theme, dict) else None
    logo = None
    if isinstance(logo_path, str):
        rel = f"{DOCS}/{logo_path.lstrip('/')}"
        digest = project.admitted_sources.get(rel)
        logo = (rel, digest) if digest else None
    meta = document.Meta(
        edition, revision, title, start, end, moment, str(site_url or ""), str(publisher or ""),
        logo,
    )
    gate = project.sop.gate
    reporter = next((s.role for s in project.sop.steps if s.edits), gate.role)
    compiled = print_step(project.sop)
    assert compiled is not None
    try:
        data_json, files = document.build(
            project.root, meta, printed, sop=project.sop, roster=project.roster,
            reporter_role=reporter, compile_role=compiled.role,
        )
        return compile_pdf(data_json, files, seconds)
    except safefs.UnsafePath as exc:
        raise RefusedError(_("{path}: {reason}; nothing was written").format(
            path=exc.rel, reason=exc.reason)) from None


def _pages(pdf: bytes) -> int:
    """The number of pages (page objects) of a PDF Warta just made."""
    return len(PAGE.findall(pdf))


def _write(
    project: Repository, folder: str, *, pdf: bytes, manifest: str,
    items: list[tuple[Path, bytes, str]], made: Edition, by: str, step: Step, commit: bool,
) -> str | None:
    """Write everything; commit it in one commit; on any failure put every file back."""
    root = project.root
    link = safefs.link_on_path(root, folder)
    if link is not None:  # a committed link would carry the edition out of the repository
        raise RefusedError(_(
            "{path} is a symbolic link; an edition is written only inside the repository;"
            " nothing was written"
        ).format(path=link))
    target = root / folder
    created = [d for d in (target, *target.parents) if not d.exists() and d.is_relative_to(root)]
    written: list[Path] = []  # (made by this run, exclusively: removed again on failure)
    before = gitops.head(root)
    try:
        target.mkdir(parents=True, exist_ok=True)  # the files themselves: exclusive
        write_bytes(target / PDF, pdf, exclusive=True)
        written.append(target / PDF)
        write_text(target / MANIFEST, manifest, exclusive=True)
        written.append(target / MANIFEST)
        for path, _raw, text in items:
            write_text(path, text)
        if not commit:
            return None
        ids = [i.id for i in made.items]
        return gitops.commit(
            root,
            [target / PDF, target / MANIFEST, *(p for p, _r, _t in items)],
            f"{step.number}. {step.id}: {made.title}, edisi {made.edition}"
            f" revisi {made.revision} ({len(ids)} berita)",
            {
                gitops.TRAILER_ITEM: ids,
                gitops.TRAILER_STEP: step.id,
                gitops.TRAILER_SIGNER: by,
                "Warta-Edition": f"{made.edition}/{made.revision}",
            },
        )
    except BaseException:
        if commit and gitops.head(root) != before:
            raise  # (committed: the files hold what HEAD holds)
        for path, raw, _text in items:
            write_bytes(path, raw)
            gitops.unstage(root, path)
        for name in (PDF, MANIFEST):
            with contextlib.suppress(FileNotFoundError):
                gitops.unstage(root, target / name)
        for path in written:  # (in a folder that was there before, too)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        for folder_made in sorted(created, key=lambda d: len(d.parts)):
            shutil.rmtree(folder_made, ignore_errors=True)
            break
        raise


def _in_the_way(root: Path, folder: str) -> bool:
    """Whether a file (not a folder, nor a link, refused on its own) stands where a folder of
    ``folder`` goes (``content/cetak`` a file: nothing below it can be written)."""
    parts = folder.split("/")
    for count in range(1, len(parts) + 1):
        kind = safefs.lstat_kind(root.joinpath(*parts[:count]))
        if kind is None:
            return False
        if kind in (safefs.Kind.FILE, safefs.Kind.SPECIAL):
            return True
    return False
