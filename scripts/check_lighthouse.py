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

With ``--newsroom N`` it measures a newsroom of N generated items instead
(``scripts/bench/bench_build.py --generate-only``: realistic Indonesian bodies, each with a real
800x450 JPEG lead photo, so the site's clean copies, ``srcset`` and the list's pages are what
is measured), at the home page, the news list, its second page and the newest article.

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
from typing import BinaryIO
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

    def send_head(self) -> io.BytesIO | BinaryIO | None:
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


def newsroom(count: int, work: Path) -> tuple[Path, tuple[str, ...]]:
    """A generated newsroom of ``count`` items built into ``work``/site (as the build
    benchmark makes it), and the pages to measure there."""
    bench = ROOT / "scripts" / "bench"
    subprocess.run(
        [sys.executable, str(bench / "bench_build.py"), "--items", str(count), "--workdir",
         str(work), "--keep", "--generate-only"],
        check=True, stdout=subprocess.DEVNULL,
    )
    sys.path.insert(0, str(bench))
    from newsroom import bench_env, pin_of  # noqa: PLC0415 - the benchmark's own helpers

    env = bench_env(work)
    env["WARTA_TRUST_ROOT"] = pin_of(work / "repo", env)
    site = work / "site"
    warta = Path(sys.executable).parent / "warta"
    subprocess.run([str(warta), "build", "-q", "-d", str(site)], check=True, cwd=work / "repo",
                   env=env, stderr=subprocess.DEVNULL)
    home = (site / "berita" / "index.html").read_text(encoding="utf-8")
    newest = home.split('class="warta-card__title"><a href="', 1)[1].split('"', 1)[0]
    return site, ("", "berita/", "berita/halaman/2/", "berita/" + newest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median)")
    parser.add_argument("--page", action="append", help="a path in the site (repeatable)")
    parser.add_argument("--site", type=Path, help="a built site, instead of building one")
    parser.add_argument("--newsroom", type=int, metavar="N",
                        help="a generated newsroom of N items with photos, not the sample")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    binary = lighthouse()
    pages: tuple[str, ...] = PAGES
    with tempfile.TemporaryDirectory(prefix="warta-lighthouse-") as tmp:
        site = args.site
        if args.newsroom:
            site, pages = newsroom(args.newsroom, Path(tmp))
        elif site is None:
            site = Path(tmp) / "site"
            warta = Path(sys.executable).parent / "warta"
            subprocess.run([str(warta), "build", "-d", str(site)], check=True, cwd=ROOT)
        failed = False
        print(f"lighthouse {LIGHTHOUSE}, mobile, median of {args.runs}; {', '.join(CATEGORIES)}")
        with serve(site) as base:
            for page in args.page or pages:
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
