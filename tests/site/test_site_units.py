"""warta.site as pure functions: dates, URLs, the gate's file selection, listings, item parts,
feeds and the SOP page, on objects built in code."""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from warta.site import audit, feeds, item_page, pages, views
from warta.site.article import Approval, Article, LeadImage, Signer
from warta.site.catalogue import Catalogue
from warta.site.dates import day_label, moment_label, month_label, rfc3339
from warta.site.photo import LEAD_SIZES, Photo, Rendition, picture
from warta.site.text import page_url, relative_url, slugify, unique_slugs

WIB = ZoneInfo("Asia/Jakarta")
EVIL = "<script>alert(\"x\")</script> & 'kutip'"


def art(
    n: int,
    *,
    title: str | None = None,
    categories: tuple[str, ...] = ("Kecamatan Cibening", "Infrastruktur"),
    image: LeadImage | None = None,
    draft: bool = False,
) -> Article:
    day = date(2026, 10, 1) + timedelta(days=n)
    at = datetime(day.year, day.month, day.day, 10, 8, tzinfo=WIB)
    kabag = Signer("hendra", "Hendra Wijaya", "Kepala Bagian Kominfo dan Humas")
    return Article(
        id=f"id-{n}",
        src_path=f"content/berita/2026/b{n}/index.md",
        src_uri=f"berita/2026/b{n}/index.md",
        title=title or f"Berita {n}",
        description=f"Ringkasan {n}",
        day=day,
        published=at,
        categories=categories,
        tags=(),
        body="Isi.\n",
        image=image,
        reporter=Signer("dimas", "Dimas Prasetyo", "Staf Sub Bagian Humas"),
        approval=None if draft else Approval(kabag, at, "sha256:" + "ab" * 32),
        trail=(),
        status="ditulis" if draft else "disetujui",
        draft=draft,
    )


# ---- dates ------------------------------------------------------------------------------


def test_dates_read_like_pemda_news() -> None:
    assert day_label(date(2017, 9, 4)) == "Senin, 4 September 2017"
    assert day_label(date(2026, 11, 27)) == "Jumat, 27 November 2026"
    assert month_label(2026, 10) == "Oktober 2026"


@pytest.mark.parametrize(
    ("zone", "expected", "offset"),
    [
        ("Asia/Jakarta", "Senin, 2 November 2026 pukul 10.08 WIB", "+07:00"),
        ("Asia/Makassar", "Senin, 2 November 2026 pukul 11.08 WITA", "+08:00"),
        ("Asia/Jayapura", "Senin, 2 November 2026 pukul 12.08 WIT", "+09:00"),
    ],
)
def test_moments_in_the_office_zone(zone: str, expected: str, offset: str) -> None:
    moment = datetime(2026, 11, 2, 3, 8, tzinfo=UTC)
    assert moment_label(moment, ZoneInfo(zone)) == expected
    assert rfc3339(moment, ZoneInfo(zone)).endswith(offset)


# ---- text and urls -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "origin", "expected"),
    [
        ("berita/2026/a/", "", "berita/2026/a/"),
        ("berita/2026/a/", "berita/", "2026/a/"),
        ("berita/", "berita/halaman/2/", "../../"),
        ("kategori/x/", "berita/2026/a/", "../../../kategori/x/"),
        ("", "sop/", "../"),
        ("berita/2026/a/images/f.svg", "berita/2026/a/", "images/f.svg"),
        ("feed.json", "arsip/2026/10/", "../../../feed.json"),
    ],
)
def test_relative_url(target: str, origin: str, expected: str) -> None:
    assert relative_url(target, origin) == expected


def test_a_picture_links_each_copy_as_relative_url_does_from_every_kind_of_page() -> None:
    folders = ["berita/2026/a/images", "berita/2026/a", "berita/2026/ab/img", "foto", ""]
    pages_at = [
        "", "berita/", "berita/2026/a/", "berita/2026/a/images/", "berita/2026/a/images/x/",
        "berita/2026/ab/", "berita/halaman/2/", "kategori/x/", "index.html", "berita/2026/a.html",
    ]
    for folder in folders:
        at = f"{folder}/" if folder else ""
        shown = Photo(
            960,
            540,
            tuple(Rendition(f"{at}f.jpg-{w}w.jpg", w) for w in (480, 960)),
            tuple(Rendition(f"{at}f.jpg-{w}w.webp", w) for w in (480, 960)),
        )
        for origin in pages_at:
            made = picture(shown, origin, LEAD_SIZES)
            want = [relative_url(r.path, origin) for r in shown.jpeg]
            assert made.src == want[-1], (folder, origin)
            assert made.srcset == f"{want[0]} 480w, {want[1]} 960w", (folder, origin)
            webp = [relative_url(r.path, origin) for r in shown.webp]
            assert made.webp == f"{webp[0]} 480w, {webp[1]} 960w", (folder, origin)


