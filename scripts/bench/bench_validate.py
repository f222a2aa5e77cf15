#!/usr/bin/env python3
"""Benchmark `warta validate` on a large generated newsroom (run by hand; not a test).

    python scripts/bench/bench_validate.py              # 10,000 items x 6 signoffs, 1 photo each
    python scripts/bench/bench_validate.py --items 2000 # a quick run
    python scripts/bench/bench_validate.py --attachments 0   # items without files
    python scripts/bench/bench_validate.py --profile    # also cProfile one cold run
    python scripts/bench/bench_validate.py --workdir /tmp/b --keep   # keep the repository
    python scripts/bench/bench_validate.py --workdir /tmp/b --reuse  # time it again

What it does, in one run:

1. makes ed25519 keys with ssh-keygen (admin, hendra, sri, dimas, ayu) and a repository
   with the real workflow/sop.yml, a roster, a trust root and workflow files signed by
   `warta trust sign`;
2. writes N items, each taken through all six SOP steps, each with ``--attachments`` photos
   beside it (``--photo-kb`` each, listed under ``files`` with their SHA-256, so every
   signature covers them). Each signoff is signed in-process
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
import base64
import contextlib
import cProfile
import hashlib
import io
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import cryptography
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_ssh_private_key,
)

from warta.adapters import newitem
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.model.item import Attachment, Signoff, content_digest
from warta.model.signing import NAMESPACE, chain_digest, payload, signoff_payload
from warta.repository import open_repository

MAIN = Path(__file__).resolve().parents[2]
PEOPLE = ("admin", "hendra", "sri", "dimas", "ayu")
WIB = "+07:00"
#: (step, signer, minutes after 08:00 on the item's day); kompilasi is the next working day
PLAN = (
    ("disposisi", "hendra", 0),
    ("perintah", "sri", 4),
    ("penulisan", None, 120),  # dimas or ayu
    ("laporan", "sri", 124),
    ("pengesahan", "hendra", 128),
    ("kompilasi", "sri", 24 * 60 + 60),
)
BODY = (
    "KARANGSARI – Pemerintah Kabupaten melalui Dinas Kesehatan menggelar kegiatan posyandu"
    " serentak di {n} desa untuk menekan angka stunting. Kegiatan meliputi penimbangan balita,"
    " pemberian makanan tambahan, dan penyuluhan gizi bagi ibu hamil.\n\n"
    "Camat menyampaikan bahwa data hasil penimbangan akan dihimpun dan dilaporkan setiap bulan"
    ' agar intervensi dapat tepat sasaran. "Kami ingin setiap balita tumbuh sehat," ujarnya.'
    "\n\nKegiatan ini merupakan bagian dari program prioritas daerah tahun 2026 dan melibatkan"
    " kader posyandu, bidan desa, serta tenaga gizi puskesmas.\n"
)
ROSTER = """\
people:
  - id: hendra
    name: Hendra Wijaya, S.Kom., M.T.
    nip: "197805122003121002"
    roles: [kabag]
    education: [{{level: S2, field: Teknik Informatika}}]
    keys:
      - key: {hendra}
  - id: sri
    name: Sri Rahayu, S.Sos.
    nip: "198203152006042011"
    roles: [kasubag]
    education: [{{level: S1, field: Sosiologi}}]
    keys:
      - key: {sri}
  - id: dimas
    name: Dimas Prasetyo, A.Md.
    nip: "199107232015031004"
    roles: [staf]
    education: [{{level: D3, field: Ilmu Komunikasi}}]
    keys:
      - key: {dimas}
  - id: ayu
    name: Ayu Lestari, S.I.Kom.
    nip: "199402082019032007"
    roles: [staf]
    education: [{{level: S1, field: Ilmu Komunikasi}}]
    keys:
      - key: {ayu}
