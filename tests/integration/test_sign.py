"""`warta new`, `warta sign`, `warta return`, `warta withdraw` and `warta log` through the
installed entry point, with real ssh-keygen keys, a real git repository and (where it
matters) a real ssh-agent.

A refusal must be a clear message, exit 1, and change nothing: the item's bytes, git HEAD and
the working tree stay exactly as they were, and no lock is left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo, tiny_jpeg, warta_exe
from warta.adapters.items import parse_item
from warta.model.item import content_digest
from warta.model.signing import fingerprint

BARU = "content/berita/2026/baru/index.md"  # step 1 signed on 2 Nov 2026, 08.00 WIB
JEMBATAN = "content/berita/2026/jembatan/index.md"  # steps 1-5 signed on 2 Nov 2026
BARU_TITLE = "Festival Durian Karangsari"
AT_STEP2 = "2026-11-02T08:04:00+07:00"
AT_STEP3 = "2026-11-02T10:00:00+07:00"
NO_AGENT = {"SSH_AUTH_SOCK": "", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def baru_and_jembatan(repo: Repo) -> None:
    repo.write(".gitignore", ".warta-cache/\n")  # as in the project's own .gitignore
    repo.commit_all("ignore the verification cache")
    repo.new_item(BARU_TITLE, at="2026-11-02T08:00:00+07:00", slug="baru")
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(baru_and_jembatan)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    return copy_repo(template, tmp_path / "repo", {**template.env, **NO_AGENT})


def key(repo: Repo, person: str) -> str:
    return str(repo.keys[person])


def snapshot(repo: Repo) -> tuple[bytes, bytes, str, str]:
    """Both items' bytes, HEAD and the working tree status."""
    return (repo.path(BARU).read_bytes(), repo.path(JEMBATAN).read_bytes(),
            repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain", "--untracked=all"))


def lock_file(repo: Repo) -> Path:
    return repo.root / ".git" / "warta.lock"


def refused(repo: Repo, *args: str) -> str:
    """Run a CLI action that must be refused; assert it changed nothing; return stderr."""
    before = snapshot(repo)
    result = repo.cli(*args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert snapshot(repo) == before
    assert not lock_file(repo).exists()
    return result.stderr.strip()


def signoffs(repo: Repo, rel: str) -> list[tuple[str, str, str]]:
    item = parse_item(repo.read(rel), rel).item
    assert item is not None
    return [(s.step, s.by, s.at_text) for s in item.signoffs]


def publishable(repo: Repo, rel: str) -> bool:
    data = repo.validate_json()
    return bool(next(i for i in data["items"] if i["path"] == rel)["publishable"])


def last_commit(repo: Repo) -> dict[str, str]:
    fmt = ("%s%x00%(trailers:key=Warta-Item,valueonly)%x00%(trailers:key=Warta-Step,valueonly)"
           "%x00%(trailers:key=Warta-Signer,valueonly)")
    subject, item, step, signer = repo.git("log", "-1", f"--format={fmt}").split("\x00")
    files = repo.git("show", "--name-only", "--format=", "HEAD").split()
    return {"subject": subject, "item": item.strip(), "step": step.strip(),
            "signer": signer.strip(), "files": " ".join(files)}


def item_id(repo: Repo, rel: str) -> str:
    item = parse_item(repo.read(rel), rel).item
    assert item is not None and item.id is not None
    return item.id


# ---- signing the next step ---------------------------------------------------------------


def test_sign_performs_the_next_step_and_commits_it(site: Repo) -> None:
    result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    sha = site.git("rev-parse", "HEAD").strip()
    assert result.stdout.strip() == (
        f"2. perintah signed by Sri Rahayu, S.Sos. (sri); status diliput; commit {sha[:10]}")
    ident = item_id(site, BARU)
    assert last_commit(site) == {
        "subject": f"2. perintah: {BARU_TITLE} [{ident}]", "item": ident, "step": "perintah",
        "signer": "sri", "files": BARU}
    assert signoffs(site, BARU)[1] == ("perintah", "sri", AT_STEP2)
    assert 'status: "diliput"' in site.read(BARU)
    assert site.git("status", "--porcelain") == ""
    verify = site.cli("verify", BARU)
    assert verify.returncode == 1  # valid, but not yet approved
    assert verify.stdout.strip() == f"NOT PUBLISHABLE {BARU}"
    assert site.validate_json()["summary"]["errors"] == 0


def test_new_performs_step_one(site: Repo) -> None:
    result = site.cli("new", "Panen Raya Padi Sukamaju", "--category", "Pertanian",
                      "--description", "Panen raya", "--key", key(site, "hendra"),
                      "--at", "2026-11-02T07:30:00+07:00")
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(
        r"created (content/berita/2026/panen-raya-padi-sukamaju/index\.md)"
        r" \(id (20261102-[0-9a-f]{6})\); 1\. disposisi signed by Hendra Wijaya, S\.Kom\.,"
        r" M\.T\. in commit ([0-9a-f]{10})",
        result.stdout.strip())
    assert match, result.stdout
    rel, ident, sha = match.groups()
    assert site.git("rev-parse", "HEAD").startswith(sha)
    assert last_commit(site) == {
        "subject": f"1. disposisi: Panen Raya Padi Sukamaju [{ident}]", "item": ident,
        "step": "disposisi", "signer": "hendra", "files": rel}
    assert signoffs(site, rel) == [("disposisi", "hendra", "2026-11-02T07:30:00+07:00")]
    assert 'status: "ditugaskan"' in site.read(rel)


def test_new_refused_for_someone_who_may_not_assign(site: Repo) -> None:
    message = refused(site, "new", "Berita Liar", "--key", key(site, "dimas"),
                      "--at", "2026-11-02T07:30:00+07:00")
    rel = "content/berita/2026/berita-liar/index.md"
    assert message.splitlines() == [
        f"warta: {rel}: signing 'disposisi' (step 1) as Dimas Prasetyo, A.Md. (dimas) would"
        " leave an item that warta validate rejects; nothing was changed:",
        f"  {rel}:11: error [signoff.role] step 'disposisi' (step 1) must be signed by the"
        " Kepala Bagian Kominfo dan Humas (Kabag) on 2026-11-02; Dimas Prasetyo, A.Md. (dimas)"
        " holds staf"]
    assert not (site.root / "content/berita/2026/berita-liar").exists()


# ---- refusals ------------------------------------------------------------------------------


def test_refused_wrong_role(site: Repo) -> None:
    message = refused(site, "sign", BARU, "--key", key(site, "dimas"), "--at", AT_STEP2)
    assert message.splitlines() == [
        f"warta: {BARU}: signing 'perintah' (step 2) as Dimas Prasetyo, A.Md. (dimas) would"
        " leave an item that warta validate rejects; nothing was changed:",
        f"  {BARU}:24: error [signoff.role] step 'perintah' (step 2) must be signed by the"
        " Kepala Sub Bagian Humas (Kasubag) on 2026-11-02; Dimas Prasetyo, A.Md. (dimas) holds"
        " staf"]


def test_refused_acting_official_outside_his_period(site: Repo) -> None:
    """Agus is Plt. Kasubag only from 1 to 31 October 2026."""
    message = refused(site, "sign", BARU, "--key", key(site, "agus"), "--at", AT_STEP2)
    assert message.splitlines() == [
        f"warta: {BARU}: signing 'perintah' (step 2) as Agus Setiawan, S.Sos. (agus) would"
        " leave an item that warta validate rejects; nothing was changed:",
        f"  {BARU}:24: error [signoff.role] step 'perintah' (step 2) must be signed by the"
        " Kepala Sub Bagian Humas (Kasubag) on 2026-11-02; Agus Setiawan, S.Sos. (agus) holds"
        " staf, Plt. kasubag 2026-10-01 to 2026-10-31"]


def test_refused_out_of_order(site: Repo) -> None:
    assert refused(site, "sign", BARU, "--step", "laporan", "--key", key(site, "sri"),
                   "--at", AT_STEP2) == (
        f"warta: {BARU}: out of order: the next step is 'perintah' (step 2), not 'laporan'"
        " (step 4)")


def test_refused_key_not_in_roster(site: Repo) -> None:
    fp = fingerprint(" ".join(Path(f"{key(site, 'mallory')}.pub").read_text().split()[:2]))
    assert refused(site, "sign", BARU, "--key", key(site, "mallory"), "--at", AT_STEP2) == (
        f"warta: key {fp} is not in roster.yml; nothing was changed")


def test_refused_key_of_someone_else_than_as(site: Repo) -> None:
    fp = fingerprint(" ".join(Path(f"{key(site, 'ayu')}.pub").read_text().split()[:2]))
    assert refused(site, "sign", BARU, "--as", "sri", "--key", key(site, "ayu"),
                   "--at", AT_STEP2) == (
        f"warta: key {fp} belongs to Ayu Lestari, S.I.Kom. (ayu), not 'sri'; nothing was"
        " changed")


def test_refused_content_changed_after_approval(site: Repo) -> None:
    site.write(JEMBATAN, site.read(JEMBATAN).replace("Isi berita.", "Isi berita, diralat."))
    site.commit_all("edit after approval")
    message = refused(site, "sign", JEMBATAN, "--key", key(site, "sri"),
                      "--at", "2026-11-03T09:00:00+07:00")
    first, second = message.splitlines()
    assert first == (f"warta: {JEMBATAN} has errors; fix them before signing (nothing was"
                     " changed):")
    assert re.fullmatch(
        rf"  {re.escape(JEMBATAN)}:\d+: error \[content\.changed-after-approval\] content changed"
        r" after Hendra Wijaya, S\.Kom\., M\.T\. \(hendra\) approved it at"
        r" 2026-11-02T10:08:00\+07:00: approved sha256:[0-9a-f]{12}…, now sha256:[0-9a-f]{12}…;"
        r" not publishable until the Kabag \(Hendra Wijaya, S\.Kom\., M\.T\.\) re-approves"
        rf" \(warta return {re.escape(JEMBATAN)} --to laporan --reason '…', then sign again\)",
        second)


def test_refused_when_every_step_is_signed(site: Repo) -> None:
    done = site.cli("sign", JEMBATAN, "--key", key(site, "sri"), "--at",
                    "2026-11-03T09:00:00+07:00")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("6. kompilasi signed by Sri Rahayu, S.Sos. (sri); status dicetak")
    assert refused(site, "sign", JEMBATAN, "--key", key(site, "sri"), "--at",
                   "2026-11-03T09:05:00+07:00") == (
        f"warta: {JEMBATAN}: every step of the SOP is already signed")


def test_unknown_step_is_a_usage_error(site: Repo) -> None:
    before = snapshot(site)
    result = site.cli("sign", BARU, "--step", "terbit", "--key", key(site, "sri"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "warta: unknown step 'terbit'; expected one of: disposisi, perintah, penulisan,"
        " laporan, pengesahan, kompilasi")
    assert snapshot(site) == before


def test_refused_signing_before_the_previous_step(site: Repo) -> None:
    """A time earlier than the step before would leave an invalid item (time.backwards)."""
    message = refused(site, "sign", BARU, "--key", key(site, "sri"),
                      "--at", "2026-11-02T07:00:00+07:00")
    assert message.splitlines() == [
        f"warta: {BARU}: signing 'perintah' (step 2) as Sri Rahayu, S.Sos. (sri) would leave"
        " an item that warta validate rejects; nothing was changed:",
        f"  {BARU}:24: error [time.backwards] signoffs[1] at 2026-11-02T07:00:00+07:00 is"
        " earlier than the step before it at 2026-11-02T08:00:00+07:00; expected times never"
        " to go back"]


def test_refused_signing_in_the_future(site: Repo) -> None:
    message = refused(site, "sign", BARU, "--key", key(site, "sri"),
                      "--at", "2099-01-01T08:00:00+07:00")
    assert re.fullmatch(
        rf"warta: {re.escape(BARU)}: signing 'perintah' \(step 2\) as Sri Rahayu, S\.Sos\."
        r" \(sri\) would leave an item that warta validate rejects; nothing was changed:\n"
        rf"  {re.escape(BARU)}:24: error \[time\.future\] signoffs\[1\] is dated in the future:"
        r" expected a time no later than now"
        r" \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00\), found 2099-01-01T08:00:00\+07:00",
        message), message


def test_commit_rejected_by_a_hook_changes_nothing(site: Repo) -> None:
    """A failing pre-commit hook: the item (here with CRLF line endings) is put back byte for
    byte, nothing is staged, and the refusal says why."""
    crlf = site.path(JEMBATAN).read_bytes().replace(b"\n", b"\r\n")
    site.path(JEMBATAN).write_bytes(crlf)
    site.commit_all("CRLF")
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'ditolak oleh hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    message = refused(site, "sign", JEMBATAN, "--key", key(site, "sri"),
                      "--at", "2026-11-03T09:00:00+07:00")
    assert message == "warta: git commit failed: ditolak oleh hook"
    assert site.path(JEMBATAN).read_bytes() == crlf
    assert site.git("diff", "--cached", "--name-only") == ""


# ---- where the key comes from ------------------------------------------------------------


def test_key_defaults_to_git_user_signingkey(site: Repo) -> None:
    site.git("config", "user.signingkey", key(site, "sri"))
    result = site.cli("sign", BARU, "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2. perintah signed by Sri Rahayu, S.Sos. (sri);")
    assert last_commit(site)["signer"] == "sri"


def test_no_key_anywhere_is_a_usage_error(site: Repo) -> None:
    before = snapshot(site)
    result = site.cli("sign", BARU, "--at", AT_STEP2)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "warta: no signing key: pass --key KEYFILE, set git's user.signingkey, or load a key"
        " listed in roster.yml into ssh-agent")
    assert snapshot(site) == before


@pytest.fixture
def agent() -> Iterator[dict[str, str]]:
    """A real ssh-agent on a private socket, stopped afterwards."""
    folder = tempfile.mkdtemp(prefix="warta-agent-", dir="/tmp")
    sock = os.path.join(folder, "agent.sock")
    out = subprocess.run(["ssh-agent", "-s", "-a", sock], capture_output=True, text=True,
                         check=True).stdout
    found = re.search(r"SSH_AGENT_PID=(\d+)", out)
    assert found, out
    pid = int(found.group(1))
    try:
        yield {"SSH_AUTH_SOCK": sock}
    finally:
        os.kill(pid, signal.SIGTERM)
        shutil.rmtree(folder, ignore_errors=True)


def ssh_add(agent: dict[str, str], path: str) -> None:
    subprocess.run(["ssh-add", "-q", path], env={**os.environ, **agent}, check=True,
                   capture_output=True)


def test_key_from_ssh_agent(site: Repo, agent: dict[str, str]) -> None:
    ssh_add(agent, key(site, "sri"))
    site.env.update(agent)
    result = site.cli("sign", BARU, "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2. perintah signed by Sri Rahayu, S.Sos. (sri);")
    assert publishable(site, BARU) is False
    assert site.validate_json()["summary"]["errors"] == 0


def test_agent_key_chosen_with_as(site: Repo, agent: dict[str, str]) -> None:
    ssh_add(agent, key(site, "dimas"))
    ssh_add(agent, key(site, "sri"))
    site.env.update(agent)
    # without --as the first roster key in the agent (Dimas's) is used: refused, wrong role
    assert "error [signoff.role] step 'perintah' (step 2) must be signed by the Kepala Sub" \
        " Bagian Humas (Kasubag) on 2026-11-02; Dimas Prasetyo, A.Md. (dimas) holds staf" \
        in refused(site, "sign", BARU, "--at", AT_STEP2)
    result = site.cli("sign", BARU, "--as", "sri", "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    assert last_commit(site)["signer"] == "sri"


def test_literal_signingkey_uses_the_agent(site: Repo, agent: dict[str, str]) -> None:
    ssh_add(agent, key(site, "sri"))
    site.env.update(agent)
    public = " ".join(Path(f"{key(site, 'sri')}.pub").read_text().split()[:2])
    site.git("config", "user.signingkey", f"key::{public}")
    result = site.cli("sign", BARU, "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    assert last_commit(site)["signer"] == "sri"


# ---- options -----------------------------------------------------------------------------


def test_no_commit_writes_the_file_only(site: Repo) -> None:
    head = site.git("rev-parse", "HEAD")
    result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2, "--no-commit")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "2. perintah signed by Sri Rahayu, S.Sos. (sri); status diliput; not committed")
    assert site.git("rev-parse", "HEAD") == head
    assert site.git("status", "--porcelain") == f" M {BARU}\n"
    assert signoffs(site, BARU)[-1] == ("perintah", "sri", AT_STEP2)
    assert site.validate_json()["summary"]["errors"] == 0  # the signature lives in the file
    # the next action commits the item with both steps
    nxt = site.cli("sign", BARU, "--key", key(site, "dimas"), "--at", "2026-11-02T10:00:00+07:00")
    assert nxt.returncode == 0, nxt.stderr
    assert site.git("status", "--porcelain") == ""
    assert last_commit(site)["step"] == "penulisan"


def test_note_is_kept_and_signed(site: Repo) -> None:
    note = "Liput juga dialog dengan petani durian; foto dari Diskominfo"
    result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2, "--note", note)
    assert result.returncode == 0, result.stderr
    item = parse_item(site.read(BARU), BARU).item
    assert item is not None
    assert item.signoffs[1].note == note
    assert f'    note: "{note}"\n' in site.read(BARU)
    # the note survives the next signoff, and the chain stays valid
    nxt = site.cli("sign", BARU, "--key", key(site, "dimas"), "--at", "2026-11-02T10:00:00+07:00")
    assert nxt.returncode == 0, nxt.stderr
    assert f'    note: "{note}"\n' in site.read(BARU)
    assert site.validate_json()["summary"]["errors"] == 0
    # the note is signed: changing it afterwards breaks that signature (only that one: the
    # next signoff is chained to the signature, which is unchanged)
    site.write(BARU, site.read(BARU).replace("foto dari Diskominfo", "tanpa foto"))
    entry = next(i for i in site.validate_json()["items"] if i["path"] == BARU)
    assert [f["rule"] for f in entry["findings"] if f["severity"] == "error"] == [
        "signature.invalid"]
    assert entry["findings"][0]["message"].startswith(
        "the signature of signoffs[1] (step 'perintah' by 'sri') does not verify")


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85", "\x9b"])
def test_a_note_and_a_file_name_with_a_line_break_yaml_knows_read_back_as_written(
    site: Repo, odd: str
) -> None:
    """YAML (not JSON) reads U+2028, U+2029 and NEL as line breaks and refuses DEL and the C1
    controls: Warta writes them escaped, so the note that was signed is the one read back,
    and the item stays valid. A file name with such a character is refused (a terminal acts
    on a C1 control, and a line separator would break the line that names the file), with
    the name escaped in the refusal; without that file the writer's step is signed."""
    note = f"baris satu{odd}baris dua\x7f"
    result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2, "--note", note)
    assert result.returncode == 0, result.stderr
    photo = site.write(f"content/berita/2026/baru/foto{odd}lapangan.jpg", tiny_jpeg())
    refused = site.cli("--lang", "en", "sign", BARU, "--key", key(site, "dimas"), "--at",
                       AT_STEP3)
    assert refused.returncode == 1, refused.stderr  # the writer's step lists the folder's files
    assert "[files.format]" in refused.stderr and odd not in refused.stderr, refused.stderr
    assert f"foto{repr(odd)[1:-1]}lapangan.jpg" in refused.stderr, refused.stderr  # escaped
    photo.unlink()
    written = site.cli("sign", BARU, "--key", key(site, "dimas"), "--at", AT_STEP3)
    assert written.returncode == 0, written.stderr
    text = site.read(BARU)
    assert odd not in text  # (escaped)
    item = parse_item(text, BARU).item
    assert item is not None
    assert item.signoffs[1].note == note
    assert item.attachments == ()
    entry = next(i for i in site.validate_json()["items"] if i["path"] == BARU)
    assert [f["rule"] for f in entry["findings"] if f["severity"] == "error"] == []


