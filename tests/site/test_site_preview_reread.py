"""A preview reads the repository again after each change, and takes each item whose file
holds the same bytes at the same path from its last reading instead of parsing it again
(:class:`warta.repository.ReadItems`); a changed file is read and judged again, and what the
preview shows is always the file as it is now. Its poll for changes
(:mod:`warta.mkdocs_plugin.watching`, tested on its own in
``tests/integration/test_watching.py``) waits while it builds: each edit shows, and nothing
else starts a build.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sitekit import SiteRepo

from helpers import AS_FROM_A_TERMINAL, warta_exe
from warta.adapters import items as item_reader
from warta.mkdocs_plugin import commands
from warta.model.item import NewsItem
from warta.repository import ReadItems


@pytest.fixture
def copy(site_repo: SiteRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the site repository, and this process set up to read it with a cache
    folder of its own."""
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    monkeypatch.setenv("WARTA_TRUST_ROOT", site_repo.repo.env["WARTA_TRUST_ROOT"])
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return root


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of each item file parsed from now on, in this process."""
    parsed: list[str] = []
    real = item_reader.parse_item

    def parse_item(text: str, display: str) -> item_reader.LoadedItem:
        parsed.append(display)
        return real(text, display)

    monkeypatch.setattr(item_reader, "parse_item", parse_item)
    return parsed


def _read(root: Path, read: ReadItems | None) -> dict[str, NewsItem]:
    return commands.judged(root / "mkdocs.yml", pin=None, jobs=1, read=read).items


def test_a_reading_again_parses_only_the_files_that_changed(
    copy: Path, site_repo: SiteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _parses(monkeypatch)
    read = ReadItems()
    first = _read(copy, read)
    assert len(first) >= 10
    assert set(first) <= set(parsed)  # (each judged, the verdict cache empty)
    broken = set(parsed) - set(first)  # files that hold no item: read again each time
    assert len(broken) == 1, broken

    parsed.clear()
    again = _read(copy, read)
    assert set(parsed) == broken
    assert again == first

    # an edit: the file is judged and read again, the others are not
    draft = site_repo.items["ditulis"]
    (copy / draft.rel).write_text(
        (copy / draft.rel).read_text(encoding="utf-8") + "\nKalimat yang baru ditambahkan.\n",
        encoding="utf-8",
    )
    parsed.clear()
    edited = _read(copy, read)
    assert set(parsed) == {draft.rel, *broken}
    assert "Kalimat yang baru ditambahkan." in edited[draft.rel].body
    assert {p: i for p, i in edited.items() if p != draft.rel} == {
        p: i for p, i in first.items() if p != draft.rel
    }
    parsed.clear()
    assert _read(copy, read) == edited
    assert set(parsed) == broken

    # the file put back as it was, and read first by another command (``warta validate``
    # in another terminal): the verdict cache knows these bytes, and the item is the one
    # read from them (kept by the first reading: itemstore.py), never the last reading's
    # item at that path
    (copy / draft.rel).write_bytes((site_repo.root / draft.rel).read_bytes())
    _read(copy, None)
    parsed.clear()
    assert _read(copy, read) == first
    assert set(parsed) == broken

    # a reading without ReadItems (a build) takes every item the cache judged from the
    # items kept by the readings before; without those, it parses each of them
    parsed.clear()
    assert _read(copy, None) == first
    assert set(parsed) == broken
    for kept in (copy.parent / "cache").rglob("items"):
        kept.unlink()
    parsed.clear()
    assert _read(copy, None) == first
    assert set(parsed) == {*first, *broken}


def test_the_same_bytes_at_another_path_are_another_item(
    copy: Path, site_repo: SiteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item's path is part of what it is (its findings, where the site puts it): a file
    with the same bytes as another, in another folder, is never taken as the item read at
    the other path, in the reading that finds it or in the next ones (from the cache)."""
    parsed = _parses(monkeypatch)
    read = ReadItems()
    _read(copy, read)
    draft = site_repo.items["ditulis"]
    folder = draft.path.parent.relative_to(site_repo.root)
    twin = folder.with_name(folder.name + "-kembar")
    shutil.copytree(copy / folder, copy / twin)
    rel = (twin / draft.path.name).as_posix()
    for reading in range(2):  # the second: both from the verdict cache and the last reading
        parsed.clear()
        items = _read(copy, read)
        assert items[rel].path == rel
        assert items[draft.rel].path == draft.rel
        assert (rel in parsed) == (reading == 0)
    (copy / folder).rename(copy / folder.with_name(folder.name + "-pindah"))
    moved = (folder.with_name(folder.name + "-pindah") / draft.path.name).as_posix()
    items = _read(copy, read)
    assert draft.rel not in items
    assert items[moved].path == moved


def test_a_preview_shows_each_edit_of_an_item(site_repo: SiteRepo, tmp_path: Path) -> None:
    """Through the CLI: a preview serving the drafts shows each new version of a draft's
    body and title, edited one after another while it runs, then no page for it once its
    folder is moved out of the repository; and it builds only after changes, never because
    its own builds read the sources."""
    root = tmp_path / "repo"
    draft = site_repo.items["ditulis"]
    server, port, log = _preview(site_repo, root)
    url = f"http://127.0.0.1:{port}/{draft.url}"
    try:
        _wait_for(url, draft.title, server, log)
        path = root / draft.rel
        for number in range(1, 4):
            text = path.read_text(encoding="utf-8")
            text = text.replace(f"title: {draft.title}", f"title: {draft.title} {number}", 1)
            assert f"title: {draft.title} {number}" in text  # (the title line was found)
            path.write_text(text + f"\nKalimat suntingan ke-{number}.\n", encoding="utf-8")
            page = _wait_for(url, f"Kalimat suntingan ke-{number}.", server, log)
            assert f"{draft.title} {number}" in page
            draft_text = text.replace(f"title: {draft.title} {number}", f"title: {draft.title}")
            path.write_text(draft_text, encoding="utf-8")  # (the next edit starts from here)
            _wait_for(url, None, server, log, gone=f"{draft.title} {number}")
        path.parent.rename(tmp_path / "moved-away")
        _wait_for(url, None, server, log, missing=True)
        builds = _builds(log)
        time.sleep(3)  # (a build its own reading started would be done by now)
        assert _builds(log) == builds
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()


