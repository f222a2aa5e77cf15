"""The core stays pure: scripts/warta/model/* (policy, evidence, findings) and the validator
import no YAML, CLI, terminal, MkDocs, process, git, SSH or file-system library, and the model
depends on nothing of Warta outside itself. Checked on the source with ``ast``.

The sources are read when this module is imported (collection), before the no-disk guard of
tests/unit is armed; the tests themselves only look at the parsed trees.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import warta.model
import warta.validate

MODEL_DIR = Path(warta.model.__file__).parent
PACKAGE_DIR = MODEL_DIR.parent


def _parse(path: Path) -> tuple[str, ast.Module]:
    rel = path.relative_to(PACKAGE_DIR.parent).as_posix()
    return rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


MODEL = dict(_parse(p) for p in sorted(MODEL_DIR.glob("*.py")))
VALIDATOR = dict([_parse(Path(warta.validate.__file__))])

#: Top-level modules the core must never import (directly).
FORBIDDEN = {
    "yaml": "YAML parsing is an adapter's job",
    "click": "the CLI is a thin edge",
    "rich": "terminal output is the CLI's job",
    "mkdocs": "the MkDocs plugin is a thin edge",
    "material": "the MkDocs plugin is a thin edge",
    "subprocess": "no processes in the core",
    "git": "git is an adapter",
    "pygit2": "git is an adapter",
    "dulwich": "git is an adapter",
    "sshsig": "signature cryptography is an adapter (Verifier)",
    "cryptography": "signature cryptography is an adapter (Verifier)",
    "os": "no file system in the core",
    "pathlib": "no file system in the core",
    "io": "no file system in the core",
    "shutil": "no file system in the core",
    "tempfile": "no file system in the core",
    "glob": "no file system in the core",
    "socket": "no network in the core",
    # urllib.parse only splits and decodes URL text (the closure compares link targets)
    "urllib.request": "no network in the core",
    "urllib.error": "no network in the core",
    "urllib.response": "no network in the core",
    "urllib.robotparser": "no network in the core",
    "http": "no network in the core",
}


def imported_modules(tree: ast.Module) -> list[tuple[str, int]]:
    """Every module an import statement names, with its line, wherever it appears."""
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"line {node.lineno}: use absolute imports"
            out.append((node.module or "", node.lineno))
            # 'from importlib import import_module' and friends are dynamic imports
            out.extend(
                (f"{node.module}.{alias.name}", node.lineno)
                for alias in node.names
                if node.module in {"importlib", "builtins"}
            )
    return out


def dynamic_imports(tree: ast.Module) -> list[int]:
    """Lines calling __import__, importlib or open(): ways around the import check."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in {"__import__", "import_module", "open", "exec", "eval"}:
                lines.append(node.lineno)
    return lines


def violations(files: dict[str, ast.Module]) -> list[str]:
    found = []
    for rel, tree in files.items():
        for module, line in imported_modules(tree):
            top = module.split(".")[0]
            key = top if top in FORBIDDEN else ".".join(module.split(".")[:2])
            if module == "urllib":
                found.append(f"{rel}:{line} imports urllib (only urllib.parse is pure)")
            elif key in FORBIDDEN or module.startswith("importlib"):
                reason = FORBIDDEN.get(key, "no dynamic imports")
                found.append(f"{rel}:{line} imports {module} ({reason})")
        found.extend(
            f"{rel}:{line} calls a dynamic import or open()" for line in dynamic_imports(tree)
        )
    return found


def test_the_model_package_is_found_whole() -> None:
    assert {Path(rel).name for rel in MODEL} >= {
        "__init__.py",
        "findings.py",
        "item.py",
        "roster.py",
        "signing.py",
        "sop.py",
    }


@pytest.mark.parametrize("rel", sorted(MODEL))
def test_model_module_imports_no_io_cli_yaml_git_or_ssh(rel: str) -> None:
    assert violations({rel: MODEL[rel]}) == []


def test_validator_imports_no_io_cli_yaml_git_or_ssh() -> None:
    assert violations(VALIDATOR) == []


