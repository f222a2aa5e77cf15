"""``warta roster show``: the roster as an administrator reads it, one fact a line.

Plain lines, never cut to the terminal's width, so that a fingerprint can be copied into
``warta roster revoke``.
"""

from __future__ import annotations

from pathlib import Path

import click

from warta.adapters.ssh import SshsigVerifier
from warta.adapters.trust import check_workflow_signature, load_trust_root
from warta.adapters.workflow import ROSTER_PATH, load_roster, load_sop
from warta.i18n import _
from warta.model.findings import visible
from warta.model.roster import Person
from warta.model.signing import fingerprint
from warta.repository import find_root


def lines(person: Person, role_titles: dict[str, str]) -> list[str]:
    """What the roster says of one person."""
    head = f"{person.id}  {person.name}" + (f"  NIP {person.nip}" if person.nip else "")
    out = [head]
    for h in person.holdings:
        period = ""
        if h.start or h.end:
            period = " " + _("{start} to {end}").format(start=h.start or "…", end=h.end or "…")
        acting = " (Plt.)" if h.acting else ""
        role = f"{h.role} ({role_titles.get(h.role, h.role)}){period}{acting}"
        out.append("  " + _("role: {role}").format(role=role))
    if not person.holdings:
        out.append("  " + _("role: {role}").format(role="-"))
    for key in person.keys:
        since = " " + _("since {day}").format(day=key.start) if key.start else ""
        revoked = (
            ", " + _("revoked {day} ({reason})").format(day=key.revoked, reason=key.revoked_reason)
            if key.revoked
            else ""
        )
        key_text = f"{fingerprint(key.public_key)}{since}{revoked}"
        out.append("  " + _("key: {key}").format(key=key_text))
    for forge, user in person.forge:
        out.append("  " + _("forge: {account}").format(account=f"{forge}:{user}"))
    for edu in person.education:
        education = f"{edu.level} {edu.field}".rstrip()
        out.append("  " + _("education: {education}").format(education=education))
    return out


def show(root: Path, pin: str | None = None) -> None:
    top = find_root(root)
    sop, _sop_findings = load_sop(top)
    roster, _roster_findings = load_roster(top, sop)
    trust = load_trust_root(top)
    problems = check_workflow_signature(top, ROSTER_PATH, trust, SshsigVerifier())
    if pin is not None and pin.strip() != trust.fingerprint:
        click.echo(
            _("WARNING: the trust root {fingerprint} is not the pin {pin}").format(
                fingerprint=trust.fingerprint, pin=pin.strip()
            )
        )
    if problems:
        click.echo(_("WARNING: the signature of roster.yml does not hold:"))
        for f in problems:
            click.echo(visible(f"  [{f.rule}] {f.message}"))
    else:
        click.echo(
            _("{path}: signed by an administrator ({fingerprint})").format(
                path=ROSTER_PATH.as_posix(), fingerprint=trust.fingerprint
            )
        )
    titles = {role_id: role.title for role_id, role in sop.roles.items()}
    for person in roster.people.values():
        click.echo("")
        for line in lines(person, titles):
            click.echo(visible(line))
