"""Broken workflow files: every problem in sop.yml or roster.yml is a finding naming the line,
and any error makes the configuration broken (ConfigError; ``warta validate`` exits 2 and
prints every finding). The SOP texts here are the real workflow/sop.yml with one edit each."""

from __future__ import annotations

import json
import subprocess
from datetime import date, time
from pathlib import Path

import pytest

from helpers import MAIN, ROSTER_TEMPLATE, Repo, SignedRepos, pub
from warta.adapters.workflow import load_roster, load_sop
from warta.errors import ConfigError

SOP = (MAIN / "workflow" / "sop.yml").read_text(encoding="utf-8")
Row = tuple[str, str, int | None, str]


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """The 1-based line of the ``nth`` line containing ``needle``."""
    found = [n for n, row in enumerate(text.split("\n"), start=1) if needle in row]
    return found[nth]


def edited(old: str, new: str, text: str = SOP) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def sop_problems(root: Path, text: str) -> list[Row]:
    (root / "workflow").mkdir(parents=True, exist_ok=True)
    (root / "workflow" / "sop.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_sop(root)
    assert caught.value.exit_code == 2
    return [(f.rule, f.severity.value, f.line, f.message) for f in caught.value.findings]


def test_the_real_sop_loads_cleanly(tmp_path: Path) -> None:
    (tmp_path / "workflow").mkdir()
    (tmp_path / "workflow" / "sop.yml").write_text(SOP, encoding="utf-8")
    sop, findings = load_sop(tmp_path)
    assert findings == []
    assert [s.id for s in sop.steps] == [
        "disposisi",
        "perintah",
        "penulisan",
        "laporan",
        "pengesahan",
        "kompilasi",
    ]


# ---- sop.yml: one test per rule -----------------------------------------------------------------


def test_workflow_role(tmp_path: Path) -> None:
    text = edited(
        "    role: kasubag\n    input: Draft laporan",
        "    role: redaktur\n    input: Draft laporan",
    )
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.role",
            "error",
            line_of(text, "role: redaktur"),
            "step role 'redaktur' is not defined under roles; expected one of kabag, kasubag, staf",
        )
    ]


def test_workflow_step_duplicate(tmp_path: Path) -> None:
    text = edited("  - id: kompilasi", "  - id: laporan")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.step-duplicate",
            "error",
            line_of(text, "- id: laporan", 1),
            "step id 'laporan' is used twice; expected each step id once, found it again",
        ),
    ]


def test_workflow_status_duplicate(tmp_path: Path) -> None:
    text = edited("    status: dicetak", "    status: disetujui")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.status-duplicate",
            "error",
            line_of(text, "steps:"),
            "status 'disetujui' is used twice; expected each step to set its own status,"
            " found it again",
        )
    ]


def test_workflow_gate_missing(tmp_path: Path) -> None:
    text = "\n".join(row for row in SOP.split("\n") if not row.startswith("    gate: true"))
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.gate",
            "error",
            line_of(text, "steps:"),
            "exactly one step must be the publishing gate (gate: true); found 0",
        )
    ]


def test_workflow_two_gates(tmp_path: Path) -> None:
    text = edited("    status: dilaporkan\n", "    status: dilaporkan\n    gate: true\n")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.gate",
            "error",
            line_of(text, "steps:"),
            "exactly one step must be the publishing gate (gate: true); found 2",
        )
    ]


def test_workflow_time_unit(tmp_path: Path) -> None:
    text = edited("{amount: 2, unit: hari, working_days: true}", "{amount: 2, unit: minggu}")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.time-unit",
            "error",
            line_of(text, "unit: minggu"),
            "unit must be one of menit, jam, hari; found 'minggu'",
        )
    ]


def test_workflow_time_amount(tmp_path: Path) -> None:
    text = edited("{amount: 2, unit: hari, working_days: true}", "{amount: 0, unit: hari}")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.time-amount",
            "error",
            line_of(text, "amount: 0"),
            "amount must be positive; found 0",
        )
    ]


def test_workflow_timezone(tmp_path: Path) -> None:
    text = edited("timezone: Asia/Jakarta", "timezone: Asia/Bandung")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.timezone",
            "error",
            line_of(text, "timezone: Asia/Bandung"),
            "unknown time zone 'Asia/Bandung'; expected e.g. Asia/Jakarta (WIB), Asia/Makassar"
            " (WITA) or Asia/Jayapura (WIT)",
        )
    ]


