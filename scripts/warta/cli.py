"""The ``warta`` command: thin wiring from arguments to the core and back to an exit code.

Exit codes: 0 fine; 1 findings that block publication (errors; with --strict warnings too;
notices never: warta.model.policy) or a refused action; 2 usage error or broken workflow
configuration (sop.yml, roster.yml, trust root).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import io
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from warta import __version__
from warta.adapters import safefs
from warta.adapters.items import relative
from warta.adapters.schema import implausible
from warta.adapters.trust import Admin, load_trust_root, named_office
from warta.cliprogress import QUIET, terminal_progress
from warta.clitext import LANG, RootGroup, speak_click
from warta.errors import ConfigError, RefusedError, UsageError, WartaError
from warta.i18n import N_, _
from warta.model import policy
from warta.model.findings import Finding, visible
from warta.model.history import read_history
from warta.model.item import iso_moment
from warta.model.signing import fingerprint
from warta.output import as_codequality, as_github, as_json, as_text
from warta.progress import NO_PROGRESS, Progress
from warta.repository import NEWS_DIR, Repository, find_root, open_repository
from warta.validate import Report

EPILOG = N_("Exit codes: 0 fine, 1 findings or refused action, 2 usage or broken configuration.")

# Each command imports what only it needs (the terminal tables, git, the editorial actions):
# `warta validate` runs often and should start fast.


@click.group(cls=RootGroup, epilog=EPILOG)
@LANG
@click.version_option(__version__, prog_name="warta")
def cli() -> None:
    """Warta: the SOP-driven, signed newsroom of the Bagian Kominfo dan Humas."""


ROOT = click.argument(
    "root", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
PIN = click.option(
    "--trust-root",
    "pin",
    metavar="FINGERPRINT",
    default=None,
    help=N_(
        "Pin the trust root (sha256:…); default: $WARTA_TRUST_ROOT, else this user's pin file"
        " (~/.config/warta/pins.yml), else the one this machine trusted on first use."
    ),
)
NO_CACHE = click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Use no cache: verify every signature and file again (for CI gates).",
)
KEY = click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Private key file (default: git's user.signingkey, else ssh-agent).",
)
AS = click.option(
    "--as",
    "as_person",
    metavar="PERSON",
    default=None,
    help="Roster id of the signer (checked against the key).",
)
NO_COMMIT = click.option("--no-commit", is_flag=True, help="Write the file but do not commit.")
AT = click.option(
    "--at",
    "at",
    default=None,
    metavar="ISO-TIME",
    help="When the action happened, if earlier than now (e.g. a paper disposisi"
    " recorded afterwards); with an offset, e.g. 2026-11-20T09:30:00+07:00.",
)


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = iso_moment(value)
    if moment is None:
        raise UsageError(_(
            "--at {value!r}: expected an ISO 8601 time with offset"
        ).format(value=value))
    if moment.tzinfo is None:
        raise UsageError(_(
            "--at {value!r}: expected a UTC offset such as +07:00"
        ).format(value=value))
    problem = implausible(moment)
    if problem is not None:
        raise UsageError(_(
            "--at {value!r}: expected a time {problem}"
        ).format(value=value, problem=problem))
    return moment


def _load(
    root: Path,
    pin: str | None = None,
    *,
    strict: bool = False,
    no_cache: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Repository:
    return open_repository(
        find_root(root),
        pin=pin,
        keep_items=True,
        strict=strict,
        cache=not no_cache,
        progress=progress,
    )


JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that check items and render pages when there are many (default: one per"
    " CPU).",
)


STRICT = click.option(
    "--strict",
    is_flag=True,
    help="Warnings block publication too (errors always do, notices never).",
)


@cli.command(epilog=EPILOG)
@ROOT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "codequality"]),
    default="text",
    show_default=True,
    help="Output format (codequality: a GitLab Code Quality report).",
)
@STRICT
@JOBS
@click.option(
    "--base",
    "base",
    default=None,
    metavar="REF",
    help="Compare with this git revision (in CI: the target branch): refuse serials or"
    " revisions lower than there, and signed history removed or rewritten.",
)
@PIN
@NO_CACHE
@QUIET
def validate(
    root: Path,
    fmt: str,
    strict: bool,
    jobs: int | None,
    base: str | None,
    pin: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Check every news item, the workflow files and their signatures.

    Items unchanged since a previous run, under byte-identical workflow files, trust root
    and pin, are not verified again: their results are kept in this user's cache folder
    (~/.cache/warta), authenticated with a key of this user's (--no-cache: none). On a
    terminal, progress is shown on standard error (not with --quiet, in CI or for a
    --format other than text).
    """
    from warta.base import check_base, with_base  # noqa: PLC0415 - see above

    try:
        with terminal_progress(quiet=quiet or fmt != "text") as progress:
            repo = open_repository(
                find_root(root),
                pin=pin,
                strict=strict,
                jobs=jobs,
                keep_items=base is not None,
                cache=not no_cache,
                progress=progress,
            )
        report = repo.report
        if base is not None:
            report = with_base(report, check_base(repo, base))
    except WartaError as exc:
        if fmt == "github" and isinstance(exc, ConfigError):
            click.echo(as_github(exc.findings))
        elif fmt == "json" and isinstance(exc, ConfigError):  # CI parses stdout either way
            click.echo(as_json(Report([], list(exc.findings))))
        elif fmt == "codequality" and isinstance(exc, ConfigError):
            click.echo(as_codequality(exc.findings))
        raise
    if fmt == "json":
        click.echo(as_json(report))
    elif fmt == "github":
        text = as_github(report.all_findings())
        if text:
            click.echo(text)
        click.echo(_("{publishable}/{items} item(s) publishable").format(
            publishable=len(report.publishable()), items=len(report.verdicts)
        ))
    elif fmt == "codequality":
        click.echo(as_codequality(report.all_findings()))
    else:
        click.echo(as_text(report))
    sys.exit(1 if report.blocking() else 0)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for programs (schema documented in the README).",
)


