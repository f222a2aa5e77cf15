"""A small, honest stand-in for a CI runner: it reads a GitHub/Forgejo workflow or a GitLab CI
file and runs each job's shell steps in order with bash, as the forge would, in a clone of a
"server" repository, with the forge's variables simulated.

What it runs for real: every ``run:`` step (GitHub, Forgejo) and every ``before_script``,
``script`` and ``after_script`` line (GitLab), with the step's environment, working directory,
``if:`` condition, ``continue-on-error``, ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY``.
What it simulates: the ``uses:`` steps (checkout: a full clone of the server at the ref;
setup-python or a job's Python image: the session's virtual environment, without Warta, put
on ``PATH``; upload-pages-artifact and deploy-pages: the site folder must hold index.html).
An expression or action it does not know fails the test: nothing is silently skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# ---- GitHub expressions (${{ }} and if:) ---------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<op>&&|\|\||==|!=|!|\(|\))|'(?P<str>(?:[^']|'')*)'"
    r"|(?P<func>[A-Za-z_]+)\(\)|(?P<path>[A-Za-z_][A-Za-z0-9_.\-]*))"
)


class Expression:
    """GitHub Actions' expression language, the part these workflows use: context paths,
    strings, ``== != ! && || ( )`` and the status functions."""

    def __init__(self, lookup: Callable[[str], str], status: Mapping[str, bool]) -> None:
        self.lookup = lookup
        self.status = status

    def evaluate(self, text: str) -> object:
        self.tokens = self._tokenize(text)
        self.pos = 0
        value = self._or()
        assert self.pos == len(self.tokens), f"cannot parse expression {text!r}"
        return value

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text.rstrip()):
            match = _TOKEN.match(text, pos)
            assert match, f"cannot parse expression {text!r} at {pos}"
            kind = next(k for k in ("op", "str", "func", "path") if match.group(k) is not None)
            out.append((kind, match.group(kind)))
            pos = match.end()
        return out

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> object:
        left = self._and()
        while self._peek() == ("op", "||"):
            self.pos += 1
            right = self._and()
            left = left or right
        return left

    def _and(self) -> object:
        left = self._cmp()
        while self._peek() == ("op", "&&"):
            self.pos += 1
            right = self._cmp()
            left = left and right
        return left

    def _cmp(self) -> object:
        left = self._unary()
        token = self._peek()
        if token in (("op", "=="), ("op", "!=")):
            self.pos += 1
            right = self._unary()
            same = str(left).lower() == str(right).lower()
            return same if token == ("op", "==") else not same
        return left

    def _unary(self) -> object:
        if self._peek() == ("op", "!"):
            self.pos += 1
            return not self._unary()
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if (kind, value) == ("op", "("):
            inner = self._or()
            assert self._peek() == ("op", ")")
            self.pos += 1
            return inner
        if kind == "str":
            return value.replace("''", "'")
        if kind == "func":
            assert value in self.status, f"unknown function {value}()"
            return self.status[value]
        assert kind == "path", f"unexpected {value!r}"
        return self.lookup(value)


_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}")


# ---- the result of a job --------------------------------------------------------------------


@dataclass
class Step:
    name: str
    outcome: str  # success, failure, skipped
    log: str = ""


@dataclass
class Job:
    name: str
    result: str  # success, failure, skipped
    steps: list[Step] = field(default_factory=list)
    workspace: Path | None = None
    artifacts: dict[str, Path] = field(default_factory=dict)

    def step(self, prefix: str) -> Step:
        found = [s for s in self.steps if s.name.startswith(prefix)]
        assert len(found) == 1, f"{self.name}: no single step named {prefix!r}: {self.steps}"
        return found[0]

    @property
    def log(self) -> str:
        return "\n".join(f"## {s.name} [{s.outcome}]\n{s.log}" for s in self.steps)


@dataclass
class Machine:
    """What a runner offers a job: the server repository, a Python (the session's virtual
    environment, Warta uninstalled) and a clean home."""

    server: Path  # the bare repository, <forge>/office.git
    python_bin: Path
    base_env: dict[str, str]
    scratch: Path

    def fresh_python(self) -> None:
        subprocess.run(
            [str(self.python_bin / "python"), "-m", "pip", "uninstall", "-q", "-y", "warta"],
            check=True, capture_output=True, env=self.base_env,
        )

    def clone(self, dest: Path, ref: str) -> None:
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(self.server), str(dest)],
                       check=True, env=self.base_env)
        subprocess.run(["git", "-c", "advice.detachedHead=false", "checkout", "-q", "--detach",
                        ref], cwd=dest, check=True, env=self.base_env)


def _bash(script: str, cwd: Path, env: Mapping[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=600, check=False,
    )
    return result.returncode, result.stdout + result.stderr


def _read_pairs(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


# ---- GitHub and Forgejo Actions --------------------------------------------------------------

SETUP_PYTHON = "actions/setup-python@"
CHECKOUT = "actions/checkout@"
UPLOAD_PAGES = "actions/upload-pages-artifact@"
DEPLOY_PAGES = "actions/deploy-pages@"


def run_workflow(
    text: str, machine: Machine, *, event: str, sha: str, context: Mapping[str, str],
    variables: Mapping[str, str], where: Path, forge: str = "github",
) -> dict[str, Job]:
    """Run every job of the workflow ``text`` for ``event`` at commit ``sha``. ``context``:
    further ``github.*`` values (e.g. ``github.base_ref``, ``github.event.pull_request.*``);
    ``variables``: the repository's ``vars``; ``forge``: github or forgejo."""
    workflow = yaml.safe_load(text)
    jobs: dict[str, Job] = {}
    github = {
        "github.event_name": event,
        "github.sha": sha,
        "github.token": "simulated-token",
        "github.ref": "refs/heads/main",
        **context,
    }
    for job_id, spec in workflow["jobs"].items():
        needs = spec.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        runner = _JobRunner(job_id, machine, github, variables, where / job_id, forge)
        jobs[job_id] = runner.job
        condition = str(spec.get("if", "success()"))
        if not all(jobs[n].result == "success" for n in needs) or not Expression(
            runner.lookup, {"success": True, "always": True}
        ).evaluate(condition):
            runner.job.result = "skipped"
            continue
        for key, value in {**workflow.get("env", {}), **spec.get("env", {})}.items():
            runner.env[key] = runner.expand(value)
        if "container" in spec:  # the image's Python: the session's, without Warta
            machine.fresh_python()
            runner.env["PATH"] = f"{machine.python_bin}:{runner.env['PATH']}"
        shell = spec.get("defaults", workflow.get("defaults", {})).get("run", {}).get("shell")
        assert shell == "bash", f"{job_id}: expected the bash shell, found {shell!r}"
        for number, step in enumerate(spec["steps"]):
            runner.run_step(number, step)
        runner.job.result = "failure" if runner.failed else "success"
    return jobs