def test_workflow_weekday(tmp_path: Path) -> None:
    text = edited("kamis, jumat]", "kamis, jum'at]")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.weekday",
            "error",
            line_of(text, "working_days: [senin"),
            'unknown weekday "jum\'at"; expected one of senin, selasa, rabu, kamis, jumat,'
            " sabtu, minggu",
        ),
        # the office hours of Friday then name a day that is no working day
        (
            "workflow.office-hours",
            "error",
            line_of(text, "jumat: 07:30-16:30"),
            "office.hours.jumat: jumat is not a working day; expected hours only for the"
            " working_days (senin, selasa, rabu, kamis)",
        ),
    ]


# ---- office hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "found"),
    [
        ("7.30-16.00", "'7.30-16.00'"),
        ("07:30", "'07:30'"),
        ("25:00-26:00", "'25:00-26:00'"),
        ("[]", "none"),
        ("{buka: '07:30'}", "a mapping"),
    ],
)
def test_office_hours_must_be_hh_mm_ranges(tmp_path: Path, hours: str, found: str) -> None:
    text = edited("    rabu: 07:30-16:00", f"    rabu: {hours}")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.office-hours",
            "error",
            line_of(text, "    rabu: "),
            f"office.hours.rabu: expected hours as HH:MM-HH:MM (e.g. 07:30-16:00); found {found}",
        )
    ]


def test_office_hours_open_before_they_close(tmp_path: Path) -> None:
    text = edited("    kamis: 07:30-16:00", "    kamis: 16:00-07:30")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.office-hours",
            "error",
            line_of(text, "kamis: 16:00-07:30"),
            "office.hours.kamis: the office must open before it closes; found 16:00-07:30",
        )
    ]


def test_office_hours_with_a_break_are_a_list_of_stretches_that_do_not_overlap(
    tmp_path: Path,
) -> None:
    good = edited("    senin: 07:30-16:00", "    senin: [07:30-12:00, 13:00-16:00]")
    (tmp_path / "good" / "workflow").mkdir(parents=True)
    (tmp_path / "good" / "workflow" / "sop.yml").write_text(good, encoding="utf-8")
    sop, _ = load_sop(tmp_path / "good")
    assert sop.calendar.hours[0] == ((time(7, 30), time(12)), (time(13), time(16)))
    text = edited("    senin: 07:30-16:00", "    senin:\n      - 07:30-12:00\n      - 11:00-16:00")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.office-hours",
            "error",
            line_of(text, "- 11:00-16:00"),
            "office.hours.senin: hours 11:00-16:00 overlap 07:30-12:00; expected separate"
            " stretches of the day",
        )
    ]


def test_office_hours_only_for_working_days_and_for_every_one(tmp_path: Path) -> None:
    text = edited("    selasa: 07:30-16:00\n", "    sabtu: 08:00-12:00\n")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.office-hours",
            "error",
            line_of(text, "sabtu: 08:00-12:00"),
            "office.hours.sabtu: sabtu is not a working day; expected hours only for the"
            " working_days (senin, selasa, rabu, kamis, jumat)",
        ),
        (
            "workflow.office-hours",
            "error",
            line_of(text, "  hours:"),
            "office.hours: working day selasa has no hours; expected hours for every working"
            " day (senin, selasa, rabu, kamis, jumat)",
        ),
    ]


def test_office_hours_name_known_weekdays(tmp_path: Path) -> None:
    text = edited("    jumat: 07:30-16:30", "    jum'at: 07:30-16:30")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.weekday",
            "error",
            line_of(text, "jum'at: 07:30-16:30"),
            "office.hours: unknown weekday \"jum'at\"; expected one of senin, selasa, rabu,"
            " kamis, jumat, sabtu, minggu",
        ),
        (
            "workflow.office-hours",
            "error",
            line_of(text, "  hours:"),
            "office.hours: working day jumat has no hours; expected hours for every working"
            " day (senin, selasa, rabu, kamis, jumat)",
        ),
    ]


def test_an_sop_without_office_hours_still_loads_and_counts_calendar_time(
    tmp_path: Path,
) -> None:
    start = SOP.index("  hours:\n")
    end = SOP.index("  # Dates YYYY-MM-DD")
    (tmp_path / "workflow").mkdir()
    (tmp_path / "workflow" / "sop.yml").write_text(SOP[:start] + SOP[end:], encoding="utf-8")
    sop, findings = load_sop(tmp_path)
    assert findings == []
    assert sop.calendar.hours == () and not sop.calendar.timed
    assert date(2026, 12, 25) in sop.calendar.holidays


