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
            period = f" {h.start or '…'} s.d. {h.end or '…'}"
        acting = " (Plt.)" if h.acting else ""
        out.append(f"  peran: {h.role} ({role_titles.get(h.role, h.role)}){period}{acting}")
    if not person.holdings:
        out.append("  peran: -")
    for key in person.keys:
        since = f" sejak {key.start}" if key.start else ""
        revoked = f", dicabut {key.revoked} ({key.revoked_reason})" if key.revoked else ""
        out.append(f"  kunci: {fingerprint(key.public_key)}{since}{revoked}")
    for forge, user in person.forge:
        out.append(f"  forge: {forge}:{user}")
    for edu in person.education:
        out.append(f"  pendidikan: {edu.level} {edu.field}".rstrip())
    return out


def show(root: Path, pin: str | None = None) -> None:
    top = find_root(root)
    sop, _ = load_sop(top)
    roster, _ = load_roster(top, sop)
    trust = load_trust_root(top)
    problems = check_workflow_signature(top, ROSTER_PATH, trust, SshsigVerifier())
    if pin is not None and pin.strip() != trust.fingerprint:
        click.echo(f"PERINGATAN: akar kepercayaan {trust.fingerprint} bukan pin {pin.strip()}")
    if problems:
        click.echo("PERINGATAN: tanda tangan roster.yml tidak berlaku:")
        for f in problems:
            click.echo(f"  [{f.rule}] {f.message}")
    else:
        click.echo(f"{ROSTER_PATH.as_posix()}: ditandatangani administrator ({trust.fingerprint})")
    titles = {role_id: role.title for role_id, role in sop.roles.items()}
    for person in roster.people.values():
        click.echo("")
        for line in lines(person, titles):
            click.echo(line)
