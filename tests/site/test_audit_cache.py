"""The audit's cache of where each output file leads (warta.mkdocs_plugin.auditcache): it
spares reading a file again, never the comparison with what this build may not publish."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from warta import bulk
from warta.adapters.cachekey import write_entries
from warta.mkdocs_plugin import auditcache, commands
from warta.mkdocs_plugin.auditcache import AuditStore
from warta.site import audit

SECRET = "berita/2026/rahasia/"
OTHER = "berita/2026/lain/"


def _site(root: Path, pages: int = 6) -> Path:
    """Pages that link to one another and to OTHER; none to SECRET yet."""
    for n in range(pages):
        page = root / "berita" / "2026" / f"terbit-{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<html><a href="../terbit-{(n + 1) % pages}/">x</a>'
            f'<a href="/{OTHER}#judul">y</a></html>',
            encoding="utf-8",
        )
    (root / "feed.json").write_text('{"items": [{"id": "id-lain"}]}', encoding="utf-8")
    return root


def _tokens(url: str, item_id: str) -> list[audit.Token]:
    return audit.tokens([(f"content/{url}index.md", item_id, url)])


class _Reads:
    """Counts the files the audit reads for their links."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = audit.links

        def counted(
            name: str, text: str, site_url: str = "", notice: bool = False
        ) -> audit.Links:
            self.names.append(name)
            return real(name, text, site_url, notice)

        monkeypatch.setattr(audit, "links", counted)


def _store(tmp_path: Path, site_url: str = "https://x.id/") -> AuditStore:
    store = AuditStore.open(tmp_path / "repo", site_url)
    assert store is not None
    return store


def test_a_file_read_before_is_compared_again_with_this_builds_unpublished_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is kept is where a file leads, not what the audit found there: the second audit
    reads no file again, and still finds every way the same files lead to an item that was
    published before and is not now (links, a feed entry)."""
    site = _site(tmp_path / "site")
    first = commands.audit_site(site, _tokens(SECRET, "id-x"), store=_store(tmp_path), jobs=1)
    assert first == []
    reads = _Reads(monkeypatch)
    found = commands.audit_site(site, _tokens(OTHER, "id-lain"), store=_store(tmp_path), jobs=1)
    assert reads.names == []
    assert len(found) == 7
    assert {(leak.where, leak.token.text) for leak in found} == {
        ("a link", OTHER),
        ("a feed entry", "id-lain"),
    }
    alone = commands.audit_site(site, _tokens(OTHER, "id-lain"), jobs=1)
    assert found == alone


def test_a_changed_byte_a_moved_file_another_site_url_or_a_notice_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    tokens = _tokens(SECRET, "id-x")
    commands.audit_site(site, tokens, site_url="https://x.id/", store=_store(tmp_path), jobs=1)
    page = site / "berita/2026/terbit-2/index.html"
    page.write_text(page.read_text().replace("lain/", "rahasia/"), encoding="utf-8")
    (site / "berita/2026/terbit-3").rename(site / "berita/2026/pindah")
    reads = _Reads(monkeypatch)
    found = commands.audit_site(
        site, tokens, site_url="https://x.id/", store=_store(tmp_path), jobs=1
    )
    assert sorted(reads.names) == [
        "berita/2026/pindah/index.html",
        "berita/2026/terbit-2/index.html",
    ]
    assert [(leak.output, leak.where) for leak in found] == [
        ("berita/2026/terbit-2/index.html", "a link")
    ]
    reads.names.clear()
    elsewhere = "https://y.id/"
    commands.audit_site(
        site, tokens, site_url=elsewhere, store=_store(tmp_path, elsewhere), jobs=1
    )
    assert len(reads.names) == 7  # (another site URL: every link resolves anew)
    reads.names.clear()
    notice = ["berita/2026/terbit-0/"]
    commands.audit_site(
        site, tokens, site_url=elsewhere, notices=notice, store=_store(tmp_path, elsewhere), jobs=1
    )
    assert reads.names == ["berita/2026/terbit-0/index.html"]


def test_the_cache_holds_this_builds_files_only_and_is_written_only_when_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    tokens = _tokens(SECRET, "id-x")
    store = _store(tmp_path)
    commands.audit_site(site, tokens, store=store, jobs=1)
    before = store.path.stat()
    commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1)
    after = store.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    (site / "berita/2026/terbit-5/index.html").unlink()
    page = site / "berita/2026/terbit-1/index.html"
    page.write_text(page.read_text() + '<a href="/baru/">z</a>', encoding="utf-8")
    commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1)
    kept = json.loads(store.path.read_bytes().partition(b"\n")[2])
    assert len(kept["files"]) == 6  # five pages and the feed
    assert "berita/2026/terbit-0/" not in kept["paths"]  # (only terbit-5 led there)
    assert "baru/" in kept["paths"]
    reads = _Reads(monkeypatch)
    again = commands.audit_site(site, _tokens(OTHER, "id-lain"), store=_store(tmp_path), jobs=1)
    assert reads.names == []  # (the entries kept as they were, written anew, read back)
    assert again == commands.audit_site(site, _tokens(OTHER, "id-lain"), jobs=1)


def test_a_cache_file_altered_or_made_with_another_secret_is_ignored_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever can write the cache file (but holds no secret of this user's) cannot make a
    file lead elsewhere: an entry made to say the page leads nowhere is never used."""
    site = _site(tmp_path / "site")
    page = site / "berita/2026/terbit-1/index.html"
    page.write_text('<a href="../../../berita/2026/rahasia/">x</a>', encoding="utf-8")
    tokens = _tokens(SECRET, "id-x")
    store = _store(tmp_path)
    assert len(commands.audit_site(site, tokens, store=store, jobs=1)) == 1
    data = store.path.read_bytes()
    assert SECRET.encode() in data
    store.path.write_bytes(data.replace(SECRET.encode(), b"berita/2026/rahasib/"))
    reads = _Reads(monkeypatch)
    assert len(commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1)) == 1
    assert len(reads.names) == 7
    _, _, body = store.path.read_bytes().partition(b"\n")
    forged = json.loads(body.replace(SECRET.encode(), b"berita/2026/rahasib/"))
    write_entries(store.path, b"k" * 32, auditcache.FORMAT, forged)
    reads.names.clear()
    assert len(commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1)) == 1
    assert len(reads.names) == 7