@cli.command(epilog=EPILOG)
@ROOT
@click.option(
    "--as",
    "as_person",
    metavar="PERSON",
    default=None,
    help="Only what this roster id may sign now (with the command to run), and the items"
    " nobody can sign that they must fix.",
)
@FORMAT
@PIN
@NO_CACHE
def status(root: Path, as_person: str | None, fmt: str, pin: str | None, no_cache: bool) -> None:
    """Items grouped by SOP step: who must act next, how long each has waited; items nobody
    can sign (errors) apart, with why and who must fix them."""
    import json  # noqa: PLC0415 - see above

    from warta import statusview  # noqa: PLC0415
    from warta.inbox import for_person, inbox, status_json  # noqa: PLC0415
    from warta.model import policy  # noqa: PLC0415
    from warta.scheduled import scheduled  # noqa: PLC0415

    project = _load(root, pin, no_cache=no_cache)
    person = None
    if as_person is not None:
        person = project.roster.get(as_person)
        if person is None:
            raise UsageError(
                _(
                    "--as {as_person!r}: not in roster.yml; expected one of: {value}"
                ).format(as_person=as_person, value=', '.join(sorted(project.roster.people)))
            )
    ctx = project.context
    report = project.report
    trusted = not policy.blocking(report.workflow, strict=False)
    verdicts = {v.path: v for v in report.verdicts}
    entries = inbox(project.items.values(), verdicts, ctx, trusted=trusted)
    unreadable = [
        v.path for v in report.verdicts if v.item is None and v.path not in project.items
    ]
    if fmt == "json":
        shown = entries if person is None else for_person(entries, person)
        data = status_json(shown, ctx, person=person, unreadable=unreadable)
        data["scheduled"] = [row.as_json() for row in scheduled(project.report)]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif person is None:
        statusview.print_status(entries, ctx, trusted=trusted, unreadable=unreadable)
        statusview.print_scheduled(scheduled(project.report), project.policy.zone)
    else:
        statusview.print_inbox(entries, ctx, person, trusted=trusted, unreadable=unreadable)


