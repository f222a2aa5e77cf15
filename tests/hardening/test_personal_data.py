"""Personal data (UU 27/2022): NIK, personal phone numbers and e-mail addresses in an item,
and photos of minors without a recorded basis, are warnings; --strict makes them block
publication; a false positive is acknowledged in the signed front-matter (pii_ack).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hardening.forge import says_expected_and_found
from helpers import WIB, Repo
from warta import actions
from warta.adapters import newitem
from warta.adapters.items import parse_item
from warta.adapters.ssh import KeygenSigner
from warta.model.pii import check_personal_data, scan

NIK = "3201011203900001"  # Jawa Barat, born 12 March 1990: a plausible NIK
NIK_WOMAN = "3273015507850003"  # day 55 = 15 + 40
OTHER_NIK = "3578104506880002"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"NIK warga {NIK} tercatat.", [("pii.nik", NIK)]),
        (f"NIK {NIK_WOMAN}.", [("pii.nik", NIK_WOMAN)]),
        ("NIK 3201 0112 0390 0001 dibacakan.", [("pii.nik", "3201 0112 0390 0001")]),
        ("NIK 320101.120390.0001", [("pii.nik", "320101.120390.0001")]),
        ("Hubungi 0812-3456-7890.", [("pii.phone", "0812-3456-7890")]),
        ("WA +62 812 3456 7890", [("pii.phone", "+62 812 3456 7890")]),
        ("HP 6281234567890", [("pii.phone", "6281234567890")]),
        ("surel budi.santoso@gmail.com", [("pii.email", "budi.santoso@gmail.com")]),
        ("[tulis](mailto:siti_aminah@yahoo.co.id)", [("pii.email", "siti_aminah@yahoo.co.id")]),
        # an official-looking name on a personal domain is still personal
        ("humas@sukamajukab.go.id.example.com", [("pii.email",
                                                  "humas@sukamajukab.go.id.example.com")]),
    ],
)
def test_personal_data_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.rule, m.text) for m in scan(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pagu anggaran nomor 1020304050607080 disahkan.",  # day 40, month 50: no NIK
        "Nomor register 0012011203900001.",  # province 00 does not exist
        "Nomor register 2912011203900001.",  # nor province 29
        "Nomor register 3201011203900000.",  # serial 0000
        "Nilai kontrak Rp 1.250.000.000.000.000 (enam belas angka).",
        "NIP 197805122003121002 (18 angka, bukan NIK).",
        "NIP 19780512 200312 1 002.",
        "Kode rekening 5.1.02.01.01.0024.",
        "Kirim ke humas@sukamajukab.go.id atau PPID@SUKAMAJUKAB.GO.ID.",
        "Kampus: info@unsuka.ac.id, sekolah: tu@smpn1.sch.id.",
        "Telepon kantor (0265) 331234 atau 0265-331234.",
        "Pukul 08.00-12.00 WIB, tanggal 08-12-2026, tahun 2026/2027.",
        "Anggaran Rp1.081.234.567 untuk 0,8 hektare.",
    ],
)
def test_non_personal_numbers_and_official_addresses_are_not_flagged(text: str) -> None:
    assert list(scan(text)) == []


ITEM = f"""---
id: 20261102-posyandu
title: Posyandu Karangsari
date: 2026-11-02
description: Kader posyandu menimbang balita.
categories: [Kesehatan]
image:
  src: foto.jpg
  caption: Kader (HP 0812-3456-7890) menimbang balita.
  shows_minor: true
status: usulan
signoffs: []
---

SUKAMAJU – Kader posyandu menimbang balita.

