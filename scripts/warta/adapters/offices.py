"""Which trust roots this machine has used each office with: an office's id is public, so a
repository that merely names it must not get signatures that count in that office.

Every signature covers the office its trust root names (:func:`warta.model.signing.bound`),
and the trust root in force is pinned from outside the repository, or trusted on first use
(:mod:`warta.adapters.tofu`). A repository this machine has never seen (a "practice" newsroom
someone hands the Kabag) is trusted on first use, whatever office it names: what the Kabag
signs there would count in the office's real repository. So this machine keeps, beside its
records of each repository, one register of the offices it has used
(``$XDG_STATE_HOME/warta/offices.json``): each office's id with the trust roots it was used
with, and in which repository. A repository that names an office this register holds, with
a trust root the office was never used with here and without a pin, is refused
(``trust.office-conflict``): nothing in it is trusted or signed.

An office is claimed only by a trust root whose workflow files verified, pinned or trusted on
first use, and by ``warta trust accept``. A repository that claimed an office keeps it
through a change of its own trust root (accepted or pinned anew), and an explicit pin always
wins: the pin is the office's word, from outside the repository. A register inside the
repository (an ``XDG_STATE_HOME`` pointing into the working tree) is refused, as the records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from warta.adapters.atomic import PRIVATE, write_text
from warta.adapters.cachekey import inside, read_cache_file, repo_key
from warta.adapters.tofu import locked, stamp, state_home
from warta.adapters.trust import TRUST_ROOT_PATH, TrustRoot, administrators
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.findings import Finding, error, warning

FORMAT = "warta-offices/1"
REGISTER_FILE = "offices.json"
RULE = "trust.office-conflict"


@dataclass(frozen=True)
class Claim:
    """One trust root an office was used with on this machine, in one repository."""

    trust_root: str
    key: str  # the repository's key (:func:`~warta.adapters.cachekey.repo_key`)
    repository: str  # its path when claimed, for messages
    recorded: str


Register = Mapping[str, Sequence[Claim]]


def register_path() -> Path:
    return state_home() / REGISTER_FILE


def read_register(root: Path) -> Register:
    """The register (empty if this machine has none yet); ConfigError if it lies inside the
    repository at ``root`` or cannot be read."""
    path = register_path()
    display = str(path)
    if inside(path, root):
        raise _broken(
            display,
            "trust.state-in-repository",
            _(
                "lies inside the repository {root}, where a commit could plant it (set"
                " XDG_STATE_HOME to a folder outside the working tree)"
            ).format(root=root),
        )
    try:  # (a link or a pipe there is refused, never followed or waited on)
        raw = read_cache_file(path).decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise _broken(
            display, "trust.state", _("cannot be read ({error})").format(error=exc)
        ) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise _broken(display, "trust.state", _("is not JSON")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _broken(
            display, "trust.state", _("is not a {format} register").format(format=FORMAT)
        )
    offices = data.get("offices")
    out: dict[str, list[Claim]] = {}
    if not isinstance(offices, dict):
        raise _broken(display, "trust.state", _("holds values of the wrong type"))
    for office, claims in offices.items():
        if not isinstance(claims, list) or not all(_is_claim(c) for c in claims):
            raise _broken(display, "trust.state", _("holds values of the wrong type"))
        out[office] = [
            Claim(c["trust_root"], c["key"], c["repository"], c["recorded"]) for c in claims
        ]
    return out


def _is_claim(value: object) -> bool:
    names = ("trust_root", "key", "repository", "recorded")
    return isinstance(value, dict) and all(isinstance(value.get(n), str) for n in names)


def _broken(display: str, rule: str, problem: str) -> ConfigError:
    message = _(
        "expected this machine's register of offices (a {format} JSON file that Warta"
        " writes, outside every repository); found that {display} {problem}. Nothing is"
        " trusted until it is repaired or removed (removing it forgets which trust roots this"
        " machine used each office with)"
    ).format(format=FORMAT, display=display, problem=problem)
    return ConfigError(f"{display}: {problem}", [error(display, None, rule, message)])


def conflict(root: Path, trust: TrustRoot, register: Register) -> list[Claim]:
    """The claims that the office ``trust`` names belongs elsewhere on this machine: the
    office was used with other trust roots only, and never by this repository (empty: no
    conflict; a trust root naming no office claims none)."""
    if trust.office is None:
        return []
    claims = list(register.get(trust.office, ()))
    key = repo_key(root)
    if any(c.trust_root == trust.fingerprint or c.key == key for c in claims):
        return []
    return claims


def conflict_finding(trust: TrustRoot, claims: Sequence[Claim]) -> Finding:
    """``trust.office-conflict`` for ``claims`` (from :func:`conflict`)."""
    message = conflict_message(trust, claims)
    return error(TRUST_ROOT_PATH.as_posix(), trust.office_line, RULE, message)


def conflict_message(trust: TrustRoot, claims: Sequence[Claim]) -> str:
    return _(
        "office {office} must have a trust root this machine has used it with: {known};"
        " found {fingerprint} (administrators: {admins}) in a repository that is not pinned"
        " and never used that office here. A signature made here would count in that"
        " office's repository, so nothing here is trusted or signed. A practice or copied"
        " newsroom needs an office id of its own (warta init makes one); if this really is"
        " that office's repository, confirm the fingerprint with its administrators and pin"
        " it (WARTA_TRUST_ROOT or this user's pin file); the register is {register}"
    ).format(
        office=trust.office,
        known="; ".join(f"{c.trust_root} ({c.repository}, {c.recorded[:10]})" for c in claims),
        fingerprint=trust.fingerprint,
        admins=administrators(trust),
        register=register_path(),
    )


def claim(root: Path, trust: TrustRoot, now: datetime) -> None:
    """Record that ``root`` used its office with ``trust`` (nothing for a trust root naming
    no office, or a claim already held). OSError if the register cannot be written;
    ConfigError if it is broken."""
    if trust.office is None:
        return
    path = register_path()
    key = repo_key(root)
    with locked(path):
        register = read_register(root)
        held = register.get(trust.office, ())
        if any(c.trust_root == trust.fingerprint and c.key == key for c in held):
            return
        mine = Claim(
            trust.fingerprint,
            key,
            # (what it says of a path that is not UTF-8 is escaped, as in a message)
            os.fsencode(root.resolve()).decode("utf-8", "backslashreplace"),
            stamp(now),
        )
        updated = {office: list(claims) for office, claims in register.items()}
        updated.setdefault(trust.office, []).append(mine)
        body = {
            "format": FORMAT,
            "offices": {
                office: [asdict(c) for c in claims]
                for office, claims in sorted(updated.items())
            },
        }
        write_text(path, json.dumps(body, indent=2, ensure_ascii=False) + "\n", mode=PRIVATE)


def unwritable(exc: OSError) -> Finding:
    return warning(
        TRUST_ROOT_PATH.as_posix(),
        None,
        "trust.state",
        _(
            "expected to keep this machine's register of offices in {path}; it cannot be"
            " written ({error}), so this machine cannot notice another repository that names"
            " this office (set XDG_STATE_HOME to a writable folder, or pin the trust root)"
        ).format(path=register_path(), error=exc.strerror or exc),
    )
