"""Red-team findings on warta init, the roster commands, CODEOWNERS, summary and the hook
(iteration 10): each test is an attack that once worked, through the installed CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import OFFICE, Repo, git, init_office, pub, run


def add(office: Repo, *args: str, key: str = "admin") -> subprocess.CompletedProcess[str]:
    return office.cli("roster", "add", *args, "--admin-key", str(office.keys[key]))


def unchanged(office: Repo, head: str, roster: str) -> None:
    assert office.read("workflow/roster.yml") == roster
    assert git(office.root, "rev-parse", "HEAD") == head
    assert git(office.root, "status", "--porcelain") == ""


# ---- roster add: values written into YAML ----------------------------------------------


def test_a_comma_in_a_role_adds_no_second_role(tmp_path: Path, keys: dict[str, Path]) -> None:
    """``--role "staf, kabag"`` was written as ``roles: [staf, kabag]``: one value, read
    back as two roles, one of them the Kabag who approves the news."""
    office, _ = init_office(tmp_path, keys)
    head, before = git(office.root, "rev-parse", "HEAD"), office.read("workflow/roster.yml")
    result = add(office, "dimas", "--name", "Dimas", "--nip", "199107232015031004",
                 "--role", "staf, kabag", "--key", f"{keys['dimas']}.pub")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "staf, kabag" in result.stderr
    unchanged(office, head, before)


def test_a_comma_in_an_education_field_is_kept_as_text(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    office, _ = init_office(tmp_path, keys)
    result = add(office, "dimas", "--name", "Dimas", "--nip", "199107232015031004",
                 "--role", "staf", "--key", f"{keys['dimas']}.pub",
                 "--education", "S1 Hukum, Ekonomi")
    assert result.returncode == 0, result.stdout + result.stderr
    from warta.adapters.yamlnodes import parse

    people = parse(office.read("workflow/roster.yml"))["people"]
    dimas = next(p for p in people if p["id"] == "dimas")
    assert dimas["education"] == [{"level": "S1", "field": "Hukum, Ekonomi"}]
    assert office.cli("validate").returncode == 0


def test_yaml_line_breaks_in_a_roster_value_read_back_as_written() -> None:
    """U+0085, U+2028 and U+2029 are line breaks to YAML: written raw inside quotes they
    were folded, so a re-written roster no longer said what it said before."""
    from warta.adapters import rosterfile
    from warta.adapters.yamlnodes import parse

    odd = "Dimas\x85Prasetyo\u2028A.Md.\u2029, S1"
    person = {"id": "dimas", "name": odd, "roles": [odd], "education": [{"level": odd}],
              "forge": {"github": odd}, "keys": [{"key": odd, "reason": odd}]}
    text = rosterfile.render(rosterfile.RosterDoc("", 1, False, [dict(person)]))
    assert parse(text)["people"] == [person]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--name", "Sri\nRahayu"),
        ("--name", "Sri\x85Rahayu"),
        ("--name", "S\udcffri"),  # the byte 0xff: not UTF-8
        ("--name", "S" * 201),
        ("--nip", "1982\r03152006042011"),
        ("--education", "S1 Hukum\n# x"),
        ("--forge", "github:sri\udcffx"),
    ],
)
def test_roster_values_are_text_on_one_line_or_refused_with_exit_2(
    tmp_path: Path, keys: dict[str, Path], option: str, value: str
) -> None:
    office, _ = init_office(tmp_path, keys)
    head, before = git(office.root, "rev-parse", "HEAD"), office.read("workflow/roster.yml")
    args = {"--name": "Sri", "--nip": "198203152006042011", "--role": "staf",
            "--key": f"{keys['sri']}.pub", option: value}
    result = add(office, "sri", *[x for pair in args.items() for x in pair])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"{option} " in result.stderr or f"{option}:" in result.stderr
    unchanged(office, head, before)


def test_a_revocation_reason_is_one_line(tmp_path: Path, keys: dict[str, Path]) -> None:
    from warta.model.signing import fingerprint

    office, _ = init_office(tmp_path, keys)
    head, before = git(office.root, "rev-parse", "HEAD"), office.read("workflow/roster.yml")
    result = office.cli("roster", "revoke", "admin", "--key", fingerprint(pub(keys["admin"])),
                        "--on", "2026-12-20", "--reason", "hilang\n  - id: x\udcff",
                        "--admin-key", str(keys["admin"]))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--reason" in result.stderr and "Traceback" not in result.stderr
    unchanged(office, head, before)


@pytest.mark.parametrize("name", ["A\x85B", "A\udcffB", "A\u2028B", "A\u202eB"])
def test_init_refuses_an_admin_name_that_is_not_one_line_of_text(
    tmp_path: Path, keys: dict[str, Path], name: str
) -> None:
    result = run(tmp_path, "init", "kominfo", *OFFICE, "--admin-key", str(keys["admin"]),
                 "--admin-name", name)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--admin-name" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


# ---- roster add: what an administrator signs along ---------------------------------------


def test_a_replaced_trust_root_does_not_make_a_sneaked_roster_edit_look_signed(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Mallory (push rights) lists her own key in workflow/trust-root on a branch, signs her
    roster edit (herself as Kabag) with it, and asks the administrator to add a colleague
    there. The administrator's check must judge signatures by the pinned trust root, or the
    administrator's own signature ends up covering Mallory's edit."""
    office, _ = init_office(tmp_path, keys)
    git(office.root, "switch", "-q", "-c", "tambah-pegawai")
    trust = office.read("workflow/trust-root")
    office.write("workflow/trust-root", trust + f"mallory {pub(keys['mallory'])}\n")
    sneaked = office.read("workflow/roster.yml").replace(
        "people:\n",
        "people:\n  - id: mallory\n    name: Mallory\n    nip: \"199107232015031004\"\n"
        f"    roles: [kabag]\n    keys:\n      - key: {pub(keys['mallory'])}\n",
    )
    office.write("workflow/roster.yml", sneaked)
    signed = office.cli("trust", "sign", "--key", str(keys["mallory"]), "--no-commit")
    assert signed.returncode == 1 and "trust sign refused" in signed.stderr  # not by Warta,
    office.sign_workflow_unchecked("mallory")  # then: by her own tools
    git(office.root, "commit", "-qam", "rapikan roster")
    head = git(office.root, "rev-parse", "HEAD")
    before = office.read("workflow/roster.yml")
    result = add(office, "sri", "--name", "Sri", "--nip", "198203152006042011", "--role",
                 "kasubag", "--key", f"{keys['sri']}.pub")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "workflow/trust-root" in result.stderr
    unchanged(office, head, before)


# ---- --base: a tag or branch pushed with the target branch's name ------------------------


@pytest.mark.parametrize("command", ["validate", "summary"])
@pytest.mark.parametrize(
    ("planted", "base"),
    [("refs/tags/main", "main"), ("refs/tags/origin/main", "origin/main"),
     ("refs/heads/origin/main", "origin/main")],
)
def test_a_base_name_that_also_names_a_pushed_tag_is_refused(
    repo: Repo, command: str, planted: str, base: str
) -> None:
    """git resolves 'main' to refs/tags/main before refs/heads/main, and 'origin/main' to
    refs/tags/origin/main (or refs/heads/origin/main) before refs/remotes/origin/main: a
    tag anyone may push, pointing at an older main, made --base compare the change with
    that older state (rollbacks unseen, the summary of another change)."""
    repo.git("commit", "-q", "--allow-empty", "-m", "later")
    older = repo.git("rev-parse", "HEAD~1").strip()
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    repo.git("update-ref", planted, older)
    result = repo.cli(command, "--base", base)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "ambiguous" in result.stderr and "Traceback" not in result.stderr
    assert planted in result.stderr
    full = "refs/heads/main" if base == "main" else "refs/remotes/origin/main"
    assert repo.cli(command, "--base", full).returncode == 0
