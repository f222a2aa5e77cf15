"""`warta summary --base REF`: the pull request's Markdown, through the CLI, in real
repositories: steps signed with `warta sign` on a branch, compared with main."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo
from warta.summary_markdown import MAX_STEPS, SUMMARY_MAX

DRAFT = "content/berita/2026/baru/index.md"
APPROVED = "content/berita/2026/jembatan/index.md"


def change_branch(repo: Repo) -> None:
    """main: Hendra (Kabag) has a GitHub account; one item approved, one written (step 3);
    checked out: the branch ``change``."""
    text = repo.read("workflow/roster.yml").replace(
        "  - id: hendra\n", "  - id: hendra\n    forge: {github: hendra-w}\n"
    )
    repo.write("workflow/roster.yml", text.replace("serial: 1\n", "serial: 2\n"))
    repo.sign_workflow()
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    path = repo.new_item("Festival Durian", at="2026-11-02T09:00:00+07:00", slug="baru")
    repo.sign(path, "sri", "2026-11-02T09:04:00+07:00")
    repo.sign(path, "ayu", "2026-11-02T11:00:00+07:00")
    repo.commit_all("berita")
    repo.git("checkout", "-q", "-b", "change")


@pytest.fixture
def repo(signed_repo: SignedRepos, tmp_path: Path) -> Repo:
    return copy_repo(signed_repo(change_branch), tmp_path / "repo")


def summary(repo: Repo, *args: str, lang: str = "id") -> str:
    """The pull request's Markdown, by default in Indonesian as the office reads it."""
    result = repo.cli("--lang", lang, "summary", "--base", "main", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit_of(repo: Repo, ref: str) -> str:
    return repo.git("rev-parse", ref).strip()[:10]


def test_a_signed_step_with_its_mutu_baku_and_the_next_actor(repo: Repo) -> None:
    signed = repo.cli("sign", DRAFT, "--key", str(repo.keys["sri"]),
                      "--at", "2026-11-02T11:03:00+07:00")
    assert signed.returncode == 0, signed.stderr
    assert summary(repo, "--forge", "github") == (
        "## Ringkasan perubahan berita\n"
        "\n"
        f"Dibandingkan dengan `main` (`{commit_of(repo, 'main')}`): 1 berita berubah.\n"
        "\n"
        "### 1. Festival Durian\n"
        "\n"
        f"- Berkas: `{DRAFT}` · id `20261102-festival-durian`\n"
        "- Status: `ditulis` → `dilaporkan`, belum terbit\n"
        "- Langkah berikut: **5\\. pengesahan** (Kepala Bagian Kominfo dan Humas), dapat"
        " diambil oleh: Hendra Wijaya, S\\.Kom\\., M\\.T\\. (Kabag) @hendra-w\n"
        "\n"
        "Langkah yang ditandatangani dalam perubahan ini:\n"
        "\n"
        "| Langkah | Oleh | Waktu | Lama | Mutu Baku |\n"
        "|---|---|---|---|---|\n"
        "| 4\\. laporan | Sri Rahayu, S\\.Sos\\. (Kepala Sub Bagian Humas) |"
        " 2 November 2026 11\\.03 WIB | 3 menit kerja | 5 menit — sesuai |\n"
    )
    english = summary(repo, "--forge", "github", lang="en")
    assert english.startswith(
        "## Summary of the news changes\n\n"
        f"Compared with `main` (`{commit_of(repo, 'main')}`): 1 item changed.\n"
    )
    assert "- Status: `ditulis` → `dilaporkan`, not published yet\n" in english
    assert ("- Next step: **5\\. pengesahan** (Kepala Bagian Kominfo dan Humas), may be taken"
            " by: Hendra Wijaya, S\\.Kom\\., M\\.T\\. (Kabag) @hendra-w\n") in english
    assert "| Step | By | Time | Took | Mutu Baku |\n" in english
    assert " 2 November 2026 11\\:03 WIB |" in english
    # without a forge (no CI variable), people are named, never mentioned
    assert "@hendra-w" not in summary(repo)
    ci = Repo(repo.root, repo.keys, {**repo.env, "GITHUB_ACTIONS": "true"})
    assert "(Kabag) @hendra-w\n" in ci.cli("summary", "--base", "main").stdout


def test_late_step_then_approval_is_over_its_mutu_baku(repo: Repo) -> None:
    for who, at in (("sri", "2026-11-02T11:30:00+07:00"), ("hendra", "2026-11-02T11:33:00+07:00")):
        assert repo.cli("sign", DRAFT, "--key", str(repo.keys[who]), "--at", at).returncode == 0
    text = summary(repo)
    assert "- Status: `ditulis` → `disetujui`, terbit\n" in text
    assert "| 30 menit kerja | 5 menit — **melewati** |\n" in text
    assert ("| 5\\. pengesahan | Hendra Wijaya, S\\.Kom\\., M\\.T\\. (Kepala Bagian Kominfo dan"
            " Humas) | 2 November 2026 11\\.33 WIB | 3 menit kerja | 5 menit — sesuai |\n") in text
    assert ("- Langkah berikut: **6\\. kompilasi** (Kepala Sub Bagian Humas), dapat diambil"
            " oleh: Sri Rahayu, S\\.Sos\\. (Kasubag)\n") in text


def test_an_unsigned_edit_with_a_hostile_title_is_escaped_and_blocked(repo: Repo) -> None:
    text = repo.read(APPROVED).replace(
        "title: Bupati Resmikan Jembatan",
        # (a line break in a title is refused outright now: text.control)
        'title: "<script>alert(1)</script> [x](javascript:alert(1)) @everyone # baris"',
    )
    repo.write(APPROVED, text)
    repo.commit_all("edit")
    out = summary(repo, "--forge", "github")
    assert not re.search(r"(?<!\\)[<\[]", out)  # no raw HTML, no link
    assert "@everyone" not in out
    assert (
        "### 1. \\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(javascript\\:alert\\(1\\)\\)"
        " ＠everyone \\# baris\n"
    ) in out
    assert "- Status: `disetujui`, terbit → `disetujui` (klaim, tidak terverifikasi)\n" in out
    assert "Tidak ada langkah yang ditandatangani dalam perubahan ini.\n" in out
    assert "Temuan yang menghalangi terbit (1):\n" in out
    assert f"- `{APPROVED}:" in out and "`content.changed-after-approval` isi berubah setelah" \
        " disetujui oleh Hendra Wijaya, S\\.Kom\\., M\\.T\\. \\(hendra\\)" in out


def test_administrator_files_and_a_new_item(repo: Repo) -> None:
    made = repo.cli("new", "Pasar Murah Ramadan", "--key", str(repo.keys["hendra"]),
                    "--at", "2026-11-03T08:00:00+07:00")
    assert made.returncode == 0, made.stderr
    assert "(Kasubag)" in summary(repo)  # verified: the Kasubag orders next
    assert "- Status: belum ada → `ditugaskan`, belum terbit\n" in summary(repo)
    repo.write("mkdocs.yml", repo.read("mkdocs.yml") + "\n")
    out = summary(repo)
    assert ("**Berkas administrator berubah (1)**: perubahan di luar berita memerlukan tinjauan"
            " administrator.\n\n- `mkdocs.yml` (diubah)\n") in out
    assert "**Alur kerja tidak terverifikasi: tidak ada berita yang dapat terbit.**\n" in out
    assert "### 1. Pasar Murah Ramadan\n" in out
    assert "- Status: belum ada → `ditugaskan` (klaim, tidak terverifikasi)\n" in out
    assert "| 1\\. disposisi | Hendra Wijaya" in out


def test_removed_item_and_nothing_changed(repo: Repo) -> None:
    assert summary(repo).endswith(": tidak ada berita yang berubah.\n")
    repo.git("rm", "-q", "-r", "content/berita/2026/baru")
    repo.commit_all("hapus")
    out = summary(repo)
    assert "- Status: `ditulis` → dihapus\n" in out
    assert "`history.removed`" in out


def test_a_bad_ref_exits_2(repo: Repo) -> None:
    result = repo.cli("summary", "--base", "no-such-branch")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("warta: --base 'no-such-branch' names no commit")
    assert "Traceback" not in result.stderr


def test_two_changed_files_claiming_one_id_are_both_listed(repo: Repo) -> None:
    """A second file claiming an approved item's id (its copy with another body) was hidden:
    the summary grouped changes by id and showed the first file only. Each file is now its
    own entry, with the duplicate-id finding that blocks it."""
    copy = "content/berita/2026/a-salinan/index.md"
    repo.write(copy, repo.read(APPROVED).replace("Bupati Resmikan Jembatan",
                                                 "Bupati Resmikan Jembatan Palsu"))
    repo.write(APPROVED, repo.read(APPROVED) + "\nditambah\n")
    repo.commit_all("salinan")
    result = repo.cli("--lang", "en", "summary", "--base", "main")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"`{copy}`" in out and f"`{APPROVED}`" in out, out
    assert "`id.duplicate`" in out, out
    assert "2 items changed" in out, out


def test_no_number_of_junk_files_hides_a_file_that_governs_the_news(repo: Repo) -> None:
    """Found by an independent attack: thirty issue templates under .github/ counted as
    governing and sorted first, pushing a change of CODEOWNERS and of the CI workflow into
    "… and 2 more files". The files that judge, build or publish come first now."""
    for n in range(40):
        repo.write(f".github/ISSUE_TEMPLATE/laporan-{n:02d}.md", f"# Laporan {n}\n")
    repo.write(".github/CODEOWNERS", "/content/berita/ @penyusup\n")
    repo.write(".github/workflows/warta.yml", "name: warta\n")
    repo.write("workflow/catatan.txt", "x\n")
    repo.commit_all("templat")
    out = summary(repo).replace("\\", "")
    for path in (".github/CODEOWNERS", ".github/workflows/warta.yml", "workflow/catatan.txt"):
        assert f"`{path}`" in out, path
    first = out.index("- `")
    assert out.index("`.github/CODEOWNERS`") < out.index("`.github/ISSUE_TEMPLATE/") > first
    assert "… dan 13 berkas lain" in out  # 43 changed, 3 governing + 27 others shown


def _approved_behind_drafts(repo: Repo, embargo: str | None = None) -> None:
    """On main: an item reported (steps 1-4; with ``embargo`` set by its writer). Checked
    out: a branch that adds 55 drafts and the item's approval."""
    reported = repo.new_item("Zakat Produktif", at="2026-11-02T09:00:00+07:00", slug="zakat")
    repo.sign(reported, "sri", "2026-11-02T09:04:00+07:00")
    if embargo is not None:
        text = reported.read_text(encoding="utf-8")
        reported.write_text(text.replace("\nstatus:", f"\nembargo: {embargo}\nstatus:", 1),
                            encoding="utf-8")
    repo.sign(reported, "ayu", "2026-11-02T11:00:00+07:00")
    repo.sign(reported, "sri", "2026-11-02T11:04:00+07:00")
    repo.commit_all("laporan")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "change")
    repo.git("checkout", "-q", "-b", "agenda")
    for n in range(55):
        repo.new_item(f"Agenda {n:02d}", at="2026-11-03T08:00:00+07:00", slug=f"agenda-{n:02d}",
                      commit=False)
    repo.sign(reported, "hendra", "2026-11-02T11:08:00+07:00", commit=False)
    repo.commit_all("agenda pekan ini")


