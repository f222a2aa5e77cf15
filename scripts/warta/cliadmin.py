"""The administrator's commands: ``warta init`` and ``warta roster add|revoke|show``.

Thin like :mod:`warta.cli`: arguments in, the core (:mod:`warta.newoffice`,
:mod:`warta.staffing`) does the work, a message and an exit code out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from warta.clitext import Command, Group
from warta.errors import UsageError
from warta.i18n import N_, _
from warta.model.findings import visible
from warta.model.item import iso_day

EPILOG = N_("Exit codes: 0 fine, 1 findings or refused action, 2 usage or broken configuration.")

ADMIN_KEY = click.option(
    "--admin-key",
    "admin_key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The administrator's private key file (default: git's user.signingkey, else a"
    " trust-root key in ssh-agent).",
)
ROOT_OPTION = click.option(
    "--root", "root", default=".", type=click.Path(file_okay=False, path_type=Path)
)
NO_COMMIT = click.option("--no-commit", is_flag=True, help="Write and sign, but do not commit.")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    day = iso_day(value)
    if day is None:
        raise UsageError(_(
            "{option} {value!r}: expected a date YYYY-MM-DD"
        ).format(option=option, value=value))
    return day


@click.command(cls=Command, epilog=EPILOG)
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--office", required=True, help='The region, e.g. "Kabupaten Sukamaju".')
@click.option("--site-url", required=True, help="The site's https address.")
@click.option(
    "--timezone",
    default="WIB",
    show_default=True,
    type=click.Choice(["WIB", "WITA", "WIT"]),
    help="The office's time zone.",
)
@click.option(
    "--admin-key",
    "admin_key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The administrator's private key file, which signs the workflow (default: git's"
    " user.signingkey).",
)
@click.option("--admin-id", default="admin", show_default=True, help="The administrator's id.")
@click.option(
    "--admin-name", default="Administrator Warta", show_default=True, help="Their full name."
)
@click.option(
    "--admin-forge",
    "admin_forge",
    multiple=True,
    metavar="FORGE:USER",
    help="Their forge account, e.g. github:pemda-admin (repeatable), for CODEOWNERS.",
)
@click.option(
    "--forge",
    "forge",
    type=click.Choice(["github", "gitlab", "forgejo"]),
    default=None,
    help="The forge CODEOWNERS is written for (default: that of --admin-forge, else github).",
)
@click.option(
    "--warta-sha256",
    default=None,
    metavar="HEX",
    help="SHA-256 of the Warta wheel CI installs (checked before installing).",
)
def init(
    target: Path,
    office: str,
    site_url: str,
    timezone: str,
    admin_key: Path | None,
    admin_id: str,
    admin_name: str,
    admin_forge: tuple[str, ...],
    forge: str | None,
    warta_sha256: str | None,
) -> None:
    """Make a new office repository in TARGET (a new or empty folder) and commit it: the
    SOP, a roster holding the administrator, the trust root, the signed site, CI files for
    GitHub, Forgejo and GitLab, CODEOWNERS and a README. No Warta source, no demo keys."""
    from warta import newoffice  # noqa: PLC0415
    from warta.adapters.ssh import KeygenSigner, git_signing_key  # noqa: PLC0415
    from warta.staffing import forge_argument  # noqa: PLC0415

    if admin_key is None:
        configured = git_signing_key(Path.cwd())
        if not configured or configured.startswith("key::"):
            raise UsageError(
                _(
                    "no administrator key: pass --admin-key KEYFILE (a private key file) or "
                    "set git's user.signingkey to one"
                )
            )
        admin_key = Path(configured)
    signer = KeygenSigner(keyfile=admin_key.expanduser())
    spec = newoffice.Office(
        office,
        site_url,
        timezone,
        admin_id,
        admin_name,
        tuple(forge_argument(f) for f in admin_forge),
        warta_sha256,
        forge,
    )
    made = newoffice.create(target, spec, signer)
    click.echo(newoffice.guidance(made))


@click.group(cls=Group)
def roster() -> None:
    """The roster (workflow/roster.yml): add people, roles, keys; revoke keys; show it.
    Every change is checked, signed with an administrator's key and committed."""


