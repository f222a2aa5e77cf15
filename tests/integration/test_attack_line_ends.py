"""What an independent attack found in how text from a branch is read and shown:

- a pattern anchored with ``$`` also matched before a final line break, so ``slug:
  "slug-baris\\n"`` passed the slug's format check and the item's URL ended in a line break;
- the lead photo's alt text, caption and credit had no length limit (a draft's are on every
  preview);
- the first line of a refusal (``warta: <path>: …``) printed the path as given, so a folder
  named with a terminal's control sequence ran it in the signer's terminal;
- ``warta trust sign`` listed the site's files as named, so a file named with control
  characters erased the lines above it from the administrator's review, and a name with C1
  controls passed the manifest's path check.
"""

from __future__ import annotations

import json
import os

from helpers import Repo


def _draft(repo: Repo, slug: str, extra: str = "", *, item_id: str = "20261105-draf") -> str:
    rel = f"content/berita/2026/{slug.strip()}/index.md"
    repo.write(
        rel,
        "---\n"
        f"id: {json.dumps(item_id)}\ntitle: Draf\nslug: {json.dumps(slug)}\ndate: 2026-11-05\n"
        f"description: Ringkasan\ncategories: [Infrastruktur]\n{extra}"
        'status: "ditugaskan"\nrevision: 1\n---\n\nIsi draf.\n',
    )
    return rel


def _rules(repo: Repo, rel: str) -> set[str]:
    report = repo.validate_json()
    return {f["rule"] for v in report["items"] if v["path"] == rel for f in v["findings"]}


def test_a_line_break_after_an_id_or_slug_is_refused(repo: Repo) -> None:
    rel = _draft(repo, "slug-baris\n", item_id="20261105-baris\n")
    repo.commit_all("draf")
    assert {"slug.format", "id.format"} <= _rules(repo, rel)


def test_the_lead_photo_s_texts_are_bounded(repo: Repo) -> None:
    long = "Warga " * 400  # 2,400 characters
    rel = _draft(repo, "foto-panjang", "image:\n  src: foto.jpg\n"
                 f"  alt: {json.dumps(long)}\n  caption: {json.dumps(long)}\n"
                 f"  credit: {json.dumps(long)}\n")
    repo.commit_all("draf")
    report = repo.validate_json()
    found = [f for v in report["items"] if v["path"] == rel for f in v["findings"]
             if f["rule"] == "schema.too-long"]
    assert sorted(f["line"] for f in found) == [10, 11, 12], found


def test_a_refusal_shows_the_path_it_was_given_with_escapes(repo: Repo) -> None:
    # ESC c resets a terminal (click strips only ESC [ … sequences when writing to a pipe)
    folder = repo.root / "content/berita/2026/x\x1bcMERAH\x9b2J"
    folder.mkdir(parents=True)
    for command in ("sign", "withdraw", "correct"):
        extra = [] if command == "sign" else ["--reason" if command == "withdraw" else "--note",
                                                "alasan"]
        result = repo.cli(command, str(folder / "index.md"), *extra, "--key",
                          str(repo.keys["hendra"]))
        assert result.returncode == 2, result.stderr  # (no item there: a usage error)
        assert "\x1b" not in result.stderr and "\x9b" not in result.stderr, result.stderr
        assert "x\\x1bcMERAH\\x9b2J" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_trust_sign_lists_the_site_s_files_with_escapes(repo: Repo) -> None:
    """The administrator reviews what ``trust sign`` lists: a file name must not be able to
    erase the lines above it."""
    repo.write("content/-x.html", "<script>alert(document.domain)</script>\n")
    hider = "content/.q\x9b1G\x9b2K\x9b1A\x9b2K"
    (repo.root / hider).write_text("x", encoding="utf-8")
    with open(repo.root / "content/tentang.md", "a", encoding="utf-8") as page:
        page.write("Tentang kami (revisi).\n")
    result = repo.cli("--lang", "en", "trust", "sign", "--key", str(repo.keys["admin"]),
                      "--no-commit")
    shown = result.stdout + result.stderr
    assert "\x9b" not in shown and "\x1b" not in shown, shown
    assert "Traceback" not in shown
    # the manifest could not list the name (its loader refuses it, and every build would
    # stop): nothing is signed, and the refusal names the file, escaped
    assert result.returncode == 1, shown
    assert ".q\\x9b1G\\x9b2K\\x9b1A\\x9b2K: [site.name]" in shown, shown
    assert "nothing was signed" in shown
    assert repo.git("status", "--porcelain", "workflow").strip() == ""