class _JobRunner:
    """One GitHub/Forgejo job: its folders, environment, expression contexts and steps."""

    def __init__(self, job_id: str, machine: Machine, github: Mapping[str, str],
                 variables: Mapping[str, str], folder: Path, forge: str) -> None:
        self.machine = machine
        self.github = github
        self.variables = variables
        self.workspace = folder / "workspace"
        self.temp = folder / "temp"
        home = folder / "home"
        for made in (self.workspace, self.temp, home):
            made.mkdir(parents=True)
        self.env: dict[str, str] = {
            **machine.base_env,
            "HOME": str(home),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": github["github.event_name"],
            "GITHUB_SHA": github["github.sha"],
            "GITHUB_REF": github["github.ref"],
            "GITHUB_BASE_REF": github.get("github.base_ref", ""),
            "GITHUB_SERVER_URL": f"file://{machine.server.parent}",
            "GITHUB_REPOSITORY": machine.server.name.removesuffix(".git"),
            "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_STEP_SUMMARY": str(self.temp / "step-summary.md"),
        }
        if forge == "forgejo":
            self.env["FORGEJO_ACTIONS"] = "true"
        self.job = Job(job_id, "success", workspace=self.workspace)
        self.steps: dict[str, dict[str, Any]] = {}
        self.failed = False

    def lookup(self, path: str) -> str:
        if path in self.github:
            return self.github[path]
        if path.startswith("vars."):
            return self.variables.get(path.removeprefix("vars."), "")
        if path.startswith("env."):
            return self.env.get(path.removeprefix("env."), "")
        if path == "runner.temp":
            return self.env["RUNNER_TEMP"]
        parts = path.split(".")
        if parts[0] == "steps" and len(parts) >= 3:
            state = self.steps.get(parts[1], {})
            if parts[2] == "outcome":
                return str(state.get("outcome", ""))
            if parts[2] == "outputs" and len(parts) == 4:
                return str(state.get("outputs", {}).get(parts[3], ""))
        raise AssertionError(f"the simulation does not know ${{{{ {path} }}}}")

    def expand(self, value: object) -> str:
        return _TEMPLATE.sub(
            lambda m: str(Expression(self.lookup, {}).evaluate(m.group(1))), str(value)
        )

    def run_step(self, number: int, step: Mapping[str, Any]) -> None:
        name = step.get("name", step.get("uses", f"step {number}"))
        condition = str(step.get("if", "success()"))
        if not any(f in condition for f in ("always()", "success()", "failure()")):
            condition = f"success() && ({condition})"
        status = {"always": True, "success": not self.failed, "failure": self.failed}
        if not Expression(self.lookup, status).evaluate(condition):
            self.job.steps.append(Step(name, "skipped"))
            return
        step_env = {**self.env, **{k: self.expand(v) for k, v in step.get("env", {}).items()}}
        outputs = self.temp / f"output-{number}"
        path_file = self.temp / f"path-{number}"
        outputs.touch()
        path_file.touch()
        step_env["GITHUB_OUTPUT"] = str(outputs)
        step_env["GITHUB_PATH"] = str(path_file)
        if "uses" in step:
            inputs = {k: self.expand(v) for k, v in step.get("with", {}).items()}
            code, log = _uses(step, inputs, self.job, self.machine, self.env, self.github)
        else:
            cwd = self.workspace / self.expand(step.get("working-directory", "."))
            code, log = _bash(str(step["run"]), cwd, step_env)
        outcome = "success" if code == 0 else "failure"
        self.job.steps.append(Step(name, outcome, log))
        if "id" in step:
            self.steps[step["id"]] = {"outcome": outcome, "outputs": _read_pairs(outputs)}
        for line in path_file.read_text().splitlines():
            self.env["PATH"] = f"{line}:{self.env['PATH']}"
        if code != 0 and not step.get("continue-on-error", False):
            self.failed = True


