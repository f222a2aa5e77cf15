"""Material's search plugin passes by pages with nothing to strip (searchcache.quicken), and
that changes nothing it makes: the same entries, the same pages, in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from warta.mkdocs_plugin.searchcache import quicken

CONTENTS = [
    '<h2 id="a">Jalan desa</h2><p>Bupati meninjau jalan.</p>',
    '<h2 id="a" data-search-exclude="1">Rahasia</h2><p data-search-exclude="x">tak dicari</p>'
    "<p>dicari</p>",
    "<p>Teks yang menyebut data-search-exclude tanpa atribut.</p>",
    '<div data-search-exclude><h2 id="a">Tak dicari</h2><p>isi</p></div><p>dicari</p>',
    '<p data-search-exclude="">kosong</p><p>dicari</p>',
    '<p title=" data-search-x=&quot;y&quot;">atribut lain</p>',
    "",
]

TOC = [
    {
        "level": 2,
        "id": "a",
        "name": "Jalan desa",
        "html": "Jalan desa",
        "data-toc-label": "",
        "children": [],
    }
]


def _config(tmp_path: Path, name: str) -> MkDocsConfig:
    folder = tmp_path / name
    (folder / "docs").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(
        "site_name: Uji\ntheme:\n  name: material\nplugins:\n  - search\n", encoding="utf-8"
    )
    config = load_config(str(folder / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    return config.plugins.on_config(config)


def _index(config: MkDocsConfig, contents: list[str]) -> tuple[list[str], list[Any]]:
    """Each content as a page through the build's page_context handlers: what the pages
    hold afterwards, and the index's entries."""
    index = config.plugins["material/search"].search_index
    start = len(index.entries)  # (MkDocs may hand two loads the same plugin)
    held = []
    for number, content in enumerate(contents):
        file = File(f"p{number}.md", config.docs_dir, config.site_dir, True)
        page = Page(f"Halaman {number}", file, config)
        page.content = content
        page.toc = get_toc(TOC if 'id="a"' in content else [])
        config.plugins.on_page_context({}, page=page, config=config, nav=None)  # type: ignore[arg-type]
        held.append(page.content)
    return held, list(index.entries[start:])


def test_quickened_search_makes_the_same_entries_and_pages(tmp_path: Path) -> None:
    plain = _config(tmp_path, "plain")
    quick = _config(tmp_path, "quick")
    before = list(quick.plugins.events["page_context"])
    assert quicken(quick), "the installed Material's handler is the one quicken stands in for"
    after = quick.plugins.events["page_context"]
    assert len(after) == len(before) and after != before
    assert quicken(quick) is False, "a second call leaves the handler in place"
    held_plain, entries_plain = _index(plain, CONTENTS)
    held_quick, entries_quick = _index(quick, CONTENTS)
    assert held_quick == held_plain
    assert entries_quick == entries_plain
    # (it did strip, and did index: the comparison above compares something)
    assert "data-search-exclude" not in held_plain[1]
    assert any("Bupati" in entry["text"] for entry in entries_plain)


def test_another_handler_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Material's handler as this module does not know it stays Material's."""
    from warta.mkdocs_plugin import searchcache

    monkeypatch.setattr(searchcache, "KNOWN_PAGE_CONTEXT", "0" * 64)
    config = _config(tmp_path, "other")
    before = list(config.plugins.events["page_context"])
    assert quicken(config) is False
    assert config.plugins.events["page_context"] == before


def _written_index(config: MkDocsConfig, contents: list[str]) -> bytes:
    """The index file the build's post_build handlers write for ``contents``."""
    index = config.plugins["material/search"].search_index
    index.entries.clear()  # (MkDocs may hand two loads the same plugin)
    _index(config, contents)
    # what a page's entries may hold beyond plain text: other scripts, quotes, escapes,
    # a lone surrogate, a value only ``default=str`` writes
    index.entries.append({"location": "x/", "title": 'Kab. "Sukamaju" \\ ÷ 𝔸 \ud800 \u202e',
                          "text": "ꦗꦮ", "path": Path("p")})
    config.plugins.on_post_build(config=config)
    return (Path(config.site_dir) / "search" / "search_index.json").read_bytes()


@pytest.mark.parametrize("docs", [0, 1, 1100])
def test_the_streamed_index_is_the_index_material_writes(tmp_path: Path, docs: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The index written a few documents at a time (searchcache.stream_index: the whole
    text, its bytes and its parts were a build's peak memory) is Material's, byte for byte,
    for no document, one, and more than one part of them."""
    from warta.mkdocs_plugin import searchcache

    monkeypatch.setattr(searchcache, "DOCS_AT_ONCE", 512)
    contents = [CONTENTS[n % len(CONTENTS)] for n in range(docs)]
    plain = _config(tmp_path, "plain")
    streamed = _config(tmp_path, "streamed")
    before = list(streamed.plugins.events["post_build"])
    assert searchcache.stream_index(streamed), "the installed Material is the one it knows"
    assert streamed.plugins.events["post_build"] != before
    assert len(streamed.plugins.events["post_build"]) == len(before)
    written = _written_index(streamed, contents)
    assert written == _written_index(plain, contents)
    assert written.count(b'"location"') > docs // 2


def test_another_index_writer_is_left_alone(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from warta.mkdocs_plugin import searchcache

    monkeypatch.setattr(searchcache, "KNOWN_GENERATE", "0" * 64)
    config = _config(tmp_path, "other")
    before = list(config.plugins.events["post_build"])
    assert searchcache.stream_index(config) is False
    assert config.plugins.events["post_build"] == before
