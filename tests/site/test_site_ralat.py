"""Corrections (Ralat): ``warta correct`` on a published item, real signed repositories, the
CLI through its entry point and real ``mkdocs build`` runs.

During the correction the site keeps the approved text (found in git history) and never the
draft; after the new approval the page shows the corrected text under a Ralat box, the feeds
update the entry, and the old text is nowhere in the output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sitekit import SiteRepo, copy_site_config, serve
from test_site_gate import traces

from helpers import WIB, Repo, make_repo

OLD = "jembatanlama"
DRAFT = "jembatandraf"
NOTE = 'Panjang jembatan 84 meter, bukan 48 meter <script>alert("ralat")</script>'
REL = "content/berita/2026/jembatan/index.md"
URL = "berita/2026/jembatan/"


@dataclass
class Scene:
    site: SiteRepo
    during: Path
    after: Path


def build(site: SiteRepo, out: Path) -> Path:
    result = site.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return out


def correct(repo: Repo, by: str, at: str, note: str = NOTE) -> subprocess.CompletedProcess[str]:
    return repo.cli("correct", REL, "--note", note, "--key", str(repo.keys[by]), "--at", at)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Scene:
    base = tmp_path_factory.mktemp("ralat")
    repo = make_repo(base / "repo", keys)
    copy_site_config(repo.root)
    repo.approved_item(
        "Bupati Resmikan Jembatan", slug="jembatan",
        body=f"SUKAMAJU – Jembatan {OLD} sepanjang 48 meter diresmikan.\n",
    )
    repo.commit_all("site")
    site = SiteRepo(repo)
    done = correct(repo, "hendra", f"2026-11-04T09:00:00{WIB}")
    assert done.returncode == 0, done.stderr
    assert "correction started by" in done.stdout and "revision 2" in done.stdout
    path = repo.path(REL)
    path.write_text(path.read_text(encoding="utf-8").replace(
        f"Jembatan {OLD} sepanjang 48", f"Jembatan {DRAFT} sepanjang 84"), encoding="utf-8")
    repo.sign(path, "dimas", f"2026-11-04T10:00:00{WIB}")  # the writer signs the new text
    repo.git("branch", "during")
    during = build(site, base / "during")
    repo.sign(path, "hendra", f"2026-11-04T11:00:00{WIB}")  # the new approval
    after = build(site, base / "after")
    return Scene(site, during, after)


def page(site: Path) -> str:
    return (site / URL / "index.html").read_text(encoding="utf-8")


def test_during_the_correction_the_approved_text_stays_and_the_draft_is_nowhere(
    scene: Scene,
) -> None:
    assert OLD in page(scene.during)
    assert traces(scene.during, DRAFT) == []
    assert "warta-ralat" not in page(scene.during)


def test_after_the_new_approval_the_ralat_box_stands_above_the_new_text(scene: Scene) -> None:
    html = page(scene.after)
    assert DRAFT in html and traces(scene.after, OLD) == []
    box = html.index('class="warta-ralat"')
    assert box < html.index('class="warta-body"')
    assert "<strong>Ralat</strong>, <time datetime=\"2026-11-04T11:00:00+07:00\"" in html
    assert "&lt;script&gt;alert(&quot;ralat&quot;)&lt;/script&gt;" in html
    assert '<script>alert("ralat")' not in html
    item = scene.site.repo.project().items[REL]
    record = next(s for s in item.signoffs if s.action == "correct")
    assert f"Versi sebelumnya: <code>{record.content}</code>" in html


def test_the_feeds_update_the_entry(scene: Scene) -> None:
    feed = json.loads((scene.after / "feed.json").read_text(encoding="utf-8"))
    entry = next(e for e in feed["items"] if e["url"].endswith(URL))
    assert entry["date_published"] == "2026-11-02T10:08:00+07:00"
    assert entry["date_modified"] == "2026-11-04T11:00:00+07:00"
    assert entry["content_html"].startswith("<p><strong>Ralat (2026-11-04):</strong> Panjang")
    assert "&lt;script&gt;" in entry["content_html"]
    rss = (scene.after / "feed.xml").read_text(encoding="utf-8")
    assert "Ralat (2026-11-04):" in rss and "&amp;lt;script&amp;gt;alert" in rss
    assert "<script>" not in rss and "&lt;script&gt;" not in rss
    before = json.loads((scene.during / "feed.json").read_text(encoding="utf-8"))
    old = next(e for e in before["items"] if e["url"].endswith(URL))
    assert "date_modified" not in old and OLD in old["content_html"]


def clone_of(scene: Scene, target: Path, *args: str) -> SiteRepo:
    repo = scene.site.repo
    subprocess.run(["git", "clone", "-q", *args, f"file://{repo.root}", str(target)],
                   check=True, capture_output=True)
    clone = Repo(target, repo.keys, dict(repo.env))
    # a fresh machine has no git identity: the clone carries its own, as make_repo's does
    clone.git("config", "user.name", "Warta Test")
    clone.git("config", "user.email", "test@warta.invalid")
    clone.git("config", "commit.gpgsign", "false")
    return SiteRepo(clone)


def test_a_shallow_clone_leaves_the_item_out_during_a_correction(
    scene: Scene, tmp_path: Path
) -> None:
    shallow = clone_of(scene, tmp_path / "clone", "--depth", "1", "--branch", "during")
    result = shallow.mkdocs("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "[correct.standing]" in result.stderr and "shallow clone" in result.stderr
    assert not (tmp_path / "site" / URL).exists()
    assert traces(tmp_path / "site", DRAFT) == [] and traces(tmp_path / "site", OLD) == []


def test_an_unsigned_correction_record_counts_for_nothing(scene: Scene, tmp_path: Path) -> None:
    """A correction record without a valid signature: the draft is not published, and the
    approved version is not kept either (the item's records do not verify)."""
    forged = clone_of(scene, tmp_path / "clone", "--branch", "during")
    path = forged.root / REL
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition('  - action: "correct"')
    sig_start = rest.index("    sig: |")
    rest = rest[:sig_start] + rest[rest.index("  - step:", sig_start):]
    path.write_text(head + sep + rest, encoding="utf-8")
    forged.repo.commit_all("forged")
    out = tmp_path / "site"
    result = forged.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    assert "[correct.standing]" in result.stderr and "do not verify" in result.stderr
    assert not (out / URL).exists() and traces(out, DRAFT) == []


def test_correct_is_refused_on_a_draft_and_by_a_writer(scene: Scene, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(scene.site.repo.root, root, symlinks=True)
    repo = Repo(root, scene.site.repo.keys, dict(scene.site.repo.env))
    wrong = correct(repo, "sri", f"2026-11-05T09:00:00{WIB}")
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert "may not correct this item" in wrong.stderr
    draft = repo.new_item("Festival Durian", at=f"2026-11-05T09:00:00{WIB}", slug="durian")
    refused = repo.cli("correct", draft.relative_to(root).as_posix(), "--note", "x",
                       "--key", str(repo.keys["hendra"]), "--at", f"2026-11-05T09:10:00{WIB}")
    assert refused.returncode == 1
    assert "not approved" in refused.stderr


def test_the_ralat_box_is_visible_above_the_text_in_a_browser(
    scene: Scene, browser: Browser
) -> None:
    with serve(scene.after) as base:
        tab = browser.new_page()
        tab.goto(base + URL)
        box = tab.locator(".warta-ralat")
        assert box.is_visible()
        assert "Panjang jembatan 84 meter" in box.inner_text()
        body = tab.locator(".warta-body")
        assert box.bounding_box()["y"] < body.bounding_box()["y"]  # type: ignore[index]
        tab.close()


def test_a_second_correction_keeps_the_latest_approval_never_an_older_one(
    scene: Scene, tmp_path: Path
) -> None:
    """During a second correction, history holds two approved versions; the site must serve
    the one approved last (the corrected text), never the older one that was corrected."""
    again = clone_of(scene, tmp_path / "clone")
    repo = again.repo
    started = correct(repo, "hendra", f"2026-11-05T09:00:00{WIB}", note="Ralat kedua")
    assert started.returncode == 0, started.stderr
    path = repo.path(REL)
    third = "jembatanketiga"
    path.write_text(path.read_text(encoding="utf-8").replace(DRAFT, third), encoding="utf-8")
    repo.sign(path, "dimas", f"2026-11-05T10:00:00{WIB}")
    out = build(again, tmp_path / "site")
    assert DRAFT in page(out)
    assert traces(out, OLD) == [] and traces(out, third) == []


def test_base_refuses_a_correction_rolled_back_to_the_older_approved_text(
    scene: Scene, tmp_path: Path
) -> None:
    """Removing the correction record (and what followed) restores a validly approved older
    version byte for byte; only the comparison with the target branch catches it."""
    forged = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = forged.repo
    older = next(
        text
        for sha in repo.git("rev-list", "HEAD", "--", REL).split()
        if 'action: "correct"' not in (text := repo.git("show", f"{sha}:{REL}"))
    )
    repo.write(REL, older)
    repo.commit_all("kembalikan")
    alone = repo.cli("validate", "--no-cache")
    assert alone.returncode == 0, alone.stdout  # on its own the older version is fine
    judged = repo.cli("validate", "--no-cache", "--base", "origin/during")
    assert judged.returncode == 1, judged.stdout + judged.stderr
    assert "[history.rewritten]" in judged.stdout or "[history.removed]" in judged.stdout


def test_the_log_shows_the_correction_as_a_ralat_with_its_commit(scene: Scene) -> None:
    shown = scene.site.repo.cli("--lang", "id", "log", REL)  # as the office reads it
    assert shown.returncode == 0, shown.stderr
    rows = [line for line in shown.stdout.splitlines() if line.startswith("│ ✎")]
    assert len(rows) == 1 and "ralat" in rows[0] and "ditarik" not in shown.stdout
    assert "catatan ✎. ralat (hendra): Panjang jembatan 84 meter" in shown.stdout
    data = json.loads(scene.site.repo.cli("log", REL, "--format", "json").stdout)
    record = next(r for r in data["records"] if r["action"] == "correct")
    commit = scene.site.repo.git("log", "-1", "--format=%H", "--grep", "Warta-Step: correct")
    assert record["commit"] == commit.strip()


def test_a_withdrawal_during_a_correction_leaves_the_notice_with_the_approved_title(
    scene: Scene, tmp_path: Path
) -> None:
    """Withdrawn while its correction is in progress: the URL keeps the public notice, titled
    as approved (the draft's title is not signed for publication), and nothing of the
    approved text or of the draft is served."""
    clone = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = clone.repo
    path = repo.path(REL)
    path.write_text(path.read_text(encoding="utf-8").replace(
        'title: "Bupati Resmikan Jembatan"', 'title: "Judul Draf Jembatanbaru"'),
        encoding="utf-8")
    done = repo.cli("withdraw", REL, "--reason", "Data jembatan keliru",
                    "--key", str(repo.keys["hendra"]), "--at", f"2026-11-04T12:00:00{WIB}")
    assert done.returncode == 0, done.stdout + done.stderr
    out = build(clone, tmp_path / "site")
    html = page(out)
    assert "Berita ini telah ditarik" in html and "Data jembatan keliru" in html
    assert "Bupati Resmikan Jembatan" in html
    assert traces(out, "Jembatanbaru") == [] and traces(out, DRAFT) == []
    assert traces(out, OLD) == []


def test_status_marks_the_item_under_correction(scene: Scene, tmp_path: Path) -> None:
    clone = clone_of(scene, tmp_path / "clone", "--branch", "during")
    data = json.loads(clone.repo.cli("status", "--format", "json").stdout)
    item = next(i for i in data["items"] if i["path"] == REL)
    assert item["correcting"] is True and item["next_step"]["id"] == "pengesahan"
    assert item["may_sign"] == ["hendra"]
    text = clone.repo.cli("--lang", "id", "status", "--as", "hendra")
    assert text.returncode == 0, text.stderr
    assert "5. pengesahan (Kabag) (ralat)" in text.stdout
    after = json.loads(scene.site.repo.cli("status", "--format", "json").stdout)
    assert next(i for i in after["items"] if i["path"] == REL)["correcting"] is False


def junk_history(repo: Repo, branch: str, versions: list[bytes], count: int, *,
                 restore: bool = True) -> None:
    """``count`` commits on ``branch`` that set the item's file to each of ``versions`` in
    turn, then (``restore``) one that puts its bytes back: the tree at the tip is as before,
    so no diff shows anything (git fast-import, as anyone who can push can run it)."""
    tip = repo.git("rev-parse", branch).strip()
    current = repo.path(REL).read_bytes()
    stream = bytearray()
    for n in range(count + 1 if restore else count):
        data = current if n == count else versions[n % len(versions)]
        stream += (
            f"commit refs/heads/{branch}\ncommitter t <t@t.invalid> {1_800_000_000 + n} +0000\n"
            f"data 4\njunk\n"
        ).encode()
        if n == 0:
            stream += f"from {tip}\n".encode()
        stream += f"M 100644 inline {REL}\ndata {len(data)}\n".encode() + data + b"\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo.root, input=bytes(stream),
                   check=True, capture_output=True)
    assert not restore or repo.git("diff", "--name-only", tip, branch) == ""


def test_commits_that_put_the_file_back_neither_hide_the_approved_text_nor_slow_the_build(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,001 commits flipping the item's file between two copies that hold every record
    (bodies changed, so neither is a signed version) and ending where they began: before,
    the approved version lay past the 20,000 newest commits searched, so the item left the
    site and a strict build failed, and every build parsed every commit's version. Now each
    version is read once, the oldest first, and only a version holding the last record
    before the correction is parsed (found by an independent attack)."""
    from warta import standing
    from warta.adapters import gitread

    clone = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = clone.repo
    current = repo.path(REL).read_bytes()
    copies = [current.replace(DRAFT.encode(), f"jembatansalin{n}".encode()) for n in range(2)]
    junk_history(repo, "during", copies, 20_001)
    assert int(repo.git("rev-list", "--count", "HEAD", "--", REL)) > 20_001
    out = build(clone, tmp_path / "site")
    assert OLD in page(out) and traces(out, DRAFT) == [] and traces(out, "jembatansalin") == []
    strict = clone.repo.cli("build", "--strict", "-d", str(tmp_path / "strict"))
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert "correct.standing" not in strict.stdout + strict.stderr
    # each version once, and only the first that holds the approval's signature parsed
    versions = list(gitread.path_history(repo.root, REL, 100_000, 1 << 20, oldest_first=True))
    assert len(versions) == len({data for _c, data in versions}) <= 12
    parsed: list[bytes] = []
    real = standing.parse_bytes
    monkeypatch.setattr(standing, "parse_bytes",
                        lambda raw, path: parsed.append(raw) or real(raw, path))
    project = repo.project()
    item = project.items[REL]
    record = next(s for s in item.signoffs if s.action == "correct")
    found = standing.approved_version(project, item, record)
    assert not isinstance(found, str) and OLD in found[0].body
    assert len(parsed) == 1
    log = json.loads(repo.cli("log", REL, "--format", "json").stdout)
    made = next(r for r in log["records"] if r["action"] == "correct")
    assert made["commit"] == repo.git(
        "log", "-1", "--format=%H", "--grep", "Warta-Step: correct").strip()


def merged_first(repo: Repo, branch: str, side: str) -> None:
    """Make ``branch`` a merge of ``side`` (first parent) and ``branch``, with ``branch``'s
    own tree: a fast-forward that changes no file, as anyone who can push may push."""
    tree = repo.git("rev-parse", f"{branch}^{{tree}}").strip()
    merge = repo.git("commit-tree", tree, "-p", side, "-p", branch, "-m", "Merge").strip()
    repo.git("update-ref", f"refs/heads/{branch}", merge)
    assert repo.git("diff", "--name-only", f"{branch}^2", branch) == ""


def test_a_merge_that_changes_nothing_neither_hides_the_history_nor_takes_the_log(
    scene: Scene, tmp_path: Path
) -> None:
    """A merge of the branch's own tree whose first parent is a new root commit holding that
    tree, back-dated, with a Warta-Step trailer for every step: git's default listing
    follows only that parent, so the build lost the approved version (the item left the
    site) and ``warta log`` named the root commit for every record (found by an
    independent attack). Each record is brought in by two commits now: neither is named."""
    clone = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = clone.repo
    tree = repo.git("rev-parse", "during^{tree}").strip()
    trailers = "".join(f"Warta-Step: {s}\n" for s in (
        "disposisi", "perintah", "penulisan", "laporan", "pengesahan", "correct"))
    env = {**os.environ, "GIT_AUTHOR_DATE": "2020-01-01T00:00:00",
           "GIT_COMMITTER_DATE": "2020-01-01T00:00:00"}
    root = subprocess.run(["git", "commit-tree", tree, "-m", f"impor\n\n{trailers}"],
                          cwd=repo.root, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()
    merged_first(repo, "during", root)
    out = build(clone, tmp_path / "site")
    assert OLD in page(out) and traces(out, DRAFT) == []
    log = json.loads(repo.cli("log", REL, "--format", "json").stdout)
    # each record is now brought in by two commits: which one made it is not told
    assert [r["commit"] for r in log["records"]] == [None] * len(log["records"])
    assert len(log["records"]) == 7


@pytest.mark.parametrize(("count", "pad"), [(65, 0), (66, 1 << 20), (4100, 0)])
def test_copies_of_the_approval_on_a_side_branch_merged_first_do_not_hide_it(
    scene: Scene, tmp_path: Path, count: int, pad: int
) -> None:
    """65 versions holding a copy of a line of the approval's signature, on a branch begun
    before the approval and merged as the first parent of the writer's next commit (whose
    diff is the writer's own), came first in the history: the 64 versions parsed ran out
    before the approved one and the item left the site, and then 66 copies of 1 MiB or
    4,100 small ones used up the larger bound (found by two independent attacks). The
    version a commit bringing the correction record in was made on is parsed first now."""
    from warta.adapters.ssh import signature_line

    clone = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = clone.repo
    approval = repo.git("log", "-1", "--format=%H", "--grep", "Warta-Step: pengesahan",
                        "during").strip()
    correction = repo.git("rev-parse", "during~1").strip()
    item = repo.project().items[REL]
    approved = next(s for s in item.signoffs if s.action == "correct")
    before = item.signoffs[item.signoffs.index(approved) - 1]
    mark = signature_line(before.sig)
    assert mark is not None
    copies = [b"jembatancatat %d\n" % n + mark + b"\n" + b"x" * pad for n in range(count)]
    repo.git("branch", "samping", f"{approval}~1")
    junk_history(repo, "samping", copies, count, restore=False)
    tree = repo.git("rev-parse", "during^{tree}").strip()
    merge = repo.git("commit-tree", tree, "-p", "samping", "-p", correction, "-m",
                     "Merge").strip()
    repo.git("update-ref", "refs/heads/during", merge)
    assert repo.git("diff", "--name-only", "during", correction) == f"{REL}\n"
    out = build(clone, tmp_path / "site")
    assert OLD in page(out) and traces(out, "jembatancatat") == []


def test_a_signature_rewrapped_during_a_correction_is_refused_by_the_gate(
    scene: Scene, tmp_path: Path
) -> None:
    """A change that only wraps an earlier record's signature at another width (the same
    signature bytes: it verifies, and its chain digest is the same) passed `validate
    --strict --base`, then no version in the history held the record's text: the build
    left the item out, and every strict deploy failed (found by an independent attack).
    The gate refuses it now, naming the record; the build leaves the item out as well."""
    forged = clone_of(scene, tmp_path / "clone", "--branch", "during")
    repo = forged.repo
    text = repo.read(REL)
    start = text.index("    sig: |\n") + len("    sig: |\n")
    end = text.index("-----END SSH SIGNATURE-----", start)
    lines = text[start:end].split("\n")
    body = "".join(line.strip() for line in lines[1:])
    wrapped = "".join(f"      {body[i:i + 76]}\n" for i in range(0, len(body), 76))
    repo.write(REL, text[:start] + lines[0] + "\n" + wrapped + "      " + text[end:])
    repo.commit_all("rapikan baris tanda tangan")
    judged = repo.cli(
        "--lang", "en", "validate", "--strict", "--no-cache", "--base", "origin/during"
    )
    assert judged.returncode == 1, judged.stdout + judged.stderr
    assert "[signature.armour]" in judged.stdout, judged.stdout
    assert "signoffs[0]" in judged.stdout and "lines of 70 characters" in judged.stdout
    out = tmp_path / "site"
    result = forged.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    assert "[correct.standing]" in result.stderr and "do not verify" in result.stderr
    assert not (out / URL).exists() and traces(out, DRAFT) == []
