"""The CI files ``warta init`` writes, run job by job as the forges would (tests/cisim.py): a
bare "server" repository holds a signed newsroom on main and two pull requests (one approves
an item as the SOP says, one edits an approved item without a signature); Warta is installed
by the files' own install steps from a wheel built from this checkout.

Each forge is asked: does a good change pass and leave a summary; does a bad one fail naming
the item; does a job without the pin fail; does main (pushed or scheduled) build the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cisim import Job, Machine, machine_env, run_pipeline, run_workflow
from helpers import MAIN, newsroom, pin_of_init
from warta import __version__
from warta.ci import ci_files

JEMBATAN = "content/berita/2026/jembatan/index.md"
BARU = "content/berita/2026/baru/index.md"
GITHUB = ".github/workflows/warta.yml"
FORGEJO = ".forgejo/workflows/warta.yml"
GITLAB = ".gitlab-ci.yml"


@dataclass
class World:
    machine: Machine
    pin: str
    main: str
    good: str
    bad: str
    wheel_sha256: str
    #: a harmless change from before main's last commit, and the same with main merged in
    behind: str
    updated: str
    #: a new draft whose folder holds a stray file: a warning, which the deploy refuses
    warned: str


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def _build_wheel(dist: Path, scratch: Path) -> Path:
    """A wheel of this checkout, built from a copy (the build writes into its source)."""
    source = scratch / "source"
    top = {".git", ".venv", "build", "site"}  # only at the top: warta/site/ is the package's

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n.endswith((".egg-info", "_cache")) or n == "__pycache__"}
        return skip | (top & set(names) if Path(folder) == MAIN else set())

    shutil.copytree(MAIN, source, ignore=ignore)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source),
                    "-w", str(dist)], check=True, capture_output=True)
    (wheel,) = dist.glob("warta-*.whl")
    return wheel


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> World:
    scratch = tmp_path_factory.mktemp("ci")
    dist = scratch / "dist"
    wheel = _build_wheel(dist, scratch)
    venv = scratch / "runner-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Warta's dependencies, once: each job's own install step then installs Warta itself
    # from the wheel folder alone. Not compiled ahead (6-10 s of this setup): a job compiles
    # the modules it imports.
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile",
                    str(wheel)], check=True, capture_output=True)

    repo = newsroom(scratch / "office", keys)
    main = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("checkout", "-q", "-b", "approve-baru")
    repo.sign(repo.root / BARU, "hendra", "2026-11-02T11:08:00+07:00")
    good = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("checkout", "-q", "-b", "edit-jembatan", main)
    repo.write(JEMBATAN, repo.read(JEMBATAN) + "\nKalimat tambahan tanpa persetujuan.\n")
    repo.commit_all("ubah berita yang sudah disetujui")
    bad = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("checkout", "-q", "-b", "catatan", f"{main}~1")
    repo.write("catatan.txt", "catatan rapat redaksi\n")
    repo.commit_all("catatan")
    behind = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("merge", "-q", "--no-ff", "-m", "perbarui dari main", main)
    updated = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("checkout", "-q", "-b", "draf-mac", main)
    draft = repo.new_item("Agenda Pekan Ini", at="2026-11-03T08:00:00+07:00", slug="agenda",
                          commit=False)
    (draft.parent / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    repo.commit_all("draf agenda")
    warned = _git("rev-parse", "HEAD", cwd=repo.root)
    repo.git("checkout", "-q", "main")

    server = scratch / "server" / "office.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.root), str(server)], check=True)
    _git("update-ref", "refs/pull/1/head", good, cwd=server)
    _git("update-ref", "refs/pull/2/head", bad, cwd=server)
    _git("update-ref", "refs/pull/3/head", behind, cwd=server)
    _git("update-ref", "refs/pull/4/head", updated, cwd=server)
    _git("update-ref", "refs/pull/5/head", warned, cwd=server)
    machine = Machine(server, venv / "bin", machine_env(dist), scratch)
    return World(machine, repo.pin, main, good, bad, hashlib.sha256(
        wheel.read_bytes()).hexdigest(), behind, updated, warned)


def _pr_context(head: str, number: str) -> dict[str, str]:
    return {
        "github.base_ref": "main",
        "github.ref": "refs/heads/main",
        "github.event.pull_request.head.sha": head,
        "github.event.pull_request.number": number,
    }


def _actions(world: World, tmp_path: Path, file: str, *, head: str | None, pin: str = "",
             sha256: str | None = None, forge: str = "github") -> dict[str, Job]:
    text = ci_files(__version__, sha256)[file]
    if head is None:
        return run_workflow(text, world.machine, event="schedule", sha=world.main, context={},
                            variables={"WARTA_TRUST_ROOT": pin}, where=tmp_path, forge=forge)
    number = str(1 + [world.good, world.bad, world.behind, world.updated,
                      world.warned].index(head))
    return run_workflow(text, world.machine, event="pull_request_target", sha=world.main,
                        context=_pr_context(head, number),
                        variables={"WARTA_TRUST_ROOT": pin} if pin else {},
                        where=tmp_path, forge=forge)


def _summary(job: Job) -> str:
    assert job.workspace is not None
    return (job.workspace.parent / "temp" / "step-summary.md").read_text()


# ---- GitHub Actions -----------------------------------------------------------------------


def test_github_good_pull_request_passes_with_a_summary(world: World, tmp_path: Path) -> None:
    jobs = _actions(world, tmp_path, GITHUB, head=world.good, pin=world.pin,
                    sha256=world.wheel_sha256)
    validate = jobs["validate"]
    assert validate.result == "success", validate.log
    assert "OK" in validate.step("Install").log  # sha256sum --check, then the wheel
    assert f"warta, version {__version__}" in validate.step("Install").log
    assert validate.step("Validate").outcome == "success"
    # a runner has no locale set: Warta speaks Indonesian there by default
    assert "2/2 berita layak terbit" in validate.step("Validate").log
    assert "baru" in _summary(validate)
    assert jobs["build"].result == "skipped"
    assert jobs["deploy"].result == "skipped"


def test_github_bad_pull_request_fails_naming_the_item(world: World, tmp_path: Path) -> None:
    validate = _actions(world, tmp_path, GITHUB, head=world.bad, pin=world.pin)["validate"]
    assert validate.result == "failure"
    step = validate.step("Validate")
    assert step.outcome == "failure"
    assert f"::error file={JEMBATAN}" in step.log
    assert "content.changed-after-approval" in step.log
    assert validate.step("Job summary").outcome == "success"  # runs although the gate failed
    assert "jembatan" in _summary(validate)


def test_github_a_change_the_strict_deploy_would_refuse_fails_its_check(
    world: World, tmp_path: Path
) -> None:
    """Found by an independent attack: the pull request's check validated without
    ``--strict`` while main deploys with ``warta build --strict``, so a draft's stray
    ``.DS_Store`` (a warning anyone can push, or a Mac leaves) passed review unseen and then
    every deploy of main failed: a later withdrawal never reached the public site."""
    validate = _actions(world, tmp_path, GITHUB, head=world.warned, pin=world.pin)["validate"]
    assert validate.result == "failure"
    step = validate.step("Validate")
    assert step.outcome == "failure" and ".DS_Store" in step.log, step.log
    assert ".DS_Store" in _summary(validate).replace("\\", "")  # (Markdown-escaped there)


def test_github_without_the_pin_fails_closed(world: World, tmp_path: Path) -> None:
    jobs = _actions(world, tmp_path, GITHUB, head=world.good)
    validate = jobs["validate"]
    assert validate.result == "failure"
    assert validate.steps[0].outcome == "failure"
    assert "WARTA_TRUST_ROOT is not set" in validate.steps[0].log
    assert {s.outcome for s in validate.steps[1:]} == {"skipped"}
    build = _actions(world, tmp_path / "main", GITHUB, head=None)["build"]
    assert build.result == "failure"
    assert "WARTA_TRUST_ROOT is not set" in build.steps[0].log


def test_github_wrong_wheel_hash_installs_nothing(world: World, tmp_path: Path) -> None:
    validate = _actions(world, tmp_path, GITHUB, head=world.good, pin=world.pin,
                        sha256="0" * 64)["validate"]
    assert validate.result == "failure"
    install = validate.step("Install")
    assert install.outcome == "failure"
    assert "FAILED" in install.log
    assert validate.step("Validate").outcome == "skipped"


def test_github_main_builds_and_deploys_the_site(world: World, tmp_path: Path) -> None:
    jobs = _actions(world, tmp_path, GITHUB, head=None, pin=world.pin)
    assert jobs["validate"].result == "skipped"
    assert jobs["build"].result == "success", jobs["build"].log
    site = jobs["build"].artifacts["github-pages"]
    assert (site / "berita" / "2026" / "jembatan" / "index.html").is_file()
    assert not (site / "berita" / "2026" / "baru").exists()  # not approved on main
    assert jobs["deploy"].result == "success"


@pytest.mark.parametrize("forge", ["github", "forgejo"])
def test_a_change_that_does_not_hold_main_s_tip_is_not_judged(
    world: World, tmp_path: Path, forge: str
) -> None:
    """Judged against where it left main, a change with two merge bases let the merge undo a
    signed change (found by an independent attack): the check must judge what the merge
    makes, so the change must hold main's tip, and is judged against it."""
    file = GITHUB if forge == "github" else FORGEJO
    behind = _actions(world, tmp_path / "behind", file, head=world.behind, pin=world.pin,
                      forge=forge)["validate"]
    assert behind.result == "failure"
    step = behind.step("Require the change to hold")
    assert step.outcome == "failure"
    assert f"the change does not hold the latest main ({world.main[:10]})" in step.log
    assert behind.step("Validate").outcome == "skipped"
    updated = _actions(world, tmp_path / "updated", file, head=world.updated, pin=world.pin,
                       forge=forge)["validate"]
    assert updated.result == "success", updated.log
    assert updated.step("Validate").outcome == "success"