@pytest.mark.parametrize(
    "entries",
    [
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 1"}, "feeds": {}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0"}, "feeds": {}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 -0"}, "feeds": {}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 \u0660"}, "feeds": {}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": [0, 0]}, "feeds": {}},
        {"paths": [1], "wheres": ["a link"], "files": {"k": "0 0"}, "feeds": {}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 0"}, "feeds": {"j": ["x"]}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 0"}, "feeds": {"k": [1]}},
        {"paths": ["a/"], "wheres": ["a link"], "files": {"k": "0 0"}},
    ],
)
def test_a_cache_of_another_shape_is_ignored(tmp_path: Path, entries: object) -> None:
    """A file of this user's that is not of the shape Warta writes gives no entry (whole, or
    the entry that does not read as one)."""
    store = _store(tmp_path)
    good = {"paths": ["b/"], "wheres": ["a link"], "files": {"k": "0 0"}, "feeds": {}}
    store.path.parent.mkdir(parents=True)
    write_entries(store.path, store.secret, auditcache.FORMAT, good)
    assert store.load()
    assert store.get("k") == audit.Links((("a link", "b/"),))
    assert isinstance(entries, dict)
    write_entries(store.path, store.secret, auditcache.FORMAT, entries)
    store = _store(tmp_path)
    store.load()
    assert store.get("k") is None


def test_the_lookup_by_folder_finds_what_comparing_every_token_finds() -> None:
    """The audit finds the tokens a path lies under by its parent folders, not by comparing
    each token (200 drafts made the audit 200 times slower): the same tokens, in the same
    order, as the comparison it replaces, for paths above, at and below a token, and near
    misses."""
    texts = [
        "berita/2026/desa-1/",
        "berita/2026/desa-10/",
        "berita/",
        "berita/2026/desa-1/x/",
        "berita/2026/miring//",  # (a refused item's slug that ends in '/')
        "berita/2026/desa-1/",
    ]
    found = [audit.Token(text, "URL", f"content/{n}") for n, text in enumerate(texts)]
    found.append(audit.Token("tanpa-garis", "URL", "content/z"))  # (no folder: compared)
    index = audit.Tokens(found)
    paths = [
        "berita/2026/desa-1",
        "berita/2026/desa-1/",
        "berita/2026/desa-1/x/y.html",
        "berita/2026/desa-10/index.html",
        "berita/2026/desa-100/",
        "berita/2026/miring/",
        "berita/2026/miring",
        "berita/2026/miring//x",
        "berita",
        "berita/2026",
        "tanpa-garis-lagi/",
        "lain/berita/2026/desa-1/",
        "",
    ]
    for path in paths:
        assert index.under(path) == [t for t in found if audit._under(path, t.text)], path


