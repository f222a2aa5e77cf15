#!/usr/bin/env python3
"""Benchmark `warta laporan` on a year of generated news (run by hand; not a test).

    python scripts/bench/bench_laporan.py                  # 3,000 items over 2026
    python scripts/bench/bench_laporan.py --items 500      # a quick run
    python scripts/bench/bench_laporan.py --workdir /tmp/b --keep

It builds a repository with scripts/bench/newsroom.py, as bench_validate.py does (real
ssh-keygen keys, the real sop.yml with its office hours and holidays, workflow signed by
`warta trust sign`, every record signed in-process with the same bytes as ssh-keygen, a body
of several KB and a photo per item), but with realistic, varied timings: items spread over
the working days of January to November 2026, each step taking a random time (some over the
Mutu Baku), one item in fifteen returned once to the writer, and the last ones of the year
still open. Then it times `warta laporan --periode 2026` (the installed entry point, a child
process) in each format, cold (no cache) and warm, and prints the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsroom import (
    BODY,
    HOLIDAYS,
    OFFICE,
    WIB,
    FastSigner,
    build_repo,
    cpu_model,
    make_keys,
    photo,
    run,
    warta_exe,
    working_days,
)

from warta.adapters import newitem
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.model.item import RETURN, Attachment, Signoff, content_digest
from warta.model.signing import chain_digest, payload, take_back_payload

#: A long body: several paragraphs, a heading and a list, like a real item.
LONG = BODY + "\n## Rincian kegiatan\n\n" + "".join(
    f"- Desa {k}: penimbangan, makanan tambahan dan penyuluhan gizi.\n" for k in range(12)
) + "\n" + BODY * 3


def _sign(  # noqa: PLR0917
    signer: FastSigner, item_id: str, step: str, by: str, at: datetime, digest: str,
          prev: str | None) -> Signoff:
    message = payload(item_id, step=step, by=by, at_text=at.isoformat(), content=digest,
                      prev=prev, office=OFFICE)
    return Signoff(step, by, at, None, signer.sign(message).strip(), digest)


def _return(  # noqa: PLR0917
    signer: FastSigner, item_id: str, by: str, at: datetime, digest: str,
            prev: str | None) -> Signoff:
    """The Kabag sends the item back to the writer (signed like `warta return`)."""
    reason = "lengkapi data"
    message = take_back_payload(item_id, action=RETURN, to="penulisan", reason=reason, by=by,
                                at_text=at.isoformat(), content=digest, prev=prev,
                                office=OFFICE)
    return Signoff("", by, at, None, signer.sign(message).strip(), digest, action=RETURN,
                   to="penulisan", reason=reason)


def build_items(root: Path, signers: dict[str, FastSigner], count: int) -> int:
    """``count`` items over 2026's working days; returns how many are still open."""
    days = [d for d in working_days(date(2026, 1, 5), 240)
            if d not in HOLIDAYS and d < date(2026, 11, 28)]
    rng = random.Random(2026)
    open_items = 0
    for n in range(count):
        day = days[n * len(days) // count]
        slug = f"laporan-{n:05d}"
        item_id = f"{day:%Y%m%d}-{slug}"
        text = newitem.skeleton(item_id, title=f"Posyandu Serentak di Desa {n}", slug=slug,
                                day=day, initial_status="usulan",
                                categories=["Kesehatan"], description=f"Posyandu {n}")
        text = text.replace("KABUPATEN – Tulis berita di sini.\n", LONG.format(n=n))
        folder = root / "content" / "berita" / f"{day:%Y}" / slug
        (folder / "images").mkdir(parents=True)
        data = photo(rng, 200 * 1024)
        (folder / "images" / "foto.jpg").write_bytes(data)
        files = [Attachment("images/foto.jpg", "sha256:" + hashlib.sha256(data).hexdigest())]
        text = rewrite_workflow(text, status="usulan", approved_by=None, signoffs=(), files=files)
        item = parse_item(text, slug).item
        assert item is not None
        digest = content_digest(item.fields, item.body)
        at = datetime.fromisoformat(f"{day}T{8 + rng.randrange(5):02d}:{rng.randrange(60):02d}"
                                    f":00{WIB}")
        writer = rng.choice(("dimas", "ayu"))
        plan = [("disposisi", "hendra"), ("perintah", "sri"), ("penulisan", writer),
                ("laporan", "sri"), ("pengesahan", "hendra"), ("kompilasi", "sri")]
        stop = len(plan) if n < count - 40 else rng.randrange(1, len(plan))
        offs: list[Signoff] = []
        prev: str | None = None
        for index, (step, who) in enumerate(plan[:stop]):
            if index:
                minutes = (rng.choice((60 * 24, 60 * 30, 60 * 50, 60 * 75)) if step == "penulisan"
                           else 60 * 24 + rng.randrange(600) if step == "kompilasi"
                           else rng.choice((2, 3, 4, 4, 5, 5, 6, 9, 25)))
                at += timedelta(minutes=minutes)
            if step == "laporan" and n % 15 == 0:
                back = _return(signers["hendra"], item_id, "hendra", at, digest, prev)
                offs.append(back)
                prev = chain_digest(back.sig or "")
                at += timedelta(hours=20)
                again = _sign(signers[writer], item_id, "penulisan", writer, at, digest, prev)
                offs.append(again)
                prev = chain_digest(again.sig or "")
                at += timedelta(minutes=4)
            record = _sign(signers[who], item_id, step, who, at, digest, prev)
            offs.append(record)
            prev = chain_digest(record.sig or "")
        status = {1: "ditugaskan", 2: "diliput", 3: "ditulis", 4: "dilaporkan",
                  5: "disetujui", 6: "dicetak"}[stop]
        open_items += stop < len(plan)
        final = rewrite_workflow(text, status=status,
                                 approved_by="hendra" if stop >= 5 else None,
                                 signoffs=tuple(offs), revision=2 if n % 15 == 0 else None)
        (folder / "index.md").write_text(final, encoding="utf-8")
    return open_items


def timed(root: Path, env: dict[str, str], *args: str) -> float:
    """Seconds one `warta laporan --periode 2026 ARGS` takes (a child process)."""
    return timed_command(root, env, "laporan", "--periode", "2026", "--at",
                         "2026-11-30T16:00:00+07:00", *args)


def timed_command(root: Path, env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([warta_exe(), *args], cwd=root, env=env, capture_output=True,
                          check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(done.stderr.decode())
    return seconds


def build(work: Path, root: Path, env: dict[str, str], count: int) -> None:
    """A fresh repository of ``count`` items at ``root``, committed; sets the pin in ``env``."""
    for old in (root, work / "keys", work / "cache", work / "state"):
        shutil.rmtree(old, ignore_errors=True)
    keys = make_keys(work / "keys")
    pin = build_repo(root, keys, env)
    env["WARTA_TRUST_ROOT"] = pin
    signers = {p: FastSigner.load(k) for p, k in keys.items()}
    start = time.perf_counter()
    open_items = build_items(root, signers, count)
    print(f"built {count} items ({open_items} open) in {time.perf_counter() - start:.1f} s")
    run(["git", "add", "-A"], cwd=root)
    run(["git", "commit", "-qm", "bench"], cwd=root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="time the repository a run with --keep left in --workdir")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-laporan-"))
    root = work / "repo"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "XDG_CACHE_HOME": str(work / "cache"),
           "XDG_STATE_HOME": str(work / "state"), "XDG_CONFIG_HOME": str(work / "config"),
           "LC_MESSAGES": "en_US.UTF-8", "WARTA_NOW": "2026-11-30T16:00:00+07:00"}
    if args.reuse and root.is_dir():
        env["WARTA_TRUST_ROOT"] = (
            run([warta_exe(), "trust", "show"], cwd=root, env=env).stdout.decode().split()[0]
        )
        shutil.rmtree(work / "cache", ignore_errors=True)
    else:
        build(work, root, env, args.items)
    out = work / "out"
    out.mkdir(exist_ok=True)
    cold_validate = timed_command(root, env, "validate", "--no-cache", "--format", "json")
    cold = timed(root, env, "--no-cache", "--format", "json", "--output", str(out / "l.json"))
    first = timed(root, env, "--format", "json", "--output", str(out / "l.json"))
    status = timed_command(root, env, "status", "--format", "json")
    validate = timed_command(root, env, "validate", "--format", "json")
    figures = {}
    for fmt in ("json", "csv", "html", "pdf"):
        figures[fmt] = timed(root, env, "--format", fmt, "--output", str(out / f"l.{fmt}"))
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
          f" load average {os.getloadavg()[0]:.1f}")
    print(f"warta laporan --periode 2026, {args.items} items:")
    print(f"  cold (--no-cache, json): {cold:.2f} s"
          f" (warta validate --no-cache: {cold_validate:.2f} s)")
    print(f"  first run with caches (fills them, json): {first:.2f} s")
    print(f"  for comparison, warm: warta status {status:.2f} s, warta validate {validate:.2f} s")
    for fmt, seconds in figures.items():
        size = (out / f"l.{fmt}").stat().st_size
        print(f"  warm --format {fmt}: {seconds:.2f} s ({size / 1024:.0f} KB)")
    if not args.keep and args.workdir is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
