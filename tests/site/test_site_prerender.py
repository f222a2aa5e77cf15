"""A cold build renders the pages Warta makes in helper processes as well as in the build
(``-j``), and publishes exactly the bytes one process publishes.

The helpers are forked copies of the build; what they send reaches the build as page-cache
and search-entry records. A site built with ``-j 1`` and with helpers must be the same file
for file, the helpers must really have rendered pages (the build says how many), what they
rendered is kept for the next build, and a helper that fails leaves its pages to the build
without changing a byte.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from sitekit import SiteRepo, add_item, site_files

from helpers import AS_FROM_A_TERMINAL, warta_exe
from warta.mkdocs_plugin import commands, prerender

HELPED = re.compile(r"warta: (\d+) pages? rendered by (\d+) helper process")


@pytest.fixture
def copy(site_repo: SiteRepo, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    return root, {**site_repo.env(), "LC_ALL": "en_US.UTF-8"}


def _build(
    root: Path, env: dict[str, str], out: Path, cache: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [warta_exe(), "build", "-d", str(out), *options],
        cwd=root,
        env={**env, "XDG_CACHE_HOME": str(cache)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_helpers_publish_the_same_bytes_as_one_process(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    alone = _build(root, env, tmp_path / "alone", tmp_path / "cache-1", "-j", "1")
    helped = _build(root, env, tmp_path / "helped", tmp_path / "cache-2", "-j", "2")
    assert HELPED.search(alone.stderr) is None
    found = HELPED.search(helped.stderr)
    assert found is not None, helped.stderr
    assert found.group(2) == "1"  # (how many pages it rendered first depends on the load)
    assert site_files(tmp_path / "helped") == site_files(tmp_path / "alone")
    # what the helper rendered was kept: the next build renders nothing again
    again = _build(root, env, tmp_path / "again", tmp_path / "cache-2", "-j", "2")
    assert HELPED.search(again.stderr) is None
    assert site_files(tmp_path / "again") == site_files(tmp_path / "alone")


def test_more_jobs_than_helpers_allowed_still_publish_the_same_bytes(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    alone = tmp_path / "alone"
    _build(root, env, alone, tmp_path / "cache-1", "-j", "1")
    many = _build(root, env, tmp_path / "many", tmp_path / "cache-2", "-j", "8")
    found = HELPED.search(many.stderr)
    assert found is not None, many.stderr
    assert found.group(2) == str(prerender.MAX_HELPERS)
    assert site_files(tmp_path / "many") == site_files(alone)


@pytest.fixture
def in_process(
    site_repo: SiteRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of the site repository, built once with ``-j 1`` (the expected bytes), and
    this process set up to build it again with a cache folder of its own."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    monkeypatch.setenv("WARTA_TRUST_ROOT", site_repo.repo.env["WARTA_TRUST_ROOT"])
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    _build(root, site_repo.env(), tmp_path / "alone", tmp_path / "cache-1", "-j", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-2"))
    return root, tmp_path / "alone"


def _helped(caplog: pytest.LogCaptureFixture) -> list[int]:
    said = [HELPED.search(r.getMessage()) for r in caplog.records]
    return [int(m.group(1)) for m in said if m is not None]


def _helpers_render_everything(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the build wait for its helpers before it claims any page, so that they render
    every page Warta makes; the list gets the number of pages of each build's helpers."""
    started: list[int] = []
    real_start, real_claim = prerender.Prerender.start, prerender.Prerender.claim

    def start(*args: object, **kwargs: object) -> prerender.Prerender | None:
        begun = real_start(*args, **kwargs)  # type: ignore[arg-type]
        started.append(len(begun._index) if begun is not None else 0)
        return begun

    def claim(self: prerender.Prerender, url: str) -> None:
        for _pid, reader in self._helpers:
            reader.join()  # the helper ends once it has rendered every page
        real_claim(self, url)

    monkeypatch.setattr(prerender.Prerender, "start", start)
    monkeypatch.setattr(prerender.Prerender, "claim", claim)
    return started