def test_a_rebuild_the_gate_refuses_says_so_and_a_good_one_serves_again(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """An edit the gate refuses (one unsigned line in mkdocs.yml) while a preview runs: it
    printed a traceback, and then every request waited, with no end, for a build to succeed
    (found by an independent attack). Now it says why, every page says the preview was not
    rebuilt (the last build's pages no longer show the branch), and the next good change
    serves the site again."""
    root = tmp_path / "repo"
    draft = site_repo.items["ditulis"]
    server, port, log = _preview(site_repo, root)
    base = f"http://127.0.0.1:{port}/"
    config = root / "mkdocs.yml"
    signed = config.read_bytes()
    try:
        _wait_for(base + draft.url, draft.title, server, log)
        with pytest.raises(urllib.error.HTTPError) as nul:  # (a traceback, before)
            urllib.request.urlopen(base + "%00", timeout=10)
        assert nul.value.code == 404
        config.write_bytes(signed + b"\n# diubah tanpa tanda tangan\n")
        home = _wait_for(base, "The preview was not rebuilt", server, log)
        assert "configuration is not the one an administrator signed" in home
        assert "mkdocs.yml: [site.config-unsigned]" in home and draft.title not in home
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(base + draft.url, timeout=10)
        assert gone.value.code == 404
        assert "The preview was not rebuilt" in gone.value.read().decode()
        config.write_bytes(signed)
        _wait_for(base + draft.url, draft.title, server, log)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    assert server.returncode == 0, text
    assert "Traceback" not in text
    assert "warta: the preview was not rebuilt: the site's configuration is not" in text, text


def _ask(port: int, path: str, host: str, method: str = "GET") -> tuple[int, bytes]:
    """The status and every byte after the headers that the preview sends for one request
    (read to the end of the connection: a HEAD answer must carry none)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_the_preview_answers_its_own_address_only_and_odd_requests_without_a_traceback(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    """A page whose name is pointed at 127.0.0.1 (DNS rebinding) read every draft; a
    live-reload poll with a 5,000-digit number printed a traceback; HEAD carried a body."""
    root = tmp_path / "repo"
    draft = site_repo.items["ditulis"]
    server, port, log = _preview(site_repo, root)
    try:
        _wait_for(f"http://127.0.0.1:{port}/{draft.url}", draft.title, server, log)
        for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.nip.io:{port}", ""):
            status, body = _ask(port, "/" + draft.url, host)
            assert status == 403, host
            assert draft.title.encode() not in body
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            status, body = _ask(port, "/" + draft.url, host)
            assert status == 200 and draft.title.encode() in body, host
        status, _body = _ask(port, "/livereload/" + "9" * 5000 + "/1", f"127.0.0.1:{port}")
        assert status == 404
        status, body = _ask(port, "/sitemap.xml", f"127.0.0.1:{port}", method="HEAD")
        assert (status, body) == (200, b"")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
    assert "Traceback" not in log.read_text()


def test_a_port_it_cannot_listen_on_is_said_before_anything_is_built(
    site_repo: SiteRepo, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for addr, message in (
            (f"127.0.0.1:{port}", f"--dev-addr 127.0.0.1:{port}: cannot listen there ("),
            ("127.0.0.1:99999", "--dev-addr '127.0.0.1:99999': expected HOST:PORT"),
        ):
            result = subprocess.run(
                [warta_exe(), "--lang", "en", "preview", "-a", addr], cwd=site_repo.root,
                env={**site_repo.env(), "XDG_CACHE_HOME": str(tmp_path / "cache")},
                capture_output=True, text=True, timeout=120, check=False)
            assert result.returncode == 2, result.stdout + result.stderr
            assert "Traceback" not in result.stderr
            assert message in result.stderr
            assert "Documentation built" not in result.stderr


def _preview(site_repo: SiteRepo, root: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    """``warta preview`` of a copy of the site repository at ``root``, started as from a
    terminal, on a free port: the process, the port and its log."""
    shutil.copytree(site_repo.root, root, symlinks=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = root.parent / "preview.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*AS_FROM_A_TERMINAL, warta_exe(), "preview", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env={**site_repo.env(), "XDG_CACHE_HOME": str(root.parent / "cache")},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return server, port, log


def _builds(log: Path) -> int:
    return log.read_text().count("Documentation built in")


def _wait_for(
    url: str,
    needle: str | None,
    server: subprocess.Popen[bytes],
    log: Path,
    *,
    gone: str | None = None,
    missing: bool = False,
) -> str:
    """The page at ``url`` once it holds ``needle`` (and no longer ``gone``), or once there
    is no page there (``missing``)."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                page = response.read().decode()
            if not missing and (needle is None or needle in page) and (
                gone is None or gone not in page
            ):
                return page
        except urllib.error.HTTPError as exc:
            if missing and exc.code == 404:
                return ""
        except OSError:
            pass
        assert server.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{url}: never {needle or gone or 'missing'!r}"
        time.sleep(0.2)
