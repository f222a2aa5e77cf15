"""The printed bulletin on the command line: ``warta cetak`` compiles an edition, and
``warta verify`` hands an edition's folder or manifest to :func:`verify_edition`. Thin, like
:mod:`warta.cli`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from warta.cli import AS, AT, EPILOG, KEY, NO_COMMIT, PIN, _at, _load
from warta.cliadmin import _day
from warta.cliprogress import QUIET, terminal_progress
from warta.clitext import Command
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.edition import MANIFEST
from warta.model.findings import visible
from warta.model.sop import unknown_reporter_step
from warta.repository import Repository


@click.command(cls=Command, epilog=EPILOG)
@click.option("--edisi", "edition", required=True, metavar="YYYY-MM",
              help="The edition: its month, e.g. 2026-11.")
@click.option("--dari", "start", default=None, metavar="DATE",
              help="First news day to include (default: the edition's first day).")
@click.option("--sampai", "end", default=None, metavar="DATE",
              help="Last news day to include (default: the edition's last day).")
@click.option("--judul", "title", default=None, help="The bulletin's title (default: site_name).")
@click.option("--root", "root", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="The repository (default: the current folder).")
@AS
@KEY
@NO_COMMIT
@AT
@PIN
@QUIET
def cetak(
    edition: str,
    start: str | None,
    end: str | None,
    title: str | None,
    root: Path,
    as_person: str | None,
    key: Path | None,
    no_commit: bool,
    at: str | None,
    pin: str | None,
    quiet: bool,
) -> None:
    """Compile the printed bulletin of an edition (the SOP's printing step, as the Kasubag).

    Prints the items that are publishable now and whose news day is in the range, signs the
    printing step of each (with a note naming the edition), writes
    content/cetak/EDITION/buletin.pdf and its signed manifest edisi.yml, and commits them in
    one commit. A later run writes a new revision (r2/, r3/, ...), never over a signed one.
    Items under correction, withdrawn, under embargo or not approved are left out (listed)."""
    from warta import actions, cetak  # noqa: PLC0415 - only this command needs them

    with terminal_progress(quiet=quiet) as progress:
        project = _load(root, pin, progress=progress)
    signer = actions.resolve_signer(project, key, as_person)
    result = cetak.compile_edition(
        project,
        signer,
        edition=edition,
        start=_day(start, "--dari"),
        end=_day(end, "--sampai"),
        title=title,
        as_person=as_person,
        now=_at(at),
        commit=not no_commit,
        reporter_step=_reporter_step(project),
    )
    made = result.edition
    for left in result.left_out:
        click.echo(visible(_("left out {path} ({title}): {why}").format(
            path=left.path, title=left.title, why=left.why)))
    for path in result.signed:
        click.echo(visible(_("signed the printing step of {path}").format(path=path)))
    click.echo(
        _(
            "edition {edition} revision {revision}: {count} item(s), {pages} page(s),"
            " {folder}{pdf} ({digest})"
        ).format(
            edition=made.edition, revision=made.revision, count=len(made.items),
            pages=result.pages, folder=result.folder, pdf="buletin.pdf", digest=made.pdf,
        )
        + (_("; commit {commit}").format(commit=result.commit[:10]) if result.commit
           else _("; not committed"))
    )


def _reporter_step(project: Repository) -> str:
    """The step whose signer is printed as each item's reporter, as the site shows it (an
    unknown ``reporter_step`` is refused: the bulletin printed no reporter at all)."""
    site = project.policy.site
    value = site.warta.get("reporter_step") if site is not None else None
    step = project.sop.reporter_step(value)
    if step is None:
        raise ConfigError(unknown_reporter_step(value, project.sop))
    return step.id


def is_edition_path(path: Path) -> bool:
    """Whether ``warta verify`` was given an edition: a folder, or a manifest file."""
    return path.is_dir() or path.name == MANIFEST


def verify_edition(path: Path, strict: bool, pin: str | None, no_cache: bool) -> None:
    """``warta verify`` of an edition: exit 0 if it verifies, else 1 (2 on usage)."""
    from warta.editioncheck import verify  # noqa: PLC0415

    manifest = path / MANIFEST if path.is_dir() else path
    project = _load(manifest.parent, pin, strict=strict, no_cache=no_cache)
    outcome = verify(project, manifest)
    for finding in outcome.findings:
        click.echo(finding.text())
    if outcome.ok and outcome.edition is not None:
        made = outcome.edition
        click.echo(visible(_(
            "OK {path}: edition {edition} revision {revision}, {count} item(s), PDF {digest},"
            " compiled by {by} at {at}"
        ).format(path=outcome.path, edition=made.edition, revision=made.revision,
                 count=len(made.items), digest=made.pdf, by=made.by, at=made.at_text)))
        sys.exit(0)
    click.echo(visible(_("NOT VERIFIED {path}").format(path=outcome.path)))
    sys.exit(1)