def test_a_card_made_once_for_a_folder_is_the_card_of_every_page_in_it() -> None:
    """Cards.card (one card for all the pages of a folder) links as card() does from each
    page, also from pages inside the article's folder, its photos' or a category's."""
    photo = Photo(
        960,
        540,
        tuple(Rendition(f"berita/2026/b1/images/f.jpg-{w}w.jpg", w) for w in (480, 960)),
        tuple(Rendition(f"berita/2026/b1/images/f.jpg-{w}w.webp", w) for w in (480, 960)),
    )
    articles = [
        replace(art(1), image=LeadImage("images/f.jpg", "Foto"), photo=photo),
        art(2, image=LeadImage("../b1/images/f.jpg", "Foto lain")),
        replace(art(3), src_uri="berita/2026/b1/sub/index.md"),  # inside b1's folder
        art(4, categories=("Kesehatan",)),
    ]
    catalogue = Catalogue.of(articles)
    cards = views.Cards(catalogue)
    pages_at = [
        "", "berita/", "berita/2026/", "berita/2026/b1/", "berita/2026/b1/sub/",
        "berita/2026/b1/images/", "berita/2026/b1/images/x/", "berita/2026/b2/",
        "berita/2026/b4/", "berita/2025/b9/", "kategori/kesehatan/", "kategori/x/",
        "berita/halaman/2/", "index.html", "berita/2026/b1.html", "berita/2026/b2/p.html",
    ]
    for _ in range(2):  # made, then taken from what was made
        for origin in pages_at:
            for article in catalogue.articles:
                assert cards.card(article, origin) == views.card(article, catalogue, origin), (
                    article.src_uri,
                    origin,
                )


def test_page_urls_and_slugs() -> None:
    assert page_url("index.md") == ""
    assert page_url("berita/halaman/2/index.md") == "berita/halaman/2/"
    assert page_url("tentang.md") == "tentang/"
    assert slugify("Pertanian & <Pangan>") == "pertanian-pangan"
    assert slugify("Jalan Ciputat–Ciledug") == "jalan-ciputat-ciledug"
    assert slugify("!!!") == "x"
    assert unique_slugs(["A b", "a-b", "A_B"]) == {"A b": "a-b", "A_B": "a-b-2", "a-b": "a-b-3"}
    # names already taken keep their slugs; the others fold around them
    taken = {"a-b": "a-b"}
    assert unique_slugs(["A b", "a-b"], taken) == {"a-b": "a-b", "A b": "a-b-2"}
    assert taken == {"a-b": "a-b"}


# ---- listings --------------------------------------------------------------------------------


def test_news_pages_paginate_newest_first() -> None:
    catalogue = Catalogue.of(art(n) for n in range(25))
    generated = pages.news_pages(catalogue, per_page=10)
    assert [p.src_uri for p in generated] == [
        "berita/index.md",
        "berita/halaman/2/index.md",
        "berita/halaman/3/index.md",
    ]
    assert generated[0].body.count('class="warta-card"') == 10
    assert generated[2].body.count('class="warta-card"') == 5
    assert 'href="2026/b24/"' in generated[0].body  # newest first
    assert "Halaman 3 dari 3" in generated[2].body
    assert 'rel="next"' not in generated[2].body


def test_neighbours_and_find_follow_the_listing_order() -> None:
    catalogue = Catalogue.of(art(n) for n in range(5))  # newest first: b4 … b0
    middle = catalogue.find("berita/2026/b2/index.md")
    assert middle is not None and middle.title == "Berita 2"
    older, newer = catalogue.neighbours(middle)
    assert (older and older.title, newer and newer.title) == ("Berita 1", "Berita 3")
    assert catalogue.neighbours(catalogue.articles[0])[1] is None  # the newest has no newer
    assert catalogue.neighbours(catalogue.articles[-1])[0] is None
    assert catalogue.find("berita/2026/b9/index.md") is None


