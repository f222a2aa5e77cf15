"""Test helpers that build real things: ssh-keygen keys, git repositories, signed items.

``Repo`` is a temporary Warta repository with the real workflow/sop.yml, a roster whose
people hold keys made by ssh-keygen for this test session, a trust root, workflow files
signed by the administrator, and a git history. Items are created and signed through the
same code paths as ``warta new`` / ``warta sign`` (the Python API, or the CLI via ``cli``).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MAIN = Path(__file__).resolve().parents[1]
PEOPLE = ("admin", "hendra", "sri", "dimas", "ayu", "agus", "mallory")
WIB = "+07:00"
#: The office a test repository's trust root names (``office <id>``): every signature made in
#: it covers this id.
TEST_OFFICE = "kantor-uji-warta"


def settle() -> None:
    """Wait until what a test just wrote is old enough for ``warta validate`` to remember by
    what the file system says of it (a file changed within RACY_NS of a run is read again
    each time: :mod:`warta.adapters.digests`)."""
    from warta.adapters.digests import RACY_NS

    time.sleep(RACY_NS / 1e9 + 0.1)


def tiny_jpeg(comment: bytes = b"") -> bytes:
    """A real, small JPEG (a photo Warta can decode and copy), carrying ``comment`` (so two
    photos of the same size can differ)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (70, 130, 180)).save(out, "JPEG", comment=comment)
    return out.getvalue()


#: Runs the command after it with Ctrl+C, SIGTERM and SIGHUP at their default actions, as
#: a terminal starts it. A suite started in the background (``pytest &``, a CI runner's
#: shell) passes Ctrl+C on ignored, and an ignored signal stays ignored (see
#: test_bounded.py): the SIGINT case of test_cetak.py then waited for the whole bulletin.
AS_FROM_A_TERMINAL = [
    sys.executable, "-c",
    "import os, signal, sys\n"
    "for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\n"
    "    signal.signal(s, signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def warta_exe() -> str:
    """The installed ``warta`` console script (the real entry point)."""
    candidate = Path(sys.executable).with_name("warta")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("warta")
    assert found, "the warta console script is not installed (pip install -e .)"
    return found


def make_keys(folder: Path) -> dict[str, Path]:
    """An ed25519 key per person, made by ssh-keygen."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = {}
    for name in PEOPLE:
        path = folder / f"{name}_ed25519"
        if not path.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@test",
                            "-f", str(path)], check=True)
        keys[name] = path
    return keys


def pub(key: Path) -> str:
    return " ".join(Path(f"{key}.pub").read_text().split()[:2])


def weak_rsa_key(path: Path, bits: int = 768, e: int = 65537) -> Path:
    """An RSA key of ``bits`` bits with exponent ``e`` at ``path`` (and ``path``.pub), in
    OpenSSH's formats: one that ssh-keygen does not make (nor does cryptography: under 1024
    bits, or another exponent), so its primes are found here (Miller-Rabin, seeded: the same
    key every run)."""
    import math
    import random

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    chosen = random.Random(bits)

    def prime(size: int) -> int:
        while True:
            n = chosen.getrandbits(size) | (1 << (size - 1)) | (1 << (size - 2)) | 1
            if all(pow(a, n - 1, n) == 1 for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
                return n

    while True:
        p, q = prime(bits // 2), prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and math.gcd(e, phi) == 1 and e < p * q:
            break
    d = pow(e, -1, phi)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
    )
    key = numbers.private_key()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.OpenSSH,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH)
    Path(f"{path}.pub").write_bytes(public + b" lemah@test\n")
    return path


ROSTER_TEMPLATE = """\
serial: 1
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
  - id: agus
    name: Agus Setiawan, S.Sos.
    nip: "198711302010011003"
    roles:
      - staf
      - {{role: kasubag, from: 2026-10-01, until: 2026-10-31, acting: true}}
    education: [{{level: S1, field: Sosiologi}}, {{level: D3, field: Ilmu Komunikasi}}]
    keys:
      - key: {agus}
