"""Personal data (UU 27/2022): NIK, personal phone numbers and e-mail addresses in an item,
and photos of minors without a recorded basis, are errors that block publication with or
without --strict; a false positive is acknowledged in the signed front-matter (pii_ack). The
scan reads the text as shown: full-width digits and invisible characters hide nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from hardening.forge import Forger, says_expected_and_found
from helpers import WIB, Repo, tiny_jpeg
from warta.adapters import newitem
from warta.adapters.items import parse_item
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
        ("pii.phone", 9, "error"),  # the caption
        ("pii.nik", 17, "error"),
        ("pii.email", 18, "error"),
        ("pii.minor", 7, "error"),  # the image mapping
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


# ---- through the real workflow: signed items, warta validate / build / sign --------------


def approved(repo: Repo, forger: Forger, slug: str, *, extra: str = "", body: str,
             files: dict[str, bytes] | None = None) -> Path:
    """An item with ``extra`` front-matter lines and ``files`` beside it (listed), taken
    through steps 1-5 with real signatures (``warta sign`` itself refuses personal data)."""
    path = repo.root / "content" / "berita" / "2026" / slug / "index.md"
    listing = "".join(
        f"- path: {name}\n  sha256: {hashlib.sha256(data).hexdigest()}\n"
        for name, data in (files or {}).items()
    )
    for name, data in (files or {}).items():
        repo.write(f"content/berita/2026/{slug}/{name}", data)
    text = newitem.skeleton(f"20261102-{slug}", title=f"Berita {slug}", slug=slug,
                            day=date(2026, 11, 2), initial_status="usulan",
                            categories=["Kesehatan"], description="Ringkasan.")
    files_block = f"files:\n{listing}" if listing else ""
    text = text.replace("status: usulan\n", f"{extra}{files_block}status: usulan\n")
    text = text.replace("KABUPATEN – Tulis berita di sini.\n", body)
    repo.write(rel_path(slug), forger.sign_chain(text))
    repo.commit_all(f"berita {slug}")
    return path


def rel_path(slug: str) -> str:
    return f"content/berita/2026/{slug}/index.md"


def verdicts(repo: Repo, *args: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {v["path"]: v for v in repo.validate_json(*args)["items"]}


def rel(repo: Repo, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()


def line_of(path: Path, needle: str) -> int:
    """The file line holding ``needle``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_personal_data_is_an_error_with_and_without_strict(repo: Repo, forger: Forger,
                                                           tmp_path: Path) -> None:
    image = ("image:\n  src: foto.jpg\n  alt: Siswa menerima bantuan\n"
             "  caption: Siswa SD menerima bantuan\n  shows_minor: true\n")
    path = approved(repo, forger, "bantuan", extra=image,
                    files={"foto.jpg": tiny_jpeg()},
                    body=f"Isi.\n\nPenerima NIK {NIK},\nHP 0812-3456-7890, budi@gmail.com.\n")
    clean = approved(repo, forger, "bersih",
                     body="Isi tanpa data pribadi; humas@sukamajukab.go.id.\n")
    for args in ((), ("--strict",)):
        judged = verdicts(repo, *args)
        flagged = judged[rel(repo, path)]
        found = sorted((f["rule"], f["line"], f["severity"]) for f in flagged["findings"])
        assert found == [
            ("pii.email", line_of(path, "budi@gmail.com"), "error"),
            ("pii.minor", line_of(path, "image:"), "error"),
            ("pii.nik", line_of(path, NIK), "error"),
            ("pii.phone", line_of(path, "0812-3456-7890"), "error"),
        ]
        for finding in flagged["findings"]:
            assert says_expected_and_found(finding["message"]), finding["message"]
        assert flagged["publishable"] is False
        assert judged[rel(repo, clean)]["findings"] == []
        assert judged[rel(repo, clean)]["publishable"] is True
    plain = repo.cli("validate")
    assert plain.returncode == 1
    assert f"{rel(repo, path)}:{line_of(path, NIK)}: error [pii.nik]" in plain.stdout
    assert repo.cli("validate", "--strict").returncode == 1
    built = repo.cli("build", "-d", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    assert "[pii.nik]" in built.stderr and f"{rel(repo, path)}:{line_of(path, NIK)}" in built.stderr
    assert (tmp_path / "site" / "berita" / "2026" / "bersih" / "index.html").exists()
    for page in (tmp_path / "site").rglob("*"):
        if page.is_file() and page.suffix in (".html", ".xml", ".json"):
            assert NIK not in page.read_text(encoding="utf-8", errors="replace"), page
    assert repo.cli("build", "--strict", "-d", str(tmp_path / "strict")).returncode == 1


#: ways to write a NIK or a phone number so that the eye reads it and a plain scan does not
HIDDEN = {
    "zero-width-nik": ("NIK 3201\u200b0112\u200b0390\u200b0001 tercatat.", "pii.nik", True),
    "word-joiner-nik": ("NIK 320101\u2060120390\u20600001 tercatat.", "pii.nik", True),
    "full-width-nik": ("NIK \uff13\uff12\uff10\uff11\uff10\uff11\uff11\uff12\uff10\uff13"
                       "\uff19\uff10\uff10\uff10\uff10\uff11 tercatat.", "pii.nik", False),
    "soft-hyphen-phone": ("HP 0812\u00ad3456\u00ad7890 aktif.", "pii.phone", True),
    "no-break-phone": ("HP 0812\u00a03456\u00a07890 aktif.", "pii.phone", False),
    "full-width-phone": ("HP \uff10\uff18\uff11\uff12-\uff13\uff14\uff15\uff16-"
                         "\uff17\uff18\uff19\uff10 aktif.", "pii.phone", False),
    "bidi-email": ("Surel budi\u202d.santoso@gmail.com.", "pii.email", True),
    # invisible, but no format characters: the scan drops them too
    "grapheme-joiner-nik": ("NIK 3201\u034f011203900001 tercatat.", "pii.nik", False),
    "variation-selector-nik": ("NIK 320101\ufe00120390\U000e01000001 ada.", "pii.nik", False),
    "hangul-filler-phone": ("HP 0812\u31643456\u31647890 aktif.", "pii.phone", False),
    "struck-through-nik": ("NIK " + "".join(c + "\u0336" for c in NIK) + " dicoret.", "pii.nik",
                           False),
    "math-digits-phone": ("HP " + "".join(chr(0x1D7CE + int(c)) for c in "081234567890")
                          + " aktif.", "pii.phone", False),
}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_personal_data_hidden_by_invisible_or_full_width_characters_is_found(
    repo: Repo, forger: Forger, name: str
) -> None:
    text, rule, invisible = HIDDEN[name]
    path = approved(repo, forger, name, body=f"SUKAMAJU – Isi berita.\n\n{text}\n")
    line = line_of(path, text[:6])
    verdict = verdicts(repo)[rel(repo, path)]
    found = sorted((f["rule"], f["line"]) for f in verdict["findings"])
    expected = [(rule, line)] + ([("text.invisible", line)] if invisible else [])
    assert found == sorted(expected)
    (pii,) = [f for f in verdict["findings"] if f["rule"] == rule]
    assert "read as shown" in pii["message"] and pii["severity"] == "error"
    assert verdict["publishable"] is False


def test_acknowledgement_signed_with_the_item_silences_exactly_that_match(
    repo: Repo, forger: Forger
) -> None:
    ack = (f"pii_ack:\n  - rule: pii.nik\n    text: '{NIK}'\n"
           "    reason: nomor contoh dari formulir kosong, bukan milik warga\n")
    one = approved(repo, forger, "satu", extra=ack, body=f"Contoh isian NIK {NIK} pada formulir.\n")
    two = approved(repo, forger, "dua", extra=ack,
                   body=f"Contoh NIK {NIK}; NIK warga {OTHER_NIK} ikut tercetak.\n")
    hidden = approved(repo, forger, "tiga", extra=ack,
                      body=f"Contoh NIK {NIK[:8]}\u200b{NIK[8:]} pada formulir.\n")
    judged = verdicts(repo)
    assert judged[rel(repo, one)]["findings"] == []
    assert judged[rel(repo, one)]["publishable"] is True
    (left,) = judged[rel(repo, two)]["findings"]
    assert left["rule"] == "pii.nik" and OTHER_NIK in left["message"]
    assert NIK not in left["message"]
    assert judged[rel(repo, two)]["publishable"] is False
    # the acknowledged number with a zero-width space in it: the ack holds, the character not
    assert [f["rule"] for f in judged[rel(repo, hidden)]["findings"]] == ["text.invisible"]


def test_an_acknowledgement_that_is_not_text_is_an_error_naming_its_line(
    repo: Repo, forger: Forger
) -> None:
    ack = f"pii_ack:\n  - rule: pii.nik\n    text: {NIK}\n    reason: angka, bukan teks\n"
    path = approved(repo, forger, "ack-angka", extra=ack, body=f"NIK {NIK} tercetak.\n")
    found = {(f["rule"], f["line"]): f["message"]
             for f in verdicts(repo)[rel(repo, path)]["findings"]}
    assert found[("schema.type", line_of(path, f"text: {NIK}"))] == (
        f"'pii_ack[0].text' must be text (quote it); found a number ({int(NIK)})"
    )
    assert ("pii.nik", line_of(path, f"NIK {NIK} tercetak")) in found


def test_acknowledgement_added_after_approval_is_a_change_after_approval(
    repo: Repo, forger: Forger
) -> None:
    path = approved(repo, forger, "empat", body=f"NIK {NIK} tercetak.\n")
    before = verdicts(repo)[rel(repo, path)]
    assert [f["rule"] for f in before["findings"]] == ["pii.nik"]
    assert before["publishable"] is False
    text = path.read_text(encoding="utf-8").replace(
        "status: ", f"pii_ack: [{{rule: pii.nik, text: '{NIK}', reason: bukan NIK}}]\nstatus: ", 1)
    path.write_text(text, encoding="utf-8")
    after = verdicts(repo)[rel(repo, path)]
    rules = [f["rule"] for f in after["findings"]]
    assert "content.changed-after-approval" in rules
    assert "pii.nik" not in rules  # the ack is read, but it was not approved
    assert after["publishable"] is False


def test_warta_sign_refuses_an_item_with_personal_data(repo: Repo) -> None:
    path = repo.new_item("Bantuan Sosial", at=f"2026-11-02T08:00:00{WIB}")
    text = path.read_text(encoding="utf-8").replace(
        "SUKAMAJU – Isi berita.\n", "SUKAMAJU – Isi berita.\nHubungi 0812\u200b-3456-7890.\n")
    path.write_text(text, encoding="utf-8")
    repo.commit_all("edit")
    result = repo.cli("sign", str(path), "--key", str(repo.keys["sri"]))
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(path, "Hubungi")
    assert f"{rel(repo, path)}:{line}: error [pii.phone]" in result.stderr
    assert f"{rel(repo, path)}:{line}: error [text.invisible]" in result.stderr
    assert path.read_text(encoding="utf-8") == text  # nothing was signed
