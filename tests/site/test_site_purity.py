"""Warta's core and its site generation import no MkDocs: only the plugin does.

Rendering a body with Python-Markdown is Warta's own work (the validator checks the links of
the very HTML the site publishes), so the Markdown library is not the engine here: MkDocs,
Material and their theme's templates are. So is printing Warta's own pages from its own
templates: Jinja2 is a library here, used by one module (site/markup.py) through an
environment of Warta's own over its package folder, never MkDocs' theme environment."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import warta

PACKAGE = Path(warta.__file__).parent
ENGINE = ("mkdocs", "material")
#: The one module of the core that may use Jinja2 (see the module docstring).
TEMPLATES = PACKAGE / "site" / "markup.py"
PURE = sorted(
    [
        *(PACKAGE / "site").glob("*.py"),
        *(PACKAGE / "model").glob("*.py"),
        PACKAGE / "validate.py",
        PACKAGE / "repository.py",
        PACKAGE / "publish.py",
    ]
)


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        found.extend(f"line {node.lineno}: {n}" for n in names)
    return found


def engine_imports(path: Path) -> list[str]:
    return [i for i in imports(path) if i.split(": ")[1].split(".")[0] in ENGINE]


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_imports_no_site_engine(path: Path) -> None:
    assert engine_imports(path) == []


@pytest.mark.parametrize("path", PURE, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_only_the_site_s_own_template_module_imports_jinja2(path: Path) -> None:
    found = [i for i in imports(path) if i.split(": ")[1].split(".")[0] == "jinja2"]
    assert found == [] or path == TEMPLATES, found


def test_the_site_s_templates_come_from_warta_s_package_only() -> None:
    from jinja2 import PackageLoader

    from warta.site.markup import environment

    env = environment()
    assert isinstance(env.loader, PackageLoader)
    assert env.loader.package_name == "warta.site"
    assert env.autoescape is True
    for name in env.list_templates():
        _, filename, _ = env.loader.get_source(env, name)
        assert Path(filename or "").parent == PACKAGE / "site" / "templates", name
    assert "item.html" in env.list_templates()


def test_the_check_sees_an_engine_import(tmp_path: Path) -> None:
    probe = tmp_path / "m.py"
    probe.write_text("def f():\n    from mkdocs.plugins import BasePlugin\n")
    assert engine_imports(probe) == ["line 2: mkdocs.plugins"]


def test_importing_the_core_and_the_site_loads_no_engine() -> None:
    modules = ["warta.repository", "warta.publish", "warta.validate", "warta.model"] + [
        f"warta.site.{p.stem}" for p in (PACKAGE / "site").glob("*.py") if p.stem != "__init__"
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {ENGINE!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_plugin_is_registered_under_the_mkdocs_entry_point() -> None:
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "warta"]
    assert entry.value == "warta.mkdocs_plugin:WartaPlugin"