Warga dengan NIK {NIK} hadir.
Info: kader.karangsari@gmail.com, humas@sukamajukab.go.id.
"""


def test_each_finding_names_its_line_and_says_expected_and_found() -> None:
    item = parse_item(ITEM, "x.md").item
    assert item is not None
    found = [(f.rule, f.line, f.severity.value) for f in check_personal_data(item)]
    assert sorted(found) == sorted([
        ("pii.phone", 7, "warning"),  # the image mapping
        ("pii.nik", 17, "warning"),
        ("pii.email", 18, "warning"),
        ("pii.minor", 7, "warning"),
    ])
    for finding in check_personal_data(item):
        assert says_expected_and_found(finding.message), finding.message


def test_minor_with_a_recorded_basis_is_not_flagged() -> None:
    text = ITEM.replace("  shows_minor: true\n",
                        "  shows_minor: true\n  minor_basis: izin tertulis orang tua\n")
    item = parse_item(text, "x.md").item
    assert item is not None
    assert "pii.minor" not in {f.rule for f in check_personal_data(item)}
    blank = ITEM.replace("  shows_minor: true\n", "  shows_minor: true\n  minor_basis: ' '\n")
    item = parse_item(blank, "x.md").item
    assert item is not None
    assert "pii.minor" in {f.rule for f in check_personal_data(item)}


@pytest.mark.parametrize(
    ("ack", "silenced"),
    [
        (f"{{rule: pii.nik, text: '{NIK}', reason: nomor dalam dokumen publik}}", True),
        (f"{{rule: pii.phone, text: '{NIK}', reason: salah aturan}}", False),
        ("{rule: pii.nik, text: '3201011203900002', reason: nomor lain}", False),
        (f"{{rule: pii.nik, text: '{NIK}', reason: '  '}}", False),
        (f"{{rule: pii.nik, text: '{NIK}'}}", False),
        (f"{{rule: pii.nik, text: {NIK}, reason: angka, bukan teks}}", False),
    ],
)
def test_an_acknowledgement_must_name_rule_text_and_reason(ack: str, silenced: bool) -> None:
    text = ITEM.replace("status: usulan\n", f"pii_ack:\n  - {ack}\nstatus: usulan\n")
    item = parse_item(text, "x.md").item
    assert item is not None
    rules = [f.rule for f in check_personal_data(item)]
    assert ("pii.nik" not in rules) is silenced
    assert "pii.email" in rules and "pii.phone" in rules  # nothing else is silenced


# ---- through the real workflow: signed items, warta validate [--strict] -------------------


def approved(repo: Repo, slug: str, *, extra: str = "", body: str,
             files: dict[str, bytes] | None = None) -> Path:
    """An item with ``extra`` front-matter lines and ``files`` beside it, taken through
    steps 1-5."""
    day = "2026-11-02"
    project = repo.project()
    path = repo.root / "content" / "berita" / "2026" / slug / "index.md"
    for name, data in (files or {}).items():
        repo.write(f"content/berita/2026/{slug}/{name}", data)
    text = newitem.skeleton(f"20261102-{slug}", title=f"Berita {slug}", slug=slug,
                            day=datetime.fromisoformat(day).date(),
                            initial_status=project.sop.initial_status,
                            categories=["Kesehatan"], description="Ringkasan.")
    text = text.replace("status: usulan\n", f"{extra}status: usulan\n")
    text = text.replace("KABUPATEN – Tulis berita di sini.\n", body)
    actions.create(project, path, text, KeygenSigner(keyfile=repo.keys["hendra"]),
                   now=datetime.fromisoformat(f"{day}T08:00:00{WIB}"))
    for person, time in (("sri", "08:04"), ("dimas", "10:00"), ("sri", "10:04"),
                         ("hendra", "10:08")):
        repo.sign(path, person, f"{day}T{time}:00{WIB}")
    return path


def verdicts(repo: Repo, *args: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {v["path"]: v for v in repo.validate_json(*args)["items"]}


def rel(repo: Repo, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()


def test_personal_data_warns_and_strict_blocks(repo: Repo) -> None:
    image = ("image:\n  src: foto.jpg\n  alt: Siswa menerima bantuan\n"
             "  caption: Siswa SD menerima bantuan\n  shows_minor: true\n")
    path = approved(repo, "bantuan", extra=image, files={"foto.jpg": b"\xff\xd8\xff\xe0 foto"},
                    body=f"Isi.\n\nPenerima NIK {NIK}, HP 0812-3456-7890, budi@gmail.com.\n")
    clean = approved(repo, "bersih", body="Isi tanpa data pribadi; humas@sukamajukab.go.id.\n")
    lenient = verdicts(repo)
    flagged = lenient[rel(repo, path)]
    assert sorted(f["rule"] for f in flagged["findings"]) == [
        "pii.email", "pii.minor", "pii.nik", "pii.phone"]
    assert {f["severity"] for f in flagged["findings"]} == {"warning"}
    assert flagged["publishable"] is True
    assert lenient[rel(repo, clean)]["findings"] == []
    strict = verdicts(repo, "--strict")
    assert strict[rel(repo, path)]["publishable"] is False
    assert {f["severity"] for f in strict[rel(repo, path)]["findings"]} == {"error"}
    assert strict[rel(repo, clean)]["publishable"] is True
    assert repo.cli("validate", "--strict").returncode == 1
    assert repo.cli("validate").returncode == 0


def test_acknowledgement_signed_with_the_item_silences_exactly_that_match(repo: Repo) -> None:
    ack = (f"pii_ack:\n  - rule: pii.nik\n    text: '{NIK}'\n"
           "    reason: nomor contoh dari formulir kosong, bukan milik warga\n")
    one = approved(repo, "satu", extra=ack, body=f"Contoh isian NIK {NIK} pada formulir.\n")
    two = approved(repo, "dua", extra=ack,
                   body=f"Contoh NIK {NIK}; NIK warga {OTHER_NIK} ikut tercetak.\n")
    strict = verdicts(repo, "--strict")
    assert strict[rel(repo, one)]["findings"] == []
    assert strict[rel(repo, one)]["publishable"] is True
    (left,) = strict[rel(repo, two)]["findings"]
    assert left["rule"] == "pii.nik" and OTHER_NIK in left["message"]
    assert NIK not in left["message"]
    assert strict[rel(repo, two)]["publishable"] is False


def test_acknowledgement_added_after_approval_is_a_change_after_approval(repo: Repo) -> None:
    path = approved(repo, "tiga", body=f"NIK {NIK} tercetak.\n")
    before = verdicts(repo)[rel(repo, path)]
    assert [f["rule"] for f in before["findings"]] == ["pii.nik"]
    assert before["publishable"] is True
    text = path.read_text(encoding="utf-8").replace(
        "status: ", f"pii_ack: [{{rule: pii.nik, text: '{NIK}', reason: bukan NIK}}]\nstatus: ", 1)
    path.write_text(text, encoding="utf-8")
    after = verdicts(repo)[rel(repo, path)]
    rules = [f["rule"] for f in after["findings"]]
    assert "content.changed-after-approval" in rules
    assert "pii.nik" not in rules  # the ack is read, but it was not approved
    assert after["publishable"] is False
