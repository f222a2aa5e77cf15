"""The verdict: publishable only past the approval gate with every rule holding, and closed
whenever anything is unknown; warnings block only under --strict; the report's totals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import APPROVED, FIELDS, PATH, context, item, real_sop

from warta.model.findings import Finding, Severity, error, warning
from warta.model.item import NewsItem
from warta.model.office import format_span
from warta.validate import ITEM_CHECKS, Report, Verdict, ordered_prefix, validate

WIN = ("kompilasi", "sri", "2026-11-03 10:00")


def verdict_of(news: NewsItem | None, *, found=(), workflow=(), strict=False) -> Verdict:  # type: ignore[no-untyped-def]
    result = validate(
        [(PATH, news, list(found))], context(), workflow_findings=workflow, strict=strict
    )
    (verdict,) = result.verdicts
    return verdict


@pytest.mark.parametrize(
    ("count", "publishable"),
    [(0, False), (1, False), (2, False), (3, False), (4, False), (5, True), (6, True)],
)
def test_publishable_only_once_the_approval_gate_is_signed(count: int, publishable: bool) -> None:
    steps = (*APPROVED, WIN)[:count]
    verdict = verdict_of(item(steps))
    assert verdict.findings == []
    assert verdict.publishable is publishable


def test_the_gate_follows_the_sop_not_a_step_number() -> None:
    # an SOP whose gate is step 4: three signed steps are not enough, four are
    sop = real_sop()
    steps = tuple(replace(s, gate=s.id == "laporan") for s in sop.steps)
    ctx = context(sop=replace(sop, steps=steps))
    four = item(APPROVED[:4], approved_by=None)
    result = validate([(PATH, four, [])], ctx)
    assert [f.rule for f in result.verdicts[0].findings] == ["approved_by.missing"]
    ok = replace(four, approved_by="sri")
    assert validate([(PATH, ok, [])], ctx).verdicts[0].publishable is True
    three = item(APPROVED[:3])
    assert validate([(PATH, three, [])], ctx).verdicts[0].publishable is False


def test_an_unreadable_file_is_never_publishable_and_keeps_its_findings() -> None:
    reader = [error(PATH, 3, "yaml.syntax", "YAML does not parse: x")]
    verdict = verdict_of(None, found=reader)
    assert verdict.findings == reader
    assert verdict.publishable is False
    assert verdict.id is None and verdict.status is None


def test_unreadable_signoffs_fail_closed_even_without_a_finding() -> None:
    news = replace(item(), signoffs_readable=False)
    assert verdict_of(news).publishable is False


def test_a_missing_status_fails_closed_even_without_a_finding() -> None:
    assert verdict_of(item(status=None)).publishable is False


def test_a_missing_id_fails_closed_even_without_a_finding() -> None:
    assert verdict_of(replace(item(), id=None)).publishable is False


def test_a_reader_error_blocks_publication_and_a_reader_warning_does_not() -> None:
    bad = [error(PATH, 2, "schema.type", "x")]
    assert verdict_of(item(), found=bad).publishable is False
    typo = [warning(PATH, 7, "schema.unknown-key", "unknown key 'titel'")]
    assert verdict_of(item(), found=typo).publishable is True
    assert verdict_of(item(), found=typo, strict=True).publishable is False


def test_a_workflow_error_blocks_every_item() -> None:
    broken = [error("workflow/sop.yml", None, "workflow.signature", "does not verify")]
    verdict = verdict_of(item(), workflow=broken)
    assert verdict.findings == []
    assert verdict.publishable is False


def test_a_workflow_warning_blocks_only_under_strict() -> None:
    unpinned = [warning("workflow/trust-root", None, "trust.unpinned", "unpinned")]
    assert verdict_of(item(), workflow=unpinned).publishable is True
    assert verdict_of(item(), workflow=unpinned, strict=True).publishable is False


def test_strict_promotes_warnings_to_errors_in_the_report() -> None:
    unpinned = warning("workflow/trust-root", None, "trust.unpinned", "unpinned")
    typo = warning(PATH, 7, "schema.unknown-key", "unknown key")
    loose = validate([(PATH, item(), [typo])], context(), workflow_findings=[unpinned])
    assert loose.errors() == []
    assert loose.warnings() == [unpinned, typo]
    strict = validate(
        [(PATH, item(), [typo])], context(), workflow_findings=[unpinned], strict=True
    )
    assert strict.warnings() == []
    assert strict.errors() == [unpinned.promoted(), typo.promoted()]
    assert strict.errors()[1] == Finding(
        PATH, 7, "schema.unknown-key", Severity.ERROR, "unknown key"
    )


def test_report_collects_workflow_findings_first_then_items_in_order() -> None:
    a = item(path="content/berita/a.md")
    b = item(path="content/berita/b.md", status="terbit", fields={**FIELDS, "id": "b-1"})
    wf = warning("workflow/roster.yml", 4, "roster.qualification", "x")
    result = validate(
        [(a.path, a, []), (b.path, b, []), ("content/berita/c.md", None, [])],
        context(),
        workflow_findings=[wf],
    )
    assert [v.path for v in result.verdicts] == [
        "content/berita/a.md",
        "content/berita/b.md",
        "content/berita/c.md",
    ]
    assert [f.rule for f in result.all_findings()] == ["roster.qualification", "status.unknown"]
    assert [v.path for v in result.publishable()] == ["content/berita/a.md"]


def test_report_of_nothing() -> None:
    empty = Report([])
    assert empty.all_findings() == [] and empty.errors() == [] and empty.publishable() == []


def test_checks_are_named_and_ordered() -> None:
    names = [name for name, _ in ITEM_CHECKS]
    assert names[:11] == [
        "url",
        "status",
        "order",
        "revision",
        "signers",
        "duties",
        "approved_by",
        "times",
        "signatures",
        "content_frozen",
        "content_edits",
    ]
    assert len(set(names)) == len(names)


def test_the_validator_runs_only_the_checks_it_is_given() -> None:
    news = item(status="terbit")
    result = validate([(PATH, news, [])], context(), checks=())
    assert result.verdicts[0].findings == []


def test_a_check_that_raises_fails_closed_on_its_item_only() -> None:
    """A surprise inside one item's checks is a finding on that item: the run goes on, the
    other items are judged, and the item is never published."""

    def explodes(news: NewsItem, ctx: object) -> list[Finding]:
        if news.path == PATH:
            raise ValueError("sexagesimal 1:00:00")
        return []

    other = item(path="content/berita/2026/lain/index.md", fields={**FIELDS, "id": "20261103-a"})
    checks = (*ITEM_CHECKS, ("explodes", explodes))
    result = validate([(PATH, item(), []), (other.path, other, [])], context(), checks=checks)
    broken, fine = result.verdicts
    assert [(f.rule, f.line) for f in broken.findings] == [("internal.error", None)]
    assert broken.findings[0].message == (
        "the check 'explodes' failed unexpectedly (ValueError: sexagesimal 1:00:00); expected"
        " every check to complete, so this file is not published (please report this to the"
        " Warta developers)"
    )
    assert broken.publishable is False
    assert fine.findings == [] and fine.publishable is True


def test_ordered_prefix_counts_leading_steps_in_sop_order() -> None:
    sop = real_sop()
    assert ordered_prefix(item(()), sop) == 0
    assert ordered_prefix(item(APPROVED), sop) == 5
    skipped = item((APPROVED[0], APPROVED[2], APPROVED[3]))
    assert ordered_prefix(skipped, sop) == 1


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 menit"),
        (5, "5 menit"),
        (60, "1 jam"),
        (61, "1 jam 1 menit"),
        (24 * 60, "1 hari"),
        (24 * 60 + 1, "1 hari 1 menit"),
        (3 * 24 * 60 + 2 * 60 + 7, "3 hari 2 jam 7 menit"),
    ],
)
def test_format_span_in_indonesian(minutes: int, text: str) -> None:
    from datetime import timedelta

    assert format_span(timedelta(minutes=minutes, seconds=59)) == text


def test_a_body_too_complex_to_render_is_a_finding_of_its_own() -> None:
    """Rendering that runs out of its time budget refuses the item with body.too-complex."""
    from warta.model.closure import BodyTooComplex

    class Slow:
        def references(self, body: str) -> list[tuple[str, str]]:
            raise BodyTooComplex(10.0)

        def text(self, body: str) -> str:
            raise BodyTooComplex(10.0)

        def images(self, body: str) -> list[tuple[str, str | None]]:
            raise BodyTooComplex(10.0)

    news = replace(item(), slug="jembatan")
    ctx = replace(context(), renderer=Slow(), render_drafts=True)
    (verdict,) = validate([(PATH, news, [])], ctx).verdicts
    assert [(f.rule, f.line) for f in verdict.findings] == [("body.too-complex", news.body_line)]
    assert verdict.publishable is False
