"""Editorial actions: sign the next SOP step, create an item (step 1), reopen after an edit.

Each action checks that it may happen now, signs with the signer's SSH key, writes the item
atomically and commits it; a refusal changes nothing. Before a step that may still change the
content, ``files`` is brought up to date with what the item's folder holds (path and SHA-256
of each file), so the signer signs exactly the files the item will publish.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from warta.adapters import git as gitops
from warta.adapters.atomic import write_bytes, write_text
from warta.adapters.faults import checkpoint
from warta.adapters.items import parse_item, relative
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.ssh import KeygenSigner, agent_keys, choose_public_key, git_signing_key
from warta.adapters.textfile import read_repo_text
from warta.errors import RefusedError, UsageError
from warta.model.closure import Observed, to_list
from warta.model.findings import Finding
from warta.model.item import Attachment, NewsItem, Signoff, content_digest
from warta.model.judgement import FUTURE_SKEW
from warta.model.roster import Person
from warta.model.signing import (
    NAMESPACE,
    chain_digest,
    fingerprint,
    key_owner,
    key_problem,
    payload,
)
from warta.model.sop import Step
from warta.repository import NEWS_DIR, Repository, observe_folder
from warta.validate import conclude, judge


@dataclass(frozen=True)
class SignResult:
    path: Path
    step: Step
    person: Person
    signoff: Signoff
    commit: str | None


def resolve_signer(root: Repository, key: Path | None, as_person: str | None) -> KeygenSigner:
    """The key to sign with: --key, else git's user.signingkey, else an ssh-agent key."""
    if key is not None:
        return KeygenSigner(keyfile=key.expanduser())
    configured = git_signing_key(root.root)
    if configured:
        if configured.startswith("key::"):
            return KeygenSigner(public_key=" ".join(configured[5:].split()[:2]))
        return KeygenSigner(keyfile=Path(configured).expanduser())
    wanted = [
        k.public_key
        for p in root.roster.people.values()
        for k in p.keys
        if as_person is None or p.id == as_person
    ]
    chosen = choose_public_key(agent_keys(), wanted)
    if chosen is None:
        raise UsageError(
            "no signing key: pass --key KEYFILE, set git's user.signingkey, or"
            " load a key listed in roster.yml into ssh-agent"
        )
    return KeygenSigner(public_key=chosen)


def _signer_person(project: Repository, signer: KeygenSigner, as_person: str | None) -> Person:
    owner = key_owner(project.roster, signer.public_key)
    if owner is None:
        raise RefusedError(
            f"key {fingerprint(signer.public_key)} is not in roster.yml; nothing was changed"
        )
    person, _ = owner
    if as_person is not None and as_person != person.id:
        raise RefusedError(
            f"key {fingerprint(signer.public_key)} belongs to {person.name}"
            f" ({person.id}), not {as_person!r}; nothing was changed"
        )
    return person


def listed_files(folder: tuple[Observed, ...]) -> tuple[Attachment, ...]:
    """What ``files`` must say for a folder holding ``folder``: every regular file but the
    item itself and hidden files, with its digest (links and special files are never
    listed: the validator refuses them)."""
    return tuple(Attachment(path, digest) for path, digest in sorted(to_list(folder).items()))


def _update_files(
    *,
    display: str,
    text: str,
    item: NewsItem,
    step: Step,
    project: Repository,
    folder: tuple[Observed, ...],
) -> tuple[str, NewsItem, list[Finding]]:
    """The text with ``files`` brought up to date with the folder, where the next step may
    still change the content; refused after the content is frozen."""
    wanted = listed_files(folder)
    have = tuple(Attachment(a.path, a.digest) for a in item.attachments)
    if wanted == have and ("files" in item.fields or not wanted):
        loaded = parse_item(text, display)
        return text, item, loaded.findings
    frozen = project.sop.frozen_from()
    if frozen is not None and step.number - 1 > frozen:
        changed = sorted({a.path for a in set(wanted) ^ set(have)})
        raise RefusedError(
            f"{display}: the files in the item's folder changed after approval"
            f" ({', '.join(changed)}); expected the approved files, so nothing was signed"
        )
    new_text = rewrite_workflow(
        text,
        status=item.status or project.sop.initial_status,
        approved_by=item.approved_by,
        signoffs=item.signoffs,
        files=wanted,
    )
    loaded = parse_item(new_text, display)
    if loaded.item is None:  # pragma: no cover - rewriting a readable item keeps it readable
        raise RefusedError(f"{display}: the list of files could not be written")
    return new_text, loaded.item, loaded.findings


