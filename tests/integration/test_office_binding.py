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

import pytest

from helpers import TEST_OFFICE, Repo, copy_repo, make_repo, pub
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
    repo.env.pop("WARTA_TRUST_ROOT", None)
    repo.sign_workflow()
    repo.commit_all("kantor")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin


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


def verdicts(repo: Repo, *args: str) -> dict[str, dict]:  # type: ignore[type-arg]
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
    assert "trust.pin-mismatch" in {f["rule"] for f in data["workflow"]}
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