@pytest.mark.parametrize("forge", ["github", "forgejo"])
def test_a_run_started_by_hand_on_another_branch_publishes_nothing(
    world: World, tmp_path: Path, forge: str
) -> None:
    """Anyone who can push may start the workflow by hand on a branch of their own: it
    built and published that branch (an item withdrawn on main, back with its old text)."""
    text = ci_files(__version__)[GITHUB if forge == "github" else FORGEJO]
    jobs = run_workflow(text, world.machine, event="workflow_dispatch", sha=world.bad,
                        context={"github.ref": "refs/heads/edit-jembatan"},
                        variables={"WARTA_TRUST_ROOT": world.pin}, where=tmp_path, forge=forge)
    assert {name: job.result for name, job in jobs.items()} == (
        {"validate": "skipped", "build": "skipped", "deploy": "skipped"} if forge == "github"
        else {"validate": "skipped", "pages": "skipped"})


@pytest.mark.parametrize("forge", ["github", "forgejo"])
def test_a_re_run_of_an_older_run_of_main_deploys_nothing(
    world: World, tmp_path: Path, forge: str
) -> None:
    """Anyone who may run workflows may re-run an old run of main: it built that older commit
    and deployed it over the newest site (a withdrawal merged since undone until the next
    build; found by an independent attack)."""
    server = world.machine.server
    older = _git("rev-parse", f"{world.main}~1", cwd=server)
    pages = subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/heads/pages"],
                           cwd=server, capture_output=True, text=True, check=False).stdout
    text = ci_files(__version__)[GITHUB if forge == "github" else FORGEJO]
    jobs = run_workflow(text, world.machine, event="push", sha=older, context={},
                        variables={"WARTA_TRUST_ROOT": world.pin}, where=tmp_path, forge=forge)
    job = jobs["build" if forge == "github" else "pages"]
    assert job.result == "failure"
    assert "an older site is never deployed" in job.log
    if forge == "github":
        assert job.step("Refuse a commit").outcome == "failure"
        assert job.step("Build the site").outcome == "skipped"
        assert jobs["deploy"].result == "skipped"
    else:
        assert job.step("Push the site").outcome == "failure"
        assert subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/heads/pages"],
                              cwd=server, capture_output=True, text=True,
                              check=False).stdout == pages


