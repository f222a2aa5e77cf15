"""Trust on first use: what this machine remembers of a repository, outside its working tree.

The record lives in this user's state folder, one per repository, keyed as the caches are
(:func:`~warta.adapters.cachekey.repo_key`): ``$XDG_STATE_HOME/warta/repos/<key>/trust.json``
(default ``~/.local/state/warta/…``). It holds

- the trust root's fingerprint this machine first used the repository with (unpinned), or the
  pinned one it last verified; unpinned, a different trust root later is an error
  (``trust.changed``) until someone accepts it deliberately (``warta trust accept``);
- the highest serial seen of each workflow file (recorded only when the workflow verified);
  a lower one later is an error (``serial.rollback``), pinned or not.

A record inside the repository (an ``XDG_STATE_HOME`` pointing into the working tree) is
refused: a commit could plant one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warta.adapters.atomic import PRIVATE, write_text
from warta.adapters.cachekey import inside, read_cache_file, repo_key, xdg_home
from warta.adapters.trust import TRUST_ROOT_PATH, TrustRoot, administrators
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.findings import Finding, error, warning
from warta.model.pin import Pin, PinSource

FORMAT = "warta-tofu/1"
RECORD_FILE = "trust.json"
#: Serials are whole numbers from 1 (:mod:`warta.adapters.serials`).
_MAX = 2**53 - 1


def state_home() -> Path:
    return xdg_home("XDG_STATE_HOME", ".local/state") / "warta"


def record_path(root: Path) -> Path:
    """Where this machine keeps what it knows of the repository at ``root``."""
    return state_home() / "repos" / repo_key(root) / RECORD_FILE


@dataclass(frozen=True)
class Record:
    """What this machine remembers of one repository (``trust_root`` None: never used)."""

    path: Path
    trust_root: str | None = None
    recorded: str | None = None
    serials: Mapping[str, int] = field(default_factory=dict)


def read_record(root: Path) -> Record:
    """The record of ``root`` (an empty one if this machine never used it); ConfigError if
    it lies inside the repository or cannot be read."""
    path = record_path(root)
    display = str(path)
    if inside(path, root):
        raise ConfigError(
            _("{display}: the trust-on-first-use record lies inside the repository").format(
                display=display
            ),
            [
                error(
                    display,
                    None,
                    "trust.state-in-repository",
                    _(
                        "expected the trust-on-first-use record outside the repository; found"
                        " {display} inside {root}, where a commit could plant it (set"
                        " XDG_STATE_HOME to a folder outside the working tree)"
                    ).format(display=display, root=root),
                )
            ],
        )
    try:  # (a link or a pipe there is refused, never followed or waited on)
        raw = read_cache_file(path).decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return Record(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise _broken(display, _("cannot be read ({error})").format(error=exc)) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise _broken(display, _("is not JSON")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _broken(display, _("is not a {format} record").format(format=FORMAT))
    trust_root, recorded = data.get("trust_root"), data.get("recorded")
    serials = data.get("serials")
    if (
        not isinstance(trust_root, str | None)
        or not isinstance(recorded, str | None)
        or not isinstance(serials, dict)
        or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= _MAX
            for v in serials.values()
        )
    ):
        raise _broken(display, _("holds values of the wrong type"))
    return Record(path, trust_root, recorded, dict(serials))


def _broken(display: str, problem: str) -> ConfigError:
    message = _(
        "expected this machine's trust-on-first-use record (a {format} JSON file that Warta"
        " writes); found that {display} {problem}. Nothing is trusted until it is repaired or"
        " removed (removing it forgets the trust root and serials this machine saw)"
    ).format(format=FORMAT, display=display, problem=problem)
    return ConfigError(f"{display}: {problem}", [error(display, None, "trust.state", message)])


def first_use(trust: TrustRoot, record: Record, now: datetime) -> tuple[Pin, list[Finding]]:
    """Unpinned: the pin in force (the recorded trust root, or on first use the current one)
    and what to say about it (``trust.changed`` when the trust root is not the recorded one)."""
    display = TRUST_ROOT_PATH.as_posix()
    admins = administrators(trust)
    where = str(record.path)
    advice = _(
        "; expected a pin from outside the repository (--trust-root, WARTA_TRUST_ROOT or this"
        " user's pin file), as CI must set"
    )
    if record.trust_root is None:
        since = stamp(now)
        return Pin(trust.fingerprint, PinSource.TOFU, where, since), [
            warning(
                display,
                None,
                "trust.unpinned",
                _(
                    "trust root {fingerprint} (administrators: {admins}) is not pinned; this"
                    " machine uses the repository for the first time and trusts this root from"
                    " now on (trust on first use, recorded in {where}): a different trust root"
                    " will be refused{advice}"
                ).format(fingerprint=trust.fingerprint, admins=admins, where=where, advice=advice),
            )
        ]
    pin = Pin(record.trust_root, PinSource.TOFU, where, record.recorded)
    if record.trust_root == trust.fingerprint:
        return pin, [
            warning(
                display,
                None,
                "trust.unpinned",
                _(
                    "trust root {fingerprint} (administrators: {admins}) is not pinned; this"
                    " machine has trusted it since its first use on {recorded}"
                    " (recorded in {where}), and a different trust root is refused{advice}"
                ).format(
                    fingerprint=trust.fingerprint,
                    admins=admins,
                    recorded=record.recorded or "?",
                    where=where,
                    advice=advice,
                ),
            )
        ]
    return pin, [
        error(
            display,
            None,
            "trust.changed",
            _(
                "trust root must be {recorded_root}, which this machine has trusted since"
                " {recorded} (trust on first use, recorded in {where}); found"
                " {fingerprint} (administrators: {admins}): the trust root was replaced, so"
                " no workflow file and no item is trusted. If the office changed its trust root"
                " on purpose (its administrators or its office line), confirm the new"
                " fingerprint with the administrators and accept it with: warta trust accept"
                " {fingerprint}"
            ).format(
                recorded_root=record.trust_root,
                recorded=record.recorded or "?",
                where=where,
                fingerprint=trust.fingerprint,
                admins=admins,
            ),
        )
    ]


def stamp(now: datetime) -> str:
    return now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold ``path``'s lock file (``<name>.lock`` beside it) while the block reads and
    rewrites it: two commands at once never lose each other's update."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = os.open(
        path.parent / f"{path.name}.lock",
        os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK,
        0o600,
    )  # (a pipe there fails at once or is refused below: the lock never waits on it)
    try:
        if not stat.S_ISREG(os.fstat(lock).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", f"{path}.lock")
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        os.close(lock)


def remember(
    root: Path,
    *,
    now: datetime,
    trust_root: str | None = None,
    serials: Mapping[str, int] | None = None,
    replace: bool = False,
) -> Record:
    """Record ``trust_root`` (replacing the recorded one) and the ``serials`` seen (each
    kept at the highest seen; with ``replace``, set as given), if that changes anything.
    OSError if the record cannot be written."""
    path = record_path(root)
    with locked(path):
        old = read_record(root)
        kept = dict(old.serials)
        for name, value in (serials or {}).items():
            kept[name] = value if replace else max(value, kept.get(name, 0))
        new_root = trust_root or old.trust_root
        recorded = old.recorded if new_root == old.trust_root else stamp(now)
        new = Record(path, new_root, recorded, kept)
        if new != old:
            body = {
                "format": FORMAT,
                # (what it says of a path that is not UTF-8 is escaped, as in a message)
                "repository": os.fsencode(root.resolve()).decode("utf-8", "backslashreplace"),
                "trust_root": new.trust_root,
                "recorded": new.recorded,
                "serials": dict(sorted(new.serials.items())),
            }
            text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
            write_text(path, text, mode=PRIVATE)
        return new


def unwritable(path: Path, exc: OSError) -> Finding:
    return warning(
        TRUST_ROOT_PATH.as_posix(),
        None,
        "trust.state",
        _(
            "expected to keep this machine's trust-on-first-use record in {path}; it cannot be"
            " written ({error}), so this machine remembers neither the trust root nor"
            " the workflow serials, and cannot notice a replaced trust root or an older workflow"
            " file (set XDG_STATE_HOME to a writable folder, or pin the trust root)"
        ).format(path=path, error=exc.strerror or exc),
    )
