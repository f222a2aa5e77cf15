"""Named pause points for the interruption tests.

When ``WARTA_PAUSE_AT`` names a point and ``WARTA_PAUSE_DIR`` a folder, an action reaching that
point creates ``<dir>/<point>.reached`` and waits (at most 60 s) for ``<dir>/go``. Tests use it
to kill ``warta sign`` at exact moments, or to hold its lock while a second run starts.
Without those variables (always, in real use) a checkpoint does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def checkpoint(point: str) -> None:
    if os.environ.get("WARTA_PAUSE_AT") != point:
        return
    folder = os.environ.get("WARTA_PAUSE_DIR")
    if not folder:
        return
    reached = Path(folder, f"{point}.reached")  # whole when it appears: written, then renamed
    Path(folder, f"{point}.tmp").write_text(str(os.getpid()), encoding="ascii")
    os.replace(Path(folder, f"{point}.tmp"), reached)
    deadline = time.monotonic() + 60
    while not Path(folder, "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
