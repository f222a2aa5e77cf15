"""Time the post-build audit of `warta build` on a site already built (run by hand; not a
test).

The audit reads every output file for the places it leads to and compares them with the
unpublished items. This times it on the output of a real build (for example the site
`bench_build.py --keep` leaves in its workdir), with 1 and with many unpublished items (made
up: ``berita/2026/draf-N/``, which no page links to, so the audit finds nothing and reads
everything), in one process: without a cache, then with the audit's cache, filled by a first
run and read by a second. Run it once with each version of Warta on the same site
(``PYTHONPATH=<checkout>/scripts``) to compare them side by side.

    python scripts/bench/bench_audit.py --site /tmp/bb1000/out-warta --drafts 1 200
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from warta.mkdocs_plugin import commands
from warta.site import audit


def _tokens(count: int) -> list[audit.Token]:
    unpublished = [
        (f"content/berita/2026/draf-{n}/index.md", f"id-draf-{n}", f"berita/2026/draf-{n}/")
        for n in range(count)
    ]
    return audit.tokens(unpublished)


def _auditcache() -> ModuleType | None:
    """The audit's cache (None: a version of Warta from before it)."""
    try:
        return importlib.import_module("warta.mkdocs_plugin.auditcache")
    except ImportError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site folder")
    parser.add_argument("--drafts", type=int, nargs="+", default=[1, 200])
    args = parser.parse_args()
    site: Path = args.site
    if not site.is_dir():
        parser.error(f"{site}: not a folder")
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"site     : {site}: {len(files)} files, {size / 1e6:.1f} MB")
    print(f"warta    : {Path(commands.__file__).parents[2]}")
    print(f"machine  : nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    print()
    print("| unpublished items | no cache | cache filled | cache read | leaks |")
    print("|---|---|---|---|---|")
    cached = _auditcache()
    for count in args.drafts:
        tokens = _tokens(count)
        row = [str(count)]
        start = time.perf_counter()
        found = commands.audit_site(site, tokens, jobs=1)
        row.append(f"{time.perf_counter() - start:.2f} s")
        if cached is not None:
            with tempfile.TemporaryDirectory() as cache:
                os.environ["XDG_CACHE_HOME"] = cache
                for _ in range(2):
                    store = cached.AuditStore.open(Path(cache) / "repo", "")
                    start = time.perf_counter()
                    again = commands.audit_site(site, tokens, jobs=1, store=store)
                    row.append(f"{time.perf_counter() - start:.2f} s")
                    if again != found:
                        print("the cached audit found something else", file=sys.stderr)
                        return 1
        else:
            row += ["(no cache in this version)"] * 2
        row.append(str(len(found)))
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
