"""A generated, signed newsroom and the measuring tools the benchmarks share.

The repository: ed25519 keys made with ssh-keygen (admin, hendra, sri, dimas, ayu), the real
workflow/sop.yml, mkdocs.yml and site pages, a roster, a trust root and workflow files signed
by `warta trust sign` (one git commit), and N items taken through all six SOP steps, every
signoff signed in-process by :class:`FastSigner` (the same bytes as ``ssh-keygen -Y sign``).

Two kinds of bodies (``bodies``):

* ``short``: the same three paragraphs for every item (about 600 bytes), items on the first
  60 working days of 2026, photos of random bytes (hashed, never decoded);
* ``realistic``: a different Indonesian news story for every item (about 3.6 KB on average:
  a lead with a dateline, three headings, a list, a quote; see stories.py) with tags and a
  real JPEG lead photo under ``image:`` (caption, credit), items spread over the working
  days of January to November 2026.

Either way every listed file carries its SHA-256 under ``files``, so the signatures cover it.
The measuring tools: :func:`time_command` (wall and CPU time of a child process and peak
memory of its process tree, sampled by :class:`TreeSampler`) and :func:`floor` (the Ed25519
verifications alone, in this process).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import stories
import yaml
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
BODIES = ("short", "realistic")
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
#: Libur nasional and cuti bersama of 2026 (the office is closed).
HOLIDAYS = frozenset(
    {
        *(date(2026, 1, d) for d in (1, 16)),
        *(date(2026, 2, d) for d in (16, 17)),
        *(date(2026, 3, d) for d in (18, 19, 20, 23, 24)),
        *(date(2026, 4, d) for d in (3,)),
        *(date(2026, 5, d) for d in (1, 14, 15, 27, 28)),
        *(date(2026, 6, d) for d in (1, 16)),
        *(date(2026, 8, d) for d in (17, 25)),
    }
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
PLACEHOLDER = "KABUPATEN – Tulis berita di sini.\n"  # the body newitem.skeleton writes
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

#: The office the bench newsroom's trust root names, as ``warta init`` writes one: every
#: signature covers it.
OFFICE = "kabupaten-bench-0123456789ab"


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


def signers_of(keys: dict[str, Path]) -> dict[str, FastSigner]:
    """The staff's signers (everyone but the administrator)."""
    return {p: FastSigner.load(k) for p, k in keys.items() if p != "admin"}


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


def kept_keys(folder: Path) -> dict[str, Path]:
    """The keys :func:`make_keys` left in ``folder``."""
    return {p: folder / f"{p}_ed25519" for p in PEOPLE}


def working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_repo(root: Path, keys: dict[str, Path], env: dict[str, str]) -> str:
    """A git repository at ``root`` with the site's files and signed workflow files (`warta
    trust sign` commits them); returns the trust root's pin."""
    root.mkdir(parents=True, exist_ok=True)
    run(["git", "init", "-q", "-b", "main"], cwd=root)
    for key, value in (
        ("user.name", "bench"),
        ("user.email", "bench@warta.invalid"),
        ("commit.gpgsign", "false"),
    ):
        run(["git", "config", key, value], cwd=root)
    (root / "workflow").mkdir(parents=True)
    (root / "content" / "berita").mkdir(parents=True)
    shutil.copy(MAIN / "workflow" / "sop.yml", root / "workflow" / "sop.yml")
    shutil.copy(MAIN / "mkdocs.yml", root / "mkdocs.yml")  # the site's own files, signed too
    for page in (MAIN / "content").glob("*.md"):
        shutil.copy(page, root / "content" / page.name)
    shutil.copytree(MAIN / "content" / "assets", root / "content" / "assets")
    pubs = {p: " ".join(Path(f"{k}.pub").read_text().split()[:2]) for p, k in keys.items()}
    (root / "workflow" / "trust-root").write_text(
        f"office {OFFICE}\nadmin {pubs['admin']} bench administrator\n"
    )
    (root / "workflow" / "roster.yml").write_text(ROSTER.format(**pubs))
    pinned = {**env, "WARTA_TRUST_ROOT": pin_of(root, env)}  # trust sign needs the pin
    run([warta_exe(), "trust", "sign", "--key", str(keys["admin"])], cwd=root, env=pinned)
    return pin_of(root, env)


def bench_env(work: Path) -> dict[str, str]:
    """This environment for the commands timed, with caches and state of their own under
    ``work`` (the caches' key lives under XDG_CACHE_HOME, the trust-on-first-use record under
    XDG_STATE_HOME), no pin yet, and Warta's messages in English (their counts are read)."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(work / "xdg-cache"),
        "XDG_STATE_HOME": str(work / "xdg-state"),
        "LC_MESSAGES": "en_US.UTF-8",
        "NO_MKDOCS_2_WARNING": "1",
    }
    for name in ("WARTA_TRUST_ROOT", "LC_ALL"):
        env.pop(name, None)
    return env


def pin_of(root: Path, env: dict[str, str], warta: str | None = None) -> str:
    """The pin of the repository's trust root (`warta trust show`)."""
    shown = run([warta or warta_exe(), "trust", "show"], cwd=root, env=env).stdout.decode()
    return shown.split()[0]


