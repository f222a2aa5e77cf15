"""The search index finds every published body to its end, and carries no text twice: the
headline is the entry's title, not also its text."""

from __future__ import annotations

import json
import re

from sitekit import SiteRepo

from conftest import Built
from warta.adapters.frontmatter import split


def _entries(built: Built) -> list[dict[str, str]]:
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs: list[dict[str, str]] = index["docs"]
    return docs


def test_the_last_word_of_every_published_body_is_found_on_its_page(
    built: Built, site_repo: SiteRepo
) -> None:
    entries = _entries(built)
    for item in site_repo.published():
        body = split(item.path.read_text(encoding="utf-8")).body
        words = re.findall(r"[^\W_]{4,}", re.sub(r"<[^>]*>|\([^)]*\)|\[|\]", " ", body))
        last = words[-1].lower()
        texts = " ".join(
            e["text"].lower() for e in entries if e["location"].split("#")[0] == item.url
        )
        assert last in texts, (item.url, last)


def test_the_headline_is_the_entry_s_title_not_its_text(
    built: Built, site_repo: SiteRepo
) -> None:
    entries = _entries(built)
    for item in site_repo.published():
        page = [e for e in entries if e["location"] == item.url]
        assert len(page) == 1, item.url
        assert page[0]["title"]
        assert not page[0]["text"].startswith(page[0]["title"]), item.url


def test_an_item_page_is_indexed_by_its_body_s_sections_only(
    built: Built, site_repo: SiteRepo
) -> None:
    """The share row and the related news are left out of search (data-search-exclude): no
    entry of theirs, not even an empty one under their headings (Material makes a section
    of every heading with an id, excluded or not). The sample's items share no category, so
    the share row's heading is the one this meets; the related news' heading is made the same
    way."""
    entries = _entries(built)
    for item in site_repo.published():
        text = (built.site / item.url / "index.html").read_text(encoding="utf-8")
        assert 'class="warta-share"' in text, item.url
        anchors = {
            e["location"].split("#", 1)[1]
            for e in entries
            if e["location"].startswith(item.url + "#")
        }
        assert not {a for a in anchors if a.startswith("warta-")}, (item.url, anchors)