@cli.command(epilog=EPILOG)
@click.argument("title")
@click.option("--category", "categories", multiple=True, help="Category (repeatable).")
@click.option("--description", default="", help="One-line summary.")
@click.option("--root", "root", default=".", type=click.Path(file_okay=False, path_type=Path))
@KEY
@AS
@NO_COMMIT
@AT
@PIN
def new(
    title: str,
    categories: tuple[str, ...],
    description: str,
    root: Path,
    key: Path | None,
    as_person: str | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
) -> None:
    """Create a news item with step 1 (the assignment) signed, and commit it."""
    from warta import actions  # noqa: PLC0415 - see above
    from warta.adapters import clock, newitem  # noqa: PLC0415

    project = _load(root, pin)
    top = project.root
    moment = _at(at) or clock.now()
    today = moment.astimezone(project.context.zone).date()
    item_id = newitem.fresh_id(today)
    slug = newitem.slugify(title)
    if (top / NEWS_DIR / f"{today:%Y}" / slug).exists():
        slug = f"{slug}-{item_id[-6:]}"
    path = top / NEWS_DIR / f"{today:%Y}" / slug / "index.md"
    text = newitem.skeleton(
        item_id,
        title=title,
        slug=slug,
        day=today,
        initial_status=project.sop.initial_status,
        categories=list(categories),
        description=description,
    )
    signer = actions.resolve_signer(project, key, as_person)
    result = actions.create(
        project, path, text, signer, as_person=as_person, commit=not no_commit, now=_at(at)
    )
    rel = path.relative_to(top).as_posix()
    click.echo(
        _("created {path} (id {id}); {number}. {step} signed by {name}").format(
            path=rel,
            id=item_id,
            number=result.step.number,
            step=result.step.id,
            name=result.person.name,
        )
        + (_(" in commit {commit}").format(commit=result.commit[:10]) if result.commit else "")
    )


@cli.command(epilog=EPILOG)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--step", "step_id", default=None, help="The step to sign (must be the next one).")
@AS
@KEY
@click.option("--note", default="", help="A note recorded (and signed) with the signoff.")
@NO_COMMIT
@AT
@click.option(
    "--strict",
    is_flag=True,
    help="At the publishing gate, refuse while a warning stands too (as build --strict"
    " would leave the item out).",
)
@PIN
def sign(
    path: Path,
    step_id: str | None,
    as_person: str | None,
    key: Path | None,
    note: str,
    no_commit: bool,
    at: str | None,
    strict: bool,
    pin: str | None,
) -> None:
    """Sign the next SOP step of the item at PATH and commit it.

    First it prints every finding on the item (errors, warnings, notices). Any step is
    refused while an error stands; the publishing gate also while a finding blocks
    publication (with --strict, warnings too)."""
    from warta import actions  # noqa: PLC0415 - see above

    def show(findings: Sequence[Finding]) -> None:
        for finding in findings:
            click.echo(finding.text())

    project = _load(path.parent, pin)
    signer = actions.resolve_signer(project, key, as_person)
    result = actions.sign(
        project,
        path,
        signer,
        step_id=step_id,
        as_person=as_person,
        note=note,
        commit=not no_commit,
        now=_at(at),
        strict=strict,
        show=show,
    )
    click.echo(
        _("{number}. {step} signed by {name} ({person}); status {status}").format(
            number=result.step.number,
            step=result.step.id,
            name=result.person.name,
            person=result.person.id,
            status=result.status,
        )
        + (
            _("; commit {commit}").format(commit=result.commit[:10])
            if result.commit
            else _("; not committed")
        )
    )


@cli.command("return", epilog=EPILOG)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "to", required=True, help="The step that must be signed again.")
@click.option("--reason", required=True, help="Why the item goes back (signed, kept).")
@AS
@KEY
@NO_COMMIT
@AT
@PIN
def return_(
    path: Path,
    to: str,
    reason: str,
    as_person: str | None,
    key: Path | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
) -> None:
    """Send the item at PATH back to an earlier step, signed, with a reason.

    The step named by --to and every later one must be signed again. The return is appended
    to the item's history (nothing is deleted) and committed with the Warta-Signer trailer.
    Who may return is set in sop.yml (take_back.return_by)."""
    _take_back(path, "return", reason, to, as_person, key, no_commit, at, pin)


@cli.command(epilog=EPILOG)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reason", required=True, help="Why the item is withdrawn (signed, kept).")
@AS
@KEY
@NO_COMMIT
@AT
@PIN
def withdraw(
    path: Path,
    reason: str,
    as_person: str | None,
    key: Path | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
) -> None:
    """Take the approved item at PATH off the site, signed, with a reason.

    The withdrawal is appended to the item's history and committed; a later signed
    'warta return' can bring the item back into the SOP. Who may withdraw is set in sop.yml
    (take_back.withdraw_by)."""
    _take_back(path, "withdraw", reason, "", as_person, key, no_commit, at, pin)