@dataclass(frozen=True)
class Signed:
    """One signature as the floor measurement needs it."""

    public: str
    message: bytes
    armored: str


def photo(rng: random.Random, size: int) -> bytes:
    """A real JPEG of ``size`` bytes: a small picture (Warta decodes every photo and makes
    clean copies of it) followed by random bytes after its end, which decoders ignore but
    hashing reads."""
    head = stories.jpeg(rng, (64, 36))
    return head + rng.randbytes(max(0, size - len(head)))


#: (step, signer, time) of one signoff
Step = tuple[str, str, datetime]


def plan(day: date, next_day: date, writer: str) -> list[Step]:
    """The six signoffs of an item written on ``day`` by ``writer`` (:data:`PLAN`)."""
    start = datetime.fromisoformat(f"{day.isoformat()}T08:00:00{WIB}")
    steps: list[Step] = []
    for step, who, minutes in PLAN:
        at = start + timedelta(minutes=minutes)
        if step == "kompilasi":
            at = datetime.fromisoformat(f"{next_day}T09:00:00{WIB}")
        steps.append((step, who or writer, at))
    return steps


def sign_steps(
    text: str, path: str, steps: Sequence[Step], signers: dict[str, FastSigner]
) -> tuple[str, list[Signed]]:
    """``text`` (an item, its files listed) with ``steps`` signed over its content, in order,
    and approved: the new text and its signatures."""
    item = parse_item(text, path).item
    assert item is not None and item.id, path
    digest = content_digest(item.fields, item.body)
    offs: list[Signoff] = []
    signed: list[Signed] = []
    prev: str | None = None
    for step, person, at in steps:
        message = payload(
            item.id,
            step=step,
            by=person,
            at_text=at.isoformat(),
            content=digest,
            prev=prev,
            office=OFFICE,
        )
        armored = signers[person].sign(message)
        offs.append(Signoff(step, person, at, None, armored.strip(), digest))
        signed.append(Signed(signers[person].public_text, message, armored))
        prev = chain_digest(armored)
    final = rewrite_workflow(text, status="dicetak", approved_by="hendra", signoffs=tuple(offs))
    return final, signed


def story_text(item_id: str, slug: str, day: date, story: stories.Story, photo: str | None) -> str:
    """An unsigned item (status usulan, no signoffs) telling ``story``, its lead photo at
    ``images/PHOTO``."""
    text = newitem.skeleton(
        item_id,
        title=story.title,
        slug=slug,
        day=day,
        initial_status="usulan",
        categories=story.categories,
        description=story.description,
    )
    extra: dict[str, object] = {"tags": story.tags}
    if photo is not None:
        extra["image"] = {
            "src": f"images/{photo}",
            "alt": story.alt,
            "caption": story.caption,
            "credit": story.credit,
        }
    fields = yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=100)
    text = text.replace("status: usulan\n", fields + "status: usulan\n", 1)
    return text.replace(PLACEHOLDER, story.body)


def news_days() -> list[date]:
    """The office's working days of January to November 2026 (for realistic items)."""
    days = working_days(date(2026, 1, 5), 240)
    return [d for d in days if d not in HOLIDAYS and d < date(2026, 11, 28)]


def unique_slug(title: str, taken: set[str]) -> str:
    """The slug of ``title``, with -2, -3, ... if another item of the year has it."""
    base = newitem.slugify(title)[:56].strip("-")
    slug, k = base, 1
    while slug in taken:
        k += 1
        slug = f"{base}-{k}"
    taken.add(slug)
    return slug


@dataclass(frozen=True)
class Draft:
    """An item before its files and signoffs: its text, folder name and day."""

    day: int  # index into the days the items are spread over
    slug: str
    text: str


def short_item(n: int, days: list[date]) -> Draft:
    """Item ``n`` with the short body: the same for every item but its number."""
    index = n % (len(days) - 1)
    slug = f"bench-{n:05d}"
    text = newitem.skeleton(
        f"{days[index]:%Y%m%d}-{slug}",
        title=f"Posyandu Serentak Tekan Stunting di Desa {n}",
        slug=slug,
        day=days[index],
        initial_status="usulan",
        categories=["Kesehatan", "Kecamatan Karangsari"],
        description=f"Posyandu serentak nomor {n}",
    )
    return Draft(index, slug, text.replace(PLACEHOLDER, BODY.format(n=n)))


def realistic_item(
    n: int, count: int, days: list[date], *, rng: random.Random, slugs: set[str], photo: bool
) -> Draft:
    """Item ``n`` of ``count``: a story of its own, on a day spread over ``days``."""
    index = n * (len(days) - 1) // max(count, 1)
    day = days[index]
    story = stories.story(rng, day)
    slug = unique_slug(story.title, slugs)
    item_id = f"{day:%Y%m%d}-{slug}"
    lead = f"{item_id}.jpg" if photo else None
    return Draft(index, slug, story_text(item_id, slug, day, story, lead))


