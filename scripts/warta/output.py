"""Render a validation report as text, JSON, GitHub workflow-command annotations or a GitLab
Code Quality report.

Each finding shows its level (error, warning, notice) as the report judged it: under
``--strict`` a warning blocks and is shown as an error; a notice never blocks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from warta.adapters.textfile import utf8
from warta.i18n import _
from warta.model.findings import Finding, visible
from warta.validate import Report


def summary(report: Report) -> dict[str, int]:
    return {
        "items": len(report.verdicts),
        "publishable": len(report.publishable()),
        "errors": len(report.errors()),
        "warnings": len(report.warnings()),
        "notices": len(report.notices()),
    }


def as_text(report: Report) -> str:
    lines = [
        f.text()
        for f in sorted(report.all_findings(), key=_order)
    ]
    s = summary(report)
    lines.append(
        _(
            "{items} item(s), {publishable} publishable;"
            " {errors} error(s), {warnings} warning(s), {notices} notice(s)"
        ).format(**s)
    )
    return "\n".join(lines)


def _order(f: Finding) -> tuple[str, int, str]:
    return (f.path, f.line or 0, f.rule)


def as_json(report: Report) -> str:
    items = [
        {
            "path": v.path,
            "id": v.id,
            "status": v.status,
            "publishable": v.publishable,
            "findings": [_finding(f) for f in v.findings],
        }
        for v in report.verdicts
    ]
    site = [
        {
            "path": source.path,
            "publishable": source.admitted,
            "findings": [_finding(f) for f in source.findings],
        }
        for source in report.sources
    ]
    site.extend(
        {"path": f.path, "publishable": False, "findings": [_finding(f)]} for f in report.site
    )
    data = {
        "items": items,
        "workflow": [{"path": f.path, **_finding(f)} for f in report.workflow],
        "site": site,
        "summary": summary(report),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _finding(f: Finding) -> dict[str, object]:
    return {"rule": f.rule, "severity": f.severity.value, "line": f.line, "message": f.message}


def _escape_data(text: str) -> str:
    # (and ``##[``, which the runner reads as a command anywhere in a line: as visible() does)
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # any other control, bidi or format character as an escape, as the text format shows
    # it (and ``##[`` defused): never raw in the job log
    return visible(escaped)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Iterable[Finding]) -> str:
    out = []
    for f in sorted(findings, key=_order):
        kind = f.severity.value  # GitHub's levels: error, warning, notice
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(f.rule)}")
        out.append(f"::{kind} {','.join(props)}::{_escape_data(f.message)}")
    return "\n".join(out)


# GitLab's Code Quality severities, from the report's level: an error blocks publication.
_CODEQUALITY_SEVERITY = {"error": "blocker", "warning": "minor", "notice": "info"}


def as_codequality(findings: Iterable[Finding]) -> str:
    """A GitLab Code Quality report (a JSON list; ``artifacts: reports: codequality``): one
    entry per finding with its rule, severity, path and line (1 when the finding has none) and
    a fingerprint that stays the same for the same rule, place and message across pipelines."""
    entries = []
    for f in sorted(findings, key=_order):
        line = f.line or 1
        key = "\0".join((f.rule, f.path, str(line), f.message))
        entries.append(
            {
                "description": f"[{f.rule}] {f.message}",
                "check_name": f.rule,
                "fingerprint": hashlib.sha256(utf8(key)).hexdigest(),
                "severity": _CODEQUALITY_SEVERITY[f.severity.value],
                "location": {"path": f.path, "lines": {"begin": line}},
            }
        )
    return json.dumps(entries, ensure_ascii=False, indent=2)
