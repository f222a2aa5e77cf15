"""This machine's register of offices: a repository that merely names an office gets no
signature that would count there.

An office's id is public. Mallory, a staff member, makes a "practice" newsroom that names the
real office's id, lists herself as its administrator, and asks the Kabag to approve a made-up
item there (or an administrator to sign its roster). Every signature covers the office id, so
what they sign would count in the real repository. A machine that has used the office's
repository remembers which trust roots it used the office with
(``$XDG_STATE_HOME/warta/offices.json``) and refuses the practice newsroom
(``trust.office-conflict``), unless someone pins it on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    copy_repo,
    machine_env,
    make_repo,
    newsroom,
    newsroom_items,
    pub,
    root_of,
    swap_trust_root,
)
from warta.adapters.cachekey import repo_key

BARU = "content/berita/2026/baru/index.md"
APPROVE_AT = "2026-11-02T12:00:00+07:00"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    """The office's repository: an approved item and one awaiting the Kabag."""
    return newsroom(tmp_path_factory.mktemp("kantor") / "repo", keys)


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    """Mallory's newsroom: the real office's id, Mallory its administrator and a Kabag beside
    Hendra, and the same item awaiting Hendra's approval."""
    other = make_repo(tmp_path_factory.mktemp("latihan") / "repo", keys)
    newsroom_items(other)
    swap_trust_root(other)
    other.commit_all("latihan")
    return other


def machine(repo: Repo, folder: Path, *, pin: str | None = None) -> Repo:
    """A copy of ``repo`` as this user's machine (XDG folders under ``folder``) sees it."""
    env = machine_env(folder)
    if pin is not None:
        env["WARTA_TRUST_ROOT"] = pin
    return copy_repo(repo, folder / repo.root.parent.name, env)


def on_same_machine(repo: Repo, other: Repo) -> Repo:
    """``repo`` on ``other``'s machine, unpinned."""
    env = {k: v for k, v in other.env.items() if k != "WARTA_TRUST_ROOT"}
    return Repo(repo.root, repo.keys, env)


def register(repo: Repo) -> dict[str, list[dict[str, str]]]:
    path = Path(repo.env["XDG_STATE_HOME"]) / "warta" / "offices.json"
    offices: dict[str, list[dict[str, str]]] = json.loads(path.read_text(encoding="utf-8"))[
        "offices"
    ]
    return offices


def approve(repo: Repo) -> tuple[int, str]:
    result = repo.cli("--lang", "en", "sign", BARU, "--key", str(repo.keys["hendra"]),
                      "--at", APPROVE_AT)
    return result.returncode, result.stdout + result.stderr


def conflict_message(repo: Repo, real: Repo) -> str:
    """What ``trust.office-conflict`` says of ``repo`` on a machine that used ``real``."""
    register_file = Path(repo.env["XDG_STATE_HOME"]) / "warta" / "offices.json"
    recorded = register(real)[TEST_OFFICE][0]["recorded"][:10]
    return (
        f"office {TEST_OFFICE} must have a trust root this machine has used it with:"
        f" {root_of(real)} ({real.root.resolve()}, {recorded}); found {root_of(repo)}"
        f" (administrators: mallory {fingerprint_of(repo, 'mallory')}; office {TEST_OFFICE})"
        " in a repository that is not pinned and never used that office here. A signature"
        " made here would count in that office's repository, so nothing here is trusted or"
        " signed. A practice or copied newsroom needs an office id of its own (warta init"
        " makes one); if this really is that office's repository, confirm the fingerprint"
        " with its administrators and pin it (WARTA_TRUST_ROOT or this user's pin file); the"
        f" register is {register_file}"
    )


