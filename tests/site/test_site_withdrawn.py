"""A withdrawn item's URL keeps a public notice, and nothing else of the item is published.

Real ``warta build`` runs (the build and its audit of the output) on the site repository with
three approved items taken back: one validly withdrawn by the Kabag with a reason full of
HTML, one whose withdrawal record was edited in without a signature, one withdrawn by a
Kasubag with her own key (signed, but not hers to do).
"""

from __future__ import annotations

import html
import json
import re

from sitekit import WITHDRAWN_REASON, SiteRepo
from test_site_gate import output_files, text_of, traces

from conftest import Built
from warta.site.withdrawn import NOTICE_TEXT


def notice(built: Built, site_repo: SiteRepo) -> str:
    item = site_repo.items["ditarik"]
    return (built.site / item.url / "index.html").read_text(encoding="utf-8")


def test_the_notice_page_shows_the_title_the_date_and_the_signed_reason(
    withdrawn: Built, withdrawn_repo: SiteRepo
) -> None:
    item = withdrawn_repo.items["ditarik"]
    page = notice(withdrawn, withdrawn_repo)
    assert f"<title>{item.title} - Warta Kabupaten Sukamaju</title>" in page
    assert f"<h1>{item.title}</h1>" in page
    assert f"<strong>{NOTICE_TEXT}</strong>" in page
    assert '<time datetime="2026-10-14T09:30:00+07:00"' in page
    assert ">Rabu, 14 Oktober 2026</time>" in page
    assert f"Alasan: {html.escape(WITHDRAWN_REASON)}</p>" in page
    assert '<meta name="robots" content="noindex">' in page


def test_hostile_reason_text_is_escaped(withdrawn: Built, withdrawn_repo: SiteRepo) -> None:
    page = notice(withdrawn, withdrawn_repo)
    assert "<script>alert" not in page and "<b>longsor</b>" not in page
    assert "&lt;script&gt;alert(&quot;tarik&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_nothing_of_the_withdrawn_item_but_the_notice_is_published(
    withdrawn: Built, withdrawn_repo: SiteRepo
) -> None:
    item = withdrawn_repo.items["ditarik"]
    # the notice is the only file under the item's URL: no photo
    under = [p.relative_to(withdrawn.site).as_posix() for p in output_files(withdrawn.site)]
    assert [p for p in under if p.startswith(item.url)] == [f"{item.url}index.html"]
    # body, description, photo, categories: nowhere, the notice included
    for needle in (
        "tarikditarikisi",
        "tarikditarikringkas",
        "tarikditarik-foto",
        "tarikditarikkategori",
        "Kecamatan Mekarjaya",
    ):
        assert traces(withdrawn.site, needle) == [], needle
    # the title and the URL only on the notice itself: no list, archive, category, reporter
    # page, search index, feed or sitemap names or links to it
    assert traces(withdrawn.site, item.title) == [f"content: {item.url}index.html"]
    assert traces(withdrawn.site, item.slug) == [f"name: {item.url}index.html"]


def test_the_notice_is_in_no_search_index_sitemap_or_feed(
    withdrawn: Built, withdrawn_repo: SiteRepo
) -> None:
    item = withdrawn_repo.items["ditarik"]
    published = {i.url for i in withdrawn_repo.published()}
    index = json.loads((withdrawn.site / "search" / "search_index.json").read_text())
    found = {d["location"].split("#")[0] for d in index["docs"]}
    assert {loc for loc in found if loc.startswith("berita/")} == published
    sitemap = (withdrawn.site / "sitemap.xml").read_text()
    listed = set(re.findall(r"<loc>https://[^/]+/(berita/\d{4}/[^<]+)</loc>", sitemap))
    assert listed == published
    assert item.url not in text_of(withdrawn.site / "sitemap.xml.gz")
    # no tombstone: neither RSS 2.0 nor JSON Feed 1.1 defines one; the entry leaves the feed
    rss = (withdrawn.site / "feed.xml").read_text()
    feed = json.loads((withdrawn.site / "feed.json").read_text())
    entry_id = "20261012-curug-ditarik"
    assert entry_id not in rss and item.url not in rss and item.title not in rss
    assert [e["id"] for e in feed["items"]] == re.findall(
        r'<guid isPermaLink="false">([^<]+)</guid>', rss
    )
    assert entry_id not in {e["id"] for e in feed["items"]}
    assert {e["url"].removeprefix("https://warta.sukamajukab.go.id/") for e in feed["items"]} == (
        published
    )


def test_an_unsigned_or_unauthorised_withdrawal_makes_no_notice(
    withdrawn: Built, withdrawn_repo: SiteRepo
) -> None:
    """The validator refuses both records, so the items are published nowhere: neither as
    news nor with a notice carrying the record's text."""
    data = json.loads(withdrawn_repo.warta("validate", "--format", "json").stdout)
    verdicts = {i["path"]: i for i in data["items"]}
    for key, rule, reason in (
        ("tanpasig", "signature.missing", "tanpa tanda tangan"),
        ("staf", "take-back.role", "ditarik oleh staf"),
    ):
        item = withdrawn_repo.items[key]
        verdict = verdicts[item.rel]
        assert not verdict["publishable"]
        assert rule in {f["rule"] for f in verdict["findings"]}, verdict["findings"]
        assert not (withdrawn.site / item.url).exists()
        for needle in (item.title, item.slug, reason, f"tarik{key}isi", f"tarik{key}-foto"):
            assert traces(withdrawn.site, needle) == [], needle