def test_a_file_name_that_is_not_utf8_is_refused_with_the_reason(site: Repo) -> None:
    """YAML cannot hold such a name: the writer's step is refused, naming why, and the item
    is left as it was."""
    assert site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2).returncode == 0
    before = site.read(BARU)
    folder = os.fsencode(site.root / "content/berita/2026/baru")
    with open(os.path.join(folder, b"foto\xe9.jpg"), "wb") as photo:  # a Latin-1 name
        photo.write(tiny_jpeg())
    result = subprocess.run(
        [warta_exe(), "sign", BARU, "--key", key(site, "dimas"), "--at", AT_STEP3],
        cwd=site.root, env={**os.environ, **site.env}, capture_output=True, text=True,
        errors="surrogateescape", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"warta: {BARU}: the list of files could not be written (")
    assert "expected file names that are UTF-8 text, so nothing was signed" in result.stderr
    assert site.read(BARU) == before


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (("sign", BARU, "--at", AT_STEP2), "--note"),
        (("return", JEMBATAN, "--to", "laporan", "--at", "2026-11-03T08:00:00+07:00"), "--reason"),
        (("withdraw", JEMBATAN, "--at", "2026-11-03T08:00:00+07:00"), "--reason"),
        (("correct", JEMBATAN, "--at", "2026-11-03T08:00:00+07:00"), "--note"),
    ],
)
def test_a_note_or_reason_that_is_not_utf8_is_a_usage_error(
    site: Repo, command: tuple[str, ...], option: str
) -> None:
    """A byte of the command line that is not UTF-8 cannot be signed: exit 2, naming the
    option and the byte, never a traceback; nothing is written or committed."""
    who = {"sign": "sri", "return": "hendra", "withdraw": "hendra", "correct": "hendra"}
    args = [*command, "--key", key(site, who[command[0]])]
    head = site.git("rev-parse", "HEAD")
    before = (site.read(BARU), site.read(JEMBATAN))
    result = subprocess.run(
        [os.fsencode(warta_exe()), *(a.encode() for a in args), option.encode(), b"catatan \xe9"],
        cwd=site.root, env={**os.environ, **site.env}, capture_output=True, check=False)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert f"{option}: expected text in UTF-8; found catatan \\udce9, with a byte" in stderr
    assert (site.read(BARU), site.read(JEMBATAN)) == before
    assert site.git("rev-parse", "HEAD") == head


