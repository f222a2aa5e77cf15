"""Red team, iteration 12: the printed bulletin (warta cetak, edisi.yml, the Buletin page),
the AKIP report (warta laporan) and the public Kinerja page, Ralat, withdrawal and embargo,
attacked by a staff member with push rights (a writer, or the Kasubag with their own valid
key). Every test asserts the SAFE outcome. The tests marked ``# Found by the red team, then
fixed`` failed when they were written (a real break) and pass since the fix; the others
passed from the start (a defence that held)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from helpers import TEST_OFFICE, Repo

EDITION = "content/cetak/2026-11"


def _cetak(repo: Repo, at: str, *args: str, by: str = "sri") -> subprocess.CompletedProcess[str]:
    return repo.cli("cetak", "--edisi", "2026-11", "--key", str(repo.keys[by]), "--at", at,
                    *args)


def _build(repo: Repo, out: Path) -> Path:
    result = repo.cli("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _mkdocs(repo: Repo, out: Path) -> Path:
    """The plugin's own closure through a plain ``mkdocs build`` (as tests/site does), for
    the Ralat scenes, where ``warta build`` itself fails (see the finding below)."""
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(out), "-f",
         str(repo.root / "mkdocs.yml")], cwd=repo.root, capture_output=True, text=True,
        env={**os.environ, **repo.env}, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return out


def _laporan(repo: Repo, at: str = "2026-11-30T15:00:00+07:00") -> dict:  # type: ignore[type-arg]
    result = repo.cli("laporan", "--periode", "2026-11", "--format", "json", "--at", at)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _sign_manifest(repo: Repo, folder: str, *, edition: str, revision: int,
                   listed: list[tuple[str, str]], pdf: bytes, at: str, by: str = "sri",
                   previous: str | None = None) -> None:
    """The Kasubag signs, by hand, with their own valid key and role, a manifest of their
    choosing (``listed``: (path, content digest) of items as they are in the repository)."""
    from warta.adapters.editionfile import render
    from warta.adapters.ssh import KeygenSigner
    from warta.model.edition import Edition, EditionItem, payload
    from warta.model.signing import NAMESPACE

    project = repo.project()
    items = []
    for path, digest in listed:
        item = project.items[path]
        items.append(EditionItem(str(item.id), path, digest, str(item.title)))
    moment = datetime.fromisoformat(at)
    made = Edition(edition, revision, "Warta", moment.date().replace(day=1), moment.date(),
                   tuple(items), "sha256:" + hashlib.sha256(pdf).hexdigest(), by, moment,
                   moment.isoformat(), previous)
    sig = KeygenSigner(keyfile=repo.keys[by]).sign(
        payload(made, office=TEST_OFFICE), NAMESPACE
    )
    repo.write(f"{folder}/buletin.pdf", pdf)
    repo.write(f"{folder}/edisi.yml", render(replace(made, sig=sig)))


# ---- embargo ----------------------------------------------------------------------------


def test_an_embargoed_item_is_not_printed_on_the_site_before_its_embargo(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # the Kasubag runs `warta cetak` on their own machine with WARTA_NOW after the
    # embargo (a machine setting, theirs) and `--at` before it: the item is chosen as
    # "publishable", its printing step is signed at a real, valid time, and the site's
    # listing check (listing_problems) never looks at the embargo, so CI at the real time
    # serves the PDF (and the Buletin page lists the title) days before the embargo ends.
    repo.embargoed_item("Rahasia Anggaran Kanari", "2026-11-20T09:00:00+07:00",
                        day="2026-11-02", slug="rahasia")
    repo.approved_item("Posyandu Melati", day="2026-11-03", slug="posyandu")
    repo.commit_all("berita")
    kasubag = repo.at_clock("2026-11-21T10:00:00+07:00")
    made = _cetak(kasubag, "2026-11-10T10:00:00+07:00")
    assert made.returncode == 0, made.stderr
    # CI builds main on 10 November, ten days before the embargo ends
    ci = repo.at_clock("2026-11-10T12:00:00+07:00")
    site = _build(ci, tmp_path / "site")
    served = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"Rahasia Anggaran Kanari" not in served
    assert not (site / "cetak").exists()


def test_the_kasubag_cannot_print_an_embargoed_item_by_signing_the_step_early(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # without any clock trick: `warta sign` lets the Kasubag sign the printing
    # step of an item still under embargo; a manifest they sign by hand listing it (valid
    # signature, role, approval and printing step over the digest) is served at once: the
    # PDF and the title on the Buletin page, before the embargo ends.
    path = repo.embargoed_item("Rahasia Kanari Dua", "2026-11-20T09:00:00+07:00",
                               day="2026-11-02", slug="rahasia")
    repo.commit_all("berita")
    signed = repo.at_clock("2026-11-05T10:00:00+07:00").cli(
        "sign", str(path), "--key", str(repo.keys["sri"]), "--at", "2026-11-05T10:00:00+07:00")
    if signed.returncode == 0:
        rel = path.relative_to(repo.root).as_posix()
        item = repo.project().items[rel]
        from warta.model.item import content_digest

        _sign_manifest(repo, EDITION, edition="2026-11", revision=1,
                       listed=[(rel, content_digest(item.fields, item.body))],
                       pdf=b"%PDF-1.7\n% Rahasia Kanari Dua\n", at="2026-11-05T11:00:00+07:00")
        repo.commit_all("edisi")
    site = _build(repo.at_clock("2026-11-06T12:00:00+07:00"), tmp_path / "site")
    served = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"Rahasia Kanari Dua" not in served
    assert not (site / "cetak").exists()


# ---- withdrawn text back onto the site through a copy ---------------------------------


def test_a_withdrawn_item_cannot_come_back_in_a_pdf_through_a_copy(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # a writer copies an approved, printed item to another folder before it is
    # withdrawn; the copy has the same id and verifying records, its errors (id.duplicate,
    # folder/url) are not among listing_problems' RECORD_RULES. The Kasubag signs a new
    # revision listing the copy's path with the old PDF: the withdrawn text is served.
    path = repo.approved_item("Berita Kanari Ditarik", day="2026-11-02", slug="ditarik")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    pdf = repo.path(f"{EDITION}/buletin.pdf").read_bytes()
    copy = repo.root / "content/berita/2026/salinan"
    shutil.copytree(path.parent, copy)
    repo.commit_all("salinan")
    result = repo.cli("withdraw", str(path), "--reason", "narasumber keberatan", "--key",
                      str(repo.keys["hendra"]), "--at", "2026-11-11T10:00:00+07:00")
    assert result.returncode == 0, result.stderr
    rel = "content/berita/2026/salinan/index.md"
    item = repo.project().items[rel]
    from warta.model.item import content_digest
    from warta.model.signing import chain_digest

    first = repo.project().editions[0]
    _sign_manifest(repo, f"{EDITION}/r2", edition="2026-11", revision=2,
                   listed=[(rel, content_digest(item.fields, item.body))], pdf=pdf,
                   at="2026-11-12T10:00:00+07:00", previous=chain_digest(first.sig or ""))
    repo.commit_all("r2")
    site = _build(repo.at_clock("2026-11-13T10:00:00+07:00"), tmp_path / "site")
    assert not (site / "cetak").exists()
    page = (site / "buletin" / "index.html").read_text(encoding="utf-8")
    assert "Kanari" not in page


# ---- rollback of editions -----------------------------------------------------------------


def test_deleting_the_newest_revision_is_refused_against_the_base(repo: Repo) -> None:
    # Found by the red team, then fixed:
    # deleting r2 (which added an item) makes r1 the newest valid revision again;
    # `warta validate --base` (the required check) does not notice, so the site serves the
    # superseded PDF.
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    repo.approved_item("Pasar Tani", day="2026-11-12", slug="pasar")
    repo.commit_all("berita 2")
    second = _cetak(repo, "2026-11-20T10:00:00+07:00")
    assert second.returncode == 0, second.stderr
    base = repo.git("rev-parse", "HEAD").strip()
    shutil.rmtree(repo.path(f"{EDITION}/r2"))
    repo.commit_all("hapus r2")
    result = repo.cli("validate", "--base", base)
    assert result.returncode == 1 and "[cetak.removed]" in result.stdout, result.stdout


def test_a_revision_copied_into_another_folder_is_not_served(repo: Repo, tmp_path: Path) -> None:
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    for target in (f"{EDITION}/r9", "content/cetak/2026-12", "content/cetak/2026-11/r1",
                   "content/cetak/2026-11/R2"):
        shutil.copytree(repo.path(EDITION), repo.path(target), dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("r9", "r1", "R2"))
    repo.commit_all("salinan edisi")
    verified = repo.cli("verify", f"{EDITION}/r9")
    assert verified.returncode != 0
    site = _build(repo, tmp_path / "site")
    served = sorted(p.relative_to(site).as_posix() for p in (site / "cetak").rglob("*")
                    if p.is_file())
    assert served == ["cetak/2026-11/buletin.pdf"]


# ---- the report counts forged work -----------------------------------------------------


def test_a_copied_item_is_not_counted_twice_in_the_report(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # a verbatim copy of an approved item in another folder keeps verifying
    # signatures; its errors (id.duplicate, url/folder) are not among laporan's UNSOUND
    # rules, so the report counts every record once per copy.
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    honest = _laporan(repo)
    for n in range(3):
        shutil.copytree(path.parent, repo.root / f"content/berita/2026/salinan-{n}")
    repo.commit_all("salinan")
    forged = _laporan(repo)
    assert forged["items_counted"] == honest["items_counted"]
    assert [s["performed"] for s in forged["steps"]] == [s["performed"] for s in honest["steps"]]
    assert forged["items"] == honest["items"]


def test_a_copy_in_another_year_or_with_a_case_change_is_not_counted(repo: Repo) -> None:
    # Found by the red team, then fixed:
    # as above, through a folder of another year and an upper-case slug.
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    honest = _laporan(repo)
    shutil.copytree(path.parent, repo.root / "content/berita/2025/posyandu")
    shutil.copytree(path.parent, repo.root / "content/berita/2026/Posyandu")
    repo.commit_all("salinan")
    forged = _laporan(repo)
    assert forged["items_counted"] == honest["items_counted"]
    assert [s["performed"] for s in forged["steps"]] == [s["performed"] for s in honest["steps"]]


def test_the_report_is_not_written_into_content_through_a_link(repo: Repo) -> None:
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    os.symlink("content", repo.root / "keluar")
    for output in ("keluar/laporan.html", "./content/../content/laporan.html",
                   "content/./laporan.html", "Content/laporan.html"):
        repo.cli("laporan", "--periode", "2026-11", "--at", "2026-11-30T15:00:00+07:00",
                 "--output", output)
    assert not list(repo.path("content").glob("laporan*"))


# ---- markup on the Buletin page ----------------------------------------------------------


def test_the_edition_title_is_escaped_on_the_buletin_page(repo: Repo, tmp_path: Path) -> None:
    repo.approved_item('Judul <img src=x onerror=alert(1)> "q"', day="2026-11-02",
                       slug="posyandu")
    repo.commit_all("berita")
    made = _cetak(repo, "2026-11-10T10:00:00+07:00", "--judul",
                  '<script>alert(1)</script><img src=x onerror=alert(2)>')
    assert made.returncode == 0, made.stderr
    site = _build(repo, tmp_path / "site")
    page = (site / "buletin" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page


# ---- oversized or hostile manifests ------------------------------------------------------


def test_a_hostile_manifest_does_not_fail_the_build_for_everyone(
    repo: Repo, tmp_path: Path
) -> None:
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    hostile = {
        "content/cetak/2026-12/edisi.yml": "a: &a [" + ",".join(["*a"] * 10) + "]\n" * 1,
        "content/cetak/2027-01/edisi.yml": "x: " + "[" * 5000 + "]" * 5000 + "\n",
        "content/cetak/2027-02/edisi.yml": "edition: 2027-02\nrevision: 99999999999999999999\n"
                                           "items: {}\nsig: 5\nat: 99999-01-01T00:00:00\n",
        "content/cetak/2027-03/edisi.yml": b"\xff\xfe\x00garbage",
        "content/cetak/2027-04/edisi.yml": "edition: \"2027-04\"\n" + "# x\n" * 200000,
    }
    for rel, text in hostile.items():
        repo.write(rel, text)
    repo.write("content/cetak/2027-05/edisi.yml/buletin.pdf", b"%PDF")
    repo.commit_all("sampah")
    result = repo.cli("validate")
    assert "Traceback" not in result.stderr
    site = _build(repo, tmp_path / "site")
    assert (site / "cetak" / "2026-11" / "buletin.pdf").exists()
    for rel in ("content/cetak/2026-12", "content/cetak/2027-01"):
        out = repo.cli("verify", rel)
        assert out.returncode in (1, 2) and "Traceback" not in out.stderr


# ---- Ralat: the approved version from git history ---------------------------------------


def _in_correction(repo: Repo) -> Path:
    path = repo.approved_item("Jembatan Cibening", day="2026-11-02", slug="jembatan",
                              body="SUKAMAJU – Panjang jembatan 48 meter.\n")
    repo.commit_all("berita")
    started = repo.cli("correct", str(path), "--note", "Panjang 84 meter", "--key",
                       str(repo.keys["hendra"]), "--at", "2026-11-03T09:00:00+07:00")
    assert started.returncode == 0, started.stderr
    text = path.read_text(encoding="utf-8").replace("48 meter", "DRAF-TIDAK-DISETUJUI")
    path.write_text(text, encoding="utf-8")
    repo.commit_all("draf ralat")
    return path


def test_warta_build_succeeds_while_a_correction_is_in_progress(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed (denial of service):
    # right after a legitimate `warta correct` by the Kabag,
    # `warta build` (the CI gate) exits 1: the plugin publishes the approved version from
    # git history, then the post-build audit judges the URL by the file's own verdict (the
    # draft, not approved) and says "leads to 1 unpublished item; do not deploy it". No
    # deploy of the whole site is possible until the correction is approved; a plain
    # `mkdocs build` (which tests/site/test_site_ralat.py uses) does not run that audit.
    path = repo.approved_item("Jembatan Cibening", day="2026-11-02", slug="jembatan",
                              body="SUKAMAJU – Panjang jembatan 48 meter.\n")
    repo.approved_item("Posyandu Melati", day="2026-11-03", slug="posyandu")
    repo.commit_all("berita")
    started = repo.cli("correct", str(path), "--note", "Panjang 84 meter", "--key",
                       str(repo.keys["hendra"]), "--at", "2026-11-03T09:00:00+07:00")
    assert started.returncode == 0, started.stderr
    repo.commit_all("ralat")
    result = repo.cli("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr[-2000:]
    page = tmp_path / "site" / "berita" / "2026" / "jembatan" / "index.html"
    assert "48 meter" in page.read_text(encoding="utf-8")


def test_many_draft_commits_do_not_push_the_approved_version_off_the_site(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed (availability):
    # the lookup reads at most HISTORY_LIMIT (500) commits of the
    # file; a writer who commits the draft 501 times takes the published item off the site
    # (fail closed, but a denial of service on a published item by any pusher).
    path = _in_correction(repo)
    for n in range(501):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"Draf {n}.\n")
        repo.git("commit", "-q", "-am", f"draf {n}")
    site = _mkdocs(repo, tmp_path / "site")
    page = site / "berita" / "2026" / "jembatan" / "index.html"
    assert page.exists()
    assert "48 meter" in page.read_text(encoding="utf-8")


def test_a_grafted_history_cannot_feed_the_ralat_lookup(repo: Repo, tmp_path: Path) -> None:
    """A replace ref / graft that makes an unsigned text look like the file's history."""
    path = _in_correction(repo)
    rel = path.relative_to(repo.root).as_posix()
    # replace every older blob of the file with the draft (refs/replace, as if fetched)
    commits = repo.git("rev-list", "HEAD", "--", rel).split()
    draft_blob = repo.git("rev-parse", f"HEAD:{rel}").strip()
    for commit in commits[1:]:
        old_blob = repo.git("rev-parse", f"{commit}:{rel}").strip()
        if old_blob != draft_blob:
            subprocess.run(["git", "replace", "-f", old_blob, draft_blob], cwd=repo.root,
                           check=True, capture_output=True)
    site = _mkdocs(repo, tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"DRAF-TIDAK-DISETUJUI" not in everything


def test_the_draft_of_a_correction_is_never_printed(repo: Repo, tmp_path: Path) -> None:
    _in_correction(repo)
    made = _cetak(repo, "2026-11-10T10:00:00+07:00")
    if made.returncode == 0:
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(
            repo.path(f"{EDITION}/buletin.pdf")).pages)
        assert "DRAF-TIDAK-DISETUJUI" not in text
    site = _mkdocs(repo, tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"DRAF-TIDAK-DISETUJUI" not in everything


def test_a_kasubag_manifest_of_the_draft_under_correction_is_not_served(
    repo: Repo, tmp_path: Path
) -> None:
    path = _in_correction(repo)
    rel = path.relative_to(repo.root).as_posix()
    from warta.model.item import content_digest

    item = repo.project().items[rel]
    _sign_manifest(repo, EDITION, edition="2026-11", revision=1,
                   listed=[(rel, content_digest(item.fields, item.body))],
                   pdf=b"%PDF-1.7\n% DRAF-TIDAK-DISETUJUI\n", at="2026-11-10T10:00:00+07:00")
    repo.commit_all("edisi draf")
    site = _mkdocs(repo, tmp_path / "site")
    assert not (site / "cetak").exists()


# ---- withdrawal notice --------------------------------------------------------------------


def test_the_withdrawal_notice_does_not_carry_the_draft_title(
    repo: Repo, tmp_path: Path
) -> None:
    path = _in_correction(repo)
    text = path.read_text(encoding="utf-8").replace(
        'title: Jembatan Cibening', 'title: JUDUL-DRAF-KANARI')
    assert "JUDUL-DRAF-KANARI" in text
    path.write_text(text, encoding="utf-8")
    repo.commit_all("judul draf")
    result = repo.cli("withdraw", str(path), "--reason", "keliru", "--key",
                      str(repo.keys["hendra"]), "--at", "2026-11-04T10:00:00+07:00")
    assert result.returncode == 0, result.stderr
    site = _mkdocs(repo, tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"JUDUL-DRAF-KANARI" not in everything
    assert b"DRAF-TIDAK-DISETUJUI" not in everything


def test_an_embargoed_item_does_not_show_on_kinerja_before_its_time(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed (low, counts only):
    # the public Kinerja page counts an approval still under
    # embargo as "published" in November, while the site shows no item that month.
    repo.embargoed_item("Rahasia Kanari", "2026-12-20T09:00:00+07:00", day="2026-11-02",
                        slug="rahasia")
    config = repo.read("mkdocs.yml").replace(
        "      feed_items: 20\n", "      feed_items: 20\n      kinerja: true\n")
    repo.write("mkdocs.yml", config)
    repo.sign_workflow()
    repo.commit_all("kinerja")
    site = _build(repo.at_clock("2026-11-30T09:00:00+07:00"), tmp_path / "site")
    page = (site / "kinerja" / "index.html").read_text(encoding="utf-8")
    assert "<td>November 2026</td><td>1</td>" not in page


def test_copied_items_do_not_inflate_the_public_kinerja_page(repo: Repo, tmp_path: Path) -> None:
    # Found by the red team, then fixed:
    # the public page uses the same split as the report: three verbatim copies of
    # one approved item show as four news published in November.
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    config = repo.read("mkdocs.yml").replace(
        "      feed_items: 20\n", "      feed_items: 20\n      kinerja: true\n")
    repo.write("mkdocs.yml", config)
    repo.sign_workflow()
    for n in range(3):
        shutil.copytree(path.parent, repo.root / f"content/berita/2026/salinan-{n}")
    repo.commit_all("kinerja dan salinan")
    site = _build(repo.at_clock("2026-11-30T09:00:00+07:00"), tmp_path / "site")
    page = (site / "kinerja" / "index.html").read_text(encoding="utf-8")
    row = re.search(r"<td>November 2026</td><td>(\d+)</td>", page)
    assert row is not None and row.group(1) == "1", row


# ---- paths: links and numbering --------------------------------------------------------


def test_cetak_never_writes_through_a_committed_link_out_of_the_repository(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # a pusher commits `content/cetak` as a symbolic link; the Kasubag's
    # `warta cetak` creates the edition folder and writes buletin.pdf and edisi.yml
    # through it (atomic.write_bytes and Path.mkdir follow links), outside the repository.
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, repo.path("content/cetak"))
    repo.commit_all("tautan")
    result = _cetak(repo, "2026-11-10T10:00:00+07:00", "--no-commit")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in outside.rglob("*")) == []


def test_a_junk_revision_folder_does_not_block_the_next_edition(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed (availability):
    # a pusher commits an unsigned `r9999/buletin.pdf`; cetak then
    # numbers the next revision 10000, a folder the site never recognises (r + at most 4
    # digits), so the edition the Kasubag signs is never served.
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.write(f"{EDITION}/r9999/buletin.pdf", b"%PDF-1.7\n% sampah\n")
    repo.commit_all("sampah")
    # (the Kasubag's run, on a checkout holding the junk)
    result = _cetak(repo, "2026-11-10T10:00:00+07:00")
    assert "Traceback" not in result.stderr
    if result.returncode != 0:  # a refusal is safe if it wrote and signed nothing
        assert repo.git("status", "--porcelain") == ""
        return
    # what it wrote must be an edition the repository recognises
    rules = {f["rule"] for s in repo.validate_json()["site"] for f in s["findings"]
             if "/r9999/" not in s["path"]}
    assert "cetak.stray" not in rules, rules


def test_a_hard_linked_pdf_is_not_served(repo: Repo, tmp_path: Path) -> None:
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    pdf = repo.path(f"{EDITION}/buletin.pdf")
    other = tmp_path / "hard.pdf"
    other.write_bytes(pdf.read_bytes())
    pdf.unlink()
    os.link(other, pdf)
    result = repo.cli("verify", EDITION)
    assert result.returncode == 1
    result = repo.cli("build", "-d", str(tmp_path / "site"))
    assert not (tmp_path / "site" / "cetak").exists()


def test_no_script_or_file_link_reaches_the_pdf(repo: Repo) -> None:
    body = ("SUKAMAJU – [klik](javascript:alert(1)) dan <a href=\"file:///etc/passwd\">berkas</a>"
            " dan [data](data:text/html,<script>alert(1)</script>) dan"
            " [vb](JaVaScRiPt&#58;alert(2)).\n")
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu", body=body)
    made = _cetak(repo, "2026-11-10T10:00:00+07:00")
    assert made.returncode == 0, made.stderr
    import pypdf

    uris = []
    for page in pypdf.PdfReader(repo.path(f"{EDITION}/buletin.pdf")).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]).lower())
    assert uris and not [u for u in uris if u.startswith(("javascript", "file", "data"))]


