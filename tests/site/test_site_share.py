"""Sharing and discovery on item pages, through a real signed repository and ``warta build``
(with its audit): the Open Graph, Twitter card and JSON-LD tags equal the signed fields, a
Ralat moves the modified times and the sitemap's lastmod, hostile text stays escaped (and
inert in Chromium), the "Bagikan" links are encoded, and "Berita terkait" lists published
news of the same category only, never a draft.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
import yaml
from PIL import Image
from playwright.sync_api import Browser
from sitekit import Item, SiteRepo, add_item, copy_site_config, serve, site_files

from helpers import WIB, make_repo

SITE_URL = "https://warta.sukamajukab.go.id/"
SITE_NAME = "Warta Kabupaten Sukamaju"
HOSTILE_TITLE = '</script><script>alert(1)</script> Harga "Beras" & <b>Turun</b>'
HOSTILE_DESCRIPTION = "Ringkasan </SCRIPT><img src=x onerror=alert(2)> & <!-- -->"
CANARY = "kanaritautan"
RALAT_AT = "2026-11-04T11:00:00+07:00"


@dataclass(frozen=True)
class Scene:
    site: SiteRepo
    out: Path
    log: str


def _png(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (74, 144, 194)).save(data, format="PNG")
    return data.getvalue()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Scene:
    base = tmp_path_factory.mktemp("share")
    repo = make_repo(base / "repo", keys)
    copy_site_config(repo.root)
    site = SiteRepo(repo)

    def published(key: str, day: str, categories: list[str], **kw: object) -> Item:
        return add_item(
            site,
            key,
            title=str(kw.pop("title", f"Berita {key.capitalize()} Sukamaju")),
            slug=key,
            day=day,
            body=f"SUKAMAJU – Isi berita {key}.\n",
            categories=categories,
            steps=5,
            published=True,
            **kw,  # type: ignore[arg-type]
        )

    published(
        "jembatan",
        "2026-10-05",
        ["Kecamatan Cibening", "Infrastruktur"],
        image="jembatan.png",
        image_bytes=_png(1200, 630),
    )
    published("irigasi", "2026-10-10", ["Kecamatan Cibening"])
    published("jalan", "2026-10-12", ["Infrastruktur"])
    published("pasar", "2026-10-01", ["Kecamatan Cibening"])
    published("sekolah", "2026-09-20", ["Infrastruktur"])
    published("lain", "2026-10-15", ["Pendidikan"])
    published(
        "beras",
        "2026-10-18",
        ["Kesehatan & <Pangan>"],
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
    )
    add_item(  # the newest of both categories, but not approved
        site,
        "draf",
        title=f"{CANARY.capitalize()} Judul Berita Draf",
        slug=f"{CANARY}-draf",
        day="2026-10-20",
        body=f"CIBENING – Isi {CANARY}.\n",
        categories=["Kecamatan Cibening", "Infrastruktur"],
        steps=3,
        writer="ayu",
    )
    repo.commit_all("site")
    rel = "content/berita/2026/irigasi/index.md"
    done = repo.cli(
        "correct", rel, "--note", "Debit air diperbaiki.", "--key", str(repo.keys["hendra"]),
        "--at", f"2026-11-04T09:00:00{WIB}",
    )
    assert done.returncode == 0, done.stderr
    path = repo.path(rel)
    path.write_text(
        path.read_text(encoding="utf-8").replace("berita irigasi.", "berita irigasi, ralat."),
        encoding="utf-8",
    )
    repo.sign(path, "dimas", f"2026-11-04T10:00:00{WIB}")
    repo.sign(path, "hendra", RALAT_AT)
    out = base / "site"
    result = site.warta("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Scene(site, out, result.stderr)


class _Head(HTMLParser):
    """An item page's meta tags (property or name -> content), JSON-LD scripts, share links
    and related links, attribute values unescaped as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.ld: list[str] = []
        self.shares: list[dict[str, str]] = []
        self.related: list[str] = []
        self.copy_field = ""
        self.canonical = ""
        self.scripts: list[str] = []
        self._in_ld = False
        self._section = ""
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            key = a.get("property") or a["name"]
            assert key not in self.meta or key in ("viewport",), f"{key} twice"
            self.meta[key] = a.get("content", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld.append("")
        elif tag == "script" and "src" in a:
            self.scripts.append(a["src"])
        elif tag == "section":
            self._section = a.get("class", "")
        elif tag == "a" and "warta-share__link" in a.get("class", ""):
            self.shares.append(a)
        elif tag == "h3" and self._section == "warta-related":
            self._heading = True
        elif tag == "a" and self._heading:
            self.related.append(a["href"])
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "input" and a.get("id") == "warta-share-url":
            self.copy_field = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False
        elif tag == "section":
            self._section = ""
        elif tag == "h3":
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld[-1] += data


def _page(scene: Scene, key: str) -> tuple[str, _Head]:
    item = scene.site.items[key]
    html = (scene.out / item.url / "index.html").read_text(encoding="utf-8")
    head = _Head()
    head.feed(html)
    return html, head


def _front_matter(item: Item) -> dict[str, object]:
    text = item.path.read_text(encoding="utf-8")
    front = text.removeprefix("---\n").split("\n---\n", 1)[0]
    data = yaml.load(front, Loader=yaml.BaseLoader)  # every value as the text it is
    assert isinstance(data, dict)
    return data


def _writer_name(scene: Scene, person: str) -> str:
    roster = yaml.safe_load((scene.site.root / "workflow" / "roster.yml").read_text("utf-8"))
    return next(str(p["name"]) for p in roster["people"] if p["id"] == person)


def _approved_at(fm: dict[str, object], nth: int = 0) -> str:
    """The time of the ``nth`` approval (pengesahan) record, in the office zone."""
    records = fm["signoffs"]
    assert isinstance(records, list)
    times = [str(r["at"]) for r in records if r.get("step") == "pengesahan"]
    assert times, records
    return times[nth]


def test_open_graph_and_twitter_tags_are_the_signed_fields(scene: Scene) -> None:
    item = scene.site.items["jembatan"]
    fm = _front_matter(item)
    _, head = _page(scene, "jembatan")
    url = SITE_URL + item.url
    image = fm["image"]
    assert isinstance(image, dict) and isinstance(fm["categories"], list)
    photo = url + str(image["src"])
    approved = _approved_at(fm)
    assert approved == f"2026-10-05T10:08:00{WIB}"
    expected = {
        "og:type": "article",
        "og:title": fm["title"],
        "og:description": fm["description"],
        "og:url": url,
        "og:site_name": SITE_NAME,
        "og:locale": "id_ID",
        "og:image": photo,
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": image["alt"],
        "article:published_time": approved,
        "article:modified_time": approved,
        "article:section": fm["categories"][0],
        "twitter:card": "summary_large_image",
        "twitter:title": fm["title"],
        "twitter:description": fm["description"],
        "twitter:image": photo,
        "twitter:image:alt": image["alt"],
    }
    assert {k: head.meta.get(k) for k in expected} == expected
    assert head.canonical == url  # the theme's own canonical link says the same
    # the photo named is the one published, whose size the tags state
    published = Image.open(scene.out / item.url / str(image["src"]))
    assert published.size == (1200, 630)


def test_json_ld_is_the_signed_news_article(scene: Scene) -> None:
    item = scene.site.items["jembatan"]
    fm = _front_matter(item)
    _, head = _page(scene, "jembatan")
    assert len(head.ld) == 1
    data = json.loads(head.ld[0])
    url = SITE_URL + item.url
    image = fm["image"]
    assert isinstance(image, dict) and isinstance(fm["categories"], list)
    assert data == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": fm["title"],
        "description": fm["description"],
        "datePublished": _approved_at(fm),
        "dateModified": _approved_at(fm),
        "inLanguage": "id",
        "isAccessibleForFree": True,
        "articleSection": fm["categories"][0],
        "author": {"@type": "Person", "name": _writer_name(scene, "dimas")},
        "publisher": {
            "@type": "Organization",
            "name": SITE_NAME,
            "logo": {"@type": "ImageObject", "url": SITE_URL + "assets/logo.svg"},
        },
        "image": {
            "@type": "ImageObject",
            "url": url + str(image["src"]),
            "width": 1200,
            "height": 630,
        },
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
    }
    assert (scene.out / "assets" / "logo.svg").is_file()


