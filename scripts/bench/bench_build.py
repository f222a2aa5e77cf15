#!/usr/bin/env python3
"""Benchmark `warta build` beside a stock MkDocs Material blog of the same news (run by hand;
not a test).

    python scripts/bench/bench_build.py --items 1000                   # generate, then time
    python scripts/bench/bench_build.py --items 1000 --workdir /tmp/bb --keep --generate-only
    python scripts/bench/bench_build.py --workdir /tmp/bb --reuse      # time what was kept
    python scripts/bench/bench_build.py --workdir /tmp/bb --reuse --rss   # stock with its feed

What it does, in one run:

1. generates a signed newsroom of ``--items`` items with newsroom.py (as bench_validate.py
   does): with ``--bodies realistic`` (the default) every item a different Indonesian news
   story of about 3.6 KB with a real JPEG lead photo under ``image:``, listed under ``files``
   with its SHA-256, all six SOP steps signed;
2. copies the same posts into a stock project (WORKDIR/stock): Material's built-in ``blog``
   plugin and ``search``, language ``id``, the newsroom's own Markdown extensions, each post
   under docs/blog/posts/ with the blog's front-matter (``date``, ``categories``,
   ``authors`` from a .authors.yml), the same body and photo (a figure with its caption
   before the lead, ``<!-- more -->`` after it); with ``--rss`` also mkdocs-rss-plugin
   (installed by hand into this environment, never a dependency of Warta);
3. times, each a child process, with the CPU time of its process tree and its peak memory
   (newsroom.TreeSampler): ``warta build -d OUT`` cold (a fresh XDG_CACHE_HOME), warm (same
   cache, nothing changed), after one item's body was edited and its six steps signed again
   (it stays publishable: a changed item, the rest cached), after one unsigned draft item was
   added (left out), again with the draft there (a newsroom always has drafts, so every
   build of one checks its output for them), and stock ``mkdocs build``; the edit and the
   draft are undone at the end;
4. measures the floor in this process, on one core, as CPU time (on an idle machine the
   same as its wall time; on a shared one, not inflated by the others): rendering every
   body once with Python-Markdown and the extensions the newsroom's mkdocs.yml configures,
   plus verifying every signature once with cryptography's Ed25519 (newsroom.floor);
5. prints a table (Markdown) with the ratios stock/warta-cold and warta-cold/floor (by wall
   and by CPU time), the machine (CPU, cores, load average before and after) and the
   versions; it stops with FAILED (exit 1) as soon as a warta build does not publish all N
   items (its log line and its item pages) or the stock build does not write N post pages.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml
from mkdocs.utils.yaml import yaml_load
from newsroom import (
    BODIES,
    PLAN,
    Run,
    Signed,
    bench_env,
    build_items,
    build_repo,
    cpu_model,
    floor,
    kept_keys,
    make_keys,
    news_days,
    pin_of,
    sign_steps,
    signed_in,
    signers_of,
    story_text,
    time_command,
    warta_exe,
)
from stories import story

from warta.adapters.frontmatter import split
from warta.adapters.items import parse_item

ITEMS = "content/berita"
DRAFT = "draf-bench"  # the slug of the unsigned draft a run adds (and removes)
EDIT = "*Diperbarui: keterangan narasumber ditambahkan setelah berita terbit.*"
PUBLISHED = re.compile(r"warta: (\d+) items? published; (\d+) files? in berita/ left out")
AUTHORS = """\
authors:
  dimas:
    name: Dimas Prasetyo, A.Md.
    description: Staf Bagian Kominfo dan Humas
    avatar: assets/logo.svg
  ayu:
    name: Ayu Lestari, S.I.Kom.
    description: Staf Bagian Kominfo dan Humas
    avatar: assets/logo.svg
"""
STOCK = """\
site_name: Warta Kabupaten Sukamaju
site_url: https://warta.sukamajukab.go.id/
theme:
  name: material
  language: id
  font: false
  logo: assets/logo.svg
  palette: {{scheme: default, primary: red, accent: amber}}
  features: [navigation.tabs, navigation.top, search.suggest, search.highlight]
plugins:
  - search:
      lang: id
  - blog:
      authors_profiles: true
      pagination_per_page: 10
{rss}
{extensions}"""
RSS = """\
  - rss:
      match_path: "blog/posts/.*"
      date_from_meta:
        as_creation: date
      use_git: false
      length: 20
