"""Editorial actions: create an item (step 1), sign the next step, return or withdraw an item,
start a correction (Ralat) of a published one.

Each action checks that it may happen now, signs with the signer's SSH key, writes the item
atomically and commits it; a refusal changes nothing. Signing a step is refused while an
error stands on the item, the publishing gate while any finding blocks publication
(:mod:`warta.model.policy`); then the item with the new signoff is judged by the validator's
own checks, and refused if ``warta validate`` would reject it. Before it is written, the
signer is shown every finding on the item (errors, warnings, notices).
Before a step that may still change the content, ``files`` is brought up to date with what the
item's folder holds (path and SHA-256 of each file), so the signer signs exactly the files the
item will publish.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from warta.adapters import clock, safefs
from warta.adapters import git as gitops
from warta.adapters.atomic import write_bytes, write_text
from warta.adapters.faults import checkpoint
from warta.adapters.items import LoadedItem, parse_item, relative
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.ssh import KeygenSigner, choose_signer
from warta.adapters.textfile import read_repo_text
from warta.errors import RefusedError, UsageError
from warta.i18n import _
from warta.model import policy
from warta.model.closure import Observed, to_list
from warta.model.eligibility import blocking_for_step
from warta.model.findings import Finding
from warta.model.history import History, read_history, step_label
from warta.model.item import (
    CORRECT,
    RETURN,
    WITHDRAW,
    Attachment,
    NewsItem,
    Signoff,
    content_digest,
)
from warta.model.judgement import FUTURE_SKEW
from warta.model.roster import Person
from warta.model.signing import (
    NAMESPACE,
    chain_digest,
    correction_payload,
    fingerprint,
    key_owner,
    key_problem,
    payload,
    short,
    take_back_payload,
)
from warta.model.sop import Sop, Step
from warta.repository import NEWS_DIR, Repository, observe_folder
from warta.validate import conclude, judge

#: Shows the signer the findings on the item, just before the signed item is written.
Show = Callable[[Sequence[Finding]], None]


@dataclass(frozen=True)
class SignResult:
    path: Path
    step: Step
    person: Person
    signoff: Signoff
    commit: str | None
    #: the item's status as written (in a correction, a step signed again may leave a later
    #: one in force, and its status with it)
    status: str


def resolve_signer(root: Repository, key: Path | None, as_person: str | None) -> KeygenSigner:
    """The key to sign with: --key, else git's user.signingkey, else an ssh-agent key."""
    wanted = [
        k.public_key
        for p in root.roster.people.values()
        for k in p.keys
        if as_person is None or p.id == as_person
    ]
    return choose_signer(
        root.root,
        key,
        wanted,
        _(
            "no signing key: pass --key KEYFILE, set git's user.signingkey, or"
            " load a key listed in roster.yml into ssh-agent"
        ),
    )


def _signer_person(project: Repository, signer: KeygenSigner, as_person: str | None) -> Person:
    owner = key_owner(project.roster, signer.public_key)
    if owner is None:
        raise RefusedError(
            _("key {fingerprint} is not in roster.yml; nothing was changed").format(
                fingerprint=fingerprint(signer.public_key)
            )
        )
    person, _held = owner
    if as_person is not None and as_person != person.id:
        raise RefusedError(
            _(
                "key {fingerprint} belongs to {name} ({id}), not {as_person!r}; nothing was changed"
            ).format(
                fingerprint=fingerprint(signer.public_key),
                name=person.name,
                id=person.id,
                as_person=as_person,
            )
        )
    return person


