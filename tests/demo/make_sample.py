"""Build the bundled sample newsroom under content/berita/ from tests/demo/news-source/.

Every item goes through the real editorial actions (the same code as ``warta new`` and
``warta sign``), signed with the DEMO keys under tests/demo/keys/ at realistic past times,
so the sample shows every SOP state:

- approved (disetujui): published; the October items that are publishable at the end of
  the month compiled by the Kasubag into the printed edition 2026-10 (``warta cetak``:
  content/cetak/2026-10/, its PDF, signed manifest and the printing signoffs, dicetak);
- one edited after approval: left out, with an error naming who must re-approve;
- one sent back after approval (signed 'warta return' with a reason), corrected by the
  Kasubag and approved again: published as revision 2, its history keeping both rounds;
- one withdrawn after publication (signed 'warta withdraw'): left out;
- one corrected after publication (signed 'warta correct' with the Ralat note, the figure
  fixed by the writer and approved again): published as revision 2 under a Ralat box;
- one approved under a signed embargo (a time capsule's news, not before its opening on
  26 November 2045): left out until then, listed by ``warta status`` as scheduled;
- items waiting at each earlier step (ditugaskan, diliput, ditulis, dilaporkan).

Run from the repository root: ``python tests/demo/make_sample.py`` (it replaces
content/berita/, and signs the site's own files into workflow/site-manifest.yml with the DEMO
administrator key, with sop.yml and roster.yml: the roster's ``demo: true``, which makes the
demo-key findings notices, counts only signed). Signatures are deterministic (ed25519), so a
re-run gives the same files.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from warta import actions
from warta.adapters.ssh import KeygenSigner
from warta.administer import sign_all
from warta.cetak import compile_edition
from warta.repository import open_repository

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "demo" / "news-source"
KEYS = ROOT / "tests" / "demo" / "keys"
NEWS = ROOT / "content" / "berita"
PRINTS = ROOT / "content" / "cetak"
#: The printed edition: October's items, compiled by the Kasubag on the month's last
#: working day.
EDITION = ("2026-10", "sri", datetime.fromisoformat("2026-10-30T15:00:00+07:00"))

#: id -> (number of steps signed, writer, kasubag, edited after approval)
PLAN: dict[str, tuple[int, str, str, bool]] = {
    "20261005-jembatan-gantung-cibening": (5, "dimas", "agus", False),
    "20261008-posyandu-stunting-karangsari": (5, "ayu", "agus", False),
    "20261012-rehabilitasi-irigasi-tanjungwaru": (5, "dimas", "agus", False),
    "20261015-rehab-ruang-kelas-pasirlaya": (5, "ayu", "agus", False),
    "20261018-bazar-umkm-sukamaju-kota": (5, "dimas", "agus", False),
    "20261022-curug-wisata-mekarjaya": (5, "ayu", "agus", False),
    "20261027-bank-sampah-cibening": (5, "dimas", "agus", False),
    "20261030-permakanan-lansia-karangsari": (5, "ayu", "agus", False),
    "20261103-betonisasi-jalan-tanjungwaru": (5, "dimas", "sri", False),
    "20261106-puskesmas-rawat-inap-mekarjaya": (5, "ayu", "sri", True),
    "20261110-panen-cabai-pasirlaya": (4, "dimas", "sri", False),
    "20261113-rumah-tidak-layak-huni-sukamaju-kota": (3, "ayu", "sri", False),
    "20261115-festival-situ-cibening": (2, "dimas", "sri", False),
    "20261124-penanaman-pohon-karangsari": (1, "ayu", "sri", False),
    "20261126-kapsul-waktu-hari-jadi": (5, "dimas", "sri", False),
}

#: Minutes after the disposisi at which each later step is signed (step 3 is the writing).
OFFSETS = (0, 4, 60 * 7, 60 * 7 + 4, 60 * 7 + 8, 60 * 24 + 60 * 7 + 8)

#: Steps signed late (extra minutes from that step on), so the Mutu Baku report has findings.
LATE = {
    "20261012-rehabilitasi-irigasi-tanjungwaru": (3, 25),
    "20261103-betonisasi-jalan-tanjungwaru": (4, 115),
}

EDIT = "\n\nPembaruan: jumlah tempat tidur rawat inap bertambah menjadi 16 unit.\n"

#: Items the Kabag sends back after approval, with the signed reason. The Kasubag corrects the
#: text and reports it again (laporan may edit), and the Kabag approves it again.
RETURNED = {
    "20261018-bazar-umkm-sukamaju-kota": (
        "Jumlah pelaku UMKM perlu dicocokkan dengan data Dinas Koperasi",
    ),
}

#: Items the Kabag withdraws after publication, with the signed reason.
WITHDRAWN = {
    "20261022-curug-wisata-mekarjaya": (
        "Jalur wisata ditutup sementara oleh BPBD karena longsor; berita ditarik agar warga"
        " tidak berkunjung"
    ),
}


#: Items the Kabag corrects after publication: the signed Ralat note, and the text the writer
#: replaces (old, new) before signing again; the Kabag then approves the correction.
CORRECTED = {
    "20261027-bank-sampah-cibening": (
        "Sebelumnya tertulis nilai bantuan mesin pencacah plastik dan timbangan digital"
        " Rp78 juta; yang benar Rp87 juta, sesuai berita acara serah terima DLH.",
        ("senilai Rp78 juta", "senilai Rp87 juta"),
    ),
}


def private_keys(tmp: Path) -> dict[str, Path]:
    """Copies of the demo keys with the 0600 mode ssh-keygen insists on."""
    out = {}
    for key in KEYS.glob("*_ed25519"):
        target = tmp / key.name
        shutil.copy(key, target)
        shutil.copy(f"{key}.pub", f"{target}.pub")
        target.chmod(0o600)
        out[key.name.removesuffix("_ed25519")] = target
    return out


def main() -> int:
    for folder in (NEWS, PRINTS):
        if folder.exists():
            shutil.rmtree(folder)
    NEWS.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="warta-demo-") as tmp:
        keys = private_keys(Path(tmp))
        sign_all(ROOT, KeygenSigner(keyfile=keys["admin"]))  # the site's own files
        for item_id, (steps, writer, kasubag, edited) in PLAN.items():
            build(item_id, steps, (writer, kasubag), edited, keys)
        edition, by, moment = EDITION
        made = compile_edition(
            open_repository(ROOT, cache=False, keep_items=True),
            KeygenSigner(keyfile=keys[by]),
            edition=edition,
            title="Warta Sukamaju",
            now=moment,
            commit=False,
        )
    print(f"built {len(PLAN)} sample items under {NEWS.relative_to(ROOT)}/ and the printed"
          f" edition {made.folder} ({len(made.edition.items)} items, {made.pages} pages)")
    return 0


def build(item_id: str, steps: int, people: tuple[str, str], edited: bool,
          keys: dict[str, Path]) -> None:
    writer, kasubag = people
    source = (SOURCE / f"{item_id}.md").read_text(encoding="utf-8")
    day = datetime.fromisoformat(f"{item_id[:4]}-{item_id[4:6]}-{item_id[6:8]}T07:30:00+07:00")
    folder = NEWS / item_id[:4] / item_id[9:]
    image = SOURCE / "images" / f"{item_id}.svg"
    (folder / "images").mkdir(parents=True)
    shutil.copy(image, folder / "images" / image.name)
    head, sep, body = source.partition("\n---\n")
    text = f"{head}\nstatus: usulan\nsignoffs: []{sep}{body}"
    signers = ("hendra", kasubag, writer, kasubag, "hendra", kasubag)
    path = folder / "index.md"
    for index in range(steps):
        project = open_repository(ROOT, cache=False, keep_items=True)
        late_step, late_minutes = LATE.get(item_id, (99, 0))
        extra = late_minutes if index >= late_step else 0
        moment = day + timedelta(minutes=OFFSETS[index] + extra)
        signer = KeygenSigner(keyfile=keys[signers[index]])
        if index == 0:
            actions.create(project, path, text, signer, commit=False, now=moment)
        else:
            actions.sign(project, path, signer, commit=False, now=moment)
    if edited:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(EDIT)
    later = day + timedelta(days=2)
    hendra = KeygenSigner(keyfile=keys["hendra"])
    if item_id in RETURNED:
        reason = RETURNED[item_id][0]
        project = open_repository(ROOT, cache=False, keep_items=True)
        actions.take_back(project, path, hendra, action="return", to="laporan", reason=reason,
                          commit=False, now=later)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n\n" + CORRECTION + "\n", encoding="utf-8")
        for offset, who in ((4, kasubag), (8, "hendra")):
            project = open_repository(ROOT, cache=False, keep_items=True)
            actions.sign(project, path, KeygenSigner(keyfile=keys[who]), commit=False,
                         now=later + timedelta(minutes=offset))
    if item_id in CORRECTED:
        note, (old, new) = CORRECTED[item_id]
        project = open_repository(ROOT, cache=False, keep_items=True)
        actions.take_back(project, path, hendra, action="correct", reason="", note=note,
                          commit=False, now=later)
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        for offset, who in ((30, writer), (40, "hendra")):
            project = open_repository(ROOT, cache=False, keep_items=True)
            actions.sign(project, path, KeygenSigner(keyfile=keys[who]), commit=False,
                         now=later + timedelta(minutes=offset))
    if item_id in WITHDRAWN:
        project = open_repository(ROOT, cache=False, keep_items=True)
        actions.take_back(project, path, hendra, action="withdraw", reason=WITHDRAWN[item_id],
                          commit=False, now=later)


#: What the Kasubag adds when the returned item comes back to the report step.
CORRECTION = (
    "Data pelaku usaha yang tercatat di atas telah dicocokkan kembali dengan data Dinas"
    " Koperasi dan UKM pada hari Senin."
)


if __name__ == "__main__":
    sys.exit(main())
