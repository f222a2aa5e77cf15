"""The gate on a plain git server: a ``pre-receive`` hook that refuses what would not validate.

``warta hook install BARE_REPO`` writes ``hooks/pre-receive`` and its settings,
``hooks/warta-hook.json``, into the bare repository's git directory, where no push can
reach: the branch it guards, the trust root's pin (from ``--trust-root``, else from the
branch as it is at install time: trust on first use), whether warnings block, and the
absolute path of the Python that runs Warta now. The hook runs that Python in isolated mode
(``-I``: no ``PYTHONPATH``, no user site, not the current folder), so nothing in a push or in
the pusher's environment can put other code in Warta's place.

``warta hook run`` (what the hook calls) reads git's ``<old> <new> <ref>`` lines. Other
branches and tags pass. An update of the guarded branch passes only if it is not a deletion,
is a fast-forward, and its tree validates as ``warta validate --no-cache --base <old>`` with
the stored pin would say: checked out in a temporary folder, judged with no cache and no
per-user state of this machine. Anything unexpected refuses.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warta import __version__
from warta.adapters import bare
from warta.adapters.atomic import write_bytes
from warta.adapters.textfile import MAX_BYTES, decode
from warta.adapters.trust import TRUST_ROOT_PATH, trust_fingerprint
from warta.errors import ConfigError, RefusedError, UsageError, WartaError
from warta.i18n import _, ngettext
from warta.model.findings import Finding
from warta.model.pin import FINGERPRINT

FORMAT = "warta-hook/1"
SETTINGS_FILE = "warta-hook.json"
HOOK_FILE = "pre-receive"
#: The line that marks a pre-receive hook as Warta's (re-installing over it is fine).
MARKER = f"# {FORMAT}: written by 'warta hook install'"
_PIN = FINGERPRINT


@dataclass(frozen=True)
class Settings:
    """What the hook holds a push to (stored in the bare repository, never pushed)."""

    branch: str  # full ref name, refs/heads/main
    pin: str
    python: str
    strict: bool = False
    installed: str = ""
    version: str = ""

    @property
    def short(self) -> str:
        return self.branch.removeprefix("refs/heads/")


@dataclass(frozen=True)
class Installed:
    git_dir: Path
    hook: Path
    settings_file: Path
    settings: Settings
    #: None: pinned by --trust-root; else the commit the pin was taken from (first use)
    first_use: str | None
    #: the guarded branch's trust root, when it is not the pinned one (or None)
    differs: str | None
    replaced: bool


def settings_path(git_dir: Path) -> Path:
    return git_dir / "hooks" / SETTINGS_FILE


def _check_pin(value: str) -> str:
    pin = value.strip().lower()
    if not _PIN.match(pin):
        raise UsageError(_(
            "--trust-root {value!r}: expected sha256: and 64 hex digits"
        ).format(value=value))
    return pin


def _branch_pin(git_dir: Path, commit: str) -> str | None:
    raw = bare.file_at(git_dir, commit, TRUST_ROOT_PATH.as_posix(), MAX_BYTES)
    if raw is None:
        return None
    text = decode(raw, TRUST_ROOT_PATH.as_posix()).text
    return trust_fingerprint(text) if text is not None else None


def hook_script(python: str, git_dir: Path) -> str:
    """The pre-receive hook: runs the installed Warta with an absolute interpreter path in
    isolated mode, whatever the push or the environment holds."""
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        f"# Pushes to the branch in {SETTINGS_FILE} beside this file must validate;\n"
        "# re-run 'warta hook install' to update Warta's path, the pin or the branch.\n"
        f"exec {shlex.quote(python)} -I -m warta hook run --git-dir {shlex.quote(str(git_dir))}\n"
    )


def _is_ours(hook: Path) -> bool:
    if not hook.is_symlink() and not hook.exists():
        return True
    if hook.is_symlink() or not hook.is_file():
        return False
    try:
        head = hook.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return False
    return MARKER in head.splitlines()


def install(
    path: Path,
    *,
    branch: str = "main",
    pin: str | None = None,
    strict: bool = False,
    force: bool = False,
    python: str | None = None,
    now: datetime | None = None,
) -> Installed:
    """Install the gate in the bare repository at ``path`` (see the module's docstring).
    UsageError if ``path`` is no bare repository, the branch name or pin is invalid, or no
    pin can be had; RefusedError over another pre-receive hook without ``force``."""
    git_dir = bare.bare_git_dir(path)
    if not bare.valid_branch(branch):
        raise UsageError(_("--branch {branch!r} is not a valid branch name").format(branch=branch))
    override = bare.hooks_path_override(git_dir)
    if override is not None:
        raise UsageError(
            _(
                "{git_dir}: core.hooksPath is set to {override!r} in its configuration (or the "
                "system's or this user's git configuration), so git would not run a hook in its "
                "hooks/ folder; unset it (git config --show-origin --get core.hooksPath says "
                "where) and install again"
            ).format(git_dir=git_dir, override=override)
        )
    ref = f"refs/heads/{branch}"
    commit = bare.branch_commit(git_dir, ref)
    current = _branch_pin(git_dir, commit) if commit is not None else None
    first_use: str | None = None
    if pin is not None:
        chosen = _check_pin(pin)
    elif current is not None:
        chosen, first_use = current, commit
    elif commit is None:
        raise UsageError(
            _(
                "{git_dir}: {ref} does not exist yet, so there is no trust root to take the pin "
                "from; give it with --trust-root sha256:… (warta trust show in a checkout)"
            ).format(git_dir=git_dir, ref=ref)
        )
    else:
        raise UsageError(
            _(
                "{git_dir}: {ref} has no readable {as_posix}; give the pin with --trust-root "
                "sha256:…"
            ).format(git_dir=git_dir, ref=ref, as_posix=TRUST_ROOT_PATH.as_posix())
        )
    hook = git_dir / "hooks" / HOOK_FILE
    replaced = hook.exists() or hook.is_symlink()
    if not force and not _is_ours(hook):
        raise RefusedError(
            _(
                "{hook}: a pre-receive hook that Warta did not write is already there; it was left "
                "as it is (merge it by hand, or replace it with --force)"
            ).format(hook=hook)
        )
    settings = Settings(
        branch=ref,
        pin=chosen,
        python=str(Path(python or sys.executable).absolute()),
        strict=strict,
        installed=(now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat(),
        version=__version__,
    )
    target = settings_path(git_dir)
    body = {
        "format": FORMAT,
        "branch": settings.branch,
        "trust_root": settings.pin,
        "python": settings.python,
        "strict": settings.strict,
        "installed": settings.installed,
        "warta": settings.version,
    }
    # the settings first: the hook never runs without them
    write_bytes(target, (json.dumps(body, indent=2) + "\n").encode("utf-8"), mode=0o644)
    write_bytes(hook, hook_script(settings.python, git_dir).encode("utf-8"), mode=0o755)
    differs = current if current is not None and current != chosen else None
    return Installed(git_dir, hook, target, settings, first_use, differs, replaced)


def read_settings(git_dir: Path) -> Settings:
    """The hook's settings; ConfigError (the push is refused) if they are missing or broken."""
    path = settings_path(git_dir)
    advice = _("re-run 'warta hook install' on the server")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(_(
            "{path}: the hook's settings cannot be read ({exc}); {advice}"
        ).format(path=path, exc=exc, advice=advice)) from None
    fields = ("branch", "trust_root", "python")
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not all(isinstance(data.get(k), str) for k in fields)
        or not isinstance(data.get("strict", False), bool)
        or not str(data["branch"]).startswith("refs/heads/")
        or not _PIN.match(str(data["trust_root"]))
    ):
        raise ConfigError(_(
            "{path}: not a {FORMAT} settings file; {advice}"
        ).format(path=path, FORMAT=FORMAT, advice=advice))
    return Settings(
        branch=data["branch"],
        pin=data["trust_root"],
        python=data["python"],
        strict=data.get("strict", False),
        installed=str(data.get("installed", "")),
        version=str(data.get("warta", "")),
    )


