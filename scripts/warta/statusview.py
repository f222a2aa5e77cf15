"""How ``warta status`` and ``warta log`` print (in Indonesian, for the office's staff).

Text from the repository (titles, paths, names, notes, messages) is printed as written,
never as Rich markup, on one line, and a path is never wrapped or cut: the queue table is as
wide as its longest path needs, and every other path stands on a line of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from warta.inbox import SHOWN_FINDINGS, Entry, Group, group_of
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
    """One line of text as written (no markup), never wrapped."""
    console.print(Text(line), soft_wrap=True)


def _people(people: Iterable[Person]) -> str:
    return ", ".join(f"{one_line(p.name)} ({p.id})" for p in people) or "-"


def _step_label(entry: Entry, ctx: Context) -> str:
    step = entry.row.next_step
    if step is None:
        return "ditarik" if entry.row.withdrawn else "selesai"
    return f"{step.number}. {step.id} ({ctx.sop.roles[step.role].short})"


def _waiting(entry: Entry) -> str:
    row = entry.row
    waited = row.waited if row.waiting is not None else "-"
    standard = row.next_step.time.label() if row.next_step is not None else "-"
    late = " TERLAMBAT" if row.overdue else ""
    return f"menunggu {waited} (Mutu Baku {standard}){late}"


def queue_table(entries: Sequence[Entry], ctx: Context) -> Table:
    """The queue: one row per item that can move on, in groups by the next step."""
    table = Table(title=f"{escape(ctx.sop.identity.name)} — antrean")
    # the path is never wrapped: the column is at least as wide as the longest one
    longest = max((len(e.item.path) for e in entries), default=0)
    for column in ("Langkah berikut", "Berita", "Pelaksana", "Menunggu", "Mutu Baku", ""):
        table.add_column(column, min_width=longest if column == "Berita" else None)
    previous: int | None = None
    for entry in entries:
        row = entry.row
        if previous is not None and row.signed != previous:
            table.add_section()
        previous = row.signed
        step = row.next_step
        table.add_row(
            _step_label(entry, ctx),
            f"{escape(row.item.title or '?')}\n[dim]{escape(row.item.path)}[/]",
            escape(", ".join(row.actors) or "-"),
            row.waited if row.waiting is not None else "-",
            step.time.label() if step is not None else "-",
            "[bold red]TERLAMBAT[/]" if row.overdue else "",
        )
    return table


def print_blocked(console: Console, entries: Sequence[Entry], ctx: Context) -> None:
    """The items nobody can sign: why (the first findings) and who must fix them."""
    if not entries:
        return
    console.print()
    console.print(f"[bold red]Tidak dapat ditandatangani[/] ({len(entries)})")
    for entry in entries:
        item = entry.item
        plain(console, f"  {item.path}")
        plain(
            console,
            f"    {one_line(item.title or '?')} — status {one_line(item.status or '?')};"
            f" langkah berikut {_step_label(entry, ctx)}",
        )
        for finding in entry.blocked[:SHOWN_FINDINGS]:
            where = f"baris {finding.line}: " if finding.line else ""
            plain(console, f"    {where}[{finding.rule}] {one_line(finding.message, 600)}")
        rest = len(entry.blocked) - SHOWN_FINDINGS
        if rest > 0:
            plain(console, f"    … dan {rest} temuan lain (warta log {item.path})")
        fix = entry.fix
        if fix is not None:
            if fix.command is not None:
                plain(console, f"    Perbaikan: {fix.command}")
                plain(console, f"    Oleh: {_people(fix.people)}")
            else:
                plain(console, f"    Harus diperbaiki oleh: {_people(fix.people)}")


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
        plain(console, f"Tidak ada berita yang dapat ditandatangani {who} sekarang.")
    else:
        plain(console, f"Dapat ditandatangani {who} sekarang ({len(mine)}):")
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
        console.print(
            "[bold red]Berkas alur kerja tidak tepercaya[/]: tidak ada yang dapat"
            " ditandatangani (jalankan 'warta validate')."
        )


def _unreadable(console: Console, paths: Iterable[str]) -> None:
    for path in paths:
        console.print(
            f"[red]tidak terbaca[/]: {escape(path)} (run 'warta validate')", soft_wrap=True
        )


def print_scheduled(rows: Sequence[ScheduledRow], zone: tzinfo) -> None:
    """The "Terjadwal" section of ``warta status``: approved items under embargo, soonest
    first, with the time a build first publishes them (nothing when there are none). Paths
    are printed whole, on their own line, never wrapped or cut."""
    if not rows:
        return
    console = console_for(None)
    console.print()
    plain(console, "Terjadwal — disetujui, terbit setelah embargo:")
    for row in rows:
        flag = "  TERHALANG (warta verify)" if row.blocked else ""
        plain(console, f"  {when_text(row.embargo, zone)}: {row.title or '?'}{flag}")
        plain(console, f"    {row.path}")