def test_no_number_of_drafts_hides_the_item_a_merge_publishes(repo: Repo) -> None:
    """Found by an independent attack: fifty new drafts sorted first by path pushed the
    item the merge publishes (its approval signed on another branch and merged in) into
    "… and 1 more item". What a merge puts on the site or takes off comes first now."""
    _approved_behind_drafts(repo)
    out = summary(repo)
    assert "### 1. Zakat Produktif\n" in out, out[:800]
    assert "`dilaporkan` → `disetujui`, terbit" in out
    assert "… dan 6 berita lain." in out


def test_an_approved_item_under_embargo_is_said_to_go_out_by_itself(repo: Repo) -> None:
    """Noted by an independent attack: an item approved under a signed embargo read
    "approved, not published yet", as if more had to happen; merging schedules it."""
    repo.embargoed_item("Libur Akhir Tahun", "2026-12-24T09:00:00+07:00", day="2026-11-05",
                        slug="libur")
    repo.commit_all("terjadwal")
    out = repo.at_clock("2026-11-20T09:00:00+07:00").cli(
        "--lang", "id", "summary", "--base", "main").stdout
    assert ("- Status: belum ada → `disetujui`, terjadwal: terbit otomatis pada" in out
            and "24 Desember 2026" in out), out


def test_an_edit_of_a_signed_draft_is_named_with_the_files_it_changed(repo: Repo) -> None:
    """Noted by an independent attack: a figure changed in a colleague's signed draft (the
    next step may edit, so nothing blocks it) and its photo swapped read "no step was
    signed in this change", with no word of what changed or which file."""
    repo.write(DRAFT, repo.read(DRAFT).replace("Isi berita.", "Isi berita Rp 100.000."))
    repo.write("content/berita/2026/baru/catatan.txt", "catatan\n")
    repo.commit_all("perbaiki ejaan")
    out = summary(repo)
    assert ("- **Teks atau berkas berbeda dari yang ditandatangani 3\\. penulisan, Ayu"
            in out), out
    assert ("- Berkas berita yang berubah: `content/berita/2026/baru/catatan.txt`"
            " (ditambahkan)\n") in out, out


