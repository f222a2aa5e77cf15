"""The trust root: workflow/roster.yml and workflow/sop.yml count only when signed by an
administrator in workflow/trust-root, and the trust root itself can be pinned.

Also the roster's time-bound facts that signatures are judged against: key revocation,
key rotation (a new key valid from a date) and acting officials (Plt.) within their period.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    SignedRepos,
    make_repo,
    newsroom_items,
    pub,
    swap_trust_root,
)
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.trust import WORKFLOW_NAMESPACE, workflow_message
from warta.model.signing import NAMESPACE, chain_digest, fingerprint, signoff_payload

Json = dict[str, Any]

JEMBATAN = "content/berita/2026/jembatan/index.md"  # steps 1-5 on 2 Nov 2026
BARU = "content/berita/2026/baru/index.md"  # steps 1-4 on 2 Nov 2026, awaiting approval
ROSTER = "workflow/roster.yml"
DIMAS_ROLES = '    nip: "199107232015031004"\n    roles: [staf]\n'


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(newsroom_items)


def unpinned(repo: Repo) -> Repo:
    return Repo(repo.root, repo.keys, {})


def fp(repo: Repo, person: str) -> str:
    return fingerprint(pub(repo.keys[person]))


def ssh_sign(key: Path, message: bytes, workdir: Path, namespace: str) -> str:
    msg = workdir / "message"
    msg.write_bytes(message)
    Path(f"{msg}.sig").unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", str(key), str(msg)],
                   check=True, input=b"", capture_output=True)
    return Path(f"{msg}.sig").read_text(encoding="ascii")


def sign_roster_with(repo: Repo, person: str, workdir: Path) -> None:
    """Re-sign roster.yml the way a non-administrator would: by hand, with their own key."""
    data = repo.path(ROSTER).read_bytes()
    message = workflow_message("roster.yml", data, TEST_OFFICE)
    repo.write(f"{ROSTER}.sig", ssh_sign(repo.keys[person], message, workdir, WORKFLOW_NAMESPACE))


def workflow_errors(data: Json) -> list[tuple[str, str, str]]:
    return [(f["path"], f["rule"], f["message"]) for f in data["workflow"]
            if f["severity"] == "error"]


def nothing_publishable(repo: Repo) -> Json:
    data = repo.validate_json()
    assert data["summary"]["publishable"] == 0
    assert [i["publishable"] for i in data["items"]] == [False, False]
    result = repo.cli("validate")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1].startswith("2 item(s), 0 publishable;")
    verify = repo.cli("verify", JEMBATAN)
    assert verify.returncode == 1
    assert verify.stdout.strip().splitlines()[-1] == f"NOT PUBLISHABLE {JEMBATAN}"
    return data


def sign_refused_because_untrusted(repo: Repo) -> str:
    before = (repo.path(BARU).read_bytes(), repo.git("rev-parse", "HEAD"))
    result = repo.cli("sign", BARU, "--key", str(repo.keys["hendra"]),
                      "--at", "2026-11-02T11:08:00+07:00")
    assert result.returncode == 1
    assert (repo.path(BARU).read_bytes(), repo.git("rev-parse", "HEAD")) == before
    assert result.stderr.startswith(
        "warta: the workflow files are not trusted, so nothing may be signed: ")
    return result.stderr


def test_pinned_and_signed_workflow_is_trusted(site: Repo) -> None:
    data = site.validate_json()
    assert data["workflow"] == []
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (BARU, False), (JEMBATAN, True)]


# ---- roster and SOP changed by someone who is not an administrator -----------------------


def test_roster_edited_without_resigning(site: Repo) -> None:
    site.write(ROSTER, site.read(ROSTER).replace(DIMAS_ROLES, DIMAS_ROLES.replace(
        "[staf]", "[staf, kabag]")))
    data = nothing_publishable(site)
    assert workflow_errors(data) == [(
        ROSTER, "workflow.signature",
        "workflow/roster.yml.sig does not verify over the current workflow/roster.yml for"
        " office kantor-uji-warta; expected a signature of this exact file for this office by"
        " an administrator (was the file changed after it was signed, or signed in another"
        " repository?)")]
    assert sign_refused_because_untrusted(site).strip() == (
        "warta: the workflow files are not trusted, so nothing may be signed:"
        " workflow/roster.yml: [workflow.signature] workflow/roster.yml.sig does not verify"
        " over the current workflow/roster.yml for office kantor-uji-warta; expected a signature"
        " of this exact file for this office by an administrator (was the file changed after it"
        " was signed, or signed in another repository?)")


@pytest.mark.parametrize("person", ["mallory", "hendra"])
def test_roster_resigned_by_a_non_administrator(site: Repo, tmp_path: Path,
                                                person: str) -> None:
    """Mallory (outside the roster) or Hendra (in it, but no administrator) signs the edit."""
    site.write(ROSTER, site.read(ROSTER).replace(DIMAS_ROLES, DIMAS_ROLES.replace(
        "[staf]", "[staf, kabag]")))
    sign_roster_with(site, person, tmp_path)
    data = nothing_publishable(site)
    assert workflow_errors(data) == [(
        ROSTER, "workflow.signer",
        f"workflow/roster.yml is signed with key {fp(site, person)}, which is not an"
        " administrator in workflow/trust-root; expected an administrator's key")]
    sign_refused_because_untrusted(site)


def test_trust_sign_refuses_a_non_administrator_key(site: Repo) -> None:
    before = site.path(f"{ROSTER}.sig").read_bytes()
    result = site.cli("trust", "sign", "--key", str(site.keys["mallory"]))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"warta: key {fp(site, 'mallory')} is not an administrator in workflow/trust-root;"
        " nothing was signed")
    assert site.path(f"{ROSTER}.sig").read_bytes() == before


def test_trust_sign_refuses_a_roster_or_sop_the_validator_refuses(site: Repo) -> None:
    """An administrator's signature never covers a workflow file with an error: a key
    listed for two people (either could then sign as the other) is refused before anything
    is written, with the roster's line; so is a step of sop.yml naming no role."""
    roster = site.read(ROSTER)
    shared = roster.replace(pub(site.keys["dimas"]), pub(site.keys["hendra"]))
    assert shared != roster
    site.write(ROSTER, shared)
    files = ("workflow/roster.yml.sig", "workflow/sop.yml.sig", "workflow/site-manifest.yml",
             "workflow/site-manifest.yml.sig")
    before = {rel: site.path(rel).read_bytes() for rel in files}
    result = site.cli("trust", "sign", "--key", str(site.keys["admin"]))
    assert result.returncode == 1, result.stdout
    line = 1 + shared[: shared.index("  - id: dimas")].count("\n")
    assert result.stderr.startswith(f"warta: {ROSTER}: 1 error(s) in workflow file:\n")
    assert f"\n{ROSTER}:{line}: error [roster.key-shared]" in result.stderr, result.stderr
    assert result.stderr.endswith("\nnothing was signed\n")
    assert result.stdout == ""
    assert {rel: site.path(rel).read_bytes() for rel in files} == before
    assert site.git("status", "--porcelain") == f" M {ROSTER}\n"
    # the sop's error is refused the same way
    site.write(ROSTER, roster)
    sop = site.read("workflow/sop.yml")
    broken = sop.replace("    role: kabag\n", "    role: bupati\n", 1)
    assert broken != sop
    site.write("workflow/sop.yml", broken)
    result = site.cli("trust", "sign", "--key", str(site.keys["admin"]))
    assert result.returncode == 1 and "\nworkflow/sop.yml:" in result.stderr, result.stderr
    assert {rel: site.path(rel).read_bytes() for rel in files} == before
    # mended, it signs
    site.write("workflow/sop.yml", sop)
    site.write(ROSTER, roster + "# diperbarui\n")
    assert site.cli("trust", "sign", "--key", str(site.keys["admin"])).returncode == 0


