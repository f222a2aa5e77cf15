"""YAML 1.2 core-schema scalars in front-matter and workflow files, through the CLI.

PyYAML alone reads YAML 1.1: ``yes``/``no``/``on``/``off`` are booleans, ``010`` is eight,
``1:00:00`` a sexagesimal number (a 14 KB one broke the content digest, a 1 MB one took 38 s)
and ``2026-11-02`` a date. Warta reads plain scalars by the YAML 1.2 core schema: only
``true``/``false`` are booleans, ``010`` is ten, numbers are at most 32 characters, and
everything else is text exactly as written. Wherever the schema expects text, anything that is
not text is an error naming its line, what was expected and what was found.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from hardening.forge import Forger, says_expected_and_found
from helpers import MAIN, Repo, warta_exe

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 1"><rect width="2"/></svg>\n'


def item_text(slug: str, *, extra: str = "", title: str = "", date: str = "2026-11-02") -> str:
    return (
        f"---\nid: 20261102-{slug}\ntitle: {title or 'Berita ' + slug}\nslug: {slug}\n"
        f"date: {date}\ndescription: Ringkasan.\ncategories: [Kecamatan Cibening]\n{extra}"
        "status: usulan\n---\n\nSUKAMAJU – Isi berita.\n"
    )


def rel(slug: str) -> str:
    return f"content/berita/2026/{slug}/index.md"


def line_of(repo: Repo, slug: str, needle: str) -> int:
    lines = repo.read(rel(slug)).split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def verdict(repo: Repo, slug: str) -> dict:  # type: ignore[type-arg]
    return next(v for v in repo.validate_json()["items"] if v["path"] == rel(slug))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


# ---- sexagesimal-looking values: text, read at once --------------------------------------


@pytest.mark.parametrize("length", [14_000, 990_000])
def test_a_sexagesimal_looking_value_is_text_and_is_read_quickly(
    repo: Repo, forger: Forger, tmp_path: Path, length: int
) -> None:
    value = "1" + ":00" * (length // 3)
    approved = forger.sign_chain(item_text("nomor", extra=f"nomor: {value}\n"))
    repo.write(rel("nomor"), approved)
    repo.write(rel("tanggal"), item_text("tanggal", date=value))  # a draft
    repo.commit_all("angka seksagesimal")
    start = time.monotonic()
    result = repo.cli("validate", "--format", "json")
    took = time.monotonic() - start
    no_traceback(result)
    assert result.returncode == 1, result.stderr  # the draft's date is an error
    assert took < 30, f"validate took {took:.1f} s"  # 38 s for 1 MB when it was a number
    items = {v["path"]: v for v in json.loads(result.stdout)["items"]}
    signed = items[rel("nomor")]
    assert signed["publishable"] is True  # signed text, exactly as written
    assert [(f["rule"], f["line"], f["severity"]) for f in signed["findings"]] == [
        ("schema.unknown-key", line_of(repo, "nomor", "nomor: 1:00"), "warning")
    ]
    (bad,) = items[rel("tanggal")]["findings"]
    assert (bad["rule"], bad["line"]) == ("date.format", line_of(repo, "tanggal", "date: 1:00"))
    assert says_expected_and_found(bad["message"])
    for args in (("build",), ("build", "--strict")):
        start = time.monotonic()
        built = repo.cli(*args, "-d", str(tmp_path / "-".join(args)))
        no_traceback(built)
        assert time.monotonic() - start < 60
        assert built.returncode == (1 if "--strict" in args else 0), built.stderr
    page = tmp_path / "build" / "berita" / "2026" / "nomor" / "index.html"
    assert page.exists()


# ---- YAML 1.1 booleans, octal and numbers ----------------------------------------------------

#: slug -> (front-matter lines, the line's text, rule, message)
DRAFTS = {
    "ya": ("image: {src: a.svg, alt: Foto, shows_minor: yes}\n", "shows_minor: yes",
           "schema.type", "'image.shows_minor' must be true or false; found text 'yes'"),
    "on": ("image:\n  src: a.svg\n  alt: Foto\n  shows_minor: on\n", "shows_minor: on",
           "schema.type", "'image.shows_minor' must be true or false; found text 'on'"),
    "oktal": ("", "title: 010", "schema.type",
              "'title' must be text (quote it); found a number (10)"),
    "heksa": ("", "title: 0x1F", "schema.type",
              "'title' must be text (quote it); found a number (31)"),
    "benar": ("", "title: true", "schema.type", "'title' must be text; found a boolean (true)"),
    "kategori": ("tags: [jalan, 2026]\n", "tags:", "schema.type",
                 "'tags' entries must be text; found a number (2026)"),
    "keterangan": ("image: {src: a.svg, alt: Foto, caption: 3.5}\n", "caption: 3.5",
                   "schema.type", "'image.caption' must be text (quote it); found a number (3.5)"),
    "kredit": ("image: {src: a.svg, alt: false}\n", "alt: false", "schema.type",
               "'image.alt' must be text; found a boolean (false)"),
    "ack": ("pii_ack:\n  - {rule: pii.nik, text: '1', reason: 12}\n", "reason: 12",
            "schema.type", "'pii_ack[0].reason' must be text (quote it); found a number (12)"),
    "ack-aturan": ("pii_ack:\n  - {rule: pii.nip, text: '1', reason: bukan NIK}\n",
                   "rule: pii.nip", "schema.value",
                   "pii_ack[0].rule must be one of pii.email, pii.nik, pii.phone; found 'pii.nip'"),
    "besar": ("nomor: 0x" + "F" * 4000 + "\n", "nomor: 0x", "yaml.number",
              "expected a number of at most 32 characters here, found one of 4002 (quote it if"
              " it is text)"),
    "panjang": ("nomor: " + "9" * 40 + "\n", "nomor: 9", "yaml.number",
                "expected a number of at most 32 characters here, found one of 40 (quote it if"
                " it is text)"),
    "tak-hingga": ("nomor: -.inf\n", "nomor: -.inf", "yaml.number",
                   "expected a finite number, found '-.inf'"),
    "tag": ("nomor: !!timestamp 2026-11-02\n", "nomor: !!", "yaml.tag",
            "YAML tag 'tag:yaml.org,2002:timestamp' is not allowed: expected plain values, found"
            " a tagged one"),
    "tag-int": ("nomor: !!int 1:00\n", "nomor: !!int", "yaml.syntax",
                "YAML value does not parse: expected a plain value, found '1:00' (tagged !!int,"
                " which it is not)"),
    "kunci-benar": ("true: 1\n", "true: 1", "yaml.key",
                    "a mapping key must be text: expected text, found bool 'true' (quote it)"),
}


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    from helpers import make_repo

    repo = make_repo(tmp_path_factory.mktemp("yaml12") / "repo", keys)
    for slug, (extra, needle, _, _) in DRAFTS.items():
        text = item_text(slug, extra=extra)
        if needle.startswith("title: "):
            text = text.replace(f"title: Berita {slug}\n", f"{needle}\n")
        repo.write(rel(slug), text)
        if "a.svg" in extra:
            repo.write(rel(slug).replace("index.md", "a.svg"), SVG)
    repo.commit_all("draf")
    return repo


@pytest.mark.parametrize("slug", sorted(DRAFTS))
def test_a_value_that_is_not_what_the_schema_expects_is_an_error_naming_its_line(
    drafts: Repo, slug: str
) -> None:
    _, needle, rule, message = DRAFTS[slug]
    found = verdict(drafts, slug)
    errors = [f for f in found["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["line"], f["message"]) for f in errors] == [
        (rule, line_of(drafts, slug, needle), message)
    ]
    assert found["publishable"] is False


def test_yes_no_on_off_are_ordinary_text(repo: Repo, forger: Forger) -> None:
    """Where text is expected, the words are text (a category called 'No' is a category)."""
    extra = "tags: [yes, no, on, off, y, n, ~no]\n"
    text = item_text("kata", extra=extra, title="on").replace("[Kecamatan Cibening]", "[No]")
    repo.write(rel("kata"), forger.sign_chain(text))
    repo.commit_all("kata")
    found = verdict(repo, "kata")
    assert found["findings"] == [] and found["publishable"] is True


def test_the_commands_report_the_drafts_without_a_traceback(drafts: Repo, tmp_path: Path) -> None:
    expected = {f"{rel(slug)}:{line_of(drafts, slug, needle)}: error [{rule}] {message}"
                for slug, (_, needle, rule, message) in DRAFTS.items()}
    result = drafts.cli("validate")
    no_traceback(result)
    assert result.returncode == 1
    assert expected <= set(result.stdout.splitlines())
    for args in (("build", "-d", str(tmp_path / "site")), ("status",),
                 ("preview", "--build-only", str(tmp_path / "preview"))):
        result = drafts.cli(*args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)


# ---- workflow files ------------------------------------------------------------------------

#: case -> (file, replaced, replacement, message)
WORKFLOW = {
    "gate-yes": ("workflow/sop.yml", "gate: true", "gate: yes",
                 "'steps[4].gate' must be true or false; found text 'yes'"),
    "amount-text": ("workflow/sop.yml", "{amount: 5, unit: menit}", "{amount: '5', unit: menit}",
                    "'steps[0].time.amount' must be a whole number; found text '5'"),
    "amount-sexagesimal": ("workflow/sop.yml", "{amount: 5, unit: menit}",
                           "{amount: 1:00:00, unit: menit}",
                           "'steps[0].time.amount' must be a whole number; found text '1:00:00'"),
    "nip-number": ("workflow/roster.yml", 'nip: "197805122003121002"', "nip: 197805122003121002",
                   "'people[0].nip' must be text (quote it); found a number"
                   " (197805122003121002)"),
    "nip-octal": ("workflow/roster.yml", 'nip: "197805122003121002"', "nip: 0100",
                  "'people[0].nip' must be text (quote it); found a number (100)"),
    "acting-on": ("workflow/roster.yml", "acting: true", "acting: on",
                  "'people[4].roles[1].acting' must be true or false; found text 'on'"),
}


@pytest.mark.parametrize("case", sorted(WORKFLOW))
def test_a_workflow_value_of_the_wrong_type_is_broken_configuration(repo: Repo,
                                                                    case: str) -> None:
    path, old, new, message = WORKFLOW[case]
    text = repo.read(path)
    assert old in text
    changed = text.replace(old, new, 1)
    repo.write(path, changed)
    repo.sign_workflow_unchecked()  # signed: the reader, not the signature, refuses
    repo.commit_all(case)
    line = next(i for i, row in enumerate(changed.split("\n"), 1) if new in row)
    result = repo.cli("validate")
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}:{line}: error [schema.type] {message}" in result.stderr


# ---- the bundled sample keeps its signatures -------------------------------------------------


def test_the_bundled_sample_reads_as_it_was_signed(tmp_path: Path) -> None:
    """Read as YAML 1.2, every sample item still has the content its signers signed: only
    the one edited after approval is refused."""
    root = tmp_path / "sample"
    shutil.copytree(MAIN / "content", root / "content")
    shutil.copytree(MAIN / "workflow", root / "workflow")
    shutil.copy(MAIN / "mkdocs.yml", root / "mkdocs.yml")
    result = subprocess.run([warta_exe(), "validate", "--format", "json"], cwd=root,
                            capture_output=True, text=True, timeout=300, check=False)
    no_traceback(result)
    items = json.loads(result.stdout)["items"]
    assert len(items) == 15
    changed = [v["path"] for v in items
               if any(f["rule"] == "content.changed-after-approval" for f in v["findings"])]
    assert changed == ["content/berita/2026/puskesmas-rawat-inap-mekarjaya/index.md"]
    assert not [f for v in items for f in v["findings"]
                if f["rule"].startswith(("signature.", "yaml.", "schema."))]
    assert sum(v["publishable"] for v in items) == 8  # the withdrawn, the embargoed are not