def build_items(
    root: Path,
    signers: dict[str, FastSigner],
    *,
    count: int,
    attachments: int,
    photo_kb: int,
    bodies: str = "short",
) -> list[Signed]:
    """``count`` approved items under content/berita/, each with ``attachments`` files (with
    realistic bodies the first is the lead photo, a real JPEG; the others ``photo_kb`` of
    random bytes); returns every signature made. The same arguments make the same items."""
    assert bodies in BODIES, bodies
    realistic = bodies == "realistic"
    days = news_days() if realistic else working_days(date(2026, 1, 5), 60)
    rng = random.Random(20261127)
    signed: list[Signed] = []
    slugs: set[str] = set()
    for n in range(count):
        if realistic:
            rng = random.Random(f"warta-bench-{n}")  # one generator per item
            item = realistic_item(n, count, days, rng=rng, slugs=slugs, photo=attachments > 0)
        else:
            item = short_item(n, days)
        day = days[item.day]
        folder = root / "content" / "berita" / f"{day:%Y}" / item.slug
        (folder / "images").mkdir(parents=True)
        files = []
        for k in range(attachments):
            lead = realistic and k == 0
            name = f"{day:%Y%m%d}-{item.slug}.jpg" if lead else f"foto-{k}.jpg"
            data = stories.jpeg(rng) if lead else photo(rng, photo_kb * 1024)
            (folder / "images" / name).write_bytes(data)
            files.append(Attachment(f"images/{name}", f"sha256:{hashlib.sha256(data).hexdigest()}"))
        text = rewrite_workflow(
            item.text, status="usulan", approved_by=None, signoffs=(), files=files
        )
        steps = plan(day, days[item.day + 1], rng.choice(("dimas", "ayu")))
        final, made = sign_steps(text, f"{folder.relative_to(root)}/index.md", steps, signers)
        (folder / "index.md").write_text(final, encoding="utf-8")
        signed.extend(made)
    return signed


# ---- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds of the child and the workers it waited for
    maxrss_mib: float  # the largest process
    tree_mib: float  # the process tree together (sum of PSS: a page shared by a fork once)
    output: str  # what it printed (stdout and stderr)

    @property
    def summary(self) -> str:
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else "(no output)"


def _status(pid: int) -> dict[str, int]:
    """The memory lines (kB) of /proc/PID/status."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1])
    return out


def _pss(pid: int) -> int:
    """The proportional set size (kB) of a process, from /proc/PID/smaps_rollup (0 if gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


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
    """Peak memory of a process and its descendants: the largest high-water mark (VmHWM) of
    any one process (sampled every 10 ms), and the largest sum of their proportional set
    sizes (PSS, every 100 ms: a page that forked processes share counts once, where a sum of
    RSS would count it in each).

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
        tick = 0
        while not self.done.is_set():
            pids = _tree(self.pid)
            for pid in pids:
                self.largest_kib = max(self.largest_kib, _status(pid).get("VmHWM", 0))
            if tick % 10 == 0:
                self.tree_kib = max(self.tree_kib, sum(_pss(pid) for pid in pids))
            tick += 1
            self.done.wait(0.01)


def time_command(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Run ``args`` as a child process (its output to ``log``), timed and sampled; exit this
    process with the child's last lines if it fails."""
    with log.open("wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-20:])
        sys.exit(f"{' '.join(args[:3])} exited {proc.returncode}:\n{tail}")
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        sampler.largest_kib / 1024,
        sampler.tree_kib / 1024,
        output,
    )


def signed_in(root: Path, pin: str) -> list[Signed]:
    """The signatures of an existing repository, as :func:`build_items` listed them."""
    project = open_repository(root, pin=pin, cache=False, keep_items=True)
    keys = {p.id: p.keys[0].public_key for p in project.roster.people.values()}
    out: list[Signed] = []
    for item in project.items.values():
        prev: str | None = None
        for signoff in item.signoffs:
            assert signoff.sig is not None
            message = signoff_payload(item.id or "", signoff, prev, office=OFFICE)
            out.append(Signed(keys[signoff.by], message, signoff.sig))
            prev = chain_digest(signoff.sig)
    return out


def floor(
    signed: list[Signed], clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float]:
    """Seconds to verify every signature with cryptography (best of three, in this process,
    by ``clock``): the Ed25519 check alone, and with the SHA-512 of each message that SSHSIG
    adds."""
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
        started = clock()
        for key, raw, data in tbs:
            key.verify(raw, data)
        return clock() - started

    def hash_and_verify_all() -> float:
        started = clock()
        for key, raw, message in prepared:
            key.verify(raw, b"SSHSIG" + ns + _string(hashlib.sha512(message).digest()))
        return clock() - started

    verify_only = min(verify_all() for _ in range(3))
    with_hash = min(hash_and_verify_all() for _ in range(3))
    return verify_only, with_hash


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