"""


# ---- the stock project -----------------------------------------------------------------------


def extensions_block(mkdocs_yml: str) -> str:
    """The ``markdown_extensions:`` block of a mkdocs.yml, as written there."""
    lines = mkdocs_yml.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("markdown_extensions:"))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
        end += 1
    return "".join(lines[start:end])


def stock_post(fields: dict[str, Any], body: str) -> str:
    """An item (its front-matter and body) as a post of Material's blog: its title,
    description, date, categories, writer, and the same body with the lead photo as a figure
    before the lead."""
    front = {
        "title": fields["title"],
        "description": fields.get("description", ""),
        "date": fields["date"],
        "slug": fields["slug"],
        "categories": fields.get("categories", []),
        "authors": [s["by"] for s in fields["signoffs"] if s.get("step") == "penulisan"],
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    lead, _, rest = body.strip("\n").partition("\n\n")
    image = fields.get("image")
    figure = ""
    if isinstance(image, dict):
        caption = f"{image.get('caption', '')} {image.get('credit', '')}".strip()
        figure = (
            f'<figure markdown="span">\n  ![{image["alt"]}]({image["src"]})\n'
            f"  <figcaption>{caption}</figcaption>\n</figure>\n\n"
        )
    return f"---\n{head}---\n\n{figure}{lead}\n\n<!-- more -->\n\n{rest}\n"


def write_stock(root: Path, stock: Path, rss: bool) -> int:
    """The stock project at ``stock`` with every approved item of ``root`` as a post (with
    copies of its photos); returns how many posts."""
    shutil.rmtree(stock, ignore_errors=True)
    posts = stock / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (stock / "docs" / "assets").mkdir()
    shutil.copy(root / "content" / "assets" / "logo.svg", stock / "docs" / "assets" / "logo.svg")
    (stock / "docs" / "index.md").write_text("# Warta Kabupaten Sukamaju\n", encoding="utf-8")
    (stock / "docs" / "blog" / "index.md").write_text("# Berita\n", encoding="utf-8")
    (stock / "docs" / "blog" / ".authors.yml").write_text(AUTHORS, encoding="utf-8")
    config = STOCK.format(
        rss=RSS if rss else "",
        extensions=extensions_block((root / "mkdocs.yml").read_text(encoding="utf-8")),
    )
    (stock / "mkdocs.yml").write_text(config, encoding="utf-8")
    count = 0
    for path in item_files(root):
        parts = split(path.read_text(encoding="utf-8"))
        fields = yaml.safe_load(parts.yaml_text)
        if not fields.get("signoffs"):
            continue
        folder = posts / path.parent.name  # the post and its photos, as in the newsroom
        (folder / "images").mkdir(parents=True)
        (folder / "index.md").write_text(stock_post(fields, parts.body), encoding="utf-8")
        for entry in fields.get("files", []):
            # copied: Warta refuses a listed file with another name (files.hardlink)
            shutil.copyfile(path.parent / entry["path"], folder / entry["path"])
        count += 1
    return count


# ---- the edit and the draft ------------------------------------------------------------------


def edit_and_resign(root: Path, path: Path, keys: dict[str, Path]) -> None:
    """A paragraph added to the item's body, and its steps signed again as they were (by the
    same people at the same times), over the new content: it stays publishable."""
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(root).as_posix()
    item = parse_item(text, where).item
    assert item is not None
    steps = [(s.step, s.by, s.at) for s in item.signoffs]
    edited, _ = sign_steps(text.rstrip("\n") + f"\n\n{EDIT}\n", where, steps, signers_of(keys))
    path.write_text(edited, encoding="utf-8")


def add_draft(root: Path) -> Path:
    """An unsigned draft (status usulan, no signoff): the site must leave it out."""
    day = news_days()[-1]
    text = story_text(f"{day:%Y%m%d}-{DRAFT}", DRAFT, day, story(random.Random(DRAFT), day), None)
    folder = root / ITEMS / f"{day:%Y}" / DRAFT
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return folder


# ---- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    label: str
    run: Run
    published: int
    left_out: int
    pages: int


def warta_build(label: str, warta: str, root: Path, env: dict[str, str], out: Path) -> Build:
    timed = time_command([warta, "build", "-d", str(out)], root, env, out.parent / "warta.log")
    found = PUBLISHED.findall(timed.output)
    if len(found) != 1:
        sys.exit(f"{label}: no 'warta: N items published' line in the build's output")
    published, left_out = (int(x) for x in found[0])
    pages = 0
    for path in item_files(root):
        page = out / path.parent.relative_to(root / "content") / "index.html"  # berita/Y/SLUG/
        if path.parent.name != DRAFT:
            pages += page.is_file()
        elif page.exists():
            sys.exit(f"FAILED: {label}: the unsigned draft was published")
    return Build(label, timed, published, left_out, pages)


def stock_build(label: str, stock: Path, env: dict[str, str], out: Path) -> Build:
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", str(stock / "mkdocs.yml")]
    timed = time_command([*mkdocs, "-d", str(out)], stock, env, out.parent / "stock.log")
    pages = len(list(out.glob("blog/[0-9]*/[0-9]*/[0-9]*/*/index.html")))
    return Build(label, timed, pages, 0, pages)


def check(build: Build, items: int, left_out: int) -> None:
    """Exit loudly unless the build published every item (and left out what it should)."""
    if (build.published, build.pages, build.left_out) != (items, items, left_out):
        sys.exit(
            f"FAILED: {build.label}: {build.published} published, {build.pages} item pages,"
            f" {build.left_out} left out; expected {items}, {items} and {left_out}"
        )


def render_floor(root: Path, bodies: list[str]) -> float:
    """CPU seconds to render every body once with Python-Markdown and the newsroom's
    extensions, in this process."""
    config = yaml_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    settings: dict[str, dict[str, object]] = {}
    for entry in config.get("markdown_extensions", []):
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            settings[name] = options or {}
        else:
            name = entry
        names.append(name)
    md = markdown.Markdown(extensions=names, extension_configs=settings)
    for body in bodies[:20]:  # warm up
        md.reset().convert(body)
    started = time.process_time()
    for body in bodies:
        md.reset().convert(body)
    return time.process_time() - started


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def report(builds: list[Build], floor_parts: tuple[float, float], facts: dict[str, str]) -> None:
    for key, value in facts.items():
        print(f"{key:<12}: {value}")
    print()
    print("| build | wall | CPU (tree) | peak memory: largest RSS / tree PSS | published |")
    print("|---|---|---|---|---|")
    for b in builds:
        r = b.run
        print(
            f"| {b.label} | {r.seconds:.2f} s | {r.cpu:.2f} s |"
            f" {r.maxrss_mib:.0f} / {r.tree_mib:.0f} MiB | {b.published} |"
        )
    rendering, verifying = floor_parts
    total = rendering + verifying
    print(
        f"| floor: Markdown of every body ({rendering:.2f} s) + Ed25519 verification of every"
        f" signature ({verifying:.2f} s), in this process, one core | {total:.2f} s"
        f" | {total:.2f} s | | |"
    )
    cold, stock = builds[0].run, builds[-1].run
    print()
    print(
        f"stock / warta cold : {stock.seconds / cold.seconds:.2f}x wall,"
        f" {stock.cpu / cold.cpu:.2f}x CPU"
    )
    print(f"warta cold / floor : {cold.seconds / total:.1f}x wall, {cold.cpu / total:.1f}x CPU")
    print("(the floor is CPU time: on an idle machine, its wall time too)")


# ---- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000, help="number of items (1000)")
    parser.add_argument(
        "--bodies", choices=BODIES, default="realistic", help="realistic (the default) or short"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (temporary)")
    parser.add_argument("--keep", action="store_true", help="keep what was generated")
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the newsroom (kept), time nothing"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the newsroom kept in --workdir again"
    )
    parser.add_argument(
        "--rss", action="store_true", help="add mkdocs-rss-plugin to the stock project"
    )
    parser.add_argument("--warta", default=None, help="the warta command (the installed one)")
    return parser.parse_args()


@dataclass
class Bench:
    """One run's places and settings."""

    work: Path
    env: dict[str, str]
    warta: str
    items: int = 0

    @property
    def root(self) -> Path:
        return self.work / "repo"

    @property
    def stock(self) -> Path:
        return self.work / "stock"