def sign_text(
    project: Repository,
    display: str,
    text: str,
    signer: KeygenSigner,
    *,
    step_id: str | None = None,
    as_person: str | None = None,
    note: str = "",
    now: datetime | None = None,
) -> tuple[str, Step, Person, Signoff]:
    """The item text with the next step signed, or RefusedError saying why not."""
    loaded = parse_item(text, display)
    item = loaded.item
    if item is None or item.id is None:
        reasons = "; ".join(f"{f.location()}: {f.message}" for f in loaded.findings)
        raise RefusedError(f"{display}: cannot sign an unreadable item: {reasons}")
    sop = project.sop
    index = len(item.signoffs)
    step = sop.next_step(index)
    if step is None:
        raise RefusedError(f"{display}: every step of the SOP is already signed")
    folder = observe_folder(project.root, display.rsplit("/", 1)[0] + "/")
    text, item, reader = _update_files(
        display=display, text=text, item=item, step=step, project=project, folder=folder
    )
    _refuse_if_invalid(project, item, reader, folder)
    assert item.id is not None  # the text read above had one; rewriting keeps it
    if step_id is not None and step_id != step.id:
        named = sop.step(step_id)
        if named is None:
            raise UsageError(
                f"unknown step {step_id!r}; expected one of: {', '.join(s.id for s in sop.steps)}"
            )
        raise RefusedError(
            f"{display}: out of order: the next step is '{step.id}'"
            f" (step {step.number}), not '{step_id}' (step {named.number})"
        )
    person = _signer_person(project, signer, as_person)
    moment = (now or datetime.now(UTC)).astimezone(project.context.zone).replace(microsecond=0)
    _refuse_bad_time(display, item, moment, project.context.now)
    day = moment.date()
    if not person.holds(step.role, day):
        role = sop.roles[step.role]
        raise RefusedError(
            f"{person.name} ({person.id}) does not hold the role {role.title}"
            f" ({role.short}) on {day.isoformat()}, which step '{step.id}' needs;"
            " nothing was changed"
        )
    owner = key_owner(project.roster, signer.public_key)
    assert owner is not None
    problem = key_problem(person, owner[1], day)
    if problem is not None:
        raise RefusedError(f"{problem}; nothing was changed")
    for rule in sop.duties:
        if step.id not in rule.steps:
            continue
        for earlier in item.signoffs:
            if earlier.step in rule.steps and earlier.by == person.id:
                raise RefusedError(
                    f"{person.name} ({person.id}) signed '{earlier.step}', so may"
                    f" not sign '{step.id}' (separation of duties '{rule.id}':"
                    f" {rule.reason}); nothing was changed"
                )
    digest = content_digest(item.fields, item.body)
    prev = chain_digest(item.signoffs[-1].sig) if item.signoffs and item.signoffs[-1].sig else None
    message = payload(
        item.id,
        step=step.id,
        by=person.id,
        at_text=moment.isoformat(),
        content=digest,
        prev=prev,
        note=note,
    )
    armored = signer.sign(message, NAMESPACE)
    if project.policy.verifier.signer_key(message, armored, NAMESPACE) is None:
        raise RefusedError("the new signature does not verify; nothing was changed")
    signoff = Signoff(step.id, person.id, moment, None, armored.strip(), digest, note)
    approved_by = person.id if step.gate else item.approved_by
    new_text = rewrite_workflow(
        text, status=step.status, approved_by=approved_by, signoffs=(*item.signoffs, signoff)
    )
    return new_text, step, person, signoff


def _refuse_bad_time(display: str, item: NewsItem, moment: datetime, now: datetime) -> None:
    """Refuse a time the validator would reject (time.future, time.backwards)."""
    if moment > now + FUTURE_SKEW:
        raise RefusedError(
            f"{display}: the time {moment.isoformat()} is in the future; expected no later"
            f" than now ({now.astimezone(moment.tzinfo).isoformat()}); nothing was changed"
        )
    if item.signoffs and moment < item.signoffs[-1].at:
        last = item.signoffs[-1]
        raise RefusedError(
            f"{display}: the time {moment.isoformat()} is earlier than the previous step"
            f" '{last.step}' at {last.at_text}; nothing was changed"
        )


def _refuse_if_invalid(
    project: Repository,
    item: NewsItem,
    reader_findings: list[Finding],
    folder: tuple[Observed, ...],
) -> None:
    """Refuse unless the workflow is trusted and the item, as it stands (with its folder,
    among every other item), has no error."""
    ctx = replace(project.context, render_drafts=True)  # the text about to be signed
    candidate = judge(item.path, item, reader_findings, ctx, folder=folder)
    judgements = [j for j in project.judgements if j.path != item.path]
    judgements.append(candidate)
    report = conclude(judgements, workflow_findings=project.policy.workflow_findings)
    project.policy.verifier.save()
    errors = [f for f in report.workflow if f.is_error]
    if errors:
        raise RefusedError(
            "the workflow files are not trusted, so nothing may be signed: "
            + "; ".join(f"{f.location()}: {f.message}" for f in errors)
        )
    verdict = next(v for v in report.verdicts if v.path == item.path)
    problems = [f for f in verdict.findings if f.is_error]
    if problems:
        listed = "\n".join(f"  {f.location()}: [{f.rule}] {f.message}" for f in problems)
        raise RefusedError(
            f"{item.path} has errors; fix them before signing (nothing was changed):\n{listed}"
        )


def _subject(step: Step, item_title: str, item_id: str) -> str:
    return f"{step.number}. {step.id}: {item_title} [{item_id}]"


