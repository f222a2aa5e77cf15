"""Signed serials against rollback, through the CLI.

``workflow/sop.yml``, ``roster.yml`` and ``site-manifest.yml`` carry a signed top-level
``serial``; ``warta trust sign`` raises it for each file it signs anew; this machine's
trust-on-first-use record keeps the highest serial seen of each (only once the workflow
verified), and a lower one later is an error (``serial.rollback``), pinned or not. The attack
of issue 9, point 3: restoring roster.yml and its .sig from an older commit, undoing a key
revocation, then approving with the revoked key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    SignedRepos,
    copy_repo,
    machine_env,
    newsroom_items,
    on_machine,
    pub,
)
from warta.adapters.cachekey import repo_key
from warta.model.signing import fingerprint

BARU = "content/berita/2026/baru/index.md"  # steps 1-4 on 2 Nov 2026, awaiting approval
JEMBATAN = "content/berita/2026/jembatan/index.md"
ROSTER = "workflow/roster.yml"
SOP = "workflow/sop.yml"
MANIFEST = "workflow/site-manifest.yml"
FILES = (SOP, ROSTER, MANIFEST)


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(newsroom_items)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    """A copy of the template on a CI machine of its own, pinned to its trust root."""
    pin = template.env["WARTA_TRUST_ROOT"]
    return copy_repo(template, tmp_path / "repo",
                     {**machine_env(tmp_path / "ci"), "WARTA_TRUST_ROOT": pin})


def serial_of(repo: Repo, rel: str) -> int:
    for line in repo.read(rel).splitlines():
        if line.startswith("serial:"):
            return int(line.split(":", 1)[1].split("#")[0])
    raise AssertionError(f"{rel} has no serial")


def serial_line(repo: Repo, rel: str) -> int:
    return next(n for n, line in enumerate(repo.read(rel).splitlines(), 1)
                if line.startswith("serial:"))


def seen(repo: Repo) -> dict[str, int]:
    record = (Path(repo.env["XDG_STATE_HOME"]) / "warta" / "repos" / repo_key(repo.root)
              / "trust.json")
    return json.loads(record.read_text(encoding="utf-8"))["serials"]  # type: ignore[no-any-return]


def errors(repo: Repo) -> list[tuple[str, str, str]]:
    data = repo.validate_json()
    return [(f["path"], f["rule"], f["message"]) for f in data["workflow"]
            if f["severity"] == "error"]


def revoke_hendra(repo: Repo, day: str = "2026-11-03") -> None:
    roster = repo.read(ROSTER)
    line = f"      - key: {pub(repo.keys['hendra'])}\n"
    repo.write(ROSTER, roster.replace(
        line, f"{line}        revoked: {day}\n        reason: laptop dicuri\n"))


# ---- warta trust sign raises the serials ---------------------------------------------------


def test_trust_sign_raises_the_serial_of_each_file_it_signs_anew(site: Repo) -> None:
    before = {rel: serial_of(site, rel) for rel in FILES}
    sigs = {rel: site.read(f"{rel}.sig") for rel in FILES}
    site.write(ROSTER, site.read(ROSTER) + "# diperbarui\n")
    result = site.cli("trust", "sign", "--key", str(site.keys["admin"]), "--no-commit")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        f"signing for office {TEST_OFFICE} (workflow/trust-root)",
        f"kept {SOP}: its signature still covers it, serial {before[SOP]}",
        f"signed {ROSTER} as admin, serial {before[ROSTER] + 1}",
        f"kept {MANIFEST}: its signature still covers it, serial {before[MANIFEST]}",
    ]
    assert serial_of(site, ROSTER) == before[ROSTER] + 1
    assert {rel: site.read(f"{rel}.sig") == sigs[rel] for rel in FILES} == {
        SOP: True, ROSTER: False, MANIFEST: True}
    # the policy exposes them, by repository path
    from warta.repository import open_repository

    policy = open_repository(site.root, pin=site.env["WARTA_TRUST_ROOT"]).policy
    assert policy.serials == {SOP: before[SOP], ROSTER: before[ROSTER] + 1,
                              MANIFEST: before[MANIFEST]}
    assert policy.serial_lines[ROSTER] == serial_line(site, ROSTER)
    # a page of the site changed: the manifest's serial moves
    site.write("content/tentang.md", site.read("content/tentang.md") + "\nAlamat baru.\n")
    again = site.cli("trust", "sign", "--key", str(site.keys["admin"]), "--no-commit")
    assert again.stdout.splitlines() == [
        f"signing for office {TEST_OFFICE} (workflow/trust-root)",
        "  ~ content/tentang.md",
        f"kept {SOP}: its signature still covers it, serial {before[SOP]}",
        f"kept {ROSTER}: its signature still covers it, serial {before[ROSTER] + 1}",
        f"signed {MANIFEST} as admin, serial {before[MANIFEST] + 1}",
    ]


def test_trust_sign_moves_past_the_highest_serial_this_machine_has_seen(site: Repo) -> None:
    """An older roster restored and then signed again by an administrator gets a serial
    above the newest one seen, never the same number as a different signed roster."""
    revoke_hendra(site)
    site.sign_workflow()
    site.commit_all("revoke")
    newest = serial_of(site, ROSTER)
    assert errors(site) == []  # seen: newest
    site.git("checkout", "HEAD~1", "--", ROSTER, f"{ROSTER}.sig")
    assert serial_of(site, ROSTER) == newest - 1
    site.write(ROSTER, site.read(ROSTER) + "# dipulihkan\n")
    site.sign_workflow()
    assert serial_of(site, ROSTER) == newest + 1


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("serial: {n}", "", None),
        ("serial: {n}", 'serial: "{n}"', "text '{n}'"),
        ("serial: {n}", "serial: 0", "0"),
        ("serial: {n}", "serial: true", "a boolean (true)"),
        ("serial: {n}", "serial: 1.5", "a number (1.5)"),
    ],
)
def test_a_missing_or_malformed_serial_is_broken_configuration(
    site: Repo, old: str, new: str, found: str | None
) -> None:
    assert site.cli("validate").returncode == 0  # this machine has seen the serials
    n = serial_of(site, SOP)
    line = serial_line(site, SOP)
    text = site.read(SOP)
    start = text.index(old.format(n=n))
    end = text.index("\n", start)
    site.write(SOP, text[:start] + new.format(n=n) + text[end:])
    result = site.cli("validate")
    assert result.returncode == 2
    if found is None:
        expected = (
            f"{SOP}:1: error [workflow.serial] expected a top-level 'serial: N' in {SOP} (a whole"
            " number from 1, raised by warta trust sign at each signed change); found none")
    else:
        expected = (
            f"{SOP}:{line}: error [workflow.serial] 'serial' must be a whole number from 1 to"
            f" 9007199254740991; found {found.format(n=n)}")
    assert expected in result.stderr.splitlines(), result.stderr
    # an administrator's signature sets it right again
    site.sign_workflow()
    assert serial_of(site, SOP) == n + 1
    assert site.cli("validate").returncode == 0


# ---- the attack: an older roster restored -----------------------------------------------------


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "tofu"])
def test_restoring_an_older_roster_does_not_undo_a_revocation(
    site: Repo, tmp_path: Path, pinned: bool
) -> None:
    ci = on_machine(site, tmp_path / f"ci-{pinned}", pinned=pinned)
    attacker = on_machine(site, tmp_path / "attacker", pinned=pinned)
    assert ci.cli("validate").returncode == 0
    # the administrator revokes Hendra's stolen key from 3 November
    revoke_hendra(site)
    site.sign_workflow()
    site.commit_all("revoke hendra's key")
    revoked = serial_of(site, ROSTER)
    assert ci.cli("validate").returncode == 0  # CI has now seen the newer roster
    assert seen(ci)[ROSTER] == revoked
    refused = ci.cli("sign", BARU, "--key", str(site.keys["hendra"]),
                     "--at", "2026-11-04T08:00:00+07:00")
    assert refused.returncode == 1 and "revoked on 2026-11-03" in refused.stderr
    # the thief restores the roster (and its valid old signature) from before the revocation
    site.git("checkout", "HEAD~1", "--", ROSTER, f"{ROSTER}.sig")
    assert serial_of(site, ROSTER) == revoked - 1
    forged = attacker.cli("sign", BARU, "--key", str(site.keys["hendra"]),
                          "--at", "2026-11-04T08:00:00+07:00")
    assert forged.returncode == 0, forged.stderr  # on a machine that never saw the revocation
    # on the machine that has seen the newer roster: refused, nothing is trusted
    line = serial_line(site, ROSTER)
    record = (Path(ci.env["XDG_STATE_HOME"]) / "warta" / "repos" / repo_key(site.root)
              / "trust.json")
    root = site.cli("trust", "show").stdout.split()[0]
    assert errors(ci) == [(
        ROSTER, "serial.rollback",
        f"serial must be at least {revoked}, the highest this machine has seen for {ROSTER}"
        f" (TOFU record {record}); found {revoked - 1}: an older signed version was restored,"
        " which undoes what an administrator signed since (a revoked key, a changed step), so"
        f" no workflow file and no item is trusted. Restore the newest signed {ROSTER} and its"
        f" .sig; only if you checked out an older state on purpose, reset the record with:"
        f" warta trust accept {root}")]
    text = ci.cli("validate")
    assert text.returncode == 1
    assert f"{ROSTER}:{line}: error [serial.rollback] serial must be at least {revoked}," in (
        text.stdout)
    assert text.stdout.strip().splitlines()[-1].startswith("2 item(s), 0 publishable;")
    verify = ci.cli("verify", BARU)
    assert verify.returncode == 1
    assert verify.stdout.strip().splitlines()[-1] == f"NOT PUBLISHABLE {BARU}"
    strict = ci.cli("build", "--strict", "-d", str(tmp_path / "strict"))
    assert strict.returncode == 1
    assert f"{ROSTER}:{line}: [serial.rollback]" in strict.stderr
    plain = ci.cli("build", "-d", str(tmp_path / "plain"))
    assert plain.returncode == 1, plain.stderr  # nothing built: never a site without news
    assert f"{ROSTER}:{line}: [serial.rollback]" in plain.stderr
    assert not (tmp_path / "plain" / "berita" / "2026" / "baru").exists()
    assert not (tmp_path / "plain" / "berita" / "2026" / "jembatan").exists()
    assert seen(ci)[ROSTER] == revoked  # the record keeps the newest
    # restoring the newest roster again: trusted, and the forged approval is caught
    site.git("checkout", "HEAD", "--", ROSTER, f"{ROSTER}.sig")
    data = ci.validate_json()
    assert data["workflow"] == [f for f in data["workflow"] if f["severity"] == "warning"]
    baru = next(i for i in data["items"] if i["path"] == BARU)
    assert baru["publishable"] is False
    assert "signature.key-not-valid" in [f["rule"] for f in baru["findings"]]


def test_the_older_sop_and_manifest_are_refused_too(site: Repo, tmp_path: Path) -> None:
    """The SOP with a step given back to another role, the manifest with an older page."""
    site.write(SOP, site.read(SOP) + "# revisi\n")
    site.write("content/tentang.md", site.read("content/tentang.md") + "\nRalat.\n")
    site.sign_workflow()
    site.commit_all("revisi")
    assert errors(site) == []
    newest = {rel: serial_of(site, rel) for rel in (SOP, MANIFEST)}
    site.git("checkout", "HEAD~1", "--", SOP, f"{SOP}.sig", MANIFEST, f"{MANIFEST}.sig",
             "content/tentang.md")
    found = errors(site)
    assert [(p, r) for p, r, _ in found] == [(MANIFEST, "serial.rollback"),
                                             (SOP, "serial.rollback")]
    for path, _, message in found:
        assert message.startswith(
            f"serial must be at least {newest[path]}, the highest this machine has seen for"
            f" {path} (TOFU record ")
        assert f"; found {newest[path] - 1}: an older signed version was restored" in message
    # the manifest is the site's own trust: nothing at all is built
    built = site.cli("build", "-d", str(tmp_path / "out"))
    assert built.returncode == 1
    assert f"{MANIFEST}:{serial_line(site, MANIFEST)}: [serial.rollback]" in built.stderr


def test_an_unsigned_higher_serial_is_not_recorded(site: Repo) -> None:
    """Serials are recorded only when the workflow verified: an attacker who writes
    'serial: 999' into the roster without a valid signature cannot lock the machine out of
    the honest roster."""
    honest = serial_of(site, ROSTER)
    assert errors(site) == []
    text = site.read(ROSTER)
    site.write(ROSTER, text.replace(f"serial: {honest}", "serial: 999", 1))
    assert [r for _, r, _ in errors(site)] == ["workflow.signature"]
    assert seen(site)[ROSTER] == honest
    site.write(ROSTER, text)
    assert errors(site) == []


def test_trust_accept_takes_an_older_state_deliberately(site: Repo) -> None:
    revoke_hendra(site)
    site.sign_workflow()
    site.commit_all("revoke")
    newest = serial_of(site, ROSTER)
    assert errors(site) == []
    site.git("checkout", "HEAD~1", "--", ROSTER, f"{ROSTER}.sig")
    assert [r for _, r, _ in errors(site)] == ["serial.rollback"]
    root = site.cli("trust", "show").stdout.split()[0]
    accepted = site.cli("trust", "accept", root)
    assert accepted.returncode == 0, accepted.stderr
    assert f"serial {ROSTER}: {newest - 1} (was {newest})" in accepted.stdout.splitlines()
    assert errors(site) == []
    assert seen(site)[ROSTER] == newest - 1
    assert f"admin {fingerprint(pub(site.keys['admin']))}" in accepted.stdout


def test_a_fresh_ci_machine_refuses_the_older_roster_with_base(
    site: Repo, tmp_path: Path
) -> None:
    """A new CI runner has seen nothing; `--base` against the target branch is what refuses
    the restored roster there."""
    revoke_hendra(site)
    site.sign_workflow()
    site.commit_all("revoke hendra's key")
    site.git("branch", "-f", "target")
    revoked = serial_of(site, ROSTER)
    # the pull request: the roster from before the revocation, and an approval with the key
    site.git("checkout", "HEAD~1", "--", ROSTER, f"{ROSTER}.sig")
    attacker = on_machine(site, tmp_path / "attacker", pinned=True)
    forged = attacker.cli("sign", BARU, "--key", str(site.keys["hendra"]),
                          "--at", "2026-11-04T08:00:00+07:00")
    assert forged.returncode == 0, forged.stderr
    site.commit_all("restore the roster and approve")
    fresh = on_machine(site, tmp_path / "fresh-runner", pinned=True)
    assert fresh.cli("validate").returncode == 0  # on its own, the branch looks valid
    result = fresh.cli("validate", "--base", "target", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    target = site.git("rev-parse", "target").strip()[:10]
    assert [(f["path"], f["rule"], f["message"]) for f in data["workflow"]
            if f["severity"] == "error"] == [(
        ROSTER, "serial.rollback",
        f"serial goes back: target ({target}) has serial {revoked}, this change has"
        f" {revoked - 1}; expected {revoked} or higher (an older file restored would undo what"
        " was signed since, such as a key revocation)")]
    assert [i["publishable"] for i in data["items"]] == [False, False]
