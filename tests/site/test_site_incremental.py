"""Builds reuse what earlier builds rendered, indexed for search and made of item pages, and
nothing else.

Each item body's rendered HTML is kept in this user's cache folder (outside the working tree)
under a key over Warta's code, the signed Markdown configuration and the body's exact text,
in a file authenticated with this user's secret. A second build gives byte-identical output;
a cache file planted or altered without the secret is ignored whole; and (proving the cache
is really read) an entry written with the secret is what the next build publishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
from sitekit import BODY_WORD, SiteRepo, build_at, site_files, warta_at

from warta.adapters.cachekey import read_records, repo_key, write_records
from warta.adapters.recordfile import CachePlace, Spool
from warta.adapters.render import Rendered
from warta.adapters.rendercache import FORMAT, RENDERED_FILE, RenderStore, decode, encode
from warta.mkdocs_plugin.htmlcache import FORMAT as HTML_FORMAT
from warta.mkdocs_plugin.htmlcache import HTML_FILE, PageHtml
from warta.mkdocs_plugin.pagecache import FORMAT as PAGES_FORMAT
from warta.mkdocs_plugin.pagecache import PAGES_FILE, record_of
from warta.mkdocs_plugin.searchcache import FORMAT as SEARCH_FORMAT
from warta.mkdocs_plugin.searchcache import SEARCH_FILE, SearchEntries
from warta.site.pages import ListView
from warta.site.views import Card, MetaLine

_build = build_at


def _cache_file(root: Path, env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(root) / RENDERED_FILE


def _secret(env: dict[str, str]) -> bytes:
    return (Path(env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()


def test_a_second_build_publishes_the_same_bytes_from_the_cache(
    copy: tuple[Path, dict[str, str]], tmp_path: Path, site_repo: SiteRepo
) -> None:
    root, env = copy
    first = _build(root, env, tmp_path / "one")
    assert first.returncode == 0, first.stderr
    cache = _cache_file(root, env)
    assert cache.read_bytes().startswith(FORMAT + b" ")
    assert len(read_records(cache, _secret(env), FORMAT)) >= len(site_repo.published())
    second = _build(root, env, tmp_path / "two")
    assert second.returncode == 0, second.stderr
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")


def test_a_cache_altered_without_the_secret_is_ignored_and_one_with_it_is_read(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    cache = _cache_file(root, env)
    secret = _secret(env)
    entries = {key: json.loads(bytes(v)) for key, v in read_records(cache, secret, FORMAT).items()}
    assert read_records(cache, b"not the secret", FORMAT) == {}
    forged = {
        key: json.dumps([value[0].replace(BODY_WORD, "DIPALSUKAN"), value[1], value[2]]).encode()
        for key, value in entries.items()
    }
    assert any(b"DIPALSUKAN" in v for v in forged.values()), "the bodies hold the body word"
    # the theme's and the content's caches would give the kept pages whatever this one holds
    for name in (PAGES_FILE, HTML_FILE):
        cache.with_name(name).unlink()
    # planted by someone without this user's secret: ignored whole
    write_records(cache, b"not the secret", FORMAT, forged)
    assert _build(root, env, tmp_path / "two").returncode == 0
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")
    # written with the secret (this user's own cache): the build takes the entry as it is,
    # which is what makes it a cache (and why the secret never lives in a repository)
    for name in (PAGES_FILE, HTML_FILE):
        cache.with_name(name).unlink()
    write_records(cache, secret, FORMAT, forged)
    assert _build(root, env, tmp_path / "three").returncode == 0
    pages = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "three" / "berita").rglob("*.html")
    )
    assert "DIPALSUKAN" in pages


def test_a_build_from_another_clone_never_reads_this_one_s_cache(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    other = tmp_path / "other"
    shutil.copytree(root, other, symlinks=True)
    assert _cache_file(other, env) != _cache_file(root, env)
    assert not _cache_file(other, env).exists()
    assert _build(other, env, tmp_path / "two").returncode == 0
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")


def test_the_key_covers_the_renderer_s_setup_and_the_exact_text() -> None:
    a = RenderStore(Path(os.devnull), b"s", hashlib.sha256(b"extensions: toc").digest())
    b = RenderStore(Path(os.devnull), b"s", hashlib.sha256(b"extensions: toc, tables").digest())
    digest = hashlib.sha256(b"# Judul\n").hexdigest()
    other = hashlib.sha256(b"# Judul \n").hexdigest()
    assert a.key(digest) != b.key(digest)
    assert a.key(digest) != a.key(other)
    assert a.key(digest) == a.key(digest)


@pytest.mark.parametrize(
    "data",
    [None, "html", ["<p>x</p>", [], [["a", 1]]], ["<p>x</p>", {}, []], [1, [], []], ["x", []]],
)
def test_an_entry_of_another_shape_is_a_miss(data: object) -> None:
    assert decode(data) is None


def test_an_entry_reads_back_as_it_was_written() -> None:
    rendered = Rendered(
        '<h2 id="a">A</h2><p><a href="x/">x</a></p>',
        [{"level": 2, "id": "a", "name": "A", "children": []}],
        (("a", "x/"),),
    )
    assert decode(json.loads(json.dumps(encode(rendered)))) == rendered


def test_search_entries_come_from_the_cache_only_with_the_secret(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    cache = _cache_file(root, env).with_name(SEARCH_FILE)
    assert cache.read_bytes().startswith(SEARCH_FORMAT + b" ")
    secret = (Path(env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()
    entries = read_records(cache, secret, SEARCH_FORMAT)
    assert entries, "the build kept its search entries"
    forged = {k: bytes(v).replace(BODY_WORD.encode(), b"DIPALSUKAN") for k, v in entries.items()}
    assert forged != {k: bytes(v) for k, v in entries.items()}

    def index(site: Path) -> str:
        return (site / "search" / "search_index.json").read_text(encoding="utf-8")

    write_records(cache, b"not the secret", SEARCH_FORMAT, forged)
    assert _build(root, env, tmp_path / "two").returncode == 0
    assert index(tmp_path / "two") == index(tmp_path / "one")
    write_records(cache, secret, SEARCH_FORMAT, forged)
    assert _build(root, env, tmp_path / "three").returncode == 0
    assert "DIPALSUKAN" in index(tmp_path / "three")
    assert BODY_WORD in index(tmp_path / "one")


def test_item_pages_come_from_the_cache_only_with_the_secret(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    cache = _cache_file(root, env).with_name(PAGES_FILE)
    assert cache.read_bytes().startswith(PAGES_FORMAT + b" ")
    secret = (Path(env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()
    entries = read_records(cache, secret, PAGES_FORMAT)
    assert entries, "the build kept its pages"
    assert read_records(cache, b"not the secret", PAGES_FORMAT) == {}

    def alter(record: memoryview) -> bytes:  # (the page's SHA-256, then the page compressed)
        page = zlib.decompress(record[32:]).decode().replace(BODY_WORD, "DIPALSUKAN")
        return record_of(page)

    forged = {key: alter(value) for key, value in entries.items()}
    assert any(b"DIPALSUKAN" in zlib.decompress(v[32:]) for v in forged.values())

    def pages(site: Path) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (site / "berita").rglob("*.html"))

    write_records(cache, b"not the secret", PAGES_FORMAT, forged)
    assert _build(root, env, tmp_path / "two").returncode == 0
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")
    write_records(cache, secret, PAGES_FORMAT, forged)
    assert _build(root, env, tmp_path / "three").returncode == 0
    assert "DIPALSUKAN" in pages(tmp_path / "three")
    assert "DIPALSUKAN" not in pages(tmp_path / "one")
    # cut short: ignored whole, as a file of another shape
    data = cache.read_bytes()
    cache.write_bytes(data[:-7])
    assert read_records(cache, secret, PAGES_FORMAT) == {}
    assert _build(root, env, tmp_path / "four").returncode == 0
    assert site_files(tmp_path / "four") == site_files(tmp_path / "one")


def test_the_content_of_warta_s_pages_comes_from_the_cache_only_with_the_secret(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """What Warta's templates made (item pages around their body, the lists) is kept; a
    forged entry counts only with this user's secret, and the theme then prints it."""
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    cache = _cache_file(root, env).with_name(HTML_FILE)
    secret = (Path(env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()
    entries = read_records(cache, secret, HTML_FORMAT)
    assert len(entries) > 10, "the build kept its items' and lists' content"
    # the theme's own cache would print its kept page whatever this one holds: gone
    _cache_file(root, env).with_name(PAGES_FILE).unlink()

    def alter(record: memoryview) -> bytes:
        # a record: the content's SHA-256, whether it holds a Mermaid diagram, the content
        page = zlib.decompress(record[33:]).decode().replace("<", "<i>DIPALSUKAN</i><", 1)
        data = page.encode()
        return hashlib.sha256(data).digest() + bytes(record[32:33]) + zlib.compress(data)

    forged = {key: alter(value) for key, value in entries.items()}

    def pages(site: Path) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (site / "berita").rglob("*.html"))

    write_records(cache, b"not the secret", HTML_FORMAT, forged)
    assert _build(root, env, tmp_path / "two").returncode == 0
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")
    _cache_file(root, env).with_name(PAGES_FILE).unlink()
    write_records(cache, secret, HTML_FORMAT, forged)
    assert _build(root, env, tmp_path / "three").returncode == 0
    assert "DIPALSUKAN" in pages(tmp_path / "three")
    assert "DIPALSUKAN" not in pages(tmp_path / "one")


def test_the_content_key_covers_the_template_the_whole_view_and_the_body() -> None:
    cache = PageHtml(Path("unused"), b"k" * 32, re.compile("mermaid"))
    meta = MetaLine("2026-11-01", "Minggu, 1 November 2026", ())
    card = Card("../a/", "Judul", False, meta, "Ringkas")
    view = ListView((card,))
    key = cache.key("listing.html", view, "")
    assert cache.key("listing.html", ListView((card,)), "") == key  # equal views: one key
    assert cache.key("archive.html", view, "") != key
    assert cache.key("listing.html", view, "<p>x</p>") != key
    retitled = ListView((Card("../a/", "Judul.", False, meta, "Ringkas"),))
    assert cache.key("listing.html", retitled, "") != key  # one byte deep in the view
    assert cache.key("listing.html", ListView((card,), role="Kasubag"), "") != key


def test_a_view_that_cannot_be_pickled_has_no_key(tmp_path: Path) -> None:
    """(The plugin renders such a page and keeps nothing of it.)"""
    cache = PageHtml(tmp_path / "page-html", b"k" * 32, re.compile("mermaid"))
    view = {"tak-bisa": lambda: None}  # a view of another kind than Warta's dataclasses
    assert cache.key("listing.html", view, "") is None
    assert cache.key("listing.html", {"bisa": 1}, "") is not None


def test_a_preview_never_gets_the_deployable_site_s_pages(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The preview's pages carry its banner and noindex: another key than the build's."""
    root, env = copy
    assert _build(root, env, tmp_path / "site").returncode == 0
    preview = warta_at(root, env, "preview", "--build-only", str(tmp_path / "preview"))
    assert preview.returncode == 0, preview.stderr
    for page in (tmp_path / "preview" / "berita").rglob("*/index.html"):
        if page.parent.parent.name.isdigit():  # an item's page
            assert 'content="noindex, nofollow"' in page.read_text(encoding="utf-8"), page
    again = tmp_path / "again"
    assert _build(root, env, again).returncode == 0
    assert site_files(again) == site_files(tmp_path / "site")


def test_search_entries_are_keyed_by_the_signed_configuration_too() -> None:
    """The search plugin's options live in mkdocs.yml: another signed configuration is
    another key."""
    one = SearchEntries(Path(os.devnull), b"s", "sha256:" + "a" * 64)
    two = SearchEntries(Path(os.devnull), b"s", "sha256:" + "b" * 64)
    assert one.salt != two.salt


def _theme_salt(tmp_path: Path, custom: Path, every_page: list[Any] | None = None) -> bytes:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation

    from warta.mkdocs_plugin.pagecache import PageCache
    from warta.mkdocs_plugin.plugin import THEME_DIR

    (tmp_path / "docs").mkdir(exist_ok=True)
    config = MkDocsConfig()
    config.load_dict(
        {
            "site_name": "x",
            "docs_dir": str(tmp_path / "docs"),
            "site_dir": str(tmp_path / "site"),
            "theme": {"name": "material", "custom_dir": str(custom)},
        }
    )
    errors, _ = config.validate()
    assert not errors
    place = CachePlace(tmp_path / "cache", b"k" * 32, keep=True, spool=Spool(tmp_path / "cache"))
    found = PageCache.open(
        place,
        config,
        Navigation([], []),
        [str(THEME_DIR), str(custom)],
        "sha256:x",
        every_page=every_page,
    )
    assert found is not None
    return found.salt


def test_a_staged_custom_theme_keys_by_its_files_not_its_scratch_folder(tmp_path: Path) -> None:
    """The signed custom theme is staged into a new scratch folder every build: its pages
    are found again when its files are the same, and not when one changed."""
    one, two = tmp_path / "one" / "theme", tmp_path / "two" / "theme"
    for folder in (one, two):
        (folder / "partials").mkdir(parents=True)
        (folder / "partials" / "footer.html").write_text("<footer>Pemda</footer>\n")
    assert _theme_salt(tmp_path, one) == _theme_salt(tmp_path, two)
    (two / "partials" / "footer.html").write_text("<footer>Pemda!</footer>\n")
    assert _theme_salt(tmp_path, one) != _theme_salt(tmp_path, two)


def _page(content: str | None) -> Any:
    from types import SimpleNamespace

    from mkdocs.structure.toc import get_toc

    return SimpleNamespace(
        url="berita/2026/jalan/",
        title="Jalan",
        meta={},
        content=content,
        toc=get_toc([]),
        canonical_url=None,
        edit_url=None,
        is_homepage=False,
        previous_page=None,
        next_page=None,
        ancestors=[],
    )


def test_with_signed_templates_every_page_s_content_is_in_every_key(tmp_path: Path) -> None:
    """A signed template can show any page's content on every page (the plugin then gives
    the cache every page): one page's content changed is another key for all pages."""
    custom = tmp_path / "theme"
    (custom / "partials").mkdir(parents=True)
    (custom / "partials" / "copyright.html").write_text("{{ pages }}\n")
    one = _theme_salt(tmp_path, custom, [_page("<p>Jalan desa</p>")])
    assert _theme_salt(tmp_path, custom, [_page("<p>Jalan desa</p>")]) == one
    assert _theme_salt(tmp_path, custom, [_page("<p>Jalan kota</p>")]) != one
    assert _theme_salt(tmp_path, custom) != one


@pytest.mark.parametrize("other", ["<p>Jalan desa</p> ", "<p>Jalan Desa</p>", "", None])
def test_page_and_search_keys_cover_the_whole_content(other: str | None) -> None:
    """The keys hold a digest of the page's content: one character more, or another case,
    or no content, is another key."""
    from warta.mkdocs_plugin.pagecache import PageCache

    pages = PageCache(Path(os.devnull), b"s", b"salt")
    search = SearchEntries(Path(os.devnull), b"s", "sha256:" + "a" * 64)
    same = _page("<p>Jalan desa</p>")
    assert pages.key(same) == pages.key(_page("<p>Jalan desa</p>"))
    assert search.key(same) == search.key(_page("<p>Jalan desa</p>"))
    assert pages.key(same) != pages.key(_page(other))
    assert search.key(same) != search.key(_page(other))


def test_the_error_page_comes_from_the_page_cache_as_a_build_without_one_makes_it(
    copy: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The theme's 404 page is kept like the other pages: a rebuild prints what the cache
    holds (an entry written with this user's secret is taken as it is, which shows it is
    read), and that is what a build without a cache renders."""
    root, env = copy
    assert _build(root, env, tmp_path / "one").returncode == 0
    assert _build(root, env, tmp_path / "two").returncode == 0
    assert _build(root, env, tmp_path / "bare", "--no-cache").returncode == 0
    made = (tmp_path / "bare" / "404.html").read_bytes()
    assert b"<h1>404 - " in made
    assert (tmp_path / "one" / "404.html").read_bytes() == made
    assert (tmp_path / "two" / "404.html").read_bytes() == made
    cache = _cache_file(root, env).with_name(PAGES_FILE)
    entries = read_records(cache, _secret(env), PAGES_FORMAT)
    error = [key for key, v in entries.items() if zlib.decompress(v[32:]) == made]
    assert len(error) == 1
    forged = {key: bytes(v) for key, v in entries.items()}
    forged[error[0]] = record_of(made.decode().replace("<h1>404 - ", "<h1>404 - DIPALSUKAN "))
    write_records(cache, _secret(env), PAGES_FORMAT, forged)
    assert _build(root, env, tmp_path / "three").returncode == 0
    assert b"<h1>404 - DIPALSUKAN " in (tmp_path / "three" / "404.html").read_bytes()