def commit_action(
    project: Repository,
    path: Path,
    original: bytes | None,
    *,
    text: str,
    step: Step,
    person: Person,
) -> str:
    """Commit ``path`` (now holding ``text``); if that fails, put the file back as it was
    (byte for byte: line endings and all; removed if it was new) and re-raise."""
    item = parse_item(text, relative(project.root, path)).item
    assert item is not None and item.id is not None  # sign_text produced and parsed it
    item_id, title = item.id, item.title or ""
    listed = [path.parent / a.path for a in item.attachments]
    try:
        return gitops.commit(
            project.root,
            [path, *listed],
            _subject(step, title, item_id),
            {
                gitops.TRAILER_ITEM: item_id,
                gitops.TRAILER_STEP: step.id,
                gitops.TRAILER_SIGNER: person.id,
            },
        )
    except BaseException:
        if original is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        else:
            write_bytes(path, original)
        gitops.unstage(project.root, path)
        raise


def sign(
    project: Repository,
    path: Path,
    signer: KeygenSigner,
    *,
    step_id: str | None = None,
    as_person: str | None = None,
    note: str = "",
    commit: bool = True,
    now: datetime | None = None,
) -> SignResult:
    """Sign the next step of the item at ``path``, write it atomically and commit it."""
    root = project.root
    path = path.resolve()
    display = relative(root, path)
    if not path.is_relative_to((root / NEWS_DIR).resolve()) or not path.is_file():
        raise UsageError(f"{display}: not a news item under {NEWS_DIR.as_posix()}/")
    with gitops.action_lock(root):
        result = read_repo_text(root, display)
        if result.text is None:
            raise RefusedError(
                f"{display}: unreadable: " + "; ".join(f.message for f in result.findings)
            )
        raw = path.read_bytes()
        new_text, step, person, signoff = sign_text(
            project,
            display,
            result.text,
            signer,
            step_id=step_id,
            as_person=as_person,
            note=note,
            now=now,
        )
        checkpoint("signed")
        write_text(path, new_text)
        checkpoint("written")
        sha = None
        if commit:
            sha = commit_action(project, path, raw, text=new_text, step=step, person=person)
            checkpoint("committed")
    return SignResult(path, step, person, signoff, sha)


def create(
    project: Repository,
    path: Path,
    skeleton: str,
    signer: KeygenSigner,
    *,
    as_person: str | None = None,
    commit: bool = True,
    now: datetime | None = None,
) -> SignResult:
    """Create a new item at ``path`` with step 1 signed (or nothing at all on refusal)."""
    display = relative(project.root, path)
    with gitops.action_lock(project.root):
        new_text, step, person, signoff = sign_text(
            project, display, skeleton, signer, as_person=as_person, now=now
        )
        try:
            write_text(path, new_text, exclusive=True)
        except FileExistsError:
            raise UsageError(f"{display}: already exists; nothing was written") from None
        sha = None
        if commit:
            sha = commit_action(project, path, None, text=new_text, step=step, person=person)
    return SignResult(path, step, person, signoff, sha)


def reopen(
    project: Repository, path: Path, *, step_id: str | None = None, commit: bool = True
) -> tuple[int, str | None]:
    """Remove the signoffs from ``step_id`` (default: the content-freezing step) on, so they
    can be signed again over the current content. Git history keeps what was removed."""
    root = project.root
    path = path.resolve()
    display = relative(root, path)
    sop = project.sop
    target = step_id or (sop.steps[sop.frozen_from() or sop.gate_index].id)
    index = sop.index(target)
    if index is None:
        raise UsageError(
            f"unknown step {target!r}; expected one of: {', '.join(s.id for s in sop.steps)}"
        )
    with gitops.action_lock(root):
        result = read_repo_text(root, display)
        if result.text is None:
            raise RefusedError(f"{display}: unreadable")
        loaded = parse_item(result.text, display)
        item = loaded.item
        if item is None or item.id is None or not item.signoffs_readable:
            raise RefusedError(f"{display}: cannot reopen an unreadable item")
        if len(item.signoffs) <= index:
            raise RefusedError(f"{display}: step '{target}' is not signed; nothing to reopen")
        kept = item.signoffs[:index]
        approved = item.approved_by if index > sop.gate_index else None
        new_text = rewrite_workflow(
            result.text, status=sop.status_after(index), approved_by=approved, signoffs=kept
        )
        original = path.read_bytes()
        write_text(path, new_text)
        sha = None
        if commit:
            try:
                sha = gitops.commit(
                    root,
                    [path],
                    f"Reopen from {target}: {item.title} [{item.id}]",
                    {gitops.TRAILER_ITEM: item.id, gitops.TRAILER_STEP: f"reopen {target}"},
                )
            except BaseException:
                write_bytes(path, original)
                gitops.unstage(root, path)
                raise
    return len(item.signoffs) - index, sha


def with_now(project: Repository, now: datetime) -> Repository:
    return replace(project, policy=replace(project.policy, now=now))
