"""Workers that are not forked (macOS' default, and Linux's from Python 3.14 while another
thread runs) start a fresh interpreter with ``python -c``, which put the working directory,
the checkout, first on ``sys.path``: a ``multiprocessing/`` folder anyone could push to its
top ran in every worker of ``warta validate``. Here such platforms are emulated on this one
by a ``sitecustomize`` outside the repository (the default start method set, and a second
thread running, so that Warta does not fork)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers import Repo, warta_exe

EMULATION = '''
import os
if os.environ.get("EMULATED_PARENT"):  # a worker: say it was started afresh
    with open(os.environ["SPAWNED_LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")
else:
    os.environ["EMULATED_PARENT"] = "1"
    import multiprocessing, threading, time
    multiprocessing.set_start_method(os.environ["START_METHOD"], force=True)
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
'''


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_afresh_never_import_code_from_the_checkout(
    repo: Repo, tmp_path: Path, method: str
) -> None:
    ran = tmp_path / "ran.log"
    (repo.root / "multiprocessing").mkdir()
    (repo.root / "multiprocessing" / "__init__.py").write_text(
        f"import os\nopen({str(ran)!r}, 'a').write(f'{{os.getpid()}}\\n')\nraise SystemExit(0)\n"
    )
    for n in range(210):  # enough files to judge in worker processes
        repo.write(f"content/berita/2026/draf-{n}/index.md",
                   f"---\nid: 20261101-draf-{n}\ntitle: Draf {n}\nslug: draf-{n}\n"
                   "date: 2026-11-01\nstatus: usulan\n---\n\nIsi.\n")
    repo.commit_all("a package named like the standard library's, and drafts")
    emulation = tmp_path / "emulation"
    emulation.mkdir()
    (emulation / "sitecustomize.py").write_text(EMULATION)
    spawned = tmp_path / "spawned.log"
    path = [p for p in (os.environ.get("PYTHONPATH"), str(emulation)) if p]
    env = {**os.environ, **repo.env, "PYTHONPATH": os.pathsep.join(path),
           "START_METHOD": method, "SPAWNED_LOG": str(spawned), "LC_ALL": "C.UTF-8"}
    env.pop("PYTHONSAFEPATH", None)
    result = subprocess.run([warta_exe(), "--lang", "en", "validate", "--no-cache", "-j", "2"],
                            cwd=repo.root, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert spawned.exists() and spawned.read_text().split(), "no worker was started afresh"
    assert not ran.exists(), ran.read_text()
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("210 item(s), 0 publishable;")