"""


# ---- SSHSIG in-process, the same bytes as ssh-keygen -Y sign ---------------------------------


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


@dataclass(frozen=True)
class FastSigner:
    """An Ed25519 SSHSIG signer over a key file made by ssh-keygen (sha512, like ssh-keygen)."""

    private: Ed25519PrivateKey
    public_blob: bytes
    public_text: str

    @classmethod
    def load(cls, keyfile: Path) -> FastSigner:
        private = load_ssh_private_key(keyfile.read_bytes(), None)
        assert isinstance(private, Ed25519PrivateKey)
        text = private.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()
        return cls(private, base64.b64decode(text.split()[1]), text)

    def sign(self, message: bytes, namespace: str = NAMESPACE) -> str:
        ns = namespace.encode()
        signed = (
            b"SSHSIG"
            + _string(ns)
            + _string(b"")
            + _string(b"sha512")
            + _string(hashlib.sha512(message).digest())
        )
        raw = self.private.sign(signed)
        blob = (
            b"SSHSIG"
            + (1).to_bytes(4, "big")
            + _string(self.public_blob)
            + _string(ns)
            + _string(b"")
            + _string(b"sha512")
            + _string(_string(b"ssh-ed25519") + _string(raw))
        )
        text = base64.b64encode(blob).decode("ascii")
        lines = "\n".join(text[i : i + 70] for i in range(0, len(text), 70))
        return f"-----BEGIN SSH SIGNATURE-----\n{lines}\n-----END SSH SIGNATURE-----\n"


# ---- building the repository -----------------------------------------------------------------


def run(
    args: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, check=True)


def warta_exe() -> str:
    candidate = Path(sys.executable).with_name("warta")
    found = str(candidate) if candidate.exists() else shutil.which("warta")
    if not found:
        sys.exit("the warta console script is not installed (pip install -e .)")
    return found


def make_keys(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    keys = {}
    for name in PEOPLE:
        path = folder / f"{name}_ed25519"
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@bench", "-f", str(path)])
        keys[name] = path
    return keys


def working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_repo(root: Path, keys: dict[str, Path], env: dict[str, str]) -> str:
    (root / "workflow").mkdir(parents=True)
    (root / "content" / "berita").mkdir(parents=True)
    shutil.copy(MAIN / "workflow" / "sop.yml", root / "workflow" / "sop.yml")
    shutil.copy(MAIN / "mkdocs.yml", root / "mkdocs.yml")  # the site's own files, signed too
    for page in (MAIN / "content").glob("*.md"):
        shutil.copy(page, root / "content" / page.name)
    shutil.copytree(MAIN / "content" / "assets", root / "content" / "assets")
    pubs = {p: " ".join(Path(f"{k}.pub").read_text().split()[:2]) for p, k in keys.items()}
    (root / "workflow" / "trust-root").write_text(f"admin {pubs['admin']} bench administrator\n")
    (root / "workflow" / "roster.yml").write_text(ROSTER.format(**pubs))
    run([warta_exe(), "trust", "sign", "--key", str(keys["admin"])], cwd=root, env=env)
    return run([warta_exe(), "trust", "show"], cwd=root, env=env).stdout.decode().split()[0]


@dataclass(frozen=True)
class Signed:
    """One signature as the floor measurement needs it."""

    public: str
    message: bytes
    armored: str


def photo(rng: random.Random, size: int) -> bytes:
    """A JPEG-shaped file of ``size`` bytes (its content is never decoded, only hashed)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(max(0, size - 11))