def _refuse_invalid_key(
    project: Repository, signer: KeygenSigner, person: Person, day: date
) -> None:
    """Refuse to sign with a key of ``person`` (:func:`_signer_person`) that is not valid on
    ``day``: revoked, or valid only from a later day; nor with one revoked by today, whatever
    day the record states (the gate refuses such a record: ``signature.key-revoked``)."""
    owner = key_owner(project.roster, signer.public_key)
    assert owner is not None
    problem = key_problem(person, owner[1], day)
    today = clock.now().astimezone(project.context.zone).date()
    if problem is None and today > day:
        problem = key_problem(person, owner[1], today) if owner[1].revoked else None
    if problem is not None:
        raise RefusedError(_("{problem}; nothing was changed").format(problem=problem))


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
    if (frozen is not None and step.number - 1 > frozen) or (not step.edits and step.number > 1):
        changed = sorted({a.path for a in set(wanted) ^ set(have)})
        raise RefusedError(
            _(
                "{display}: the files in the item's folder changed ({value}), but step '{id}' may "
                "not change the content; expected the files as last signed, so nothing was signed"
            ).format(display=display, value=", ".join(changed), id=step.id)
        )
    new_text = rewrite_workflow(
        text,
        status=item.status or project.sop.initial_status,
        approved_by=item.approved_by,
        signoffs=item.signoffs,
        files=wanted,
        revision=item.revision,
    )
    loaded = parse_item(new_text, display)
    if loaded.item is None:  # a file name YAML cannot hold: one that is not UTF-8
        raise RefusedError(
            _(
                "{display}: the list of files could not be written ({problem}); expected file"
                " names that are UTF-8 text, so nothing was signed"
            ).format(display=display, problem="; ".join(f.message for f in loaded.findings))
        )
    return new_text, _reads_back(display, loaded, item.signoffs, before=item), loaded.findings


def _reads_back(
    display: str,
    written: LoadedItem,
    signoffs: Sequence[Signoff],
    *,
    content: str | None = None,
    before: NewsItem | None = None,
) -> NewsItem:
    """The item the text about to be written reads back as, if it is the one meant: its
    records exactly ``signoffs``, and its content the ``content`` digest signed (or, while
    the list of files is brought up to date, ``before``'s in all but that list). Otherwise
    RefusedError, and nothing is written: a rewrite that dropped or added a line must never
    reach the file."""
    item = written.item
    problem = None
    if item is None:
        problem = "; ".join(f"{f.location()}: {f.message}" for f in written.findings)
    elif [_as_written(s) for s in item.signoffs] != [_as_written(s) for s in signoffs]:
        problem = _("its records are not the ones meant to be written")
    elif content is not None and content_digest(item.fields, item.body) != content:
        problem = _("its content digest is {found}, not the {expected} signed").format(
            found=content_digest(item.fields, item.body), expected=content
        )
    elif before is not None and (
        item.body != before.body
        or {k: v for k, v in item.fields.items() if k != "files"}
        != {k: v for k, v in before.fields.items() if k != "files"}
    ):
        problem = _("its content changed besides its list of files")
    if item is None or problem is not None:
        raise RefusedError(
            _(
                "{display}: the text to be written does not read back as the item meant"
                " ({problem}); expected the item as read with only its workflow records"
                " changed, so nothing was changed"
            ).format(display=display, problem=problem or "?")
        )
    return item


def _as_written(record: Signoff) -> tuple[str, ...]:
    """What of a record its written lines hold, as they hold it."""
    return (
        record.action, record.step, record.by, record.at.isoformat(), (record.sig or "").strip(),
        record.content or "", record.note, record.to, record.reason,
    )  # fmt: skip


