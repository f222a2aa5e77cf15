"""Trust on first use, through the CLI: without a pin, the first run records the trust root
outside the working tree (in this user's state folder, keyed by the repository), and a
different trust root later is an error naming both fingerprints until someone accepts it
with ``warta trust accept``.

Each test runs on its own copy of one signed repository, with its own state, configuration
and cache folders (a machine of its own), unpinned unless it says otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    SignedRepos,
    copy_repo,
    machine_env,
    newsroom_items,
    pub,
    root_of,
    swap_trust_root,
    warta_exe,
)
from warta.adapters.cachekey import repo_key
from warta.model.signing import fingerprint

JEMBATAN = "content/berita/2026/jembatan/index.md"  # approved on 2 Nov 2026
BARU = "content/berita/2026/baru/index.md"  # steps 1-4 on 2 Nov 2026
ROSTER = "workflow/roster.yml"
SERIAL_FILES = ("workflow/roster.yml", "workflow/site-manifest.yml", "workflow/sop.yml")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(newsroom_items)


def machine(tmp_path: Path, name: str = "machine") -> dict[str, str]:
    """The XDG folders of a machine of its own (nothing of the session's)."""
    return machine_env(tmp_path / name)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    """An unpinned copy of the template on a fresh machine."""
    return copy_repo(template, tmp_path / "repo", machine(tmp_path))


def record_file(repo: Repo) -> Path:
    return (Path(repo.env["XDG_STATE_HOME"]) / "warta" / "repos" / repo_key(repo.root)
            / "trust.json")


def record(repo: Repo) -> dict[str, Any]:
    return json.loads(record_file(repo).read_text(encoding="utf-8"))  # type: ignore[no-any-return]




def admins(repo: Repo, person: str = "admin") -> str:
    return f"{person} {fingerprint(pub(repo.keys[person]))}"


def described(repo: Repo, person: str = "admin") -> str:
    """How messages name a trust root of ``person``: the administrator and the office."""
    return f"{admins(repo, person)}; office {TEST_OFFICE}"




def workflow(repo: Repo, *args: str) -> list[tuple[str, str, str, str]]:
    data = repo.validate_json(*args)
    return [(f["path"], f["severity"], f["rule"], f["message"]) for f in data["workflow"]
            if f["rule"] not in ("trust.demo-key", "roster.demo-key")]


ADVICE = ("; expected a pin from outside the repository (--trust-root, WARTA_TRUST_ROOT or"
          " this user's pin file), as CI must set")


def test_the_first_run_records_the_trust_root_outside_the_working_tree(site: Repo) -> None:
    root = root_of(site)
    where = record_file(site)
    assert not where.exists()
    result = site.cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"workflow/trust-root: warning [trust.unpinned] trust root {root} (administrators:"
        f" {described(site)}) is not pinned; this machine uses the repository for the first time"
        f" and trusts this root from now on (trust on first use, recorded in {where}): a"
        f" different trust root will be refused{ADVICE}"
    ) in result.stdout.splitlines()
    kept = record(site)
    assert kept["format"] == "warta-tofu/1"
    assert kept["repository"] == str(site.root.resolve())
    assert kept["trust_root"] == root
    assert sorted(kept["serials"]) == list(SERIAL_FILES)
    assert all(isinstance(v, int) and v >= 1 for v in kept["serials"].values())
    assert site.git("status", "--porcelain") == ""  # nothing written into the working tree
    again = site.cli("validate")
    assert again.returncode == 0
    assert (
        f"workflow/trust-root: warning [trust.unpinned] trust root {root} (administrators:"
        f" {described(site)}) is not pinned; this machine has trusted it since its first use on"
        f" {kept['recorded']} (recorded in {where}), and a different trust root is"
        f" refused{ADVICE}"
    ) in again.stdout.splitlines()
    assert record(site) == kept


