"""What the built site shows, in Indonesian: home, lists, archive, categories, reporters,
item pages with lead photo and provenance, the SOP page and the feeds."""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from sitekit import SiteRepo

from conftest import Built
from helpers import warta_exe

#: Newest first, by the items' own dates.
ORDER = ["posyandu", "cabai", "jembatan"]


def page(built: Built, url: str) -> str:
    return (built.site / url / "index.html").read_text(encoding="utf-8")


def card_links(source: str) -> list[str]:
    return re.findall(r'class="warta-card__title"><a href="([^"]+)"', source)


def test_home_lists_exactly_the_published_items_newest_first(
    built: Built, site_repo: SiteRepo
) -> None:
    home = (built.site / "index.html").read_text()
    assert card_links(home) == [site_repo.items[k].url for k in ORDER]
    assert '<html lang="id"' in home


def test_news_list_paginates(site_repo: SiteRepo, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("per_page: 10", "per_page: 2"))
    paged = SiteRepo(replace(site_repo.repo, root=root))
    paged.repo.sign_workflow()  # a changed configuration is an administrator's signed act
    out = tmp_path / "site"
    result = paged.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    first = (out / "berita" / "index.html").read_text()
    second = (out / "berita" / "halaman" / "2" / "index.html").read_text()
    assert card_links(first) == [site_repo.items[k].url.removeprefix("berita/") for k in ORDER[:2]]
    assert card_links(second) == ["../../2026/jembatan-gantung-cijambe/"]
    assert "Halaman 1 dari 2" in first and 'rel="next" href="halaman/2/"' in first
    assert "Halaman 2 dari 2" in second and 'rel="prev" href="../../"' in second
    assert not (out / "berita" / "halaman" / "3").exists()


def test_archive_by_month_in_indonesian(built: Built, site_repo: SiteRepo) -> None:
    archive = page(built, "arsip")
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="warta-count">', archive) == [
        ("2026/11/", "November 2026"),
        ("2026/10/", "Oktober 2026"),
    ]
    october = page(built, "arsip/2026/10")
    assert card_links(october) == [
        f"../../../{site_repo.items[k].url}" for k in ("cabai", "jembatan")
    ]
    assert "<title>Arsip Oktober 2026 - Warta Kabupaten Sukamaju</title>" in october


def test_categories_grouped_by_kecamatan_and_sector(built: Built) -> None:
    index = page(built, "kategori")
    kecamatan, sectors = index.split("<h2>Sektor / OPD</h2>")
    assert re.findall(r">([^<]+)</a> <span", kecamatan) == [
        "Kecamatan Cibening",
        "Kecamatan Karangsari",
        "Kecamatan Pasirlaya",
    ]
    assert re.findall(r">([^<]+)</a> <span", sectors) == [
        "Infrastruktur",
        "Kesehatan",
        "Pertanian &amp; &lt;Pangan&gt;",
    ]
    assert card_links(page(built, "kategori/kesehatan")) == ["../../berita/2026/posyandu-melati/"]


def test_reporters_come_from_the_roster(built: Built, site_repo: SiteRepo) -> None:
    index = page(built, "reporter")
    assert re.findall(
        r'<a href="([^"]+)">([^<]+)</a> <span class="warta-role">([^<]+)<', index
    ) == [("dimas/", "Dimas Prasetyo, A.Md.", "Staf Sub Bagian Humas")]
    assert sorted(card_links(page(built, "reporter/dimas"))) == sorted(
        f"../../{i.url}" for i in site_repo.published()
    )


def test_item_page_has_date_photo_and_provenance(built: Built, site_repo: SiteRepo) -> None:
    item = site_repo.items["jembatan"]
    source = page(built, item.url)
    assert "<h1>Bupati Resmikan Jembatan Gantung Cijambe</h1>" in source
    assert '<time datetime="2026-10-05">Senin, 5 Oktober 2026</time>' in source
    assert (
        '<figure class="warta-lead"><img src="images/jembatan-cijambe.svg"'
        ' alt="Foto Bupati Resmikan Jembatan Gantung Cijambe">'
        "<figcaption>Warga melintasi jembatan, Senin (5/10/2026)."
        ' <span class="warta-credit">Foto: Humas Kabupaten Sukamaju</span></figcaption>'
    ) in source
    box = source.split('<aside class="warta-provenance" data-search-exclude')[1].split("</aside>")[
        0
    ]
    assert (
        "<dt>Disetujui oleh</dt><dd>Hendra Wijaya, S.Kom., M.T., Kepala Bagian Kominfo dan"
        " Humas</dd>"
    ) in box
    assert (
        '<time datetime="2026-10-05T10:08:00+07:00">Senin, 5 Oktober 2026 pukul 10.08 WIB</time>'
    ) in box
    assert "<dt>Ditulis oleh</dt><dd>Dimas Prasetyo, A.Md., Staf Sub Bagian Humas</dd>" in box
    signed = re.search(r"content: \"(sha256:[0-9a-f]{64})\"", item.path.read_text())
    assert signed is not None
    assert f'<code class="warta-digest">{signed.group(1)}</code>' in box