def utf8_argument(option: str, value: str) -> None:
    """UsageError if ``value`` (a note or reason, signed as UTF-8) holds a byte that is not
    UTF-8 (a lone surrogate, as Python reads such a byte of the command line)."""
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise UsageError(
            _("{option}: expected text in UTF-8; found {value}, with a byte that is not").format(
                option=option, value=value.encode("utf-8", "backslashreplace").decode("utf-8")
            )
        )


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
    strict: bool = False,
    show: Show | None = None,
) -> tuple[str, Step, Person, Signoff]:
    """The item text with the next step signed, or RefusedError saying why not: the signed
    item is judged as ``warta validate`` judges it, and refused if a finding on it blocks.
    ``show`` is given every finding on the item as it stood, once nothing refuses the
    signature; ``strict``: at the publishing gate, warnings block too."""
    utf8_argument("--note", note)
    loaded = parse_item(text, display)
    item = loaded.item
    if item is None or item.id is None:
        reasons = "; ".join(f"{f.location()}: {f.message}" for f in loaded.findings)
        raise RefusedError(
            _("{display}: cannot sign an unreadable item: {reasons}").format(
                display=display, reasons=reasons
            )
        )
    sop = project.sop
    history = read_history(item, sop)
    if history.problems:
        raise RefusedError(
            _("{display}: {message}; nothing was changed").format(
                display=display, message=history.problems[0].message
            )
        )
    if history.withdrawn is not None:
        raise RefusedError(
            _(
                "{display}: the item was withdrawn at {at_text}; send it back with 'warta return' "
                "before signing again"
            ).format(display=display, at_text=history.withdrawn.at_text)
        )
    step = sop.next_step(history.signed)
    if step is None:
        raise RefusedError(
            _("{display}: every step of the SOP is already signed").format(display=display)
        )
    folder = observe_folder(project.root, display.rsplit("/", 1)[0] + "/")
    text, item, reader = _update_files(
        display=display, text=text, item=item, step=step, project=project, folder=folder
    )
    findings = _refuse_if_invalid(project, display, item, reader, folder, step=step, strict=strict)
    assert item.id is not None  # the text read above had one; rewriting keeps it
    if step_id is not None and step_id != step.id:
        named = sop.step(step_id)
        if named is None:
            raise UsageError(
                _("unknown step {step_id!r}; expected one of: {value}").format(
                    step_id=step_id, value=", ".join(s.id for s in sop.steps)
                )
            )
        raise RefusedError(
            _(
                "{display}: out of order: the next step is '{id}' (step {number}), not '{step_id}' "
                "(step {number2})"
            ).format(
                display=display,
                id=step.id,
                number=step.number,
                step_id=step_id,
                number2=named.number,
            )
        )
    person = _signer_person(project, signer, as_person)
    moment = (now or clock.now()).astimezone(project.context.zone).replace(microsecond=0)
    _refuse_invalid_key(project, signer, person, moment.date())
    # the role that day, separation of duties and the time: judged on the signed item, by
    # the validator's own checks (below)
    digest = content_digest(item.fields, item.body)
    prev = chain_digest(item.signoffs[-1].sig) if item.signoffs and item.signoffs[-1].sig else None
    message = payload(
        item.id,
        step=step.id,
        by=person.id,
        at_text=moment.isoformat(),
        content=digest,
        prev=prev,
        office=project.policy.trust.office,
        note=note,
    )
    armored = signer.sign(message, NAMESPACE)
    if project.policy.verifier.signer_key(message, armored, NAMESPACE) is None:
        raise RefusedError(_("the new signature does not verify; nothing was changed"))
    signoff = Signoff(step.id, person.id, moment, None, armored.strip(), digest, note)
    approved_by = person.id if step.gate else item.approved_by
    # in a correction the steps between those signed again stay in force: the history says
    after = read_history(replace(item, signoffs=(*item.signoffs, signoff)), sop)
    new_text = rewrite_workflow(
        text,
        status=after.status(sop),
        approved_by=approved_by,
        signoffs=(*item.signoffs, signoff),
        revision=history.revision,
    )
    signed = parse_item(new_text, display)  # judged as it will be written
    _reads_back(display, signed, (*item.signoffs, signoff), content=digest)
    _refuse_if_invalid(
        project,
        display,
        signed.item,
        signed.findings,
        folder,
        step=step,
        strict=strict,
        signing=person,
    )
    if show is not None:
        show(findings)
    return new_text, step, person, signoff


def _refuse_bad_time(display: str, item: NewsItem, moment: datetime, now: datetime) -> None:
    """Refuse a time the validator would reject (time.future, time.backwards), where the
    record is not judged with the whole item as a signed step is: a take-back, and each
    item of a printed edition before anything is typeset."""
    if moment > now + FUTURE_SKEW:
        raise RefusedError(
            _(
                "{display}: the time {value} is in the future; expected no later than now "
                "({value2}); nothing was changed"
            ).format(
                display=display,
                value=moment.isoformat(),
                value2=now.astimezone(moment.tzinfo).isoformat(),
            )
        )
    if item.signoffs and moment < item.signoffs[-1].at:
        last = item.signoffs[-1]
        raise RefusedError(
            _(
                "{display}: the time {value} is earlier than the previous record ({label}) at "
                "{at_text}; nothing was changed"
            ).format(
                display=display,
                value=moment.isoformat(),
                label=last.label(),
                at_text=last.at_text,
            )
        )


