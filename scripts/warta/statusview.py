"""How ``warta status`` prints (in the running language: Indonesian for the office's staff
unless English is asked for).

Text from the repository (titles, paths, names, notes, messages) is printed as written,
never as Rich markup, on one line, and a path is never wrapped or cut: the queue table is as
wide as its longest path needs, and every other path stands on a line of its own.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from datetime import tzinfo

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from warta.i18n import _, ngettext
from warta.inbox import SHOWN_FINDINGS, Entry, Group, group_of
from warta.model.findings import visible
from warta.model.roster import Person
from warta.scheduled import ScheduledRow, when_text
from warta.summary_markdown import one_line
from warta.validate import Context

#: The width the tables take at least, whatever the terminal (a pipe counts as 80).
MIN_WIDTH = 110
NOTE_MAX = 2000


#: Room the queue table's other columns keep beside the longest path.
OTHER_COLUMNS = 70


def console_for(table: Table | None = None) -> Console:
    """A console at least as wide as the terminal, :data:`MIN_WIDTH`, and ``table`` needs
    for its widest column that may not wrap."""
    width = max(MIN_WIDTH, Console().width)
    if table is not None:
        probe = Console(width=width, emoji=False)
        needed = Measurement.get(probe, probe.options.update_width(10**4), table).minimum
        width = max(width, needed)
    return Console(width=width, emoji=False)


def plain(console: Console, line: str) -> None:
    """One line of text as written (no markup; control, separator and direction characters
    as escapes: :func:`warta.model.findings.visible`), never wrapped."""
    console.print(Text(visible(line)), soft_wrap=True)


def _people(people: Iterable[Person]) -> str:
    return ", ".join(f"{one_line(p.name)} ({p.id})" for p in people) or "-"


def _step_label(entry: Entry, ctx: Context) -> str:
    step = entry.row.next_step
    if step is None:
        return _("withdrawn") if entry.row.withdrawn else _("done")
    label = f"{step.number}. {step.id} ({ctx.sop.roles[step.role].short})"
    if entry.row.correcting:  # the approved version stays on the site meanwhile
        return label + " " + _("(correction)")
    return label


def _waiting(entry: Entry) -> str:
    row = entry.row
    waited = row.waited if row.waiting is not None else "-"
    standard = row.next_step.time.label() if row.next_step is not None else "-"
    text = _("waiting {waited} (Mutu Baku {standard})").format(waited=waited, standard=standard)
    return text + " " + _("LATE") if row.overdue else text


def queue_table(entries: Sequence[Entry], ctx: Context) -> Table:
    """The queue: one row per item that can move on, in groups by the next step."""
    table = Table(
        title=escape(_("{office} — queue").format(office=ctx.sop.identity.name))
    )
    # the path is never wrapped: the column is at least as wide as the longest one
    longest = max((len(visible(e.item.path)) for e in entries), default=0)
    columns = (_("Next step"), _("Item"), _("Who acts"), _("Waiting"), _("Mutu Baku"), "")
    for index, column in enumerate(columns):
        table.add_column(escape(column), min_width=longest if index == 1 else None)
    previous: int | None = None
    for entry in entries:
        row = entry.row
        if previous is not None and row.signed != previous:
            table.add_section()
        previous = row.signed
        step = row.next_step
        table.add_row(
            _step_label(entry, ctx),
            escape(one_line(row.item.title or "?"))
            + f"\n[dim]{escape(visible(row.item.path))}[/]",
            escape(visible(", ".join(row.actors)) or "-"),
            row.waited if row.waiting is not None else "-",
            step.time.label() if step is not None else "-",
            "[bold red]" + escape(_("LATE")) + "[/]" if row.overdue else "",
        )
    return table


def print_blocked(console: Console, entries: Sequence[Entry], ctx: Context) -> None:
    """The items nobody can sign: why (the first findings) and who must fix them."""
    if not entries:
        return
    console.print()
    console.print("[bold red]" + escape(_("Nobody can sign")) + f"[/] ({len(entries)})")
    for entry in entries:
        item = entry.item
        plain(console, f"  {item.path}")
        plain(
            console,
            "    "
            + _("{title} — status {status}; next step {step}").format(
                title=one_line(item.title or "?"),
                status=one_line(item.status or "?"),
                step=_step_label(entry, ctx),
            ),
        )
        for finding in entry.blocked[:SHOWN_FINDINGS]:
            where = _("line {line}: ").format(line=finding.line) if finding.line else ""
            plain(console, f"    {where}[{finding.rule}] {one_line(finding.message, 600)}")
        rest = len(entry.blocked) - SHOWN_FINDINGS
        if rest > 0:
            plain(
                console,
                "    "
                + ngettext(
                    "… and {count} more finding (warta log {path})",
                    "… and {count} more findings (warta log {path})",
                    rest,
                ).format(count=rest, path=shlex.quote(item.path)),
            )
        fix = entry.fix
        if fix is not None:
            if fix.command is not None:
                plain(console, "    " + _("Fix: {command}").format(command=fix.command))
                plain(console, "    " + _("By: {people}").format(people=_people(fix.people)))
            else:
                plain(
                    console,
                    "    " + _("Must be fixed by: {people}").format(people=_people(fix.people)),
                )


def print_status(
    entries: Sequence[Entry], ctx: Context, *, trusted: bool, unreadable: Iterable[str]
) -> None:
    """``warta status``: the queue table, then the items nobody can sign."""
    queued = [e for e in entries if group_of(e) is Group.QUEUE]
    blocked = [e for e in entries if group_of(e) is Group.BLOCKED]
    table = queue_table(queued, ctx)
    console = console_for(table)
    _untrusted(console, trusted)
    console.print(table)
    print_blocked(console, blocked, ctx)
    _unreadable(console, unreadable)


def print_inbox(
    entries: Sequence[Entry],
    ctx: Context,
    person: Person,
    *,
    trusted: bool,
    unreadable: Iterable[str],
) -> None:
    """``warta status --as PERSON``: what the person may sign now, each with the command
    to run, then the items nobody can sign that they must fix."""
    console = console_for()
    _untrusted(console, trusted)
    mine = [e for e in entries if person in e.signers]
    who = f"{one_line(person.name)} ({person.id})"
    if not mine:
        plain(console, _("Nothing {who} can sign now.").format(who=who))
    else:
        plain(console, _("{who} can sign now ({count}):").format(who=who, count=len(mine)))
    for entry in mine:
        plain(console, "")
        plain(
            console,
            f"  {_step_label(entry, ctx)} — {one_line(entry.item.title or '?')} —"
            f" {_waiting(entry)}",
        )
        plain(console, f"    {entry.sign_command(person)}")
    blocked = [
        e for e in entries if group_of(e) is Group.BLOCKED and e.fix and person in e.fix.people
    ]
    print_blocked(console, blocked, ctx)
    _unreadable(console, unreadable)


def _untrusted(console: Console, trusted: bool) -> None:
    if not trusted:
        heading = escape(_("The workflow files are not trusted"))
        rest = escape(_("nobody can sign anything (run 'warta validate')."))
        console.print(f"[bold red]{heading}[/]: {rest}")


def _unreadable(console: Console, paths: Iterable[str]) -> None:
    for path in paths:
        label = escape(_("unreadable"))
        rest = escape(_("{path} (run 'warta validate')").format(path=visible(path)))
        console.print(f"[red]{label}[/]: {rest}", soft_wrap=True)


def print_scheduled(rows: Sequence[ScheduledRow], zone: tzinfo) -> None:
    """The "Terjadwal" section of ``warta status``: approved items under embargo, soonest
    first, with the time a build first publishes them (nothing when there are none). Paths
    are printed whole, on their own line, never wrapped or cut."""
    if not rows:
        return
    console = console_for(None)
    console.print()
    plain(console, _("Scheduled — approved, published after the embargo:"))
    for row in rows:
        flag = "  " + _("BLOCKED (warta verify)") if row.blocked else ""
        plain(console, f"  {when_text(row.embargo, zone)}: {row.title or '?'}{flag}")
        plain(console, f"    {row.path}")