def fingerprint_of(repo: Repo, who: str) -> str:
    import subprocess

    out = subprocess.run(["ssh-keygen", "-l", "-f", f"{repo.keys[who]}.pub"],
                         capture_output=True, text=True, check=True).stdout
    return out.split()[1]


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "tofu"])
def test_a_newsroom_naming_this_office_gets_no_approval(
    real: Repo, practice: Repo, tmp_path: Path, pinned: bool
) -> None:
    """Hendra's machine has used the office's repository; Mallory's newsroom, which names the
    same office, gets neither his approval nor a trust-on-first-use record there."""
    office = machine(real, tmp_path / "hendra", pin=real.pin if pinned else None)
    assert office.cli("validate").returncode == 0
    claims = register(office)[TEST_OFFICE]
    assert [(c["trust_root"], c["key"]) for c in claims] == [
        (root_of(real), repo_key(office.root))]
    latihan = on_same_machine(copy_repo(practice, tmp_path / "latihan"), office)
    before = latihan.path(BARU).read_bytes()
    head = latihan.git("rev-parse", "HEAD")

    code, said = approve(latihan)
    assert code == 1, said
    assert conflict_message(latihan, office) in said
    assert latihan.path(BARU).read_bytes() == before
    assert latihan.git("rev-parse", "HEAD") == head

    checked = latihan.cli("--lang", "en", "validate")
    assert checked.returncode == 1
    assert (f"workflow/trust-root:1: error [trust.office-conflict] "
            f"{conflict_message(latihan, office)}") in checked.stdout
    accepted = latihan.cli("--lang", "en", "trust", "accept", root_of(latihan))
    assert accepted.returncode == 1
    assert accepted.stderr.strip().endswith("; nothing was recorded")
    assert conflict_message(latihan, office) in accepted.stderr
    state = Path(office.env["XDG_STATE_HOME"]) / "warta" / "repos"
    assert not (state / repo_key(latihan.root)).exists()  # no first-use record of it
    assert [c["trust_root"] for c in register(office)[TEST_OFFICE]] == [root_of(real)]
    assert "Traceback" not in said + checked.stdout + checked.stderr + accepted.stderr

    # the control: on a machine that never used the office, trust on first use signs there
    fresh = machine(practice, tmp_path / "fresh")
    code, said = approve(fresh)
    assert code == 0, said


def test_an_administrator_signs_no_roster_for_a_newsroom_naming_this_office(
    real: Repo, tmp_path: Path
) -> None:
    """The same newsroom with the real administrator beside Mallory: the administrator's
    machine, which used the office's repository, signs no roster of it."""
    office = machine(real, tmp_path / "admin", pin=real.pin)
    assert office.cli("validate").returncode == 0
    latihan = copy_repo(real, tmp_path / "latihan" / "repo")
    latihan.write("workflow/trust-root", latihan.read("workflow/trust-root")
                  + f"mallory {pub(latihan.keys['mallory'])} latihan\n")
    latihan.write("workflow/roster.yml", latihan.read("workflow/roster.yml").replace(
        "roles: [staf]", "roles: [kabag]", 1))
    latihan = on_same_machine(latihan, office)
    before = latihan.read("workflow/roster.yml.sig")
    signed = latihan.cli("--lang", "en", "trust", "sign", "--key", str(latihan.keys["admin"]),
                         "--no-commit")
    assert signed.returncode == 1, signed.stdout
    assert signed.stderr.startswith("warta: trust sign refused: office kantor-uji-warta must")
    assert signed.stderr.strip().endswith("; nothing was signed")
    assert latihan.read("workflow/roster.yml.sig") == before


def test_a_pin_is_the_offices_word(real: Repo, practice: Repo, tmp_path: Path) -> None:
    """Pinned on purpose, a second trust root for the office is used and remembered."""
    office = machine(real, tmp_path / "hendra")
    assert office.cli("validate").returncode == 0
    latihan = copy_repo(practice, tmp_path / "latihan" / "repo",
                        {**office.env, "WARTA_TRUST_ROOT": root_of(practice)})
    code, said = approve(latihan)
    assert code == 0, said
    assert [c["trust_root"] for c in register(office)[TEST_OFFICE]] == [
        root_of(real), root_of(practice)]