def prepare(bench: Bench, args: argparse.Namespace) -> tuple[dict[str, Path], list[Signed], str]:
    """The newsroom (generated, or the kept one read again) and its stock copy: the keys,
    every signature, and a line that describes it."""
    started = time.perf_counter()
    root = bench.root
    reuse = args.reuse and root.is_dir()
    if reuse:
        keys = kept_keys(bench.work / "keys")
        bench.env["WARTA_TRUST_ROOT"] = pin_of(root, bench.env, bench.warta)
        for stale in (root / ITEMS).glob(f"*/{DRAFT}"):  # left by a run that was stopped
            shutil.rmtree(stale)
        signed = signed_in(root, bench.env["WARTA_TRUST_ROOT"])
    else:
        for old in (root, bench.work / "keys", bench.work / "xdg-state"):
            shutil.rmtree(old, ignore_errors=True)
        keys = make_keys(bench.work / "keys")
        bench.env["WARTA_TRUST_ROOT"] = build_repo(root, keys, bench.env)
        signers = signers_of(keys)
        signed = build_items(
            root, signers, count=args.items, attachments=1, photo_kb=150, bodies=args.bodies
        )
    bench.items = len(signed) // len(PLAN)
    posts = write_stock(root, bench.stock, args.rss)
    if posts != bench.items:
        sys.exit(f"FAILED: the stock project has {posts} posts for {bench.items} items")
    bodies = [split(p.read_text(encoding="utf-8")).body for p in item_files(root)]
    photos = [p.stat().st_size for p in root.glob(f"{ITEMS}/*/*/images/*")]
    line = (
        f"{bench.items} items ({'kept' if reuse else args.bodies} bodies: mean"
        f" {statistics.mean(len(b.encode()) for b in bodies) / 1024:.1f} KB; photos: mean"
        f" {statistics.mean(photos) / 1024:.0f} KB), {len(signed)} signatures;"
        f" {'read' if reuse else 'generated'} in {time.perf_counter() - started:.1f} s"
    )
    return keys, signed, line