def _refuse_if_invalid(
    project: Repository,
    path: str,
    item: NewsItem | None,
    reader_findings: Sequence[Finding],
    folder: tuple[Observed, ...],
    *,
    step: Step,
    strict: bool = False,
    signing: Person | None = None,
) -> tuple[Finding, ...]:
    """Every finding on the item at ``path`` as ``warta validate`` judges it (the validator's
    per-item checks, :func:`warta.validate.judge`, with the repository's context: SOP,
    roster, office hours, clock; then the site-wide checks among every other item), or
    RefusedError: unless the workflow is trusted; for any step while an error stands; for
    the publishing gate while any finding blocks publication (``strict``: warnings too).
    ``signing``: ``item`` is the item with that person's new signoff of ``step``, refused
    with the findings that block. The body is rendered even before the approval: it is the
    text about to be signed."""
    strict = strict and step.gate
    ctx = replace(project.context, render_drafts=True)
    judgements = [j for j in project.judgements if j.path != path]
    judgements.append(judge(path, item, reader_findings, ctx, folder=folder))
    report = conclude(judgements, workflow_findings=project.policy.workflow_findings, strict=strict)
    project.policy.verifier.save()
    errors = policy.blocking(report.workflow, strict=strict)
    if errors:
        raise RefusedError(
            _(
                "the workflow files are not trusted{strict}, so nothing may be signed: {listed}"
            ).format(
                strict=_(" under --strict") if strict else "",
                listed="; ".join(f"{f.location()}: [{f.rule}] {f.message}" for f in errors),
            )
        )
    verdict = next(v for v in report.verdicts if v.path == path)
    blocking = blocking_for_step(verdict.findings, step, strict=strict)
    if blocking and signing is not None:
        raise RefusedError(
            _(
                "{path}: signing {step} as {name} ({id}) would leave an item that warta"
                " validate rejects; nothing was changed:\n{listed}"
            ).format(
                path=path,
                step=step_label(project.sop, step.id),
                name=signing.name,
                id=signing.id,
                listed="\n".join(f"  {f.text()}" for f in blocking),
            )
        )
    if blocking:
        listed = "\n".join(f"  {f.text()}" for f in verdict.findings)
        what = (
            _("findings that block publication, so its approval ('{step}') is refused").format(
                step=step.id
            )
            if step.gate
            else _("errors")
        )
        raise RefusedError(
            _("{path} has {what}; fix them before signing (nothing was changed):\n{listed}").format(
                path=path, what=what, listed=listed
            )
        )
    return tuple(verdict.findings)


def _heading(step: Step) -> str:
    return f"{step.number}. {step.id}"


def commit_action(
    project: Repository,
    path: Path,
    original: bytes | None,
    *,
    text: str,
    label: str,
    heading: str,
    person: Person,
) -> str:
    """Commit ``path`` (now holding ``text``) and the files it lists, with the subject
    ``<heading>: <title> [<id>]`` and ``label`` as the Warta-Step trailer; if that fails, put
    the file back as it was (byte for byte: line endings and all; removed if it was new) and
    re-raise. Once the commit is made (HEAD moved: a Ctrl+C while a post-commit hook ran),
    the file is left as committed."""
    before = gitops.head(project.root)
    try:
        item = parse_item(text, relative(project.root, path)).item
        if item is None or item.id is None:  # never: the text was read back before it was written
            raise RefusedError(
                _("{display}: the written item does not read; nothing was committed").format(
                    display=relative(project.root, path)
                )
            )
        item_id, title = item.id, item.title or ""
        listed = [path.parent / a.path for a in item.attachments]
        return gitops.commit(
            project.root,
            [path, *listed],
            f"{heading}: {title} [{item_id}]",
            {
                gitops.TRAILER_ITEM: item_id,
                gitops.TRAILER_STEP: label,
                gitops.TRAILER_SIGNER: person.id,
            },
        )
    except BaseException:
        if gitops.head(project.root) != before:
            raise  # (committed: the file holds what HEAD holds)
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
    strict: bool = False,
    show: Show | None = None,
) -> SignResult:
    """Sign the next step of the item at ``path``, write it atomically and commit it.
    ``show`` is given every finding on the item before it is written; ``strict``: the
    publishing gate is refused while a warning stands too."""
    root = project.root
    path, display = _news_path(project, path)
    with gitops.action_lock(root):
        text, raw = _read_item(root, path, display)
        listed = _listed_stamps(path, text, display)
        new_text, step, person, signoff = sign_text(
            project,
            display,
            text,
            signer,
            step_id=step_id,
            as_person=as_person,
            note=note,
            now=now,
            strict=strict,
            show=show,
        )
        checkpoint("signed")
        _refuse_changed(path, display, (raw, text), listed)
        write_text(path, new_text)
        checkpoint("written")
        sha = None
        if commit:
            sha = commit_action(
                project,
                path,
                raw,
                text=new_text,
                label=step.id,
                heading=_heading(step),
                person=person,
            )
            checkpoint("committed")
    return SignResult(path, step, person, signoff, sha, _written_status(new_text, display, step))


