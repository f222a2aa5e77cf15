"""The ``warta`` command: thin wiring from arguments to the core and back to an exit code.

Exit codes: 0 fine; 1 findings (errors, or warnings with --strict) or a refused action;
2 usage error or broken workflow configuration (sop.yml, roster.yml missing or invalid).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

from warta import __version__
from warta.adapters import newitem
from warta.adapters.atomic import write_text
from warta.adapters.items import NEWS_DIR
from warta.errors import ConfigError, UsageError, WartaError
from warta.output import as_github, as_json, as_text
from warta.project import check_project, find_root, load_project
from warta.queue import queue
from warta.validate import format_span

EPILOG = "Exit codes: 0 fine, 1 findings or refused action, 2 usage or broken configuration."


def _fail(exc: WartaError) -> NoReturn:
    click.echo(f"warta: {exc.message}", err=True)
    if isinstance(exc, ConfigError):
        for finding in exc.findings:
            click.echo(
                f"{finding.location()}: {finding.severity.value} [{finding.rule}]"
                f" {finding.message}",
                err=True,
            )
    sys.exit(exc.exit_code)


@click.group(epilog=EPILOG)
@click.version_option(__version__, prog_name="warta")
def cli() -> None:
    """Warta: the SOP-driven, signed newsroom of the Bagian Kominfo dan Humas."""


ROOT = click.argument(
    "root", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)


@cli.command(epilog=EPILOG)
@ROOT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (they block publication).")
def validate(root: Path, fmt: str, strict: bool) -> None:
    """Check every news item and both workflow files; report every finding."""
    try:
        project = load_project(find_root(root))
        report = check_project(project, strict=strict)
    except WartaError as exc:
        if fmt == "github" and isinstance(exc, ConfigError):
            click.echo(as_github(exc.findings))
        _fail(exc)
    if fmt == "json":
        click.echo(as_json(report))
    elif fmt == "github":
        text = as_github(report.all_findings())
        if text:
            click.echo(text)
        click.echo(f"{len(report.publishable())}/{len(report.verdicts)} item(s) publishable")
    else:
        click.echo(as_text(report))
    sys.exit(1 if report.errors() else 0)


@cli.command(epilog=EPILOG)
@ROOT
def status(root: Path) -> None:
    """Show items grouped by SOP step: who must act next and how long each has waited."""
    try:
        project = load_project(find_root(root))
    except WartaError as exc:
        _fail(exc)
    ctx = project.context
    items = [e.item for e in project.loaded if e.item is not None]
    table = Table(title=f"{ctx.sop.identity.name} — antrean", show_lines=False)
    for column in ("Langkah berikut", "Berita", "Pelaksana", "Menunggu", "Mutu Baku", ""):
        table.add_column(column)
    for row in queue(items, ctx):
        step = row.next_step
        if step is None:
            label, std = "selesai", "-"
        else:
            label, std = (
                f"{step.number}. {step.id} ({ctx.sop.roles[step.role].short})",
                step.time.label(),
            )
        waited = format_span(row.waiting) if row.waiting is not None else "-"
        flag = "[bold red]TERLAMBAT[/]" if row.overdue else ""
        table.add_row(
            label,
            f"{row.item.title or '?'}\n[dim]{row.item.path}[/]",
            ", ".join(row.actors) or "-",
            waited,
            std,
            flag,
        )
    unreadable = [e for e in project.loaded if e.item is None]
    console = Console(width=max(100, Console().width))
    console.print(table)
    for entry in unreadable:
        console.print(f"[red]tidak terbaca[/]: {entry.path} (run 'warta validate')")


@cli.command(epilog=EPILOG)
@click.argument("title")
@click.option("--category", "categories", multiple=True, help="Category (repeatable).")
@click.option("--description", default="", help="One-line summary.")
@click.option("--root", "root", default=".", type=click.Path(file_okay=False, path_type=Path))
def new(title: str, categories: tuple[str, ...], description: str, root: Path) -> None:
    """Create a news item skeleton under content/berita/ with a fresh id."""
    try:
        top = find_root(root)
        project = load_project(top)
        today = datetime.now(UTC).astimezone(project.context.zone).date()
        item_id = newitem.fresh_id(today)
        folder = top / NEWS_DIR / f"{today:%Y}" / newitem.slugify(title)
        if folder.exists():
            folder = folder.with_name(f"{folder.name}-{item_id[-6:]}")
        path = folder / "index.md"
        text = newitem.skeleton(
            item_id,
            title=title,
            day=today,
            initial_status=project.sop.initial_status,
            categories=list(categories),
            description=description,
        )
        try:
            write_text(path, text, exclusive=True)
        except FileExistsError:
            raise UsageError(f"{path}: already exists; nothing was written") from None
    except WartaError as exc:
        _fail(exc)
    click.echo(f"created {path.relative_to(top).as_posix()} (id {item_id})")


def main() -> None:
    cli(prog_name="warta")
