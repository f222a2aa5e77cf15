"""``warta new``: creates the item in the right place with a fresh id and step 1 signed by the
Kabag, committed; refuses, writing nothing, for anyone else's key."""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos
from warta.adapters.items import parse_item

WIB = timezone(timedelta(hours=7))
HENDRA = "Hendra Wijaya, S.Kom., M.T."
KABAG = "Kepala Bagian Kominfo dan Humas (Kabag)"


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo()


def today() -> date:
    return datetime.now(UTC).astimezone(WIB).date()


def snapshot(site: Repo) -> tuple[list[str], str, str]:
    """Everything a refused action must leave as it was: files, HEAD, the index."""
    files = sorted(p.relative_to(site.root).as_posix() for p in site.path("content").rglob("*"))
    return (
        files,
        site.git("rev-parse", "HEAD"),
        site.git("status", "--porcelain", "--untracked-files=all", "content"),
    )


def test_new_creates_the_item_with_a_fresh_id_and_step_1_signed(site: Repo) -> None:
    day = today()
    result = site.cli(
        "new",
        "Bupati Resmikan Jembatan Gantung",
        "--category",
        "Kecamatan Cibening",
        "--category",
        "Infrastruktur",
        "--description",
        "Jembatan gantung baru menghubungkan dua desa.",
        "--key",
        str(site.keys["hendra"]),
    )
    assert result.returncode == 0, result.stderr
    rel = f"content/berita/{day:%Y}/bupati-resmikan-jembatan-gantung/index.md"
    match = re.fullmatch(
        rf"created {re.escape(rel)} \(id ({day:%Y%m%d}-[0-9a-f]{{6}})\); 1\. disposisi signed"
        rf" by {re.escape(HENDRA)} in commit ([0-9a-f]{{10}})\n",
        result.stdout,
    )
    assert match, result.stdout
    item_id, commit = match.groups()
    item = parse_item(site.read(rel), rel).item
    assert item is not None
    assert (item.id, item.title, item.status, item.approved_by) == (
        item_id,
        "Bupati Resmikan Jembatan Gantung",
        "ditugaskan",
        None,
    )
    assert item.fields["categories"] == ["Kecamatan Cibening", "Infrastruktur"]
    assert item.fields["date"] == day.isoformat()
    assert item.fields["description"] == "Jembatan gantung baru menghubungkan dua desa."
    ((step, by),) = [(s.step, s.by) for s in item.signoffs]
    assert (step, by) == ("disposisi", "hendra")
    # committed, with the trailers that tie the commit to the item and step
    assert site.git("rev-parse", "--short=10", "HEAD").strip() == commit
    message = site.git("log", "-1", "--format=%B")
    assert message.splitlines()[0] == (
        f"1. disposisi: Bupati Resmikan Jembatan Gantung [{item_id}]"
    )
    assert f"Warta-Item: {item_id}" in message and "Warta-Signer: hendra" in message
    assert site.git("status", "--porcelain", "content") == ""
    # and it validates: signed, in order, by the Kabag, waiting for the Kasubag
    (entry,) = site.validate_json()["items"]
    assert (entry["path"], entry["findings"], entry["publishable"]) == (rel, [], False)


def test_each_new_item_gets_its_own_id_and_folder(site: Repo) -> None:
    first = site.cli("new", "Panen Cabai", "--key", str(site.keys["hendra"]))
    second = site.cli("new", "Panen Cabai", "--key", str(site.keys["hendra"]))
    assert first.returncode == second.returncode == 0, second.stderr
    ids = [re.search(r"\(id ([^)]+)\)", r.stdout).group(1) for r in (first, second)]  # type: ignore[union-attr]
    assert ids[0] != ids[1]
    folders = sorted(p.parent.name for p in site.path("content/berita").rglob("index.md"))
    assert folders == ["panen-cabai", f"panen-cabai-{ids[1][-6:]}"]
    data = site.validate_json()
    assert [f for i in data["items"] for f in i["findings"]] == []