def test_a_replaced_trust_root_is_refused_naming_both_fingerprints(site: Repo,
                                                                   tmp_path: Path) -> None:
    old = root_of(site)
    assert site.cli("validate").returncode == 0  # first use
    recorded = record(site)["recorded"]
    new = swap_trust_root(site)
    assert new != old
    expected = (
        "workflow/trust-root", "error", "trust.changed",
        f"trust root must be {old}, which this machine has trusted since {recorded} (trust on"
        f" first use, recorded in {record_file(site)}); found {new} (administrators:"
        f" {described(site, 'mallory')}): the trust root was replaced, so no workflow file and no"
        " item is trusted. If the office changed its trust root on purpose (its administrators"
        " or its office line), confirm the new fingerprint with the administrators and accept"
        f" it with: warta trust accept {new}")
    assert workflow(site) == [expected]
    data = site.validate_json()
    assert [i["publishable"] for i in data["items"]] == [False, False]
    verify = site.cli("verify", JEMBATAN)
    assert verify.returncode == 1
    assert verify.stdout.strip().splitlines()[-1] == f"NOT PUBLISHABLE {JEMBATAN}"
    # fails closed: nothing is built, with or without --strict
    for strict in ((), ("--strict",)):
        out = tmp_path / f"site{len(strict)}"
        built = site.cli("build", *strict, "-d", str(out))
        assert built.returncode == 1, built.stderr
        assert "workflow/trust-root: [trust.changed] trust root must be" in built.stderr
        assert not out.exists() or not any(out.iterdir())
    # the record still holds the old root: the refusal repeats
    assert record(site)["trust_root"] == old
    # nor may anything be signed under the new root
    signing = site.cli("sign", BARU, "--key", str(site.keys["mallory"]),
                       "--at", "2026-11-02T11:08:00+07:00")
    assert signing.returncode == 1
    assert signing.stderr.startswith(
        "warta: the workflow files are not trusted, so nothing may be signed:"
        f" workflow/trust-root: [trust.changed] trust root must be {old}, which this machine"
        " has trusted since")


def test_trust_accept_records_a_new_root_only_when_given_its_fingerprint(site: Repo) -> None:
    old = root_of(site)
    assert site.cli("validate").returncode == 0
    before = record(site)
    new = swap_trust_root(site)
    wrong = site.cli("trust", "accept", old)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == (
        f"warta: the trust root of {site.root} must be the fingerprint given, {old}; found {new}"
        f" (administrators: {described(site, 'mallory')}). Nothing was recorded: check the"
        " fingerprint with the office's administrators")
    assert record(site) == before
    accepted = site.cli("trust", "accept", new)
    assert accepted.returncode == 0, accepted.stderr
    lines = accepted.stdout.strip().splitlines()
    assert lines[0] == f"trust root of {site.root}: {new}"
    assert lines[1] == f"  {admins(site, 'mallory')} the new admin"
    assert lines[2] == f"  office {TEST_OFFICE}"
    assert lines[3] == f"before: {old}, trusted since {before['recorded']}"
    assert lines[-1] == (f"recorded in {record_file(site)}: this machine now trusts {new} for"
                         " this repository")
    after = record(site)
    assert after["trust_root"] == new
    assert after["recorded"] >= before["recorded"]
    # from now on the new root is the one this machine trusts
    assert [r for _, _, r, _ in workflow(site)] == ["trust.unpinned"]
    assert site.cli("validate").returncode == 0
    # and the old one, restored, is refused in turn: its root, and its workflow files,
    # older than the ones signed under the accepted root
    site.git("checkout", "--", "workflow")
    assert root_of(site) == old
    found = workflow(site)
    assert [(p, r) for p, _, r, _ in found] == [
        ("workflow/trust-root", "trust.changed"), *(
            (path, "serial.rollback") for path in sorted(SERIAL_FILES))]
    assert found[0][3].startswith(
        f"trust root must be {new}, which this machine has trusted since {after['recorded']}"
        f" (trust on first use, recorded in {record_file(site)}); found {old}")


def test_a_pin_governs_and_is_what_the_record_keeps(site: Repo) -> None:
    """Pinned, the record is neither needed nor in the way: the pin decides, and a run
    whose pin holds records that root for later unpinned runs."""
    old = root_of(site)
    pinned = Repo(site.root, site.keys, {**site.env, "WARTA_TRUST_ROOT": old})
    assert workflow(pinned) == []
    assert record(site)["trust_root"] == old
    new = swap_trust_root(site)
    # unpinned now: the root the pinned run verified is the one held to
    assert [r for _, _, r, _ in workflow(site)] == ["trust.changed"]
    # pinned to the new root (the office changed its pin on purpose): trusted, and recorded
    repinned = Repo(site.root, site.keys, {**site.env, "WARTA_TRUST_ROOT": new})
    assert workflow(repinned) == []
    assert record(site)["trust_root"] == new
    assert [r for _, _, r, _ in workflow(site)] == ["trust.unpinned"]


def test_a_mismatched_pin_records_nothing(site: Repo) -> None:
    old = root_of(site)
    new = swap_trust_root(site)
    pinned = Repo(site.root, site.keys, {**site.env, "WARTA_TRUST_ROOT": old})
    assert [r for _, _, r, _ in workflow(pinned)] == ["trust.pin-mismatch"]
    assert not record_file(site).exists()
    assert new != old


