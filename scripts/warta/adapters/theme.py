"""The theme's own files (Material's and Warta's), found without importing MkDocs: a file of
the site may never take the output path of one of them."""

from __future__ import annotations

import functools
import os
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

from warta.model.closure import fold

#: Warta's overrides of Material (templates, stylesheet, vendored Mermaid).
WARTA_THEME = Path(__file__).resolve().parent.parent / "theme"


def _module_dir(module: str) -> Path | None:
    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def material_dir() -> Path | None:
    """Material's theme folder, as MkDocs finds it (the ``mkdocs.themes`` entry point)."""
    for entry in entry_points(group="mkdocs.themes"):
        if entry.name == "material":
            return _module_dir(entry.value)
    return None


@functools.cache
def _listing(folder: str) -> tuple[str, ...]:
    out: list[str] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(current, folder)
        for name in files:
            out.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    return tuple(out)


def theme_files() -> dict[str, str]:
    """Folded path (:func:`warta.model.closure.fold`) -> which theme has it, for every file of
    the installed themes."""
    out: dict[str, str] = {}
    for label, folder in (("Warta", WARTA_THEME), ("Material for MkDocs", material_dir())):
        if folder is None:
            continue
        for rel in _listing(str(folder)):
            out.setdefault(fold(rel), label)
    return out