def test_workflow_name(tmp_path: Path) -> None:
    text = edited("  - id: disposisi", "  - id: Disposisi")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.name",
            "error",
            line_of(text, "- id: Disposisi"),
            "'id' must be lowercase letters, digits, '-' or '_'; found 'Disposisi'",
        )
    ]


def test_workflow_education(tmp_path: Path) -> None:
    text = edited(
        "{level: S2, field: Teknik Informatika}", "{level: S5, field: Teknik Informatika}"
    )
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.education",
            "error",
            line_of(text, "level: S5"),
            "unknown education level 'S5'; expected one of SMA, D1, D2, D3, D4, S1, S2, S3",
        )
    ]


def test_workflow_duty_step(tmp_path: Path) -> None:
    text = edited("steps: [penulisan, pengesahan]", "steps: [penulisan, persetujuan]")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.duty-step",
            "error",
            line_of(text, "steps: [penulisan, persetujuan]"),
            "separation rule names step 'persetujuan', which is not a step; expected one of"
            " disposisi, perintah, penulisan, laporan, pengesahan, kompilasi",
        )
    ]


def test_workflow_duty_rule_of_one_step(tmp_path: Path) -> None:
    text = edited("steps: [laporan, pengesahan]", "steps: [laporan]")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.duty-step",
            "error",
            line_of(text, "steps: [laporan]"),
            "a separation rule needs at least two steps; expected two or more, found 1",
        )
    ]


def test_workflow_duty_rule_naming_a_step_twice(tmp_path: Path) -> None:
    """Found by an independent attack on other offices' SOPs: ``steps: [penulisan,
    penulisan]`` (a copy-paste slip) was signed without a word, then every writer was
    refused for signing penulisan "and also penulisan": no item could move."""
    text = edited("steps: [penulisan, pengesahan]", "steps: [penulisan, penulisan]")
    assert sop_problems(tmp_path, text) == [
        (
            "workflow.duty-step",
            "error",
            line_of(text, "steps: [penulisan, penulisan]"),
            "a separation rule names step 'penulisan' twice; expected different steps (one"
            " person signing a step once is no conflict of duties)",
        )
    ]


def test_one_bad_field_of_a_step_is_one_error(tmp_path: Path) -> None:
    """Found by the same attack: ``amount: 7.5`` in the approval step also gave "no gate"
    and twice "'pengesahan' is not a step", since the step was dropped whole."""
    text = edited("    time: {amount: 5, unit: menit}\n    output: Pengesahan",
                  "    time: {amount: 7.5, unit: menit}\n    output: Pengesahan")
    problems = sop_problems(tmp_path, text)
    assert [(rule, line) for rule, _severity, line, _message in problems] == [
        ("schema.type", line_of(text, "amount: 7.5"))], problems


def test_workflow_steps_empty(tmp_path: Path) -> None:
    start = SOP.index("\nsteps:\n") + 1
    end = SOP.index("\n# Separation of duties")
    text = SOP[:start] + "steps: []\n" + SOP[end:]
    problems = sop_problems(tmp_path, text)
    assert problems[0] == (
        "workflow.steps",
        "error",
        line_of(text, "steps: []"),
        "steps must not be empty; expected at least one step, found none",
    )
    assert {p[0] for p in problems[1:]} == {"workflow.duty-step"}


def test_unknown_top_level_key_is_an_error_in_sop_yml(tmp_path: Path) -> None:
    text = SOP + "langkah: []\n"
    assert sop_problems(tmp_path, text) == [
        (
            "schema.unknown-key",
            "error",
            line_of(text, "langkah: []"),
            "unknown key 'langkah'; expected one of: correction, education_levels,"
            " initial_status, office, photos, roles, separation_of_duties, serial, sop, steps,"
            " take_back",
        )
    ]


def test_sop_yml_that_is_a_list(tmp_path: Path) -> None:
    assert sop_problems(tmp_path, "- disposisi\n- perintah\n") == [
        ("schema.type", "error", 1, "file must be a mapping; found a list")
    ]


def test_sop_yml_that_does_not_parse(tmp_path: Path) -> None:
    text = edited("  - id: perintah", "  - id: perintah: x")
    ((rule, severity, at, message),) = sop_problems(tmp_path, text)
    assert (rule, severity, at) == ("yaml.syntax", "error", line_of(text, "id: perintah: x"))
    assert message.startswith("YAML does not parse: mapping values are not allowed")


