"""Text is what it looks like: bidi controls, zero-width and other format characters (Unicode
category Cf) in any signed text are errors (``text.invisible``) naming the line and the
character, through the CLI, on items signed with real keys.

A RIGHT-TO-LEFT OVERRIDE in a title shows readers its words in another order than the
reviewer saw in the diff; a ZERO WIDTH SPACE inside a NIK hid it from the personal-data scan.
The one exception is a ZERO WIDTH JOINER between two emoji (one picture: a family, a flag),
which hides nothing; a SOFT HYPHEN is refused like the rest.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hardening.forge import APPROVAL, Forger, says_expected_and_found
from helpers import WIB, Repo, make_repo

RLO = "\u202e"
PDF = "\u202c"
ZWSP = "\u200b"
ZWJ = "\u200d"
SHY = "\u00ad"
LRI = "\u2066"
TAG_A = "\U000e0041"


def item_text(slug: str, *, title: str = "", extra: str = "", body: str = "") -> str:
    """An item; ``extra`` lines replace its description when they hold one."""
    description = "" if extra.startswith("description:") else "description: Ringkasan.\n"
    return (
        f"---\nid: 20261102-{slug}\ntitle: \"{title or 'Berita ' + slug}\"\nslug: {slug}\n"
        f"date: 2026-11-02\n{description}categories: [Kecamatan Cibening]\n"
        f"{extra}status: usulan\n---\n\nSUKAMAJU – Isi berita.\n{body}"
    )


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 1"><rect width="2"/></svg>\n'

#: slug -> (title, front-matter lines, body lines, the text on the finding's line, the
#: field named, the characters named)
CASES: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "judul-terbalik": (f"Bupati {RLO}nakiduS{PDF} Meresmikan", "", "", "title:", "title",
                       ("U+202E RIGHT-TO-LEFT OVERRIDE", "U+202C POP DIRECTIONAL FORMATTING")),
    "ringkasan": ("", f'description: "Ring{ZWSP}kasan"\n', "", "description:",
                  "description", ("U+200B ZERO WIDTH SPACE",)),
    "kategori": ("", f'tags: [jalan, "jem{SHY}batan"]\n', "", "tags:", "tags[1]",
                 ("U+00AD SOFT HYPHEN",)),
    "keterangan": ("", f'image: {{src: a.svg, alt: Foto, caption: "Kader {LRI}posyandu"}}\n',
                   "", "image:", "image.caption", ("U+2066 LEFT-TO-RIGHT ISOLATE",)),
    "kredit": ("", f'image:\n  src: a.svg\n  alt: "Foto{TAG_A}"\n  credit: Humas\n', "",
               "  alt:", "image.alt", ("U+E0041 TAG LATIN CAPITAL LETTER A",)),
    "ralat": ("", f'ralat: "Nama kepala desa{ZWJ} diperbaiki"\n', "", "ralat:", "ralat",
              ("U+200D ZERO WIDTH JOINER",)),
    "isi-nik": ("", "", f"\nNomor 3201{ZWSP}0112{ZWSP}0390{ZWSP}0001 dicoret.\n", "Nomor 3201",
                "body", ("U+200B ZERO WIDTH SPACE",)),
    "isi-terbalik": ("", "", f"\nHarga Rp {RLO}000.01{PDF} per kilo.\n", "Harga Rp", "body",
                     ("U+202E RIGHT-TO-LEFT OVERRIDE", "U+202C POP DIRECTIONAL FORMATTING")),
    "isi-bom": ("", "", "\nParagraf\ufeff kedua.\n", "Paragraf", "body",
                ("U+FEFF ZERO WIDTH NO-BREAK SPACE",)),
}

#: texts that read as they look: emoji joined by a ZWJ (with or without a variation selector)
CLEAN = {
    "emoji-keluarga": "\nKeluarga \U0001f468\u200d\U0001f469\u200d\U0001f467 berlibur.\n",
    "emoji-pelangi": "\nBendera \U0001f3f3\ufe0f\u200d\U0001f308 dikibarkan.\n",
    "emoji-kulit": "\nPetugas \U0001f469\U0001f3fd\u200d\U0001f692 sigap.\n",
    "huruf-lebar": "\nAngka \uff11\uff12 dan spasi\u00a0biasa.\n",
}


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("invisible") / "repo", keys)
    forger = Forger(keys)
    for slug, (title, extra, body, *_) in CASES.items():
        listing = ""
        if "a.svg" in extra:
            repo.write(f"content/berita/2026/{slug}/a.svg", SVG)
            listing = "files:\n- path: a.svg\n  sha256: " + _sha(SVG) + "\n"
        repo.write(rel(slug), forger.sign_chain(item_text(slug, title=title,
                                                          extra=extra + listing, body=body)))
    for slug, body in CLEAN.items():
        repo.write(rel(slug), forger.sign_chain(item_text(slug, body=body)))
    text = item_text("catatan")
    chain = (*APPROVAL[:2], APPROVAL[2])
    repo.write(rel("catatan"), forger.sign_chain(text, chain))
    repo.commit_all("berita")
    return repo


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def rel(slug: str) -> str:
    return f"content/berita/2026/{slug}/index.md"


def line_of(repo: Repo, slug: str, needle: str) -> int:
    lines = repo.read(rel(slug)).split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(needle)
                or (needle in line and not needle.endswith(":")))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


@pytest.mark.parametrize("slug", sorted(CASES))
def test_an_invisible_character_is_an_error_naming_line_and_character(signed: Repo,
                                                                      slug: str) -> None:
    _, _, _, needle, where, names = CASES[slug]
    verdict = next(v for v in signed.validate_json()["items"] if v["path"] == rel(slug))
    assert verdict["publishable"] is False
    found = [f for f in verdict["findings"] if f["rule"] == "text.invisible"]
    assert [(f["line"], f["severity"]) for f in found] == [
        (line_of(signed, slug, needle), "error")
    ]
    message = found[0]["message"]
    assert message.startswith(f"{where}: found ")
    for name in names:
        assert name in message
    assert says_expected_and_found(message), message
    errors = {f["rule"] for f in verdict["findings"] if f["severity"] == "error"}
    assert errors <= {"text.invisible", "pii.nik"}, verdict["findings"]


def test_the_hidden_nik_is_also_found_by_the_personal_data_scan(signed: Repo) -> None:
    verdict = next(v for v in signed.validate_json()["items"] if v["path"] == rel("isi-nik"))
    (nik,) = [f for f in verdict["findings"] if f["rule"] == "pii.nik"]
    assert nik["line"] == line_of(signed, "isi-nik", "Nomor 3201")
    assert "'3201011203900001'" in nik["message"]


@pytest.mark.parametrize("slug", sorted(CLEAN))
def test_emoji_joined_by_a_zwj_and_full_width_letters_read_as_they_look(signed: Repo,
                                                                        slug: str) -> None:
    verdict = next(v for v in signed.validate_json()["items"] if v["path"] == rel(slug))
    assert verdict["findings"] == [] and verdict["publishable"] is True


def test_a_zwj_outside_an_emoji_sequence_is_refused(signed: Repo) -> None:
    verdict = next(v for v in signed.validate_json()["items"] if v["path"] == rel("ralat"))
    assert [f["rule"] for f in verdict["findings"]] == ["text.invisible"]


def test_validate_and_build_report_each_and_publish_none(signed: Repo, tmp_path: Path) -> None:
    result = signed.cli("validate")
    no_traceback(result)
    assert result.returncode == 1
    line = line_of(signed, "judul-terbalik", "title:")
    assert (f"{rel('judul-terbalik')}:{line}: error [text.invisible] title: found 2 invisible"
            " characters: U+202E RIGHT-TO-LEFT OVERRIDE (character 8), U+202C POP DIRECTIONAL"
            " FORMATTING (character 16)") in result.stdout
    out = tmp_path / "site"
    built = signed.cli("build", "-d", str(out))
    no_traceback(built)
    assert built.returncode == 0, built.stderr
    for slug in CASES:
        assert f"{rel(slug)}:" in built.stderr, slug
        assert not (out / "berita" / "2026" / slug).exists(), slug
    for slug in CLEAN:
        assert (out / "berita" / "2026" / slug / "index.html").exists(), slug
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert RLO not in text and ZWSP not in text, path
    assert signed.cli("build", "--strict", "-d", str(tmp_path / "strict")).returncode == 1


def test_warta_sign_refuses_a_title_with_a_bidi_override(repo: Repo) -> None:
    path = repo.new_item("Bupati Meresmikan Jembatan", at=f"2026-11-02T08:00:00{WIB}")
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: Bupati Meresmikan Jembatan",
                        f'title: "Bupati {RLO}nataboM{PDF} Jembatan"')
    path.write_text(text, encoding="utf-8")
    repo.commit_all("judul")
    result = repo.cli("sign", str(path), "--key", str(repo.keys["sri"]))
    assert result.returncode == 1
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith("title:"))
    assert "[text.invisible] title: found 2 invisible characters: U+202E" in result.stderr
    assert f"{path.relative_to(repo.root).as_posix()}:{line}:" in result.stderr
    assert path.read_text(encoding="utf-8") == text


def test_warta_new_refuses_a_title_with_a_zero_width_space(repo: Repo) -> None:
    result = repo.cli("new", f"Bupati{ZWSP} Meresmikan Jembatan", "--category", "Infrastruktur",
                      "--key", str(repo.keys["hendra"]))
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[text.invisible]" in result.stderr and "U+200B ZERO WIDTH SPACE" in result.stderr
    assert not list((repo.root / "content" / "berita").rglob("index.md"))


def test_a_signoff_note_is_signed_text_too(signed: Repo, forger: Forger) -> None:
    path = signed.root / rel("catatan")
    text = path.read_text(encoding="utf-8")
    assert "note:" not in text
    from warta.adapters.items import parse_item
    from warta.adapters.rewrite import rewrite_workflow
    from warta.model.item import content_digest
    from warta.model.signing import chain_digest

    item = parse_item(text, "x.md").item
    assert item is not None
    last = item.signoffs[-1]
    note = f"Foto menyusul{RLO} lengkap"
    signoff = forger.signoff(str(item.id), step="laporan", by="sri", at=last.at,
                             content=content_digest(item.fields, item.body),
                             prev=chain_digest(last.sig or ""), note=note)
    changed = rewrite_workflow(text, status="dilaporkan", approved_by=None,
                               signoffs=(*item.signoffs, signoff))
    path.write_text(changed, encoding="utf-8")
    try:
        verdict = next(v for v in signed.validate_json()["items"]
                       if v["path"] == rel("catatan"))
        line = next(i for i, row in enumerate(changed.split("\n"), 1) if "note:" in row)
        assert [(f["rule"], f["line"]) for f in verdict["findings"]] == [
            ("text.invisible", line)]
        assert verdict["findings"][0]["message"].startswith("signoffs[3].note: found")
    finally:
        path.write_text(text, encoding="utf-8")


# ---- the workflow files: names and titles shown on every page --------------------------------

WORKFLOW = {
    "roster-name": ("workflow/roster.yml", "name: Sri Rahayu, S.Sos.",
                    f"name: \"Sri {RLO}uyahaR{PDF}, S.Sos.\"", "people[1].name",
                    "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "sop-title": ("workflow/sop.yml", "title: Kepala Bagian Kominfo dan Humas",
                  f"title: \"Kepala Bagian{ZWSP} Kominfo dan Humas\"", "sop.approved_by.title",
                  "U+200B ZERO WIDTH SPACE"),
}


@pytest.mark.parametrize("case", sorted(WORKFLOW))
def test_an_invisible_character_in_a_workflow_file_is_broken_configuration(
    repo: Repo, case: str
) -> None:
    path, old, new, where, name = WORKFLOW[case]
    text = repo.read(path)
    assert old in text
    changed = text.replace(old, new, 1)
    repo.write(path, changed)
    repo.sign_workflow_unchecked()  # an administrator signed it: the reader refuses it all the same
    repo.commit_all(case)
    line = next(i for i, row in enumerate(changed.split("\n"), 1) if new in row)
    result = repo.cli("validate")
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}:{line}: error [text.invisible] {where}: found " in result.stderr
    assert name in result.stderr