def test_a_re_pointed_link_a_moved_submodule_and_a_new_mode_are_listed(repo: Repo) -> None:
    """Found by an independent attack: the summary compared blobs only, with one marker for
    every link and submodule, so a link re-pointed, a submodule moved to another commit or a
    file made executable read "no item changed" while git showed two changed files."""
    import os

    (repo.root / "tools").mkdir()
    repo.write("tools/v1.sh", "echo satu\n")
    repo.write("tools/v2.sh", "echo dua\n")
    repo.write("tools/sync.sh", "echo sync\n")
    os.symlink("tools/v1.sh", repo.root / "deploy.sh")
    one, two = "1" * 40, "2" * 40
    (repo.root / "vendor/tema").mkdir(parents=True)  # as a checkout leaves a submodule
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{one},vendor/tema")
    repo.commit_all("alat")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "change")
    repo.git("checkout", "-q", "-b", "alat")
    assert summary(repo).endswith(": tidak ada berita yang berubah.\n")  # no false change
    (repo.root / "deploy.sh").unlink()
    os.symlink("tools/v2.sh", repo.root / "deploy.sh")
    (repo.root / "tools/sync.sh").chmod(0o755)
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{two},vendor/tema")
    repo.commit_all("alat baru")
    out = summary(repo)
    for path in ("deploy.sh", "tools/sync.sh", "vendor/tema"):
        assert f"- `{path}` (diubah)\n" in out, (path, out)


