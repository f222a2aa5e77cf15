"""An item's timeline: each signed step with signer, time, commit and actual vs standard time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warta.adapters import gitread
from warta.adapters.items import relative
from warta.adapters.ssh import signature_line
from warta.adapters.textfile import MAX_BYTES
from warta.errors import UsageError
from warta.i18n import _, format_moment
from warta.laporan import signed_embargoes
from warta.model import policy
from warta.model.findings import Finding
from warta.model.history import text_origin
from warta.model.item import CORRECT, RETURN, Signoff, content_digest
from warta.model.office import format_span
from warta.model.performance import Embargoes, wait_began
from warta.repository import Repository
from warta.validate import Verdict


@dataclass(frozen=True)
class TimelineRow:
    round: int
    number: str
    step: str
    signer: str
    when: str
    took: str
    standard: str
    commit: str
    #: whether the record's signature holds
    valid: bool
    #: whether this record's signer signed a text different from the step before
    changed: bool = False
    reason: str = ""
    #: the note signed with a step (``warta sign --note``), as written
    note: str = ""
    #: the same record as data, for ``warta log --format json``
    action: str = "sign"
    by: str = ""
    at: str = ""
    seconds: int | None = None
    late: bool = False
    sha: str | None = None
    to: str = ""
    #: whether the workflow files (the roster whose keys checked the signature) are trusted
    trusted: bool = True

    @property
    def signature(self) -> str:
        """The signature column of ``warta log``."""
        if not self.trusted:
            return _("unverified")
        return _("valid") if self.valid else _("invalid")

    @property
    def verdict(self) -> str:
        """The signature as data: valid, invalid, or unverified (the workflow not trusted)."""
        return "unverified" if not self.trusted else "valid" if self.valid else "invalid"

    @property
    def text(self) -> str:
        """The text column of ``warta log``: whether the signer changed the text."""
        return _("changed") if self.changed else ""

    @property
    def duration(self) -> str:
        """The time the record took, marked when it exceeded the Mutu Baku."""
        return _("{took} (late)").format(took=self.took) if self.late else self.took


#: How many commits of an item's file ``warta log`` looks at, and how many distinct versions
#: of it it reads, at most (more: no commit is named).
HISTORY_LIMIT = 100_000
PARSE_LIMIT = 2048


def _trailer(record: Signoff) -> str:
    """The Warta-Step trailer the action committing ``record`` wrote."""
    if record.is_step:
        return record.step
    return f"return to {record.to}" if record.action == RETURN else record.action


def _made_in(project: Repository, path: str, signoffs: tuple[Signoff, ...]) -> dict[str, str]:
    """The commit that made each record, by signature: the one commit in HEAD's history of
    the item's file whose version holds the record while no parent's version does, when
    that commit's Warta-Step trailer names the record's action (as the action's own commit
    does). None otherwise: a record first seen in a squash, in a commit made by hand, at a
    shallow clone's edge, or brought in by more than one commit. A trailer alone says
    nothing: anyone can write one, and a forged one shifted which commit every later record
    was said to be made in; nor does being first: a new root commit holding every record,
    with a trailer for each and an old date, was named for all of them (found by an
    independent attack). A version holds a record when its bytes hold a line of the
    record's signature (:func:`signature_line`); each version is read once."""
    markers = {s.sig: line for s in signoffs if s.sig and (line := signature_line(s.sig))}
    wanted = {s.sig: _trailer(s) for s in signoffs if s.sig in markers}
    try:
        commits = gitread.path_commits(project.root, path, HISTORY_LIMIT)
        versions = list(dict.fromkeys(blob for _c, _p, blob in commits if blob is not None))
        holds: dict[str, frozenset[str]] = {}
        for start in range(0, min(len(versions), PARSE_LIMIT), 32):
            chunk = versions[start : min(start + 32, PARSE_LIMIT)]
            for blob, raw in gitread.read_blobs(project.root, chunk, MAX_BYTES).items():
                if raw is not None:
                    holds[blob] = frozenset(s for s, line in markers.items() if line in raw)
        if len(versions) > PARSE_LIMIT:
            return {}  # (too many versions to say which commit brought a record in)
        blob_of = {commit: blob for commit, _parents, blob in commits}

        def held(commit: str | None) -> frozenset[str]:
            blob = blob_of.get(commit) if commit is not None else None
            return holds.get(blob, frozenset()) if blob is not None else frozenset()

        brought: dict[str, list[str]] = {}
        for commit, parents, _blob in commits:
            before = frozenset().union(*(held(p) for p in parents))
            for sig in held(commit) - before:
                brought.setdefault(sig, []).append(commit)
        first = {sig: found[0] for sig, found in brought.items() if len(found) == 1}
        trailers = gitread.step_trailers(project.root, first.values())
    except UsageError:
        return {}  # (the history cannot be read: no commit is named)
    return {
        sig: commit
        for sig, commit in first.items()
        if sig in wanted and wanted[sig] in trailers.get(commit, frozenset())
    }


def trusted(project: Repository) -> bool:
    """Whether the workflow files are trusted (signed by the trust root): only then do the
    roster's keys and names say who signed."""
    return not policy.blocking(project.report.workflow, strict=False)