def test_what_helper_processes_read_is_kept_under_the_keys_the_build_looks_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above AUDIT_PARALLEL_MIN new files, processes read them and make their keys (from
    the bytes each read): the next audit finds every one of them, and the same leaks."""
    monkeypatch.setattr(bulk, "start_method", lambda: "spawn")
    monkeypatch.setenv("PYTHONSAFEPATH", "1")  # (as the pool sets it: undone after the test)
    site = _site(tmp_path / "site", pages=commands.AUDIT_PARALLEL_MIN + 10)
    notices = ["berita/2026/terbit-3/"]
    tokens = _tokens(OTHER, "id-lain")
    shared = commands.audit_site(
        site, tokens, notices=notices, store=_store(tmp_path), jobs=2
    )
    reads = _Reads(monkeypatch)
    again = commands.audit_site(site, tokens, notices=notices, store=_store(tmp_path), jobs=1)
    assert reads.names == []
    assert again == shared
    assert len(shared) == commands.AUDIT_PARALLEL_MIN + 10 + 1


def test_odd_names_are_audited_with_the_cache_as_without(tmp_path: Path) -> None:
    """A name that is not UTF-8, and a file named only '.gz' (no gzip: its suffix is
    none), are read and kept like any other file (an attack found both ended the cached
    audit in a traceback)."""
    site = _site(tmp_path / "site")
    link = b'<a href="/berita/2026/rahasia/">x</a>'
    odd = site / os.fsdecode(b"caf\xe9")
    odd.mkdir()
    (odd / "index.html").write_bytes(link)
    (site / "berita" / ".gz").write_bytes(link)
    tokens = _tokens(SECRET, "id-x")
    alone = commands.audit_site(site, tokens, jobs=1)
    assert len(alone) == 2
    assert commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1) == alone
    assert commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1) == alone


@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
def test_a_cache_file_that_is_no_file_is_no_cache(tmp_path: Path, kind: str) -> None:
    """A pipe or a link to an endless device where the cache file goes is neither waited
    on nor read (an attack's audit waited for ever on a pipe): the audit reads every file,
    finds what it finds without it, and keeps nothing there."""
    site = _site(tmp_path / "site")
    store = _store(tmp_path)
    store.path.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(store.path)
    elif kind == "zero":
        store.path.symlink_to("/dev/zero")
    else:
        store.path.mkdir()
    done: list[list[audit.Leak]] = []
    worker = threading.Thread(
        target=lambda: done.append(
            commands.audit_site(site, _tokens(OTHER, "id-lain"), store=store, jobs=1)
        ),
        daemon=True,
    )
    worker.start()
    worker.join(60)
    assert done, "the audit waited on the cache file"
    assert done[0] == commands.audit_site(site, _tokens(OTHER, "id-lain"), jobs=1)
    assert len(done[0]) == 7


def test_one_store_audits_again_as_a_new_one_would(tmp_path: Path) -> None:
    """A store given to a second audit starts from its file, not from what it found last
    time (an attack's store kept entries of files long gone, and then failed on one that
    another build had removed from the file)."""
    site = _site(tmp_path / "site", pages=2)
    tokens = _tokens(OTHER, "id-lain")
    reused = _store(tmp_path)
    commands.audit_site(site, tokens, store=reused, jobs=1)
    (site / "berita/2026/terbit-1/index.html").unlink()
    commands.audit_site(site, tokens, store=_store(tmp_path), jobs=1)
    added = site / "berita/2026/baru/index.html"
    added.parent.mkdir()
    added.write_text('<a href="/berita/2026/lain/">x</a>', encoding="utf-8")
    found = commands.audit_site(site, tokens, store=reused, jobs=1)
    assert found == commands.audit_site(site, tokens, jobs=1)
    kept = json.loads(reused.path.read_bytes().partition(b"\n")[2])
    assert len(kept["files"]) == 3  # two pages and the feed
