"""A build reads what earlier builds kept only when it needs it.

MkDocs reads every page before it writes any, and holds each page's content from then until
it has written them all. The content of a page Warta's templates made is kept between builds
(``page-html``): a warm build holds a placeholder in its place and reads the kept content
only for a page the theme renders again, or that the search plugin reads. A page rendered
with its placeholder (a fault of Warta's) fails the build; a kept record that changed after
its file was checked fails the build once and is removed. A build that used exactly what the
caches hold writes none of them.

Each test drives ``warta build`` through its entry point; a ``sitecustomize`` on the
``PYTHONPATH`` watches (or breaks) the build from inside.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from sitekit import build_at, site_files

from helpers import warta_exe
from warta.adapters.cachekey import repo_key
from warta.adapters.rendercache import RENDERED_FILE
from warta.mkdocs_plugin.htmlcache import HTML_FILE
from warta.mkdocs_plugin.pagecache import PAGES_FILE
from warta.mkdocs_plugin.searchcache import SEARCH_FILE

CACHES = (PAGES_FILE, HTML_FILE, SEARCH_FILE, RENDERED_FILE)

#: Counts, when MkDocs builds its first page, the news pages whose content it holds, and
#: logs each kept content the build reads.
WATCH = """
import json, os
LOG = os.environ["WARTA_TEST_LOG"]
def _log(entry):
    with open(LOG, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\\n")
import mkdocs.commands.build as b
_build_page = b._build_page
_first = []
def _watched(page, config, doc_files, *args, **kwargs):
    if not _first:
        _first.append(1)
        held = [f.page.url for f in doc_files
                if f.page is not None and f.src_uri.startswith("berita/")
                and isinstance(f.page.content, str) and len(f.page.content) > 200]
        _log({"held": held})
    return _build_page(page, config, doc_files, *args, **kwargs)
b._build_page = _watched
import warta.mkdocs_plugin.htmlcache as h
_read = h.Deferred.read
def _reading(self, page):
    if self.digest(page) is not None:
        _log({"read": page.url, "searched": not (page.meta.get("search") or {}).get("exclude")})
    return _read(self, page)
h.Deferred.read = _reading
"""

#: Writes over every record of the kept content's file (in place, the same length) before
#: the build reads the first.
TAMPER = """
import os
import warta.mkdocs_plugin.htmlcache as h
_text = h.PageHtml.text
def _read(self, kept):
    done = os.environ["WARTA_TEST_LOG"] + ".tampered"  # (once, in whichever process)
    if not os.path.exists(done):
        open(done, "w").close()
        with open(self.path, "r+b") as f:
            header = len(f.readline())
            f.write(b"x" * (os.path.getsize(self.path) - header))
    return _text(self, kept)
h.PageHtml.text = _read
"""

#: Runs another whole build of the same repository (``WARTA_TEST_OTHER``, with the same
#: cache folder) when this one first looks a page up in the page cache: after MkDocs read
#: every page, before it builds them. The other build saves the caches it changed as every
#: build does (a new file renamed over the old).
MEANWHILE = """
import json, os, subprocess
import warta.mkdocs_plugin.pagecache as p
_find = p.PageCache.find
_done = []
def _finding(self, page, *rest):
    if not _done:
        _done.append(1)
        env = {**os.environ, "PYTHONPATH": os.environ["WARTA_TEST_PATH"]}
        other = subprocess.run(json.loads(os.environ["WARTA_TEST_OTHER"]), env=env,
                               capture_output=True, text=True)
        with open(os.environ["WARTA_TEST_LOG"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"other": other.returncode, "stderr": other.stderr}) + "\\n")
    return _find(self, page, *rest)
p.PageCache.find = _finding
"""

#: Lets the build spool whatever room its disk has left: a spool keeps a share of its disk
#: free (tested in test_recordfile), and CI's disk may have less than that.
ROOMY = """
import warta.adapters.recordfile as _r
_r.RESERVE_BYTES = 0
_r.RESERVE_SHARE = 0.0
"""

#: Logs, for each cache file a build saves, how it holds each record: found in the file
#: ("kept"), in memory ("bytes") or in the build's spool ("Spooled").
SPOOLED = ROOMY + """
import json, os
import warta.adapters.recordfile as r
_save = r.RecordFile.save
def _saving(self, records):
    kinds = {}
    for record in records.values():
        kind = "kept" if record is None else type(record).__name__
        kinds[kind] = kinds.get(kind, 0) + 1
    with open(os.environ["WARTA_TEST_LOG"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"file": self.path.name, "kinds": kinds}) + "\\n")
    return _save(self, records)
r.RecordFile.save = _saving
_put = r.Spool.put
_spooled = []
def _putting(self, data):
    made = _put(self, data)
    if isinstance(made, r.Spooled) and not _spooled:
        _spooled.append(1)
        with open(os.environ["WARTA_TEST_LOG"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"spooled": str(self.folder)}) + "\\n")
    return made
