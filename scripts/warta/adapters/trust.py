"""The trust root: which administrators may sign workflow/sop.yml and workflow/roster.yml.

``workflow/trust-root`` names the office (``office <id>``, once; ``warta init`` makes the id)
and lists administrators, one key a line: ``<admin-id> <key-type> <base64> [comment]``.
Every signature Warta makes or accepts covers the office's id
(:func:`warta.model.signing.bound`), so that none made in another repository by the same
keys counts here. Each workflow file counts only with a detached signature beside it
(``sop.yml.sig``, ``roster.yml.sig``: SSHSIG, namespace ``warta-workflow``) by one of those
keys. Because a writer could replace the trust root too, its fingerprint is pinned from
outside the repository (:mod:`warta.adapters.pins`; CI pins it) or, unpinned, held to the one
this machine saw first (:mod:`warta.adapters.tofu`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.atomic import write_text
from warta.adapters.ssh import KeygenSigner, canonical_key, key_kinds
from warta.adapters.textfile import MAX_BYTES, read_repo_text
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.demokeys import DEMO_OFFICE, is_demo_key
from warta.model.findings import Finding, error, notice, warning
from warta.model.pin import Pin
from warta.model.signing import Verifier, fingerprint, same_key

TRUST_ROOT_PATH = Path("workflow") / "trust-root"
WORKFLOW_NAMESPACE = "warta-workflow"
PIN_ENV = "WARTA_TRUST_ROOT"
#: An office's id: what ``warta init`` makes (the region's name and 12 random hex digits),
#: or any such word of 4 to 64 letters, digits, dots, dashes and underscores.
OFFICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{3,63}\Z")
#: An administrator's id: letters, digits, dots, dashes and underscores (it is printed by
#: every message about the trust root, and written into commits, so it holds nothing a
#: terminal would act on).
ADMIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")


@dataclass(frozen=True)
class Admin:
    id: str
    public_key: str
    comment: str
    line: int


@dataclass(frozen=True)
class TrustRoot:
    fingerprint: str
    admins: tuple[Admin, ...]
    #: The office's id, which every signature covers; None for a trust root written before
    #: offices were named (its signatures are bound to no office: see :func:`check_trust`).
    office: str | None = None
    #: The line of ``office <id>`` (None without one).
    office_line: int | None = None

    def admin_for(self, public_key: str) -> Admin | None:
        return next((a for a in self.admins if same_key(a.public_key, public_key)), None)


def trust_fingerprint(text: str) -> str:
    """The pin of a trust root: SHA-256 of its text with LF line endings."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_trust_root(root: Path) -> TrustRoot:
    display = TRUST_ROOT_PATH.as_posix()
    result = read_repo_text(root, display)
    if result.text is None:
        if any(f.rule == "file.missing" for f in result.findings):
            raise ConfigError(
                _(
                    "{display}: trust root is missing; expected the administrators' public keys"
                    " there"
                ).format(display=display),
                [error(display, None, "trust.missing", _("trust root file is missing"))],
            )
        raise ConfigError(
            _("{display}: trust root is unreadable").format(display=display), result.findings
        )
    admins: list[Admin] = []
    findings: list[Finding] = []
    office: str | None = None
    office_line: int | None = None
    for number, raw in enumerate(result.text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=3)
        if parts[0] == "office" and len(parts) == 2:
            problem = _office_problem(parts[1], office)
            if problem is None:
                office, office_line = parts[1], number
            else:
                findings.append(error(display, number, "trust.format", problem))
            continue
        if len(parts) < 3 or not parts[1].startswith(("ssh-", "ecdsa-", "sk-")):
            findings.append(
                error(
                    display,
                    number,
                    "trust.format",
                    _(
                        "expected '<admin-id> <key-type> <base64-key> [comment]'; found {line!r}"
                    ).format(line=line[:40]),
                )
            )
            continue
        if not ADMIN_ID.match(parts[0]):
            findings.append(
                error(
                    display,
                    number,
                    "trust.format",
                    _(
                        "expected an administrator's id of letters, digits, dots, dashes and"
                        " underscores (at most 64); found {found}"
                    ).format(found=ascii(parts[0][:64])),
                )
            )
            continue
        if canonical_key(f"{parts[1]} {parts[2]}") != f"{parts[1]} {parts[2]}":
            findings.append(
                error(
                    display,
                    number,
                    "trust.format",
                    _(
                        "expected an administrator's key of a type Warta verifies ({types}), as"
                        " ssh-keygen writes it; found {key!r} (an ECDSA or security key signed"
                        " workflow files that never verified)"
                    ).format(types=key_kinds(), key=f"{parts[1]} {parts[2]}"[:60]),
                )
            )
            continue
        admins.append(
            Admin(parts[0], f"{parts[1]} {parts[2]}", parts[3] if len(parts) > 3 else "", number)
        )
    if not admins and not findings:
        findings.append(
            error(display, None, "trust.empty", _("trust root lists no administrator"))
        )
    if findings:
        raise ConfigError(_("{display}: trust root is invalid").format(display=display), findings)
    return TrustRoot(trust_fingerprint(result.text), tuple(admins), office, office_line)


def _office_problem(found: str, earlier: str | None) -> str | None:
    if earlier is not None:
        return _(
            "expected one 'office <id>' line; found a second one ({found!r} after {earlier!r})"
        ).format(found=found[:70], earlier=earlier)
    if not OFFICE_ID.match(found):
        return _(
            "expected 'office <id>' with an id of 4 to 64 letters, digits, dots, dashes and"
            " underscores; found {found!r}"
        ).format(found=found[:70])
    return None