# ---- Forgejo Actions ----------------------------------------------------------------------


def test_forgejo_good_and_bad_pull_requests(world: World, tmp_path: Path) -> None:
    good = _actions(world, tmp_path / "good", FORGEJO, head=world.good, pin=world.pin,
                    forge="forgejo")["validate"]
    assert good.result == "success", good.log
    assert good.step("Validate").outcome == "success"
    assert "baru" in good.step("Summary").log
    bad = _actions(world, tmp_path / "bad", FORGEJO, head=world.bad, pin=world.pin,
                   forge="forgejo")["validate"]
    assert bad.result == "failure"
    assert f"::error file={JEMBATAN}" in bad.step("Validate").log
    assert bad.step("Summary").outcome == "success"
    unpinned = _actions(world, tmp_path / "unpinned", FORGEJO, head=world.good,
                        forge="forgejo")["validate"]
    assert unpinned.result == "failure"
    assert "WARTA_TRUST_ROOT is not set" in unpinned.steps[0].log


def test_forgejo_schedule_pushes_the_site_to_the_pages_branch(
    world: World, tmp_path: Path
) -> None:
    jobs = _actions(world, tmp_path, FORGEJO, head=None, pin=world.pin, forge="forgejo")
    assert jobs["validate"].result == "skipped"
    assert jobs["pages"].result == "success", jobs["pages"].log
    server = world.machine.server
    listing = _git("ls-tree", "-r", "--name-only", "pages", cwd=server).splitlines()
    assert "index.html" in listing
    assert "berita/2026/jembatan/index.html" in listing