def test_an_empty_catalogue_still_has_its_pages() -> None:
    empty = Catalogue.of([])
    assert [p.src_uri for p in pages.news_pages(empty, 10)] == ["berita/index.md"]
    assert pages.EMPTY in pages.news_pages(empty, 10)[0].body
    assert [p.src_uri for p in pages.archive_pages(empty)] == ["arsip/index.md"]
    assert pages.EMPTY in pages.latest_block(empty, 5)


def test_generated_pages_escape_every_text() -> None:
    catalogue = Catalogue.of([art(1, title=EVIL, categories=(EVIL,))])
    generated = [
        *pages.news_pages(catalogue, 10),
        *pages.archive_pages(catalogue),
        *pages.category_pages(catalogue),
        *pages.reporter_pages(catalogue),
    ]
    for page in generated:
        assert "<script>" not in page.body, page.src_uri
        assert "<script>" not in str(page.meta()), page.src_uri
    category = next(p for p in generated if p.src_uri.startswith("kategori/script"))
    assert category.title == EVIL
    assert category.meta()["title"] == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;kutip&#x27;"
    )
    assert category.meta()["search"] == {"exclude": True}


def test_item_parts_escape_every_text() -> None:
    image = LeadImage("images/a.jpg", EVIL, EVIL, EVIL)
    article = art(1, title=EVIL, image=image)
    reporter = Signer("x", EVIL, EVIL)
    article = replace(article, reporter=reporter)
    catalogue = Catalogue.of([article])
    from helpers import MAIN
    from warta.adapters.workflow import load_sop

    sop, _ = load_sop(MAIN)
    out = item_page.item_html(
        article,
        "<p>isi</p>",
        sop=sop,
        zone=WIB,
        trust_fingerprint="sha256:00",
        catalogue=catalogue,
    )
    assert "<script>" not in out
    assert out.count("&lt;script&gt;") >= 5


def test_draft_banner_only_on_drafts() -> None:
    from helpers import MAIN
    from warta.adapters.workflow import load_sop

    sop, _ = load_sop(MAIN)
    for draft in (False, True):
        article = art(1, draft=draft)
        out = item_page.item_html(
            article,
            "",
            sop=sop,
            zone=WIB,
            trust_fingerprint="sha256:00",
            catalogue=Catalogue.of([article]),
        )
        assert (item_page.DRAFT_TEXT in out) is draft


def test_verify_command_quotes_paths() -> None:
    article = replace(art(1), src_path="content/berita/2026/a b/index.md")
    assert item_page.verify_command(article, "sha256:ff") == (
        "warta verify 'content/berita/2026/a b/index.md' --trust-root sha256:ff"
    )


# ---- feeds ---------------------------------------------------------------------------------

CHANNEL = feeds.Channel("Warta & <Co>", "Berita", "https://warta.test/sub")


def test_rss_is_well_formed_with_zone_offsets_and_absolute_urls() -> None:
    articles = Catalogue.of([art(1, title=EVIL), art(2)]).articles
    bodies = {articles[0].src_uri: '<p><img src="images/a.jpg"> <a href="#x">x</a></p>'}
    root = ET.fromstring(feeds.rss(articles, CHANNEL, WIB, bodies))
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Warta & <Co>"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Berita 2", EVIL]
    assert items[0].findtext("link") == "https://warta.test/sub/berita/2026/b2/"
    assert items[0].findtext("pubDate") == "Sat, 03 Oct 2026 10:08:00 +0700"
    encoded = items[0].findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded == (
        '<p><img src="https://warta.test/sub/berita/2026/b2/images/a.jpg">'
        ' <a href="https://warta.test/sub/berita/2026/b2/#x">x</a></p>'
    )


def test_rss_drops_characters_xml_cannot_hold() -> None:
    text = feeds.rss([art(1, title="A\x0bB")], CHANNEL, WIB, {})
    assert ET.fromstring(text).findtext("channel/item/title") == "AB"


def test_json_feed_1_1() -> None:
    image = LeadImage("images/a.jpg", "Foto")
    articles = Catalogue.of([art(1, title=EVIL, image=image)]).articles
    feed = json.loads(feeds.json_feed(articles, CHANNEL, ZoneInfo("Asia/Makassar"), {}))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == "https://warta.test/sub/"
    (item,) = feed["items"]
    assert item["title"] == EVIL
    assert item["date_published"] == "2026-10-02T11:08:00+08:00"
    assert item["image"] == "https://warta.test/sub/berita/2026/b1/images/a.jpg"
    assert item["content_text"] == "Ringkasan 1"
    assert item["tags"] == ["Kecamatan Cibening", "Infrastruktur"]