def _uses(step: Mapping[str, Any], inputs: Mapping[str, str], job: Job, machine: Machine,
          env: dict[str, str], github: Mapping[str, str]) -> tuple[int, str]:
    action = str(step["uses"])
    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"unpinned: {action}"
    assert job.workspace is not None
    if action.startswith(CHECKOUT):
        assert inputs.get("persist-credentials") == "False" or inputs.get(
            "persist-credentials") == "false", "checkout must not keep the token"
        dest = job.workspace / inputs.get("path", ".")
        machine.clone(dest, inputs.get("ref", github["github.sha"]))
        return 0, f"checked out {inputs.get('ref', github['github.sha'])} into {dest}"
    if action.startswith(SETUP_PYTHON):
        assert inputs.get("python-version"), "setup-python needs a fixed version"
        machine.fresh_python()
        env["PATH"] = f"{machine.python_bin}:{env['PATH']}"
        return 0, f"python on PATH from {machine.python_bin}"
    if action.startswith(UPLOAD_PAGES):
        site = job.workspace / inputs["path"]
        if not (site / "index.html").is_file():
            return 1, f"no index.html in {site}"
        job.artifacts["github-pages"] = site
        return 0, f"uploaded {site}"
    if action.startswith(DEPLOY_PAGES):
        return 0, "deployed the github-pages artifact"
    raise AssertionError(f"the simulation does not know the action {action}")


# ---- GitLab CI ---------------------------------------------------------------------------

_GL_TOKEN = re.compile(r'\s*(?:(?P<op>&&|\|\||==|!=|\(|\))|"(?P<str>[^"]*)"|\$(?P<var>\w+))')
_KEYWORDS = {"variables", "workflow", "stages", "default", "include", "image", "services",
             "before_script", "after_script", "cache"}


def gitlab_if(text: str, variables: Mapping[str, str]) -> bool:
    """A GitLab ``rules: if:`` expression: ``$VAR``, "strings", ``== != && || ( )``; an
    undefined variable is null."""
    tokens: list[tuple[str, str | None]] = []
    pos = 0
    while pos < len(text.rstrip()):
        match = _GL_TOKEN.match(text, pos)
        assert match, f"cannot parse rule {text!r}"
        if match.group("op"):
            tokens.append(("op", match.group("op")))
        elif match.group("str") is not None:
            tokens.append(("val", match.group("str")))
        else:
            tokens.append(("val", variables.get(match.group("var"))))
        pos = match.end()
    position = [0]

    def peek() -> tuple[str, str | None] | None:
        return tokens[position[0]] if position[0] < len(tokens) else None

    def primary() -> object:
        kind, value = tokens[position[0]]
        position[0] += 1
        if (kind, value) == ("op", "("):
            inner = either()
            position[0] += 1
            return inner
        left: object = value
        if peek() in (("op", "=="), ("op", "!=")):
            op = tokens[position[0]][1]
            right = tokens[position[0] + 1][1]
            position[0] += 2
            return (left == right) if op == "==" else (left != right)
        return left is not None and left != ""

    def both() -> object:
        left = primary()
        while peek() == ("op", "&&"):
            position[0] += 1
            right = primary()
            left = bool(left) and bool(right)
        return left

    def either() -> object:
        left = both()
        while peek() == ("op", "||"):
            position[0] += 1
            right = both()
            left = bool(left) or bool(right)
        return left

    result = either()
    assert position[0] == len(tokens), f"cannot parse rule {text!r}"
    return bool(result)