def _news_path(project: Repository, path: Path) -> tuple[Path, str]:
    """``path`` resolved and as the repository shows it, or a usage error if it is not a
    news item's file."""
    path = path.resolve()
    display = relative(project.root, path)
    if not path.is_relative_to((project.root / NEWS_DIR).resolve()) or not path.is_file():
        raise UsageError(
            _("{display}: not a news item under {as_posix}/").format(
                display=display, as_posix=NEWS_DIR.as_posix()
            )
        )
    return path, display


def _read_item(root: Path, path: Path, display: str) -> tuple[str, bytes]:
    """The item's text (read without following links) and its bytes, to put back exactly
    if the commit fails."""
    result = read_repo_text(root, display)
    if result.text is None or result.raw is None:
        raise RefusedError(
            _("{display}: unreadable: {error}").format(
                display=display, error="; ".join(f.message for f in result.findings)
            )
        )
    return result.text, result.raw  # (one read: a save between two went unseen)


#: What the file system says of each file an item lists (its name, then device, inode,
#: size, modification and change times and mode; None where there is none).
Stamps = tuple[tuple[str, tuple[int, ...] | None], ...]


def _listed_stamps(path: Path, text: str, display: str) -> Stamps:
    """The stamps of the files the item ``text`` lists beside it, to tell later whether one
    was replaced or written meanwhile."""
    item = parse_item(text, display).item
    out: list[tuple[str, tuple[int, ...] | None]] = []
    for listed in item.attachments if item is not None else ():
        try:
            st = os.lstat(path.parent / listed.path)
        except (OSError, ValueError):
            out.append((listed.path, None))
            continue
        out.append((listed.path, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
                                  st.st_ctime_ns, st.st_mode)))
    return tuple(out)


def _refuse_changed(path: Path, display: str, read: tuple[bytes, str], listed: Stamps) -> None:
    """Refuse, writing nothing, when the item's file no longer holds the bytes ``read`` (with
    the text they were read as) or a file it
    lists changed while the signature was made (an editor's save during the passphrase
    prompt was overwritten, and a photo replaced then was committed under a signature
    listing the old one; found by an independent attack). The text saved meanwhile stays."""
    try:
        now = None if path.is_symlink() else path.read_bytes()
    except OSError:
        now = None
    raw, text = read
    if now != raw or _listed_stamps(path, text, display) != listed:
        raise RefusedError(
            _(
                "{display}: the item or a file it lists changed while it was being signed;"
                " expected them as they were read; nothing was written (check the change,"
                " then sign again)"
            ).format(display=display)
        )


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
    _refuse_links(project.root, display)
    with gitops.action_lock(project.root):
        new_text, step, person, signoff = sign_text(
            project, display, skeleton, signer, as_person=as_person, now=now
        )
        _refuse_links(project.root, display)  # (again: a link may have come meanwhile)
        made = _missing_folders(project.root, path.parent)
        try:
            write_text(path, new_text, exclusive=True)
        except FileExistsError:
            raise UsageError(
                _("{display}: already exists; nothing was written").format(display=display)
            ) from None
        except OSError as exc:  # (a file where a folder goes)
            _remove_folders(made)
            raise RefusedError(
                _("{display}: could not be written ({error}); nothing was written").format(
                    display=display, error=exc.strerror or exc
                )
            ) from None
        sha = None
        if commit:
            try:
                sha = commit_action(
                    project,
                    path,
                    None,
                    text=new_text,
                    label=step.id,
                    heading=_heading(step),
                    person=person,
                )
            except BaseException:
                if not path.exists():  # (put back as it was: the folders made for it go too)
                    _remove_folders(made)
                raise
    return SignResult(path, step, person, signoff, sha, _written_status(new_text, display, step))


