"""Benchmark ``warta preview`` on a newsroom kept by ``bench_build.py`` (run by hand; not a
test): how long until the first page answers, and how long after an edit until the page
shows it.

1. starts ``warta preview -a 127.0.0.1:PORT`` in the kept repository (``--workdir`` of
   ``bench_build.py --keep``), with the bench's cache folder as it is (``--cold``: a fresh
   one), and polls the home page until it answers;
2. adds a sentence to the body of an unsigned draft it wrote into the repository before the
   start (the reviewers' case: a writer saving a draft), and polls the draft's page until it
   holds the sentence; three times;
3. prints each figure, stops the preview and removes the draft.

    python scripts/bench/bench_build.py --items 3000 --workdir /tmp/bb3000 --keep --generate-only
    python scripts/bench/bench_preview.py --workdir /tmp/bb3000
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_build import DRAFT, add_draft
from newsroom import bench_env, cpu_model, pin_of, warta_exe

POLL = 0.1


def answers(url: str, needle: str | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return needle is None or needle in body


def wait_for(url: str, needle: str | None, limit: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if answers(url, needle):
            return time.perf_counter() - started
        time.sleep(POLL)
    sys.exit(f"FAILED: {url} did not answer{' with ' + needle if needle else ''} in {limit} s")


def port_free(port: int) -> bool:
    """Whether nothing listens on ``127.0.0.1:port`` (else another server would answer the
    polls, and the bench would time it instead of the preview)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="bench_build.py's --workdir")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--edits", type=int, default=3, help="edits timed (each one sentence)")
    parser.add_argument("--cold", action="store_true", help="start with a fresh cache folder")
    args = parser.parse_args()
    root = args.workdir / "repo"
    if not root.is_dir():
        sys.exit(f"{root}: no kept newsroom (bench_build.py --workdir {args.workdir} --keep)")
    if not port_free(args.port):
        sys.exit(f"FAILED: 127.0.0.1:{args.port} is in use; pick another --port")
    env = bench_env(args.workdir)
    if args.cold:
        env["XDG_CACHE_HOME"] = str(args.workdir / "xdg-cache-preview")
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
    env["WARTA_TRUST_ROOT"] = pin_of(root, env)
    folder = add_draft(root)
    page = folder / "index.md"
    url = f"http://127.0.0.1:{args.port}/"
    draft_url = url + folder.relative_to(root / "content").as_posix() + "/"
    items = len(list((root / "content" / "berita").glob("*/*/index.md"))) - 1
    log = (args.workdir / "preview.log").open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [warta_exe(), "preview", "-a", f"127.0.0.1:{args.port}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(url, None, 600)
        first = time.perf_counter() - started  # from the start of the process
        if proc.poll() is not None:
            sys.exit(f"FAILED: warta preview ended ({proc.returncode}); see {log.name}")
        print(f"machine     : {cpu_model()}")
        print(f"newsroom    : {items} items and one draft ({DRAFT}), {root}")
        print(f"first page  : {first:8.2f} s   (warta preview started -> home page answers)")
        wait_for(draft_url, None, 60)
        for n in range(1, args.edits + 1):
            sentence = f"Kalimat suntingan nomor {n} untuk pratinjau."
            text = page.read_text(encoding="utf-8")
            page.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
            took = wait_for(draft_url, sentence, 600)
            print(f"edit {n}      : {took:8.2f} s   (draft saved -> its page shows the edit)")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
