"""``warta status --as PERSON`` (what that person may sign now, with the command), the items
nobody can sign, paths never cut, ``--format json`` for status and log, and the notes signed
with a step (in ``warta log`` and, for the approval, in the published provenance box)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import ROSTER_TEMPLATE, Repo, SignedRepos, pub

WIB = timezone(timedelta(hours=7))
LONG_SLUG = "rapat-koordinasi-penanganan-banjir-bandang-di-kecamatan-cibening-utara"


#: The clock of these tests (WARTA_NOW): a Wednesday in office hours, so that the Mutu Baku
#: in office minutes does not depend on when the suite runs.
NOW = datetime(2026, 11, 4, 11, 0, tzinfo=WIB)


def ago(minutes: int) -> str:
    return (NOW - timedelta(minutes=minutes)).isoformat()


def inbox(repo: Repo) -> None:
    """Agus is staff and, today, acting Kasubag (Plt.); four items:

    - ``assigned``: step 1 signed, waits for the Kasubag's order (step 2);
    - ``written``: written by Agus (step 3), waits for the report (step 4), which
      separation of duties forbids him;
    - ``edited``: approved, then its text changed (nobody may sign step 6);
    - ``LONG_SLUG``: step 1 signed, a path longer than 80 columns.
    """
    roster = ROSTER_TEMPLATE.format(**{p: pub(k) for p, k in repo.keys.items()})
    roster = roster.replace("serial: 1", "serial: 2").replace(
        "from: 2026-10-01, until: 2026-10-31", "from: 2026-01-01, until: 2999-12-31"
    )
    repo.write_roster(roster)
    repo.sign_workflow(commit=True)
    repo.new_item("Posyandu Karangsari", at=ago(30), slug="assigned")
    written = repo.new_item("Irigasi Tanjungwaru", at=ago(25), slug="written")
    repo.sign(written, "sri", ago(24))
    repo.sign(written, "agus", ago(20))
    edited = repo.approved_item("Jembatan Cibening", slug="edited")
    edited.write_text(edited.read_text().replace("Isi berita.", "Isi berita diubah."))
    repo.commit_all("edit after approval")
    repo.new_item("Rapat Banjir", at=ago(10), slug=LONG_SLUG)


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(inbox).at_clock(NOW.isoformat())


def path_of(slug: str) -> str:
    return f"content/berita/2026/{slug}/index.md"


def commands(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith("warta sign")]


def test_status_as_lists_exactly_what_sign_accepts(site: Repo) -> None:
    listed = {}
    for person in ("hendra", "sri", "dimas", "agus"):
        result = site.cli("status", "--as", person)
        assert result.returncode == 0, result.stderr
        listed[person] = commands(result.stdout)
    assert listed == {
        "hendra": [],
        "sri": [
            f"warta sign {path_of('assigned')} --step perintah --as sri",
            f"warta sign {path_of(LONG_SLUG)} --step perintah --as sri",
            f"warta sign {path_of('written')} --step laporan --as sri",
        ],
        "dimas": [],
        "agus": [  # Plt. Kasubag today; not 'written', which he wrote himself
            f"warta sign {path_of('assigned')} --step perintah --as agus",
            f"warta sign {path_of(LONG_SLUG)} --step perintah --as agus",
        ],
    }
    # each command, run as printed with the person's key, is accepted
    for command in listed["sri"]:
        result = site.cli(*shlex.split(command)[1:], "--key", str(site.keys["sri"]))
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("slug", "person", "why"),
    [
        ("assigned", "dimas", "[signoff.role]"),  # wrong role
        ("written", "agus", "separation of duties"),
        ("edited", "sri", "content.changed-after-approval"),  # an item with an error
    ],
)
def test_what_status_as_leaves_out_sign_refuses(
    site: Repo, slug: str, person: str, why: str
) -> None:
    assert path_of(slug) not in " ".join(commands(site.cli("status", "--as", person).stdout))
    result = site.cli("sign", path_of(slug), "--key", str(site.keys[person]))
    assert result.returncode == 1
    assert why in result.stdout + result.stderr


def test_an_item_nobody_can_sign_is_listed_apart_with_why_and_who_must_fix_it(
    site: Repo,
) -> None:
    out = site.cli("status").stdout
    table, blocked = out.split("Nobody can sign (1)")
    assert path_of("edited") not in table  # not "6. kompilasi, TERLAMBAT" any more
    lines = [line.strip() for line in blocked.splitlines() if line.strip()]
    assert lines[0] == path_of("edited")
    assert lines[1] == (
        "Jembatan Cibening — status disetujui; next step 6. kompilasi (Kasubag)"
    )
    assert lines[2].startswith("line ") and "[content.changed-after-approval]" in lines[2]
    assert lines[3] == (
        f"Fix: warta return {path_of('edited')} --to laporan --reason '…'"
    )
    assert lines[4] == "By: Hendra Wijaya, S.Kom., M.T. (hendra)"
    # the Kabag sees it as his to fix; the fix named works
    mine = site.cli("status", "--as", "hendra").stdout
    assert f"Fix: warta return {path_of('edited')} --to laporan" in mine
    result = site.cli(
        "return", path_of("edited"), "--to", "laporan", "--reason", "teks diubah",
        "--key", str(site.keys["hendra"]),
    )
    assert result.returncode == 0, result.stderr
    assert f"warta sign {path_of('edited')} --step laporan --as sri" in commands(
        site.cli("status", "--as", "sri").stdout
    )


@pytest.mark.parametrize("args", [(), ("--as", "sri")])
def test_paths_are_never_cut_in_80_columns_or_a_pipe(site: Repo, args: tuple[str, ...]) -> None:
    site.env["COLUMNS"] = "80"
    result = site.cli("status", *args)  # stdout is a pipe here
    assert result.returncode == 0, result.stderr
    assert len(path_of(LONG_SLUG)) > 80
    assert any(path_of(LONG_SLUG) in line for line in result.stdout.splitlines())
    assert any(path_of("edited") in line for line in site.cli("status").stdout.splitlines())


def test_status_as_an_unknown_person_is_a_usage_error(site: Repo) -> None:
    result = site.cli("status", "--as", "nobody")
    assert result.returncode == 2
    assert "--as 'nobody': not in roster.yml" in result.stderr


def test_status_json(site: Repo) -> None:
    result = site.cli("status", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "warta.status/1"
    assert data["as"] is None and data["scheduled"] == [] and data["unreadable"] == []
    assert datetime.fromisoformat(data["now"]) == NOW
    items = {item["path"]: item for item in data["items"]}
    written = items[path_of("written")]
    assert written["next_step"] == {
        "id": "laporan", "number": 4, "role": "kasubag", "standard": "5 menit",
    }
    assert written["may_sign"] == ["sri"]
    assert written["commands"] == {
        "sri": f"warta sign {path_of('written')} --step laporan --as sri"
    }
    assert written["group"] == "antrean" and written["blocked"] == [] and written["fix"] is None
    assert written["late"] is True and written["waiting_seconds"] == 20 * 60
    edited = items[path_of("edited")]
    assert edited["group"] == "tidak-dapat-ditandatangani" and edited["may_sign"] == []
    assert [b["rule"] for b in edited["blocked"]] == ["content.changed-after-approval"]
    assert edited["fix"] == {
        "rule": "return",
        "command": f"warta return {path_of('edited')} --to laporan --reason '…'",
        "people": ["hendra"],
    }
    mine = json.loads(site.cli("status", "--as", "agus", "--format", "json").stdout)
    assert mine["as"] == "agus"
    assert [i["path"] for i in mine["items"]] == [path_of("assigned"), path_of(LONG_SLUG)]


NOTE = 'Layak terbit <script>alert("x")</script> & cek \x1b[31mlagi'


def test_a_commit_subject_holding_the_separators_forges_no_commit(site: Repo) -> None:
    """``warta log`` split git's output on \\x1e and \\x1f, which a commit's subject may hold:
    one with both, and the item's trailers, gave a record a "commit" of any text (an escape
    sequence here) in ``--format json``, where a commit id belongs."""
    path = site.path(path_of("written"))
    site.sign(path, "sri", ago(5), commit=False)  # (committed by hand: no trailer of its own)
    site.commit_all("laporan")
    item_id = next(line.split(": ", 1)[1] for line in path.read_text().splitlines()
                   if line.startswith("id: "))
    message = ("x\x1e\x1b[31mFAKE\x1b[0m\x1f2020-01-01T00:00:00+07:00\x1fsubj\n\n"
               f"Warta-Item: {item_id}\nWarta-Step: laporan\n")
    forged = site.git("-c", "user.name=a", "-c", "user.email=a@b", "commit-tree",
                      "HEAD^{tree}", "-p", "HEAD", "-m", message).strip()
    site.git("reset", "-q", "--hard", forged)
    result = site.cli("log", path_of("written"), "--format", "json")
    assert result.returncode == 0, result.stderr
    commits = [r["commit"] for r in json.loads(result.stdout)["records"]]
    assert all(c is None or re.fullmatch(r"[0-9a-f]{40}", c) for c in commits), commits


def test_a_forged_trailer_does_not_take_a_record_s_commit(site: Repo) -> None:
    """``warta log`` gave the n-th record of a step the n-th commit carrying that step's
    trailer: an empty commit with the item's trailers, pushed before the real one, took the
    Kasubag's report. A record's commit is now the one that added it to the file (and says
    so in its trailer); the forged commit names nothing."""
    path = site.path(path_of("written"))
    item_id = next(line.split(": ", 1)[1].strip('"') for line in path.read_text().splitlines()
                   if line.startswith("id: "))
    site.git("-c", "user.name=mallory", "-c", "user.email=m@x", "commit", "-q", "--allow-empty",
             "-m", f"laporan\n\nWarta-Item: {item_id}\nWarta-Step: laporan\n")
    forged = site.git("rev-parse", "HEAD").strip()
    site.sign(path, "sri", ago(5))  # the real report, committed by the action
    real = site.git("rev-parse", "HEAD").strip()
    assert "Warta-Step: laporan" in site.git("log", "-1", "--format=%B")
    result = site.cli("log", path_of("written"), "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)["records"]
    assert [(r["step"], r["commit"]) for r in records][-1] == ("laporan", real)
    assert forged not in [r["commit"] for r in records]
    assert all(r["commit"] is not None for r in records)  # (each action's own commit)


def test_notes_in_log_and_log_json(site: Repo) -> None:
    path = site.path(path_of("written"))
    site.sign(path, "sri", ago(5), note="Sudah dicek [bold]data[/bold]")
    text = site.cli("log", path_of("written"))
    assert text.returncode == 0, text.stderr
    assert "note 4. laporan (sri): Sudah dicek [bold]data[/bold]" in text.stdout.splitlines()
    result = site.cli("log", path_of("written"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "warta.log/1"
    assert (data["path"], data["title"]) == (path_of("written"), "Irigasi Tanjungwaru")
    records = data["records"]
    assert [(r["no"], r["step"], r["by"], r["action"]) for r in records] == [
        ("1", "disposisi", "hendra", "sign"),
        ("2", "perintah", "sri", "sign"),
        ("3", "penulisan", "agus", "sign"),
        ("4", "laporan", "sri", "sign"),
    ]
    assert records[3]["note"] == "Sudah dicek [bold]data[/bold]"
    assert records[0]["note"] is None and records[0]["duration_seconds"] is None
    assert records[1]["duration_seconds"] in (60, 61) and records[1]["standard"] == "5 menit"
    assert records[3]["signature"] == "valid" and len(records[3]["commit"]) == 40
    datetime.fromisoformat(records[3]["at"])


def test_the_approval_note_is_in_the_provenance_box_escaped(site: Repo, tmp_path: Path) -> None:
    path = site.new_item("Pasar Murah", at="2026-11-02T08:00:00+07:00", slug="pasar")
    site.sign(path, "sri", "2026-11-02T08:04:00+07:00")
    site.sign(path, "dimas", "2026-11-02T10:00:00+07:00")
    site.sign(path, "sri", "2026-11-02T10:04:00+07:00", note="laporan lengkap")
    site.sign(path, "hendra", "2026-11-02T10:08:00+07:00", note=NOTE)
    log = site.cli("log", path_of("pasar")).stdout
    assert "\x1b" not in log
    assert "note 5. pengesahan (hendra): Layak terbit <script>" in log
    built = site.cli("build", "-d", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "out" / "berita" / "2026" / "pasar" / "index.html").read_text()
    box = page.split('<aside class="warta-provenance"')[1].split("</aside>")[0]
    assert (
        "<dt>Catatan persetujuan</dt><dd>Layak terbit &lt;script&gt;alert(&quot;x&quot;)"
        "&lt;/script&gt; &amp; cek"
    ) in box
    assert "<script>alert" not in page
    assert "laporan lengkap" not in page  # only the approval's note is published


def test_log_never_vouches_for_signatures_against_an_unsigned_roster(
    site: Repo, tmp_path: Path
) -> None:
    """A branch that swaps the roster's keys for the attacker's (unsigned) made ``warta log``
    mark every record of a forged item "valid", name the office's people as its signers and
    report no finding (found by an independent attack). The records are "unverified", the
    names are not shown, and the workflow's findings are reported."""
    from hardening.forge import Forger
    from helpers import make_keys, pub

    fake = make_keys(tmp_path / "palsu")
    roster = site.read("workflow/roster.yml")
    for person in ("hendra", "sri", "dimas"):
        roster = roster.replace(pub(site.keys[person]), pub(fake[person]))
    site.write("workflow/roster.yml", roster)
    text = ("---\nid: 20261105-palsu\ntitle: Berita Palsu\nslug: palsu\ndate: 2026-11-05\n"
            "description: R\ncategories: [Infrastruktur]\nstatus: usulan\n---\n\nIsi.\n")
    site.write("content/berita/2026/palsu/index.md", Forger(fake).sign_chain(text,
                                                                           day="2026-11-05"))
    site.commit_all("kunci diganti")
    result = site.cli("log", "content/berita/2026/palsu/index.md", "--format", "json")
    data = json.loads(result.stdout)
    assert not data["publishable"] and data["trusted"] is False
    assert {r["signature"] for r in data["records"]} == {"unverified"}
    assert [f["rule"] for f in data["findings"]][:1] == ["workflow.signature"]
    assert data["findings"][0]["path"] == "workflow/roster.yml"
    shown = site.cli("log", "content/berita/2026/palsu/index.md").stdout
    assert "The workflow files are not trusted" in shown
    assert "workflow/roster.yml" in shown and "[workflow.signature]" in shown
    assert "valid" not in shown.replace("unverified", "")
    assert "Hendra Wijaya" not in shown  # the roster's names say nothing about who signed