@pytest.mark.parametrize("rel", sorted(MODEL))
def test_model_depends_on_nothing_of_warta_outside_the_model(rel: str) -> None:
    outside = [
        f"line {line}: {module}"
        for module, line in imported_modules(MODEL[rel])
        if module.split(".")[0] == "warta" and not module.startswith("warta.model")
    ]
    assert outside == []


PROGRESS_PORT = dict([_parse(PACKAGE_DIR / "progress.py")])
EVERY_MODULE = dict(_parse(p) for p in sorted(PACKAGE_DIR.rglob("*.py")))
#: The terminal edge: the commands and the tables and bars they print.
TERMINAL = {"warta/cli.py", "warta/cliprogress.py", "warta/statusview.py"}


def test_the_progress_port_imports_no_terminal_and_nothing_of_warta() -> None:
    ((_, tree),) = PROGRESS_PORT.items()
    assert violations(PROGRESS_PORT) == []
    assert [m for m, _ in imported_modules(tree) if m.split(".")[0] == "warta"] == []


def test_only_the_terminal_edge_imports_rich() -> None:
    importers = {
        rel
        for rel, tree in EVERY_MODULE.items()
        if any(m.split(".")[0] == "rich" for m, _ in imported_modules(tree))
    }
    assert importers <= TERMINAL
    assert "warta/cliprogress.py" in importers


def test_validator_depends_only_on_the_model() -> None:
    ((rel, tree),) = VALIDATOR.items()
    outside = [
        f"{rel}:{line}: {module}"
        for module, line in imported_modules(tree)
        if module.split(".")[0] == "warta" and not module.startswith("warta.model")
    ]
    assert outside == []


# ---- the checker itself catches what it must ------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import yaml\n", ["m.py:1 imports yaml (YAML parsing is an adapter's job)"]),
        (
            "from click import echo\n",
            ["m.py:1 imports click (the CLI is a thin edge)"],
        ),
        (
            "def f():\n    import subprocess\n",
            ["m.py:2 imports subprocess (no processes in the core)"],
        ),
        (
            "from sshsig import check_signature\n",
            ["m.py:1 imports sshsig (signature cryptography is an adapter (Verifier))"],
        ),
        ("import rich.table\n", ["m.py:1 imports rich.table (terminal output is the CLI's job)"]),
        (
            "from mkdocs.plugins import BasePlugin\n",
            ["m.py:1 imports mkdocs.plugins (the MkDocs plugin is a thin edge)"],
        ),
        (
            "import importlib\nimportlib.import_module('yaml')\n",
            [
                "m.py:1 imports importlib (no dynamic imports)",
                "m.py:2 calls a dynamic import or open()",
            ],
        ),
        ("x = open('f').read()\n", ["m.py:1 calls a dynamic import or open()"]),
        ("import urllib.request\n", ["m.py:1 imports urllib.request (no network in the core)"]),
        ("import urllib\n", ["m.py:1 imports urllib (only urllib.parse is pure)"]),
        ("import json\nfrom urllib.parse import unquote\n", []),
    ],
)
def test_the_import_check_catches_forbidden_imports(source: str, expected: list[str]) -> None:
    assert violations({"m.py": ast.parse(source)}) == expected


CLI_MODULES = dict(_parse(p) for p in sorted(PACKAGE_DIR.glob("cli*.py")))


def _print_only_handler(handler: ast.ExceptHandler) -> bool:
    """``except WartaError as exc: some_fail(exc)``: a handler that only prints and exits."""
    caught = handler.type
    if not (isinstance(caught, ast.Name) and caught.id == "WartaError"):
        return False
    return len(handler.body) == 1 and isinstance(handler.body[0], ast.Expr)


def test_no_command_catches_a_warta_error_only_to_print_it() -> None:
    """WartaError is a click.ClickException: click shows it and exits with its code, so a
    command lets it go (a handler must do more, such as printing findings for CI)."""
    found = [
        f"{rel}:{node.lineno}"
        for rel, tree in CLI_MODULES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _print_only_handler(node)
    ]
    assert CLI_MODULES and found == []
