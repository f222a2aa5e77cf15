"""The CI files ``warta init`` writes (``warta.ci.ci_files``), checked by the forges' own
linters: actionlint (with ShellCheck on every ``run:``) and zizmor on the GitHub and Forgejo
workflows, GitLab's published schema (check-jsonschema's bundled copy) on ``.gitlab-ci.yml``.
All run offline. zizmor's findings are asserted exactly, by rule, so a new one fails here until
it is fixed or justified in the README ("CI siap pakai").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import MAIN
from warta import __version__
from warta.ci import FILES, ci_files
from warta.errors import UsageError

BIN = Path(sys.executable).parent
GITHUB = ".github/workflows/warta.yml"
FORGEJO = ".forgejo/workflows/warta.yml"
GITLAB = ".gitlab-ci.yml"
HASH = "3f" * 32

# zizmor's findings that the README justifies, per file and persona.
JUSTIFIED = {
    ("regular", GITHUB): {"dangerous-triggers"},
    ("regular", FORGEJO): {"dangerous-triggers"},
    ("pedantic", GITHUB): {"dangerous-triggers"},
    ("pedantic", FORGEJO): {"dangerous-triggers", "unpinned-images"},
}


def write_office(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    # The Forgejo runners' label, as an office using Forgejo tells actionlint.
    (root / ".github" / "actionlint.yaml").write_text("self-hosted-runner:\n  labels: [docker]\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def actionlint(root: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(root)}  # ShellCheck from the venv
    return subprocess.run([str(BIN / "actionlint"), "-no-color", *files], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def zizmor(root: Path, persona: str, file: str) -> set[str]:
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "json",
         "--persona", persona, file],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert result.returncode in (0, 11, 12, 13, 14), result.stderr
    return {finding["ident"] for finding in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_office(tmp_path_factory.mktemp("office"), ci_files(__version__, HASH))


# ---- ci_files ------------------------------------------------------------------------------


def test_three_files_each_pinned_in_one_place() -> None:
    files = ci_files("1.2.3", HASH)
    assert set(files) == {GITHUB, FORGEJO, GITLAB} == set(FILES)
    for rel, text in files.items():
        assert text.count("1.2.3") == 1, rel
        assert text.count(HASH) == 1, rel
        assert "@WARTA_" not in text, rel
        data = yaml.safe_load(text)
        pinned = data["variables"] if rel == GITLAB else data["env"]
        assert pinned["WARTA_VERSION"] == "1.2.3"
        assert pinned["WARTA_SHA256"] == HASH


def test_without_a_hash_the_slot_is_empty() -> None:
    for rel, text in ci_files("0.1.0").items():
        data = yaml.safe_load(text)
        pinned = data["variables"] if rel == GITLAB else data["env"]
        assert pinned["WARTA_SHA256"] == "", rel


@pytest.mark.parametrize("version", ["1.2.3rc1", "2026.12", "0.1.0.post2", "1.0+kominfo.1"])
def test_release_numbers_are_accepted(version: str) -> None:
    assert yaml.safe_load(ci_files(version)[GITHUB])["env"]["WARTA_VERSION"] == version


@pytest.mark.parametrize(
    "version",
    ["", "latest", "v1.0", "1.0\nevil: true", '1.0"', "1.0 ", "1.0 #", "1.0;rm -rf", "1.0$(x)",
     "1.0${{ github.token }}", "１.0", "1.0/../x", "1.0\n"],
)
def test_anything_but_a_release_number_is_refused(version: str) -> None:
    with pytest.raises(UsageError, match="expected a release number"):
        ci_files(version)


@pytest.mark.parametrize(
    "sha256", ["", "3f" * 31, "3F" * 32, "3f" * 32 + "\n", "g" * 64, "3f" * 32 + '"', "3f" * 33]
)
def test_anything_but_a_sha256_is_refused(sha256: str) -> None:
    with pytest.raises(UsageError, match="64 lowercase hexadecimal"):
        ci_files("0.1.0", sha256)


def test_the_gate_never_installs_the_checkout() -> None:
    for rel, text in ci_files("0.1.0").items():
        assert not re.search(r"pip install[^\n]*(-e\b|--editable|\s\.(\s|$)|office)", text), rel
        assert text.count('"warta==$WARTA_VERSION"') >= 2, rel


def test_every_action_is_pinned_by_commit_with_its_version() -> None:
    for rel in (GITHUB, FORGEJO):
        for line in ci_files("0.1.0")[rel].splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w-]+/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_no_template_expansion_inside_shell() -> None:
    files = ci_files("0.1.0")
    for rel in (GITHUB, FORGEJO):
        for job in yaml.safe_load(files[rel])["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), step
    gitlab = yaml.safe_load(files[GITLAB])
    assert "${{" not in files[GITLAB]
    assert "WARTA_TRUST_ROOT" not in gitlab["variables"]  # never a default in the file


def test_permissions_are_read_only_but_for_deployment() -> None:
    files = ci_files("0.1.0")
    github = yaml.safe_load(files[GITHUB])
    assert github["permissions"] == {}
    assert github["jobs"]["validate"]["permissions"] == {"contents": "read"}
    assert github["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert github["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    forgejo = yaml.safe_load(files[FORGEJO])
    assert forgejo["permissions"] == {}
    assert forgejo["jobs"]["validate"]["permissions"] == {"contents": "read"}
    assert forgejo["jobs"]["pages"]["permissions"] == {"contents": "write"}
    pages = forgejo["jobs"]["pages"]["steps"]
    assert [s["name"] for s in pages if "TOKEN" in s.get("env", {})] == [
        "Fetch main", "Push the site to the pages branch"
    ]


def test_the_triggers() -> None:
    files = ci_files("0.1.0")
    for rel in (GITHUB, FORGEJO):
        on = yaml.safe_load(files[rel])[True]  # YAML 1.1 reads the key `on` as true
        assert set(on) == {"pull_request_target", "push", "schedule", "workflow_dispatch"}
        assert on["push"] == {"branches": ["main"]}
        assert on["schedule"] == [{"cron": "5 17 * * *"}]
    gitlab = yaml.safe_load(files[GITLAB])
    assert gitlab["validate"]["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    ]
    assert gitlab["validate"]["artifacts"]["reports"] == {
        "codequality": "gl-code-quality-report.json"
    }
    assert gitlab["validate"]["artifacts"]["when"] == "always"
    assert gitlab["pages"]["artifacts"] == {"paths": ["public"]}


def test_the_templates_are_package_data() -> None:
    pyproject = (MAIN / "pyproject.toml").read_text()
    assert '"office/**/*"' in pyproject


# ---- the forges' linters ---------------------------------------------------------------------


def test_actionlint_finds_nothing(office: Path) -> None:
    result = actionlint(office, GITHUB, FORGEJO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_and_shellcheck_are_awake(tmp_path: Path) -> None:
    files = ci_files(__version__)
    files[GITHUB] = files[GITHUB].replace(
        "          warta --version\n",
        "          warta --version\n          echo ${{ github.event.pull_request.title }}\n"
        "          cd $RUNNER_TEMP\n", 1,
    )
    root = write_office(tmp_path, files)
    result = actionlint(root, GITHUB)
    assert result.returncode == 1
    assert "github.event.pull_request.title" in result.stdout  # untrusted input in a script
    assert "SC2086" in result.stdout  # ShellCheck ran


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
@pytest.mark.parametrize("file", [GITHUB, FORGEJO])
def test_zizmor_finds_only_what_the_readme_justifies(office: Path, persona: str,
                                                     file: str) -> None:
    assert zizmor(office, persona, file) == JUSTIFIED[(persona, file)]
    readme = (MAIN / "README.md").read_text()
    for rule in JUSTIFIED[(persona, file)]:
        assert f"`{rule}`" in readme


def test_zizmor_is_awake(tmp_path: Path) -> None:
    files = ci_files(__version__)
    files[GITHUB] = files[GITHUB].replace("persist-credentials: false", "fetch-tags: true")
    files[GITHUB] = files[GITHUB].replace(
        'run: warta build --strict', 'run: echo "${{ github.head_ref }}"; warta build --strict')
    root = write_office(tmp_path, files)
    found = zizmor(root, "regular", GITHUB)
    assert {"artipacked", "template-injection"} <= found


def test_gitlab_file_follows_gitlabs_schema(office: Path) -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", GITLAB],
        cwd=office, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_schema_is_awake(tmp_path: Path) -> None:
    files = ci_files(__version__)
    files[GITLAB] = files[GITLAB].replace("    when: always\n", "    when: sometimes\n")
    root = write_office(tmp_path, files)
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", GITLAB],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert "sometimes" in result.stdout