def test_an_approval_under_an_embargo_ending_soon_is_not_hidden_by_drafts(repo: Repo) -> None:
    """Found by an independent attack on the fix above: an approval under an embargo that
    ends an hour after the check ranked as a draft's step, so fifty drafts hid it; it goes
    out by itself at the next build after the merge."""
    _approved_behind_drafts(repo, embargo="2026-11-16T12:00:00+07:00")
    out = repo.at_clock("2026-11-16T11:00:00+07:00").cli(
        "--lang", "id", "summary", "--base", "main").stdout
    assert "### 1. Zakat Produktif\n" in out, out[:600]


def test_nested_gitattributes_do_not_hide_the_files_that_govern_the_news(repo: Repo) -> None:
    """Found by the same attack: two hundred empty nested .gitattributes counted as
    governing, sorted before .github/ and CODEOWNERS and filled the list."""
    repo.write(".github/workflows/warta.yml", "name: warta\n")
    repo.write("CODEOWNERS", "/workflow/ @admin\n")
    repo.commit_all("ci")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "change")
    repo.git("checkout", "-q", "-b", "rapi")
    for n in range(210):
        repo.write(f".a{n:03d}/.gitattributes", "")
    repo.write("CODEOWNERS", "/mkdocs.yml @admin\n")
    repo.write(".github/workflows/warta.yml", "name: warta lain\n")
    repo.commit_all("rapi")
    out = summary(repo).replace("\\", "")
    assert "- `CODEOWNERS` (diubah)" in out and "- `.github/workflows/warta.yml` (diubah)" in out


def test_the_table_of_steps_and_the_whole_summary_are_bounded(repo: Repo) -> None:
    """Found by an independent attack on the outputs: a writer may return her own item to
    her own step and sign it again, two valid records a round, and the table of steps listed
    every one (140 rounds passed the gate and made a 68,975-character summary: over GitHub's
    limit for a pull-request comment; two such items would pass the 1 MiB of a job summary,
    and the runner would drop it whole). The table shows the latest ``MAX_STEPS`` records
    and counts the others; the whole summary stops at ``SUMMARY_MAX`` characters."""
    from warta import actions
    from warta.adapters.ssh import KeygenSigner

    ayu = KeygenSigner(keyfile=repo.keys["ayu"])
    path = repo.path(DRAFT)
    rounds = MAX_STEPS // 2 + 3
    for n in range(rounds):
        minute = 10 + 2 * n
        actions.take_back(repo.project(), path, ayu, action="return", to="penulisan",
                          reason="|" * 120, now=datetime.fromisoformat(
                              f"2026-11-02T12:{minute:02d}:00+07:00"))
        repo.sign(path, "ayu", f"2026-11-02T12:{minute + 1:02d}:00+07:00")
    checked = repo.cli("validate", "--strict", "--no-cache", "--base", "main")
    assert checked.returncode == 0, checked.stdout + checked.stderr  # all of it is allowed
    text = summary(repo, lang="en")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + MAX_STEPS, text  # the heading and the latest records
    earlier = 2 * rounds - MAX_STEPS
    assert (f"… {earlier} earlier steps of this change are not shown (see `warta log`):"
            f" `{DRAFT}`") in text
    assert rows[-1].startswith("| 3\\. penulisan"), rows[-1]  # the latest record is shown
    assert len(text) < SUMMARY_MAX