# ---- the post-build audit ----------------------------------------------------------------

SITE = "https://warta.sukamajukab.go.id/"


def test_audit_tokens_are_the_unpublished_urls_and_ids_no_published_item_holds() -> None:
    unpublished = [
        ("content/berita/2026/draf/index.md", "20261101-draf", "berita/2026/draf/"),
        # moved away from its signed URL: both where it lies and where its slug says
        ("content/berita/2026/pindah/index.md", "20261102-asli", "berita/2026/asli/"),
        # a junk copy of a published item: its id and URL betray nothing
        ("content/berita/2026/0-sampah/index.md", "20261103-terbit", "berita/2026/terbit/"),
        ("content/berita/2026/rusak/index.md", None, None),
    ]
    published = [("20261103-terbit", "berita/2026/terbit/")]
    assert [(t.kind, t.text) for t in audit.tokens(unpublished, published)] == [
        ("URL", "berita/2026/draf/"),
        ("id", "20261101-draf"),
        ("URL", "berita/2026/asli/"),
        ("URL", "berita/2026/pindah/"),
        ("id", "20261102-asli"),
        ("URL", "berita/2026/0-sampah/"),
        ("URL", "berita/2026/rusak/"),
    ]


def test_audit_follows_links_wherever_they_are_written() -> None:
    draft = audit.Token("berita/2026/desa-1/", "URL", "content/berita/2026/desa-1/index.md")
    outputs = [
        ("index.html", '<a href="berita/2026/desa-1/">x</a>'),
        ("tentang/index.html", '<a href="../berita/2026/desa-1/#a">x</a>'),
        ("berita/index.html", '<img src="2026/desa-1/images/foto.jpg">'),
        ("arsip/index.html", f'<a href="{SITE}berita/2026/desa-1/">x</a>'),
        ("sitemap.xml", f"<url><loc>{SITE}berita/2026/desa-1/</loc></url>"),
        ("search/search_index.json", '{"docs": [{"location": "berita/2026/desa-1/#judul"}]}'),
        (
            "feed.json",
            f'{{"items": [{{"content_html": "<a href=\\"{SITE}berita/2026/desa-1/\\">"}}]}}',
        ),
        ("berita/2026/desa-1/index.html", "<p>isi</p>"),
    ]
    found = [(leak.output, leak.where) for leak in audit.leaks(outputs, [draft], SITE)]
    assert found == [
        ("index.html", "a link"),
        ("tentang/index.html", "a link"),
        ("berita/index.html", "a link"),
        ("arsip/index.html", "a link"),
        ("sitemap.xml", "an entry"),
        ("search/search_index.json", "an entry"),
        ("feed.json", "a link"),
        ("berita/2026/desa-1/index.html", "its name"),
    ]


def test_audit_never_mistakes_desa_1_for_desa_10_nor_text_for_a_link() -> None:
    """Overlapping URLs, titles and a one-letter id in honest output are no leak."""
    tokens = [
        audit.Token("berita/2026/desa-1/", "URL", "content/berita/2026/desa-1/index.md"),
        audit.Token("a", "id", "content/berita/2026/a/index.md"),
    ]
    outputs = [
        ("index.html", '<a href="berita/2026/desa-10/">Pembangunan Desa 10</a> a a a'),
        ("berita/2026/desa-10/index.html", "<p>berita/2026/desa-1/ disebut dalam teks</p>"),
        ("feed.json", '{"items": [{"id": "b", "title": "a"}]}'),
        ("feed.xml", "<item><guid>b</guid><title>a</title></item>"),
    ]
    assert audit.leaks(outputs, tokens, SITE) == []
    leaked = audit.leaks([("feed.xml", "<guid>a</guid>")], tokens, SITE)
    assert [(leak.output, leak.where) for leak in leaked] == [("feed.xml", "a feed entry")]
    assert leaked[0].message() == (
        "feed.xml: a feed entry leads to the id 'a' of content/berita/2026/a/index.md, which"
        " may not be published"
    )


