"""Running the Typst compiler (the ``typst`` wheel: compiler and fonts in one package).

Typst runs with its root in a fresh temporary folder holding only the template, the data
(JSON) and the files Warta put there (verified copies of images, QR codes). System fonts are
ignored, so only the fonts embedded in the compiler are used and the same input gives the
same bytes on every machine; the package paths point at empty folders, so a template can
import no package and nothing is downloaded.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import typst

from warta.adapters import safefs
from warta.adapters.textfile import json_utf8
from warta.errors import RefusedError
from warta.i18n import _

TEMPLATE = "buletin.typ"

#: Puts a file into the compile folder: (destination) -> None; raises on a bad file.
Placer = Callable[[Path], None]


def template_text(name: str = TEMPLATE) -> str:
    return resources.files("warta.typeset").joinpath(name).read_text(encoding="utf-8")


def compile_pdf(data: Mapping[str, Any], files: Mapping[str, Placer | bytes]) -> bytes:
    """The PDF of the template over ``data``; ``files``: name in the compile folder -> bytes
    or a function that writes the (verified) file there."""
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
        try:
            return typst.compile(
                str(root / "main.typ"),
                root=str(root),
                ignore_system_fonts=True,
                font_paths=[],
                package_path=str(empty),
                package_cache_path=str(empty),
            )
        except Exception as exc:  # the compiler reports its errors as one exception type
            raise RefusedError(
                _("the bulletin could not be typeset: {problem}; nothing was written").format(
                    problem=str(exc).strip()[:2000]
                )
            ) from None