# ---- take-backs: signed returns and withdrawals ----------------------------------------------


def test_return_then_reapproval_makes_an_edited_item_publishable(site: Repo) -> None:
    site.write(JEMBATAN, site.read(JEMBATAN).replace("Isi berita.", "Isi berita, diralat."))
    site.commit_all("ralat")
    assert publishable(site, JEMBATAN) is False
    returned = site.cli("return", JEMBATAN, "--to", "laporan", "--reason", "angka anggaran salah",
                        "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert returned.returncode == 0, returned.stderr
    sha = site.git("rev-parse", "HEAD").strip()
    assert returned.stdout.strip() == (
        "returned to 'laporan' by Hendra Wijaya, S.Kom., M.T. (hendra); status ditulis,"
        f" revision 2; commit {sha[:10]}")
    assert last_commit(site)["step"] == "return to laporan"
    assert last_commit(site)["signer"] == "hendra"
    text = site.read(JEMBATAN)
    assert 'status: "ditulis"' in text and "revision: 2" in text
    assert "approved_by" not in text
    # nothing is removed: every earlier signoff stays, the return is appended
    assert [s[0] for s in signoffs(site, JEMBATAN)] == [
        "disposisi", "perintah", "penulisan", "laporan", "pengesahan", ""]
    item = parse_item(text, JEMBATAN).item
    assert item is not None
    assert item.signoffs[-1].reason == "angka anggaran salah"
    assert item.signoffs[-1].to == "laporan"
    assert publishable(site, JEMBATAN) is False
    # the Kasubag reports the edited text (laporan may edit), the Kabag approves it again
    for who, at in (("sri", "2026-11-03T08:30:00+07:00"), ("hendra", "2026-11-03T09:00:00+07:00")):
        again = site.cli("sign", JEMBATAN, "--key", key(site, who), "--at", at)
        assert again.returncode == 0, again.stderr
    item = parse_item(site.read(JEMBATAN), JEMBATAN).item
    assert item is not None
    assert item.signoffs[-1].content == content_digest(item.fields, item.body)
    assert item.approved_by == "hendra" and item.revision == 2
    assert publishable(site, JEMBATAN) is True
    verify = site.cli("verify", JEMBATAN)
    assert verify.returncode == 0, verify.stdout
    assert "at 2026-11-03T09:00:00+07:00" in verify.stdout  # the approval in force
    # the timeline shows both rounds, the reason, and the new approval's commit
    rows = log_rows(site, JEMBATAN)
    assert [(r[0], r[1], r[9]) for r in rows] == [
        ("1", "disposisi", "1"), ("2", "perintah", "1"), ("3", "penulisan", "1"),
        ("4", "laporan", "1"), ("5", "pengesahan", "1"),
        ("↩", "kembali ke laporan (alasan: angka anggaran salah)", "1"),
        ("4", "laporan", "2"), ("5", "pengesahan", "2")]
    assert rows[6][8] == "diubah"  # the Kasubag signed a changed text
    assert rows[7][6] == site.git("rev-parse", "HEAD").strip()[:10]
    log = site.cli("log", JEMBATAN)
    assert "The text was last changed at step 4. laporan by Sri Rahayu, S.Sos. (sri)" in (
        " ".join(log.stdout.split()))


def test_reopen_is_gone(site: Repo) -> None:
    before = snapshot(site)
    result = site.cli("reopen", JEMBATAN)
    assert result.returncode == 2
    assert "warta return PATH --to STEP --reason TEXT" in result.stderr
    assert snapshot(site) == before


def test_a_return_needs_the_role_of_the_latest_step_or_of_the_gate(site: Repo) -> None:
    # the writer may not send an approved item back
    assert refused(site, "return", JEMBATAN, "--to", "penulisan", "--reason", "x",
                   "--key", key(site, "dimas"), "--at", "2026-11-03T08:00:00+07:00") == (
        "warta: Dimas Prasetyo, A.Md. (dimas) may not return this item on 2026-11-03:"
        " expected the Kepala Bagian Kominfo dan Humas; nothing was changed")
    # a key outside the roster signs nothing
    stranger = site.root.parent / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)],
                   check=True)
    message = refused(site, "return", JEMBATAN, "--to", "laporan", "--reason", "x",
                      "--key", str(stranger), "--at", "2026-11-03T08:00:00+07:00")
    assert "is not in roster.yml; nothing was changed" in message
    # the staff who wrote step 3 may return their own latest step of a draft (step 3)
    site.sign(site.path(BARU), "sri", AT_STEP2)
    site.sign(site.path(BARU), "dimas", "2026-11-02T09:00:00+07:00")
    ok = site.cli("return", BARU, "--to", "penulisan", "--reason", "foto kurang",
                  "--key", key(site, "dimas"), "--at", "2026-11-02T09:30:00+07:00")
    assert ok.returncode == 0, ok.stderr
    assert publishable(site, BARU) is False