def build_items(
    root: Path, signers: dict[str, FastSigner], count: int, attachments: int, photo_kb: int
) -> list[Signed]:
    days = working_days(date(2026, 1, 5), 60)  # well before 'now'; the next day is kompilasi
    rng = random.Random(20261127)
    signed: list[Signed] = []
    for n in range(count):
        day = days[n % (len(days) - 1)]
        slug = f"bench-{n:05d}"
        item_id = f"{day:%Y%m%d}-{slug}"
        title = f"Posyandu Serentak Tekan Stunting di Desa {n}"
        text = newitem.skeleton(
            item_id,
            title=title,
            slug=slug,
            day=day,
            initial_status="usulan",
            categories=["Kesehatan", "Kecamatan Karangsari"],
            description=f"Posyandu serentak nomor {n}",
        )
        text = text.replace("KABUPATEN – Tulis berita di sini.\n", BODY.format(n=n))
        folder = root / "content" / "berita" / f"{day:%Y}" / slug
        (folder / "images").mkdir(parents=True)
        files = []
        for k in range(attachments):
            data = photo(rng, photo_kb * 1024)
            (folder / "images" / f"foto-{k}.jpg").write_bytes(data)
            files.append(
                Attachment(f"images/foto-{k}.jpg", "sha256:" + hashlib.sha256(data).hexdigest())
            )
        text = rewrite_workflow(text, status="usulan", approved_by=None, signoffs=(), files=files)
        item = parse_item(text, slug).item
        assert item is not None and item.id == item_id, slug
        digest = content_digest(item.fields, item.body)
        start = datetime.fromisoformat(f"{day.isoformat()}T08:00:00{WIB}")
        offs: list[Signoff] = []
        prev: str | None = None
        writer = rng.choice(("dimas", "ayu"))
        for step, who, minutes in PLAN:
            person = who or writer
            at = start + timedelta(minutes=minutes)
            if step == "kompilasi":
                at = datetime.fromisoformat(f"{days[days.index(day) + 1]}T09:00:00{WIB}")
            message = payload(
                item_id, step=step, by=person, at_text=at.isoformat(), content=digest, prev=prev
            )
            armored = signers[person].sign(message)
            offs.append(Signoff(step, person, at, None, armored.strip(), digest))
            signed.append(Signed(signers[person].public_text, message, armored))
            prev = chain_digest(armored)
        final = rewrite_workflow(text, status="dicetak", approved_by="hendra", signoffs=tuple(offs))
        (folder / "index.md").write_text(final, encoding="utf-8")
    return signed


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


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds of the child and the workers it waited for
    maxrss_mib: float  # the largest process
    tree_mib: float  # the process tree together
    summary: str