def workflow_bytes(root: Path, rel: Path) -> bytes:
    """A workflow file's bytes as its signature covers them (read without following any
    link): CRLF read as LF, so that a Windows checkout (git's core.autocrlf) does not break
    the signature."""
    return safefs.read_bytes(root, rel.as_posix(), max_bytes=MAX_BYTES).replace(b"\r\n", b"\n")


def workflow_message(name: str, data: bytes, office: str | None) -> bytes:
    """What a workflow file's signature covers: a label, the office's id (if the trust root
    names one, under a label of its own), the file name and its bytes (as
    :func:`workflow_bytes` reads them)."""
    if office is None:
        return b"warta-workflow/1\n" + name.encode("utf-8") + b"\n" + data
    head = b"warta-workflow/2\n" + office.encode("ascii") + b"\n"
    return head + name.encode("utf-8") + b"\n" + data


def administrators(trust: TrustRoot) -> str:
    """The administrators of ``trust`` with their key fingerprints, and the office it names,
    for messages (a trust root that differs only in its office must not look the same)."""
    admins = ", ".join(f"{a.id} {fingerprint(a.public_key)}" for a in trust.admins)
    return f"{admins}; {named_office(trust)}"


def named_office(trust: TrustRoot) -> str:
    """``office <id>``, or that the trust root names none, for messages."""
    if trust.office is None:
        return _("no office named")
    return _("office {office}").format(office=trust.office)


def check_trust(trust: TrustRoot, pin: Pin | None, *, demo: bool = False) -> list[Finding]:
    """The trust root against the pin in force (unpinned: see :mod:`warta.adapters.tofu`),
    and its demo keys: warnings, or notices (which never block) when ``demo`` (the signed
    roster marks the repository as a demo)."""
    display = TRUST_ROOT_PATH.as_posix()
    out: list[Finding] = []
    if pin is not None and pin.fingerprint.lower() != trust.fingerprint:
        out.append(
            error(
                display,
                None,
                "trust.pin-mismatch",
                _(
                    "trust root fingerprint must be the pinned {pinned} ({pin}); found {found}"
                    " (administrators: {admins}): the trust root was replaced, so no workflow"
                    " file and no item is trusted"
                ).format(
                    pinned=pin.fingerprint,
                    pin=pin.describe(),
                    found=trust.fingerprint,
                    admins=administrators(trust),
                ),
            )
        )
    if trust.office is None:
        out.append(
            notice(
                display,
                None,
                "trust.office-missing",
                _(
                    "the trust root names no office, so signatures here are bound to no"
                    " repository: one made by the same keys in another repository (another"
                    " office's, a practice newsroom) passes here too; expected a line"
                    " 'office <id>' (warta init writes one; adding it means signing the"
                    " workflow files and every item again, see the README)"
                ),
            )
        )
    if trust.office == DEMO_OFFICE:
        out.append(
            (notice if demo else warning)(
                display,
                trust.office_line,
                "trust.demo-office",
                _(
                    "the trust root names the sample's office, {office}, which every repository"
                    " made from the sample names too: a signature made in any of them counts in"
                    " the others; expected an id of the office's own (warta init makes one: the"
                    " region's name and 12 random hex digits)"
                ).format(office=DEMO_OFFICE),
            )
        )
    for admin in trust.admins:
        if "demo" in admin.comment.lower() or is_demo_key(admin.public_key):
            out.append(
                (notice if demo else warning)(
                    display,
                    admin.line,
                    "trust.demo-key",
                    _(
                        "administrator {id} uses a DEMO key (its private half is public under"
                        " tests/); expected the office's own key"
                    ).format(id=admin.id),
                )
            )
    return out


def check_workflow_signature(
    root: Path, rel: Path, trust: TrustRoot, verifier: Verifier
) -> list[Finding]:
    display = rel.as_posix()
    try:
        armored = safefs.read_bytes(root, f"{display}.sig", max_bytes=65536).decode("ascii")
        data = workflow_bytes(root, rel)
    except safefs.UnsafePath as exc:
        if not exc.missing:
            return [
                error(
                    display,
                    None,
                    "workflow.signature",
                    _("cannot read signature: {reason}").format(reason=exc),
                )
            ]
        return [
            error(
                display,
                None,
                "workflow.unsigned",
                _(
                    "{display} has no signature ({display}.sig); expected one by an"
                    " administrator in workflow/trust-root (warta trust sign)"
                ).format(display=display),
            )
        ]
    except (OSError, UnicodeDecodeError) as exc:
        return [
            error(
                display,
                None,
                "workflow.signature",
                _("cannot read signature: {reason}").format(reason=exc),
            )
        ]
    key = verifier.signer_key(
        workflow_message(rel.name, data, trust.office), armored, WORKFLOW_NAMESPACE
    )
    if key is None:
        return [
            error(
                display,
                None,
                "workflow.signature",
                _(
                    "{display}.sig does not verify over the current {display} for office"
                    " {office}; expected a signature of this exact file for this office by an"
                    " administrator (was the file changed after it was signed, or signed in"
                    " another repository?)"
                ).format(display=display, office=trust.office or _("(none named)")),
            )
        ]
    if trust.admin_for(key) is None:
        return [
            error(
                display,
                None,
                "workflow.signer",
                _(
                    "{display} is signed with key {fingerprint}, which is not an administrator"
                    " in workflow/trust-root; expected an administrator's key"
                ).format(display=display, fingerprint=fingerprint(key)),
            )
        ]
    return []


def sign_workflow(root: Path, rel: Path, signer: KeygenSigner, office: str | None) -> Path:
    data = workflow_bytes(root, rel)
    armored = signer.sign(workflow_message(rel.name, data, office), WORKFLOW_NAMESPACE)
    out = root / f"{rel}.sig"
    write_text(out, armored)
    return out