def test_sop_yml_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "workflow").mkdir()
    raw = SOP.encode().replace(b"Peliputan Pemberitaan", b"Peliputan Pemberit\xe4an")
    (tmp_path / "workflow" / "sop.yml").write_bytes(raw)
    with pytest.raises(ConfigError) as caught:
        load_sop(tmp_path)
    assert [(f.rule, f.line, f.message) for f in caught.value.findings] == [
        (
            "file.encoding",
            line_of(SOP, "Peliputan Pemberitaan"),
            "expected UTF-8 text, found byte 0xe4 that is not UTF-8",
        )
    ]


def test_a_missing_sop_yml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sop(tmp_path)
    assert caught.value.message == (
        f"workflow/sop.yml: workflow file is missing; expected it at {tmp_path}/workflow/sop.yml"
    )
    assert [(f.rule, f.line) for f in caught.value.findings] == [("workflow.missing", None)]


def test_every_problem_is_collected_before_failing(tmp_path: Path) -> None:
    text = edited("timezone: Asia/Jakarta", "timezone: Asia/Bandung")
    text = edited("    status: dicetak", "    status: disetujui", text)
    text = edited("{level: S2, field", "{level: S9, field", text)
    assert [p[0] for p in sop_problems(tmp_path, text)] == [
        "workflow.timezone",
        "workflow.education",
        "workflow.status-duplicate",
    ]


# ---- roster.yml ------------------------------------------------------------------------------


@pytest.fixture
def roster_text(keys: dict[str, Path]) -> str:
    return ROSTER_TEMPLATE.format(**{p: pub(k) for p, k in keys.items()})


def roster_problems(root: Path, text: str) -> list[Row]:
    (root / "workflow").mkdir(parents=True, exist_ok=True)
    (root / "workflow" / "sop.yml").write_text(SOP, encoding="utf-8")
    (root / "workflow" / "roster.yml").write_text(text, encoding="utf-8")
    sop, _ = load_sop(root)
    try:
        _, findings = load_roster(root, sop)
    except ConfigError as exc:
        findings = list(exc.findings)
    return [(f.rule, f.severity.value, f.line, f.message) for f in findings]


def test_the_test_roster_loads_cleanly(tmp_path: Path, roster_text: str) -> None:
    assert roster_problems(tmp_path, roster_text) == []


def test_roster_role(tmp_path: Path, roster_text: str) -> None:
    text = edited("    roles: [kabag]", "    roles: [kabag, redaksi]", roster_text)
    assert roster_problems(tmp_path, text) == [
        (
            "roster.role",
            "error",
            line_of(text, "roles: [kabag, redaksi]"),
            "role 'redaksi' is not a role of the SOP; expected one of kabag, kasubag, staf",
        )
    ]


def test_roster_duplicate(tmp_path: Path, roster_text: str) -> None:
    text = edited("  - id: ayu", "  - id: dimas", roster_text)
    assert roster_problems(tmp_path, text) == [
        (
            "roster.duplicate",
            "error",
            line_of(text, "- id: dimas", 1),
            "person id 'dimas' is listed twice; expected each person once, found them again",
        )
    ]


def test_roster_key(tmp_path: Path, roster_text: str, keys: dict[str, Path]) -> None:
    text = edited(f"key: {pub(keys['sri'])}", "key: kunci-sri", roster_text)
    assert roster_problems(tmp_path, text) == [
        (
            "roster.key",
            "error",
            line_of(text, "key: kunci-sri"),
            "key must be an OpenSSH public key line such as 'ssh-ed25519 AAAA... name'; found"
            " 'kunci-sri'",
        )
    ]


def test_roster_revocation_needs_a_reason(
    tmp_path: Path, roster_text: str, keys: dict[str, Path]
) -> None:
    old = f"      - key: {pub(keys['sri'])}\n"
    text = edited(old, old + "        revoked: 2026-06-01\n", roster_text)
    assert roster_problems(tmp_path, text) == [
        (
            "roster.revocation",
            "error",
            line_of(text, "revoked: 2026-06-01"),
            "a revoked key needs a 'reason'; expected why it was revoked, found nothing",
        )
    ]


def test_roster_nip_is_a_warning(tmp_path: Path, roster_text: str) -> None:
    text = edited('nip: "199402082019032007"', 'nip: "1994-0208"', roster_text)
    assert roster_problems(tmp_path, text) == [
        (
            "roster.nip",
            "warning",
            line_of(text, 'nip: "1994-0208"'),
            "NIP is normally 18 digits; found '1994-0208'",
        )
    ]