def test_a_ralat_moves_the_modified_times_and_the_sitemap(scene: Scene) -> None:
    item = scene.site.items["irigasi"]
    fm = _front_matter(item)
    _, head = _page(scene, "irigasi")
    first = _approved_at(fm, 0)
    assert first == f"2026-10-10T10:08:00{WIB}" and _approved_at(fm, -1) == RALAT_AT
    assert head.meta["article:published_time"] == first
    assert head.meta["article:modified_time"] == RALAT_AT
    data = json.loads(head.ld[0])
    assert (data["datePublished"], data["dateModified"]) == (first, RALAT_AT)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((scene.out / "sitemap.xml").read_bytes())
    lastmod = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns)
        for u in root.findall("s:url", ns)
    }
    assert lastmod[SITE_URL + item.url] == RALAT_AT
    for other in scene.site.published():
        fm = _front_matter(other)
        _, head = _page(scene, other.key)
        assert lastmod[SITE_URL + other.url] == _approved_at(fm, -1)
        assert head.meta["article:modified_time"] == _approved_at(fm, -1)


def test_hostile_text_stays_escaped_in_every_tag(scene: Scene) -> None:
    html, head = _page(scene, "beras")
    assert "<script>alert" not in html.lower() and "<img src=x" not in html.lower()
    assert head.meta["og:title"] == HOSTILE_TITLE == head.meta["twitter:title"]
    assert head.meta["og:description"] == HOSTILE_DESCRIPTION
    assert head.meta["article:section"] == "Kesehatan & <Pangan>"
    assert len(head.ld) == 1 and not re.search(r"[<>&]", head.ld[0])
    data = json.loads(head.ld[0])
    assert data["headline"] == HOSTILE_TITLE
    assert data["description"] == HOSTILE_DESCRIPTION
    assert data["articleSection"] == "Kesehatan & <Pangan>"