def test_trust_sign_refuses_a_file_name_that_is_not_utf8(repo: Repo) -> None:
    """A pushed file whose name is not UTF-8 ended ``trust sign`` in a traceback (found by an
    attack): the manifest cannot list it, so nothing is signed and the refusal names it."""
    with open(os.fsencode(repo.root / "content") + b"/caf\xe9.txt", "wb") as odd:
        odd.write(b"x\n")
    result = repo.cli("--lang", "en", "trust", "sign", "--key", str(repo.keys["admin"]),
                      "--no-commit")
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    assert result.returncode == 1, shown
    assert "content/caf\\udce9.txt: [site.name] a file name that is not UTF-8" in shown, shown
    assert "nothing was signed" in shown
    assert repo.git("status", "--porcelain", "workflow").strip() == ""



def test_a_date_or_time_is_written_one_way(repo: Repo) -> None:
    """``--at`` took any character between date and time (a digit of another script, ESC)
    and dropped nanoseconds; a quoted ``date: "20261130"`` read as 30 November."""
    for at in ("2026-11-30\u066008:00:00+07:00", "2026-11-30T08:00:00.999999999+07:00",
               "2026-11-30\x1b08:00:00+07:00"):
        result = repo.cli("new", "Judul Berita", "--category", "Infrastruktur", "--at", at,
                          "--key", str(repo.keys["hendra"]))
        assert result.returncode == 2, (at, result.stdout, result.stderr)
        assert "--at" in result.stderr and "\x1b" not in result.stderr
    rel = _draft(repo, "tanggal-lain")
    text = repo.read(rel).replace("date: 2026-11-05", 'date: "20261105"')
    repo.write(rel, text)
    repo.commit_all("draf")
    assert "date.format" in _rules(repo, rel)


def test_trust_show_prints_the_trust_root_s_text_escaped(repo: Repo) -> None:
    """``trust show`` and ``trust accept`` printed the administrators' ids and comments as
    the file had them: cursor-up and erase-line replaced the list an administrator reads
    before pinning (found by an independent attack)."""
    root_file = repo.root / "workflow/trust-root"
    lines = root_file.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("admin "))
    lines[at] += " ok\x1bcPALSU\x9b2K\x1b]0;judul\x07"
    root_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown = repo.cli("trust", "show")
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\x9b" not in shown.stdout and "\x07" not in shown.stdout
    assert "ok\\x1bcPALSU\\x9b2K\\x1b]0;judul\\x07" in shown.stdout, shown.stdout


def test_a_title_with_control_characters_is_refused(repo: Repo) -> None:
    """YAML escapes wrote ESC, BEL and C1 into a title: no finding, and the title went raw
    into every commit message Warta wrote for the item (found by an independent attack)."""
    rel = _draft(repo, "judul-kendali")
    text = repo.read(rel).replace("title: Draf", 'title: "Judul\\e]0;JENDELA\\a\\e[2K\\Nakhir"')
    repo.write(rel, text)
    repo.commit_all("draf")
    report = repo.cli("--lang", "en", "validate")
    assert report.returncode == 1
    assert (f"{rel}:3: error [text.control] 'title' must be one line of text without control"
            " characters; found \\x1b") in report.stdout, report.stdout


def test_commit_messages_warta_writes_hold_no_control_characters(repo: Repo) -> None:
    """A commit subject carries an item's title: git log prints it raw."""
    from warta.adapters import git as gitops

    repo.write("content/catatan.md", "x\n")
    sha = gitops.commit(repo.root, [repo.root / "content/catatan.md"],
                        "3. penulisan: Judul\x1b]0;JENDELA\x07\x85akhir", {"Warta-Item": "x"},
                        body="baris\x1b[2K satu\nbaris dua")
    message = repo.git("log", "-1", "--format=%B", sha)
    assert "\x1b" not in message and "\x07" not in message and "\x85" not in message
    assert "Judul\\x1b]0;JENDELA\\x07\\x85akhir" in message
    assert "baris\\x1b[2K satu\nbaris dua" in message


def test_the_lead_photo_s_texts_are_one_line_too(repo: Repo) -> None:
    """The photo's alt text, caption and credit are shown under the photo and in the printed
    bulletin: a control character in them is refused as in the title."""
    rel = _draft(repo, "foto-kendali", "image:\n  src: foto.jpg\n"
                 '  alt: "Warga\\e[8m"\n  caption: "Keterangan\\x85"\n  credit: "Humas\\a"\n')
    repo.commit_all("draf")
    report = repo.validate_json()
    found = sorted(f["line"] for v in report["items"] if v["path"] == rel
                   for f in v["findings"] if f["rule"] == "text.control")
    assert found == [10, 11, 12], report
