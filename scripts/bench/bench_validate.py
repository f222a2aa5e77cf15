#!/usr/bin/env python3
"""Benchmark `warta validate` on a large generated newsroom (run by hand; not a test).

    python scripts/bench/bench_validate.py              # 10,000 items x 6 signoffs, 1 photo each
    python scripts/bench/bench_validate.py --items 2000 # a quick run
    python scripts/bench/bench_validate.py --attachments 0   # items without files
    python scripts/bench/bench_validate.py --bodies realistic # varied 3.6 KB stories, JPEGs
    python scripts/bench/bench_validate.py --profile    # also cProfile one cold run
    python scripts/bench/bench_validate.py --workdir /tmp/b --keep   # keep the repository
    python scripts/bench/bench_validate.py --workdir /tmp/b --reuse  # time it again

What it does, in one run:

1. makes ed25519 keys with ssh-keygen (admin, hendra, sri, dimas, ayu) and a repository
   with the real workflow/sop.yml, a roster, a trust root and workflow files signed by
   `warta trust sign` (newsroom.py, shared with bench_build.py);
2. writes N items, each taken through all six SOP steps, each with ``--attachments`` photos
   beside it (``--photo-kb`` each, listed under ``files`` with their SHA-256, so every
   signature covers them; with ``--bodies realistic`` the first is a real JPEG lead photo
   and every body a different story). Each signoff is signed in-process
   with the ``cryptography`` Ed25519 private key loaded from the ssh-keygen key file,
   producing an SSHSIG armoured signature byte-identical to ``ssh-keygen -Y sign`` (Ed25519
   is deterministic; this is checked on a few payloads), and a random sample is verified
   with ``ssh-keygen -Y verify``;
3. times `warta validate` (the installed entry point, a child process; or ``--warta CMD``,
   e.g. another checkout) cold (no cache yet, the corpus synced to disk first), warm
   (with the verdict and signature caches) and with ``--no-cache`` (as a CI gate runs it:
   the caches neither read nor written), with the CPU time of the child and its worker
   processes and two peak memory figures sampled from /proc every 10 ms: the largest
   process (its VmHWM) and the sum over the process tree (VmRSS);
4. times two partly warm runs: one item's file edited (an unsigned workflow key written
   another way, so the item stays valid) and the roster edited and re-signed (every verdict
   is then void; the verified signatures are still known);
5. measures the floor: verifying the same 6*N Ed25519 signatures with ``cryptography``
   directly, in this process, on one core;
6. prints the figures: cold/floor (goal <= 1.5x), warm (goal < 1 s), peak memory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import cryptography
from newsroom import (
    BODIES,
    PLAN,
    FastSigner,
    Run,
    Signed,
    bench_env,
    build_items,
    build_repo,
    cpu_model,
    floor,
    kept_keys,
    make_keys,
    pin_of,
    run,
    signed_in,
    signers_of,
    time_command,
    warta_exe,
)

from warta.model.signing import NAMESPACE, payload
from warta.repository import open_repository


def check_format(
    keys: dict[str, Path],
    signers: dict[str, FastSigner],
    signed: list[Signed],
    sample: int,
    work: Path,
) -> tuple[int, int]:
    """Byte-identical to ssh-keygen -Y sign on a few payloads; a sample passes -Y verify."""
    identical = 0
    for person in ("hendra", "sri", "dimas"):
        msg = work / "payload"
        msg.write_bytes(
            payload(
                "20260105-check",
                step="disposisi",
                by=person,
                at_text="2026-01-05T08:00:00+07:00",
                content="sha256:" + "0" * 64,
                prev=None,
                office=None,
            )
        )
        Path(f"{msg}.sig").unlink(missing_ok=True)
        run(
            ["ssh-keygen", "-q", "-Y", "sign", "-n", NAMESPACE, "-f", str(keys[person]), str(msg)],
            stdin=b"",
        )
        if Path(f"{msg}.sig").read_text() != signers[person].sign(msg.read_bytes()):
            sys.exit(f"in-process signature differs from ssh-keygen's for {person}")
        identical += 1
    owners = {s.public_text.split()[1]: p for p, s in signers.items()}
    allowed = work / "allowed_signers"
    allowed.write_text("".join(f"{p} {s.public_text}\n" for p, s in signers.items()))
    picks = random.Random(7).sample(signed, min(sample, len(signed)))
    for entry in picks:
        sig = work / "sample.sig"
        sig.write_text(entry.armored)
        run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                owners[entry.public.split()[1]],
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            stdin=entry.message,
        )
    return identical, len(picks)


# ---- measuring -------------------------------------------------------------------------------


def time_validate(root: Path, env: dict[str, str], warta: str, *options: str) -> Run:
    return time_command([warta, "validate", *options], root, env, root.parent / "validate.out")


def edit_one_item(root: Path) -> None:
    """Write one item's status with or without quotes: the same YAML, other bytes (the
    status is not signed, so the item stays valid)."""
    path = next((root / "content" / "berita").glob("*/*/index.md"))
    text = path.read_text(encoding="utf-8")
    quoted, plain = 'status: "dicetak"\n', "status: dicetak\n"
    edited = text.replace(quoted, plain) if quoted in text else text.replace(plain, quoted)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def edit_roster(root: Path, keys: dict[str, Path], env: dict[str, str], warta: str) -> None:
    """The roster edited (a comment) and re-signed by the administrator: every verdict is
    void, every signature is still known to verify."""
    with (root / "workflow" / "roster.yml").open("a", encoding="utf-8") as handle:
        handle.write("# diperbarui\n")
    run([warta, "trust", "sign", "--key", str(keys["admin"])], cwd=root, env=env)


def profile(root: Path, env: dict[str, str], top: int) -> str:
    """cProfile one cold validation in this process (the CLI's code, without workers)."""
    shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "warta" / "repos", ignore_errors=True)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        report = open_repository(root, pin=env.get("WARTA_TRUST_ROOT"), jobs=1).report
        profiler.disable()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert not report.errors()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="number of items (10000)")
    parser.add_argument(
        "--attachments", type=int, default=1, help="photos beside each item, listed (1)"
    )
    parser.add_argument("--photo-kb", type=int, default=150, help="size of each photo (150 KiB)")
    parser.add_argument(
        "--bodies",
        choices=BODIES,
        default="short",
        help="short: the same 600-byte body for every item (the default, as the figures in the"
        " README were measured); realistic: a different news story of about 3.6 KB for every"
        " item, its first attachment a real JPEG lead photo (see newsroom.py)",
    )
    parser.add_argument("--warm-runs", type=int, default=3, help="warm runs; the best counts")
    parser.add_argument("--sample", type=int, default=25, help="signatures checked by ssh-keygen")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument(
        "--warta",
        default=None,
        help="the warta command to time (default: the installed console script)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the repository kept in --workdir again instead of building one",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile a cold validation")
    parser.add_argument("--top", type=int, default=25, help="functions shown when profiling")
    return parser.parse_args()


@dataclass(frozen=True)
class Figures:
    items: int
    signatures: int
    built: float
    identical: int
    sampled: int
    cold: Run
    warm: list[Run]
    no_cache: Run
    one_item: Run
    roster: Run
    verify_only: float
    with_hash: float
    startup: float


def report(f: Figures) -> bool:
    best = min(f.warm, key=lambda r: r.seconds)
    expected = f"{f.items} item(s), {f.items} publishable; 0 error(s)"
    runs = (f.cold, best, f.no_cache, f.one_item, f.roster)
    ok = all(r.summary.startswith(expected) for r in runs)
    ratio = f.cold.seconds / f.verify_only
    ssh = run(["ssh", "-V"]).stderr.decode().strip()
    print(
        f"machine     : nproc {len(os.sched_getaffinity(0))} (os.cpu_count {os.cpu_count()}),"
        f" {cpu_model()}"
    )
    print(
        f"software    : Python {platform.python_version()}, cryptography"
        f" {cryptography.__version__}, {ssh}"
    )
    print(
        f"corpus      : {f.items} items x 6 signoffs = {f.signatures} signatures"
        f" (+2 workflow), built (or read) in {f.built:.1f} s"
    )
    print(
        f"format      : {f.identical}/3 in-process signatures byte-identical to ssh-keygen;"
        f" {f.sampled}/{f.sampled} sampled signatures pass ssh-keygen -Y verify"
    )
    print(f"validate    : {f.cold.summary}" + ("" if ok else "   <-- UNEXPECTED"))
    print(
        f"cold        : {f.cold.seconds:8.2f} s   peak RSS {f.cold.maxrss_mib:7.1f} MiB"
        f" (largest process), {f.cold.tree_mib:.1f} MiB (all processes, PSS);"
        f" CPU {f.cold.cpu:.2f} s   (no cache)"
    )
    print(
        f"warm        : {best.seconds:8.2f} s   peak RSS {best.maxrss_mib:7.1f} MiB"
        f" (largest process), {best.tree_mib:.1f} MiB (all processes, PSS);"
        f" CPU {best.cpu:.2f} s   (best of {len(f.warm)}: "
        + ", ".join(f"{r.seconds:.2f}" for r in f.warm)
        + ")"
    )
    print(
        f"no cache    : {f.no_cache.seconds:8.2f} s   peak RSS {f.no_cache.maxrss_mib:7.1f} MiB"
        f" (largest process), {f.no_cache.tree_mib:.1f} MiB (all processes, PSS);"
        f" CPU {f.no_cache.cpu:.2f} s   (warta validate --no-cache, as CI gates run it)"
    )
    print(
        f"one item    : {f.one_item.seconds:8.2f} s   peak RSS {f.one_item.maxrss_mib:7.1f} MiB"
        "   (one item's file edited, the rest from the verdict cache)"
    )
    print(
        f"roster      : {f.roster.seconds:8.2f} s   peak RSS {f.roster.maxrss_mib:7.1f} MiB"
        f" (largest process), {f.roster.tree_mib:.1f} MiB (all processes, PSS)"
        "   (roster edited and re-signed: no verdict holds; signatures known)"
    )
    print(
        f"floor       : {f.verify_only:8.2f} s   ({f.signatures} Ed25519 verifications with"
        f" cryptography; {f.with_hash:.2f} s with the SHA-512 of each payload)"
    )
    print(f"startup     : {f.startup:8.2f} s   (warta --version)")
    print(f"cold/floor  : {ratio:8.2f} x   goal <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}")
    print(
        f"warm        : {best.seconds:8.2f} s   goal < 1 s:   "
        f"{'met' if best.seconds < 1 else 'MISSED'}"
    )
    return ok


def main() -> int:
    args = parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="warta-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    root = work / "repo"
    reuse = args.reuse and root.is_dir()
    if root.exists() and not reuse:
        shutil.rmtree(root)
    env = bench_env(work)
    warta = args.warta or warta_exe()
    try:
        started = time.perf_counter()
        if reuse:
            keys = kept_keys(work / "keys")
            env["WARTA_TRUST_ROOT"] = pin_of(root, env, warta)
            signed = signed_in(root, env["WARTA_TRUST_ROOT"])
            items = len(signed) // len(PLAN)
        else:
            keys = make_keys(work / "keys")
            env["WARTA_TRUST_ROOT"] = build_repo(root, keys, env)
            signed = build_items(
                root,
                signers_of(keys),
                count=args.items,
                attachments=args.attachments,
                photo_kb=args.photo_kb,
                bodies=args.bodies,
            )
            items = args.items
        signers = signers_of(keys)
        built = time.perf_counter() - started
        identical, sampled = check_format(keys, signers, signed, args.sample, work)
        shutil.rmtree(root / ".warta-cache", ignore_errors=True)  # where older versions kept it
        shutil.rmtree(work / "xdg-cache" / "warta" / "repos", ignore_errors=True)
        os.sync()  # no writing back of the fresh corpus while validate runs
        cold = time_validate(root, env, warta)
        warm = [time_validate(root, env, warta) for _ in range(max(1, args.warm_runs))]
        no_cache = time_validate(root, env, warta, "--no-cache")
        edit_one_item(root)
        one_item = time_validate(root, env, warta)
        edit_roster(root, keys, env, warta)
        roster = time_validate(root, env, warta)
        verify_only, with_hash = floor(signed)
        started = time.perf_counter()
        run([warta, "--version"], env=env)
        startup = time.perf_counter() - started
        ok = report(
            Figures(
                items,
                len(signed),
                built,
                identical,
                sampled,
                cold,
                warm,
                no_cache,
                one_item,
                roster,
                verify_only,
                with_hash,
                startup,
            )
        )
        if args.profile:
            print("\n---- cProfile of one cold validation (in-process, one process) ----")
            print(profile(root, env, args.top))
        kept = args.keep or args.reuse
        print(f"repository  : {root}" + ("" if kept else " (removed)"))
        return 0 if ok else 1
    finally:
        if not (args.keep or args.reuse) and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
