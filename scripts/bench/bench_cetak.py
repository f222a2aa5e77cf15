#!/usr/bin/env python3
"""Time `warta cetak` on an edition of 100 realistic items (run by hand; not a test).

    python scripts/bench/bench_cetak.py [--items 100]

Makes a temporary repository with this checkout's SOP and site files and fresh keys, and
takes ``--items`` items through steps 1-5 with the real editorial actions: each a body of
about 4 KB (paragraphs, two sub-headings, a list, emphasis, a link) and a 1000x560 PNG lead
photo with caption and credit. Then it runs ``warta cetak --edisi 2026-11`` as the Kasubag
(a child process, cold cache) and ``warta verify`` of the edition, and prints the wall times,
the PDF's size and page count.
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path

MAIN = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(MAIN / "tests"))

from helpers import WIB, make_keys, make_repo  # noqa: E402

WORDS = (  # noqa: SIM905
    "pemerintah kabupaten desa kecamatan pembangunan jalan jembatan warga anggaran dinas"
    " kegiatan program bantuan sekolah puskesmas pasar petani irigasi sampah lingkungan"
    " masyarakat peresmian kepala bupati pelayanan kesehatan pendidikan ekonomi usaha"
    " kelompok tahun rupiah juta miliar meter hektare panen bibit pelatihan koperasi"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 22))]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, n: int) -> str:
    parts = [f"SUKAMAJU – {sentence(rng)} {sentence(rng)}"]
    for heading in ("Anggaran dan pelaksanaan", "Tanggapan warga"):
        parts += [" ".join(sentence(rng) for _ in range(5)) for _ in range(3)]
        parts.append(f"## {heading}")
        parts.append("\n".join(f"- {sentence(rng)}" for _ in range(4)))
    parts.append(f"Kepala dinas menyebut program ke-{n} ini *berkelanjutan*; rincian di"
                 " [situs resmi](https://sukamajukab.go.id/).")
    return "\n\n".join(parts) + "\n"


def png(width: int, height: int, seed: int) -> bytes:
    """An RGB PNG: a sky-to-field gradient with some noise (a photo-like file of about 0.6 MB)."""
    rng = random.Random(seed)
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            n = rng.randint(0, 8)
            if y < height * 0.55:
                rows += bytes((90 + n, 150 + n, 220 - y // 8 + n // 2))
            else:
                rows += bytes((60 + x // 40 + n, 140 + n, 50 + n))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    from warta import actions  # noqa: PLC0415 - after the tests folder is on the path
    from warta.adapters import newitem  # noqa: PLC0415
    from warta.adapters.ssh import KeygenSigner  # noqa: PLC0415
    from warta.repository import open_repository  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="warta-bench-cetak-") as tmp:
        base = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(base / "cache"),
               "XDG_STATE_HOME": str(base / "state"), "NO_MKDOCS_2_WARNING": "1"}
        os.environ.update({k: env[k] for k in ("XDG_CACHE_HOME", "XDG_STATE_HOME")})
        keys = make_keys(base / "keys")
        repo = make_repo(base / "repo", keys)
        rng = random.Random(12)
        photos = [png(1000, 560, seed) for seed in range(4)]
        started = time.perf_counter()
        paths = []
        project = open_repository(repo.root, pin=repo.env["WARTA_TRUST_ROOT"], keep_items=True)
        for n in range(args.items):
            day = datetime.fromisoformat(f"2026-11-02T08:00:00{WIB}") + timedelta(days=n % 26)
            slug = f"berita-{n:03d}"
            title = f"Berita Pembangunan Nomor {n}: " + sentence(rng)[:60].rstrip(".")
            path = repo.root / "content" / "berita" / "2026" / slug / "index.md"
            text = newitem.skeleton(f"{day:%Y%m%d}-{slug}", title=title, day=day.date(),
                                    slug=slug, initial_status=project.sop.initial_status,
                                    categories=["Kecamatan Cibening", "Infrastruktur"],
                                    description=sentence(rng))
            text = text.replace("KABUPATEN – Tulis berita di sini.\n", body(rng, n))
            path.parent.mkdir(parents=True)
            (path.parent / "foto.png").write_bytes(photos[n % len(photos)] + bytes([n]))
            text = text.replace(
                "\nstatus:", '\nimage:\n  src: foto.png\n  alt: "Foto kegiatan"\n'
                f'  caption: "{sentence(rng)}"\n  credit: "Foto: Humas"\nstatus:', 1)
            actions.create(project, path, text, KeygenSigner(keyfile=keys["hendra"]),
                           commit=False, now=day)
            paths.append((path, day))
        for offset, who in ((4, "sri"), (120, "dimas"), (124, "sri"), (128, "hendra")):
            project = open_repository(repo.root, pin=repo.env["WARTA_TRUST_ROOT"],
                                      keep_items=True)
            for path, day in paths:
                actions.sign(project, path, KeygenSigner(keyfile=keys[who]), commit=False,
                             now=day + timedelta(minutes=offset))
        repo.commit_all("berita")
        print(f"made {args.items} approved items in {time.perf_counter() - started:.1f} s")
        timings = {}
        for name, command in (
            ("cetak", ["cetak", "--edisi", "2026-11", "--key", str(keys["sri"]), "--at",
                       "2026-11-30T15:00:00+07:00"]),
            ("verify", ["verify", "content/cetak/2026-11"]),
        ):
            t0 = time.perf_counter()
            done = subprocess.run([str(Path(sys.executable).with_name("warta")), *command],
                                  cwd=repo.root, env={**env, **repo.env}, capture_output=True,
                                  text=True, check=False)
            timings[name] = time.perf_counter() - t0
            if done.returncode != 0:
                sys.exit(done.stdout[-2000:] + done.stderr[-2000:])
            print(done.stdout.strip().splitlines()[-1])
        pdf = repo.root / "content" / "cetak" / "2026-11" / "buletin.pdf"
        print(f"warta cetak : {timings['cetak']:.1f} s wall (open, sign {args.items} printing"
              " steps, typeset, sign the manifest, one commit)")
        print(f"warta verify: {timings['verify']:.1f} s wall")
        print(f"PDF         : {pdf.stat().st_size / 1e6:.1f} MB")
        print(f"machine     : {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