@cli.command(epilog=EPILOG)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--note", required=True, help="The Ralat note readers see (signed, kept).")
@AS
@KEY
@NO_COMMIT
@AT
@PIN
def correct(
    path: Path,
    note: str,
    as_person: str | None,
    key: Path | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
) -> None:
    """Start a correction (Ralat) of the published item at PATH, signed, with a note.

    The correction is appended to the item's history and raises its revision; then the text
    is edited and the steps sop.yml lists under correction.steps are signed again in order
    (by default the writer's step and the approval). Until the new approval the site keeps
    the approved version; after it, the page shows a dated Ralat box with the note. Who may
    start a correction is set in sop.yml (correction.start_by)."""
    _take_back(path, "correct", "", "", as_person, key, no_commit, at, pin, note=note)


def _take_back(
    path: Path,
    action: str,
    reason: str,
    to: str,
    as_person: str | None,
    key: Path | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
    *,
    note: str = "",
) -> None:
    from warta import actions  # noqa: PLC0415 - see above

    project = _load(path.parent, pin)
    signer = actions.resolve_signer(project, key, as_person)
    result = actions.take_back(
        project,
        path,
        signer,
        action=action,
        reason=reason,
        to=to,
        as_person=as_person,
        commit=not no_commit,
        now=_at(at),
        note=note,
    )
    what = {
        "return": _("returned to '{step}'").format(step=to),
        "correct": _("correction started"),
    }.get(action, _("withdrawn"))
    click.echo(
        _("{what} by {name} ({person}); status {status}, revision {revision}").format(
            what=what,
            name=result.person.name,
            person=result.person.id,
            status=result.status,
            revision=result.revision,
        )
        + (
            _("; commit {commit}").format(commit=result.commit[:10])
            if result.commit
            else _("; not committed")
        )
    )