def test_new_records_an_earlier_disposisi_with_at(site: Repo) -> None:
    result = site.cli(
        "new",
        "Rapat Koordinasi",
        "--key",
        str(site.keys["hendra"]),
        "--at",
        "2026-11-20T09:30:00+07:00",
    )
    assert result.returncode == 0, result.stderr
    rel = "content/berita/2026/rapat-koordinasi/index.md"
    item = parse_item(site.read(rel), rel).item
    assert item is not None and item.id is not None
    assert re.fullmatch(r"20261120-[0-9a-f]{6}", item.id)
    assert item.signoffs[0].at_text == "2026-11-20T09:30:00+07:00"


def test_new_without_commit_writes_but_does_not_commit(site: Repo) -> None:
    head = site.git("rev-parse", "HEAD")
    result = site.cli("new", "Bazar UMKM", "--key", str(site.keys["hendra"]), "--no-commit")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("signed by Hendra Wijaya, S.Kom., M.T.\n")
    assert site.git("rev-parse", "HEAD") == head
    assert site.git("status", "--porcelain", "--untracked-files=all", "content") == (
        f"?? content/berita/{today():%Y}/bazar-umkm/index.md\n"
    )


@pytest.mark.parametrize("person", ["sri", "dimas", "agus"])
def test_new_refuses_anyone_but_the_kabag_and_writes_nothing(site: Repo, person: str) -> None:
    names = {
        "sri": ("Sri Rahayu, S.Sos.", "kasubag"),
        "dimas": ("Dimas Prasetyo, A.Md.", "staf"),
        "agus": ("Agus Setiawan, S.Sos.", "staf, Plt. kasubag 2026-10-01 to 2026-10-31"),
    }
    name, held = names[person]
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(site.keys[person]))
    assert result.returncode == 1
    assert result.stdout == ""
    rel = f"content/berita/{today():%Y}/judul/index.md"
    assert result.stderr == (
        f"warta: {rel}: signing 'disposisi' (step 1) as {name} ({person}) would leave an item"
        " that warta validate rejects; nothing was changed:\n"
        f"  {rel}:11: error [signoff.role] step 'disposisi' (step 1) must be signed by the"
        f" {KABAG} on {today().isoformat()}; {name} ({person}) holds {held}\n"
    )
    assert snapshot(site) == before


def test_new_refuses_a_key_not_in_the_roster(site: Repo) -> None:
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(site.keys["mallory"]))
    assert result.returncode == 1
    assert re.fullmatch(
        r"warta: key SHA256:[A-Za-z0-9+/]{43} is not in roster\.yml; nothing was changed\n",
        result.stderr,
    ), result.stderr
    assert snapshot(site) == before


def test_new_refuses_a_key_of_someone_else_than_as(site: Repo) -> None:
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(site.keys["hendra"]), "--as", "sri")
    assert result.returncode == 1
    assert result.stderr.endswith(f"belongs to {HENDRA} (hendra), not 'sri'; nothing was changed\n")
    assert snapshot(site) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "kemarin"), "warta: --at 'kemarin': expected an ISO 8601 time with offset\n"),
        (
            ("--at", "2026-11-20T09:30:00"),
            "warta: --at '2026-11-20T09:30:00': expected a UTC offset such as +07:00\n",
        ),
        (
            ("--at", "9999-12-31T23:59:59-23:59"),
            "warta: --at '9999-12-31T23:59:59-23:59': expected a time between the years 1900"
            " and 2999\n",
        ),
    ],
)
def test_new_with_a_bad_time_is_a_usage_error(
    site: Repo, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(site.keys["hendra"]), *args)
    assert (result.returncode, result.stderr) == (2, message)
    assert snapshot(site) == before


def test_new_with_a_missing_key_file_is_a_usage_error(site: Repo, tmp_path: Path) -> None:
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(tmp_path / "tidak-ada"))
    assert result.returncode == 2
    assert result.stderr == f"warta: {tmp_path / 'tidak-ada'}: key file not found\n"
    assert snapshot(site) == before