def test_roster_qualification_is_a_notice(tmp_path: Path, roster_text: str) -> None:
    text = edited(
        "education: [{level: D3, field: Ilmu Komunikasi}]",
        "education: [{level: SMA, field: Ilmu Komunikasi}]",
        roster_text,
    )
    assert roster_problems(tmp_path, text) == [
        (
            "roster.qualification",
            "notice",
            line_of(text, "- id: dimas"),
            "Dimas Prasetyo, A.Md. (dimas) holds Staf Sub Bagian Humas (Staf), which asks for"
            " at least D3 Ilmu Komunikasi; found SMA Ilmu Komunikasi",
        )
    ]


def test_a_higher_degree_in_the_same_field_qualifies(tmp_path: Path, roster_text: str) -> None:
    text = edited(
        "education: [{level: D3, field: Ilmu Komunikasi}]",
        "education: [{level: S2, field: ilmu komunikasi}]",
        roster_text,
    )
    assert roster_problems(tmp_path, text) == []


# ---- through the CLI: exit code 2 and every finding on stderr ---------------------------------


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo()


def test_cli_exits_2_with_every_sop_problem_on_stderr(site: Repo) -> None:
    text = edited("timezone: Asia/Jakarta", "timezone: Asia/Bandung")
    text = edited("    status: dicetak", "    status: disetujui", text)
    site.write("workflow/sop.yml", text)
    site.sign_workflow_unchecked()  # signed or not, a broken SOP is broken configuration
    result = site.cli("validate")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "warta: workflow/sop.yml: 2 error(s) in workflow file",
        f"workflow/sop.yml:{line_of(text, 'timezone:')}: error [workflow.timezone] unknown time"
        " zone 'Asia/Bandung'; expected e.g. Asia/Jakarta (WIB), Asia/Makassar (WITA) or"
        " Asia/Jayapura (WIT)",
        f"workflow/sop.yml:{line_of(text, 'steps:')}: error [workflow.status-duplicate] status"
        " 'disetujui' is used twice; expected each step to set its own status, found it again",
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cli_exits_2_when_a_workflow_file_is_missing(site: Repo, fmt: str) -> None:
    site.path("workflow/roster.yml").unlink()
    result = site.cli("validate", "--format", fmt)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "workflow/roster.yml: error [workflow.missing] workflow file is missing: expected it here,"
        " found nothing"
    )
    expected_stdout = {
        "text": "",
        "github": "::error file=workflow/roster.yml,title=workflow.missing::workflow file is"
        " missing: expected it here, found nothing\n",
    }
    if fmt == "json":
        assert json.loads(result.stdout) == {
            "items": [],
            "site": [],
            "workflow": [
                {
                    "path": "workflow/roster.yml",
                    "rule": "workflow.missing",
                    "severity": "error",
                    "line": None,
                    "message": "workflow file is missing: expected it here, found nothing",
                }
            ],
            "summary": {"items": 0, "publishable": 0, "errors": 1, "warnings": 0, "notices": 0},
        }
    else:
        assert result.stdout == expected_stdout[fmt]


def test_cli_exits_2_when_the_trust_root_is_missing(site: Repo) -> None:
    site.path("workflow/trust-root").unlink()
    result = site.cli("validate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "workflow/trust-root: error [trust.missing] trust root file is missing"
    )


def test_cli_exits_2_when_sop_yml_is_not_utf8(site: Repo) -> None:
    site.write("workflow/sop.yml", SOP.encode().replace(b"Kabupaten", b"Kabup\xe4ten", 1))
    result = site.cli("validate")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "warta: workflow/sop.yml: workflow file is unreadable",
        f"workflow/sop.yml:{line_of(SOP, 'Kabupaten')}: error [file.encoding] expected UTF-8"
        " text, found byte 0xe4 that is not UTF-8",
    ]


def test_cli_exits_2_when_roster_yml_is_broken(site: Repo) -> None:
    text = site.read("workflow/roster.yml").replace("roles: [kabag]", "roles: [bupati]")
    site.write("workflow/roster.yml", text)
    site.sign_workflow_unchecked()
    result = site.cli("validate", "--format", "json")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "warta: workflow/roster.yml: 1 error(s) in workflow file",
        f"workflow/roster.yml:{line_of(text, 'roles: [bupati]')}: error [roster.role] role"
        " 'bupati' is not a role of the SOP; expected one of kabag, kasubag, staf",
    ]
    data = json.loads(result.stdout)
    assert [(f["rule"], f["line"]) for f in data["workflow"]] == [
        ("roster.role", line_of(text, "roles: [bupati]"))
    ]
    assert data["summary"]["errors"] == 1