@cli.command(hidden=True, context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def reopen(args: tuple[str, ...]) -> None:
    """Replaced by the signed 'warta return'."""
    del args
    click.echo(
        _(
            "warta: 'reopen' removed unsigned signoffs and is no more; use the signed 'warta "
            "return PATH --to STEP --reason TEXT' (or 'warta withdraw')"
        ),
        err=True,
    )
    sys.exit(2)


@cli.command(epilog=EPILOG)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT
@PIN
@NO_CACHE
def log(path: Path, fmt: str, pin: str | None, no_cache: bool) -> None:
    """The item's timeline: who did which step when, the commit, actual vs standard time,
    and the note signed with each step."""
    import json  # noqa: PLC0415 - see above

    from rich.console import Console  # noqa: PLC0415
    from rich.markup import escape  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    from warta.summary_markdown import one_line  # noqa: PLC0415
    from warta.timeline import (  # noqa: PLC0415
        log_json,
        text_note,
        timeline,
        trusted,
        workflow_findings,
    )

    project = _load(path.parent, pin, no_cache=no_cache)
    rows, verdict = timeline(project, path)
    if fmt == "json":
        click.echo(json.dumps(log_json(project, rows, verdict), ensure_ascii=False, indent=2))
        return
    item = verdict.item
    title = f"{item.title if item else path} [{item.id if item else '?'}]"
    table = Table(title=escape(visible(title)))

    def cell(text: str) -> str:  # text from the repository, on one line, never markup
        return escape(visible(text))

    columns = (
        _("No."), _("Step"), _("By"), _("Time"), _("Took"), _("Mutu Baku"), _("Commit"),
        _("Signature"), _("Text"), _("Round"),
    )
    for column in columns:
        table.add_column(escape(column))
    for row in rows:
        step = cell(row.step)
        if row.reason:
            step += cell(_(" (reason: {reason})").format(reason=row.reason))
        if row.note:
            step += escape(_(" (note below)"))
        table.add_row(
            row.number,
            step,
            cell(row.signer),
            cell(row.when),
            cell(row.duration),
            cell(row.standard),
            cell(row.commit),
            cell(row.signature),
            cell(row.text),
            str(row.round),
        )
    console = Console(width=max(140, Console().width), emoji=False)
    console.print(table)
    for row in rows:  # notes on lines of their own: never cut, copied as they are
        if row.note:
            console.print(
                Text(
                    visible(_("note {number}. {step} ({by}): {note}").format(
                        number=row.number, step=row.step, by=row.by, note=one_line(row.note, 2000)
                    ))
                ),
                soft_wrap=True,
            )
    note = text_note(project, verdict)
    if note:
        console.print(escape(visible(note)))
    if not trusted(project):
        console.print(
            "[red]"
            + escape(
                _(
                    "The workflow files are not trusted: no signature above is checked against"
                    " a trusted roster, and the names are not shown:"
                )
            )
            + "[/]"
        )
        for finding in workflow_findings(project):
            console.print(f"  {finding.text()}", markup=False)
    if verdict.publishable:
        state = "[green]" + escape(_("publishable")) + "[/]"
    else:
        state = "[red]" + escape(_("not publishable")) + "[/]"
    status_text = escape(visible(item.status or "?")) if item else "?"
    console.print(_("status: {status}; {state}").format(status=status_text, state=state))
    for finding in verdict.findings:
        console.print(f"  {finding.text()}", markup=False)


@cli.command(epilog=EPILOG)
@click.argument("path", type=click.Path(path_type=Path))
@STRICT
@PIN
@NO_CACHE
def verify(path: Path, strict: bool, pin: str | None, no_cache: bool) -> None:
    """Verify one item: exit 0 if it is publishable (every signature and rule holds), else 1
    (an approved item under embargo too, until its time: "NOT YET PUBLISHABLE"). Given a
    printed edition (its folder or edisi.yml): its signature, PDF and items."""
    from warta import cliprint  # noqa: PLC0415

    if cliprint.is_edition_path(path):
        cliprint.verify_edition(path, strict, pin, no_cache)
    project = _load(path.parent, pin, strict=strict, no_cache=no_cache)
    report = project.report
    found = relative(project.root, path.resolve())
    verdict = next((v for v in report.verdicts if v.path == found), None)
    if verdict is None:
        raise UsageError(_(
            "{display}: not a news item under content/berita/"
        ).format(display=found))
    display = visible(found)  # (a folder's name may hold escapes for the terminal)
    for finding in [*report.workflow, *verdict.findings]:
        click.echo(finding.text())
    item = verdict.item
    if verdict.publishable and item is not None:
        approval = read_history(item, project.sop).signoff_for(project.sop.gate.id)
        assert approval is not None  # publishable means past the gate
        for listed in item.attachments:
            click.echo(f"  {visible(listed.path)} {listed.digest}")
        click.echo(
            _(
                "OK {display}: id {id}, approved by {by} at {at_text}, content {content} ({count} "
                "file(s)); trust root {fingerprint}{pin_note}"
            ).format(
                display=display,
                id=item.id,
                by=approval.by,
                at_text=approval.at_text,
                content=approval.content,
                count=len(item.attachments),
                fingerprint=project.policy.trust.fingerprint,
                pin_note=_pin_note(project),
            )
        )
        sys.exit(0)
    if verdict.embargo is not None and not policy.blocking(
        [*report.workflow, *verdict.findings], strict=report.strict
    ):
        click.echo(
            _(
                "NOT YET PUBLISHABLE {display}: under embargo until {value}; a build at or after "
                "that time publishes it"
            ).format(display=display, value=verdict.embargo.isoformat())
        )
        sys.exit(1)
    click.echo(_("NOT PUBLISHABLE {display}").format(display=display))
    sys.exit(1)


def _pin_note(project: Repository) -> str:
    pin = project.policy.pin
    return f", {pin.describe()}" if pin is not None else ""


@cli.group()
def trust() -> None:
    """The trust root: administrators who sign workflow/sop.yml and workflow/roster.yml."""


def _admin_line(admin: Admin) -> str:
    """An administrator of the trust root as ``trust show`` and ``trust accept`` list it (the
    id and comment are the file's text: escaped, on one line)."""
    return visible(f"  {admin.id} {fingerprint(admin.public_key)} {admin.comment}".rstrip())


@trust.command("show")
@ROOT
def trust_show(root: Path) -> None:
    """Print the trust root's fingerprint (the value to pin in CI), its administrators and
    the office every signature is bound to."""
    loaded = load_trust_root(find_root(root))
    click.echo(loaded.fingerprint)
    for admin in loaded.admins:
        click.echo(_admin_line(admin))
    click.echo(
        _("office: {office}").format(office=loaded.office)
        if loaded.office is not None
        else _("office: none named (signatures are bound to no office)")
    )


@trust.command("sign")
@ROOT
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An administrator's private key file (default: git's user.signingkey, else a"
    " trust-root key in ssh-agent).",
)
@NO_COMMIT
def trust_sign(root: Path, key: Path | None, no_commit: bool) -> None:
    """Sign workflow/sop.yml, workflow/roster.yml and the site's own source as an
    administrator, and commit them: every file MkDocs reads that is not news is listed with
    its SHA-256 in workflow/site-manifest.yml, which is signed too."""
    from warta.adapters import git as gitops  # noqa: PLC0415
    from warta.administer import sign_all  # noqa: PLC0415
    from warta.staffing import (  # noqa: PLC0415
        admin_signer,
        commit_trust_sign,
        hold_office,
        replaced_trust_root,
        signing_for,
        unpinned_trust_root,
    )

    top = find_root(root)
    if not no_commit and not gitops.is_repo(top):
        raise UsageError(
            _(
                "{top} is not a git repository: nothing to commit to; pass --no-commit"
            ).format(top=top)
        )
    with gitops.action_lock(top):
        # every signature covers the office the trust root names: an administrator signs
        # only under the trust root in force, never one a branch replaced (which may name
        # another office, so that what is signed here counts there)
        problem = replaced_trust_root(top)
        if problem is not None:
            raise RefusedError(_(
                "trust sign refused: {problem}; nothing was signed"
            ).format(problem=problem))
        hold_office(top)
        unpinned = unpinned_trust_root(top)
        if unpinned is not None:  # trusted on first use, as everywhere: said, not refused
            click.echo(_("warta: warning: {problem}").format(problem=unpinned), err=True)
        signed = sign_all(top, admin_signer(top, key))
        sha = None if no_commit else commit_trust_sign(top, signed)
    click.echo(signing_for(top))
    for change in signed.changes:  # (file names from the branch: escaped, one line each)
        click.echo(f"  {visible(str(change))}")
    for rel, serial, fresh in signed.serials:
        if fresh:
            click.echo(_(
                "signed {rel} as {admin}, serial {serial}"
            ).format(rel=rel, admin=signed.admin, serial=serial))
        else:
            click.echo(_(
                "kept {rel}: its signature still covers it, serial {serial}"
            ).format(rel=rel, serial=serial))
    if sha is not None:
        click.echo(_("committed {sha}").format(sha=sha[:10]))
    elif not no_commit:
        click.echo(_("nothing new to commit"))


