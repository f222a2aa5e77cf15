"""An administrator's acts on the roster: add a person (or a role, key or account to one),
revoke a key, and commit what ``warta trust sign`` signed.

Each act refuses, changing nothing, unless every file an administrator signs is signed as it
is now: otherwise the administrator's signature would also cover a change someone else made
to the roster, the SOP or the site's pages (on their branch) without their seeing it. The
roster is then changed, checked the way ``warta validate`` reads it, signed with the
administrator's key (:func:`warta.administer.sign_all`) and committed; a check or commit that
fails puts every file back as it was.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from warta.actions import utf8_argument
from warta.adapters import clock, offices, rosterfile, tofu
from warta.adapters import git as gitops
from warta.adapters.atomic import write_bytes
from warta.adapters.pins import resolve_pin
from warta.adapters.ssh import KeygenSigner, canonical_key, choose_signer, key_kinds
from warta.adapters.trust import administrators, load_trust_root, named_office
from warta.adapters.workflow import ROSTER_PATH, load_roster, load_sop
from warta.administer import Signed, sign_all, unsigned_now
from warta.codeowners import refresh
from warta.errors import ConfigError, RefusedError, UsageError, WartaError
from warta.i18n import N_, _
from warta.model.codeowners import CODEOWNERS_FILE
from warta.model.demokeys import is_demo_key
from warta.model.findings import NOT_ARGUMENT_TEXT
from warta.model.roster import FORGES
from warta.model.signing import fingerprint, same_key


def admin_signer(root: Path, key: Path | None) -> KeygenSigner:
    """The administrator's key: ``key``, else git's user.signingkey, else an ssh-agent key
    listed in workflow/trust-root."""
    return choose_signer(
        root,
        key,
        [a.public_key for a in load_trust_root(root).admins],
        _(
            "no administrator key: pass --admin-key KEYFILE, set git's user.signingkey, or"
            " load a key listed in workflow/trust-root into ssh-agent"
        ),
    )


def replaced_trust_root(root: Path) -> str | None:
    """What is wrong if workflow/trust-root is not the one in force (the pin: WARTA_TRUST_ROOT
    or this user's pin file; else the one this machine has trusted since its first use),
    else None. A trust root replaced on a branch could list the key that signed a sneaked
    edit, which would then look signed; one that names an office this machine used with
    other trust roots only (:mod:`warta.adapters.offices`) would have signatures made here
    count in that office."""
    try:
        trust = load_trust_root(root)
        pinned = resolve_pin(root, None)
        expected = pinned.fingerprint.lower() if pinned else tofu.read_record(root).trust_root
        claims = [] if pinned else offices.conflict(root, trust, offices.read_register(root))
    except WartaError as exc:
        return exc.message
    if claims:
        return offices.conflict_message(trust, claims)
    if expected is None or expected == trust.fingerprint:
        return None
    source = pinned.describe() if pinned else _("trusted on this machine since its first use")
    return _(
        "workflow/trust-root is {found}, not the trust root in force {expected} ({source}); the"
        " signatures it would admit are not an administrator's (git diff workflow/trust-root)"
    ).format(found=trust.fingerprint, expected=expected, source=source)


def unpinned_trust_root(root: Path) -> str | None:
    """What to say if workflow/trust-root is not pinned (only trusted on first use, by
    whichever command first ran here), else None: an administrator's signature made then is
    for whatever office that trust root names."""
    try:
        trust = load_trust_root(root)
        if resolve_pin(root, None) is not None:
            return None
    except WartaError as exc:
        return exc.message
    return _(
        "workflow/trust-root {found} ({admins}) is not pinned on this machine, only trusted on"
        " first use, and the signatures made now count wherever a trust root names its office;"
        " expected your office's trust root, pinned (WARTA_TRUST_ROOT or this user's pin file)"
    ).format(found=trust.fingerprint, admins=administrators(trust))


def signing_for(root: Path) -> str:
    """The office a signature made in ``root`` counts for, as signing says it first."""
    return _("signing for {office} (workflow/trust-root)").format(
        office=named_office(load_trust_root(root))
    )


def refuse_replaced_trust_root(root: Path, what: str) -> None:
    """RefusedError when :func:`replaced_trust_root` finds a problem; else the trust root
    in force holds its office on this machine (:func:`hold_office`)."""
    problem = replaced_trust_root(root)
    if problem is not None:
        raise RefusedError(_(
            "{what} refused: {problem}; nothing was changed"
        ).format(what=what, problem=problem))
    hold_office(root)


def hold_office(root: Path) -> None:
    """Record, in this machine's register of offices, that the office of the trust root in
    force (checked by :func:`replaced_trust_root`) is used with it here, before an
    administrator signs under it: an administrator who only ever signed in the office's
    repository left the register empty, and a copy naming the office with another trust
    root got the roster signed for it (found by an independent attack). A register that
    cannot be written is left as it is: the next run that verifies says so."""
    with contextlib.suppress(OSError):
        offices.claim(root, load_trust_root(root), clock.now())


def refuse_unsigned(root: Path, what: str) -> None:
    """RefusedError naming every administrator's file that its signature does not cover
    (judged by the trust root in force, :func:`refuse_replaced_trust_root`)."""
    refuse_replaced_trust_root(root, what)
    stale = unsigned_now(root)
    if stale:
        listed = "".join(f"\n  {path}" for path in stale)
        raise RefusedError(
            _(
                "{what} refused: these files differ from what an administrator signed, and would "
                "be signed along unseen:{listed}\nReview them (git diff), then sign them on "
                "purpose with 'warta trust sign', or restore them; nothing was changed"
            ).format(what=what, listed=listed)
        )


def _is_admin(root: Path, signer: KeygenSigner) -> None:
    if load_trust_root(root).admin_for(signer.public_key) is None:
        raise RefusedError(
            _(
                "key {fingerprint} is not an administrator in workflow/trust-root; nothing was "
                "changed"
            ).format(fingerprint=fingerprint(signer.public_key))
        )


@dataclass(frozen=True)
class Line:
    """One change of the roster: as the commit records it (``str()``: English, the same for
    every reader of the history) and as it is shown (:attr:`shown`: the running language)."""

    mark: str  # '+' or '-'
    template: str  # marked with N_
    values: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return f"{self.mark} {self.template.format(**dict(self.values))}"

    @property
    def shown(self) -> str:
        return f"{self.mark} {_(self.template).format(**dict(self.values))}"


def _line(mark: str, template: str, **values: object) -> Line:
    return Line(mark, template, tuple((k, str(v)) for k, v in values.items()))


@dataclass(frozen=True)
class Addition:
    """What ``warta roster add`` asks for; empty fields add nothing."""

    id: str
    name: str | None = None
    nip: str | None = None
    role: str | None = None
    start: date | None = None
    end: date | None = None
    acting: bool = False
    key: str | None = None
    forge: tuple[tuple[str, str], ...] = ()
    education: tuple[tuple[str, str], ...] = ()


def public_key_argument(value: str) -> str:
    """A public key given as its text or as a file (an OpenSSH ``.pub``): 'type base64'."""
    text = value.strip()
    if not text.startswith(("ssh-", "ecdsa-", "sk-")):
        path = Path(value).expanduser()
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(
                _(
                    "--key {value}: not a public key and not a readable file ({exc})"
                ).format(value=value, exc=exc)
            ) from None
        if "PRIVATE KEY" in text:
            raise UsageError(
                _(
                    "--key {value}: this is a PRIVATE key; give the public half ({value}.pub), and "
                    "keep the private key with its owner"
                ).format(value=value)
            )
    parts = text.split()
    canonical = canonical_key(text)
    if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-", "sk-")) or (
        canonical != " ".join(parts[:2])
    ):
        raise UsageError(
            _(
                "--key {value}: expected a public key of a type Warta verifies ({types}) as"
                " ssh-keygen writes it, such as 'ssh-ed25519 AAAA…'; found {text!r}"
            ).format(value=value, types=key_kinds(), text=text[:30])
        )
    return canonical


#: What a roster value typed on the command line may not hold: what findings show only as
#: escapes (control characters, a line break among them, line separators and direction
#: controls), and the lone surrogates Python makes of bytes that are not UTF-8.
_NOT_TEXT = re.compile(f"[{NOT_ARGUMENT_TEXT}]")
MAX_TEXT = 200


def text_argument(option: str, value: str) -> str:
    """``value`` if it is text on one line of at most MAX_TEXT characters; else UsageError
    (before anything is read or written)."""
    bad = _NOT_TEXT.search(value)
    if bad is not None:
        shown = f"U+{ord(bad.group()):04X}"
        raise UsageError(
            _(
                "{option} {value!r}: expected text on one line in UTF-8; found {shown} (character "
                "{value2})"
            ).format(option=option, value=value[:40], shown=shown, value2=bad.start() + 1)
        )
    if len(value) > MAX_TEXT:
        raise UsageError(
            _(
                "{option}: expected at most {MAX_TEXT} characters; found {count}"
            ).format(option=option, MAX_TEXT=MAX_TEXT, count=len(value))
        )
    return value


def forge_argument(value: str) -> tuple[str, str]:
    # a line break is left to the roster's own check of account names (roster.forge)
    utf8_argument("--forge", value)
    forge, _colon, user = value.partition(":")
    if forge not in FORGES or not user:
        raise UsageError(
            _(
                "--forge {value!r}: expected FORGE:USER with FORGE one of {value2}"
            ).format(value=value, value2=', '.join(FORGES))
        )
    return forge, user


def education_argument(value: str) -> tuple[str, str]:
    level, _space, study = text_argument("--education", value).partition(" ")
    if not level:
        raise UsageError(_(
            "--education {value!r}: expected a level and field, e.g. 'S1 Hukum'"
        ).format(value=value))
    return level, study.strip()


def _holding(add: Addition) -> Any:
    if add.start is None and add.end is None and not add.acting:
        return add.role
    entry: dict[str, Any] = {"role": add.role}
    if add.start is not None:
        entry["from"] = add.start.isoformat()
    if add.end is not None:
        entry["until"] = add.end.isoformat()
    if add.acting:
        entry["acting"] = True
    return entry


def _open_ended(holding: Any, add: Addition, today: date) -> bool:
    """Whether ``holding`` already gives ``add``'s role, the same way, from ``today`` or
    earlier on, without end."""
    entry = {"role": holding} if isinstance(holding, str) else holding
    start = entry.get("from") if isinstance(entry, dict) else None
    return bool(
        isinstance(entry, dict)
        and entry.get("role") == add.role
        and entry.get("until") is None
        and bool(entry.get("acting", False)) == add.acting
        and add.end is None
        and (start is None or str(start) <= today.isoformat())
    )


def _same_holding(a: Any, b: Any) -> bool:
    def norm(h: Any) -> Any:
        return {"role": h} if isinstance(h, str) else h

    return bool(norm(a) == norm(b))


def _listed(person: dict[str, Any], key: str) -> list[Any]:
    """``person[key]`` as a list to add to: one written empty (``education:``, which YAML
    reads as null) is an empty list (it was kept as None, and the next addition ended in a
    traceback; found by an independent attack)."""
    value = person.get(key)
    if not isinstance(value, list):
        value = person[key] = []
    return value


def _add_role(person: dict[str, Any], add: Addition, *, existing: bool, today: date) -> Line:
    """Give ``person`` ``add``'s role; the line that says so."""
    roles = _listed(person, "roles")
    held = False
    if existing and add.start is None:
        # a role given to someone already here holds from today, as a key added does: a
        # role without a start would count for every day before it (found by an
        # independent attack: a promoted writer signed a Kasubag's step of last month)
        held = any(_open_ended(h, add, today) for h in roles)
        add = replace(add, start=today)
    holding = _holding(add)
    if held or any(_same_holding(h, holding) for h in roles):
        raise RefusedError(_(
            "{id} already holds {role} so; nothing was changed"
        ).format(id=add.id, role=add.role))
    roles.append(holding)
    period = ""
    if add.start or add.end:
        period = f" {add.start or '…'} – {add.end or '…'}"
    acting = " (Plt.)" if add.acting else ""
    return _line("+", N_("{id}: role {role}"), id=add.id, role=f"{add.role}{period}{acting}")


def apply_addition(doc: rosterfile.RosterDoc, add: Addition, today: date) -> list[Line]:
    """Change ``doc`` as ``add`` asks; what changed, one line each. RefusedError when the
    addition contradicts the roster (another name for the id, a key someone else holds, a
    second account on one forge)."""
    person = next((p for p in doc.people if p.get("id") == add.id), None)
    existing = person is not None
    changes: list[Line] = []
    if person is None:
        if not add.name:
            raise UsageError(_("{id} is not in the roster yet: --name is needed").format(id=add.id))
        if add.key is None:
            raise UsageError(_("{id} is not in the roster yet: --key is needed").format(id=add.id))
        person = {"id": add.id, "name": add.name}
        if add.nip:
            person["nip"] = add.nip
        person["roles"] = []
        doc.people.append(person)
        changes.append(_line("+", "{id}: {name}", id=add.id, name=add.name))
    elif not (add.role or add.key or add.forge or add.education):
        raise UsageError(_(
            "{id}: nothing to add (give --role, --key, --forge or --education)"
        ).format(id=add.id))
    else:
        for label, given, have in (
            ("name", add.name, person.get("name")),
            ("nip", add.nip, person.get("nip")),
        ):
            if given is not None and given != have:
                raise RefusedError(
                    _(
                        "{id} is already in the roster with {label} {have!r}; expected the same "
                        "{label} or none, found {given!r}; nothing was changed"
                    ).format(id=add.id, label=label, have=have, given=given)
                )
    if add.role is not None:
        changes.append(_add_role(person, add, existing=existing, today=today))
    if add.key is not None:
        if is_demo_key(add.key):
            raise RefusedError(
                _(
                    "key {fingerprint} is one of Warta's DEMO keys, whose private half is public; "
                    "nothing was changed"
                ).format(fingerprint=fingerprint(add.key))
            )
        for other in doc.people:
            for entry in other.get("keys") or []:
                if isinstance(entry, dict) and same_key(str(entry.get("key", "")), add.key):
                    raise RefusedError(
                        _(
                            "key {fingerprint} is already listed for {value}; expected each key to "
                            "belong to one person; nothing was changed"
                        ).format(fingerprint=fingerprint(add.key), value=other.get('id'))
                    )
        start = add.start if add.start is not None and add.role is None else today
        _listed(person, "keys").append({"key": add.key, "from": start.isoformat()})
        changes.append(
            _line(
                "+",
                N_("{id}: key {fingerprint} from {day}"),
                id=add.id,
                fingerprint=fingerprint(add.key),
                day=start.isoformat(),
            )
        )
    for forge, user in add.forge:
        accounts = person.get("forge") or {}
        person["forge"] = accounts
        if accounts.get(forge) not in (None, user):
            raise RefusedError(
                _(
                    "{id} already has the {forge} account {accounts!r}; nothing was changed"
                ).format(id=add.id, forge=forge, accounts=accounts[forge])
            )
        accounts[forge] = user
        changes.append(
            _line("+", N_("{id}: {forge} account {user}"), id=add.id, forge=forge, user=user)
        )
    for level, study in add.education:
        entry = {"level": level, "field": study} if study else {"level": level}
        _listed(person, "education").append(entry)
        changes.append(
            _line(
                "+", N_("{id}: education {education}"), id=add.id,
                education=f"{level} {study}".rstrip(),
            )
        )
    return changes


_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")


def apply_revocation(
    doc: rosterfile.RosterDoc, person_id: str, key_fp: str, on: date, reason: str
) -> list[Line]:
    if not _FINGERPRINT.fullmatch(key_fp):
        raise UsageError(
            _(
                "--key {key_fp!r}: expected a key fingerprint 'SHA256:…' (warta roster show, "
                "ssh-keygen -lf KEY.pub)"
            ).format(key_fp=key_fp)
        )
    if not text_argument("--reason", reason).strip():
        raise UsageError(_("--reason is needed: why the key is revoked"))
    person = next((p for p in doc.people if p.get("id") == person_id), None)
    if person is None:
        raise RefusedError(_(
            "{person_id} is not in the roster; nothing was changed"
        ).format(person_id=person_id))
    for entry in person.get("keys") or []:
        if not isinstance(entry, dict) or fingerprint(str(entry.get("key", ""))) != key_fp:
            continue
        if entry.get("revoked") is not None:
            raise RefusedError(
                _(
                    "key {key_fp} of {person_id} is already revoked on {entry}; nothing was changed"
                ).format(key_fp=key_fp, person_id=person_id, entry=entry['revoked'])
            )
        entry["revoked"] = on.isoformat()
        entry["reason"] = reason.strip()
        return [
            _line(
                "-",
                N_("{id}: key {fingerprint} revoked on {day} ({reason})"),
                id=person_id,
                fingerprint=key_fp,
                day=on.isoformat(),
                reason=reason.strip(),
            )
        ]
    raise RefusedError(_(
        "{person_id} has no key {key_fp}; nothing was changed"
    ).format(person_id=person_id, key_fp=key_fp))


@dataclass(frozen=True)
class RosterChange:
    changes: tuple[Line, ...]
    signed: Signed
    commit: str | None
    #: why CODEOWNERS was left as it was, if it was
    codeowners_note: str | None = None


def _restore(root: Path, originals: dict[str, bytes | None]) -> None:
    for rel, data in originals.items():
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                (root / rel).unlink()
        else:
            write_bytes(root / rel, data)


def _snapshot(root: Path, rels: Sequence[str]) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for rel in rels:
        path = root / rel
        out[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return out


def change_roster(
    root: Path,
    signer: KeygenSigner,
    edit: Any,
    subject: str,
    *,
    commit: bool = True,
) -> RosterChange:
    """Apply ``edit`` (RosterDoc -> list of :class:`Line`) to the roster, check, sign,
    commit (the commit records the changes in English)."""
    _is_admin(root, signer)
    path = root / ROSTER_PATH
    touched = [
        ROSTER_PATH.as_posix(),
        f"{ROSTER_PATH.as_posix()}.sig",
        "workflow/site-manifest.yml",
        "workflow/site-manifest.yml.sig",
        "workflow/sop.yml",
        "workflow/sop.yml.sig",
        CODEOWNERS_FILE,
    ]
    with gitops.action_lock(root):
        refuse_unsigned(root, _("changing the roster"))
        doc = rosterfile.read_doc(path.read_text(encoding="utf-8"))
        changes: list[Line] = edit(doc)
        originals = _snapshot(root, touched)
        try:
            path.write_text(rosterfile.render(doc), encoding="utf-8")
            try:
                sop, _sop_findings = load_sop(root)
                load_roster(root, sop)
            except ConfigError as exc:
                listed = "".join(
                    f"\n  {f.location()}: [{f.rule}] {f.message}" for f in exc.findings
                )
                raise RefusedError(
                    _(
                        "the roster would not be valid; nothing was changed:{listed}"
                    ).format(listed=listed)
                ) from None
            signed = sign_all(root, signer)
            owners, note = refresh(root, load_trust_root(root).fingerprint)
            sha = None
            if commit:
                summary = f"{subject}: {'; '.join(str(c)[2:] for c in changes)}"
                sha = gitops.commit(
                    root,
                    [root / p for p in signed.paths()] + ([owners] if owners else []),
                    summary if len(summary) <= 72 else summary[:71] + "…",
                    {gitops.TRAILER_ADMIN: signed.admin},
                    body="\n".join(map(str, changes)),
                )
        except BaseException:
            _restore(root, originals)
            with contextlib.suppress(WartaError, OSError):
                gitops.git(root, "reset", "-q", "--", *touched, check=False)
            raise
    return RosterChange(tuple(changes), signed, sha, note)


def commit_trust_sign(root: Path, signed: Signed) -> str | None:
    """Commit what ``warta trust sign`` signed (None when nothing was signed anew)."""
    if not any(fresh for _rel, _serial, fresh in signed.serials):
        return None
    paths = [p for p in signed.paths() if (root / p).exists() or _tracked(root, p)]
    return gitops.commit(
        root,
        [root / p for p in paths],
        f"workflow: signed by {signed.admin}",
        {gitops.TRAILER_ADMIN: signed.admin},
    )


def _tracked(root: Path, rel: str) -> bool:
    result = gitops.git(root, "ls-files", "--error-unmatch", "--", rel, check=False)
    return result.returncode == 0