def item_files(root: Path) -> list[Path]:
    return sorted((root / ITEMS).glob("*/*/index.md"))


def measure(bench: Bench, keys: dict[str, Path], rss: bool) -> list[Build]:
    """The five warta builds and the stock one, each checked; the edit and the draft undone."""
    root, env, warta, items = bench.root, bench.env, bench.warta, bench.items
    shutil.rmtree(bench.work / "xdg-cache", ignore_errors=True)  # cold: no cache, no cache key
    out = bench.work / "out-warta"
    shutil.rmtree(out, ignore_errors=True)
    os.sync()  # no writing back of the fresh corpus while it builds
    builds = [warta_build("`warta build`, cold (fresh XDG_CACHE_HOME)", warta, root, env, out)]
    check(builds[-1], items, 0)
    builds.append(warta_build("`warta build`, warm (nothing changed)", warta, root, env, out))
    check(builds[-1], items, 0)
    files = item_files(root)
    edited = files[len(files) // 2]
    original = edited.read_text(encoding="utf-8")
    draft: Path | None = None
    try:
        edit_and_resign(root, edited, keys)
        label = "`warta build`, one item's body edited and its 6 steps re-signed"
        builds.append(warta_build(label, warta, root, env, out))
        check(builds[-1], items, 0)
        draft = add_draft(root)
        label = "`warta build`, then one unsigned draft added (left out)"
        builds.append(warta_build(label, warta, root, env, out))
        check(builds[-1], items, 1)
        # a newsroom always has drafts: its builds all check the output for them
        label = "`warta build`, again with the draft there (nothing changed)"
        builds.append(warta_build(label, warta, root, env, out))
        check(builds[-1], items, 1)
    finally:
        edited.write_text(original, encoding="utf-8")
        if draft is not None:
            shutil.rmtree(draft)
    out = bench.work / "out-stock"
    shutil.rmtree(out, ignore_errors=True)
    label = "stock `mkdocs build`, Material blog + search" + (" + rss" if rss else "")
    builds.append(stock_build(label, bench.stock, env, out))
    check(builds[-1], items, 0)
    return builds


def main() -> int:
    args = parse_args()
    if args.rss and importlib.util.find_spec("mkdocs_rss_plugin") is None:
        sys.exit("--rss: mkdocs-rss-plugin is not installed here (pip install mkdocs-rss-plugin)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="warta-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, bench_env(work), args.warta or warta_exe())
    try:
        keys, signed, newsroom = prepare(bench, args)
        print(f"newsroom    : {newsroom}\nrepository  : {bench.root}\nstock       : {bench.stock}")
        if args.generate_only:
            return 0
        load_before = os.getloadavg()
        builds = measure(bench, keys, args.rss)
        bodies = [split(p.read_text(encoding="utf-8")).body for p in item_files(bench.root)]
        floor_parts = (render_floor(bench.root, bodies), floor(signed, time.process_time)[0])
        load_after = os.getloadavg()
        software = (
            f"Python {platform.python_version()}, mkdocs {version('mkdocs')}, mkdocs-material"
            f" {version('mkdocs-material')}, Markdown {version('Markdown')}"
        )
        facts = {
            "newsroom": newsroom,
            "machine": f"{cpu_model()}, nproc {len(os.sched_getaffinity(0))}; load average"
            f" {load_before[0]:.2f} before, {load_after[0]:.2f} after",
            "software": software
            + (f", mkdocs-rss-plugin {version('mkdocs-rss-plugin')}" if args.rss else ""),
        }
        report(builds, floor_parts, facts)
        sizes = [
            (out / "search" / "search_index.json").stat().st_size
            for out in (bench.work / "out-warta", bench.work / "out-stock")
        ]
        print(f"search index       : warta {sizes[0]:,} bytes, stock {sizes[1]:,} bytes")
        return 0
    finally:
        if not (args.keep or args.reuse or args.generate_only):
            for made in ("repo", "stock", "keys", "out-warta", "out-stock"):
                shutil.rmtree(work / made, ignore_errors=True)
            for made in ("xdg-cache", "xdg-state"):
                shutil.rmtree(work / made, ignore_errors=True)
            if args.workdir is None:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
