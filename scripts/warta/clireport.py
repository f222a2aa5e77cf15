"""``warta laporan``: the AKIP report of a month, a half-year or a year. Thin, like
:mod:`warta.cli`; the figures are :mod:`warta.laporan` and :mod:`warta.model.performance`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from warta.adapters import atomic, clock
from warta.adapters.git import in_repository
from warta.adapters.textfile import utf8
from warta.cli import EPILOG, NO_CACHE, PIN, ROOT, _at, _load
from warta.cliprogress import QUIET, terminal_progress
from warta.clitext import Command
from warta.errors import UsageError
from warta.i18n import _
from warta.model.performance import parse_period

#: Where a report goes by default, under the user's home folder: outside the checkout.
REPORTS = "warta-laporan"


def _output(root: Path, output: Path | None, period: str, fmt: str) -> Path | None:
    """Where the report goes (None: standard output). The report names people and is
    internal: never under the site's sources, and never inside a git working tree, where
    the next 'git add -A' could commit it (whatever a pushed .gitignore says now or after
    the next pull). By default it goes to ~/warta-laporan/."""
    default = output is None
    if output is None:
        if fmt not in ("html", "pdf"):
            return None
        try:
            output = Path.home() / REPORTS / f"laporan-{period}.{fmt}"
        except RuntimeError:
            raise UsageError(
                _("the home folder is not known (HOME is not set); give the report's file"
                  " with --output")
            ) from None
    target = output.resolve()
    content = (root / "content").resolve()
    if target == content or content in target.parents:
        raise UsageError(
            _(
                "--output {output}: the report is internal and must not be written under"
                " content/, where the site is built from; expected a path outside it"
            ).format(output=output)
        )
    if in_repository(output.parent.resolve()):
        raise UsageError(
            _(
                "{output}: the folder is inside a git repository, where 'git add -A' could"
                " commit the report, which is internal; expected a file outside every git"
                " repository (--output)"
            ).format(output=output)
        )
    if default:
        try:
            output.parent.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                _("{folder}: the folder for reports cannot be made ({problem}); give the"
                  " report's file with --output").format(folder=output.parent, problem=exc)
            ) from None
    return output


@click.command(cls=Command, epilog=EPILOG)
@ROOT
@click.option(
    "--periode",
    "period_text",
    required=True,
    metavar="PERIOD",
    help="A month (2026-11), a half-year (2026-S1, 2026-S2) or a year (2026).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "csv", "json"]),
    default="html",
    show_default=True,
    help="html and pdf for people (with charts and the SOP monitoring form); csv and json"
    " for programs.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write, outside every git repository (default:"
    " ~/warta-laporan/laporan-PERIOD.html or .pdf; csv and json go to standard output).",
)
@click.option(
    "--at",
    "at",
    default=None,
    metavar="ISO-TIME",
    help="The moment the report describes (default: WARTA_NOW, else now); records after it"
    " are not counted yet.",
)
@PIN
@NO_CACHE
@QUIET
def laporan(
    root: Path,
    period_text: str,
    fmt: str,
    output: Path | None,
    at: str | None,
    pin: str | None,
    no_cache: bool,
    quiet: bool,
) -> None:
    """The performance report (AKIP) of a period: per SOP step how often it was done, the
    median and 90th percentile of its time against the Mutu Baku, per person, items started,
    published, returned, withdrawn and corrected, open items, printed editions, and the SOP
    monitoring and evaluation forms of Permenpan RB 35/2012. Only items whose signed records
    verify are counted; the others are listed with why.

    The report is internal: it is never part of the site. Exit 0 when it was written."""
    from warta.laporan import build, render  # noqa: PLC0415 (matplotlib loads slowly)

    period = parse_period(period_text)
    if period is None:
        raise UsageError(
            _(
                "--periode {value!r}: expected a month (2026-11), a half-year (2026-S2) or"
                " a year (2026)"
            ).format(value=period_text)
        )
    now = clock.now()
    moment = _at(at) or now
    if moment > now:
        raise UsageError(
            _(
                "--at {value}: expected a moment no later than now ({now}); the records"
                " after now are not written yet"
            ).format(value=at, now=now.isoformat())
        )
    with terminal_progress(quiet=quiet or fmt in ("csv", "json")) as progress:
        project = _load(root, pin, no_cache=no_cache, progress=progress)
        target = _output(project.root, output, period.label, fmt)
        command = f"warta laporan --periode {period.label} --at {moment.isoformat()}"
        progress.start(None, _("writing the report"))
        report = build(project, period, moment, command)
        zone = project.policy.zone
        if fmt == "json":
            data: bytes = utf8(render.as_json(report, zone))
        elif fmt == "csv":
            data = utf8(render.as_csv(report, zone))
        elif fmt == "html":
            data = utf8(render.as_html(report, zone))
        else:
            data = render.as_pdf(report, zone)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        atomic.write_bytes(target, data)
    except OSError as exc:
        raise UsageError(
            _("cannot write {path}: {error}").format(path=target, error=exc)
        ) from None
    click.echo(
        _("report for {period} written to {path} ({items} items counted, {excluded} left out)")
        .format(
            period=period.label,
            path=target,
            items=report.figures.items,
            excluded=len(report.excluded),
        ),
        err=True,
    )