@trust.command("accept")
@click.argument("expected", metavar="FINGERPRINT")
@ROOT
def trust_accept(expected: str, root: Path) -> None:
    """Trust this repository's trust root from now on, on this machine: after its
    administrators were changed on purpose, or an older workflow state is wanted.

    FINGERPRINT must be the trust root's (warta trust show); confirm it with the office's
    administrators. The record also takes the workflow files' serials as they are now.
    """
    from warta.acceptance import accept  # noqa: PLC0415

    top = find_root(root)
    done = accept(top, expected, datetime.now(UTC))
    click.echo(_(
        "trust root of {top}: {fingerprint}"
    ).format(top=top, fingerprint=done.trust.fingerprint))
    for admin in done.trust.admins:
        click.echo(_admin_line(admin))
    click.echo(f"  {named_office(done.trust)}")
    before = done.before
    if before.trust_root is None:
        click.echo(_("before: nothing recorded (this machine had not used the repository)"))
    elif before.trust_root == done.trust.fingerprint:
        click.echo(_(
            "before: the same trust root, trusted since {value}"
        ).format(value=before.recorded or '?'))
    else:
        click.echo(_(
            "before: {trust_root}, trusted since {value}"
        ).format(trust_root=before.trust_root, value=before.recorded or '?'))
    for path, value in sorted(done.after.serials.items()):
        old = before.serials.get(path)
        change = _(" (was {old})").format(old=old) if old is not None and old != value else ""
        click.echo(_(
            "serial {path}: {value}{change}"
        ).format(path=path, value=value, change=change))
    if done.serials_kept is not None:
        click.echo(_(
            "serials left as they were: {serials_kept}"
        ).format(serials_kept=done.serials_kept))
    click.echo(
        _(
            "recorded in {path}: this machine now trusts {fingerprint} for this repository"
        ).format(path=done.after.path, fingerprint=done.trust.fingerprint)
    )


CONFIG = click.option(
    "-f",
    "--config-file",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site's MkDocs configuration.",
)


