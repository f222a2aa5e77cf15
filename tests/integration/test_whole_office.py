"""A whole office, through the installed CLI, with keys made by ssh-keygen: ``warta init``,
five people added (one of them Plt. Kasubag for a month), one item taken through all six
SOP steps by the right people, each step on a branch merged into a bare "server" repository
guarded by Warta's pre-receive hook, and the site built from what the server holds.

Along the way the hook refuses a push to main with an unsigned change (the approved text
edited) while accepting the same change on a branch, and accepts the signed steps."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import pin_of_init, warta_exe

BODY = """\
SUKAMAJU – Pemerintah Kabupaten Sukamaju meresmikan Jembatan Gantung Cibening yang
menghubungkan Desa Cibening dan Desa Karangsari, Senin pagi.

## Manfaat bagi warga

Jembatan sepanjang 84 meter ini memangkas waktu tempuh warga ke pasar kecamatan:

- dari 45 menit menjadi 10 menit;
- anak sekolah tidak lagi menyeberang sungai dengan perahu;
- hasil panen dapat diangkut dengan sepeda motor.

Pembangunan dibiayai APBD tahun anggaran 2026 dan dikerjakan selama lima bulan.
"""


class Office:
    """The office's working copy, the server, and the people's keys."""

    def __init__(self, root: Path, server: Path, keys: dict[str, Path], pin: str) -> None:
        self.root = root
        self.server = server
        self.keys = keys
        self.env = {"WARTA_TRUST_ROOT": pin}

    def warta(self, *args: str) -> subprocess.CompletedProcess[str]:
        import os

        return subprocess.run(
            [warta_exe(), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, **self.env},
        )

    def ok(self, *args: str) -> str:
        result = self.warta(*args)
        assert result.returncode == 0, f"warta {' '.join(args)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=False
        )
        if check:
            assert result.returncode == 0, f"git {' '.join(args)}:\n{result.stderr}"
        return result

    def merge_to_server(self, branch: str) -> subprocess.CompletedProcess[str]:
        """The pull request of ``branch`` merged: main moves and is pushed to the server."""
        self.git("switch", "-q", "main")
        self.git("merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch)
        return self.git("push", "-q", "origin", "main", check=False)


def _keys(folder: Path) -> dict[str, Path]:
    keys = {}
    folder.mkdir()
    for name in ("admin", "hendra", "sri", "dimas", "ayu", "agus"):
        path = folder / f"{name}_ed25519"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{name}@kominfo", "-f", path],
            check=True,
        )
        keys[name] = path
    return keys


def test_an_office_from_init_to_its_first_published_item(  # noqa: PLR0915 - one story
    tmp_path: Path,
) -> None:
    keys = _keys(tmp_path / "keys")
    made = subprocess.run(
        [warta_exe(), "init", str(tmp_path / "kominfo"), "--office", "Kabupaten Sukamaju",
         "--site-url", "https://warta.sukamajukab.go.id/", "--admin-key", str(keys["admin"]),
         "--admin-forge", "github:ti-kominfo"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert made.returncode == 0, made.stderr
    pin = pin_of_init(made.stdout)
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(server)], check=True)
    office = Office(tmp_path / "kominfo", server, keys, pin)
    office.git("config", "user.name", "Kominfo")
    office.git("config", "user.email", "kominfo@sukamajukab.go.id")
    office.git("remote", "add", "origin", str(server))
    office.git("push", "-q", "-u", "origin", "main")
    installed = office.ok("hook", "install", str(server), "--trust-root", pin)
    assert pin in installed

    # five people, each added in a change of its own, signed by the administrator
    today = datetime.now(UTC).date()
    people = [
        ("hendra", "Hendra Wijaya, S.Kom., M.T.", "197805122003121002", "kabag",
         "S2 Teknik Informatika", "github:hendra-w"),
        ("sri", "Sri Rahayu, S.Sos.", "198203152006042011", "kasubag", "S1 Sosiologi",
         "github:sri-rahayu"),
        ("dimas", "Dimas Prasetyo, A.Md.", "199107232015031004", "staf",
         "D3 Ilmu Komunikasi", "github:dimas-p"),
        ("ayu", "Ayu Lestari, S.I.Kom.", "199402082019032007", "staf",
         "S1 Ilmu Komunikasi", "github:ayu-l"),
        ("agus", "Agus Setiawan, S.Sos.", "198711302010011003", "staf", "S1 Sosiologi",
         "github:agus-s"),
    ]
    office.git("switch", "-q", "-c", "pegawai")
    for pid, name, nip, role, education, forge in people:
        office.ok("roster", "add", pid, "--name", name, "--nip", nip, "--role", role,
                  "--key", f"{keys[pid]}.pub", "--education", education, "--forge", forge,
                  "--admin-key", str(keys["admin"]))
    # Agus is Plt. Kasubag for a month (acting for Sri, who is on leave)
    office.ok("roster", "add", "agus", "--role", "kasubag", "--from", today.isoformat(),
              "--until", (today + timedelta(days=30)).isoformat(), "--acting",
              "--admin-key", str(keys["admin"]))
    assert office.merge_to_server("pegawai").returncode == 0
    shown = office.ok("roster", "show")
    assert "(Plt.)" in shown and "agus" in shown
    owners = (office.root / "CODEOWNERS").read_text(encoding="utf-8").split("\n")
    assert "/content/berita/ @agus-s @hendra-w @sri-rahayu" in owners

    def step(branch: str, *args: str) -> None:
        office.git("switch", "-q", "-c", branch, "main")
        office.ok(*args)
        office.git("push", "-q", "origin", branch)
        pushed = office.merge_to_server(branch)
        assert pushed.returncode == 0, pushed.stderr

    # 1. the Kabag assigns
    office.git("switch", "-q", "-c", "langkah-1", "main")
    created = office.ok("new", "Bupati Resmikan Jembatan Gantung Cibening", "--category",
                        "Infrastruktur", "--key", str(keys["hendra"]))
    path = created.split("created ")[1].split()[0]
    assert office.merge_to_server("langkah-1").returncode == 0
    # 2. the Plt. Kasubag orders the staff
    step("langkah-2", "sign", path, "--key", str(keys["agus"]))
    # 3. the staff writes; a pull request shows who must act next, with their accounts
    office.git("switch", "-q", "-c", "langkah-3", "main")
    item = office.root / path
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("KABUPATEN – Tulis berita di sini.\n", BODY), encoding="utf-8")
    office.ok("sign", path, "--key", str(keys["dimas"]))
    summary = office.ok("summary", "--base", "main", "--forge", "github")
    assert "Bupati Resmikan Jembatan Gantung Cibening" in summary
    assert "@sri-rahayu" in summary and "@agus-s" in summary  # the Kasubag reports next
    assert office.merge_to_server("langkah-3").returncode == 0
    # 4. the Kasubag reports, 5. the Kabag approves
    step("langkah-4", "sign", path, "--key", str(keys["sri"]))
    step("langkah-5", "sign", path, "--key", str(keys["hendra"]))

    # an unsigned change of the approved text: a branch may hold it, main may not
    office.git("switch", "-q", "-c", "ubah-diam-diam", "main")
    item.write_text(item.read_text(encoding="utf-8").replace("84 meter", "48 meter"),
                    encoding="utf-8")
    office.git("commit", "-qam", "perbaiki angka")
    assert office.git("push", "-q", "origin", "ubah-diam-diam", check=False).returncode == 0
    refused = office.merge_to_server("ubah-diam-diam")
    assert refused.returncode != 0
    assert path in refused.stderr and "content.changed-after-approval" in refused.stderr
    office.git("reset", "-q", "--hard", "origin/main")

    # 6. the Kasubag compiles the printed bulletin
    step("langkah-6", "sign", path, "--key", str(keys["sri"]))
    log = office.ok("log", path)
    for who in ("Hendra", "Agus", "Dimas", "Sri"):
        assert who in log

    # the site, built from a fresh clone of what the server holds
    site = tmp_path / "situs"
    subprocess.run(["git", "clone", "-q", str(server), str(site)], check=True)
    built = subprocess.run(
        [warta_exe(), "build", "--strict", "--no-cache", "--trust-root", pin],
        cwd=site, capture_output=True, text=True, check=False, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert "1 item published" in built.stderr
    slug = Path(path).parent.name
    page = next((site / "site" / "berita").rglob(f"{slug}/index.html"))
    html = page.read_text(encoding="utf-8")
    assert "Jembatan sepanjang 84 meter" in html
    assert "48 meter" not in html
