"""Warta's errors are click exceptions: click shows them as people read them (``show``) and
exits with their code (0 fine, 1 findings or refused, 2 usage or broken configuration). The
commands' own tests prove it through the entry point; here, the exceptions themselves."""

from __future__ import annotations

import click
import pytest

from warta.errors import ConfigError, RefusedError, UsageError, WartaError
from warta.model.findings import Finding, Severity

FINDING = Finding("workflow/sop.yml", 7, "sop.step", Severity.ERROR, "step 'x' unknown")


@pytest.mark.parametrize(
    ("error", "code", "lines"),
    [
        (UsageError("--edisi 2026-13: not a month"), 2, ["warta: --edisi 2026-13: not a month"]),
        (RefusedError("nothing was changed"), 1, ["warta: nothing was changed"]),
        (
            ConfigError("the workflow files do not verify", [FINDING]),
            2,
            [
                "warta: the workflow files do not verify",
                "workflow/sop.yml:7: error [sop.step] step 'x' unknown",
            ],
        ),
    ],
)
def test_click_shows_the_error_and_exits_with_its_code(
    error: WartaError, code: int, lines: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert isinstance(error, click.ClickException)
    error.show()
    captured = capsys.readouterr()
    assert (error.exit_code, captured.err.splitlines(), captured.out) == (code, lines, "")