@roster.command("add", epilog=EPILOG)
@click.argument("person_id", metavar="ID")
@click.option("--name", default=None, help="Full name with titles (new person).")
@click.option("--nip", default=None, help="NIP, 18 digits (new person with a role).")
@click.option("--role", default=None, help="A role id of the SOP (kabag, kasubag, staf…).")
@click.option("--from", "start", default=None, metavar="DATE", help="The role's first day.")
@click.option("--until", "end", default=None, metavar="DATE", help="The role's last day.")
@click.option("--acting", is_flag=True, help="Acting official (Plt.) in that role.")
@click.option("--key", default=None, metavar="PUBKEY|FILE", help="An SSH public key (or .pub).")
@click.option(
    "--forge",
    "forge",
    multiple=True,
    metavar="FORGE:USER",
    help="Forge account: github:USER, gitlab:USER or forgejo:USER (repeatable).",
)
@click.option(
    "--education",
    multiple=True,
    metavar='"LEVEL FIELD"',
    help='Education, e.g. "S1 Ilmu Komunikasi" (repeatable).',
)
@ADMIN_KEY
@ROOT_OPTION
@NO_COMMIT
def roster_add(
    person_id: str,
    name: str | None,
    nip: str | None,
    role: str | None,
    start: str | None,
    end: str | None,
    acting: bool,
    key: str | None,
    forge: tuple[str, ...],
    education: tuple[str, ...],
    admin_key: Path | None,
    root: Path,
    no_commit: bool,
) -> None:
    """Add a person, or a role (with --from/--until/--acting for a Plt.), a key, a forge
    account or an education to one already listed."""
    from warta import staffing  # noqa: PLC0415
    from warta.repository import find_root  # noqa: PLC0415

    top = find_root(root)
    first, last = _day(start, "--from"), _day(end, "--until")
    if (first or last or acting) and role is None:
        raise UsageError(_("--from, --until and --acting describe a --role; give --role"))
    if first and last and last < first:
        raise UsageError(_(
            "--until {last} is before --from {first}"
        ).format(last=last, first=first))
    text = staffing.text_argument
    addition = staffing.Addition(
        text("ID", person_id),
        None if name is None else text("--name", name),
        None if nip is None else text("--nip", nip),
        None if role is None else text("--role", role),
        first,
        last,
        acting,
        staffing.public_key_argument(key) if key is not None else None,
        tuple(staffing.forge_argument(f) for f in forge),
        tuple(staffing.education_argument(e) for e in education),
    )
    signer = staffing.admin_signer(top, admin_key)
    today = _office_today(top)
    done = staffing.change_roster(
        top,
        signer,
        lambda doc: staffing.apply_addition(doc, addition, today),
        "roster",
        commit=not no_commit,
    )
    _report(done)


@roster.command("revoke", epilog=EPILOG)
@click.argument("person_id", metavar="ID")
@click.option("--key", "key_fp", required=True, metavar="FINGERPRINT", help="SHA256:… of the key.")
@click.option("--on", "on", required=True, metavar="DATE", help="From this day it signs nothing.")
@click.option("--reason", required=True, help="Why (lost laptop, left the office…).")
@ADMIN_KEY
@ROOT_OPTION
@NO_COMMIT
def roster_revoke(
    person_id: str,
    key_fp: str,
    on: str,
    reason: str,
    admin_key: Path | None,
    root: Path,
    no_commit: bool,
) -> None:
    """Revoke a person's key from a date: signatures made with it on or after that day
    count for nothing."""
    from warta import staffing  # noqa: PLC0415
    from warta.repository import find_root  # noqa: PLC0415

    top = find_root(root)
    day = _day(on, "--on")
    assert day is not None
    signer = staffing.admin_signer(top, admin_key)
    done = staffing.change_roster(
        top,
        signer,
        lambda doc: staffing.apply_revocation(doc, person_id, key_fp, day, reason),
        "roster",
        commit=not no_commit,
    )
    _report(done)


def _report(done: object) -> None:
    from warta.staffing import RosterChange  # noqa: PLC0415

    assert isinstance(done, RosterChange)
    for change in done.changes:
        click.echo(f"  {visible(change.shown)}")
    for rel, serial, fresh in done.signed.serials:
        if fresh:
            click.echo(_(
                "signed {rel} as {admin}, serial {serial}"
            ).format(rel=rel, admin=done.signed.admin, serial=serial))
    if done.codeowners_note:
        click.echo(_(
            "warta: {codeowners_note}"
        ).format(codeowners_note=done.codeowners_note), err=True)
    if done.commit:
        click.echo(_("commit {commit}").format(commit=done.commit[:10]))
    else:
        click.echo(_("not committed (--no-commit)"))


@roster.command("show", epilog=EPILOG)
@ROOT_OPTION
@click.option("--trust-root", "pin", default=None, metavar="FINGERPRINT", help="Pin.")
def roster_show(root: Path, pin: str | None) -> None:
    """The roster: people, roles (Plt. periods), keys (fingerprint, from, revoked) and
    forge accounts, and whether its signature holds."""
    from warta import rosterview  # noqa: PLC0415

    rosterview.show(root, pin)


def _office_today(top: Path) -> date:
    """Today in the office's time zone (sop.yml), by Warta's clock (``WARTA_NOW``, else this
    machine's): a key added between 00:00 and 07:00 WIB was valid from the UTC day before."""
    from warta.adapters import clock  # noqa: PLC0415
    from warta.adapters.workflow import load_sop  # noqa: PLC0415

    sop, _found = load_sop(top)
    return clock.now().astimezone(ZoneInfo(sop.timezone)).date()
