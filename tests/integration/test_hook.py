"""`warta hook install`: the pre-receive gate of a plain git server. Real bare repositories,
real `git push` over the local transport (which runs the hook), keys from ssh-keygen, the CLI
through its entry point. Pushes are made as an attacker with push rights would make them."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import Repo, SignedRepos, copy_repo, root_of, swap_trust_root

ITEM = "content/berita/2026/jembatan/index.md"


@dataclass
class Server:
    """A bare repository with the gate installed, and a clone of it to push from."""

    work: Repo
    bare: Path
    #: the server's temporary folder (TMPDIR of the hook): the gate leaves nothing there
    tmp: Path

    def push(self, *args: str, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
        self.tmp.mkdir(exist_ok=True)
        result = subprocess.run(["git", "push", "server", *args], cwd=self.work.root,
                                capture_output=True, text=True, check=False, timeout=300,
                                env={**os.environ, "TMPDIR": str(self.tmp), **(env or {})})
        assert list(self.tmp.iterdir()) == []
        return result

    def head(self, branch: str = "main") -> str | None:
        result = subprocess.run(["git", "--git-dir", str(self.bare), "rev-parse", "--verify",
                                 "--quiet", f"refs/heads/{branch}"],
                                capture_output=True, text=True, check=False)
        return result.stdout.strip() or None

    def local(self, ref: str = "HEAD") -> str:
        return self.work.git("rev-parse", ref).strip()


def bare_repo(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    return path


def approved(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan Gantung Cibening", slug="jembatan")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    """Only read by the tests: they push from ``copy_repo`` of it."""
    return signed_repo(approved)


@pytest.fixture
def server(template: Repo, tmp_path: Path) -> Server:
    work = copy_repo(template, tmp_path / "work")
    bare = bare_repo(tmp_path / "kominfo.git")
    work.git("remote", "add", "server", str(bare))
    work.git("push", "-q", "server", "main")
    installed = work.cli("hook", "install", str(bare))
    assert installed.returncode == 0, installed.stderr
    return Server(work, bare, tmp_path / "tmp")


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The hook's output as the pusher sees it (``remote: ...``), after checking the push
    was refused by the hook."""
    assert result.returncode != 0, result.stderr
    assert "pre-receive hook declined" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def remote_lines(output: str) -> list[str]:
    return [line.removeprefix("remote: ").rstrip() for line in output.splitlines()
            if line.startswith("remote: ")]


# ---- installing -----------------------------------------------------------------------------


def test_install_refuses_what_is_not_a_bare_repository(template: Repo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for target, expected in ((template.root, "not a bare git repository"),
                             (template.root / ".git", "not a bare git repository"),
                             (plain, "not a git repository"),
                             (tmp_path / "missing", "no such directory")):
        result = template.cli("hook", "install", str(target))
        assert result.returncode == 2, (target, result.stdout, result.stderr)
        assert result.stderr.startswith(f"warta: {target}: {expected}"), result.stderr
        assert "Traceback" not in result.stderr
    assert not (template.root / ".git" / "hooks" / "pre-receive").exists()


def test_install_pins_the_trust_root_of_main_on_first_use(server: Server) -> None:
    pin = root_of(server.work)
    hooks = server.bare / "hooks"
    settings = json.loads((hooks / "warta-hook.json").read_text())
    assert settings["format"] == "warta-hook/1"
    assert settings["branch"] == "refs/heads/main"
    assert settings["trust_root"] == pin
    python = Path(settings["python"])  # the console script's interpreter, not resolved
    assert python.is_absolute()
    assert python.parent == Path(sys.executable).absolute().parent
    assert settings["strict"] is False
    hook = hooks / "pre-receive"
    assert hook.stat().st_mode & stat.S_IXUSR
    script = hook.read_text()
    assert f"{python} -I -m warta hook run --git-dir {server.bare.resolve()}" in script
    # re-installing over our own hook is fine, and says what it pinned and why
    again = server.work.cli("hook", "install", str(server.bare))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"trust root pinned on first use: {pin}, taken from"
                                   f" refs/heads/main at {server.local()[:10]}")
    assert f"replaced {hook}: pushes to refs/heads/main must validate" in again.stdout