def workflow_findings(project: Repository) -> list[Finding]:
    """Why the workflow files are not trusted (none when they are)."""
    return policy.blocking(project.report.workflow, strict=False)


def timeline(project: Repository, path: Path) -> tuple[list[TimelineRow], Verdict]:
    """Every record of the item's history in order (rounds numbered from 1), with the commit
    that made it, the time it took against the standard, and whether its signature holds."""
    display = relative(project.root, path.resolve())
    report = project.report
    verdict = next((v for v in report.verdicts if v.path == display), None)
    if verdict is None:
        raise UsageError(
            _("{display}: not a news item under content/berita/").format(display=display)
        )
    item = verdict.item
    if item is None:
        return [], verdict
    ctx = project.context
    made = _made_in(project, display, item.signoffs)
    bad_lines = {f.line for f in verdict.findings if f.rule.startswith("signature.")}
    # an untrusted roster's keys and names say nothing about who signed: neither is shown
    sure = trusted(project)
    rows: list[TimelineRow] = []
    round_no = 1
    last_text: str | None = None
    history: Embargoes | None = None
    for index, signoff in enumerate(item.signoffs):
        step = ctx.sop.step(signoff.step) if signoff.is_step else None
        person = ctx.roster.get(signoff.by) if sure else None
        local = ctx.local(signoff.at)
        took = "-"
        late = False
        seconds = None
        if index > 0:
            previous = item.signoffs[index - 1]
            seconds = int((signoff.at - previous.at).total_seconds())
            if step is not None:
                start = wait_began(item, ctx.sop, step, index)
                if start is None:  # the embargo its approval signed: from git history
                    if history is None:
                        history = signed_embargoes(project, item) or {}
                    start = wait_began(item, ctx.sop, step, index, history or None)
                if start is not None:
                    measured = ctx.measure(start, signoff.at, step.time)
                    took, late = measured.text, measured.exceeded
            else:
                took = format_span(signoff.at - previous.at)
        commit = made.get(signoff.sig) if signoff.sig else None
        if signoff.is_step:
            number = str(step.number) if step else "?"
            label = signoff.step
            changed = last_text is not None and signoff.content != last_text
            last_text = signoff.content
        else:
            number, label = {
                RETURN: ("↩", _("back to {step}").format(step=signoff.to)),
                CORRECT: ("✎", _("correction")),
            }.get(signoff.action, ("✕", _("withdrawn")))
            changed = False
        rows.append(
            TimelineRow(
                round=round_no,
                number=number,
                step=label,
                signer=f"{person.name} ({signoff.by})" if person else signoff.by,
                when=format_moment(local, weekday=True),
                took=took,
                standard=step.time.label() if step else "-",
                commit=commit[:10] if commit else "-",
                valid=bool(signoff.sig) and signoff.line not in bad_lines,
                changed=changed,
                reason=signoff.reason,
                note=signoff.note,
                action=signoff.action,
                by=signoff.by,
                at=local.isoformat(),
                seconds=seconds,
                late=late,
                sha=commit,
                to=signoff.to,
                trusted=sure,
            )
        )
        if not signoff.is_step:
            round_no += 1
    return rows, verdict


def text_note(project: Repository, verdict: Verdict) -> str | None:
    """'The text was last changed at step …' for the item, if a step signed its text."""
    item = verdict.item
    if item is None:
        return None
    ctx = project.context
    origin = text_origin(item, ctx.sop, content_digest(item.fields, item.body))
    if origin is None:
        return _("The current text has not been signed at any step.")
    person = ctx.roster.get(origin.signoff.by) if trusted(project) else None
    who = f"{person.name} ({origin.signoff.by})" if person else origin.signoff.by
    number = f"{origin.step.number}. " if origin.step else ""
    when = format_moment(ctx.local(origin.signoff.at))
    return _("The text was last changed at step {number}{step} by {who}, {when}.").format(
        number=number, step=origin.signoff.step, who=who, when=when
    )


#: The schema of ``warta log --format json`` (raise it on any incompatible change).
LOG_SCHEMA = "warta.log/1"


def log_json(project: Repository, rows: list[TimelineRow], verdict: Verdict) -> dict[str, object]:
    """The whole of ``warta log --format json``."""
    item = verdict.item
    return {
        "schema": LOG_SCHEMA,
        "path": verdict.path,
        "id": item.id if item else None,
        "title": item.title if item else None,
        "status": item.status if item else None,
        "publishable": verdict.publishable,
        "text": text_note(project, verdict),
        "records": [
            {
                "no": row.number,
                "round": row.round,
                "action": row.action,
                "step": row.step if row.action == "sign" else None,
                "to": row.to or None,
                "by": row.by,
                "signer": row.signer,
                "at": row.at,
                "duration_seconds": row.seconds,
                "duration": row.took if row.seconds is not None else None,
                "late": row.late,
                "standard": row.standard if row.standard != "-" else None,
                "commit": row.sha,
                "signature": row.verdict,
                "text_changed": row.changed,
                "note": row.note or None,
                "reason": row.reason or None,
            }
            for row in rows
        ],
        "trusted": trusted(project),
        "findings": [
            {"path": f.path, "rule": f.rule, "severity": f.severity.value, "line": f.line,
             "message": f.message}
            for f in (*workflow_findings(project), *verdict.findings)
        ],
    }
