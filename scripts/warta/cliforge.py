"""The commands around a forge or a git server: ``warta summary`` (Markdown for a pull
request), ``warta codeowners`` (CODEOWNERS from the signed roster) and ``warta hook``
(the pre-receive gate of a plain git server). Thin, like :mod:`warta.cli`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from warta.cli import EPILOG, NO_CACHE, PIN, ROOT, STRICT, _load
from warta.clitext import Command, Group
from warta.errors import ConfigError, WartaError
from warta.i18n import _
from warta.repository import find_root

FORGE = click.option(
    "--forge",
    type=click.Choice(["github", "gitlab", "forgejo"]),
    default=None,
    help="The code forge whose accounts to use.",
)


def forge_from_environment(environ: dict[str, str]) -> str | None:
    """The forge whose CI runs this: GitHub Actions, GitLab CI, Forgejo or Gitea Actions."""
    if environ.get("GITHUB_ACTIONS") == "true" and not environ.get("GITEA_ACTIONS"):
        return "github"
    if environ.get("GITLAB_CI") == "true":
        return "gitlab"
    if environ.get("FORGEJO_ACTIONS") or environ.get("GITEA_ACTIONS"):
        return "forgejo"
    return None


@click.command(cls=Command, epilog=EPILOG)
@ROOT
@click.option(
    "--base",
    "base",
    required=True,
    metavar="REF",
    help="The revision the change is compared with (in CI: the target branch).",
)
@FORGE
@STRICT
@PIN
@NO_CACHE
def summary(
    root: Path, base: str, forge: str | None, strict: bool, pin: str | None, no_cache: bool
) -> None:
    """Markdown for a pull request: each news item changed since REF with its status before
    and after, the steps signed in the change against the Mutu Baku, the findings that block
    it, and the next step with who may take it (mentioned by their forge account).

    Exit 0 when the summary was written, whatever the items' findings (the gate is
    'warta validate'). --forge defaults to the CI's forge (GITHUB_ACTIONS, GITLAB_CI,
    FORGEJO_ACTIONS or GITEA_ACTIONS); without one, people are named without mention."""
    import os  # noqa: PLC0415 - see above

    from warta.summary import summarize  # noqa: PLC0415
    from warta.summary_markdown import render_summary  # noqa: PLC0415

    chosen = forge if forge is not None else forge_from_environment(dict(os.environ))
    project = _load(root, pin, strict=strict, no_cache=no_cache)
    text = render_summary(summarize(project, base, chosen))
    click.echo(text, nl=False)


@click.command(cls=Command, epilog=EPILOG)
@ROOT
@FORGE
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing: exit 1 (with a diff) if CODEOWNERS is not what the roster gives.",
)
@PIN
def codeowners(root: Path, forge: str | None, check: bool, pin: str | None) -> None:
    """Write CODEOWNERS from the signed roster's forge accounts: administrators own
    everything outside content/berita/, the Kasubag and Kabag own content/berita/.

    Without --forge: the only forge the roster names accounts on."""
    from warta import codeowners as owners  # noqa: PLC0415 - see above

    generated = owners.generate(find_root(root), forge=forge, pin=pin)
    for problem in generated.warnings:
        click.echo(_("warta: warning: {problem}").format(problem=problem), err=True)
    name = generated.path.name
    if check:
        if generated.current:
            click.echo(_(
                "{name} is current ({forge})"
            ).format(name=name, forge=generated.owners.forge))
            sys.exit(0)
        click.echo(generated.diff(), nl=False)
        problem = (
            _("{name} is missing; regenerate it with 'warta codeowners'")
            if generated.before is None
            else _("{name} is stale; regenerate it with 'warta codeowners'")
        )
        click.echo(_("warta: {message}").format(message=problem.format(name=name)), err=True)
        sys.exit(1)
    if generated.current:
        click.echo(_("{name} unchanged ({forge})").format(name=name, forge=generated.owners.forge))
        return
    owners.write(generated)
    click.echo(_("wrote {name} for {forge}").format(name=name, forge=generated.owners.forge))


@click.group("hook", cls=Group)
def hook_group() -> None:
    """The gate on a plain git server: a pre-receive hook that refuses pushes to the main
    branch that do not validate."""


@hook_group.command("install", epilog=EPILOG)
@click.argument("bare_repo", type=click.Path(path_type=Path))
@click.option("--branch", default="main", show_default=True, help="The branch to guard.")
@click.option(
    "--trust-root",
    "pin",
    metavar="FINGERPRINT",
    default=None,
    help="The trust root's pin (sha256:…); default: the trust root of the branch as it is"
    " now (trust on first use).",
)
@click.option("--strict", is_flag=True, help="Warnings block a push too (notices never).")
@click.option("--force", is_flag=True, help="Replace a pre-receive hook Warta did not write.")
def hook_install(bare_repo: Path, branch: str, pin: str | None, strict: bool, force: bool) -> None:
    """Install the pre-receive hook in BARE_REPO: a push to the branch must validate, as
    'warta validate --no-cache --base <the branch>' with the pin would say, or is refused.

    The hook runs this Warta (this Python, in isolated mode), never code from a push. Its
    settings (branch, pin, interpreter) are kept in BARE_REPO/hooks/warta-hook.json; run
    this command again to change them or after updating Warta."""
    from warta.hook import install  # noqa: PLC0415 - see above

    done = install(bare_repo, branch=branch, pin=pin, strict=strict, force=force)
    settings = done.settings
    if done.first_use is not None:
        click.echo(
            _(
                "trust root pinned on first use: {pin}, taken from {branch} at {first_use}; "
                "confirm it with the office's administrators (warta trust show), or pin it with "
                "--trust-root"
            ).format(pin=settings.pin, branch=settings.branch, first_use=done.first_use[:10])
        )
    else:
        click.echo(_("trust root pinned by --trust-root: {pin}").format(pin=settings.pin))
    if done.differs is not None:
        click.echo(
            _(
                "note: {branch} now has trust root {differs}, not the pinned one: every push to it "
                "is refused until its trust root is the pinned one"
            ).format(branch=settings.branch, differs=done.differs)
        )
    done_text = (
        _("replaced {hook}: pushes to {branch} must validate{strict}; other branches are accepted")
        if done.replaced
        else _(
            "installed {hook}: pushes to {branch} must validate{strict}; other branches are"
            " accepted"
        )
    )
    click.echo(
        done_text.format(
            hook=done.hook,
            branch=settings.branch,
            strict=_(" (strict)") if settings.strict else "",
        )
    )
    click.echo(_(
        "settings in {settings_file}; runs {python} -I -m warta"
    ).format(settings_file=done.settings_file, python=settings.python))


@hook_group.command("run", hidden=True)
@click.option(
    "--git-dir",
    "git_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The bare repository the hook belongs to.",
)
def hook_run(git_dir: Path) -> None:
    """Called by the pre-receive hook: judge the ref updates git writes on stdin."""
    import os  # noqa: PLC0415

    from warta.hook import run  # noqa: PLC0415 - see above

    def say(line: str) -> None:
        click.echo(line, err=True)

    try:
        lines = sys.stdin.buffer.read().decode("utf-8", "surrogateescape").splitlines()
        outcomes = run(git_dir.absolute(), lines, dict(os.environ))
    except WartaError as exc:
        say("warta: " + _("push refused: {message}").format(message=exc.message))
        if isinstance(exc, ConfigError):
            for finding in exc.findings:
                say(finding.text())
        sys.exit(1)
    except Exception as exc:  # the gate fails closed, without a traceback
        say(
            "warta: "
            + _("push refused: the gate failed unexpectedly ({error})").format(
                error=f"{type(exc).__name__}: {exc}"
            )
        )
        sys.exit(1)
    refused = [o for o in outcomes if not o.accepted]
    for outcome in outcomes:
        if not outcome.guarded:
            continue
        for finding in outcome.findings:
            say(finding.text())
        judged = _("{ref} accepted: {reason}") if outcome.accepted else _("{ref} refused: {reason}")
        say("warta: " + judged.format(ref=outcome.update.ref, reason=outcome.reason))
    if refused:
        names = ", ".join(o.update.ref for o in refused)
        say(
            "warta: "
            + _("push refused ({refs}): nothing in this push was accepted").format(refs=names)
        )
        sys.exit(1)
