"""The one exception root of Warta, with the exit code each kind of failure maps to.

Exit codes: 0 fine, 1 findings (or a refused editorial action), 2 usage or broken configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import click

from warta.model.findings import Finding, visible
from warta.model.translate import _


class WartaError(click.ClickException):
    """Root of every error Warta raises on purpose. ``exit_code`` is what the CLI returns.

    It is a :class:`click.ClickException`: a command lets it go, and click shows it (as
    :meth:`show` says: ``warta: MESSAGE``, then the findings of a broken configuration) and
    exits with ``exit_code``; no command catches it only to print it."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        # a path or title in the message may come from the repository: each line is shown
        # with its control and direction characters as escapes (a line break inside a value
        # still starts a line: messages list things on lines of their own)
        shown = "\n".join(map(visible, self.message.split("\n")))
        click.echo(_("warta: {message}").format(message=shown), err=True)
        if isinstance(self, ConfigError):
            for finding in self.findings:
                click.echo(finding.text(), err=True)


class ConfigError(WartaError):
    """The workflow files (sop.yml, roster.yml, trust root) are missing, unreadable or invalid."""

    exit_code = 2

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


class UsageError(WartaError):
    """The command was called wrongly (bad path, unknown person, unknown step)."""

    exit_code = 2


class RefusedError(WartaError):
    """An editorial action was refused; nothing was changed."""

    exit_code = 1


class ContentError(WartaError):
    """A content file cannot be read as a news item (used where a single item is acted on)."""

    exit_code = 1

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)