def ssh_keygen_fingerprint(key: Path) -> str:
    """The fingerprint as OpenSSH itself prints it."""
    import subprocess

    out = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", f"{key}.pub"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()[1]


def test_roster_key_shared_is_an_error(site: Repo) -> None:
    text = site.read("workflow/roster.yml")
    ayu, dimas = pub(site.keys["ayu"]), pub(site.keys["dimas"])
    text = text.replace(f"key: {ayu}", f"key: {dimas}")
    site.write("workflow/roster.yml", text)
    site.sign_workflow_unchecked()
    result = site.cli("validate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[1:] == [
        f"workflow/roster.yml:{line_of(text, '- id: ayu')}: error [roster.key-shared] key"
        f" {ssh_keygen_fingerprint(site.keys['dimas'])} of Ayu Lestari, S.I.Kom. (ayu) is also"
        " listed for Dimas Prasetyo, A.Md. (dimas); expected each key to belong to one person"
    ]


def test_roster_demo_keys_are_a_warning(site: Repo) -> None:
    text = site.read("workflow/roster.yml")
    hendra = pub(site.keys["hendra"])
    text = text.replace(f"      - key: {hendra}\n", f"      - key: {hendra}\n        demo: true\n")
    site.write("workflow/roster.yml", text)
    site.sign_workflow()
    data = site.validate_json()
    assert data["workflow"] == [
        {
            "path": "workflow/roster.yml",
            "rule": "roster.demo-key",
            "severity": "warning",
            "line": line_of(text, "- id: hendra"),
            "message": "the roster holds 1 DEMO key, whose private half is public under"
            f" tests/demo/keys: hendra {ssh_keygen_fingerprint(site.keys['hendra'])}; expected"
            " each person's own key",
        }
    ]
    assert site.cli("validate").returncode == 0
    assert site.cli("validate", "--strict").returncode == 1