def test_the_withdrawal_notice_shows_no_unsigned_title(repo: Repo, tmp_path: Path) -> None:
    """After the withdrawal a pusher edits the title (and the body) of the withdrawn item:
    the notice at its URL must not carry that unsigned text."""
    path = repo.approved_item("Jembatan Cibening", day="2026-11-02", slug="jembatan")
    result = repo.cli("withdraw", str(path), "--reason", "keliru", "--key",
                      str(repo.keys["hendra"]), "--at", "2026-11-04T10:00:00+07:00")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8").replace(
        'title: Jembatan Cibening', 'title: JUDUL-FITNAH-KANARI').replace(
        "Isi berita.", "ISI-FITNAH-KANARI")
    assert "JUDUL-FITNAH-KANARI" in text and "ISI-FITNAH-KANARI" in text
    path.write_text(text, encoding="utf-8")
    repo.commit_all("ubah judul")
    site = _mkdocs(repo, tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"FITNAH-KANARI" not in everything


def test_the_buletin_page_shows_only_approved_titles(repo: Repo, tmp_path: Path) -> None:
    # Found by the red team, then fixed:
    # the titles of the Buletin page's table of contents come from the manifest,
    # which only the Kasubag signs; listing_problems checks id, path and digest but never
    # that the listed title is the approved one, so the Kasubag can put any headline on
    # the site under an approved item (the approval covers the item's real title).
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    rel = path.relative_to(repo.root).as_posix()
    first = repo.project().editions[0]
    pdf = repo.path(f"{EDITION}/buletin.pdf").read_bytes()
    from warta.adapters.editionfile import render
    from warta.adapters.ssh import KeygenSigner
    from warta.model.edition import payload
    from warta.model.signing import NAMESPACE, chain_digest

    listed = tuple(replace(i, title="JUDUL-PALSU-KANARI", line=None) for i in first.items)
    assert [i.path for i in listed] == [rel]
    moment = datetime.fromisoformat("2026-11-11T10:00:00+07:00")
    made = replace(first, revision=2, items=listed, at=moment, at_text=moment.isoformat(),
                   previous=chain_digest(first.sig or ""), sig=None, path="", sig_line=None)
    sig = KeygenSigner(keyfile=repo.keys["sri"]).sign(
        payload(made, office=TEST_OFFICE), NAMESPACE
    )
    repo.write(f"{EDITION}/r2/buletin.pdf", pdf)
    repo.write(f"{EDITION}/r2/edisi.yml", render(replace(made, sig=sig)))
    repo.commit_all("r2")
    site = _build(repo, tmp_path / "site")
    page = (site / "buletin" / "index.html").read_text(encoding="utf-8")
    assert "JUDUL-PALSU-KANARI" not in page


def test_verify_does_not_accept_an_edition_through_a_link_out_of_the_repository(
    repo: Repo, tmp_path: Path
) -> None:
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    outside = tmp_path / "luar"
    shutil.copytree(repo.path(EDITION), outside)
    shutil.rmtree(repo.path(EDITION))
    os.symlink(outside, repo.path(EDITION))
    for target in (EDITION, f"{EDITION}/edisi.yml", str(outside), str(outside / "edisi.yml"),
                   f"content/cetak/../../{outside.relative_to(tmp_path)}"):
        result = repo.cli("verify", target)
        assert result.returncode != 0, (target, result.stdout)
    site = repo.cli("build", "-d", str(tmp_path / "site"))
    assert not (tmp_path / "site" / "cetak").exists(), site.stderr


def test_a_withdrawal_during_the_embargo_does_not_reveal_the_title(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team, then fixed:
    # an approved item still under embargo is withdrawn (it was never published);
    # the build publishes a withdrawal notice at its URL naming its title (and when and
    # why), weeks before the embargo would have ended: the embargoed headline leaks.
    site = _withdrawn_under_embargo(repo, tmp_path, "Rahasia Kanari Tiga",
                                    signed="2026-11-04T10:00:00+07:00",
                                    clock="2026-11-04T10:00:00+07:00",
                                    built="2026-11-05T10:00:00+07:00")
    assert _traces(site, "Rahasia Kanari Tiga") == []


def _withdrawn_under_embargo(repo: Repo, tmp_path: Path, title: str, *, signed: str,
                             clock: str, built: str) -> Path:
    """The site built at ``built`` after an item under embargo until 20 December was
    withdrawn with the time ``signed`` on the clock ``clock``."""
    path = repo.embargoed_item(title, "2026-12-20T09:00:00+07:00", day="2026-11-02",
                               slug="rahasia")
    result = repo.at_clock(clock).cli("withdraw", str(path), "--reason", "batal", "--key",
                                      str(repo.keys["hendra"]), "--at", signed)
    assert result.returncode == 0, result.stderr
    repo.commit_all("tarik")
    return _build(repo.at_clock(built), tmp_path / "site")


def _traces(site: Path, text: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and text.encode() in p.read_bytes())


def test_a_withdrawal_signed_just_past_the_embargo_reveals_nothing_before_it(
    repo: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on time: a withdrawal may be signed up to five
    minutes ahead of the clock; signed 30 s after the embargo at 08:56, it made a build at
    08:57, before the embargo by the build's own clock, publish the notice with the
    embargoed headline at the item's address."""
    site = _withdrawn_under_embargo(repo, tmp_path, "Rahasia Kanari Lima",
                                    signed="2026-12-20T09:00:30+07:00",
                                    clock="2026-12-20T08:56:00+07:00",
                                    built="2026-12-20T08:57:00+07:00")
    assert _traces(site, "Rahasia Kanari Lima") == []
    assert not (site / "berita/2026/rahasia").exists()


def test_verify_of_an_edition_says_what_keeps_it_off_the_site_as_validate_does(
    repo: Repo,
) -> None:
    """Found by an independent attack on time: an edition compiled with ``--at`` before an
    item's embargo (or on a clock past it) was kept off the site by validate and build
    (``cetak.item-embargo``), while ``warta verify`` of the edition said OK without a word
    of it. Verify now adds what the repository's own judgement of the edition says."""
    repo.embargoed_item("Pasar Murah Sukamaju", "2026-11-20T09:00:00+07:00",
                        day="2026-11-02", slug="pasar")
    repo.approved_item("Posyandu Melati", day="2026-11-03", slug="posyandu")
    repo.commit_all("berita")
    printed = repo.at_clock("2026-11-25T10:00:00+07:00").cli(
        "cetak", "--edisi", "2026-11", "--key", str(repo.keys["sri"]), "--at",
        "2026-11-16T11:05:00+07:00")
    assert printed.returncode == 0, printed.stderr
    early = repo.at_clock("2026-11-16T11:10:00+07:00")
    rules = {f["rule"] for s in early.validate_json()["site"] for f in s["findings"]}
    assert "cetak.item-embargo" in rules
    verified = early.cli("verify", EDITION)
    assert "[cetak.item-embargo]" in verified.stdout and "pasar" in verified.stdout, \
        verified.stdout
    later = repo.at_clock("2026-11-20T09:00:00+07:00").cli("verify", EDITION)
    assert later.returncode == 0 and "[cetak.item-embargo]" not in later.stdout, later.stdout


def test_a_correction_during_the_embargo_is_refused_and_one_made_anyway_shows_nothing(
    repo: Repo, tmp_path: Path
) -> None:
    """``warta correct`` of an item still under embargo is refused (noted by an independent
    attack: a Ralat would later name a "previous version" no reader saw); a correction
    record made anyway (by hand, or by a Warta before the check) publishes nothing early."""
    from unittest import mock

    from warta import actions
    from warta.adapters.ssh import KeygenSigner
    from warta.model.item import CORRECT

    path = repo.embargoed_item("Rahasia Kanari Empat", "2026-12-20T09:00:00+07:00",
                               day="2026-11-02", slug="rahasia")
    before = path.read_bytes()
    refused = repo.at_clock("2026-11-04T10:00:00+07:00").cli(
        "correct", str(path), "--note", "ralat", "--key", str(repo.keys["hendra"]), "--at",
        "2026-11-04T10:00:00+07:00")
    assert refused.returncode == 1 and "2026-12-20T09:00:00+07:00" in refused.stderr, \
        refused.stderr
    assert "warta return" in refused.stderr and path.read_bytes() == before
    with mock.patch.object(actions, "_refuse_correcting_unpublished", lambda *a: None):
        started = actions.take_back(
            repo.project(), path, KeygenSigner(keyfile=repo.keys["hendra"]), action=CORRECT,
            reason="", note="ralat", commit=False,
            now=datetime.fromisoformat("2026-11-04T10:00:00+07:00"))
    assert started.record.action == CORRECT
    repo.commit_all("ralat")
    site = _mkdocs(repo.at_clock("2026-11-05T10:00:00+07:00"), tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"Rahasia Kanari Empat" not in everything


def test_no_signed_page_takes_the_place_of_the_buletin_or_kinerja_page(
    repo: Repo, tmp_path: Path
) -> None:
    """'Nothing shadows the theme or Warta', for the two new generated pages too."""
    repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    config = repo.read("mkdocs.yml").replace(
        "      feed_items: 20\n", "      feed_items: 20\n      kinerja: true\n")
    repo.write("mkdocs.yml", config)
    repo.write("content/kinerja/index.md", "# Kinerja\n\nANGKA-PALSU-KANARI\n")
    repo.write("content/Buletin.md", "# Buletin\n\nEDISI-PALSU-KANARI\n")
    signed = repo.cli("trust", "sign", "--key", str(repo.keys["admin"]), "--no-commit")
    repo.commit_all("halaman")
    result = repo.cli("build", "-d", str(tmp_path / "site"))
    site = tmp_path / "site"
    served = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file()) \
        if site.exists() else b""
    assert b"ANGKA-PALSU-KANARI" not in served and b"EDISI-PALSU-KANARI" not in served, (
        signed.stdout, result.stderr[-1500:])


# ---- attack K: an edition's own time, its chain of revisions, a Ralat ---------------------


def _printed(repo: Repo) -> tuple[str, str]:
    """An approved item printed by ``warta cetak`` on 10 November (revision 1): its path
    and the content digest printed."""
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    assert _cetak(repo, "2026-11-10T10:00:00+07:00").returncode == 0
    first = repo.project().editions[0]
    return path.relative_to(repo.root).as_posix(), first.items[0].content


def _r1_digest(repo: Repo) -> str:
    from warta.model.signing import chain_digest

    return chain_digest(repo.project().editions[0].sig or "")


def _site_rules(repo: Repo) -> set[str]:
    data = repo.validate_json()
    return {f["rule"] for s in data["site"] for f in s["findings"]}


def _served_pdf(repo: Repo, tmp_path: Path) -> bytes:
    site = _build(repo, tmp_path / "site")
    pdfs = list((site / "cetak").rglob("buletin.pdf")) if (site / "cetak").exists() else []
    assert len(pdfs) <= 1, pdfs
    return pdfs[0].read_bytes() if pdfs else b""


@pytest.mark.parametrize(("at", "previous", "rule"), [
    # dated before revision 1, which it replaces (a revoked key's way back)
    ("2026-11-09T10:00:00+07:00", "r1", "cetak.time-backwards"),
    # naming no previous revision, or another one
    ("2026-11-12T10:00:00+07:00", None, "cetak.chain"),
    ("2026-11-12T10:00:00+07:00", "sha256:" + "0" * 64, "cetak.chain"),
    # dated in the future
    ("2027-01-05T10:00:00+07:00", "r1", "cetak.future"),
])
def test_a_revision_must_follow_the_one_it_replaces(
    repo: Repo, tmp_path: Path, at: str, previous: str | None, rule: str
) -> None:
    # Found by the red team (attack K), then fixed: an edition's time is the signer's word,
    # and nothing bounded it or checked 'previous'; a revision 2 signed by a key revoked
    # since, dated before the revocation, replaced the office's edition on the site.
    rel, digest = _printed(repo)
    legitimate = _served_pdf(repo, tmp_path / "before")
    assert legitimate.startswith(b"%PDF")
    _sign_manifest(repo, f"{EDITION}/r2", edition="2026-11", revision=2,
                   listed=[(rel, digest)], pdf=b"%PDF-1.7\n% EDISI-PALSU-KANARI\n", at=at,
                   previous=_r1_digest(repo) if previous == "r1" else previous)
    repo.commit_all("r2")
    assert rule in _site_rules(repo)
    assert _served_pdf(repo, tmp_path / "after") == legitimate  # revision 1 stays


def test_an_edition_revoked_keys_day_is_the_office_s_day(repo: Repo, tmp_path: Path) -> None:
    # Found by the red team (attack K), then fixed: the key's validity was judged on the day
    # the manifest's offset writes (2026-11-10 at -12:00), not the office's (11 November).
    from test_forgery import revoke

    rel, digest = _printed(repo)
    previous = _r1_digest(repo)
    revoke(repo, "sri", "2026-11-11", "laptop hilang")
    repo.commit_all("revoke")
    _sign_manifest(repo, f"{EDITION}/r2", edition="2026-11", revision=2,
                   listed=[(rel, digest)], pdf=b"%PDF-1.7\n% EDISI-PALSU-KANARI\n",
                   at="2026-11-10T20:00:00-12:00", previous=previous)
    repo.commit_all("r2")
    assert "cetak.key-not-valid" in _site_rules(repo)
    assert b"EDISI-PALSU-KANARI" not in _served_pdf(repo, tmp_path)


def test_an_edition_before_its_items_printing_step_or_with_no_item_is_refused(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team (attack K), then fixed.
    rel, digest = _printed(repo)
    _sign_manifest(repo, "content/cetak/2026-12", edition="2026-12", revision=1,
                   listed=[(rel, digest)], pdf=b"%PDF-1.7\n% EDISI-PALSU-KANARI\n",
                   at="2026-11-05T10:00:00+07:00")
    _sign_manifest(repo, "content/cetak/2026-10", edition="2026-10", revision=1,
                   listed=[], pdf=b"%PDF-1.7\n% KOSONG-PALSU-KANARI\n",
                   at="2026-11-20T10:00:00+07:00")
    repo.commit_all("edisi")
    assert {"cetak.before-printing", "cetak.no-items"} <= _site_rules(repo)
    site = _build(repo, tmp_path / "site")
    served = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"EDISI-PALSU-KANARI" not in served and b"KOSONG-PALSU-KANARI" not in served


def test_no_headline_of_the_kasubag_s_choosing_while_a_ralat_is_in_progress(
    repo: Repo, tmp_path: Path
) -> None:
    # Found by the red team (attack K), then fixed: the listed title was compared with the
    # file's only when the file held the printed text; during a Ralat it holds the draft,
    # so a revision listing the approved digest under any headline was served.
    rel, digest = _printed(repo)
    previous = _r1_digest(repo)
    started = repo.cli("correct", rel, "--note", "Ralat jam buka", "--key",
                       str(repo.keys["hendra"]), "--at", "2026-11-11T09:00:00+07:00")
    assert started.returncode == 0, started.stderr
    path = repo.path(rel)
    path.write_text(path.read_text(encoding="utf-8") + "\nDraf ralat.\n", encoding="utf-8")
    repo.commit_all("draf ralat")
    _sign_manifest(repo, f"{EDITION}/r2", edition="2026-11", revision=2,
                   listed=[(rel, digest)], pdf=b"%PDF-1.7\n% EDISI-PALSU-KANARI\n",
                   at="2026-11-12T10:00:00+07:00", previous=previous)
    manifest = repo.path(f"{EDITION}/r2/edisi.yml")
    from warta.adapters.editionfile import read_edition, render
    from warta.adapters.ssh import KeygenSigner
    from warta.model.edition import payload
    from warta.model.signing import NAMESPACE

    made, _problems = read_edition(repo.root, f"{EDITION}/r2/edisi.yml")
    assert made is not None
    forged = replace(made, items=tuple(replace(i, title="JUDUL-PALSU-KANARI", line=None)
                                       for i in made.items), sig=None)
    sig = KeygenSigner(keyfile=repo.keys["sri"]).sign(
        payload(forged, office=TEST_OFFICE), NAMESPACE
    )
    manifest.write_text(render(replace(forged, sig=sig)), encoding="utf-8")
    repo.commit_all("r2")
    assert "cetak.item-correcting" in _site_rules(repo)
    site = _mkdocs(repo, tmp_path / "site")
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"JUDUL-PALSU-KANARI" not in everything
    assert b"EDISI-PALSU-KANARI" not in everything


def test_a_note_added_to_a_signed_withdrawal_is_refused(repo: Repo) -> None:
    # Found by the red team (attack K), then fixed: a take-back's signature covers no note,
    # yet a note was read and shown by 'warta log' as the signer's.
    path = repo.approved_item("Posyandu Melati", day="2026-11-02", slug="posyandu")
    repo.commit_all("berita")
    result = repo.cli("withdraw", str(path), "--reason", "keliru", "--key",
                      str(repo.keys["hendra"]), "--at", "2026-11-04T10:00:00+07:00")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert "    reason: keliru\n" in text or '    reason: "keliru"\n' in text
    text = re.sub(r"(\n    reason: [^\n]*\n)", r'\1    note: "CATATAN-PALSU-KANARI"\n', text,
                  count=1)
    path.write_text(text, encoding="utf-8")
    repo.commit_all("catatan")
    data = repo.validate_json()
    item = next(i for i in data["items"] if i["path"].endswith("posyandu/index.md"))
    assert "signoff.key" in {f["rule"] for f in item["findings"]}
    log = repo.cli("log", str(path), "--format", "json")
    assert "CATATAN-PALSU-KANARI" not in log.stdout