r.Spool.put = _putting
"""

#: Writes over every record in the build's spool just before the caches are saved.
SPOOL_DAMAGE = ROOMY + """
import os
import warta.adapters.recordfile as r
_save = r.RecordFile.save
def _saving(self, records):
    for record in records.values():
        if isinstance(record, r.Spooled) and record.spool._file is not None:
            os.pwrite(record.spool._file.fileno(), b"x" * record.size, record.offset)
    return _save(self, records)
r.RecordFile.save = _saving
"""

#: Writes over the build's spool when the first kept content is read back.
SPOOL_DAMAGE_EARLY = ROOMY + """
import os
import warta.mkdocs_plugin.htmlcache as h
import warta.adapters.recordfile as r
_text = h.PageHtml.text
def _read(self, kept):
    made = self.used.get(kept.key)
    if isinstance(made, r.Spooled) and made.spool._file is not None:
        os.pwrite(made.spool._file.fileno(), b"x" * made.size, made.offset)
    return _text(self, kept)
h.PageHtml.text = _read
"""

#: A fault: the kept content is never put in the placeholder's place.
NEVER_READ = """
import warta.mkdocs_plugin.htmlcache as h
h.Deferred.read = lambda self, page: None
"""


def _build(
    root: Path,
    env: dict[str, str],
    out: Path,
    custom: str | None = None,
    other: dict[str, str] | None = None,
    *options: str,
) -> subprocess.CompletedProcess[str]:
    if custom is None:
        return build_at(root, env, out, *options)
    folder = out.with_name(out.name + "-custom")
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(custom, encoding="utf-8")
    paths = [str(folder), *filter(None, [env.get("PYTHONPATH")])]
    watched = {
        **env,
        "PYTHONPATH": os.pathsep.join(paths),
        "WARTA_TEST_LOG": str(folder / "log.jsonl"),
        "WARTA_TEST_PATH": env.get("PYTHONPATH", ""),
        **(other or {}),
    }
    return build_at(root, watched, out, *options)


def _log(out: Path) -> list[dict[str, object]]:
    path = out.with_name(out.name + "-custom") / "log.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _caches(root: Path, env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(root)


def _stamps(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        name: (info.st_ino, info.st_mtime_ns, info.st_size)
        for name in CACHES
        for info in [(folder / name).stat()]
    }


def test_no_build_holds_every_news_page_s_content_and_a_warm_one_reads_none(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    # a build without a cache, and the first with one, hold what they made compressed (in
    # the spool), and read each page's content back just before the page is built
    bare = _build(root, env, tmp_path / "bare", WATCH, None, "--no-cache")
    assert bare.returncode == 0, bare.stderr
    log = _log(tmp_path / "bare")
    assert [e["held"] for e in log if "held" in e] == [[]]
    made = {e["read"] for e in log if "read" in e}
    assert len(made) >= 3
    cold = _build(root, env, tmp_path / "cold", WATCH)
    assert cold.returncode == 0, cold.stderr
    log = _log(tmp_path / "cold")
    assert [e["held"] for e in log if "held" in e] == [[]]
    assert {e["read"] for e in log if "read" in e} == made
    warm = _build(root, env, tmp_path / "warm", WATCH)
    assert warm.returncode == 0, warm.stderr
    log = _log(tmp_path / "warm")
    assert [e["held"] for e in log if "held" in e] == [[]]
    # only a page the search plugin indexes (it reads the page's content) is read
    read = [e for e in log if "read" in e]
    assert all(e["searched"] for e in read), read
    assert len(read) < len(made)
    assert site_files(tmp_path / "warm") == site_files(tmp_path / "bare")
    assert site_files(tmp_path / "cold") == site_files(tmp_path / "bare")


def test_a_warm_build_writes_none_of_the_caches_it_used_whole(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    assert _build(root, env, tmp_path / "two").returncode == 0  # (fills what one did not)
    before = _stamps(_caches(root, env))
    assert _build(root, env, tmp_path / "three").returncode == 0
    assert _stamps(_caches(root, env)) == before
    assert site_files(tmp_path / "three") == site_files(tmp_path / "one")


def test_pages_the_theme_renders_again_read_their_kept_content(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    (_caches(root, env) / PAGES_FILE).unlink()  # the theme's output is no longer kept
    again = _build(root, env, tmp_path / "two", WATCH)
    assert again.returncode == 0, again.stderr
    assert len([e for e in _log(tmp_path / "two") if "read" in e]) > 10
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")


def test_kept_content_changed_during_a_build_fails_it_once_and_is_removed(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    caches = _caches(root, env)
    (caches / PAGES_FILE).unlink()
    broken = _build(root, env, tmp_path / "two", TAMPER)
    assert broken.returncode != 0
    assert "could not be read as it was kept" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert not (caches / HTML_FILE).exists()
    assert not any((tmp_path / "two").iterdir())  # a failed build leaves no site
    again = _build(root, env, tmp_path / "three")
    assert again.returncode == 0, again.stderr
    assert site_files(tmp_path / "three") == site_files(tmp_path / "one")


def test_a_page_rendered_with_its_placeholder_fails_the_build(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    (_caches(root, env) / PAGES_FILE).unlink()
    faulty = _build(root, env, tmp_path / "two", NEVER_READ)
    assert faulty.returncode != 0
    assert "was rendered without its content" in faulty.stderr
    assert not any((tmp_path / "two").iterdir())


def test_a_build_that_saves_the_caches_meanwhile_leaves_a_warm_build_whole(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """(Found by an independent attack: the other build's rename moved the change time of
    the file this build had open, which then counted as changed: the build failed and
    removed the other build's new file.)"""
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    assert _build(root, env, tmp_path / "two").returncode == 0
    caches = _caches(root, env)
    before = (caches / HTML_FILE).stat().st_ino
    # in the other language every page's content is another: it saves every cache anew
    other = [warta_exe(), "--lang", "id", "build", "-d", str(tmp_path / "other")]
    warm = _build(
        root, env, tmp_path / "three", MEANWHILE, {"WARTA_TEST_OTHER": json.dumps(other)}
    )
    assert warm.returncode == 0, warm.stderr
    ((ran,),) = [e["other"] for e in _log(tmp_path / "three") if "other" in e],
    assert ran == 0
    assert site_files(tmp_path / "three") == site_files(tmp_path / "one")
    assert (caches / HTML_FILE).stat().st_ino != before  # (the premise: it was replaced)


def test_a_first_build_holds_what_it_makes_in_its_spool_not_in_memory(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    cold = _build(root, env, tmp_path / "cold", SPOOLED)
    assert cold.returncode == 0, cold.stderr
    saved = {e["file"]: e["kinds"] for e in _log(tmp_path / "cold") if "file" in e}
    for name in (PAGES_FILE, HTML_FILE, SEARCH_FILE):
        assert saved[name].get("Spooled", 0) >= 3, (name, saved[name])
        assert set(saved[name]) == {"Spooled"}, (name, saved[name])
    caches = _caches(root, env)
    assert sorted(p.name for p in caches.iterdir() if p.name.startswith(".")) == []
    warm = _build(root, env, tmp_path / "warm", SPOOLED)
    assert warm.returncode == 0, warm.stderr
    saved = {e["file"]: e["kinds"] for e in _log(tmp_path / "warm") if "file" in e}
    assert saved[PAGES_FILE] == {"kept": sum(saved[PAGES_FILE].values())}
    assert site_files(tmp_path / "warm") == site_files(tmp_path / "cold")
    # a build without a cache spools what it makes too, and saves none of it
    bare = _build(root, env, tmp_path / "bare", SPOOLED, None, "--no-cache")
    assert bare.returncode == 0, bare.stderr
    ((folder,),) = [e.values() for e in _log(tmp_path / "bare")]  # (no file saved)
    assert not Path(folder).is_relative_to(env["XDG_CACHE_HOME"])
    assert not Path(folder).exists()  # (the build's scratch folder, removed)
    assert site_files(tmp_path / "bare") == site_files(tmp_path / "cold")


def test_a_damaged_spool_is_never_saved_and_the_next_build_is_whole(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    damaged = _build(root, env, tmp_path / "one", SPOOL_DAMAGE)
    assert damaged.returncode == 0, damaged.stderr  # (every page was built already)
    caches = _caches(root, env)
    for name in (PAGES_FILE, HTML_FILE, SEARCH_FILE):
        assert not (caches / name).exists(), name
    bare = _build(root, env, tmp_path / "bare", None, None, "--no-cache")
    assert bare.returncode == 0, bare.stderr
    assert site_files(tmp_path / "one") == site_files(tmp_path / "bare")
    for out in ("two", "three"):
        again = _build(root, env, tmp_path / out)
        assert again.returncode == 0, again.stderr
        assert site_files(tmp_path / out) == site_files(tmp_path / "bare")


def test_content_changed_in_the_spool_before_its_page_is_built_fails_the_build(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "zero").returncode == 0
    kept = (_caches(root, env) / HTML_FILE).stat().st_ino
    # in the other language every page's content is another: this build makes it all
    other = {**env, "LC_MESSAGES": "id_ID.UTF-8"}
    broken = _build(root, other, tmp_path / "one", SPOOL_DAMAGE_EARLY)
    assert broken.returncode != 0
    assert "yang dibuat build ini tidak dapat dibaca kembali seperti saat" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert not any((tmp_path / "one").iterdir())
    # (found by an independent attack: the earlier build's kept content was removed too)
    assert (_caches(root, env) / HTML_FILE).stat().st_ino == kept
    again = _build(root, env, tmp_path / "two")
    assert again.returncode == 0, again.stderr
    bare = _build(root, env, tmp_path / "bare", None, None, "--no-cache")
    assert bare.returncode == 0, bare.stderr
    assert site_files(tmp_path / "two") == site_files(tmp_path / "bare")


@pytest.mark.parametrize("name", [PAGES_FILE, HTML_FILE])
def test_a_pipe_in_place_of_a_cache_file_is_no_cache(
    copy: tuple[Path, dict[str, str]], tmp_path: Path, name: str
) -> None:
    """(Found by an independent attack: the build waited for a writer for good.)"""
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    cache = _caches(root, env) / name
    cache.unlink()
    os.mkfifo(cache)
    again = _build(root, env, tmp_path / "two")
    assert again.returncode == 0, again.stderr
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")