def test_an_empty_repository_needs_a_pin_and_its_first_push_is_judged(
        template: Repo, tmp_path: Path) -> None:
    bare = bare_repo(tmp_path / "empty.git")
    result = template.cli("hook", "install", str(bare))
    assert result.returncode == 2
    assert "refs/heads/main does not exist yet" in result.stderr
    assert "--trust-root sha256:" in result.stderr
    assert not (bare / "hooks" / "pre-receive").exists()
    bad = template.cli("hook", "install", str(bare), "--trust-root", "sha256:abc")
    assert bad.returncode == 2
    assert "expected sha256: and 64 hex digits" in bad.stderr
    pin = root_of(template)
    result = template.cli("hook", "install", str(bare), "--trust-root", pin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"trust root pinned by --trust-root: {pin}")
    work = copy_repo(template, tmp_path / "work")
    work.git("remote", "add", "server", str(bare))
    server = Server(work, bare, tmp_path / "tmp")
    pushed = server.push("main")
    assert pushed.returncode == 0, pushed.stderr
    assert "warta: refs/heads/main accepted:" in pushed.stderr
    assert "1/1 item(s) publishable" in pushed.stderr
    assert server.head() == server.local()


def test_a_foreign_pre_receive_hook_is_not_overwritten_without_force(server: Server) -> None:
    hook = server.bare / "hooks" / "pre-receive"
    foreign = "#!/bin/sh\n# the office's own hook\nexit 0\n"
    hook.write_text(foreign)
    result = server.work.cli("hook", "install", str(server.bare))
    assert result.returncode == 1
    assert result.stderr == (
        f"warta: {hook}: a pre-receive hook that Warta did not write is already there; it was"
        " left as it is (merge it by hand, or replace it with --force)\n")
    assert hook.read_text() == foreign
    forced = server.work.cli("hook", "install", str(server.bare), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "-I -m warta hook run" in hook.read_text()


def test_a_hooks_path_elsewhere_is_refused(server: Server) -> None:
    subprocess.run(["git", "--git-dir", str(server.bare), "config", "core.hooksPath",
                    "/srv/hooks"], check=True)
    result = server.work.cli("hook", "install", str(server.bare))
    assert result.returncode == 2
    assert "core.hooksPath is set to '/srv/hooks'" in result.stderr


# ---- what the gate accepts -------------------------------------------------------------------


def test_a_signed_change_to_main_is_accepted(server: Server) -> None:
    path = server.work.new_item("Festival Durian Karangsari", at="2026-11-03T09:00:00+07:00",
                                slug="durian")
    server.work.sign(path, "sri", "2026-11-03T09:04:00+07:00")
    result = server.push("main")
    assert result.returncode == 0, result.stderr
    assert server.head() == server.local()
    lines = remote_lines(result.stderr)
    assert lines[-1].startswith("warta: refs/heads/main accepted: ")
    assert "1/2 item(s) publishable" in lines[-1]


def test_a_bad_change_to_another_branch_is_accepted(server: Server) -> None:
    server.work.write(ITEM, server.work.read(ITEM).replace("Isi berita", "Isi berita palsu"))
    server.work.commit_all("unsigned edit")
    server.work.git("branch", "draf")
    result = server.push("draf")
    assert result.returncode == 0, result.stderr
    assert server.head("draf") == server.local("draf")
    assert "warta:" not in result.stderr  # nothing to say about work in progress


# ---- what the gate refuses -------------------------------------------------------------------


def test_an_unsigned_edit_of_an_approved_item_is_refused(server: Server) -> None:
    before = server.head()
    server.work.write(ITEM, server.work.read(ITEM).replace("Isi berita", "Isi berita palsu"))
    server.work.commit_all("unsigned edit")
    output = refused(server.push("main"))
    lines = remote_lines(output)
    finding = next(line for line in lines if line.startswith(f"{ITEM}:"))
    assert "error [content.changed-after-approval]" in finding
    assert any(line.startswith("warta: refs/heads/main refused: 1 finding blocks publication")
               for line in lines), lines
    assert lines[-1] == "warta: push refused (refs/heads/main): nothing in this push was accepted"
    assert server.head() == before
    # the same commit on another branch in the same push: refused with it (git's rule)
    server.work.git("branch", "draf")
    both = refused(server.push("main", "draf"))
    assert server.head("draf") is None
    assert "push refused (refs/heads/main)" in both


def take_back(repo: Repo, *args: str, at: str) -> None:
    result = repo.cli(*args, "--key", str(repo.keys["hendra"]), "--at", at)
    assert result.returncode == 0, result.stderr


def test_rollbacks_of_main_are_refused(server: Server) -> None:
    work = server.work
    published = work.read(ITEM)
    take_back(work, "withdraw", ITEM, "--reason", "narasumber keberatan",
              at="2026-11-03T08:00:00+07:00")
    assert server.push("main").returncode == 0
    withdrawn = server.head()
    # force-push main back to before the withdrawal
    work.git("reset", "-q", "--hard", "HEAD~1")
    output = refused(server.push("--force", "main"))
    assert (f"warta: refs/heads/main refused: not a fast-forward: {server.local()[:10]} does"
            f" not contain refs/heads/main as it is ({withdrawn[:10]})") in output
    assert server.head() == withdrawn
    # the same as a new commit on top: a fast-forward that restores the published file
    work.git("reset", "-q", "--hard", withdrawn)
    work.write(ITEM, published)
    work.commit_all("restore")
    lines = remote_lines(refused(server.push("main")))
    found = [line.split(" [", 1)[1].split("]", 1)[0] for line in lines
             if line.startswith(f"{ITEM}:")]
    assert found == ["history.rewritten", "revision.rollback"]
    assert f"main ({withdrawn[:10]})" in "\n".join(lines)
    assert server.head() == withdrawn


def test_an_older_roster_is_refused(server: Server) -> None:
    work = server.work
    old = {name: work.read(f"workflow/{name}") for name in ("roster.yml", "roster.yml.sig")}
    work.write("workflow/roster.yml", work.read("workflow/roster.yml").replace(
        "Dimas Prasetyo, A.Md.", "Dimas Prasetyo, S.I.Kom."))
    work.sign_workflow()
    work.commit_all("roster")
    assert server.push("main").returncode == 0
    for name, text in old.items():
        work.write(f"workflow/{name}", text)
    work.commit_all("old roster")
    lines = remote_lines(refused(server.push("main")))
    assert any(line.startswith("workflow/roster.yml:") and "[serial.rollback]" in line
               for line in lines), lines


def test_deleting_main_is_refused(server: Server) -> None:
    before = server.head()
    output = refused(server.push(":main"))
    assert ("warta: refs/heads/main refused: deleting refs/heads/main is refused: it holds the"
            " signed history the site is built from") in output
    assert server.head() == before


def test_a_new_trust_root_is_refused_whatever_the_pushers_environment(server: Server) -> None:
    before = server.head()
    mallory = swap_trust_root(server.work)
    server.work.commit_all("new administrator")
    output = refused(server.push("main", env={"WARTA_TRUST_ROOT": mallory}))
    lines = remote_lines(output)
    assert any(line.startswith("workflow/trust-root: error [trust.pin-mismatch]")
               for line in lines), lines
    assert server.head() == before


def test_the_pushers_clock_is_not_the_gates(server: Server,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A step signed under a clock set a year ahead (``WARTA_NOW``) is in the future for the
    gate, whatever clock the pusher's environment names."""
    before = server.head()
    ahead = "2027-12-01T09:00:00+07:00"
    monkeypatch.setenv("WARTA_NOW", ahead)
    path = server.work.new_item("Festival Durian Karangsari", at="2027-11-30T09:00:00+07:00",
                                slug="durian")
    monkeypatch.delenv("WARTA_NOW")
    output = refused(server.push("main", env={"WARTA_NOW": ahead}))
    lines = remote_lines(output)
    assert any(line.startswith(f"{path.relative_to(server.work.root).as_posix()}:")
               and "error [time.future]" in line for line in lines), lines
    assert server.head() == before


EVIL = "import pathlib; pathlib.Path({marker!r}).write_text('ran')\n"


def test_code_in_a_push_never_runs(server: Server, tmp_path: Path) -> None:
    """A push carrying a `warta` package, `sitecustomize`, `usercustomize`, a `.pth` file, a
    changed copy of Warta's own source and an mkdocs hook, pushed with PYTHONPATH pointing
    at it: the installed Warta judges, and none of it runs."""
    work = server.work
    marker = tmp_path / "marker"
    evil = EVIL.format(marker=str(marker))
    for rel in ("warta/__init__.py", "warta/__main__.py", "warta/cli.py", "sitecustomize.py",
                "usercustomize.py", "scripts/warta/__init__.py", "scripts/warta/hook.py",
                "scripts/warta/__main__.py", "content/hooks.py"):
        work.write(rel, evil)
    work.write("evil.pth", f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n")
    work.write("mkdocs.yml", work.read("mkdocs.yml") + "hooks:\n  - content/hooks.py\n")
    work.write(ITEM, work.read(ITEM).replace("Isi berita", "Isi berita palsu"))
    work.commit_all("evil")
    env = {"PYTHONPATH": f"{work.root}:{work.root / 'scripts'}",
           "PYTHONSTARTUP": str(work.root / "sitecustomize.py")}
    lines = remote_lines(refused(server.push("main", env=env)))
    rules = {line.split(" [", 1)[1].split("]", 1)[0] for line in lines if " [" in line}
    assert "content.changed-after-approval" in rules
    assert "site.config-key" in rules
    assert not marker.exists()
    # without the unsigned edit and mkdocs hook, the Python files alone: judged, accepted
    work.git("reset", "-q", "--hard", "HEAD~1")
    for rel in ("warta/__init__.py", "sitecustomize.py", "usercustomize.py"):
        work.write(rel, evil)
    work.write("evil.pth", f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n")
    work.commit_all("python files")
    accepted = server.push("main", env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert "warta: refs/heads/main accepted:" in accepted.stderr
    assert not marker.exists()


def test_a_python_name_in_a_pushed_mkdocs_yml_never_runs(server: Server, tmp_path: Path) -> None:
    """Found by an independent attack: the gate built its Markdown renderer from the pushed
    mkdocs.yml, and ``pymdownx.emoji`` called an ``emoji_index`` of ``cProfile.run`` as it
    started: the pushed Python ran on the server, and the push was accepted. Now the name
    is refused and never imported (tests/integration/test_attack_config_code.py)."""
    work = server.work
    marker = tmp_path / "marker"
    config = work.read("mkdocs.yml")
    work.write("mkdocs.yml", config.replace("markdown_extensions:\n", (
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:cProfile.run\n"
        f"      options: \"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\"\n"
    ), 1))
    work.commit_all("emoji")
    before = server.head()
    lines = remote_lines(refused(server.push("main")))
    assert any(line.startswith("mkdocs.yml:") and "[site.python-name]" in line
               for line in lines), lines
    assert not marker.exists()
    assert server.head() == before


def test_a_link_out_of_the_push_is_refused_and_not_followed(server: Server,
                                                           tmp_path: Path) -> None:
    work = server.work
    secret = tmp_path / "outside" / "index.md"
    secret.parent.mkdir()
    secret.write_text("RAHASIA-DI-LUAR\n" + work.read(ITEM))
    before = server.head()
    (work.root / "content/berita/2026/tautan").mkdir(parents=True)
    os.symlink(secret, work.root / "content/berita/2026/tautan/index.md")
    os.symlink("/etc/passwd", work.root / "content/berita/x.md")
    work.commit_all("links")
    output = refused(server.push("main"))
    lines = remote_lines(output)
    named = {line.split(": ", 1)[0].split(":")[0] for line in lines if " [" in line}
    assert {"content/berita/2026/tautan/index.md", "content/berita/x.md"} <= named, lines
    assert "RAHASIA-DI-LUAR" not in output
    assert "root:" not in output
    assert server.head() == before


def test_a_broken_workflow_is_refused(server: Server) -> None:
    before = server.head()
    server.work.write("workflow/sop.yml", "steps: [\n")
    server.work.commit_all("broken sop")
    lines = remote_lines(refused(server.push("main")))
    assert any(line.startswith("warta: refs/heads/main refused: the workflow configuration"
                               " is broken: workflow/sop.yml") for line in lines), lines
    assert server.head() == before


def test_warnings_block_only_when_installed_strict(server: Server) -> None:
    work = server.work
    strict = work.cli("hook", "install", str(server.bare), "--strict")
    assert strict.returncode == 0, strict.stderr
    assert "must validate (strict)" in strict.stdout
    work.write("content/berita/2026/jembatan/.catatan", "catatan redaksi\n")
    work.commit_all("hidden file")
    lines = remote_lines(refused(server.push("main")))
    assert any("[files.hidden]" in line for line in lines), lines
    assert any("'warta validate --no-cache --strict --base main'" in line for line in lines)
    plain = work.cli("hook", "install", str(server.bare))
    assert plain.returncode == 0, plain.stderr
    result = server.push("main")
    assert result.returncode == 0, result.stderr
    assert server.head() == server.local()


def test_the_push_is_judged_on_the_bytes_git_holds(server: Server) -> None:
    """A .gitattributes in the push that would convert files on checkout (encoding, $Id$
    expansion) changes nothing the gate reads, but every clone of main would hold other
    bytes than the gate judged: refused (``git.attributes``). One that converts nothing is
    taken."""
    work = server.work
    work.write(".gitattributes", "*.md working-tree-encoding=UTF-16LE-BOM ident\n")
    work.git("add", ".gitattributes")
    work.git("commit", "-q", "-m", "attributes")
    output = refused(server.push("main"))
    assert ".gitattributes:1: error [git.attributes] expected no git attribute that" in output
    assert "found working-tree-encoding=UTF-16LE-BOM" in output and "found ident," in output
    work.write(".gitattributes", "*.md -text\n*.jpg binary\n")
    work.git("add", ".gitattributes")
    work.git("commit", "-q", "-m", "attributes that convert nothing")
    result = server.push("main")
    assert result.returncode == 0, result.stderr
    assert "1/1 item(s) publishable" in result.stderr


def test_the_gate_fails_closed_without_its_settings(server: Server) -> None:
    before = server.head()
    (server.bare / "hooks" / "warta-hook.json").unlink()
    server.work.write(ITEM.replace("jembatan", "lain"), "x")
    server.work.commit_all("anything")
    output = refused(server.push("main"))
    assert "warta: push refused: " in output
    assert "warta-hook.json: the hook's settings cannot be read" in output
    assert "re-run 'warta hook install' on the server" in output
    assert server.head() == before


# ---- red team (#10) --------------------------------------------------------------------------


def test_a_tag_that_shadows_main_is_refused(server: Server) -> None:
    """git reads the short name 'main' as refs/tags/main before refs/heads/main: a deploy
    script's 'git archive main' (or --base main) on the server would take an unchecked
    commit pushed as the tag 'main'."""
    ref = "refs/tags/main"
    server.work.write(ITEM, server.work.read(ITEM).replace("Isi berita", "Isi berita palsu"))
    server.work.commit_all("unsigned edit")
    output = refused(server.push(f"HEAD:{ref}"))
    assert f"{ref} refused" in output and "shadows" in output
    found = subprocess.run(["git", "--git-dir", str(server.bare), "rev-parse", "main"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == server.head()


@pytest.mark.parametrize("ref", ["refs/tags/origin/main", "refs/heads/upstream/main"])
def test_a_ref_that_shadows_main_in_every_clone_is_refused(server: Server, ref: str) -> None:
    """A clone reads 'origin/main' as the tag refs/tags/origin/main (fetched with the tags)
    before its remote-tracking branch: 'git reset --hard origin/main' and 'git archive
    origin/main' took an unchecked commit pushed as that tag (found by an independent
    attack). No tag or branch may end in '/main'; other names stay free."""
    server.work.write(ITEM, server.work.read(ITEM).replace("Isi berita", "Isi berita palsu"))
    server.work.commit_all("unsigned edit")
    output = refused(server.push(f"HEAD:{ref}"))
    name = ref.removeprefix("refs/tags/").removeprefix("refs/heads/")
    assert f"{ref} refused: {ref} shadows refs/heads/main in every clone" in output, output
    assert f"'{name}'" in output
    assert subprocess.run(["git", "--git-dir", str(server.bare), "show-ref", "--verify", ref],
                          capture_output=True, check=False).returncode != 0
    assert server.push("HEAD:refs/tags/origin/mainan").returncode == 0  # (not '/main')


def test_a_replace_ref_for_main_is_refused_and_never_read(server: Server) -> None:
    """git shows the commit a pushed refs/replace/<main's commit> names in place of main's,
    to every reader of the repository that does not turn replace refs off: a deploy's
    'git archive main', and 'warta hook install', which took the pin from that tree. Only
    branches and tags may be pushed; and Warta reads no replace ref even if one is there."""
    main = server.head()
    assert main is not None
    pin = server.work.pin
    assert swap_trust_root(server.work) != pin  # mallory's trust root, roster and signatures
    server.work.commit_all("mallory")
    ref = f"refs/replace/{main}"
    output = refused(server.push(f"HEAD:{ref}"))
    assert f"{ref} refused: {ref} is neither a branch nor a tag" in output
    assert subprocess.run(["git", "--git-dir", str(server.bare), "show-ref", "--verify", ref],
                          capture_output=True, check=False).returncode != 0
    # an administrator's own replace ref (or one left from before the hook): still not read
    assert server.push("HEAD:refs/heads/mallory").returncode == 0  # (another branch: taken)
    subprocess.run(["git", "--git-dir", str(server.bare), "update-ref", ref,
                    server.local()], check=True)
    (server.bare / "hooks" / "warta-hook.json").unlink()  # (installed again, pinned afresh)
    again = server.work.cli("hook", "install", str(server.bare))
    assert again.returncode == 0, again.stderr
    assert f"trust root pinned on first use: {pin}, taken from refs/heads/main at {main[:10]}" in (
        again.stdout)
    settings = json.loads((server.bare / "hooks" / "warta-hook.json").read_text())
    assert settings["trust_root"] == pin


def test_a_push_whose_files_would_fill_the_disk_is_refused_unwritten(server: Server) -> None:
    """One blob of zeros (a few KB packed) listed under many paths: the gate checked every
    path out, about 1 GB for 20 paths of 50 MB, and would write a terabyte for a thousand
    of 1 GB. The tree's size is read first (git ls-tree), and nothing is written."""
    work = server.work
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=work.root,
                          input=b"\0" * (60 * 1024 * 1024), capture_output=True,
                          check=True).stdout.decode().strip()
    entries = "".join(f"100644 blob {blob}\tnol-{n}.bin\n" for n in range(40))
    bulk = subprocess.run(["git", "mktree"], cwd=work.root, input=entries.encode(),
                          capture_output=True, check=True).stdout.decode().strip()
    listing = work.git("ls-tree", "HEAD").replace("\0", "")
    top = listing + f"040000 tree {bulk}\tlampiran\n"
    tree = subprocess.run(["git", "mktree"], cwd=work.root, input=top.encode(),
                          capture_output=True, check=True).stdout.decode().strip()
    commit = work.git("commit-tree", tree, "-p", "HEAD", "-m", "lampiran").strip()
    output = refused(server.push(f"{commit}:refs/heads/main"))  # (never checked out here)
    held = re.search(r"the pushed tree's files hold ([0-9]+) bytes; expected at most"
                     r" 2147483648", output)
    assert held is not None and int(held[1]) >= 40 * 60 * 1024 * 1024, output
    assert server.head() != commit


def _mktree(work: Repo, lines: str) -> str:
    return subprocess.run(["git", "mktree"], cwd=work.root, input=lines.encode(),
                          capture_output=True, check=True).stdout.decode().strip()


def test_a_tree_naming_a_billion_files_is_refused_without_listing_them(server: Server) -> None:
    """Found by an attack, then fixed: three trees of 1,000 entries, each naming the next,
    make 10^9 paths of one empty blob in about 130 KB of objects. The gate read their whole
    listing into memory (tens of GB) before it counted a byte. It now reads the listing as
    it comes and stops at 200,000 files."""
    work = server.work
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=work.root, input=b"",
                          capture_output=True, check=True).stdout.decode().strip()
    tree = _mktree(work, "".join(f"100644 blob {blob}\tf{n:04d}\n" for n in range(1000)))
    for _level in (2, 3):
        tree = _mktree(work, "".join(f"040000 tree {tree}\td{n:04d}\n" for n in range(1000)))
    listing = work.git("ls-tree", "HEAD")
    top = _mktree(work, listing + f"040000 tree {tree}\tbom\n")
    commit = work.git("commit-tree", top, "-p", "HEAD", "-m", "bom").strip()
    output = refused(server.push(f"{commit}:refs/heads/main"))
    assert "the pushed tree names more than 200000 files" in output, output
    assert "MemoryError" not in output and "Traceback" not in output
    assert server.head() != commit


def test_a_hooks_path_in_the_servers_git_configuration_is_refused(
    server: Server, tmp_path: Path
) -> None:
    """git running a push reads the system and the user's configuration too: a
    core.hooksPath there means the gate never runs, so installing must not say it does."""
    home = tmp_path / "githome"
    home.mkdir()
    (home / ".gitconfig").write_text("[core]\n\thooksPath = /srv/hooks\n")
    result = subprocess.run(
        [sys.executable, "-m", "warta", "hook", "install", str(server.bare)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "xdg")},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "core.hooksPath" in result.stderr and "/srv/hooks" in result.stderr