@cli.command("build", epilog=EPILOG)
@CONFIG
@click.option(
    "--strict",
    is_flag=True,
    help="Judge as validate --strict does (warnings block publication too, notices never);"
    " fail on any finding that blocks, and on any MkDocs warning.",
)
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory (default: site_dir of mkdocs.yml).",
)
@JOBS
@PIN
@NO_CACHE
@QUIET
def build_site(
    config_file: Path,
    strict: bool,
    site_dir: Path | None,
    jobs: int | None,
    pin: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build the public site with MkDocs: only publishable items are in it."""
    from warta.mkdocs_plugin import commands  # noqa: PLC0415 - only site commands load MkDocs

    with terminal_progress(quiet=quiet) as progress:
        out = commands.build_site(
            config_file,
            strict=strict,
            site_dir=site_dir,
            pin=pin,
            cache=not no_cache,
            progress=progress,
            jobs=jobs,
        )
    click.echo(_("built {out}").format(out=out))


@cli.command(epilog=EPILOG)
@CONFIG
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to serve the preview.",
)
@click.option(
    "--build-only",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Build the preview into DIR and exit (never the deployable site_dir).",
)
@PIN
@NO_CACHE
@QUIET
def preview(
    config_file: Path,
    dev_addr: str,
    out_dir: Path | None,
    pin: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Serve drafts for reviewers, each page marked "DRAF - tidak untuk dipublikasikan"."""
    from warta.mkdocs_plugin import commands  # noqa: PLC0415 - only site commands load MkDocs

    if out_dir is not None:
        with terminal_progress(quiet=quiet) as progress:
            commands.build_preview(
                config_file, out_dir, pin=pin, cache=not no_cache, progress=progress
            )
        click.echo(_(
            "preview built in {out_dir} (not for publication)"
        ).format(out_dir=out_dir))
        return
    host, _colon, port = dev_addr.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # an IPv6 address as a URL writes it
    if not host or not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535):
        raise UsageError(_(
            "--dev-addr {dev_addr!r}: expected HOST:PORT"
        ).format(dev_addr=dev_addr))
    with terminal_progress(quiet=quiet) as progress:
        commands.serve_preview(
            config_file,
            host=host,
            port=int(port),
            pin=pin,
            cache=not no_cache,
            progress=progress,
        )


#: How many new objects the cycle collector lets pass before it runs (Python's default: 700).
#: A run makes a few hundred thousand objects that hold no cycle (entries, verdicts, pages)
#: and keeps them to the end: collecting every 700 of them cost a warm ``warta validate`` of
#: 10,000 items 0.2 s of 1.5 s and a warm build of 3,000 items 1.9 s, most of it walking the
#: same live objects again in full collections (README, Performance).
GC_THRESHOLD = (100_000, 20, 20)


def main() -> None:
    _tune_collector()
    _absent_streams()
    _escaping_streams()
    speak_click()
    try:
        cli(prog_name="warta")
    except PermissionError as exc:
        _not_permitted(exc)
    except safefs.UnsafePath as exc:
        _unsafe_path(exc)
    except OSError as exc:
        if exc.errno in _UNUSABLE_PATH:
            _unusable_path(exc.filename, exc.strerror or str(exc))
        if exc.errno not in _FULL:
            raise
        _cannot_write(exc)
    except RuntimeError as exc:  # (Path.resolve() of a symbolic link loop, Python < 3.13)
        if not str(exc).startswith("Symlink loop"):
            raise
        _unusable_path(str(exc).removeprefix("Symlink loop from ").strip("'"), os.strerror(
            errno.ELOOP))
    except subprocess.TimeoutExpired as exc:
        _too_slow(exc)
    except MemoryError:
        _out_of_memory()


def run() -> None:
    """The ``warta`` command (its console script and ``python -m warta``): :func:`main`,
    then the process ends at once (:func:`_exit_now`). :func:`main` itself ends with
    SystemExit, for a program that runs it and goes on."""
    try:
        main()
    except SystemExit as exc:
        _exit_now(exc)
        raise


def _exit_now(exc: SystemExit) -> None:
    """End the process with ``exc``'s code once everything a normal exit does for others
    is done (the functions registered to run at exit: the page helpers joined, temporary
    folders removed, logs closed; both streams flushed), without freeing every object the
    run made one by one: at 3,000 items that took a build about 0.9 s after its last line
    (README, Performance). Returns, for the normal exit, when that cannot be shown to be
    the same: a thread still running, a code that is not a number, a stream that cannot
    be flushed (a closed pipe: Python reports it as before)."""
    code = 0 if exc.code is None else exc.code
    if not isinstance(code, int) or threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # (None: started with that descriptor closed)
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _out_of_memory() -> NoReturn:
    """The machine's memory (or the process's limit) ran out: nothing was judged, so exit 2
    (never a pass, never a traceback)."""
    with contextlib.suppress(OSError, ValueError, MemoryError):
        sys.stderr.write("warta: " + _(
            "out of memory; nothing was judged (a file of the repository may be built to"
            " exhaust it: see the files this change adds)"
        ) + "\n")
        sys.stderr.flush()
    sys.exit(2)