def test_sop_edited_without_resigning(site: Repo) -> None:
    sop = site.read("workflow/sop.yml")
    edited = sop.replace("    role: kabag\n    input: Laporan hasil", "    role: staf\n    input:"
                         " Laporan hasil")
    assert edited != sop
    site.write("workflow/sop.yml", edited)
    data = nothing_publishable(site)
    assert [(p, r) for p, r, _ in workflow_errors(data)] == [
        ("workflow/sop.yml", "workflow.signature")]


def test_crlf_checkout_of_the_workflow_files_stays_trusted(site: Repo) -> None:
    """A Windows checkout (core.autocrlf) turns LF into CRLF; the meaning is unchanged."""
    for rel in (ROSTER, "workflow/sop.yml", "workflow/trust-root"):
        site.path(rel).write_bytes(site.path(rel).read_bytes().replace(b"\n", b"\r\n"))
    data = site.validate_json()
    assert data["workflow"] == []
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (BARU, False), (JEMBATAN, True)]
    # but an edit is still an edit
    crlf_roles = DIMAS_ROLES.replace("\n", "\r\n").encode()
    roster = site.path(ROSTER).read_bytes()
    assert crlf_roles in roster
    site.path(ROSTER).write_bytes(roster.replace(crlf_roles, crlf_roles.replace(b"[staf]",
                                                                                b"[kabag]")))
    assert [r for _, r, _ in workflow_errors(site.validate_json())] == ["workflow.signature"]


