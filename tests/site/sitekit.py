"""A real Warta repository with a real site configuration, for real MkDocs builds.

The repository holds published items (approved; one also compiled for print, one with a title
full of HTML) and unpublished items in every state short of approval, one edited after its
approval, one with a forged approval, one unreadable, and stray files under berita/. Every
unpublished thing carries the canary ``kanari`` in its title, folder (slug), body, image file
name and category, and is written by Ayu, who writes no published item.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from helpers import TEST_OFFICE, WIB, Repo, copy_site_files, warta_exe

CANARY = "kanari"
#: A word only in published bodies, for search.
BODY_WORD = "jembatanwangi"
#: An inflected word (base + the suffix -nya) in one published body only; its base form is
#: in no other text of the site. For the Indonesian search.
INFLECTED = ("kerindangan", "kerindangannya")

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9" width="1600" height="900">'
    '<rect width="16" height="9" fill="{color}"/></svg>\n'
)
#: Signers of steps 1-6 and the hour:minute of each (step 6 the next day).
CHAIN = (
    ("hendra", "08:00"),
    ("sri", "08:04"),
    (None, "10:00"),  # the writer
    ("sri", "10:04"),
    ("hendra", "10:08"),
    ("sri", "09:00"),
)


@dataclass
class Item:
    key: str
    title: str
    slug: str
    day: str
    path: Path
    image: str | None
    steps: int
    published: bool
    body_word: str = ""

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.path.parents[4]).as_posix()

    @property
    def url(self) -> str:
        return f"berita/{self.day[:4]}/{self.slug}/"


@dataclass
class SiteRepo:
    repo: Repo
    items: dict[str, Item] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.repo.root

    def published(self) -> list[Item]:
        return [i for i in self.items.values() if i.published]

    def unpublished(self) -> list[Item]:
        return [i for i in self.items.values() if not i.published]

    def env(self, *, pinned: bool = True) -> dict[str, str]:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        env.pop("WARTA_TRUST_ROOT", None)
        if pinned:
            env["WARTA_TRUST_ROOT"] = self.repo.env["WARTA_TRUST_ROOT"]
        return env

    def mkdocs(
        self, *args: str, pinned: bool = True, config: str = "mkdocs.yml"
    ) -> subprocess.CompletedProcess[str]:
        """``mkdocs`` itself, as a deployment would run it."""
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", *args, "-f", str(self.root / config)],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=self.env(pinned=pinned),
            timeout=300,
            check=False,
        )

    def warta(self, *args: str, pinned: bool = True) -> subprocess.CompletedProcess[str]:
        from helpers import warta_exe

        return subprocess.run(
            [warta_exe(), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=self.env(pinned=pinned),
            timeout=300,
            check=False,
        )


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path in it, with its bytes."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def copy_site_config(root: Path) -> None:
    """The real mkdocs.yml and the non-news pages, as they are in the repository (make_repo
    already copied and signed them; this keeps them as they are)."""
    copy_site_files(root)


def _skeleton(
    item_id: str,
    slug: str,
    title: str,
    day: str,
    body: str,
    categories: list[str],
    description: str,
    image: dict[str, str] | None,
) -> str:
    from warta.adapters import newitem

    text = newitem.skeleton(
        item_id,
        title=title,
        slug=slug,
        day=date.fromisoformat(day),
        initial_status="usulan",
        categories=categories,
        description=description,
    )
    text = text.replace("KABUPATEN – Tulis berita di sini.\n", body)
    if image:
        block = yaml.safe_dump({"image": image}, allow_unicode=True, sort_keys=False, width=1000)
        text = text.replace("status: usulan\n", block + "status: usulan\n")
    return text


def add_item(
    site: SiteRepo,
    key: str,
    *,
    title: str,
    slug: str,
    day: str,
    body: str,
    categories: list[str],
    steps: int,
    writer: str = "dimas",
    image: str | None = None,
    caption: str = "Keterangan foto.",
    published: bool = False,
    body_word: str = "",
    description: str | None = None,
    image_text: dict[str, str] | None = None,
    image_bytes: bytes | None = None,
) -> Item:
    """Create an item through the real actions and sign its first ``steps`` steps.

    The photo's alt, caption and credit default to 'Foto <title>', ``caption`` and the
    office's credit; ``image_text`` replaces any of them. The photo is a small SVG unless
    ``image_bytes`` are given.
    """
    from warta import actions
    from warta.adapters.ssh import KeygenSigner

    repo = site.repo
    folder = repo.root / "content" / "berita" / day[:4] / slug
    path = folder / "index.md"
    if image:
        (folder / "images").mkdir(parents=True, exist_ok=True)
        if image_bytes is not None:
            (folder / "images" / image).write_bytes(image_bytes)
        else:
            (folder / "images" / image).write_text(SVG.format(color="#4a90c2"), encoding="utf-8")
    item_id = f"{day.replace('-', '')}-{slug}"[:80]
    photo = None
    if image:
        photo = {
            "src": f"images/{image}",
            "alt": f"Foto {title}",
            "caption": caption,
            "credit": "Foto: Humas Kabupaten Sukamaju",
            **(image_text or {}),
        }
    summary = f"Ringkasan: {title}" if description is None else description
    text = _skeleton(item_id, slug, title, day, body, categories, summary, photo)
    when = datetime.fromisoformat(f"{day}T00:00:00{WIB}")
    for number, (signer, hhmm) in enumerate(CHAIN[:steps]):
        hour, minute = (int(x) for x in hhmm.split(":"))
        at = when + timedelta(days=1 if number == 5 else 0, hours=hour, minutes=minute)
        by = signer or writer
        if number == 0:
            actions.create(
                repo.project(),
                path,
                text,
                KeygenSigner(keyfile=repo.keys[by]),
                commit=False,
                now=at,
            )
        else:
            repo.sign(path, by, at.isoformat(), commit=False)
    if steps == 0:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    item = Item(key, title, slug, day, path, image, steps, published, body_word)
    site.items[key] = item
    return item


def forge_approval(site: SiteRepo, item: Item) -> None:
    """Append an approval claiming to be Hendra's, signed with Mallory's key (not in roster)."""
    from warta.adapters.items import parse_item
    from warta.adapters.rewrite import rewrite_workflow
    from warta.adapters.ssh import KeygenSigner
    from warta.model.item import Signoff, content_digest
    from warta.model.signing import NAMESPACE, chain_digest, payload

    text = item.path.read_text(encoding="utf-8")
    parsed = parse_item(text, item.rel).item
    assert parsed is not None and parsed.id is not None and parsed.signoffs[-1].sig
    at = datetime.fromisoformat(f"{item.day}T10:08:00{WIB}")
    digest = content_digest(parsed.fields, parsed.body)
    message = payload(
        parsed.id,
        step="pengesahan",
        by="hendra",
        at_text=at.isoformat(),
        content=digest,
        prev=chain_digest(parsed.signoffs[-1].sig),
        office=TEST_OFFICE,
    )
    sig = KeygenSigner(keyfile=site.repo.keys["mallory"]).sign(message, NAMESPACE)
    forged = Signoff("pengesahan", "hendra", at, None, sig.strip(), digest)
    item.path.write_text(
        rewrite_workflow(
            text, status="disetujui", approved_by="hendra", signoffs=(*parsed.signoffs, forged)
        ),
        encoding="utf-8",
    )


def populate(site: SiteRepo) -> None:
    """The published and unpublished items described in the module docstring."""
    add_item(
        site,
        "jembatan",
        title="Bupati Resmikan Jembatan Gantung Cijambe",
        slug="jembatan-gantung-cijambe",
        day="2026-10-05",
        body=(
            f"SUKAMAJU – Jembatan {BODY_WORD} sepanjang 84 meter diresmikan. Warga menjaga"
            f" {INFLECTED[1]}.\n"
        ),
        categories=["Kecamatan Cibening", "Infrastruktur"],
        steps=5,
        image="jembatan-cijambe.svg",
        caption="Warga melintasi jembatan, Senin (5/10/2026).",
        published=True,
        body_word=BODY_WORD,
    )
    add_item(
        site,
        "posyandu",
        title="Posyandu Melati Turunkan Angka Stunting",
        slug="posyandu-melati",
        day="2026-11-02",
        body="KARANGSARI – Kader posyandu menimbang balita setiap bulan.\n",
        categories=["Kecamatan Karangsari", "Kesehatan"],
        steps=6,
        image="posyandu-melati.svg",
        published=True,
        body_word="menimbang",
    )
    add_item(
        site,
        "cabai",
        title='Harga Cabai Turun <script>alert(1)</script> & "Aman"',
        slug="harga-cabai-turun",
        day="2026-10-20",
        body="PASIRLAYA – Harga cabai rawit turun menjadi Rp28.000 per kilogram.\n",
        categories=["Kecamatan Pasirlaya", "Pertanian & <Pangan>"],
        steps=5,
        published=True,
        body_word="rawit",
    )
    for steps, state in enumerate(("usulan", "ditugaskan", "diliput", "ditulis", "dilaporkan")):
        add_item(
            site,
            state,
            title=f"Kanari{state.capitalize()} Judul Berita",
            slug=f"kanari{state}-slug",
            day="2026-09-14",
            body=f"CIBENING – Isi kanari{state}isi yang belum disetujui.\n",
            categories=["Kecamatan Kanaridesa", f"Kanari{state}sektor"],
            steps=steps,
            writer="ayu",
            image=f"kanari{state}-foto.svg",
        )
    edited = add_item(
        site,
        "diubah",
        title="Kanaridiubah Judul Berita",
        slug="kanaridiubah-slug",
        day="2026-09-15",
        body="CIBENING – Isi kanaridiubahisi yang disetujui.\n",
        categories=["Kecamatan Kanaridesa"],
        steps=5,
        writer="ayu",
        image="kanaridiubah-foto.svg",
    )
    text = edited.path.read_text(encoding="utf-8")
    edited.path.write_text(
        text.replace("yang disetujui.\n", "yang disetujui. Tambahan setelah persetujuan.\n"),
        encoding="utf-8",
    )
    forged = add_item(
        site,
        "palsu",
        title="Kanaripalsu Judul Berita",
        slug="kanaripalsu-slug",
        day="2026-09-16",
        body="CIBENING – Isi kanaripalsuisi dengan persetujuan palsu.\n",
        categories=["Kecamatan Kanaridesa"],
        steps=4,
        writer="ayu",
        image="kanaripalsu-foto.svg",
    )
    forge_approval(site, forged)
    broken = site.root / "content" / "berita" / "2026" / "kanarirusak-slug"
    (broken / "images").mkdir(parents=True)
    (broken / "index.md").write_text(
        "---\ntitle: Kanarirusak Judul\ncategories: [Kecamatan Kanaridesa\n---\n"
        "Isi kanarirusakisi.\n",
        encoding="utf-8",
    )
    (broken / "images" / "kanarirusak-foto.svg").write_text(SVG.format(color="#000"))
    site.items["rusak"] = Item(
        "rusak",
        "Kanarirusak Judul",
        "kanarirusak-slug",
        "2026-09-17",
        broken / "index.md",
        "kanarirusak-foto.svg",
        0,
        False,
    )
    (site.root / "content" / "berita" / "kanarilepas.pdf").write_bytes(b"%PDF kanarilepas")
    (site.root / "content" / "berita" / "2026" / "kanarilepas2.txt").write_text("kanarilepas2")


#: The withdrawn items' texts: each must appear nowhere in the output but the title, which
#: the notice shows (of the validly withdrawn item only).
WITHDRAWN_REASON = 'Jalur ditutup <script>alert("tarik")</script> & <b>longsor</b>'


def _withdrawal_text(site: SiteRepo, item: Item, by: str, reason: str, *, signed: bool) -> str:
    """The item's text with a withdrawal by ``by`` appended, signed with ``by``'s own key
    (whatever role ``by`` holds), or with no signature at all."""
    from warta.adapters.items import parse_item
    from warta.adapters.rewrite import rewrite_workflow
    from warta.adapters.ssh import KeygenSigner
    from warta.model.item import WITHDRAW, Signoff, content_digest
    from warta.model.signing import NAMESPACE, chain_digest, take_back_payload

    text = item.path.read_text(encoding="utf-8")
    parsed = parse_item(text, item.rel).item
    assert parsed is not None and parsed.id is not None and parsed.signoffs[-1].sig
    at = datetime.fromisoformat(f"{item.day}T09:00:00{WIB}") + timedelta(days=2)
    digest = content_digest(parsed.fields, parsed.body)
    sig = ""
    if signed:
        message = take_back_payload(
            parsed.id,
            action=WITHDRAW,
            to="",
            reason=reason,
            by=by,
            at_text=at.isoformat(),
            content=digest,
            prev=chain_digest(parsed.signoffs[-1].sig),
            office=TEST_OFFICE,
        )
        sig = KeygenSigner(keyfile=site.repo.keys[by]).sign(message, NAMESPACE).strip()
    record = Signoff("", by, at, None, sig, digest, "", WITHDRAW, "", reason)
    return rewrite_workflow(
        text,
        status="ditarik",
        approved_by=parsed.approved_by,
        signoffs=(*parsed.signoffs, record),
        revision=2,
    )


def add_withdrawn(site: SiteRepo) -> None:
    """Three approved items taken off the site: one withdrawn by the Kabag through the real
    action (with a reason full of HTML), one whose withdrawal record was edited in without a
    signature, one withdrawn by a Kasubag (signed with her own key, but not her role's to do).
    Each carries its own word ('tarik…') in body, description, photo and category."""
    from warta import actions
    from warta.adapters.ssh import KeygenSigner
    from warta.model.item import WITHDRAW

    for key, slug in (
        ("ditarik", "curug-ditarik"),
        ("tanpasig", "pasar-tanpasig"),
        ("staf", "sekolah-staf"),
    ):
        add_item(
            site,
            key,
            title=f"Berita Tarik{key.capitalize()} Sempat Terbit",
            slug=slug,
            day="2026-10-12",
            body=f"MEKARJAYA – Isi tarik{key}isi yang sempat terbit.\n",
            categories=["Kecamatan Mekarjaya", f"Tarik{key}kategori"],
            steps=5,
            image=f"tarik{key}-foto.svg",
            description=f"Ringkasan tarik{key}ringkas.",
        )
    item = site.items["ditarik"]
    actions.take_back(
        site.repo.project(),
        item.path,
        KeygenSigner(keyfile=site.repo.keys["hendra"]),
        action=WITHDRAW,
        reason=WITHDRAWN_REASON,
        commit=False,
        now=datetime.fromisoformat(f"2026-10-14T09:30:00{WIB}"),
    )
    unsigned = site.items["tanpasig"]
    unsigned.path.write_text(
        _withdrawal_text(site, unsigned, "hendra", "tanpa tanda tangan", signed=False),
        encoding="utf-8",
    )
    staff = site.items["staf"]
    staff.path.write_text(
        _withdrawal_text(site, staff, "sri", "ditarik oleh staf", signed=True), encoding="utf-8"
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """``directory`` served on localhost (a free port) for the browser; yields the base URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def build_at(
    root: Path, env: dict[str, str], out: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """``warta build -d out [options]`` in the repository at ``root``, as a user runs it."""
    return warta_at(root, env, "build", "-d", str(out), *options)


def warta_at(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``warta args`` in the repository at ``root``, as a user runs it."""
    return subprocess.run(
        [warta_exe(), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
