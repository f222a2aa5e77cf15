"""The parts of sharing and discovery that do not need a build: what is left out without a
``site_url``, the JSON for a script element, and the related news of the catalogue."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from warta.model.item import LeadImage
from warta.site.article import Article, Signer
from warta.site.catalogue import Catalogue
from warta.site.share import Site, head_view, share_row
from warta.site.text import json_script

WIB = timezone(timedelta(hours=7))


def _article(slug: str, day: int, categories: tuple[str, ...], title: str = "") -> Article:
    return Article(
        id=slug,
        src_path=f"content/berita/2026/{slug}/index.md",
        src_uri=f"berita/2026/{slug}/index.md",
        title=title or f"Berita {slug}",
        description=f"Ringkasan {slug}",
        day=date(2026, 10, day),
        published=datetime(2026, 10, day, 3, 8, tzinfo=UTC),
        categories=categories,
        tags=(),
        body="",
        image=LeadImage("images/foto.jpg", "Foto"),
        reporter=Signer("dimas", "Dimas", "Reporter"),
        approval=None,
        trail=(),
        status="disetujui",
    )


def test_without_a_site_url_nothing_needs_an_address() -> None:
    article = _article("a", 5, ("Infrastruktur",))
    assert share_row(article, Site("Warta")) is None
    view = head_view(article, Site("Warta", logo="assets/logo.svg"), WIB)
    assert view.url == "" and view.photo is None
    assert set(view.linked_data) & {"url", "mainEntityOfPage", "image"} == set()
    assert "logo" not in view.linked_data["publisher"]  # type: ignore[operator]
    assert share_row(article, Site("Warta", "https://warta.example/")) is not None


def test_share_links_encode_every_reserved_character_of_the_title_and_address() -> None:
    """Each link is what ``urlencode`` makes of its values, and reads back as them: a title
    with ``&``, ``#``, ``%``, ``+``, ``=``, quotes, a line break and non-ASCII text adds no
    parameter and ends no query."""
    title = 'Banjir & "Longsor" #1: 50% warga=aman + \'Cigintung\'\nلا  ✓ ~_.-'
    article = _article("a-b", 5, ("Infrastruktur",), title=title)
    row = share_row(article, Site("Warta", "https://warta.example/kab pagi/"))
    assert row is not None
    url = row.url
    expected = {
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}, quote_via=quote),
        "facebook": "https://www.facebook.com/sharer/sharer.php?"
        + urlencode({"u": url}, quote_via=quote),
        "x": "https://x.com/intent/post?" + urlencode({"url": url, "text": title}, quote_via=quote),
        "telegram": "https://t.me/share/url?"
        + urlencode({"url": url, "text": title}, quote_via=quote),
    }
    assert {link.service: link.href for link in row.links} == expected
    x = next(link for link in row.links if link.service == "x")
    assert parse_qs(urlsplit(x.href).query) == {"url": [url], "text": [title]}
    assert "#" not in x.href and " " not in x.href


def test_json_for_a_script_element_has_no_markup_characters() -> None:
    value = {"headline": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = json_script(value)
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == value


def test_related_news_share_a_category_newest_first_without_the_item() -> None:
    a = _article("a", 5, ("Kecamatan Cibening", "Infrastruktur"))
    others = [
        _article("b", 6, ("Kecamatan Cibening",)),
        _article("c", 7, ("Infrastruktur",)),
        _article("d", 8, ("Pendidikan",)),
        _article("e", 1, ("Infrastruktur",)),
        _article("f", 2, ("Kecamatan Cibening",)),
    ]
    catalogue = Catalogue.of([a, *others])
    assert [r.id for r in catalogue.related(a, 3)] == ["c", "b", "f"]
    assert [r.id for r in catalogue.related(a, 10)] == ["c", "b", "f", "e"]
    assert catalogue.related(others[2], 3) == []
    assert catalogue.related(a, 0) == []
    assert [r.id for r in catalogue.related(others[1], 1)] == ["a"]  # c is its newest