def test_every_page_a_helper_rendered_is_published_as_one_process_renders_it(
    in_process: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The build waits for its helper before it claims any page, so the helper renders every
    page Warta makes, and the build publishes what it sent: the same bytes."""
    root, alone = in_process
    started = _helpers_render_everything(monkeypatch)
    with caplog.at_level("INFO", logger="mkdocs"):
        out = commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=2)
    assert started and started[0] >= prerender.MIN_PAGES
    assert _helped(caplog) == started  # every page it was given
    assert site_files(out) == site_files(alone)


def test_a_helper_that_fails_leaves_its_pages_to_the_build(
    in_process: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The helper's rendering raises (in the helper only: it is a fork of this process):
    nothing is received, and the build renders every page itself, to the same bytes."""
    root, alone = in_process
    parent = os.getpid()
    real = prerender.Scene.render

    def failing(self: prerender.Scene, page: object) -> str:
        if os.getpid() != parent:
            raise RuntimeError("a helper that breaks")
        return real(self, page)  # type: ignore[arg-type]

    monkeypatch.setattr(prerender.Scene, "render", failing)
    with caplog.at_level("INFO", logger="mkdocs"):
        out = commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=2)
    assert _helped(caplog) == [0]
    assert site_files(out) == site_files(alone)