def _rules_pass(rules: list[Mapping[str, Any]] | None, variables: Mapping[str, str]) -> bool:
    if rules is None:
        return True
    for rule in rules:
        if "if" not in rule or gitlab_if(str(rule["if"]), variables):
            return rule.get("when", "on_success") != "never"
    return False


def run_pipeline(
    text: str, machine: Machine, *, source: str, sha: str, predefined: Mapping[str, str],
    project_variables: Mapping[str, str], where: Path,
) -> dict[str, Job]:
    """Run the pipeline of the GitLab CI file ``text`` for ``source``
    (``CI_PIPELINE_SOURCE``) at commit ``sha``. ``predefined``: further CI_* variables;
    ``project_variables``: Settings > CI/CD > Variables (they win over the file's)."""
    config = yaml.safe_load(text)
    base = {"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": source,
            "CI_COMMIT_SHA": sha, "CI_DEFAULT_BRANCH": "main", **predefined}
    global_vars = {k: str(v) for k, v in config.get("variables", {}).items()}
    if not _rules_pass(config.get("workflow", {}).get("rules"), {**global_vars, **base}):
        return {}
    default = config.get("default", {})
    jobs: dict[str, Job] = {}
    for stage in config.get("stages", ["build", "test", "deploy"]):
        for name, raw in config.items():
            if name in _KEYWORDS or name.startswith(".") or not isinstance(raw, dict):
                continue
            spec = {**config[raw["extends"]], **raw} if "extends" in raw else raw
            if spec.get("stage", "test") != stage:
                continue
            job_vars = {k: str(v) for k, v in spec.get("variables", {}).items()}
            variables = {**global_vars, **job_vars, **base, **project_variables}
            if not _rules_pass(spec.get("rules"), variables):
                continue
            jobs[name] = _gitlab_job(name, spec, default, variables, machine, sha, where)
    return jobs


def _gitlab_job(name: str, spec: Mapping[str, Any], default: Mapping[str, Any],
                variables: Mapping[str, str], machine: Machine, sha: str,
                where: Path) -> Job:
    project_dir = where / name / "builds" / "office"
    home = where / name / "home"
    home.mkdir(parents=True)
    machine.clone(project_dir, sha)
    assert spec.get("image", default.get("image")), f"{name}: no image"
    machine.fresh_python()  # the image's Python: the session's, without Warta
    env = {**machine.base_env, **variables, "HOME": str(home), "CI_PROJECT_DIR": str(project_dir)}
    env["PATH"] = f"{machine.python_bin}:{env['PATH']}"
    job = Job(name, "success", workspace=project_dir)
    before = spec.get("before_script", default.get("before_script", []))
    code, log = _bash("\n".join([*before, *spec["script"]]), project_dir, env)
    job.steps.append(Step("script", "success" if code == 0 else "failure", log))
    job.result = "success" if code == 0 else "failure"
    after = spec.get("after_script", default.get("after_script"))
    if after:  # runs whatever happened, in a shell of its own; its failure changes nothing
        after_code, after_log = _bash("\n".join(after), project_dir, env)
        job.steps.append(Step("after_script", "success" if after_code == 0 else "failure",
                              after_log))
    artifacts = spec.get("artifacts", {})
    if job.result == "success" or artifacts.get("when") == "always":
        for path in artifacts.get("paths", []):
            if (project_dir / path).exists():
                job.artifacts[path] = project_dir / path
        for kind, path in artifacts.get("reports", {}).items():
            if (project_dir / path).exists():
                job.artifacts[kind] = project_dir / path
    return job


def machine_env(dist: Path) -> dict[str, str]:
    """A runner's environment: no variable of the test session (no pin, no XDG folder); pip
    installs from the wheel folder only, without the machine's pip configuration."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(dist),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