def _written_status(text: str, display: str, step: Step) -> str:
    """The status ``text`` (an item as written) records, else the status of ``step``."""
    item = parse_item(text, display).item
    return item.status if item is not None and item.status else step.status


def _refuse_links(root: Path, display: str) -> None:
    """RefusedError if a folder on the way to the new file ``display`` is a symbolic link:
    anyone who can push may commit ``content/berita/2027 -> /anywhere``, and a new item is
    written only inside the repository (found by an independent attack)."""
    link = safefs.link_on_path(root, display.rpartition("/")[0])
    if link is not None:
        raise RefusedError(
            _(
                "{display}: {link} is a symbolic link; a news item is written only inside the"
                " repository, so nothing was written (remove the link first)"
            ).format(display=display, link=link)
        )


def _missing_folders(root: Path, folder: Path) -> list[Path]:
    """The folders from ``folder`` up (inside ``root``) that do not exist yet, deepest
    first."""
    missing: list[Path] = []
    while folder != root and folder.is_relative_to(root) and not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_folders(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) that are still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


@dataclass(frozen=True)
class TakeBackResult:
    path: Path
    record: Signoff
    person: Person
    status: str
    revision: int
    commit: str | None


def _refuse_correcting_unpublished(display: str, item: NewsItem, moment: datetime) -> None:
    """A Ralat corrects what readers saw: an item still under embargo was never published."""
    if item.embargo is not None and moment < item.embargo:
        raise RefusedError(
            _(
                "{display} is under embargo until {embargo}: it has not been published, so"
                " there is nothing to correct (a Ralat would name a previous version no reader"
                " saw); take it back with 'warta return' instead; nothing was changed"
            ).format(display=display, embargo=item.embargo.isoformat())
        )


def take_back_text(
    project: Repository,
    display: str,
    text: str,
    signer: KeygenSigner,
    *,
    action: str,
    reason: str,
    to: str = "",
    as_person: str | None = None,
    now: datetime | None = None,
    note: str = "",
) -> tuple[str, Signoff, Person, History]:
    """The item text with a signed return (to step ``to``), withdrawal or correction
    (``action`` 'correct', with the Ralat ``note``) appended, or RefusedError saying why not.
    The signer must hold a role sop.yml's ``take_back`` (``correction``) names."""
    utf8_argument("--note", note)
    utf8_argument("--reason", reason)
    if action == CORRECT and not note.strip():
        raise UsageError(_("--note must say what the correction corrects (readers see it)"))
    if action != CORRECT and not reason.strip():
        raise UsageError(_("--reason must say why the item is taken back"))
    loaded = parse_item(text, display)
    item = loaded.item
    if item is None or item.id is None or not item.signoffs_readable:
        reasons = "; ".join(f"{f.location()}: {f.message}" for f in loaded.findings)
        raise RefusedError(
            _("{display}: cannot take back an unreadable item: {reasons}").format(
                display=display, reasons=reasons
            )
        )
    sop = project.sop
    _refuse_untrusted_workflow(project)
    moment = (now or clock.now()).astimezone(project.context.zone).replace(microsecond=0)
    _refuse_bad_time(display, item, moment, project.context.now)
    if action == CORRECT:
        _refuse_correcting_unpublished(display, item, moment)
    digest = content_digest(item.fields, item.body)
    if action == WITHDRAW:
        _refuse_withdrawing_changed(display, item, sop, digest)
    prev = chain_digest(item.signoffs[-1].sig) if item.signoffs and item.signoffs[-1].sig else None
    person = _signer_person(project, signer, as_person)
    if action == CORRECT:
        draft = Signoff("", person.id, moment, None, "", digest, note, CORRECT)
    else:
        draft = Signoff("", person.id, moment, None, "", digest, "", action, to, reason)
    after = read_history(replace(item, signoffs=(*item.signoffs, draft)), sop)
    if after.problems:
        raise RefusedError(
            _("{display}: {message}; nothing was changed").format(
                display=display, message=after.problems[0].message
            )
        )
    roles = after.allowed.get(len(item.signoffs), ())
    day = moment.date()
    if not any(person.holds(role, day) for role in roles):
        titles = _(" or ").join(sop.roles[r].title for r in roles if r in sop.roles)
        key = "correction" if action == CORRECT else "take_back"
        raise RefusedError(
            _(
                "{name} ({id}) may not {action} this item on {value}: expected the {value2}; "
                "nothing was changed"
            ).format(
                name=person.name,
                id=person.id,
                action=action,
                value=day.isoformat(),
                value2=titles or _("role sop.yml names under {key}").format(key=key),
            )
        )
    _refuse_invalid_key(project, signer, person, day)
    if action == CORRECT:
        message = correction_payload(
            item.id,
            note=note,
            by=person.id,
            at_text=moment.isoformat(),
            content=digest,
            prev=prev,
            office=project.policy.trust.office,
        )
    else:
        message = take_back_payload(
            item.id,
            action=action,
            to=to,
            reason=reason,
            by=person.id,
            at_text=moment.isoformat(),
            content=digest,
            prev=prev,
            office=project.policy.trust.office,
        )
    armored = signer.sign(message, NAMESPACE)
    if project.policy.verifier.signer_key(message, armored, NAMESPACE) is None:
        raise RefusedError(_("the new signature does not verify; nothing was changed"))
    record = replace(draft, sig=armored.strip())
    approval = after.signoff_for(sop.gate.id)
    new_text = rewrite_workflow(
        text,
        status=after.status(sop),
        approved_by=approval.by if approval is not None else None,
        signoffs=(*item.signoffs, record),
        revision=after.revision,
    )
    _reads_back(display, parse_item(new_text, display), (*item.signoffs, record), content=digest)
    return new_text, record, person, after