# ---- the hook's run --------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return set(self.new) == {"0"}

    @property
    def creates(self) -> bool:
        return set(self.old) == {"0"}


@dataclass(frozen=True)
class Outcome:
    """The judgement of one ref update: accepted or not, why, and the findings that block."""

    update: Update
    accepted: bool
    reason: str
    findings: tuple[Finding, ...] = ()
    guarded: bool = False


def parse_updates(lines: Iterable[str]) -> list[Update]:
    """git's ``<old> <new> <ref>`` lines; RefusedError on anything else."""
    updates: list[Update] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split()
        if (
            len(parts) != 3
            or not bare.OBJECT_ID.match(parts[0])
            or not bare.OBJECT_ID.match(parts[1])
            or len(parts[0]) != len(parts[1])
        ):
            raise RefusedError(_(
                "line {number} from git is not '<old> <new> <ref>': {line!r}"
            ).format(number=number, line=line))
        updates.append(Update(*parts))
    return updates


#: The refs a push may make or move besides the guarded branch.
PLAIN_REFS = ("refs/heads/", "refs/tags/")


def run(git_dir: Path, lines: Iterable[str], hook_env: Mapping[str, str]) -> list[Outcome]:
    """Judge every ref update of a push (``hook_env``: the hook's environment, which says
    where git keeps the pushed objects meanwhile)."""
    settings = read_settings(git_dir)
    objects = bare.object_dirs(git_dir, hook_env)
    elsewhere = bare.ref_tips(git_dir)
    outcomes: list[Outcome] = []
    shadows = shadowing_refs(settings.short)
    for update in parse_updates(lines):
        if update.ref in shadows and not update.deletes:
            outcomes.append(
                _refused(
                    update,
                    _(
                        "{ref} shadows {branch}: git reads the name '{short}' as {ref} first (git"
                        " archive, git rev-parse, --base), so nothing but the guarded branch may"
                        " carry it"
                    ).format(ref=update.ref, branch=settings.branch, short=settings.short),
                )
            )
        elif (
            update.ref.startswith(PLAIN_REFS)
            and update.ref.endswith(f"/{settings.short}")
            and update.ref != settings.branch
            and not update.deletes
        ):
            name = update.ref.removeprefix("refs/tags/").removeprefix("refs/heads/")
            outcomes.append(
                _refused(
                    update,
                    _(
                        "{ref} shadows {branch} in every clone: there git reads the name"
                        " '{name}' (a clone's name for the server's {short}, when its remote is"
                        " called '{remote}') as {ref} first (git archive, git reset, --base), so"
                        " no tag or branch may end in '/{short}'"
                    ).format(
                        ref=update.ref,
                        branch=settings.branch,
                        name=name,
                        short=settings.short,
                        remote=name.removesuffix(f"/{settings.short}"),
                    ),
                )
            )
        elif not update.ref.startswith(PLAIN_REFS) and not update.deletes:
            outcomes.append(
                _refused(
                    update,
                    _(
                        "{ref} is neither a branch nor a tag; expected refs/heads/… or"
                        " refs/tags/… (a refs/replace/ ref would make git show another tree for"
                        " {branch}'s commit to everything that reads this repository)"
                    ).format(ref=update.ref, branch=settings.branch),
                )
            )
        elif update.ref != settings.branch:
            outcomes.append(Outcome(update, True, _("not the guarded branch")))
        else:
            outcomes.append(_judge(update, settings, objects, elsewhere))
    return outcomes


