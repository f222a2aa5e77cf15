"""The publication policy, written once: which findings keep something off the site.

- an **error** always blocks;
- a **warning** blocks only under ``--strict``;
- a **notice** never blocks, not even under ``--strict``: it records a fact nobody can change
  any more (a step that took longer than its Mutu Baku) or a known state of the office (a
  qualification gap in the roster, demo keys in a repository whose signed roster says it is a
  demo).

``warta validate``, ``verify``, ``build``, ``sign`` and the MkDocs plugin all decide through
this module (the report they share is concluded with it), so that a strict validation and a
strict build publish exactly the same items.
"""

from __future__ import annotations

from collections.abc import Iterable

from warta.model.findings import Finding, Severity


def blocks(finding: Finding, *, strict: bool) -> bool:
    """Whether ``finding`` keeps what it is about (an item, the workflow, a site file) off
    the site."""
    if finding.severity is Severity.ERROR:
        return True
    if finding.severity is Severity.WARNING:
        return strict
    return False


def judged(findings: Iterable[Finding], *, strict: bool) -> list[Finding]:
    """The findings as a report shows them: a warning that blocks (under ``strict``) is shown
    as an error, so that its level says what it does; errors and notices are unchanged."""
    return [f.promoted() if blocks(f, strict=strict) else f for f in findings]


def blocking(findings: Iterable[Finding], *, strict: bool) -> list[Finding]:
    """The findings that block, in their order."""
    return [f for f in findings if blocks(f, strict=strict)]


def clears(findings: Iterable[Finding], *, strict: bool) -> bool:
    """Whether no finding blocks."""
    return not any(blocks(f, strict=strict) for f in findings)


def publishable(
    *,
    passed: bool,
    findings: Iterable[Finding],
    workflow: Iterable[Finding],
    strict: bool,
    embargoed: bool = False,
) -> bool:
    """An item is published only if it passed the publishing gate (``passed``), its signed
    embargo is not pending (``embargoed``: not before that time) and no finding on it or on
    the workflow files blocks."""
    return (
        passed
        and not embargoed
        and clears(workflow, strict=strict)
        and clears(findings, strict=strict)
    )