"""


@dataclass
class Repo:
    root: Path
    keys: dict[str, Path]
    env: dict[str, str] = field(default_factory=dict)

    # ---- files and git ------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True,
                              text=True).stdout

    def commit_all(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)

    # ---- workflow ----------------------------------------------------------------
    def write_roster(self, text: str | None = None) -> None:
        if text is None:
            text = ROSTER_TEMPLATE.format(**{p: pub(k) for p, k in self.keys.items()})
        self.write("workflow/roster.yml", text)

    def sign_workflow(self, key: str = "admin", *, commit: bool = False) -> None:
        """``warta trust sign``: the workflow files and the site's own files (committed
        only when asked: most tests commit, or restore older files, themselves)."""
        committing = () if commit else ("--no-commit",)
        result = self.cli("trust", "sign", "--key", str(self.keys[key]), *committing)
        assert result.returncode == 0, result.stderr

    def sign_workflow_unchecked(self, key: str = "admin") -> None:
        """``warta trust sign`` as a Warta before its check of ``sop.yml`` and ``roster.yml``
        signed (in process, that check switched off): a broken file an administrator signed,
        for tests of what the validator does with one."""
        from unittest import mock

        from warta import administer
        from warta.staffing import admin_signer

        with mock.patch.object(administer, "_refuse_invalid_workflow", lambda root: None):
            administer.sign_all(self.root, admin_signer(self.root, self.keys[key]))

    @property
    def pin(self) -> str:
        return self.cli("trust", "show").stdout.split()[0]

    # ---- the CLI, through its installed entry point ---------------------------------
    def cli(self, *args: str, input: str | None = None,
            umask: int = -1) -> subprocess.CompletedProcess[str]:
        """``warta *args`` in the repository (``umask``: the child's; -1 leaves it)."""
        env = {**os.environ, **self.env}
        env.pop("WARTA_TRUST_ROOT", None) if "WARTA_TRUST_ROOT" not in self.env else None
        return subprocess.run([warta_exe(), *args], cwd=self.root, capture_output=True,
                              text=True, env=env, input=input, timeout=300, check=False,
                              umask=umask)

    # ---- editorial actions (in process, same code as the CLI) ----------------------
    def project(self):  # type: ignore[no-untyped-def]
        from warta.repository import open_repository

        return open_repository(
            self.root, pin=self.env.get("WARTA_TRUST_ROOT"), keep_items=True
        )

    def new_item(self, title: str, *, at: str, by: str = "hendra", slug: str | None = None,
                 body: str = "SUKAMAJU – Isi berita.\n", categories: tuple[str, ...] = (
                     "Kecamatan Cibening", "Infrastruktur"), item_id: str | None = None,
                 commit: bool = True) -> Path:
        from warta import actions
        from warta.adapters import newitem
        from warta.adapters.ssh import KeygenSigner

        moment = datetime.fromisoformat(at)
        project = self.project()
        item_id = item_id or f"{moment:%Y%m%d}-{newitem.slugify(title)[:40]}".strip("-")
        path = self.root / "content" / "berita" / f"{moment:%Y}" / (slug or newitem.slugify(
            title)) / "index.md"
        text = newitem.skeleton(item_id, title=title, day=moment.date(), slug=path.parent.name,
                                initial_status=project.sop.initial_status,
                                categories=list(categories), description=f"Ringkasan {title}")
        text = text.replace("KABUPATEN – Tulis berita di sini.\n", body)
        actions.create(project, path, text, KeygenSigner(keyfile=self.keys[by]),
                       commit=commit, now=moment)
        return path

    def sign(self, path: Path, by: str, at: str, *, step: str | None = None,
             commit: bool = True, note: str = "") -> None:
        from warta import actions
        from warta.adapters.ssh import KeygenSigner

        actions.sign(self.project(), path, KeygenSigner(keyfile=self.keys[by]), step_id=step,
                     commit=commit, now=datetime.fromisoformat(at), note=note)

    def approved_item(self, title: str, day: str = "2026-11-02", **kw: object) -> Path:
        """An item taken through steps 1-5 by the right people, on ``day`` (WIB)."""
        path = self.new_item(title, at=f"{day}T08:00:00{WIB}", **kw)  # type: ignore[arg-type]
        self.sign(path, "sri", f"{day}T08:04:00{WIB}")
        self.sign(path, "dimas", f"{day}T10:00:00{WIB}")
        self.sign(path, "sri", f"{day}T10:04:00{WIB}")
        self.sign(path, "hendra", f"{day}T10:08:00{WIB}")
        return path

    def embargoed_item(self, title: str, embargo: str, day: str = "2026-11-02",
                       **kw: object) -> Path:
        """An item approved like :meth:`approved_item` whose writer (step 3, which may change
        the text) set ``embargo: <embargo>``, so that steps 3-5 sign it."""
        path = self.new_item(title, at=f"{day}T08:00:00{WIB}", **kw)  # type: ignore[arg-type]
        self.sign(path, "sri", f"{day}T08:04:00{WIB}")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nstatus:", f"\nembargo: {embargo}\nstatus:", 1),
                        encoding="utf-8")
        self.sign(path, "dimas", f"{day}T10:00:00{WIB}")
        self.sign(path, "sri", f"{day}T10:04:00{WIB}")
        self.sign(path, "hendra", f"{day}T10:08:00{WIB}")
        return path

    def at_clock(self, moment: str) -> Repo:
        """This repository as the CLI sees it with its clock fixed at ``moment``
        (``WARTA_NOW``)."""
        return Repo(self.root, self.keys, {**self.env, "WARTA_NOW": moment})

    def validate_json(self, *args: str) -> dict:  # type: ignore[type-arg]
        import json

        result = self.cli("validate", "--format", "json", *args)
        assert result.returncode in (0, 1), result.stderr
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    def verdict_of(self, suffix: str) -> dict:  # type: ignore[type-arg]
        """``warta validate``'s verdict on the one item whose path ends with ``suffix``,
        asserting that it reports findings (exit 1)."""
        result = self.cli("validate", "--format", "json")
        assert result.returncode == 1, result.stderr
        import json

        (verdict,) = [v for v in json.loads(result.stdout)["items"] if v["path"].endswith(suffix)]
        return verdict  # type: ignore[no-any-return]