def test_a_return_only_goes_back_and_needs_a_reason(site: Repo) -> None:
    assert refused(site, "return", BARU, "--to", "laporan", "--reason", "x",
                   "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00") == (
        f"warta: {BARU}: signoffs[1] returns the item to 'laporan' (step 4), which is not"
        " signed in this round; expected a step already signed (disposisi); nothing was"
        " changed")
    result = site.cli("return", JEMBATAN, "--to", "laporan", "--reason", " ",
                      "--key", key(site, "hendra"))
    assert result.returncode == 2
    assert "--reason must say why" in result.stderr


def test_withdraw_takes_an_approved_item_off_and_keeps_its_history(site: Repo) -> None:
    assert refused(site, "withdraw", JEMBATAN, "--reason", "x", "--key", key(site, "sri"),
                   "--at", "2026-11-03T08:00:00+07:00").startswith(
        "warta: Sri Rahayu, S.Sos. (sri) may not withdraw this item on 2026-11-03: expected"
        " the Kepala Bagian Kominfo dan Humas")
    done = site.cli("withdraw", JEMBATAN, "--reason", "permintaan narasumber",
                    "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("withdrawn by Hendra Wijaya, S.Kom., M.T. (hendra); status"
                                  " ditarik, revision 2; commit ")
    assert last_commit(site)["signer"] == "hendra"
    assert last_commit(site)["step"] == "withdraw"
    assert publishable(site, JEMBATAN) is False
    entry = next(i for i in site.validate_json()["items"] if i["path"] == JEMBATAN)
    assert entry["findings"] == [] and entry["status"] == "ditarik"
    site.env["COLUMNS"] = "200"
    queue = site.cli("status")
    row = next(line for line in queue.stdout.splitlines() if "Jembatan" in line)
    assert row.split("│")[1].strip() == "withdrawn"  # nobody is due to act on it
    # nothing can be signed on a withdrawn item until it is returned
    assert refused(site, "sign", JEMBATAN, "--key", key(site, "sri"),
                   "--at", "2026-11-03T09:00:00+07:00").startswith(
        f"warta: {JEMBATAN}: the item was withdrawn at 2026-11-03T08:00:00+07:00")
    # a draft cannot be withdrawn
    assert "expected an item past 'pengesahan' (step 5)" in refused(
        site, "withdraw", BARU, "--reason", "x", "--key", key(site, "hendra"),
        "--at", "2026-11-03T08:00:00+07:00")


