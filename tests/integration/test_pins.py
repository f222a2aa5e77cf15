"""Pins come from outside the repository only, through the CLI: ``--trust-root``, then
``WARTA_TRUST_ROOT``, then this user's pin file (``$XDG_CONFIG_HOME/warta/pins.yml``). A pin
in a repository file (the ``trust_root`` option in mkdocs.yml, a pin file or a TOFU record
inside the working tree) is an error, and the provenance box of every item page prints the
pin in force and where it came from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    SignedRepos,
    approved_jembatan,
    copy_repo,
    machine_env,
    pub,
    root_of,
    swap_trust_root,
)
from warta.model.signing import fingerprint

JEMBATAN = "content/berita/2026/jembatan/index.md"
PAGE = "berita/2026/jembatan/index.html"
ROSTER = "workflow/roster.yml"
WRONG = "sha256:" + "ab" * 32
A, B = "sha256:" + "aa" * 32, "sha256:" + "bb" * 32


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(approved_jembatan)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    """An unpinned copy of the template on a machine of its own."""
    return copy_repo(template, tmp_path / "repo", machine_env(tmp_path))


def with_env(repo: Repo, **env: str) -> Repo:
    return Repo(repo.root, repo.keys, {**repo.env, **env})


def pin_file(repo: Repo) -> Path:
    return Path(repo.env["XDG_CONFIG_HOME"]) / "warta" / "pins.yml"


def write_pins(repo: Repo, text: str) -> Path:
    path = pin_file(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path






def trust_findings(repo: Repo, *args: str) -> list[tuple[str, str]]:
    data = repo.validate_json(*args)
    return [(f["rule"], f["message"]) for f in data["workflow"]
            if f["rule"].startswith("trust.") and f["rule"] != "trust.demo-key"]


# ---- where the pin comes from --------------------------------------------------------------


def test_the_option_beats_the_environment_which_beats_the_pin_file(site: Repo) -> None:
    right = root_of(site)
    pins = write_pins(site, f"# pins of this user\n{site.root}: {WRONG}\n")
    # the file alone: it pins (and here it is wrong)
    assert [r for r, _ in trust_findings(site)] == ["trust.pin-mismatch"]
    # the environment beats the file
    by_env = with_env(site, WARTA_TRUST_ROOT=right)
    assert trust_findings(by_env) == []
    verify = by_env.cli("verify", JEMBATAN)
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.strip().splitlines()[-1].endswith(
        f"; trust root {right}, pinned by WARTA_TRUST_ROOT")
    # the option beats the environment
    wrong_env = with_env(site, WARTA_TRUST_ROOT=WRONG)
    assert trust_findings(wrong_env, "--trust-root", right) == []
    verify = wrong_env.cli("verify", JEMBATAN, "--trust-root", right)
    assert verify.stdout.strip().splitlines()[-1].endswith(
        f"; trust root {right}, pinned by --trust-root")
    # the file, right
    write_pins(site, f"# pins of this user\n{site.root}: {right}\n")
    assert trust_findings(site) == []
    verify = site.cli("verify", JEMBATAN)
    assert verify.stdout.strip().splitlines()[-1].endswith(
        f"; trust root {right}, pinned by {pins}:2")


def test_the_pin_file_catches_a_swapped_trust_root(site: Repo) -> None:
    right = root_of(site)
    pins = write_pins(site, f"/elsewhere/other-office: {WRONG}\n{site.root}: {right}\n")
    new = swap_trust_root(site)
    mallory = f"mallory {fingerprint(pub(site.keys['mallory']))}; office {TEST_OFFICE}"
    assert trust_findings(site) == [(
        "trust.pin-mismatch",
        f"trust root fingerprint must be the pinned {right} (pinned by {pins}:2); found {new}"
        f" (administrators: {mallory}): the trust root was replaced, so no workflow file and no"
        " item is trusted")]
    assert site.cli("verify", JEMBATAN).returncode == 1


def test_a_pin_file_for_other_repositories_leaves_this_one_to_tofu(site: Repo) -> None:
    write_pins(site, f"/elsewhere/other-office: {WRONG}\n")
    assert [r for r, _ in trust_findings(site)] == ["trust.unpinned"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (f"relative/repo: {A}\n", 1,
         "expected an absolute repository path as key; found 'relative/repo'"),
        ("{root}: 42\n", 1, "expected '{root}' to map to a fingerprint (sha256:…); found 42"),
        ("- {root}\n", 1,
         "expected a mapping of repository paths to fingerprints; found a list"),
        ("{root}: sha256:aa\n", 1,
         "expected '{root}' to map to a fingerprint (sha256:…); found 'sha256:aa'"),
        (f"{{root}}: {A}\n{{root}}/.: {B}\n", None,
         f"expected one fingerprint for {{root}}; found several: {A} ({{pins}}:1), {B}"
         " ({pins}:2)"),
    ],
)
def test_a_broken_pin_file_exits_2(site: Repo, text: str, line: int | None,
                                   message: str) -> None:
    pins = write_pins(site, text.format(root=site.root))
    result = site.cli("validate")
    assert result.returncode == 2
    where = f"{pins}:{line}" if line else str(pins)
    assert (
        f"{where}: error [trust.pin-file] {message.format(root=site.root, pins=pins)}"
    ) in result.stderr.splitlines()


@pytest.mark.parametrize(
    "pin", ["garbage", "sha256:" + "ab" * 31, WRONG + "0", "ab" * 32, " ", "\t "]
)
def test_a_pin_that_is_no_fingerprint_is_a_usage_error(site: Repo, pin: str) -> None:
    """A mistyped pin, or an empty or garbled CI variable, said that "the site's
    configuration is not the one an administrator signed" and exited 1, as if the repository
    were at fault; one of blanks alone was taken for no pin, and a fresh CI runner then
    trusted the branch's own trust root on first use (both found by independent attacks)."""
    expected = "expected sha256: and 64 hex digits"
    for repo, args, where in (
        (site, ("build", "--trust-root", pin), "--trust-root"),
        (with_env(site, WARTA_TRUST_ROOT=pin), ("validate",), "WARTA_TRUST_ROOT"),
        (with_env(site, WARTA_TRUST_ROOT=pin), ("verify", JEMBATAN), "WARTA_TRUST_ROOT"),
    ):
        result = repo.cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert f"{where} {pin.strip()!r}: {expected}" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    # a fingerprint in capitals is one: it is compared without regard to case
    shouted = "sha256:" + root_of(site).removeprefix("sha256:").upper()
    assert with_env(site, WARTA_TRUST_ROOT=shouted).cli("validate").returncode == 0