def test_the_provenance_command_verifies_the_item_from_a_clone(
    built: Built, site_repo: SiteRepo
) -> None:
    item = site_repo.items["posyandu"]
    source = page(built, item.url)
    match = re.search(r'<pre class="warta-verify"><code>([^<]+)</code></pre>', source)
    assert match is not None
    argv = shlex.split(html.unescape(match.group(1)))
    assert argv[:3] == ["warta", "verify", item.rel]
    assert argv[3] == "--trust-root" and argv[4] == site_repo.repo.env["WARTA_TRUST_ROOT"]
    env = site_repo.env(pinned=False)
    result = subprocess.run(
        [warta_exe(), *argv[1:]],
        cwd=site_repo.root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK {item.rel}" in result.stdout


def test_neighbour_links_skip_unpublished_items(built: Built, site_repo: SiteRepo) -> None:
    cabai = page(built, site_repo.items["cabai"].url)
    nav = cabai.split('<nav class="warta-neighbours"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)"', nav) == [
        "../posyandu-melati/",
        "../jembatan-gantung-cijambe/",
    ]


def test_titles_and_categories_are_escaped_everywhere(built: Built, site_repo: SiteRepo) -> None:
    for path in built.site.rglob("*"):
        if path.suffix in {".html", ".xml"}:
            text = path.read_text(encoding="utf-8")
            assert "<script>alert(1)" not in text, path
            assert "<Pangan>" not in text, path
    cabai = page(built, site_repo.items["cabai"].url)
    assert (
        "<h1>Harga Cabai Turun &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Aman&quot;</h1>"
        in cabai
    )
    assert "<title>Harga Cabai Turun &lt;script&gt;" in cabai
    feed = json.loads((built.site / "feed.json").read_text())
    titles = {i["title"] for i in feed["items"]}
    assert 'Harga Cabai Turun <script>alert(1)</script> & "Aman"' in titles


def test_rss_feed(built: Built, site_repo: SiteRepo) -> None:
    root = ET.fromstring((built.site / "feed.xml").read_bytes())
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "id"
    items = channel.findall("item")
    assert [i.findtext("link") for i in items] == [
        f"https://warta.sukamajukab.go.id/{site_repo.items[k].url}" for k in ORDER
    ]
    assert items[2].findtext("pubDate") == "Mon, 05 Oct 2026 10:08:00 +0700"
    assert items[2].findtext("{http://purl.org/dc/elements/1.1/}creator") == (
        "Dimas Prasetyo, A.Md."
    )
    content = items[2].findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    assert "jembatanwangi" in content


def test_json_feed(built: Built, site_repo: SiteRepo) -> None:
    feed = json.loads((built.site / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://warta.sukamajukab.go.id/feed.json"
    first = feed["items"][-1]
    assert first["id"] == "20261005-jembatan-gantung-cijambe"
    assert first["date_published"] == "2026-10-05T10:08:00+07:00"
    assert first["image"] == (
        "https://warta.sukamajukab.go.id/berita/2026/jembatan-gantung-cijambe/images/"
        "jembatan-cijambe.svg"
    )
    assert first["authors"] == [{"name": "Dimas Prasetyo, A.Md."}]
    assert "jembatanwangi" in first["content_html"]
    assert [i["url"] for i in feed["items"]] == [
        f"https://warta.sukamajukab.go.id/{site_repo.items[k].url}" for k in ORDER
    ]


def test_feeds_are_linked_from_every_page(built: Built) -> None:
    home = (built.site / "index.html").read_text()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="feed.json"' in home
    deep = page(built, "arsip/2026/10")
    assert (
        'type="application/feed+json" title="JSON Feed Warta Kabupaten Sukamaju"'
        ' href="../../../feed.json"' in deep
    )


def test_sop_page_from_the_signed_yaml(built: Built) -> None:
    sop = page(built, "sop")
    assert "<title>SOP Peliputan - Warta Kabupaten Sukamaju</title>" in sop
    assert "SOP-21.04.1.3.1.3-1" in sop
    assert "<th>Kelengkapan</th><th>Waktu</th><th>Output</th>" in sop
    assert "<td>5 hari kerja</td>" in sop
    assert "7 hari kerja 20 menit" in sop
    # the flowchart is drawn at build time (tests/site/test_site_sop_chart.py)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="warta-sop-chart__svg" role="img"' in sop
    assert 'class="mermaid"' not in sop


@pytest.mark.parametrize("url", ["", "berita", "sop", "tentang", "arsip", "kategori"])
def test_pages_are_in_indonesian(built: Built, url: str) -> None:
    source = (built.site / url / "index.html").read_text()
    assert '<html lang="id"' in source
    assert 'placeholder="Cari"' in source


def test_404_page_is_indonesian_and_lists_no_news(built: Built) -> None:
    source = (built.site / "404.html").read_text()
    assert "Halaman tidak ditemukan" in source
    assert "berita/2026/" not in source


def test_only_the_first_card_of_a_list_loads_its_photo_at_once(built: Built) -> None:
    """A phone sees the first card's photo without scrolling, so it is not loaded lazily (a
    lazy photo that is the page's largest paint costs the page's Lighthouse score); every
    later card's photo is lazy (and every "Berita terkait" card's: test_site_share.py)."""
    images = []
    for page in ("index.html", "berita/index.html"):
        source = (built.site / page).read_text()
        images = re.findall(r'<a class="warta-card__image"[^>]*>(.*?)</a>', source, re.S)
        assert len(images) >= 2, (page, images)
        assert "<img" in images[0] and 'loading="lazy"' not in images[0], images[0]
        assert all('loading="lazy"' in image for image in images[1:]), images
