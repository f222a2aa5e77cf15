"""The sample site renders the same pages: a snapshot of every HTML page of this repository's
own sample newsroom (``warta build`` of the checkout, pinned to its trust root).

For each page the snapshot holds its ``<title>``, the visible text of its content area
(Material's ``<article class="md-content__inner">``: scripts and styles left out, whitespace
collapsed) and the links (``href``) there, in order. It pins what readers see and where it
leads, not the markup around it.

When a deliberate change alters the pages, regenerate the fixture and commit it on its own,
saying why::

    WARTA_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/site/test_site_snapshot.py

(the test then writes ``snapshots/sample_pages.json`` and compares the build with it).
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import MAIN, Repo

FIXTURE = Path(__file__).parent / "snapshots" / "sample_pages.json"
CONTENT_CLASS = "md-content__inner"
SKIPPED = frozenset({"script", "style", "template"})
#: Elements without an end tag: they never open a level of nesting.
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


class _Reader(HTMLParser):
    """The title, and the text and links of the content area, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self._in_title = False
        self._depth = 0  # nesting inside the content area (0: outside)
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self._depth:  # the page's, not an SVG's in the content
            self._in_title = True
        if tag in SKIPPED:
            self._skipping += 1
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            if tag not in VOID:
                self._depth += 1
            href = dict(attrs).get("href")
            if tag == "a" and href is not None:
                self.links.append(href)
        elif tag == "article" and CONTENT_CLASS in classes:
            self._depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._depth and tag not in VOID:
            self._depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in SKIPPED and self._skipping:
            self._skipping -= 1
        if self._depth and tag not in VOID:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif self._depth and not self._skipping:
            self.text.append(data)


def _normal(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def page_snapshot(source: str) -> dict[str, object]:
    reader = _Reader()
    reader.feed(source)
    reader.close()
    return {
        "title": _normal(reader.title),
        "text": _normal(reader.text),
        "links": reader.links,
    }


def site_snapshot(site: Path) -> dict[str, dict[str, object]]:
    return {
        path.relative_to(site).as_posix(): page_snapshot(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``warta build`` of this checkout's sample, pinned to its own trust root (so that the
    provenance box names the pin, not a date of first use)."""
    checkout = Repo(MAIN, {})  # its CLI, with this session's XDG folders and no pin
    shown = checkout.cli("trust", "show")
    assert shown.returncode == 0, shown.stderr
    pin = shown.stdout.split()[0]
    out = tmp_path_factory.mktemp("sample") / "site"
    built = checkout.cli("build", "-d", str(out), "--trust-root", pin)
    assert built.returncode == 0, built.stderr
    return out


def test_the_sample_site_renders_the_same_pages(sample: Path) -> None:
    found = site_snapshot(sample)
    if os.environ.get("WARTA_UPDATE_SNAPSHOT"):
        FIXTURE.write_text(
            json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected), "the set of pages changed"
    for path, snapshot in expected.items():
        assert found[path] == snapshot, path


def test_the_reader_sees_only_the_content_area() -> None:
    source = (
        "<html><head><title>Judul &amp; Situs</title><script>x()</script></head><body>"
        '<nav><a href="/nav/">Menu</a></nav>'
        '<article class="md-content__inner md-typeset"><h1>Judul</h1>'
        '<p>Satu <b>dua</b><br>tiga <img src="a.png" alt="foto"></p>'
        '<script>alert(1)</script><a href="x/">Tautan</a></article>'
        "<footer>Kaki</footer></body></html>"
    )
    assert page_snapshot(source) == {
        "title": "Judul & Situs",
        "text": "Judul Satu dua tiga Tautan",
        "links": ["x/"],
    }
