"""The three renderings of a report: text lines, the JSON document CI reads, and GitHub
workflow-command annotations (escaped so a message cannot inject another command). Each shows
the three levels (error, warning, notice) and counts them."""

from __future__ import annotations

import json

from builders import PATH, context, item

from warta.model.closure import SourceVerdict
from warta.model.findings import error, notice, warning
from warta.output import as_github, as_json, as_text, summary
from warta.validate import Report, validate

OTHER = "content/berita/2026/lain/index.md"


UNSIGNED = error("content/info.md", None, "site.unsigned", "not signed")


def sample() -> Report:
    good = item()
    bad = item(path=OTHER, status="terbit", fields={**good.fields, "id": "20261103-lain"})
    report = validate(
        [
            (good.path, good, [warning(PATH, 7, "schema.unknown-key", "unknown key 'titel'")]),
            (bad.path, bad, []),
            (
                "content/berita/rusak.md",
                None,
                [error("content/berita/rusak.md", 3, "yaml.syntax", "YAML does not parse")],
            ),
        ],
        context(),
        workflow_findings=[
            warning("workflow/trust-root", None, "trust.unpinned", "unpinned"),
            notice("workflow/roster.yml", 4, "roster.qualification", "no degree"),
        ],
    )
    report.sources.append(SourceVerdict("content/tentang.md", True))
    report.sources.append(SourceVerdict("content/info.md", False, (UNSIGNED,)))
    return report


STATUS_UNKNOWN = (
    "status 'terbit' is not defined in sop.yml; expected one of: usulan, ditugaskan, diliput,"
    " ditulis, dilaporkan, disetujui, dicetak, ditarik"
)


def test_summary_counts() -> None:
    assert summary(sample()) == {
        "items": 3,
        "publishable": 1,
        "errors": 3,
        "warnings": 2,
        "notices": 1,
    }


def test_text_lists_findings_by_file_and_line_then_a_summary() -> None:
    assert as_text(sample()).splitlines() == [
        "content/berita/2026/jembatan/index.md:7: warning [schema.unknown-key] unknown key 'titel'",
        f"content/berita/2026/lain/index.md:9: error [status.unknown] {STATUS_UNKNOWN}",
        "content/berita/rusak.md:3: error [yaml.syntax] YAML does not parse",
        "content/info.md: error [site.unsigned] not signed",
        "workflow/roster.yml:4: notice [roster.qualification] no degree",
        "workflow/trust-root: warning [trust.unpinned] unpinned",
        "3 item(s), 1 publishable; 3 error(s), 2 warning(s), 1 notice(s)",
    ]


def test_json_has_the_documented_shape() -> None:
    assert json.loads(as_json(sample())) == {
        "items": [
            {
                "path": PATH,
                "id": "20261102-jembatan",
                "status": "disetujui",
                "publishable": True,
                "findings": [
                    {
                        "rule": "schema.unknown-key",
                        "severity": "warning",
                        "line": 7,
                        "message": "unknown key 'titel'",
                    }
                ],
            },
            {
                "path": OTHER,
                "id": "20261103-lain",
                "status": "terbit",
                "publishable": False,
                "findings": [
                    {
                        "rule": "status.unknown",
                        "severity": "error",
                        "line": 9,
                        "message": STATUS_UNKNOWN,
                    }
                ],
            },
            {
                "path": "content/berita/rusak.md",
                "id": None,
                "status": None,
                "publishable": False,
                "findings": [
                    {
                        "rule": "yaml.syntax",
                        "severity": "error",
                        "line": 3,
                        "message": "YAML does not parse",
                    }
                ],
            },
        ],
        "workflow": [
            {
                "path": "workflow/trust-root",
                "rule": "trust.unpinned",
                "severity": "warning",
                "line": None,
                "message": "unpinned",
            },
            {
                "path": "workflow/roster.yml",
                "rule": "roster.qualification",
                "severity": "notice",
                "line": 4,
                "message": "no degree",
            },
        ],
        "site": [
            {"path": "content/tentang.md", "publishable": True, "findings": []},
            {
                "path": "content/info.md",
                "publishable": False,
                "findings": [
                    {
                        "rule": "site.unsigned",
                        "severity": "error",
                        "line": None,
                        "message": "not signed",
                    }
                ],
            },
        ],
        "summary": {"items": 3, "publishable": 1, "errors": 3, "warnings": 2, "notices": 1},
    }


def test_json_keeps_indonesian_text_readable() -> None:
    report = validate(
        [(PATH, None, [error(PATH, 1, "x.y", "tanda tangan – Rp1.500.000, é")])], context()
    )
    assert "tanda tangan – Rp1.500.000, é" in as_json(report)


def test_github_annotations() -> None:
    assert as_github(sample().all_findings()).splitlines() == [
        "::warning file=content/berita/2026/jembatan/index.md,line=7,title=schema.unknown-key"
        "::unknown key 'titel'",
        f"::error file=content/berita/2026/lain/index.md,line=9,title=status.unknown::"
        f"{STATUS_UNKNOWN}",
        "::error file=content/berita/rusak.md,line=3,title=yaml.syntax::YAML does not parse",
        "::error file=content/info.md,title=site.unsigned::not signed",
        "::notice file=workflow/roster.yml,line=4,title=roster.qualification::no degree",
        "::warning file=workflow/trust-root,title=trust.unpinned::unpinned",
    ]


def test_github_annotations_cannot_be_broken_out_of() -> None:
    hostile = error(
        "content/berita/a,b:c.md", 2, "yaml.syntax", "50% bad\n::error file=x::forged\r"
    )
    assert as_github([hostile]) == (
        "::error file=content/berita/a%2Cb%3Ac.md,line=2,title=yaml.syntax::"
        "50%25 bad%0A::error file=x::forged%0D"
    )


def test_no_findings_no_annotations() -> None:
    assert as_github([]) == ""


def test_strict_shows_blocking_warnings_as_errors_and_notices_as_notices() -> None:
    typo = warning(PATH, 7, "schema.unknown-key", "unknown key 'titel'")
    late = notice(PATH, 20, "mutu-baku.exceeded", "took 2 jam")
    report = validate([(PATH, item(), [typo, late])], context(), strict=True)
    assert as_text(report).splitlines() == [
        f"{PATH}:7: error [schema.unknown-key] unknown key 'titel'",
        f"{PATH}:20: notice [mutu-baku.exceeded] took 2 jam",
        "1 item(s), 0 publishable; 1 error(s), 0 warning(s), 1 notice(s)",
    ]
