"""The three levels of the publication policy through the CLI (issue 9, point 6): a notice never
blocks, not even under --strict; a warning blocks only under --strict; an error always.

- A Mutu Baku overrun (a fact about the past, never fixable) is a notice.
- Demo keys are notices only in a repository whose *signed* roster says ``demo: true``;
  anywhere else they are warnings that --strict refuses, and an unsigned marker is refused.
- ``warta sign`` shows the signer every finding on the item before signing, and refuses the
  publishing gate while a finding blocks (``--strict``: warnings too); ``warta verify
  --strict`` judges as ``validate --strict`` does.

Items are signed outside Warta's refusals (tests/hardening/forge.py) where a test needs one in
a state ``warta sign`` would not produce.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hardening.forge import APPROVAL, Forger, Policy, says_expected_and_found
from hardening.test_malformed_input import rel, valid_text
from helpers import TEST_OFFICE, WIB, Repo, SignedRepos, copy_repo, pub

NO_AGENT = {"SSH_AUTH_SOCK": "", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
ROSTER = "workflow/roster.yml"
TRUST = "workflow/trust-root"
DESCRIPTION = "description: Jembatan gantung baru menghubungkan dua desa."
GATE_AT = f"2026-11-02T10:40:00{WIB}"
#: steps 1-4, the report (laporan) 30 minutes after the writing: a Mutu Baku notice
LATE_REPORT = (*APPROVAL[:3], ("laporan", "sri", "10:30"))


@pytest.fixture
def repo(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    bare = signed_repo()
    env = {**bare.env, **NO_AGENT, "NO_MKDOCS_2_WARNING": "1"}
    return copy_repo(bare, tmp_path / "repo", env)


def line_of(text: str, start: str) -> int:
    return next(n for n, row in enumerate(text.split("\n"), start=1) if row.startswith(start))


def verdicts(repo: Repo, *args: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {v["path"]: v for v in repo.validate_json(*args)["items"]}


def built_pages(repo: Repo, out: Path, *args: str) -> tuple[int, str, set[str]]:
    """``warta build`` into ``out``: its exit code, its log, and the item pages it wrote."""
    result = repo.cli("build", *args, "-d", str(out))
    assert "Traceback" not in result.stderr, result.stderr
    pages = {p.relative_to(out).as_posix() for p in out.glob("berita/2026/*/index.html")}
    return result.returncode, result.stderr, pages


def forged(repo: Repo, forger: Forger, policy: Policy, slug: str, chain: tuple[tuple[str, str,
           str], ...], *, extra: str = "", description: str = DESCRIPTION) -> str:
    """A valid item at ``content/berita/2026/<slug>/``, with ``extra`` front-matter lines and
    ``description``, signed through ``chain`` and committed; its repository path."""
    text = valid_text(f"20261102-{slug}", slug).replace(DESCRIPTION, description)
    text = text.replace("status: usulan\n", f"{extra}status: usulan\n")
    repo.write(rel(slug), forger.sign_chain(text, chain, policy=policy))
    repo.commit_all(f"{slug}: {len(chain)} step(s)")
    return rel(slug)


# ---- a notice never blocks ----------------------------------------------------------------------


def test_a_mutu_baku_overrun_is_a_notice_that_never_blocks(repo: Repo, tmp_path: Path) -> None:
    path = repo.new_item("Rapat Koordinasi", at=f"2026-11-03T08:00:00{WIB}", slug="rapat")
    for by, when in (("sri", "08:04"), ("dimas", "10:00"), ("sri", "10:04"), ("hendra", "12:04")):
        repo.sign(path, by, f"2026-11-03T{when}:00{WIB}")  # the approval 2 hours late
    item = "content/berita/2026/rapat/index.md"
    rows = repo.read(item).split("\n")
    line = [n for n, row in enumerate(rows, start=1) if row.startswith("  - step:")]
    expected = (
        f"{item}:{line[4]}: notice [mutu-baku.exceeded] step 'pengesahan' (step 5) took 2 jam"
        " kerja; its standard time (Mutu Baku) is 5 menit"
    )
    for args in ((), ("--strict",)):
        result = repo.cli("validate", *args)
        assert result.returncode == 0, (args, result.stdout)
        assert result.stdout.splitlines() == [
            expected,
            "1 item(s), 1 publishable; 0 error(s), 0 warning(s), 1 notice(s)",
        ]
    code, log, pages = built_pages(repo, tmp_path / "site", "--strict")
    assert code == 0, log
    assert pages == {"berita/2026/rapat/index.html"}
    assert f"INFO    -  warta: {item}:{line[4]}: [mutu-baku.exceeded]" in log
    verify = repo.cli("verify", "--strict", item)
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.splitlines()[0] == expected


# ---- demo keys: notices only where the signed roster says demo ----------------------------------


def with_demo_keys(repo: Repo, *, marked: bool) -> str:
    """Hendra's key and the administrator's marked DEMO (roster ``demo: true`` on the key, the
    trust root's comment), the roster marked as a demo repository if ``marked``; the workflow
    re-signed and the new trust root pinned. Returns the roster's text."""
    hendra = pub(repo.keys["hendra"])
    roster = repo.read(ROSTER).replace(
        f"      - key: {hendra}\n", f"      - key: {hendra}\n        demo: true\n"
    )
    if marked:
        roster = "demo: true\n" + roster
    repo.write(ROSTER, roster)
    repo.write(TRUST, f"office {TEST_OFFICE}\nadmin {pub(repo.keys['admin'])} DEMO KEY admin\n")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin  # the new trust root pinned, then signed under
    repo.sign_workflow()
    repo.commit_all("demo keys")
    return roster


def demo_findings(repo: Repo, *args: str) -> list[tuple[str, str, int | None]]:
    data = repo.validate_json(*args)
    return sorted((f["rule"], f["severity"], f["line"]) for f in data["workflow"])


def test_demo_keys_in_a_repository_marked_as_a_demo_are_notices(
    repo: Repo, tmp_path: Path
) -> None:
    roster = with_demo_keys(repo, marked=True)
    item = repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    expected = [
        ("roster.demo", "notice", 1),
        ("roster.demo-key", "notice", line_of(roster, "  - id: hendra")),
        ("trust.demo-key", "notice", 2),
    ]
    for args in ((), ("--strict",)):
        assert demo_findings(repo, *args) == expected
        result = repo.cli("validate", *args)
        assert result.returncode == 0, (args, result.stdout)
        assert result.stdout.splitlines()[-1] == (
            "1 item(s), 1 publishable; 0 error(s), 0 warning(s), 3 notice(s)"
        )
    code, log, pages = built_pages(repo, tmp_path / "site", "--strict")
    assert code == 0, log
    assert pages == {"berita/2026/jembatan/index.html"}
    assert repo.cli("verify", "--strict", str(item)).returncode == 0


def test_demo_keys_in_a_repository_not_marked_as_a_demo_are_warnings_that_strict_refuses(
    repo: Repo, tmp_path: Path
) -> None:
    roster = with_demo_keys(repo, marked=False)
    item = repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    assert demo_findings(repo) == [
        ("roster.demo-key", "warning", line_of(roster, "  - id: hendra")),
        ("trust.demo-key", "warning", 2),
    ]
    assert verdicts(repo)[rel("jembatan")]["publishable"] is True
    strict = repo.cli("validate", "--strict")
    assert strict.returncode == 1
    assert (
        f"{TRUST}:2: error [trust.demo-key] administrator admin uses a DEMO key (its private"
        " half is public under tests/); expected the office's own key"
    ) in strict.stdout.splitlines()
    assert strict.stdout.splitlines()[-1] == (
        "1 item(s), 0 publishable; 2 error(s), 0 warning(s), 0 notice(s)"
    )
    code, log, pages = built_pages(repo, tmp_path / "site", "--strict")
    assert code == 1 and pages == set(), log
    assert f"WARNING -  warta: {ROSTER}:{line_of(roster, '  - id: hendra')}: [roster.demo-key]" in (
        log
    )
    assert repo.cli("verify", "--strict", str(item)).returncode == 1


def test_an_unsigned_demo_marker_silences_nothing(repo: Repo) -> None:
    """An attacker who can push marks a real office's repository as a demo, to turn the
    demo-key warnings into notices: the roster no longer verifies, nothing is trusted, and
    the demo keys stay warnings."""
    roster = with_demo_keys(repo, marked=False)
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.write(ROSTER, "demo: true\n" + roster)  # not re-signed
    data = repo.validate_json()
    assert data["summary"]["publishable"] == 0
    workflow = {f["rule"]: f for f in data["workflow"]}
    assert "roster.demo" not in workflow
    assert workflow["roster.demo-key"]["severity"] == "warning"
    assert workflow["trust.demo-key"]["severity"] == "warning"
    broken = workflow["workflow.signature"]
    assert (broken["severity"], data["workflow"][0]["path"]) == ("error", TRUST)
    assert broken["message"] == (
        "workflow/roster.yml.sig does not verify over the current workflow/roster.yml for"
        " office kantor-uji-warta; expected a signature of this exact file for this office by"
        " an administrator (was the file changed after it was signed, or signed in another"
        " repository?)"
    )
    text = repo.cli("validate").stdout
    assert f"{ROSTER}: error [workflow.signature] workflow/roster.yml.sig does not verify" in text


def test_a_demo_marker_that_is_not_true_or_false_is_refused(repo: Repo) -> None:
    repo.write(ROSTER, 'demo: "ya"\n' + repo.read(ROSTER))
    repo.sign_workflow_unchecked()
    result = repo.cli("validate")
    assert result.returncode == 2
    (finding,) = [row for row in result.stderr.splitlines() if row.startswith(ROSTER)]
    assert finding.startswith(f"{ROSTER}:1: error [schema.type] ")
    assert "'demo'" in finding and "true or false" in finding
    assert says_expected_and_found(finding)


# ---- warta sign: every finding shown, the gate refused while one blocks -------------------------


def sign(repo: Repo, path: str, person: str, at: str, *args: str):  # type: ignore[no-untyped-def]
    return repo.cli("sign", path, "--key", str(repo.keys[person]), "--at", at, *args)


def unchanged(repo: Repo, path: str, before: str, result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert repo.read(path) == before
    assert repo.git("status", "--porcelain") == ""


def test_sign_refuses_the_gate_while_an_error_stands_and_shows_every_finding(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    path = forged(repo, forger, policy, "rusak", LATE_REPORT, description="description: [a, b]")
    before = repo.read(path)
    steps = [n for n, row in enumerate(before.split("\n"), 1) if row.startswith("  - step:")]
    result = sign(repo, path, "hendra", GATE_AT)
    unchanged(repo, path, before, result)
    assert result.stderr.splitlines() == [
        f"warta: {path} has findings that block publication, so its approval ('pengesahan')"
        " is refused; fix them before signing (nothing was changed):",
        f"  {path}:{line_of(before, 'description:')}: error [schema.type] 'description' must"
        " be text; found a list",
        f"  {path}:{steps[3]}: notice [mutu-baku.exceeded] step 'laporan' (step 4) took 30"
        " menit kerja; its standard time (Mutu Baku) is 5 menit",
    ]


PHONE = "description: Warga dapat menghubungi 0812-3456-7890."


def test_sign_refuses_the_gate_with_personal_data_under_strict(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    path = forged(repo, forger, policy, "telepon", APPROVAL[:4], description=PHONE)
    before = repo.read(path)
    result = sign(repo, path, "hendra", GATE_AT, "--strict")
    unchanged(repo, path, before, result)
    head, *listed = result.stderr.splitlines()
    assert head == (
        f"warta: {path} has findings that block publication, so its approval ('pengesahan')"
        " is refused; fix them before signing (nothing was changed):"
    )
    (finding,) = listed
    assert finding.startswith(f"  {path}:5: error [pii.phone] ")
    assert "0812-3456-7890" in finding


def test_sign_shows_personal_data_to_the_approver(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    """Without --strict too, the approver sees the personal data before anything is signed:
    printed ahead of the signature, or in the refusal if it blocks."""
    path = forged(repo, forger, policy, "telepon", APPROVAL[:4], description=PHONE)
    result = sign(repo, path, "hendra", GATE_AT)
    if result.returncode == 0:
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"{path}:5: warning [pii.phone] ")
        assert lines[1].startswith("5. pengesahan signed by Hendra Wijaya")
    else:
        assert f"  {path}:5: error [pii.phone] " in result.stderr


UNKNOWN_KEY = "catatan_redaksi: kunci yang tidak dikenal\n"


def test_sign_shows_warnings_and_notices_before_signing_a_step(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    path = forged(repo, forger, policy, "catatan", LATE_REPORT[:3], extra=UNKNOWN_KEY)
    text = repo.read(path)
    result = sign(repo, path, "sri", f"2026-11-02T10:30:00{WIB}")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith(
        f"{path}:{line_of(text, 'catatan_redaksi:')}: warning [schema.unknown-key] unknown key"
        " 'catatan_redaksi'; expected one of: "
    )
    assert second.startswith("4. laporan signed by Sri Rahayu, S.Sos. (sri); status dilaporkan")
    shown = sign(repo, path, "hendra", GATE_AT)  # the gate: the warning and the notice
    assert shown.returncode == 0, shown.stderr
    level = re.compile(r"(warning|notice) \[([a-z.-]+)\]")
    rules = [level.search(row) for row in shown.stdout.splitlines()]
    assert [m.groups() if m else None for m in rules] == [
        ("warning", "schema.unknown-key"),
        ("notice", "mutu-baku.exceeded"),
        None,
    ]
    assert shown.stdout.splitlines()[-1].startswith("5. pengesahan signed by Hendra Wijaya")


def test_sign_strict_refuses_the_gate_for_a_warning_but_never_for_a_notice(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    warned = forged(repo, forger, policy, "peringatan", LATE_REPORT, extra=UNKNOWN_KEY)
    before = repo.read(warned)
    result = sign(repo, warned, "hendra", GATE_AT, "--strict")
    unchanged(repo, warned, before, result)
    assert [row.split("] ")[0].rsplit(" ", 2)[-2:] for row in result.stderr.splitlines()[1:]] == [
        ["error", "[schema.unknown-key"],
        ["notice", "[mutu-baku.exceeded"],
    ]
    noted = forged(repo, forger, policy, "terlambat", LATE_REPORT)
    signed = sign(repo, noted, "hendra", GATE_AT, "--strict")
    assert signed.returncode == 0, signed.stderr
    notice, done = signed.stdout.splitlines()
    assert notice.startswith(f"{noted}:")
    assert " notice [mutu-baku.exceeded] step 'laporan' (step 4) took 30 menit kerja;" in notice
    assert done.startswith("5. pengesahan signed by Hendra Wijaya")
    assert verdicts(repo, "--strict")[noted]["publishable"] is True


def test_verify_strict_judges_as_validate_strict(
    repo: Repo, forger: Forger, policy: Policy
) -> None:
    path = forged(repo, forger, policy, "peringatan", APPROVAL, extra=UNKNOWN_KEY)
    loose = repo.cli("verify", path)
    assert loose.returncode == 0, loose.stdout
    assert loose.stdout.splitlines()[-1].startswith(f"OK {path}: id 20261102-peringatan")
    strict = repo.cli("verify", "--strict", path)
    assert strict.returncode == 1
    assert strict.stdout.splitlines()[0].startswith(f"{path}:9: error [schema.unknown-key] ")
    assert strict.stdout.splitlines()[-1] == f"NOT PUBLISHABLE {path}"