# ---- GitLab CI ----------------------------------------------------------------------------


def _gitlab(world: World, tmp_path: Path, *, head: str | None, pin: str = "") -> dict[str, Job]:
    text = ci_files(__version__)[GITLAB]
    project = {"WARTA_TRUST_ROOT": pin} if pin else {}
    if head is None:
        return run_pipeline(text, world.machine, source="schedule", sha=world.main,
                            predefined={"CI_COMMIT_BRANCH": "main"}, project_variables=project,
                            where=tmp_path)
    merge_base = _git("merge-base", world.main, head, cwd=world.machine.server)
    return run_pipeline(text, world.machine, source="merge_request_event", sha=head,
                        predefined={
                            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
                            "CI_MERGE_REQUEST_DIFF_BASE_SHA": merge_base,
                            "CI_MERGE_REQUEST_IID": "1",
                        }, project_variables=project, where=tmp_path)


def test_gitlab_merge_requests_write_a_code_quality_report(
    world: World, tmp_path: Path
) -> None:
    good = _gitlab(world, tmp_path / "good", head=world.good, pin=world.pin)
    assert set(good) == {"validate"}
    job = good["validate"]
    assert job.result == "success", job.log
    report = json.loads(job.artifacts["codequality"].read_text())
    assert all(entry["severity"] in ("info", "minor") for entry in report)
    assert "baru" in job.artifacts["warta-summary.md"].read_text()

    bad = _gitlab(world, tmp_path / "bad", head=world.bad, pin=world.pin)["validate"]
    assert bad.result == "failure"
    assert f"{JEMBATAN}" in bad.step("script").log  # the text report in the log
    report = json.loads(bad.artifacts["codequality"].read_text())
    blockers = [e for e in report if e["severity"] == "blocker"]
    assert [(e["check_name"], e["location"]["path"]) for e in blockers] == [
        ("content.changed-after-approval", JEMBATAN)
    ]
    assert bad.artifacts["warta-summary.md"].read_text().strip()