@pytest.mark.parametrize(
    ("trust_root", "finding"),
    [
        (
            "# no administrators yet\n",
            "workflow/trust-root: error [trust.empty] trust root lists no administrator",
        ),
        (
            "admin AAAAC3Nza\n",
            "workflow/trust-root:1: error [trust.format] expected '<admin-id> <key-type>"
            " <base64-key> [comment]'; found 'admin AAAAC3Nza'",
        ),
    ],
)
def test_a_broken_trust_root_exits_2(site: Repo, trust_root: str, finding: str) -> None:
    site.write("workflow/trust-root", trust_root)
    site.env.pop("WARTA_TRUST_ROOT")
    result = site.cli("validate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == finding


def test_an_unpinned_trust_root_is_a_warning_that_strict_refuses(site: Repo) -> None:
    site.env.pop("WARTA_TRUST_ROOT")
    loose = site.cli("validate")
    assert loose.returncode == 0
    assert loose.stdout.startswith(
        "workflow/trust-root: warning [trust.unpinned] trust root sha256:"
    )
    assert site.cli("validate", "--strict").returncode == 1


def test_roster_forge_accounts_are_read(tmp_path: Path, roster_text: str) -> None:
    text = edited(
        "  - id: ayu\n", "  - id: ayu\n    forge: {github: ayu-l, gitlab: ayu.l}\n", roster_text
    )
    assert roster_problems(tmp_path, text) == []
    sop, _ = load_sop(tmp_path)
    roster, _ = load_roster(tmp_path, sop)
    ayu = roster.people["ayu"]
    assert ayu.forge == (("github", "ayu-l"), ("gitlab", "ayu.l"))
    assert ayu.account("gitlab") == "ayu.l"
    assert ayu.account("forgejo") is None


@pytest.mark.parametrize(
    ("forge", "message"),
    [
        (
            "{bitbucket: ayu}",
            "people[3].forge: unknown forge 'bitbucket'; expected one of github, gitlab, forgejo",
        ),
        (
            '{github: "ayu\\n* @mallory"}',
            "people[3].forge.github: expected a user name (letters, digits, '-', '_', '.');"
            " found text 'ayu\\n* @mallory'",
        ),
        (
            "{github: '@org/team'}",
            "people[3].forge.github: expected a user name (letters, digits, '-', '_', '.');"
            " found text '@org/team'",
        ),
        (
            "{github: 12}",
            "people[3].forge.github: expected a user name (letters, digits, '-', '_', '.');"
            " found a number (12)",
        ),
    ],
)
def test_roster_forge_accounts_are_checked(
    tmp_path: Path, roster_text: str, forge: str, message: str
) -> None:
    """A forge account becomes a line of CODEOWNERS: a space, a newline or a team is refused."""
    text = edited("  - id: ayu\n", f"  - id: ayu\n    forge: {forge}\n", roster_text)
    assert roster_problems(tmp_path, text) == [
        ("roster.forge", "error", line_of(text, "forge:"), message)
    ]


def test_a_person_without_a_role_needs_no_nip(tmp_path: Path, roster_text: str) -> None:
    """An administrator who only keeps the workflow is listed without roles or NIP."""
    text = roster_text + "\n  - id: it\n    name: Admin TI\n    roles: []\n"
    assert roster_problems(tmp_path, text) == []
    text = roster_text + "\n  - id: it\n    name: Admin TI\n    roles: [staf]\n"
    assert [r[0] for r in roster_problems(tmp_path, text)] == ["schema.missing"]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "correction:\n  steps: [penulisan, cetak, pengesahan]\n",
            "steps must name steps of this SOP (disposisi, perintah, penulisan, laporan,"
            " pengesahan, kompilasi); found 'cetak'",
        ),
        (
            "correction:\n  steps: [pengesahan, penulisan]\n",
            "steps must list steps once each, in the SOP's order, ending with the publishing"
            " gate 'pengesahan' (a correction is published only by a new approval); found"
            " pengesahan, penulisan",
        ),
        (
            "correction:\n  steps: [penulisan]\n",
            "steps must list steps once each, in the SOP's order, ending with the publishing"
            " gate 'pengesahan' (a correction is published only by a new approval); found"
            " penulisan",
        ),
        (
            "correction:\n  start_by: [humas]\n",
            "start_by must name roles, 'latest' or 'gate'; found 'humas'",
        ),
    ],
)
def test_correction_schema_names_file_and_line(
    tmp_path: Path, block: str, message: str
) -> None:
    (tmp_path / "workflow").mkdir()
    text = (MAIN / "workflow" / "sop.yml").read_text(encoding="utf-8")
    start = text.index("\ncorrection:\n") + 1
    end = text.index("\n\n", start) + 1
    text = text[:start] + block + text[end:]
    (tmp_path / "workflow" / "sop.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_sop(tmp_path)
    found = [(f.path, f.line, f.rule, f.message) for f in raised.value.findings]
    line = text[:start].count("\n") + 2
    assert found == [("workflow/sop.yml", line, "workflow.correction", message)]


def test_the_gate_freezes_what_it_approved_even_unmarked(repo: Repo, tmp_path: Path) -> None:
    """Found by an independent attack on SOPs of other offices: an approval step with
    ``gate: true`` but without ``freezes_content: true`` (a 4-step SOP whose last step
    approves) let the text be edited after the approval; validate and verify accepted it
    and the site published the new text under the old approval."""
    text = repo.read("workflow/sop.yml")
    start, end = text.index("  - id: kompilasi\n"), text.index("# Taking an item back")
    text = text[:start] + text[end:]  # the approval is the last step
    assert "    freezes_content: true" in text
    repo.write("workflow/sop.yml", "\n".join(
        line for line in text.splitlines() if "freezes_content: true" not in line) + "\n")
    repo.sign_workflow()
    path = repo.approved_item("Bakti Sosial di Cibening", slug="bakti")
    repo.commit_all("berita")
    repo.write(path.relative_to(repo.root).as_posix(), repo.read(
        path.relative_to(repo.root).as_posix()).replace(
        "SUKAMAJU – Isi berita.", "SUKAMAJU – Isi berita TAMBAHANKANARI."))
    repo.commit_all("ubah setelah disetujui")
    checked = repo.cli("validate", "--no-cache")
    assert checked.returncode == 1 and "[content.changed-after-approval]" in checked.stdout, \
        checked.stdout
    assert repo.cli("verify", str(path)).returncode == 1
    built = repo.cli("build", "-d", str(tmp_path / "site"))
    served = b"".join(p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert b"TAMBAHANKANARI" not in served, built.stderr


def test_the_reporter_is_the_sop_s_writing_step_unless_the_site_names_a_step(
    repo: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on other offices' SOPs: with ``penulisan`` renamed in
    sop.yml, mkdocs.yml's ``reporter_step: penulisan`` passed ``validate --strict``, the
    build refused it, and ``warta cetak`` printed a bulletin with no reporter at all."""
    repo.write("workflow/sop.yml", repo.read("workflow/sop.yml").replace("penulisan", "liputan"))
    repo.sign_workflow()
    repo.approved_item("Bakti Sosial di Cibening", slug="bakti")
    repo.commit_all("berita")
    assert "reporter_step: penulisan" in repo.read("mkdocs.yml")
    checked = repo.cli("validate", "--strict", "--no-cache")
    line = line_of(repo.read("mkdocs.yml"), "reporter_step")
    assert checked.returncode == 1 and f"mkdocs.yml:{line}: error [site.reporter-step]" in \
        checked.stdout, checked.stdout
    printed = repo.cli("cetak", "--edisi", "2026-11", "--key", str(repo.keys["sri"]), "--at",
                       "2026-11-10T10:00:00+07:00")
    assert printed.returncode == 2 and "reporter_step" in printed.stderr, printed.stderr
    assert not repo.path("content/cetak").exists()
    # without the option, the writing step's signer is the reporter, on the site and on paper
    repo.write("mkdocs.yml", "\n".join(line for line in repo.read("mkdocs.yml").splitlines()
                                       if "reporter_step" not in line) + "\n")
    repo.sign_workflow()
    repo.commit_all("tanpa reporter_step")
    assert repo.cli("validate", "--strict", "--no-cache").returncode == 0
    built = repo.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "site/berita/2026/bakti/index.html").read_text(encoding="utf-8")
    assert "Dimas Prasetyo" in page
    printed = repo.cli("cetak", "--edisi", "2026-11", "--key", str(repo.keys["sri"]), "--at",
                       "2026-11-10T10:00:00+07:00")
    assert printed.returncode == 0, printed.stderr
    text = subprocess.run(["pdftotext", str(repo.path("content/cetak/2026-11/buletin.pdf")),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "Dimas Prasetyo" in text


def test_workflow_prints_only_one_step_after_the_gate(tmp_path: Path) -> None:
    text = edited("    status: dilaporkan\n", "    status: dilaporkan\n    prints: true\n")
    problems = sop_problems(tmp_path, text)
    assert [(p[0], p[2]) for p in problems] == [("workflow.prints", line_of(text, "steps:"))]
    assert "found 'laporan', 'kompilasi'" in problems[0][3]


def test_an_office_without_a_bulletin_counts_its_last_step_and_prints_nothing(
    repo: Repo,
) -> None:
    """Found by an independent attack on other offices' SOPs: the SOP's last step after the
    gate was taken for printing, so an office whose last step shares the news on social
    media had every record of it counted as "printed in no edition" (performed 0, not well
    done), and ``warta cetak`` would sign it "Dicetak dalam edisi". The printing step is
    the one marked ``prints: true`` now."""
    text = repo.read("workflow/sop.yml")
    assert "    prints: true" in text
    repo.write("workflow/sop.yml", "\n".join(
        line for line in text.splitlines() if "prints: true" not in line) + "\n")
    repo.sign_workflow()
    path = repo.approved_item("Bakti Sosial di Cibening", slug="bakti")
    repo.sign(path, "sri", "2026-11-03T09:00:00+07:00")  # the last step, no bulletin
    repo.commit_all("berita")
    result = repo.cli("laporan", "--periode", "2026-11", "--format", "json", "--at",
                      "2026-11-30T09:00:00+07:00")
    assert result.returncode == 0, result.stderr
    (last,) = [s for s in json.loads(result.stdout)["steps"] if s["id"] == "kompilasi"]
    assert last["performed"] == 1 and last["unlisted"] == 0, last
    printed = repo.cli("cetak", "--edisi", "2026-11", "--key", str(repo.keys["sri"]), "--at",
                       "2026-11-30T10:00:00+07:00")
    assert printed.returncode == 1 and "prints: true" in printed.stderr, printed.stderr
    assert not repo.path("content/cetak").exists()


def test_workflow_working_days_empty(tmp_path: Path) -> None:
    """Found by an independent attack on other offices' SOPs: ``working_days: []`` silently
    meant Monday to Friday."""
    text = edited("working_days: [senin, selasa, rabu, kamis, jumat]", "working_days: []")
    problems = sop_problems(tmp_path, text)
    assert [(p[0], p[2]) for p in problems] == [
        ("workflow.weekday", line_of(text, "working_days: []"))], problems