def test_workflow_signature_removed(site: Repo) -> None:
    site.path(f"{ROSTER}.sig").unlink()
    data = nothing_publishable(site)
    assert workflow_errors(data) == [(
        ROSTER, "workflow.unsigned",
        "workflow/roster.yml has no signature (workflow/roster.yml.sig); expected one by an"
        " administrator in workflow/trust-root (warta trust sign)")]


def test_planted_cache_does_not_vouch_for_an_edited_roster(site: Repo) -> None:
    """A cache entry claiming the old roster signature verifies over the edited roster."""
    site.write(ROSTER, site.read(ROSTER).replace(DIMAS_ROLES, DIMAS_ROLES.replace(
        "[staf]", "[staf, kabag]")))
    message = workflow_message("roster.yml", site.path(ROSTER).read_bytes(), TEST_OFFICE)
    armored = site.read(f"{ROSTER}.sig")
    h = hashlib.sha256()
    for part in (WORKFLOW_NAMESPACE.encode(), message, armored.encode()):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    site.write(".warta-cache/verified-signatures", f"{h.hexdigest()} {pub(site.keys['admin'])}\n")
    data = nothing_publishable(site)
    assert [(p, r) for p, r, _ in workflow_errors(data)] == [(ROSTER, "workflow.signature")]


def test_a_key_listed_for_two_people_breaks_the_roster(site: Repo, tmp_path: Path) -> None:
    """An administrator pasting Hendra's key under Agus as well would let Agus sign as the
    Kabag; the roster is refused instead (exit 2)."""
    roster = site.read(ROSTER)
    agus = f"      - key: {pub(site.keys['agus'])}\n"
    site.write(ROSTER, roster.replace(agus, agus + f"      - key: {pub(site.keys['hendra'])}\n"))
    sign_roster_with(site, "admin", tmp_path)  # (by hand: warta trust sign refuses it)
    result = site.cli("validate")
    assert result.returncode == 2
    assert site.read(ROSTER).splitlines()[30] == "  - id: agus"
    assert (
        f"{ROSTER}:31: error [roster.key-shared] key {fp(site, 'hendra')} of Agus Setiawan,"
        " S.Sos. (agus) is also listed for Hendra Wijaya, S.Kom., M.T. (hendra); expected each"
        " key to belong to one person") in result.stderr


# ---- the trust root replaced -------------------------------------------------------------




def test_swapped_trust_root_with_a_pin_trusts_nothing(site: Repo) -> None:
    pinned = site.env["WARTA_TRUST_ROOT"]
    new = swap_trust_root(site)
    assert new != pinned
    data = nothing_publishable(site)
    assert workflow_errors(data) == [(
        "workflow/trust-root", "trust.pin-mismatch",
        f"trust root fingerprint must be the pinned {pinned} (pinned by WARTA_TRUST_ROOT);"
        f" found {new} (administrators:"
        f" mallory {fp(site, 'mallory')}; office {TEST_OFFICE}): the trust root was replaced, so"
        " no workflow file and no item is trusted")]
    sign_refused_because_untrusted(site)
    # the same with the pin given as an option instead of the environment
    flagged = unpinned(site).cli("validate", "--trust-root", pinned)
    assert flagged.returncode == 1
    assert (
        f"error [trust.pin-mismatch] trust root fingerprint must be the pinned {pinned} (pinned"
        " by --trust-root); found"
    ) in flagged.stdout
    assert flagged.stdout.strip().splitlines()[-1].startswith("2 item(s), 0 publishable;")