def test_terminal_controls_in_names_and_titles_are_printed_as_escapes(site: Repo) -> None:
    """A draft's title with YAML escapes ("\\e[8m" conceals the rest of the line, "\\e[2J"
    clears the screen) and a folder whose name carries ESC reached the terminal raw through
    ``warta status``, ``status --as`` and ``warta log`` (found by an independent attack):
    Rich prints them as they are. Every such character is now shown as an escape."""
    import os

    written = site.root / path_of("written")
    text = written.read_text(encoding="utf-8")
    written.write_text(
        text.replace("title: Irigasi Tanjungwaru", 'title: "Irigasi\\e[8m Tanjungwaru\\e[2J"', 1),
        encoding="utf-8",
    )
    os.rename(site.root / "content/berita/2026/assigned",
              site.root / "content/berita/2026/assigned\x1b[1A\x1b[2K")
    site.commit_all("kendali terminal")
    moved = "content/berita/2026/assigned\x1b[1A\x1b[2K/index.md"
    outputs = {
        "status": site.cli("status"),
        "status --as sri": site.cli("status", "--as", "sri"),
        "log": site.cli("log", path_of("written")),
        "log (moved)": site.cli("log", moved),
    }
    for what, result in outputs.items():
        shown = result.stdout + result.stderr
        assert "Traceback" not in shown, what
        assert "\x1b" not in shown, (what, shown)
    # a title with a control character is refused (text.control), the character named as an
    # escape; a path is shown with escapes
    assert "[text.control]" in outputs["status"].stdout, outputs["status"].stdout
    assert "found \\x1b" in outputs["status"].stdout
    assert "content/berita/2026/assigned\\x1b[1A\\x1b[2K/index.md" in outputs["status"].stdout
    assert "[text.control]" in outputs["log"].stdout
    assert "assigned\\x1b[1A\\x1b[2K" in outputs["log (moved)"].stdout


