#!/usr/bin/env python3
"""Time `warta build` on a repository (run by hand; not a test).

    python scripts/bench/bench_build_sample.py                  # this checkout's sample
    python scripts/bench/bench_build_sample.py --root /tmp/old --warta /tmp/old-warta

Builds the site ``--runs`` times (into a temporary folder, never the repository's site/),
each a child process with a cold cache folder of its own, and prints the median and the
fastest wall time, the median CPU time and the output's size. Pass ``--warta`` to time
another checkout's command on its own repository (``--root``), e.g. the version before a
change, side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAIN = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=MAIN, help="the repository (this one)")
    parser.add_argument("--warta", default=str(Path(sys.executable).with_name("warta")))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    walls, cpus, files = [], [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="warta-bench-build-") as tmp:
            env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
            env["XDG_STATE_HOME"] = str(Path(tmp) / "state")  # a fresh machine: first use
            env["NO_MKDOCS_2_WARNING"] = "1"
            out = Path(tmp) / "site"
            started = time.perf_counter()
            proc = subprocess.Popen(
                [args.warta, "build", "-d", str(out)],
                cwd=args.root,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - started)
            cpus.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                assert proc.stderr is not None
                sys.exit(proc.stderr.read().decode(errors="replace")[-3000:])
            files = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"repository : {args.root}")
    print(f"command    : {args.warta} build")
    print(
        f"wall       : median {statistics.median(walls):.2f} s, fastest {min(walls):.2f} s"
        f" ({args.runs} runs, cold cache each)"
    )
    print(f"cpu        : median {statistics.median(cpus):.2f} s")
    print(f"output     : {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