def test_swapped_trust_root_without_a_pin_is_refused_once_this_machine_knows_the_old(
    site: Repo,
) -> None:
    """Unpinned, the first use records the trust root; a takeover after it is an error
    naming both roots (tests/integration/test_tofu.py has the variants)."""
    loose = unpinned(site)
    first = loose.validate_json()
    assert [f["rule"] for f in first["workflow"]] == ["trust.unpinned"]
    old = site.env["WARTA_TRUST_ROOT"]
    new = swap_trust_root(site)
    data = nothing_publishable(loose)
    assert [(p, r) for p, r, _ in workflow_errors(data)] == [
        ("workflow/trust-root", "trust.changed")]
    message = workflow_errors(data)[0][2]
    assert message.startswith(f"trust root must be {old}, which this machine has trusted since")
    assert f"; found {new} (administrators: mallory {fp(site, 'mallory')}; office" in message
    assert message.endswith(f"accept it with: warta trust accept {new}")
    strict = loose.cli("validate", "--strict")
    assert strict.returncode == 1
    assert strict.stdout.strip().splitlines()[-1].startswith("2 item(s), 0 publishable;")


def test_unpinned_original_root_is_named_too(site: Repo) -> None:
    data = unpinned(site).validate_json()
    (finding,) = data["workflow"]
    assert finding["rule"] == "trust.unpinned"
    assert finding["message"].startswith(
        f"trust root {site.env['WARTA_TRUST_ROOT']} (administrators: admin {fp(site, 'admin')};"
        f" office {TEST_OFFICE})")


# ---- revocation, rotation and acting officials ---------------------------------------------


def add_key_fields(repo: Repo, person: str, extra: str) -> None:
    roster = repo.read(ROSTER)
    line = f"      - key: {pub(repo.keys[person])}\n"
    assert line in roster
    repo.write(ROSTER, roster.replace(line, line + extra))


def test_sign_refuses_a_revoked_key(site: Repo) -> None:
    add_key_fields(site, "hendra", "        revoked: 2026-11-02\n        reason: laptop hilang\n")
    site.sign_workflow("admin")
    site.commit_all("revoke")
    before = (site.path(BARU).read_bytes(), site.git("rev-parse", "HEAD"))
    result = site.cli("sign", BARU, "--key", str(site.keys["hendra"]),
                      "--at", "2026-11-02T11:08:00+07:00")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        f"signature.key-not-valid] signoffs[0] (step 'disposisi' by 'hendra') signed on"
        f" 2026-11-02, but key {fp(site, 'hendra')} of Hendra Wijaya, S.Kom., M.T. (hendra) was"
        " revoked on 2026-11-02 (laptop hilang)")
    assert (site.path(BARU).read_bytes(), site.git("rev-parse", "HEAD")) == before


def test_sign_refuses_a_key_revoked_before_today(site: Repo) -> None:
    add_key_fields(site, "hendra", "        revoked: 2026-11-03\n        reason: laptop hilang\n")
    site.sign_workflow("admin")
    site.commit_all("revoke")
    result = site.cli("sign", BARU, "--key", str(site.keys["hendra"]),
                      "--at", "2026-11-03T08:00:00+07:00")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"warta: key {fp(site, 'hendra')} of Hendra Wijaya, S.Kom., M.T. (hendra) was revoked"
        " on 2026-11-03 (laptop hilang); nothing was changed")


def test_key_rotation(site: Repo, tmp_path: Path) -> None:
    """Hendra's old key is revoked from 3 Nov; his new key counts from that day only."""
    new_key = tmp_path / "hendra_2"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(new_key)],
                   check=True)
    add_key_fields(site, "hendra", "        revoked: 2026-11-03\n        reason: rotasi kunci\n"
                   f"      - key: {pub(new_key)}\n        from: 2026-11-03\n")
    site.sign_workflow("admin")
    site.commit_all("rotate")
    # what the old key signed before the 3rd stays valid
    assert site.validate_json()["summary"]["errors"] == 0
    # an approval dated the 2nd with the new key is not valid: the key did not count yet
    early = site.cli("sign", BARU, "--key", str(new_key), "--at", "2026-11-02T11:08:00+07:00")
    assert early.returncode == 1
    assert early.stderr.strip() == (
        f"warta: key {fingerprint(pub(new_key))} of Hendra Wijaya, S.Kom., M.T. (hendra) is"
        " valid only from 2026-11-03; nothing was changed")
    result = site.cli("sign", BARU, "--key", str(new_key), "--at", "2026-11-03T08:00:00+07:00")
    assert result.returncode == 0, result.stderr
    data = site.validate_json()
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (BARU, True), (JEMBATAN, True)]