def test_a_record_planted_in_the_repository_is_refused(site: Repo) -> None:
    """CI pointing XDG_STATE_HOME into the checkout would let a commit plant the record
    (an attacker's root, serials of 1): refused, nothing is judged (exit 2)."""
    inside = site.root / ".state"
    planted = inside / "warta" / "repos" / repo_key(site.root) / "trust.json"
    planted.parent.mkdir(parents=True)
    planted.write_text(json.dumps({"format": "warta-tofu/1", "trust_root": "sha256:" + "0" * 64,
                                   "recorded": "2026-01-01T00:00:00Z", "serials": {}}))
    moved = Repo(site.root, site.keys, {**site.env, "XDG_STATE_HOME": str(inside)})
    result = moved.cli("validate")
    assert result.returncode == 2
    assert (
        f"{planted}: error [trust.state-in-repository] expected the trust-on-first-use record"
        f" outside the repository; found {planted} inside {site.root}, where a commit could"
        " plant it (set XDG_STATE_HOME to a folder outside the working tree)"
    ) in result.stderr


def test_a_broken_record_fails_closed(site: Repo) -> None:
    assert site.cli("validate").returncode == 0
    record_file(site).write_text("{not json", encoding="utf-8")
    result = site.cli("validate")
    assert result.returncode == 2
    assert f"{record_file(site)}: error [trust.state] expected this machine's" in result.stderr


def test_a_clone_in_a_folder_whose_name_is_not_utf8_is_remembered(
    template: Repo, tmp_path: Path
) -> None:
    """Writing the record ended in a traceback when the clone's own path was not UTF-8 (a
    folder made on a Latin-1 machine): the path it names is escaped now, and the record is
    read back as any other."""
    where = Path(os.fsdecode(os.fsencode(tmp_path) + b"/kl\xf6n"))
    clone = copy_repo(template, where, machine(tmp_path))
    first = clone.cli("--lang", "en", "validate")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Traceback" not in first.stderr
    kept = record(clone)
    assert kept["repository"] == os.fsdecode(os.fsencode(tmp_path.resolve())) + "/kl\\xf6n"
    assert kept["trust_root"] == root_of(clone)
    again = clone.cli("--lang", "en", "validate")
    assert again.returncode == 0, again.stderr
    assert "this machine has trusted it since its first use" in again.stdout
    assert record(clone) == kept


def validate_within(repo: Repo, seconds: float) -> subprocess.CompletedProcess[str]:
    """``warta validate`` that must end within ``seconds`` (a pipe it waited on would not)."""
    return subprocess.run([warta_exe(), "validate"], cwd=repo.root, capture_output=True,
                          text=True, env={**os.environ, **repo.env}, timeout=seconds,
                          check=False)


@pytest.mark.parametrize("kind", ["pipe", "link"])
def test_a_record_that_is_a_pipe_or_a_link_fails_closed_without_waiting(
    site: Repo, tmp_path: Path, kind: str
) -> None:
    """A pipe at the record made ``validate`` wait for ever; a link was followed. Either is
    refused now (exit 2), as a broken record is: read as missing, it would be a first use,
    trusting whatever root the repository holds."""
    assert site.cli("validate").returncode == 0  # the first use: the record is written
    where = record_file(site)
    kept = where.read_text(encoding="utf-8")
    where.unlink()
    if kind == "pipe":
        os.mkfifo(where)
    else:
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_text(kept, encoding="utf-8")
        where.symlink_to(elsewhere)
    result = validate_within(site, 60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{where}: error [trust.state] expected this machine's" in result.stderr
    assert "cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_pipe_at_the_records_lock_is_said_and_never_waited_on(site: Repo) -> None:
    """The lock beside the record was opened for writing, which waits for a reader of a pipe
    for ever. Now the record cannot be written, which ``validate`` says (as for an
    unwritable state folder) and goes on."""
    where = record_file(site)
    where.parent.mkdir(parents=True)
    os.mkfifo(where.parent / "trust.json.lock")
    result = validate_within(site, 60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"workflow/trust-root: warning [trust.state] expected to keep this machine's"
        f" trust-on-first-use record in {where}; it cannot be written"
    ) in result.stdout
    assert not where.exists()


def test_an_unwritable_state_folder_is_said_and_nothing_is_remembered(
    site: Repo, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be\n")
    moved = Repo(site.root, site.keys, {**site.env, "XDG_STATE_HOME": str(blocker)})
    found = workflow(moved)
    assert [(r, s) for _, s, r, _ in found] == [("trust.unpinned", "warning"),
                                                ("trust.state", "warning")]
    assert found[1][3].startswith(
        f"expected to keep this machine's trust-on-first-use record in {blocker}/warta/repos/")
    assert moved.cli("validate").returncode == 0