def test_a_pin_file_inside_the_repository_is_refused(site: Repo) -> None:
    """CI pointing XDG_CONFIG_HOME into the checkout would let a commit choose the pin."""
    new = swap_trust_root(site)
    planted = site.write(".config/warta/pins.yml", f"{site.root}: {new}\n")
    site.commit_all("pins")
    moved = with_env(site, XDG_CONFIG_HOME=str(site.root / ".config"))
    result = moved.cli("validate")
    assert result.returncode == 2
    assert (
        f"{planted}: error [trust.pin-in-repository] a pin must come from outside the"
        f" repository; found this user's pin file {planted} inside {site.root}, where a commit"
        " could write it (set XDG_CONFIG_HOME to a folder outside the working tree)"
    ) in result.stderr.splitlines()


def test_a_trust_root_in_mkdocs_yml_cannot_override_the_pin(site: Repo, tmp_path: Path) -> None:
    """Issue 9, point 1: an attacker replaces workflow/trust-root and writes the new
    fingerprint into mkdocs.yml, while CI pins the real one in the environment."""
    right = root_of(site)
    new = swap_trust_root(site)
    config = site.read("mkdocs.yml")
    site.write("mkdocs.yml",
               config.replace("  - warta:\n", f"  - warta:\n      trust_root: {new}\n"))
    line = site.read("mkdocs.yml").splitlines().index(f"      trust_root: {new}") + 1
    ci = with_env(site, WARTA_TRUST_ROOT=right)
    out = tmp_path / "out"
    built = ci.cli("build", "--strict", "-d", str(out))
    assert built.returncode == 1
    assert (
        f"mkdocs.yml:{line}: [trust.pin-in-repository] the warta plugin option 'trust_root' would"
        " let a repository file choose which trust root counts; expected the pin from outside"
        " the repository (--trust-root, WARTA_TRUST_ROOT or this user's pin file), found it in"
        " mkdocs.yml"
    ) in built.stderr
    assert (
        "workflow/trust-root: [trust.pin-mismatch] trust root fingerprint must be the pinned"
        f" {right}"
    ) in built.stderr
    assert not out.exists() or not any(out.iterdir())
    # nor does an administrator's signature make the option count: warta trust sign refuses
    signing = site.cli("trust", "sign", "--key", str(site.keys["mallory"]))
    assert signing.returncode == 1
    assert f"mkdocs.yml:{line}: [trust.pin-in-repository]" in signing.stderr


# ---- the provenance box prints the pin in force --------------------------------------------


@pytest.mark.parametrize("source", ["option", "environment", "user-file", "tofu"])
def test_the_provenance_box_prints_the_pin_and_where_it_came_from(
    site: Repo, tmp_path: Path, source: str
) -> None:
    right = root_of(site)
    args: list[str] = []
    repo = site
    if source == "option":
        args = ["--trust-root", right]
    elif source == "environment":
        repo = with_env(site, WARTA_TRUST_ROOT=right)
    elif source == "user-file":
        write_pins(site, f"{site.root}: {right}\n")
    out = tmp_path / "out"
    built = repo.cli("build", "-d", str(out), *args)
    assert built.returncode == 0, built.stderr
    page = (out / PAGE).read_text(encoding="utf-8")
    said = {
        "option": "dipatok dengan opsi <code>--trust-root</code> saat situs dibangun",
        "environment": (
            "dipatok dengan variabel lingkungan <code>WARTA_TRUST_ROOT</code> saat situs dibangun"
        ),
        "user-file": "dipatok dalam berkas pin pengguna di luar repositori",
        "tofu": "tidak dipatok: dipercaya sejak pemakaian pertama (TOFU) di mesin yang membangun"
                " situs, dicatat 20",
    }[source]
    row = f'<dt>Akar kepercayaan</dt><dd><code class="warta-digest">{right}</code> ({said}'
    assert row in page
    assert page.count("Akar kepercayaan") == 1
    assert str(site.root) not in page  # the build machine's paths stay off the site
