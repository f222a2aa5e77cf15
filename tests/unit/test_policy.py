"""The publication policy, written once (warta.model.policy): errors always block, warnings
only under --strict, notices never; the report and each verdict are concluded with it."""

from __future__ import annotations

import pytest
from builders import PATH, context, item

from warta.model import policy
from warta.model.findings import Finding, Severity, error, notice, warning
from warta.validate import validate

WORKFLOW = "workflow/roster.yml"


def one(severity: Severity) -> Finding:
    return Finding(PATH, 7, "some.rule", severity, "message")


@pytest.mark.parametrize(
    ("severity", "strict", "blocks"),
    [
        (Severity.ERROR, False, True),
        (Severity.ERROR, True, True),
        (Severity.WARNING, False, False),
        (Severity.WARNING, True, True),
        (Severity.NOTICE, False, False),
        (Severity.NOTICE, True, False),
    ],
)
def test_which_level_blocks(severity: Severity, strict: bool, blocks: bool) -> None:
    finding = one(severity)
    assert policy.blocks(finding, strict=strict) is blocks
    assert policy.clears([finding], strict=strict) is not blocks
    assert policy.blocking([finding], strict=strict) == ([finding] if blocks else [])


def test_judged_shows_a_blocking_warning_as_an_error_and_leaves_notices() -> None:
    findings = [one(Severity.WARNING), one(Severity.NOTICE), one(Severity.ERROR)]
    assert policy.judged(findings, strict=False) == findings
    assert [f.severity for f in policy.judged(findings, strict=True)] == [
        Severity.ERROR,
        Severity.NOTICE,
        Severity.ERROR,
    ]


def test_a_notice_is_never_promoted() -> None:
    late = notice(PATH, 20, "mutu-baku.exceeded", "took 2 jam")
    assert late.promoted() == late


@pytest.mark.parametrize("strict", [False, True])
def test_notices_on_the_item_or_the_workflow_never_block(strict: bool) -> None:
    workflow = [
        notice(WORKFLOW, 4, "roster.qualification", "no degree"),
        notice(WORKFLOW, 9, "roster.demo-key", "demo keys"),
    ]
    late = notice(PATH, 20, "mutu-baku.exceeded", "took 2 jam")
    report = validate(
        [(PATH, item(), [late])], context(), workflow_findings=workflow, strict=strict
    )
    (verdict,) = report.verdicts
    assert verdict.publishable is True
    assert report.blocking() == []
    assert report.notices() == [*workflow, late]
    assert report.strict is strict


def test_a_workflow_warning_blocks_every_item_only_under_strict() -> None:
    workflow = [warning(WORKFLOW, 9, "roster.demo-key", "demo keys")]
    for strict in (False, True):
        report = validate(
            [(PATH, item(), [])], context(), workflow_findings=workflow, strict=strict
        )
        assert report.verdicts[0].publishable is not strict
        assert len(report.blocking()) == int(strict)


def test_an_error_blocks_with_or_without_strict() -> None:
    broken = error(PATH, 3, "schema.type", "wrong type")
    for strict in (False, True):
        (verdict,) = validate([(PATH, item(), [broken])], context(), strict=strict).verdicts
        assert verdict.publishable is False
