"""Running the Typst compiler (the ``typst`` wheel: compiler and fonts in one package).

Typst runs with its root in a fresh temporary folder holding only the template, the data
(JSON) and the files Warta put there (verified copies of images, QR codes). System fonts are
ignored, so only the fonts embedded in the compiler are used and the same input gives the
same bytes on every machine; the package paths point at empty folders, so a template can
import no package and nothing is downloaded.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import typst

from warta.adapters import safefs
from warta.adapters.bounded import ChildFailed, OverBudget, run_bounded
from warta.adapters.textfile import json_utf8
from warta.errors import RefusedError, UsageError
from warta.i18n import _

TEMPLATE = "buletin.typ"
#: How long the typesetter may run by default (seconds): 100 items with photos take about
#: 10 s; a picture drawn thousands of times in an SVG took minutes.
TYPESET_SECONDS = 600.0
BUDGET_VARIABLE = "WARTA_TYPESET_SECONDS"

#: Puts a file into the compile folder: (destination) -> None; raises on a bad file.
Placer = Callable[[Path], None]


def template_text(name: str = TEMPLATE) -> str:
    return resources.files("warta.typeset").joinpath(name).read_text(encoding="utf-8")


def compile_pdf(
    data: Mapping[str, Any], files: Mapping[str, Placer | bytes], seconds: float
) -> bytes:
    """The PDF of the template over ``data``; ``files``: name in the compile folder -> bytes
    or a function that writes the (verified) file there. Typst runs in a child process that
    is killed after ``seconds`` (RefusedError) or on Ctrl+C or SIGTERM."""
    with tempfile.TemporaryDirectory(prefix="warta-cetak-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        empty = Path(tmp) / "packages"
        empty.mkdir()
        (root / "main.typ").write_text(template_text(), encoding="utf-8")
        (root / "data.json").write_bytes(json_utf8(data))
        for name, source in files.items():
            dest = root / name
            safefs.make_folders(dest.parent)
            if isinstance(source, bytes):
                dest.write_bytes(source)
            else:
                source(dest)

        def work() -> bytes:
            return typst.compile(
                str(root / "main.typ"),
                root=str(root),
                ignore_system_fonts=True,
                font_paths=[],
                package_path=str(empty),
                package_cache_path=str(empty),
            )

        try:
            return run_bounded(work, seconds)
        except OverBudget:
            raise RefusedError(
                _(
                    "the bulletin could not be typeset within {seconds} s (a picture drawn"
                    " many times, or a very large edition?); nothing was written. Set"
                    " {variable} to allow more time"
                ).format(seconds=f"{seconds:g}", variable=BUDGET_VARIABLE)
            ) from None
        except ChildFailed as exc:  # the compiler reports its errors as one exception type
            raise RefusedError(
                _("the bulletin could not be typeset: {problem}; nothing was written").format(
                    problem=str(exc).strip()[:2000]
                )
            ) from None


def typeset_seconds() -> float:
    """How long the typesetter may run: ``$WARTA_TYPESET_SECONDS`` (set on the machine
    that prints, never read from the repository), else :data:`TYPESET_SECONDS`."""
    text = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not text:
        return TYPESET_SECONDS
    try:
        seconds = float(text) if text.isascii() else math.nan
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 86_400:  # (NaN too)
        raise UsageError(
            _("{variable}={value!r}: expected a number of seconds above 0, at most 86400").format(
                variable=BUDGET_VARIABLE, value=text
            )
        )
    return seconds