def test_gitlab_reports_never_go_through_what_the_merge_request_committed(
    world: World, tmp_path: Path
) -> None:
    """The job wrote its summary with `tee warta-summary.md` in the checkout: a merge request
    that committed that name as a link had the job write through it, outside the checkout,
    and one that committed `gl-code-quality-report.json` as a folder had the report moved
    into it (found by an independent attack)."""
    victim = tmp_path / "victim.txt"
    victim.write_text("berkas penting di mesin runner\n")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(world.machine.server), str(work)], check=True)
    _git("checkout", "-q", world.good, cwd=work)
    (work / "warta-summary.md").symlink_to(victim)
    (work / "gl-code-quality-report.json").mkdir()
    (work / "gl-code-quality-report.json" / "isi.txt").write_text("isi\n")
    _git("add", "-A", cwd=work)
    _git("-c", "user.name=Staf", "-c", "user.email=staf@example.go.id", "commit", "-q", "-m",
         "tautan di tempat laporan CI", cwd=work)
    head = _git("rev-parse", "HEAD", cwd=work)
    _git("push", "-q", str(world.machine.server), f"{head}:refs/merge-requests/9/head",
         cwd=work)

    job = _gitlab(world, tmp_path / "mr", head=head, pin=world.pin)["validate"]
    assert victim.read_text() == "berkas penting di mesin runner\n"
    summary = job.artifacts["warta-summary.md"]
    assert summary.is_file() and not summary.is_symlink()
    assert "baru" in summary.read_text()
    report = job.artifacts["codequality"]
    assert report.is_file() and not report.is_symlink()
    assert isinstance(json.loads(report.read_text()), list)


def test_gitlab_a_merge_request_that_does_not_hold_the_target_s_tip_is_not_judged(
    world: World, tmp_path: Path
) -> None:
    behind = _gitlab(world, tmp_path / "behind", head=world.behind, pin=world.pin)["validate"]
    assert behind.result == "failure"
    log = behind.step("script").log
    assert f"warta: the change does not hold the latest main\n({world.main[:10]})" in log
    assert "layak terbit" not in log  # (nothing was judged)
    updated = _gitlab(world, tmp_path / "updated", head=world.updated, pin=world.pin)
    assert updated["validate"].result == "success", updated["validate"].log


def test_gitlab_without_the_pin_fails_closed(world: World, tmp_path: Path) -> None:
    job = _gitlab(world, tmp_path, head=world.good)["validate"]
    assert job.result == "failure"
    assert "WARTA_TRUST_ROOT is not set" in job.step("script").log
    assert "Successfully installed" not in job.step("script").log


def test_gitlab_schedule_builds_the_pages_artifact(world: World, tmp_path: Path) -> None:
    jobs = _gitlab(world, tmp_path, head=None, pin=world.pin)
    assert set(jobs) == {"pages"}
    assert jobs["pages"].result == "success", jobs["pages"].log
    public = jobs["pages"].artifacts["public"]
    assert (public / "index.html").is_file()
    assert (public / "berita" / "2026" / "jembatan" / "index.html").is_file()


def test_the_runner_sees_no_variable_of_the_test_session(world: World) -> None:
    env = world.machine.base_env
    assert "WARTA_TRUST_ROOT" not in env
    assert not any(key.startswith("XDG_") for key in env)
    assert os.environ.get("WARTA_TRUST_ROOT") is None


def test_warta_installed_from_the_wheel_carries_what_init_needs(
    world: World, tmp_path: Path, keys: dict[str, Path]
) -> None:
    """``warta init`` and ``warta build`` from a wheel (not this checkout): the SOP, the
    site's pages, the CI files and the theme are package data."""
    machine = world.machine
    env = {**machine.base_env, "HOME": str(tmp_path / "home"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    machine.fresh_python()
    python = str(machine.python_bin / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "warta"], check=True, env=env,
                   capture_output=True)
    where = subprocess.run([python, "-c", "import warta; print(warta.__file__)"], check=True,
                           env=env, capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(MAIN) not in where and "site-packages" in where
    warta = str(machine.python_bin / "warta")
    made = subprocess.run([warta, "init", "kominfo", "--office", "Kabupaten Sukamaju",
                           "--site-url", "https://warta.sukamajukab.go.id/", "--admin-key",
                           str(keys["admin"])], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False)
    assert made.returncode == 0, made.stderr
    office = tmp_path / "kominfo"
    for rel in (GITHUB, FORGEJO, GITLAB, "workflow/sop.yml", "content/index.md", "CODEOWNERS"):
        assert (office / rel).is_file(), rel
    pin = pin_of_init(made.stdout)
    built = subprocess.run([warta, "build", "--strict", "--trust-root", pin], cwd=office, env=env,
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    assert "Belum ada berita." in (office / "site" / "index.html").read_text(encoding="utf-8")