def _status(pid: int) -> dict[str, int]:
    """The memory lines (kB) of /proc/PID/status."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1])
    return out


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc/PID/task/TID/children)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            with contextlib.suppress(OSError, ValueError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


class TreeSampler(threading.Thread):
    """Peak memory of a process and its descendants, sampled every 10 ms: the largest
    high-water mark (VmHWM) of any one process, and the largest sum of their RSS.

    (``ru_maxrss`` from wait4 is not used: a child started by this process carries this
    process's high-water mark from before it exec'd warta, and this process holds the
    generated corpus.)"""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.largest_kib = 0
        self.tree_kib = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total = 0
            for pid in _tree(self.pid):
                status = _status(pid)
                total += status.get("VmRSS", 0)
                self.largest_kib = max(self.largest_kib, status.get("VmHWM", 0))
            self.tree_kib = max(self.tree_kib, total)
            self.done.wait(0.01)


def time_validate(root: Path, env: dict[str, str], warta: str, *options: str) -> Run:
    out = root.parent / "validate.out"
    with out.open("wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [warta, "validate", *options],
            cwd=root,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = out.read_text(encoding="utf-8").strip().splitlines()
    summary = lines[-1] if lines else "(no output)"
    if proc.returncode != 0:
        sys.exit(f"warta validate exited {proc.returncode}:\n" + "\n".join(lines[-20:]))
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        sampler.largest_kib / 1024,
        sampler.tree_kib / 1024,
        summary,
    )


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


def signed_in(root: Path, pin: str) -> list[Signed]:
    """The signatures of an existing repository, as :func:`build_items` listed them."""
    project = open_repository(root, pin=pin, cache=False, keep_items=True)
    keys = {p.id: p.keys[0].public_key for p in project.roster.people.values()}
    out: list[Signed] = []
    for item in project.items.values():
        prev: str | None = None
        for signoff in item.signoffs:
            assert signoff.sig is not None
            message = signoff_payload(item.id or "", signoff, prev)
            out.append(Signed(keys[signoff.by], message, signoff.sig))
            prev = chain_digest(signoff.sig)
    return out


def floor(signed: list[Signed]) -> tuple[float, float]:
    """Seconds to verify every signature with cryptography (best of three, in this process):
    the Ed25519 check alone, and with the SHA-512 of each message that SSHSIG adds."""
    keys = {
        s.public: Ed25519PublicKey.from_public_bytes(base64.b64decode(s.public.split()[1])[-32:])
        for s in signed
    }
    ns = _string(NAMESPACE.encode()) + _string(b"") + _string(b"sha512")
    prepared = []
    for s in signed:
        blob = base64.b64decode("".join(s.armored.strip().splitlines()[1:-1]))
        raw = blob[-64:]
        prepared.append((keys[s.public], raw, s.message))
    tbs = [(k, raw, b"SSHSIG" + ns + _string(hashlib.sha512(m).digest())) for k, raw, m in prepared]
    for key, raw, data in tbs[:200]:  # warm up (first calls load OpenSSL's code paths)
        key.verify(raw, data)

    def verify_all() -> float:
        started = time.perf_counter()
        for key, raw, data in tbs:
            key.verify(raw, data)
        return time.perf_counter() - started

    def hash_and_verify_all() -> float:
        started = time.perf_counter()
        for key, raw, message in prepared:
            key.verify(raw, b"SSHSIG" + ns + _string(hashlib.sha512(message).digest()))
        return time.perf_counter() - started

    verify_only = min(verify_all() for _ in range(3))
    with_hash = min(hash_and_verify_all() for _ in range(3))
    return verify_only, with_hash


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


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="number of items (10000)")
    parser.add_argument(
        "--attachments", type=int, default=1, help="photos beside each item, listed (1)"
    )
    parser.add_argument("--photo-kb", type=int, default=150, help="size of each photo (150 KiB)")
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
        f" (largest process), {f.cold.tree_mib:.1f} MiB (all processes);"
        f" CPU {f.cold.cpu:.2f} s   (no cache)"
    )
    print(
        f"warm        : {best.seconds:8.2f} s   peak RSS {best.maxrss_mib:7.1f} MiB"
        f" (largest process), {best.tree_mib:.1f} MiB (all processes);"
        f" CPU {best.cpu:.2f} s   (best of {len(f.warm)}: "
        + ", ".join(f"{r.seconds:.2f}" for r in f.warm)
        + ")"
    )
    print(
        f"no cache    : {f.no_cache.seconds:8.2f} s   peak RSS {f.no_cache.maxrss_mib:7.1f} MiB"
        f" (largest process), {f.no_cache.tree_mib:.1f} MiB (all processes);"
        f" CPU {f.no_cache.cpu:.2f} s   (warta validate --no-cache, as CI gates run it)"
    )
    print(
        f"one item    : {f.one_item.seconds:8.2f} s   peak RSS {f.one_item.maxrss_mib:7.1f} MiB"
        "   (one item's file edited, the rest from the verdict cache)"
    )
    print(
        f"roster      : {f.roster.seconds:8.2f} s   peak RSS {f.roster.maxrss_mib:7.1f} MiB"
        f" (largest process), {f.roster.tree_mib:.1f} MiB (all processes)"
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
    # the caches' key lives under XDG_CACHE_HOME, the trust-on-first-use record under
    # XDG_STATE_HOME: keep the bench's apart
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(work / "xdg-cache"),
        "XDG_STATE_HOME": str(work / "xdg-state"),
    }
    env.pop("WARTA_TRUST_ROOT", None)
    warta = args.warta or warta_exe()
    try:
        started = time.perf_counter()
        if reuse:
            keys = {p: work / "keys" / f"{p}_ed25519" for p in PEOPLE}
            env["WARTA_TRUST_ROOT"] = (
                run([warta, "trust", "show"], cwd=root, env=env).stdout.decode().split()[0]
            )
            signed = signed_in(root, env["WARTA_TRUST_ROOT"])
            items = len(signed) // len(PLAN)
        else:
            keys = make_keys(work / "keys")
            env["WARTA_TRUST_ROOT"] = build_repo(root, keys, env)
            signed = build_items(
                root,
                {p: FastSigner.load(k) for p, k in keys.items() if p != "admin"},
                args.items,
                args.attachments,
                args.photo_kb,
            )
            items = args.items
        signers = {p: FastSigner.load(k) for p, k in keys.items() if p != "admin"}
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
