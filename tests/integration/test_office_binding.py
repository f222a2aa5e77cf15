"""Every signature is bound to the office its trust root names (``office <id>``).

The same people often hold keys for more than one Warta repository: a practice newsroom made
to learn the tool, another Pemda's served by the same IT administrator. A signature made there
(the administrator's over a roster, a Kabag's approval of an item) must never count here, so
every signed message covers the office's id, and the id comes from the pinned trust root,
which a writer cannot change (found by an independent attack: a roster signed for a practice
newsroom, copied into a pull request, made a staff member Kabag and published her approval).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import TEST_OFFICE, Repo, copy_repo, machine_env, make_repo, pub
from warta.adapters.editionfile import render
from warta.adapters.ssh import KeygenSigner
from warta.model.edition import Edition, EditionItem, payload
from warta.model.item import content_digest
from warta.model.signing import NAMESPACE
from warta.newoffice import Office, office_id

#: The practice newsroom's office, as ``warta init`` names one (its own random digits).
PRACTICE = "kabupaten-sukamaju-5f0c2a9e1b7d"
NEWS = "content/berita/2026"


def set_office(repo: Repo, office: str | None) -> None:
    """The administrator names ``office`` in the trust root (None: no office line), signs
    the workflow files again and pins the new trust root."""
    lines = [ln for ln in repo.read("workflow/trust-root").splitlines()
             if not ln.startswith("office ")]
    named = [f"office {office}"] if office is not None else []
    repo.write("workflow/trust-root", "\n".join([*named, *lines]) + "\n")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin  # the new pin first: trust sign signs under it
    repo.sign_workflow()
    repo.commit_all("kantor")


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    """A practice newsroom of the same office's people, with the same keys (the
    administrator's too), where Mallory, a staff member, plays Kabag, and where the real
    Kabag approved a made-up item."""
    other = make_repo(tmp_path_factory.mktemp("latihan") / "repo", keys)
    other.write("workflow/roster.yml", other.read("workflow/roster.yml") + (
        "  - id: mallory\n    name: Mallory Latihan\n    nip: \"199901012020011001\"\n"
        "    roles: [kabag]\n    education: [{level: S2, field: Teknik Informatika}]\n"
        f"    keys:\n      - key: {pub(keys['mallory'])}\n"))
    set_office(other, PRACTICE)
    other.approved_item("Bupati Mengundurkan Diri", slug="latihan")
    other.commit_all("latihan")
    return other


def verdicts(repo: Repo, *args: str) -> dict[str, dict[str, Any]]:
    return {i["path"]: i for i in repo.validate_json(*args)["items"]}


def test_the_practice_signatures_are_genuine_there(practice: Repo) -> None:
    """The attacks below copy signatures that verify where they were made."""
    found = verdicts(practice)[f"{NEWS}/latihan/index.md"]
    assert found["publishable"], found["findings"]
    shown = practice.cli("--lang", "en", "trust", "show").stdout.splitlines()
    assert shown[-1] == f"office: {PRACTICE}"


def test_a_roster_signed_for_a_practice_newsroom_is_refused(
    repo: Repo, practice: Repo, tmp_path: Path
) -> None:
    """A pull request carries the practice newsroom's roster (where Mallory is Kabag),
    signed there by the very administrator key this trust root lists."""
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.commit_all("berita")
    repo.git("switch", "-q", "-c", "serangan")
    for name in ("roster.yml", "roster.yml.sig"):
        shutil.copy(practice.path(f"workflow/{name}"), repo.path(f"workflow/{name}"))
    repo.commit_all("roster latihan")
    checked = repo.cli("--lang", "en", "validate", "--strict", "--no-cache", "--base", "main")
    assert checked.returncode == 1
    assert (
        "workflow/roster.yml: error [workflow.signature] workflow/roster.yml.sig does not"
        f" verify over the current workflow/roster.yml for office {TEST_OFFICE};"
    ) in checked.stdout
    built = repo.cli("build", "--strict", "--no-cache", "-d", str(tmp_path / "site"))
    assert built.returncode != 0
    assert not (tmp_path / "site" / "berita").exists()


def test_an_item_approved_in_a_practice_newsroom_is_not_published(
    repo: Repo, practice: Repo, tmp_path: Path
) -> None:
    """The real Kabag approved a made-up item in the practice newsroom with his own key,
    which this roster lists: copied here, every one of its signatures is invalid."""
    repo.git("switch", "-q", "-c", "serangan")
    shutil.copytree(practice.path(f"{NEWS}/latihan"), repo.path(f"{NEWS}/latihan"))
    repo.commit_all("berita dari latihan")
    found = verdicts(repo, "--no-cache")[f"{NEWS}/latihan/index.md"]
    assert not found["publishable"]
    invalid = [f for f in found["findings"] if f["rule"] == "signature.invalid"]
    assert len(invalid) == 5, found["findings"]
    assert repo.cli("validate", "--strict", "--no-cache", "--base", "main").returncode == 1
    built = repo.cli("build", "--no-cache", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert not (tmp_path / "site" / "berita" / "2026" / "latihan").exists()
    pages = (tmp_path / "site").rglob("*")
    assert not [p for p in pages if p.is_file() and b"Mengundurkan" in p.read_bytes()]


def test_naming_the_practice_office_here_breaks_the_pin(
    repo: Repo, practice: Repo, tmp_path: Path
) -> None:
    """The office's id is the trust root's: a writer who renames this repository's office
    to the practice newsroom's (so that its signatures would count) changed the pinned
    file, and nothing is trusted."""
    shutil.copytree(practice.path(f"{NEWS}/latihan"), repo.path(f"{NEWS}/latihan"))
    for name in ("roster.yml", "roster.yml.sig"):
        shutil.copy(practice.path(f"workflow/{name}"), repo.path(f"workflow/{name}"))
    repo.write("workflow/trust-root", repo.read("workflow/trust-root").replace(
        f"office {TEST_OFFICE}", f"office {PRACTICE}"))
    repo.commit_all("kantor latihan")
    data = repo.validate_json("--no-cache")
    mismatch = [f for f in data["workflow"] if f["rule"] == "trust.pin-mismatch"]
    assert mismatch and f"office {PRACTICE}" in mismatch[0]["message"]  # what changed, said
    assert not any(i["publishable"] for i in data["items"])
    built = repo.cli("build", "--no-cache", "-d", str(tmp_path / "site"))
    assert built.returncode != 0
    assert not (tmp_path / "site" / "berita" / "2026" / "latihan").exists()


def test_a_trust_root_naming_no_office_still_verifies_and_says_so(
    repo: Repo, tmp_path: Path
) -> None:
    """A repository made before offices were named keeps working (its signatures cover no
    office), with a notice that says what that leaves open; a signature made there does not
    count in a repository that names its office."""
    legacy = copy_repo(repo, tmp_path / "lama")
    set_office(legacy, None)
    legacy.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    legacy.commit_all("berita")
    data = legacy.validate_json("--strict")
    notices = [f for f in data["workflow"] if f["rule"] == "trust.office-missing"]
    assert [(f["severity"], f["path"]) for f in notices] == [("notice", "workflow/trust-root")]
    assert "bound to no repository" in legacy.cli("--lang", "en", "validate").stdout
    assert all(i["publishable"] for i in data["items"])
    assert legacy.cli("validate", "--strict").returncode == 0
    assert legacy.cli("--lang", "en", "trust", "show").stdout.splitlines()[-1] == (
        "office: none named (signatures are bound to no office)")
    # the unbound signatures, copied into the repository that names its office
    shutil.copytree(legacy.path(f"{NEWS}/jembatan"), repo.path(f"{NEWS}/lama"))
    repo.commit_all("berita lama")
    found = verdicts(repo, "--no-cache")[f"{NEWS}/lama/index.md"]
    assert not found["publishable"]
    assert {f["rule"] for f in found["findings"]} >= {"signature.invalid"}


def test_the_administrator_never_signs_for_an_office_a_branch_named(
    practice: Repo, repo: Repo, tmp_path: Path
) -> None:
    """On a branch of the practice newsroom, Mallory names the real office in its trust root
    (the id is public) and makes herself Kabag, and asks the administrator to sign "the
    practice roster": ``warta trust sign`` refuses under a trust root that is not the one in
    force, and signs nothing (found by an independent attack: it warned, then signed the
    roster for the real office, and the roster passed there)."""
    branch = copy_repo(practice, tmp_path / "latihan")
    branch.git("switch", "-q", "-c", "roster-latihan")
    branch.write("workflow/trust-root", branch.read("workflow/trust-root").replace(
        f"office {PRACTICE}", f"office {TEST_OFFICE}"))
    before = {name: branch.read(f"workflow/{name}") for name in ("roster.yml.sig", "sop.yml.sig")}
    result = branch.cli("--lang", "en", "trust", "sign", "--key", str(branch.keys["admin"]),
                        "--no-commit")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("warta: trust sign refused: workflow/trust-root is sha256:")
    assert "nothing was signed" in result.stderr
    assert {n: branch.read(f"workflow/{n}") for n in before} == before
    # unpinned, on a machine that recorded the practice newsroom's trust root: the same
    unpinned = Repo(branch.root, branch.keys, machine_env(tmp_path / "machine"))
    branch.git("stash", "-q")
    assert unpinned.cli("validate").returncode in (0, 1)  # first use: recorded
    branch.git("stash", "pop", "-q")
    again = unpinned.cli("trust", "sign", "--key", str(branch.keys["admin"]), "--no-commit")
    assert again.returncode == 1 and "trust sign refused" in again.stderr
    assert {n: branch.read(f"workflow/{n}") for n in before} == before


def test_the_administrator_is_told_which_office_an_unpinned_repository_names(
    practice: Repo, tmp_path: Path
) -> None:
    """A repository no pin names (a "practice newsroom" someone else made, naming whatever
    office they chose): trusted on first use, as every command trusts it, but ``warta trust
    sign`` warns and names the office it signs for, until the trust root is pinned (a record
    that ``warta status`` made silently did hide the warning: found by an independent
    attack)."""
    clone = tmp_path / "klon"
    practice.git("clone", "-q", str(practice.root), str(clone))
    fresh = Repo(clone, practice.keys, machine_env(tmp_path / "machine"))
    fresh.write("workflow/roster.yml", fresh.read("workflow/roster.yml") + "# ditinjau\n")
    sign = ("--lang", "en", "trust", "sign", "--key", str(fresh.keys["admin"]), "--no-commit")
    signed = fresh.cli(*sign)
    assert signed.returncode == 0, signed.stderr
    assert "is not pinned on this machine, only trusted on first use" in signed.stderr
    assert f"office {PRACTICE}" in signed.stderr
    assert signed.stdout.startswith(f"signing for office {PRACTICE} (workflow/trust-root)\n")
    assert "signed workflow/roster.yml as admin" in signed.stdout
    # a record of this machine's (any command's first use, or trust accept) still warns:
    # only a pin from outside the repository says it is the office's trust root
    fingerprint = fresh.cli("trust", "show").stdout.split()[0]
    accepted = fresh.cli("--lang", "en", "trust", "accept", fingerprint)
    assert accepted.returncode == 0 and f"  office {PRACTICE}\n" in accepted.stdout
    assert "is not pinned on this machine" in fresh.cli(*sign).stderr
    pinned = Repo(clone, practice.keys, {**fresh.env, "WARTA_TRUST_ROOT": fingerprint})
    again = pinned.cli(*sign)
    assert again.returncode == 0 and "warning" not in again.stderr, again.stderr


@pytest.mark.parametrize("demo", [False, True])
def test_the_samples_office_is_named_as_such(repo: Repo, demo: bool) -> None:
    """A repository made from the sample, not by ``warta init``, names the sample's office,
    as every other such repository does: a warning (a notice in one marked as a demo)."""
    if demo:
        repo.write("workflow/roster.yml", "demo: true\n" + repo.read("workflow/roster.yml"))
    set_office(repo, "kabupaten-sukamaju-contoh")
    found = [f for f in repo.validate_json()["workflow"] if f["rule"] == "trust.demo-office"]
    assert [(f["severity"], f["line"]) for f in found] == [
        ("notice" if demo else "warning", 1)]
    assert "kabupaten-sukamaju-contoh" in found[0]["message"]
    assert (repo.cli("validate", "--strict").returncode == 0) is demo


@pytest.mark.parametrize(("office", "refused"), [(PRACTICE, True), (TEST_OFFICE, False)])
def test_a_printed_edition_signed_for_another_office_is_refused(
    repo: Repo, office: str, refused: bool
) -> None:
    """The Kasubag's signature over a bulletin's manifest covers the office too: the same
    manifest signed for the practice newsroom does not verify here (and signed for this
    office, it does, so the finding is the office's doing)."""
    path = repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.commit_all("berita")
    item = repo.project().items[path.relative_to(repo.root).as_posix()]
    listed = EditionItem(str(item.id), item.path, content_digest(item.fields, item.body),
                         str(item.title))
    pdf = b"%PDF-1.7\n% Buletin\n"
    at = datetime.fromisoformat("2026-11-30T10:00:00+07:00")
    made = Edition("2026-11", 1, "Buletin", at.date(), at.date(), (listed,),
                   "sha256:" + hashlib.sha256(pdf).hexdigest(), "sri", at, at.isoformat(), None)
    sig = KeygenSigner(keyfile=repo.keys["sri"]).sign(payload(made, office=office), NAMESPACE)
    repo.write("content/cetak/2026-11/buletin.pdf", pdf)
    repo.write("content/cetak/2026-11/edisi.yml", render(replace(made, sig=sig)))
    repo.commit_all("edisi")
    rules = {f["rule"] for s in repo.validate_json("--no-cache")["site"] for f in s["findings"]}
    assert ("cetak.signature-invalid" in rules) is refused, rules


def test_an_administrator_id_holds_nothing_a_terminal_would_act_on(repo: Repo) -> None:
    """Every message about the trust root, and the commit trust sign makes, print the
    administrators' ids: one holding an escape sequence (which hid the rest of the warning
    meant to flag the trust root) is a broken trust root (found by an independent attack)."""
    text = repo.read("workflow/trust-root").replace("\nadmin ", "\nadmin\x1b[8m ")
    repo.write("workflow/trust-root", text)
    result = repo.cli("--lang", "en", "validate")
    assert result.returncode == 2
    assert ("workflow/trust-root:2: error [trust.format] expected an administrator's id of"
            " letters, digits, dots, dashes and underscores (at most 64); found"
            " 'admin\\x1b[8m'") in result.stdout + result.stderr
    assert "\x1b" not in result.stdout + result.stderr


@pytest.mark.parametrize(("lines", "expected"), [
    (f"office {TEST_OFFICE}\noffice {PRACTICE}\n",
     f"workflow/trust-root:2: error [trust.format] expected one 'office <id>' line; found a"
     f" second one ('{PRACTICE}' after '{TEST_OFFICE}')"),
    ("office k\n",
     "workflow/trust-root:1: error [trust.format] expected 'office <id>' with an id of 4 to 64"
     " letters, digits, dots, dashes and underscores; found 'k'"),
    ("office kantor/../lain\n",
     "workflow/trust-root:1: error [trust.format] expected 'office <id>' with an id of 4 to 64"
     " letters, digits, dots, dashes and underscores; found 'kantor/../lain'"),
])
def test_a_malformed_office_line_is_a_broken_trust_root(
    repo: Repo, lines: str, expected: str
) -> None:
    admins = [ln for ln in repo.read("workflow/trust-root").splitlines()
              if not ln.startswith("office ")]
    repo.write("workflow/trust-root", lines + "\n".join(admins) + "\n")
    result = repo.cli("--lang", "en", "validate")
    assert result.returncode == 2
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_every_new_office_gets_an_id_of_its_own() -> None:
    """``warta init`` names the office after its region, with 12 random hex digits: two
    repositories made for the same region (the real one and a practice one) differ."""
    office = Office("Kabupaten Sukamaju", "https://warta.sukamajukab.go.id/")
    first, second = office_id(office), office_id(office)
    assert first != second
    for made in (first, second):
        region, digits = made.rsplit("-", 1)
        assert region == "kabupaten-sukamaju"
        assert len(digits) == 12 and int(digits, 16) >= 0
