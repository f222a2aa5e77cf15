"""``warta validate --format codequality`` through the installed entry point: the report on
stdout is a GitLab Code Quality list whatever happens, with the exit code of the other formats
(0 fine, 1 blocking findings, 2 broken configuration)."""

from __future__ import annotations

import json

from helpers import Repo

JEMBATAN = "content/berita/2026/jembatan/index.md"


def test_blocking_finding_exit_1_and_listed(repo: Repo) -> None:
    path = repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    assert repo.cli("validate", "--format", "codequality").returncode == 0
    path.write_text(path.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    result = repo.cli("validate", "--format", "codequality")
    assert result.returncode == 1
    blockers = [e for e in json.loads(result.stdout) if e["severity"] == "blocker"]
    assert [(e["check_name"], e["location"]["path"]) for e in blockers] == [
        ("content.changed-after-approval", JEMBATAN)
    ]
    assert len(blockers[0]["fingerprint"]) == 64


def test_broken_configuration_exit_2_still_a_report(repo: Repo) -> None:
    repo.path("workflow/roster.yml").unlink()
    result = repo.cli("validate", "--format", "codequality")
    assert result.returncode == 2
    (entry,) = json.loads(result.stdout)
    assert entry["check_name"] == "workflow.missing"
    assert entry["location"] == {"path": "workflow/roster.yml", "lines": {"begin": 1}}
    assert entry["severity"] == "blocker"
