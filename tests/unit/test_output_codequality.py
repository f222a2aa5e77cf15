"""``warta validate --format codequality``: a GitLab Code Quality report, a JSON list with one
entry per finding (description, check_name, fingerprint, severity, location.path,
location.lines.begin), the fingerprint stable for the same rule, place and message."""

from __future__ import annotations

import hashlib
import json

from test_output import STATUS_UNKNOWN, sample

from warta.model.findings import error, notice, warning
from warta.output import as_codequality


def fingerprint(rule: str, path: str, line: int, message: str) -> str:
    return hashlib.sha256(f"{rule}\0{path}\0{line}\0{message}".encode()).hexdigest()


def test_one_entry_per_finding_in_gitlab_shape() -> None:
    entries = json.loads(as_codequality(sample().all_findings()))
    assert [(e["check_name"], e["severity"], e["location"]) for e in entries] == [
        ("schema.unknown-key", "minor",
         {"path": "content/berita/2026/jembatan/index.md", "lines": {"begin": 7}}),
        ("status.unknown", "blocker",
         {"path": "content/berita/2026/lain/index.md", "lines": {"begin": 9}}),
        ("yaml.syntax", "blocker", {"path": "content/berita/rusak.md", "lines": {"begin": 3}}),
        ("site.unsigned", "blocker", {"path": "content/info.md", "lines": {"begin": 1}}),
        ("roster.qualification", "info", {"path": "workflow/roster.yml", "lines": {"begin": 4}}),
        ("trust.unpinned", "minor", {"path": "workflow/trust-root", "lines": {"begin": 1}}),
    ]
    status = entries[1]
    assert status == {
        "description": f"[status.unknown] {STATUS_UNKNOWN}",
        "check_name": "status.unknown",
        "fingerprint": fingerprint(
            "status.unknown", "content/berita/2026/lain/index.md", 9, STATUS_UNKNOWN
        ),
        "severity": "blocker",
        "location": {"path": "content/berita/2026/lain/index.md", "lines": {"begin": 9}},
    }


def test_fingerprints_are_stable_and_tell_findings_apart() -> None:
    first = [e["fingerprint"] for e in json.loads(as_codequality(sample().all_findings()))]
    again = [e["fingerprint"] for e in json.loads(as_codequality(sample().all_findings()))]
    assert first == again
    assert len(set(first)) == len(first)
    moved = error("a.md", 3, "yaml.syntax", "bad")
    assert (
        json.loads(as_codequality([moved]))[0]["fingerprint"]
        != json.loads(as_codequality([error("a.md", 4, "yaml.syntax", "bad")]))[0]["fingerprint"]
    )


def test_levels_map_to_gitlab_severities() -> None:
    findings = [
        error("a.md", 1, "r.e", "e"),
        warning("a.md", 2, "r.w", "w"),
        notice("a.md", 3, "r.n", "n"),
    ]
    assert [e["severity"] for e in json.loads(as_codequality(findings))] == [
        "blocker",
        "minor",
        "info",
    ]


def test_hostile_text_stays_data() -> None:
    hostile = error('content/berita/"a".md', 2, "yaml.syntax", '"}], {"x": 1\n<script>')
    (entry,) = json.loads(as_codequality([hostile]))
    assert entry["location"]["path"] == 'content/berita/"a".md'
    assert entry["description"] == '[yaml.syntax] "}], {"x": 1\n<script>'


def test_no_findings_is_an_empty_list() -> None:
    assert json.loads(as_codequality([])) == []