def test_hostile_title_does_not_break_out_in_chromium(scene: Scene, browser: Browser) -> None:
    item = scene.site.items["beras"]
    dialogs: list[str] = []
    with serve(scene.out) as base:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + item.url)
        found = page.evaluate(
            """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
                   .map(s => JSON.parse(s.textContent).headline)"""
        )
        og = page.get_attribute('meta[property="og:title"]', "content")
        page.close()
    assert dialogs == []
    assert found == [HOSTILE_TITLE] and og == HOSTILE_TITLE


def test_share_links_are_plain_and_encoded(scene: Scene) -> None:
    for key in ("jembatan", "beras"):
        item = scene.site.items[key]
        title = str(_front_matter(item)["title"])
        url = SITE_URL + item.url
        _, head = _page(scene, key)
        links = {a["href"].split("?")[0]: a for a in head.shares}
        assert list(links) == [
            "https://wa.me/",
            "https://www.facebook.com/sharer/sharer.php",
            "https://x.com/intent/post",
            "https://t.me/share/url",
        ]
        queries = {base: parse_qs(urlsplit(a["href"]).query) for base, a in links.items()}
        assert queries == {
            "https://wa.me/": {"text": [f"{title} {url}"]},
            "https://www.facebook.com/sharer/sharer.php": {"u": [url]},
            "https://x.com/intent/post": {"url": [url], "text": [title]},
            "https://t.me/share/url": {"url": [url], "text": [title]},
        }
        for a in links.values():
            assert a["rel"] == "noopener noreferrer" and a["target"] == "_blank"
            assert a["aria-label"].startswith("Bagikan ke ")
            assert not re.search(r"[\s<>\"]", a["href"])  # every reserved character encoded
        assert head.copy_field == url
        # no script from anywhere but the site itself
        assert head.scripts and all(not urlsplit(src).netloc for src in head.scripts)
        assert any(src.endswith("assets/warta/share.js") for src in head.scripts)
    assert (scene.out / "assets" / "warta" / "share.js").is_file()


def test_copy_link_works_with_and_without_javascript(scene: Scene, browser: Browser) -> None:
    item = scene.site.items["jembatan"]
    url = SITE_URL + item.url
    with serve(scene.out) as base:
        plain = browser.new_context(java_script_enabled=False)
        page = plain.new_page()
        page.goto(base + item.url)
        assert page.input_value("#warta-share-url") == url
        assert page.is_visible("#warta-share-url")
        assert not page.is_visible("button[data-warta-copy]")
        plain.close()
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(base + item.url)
        page.click("button[data-warta-copy]")
        page.wait_for_function(
            "document.querySelector('.warta-share__status').textContent !== ''"
        )
        assert page.text_content(".warta-share__status") == "Tautan disalin."
        assert page.evaluate("navigator.clipboard.readText()") == url
        context.close()


def test_related_news_are_published_and_of_the_same_category(scene: Scene) -> None:
    items = scene.site.items
    _, head = _page(scene, "jembatan")
    # newest first among published news sharing a category; the draft is newer than all
    assert head.related == ["../jalan/", "../irigasi/", "../pasar/"]
    html, head = _page(scene, "irigasi")
    assert head.related == ["../jembatan/", "../pasar/"]
    # below the article: no related card's photo is loaded before the reader scrolls to it
    section = html.split('class="warta-related"', 1)[1].split("</section>", 1)[0]
    photos = re.findall(r'<a class="warta-card__image"[^>]*>(.*?)</a>', section, re.S)
    assert photos and all('loading="lazy"' in photo for photo in photos), section
    _, head = _page(scene, "sekolah")
    assert head.related == ["../jalan/", "../jembatan/"]
    for alone in ("beras", "lain"):
        html, head = _page(scene, alone)
        assert head.related == [] and "Berita terkait" not in html
    assert not items["draf"].published
    for name, data in site_files(scene.out).items():
        assert CANARY not in name and CANARY.encode() not in data.lower(), name
    assert "site.unaccounted" not in scene.log