def shadowing_refs(short: str) -> frozenset[str]:
    """The refs git's short name ``short`` means before ``refs/heads/<short>`` (``git
    rev-parse`` tries refs/<short>, then refs/tags/<short>, then refs/heads/<short>)."""
    return frozenset((f"refs/{short}", f"refs/tags/{short}"))


def _judge(
    update: Update, settings: Settings, objects: list[Path], elsewhere: Mapping[str, str]
) -> Outcome:
    ref = update.ref
    if update.deletes:
        return _refused(
            update,
            _(
                "deleting {ref} is refused: it holds the signed history the site is built from"
            ).format(ref=ref),
        )
    form = "sha256" if len(update.new) == 64 else "sha1"
    with bare.scratch(objects, form) as root:
        base: str | None = None
        if not update.creates:
            if not bare.is_ancestor(root, update.old, update.new):
                return _refused(
                    update,
                    _(
                        "not a fast-forward: {new} does not contain {ref} as it is ({old}); the"
                        " history of {ref} is never rewritten (no force push): merge or rebase"
                        " onto it and push again"
                    ).format(new=update.new[:10], ref=ref, old=update.old[:10]),
                )
            base = settings.short
            bare.set_branch(root, base, update.old)
        try:
            bare.lay_out(root, update.new)
        except RefusedError as exc:  # (too much to write out: nothing was)
            return _refused(update, exc.message)
        with _isolated_environ(root.parent / "home"):
            return _validate(update, root, base, settings, elsewhere)