def copy_site_files(root: Path) -> None:
    """The real mkdocs.yml and the site's own pages and assets, as in this repository."""
    shutil.copy(MAIN / "mkdocs.yml", root / "mkdocs.yml")
    for page in (MAIN / "content").glob("*.md"):
        shutil.copy(page, root / "content" / page.name)
    shutil.copytree(MAIN / "content" / "assets", root / "content" / "assets", dirs_exist_ok=True)


def make_repo(root: Path, keys: dict[str, Path]) -> Repo:
    """A fresh, committed Warta repository at ``root`` with its own keys."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "workflow").mkdir()
    shutil.copy(MAIN / "workflow" / "sop.yml", root / "workflow" / "sop.yml")
    (root / "content" / "berita").mkdir(parents=True)
    copy_site_files(root)
    repo = Repo(root, keys)
    repo.write(
        "workflow/trust-root",
        f"office {TEST_OFFICE}\nadmin {pub(keys['admin'])} test administrator\n",
    )
    repo.write_roster()
    repo.env["WARTA_TRUST_ROOT"] = repo.pin  # an administrator signs under a pinned root
    repo.sign_workflow()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    repo.git("config", "user.name", "Warta Test")
    repo.git("config", "user.email", "test@warta.invalid")
    repo.git("config", "commit.gpgsign", "false")
    repo.commit_all("init")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin
    return repo



# ---- signed sample repositories, built once, copied for each test ------------------------

#: one step of building a sample repository (a plain function, so that the same steps are the
#: same sample wherever they are named)
Step = Callable[[Repo], object]


class SignedRepos:
    """Signed sample repositories, each built once per test session (so once per xdist
    worker): :func:`make_repo`, then ``steps`` in order. Naming the same steps gives the same
    repository, so test files with the same sample share it. A test never writes into one:
    it works in :func:`copy_repo` of it (the ``site`` and ``repo`` fixtures)."""

    def __init__(self, mktemp: Callable[[str], Path], keys: dict[str, Path]) -> None:
        self._mktemp = mktemp
        self._keys = keys
        self._built: dict[tuple[Step, ...], tuple[Repo, str]] = {}

    def __call__(self, *steps: Step) -> Repo:
        if steps not in self._built:
            name = "-".join(getattr(step, "__name__", "step") for step in steps) or "bare"
            repo = make_repo(self._mktemp(name) / "repo", self._keys)
            for step in steps:
                step(repo)
            self._built[steps] = (repo, state_of(repo))
        built, _ = self._built[steps]
        return Repo(built.root, built.keys, dict(built.env))

    def changed(self) -> list[Path]:
        """The samples whose files or git state are no longer as built (a test wrote into a
        sample instead of a copy of it)."""
        return [repo.root for repo, state in self._built.values() if state_of(repo) != state]


def state_of(repo: Repo) -> str:
    """HEAD, the branches and every change to the working tree, untracked files included."""
    return repo.git("show-ref", "--head") + repo.git(
        "status", "--porcelain", "--untracked-files=all", "--ignored"
    )


def copy_repo(template: Repo, root: Path, env: Mapping[str, str] | None = None) -> Repo:
    """A copy of ``template`` at ``root`` that one test may change: its files and git
    history (``shutil.copytree``, symlinks kept), with ``env`` (default: the template's)."""
    shutil.copytree(template.root, root, symlinks=True)
    return Repo(root, template.keys, dict(template.env if env is None else env))

# ---- shared scenes of the trust tests -----------------------------------------------------


def newsroom(root: Path, keys: dict[str, Path]) -> Repo:
    """An approved item (jembatan) and one reported, awaiting approval (baru, steps 1-4 on
    2 November 2026), committed."""
    repo = make_repo(root, keys)
    newsroom_items(repo)
    return repo


def newsroom_items(repo: Repo) -> None:
    """:func:`newsroom`'s items, added to ``repo``."""
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    path = repo.new_item("Festival Durian Karangsari", at="2026-11-02T09:00:00+07:00",
                         slug="baru")
    repo.sign(path, "sri", "2026-11-02T09:04:00+07:00")
    repo.sign(path, "ayu", "2026-11-02T11:00:00+07:00")
    repo.sign(path, "sri", "2026-11-02T11:04:00+07:00")
    repo.commit_all("berita")


def approved_jembatan(repo: Repo) -> None:
    """An approved item (jembatan, steps 1-5 on 2 November 2026), committed."""
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")
    repo.commit_all("berita")


def machine_env(folder: Path) -> dict[str, str]:
    """The XDG folders of a machine of its own, under ``folder`` (nothing of the session's)."""
    return {var: str(folder / var.lower()) for var in
            ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}


def on_machine(repo: Repo, folder: Path, *, pinned: bool) -> Repo:
    """``repo`` as seen from a machine whose XDG folders are under ``folder``."""
    env = machine_env(folder)
    if pinned:
        env["WARTA_TRUST_ROOT"] = repo.cli("trust", "show").stdout.split()[0]
    return Repo(repo.root, repo.keys, env)


def root_of(repo: Repo) -> str:
    return repo.cli("trust", "show").stdout.split()[0]


def swap_trust_root(repo: Repo) -> str:
    """Mallory names herself administrator, makes herself Kabag and re-signs the workflow."""
    repo.write(
        "workflow/trust-root",
        f"office {TEST_OFFICE}\nmallory {pub(repo.keys['mallory'])} the new admin\n",
    )
    repo.write("workflow/roster.yml", repo.read("workflow/roster.yml") + (
        "  - id: mallory\n    name: Mallory\n    nip: \"199901012020011001\"\n"
        "    roles: [kabag]\n    education: [{level: S2, field: Teknik Informatika}]\n"
        f"    keys:\n      - key: {pub(repo.keys['mallory'])}\n"))
    repo.sign_workflow_unchecked("mallory")  # her own tools: warta trust sign refuses
    return root_of(repo)


# ---- a new office, made by `warta init` ---------------------------------------------------

OFFICE = ("--office", "Kabupaten Sukamaju", "--site-url", "https://warta.sukamajukab.go.id")


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``warta`` in ``cwd``, with this session's environment."""
    return subprocess.run(
        [warta_exe(), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def pin_of_init(stdout: str) -> str:
    """The trust root's fingerprint as ``warta init`` prints it."""
    return stdout.split("(pin):\n")[1].split(maxsplit=1)[0]


def init_office(parent: Path, keys: dict[str, Path], *extra: str) -> tuple[Repo, str]:
    """``warta init parent/kominfo`` by the administrator, with a git identity and the pin
    it printed; and what it printed."""
    result = run(parent, "init", "kominfo", *OFFICE, "--admin-key", str(keys["admin"]), *extra)
    assert result.returncode == 0, result.stderr
    root = parent / "kominfo"
    for name, value in (("user.name", "Admin TI"), ("user.email", "ti@warta.invalid")):
        git(root, "config", name, value)
    return Repo(root, keys, {"WARTA_TRUST_ROOT": pin_of_init(result.stdout)}), result.stdout


def office_of(root: Path) -> str | None:
    """The office the trust root of the repository at ``root`` names (what its signatures
    cover)."""
    from warta.adapters.trust import load_trust_root

    return load_trust_root(root).office


# ---- SSH wire format: build and take apart signatures, as an attacker would ---------------

#: An SSHSIG blob's magic and version, before its fields.
SSHSIG_HEAD = 10


def ssh_string(data: bytes) -> bytes:
    """``data`` as an SSH wire string: its length (4 bytes, big-endian), then the bytes."""
    return len(data).to_bytes(4, "big") + data


def ssh_fields(data: bytes, start: int = 0) -> list[bytes]:
    """The SSH wire strings ``data`` holds from ``start`` on."""
    out, pos = [], start
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        out.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return out


def with_fields(blob: bytes, change: Callable[[list[bytes]], list[bytes]]) -> bytes:
    """The SSHSIG ``blob`` with its fields (public key, namespace, reserved, hash, signature)
    as ``change`` makes them."""
    return blob[:SSHSIG_HEAD] + b"".join(
        ssh_string(f) for f in change(ssh_fields(blob, SSHSIG_HEAD))
    )


def armor(blob: bytes) -> str:
    text = base64.b64encode(blob).decode("ascii")
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n"


def dearmor(armored: str) -> bytes:
    return base64.b64decode("".join(armored.strip().splitlines()[1:-1]))