def test_key_used_before_its_from_date_is_rejected_by_the_validator(
    site: Repo, tmp_path: Path
) -> None:
    add_key_fields(site, "sri", "        revoked: 2026-11-10\n        reason: rotasi kunci\n")
    roster = site.read(ROSTER)
    site.write(ROSTER, roster.replace(f"      - key: {pub(site.keys['ayu'])}\n",
                                      f"      - key: {pub(site.keys['ayu'])}\n"
                                      "        from: 2026-11-05\n"))
    site.sign_workflow("admin")
    data = site.validate_json()
    baru = next(i for i in data["items"] if i["path"] == BARU)
    assert [(f["rule"], f["message"]) for f in baru["findings"] if f["severity"] == "error"] == [
        ("signature.key-not-valid",
         f"signoffs[2] (step 'penulisan' by 'ayu') signed on 2026-11-02, but key"
         f" {fp(site, 'ayu')} of Ayu Lestari, S.I.Kom. (ayu) is valid only from 2026-11-05")]


def test_acting_official_within_and_after_his_period(site: Repo, tmp_path: Path) -> None:
    """Agus, Plt. Kasubag in October, signs as Kasubag then; that stays valid in November.
    A Kasubag signoff by him dated 1 November (forged by hand: warta sign refuses it) fails."""
    path = site.new_item("Rapat Koordinasi Posyandu", at="2026-10-15T08:00:00+07:00",
                         slug="oktober")
    site.sign(path, "agus", "2026-10-15T08:04:00+07:00")
    site.sign(path, "dimas", "2026-10-15T10:00:00+07:00")
    site.sign(path, "agus", "2026-10-15T10:04:00+07:00")
    site.sign(path, "hendra", "2026-10-15T10:08:00+07:00")
    rel = "content/berita/2026/oktober/index.md"
    entry = next(i for i in site.validate_json()["items"] if i["path"] == rel)
    assert entry["publishable"] is True
    # now re-date his 'laporan' into November and sign it with his own, valid key
    text = site.read(rel)
    item = parse_item(text, rel).item
    assert item is not None
    late = replace(item.signoffs[3], at=item.signoffs[3].at.replace(month=11, day=1))
    prev = chain_digest(item.signoffs[2].sig or "")
    message = signoff_payload(item.id or "", late, prev, office=TEST_OFFICE)
    late = replace(late, sig=ssh_sign(site.keys["agus"], message, tmp_path, NAMESPACE).strip())
    site.write(rel, rewrite_workflow(text, status="dilaporkan", approved_by=None,
                                     signoffs=(*item.signoffs[:3], late)))
    entry = next(i for i in site.validate_json()["items"] if i["path"] == rel)
    assert [(f["rule"], f["message"]) for f in entry["findings"] if f["severity"] == "error"] == [
        ("signoff.role",
         "step 'laporan' (step 4) must be signed by the Kepala Sub Bagian Humas (Kasubag) on"
         " 2026-11-01; Agus Setiawan, S.Sos. (agus) holds staf, Plt. kasubag 2026-10-01 to"
         " 2026-10-31")]


def test_fresh_repository_validates_clean(keys: dict[str, Path], tmp_path: Path) -> None:
    """The builder used above starts from a trusted state (sanity check for the fixtures)."""
    repo = make_repo(tmp_path / "fresh", keys)
    result = repo.cli("validate")
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "0 item(s), 0 publishable; 0 error(s), 0 warning(s), 0 notice(s)"
    )


def test_the_bundled_demo_keys_are_known_by_the_key_itself() -> None:
    """A demo key is recognised whatever comment or flag it carries: its private half is
    public, so an office that kept one must be told."""
    from pathlib import Path

    from warta.model.demokeys import DEMO_PUBLIC_KEYS, is_demo_key

    folder = Path(__file__).resolve().parents[1] / "demo" / "keys"
    bundled = {" ".join(p.read_text().split()[:2]) for p in folder.glob("*.pub")}
    assert bundled == DEMO_PUBLIC_KEYS
    for key in bundled:
        assert is_demo_key(key + " renamed-comment")
    assert not is_demo_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyEntirely")


def test_a_demo_administrator_key_is_named_whatever_its_comment(site: Repo) -> None:
    """An office that kept the bundled demo administrator key (comment edited away) is told:
    its private half is public."""
    demo = Path(__file__).resolve().parents[1] / "demo" / "keys" / "admin_ed25519.pub"
    blob = " ".join(demo.read_text().split()[:2])
    site.write("workflow/trust-root", f"admin {blob} kantor kominfo\n")
    data = site.validate_json()
    rules = {(f["rule"], f["severity"]) for f in data["workflow"]}
    assert ("trust.demo-key", "warning") in rules
