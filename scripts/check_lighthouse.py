"""Lighthouse on the sample site, as a phone sees it: a documented check, run by hand.

    .venv/bin/python scripts/check_lighthouse.py             # 3 runs per page, median scores
    .venv/bin/python scripts/check_lighthouse.py --runs 1 --page berita/

It builds the repository's site (``warta build -d`` into a temporary folder), serves it on
127.0.0.1 with gzip, as any web host serves text, and runs Lighthouse (npm package
``lighthouse``, pinned below, installed with npm into ~/.cache/warta/ on first use) in its
default mobile mode (Moto G Power screen, simulated slow 4G and 4x CPU slowdown) against the
home page, the news list and an article, with Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium). It prints the four category scores of each page (the median of --runs
runs) and exits 1 when a score is under its target: performance 0.95, accessibility, best
practices and SEO 1.0.

Not part of the test suite: it needs npm, which the Quick start does not install. The
accessibility test that is (tests/site/test_site_a11y.py) runs axe-core itself.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

LIGHTHOUSE = "12.8.2"  # 13.x needs Node 22; Debian 12/13 ship Node 18/20
CACHE = Path.home() / ".cache" / "warta" / f"lighthouse-{LIGHTHOUSE}"
PAGES = ("", "berita/", "berita/2026/jembatan-gantung-cibening/")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
TEXT = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")
ROOT = Path(__file__).resolve().parent.parent


class _Gzip(SimpleHTTPRequestHandler):
    """Static files, text ones gzipped when the browser accepts it (as a web host does)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in TEXT):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Gzip, directory=directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def lighthouse() -> Path:
    """The pinned Lighthouse, installed with npm into the cache folder on first use."""
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE} into {CACHE}", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE),
             f"lighthouse@{LIGHTHOUSE}"],
            check=True, stdout=subprocess.DEVNULL,
        )
    return binary


def scores(binary: Path, url: str, chrome: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            check=True, env={**os.environ, "CHROME_PATH": chrome},
        )
        categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: float(categories[name]["score"]) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median)")
    parser.add_argument("--page", action="append", help="a path in the site (repeatable)")
    parser.add_argument("--site", type=Path, help="a built site, instead of building one")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    binary = lighthouse()
    with tempfile.TemporaryDirectory(prefix="warta-lighthouse-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            warta = Path(sys.executable).parent / "warta"
            subprocess.run([str(warta), "build", "-d", str(site)], check=True, cwd=ROOT)
        failed = False
        print(f"lighthouse {LIGHTHOUSE}, mobile, median of {args.runs}; {', '.join(CATEGORIES)}")
        with serve(site) as base:
            for page in args.page or PAGES:
                runs = [scores(binary, base + page, chrome) for _ in range(args.runs)]
                median = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
                low = [c for c in CATEGORIES if median[c] < TARGETS[c]]
                failed = failed or bool(low)
                shown = "  ".join(f"{c} {median[c]:.2f}" for c in CATEGORIES)
                if len(runs) > 1:  # performance varies with the machine's load: each run
                    each = ", ".join(f"{r['performance']:.2f}" for r in runs)
                    shown += f"  (performance runs: {each})"
                print(f"/{page:<42} {shown}" + (f"  UNDER TARGET: {', '.join(low)}" if low else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