def test_new_refuses_when_the_workflow_is_not_trusted(site: Repo) -> None:
    site.write("workflow/sop.yml", site.read("workflow/sop.yml") + "\n# diubah\n")
    before = snapshot(site)
    result = site.cli("new", "Judul", "--key", str(site.keys["hendra"]))
    assert result.returncode == 1
    assert result.stderr.startswith(
        "warta: the workflow files are not trusted, so nothing may be signed:"
    )
    assert snapshot(site) == before


@pytest.mark.parametrize("commit", [True, False])
def test_new_never_writes_through_a_committed_link(
    site: Repo, tmp_path: Path, commit: bool
) -> None:
    """Anyone who can push may commit ``content/berita/<year> -> /anywhere``: the Kabag's next
    ``warta new`` wrote the item there (found by an independent attack). Refused, exit 1,
    nothing written anywhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    year = site.path(f"content/berita/{today():%Y}")
    if year.exists():
        for entry in year.iterdir():
            (outside / entry.name).mkdir()
        shutil.rmtree(year)
    year.symlink_to(outside, target_is_directory=True)
    site.git("add", "-A")
    site.git("commit", "-qm", "tahun")
    before = sorted(p.name for p in outside.iterdir())
    state = snapshot(site)
    args = ["new", "Rapat Koordinasi", "--key", str(site.keys["hendra"])]
    result = site.cli(*args, *([] if commit else ["--no-commit"]))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"content/berita/{today():%Y} is a symbolic link" in result.stderr
    assert sorted(p.name for p in outside.iterdir()) == before
    assert snapshot(site) == state


def test_new_where_a_file_stands_for_the_folder_writes_nothing(site: Repo) -> None:
    year = site.path(f"content/berita/{today().year + 1}")
    year.write_text("bukan folder\n")
    site.git("add", "-A")
    site.git("commit", "-qm", "berkas")
    state = snapshot(site)
    at = f"{today().year + 1}-01-05T09:00:00+07:00"
    result = site.cli("new", "Rapat", "--at", at, "--key", str(site.keys["hendra"]))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Not a directory" in result.stderr
    assert snapshot(site) == state


def test_a_failed_commit_removes_the_folders_new_made(site: Repo) -> None:
    """A commit that fails (here a pre-commit hook that refuses) puts everything back: the
    file, and the folders made for it."""
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    state = snapshot(site)
    at = f"{today().year + 1}-01-05T09:00:00+07:00"
    result = site.cli("new", "Rapat", "--at", at, "--key", str(site.keys["hendra"]))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert snapshot(site) == state
    assert not site.path(f"content/berita/{today().year + 1}").exists()


def test_new_never_writes_through_a_link_that_comes_while_it_signs(
    site: Repo, tmp_path: Path
) -> None:
    """The link was checked once, before the signature (a passphrase, a touch of a security
    key, a wait for the lock): one that a ``git pull`` in another terminal brought meanwhile
    was written through (found by an independent attack). Here ``ssh-keygen`` itself brings
    it, while it signs."""
    outside, tools = tmp_path / "outside", tmp_path / "bin"
    outside.mkdir()
    tools.mkdir()
    year = site.path(f"content/berita/{today().year + 1}")
    real = shutil.which("ssh-keygen")
    assert real is not None
    wrapper = tools / "ssh-keygen"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *"-Y sign"*) [ -e "{year}" ] || ln -s "{outside}" "{year}" ;; esac\n'
        f'exec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    env = {  # (a new year: its folder is made by this item)
        "PATH": f"{tools}:{os.environ['PATH']}",
        "WARTA_NOW": f"{today().year + 1}-01-05T09:00:00+07:00",
    }
    result = Repo(site.root, site.keys, {**site.env, **env}).cli(
        "new", "Rapat", "--key", str(site.keys["hendra"]), "--no-commit"
    )
    assert year.is_symlink()  # (the wrapper ran)
    assert result.returncode == 1, result.stderr
    assert "is a symbolic link" in result.stderr
    assert list(outside.iterdir()) == []