def _validate(
    update: Update,
    root: Path,
    base: str | None,
    settings: Settings,
    elsewhere: Mapping[str, str],
) -> Outcome:
    from warta.base import check_base, with_base  # noqa: PLC0415 - loads the whole validator
    from warta.repository import open_repository  # noqa: PLC0415

    against = (
        _(" against {base} at {old}").format(base=base, old=update.old[:10])
        if base
        else _(", the branch's first commit")
    )
    try:
        repo = open_repository(
            root,
            pin=settings.pin,
            strict=settings.strict,
            keep_items=base is not None,
            cache=False,
        )
        report = repo.report
        if base is not None:
            report = with_base(report, check_base(repo, base, elsewhere=elsewhere))
    except ConfigError as exc:
        return _refused(
            update,
            _("the workflow configuration is broken: {message}").format(message=exc.message),
            exc.findings,
        )
    except WartaError as exc:
        return _refused(update, exc.message)
    blocking = report.blocking()
    if blocking:
        command = (
            f"warta validate --no-cache{' --strict' if settings.strict else ''}"
            f"{' --base ' + base if base else ''}"
        )
        return _refused(
            update,
            ngettext(
                "{count} finding blocks publication of {new}{against}, as '{command}' reports it",
                "{count} findings block publication of {new}{against}, as '{command}' reports them",
                len(blocking),
            ).format(count=len(blocking), new=update.new[:10], against=against, command=command),
            blocking,
        )
    publishable = len(report.publishable())
    return Outcome(
        update,
        True,
        _("{new} validates{against}; {publishable}/{items} item(s) publishable").format(
            new=update.new[:10],
            against=against,
            publishable=publishable,
            items=len(report.verdicts),
        ),
        guarded=True,
    )


def _refused(update: Update, reason: str, findings: Iterable[Finding] = ()) -> Outcome:
    return Outcome(update, False, reason, tuple(findings), guarded=True)


@contextlib.contextmanager
def _isolated_environ(home: Path) -> Iterator[None]:
    """This process's environment, for the time of a validation, as a machine of its own:
    no ``GIT_*`` variable of the hook (the scratch repository is not the bare one), no git
    configuration of the server, no pin and no fixed clock (``WARTA_NOW``) from the
    environment, and the state, cache and configuration folders in ``home`` (so no record or
    cache of this user is read)."""
    saved = dict(os.environ)
    fresh = bare.clean_env(saved)
    fresh.pop("WARTA_TRUST_ROOT", None)
    fresh.pop("WARTA_NOW", None)
    for variable in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        folder = home / variable.lower()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh[variable] = str(folder)
    os.environ.clear()
    os.environ.update(fresh)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