def test_build_accepts_jobs_and_refuses_zero(copy: tuple[Path, dict[str, str]]) -> None:
    root, env = copy
    done = subprocess.run(
        [warta_exe(), "build", "-j", "0"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--jobs" in done.stderr


def test_a_body_with_text_the_search_plugin_strips_is_published_as_one_process_does(
    site_repo: SiteRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material's search plugin removes ``data-search-x="..."`` from every page's content in
    its on_page_context, after Warta's: an approved body that shows such text (a code span
    in a how-to) loses it on the page one process publishes. A helper renders the page
    through the same plugins, not through Warta's on_page_context alone."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    copy = SiteRepo(replace(site_repo.repo, root=root))
    add_item(
        copy,
        "kode",
        title="Panduan Atribut Pencarian",
        slug="panduan-atribut-pencarian",
        day="2026-11-03",
        body='KARANGSARI – Tulis `data-search-boost="2"` pada elemen.\n',
        categories=["Kesehatan"],
        steps=5,
        published=True,
    )
    env = {**copy.env(), "LC_ALL": "en_US.UTF-8"}
    alone = tmp_path / "alone"
    _build(root, env, alone, tmp_path / "cache-1", "-j", "1")
    page = "berita/2026/panduan-atribut-pencarian/index.html"
    assert 'data-search-boost="2"' not in site_files(alone)[page].decode()
    for name in ("WARTA_TRUST_ROOT", "LC_ALL"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-2"))
    started = _helpers_render_everything(monkeypatch)
    out = commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=2)
    assert started and started[0] >= prerender.MIN_PAGES
    helped, expected = site_files(out), site_files(alone)
    assert helped[page] == expected[page]
    assert helped == expected


def test_an_interrupt_in_a_helper_as_it_starts_never_runs_the_build_s_cleanup_there(
    in_process: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+C reaches every process of the build; in a helper just forked (before it turned
    SIGINT to its default), the KeyboardInterrupt must end the helper, not go up the build's
    stack in it, where the build's cleanup (on_shutdown: the staged folder's removal) and the
    CLI's would run a second time, in the helper, beside the build still reading that
    folder. The interrupt is raised where the helper first closes a descriptor."""
    from warta.mkdocs_plugin.plugin import WartaPlugin

    root, alone = in_process
    parent = os.getpid()
    cleaned = tmp_path / "cleaned-by"
    real_close, real_cleanup = os.close, WartaPlugin._cleanup

    def close(fd: int) -> None:
        if os.getpid() != parent:
            raise KeyboardInterrupt
        real_close(fd)

    def cleanup(self: WartaPlugin) -> None:
        if os.getpid() != parent:
            cleaned.write_text(str(os.getpid()), encoding="utf-8")
            os._exit(3)  # (contained: never back into this test's stack in the helper)
        real_cleanup(self)

    monkeypatch.setattr(prerender.os, "close", close)
    monkeypatch.setattr(WartaPlugin, "_cleanup", cleanup)
    out = commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=2)
    assert not cleaned.exists(), "a helper ran the build's cleanup"
    assert site_files(out) == site_files(alone)


def _children() -> list[str]:
    """The processes this one started that have not been reaped yet (a test compares them
    with those from before its build: an earlier test of the same worker may have started
    a browser or a server that lives on)."""
    tasks = Path("/proc/self/task")
    return [pid for t in tasks.iterdir() for pid in (t / "children").read_text().split()]


def test_a_helper_that_cannot_be_started_leaves_its_pages_to_the_build(
    in_process: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The second fork fails (EAGAIN: the user's process limit, on a shared runner): the
    build goes on with the helper it has, to the same bytes, and keeps no descriptor or
    process of the helper it could not start."""
    root, alone = in_process
    real_fork, forks = os.fork, []
    fds = sorted(os.listdir("/proc/self/fd"))
    before = _children()

    def fork() -> int:
        forks.append(1)
        if len(forks) == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(prerender.os, "fork", fork)
    with caplog.at_level("INFO", logger="mkdocs"):
        out = commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=3)
    assert site_files(out) == site_files(alone)
    said = [HELPED.search(r.getMessage()) for r in caplog.records]
    assert [m.group(2) for m in said if m is not None] == ["1"]
    assert _children() == before
    assert sorted(os.listdir("/proc/self/fd")) == fds


#: ``warta build`` whose helpers take SLOW seconds a page and write their pid to PIDS first
#: (the build itself is untouched): time for a signal to reach a build that has helpers.
SLOW_HELPERS = """
import os, sys, time
from warta.cli import main
from warta.mkdocs_plugin import prerender
parent, real = os.getpid(), prerender.Scene.render
def render(self, page):
    if os.getpid() != parent:
        with open(os.environ["PIDS"], "a") as out:
            out.write(f"{os.getpid()}\\n")
        time.sleep(float(os.environ["SLOW"]))
    return real(self, page)
prerender.Scene.render = render
sys.argv[0] = "warta"
main()
"""


#: ``warta build`` whose own page loop is slow (the helpers render most pages), and whose
#: helpers write to HELD, after each page they send, how many of their pages still hold
#: content, how many entries their copy of Material's search index holds, and how many
#: search records they keep.
HOLDING_HELPERS = """
import os, sys, time
from warta.cli import main
from warta.mkdocs_plugin import prerender, searchcache
parent, seen = os.getpid(), {}
real_helper, real_send, real_claim = prerender._helper, prerender._send, prerender.Prerender.claim
def helper(fd, pages, order, claims, scene):
    seen.update(pages=pages, scene=scene)
    return real_helper(fd, pages, order, claims, scene)
def send(out, kind, key, payload):
    real_send(out, kind, key, payload)
    if os.getpid() != parent and kind == prerender._PAGE:
        scene = seen["scene"]
        held = sum(1 for page in seen["pages"] if page.content is not None)
        entries = len(searchcache.search_index(scene.config).entries)
        with open(os.environ["HELD"], "a") as out:
            out.write(f"{os.getpid()} {held} {entries} {len(scene.search.used)}\\n")
def claim(self, url):
    time.sleep(0.1)
    return real_claim(self, url)
prerender._helper, prerender._send, prerender.Prerender.claim = helper, send, claim
sys.argv[0] = "warta"
main()
"""


def test_a_helper_holds_nothing_of_the_pages_it_has_sent(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """A helper is a copy of the build that exits once its pages are sent, yet it kept each
    page's content, its entries in its own copy of Material's search index (never written)
    and its search record: at 3,000 items the helper grew from 193 to 391 MiB, the largest
    process of a cold build. It now drops them as each page is sent."""
    import sys

    root, env = copy
    held = tmp_path / "held"
    done = subprocess.run(
        [sys.executable, "-c", HOLDING_HELPERS, "build", "-d", str(tmp_path / "out"), "-j", "3"],
        cwd=root,
        env={**env, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HELD": str(held)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines: dict[str, list[tuple[str, ...]]] = {}
    for line in held.read_text(encoding="utf-8").splitlines():
        pid, *counts = line.split()
        lines.setdefault(pid, []).append(tuple(counts))
    assert len(lines) == 2, lines
    for counts in lines.values():
        assert len(counts) >= 5, counts  # (each helper sent several pages)
        content = [int(held) for held, _entries, _records in counts]
        # each page sent is one page fewer with content (some had it from the build)
        assert content == list(range(content[0], content[0] - len(content), -1)), counts
        assert len({(entries, records) for _held, entries, records in counts}) == 1, counts


def _slow_build(
    copy: tuple[Path, dict[str, str]], tmp_path: Path, script: str, slow: float
) -> subprocess.Popen[str]:
    """``script`` (:data:`SLOW_HELPERS`, perhaps with more before it) building the copy into
    ``tmp_path/out`` with two helpers, its temporary folder ``tmp_path/tmp``, started as a
    terminal starts it (the signals that stop it at their default actions)."""
    import sys

    root, env = copy
    (tmp_path / "tmp").mkdir()
    build = [sys.executable, "-c", script, "build", "-d", str(tmp_path / "out"), "-j", "3"]
    return subprocess.Popen(
        [*AS_FROM_A_TERMINAL, *build],
        cwd=root,
        env={
            **env,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "TMPDIR": str(tmp_path / "tmp"),
            "PIDS": str(tmp_path / "pids"),
            "SLOW": str(slow),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_to_a_build_with_helpers_ends_them_and_removes_the_staged_folder(
    copy: tuple[Path, dict[str, str]], tmp_path: Path, stop: signal.Signals
) -> None:
    """SIGTERM (a CI job cancelled, a service stopped) or SIGHUP (the terminal closed) to
    the build alone: the build ends as on Ctrl+C, its cleanup ending the helpers and
    removing the staged copy of the docs, rather than dying at once, leaving the helpers
    running on their own and the staged folder in the temporary directory (as SIGHUP did)."""
    import time

    scratch, pids = tmp_path / "tmp", tmp_path / "pids"
    build = _slow_build(copy, tmp_path, SLOW_HELPERS, 20)
    helpers: list[int] = []
    try:
        for _ in range(600):
            helpers = [int(p) for p in pids.read_text().split()] if pids.exists() else []
            if len(helpers) == 2 or build.poll() is not None:
                break
            time.sleep(0.05)
        assert len(helpers) == 2, build.communicate(timeout=60)[1]
        build.send_signal(stop)
        said = build.communicate(timeout=60)[1]
        alive = []
        for pid in helpers:
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                pass
        assert alive == [], "helpers outlived the build"
        assert list(scratch.iterdir()) == []
        assert "Aborted!" in said  # (as on Ctrl+C)
    finally:
        for pid in helpers:  # (what this test started, if it failed)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_build_started_with_a_stop_ignored_is_not_stopped_by_it(
    copy: tuple[Path, dict[str, str]], tmp_path: Path, stop: signal.Signals
) -> None:
    """A build started with SIGTERM ignored (``trap '' TERM``, a supervisor that shields
    its job) or SIGHUP ignored (``nohup warta build``) is meant to run on. The build took
    SIGTERM over regardless and stopped: the handler is installed only for a signal that is
    not ignored (as for the typesetter, see test_bounded.py)."""
    import time

    scratch, pids = tmp_path / "tmp", tmp_path / "pids"
    shielded = f"import signal\nsignal.signal({int(stop)}, signal.SIG_IGN)\n" + SLOW_HELPERS
    build = _slow_build(copy, tmp_path, shielded, 2)
    try:
        for _ in range(600):
            if pids.exists() or build.poll() is not None:
                break
            time.sleep(0.05)
        assert build.poll() is None, build.communicate(timeout=60)[1]
        build.send_signal(stop)
        said = build.communicate(timeout=120)[1]
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, said
    assert (tmp_path / "out" / "index.html").is_file()
    assert list(scratch.iterdir()) == []


def test_a_helper_already_reaped_is_never_signalled_again(
    in_process: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+C while the build waits for its helpers, after it has reaped one: the cleanup
    ends the others, never the one reaped, whose pid may belong to another process by then."""
    root, _alone = in_process
    real_reap, real_kill = prerender._reap, os.kill
    reaped: list[int] = []
    late: list[int] = []

    def reap(pid: int) -> None:
        real_reap(pid)
        reaped.append(pid)
        if len(reaped) == 1:
            raise KeyboardInterrupt  # (Ctrl+C, just then)

    def kill(pid: int, signum: int) -> None:
        if pid in reaped:
            late.append(pid)
            return
        real_kill(pid, signum)

    monkeypatch.setattr(prerender, "_reap", reap)
    monkeypatch.setattr(prerender.os, "kill", kill)
    before = _children()
    with pytest.raises(KeyboardInterrupt):
        commands.build_site(root / "mkdocs.yml", site_dir=tmp_path / "helped", jobs=3)
    assert late == []
    assert _children() == before