def test_the_office_keeps_its_repository_through_a_new_trust_root(
    real: Repo, tmp_path: Path
) -> None:
    """The office changes its administrators: the machine that used its repository accepts
    the new trust root there, as before, and another clone of it is the same office."""
    office = machine(real, tmp_path / "hendra")
    assert office.cli("validate").returncode == 0
    clone = on_same_machine(copy_repo(real, tmp_path / "klon" / "repo"), office)
    assert clone.cli("validate").returncode == 0  # the same trust root elsewhere
    office.write("workflow/trust-root", office.read("workflow/trust-root")
                 + f"admin2 {pub(office.keys['agus'])} second administrator\n")
    pinned = Repo(office.root, office.keys, {**office.env, "WARTA_TRUST_ROOT": office.pin})
    pinned.sign_workflow()
    office.commit_all("a second administrator")
    changed = office.cli("--lang", "en", "validate")
    assert changed.returncode == 1 and "[trust.changed]" in changed.stdout
    assert "trust.office-conflict" not in changed.stdout
    accepted = office.cli("--lang", "en", "trust", "accept", root_of(office))
    assert accepted.returncode == 0, accepted.stderr
    code, said = approve(office)
    assert code == 0, said
    assert [(c["trust_root"], c["key"]) for c in register(office)[TEST_OFFICE]] == [
        (root_of(real), repo_key(office.root)), (root_of(real), repo_key(clone.root)),
        (root_of(office), repo_key(office.root))]


@pytest.mark.parametrize("planted", ["garbage", "link", "wrong-type"])
def test_a_broken_register_trusts_nothing(real: Repo, tmp_path: Path, planted: str) -> None:
    office = machine(real, tmp_path / "hendra")
    path = Path(office.env["XDG_STATE_HOME"]) / "warta" / "offices.json"
    path.parent.mkdir(parents=True)
    if planted == "garbage":
        path.write_text("{not json", encoding="utf-8")
        problem = "is not JSON"
    elif planted == "link":
        target = tmp_path / "elsewhere.json"
        target.write_text(json.dumps({"format": "warta-offices/1", "offices": {}}))
        path.symlink_to(target)
        problem = "cannot be read"
    else:
        path.write_text(json.dumps({"format": "warta-offices/1",
                                    "offices": {TEST_OFFICE: [{"trust_root": 1}]}}))
        problem = "holds values of the wrong type"
    checked = office.cli("--lang", "en", "validate")
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert f"{path}: {problem}" in checked.stderr
    assert "Traceback" not in checked.stderr
    code, said = approve(office)
    assert code == 2 and f"{path}: {problem}" in said


def test_an_administrators_own_signing_holds_the_office(real: Repo, tmp_path: Path) -> None:
    """An administrator who only ever signs in the office's repository (a page edited,
    ``trust sign``) holds the office on his machine: a copy naming the office with Mallory
    beside him as administrator gets no roster signed (found by an independent attack: the
    register stayed empty, ``roster add`` signed Mallory in as Kabag there, and the roster
    counted in the real repository)."""
    office = machine(real, tmp_path / "admin")
    office.write("content/tentang.md", office.read("content/tentang.md") + "\nDiperbarui.\n")
    signed = office.cli("trust", "sign", "--key", str(office.keys["admin"]))
    assert signed.returncode == 0, signed.stderr
    assert [c["trust_root"] for c in register(office)[TEST_OFFICE]] == [root_of(real)]
    latihan = copy_repo(office, tmp_path / "latihan" / "repo")
    latihan.write("workflow/trust-root", latihan.read("workflow/trust-root")
                  + f"mallory {pub(latihan.keys['mallory'])} latihan\n")
    latihan.commit_all("latihan")
    before = latihan.read("workflow/roster.yml")
    added = latihan.cli("--lang", "en", "roster", "add", "mallory", "--name", "Mallory",
                        "--nip", "199901012020011001", "--role", "kabag",
                        "--key", f"{latihan.keys['mallory']}.pub",
                        "--education", "S2 Teknik Informatika",
                        "--admin-key", str(latihan.keys["admin"]))
    assert added.returncode == 1, added.stdout
    assert "office kantor-uji-warta must have a trust root this machine has used" in (
        added.stderr)
    assert latihan.read("workflow/roster.yml") == before
    assert [c["trust_root"] for c in register(office)[TEST_OFFICE]] == [root_of(real)]