def test_audit_allows_the_withdrawal_notice_page_and_nothing_else_at_its_url() -> None:
    """A withdrawn item's notice may be at its URL and link to itself; any other file there
    (its photo), any link from the notice into the folder, and any other output leading to
    the notice (a list, the sitemap, the search index, a feed) is a leak."""
    ditarik = audit.Token("berita/2026/curug/", "URL", "content/berita/2026/curug/index.md")
    notice = (
        "berita/2026/curug/index.html",
        f'<meta name="robots" content="noindex"><link rel="canonical" href="{SITE}berita/2026/'
        'curug/"><a href="./">x</a><a href="#judul">y</a><meta content="Deskripsi situs">',
    )
    assert audit.leaks([notice], [ditarik], SITE, ["berita/2026/curug/"]) == []
    outputs = [
        (notice[0], notice[1] + '<img src="images/foto.jpg">'),
        ("berita/2026/curug/images/foto.jpg", "JFIF"),
        ("berita/index.html", '<a href="2026/curug/">x</a>'),
        ("sitemap.xml", f"<url><loc>{SITE}berita/2026/curug/</loc></url>"),
        ("search/search_index.json", '{"docs": [{"location": "berita/2026/curug/"}]}'),
    ]
    found = audit.leaks(outputs, [ditarik], SITE, ["berita/2026/curug/"])
    assert [(leak.output, leak.where) for leak in found] == [
        ("berita/2026/curug/index.html", "a link"),
        ("berita/2026/curug/images/foto.jpg", "its name"),
        ("berita/index.html", "a link"),
        ("sitemap.xml", "an entry"),
        ("search/search_index.json", "an entry"),
    ]
    # without a notice the page itself is a leak
    assert audit.leaks([notice], [ditarik], SITE) != []


def test_audit_never_claims_a_page_warta_generates() -> None:
    """A junk file at berita/halaman/2/index.md lies where a generated list page lives: its
    folder is no item's URL (years are digits), so the honest page is no leak."""
    found = audit.tokens([("content/berita/halaman/2/index.md", None, None)])
    assert found == []
    page = ("berita/index.html", '<a href="halaman/2/">2</a>')
    assert audit.leaks([page], found, SITE) == []


