"""The lists (news, archive month, category, reporter): paginated with a bounded window of
page links, every item reachable by following them, every text from signed fields printed
literally (escaped, never read as Markdown or HTML), and no page taking an item's URL.

One real repository with twelve approved items, all in one hostile category, one month and
by one reporter whose roster name is hostile, built by ``warta build --strict`` with
``per_page: 1``: each list has twelve pages.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sitekit import Item, SiteRepo, add_item, copy_site_config
from xsscheck import text_of

from helpers import make_repo
from warta.model.closure import Reserved
from warta.site import audit, pages
from warta.site.article import Article, Signer
from warta.site.catalogue import Catalogue
from warta.site.text import page_url
from warta.site.views import WINDOW, window

SITE_NAME = "Warta Kabupaten Sukamaju"
COUNT = 12
#: The feeds carry the five newest.
FED = "feed_items: 5"
#: At most this many numbered page links on any page of a list: first, last, the current
#: page and WINDOW on each side, and a page in place of a gap of one.
MOST_LINKS = 2 * WINDOW + 5
CATEGORY = 'Sektor <b>Tebal</b> *bintang* <script>alert("k")</script> & "kutip"'
AUTHOR = 'Dimas <i>miring</i> _garis_ "><script>alert(9)</script> &amp; Co.'
#: What Markdown or a browser would make of the texts above if they were not escaped.
ARTEFACTS = ("<b>", "<i>", "<em>", "<strong>", "<code>kode", "<script>alert", 'href="https://evil')


def _title(k: int) -> str:
    return f"Judul {k} *bintang* **kuat** <b>tebal</b> `kode` [tautan](https://evil.example/)"


@dataclass(frozen=True)
class Listed:
    site: SiteRepo
    out: Path
    items: tuple[Item, ...]
    stderr: str

    def page(self, url: str) -> str:
        return (self.out / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Listed:
    root = tmp_path_factory.mktemp("listings")
    repo = make_repo(root / "repo", keys)
    copy_site_config(repo.root)
    config = repo.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("per_page: 10", "per_page: 1").replace("feed_items: 20", FED))
    roster = repo.read("workflow/roster.yml")
    repo.write_roster(roster.replace("name: Dimas Prasetyo, A.Md.", f"name: {json.dumps(AUTHOR)}"))
    repo.sign_workflow()
    repo.commit_all("per_page 1, roster")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin
    site = SiteRepo(repo)
    items = tuple(
        add_item(
            site,
            f"daftar{k}",
            title=_title(k),
            slug=f"daftar-{k}",
            day=f"2026-10-{k:02d}",
            body=f"KABUPATEN – Isi berita {k}.\n",
            categories=[CATEGORY],
            steps=5,
            published=True,
            description=f"Ringkasan {k} _miring_ <i>miring</i>",
        )
        for k in range(1, COUNT + 1)
    )
    # one more in the same lists, not approved: the audit looks for it in every page
    add_item(
        site,
        "kanari",
        title="Kanari Belum Disetujui",
        slug="kanari-belum",
        day="2026-10-13",
        body="KABUPATEN – Isi kanari.\n",
        categories=[CATEGORY],
        steps=4,
    )
    out = root / "site"
    result = site.warta("build", "--strict", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Listed(site, out, items, result.stderr)


#: Each list's folder; the category's slug comes from its name.
LISTS = (
    "berita/",
    "arsip/2026/10/",
    "kategori/sektor-b-tebal-b-bintang-script-alert-k-script-kutip/",
    "reporter/dimas/",
)


def _page_url(folder: str, number: int) -> str:
    return folder if number == 1 else f"{folder}halaman/{number}/"


def _resolve(base: str, href: str) -> str:
    joined = posixpath.normpath(posixpath.join("/" + base, href))
    return joined.lstrip("/") + "/"


def _nav(source: str) -> str:
    found = re.search(r'<nav class="warta-pagination".*?</nav>', source, re.S)
    assert found is not None
    return found.group(0)


def test_the_build_and_its_audit_accept_every_list_page(listed: Listed) -> None:
    assert "site.unaccounted" not in listed.stderr
    for folder in LISTS:
        for number in range(1, COUNT + 1):
            assert (listed.out / _page_url(folder, number) / "index.html").is_file()
        assert not (listed.out / folder / "halaman" / str(COUNT + 1)).exists()
        assert not (listed.out / folder / "halaman" / "1").exists()


@pytest.mark.parametrize("folder", LISTS)
def test_each_list_page_links_a_bounded_window(listed: Listed, folder: str) -> None:
    for number in range(1, COUNT + 1):
        url = _page_url(folder, number)
        nav = _nav(listed.page(url))
        numbered = re.findall(r"<li><(?:a href=\"[^\"]*\"|span aria-current=\"page\")>(\d+)<", nav)
        assert len(numbered) <= MOST_LINKS, (url, numbered)
        assert numbered[0] == "1" and numbered[-1] == str(COUNT)
        assert re.findall(r'aria-current="page">(\d+)<', nav) == [str(number)]
        assert f"Halaman {number} dari {COUNT}" in nav
        prev = re.findall(r'<a rel="prev" href="([^"]+)"', nav)
        nxt = re.findall(r'<a rel="next" href="([^"]+)"', nav)
        assert [_resolve(url, h) for h in prev] == (
            [_page_url(folder, number - 1)] if number > 1 else []
        )
        assert [_resolve(url, h) for h in nxt] == (
            [_page_url(folder, number + 1)] if number < COUNT else []
        )
    middle = _nav(listed.page(_page_url(folder, 6)))
    assert middle.count('class="warta-pagination__gap"') == 2


@pytest.mark.parametrize("folder", LISTS)
def test_every_item_is_reachable_through_the_page_links(listed: Listed, folder: str) -> None:
    seen, todo, cards = set(), [folder], []
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        source = listed.page(url)
        cards += [
            _resolve(url, h)
            for h in re.findall(r'class="warta-card__title"><a href="([^"]+)"', source)
        ]
        todo += [_resolve(url, h) for h in re.findall(r'href="([^"]+)"', _nav(source))]
    assert seen == {_page_url(folder, n) for n in range(1, COUNT + 1)}
    assert sorted(cards) == sorted(i.url for i in listed.items)


def test_texts_stay_literal_on_every_listing_kind(listed: Listed) -> None:
    shown = [_page_url(folder, n) for folder in LISTS for n in range(1, COUNT + 1)]
    shown += ["", "kategori/", "reporter/", "arsip/"]
    for url in shown:
        source = listed.page(url)
        article = source.split('<article class="md-content__inner')[1].split("</article>")[0]
        if not url:  # the home page's own text is Markdown: only its latest news
            article = article.split('<div class="warta-latest"')[1]
        for artefact in ARTEFACTS:
            assert artefact not in article, (url, artefact)
        for title in re.findall(r'class="warta-card__title">(.*?)</h[23]>', article):
            assert text_of(title) in {i.title for i in listed.items}, url
        for summary in re.findall(r'<p class="warta-card__summary">(.*?)</p>', article):
            assert re.fullmatch(r"Ringkasan \d+ _miring_ <i>miring</i>", text_of(summary))
        for link in re.findall(r'<a class="warta-category" href="[^"]*">(.*?)</a>', article):
            assert text_of(link) == CATEGORY, url
    category = listed.page(_page_url(LISTS[2], 2))
    assert text_of(category.split("<title>")[1].split("</title>")[0]) == (
        f"{CATEGORY} — halaman 2 - {SITE_NAME}"
    )
    reporter = listed.page(LISTS[3])
    assert text_of(reporter.split("<title>")[1].split("</title>")[0]) == (
        f"Reporter: {AUTHOR} - {SITE_NAME}"
    )
    index = listed.page("reporter/")
    names = re.findall(r'<ul class="warta-reporters">.*?<a href="dimas/">(.*?)</a>', index, re.S)
    assert [text_of(n) for n in names] == [AUTHOR]
    categories = listed.page("kategori/")
    assert text_of(categories.split("<h2>Sektor / OPD</h2>")[1].split("</ul>")[0]).strip() == (
        f"{CATEGORY} ({COUNT} berita)"
    )


def test_the_build_keeps_only_the_bodies_the_feeds_carry(
    listed: Listed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warta.mkdocs_plugin import commands
    from warta.site import feeds

    kept: list[tuple[list[str], set[str]]] = []
    real = feeds.json_feed

    def recording(articles: Any, channel: Any, zone: Any, bodies: Any) -> str:
        kept.append(([a.src_uri for a in articles], set(bodies)))
        return real(articles, channel, zone, bodies)

    monkeypatch.setattr(feeds, "json_feed", recording)
    monkeypatch.setenv("WARTA_TRUST_ROOT", listed.site.repo.env["WARTA_TRUST_ROOT"])
    out = commands.build_site(listed.site.root / "mkdocs.yml", site_dir=tmp_path / "site")
    newest = [f"berita/2026/daftar-{k}/index.md" for k in range(COUNT, COUNT - 5, -1)]
    assert kept == [(newest, set(newest))]
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert [bool(i["content_html"]) for i in feed["items"]] == [True] * 5


# ---- without a build ------------------------------------------------------------------------

WIB = ZoneInfo("Asia/Jakarta")


def _article(n: int, categories: tuple[str, ...]) -> Article:
    day = date(2026, 1, 1) + timedelta(days=n % 300)
    return Article(
        id=f"id-{n}",
        src_path=f"content/berita/2026/b{n}/index.md",
        src_uri=f"berita/2026/b{n}/index.md",
        title=f"Berita {n}",
        description="",
        day=day,
        published=datetime(day.year, day.month, day.day, 10, tzinfo=WIB) + timedelta(minutes=n),
        categories=categories,
        tags=(),
        body="",
        image=None,
        reporter=Signer("dimas", "Dimas", "Staf"),
        approval=None,
        trail=(),
        status="disetujui",
    )


@pytest.mark.parametrize("total", [1, 2, 5, 6, 7, 8, 9, 10, 30, 100])
def test_the_window_is_bounded_and_leaves_no_page_unreachable(total: int) -> None:
    for number in range(1, total + 1):
        shown = window(number, total)
        numbers = [n for n in shown if n is not None]
        assert len(numbers) <= MOST_LINKS
        assert numbers == sorted(set(numbers))
        assert {1, total, number} <= set(numbers)
        assert set(range(max(1, number - WINDOW), min(total, number + WINDOW) + 1)) <= set(numbers)
        for before, gap, after in zip(shown, shown[1:], shown[2:], strict=False):
            if gap is None:
                assert before is not None and after is not None and after - before > 2
        assert shown[0] == 1 and shown[-1] == total


def test_a_category_of_thirty_pages_is_paginated_in_linear_output() -> None:
    def category(count: int) -> list[pages.GeneratedPage]:
        catalogue = Catalogue.of(_article(n, ("Kesehatan",)) for n in range(count))
        return [p for p in pages.category_pages(catalogue, per_page=3) if "kesehatan" in p.src_uri]

    thirty = category(90)
    assert [p.src_uri for p in thirty[:2]] == [
        "kategori/kesehatan/index.md",
        "kategori/kesehatan/halaman/2/index.md",
    ]
    assert len(thirty) == 30
    hrefs = []
    for page in thirty:
        body = page.body
        nav = _nav(body)
        assert len(re.findall(r"<li><(?:a href|span aria-current)", nav)) <= MOST_LINKS
        hrefs += [
            _resolve(page.url, h)
            for h in re.findall(r'class="warta-card__title"><a href="([^"]+)"', body)
        ]
    assert sorted(hrefs) == sorted(f"berita/2026/b{n}/" for n in range(90))
    # ten times the pages, ten times the output (not a hundred): each page's links are bounded
    size = sum(len(p.body) for p in thirty)
    three_hundred = sum(len(p.body) for p in category(900))
    assert three_hundred < 10.5 * size


def test_no_list_page_takes_an_item_url_or_a_page_of_another_list() -> None:
    names = ("Halaman", "2026", "Kecamatan Halaman", "halaman 2", "Berita")
    catalogue = Catalogue.of(_article(n, (names[n % len(names)],)) for n in range(60))
    generated = [
        *pages.news_pages(catalogue, 2),
        *pages.archive_pages(catalogue, 2),
        *pages.category_pages(catalogue, 2),
        *pages.reporter_pages(catalogue, 2),
    ]
    uris = [p.src_uri for p in generated]
    assert len(uris) == len(set(uris))
    assert "kategori/halaman/halaman/2/index.md" in uris
    items = {a.url for a in catalogue.articles}
    for page in generated:
        assert page.url not in items
        assert not re.match(r"^berita/[0-9]{4}/", page.url), page.url
        assert audit.tokens([(f"content/{page.src_uri}", None, None)]) == []
        # a file of the site's own can never take a list page's place
        assert Reserved().holder(page_url(page.src_uri) + "index.html") is not None