def test_a_changed_reason_breaks_the_take_back_signature(site: Repo) -> None:
    """The reason is signed: rewording it afterwards is a forged record. (Deleting the whole
    record is a rollback, which `warta validate --base` refuses: tests/integration/test_base.py.)"""
    done = site.cli("withdraw", JEMBATAN, "--reason", "permintaan narasumber",
                    "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert done.returncode == 0, done.stderr
    site.write(JEMBATAN, site.read(JEMBATAN).replace("permintaan narasumber", "salah ketik"))
    entry = next(i for i in site.validate_json()["items"] if i["path"] == JEMBATAN)
    rules = [f["rule"] for f in entry["findings"]]
    assert rules == ["signature.invalid"]
    assert "signoffs[5] (the withdrawal by 'hendra') does not verify" in (
        entry["findings"][0]["message"])


def test_withdraw_refuses_a_text_changed_since_the_approval(site: Repo) -> None:
    """A withdrawal signs the approved text: over an edit made since, it committed the edit
    under the Kabag's name and left a record ``warta validate`` rejects for good, so the item
    could not be taken down (found by an independent attack)."""
    approved = site.read(JEMBATAN)
    site.write(JEMBATAN, approved.rstrip("\n") + "\n\nDiubah tanpa persetujuan.\n")
    said = refused(site, "withdraw", JEMBATAN, "--reason", "narasumber keberatan",
                   "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert said.startswith(f"warta: {JEMBATAN}: the text was changed after the approval"), said
    assert "warta return" in said and "nothing was changed" in said
    site.write(JEMBATAN, approved)
    done = site.cli("withdraw", JEMBATAN, "--reason", "narasumber keberatan",
                    "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert done.returncode == 0, done.stderr
    entry = next(i for i in site.validate_json()["items"] if i["path"] == JEMBATAN)
    assert [f for f in entry["findings"] if f["severity"] == "error"] == []


def test_sign_in_a_correction_says_the_status_it_wrote(site: Repo) -> None:
    """In a Ralat the report step stays in force after the writer signs again: the message
    said ``ditulis`` while the file said ``dilaporkan`` (found by an independent attack)."""
    done = site.cli("correct", JEMBATAN, "--note", "Panjang jembatan 84 m, bukan 48 m",
                    "--key", key(site, "hendra"), "--at", "2026-11-03T08:00:00+07:00")
    assert done.returncode == 0, done.stderr
    text = site.read(JEMBATAN)
    body = text.rstrip("\n") + "\n\nPanjang jembatan 84 meter.\n"
    site.write(JEMBATAN, body)
    signed = site.cli("sign", JEMBATAN, "--key", key(site, "dimas"),
                      "--at", "2026-11-03T09:00:00+07:00")
    assert signed.returncode == 0, signed.stderr
    status = re.search(r"^status: \"?([a-z-]+)", site.read(JEMBATAN), re.MULTILINE)
    assert status is not None
    said = re.search(r"; status ([a-z-]+);", signed.stdout)
    assert said is not None, signed.stdout
    assert said.group(1) == status.group(1) == "dilaporkan"


# ---- the lock ----------------------------------------------------------------------------


def test_held_lock_makes_sign_refuse_cleanly(site: Repo) -> None:
    holder = subprocess.Popen(["sleep", "60"])
    try:
        lock_file(site).write_text(f"{holder.pid}\n")
        before = snapshot(site)
        result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"warta: another warta action (process {holder.pid}) is running in this repository"
            f" (lock {lock_file(site).resolve()}); nothing was changed, try again when it has"
            " finished")
        assert snapshot(site) == before
        assert lock_file(site).read_text() == f"{holder.pid}\n"  # the holder's lock is kept
    finally:
        holder.kill()
        holder.wait()
    # a lock left by a dead process is taken over
    result = site.cli("sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2)
    assert result.returncode == 0, result.stderr
    assert not lock_file(site).exists()


def test_two_signers_racing_for_one_step(site: Repo) -> None:
    """Two `warta sign` runs for the same step, started together: exactly one step is added."""
    env = {**os.environ, **site.env}
    procs = [
        subprocess.Popen([warta_exe(), "sign", BARU, "--key", key(site, "sri"), "--at", AT_STEP2],
                         cwd=site.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, _, err in results if code == 1)
    # refused by the lock, or (if it started after the winner finished) for the next step
    assert loser.startswith("warta: another warta action (process ") or loser.splitlines() == [
        f"warta: {BARU}: signing 'penulisan' (step 3) as Sri Rahayu, S.Sos. (sri) would leave"
        " an item that warta validate rejects; nothing was changed:",
        f"  {BARU}:35: error [signoff.role] step 'penulisan' (step 3) must be signed by the"
        " Staf Sub Bagian Humas (Staf) on 2026-11-02; Sri Rahayu, S.Sos. (sri) holds kasubag"],\
        loser
    assert [s[0] for s in signoffs(site, BARU)] == ["disposisi", "perintah"]
    assert site.git("status", "--porcelain") == ""
    assert not lock_file(site).exists()


# ---- line endings ------------------------------------------------------------------------


def test_crlf_conversion_keeps_digest_and_validity(site: Repo) -> None:
    before = parse_item(site.read(JEMBATAN), JEMBATAN).item
    assert before is not None
    raw = site.path(JEMBATAN).read_bytes()
    site.path(JEMBATAN).write_bytes(raw.replace(b"\n", b"\r\n"))
    assert b"\r\n" in site.path(JEMBATAN).read_bytes()
    data = site.validate_json()
    entry = next(i for i in data["items"] if i["path"] == JEMBATAN)
    assert entry["publishable"] is True
    assert entry["findings"] == []
    after = parse_item(site.path(JEMBATAN).read_bytes().decode().replace("\r\n", "\n"),
                       JEMBATAN).item
    assert after is not None
    assert content_digest(after.fields, after.body) == before.signoffs[4].content
    assert site.cli("verify", JEMBATAN).returncode == 0
    # and the next step can be signed on the CRLF file
    result = site.cli("sign", JEMBATAN, "--key", key(site, "sri"),
                      "--at", "2026-11-03T09:00:00+07:00")
    assert result.returncode == 0, result.stderr
    assert publishable(site, JEMBATAN) is True


# ---- the timeline ------------------------------------------------------------------------


def log_rows(repo: Repo, rel: str) -> list[list[str]]:
    """The rows of ``warta log`` as the office reads it (in Indonesian)."""
    result = subprocess.run([warta_exe(), "--lang", "id", "log", rel], cwd=repo.root,
                            capture_output=True,
                            text=True, env={**os.environ, **repo.env, "COLUMNS": "250"},
                            check=False)
    assert result.returncode == 0, result.stderr
    rows = []
    for line in result.stdout.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and (cells[0].isdigit() or cells[0] in ("↩", "✕")):
            rows.append(cells)
    return rows


def test_log_shows_who_which_step_when_commit_and_time_against_the_standard(
    site: Repo,
) -> None:
    site.sign(site.path(BARU), "sri", "2026-11-02T08:04:00+07:00")
    site.sign(site.path(BARU), "dimas", "2026-11-03T15:00:00+07:00")
    site.sign(site.path(BARU), "sri", "2026-11-03T15:30:00+07:00")  # 30 min, standard 5 min
    commits = site.git("log", "--format=%h %s", "--abbrev=10").splitlines()
    sha = {line.split(" ", 2)[1].rstrip(":").split(".")[0]: line.split()[0]
           for line in commits if f"[{item_id(site, BARU)}]" in line}
    rows = log_rows(site, BARU)
    assert rows == [
        ["1", "disposisi", "Hendra Wijaya, S.Kom., M.T. (hendra)",
         "Senin, 2 November 2026 08.00 WIB", "-", "5 menit", sha["1"], "sah", "", "1"],
        ["2", "perintah", "Sri Rahayu, S.Sos. (sri)", "Senin, 2 November 2026 08.04 WIB",
         "4 menit kerja", "5 menit", sha["2"], "sah", "", "1"],
        # written on the second working day (Monday 08.04 to Tuesday 15.00)
        ["3", "penulisan", "Dimas Prasetyo, A.Md. (dimas)", "Selasa, 3 November 2026 15.00 WIB",
         "2 hari kerja", "5 hari kerja", sha["3"], "sah", "", "1"],
        ["4", "laporan", "Sri Rahayu, S.Sos. (sri)", "Selasa, 3 November 2026 15.30 WIB",
         "30 menit kerja (terlambat)", "5 menit", sha["4"], "sah", "", "1"],
    ]


def test_log_counts_office_time_over_a_weekend(site: Repo) -> None:
    """The issue's case: disposisi on Friday at 16.00, the order on Monday at 07.35 took 30
    minutes before Friday's closing (16.30) and 5 after Monday's opening (07.30)."""
    path = site.new_item("Pasar Murah Akhir Pekan", at="2026-11-06T16:00:00+07:00",
                         slug="pasar-murah")
    site.sign(path, "sri", "2026-11-09T07:35:00+07:00")
    rel = "content/berita/2026/pasar-murah/index.md"
    assert [row[1:2] + row[3:6] for row in log_rows(site, rel)] == [
        ["disposisi", "Jumat, 6 November 2026 16.00 WIB", "-", "5 menit"],
        ["perintah", "Senin, 9 November 2026 07.35 WIB", "35 menit kerja (terlambat)",
         "5 menit"],
    ]


def test_log_marks_a_forged_signature(site: Repo) -> None:
    text = site.read(JEMBATAN)
    site.write(JEMBATAN, text.replace("at: 2026-11-02T10:04:00+07:00",
                                      "at: 2026-11-02T10:05:00+07:00"))
    rows = log_rows(site, JEMBATAN)
    # the re-dated step fails; the approval is chained to its signature, which is unchanged
    assert [r[7] for r in rows] == ["sah", "sah", "sah", "tidak sah", "sah"]


# ---- edits between steps --------------------------------------------------------------------


def test_text_inserted_after_the_report_cannot_be_approved_until_it_is_reported_again(
    site: Repo,
) -> None:
    for who, at in (("sri", AT_STEP2), ("dimas", "2026-11-02T09:00:00+07:00"),
                    ("sri", "2026-11-02T09:04:00+07:00")):
        site.sign(site.path(BARU), who, at)
    site.write(BARU, site.read(BARU) + "\nKalimat sisipan yang tidak pernah dilaporkan.\n")
    site.commit_all("sisipan")
    message = refused(site, "sign", BARU, "--key", key(site, "hendra"),
                      "--at", "2026-11-02T09:08:00+07:00")
    assert ("[content.edited] the text changed after 'laporan' (step 4) by Sri Rahayu, S.Sos."
            " (sri)") in message
    assert "the next step 'pengesahan' (step 5) may not change it" in message
    assert f"warta return {BARU} --to laporan" in message
    entry = next(i for i in site.validate_json()["items"] if i["path"] == BARU)
    assert [f["rule"] for f in entry["findings"]] == ["content.edited"]
    # the Kasubag takes it back to the report step, reports the new text; the Kabag approves
    take = site.cli("return", BARU, "--to", "laporan", "--reason", "ada kalimat sisipan",
                    "--key", key(site, "sri"), "--at", "2026-11-02T09:10:00+07:00")
    assert take.returncode == 0, take.stderr
    for who, at in (("sri", "2026-11-02T09:12:00+07:00"), ("hendra", "2026-11-02T09:15:00+07:00")):
        done = site.cli("sign", BARU, "--key", key(site, who), "--at", at)
        assert done.returncode == 0, done.stderr
    assert publishable(site, BARU) is True
    log = " ".join(site.cli("log", BARU).stdout.split())
    assert ("The text was last changed at step 4. laporan by Sri Rahayu, S.Sos. (sri)"
            in log)


def test_a_forged_approval_over_an_inserted_text_is_refused(site: Repo) -> None:
    """The Kabag's key signing the inserted text outside Warta (no refusal on the way): the
    validator names the step that may not edit and whose signature no longer covers it."""
    for who, at in (("sri", AT_STEP2), ("dimas", "2026-11-02T09:00:00+07:00"),
                    ("sri", "2026-11-02T09:04:00+07:00")):
        site.sign(site.path(BARU), who, at)
    site.write(BARU, site.read(BARU) + "\nKalimat sisipan.\n")
    from datetime import datetime

    from warta import actions
    from warta.adapters.ssh import KeygenSigner

    text = site.read(BARU)
    # the signing core with Warta's own refusal switched off, as a forger's tool would be
    original = actions._refuse_if_invalid
    actions._refuse_if_invalid = lambda *a, **k: None  # type: ignore[assignment]
    try:
        new_text, *_ = actions.sign_text(
            site.project(), BARU, text, KeygenSigner(keyfile=site.keys["hendra"]),
            now=datetime.fromisoformat("2026-11-02T09:08:00+07:00"))
    finally:
        actions._refuse_if_invalid = original  # type: ignore[assignment]
    site.write(BARU, new_text)
    entry = next(i for i in site.validate_json()["items"] if i["path"] == BARU)
    assert entry["publishable"] is False
    (finding,) = [f for f in entry["findings"] if f["rule"] == "content.edited"]
    assert finding["message"].startswith(
        "the text changed before step 'pengesahan' (step 5), which may not change it:"
        " Hendra Wijaya, S.Kom., M.T. (hendra) signed sha256:")
    assert "but Sri Rahayu, S.Sos. (sri) signed sha256:" in finding["message"]
    assert f"(fix: warta return {BARU} --to laporan --reason '…')" in finding["message"]


def test_only_the_gate_takes_an_approval_back_or_brings_a_withdrawn_item_back(
    site: Repo,
) -> None:
    """The Kasubag signs the last step (kompilasi), so 'latest' is the Kasubag's role: that
    lets them send kompilasi back, never take the approval away or undo a withdrawal."""
    done = site.cli("sign", JEMBATAN, "--key", key(site, "sri"), "--at",
                    "2026-11-03T09:00:00+07:00")
    assert done.returncode == 0, done.stderr
    assert refused(site, "return", JEMBATAN, "--to", "disposisi", "--reason", "x",
                   "--key", key(site, "sri"), "--at", "2026-11-03T09:10:00+07:00") == (
        "warta: Sri Rahayu, S.Sos. (sri) may not return this item on 2026-11-03: expected the"
        " Kepala Bagian Kominfo dan Humas; nothing was changed")
    again = site.cli("return", JEMBATAN, "--to", "kompilasi", "--reason", "salah edisi",
                     "--key", key(site, "sri"), "--at", "2026-11-03T09:10:00+07:00")
    assert again.returncode == 0, again.stderr
    assert publishable(site, JEMBATAN) is True  # the approval stands
    redone = site.cli("sign", JEMBATAN, "--key", key(site, "sri"), "--at",
                      "2026-11-03T09:15:00+07:00")
    assert redone.returncode == 0, redone.stderr
    withdrawn = site.cli("withdraw", JEMBATAN, "--reason", "narasumber keberatan",
                         "--key", key(site, "hendra"), "--at", "2026-11-03T09:20:00+07:00")
    assert withdrawn.returncode == 0, withdrawn.stderr
    # back past the gate would republish without a new approval: refused for anybody
    for who in ("sri", "hendra"):
        message = refused(site, "return", JEMBATAN, "--to", "kompilasi", "--reason", "x",
                          "--key", key(site, who), "--at", "2026-11-03T09:30:00+07:00")
        assert ("returns the withdrawn item to 'kompilasi' (step 6), which would put it back on"
                " the site without a new approval; expected a step up to 'pengesahan' (step 5)"
                ) in message
    # the Kasubag may not bring it back at all; the Kabag may, to be approved again
    assert "expected the Kepala Bagian Kominfo dan Humas" in refused(
        site, "return", JEMBATAN, "--to", "laporan", "--reason", "x",
        "--key", key(site, "sri"), "--at", "2026-11-03T09:30:00+07:00")
    back = site.cli("return", JEMBATAN, "--to", "pengesahan", "--reason", "keberatan dicabut",
                    "--key", key(site, "hendra"), "--at", "2026-11-03T09:30:00+07:00")
    assert back.returncode == 0, back.stderr
    assert publishable(site, JEMBATAN) is False
    assert "status dilaporkan, revision 4" in back.stdout


def test_personal_data_hidden_by_markdown_is_found_in_the_published_text(site: Repo) -> None:
    """Escapes, emphasis and character references change what readers see; the scan reads
    the body as published too."""
    site.sign(site.path(BARU), "sri", AT_STEP2)
    hidden = ("Hubungi 0812\\-3456\\-7890 atau 0813*4567*8901, surel ani&#64;gmail.com,"
              " arah &#x202E;kiri.\n")
    site.write(BARU, site.read(BARU).replace("Isi berita.\n", "Isi berita.\n" + hidden))
    site.commit_all("tulis")
    message = refused(site, "sign", BARU, "--key", key(site, "dimas"),
                      "--at", "2026-11-02T09:00:00+07:00")
    assert "error [pii.phone] body as published: found what looks like a personal phone" in (
        message)
    assert "'0812-3456-7890'" in message and "'081345678901'" in message
    assert "error [pii.email] body as published" in message and "'ani@gmail.com'" in message
    assert ("error [text.invisible] body as published: character references produce 1"
            " invisible character(s): U+202E RIGHT-TO-LEFT OVERRIDE") in message


def _writing_refused(site: Repo, added: str) -> str:
    """The writer's refusal to sign the new item once ``added`` follows its body's text."""
    site.sign(site.path(BARU), "sri", AT_STEP2)
    site.write(BARU, site.read(BARU).replace("Isi berita.\n", "Isi berita.\n\n" + added))
    site.commit_all("tulis")
    return refused(site, "sign", BARU, "--key", key(site, "dimas"),
                   "--at", "2026-11-02T09:00:00+07:00")


def test_personal_data_hidden_in_the_table_of_contents_tooltips_and_alt_texts_is_found(
    site: Repo,
) -> None:
    """A heading's ``data-toc-label`` is shown in the page's table of contents (not in the
    body), an abbreviation's definition and a ``title`` as a tooltip, an image's alt text
    where it does not load: written with character references, none of them showed the
    scan of the source what the page shows (found by an independent attack)."""
    message = _writing_refused(site, (
        '## Kontak {: data-toc-label="Hubungi &#48;812-3456-7890 &#x202E;kiri" }\n\n'
        "Hubungi HUMAS dan [kantor](#kontak){: title=\"surel ani&#64;gmail.com\" }.\n\n"
        "*[HUMAS]: Telepon &#48;813-9876-5432\n"
    ))
    assert "'0812-3456-7890'" in message  # the table of contents
    assert "'0813-9876-5432'" in message  # the abbreviation's tooltip
    assert "'ani@gmail.com'" in message  # a link's title
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message
    # the same text written plainly where the page shows it is refused the same way
    plain = site.read(BARU).replace("&#48;", "0").replace("&#64;", "@")
    site.write(BARU, plain.replace("&#x202E;", ""))
    site.commit_all("tulis polos")
    assert "'0812-3456-7890'" in refused(site, "sign", BARU, "--key", key(site, "dimas"),
                                         "--at", "2026-11-02T09:00:00+07:00")


def test_an_image_s_alt_text_is_read_as_the_page_shows_it(site: Repo) -> None:
    message = _writing_refused(site, "![Warga &#48;812-3456-7890](https://x.invalid/a.jpg)\n")
    assert "'0812-3456-7890'" in message


def test_personal_data_joined_by_the_search_index_or_in_a_link_s_address_is_found(
    site: Repo,
) -> None:
    """The site's search index joins a body's text across a line break or a block (its
    result previews show ``0812-3456-7890``), and a link's address is published whole (a
    ``mailto:`` or ``wa.me`` link, written with references the source scan cannot read):
    neither was scanned (found by an independent attack)."""
    message = _writing_refused(site, (
        "Hubungi koordinator 0812-3456<br>-7890 setiap hari.\n\n"
        "<div><div>Surel budi.santoso</div><div>@gmail.com</div></div>\n\n"
        "[surel panitia](mailto:ani.lestari&#64;gmail.com) dan"
        " [WhatsApp](https://wa.me/62813&#51;4567890).\n\n"
        # a line break (two spaces): the index makes it a space
        "Piket 0815 4444  \n5555 setiap Senin.\n"
    ))
    for found in ("'0812-3456-7890'", "'budi.santoso@gmail.com'", "'ani.lestari@gmail.com'",
                  "'6281334567890'", "'0815 4444 5555'"):
        assert found in message, (found, message)


def test_personal_data_in_the_slug_is_refused(site: Repo) -> None:
    """The slug is the item's address, in every link to its page: it was left out of the
    scan as an identifier, and ``budi-0812-3456-7890`` was published (found by an
    independent attack)."""
    site.sign(site.path(BARU), "sri", AT_STEP2)
    text = site.read(BARU)
    slug = re.search(r"^slug: (.*)$", text, re.M)
    assert slug is not None
    site.write(BARU, text.replace(slug.group(0), "slug: kontak-0812-3456-7890"))
    site.commit_all("tulis")
    message = refused(site, "sign", BARU, "--key", key(site, "dimas"),
                      "--at", "2026-11-02T09:00:00+07:00")
    assert "pii.phone" in message and "'0812-3456-7890'" in message


def test_a_table_of_figures_is_no_personal_data(site: Repo) -> None:
    """The joined text read a row of figures (``1250 | 1520 | 1100 | 1300``) as a NIK and
    ``0 | 85 | 120 | 4500`` as a phone number, refusing ordinary statistics (found by an
    independent attack): cells are kept apart."""
    site.sign(site.path(BARU), "sri", AT_STEP2)
    table = ("| Desa | 2023 | 2024 | 2025 | 2026 |\n|---|---|---|---|---|\n"
             "| Cijambe | 1250 | 1520 | 1100 | 1300 |\n| Karangsari | 0 | 85 | 120 | 4500 |\n")
    site.write(BARU, site.read(BARU).replace("Isi berita.\n", "Isi berita.\n\n" + table))
    site.commit_all("tulis")
    signed = site.cli("sign", BARU, "--key", key(site, "dimas"),
                      "--at", "2026-11-02T09:00:00+07:00")
    assert signed.returncode == 0, signed.stdout + signed.stderr


def test_a_phone_number_right_after_letters_is_found_in_the_body_and_the_slug(
    site: Repo,
) -> None:
    """The phone pattern wanted no letter before a number, so ``WA081234567890`` in a body
    and ``hubungi-budi081234567890`` as a slug (the page's address) passed (found by an
    independent attack)."""
    message = _writing_refused(site, "Hubungi WA081234567890 untuk mendaftar.\n")
    assert "'081234567890'" in message
    text = site.read(BARU)
    slug = re.search(r"^slug: (.*)$", text, re.M)
    assert slug is not None
    site.write(BARU, text.replace("Hubungi WA081234567890 untuk mendaftar.\n", "").replace(
        slug.group(0), "slug: hubungi-budi081234567890"))
    site.commit_all("slug")
    assert "'081234567890'" in refused(site, "sign", BARU, "--key", key(site, "dimas"),
                                       "--at", "2026-11-02T09:00:00+07:00")