def test_rendering_has_a_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown's parser takes quadratic time on thousands of unclosed '<a': rendering has a
    time budget; past it the renderer says so (BodyTooComplex) and stays usable."""
    from pathlib import Path

    from warta.adapters import render
    from warta.adapters.siteconfig import read_site_config
    from warta.adapters.sitemanifest import Allow
    from warta.model.closure import BodyTooComplex
    from warta.site.sanitize import Policy

    config, _ = read_site_config(Path(__file__).resolve().parents[2], Allow())
    assert config is not None
    monkeypatch.setattr(render, "BUDGET_SECONDS", 0.05)
    renderer = render.MarkdownRenderer(config, Policy())
    with pytest.raises(BodyTooComplex, match=r"rendering took more than 0\.05 s"):
        renderer.render("<a " * 40_000)
    assert renderer.render("Isi *berita*.").html == "<p>Isi <em>berita</em>.</p>"


def test_a_run_spends_at_most_its_budget_on_bodies_that_run_out_of_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by an independent attack on the gate's bounds: each of many pushed drafts, a
    little different, took the whole budget in every reviewer's preview (a hundred: 17
    minutes). Past the run's budget, a body not rendered yet has a short one; an ordinary
    body still renders within it."""
    from pathlib import Path

    from warta.adapters import render
    from warta.adapters.siteconfig import read_site_config
    from warta.adapters.sitemanifest import Allow
    from warta.model.closure import BodyTooComplex
    from warta.site.sanitize import Policy

    config, _ = read_site_config(Path(__file__).resolve().parents[2], Allow())
    assert config is not None
    monkeypatch.setattr(render, "BUDGET_SECONDS", 0.2)
    monkeypatch.setattr(render, "RUN_BUDGET_SECONDS", 0.5)
    monkeypatch.setattr(render, "LATE_SECONDS", 0.02)
    renderer = render.MarkdownRenderer(config, Policy())
    refused = []
    for n in range(6):
        with pytest.raises(BodyTooComplex) as caught:
            renderer.render("<a " * 40_000 + f"draf {n}")
        refused.append(str(caught.value))
    assert refused[:3] == ["rendering took more than 0.2 s"] * 3, refused
    assert refused[3:] == ["rendering took more than 0.02 s"] * 3, refused
    assert renderer.render("Isi *berita*.").html == "<p>Isi <em>berita</em>.</p>"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_the_audit_shared_among_processes_finds_the_same_leaks_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """Above AUDIT_PARALLEL_MIN files, processes share the output: every leak is still found
    (in links, in a feed entry, under its name, in a .gz), listed as one process lists them;
    also where the processes are not forks of the build (spawn, forkserver: Python 3.14's
    default, or fork refused by start_method() once there is another thread)."""
    from warta import bulk
    from warta.mkdocs_plugin import commands

    monkeypatch.setattr(bulk, "start_method", lambda: method)
    monkeypatch.setenv("PYTHONSAFEPATH", "1")  # (as the pool sets it: undone after the test)
    site = tmp_path / "site"
    secret = "berita/2026/rahasia/"
    for n in range(commands.AUDIT_PARALLEL_MIN + 50):
        page = site / "berita" / "2026" / f"terbit-{n}" / "index.html"
        page.parent.mkdir(parents=True)
        link = '<a href="../rahasia/">x</a>' if n % 97 == 5 else '<a href="../terbit-1/">x</a>'
        page.write_text(f"<html><body>{link}</body></html>", encoding="utf-8")
    (site / "berita" / "2026" / "rahasia").mkdir()
    (site / "berita" / "2026" / "rahasia" / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (site / "feed.json").write_text('{"items": [{"id": "id-rahasia"}]}', encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(
        gzip.compress(f"<urlset><url><loc>https://x.id/{secret}</loc></url></urlset>".encode())
    )
    tokens = audit.tokens([(f"content/{secret}index.md", "id-rahasia", secret)])
    alone = commands.audit_site(site, tokens, site_url="https://x.id/", jobs=1)
    shared = commands.audit_site(site, tokens, site_url="https://x.id/", jobs=2)
    assert shared == alone
    assert len(alone) == len(range(5, commands.AUDIT_PARALLEL_MIN + 50, 97)) + 3
    assert {leak.where for leak in alone} == {"a link", "a feed entry", "its name", "an entry"}


def test_the_audit_reads_photos_by_name_only(tmp_path: Path) -> None:
    """A photo is pixels to a browser: its name under an unpublished item's URL is a leak,
    text inside its bytes leads nowhere (at 3,000 items, reading 15,000 photo copies as text
    was most of the audit); an SVG, a document with links, is still read, and so is a GIF,
    which is published as its writer signed it, not as a copy Pillow made."""
    from warta.mkdocs_plugin import commands

    site = tmp_path / "site"
    secret = "berita/2026/rahasia/"
    link = b'<a href="../rahasia/">x</a>'
    folder = site / "berita" / "2026" / "terbit"
    folder.mkdir(parents=True)
    (folder / "foto.gif").write_bytes(b"GIF89a" + link)
    for name in ("foto.jpg", "foto.JPEG", "foto.webp", "foto.png", "foto.avif"):
        (folder / name).write_bytes(b"\xff\xd8\xff" + link)
    (folder / "peta.svg").write_bytes(b"<svg>" + link + b"</svg>")
    (site / "berita" / "2026" / "rahasia").mkdir()
    (site / "berita" / "2026" / "rahasia" / "foto.webp").write_bytes(b"RIFF")
    tokens = audit.tokens([(f"content/{secret}index.md", "id-rahasia", secret)])
    found = commands.audit_site(site, tokens, jobs=1)
    assert [(leak.output, leak.where) for leak in found] == [
        ("berita/2026/rahasia/foto.webp", "its name"),
        ("berita/2026/terbit/foto.gif", "a link"),
        ("berita/2026/terbit/peta.svg", "a link"),
    ]


def test_feeds_make_links_absolute_inside_tags_only() -> None:
    """A body's text reading ``src="…"`` is shown as written; dot segments resolved in it
    made the feed say other words than the site (found by an independent attack)."""
    html = ('<p>kode src="data/tidak ada korban/../baru" tetap</p>'
            '<p><img src="foto/a.jpg" alt="x"> <a href="../lain/">lain</a></p>')
    out = feeds.absolutize(html, "https://warta.example/berita/2026/x/")
    assert 'kode src="data/tidak ada korban/../baru" tetap' in out
    assert '<img src="https://warta.example/berita/2026/x/foto/a.jpg" alt="x">' in out
    assert '<a href="https://warta.example/berita/2026/lain/">' in out