def test_every_command_status_suggests_pastes_as_that_one_command(
    site: Repo, tmp_path: Path
) -> None:
    """Found by an independent attack on what Warta prints: an item with more findings than
    ``status`` shows ended with "… and N more findings (warta log PATH)", the path as it was.
    A draft anyone pushed in a folder ``rapat;touch PWNED;`` made that line, pasted into a
    shell by the Kabag, run the folder's name as a second command. Every command printed is
    quoted as ``warta sign`` and ``warta return`` already were."""
    name = "rapat;touch PWNED;"
    text = site.path(path_of("assigned")).read_text(encoding="utf-8")
    text = text.replace("\ncategories:", "\ntags: 5\ncolor: 1\nfoo: 2\ncategories:", 1)
    site.write(f"content/berita/2026/{name}/index.md", text)
    site.commit_all("draf")
    for args in ((), ("--as", "hendra")):
        out = site.cli("status", *args).stdout
        suggested = re.findall(r"\((warta log .*)\)$", out, re.M)
        assert len(suggested) == 1, out
        paste = tmp_path / f"paste{len(args)}"
        paste.mkdir()
        for command in suggested:
            subprocess.run(["bash", "-c", 'warta() { printf "%s\\n" "$@" >> args; }; '
                            + command], cwd=paste, check=False, capture_output=True)
            assert not (paste / "PWNED").exists(), command
            assert (paste / "args").read_text().splitlines() == ["log", path_of(name)]
            (paste / "args").unlink()