def _too_slow(exc: subprocess.TimeoutExpired) -> NoReturn:
    """A program Warta runs (git reading the repository, ssh-keygen) that did not finish in
    its time and was stopped: nothing was judged, so exit 2 (never a pass, never a
    traceback)."""
    program = exc.cmd if isinstance(exc.cmd, str) else str(exc.cmd[0])
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("warta: " + _(
            "{program} did not finish within {seconds} s and was stopped; nothing was judged"
        ).format(program=visible(Path(program).name), seconds=f"{exc.timeout:g}") + "\n")
        sys.stderr.flush()
    sys.exit(2)


#: A path no file can be reached by: a name too long, a loop of symbolic links, a file where
#: a folder is expected.
_UNUSABLE_PATH = frozenset({errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR})


def _unusable_path(path: object, error: str) -> NoReturn:
    """A path given (or met) that names no usable file or folder: say which, exit 2, never a
    traceback."""
    with contextlib.suppress(OSError, ValueError):
        shown = visible(str(path)) if path is not None else "?"
        sys.stderr.write("warta: " + _(
            "{path}: expected a path to a file or folder, found the error {error!r}"
        ).format(path=shown, error=error) + "\n")
        sys.stderr.flush()
    sys.exit(2)


def _not_permitted(exc: PermissionError) -> NoReturn:
    """A file or folder this user may not use, met before the checks that report one as a
    finding (``chmod 000 workflow`` met looking for the repository's root): say which, exit
    2, never a traceback."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("warta: " + _(
            "{path}: expected a file or folder this user may use, found the error {error!r}"
            " (check its permissions)"
        ).format(path=exc.filename if exc.filename is not None else "?", error=exc.strerror)
            + "\n")
        sys.stderr.flush()
    sys.exit(2)


def _unsafe_path(exc: safefs.UnsafePath) -> NoReturn:
    """A file that may not be read (a link, a folder, an outsized file where a workflow file
    should be) met where no check reported it as a finding: it is said as the check would
    say it, exit 2, never a traceback (``roster add`` with ``roster.yml`` a link ended in
    one; found by an independent attack)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(_("warta: {message}").format(message=visible(str(exc))) + "\n")
        sys.stderr.flush()
    sys.exit(2)


#: What writing the output may meet: a full disk (/dev/full), a quota, a file too large.
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _cannot_write(exc: OSError) -> NoReturn:
    """Say so on standard error (if it can be written), exit 1, never a traceback: what is
    left unwritten is not flushed again as Python exits (that would report it once more)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("warta: " + _("the output could not be written: {error}").format(
            error=exc) + "\n")
        sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            os.dup2(devnull, stream.fileno())
    sys.exit(1)


def _tune_collector() -> None:
    """Collect cycles less often, and leave what importing made (modules, classes,
    functions: alive to the end) out of every collection (until a build's page helpers are
    forked: :mod:`warta.mkdocs_plugin.prerender` freezes and unfreezes the whole heap). A
    forked worker inherits both. Cycles are still collected: what a run discards is freed as
    before, later (peak memory measured the same)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _absent_streams() -> None:
    """A standard stream the command was started without (``2>&-``, some schedulers): Python
    holds None for it, so the first line of progress or of a message ended the command with
    exit 1 and nothing said (found by an independent attack), and a file or a child process
    opened later could take its descriptor. It is opened on the null device: what the
    command writes to it is lost, as it would have been."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
            continue  # (something opened since holds the descriptor: left as it is)
        except OSError:
            pass
        null = os.open(os.devnull, os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, os.fdopen(fd, "w"))


def _escaping_streams() -> None:
    """Print what the terminal's encoding cannot hold escaped (``\\udce9``: a file name that
    is not UTF-8, as Python reads it), never a traceback: the output stays valid text in that
    encoding (under a UTF-8 locale, a JSON report is valid UTF-8) whatever the locale's
    error handling."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _admin_commands() -> None:
    from warta import cliadmin, cliforge, cliprint, clireport  # noqa: PLC0415

    cli.add_command(cliadmin.init)
    cli.add_command(cliadmin.roster)
    cli.add_command(cliforge.summary)
    cli.add_command(cliforge.codeowners)
    cli.add_command(cliforge.hook_group)
    cli.add_command(cliprint.cetak)
    cli.add_command(clireport.laporan)


_admin_commands()