def _refuse_withdrawing_changed(display: str, item: NewsItem, sop: Sop, digest: str) -> None:
    """RefusedError if the text is no longer the approved one: a withdrawal keeps the
    approval in force and signs its text, so one signed over an edit made since is an error
    of ``warta validate`` for good (``content.changed-after-approval``), and the item could
    not be taken down (found by an independent attack: the edit was committed with the
    withdrawal, under the Kabag's name)."""
    approval = read_history(item, sop).signoff_for(sop.gate.id)
    if approval is None or approval.content in (None, digest):
        return
    raise RefusedError(
        _(
            "{display}: the text was changed after the approval (approved {approved}, now"
            " {current}); a withdrawal signs the approved text: undo the change first (git"
            " restore), or take the item back with warta return; nothing was changed"
        ).format(display=display, approved=short(approval.content), current=short(digest))
    )


def _refuse_untrusted_workflow(project: Repository) -> None:
    errors = [f for f in project.policy.workflow_findings if f.is_error]
    if errors:
        raise RefusedError(
            _(
                "the workflow files are not trusted{strict}, so nothing may be signed: {listed}"
            ).format(strict="", listed="; ".join(f"{f.location()}: {f.message}" for f in errors))
        )


def take_back(
    project: Repository,
    path: Path,
    signer: KeygenSigner,
    *,
    action: str,
    reason: str,
    to: str = "",
    as_person: str | None = None,
    commit: bool = True,
    now: datetime | None = None,
    note: str = "",
) -> TakeBackResult:
    """Append a signed return, withdrawal or correction (``note``: the Ralat text) to the
    item at ``path``, write it atomically and commit it (with the Warta-Signer trailer)."""
    root = project.root
    path, display = _news_path(project, path)
    if action == RETURN and project.sop.step(to) is None:
        raise UsageError(
            _("unknown step {to!r}; expected one of: {value}").format(
                to=to, value=", ".join(s.id for s in project.sop.steps)
            )
        )
    with gitops.action_lock(root):
        text, raw = _read_item(root, path, display)
        listed = _listed_stamps(path, text, display)
        new_text, record, person, after = take_back_text(
            project,
            display,
            text,
            signer,
            action=action,
            reason=reason,
            to=to,
            as_person=as_person,
            now=now,
            note=note,
        )
        checkpoint("signed")
        _refuse_changed(path, display, (raw, text), listed)
        write_text(path, new_text)
        sha = None
        if commit:
            what = f"return to {to}" if action == RETURN else action
            sha = commit_action(
                project, path, raw, text=new_text, label=what, heading=what, person=person
            )
    return TakeBackResult(path, record, person, after.status(project.sop), after.revision, sha)


def with_now(project: Repository, now: datetime) -> Repository:
    return replace(project, policy=replace(project.policy, now=now))
