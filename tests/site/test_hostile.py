"""Hostile content in approved items: nothing of it runs, anywhere the site puts it.

A real repository gets approved, correctly signed items whose body, title, description,
photo alt text, caption, credit and category carry a battery of classic XSS vectors, written
by a reporter whose roster name is itself hostile; two more approved items carry an SVG with
script and an HTML page beside them. A real ``mkdocs build`` follows, and a baseline build of
the same repository before the hostile items tells the theme's own scripts apart. Then every
output file is read: HTML pages, the search index and JSON feed, the RSS feed and sitemap,
the SVGs; and the pages are opened in Chromium, where no dialog may appear.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sitekit import Item, SiteRepo, add_item, copy_site_config, serve
from xsscheck import (
    BODY_ATTRS,
    HARMLESS,
    MARKDOWN_VECTORS,
    VECTORS,
    Baseline,
    problems,
    scan,
    text_of,
    url_problem,
)

from helpers import make_repo
from warta.site import sanitize

SITE_NAME = "Warta Kabupaten Sukamaju"
SITE_URL = "https://warta.sukamajukab.go.id/"
AUTHOR = "Dimas \"><img src=x onerror=alert(201)> <script>alert(202)</script> & Co."


@dataclass(frozen=True)
class Text:
    """The texts of one hostile item, as the author wrote them."""

    item: Item
    description: str
    alt: str
    caption: str
    credit: str
    category: str


@dataclass(frozen=True)
class Hostile:
    site: SiteRepo
    baseline: Path
    out: Path
    log: str
    texts: tuple[Text, ...]
    refused: tuple[Item, ...]
    safe: Item


def _vectors(start: int) -> str:
    return " ".join(VECTORS[start % 5 :: 5])


def _body(text: str) -> str:
    """The vectors' images point at the item's own (listed) photo and describe it: an image
    of anything the item does not list keeps the whole item out (link.unlisted), and so does
    an image without alt text (body.img-alt), so for their handlers to reach the sanitizer at
    all they must name a file the item signs, and say what it shows."""
    return text.replace("src=x ", "src=images/foto.svg alt=foto ")


def _hostile_item(site: SiteRepo, k: int) -> Text:
    texts = {
        name: f"{label} {k} {_vectors(k + offset)}"
        for offset, (name, label) in enumerate(
            (("description", "Ringkasan"), ("alt", "Foto"), ("caption", "Keterangan")),
            start=1,
        )
    }
    credit = f"Foto: {_vectors(k + 4)}"
    category = f"Sektor {VECTORS[k]}"
    item = add_item(
        site,
        f"waspada{k}",
        title=f"Waspada {k} {_vectors(k)}",
        slug=f"waspada-{k}",
        day=f"2026-11-0{k + 1}",
        body=_body(HARMLESS + MARKDOWN_VECTORS + "\n" + "\n\n".join(VECTORS) + "\n"),
        categories=[f"Kecamatan Waspada{k}", category],
        steps=5,
        image="foto.svg",
        published=True,
        description=texts["description"],
        image_text={"alt": texts["alt"], "caption": texts["caption"], "credit": credit},
    )
    return Text(item, texts["description"], texts["alt"], texts["caption"], credit, category)


EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9">'
    '<rect width="16" height="9" fill="#000"/><script>alert(301)</script></svg>\n'
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    repo = make_repo(root / "repo", keys)
    copy_site_config(repo.root)
    site = SiteRepo(repo)
    safe = add_item(
        site,
        "aman",
        title="Bupati Tinjau Jalan Desa Cijambe",
        slug="bupati-tinjau-jalan",
        day="2026-10-01",
        body=HARMLESS,
        categories=["Kecamatan Cibening", "Infrastruktur"],
        steps=5,
        image="foto.svg",
        published=True,
    )
    baseline = root / "baseline"
    result = site.mkdocs("build", "-d", str(baseline))
    assert result.returncode == 0, result.stderr
    # The writer's name, in the signed roster, is hostile too.
    roster = repo.read("workflow/roster.yml")
    repo.write_roster(roster.replace("name: Dimas Prasetyo, A.Md.", f"name: {json.dumps(AUTHOR)}"))
    repo.sign_workflow()
    repo.commit_all("roster")
    repo.env["WARTA_TRUST_ROOT"] = repo.pin
    texts = tuple(_hostile_item(site, k) for k in range(5))
    svg = add_item(
        site,
        "svgjahat",
        title="Peta Jalur Mudik Kabupaten Sukamaju",
        slug="peta-jalur-mudik",
        day="2026-10-02",
        body="KABUPATEN – Peta jalur mudik.\n",
        categories=["Infrastruktur"],
        steps=5,
        image="peta.svg",
    )
    (svg.path.parent / "images" / "peta.svg").write_text(EVIL_SVG, encoding="utf-8")
    page = add_item(
        site,
        "htmljahat",
        title="Lampiran Laporan Musrenbang Desa",
        slug="lampiran-musrenbang",
        day="2026-10-03",
        body="KABUPATEN – Lihat lampiran laporan.\n",
        categories=["Pemerintahan"],
        steps=5,
    )
    # after approval, files nobody signed: a drawing with script in place of the signed one,
    # and a page beside the other item
    (page.path.parent / "lampiran").mkdir()
    (page.path.parent / "lampiran" / "laporan.html").write_text(
        "<script>alert(302)</script>", encoding="utf-8"
    )
    out = root / "site"
    result = site.mkdocs("build", "-d", str(out))
    assert result.returncode == 0, result.stderr
    return Hostile(site, baseline, out, result.stderr, texts, (svg, page), safe)


def outputs(site: Path) -> dict[str, str]:
    """Every output file's text (.gz unpacked), by path; binary files are left out."""
    found: dict[str, str] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(site).as_posix()
        if path.suffix == ".gz":
            data, name = gzip.decompress(data), name.removesuffix(".gz")
        try:
            found[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return found


@pytest.fixture(scope="module")
def files(hostile: Hostile) -> dict[str, str]:
    return outputs(hostile.out)


@pytest.fixture(scope="module")
def theme(hostile: Hostile) -> Baseline:
    baseline = Baseline()
    for name, text in outputs(hostile.baseline).items():
        if name.endswith(".html"):
            baseline.learn(text)
    return baseline


#: Material's search index keeps these tags (without attributes) of a page's text.
INDEX_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


def page_of(files: dict[str, str], url: str) -> str:
    return files[f"{url}index.html"]


def test_the_battery_is_classic_and_large() -> None:
    assert len(set(VECTORS)) == len(VECTORS) >= 25


def test_the_hostile_items_are_published(hostile: Hostile, files: dict[str, str]) -> None:
    for text in hostile.texts:
        assert f"{text.item.url}index.html" in files
    assert f"{hostile.safe.url}index.html" in files


def test_no_page_holds_anything_a_browser_would_run(
    files: dict[str, str], theme: Baseline
) -> None:
    found = {
        name: problems(
            scan(text),
            theme,
            allowed_tags=sanitize.TAGS,
            allowed_attrs=BODY_ATTRS,
        )
        for name, text in files.items()
        if name.endswith(".html")
    }
    assert len(found) > 20
    assert {name: p for name, p in found.items() if p} == {}


def test_the_scanner_sees_what_the_sanitizer_removes(theme: Baseline) -> None:
    """The check above is not vacuous: unsanitized, the same bodies are full of findings."""
    raw = "\n".join(VECTORS)
    found = problems(scan(raw), theme)
    for marker in ("onerror", "onload", "javascript:", "data:", "srcdoc", "<object>", "<base>"):
        assert any(marker in line for line in found), marker
    assert any("theme does not write" in line and "alert(1)" in line for line in found)
    assert any("evil.example/7" in line for line in found)


def test_the_search_index_holds_only_text(hostile: Hostile, files: dict[str, str]) -> None:
    index = json.loads(files["search/search_index.json"])
    docs = index["docs"]
    hostile_urls = {t.item.url for t in hostile.texts}
    assert hostile_urls <= {d["location"] for d in docs}
    found: list[str] = []
    for doc in docs:
        assert url_problem("href", doc["location"]) is None
        for key in ("title", "text"):
            elements = scan(doc[key])
            found += problems(
                elements, None, allowed_tags=INDEX_TAGS, allowed_attrs={"*": frozenset()}
            )
    assert found == []
    titles = {d["location"]: text_of(d["title"]) for d in docs}
    for text in hostile.texts:
        assert titles[text.item.url] == text.item.title


def test_the_json_feed(hostile: Hostile, files: dict[str, str]) -> None:
    feed = json.loads(files["feed.json"])
    entries = {entry["url"]: entry for entry in feed["items"]}
    found: list[str] = []
    for entry in feed["items"]:
        found += problems(
            scan(entry["content_html"]),
            None,
            allowed_tags=sanitize.TAGS,
            allowed_attrs=BODY_ATTRS,
        )
    assert found == []
    for text in hostile.texts:
        entry = entries[SITE_URL + text.item.url]
        # Plain-text fields are plain text (JSON Feed 1.1): exactly what the author wrote.
        assert entry["title"] == text.item.title
        assert entry["summary"] == text.description
        assert entry["authors"] == [{"name": AUTHOR}]
        assert text.category in entry["tags"]
        assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in entry["content_html"]


RSS_ITEM_CHILDREN = {
    "title",
    "link",
    "guid",
    "pubDate",
    "description",
    "category",
    "{http://purl.org/dc/elements/1.1/}creator",
    "{http://purl.org/rss/1.0/modules/content/}encoded",
}


def test_the_rss_feed(hostile: Hostile, files: dict[str, str]) -> None:
    channel = ET.fromstring(files["feed.xml"]).find("channel")
    assert channel is not None
    items = {i.findtext("link"): i for i in channel.findall("item")}
    found: list[str] = []
    for item in items.values():
        assert {child.tag for child in item} <= RSS_ITEM_CHILDREN
        encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
        found += problems(
            scan(encoded), None, allowed_tags=sanitize.TAGS, allowed_attrs=BODY_ATTRS
        )
        # description is HTML in RSS: the plain summary, escaped, holds no markup at all.
        found += problems(
            scan(item.findtext("description") or ""),
            None,
            allowed_tags=frozenset(),
            allowed_attrs={"*": frozenset()},
        )
    assert found == []
    for text in hostile.texts:
        item = items[SITE_URL + text.item.url]
        assert item.findtext("title") == text.item.title
        assert text_of(item.findtext("description") or "") == text.description
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == AUTHOR


def test_the_sitemap_lists_only_site_urls(files: dict[str, str]) -> None:
    root = ET.fromstring(files["sitemap.xml"])
    locs = [el.text or "" for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(SITE_URL) for loc in locs)


def test_every_published_svg_is_a_plain_drawing(files: dict[str, str]) -> None:
    svgs = {name: text for name, text in files.items() if name.endswith(".svg")}
    assert any(name.endswith("waspada-0/images/foto.svg") for name in svgs)
    for name, text in svgs.items():
        for element in ET.fromstring(text).iter():
            local = str(element.tag).rsplit("}", 1)[-1]
            assert local not in {"script", "foreignObject"}, name
            for key, value in element.attrib.items():
                attr = key.rsplit("}", 1)[-1]
                assert not attr.lower().startswith("on"), name
                assert attr != "href" or value.startswith("#"), name


def test_items_with_unsafe_files_beside_them_stay_out(
    hostile: Hostile, files: dict[str, str]
) -> None:
    svg, page = hostile.refused
    assert not (hostile.out / svg.url).exists()
    assert not (hostile.out / page.url).exists()
    assert not any(name.endswith((".htm", ".html")) and "lampiran" in name for name in files)
    for item in hostile.refused:
        assert not [name for name, text in files.items() if item.title in text]
    assert re.search(
        rf"WARNING -  warta: content/{svg.url}index.md:\d+: \[files.unsafe\] images/peta.svg:"
        r" unsafe SVG: <script> is not allowed \(script, embedded document or animation\)",
        hostile.log,
    )
    assert re.search(
        rf"WARNING -  warta: content/{svg.url}index.md:\d+: \[files.changed\] images/peta.svg"
        r" is not the signed file",
        hostile.log,
    )
    assert re.search(
        rf"WARNING -  warta: content/{page.url}index.md:\d+: \[files.unlisted\]"
        r" lampiran/laporan.html is in the item's folder but not listed",
        hostile.log,
    )
    assert f"not published: content/{svg.url}index.md" in hostile.log
    assert f"not published: content/{page.url}index.md" in hostile.log


def test_warta_build_audits_the_withheld_items(hostile: Hostile, tmp_path: Path) -> None:
    """``warta build`` looks for links to the items left out for their files, as it does
    for unapproved ones: here a page that links to one, signed by an administrator
    (unsigned, the page would not be published at all)."""
    result = hostile.site.warta("build", "-d", str(tmp_path / "bersih"))
    assert result.returncode == 0, result.stdout + result.stderr
    svg = hostile.refused[0]
    page = hostile.site.root / "content" / "tentang.md"
    original = page.read_text(encoding="utf-8")
    link = f"[{svg.title}](https://warta.sukamajukab.go.id/{svg.url})"
    page.write_text(original + f"\nLihat juga: {link}.\n", encoding="utf-8")
    try:
        unsigned = hostile.site.warta("build", "-d", str(tmp_path / "tanpa-tanda"))
        hostile.site.repo.sign_workflow()
        result = hostile.site.warta("build", "-d", str(tmp_path / "bocor"))
    finally:
        page.write_text(original, encoding="utf-8")
        hostile.site.repo.sign_workflow()
    assert unsigned.returncode == 0, unsigned.stderr
    assert "content/tentang.md: [site.changed]" in unsigned.stderr
    assert not (tmp_path / "tanpa-tanda" / "tentang").exists()
    assert result.returncode == 1
    assert not any((tmp_path / "bocor").iterdir())  # nothing the audit refused stays there
    assert (
        f"tentang/index.html: a link leads to the URL {svg.url!r} of"
        f" content/{svg.url}index.md, which may not be published"
    ) in result.stderr


def _between(source: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + r"(.*?)" + re.escape(end), source, re.DOTALL)
    assert match is not None, start
    return match.group(1)


def test_harmless_content_comes_through(hostile: Hostile, files: dict[str, str]) -> None:
    for url in (hostile.safe.url, hostile.texts[0].item.url):
        body = _between(page_of(files, url), '<div class="warta-body">', '<aside class="warta')
        assert '<th style="text-align: left">Desa</th>' in body
        assert '<td style="text-align: right">1.200</td>' in body
        assert (
            '<figure><img src="images/foto.svg" alt="Jalan desa" width="640"><figcaption>'
            "Jalan desa Cijambe, Senin (5/10/2026).</figcaption></figure>"
        ) in body
        frame = _between(body, "<iframe", "></iframe>")
        attrs = scan(f"<iframe{frame}>")[0].attrs
        assert attrs["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        assert attrs["title"] == "Video peresmian" and attrs["allowfullscreen"] == ""
        assert attrs["sandbox"] == sanitize.IFRAME_FIXED["sandbox"]
        assert (
            '<a href="https://www.kemendagri.go.id/" rel="noopener noreferrer">situs Kemendagri</a>'
        ) in body
        assert (
            '<a href="https://warta.sukamajukab.go.id/berita/" rel="noopener noreferrer">'
            "berita lain</a>"
        ) in body
        assert '<a href="mailto:humas@sukamajukab.go.id">humas</a>' in body
        assert "<blockquote>" in body and 'id="anggaran-per-desa"' in body


def test_hostile_bodies_keep_their_words_and_lose_their_code(files: dict[str, str]) -> None:
    body = _between(page_of(files, "berita/2026/waspada-0/"), '<div class="warta-body">', "<aside")
    for word in ("klik9", "klik m1", "klik m3", "gaya24", "kirim19", "luar37", "Judul m7"):
        assert word in text_of(body), word
    # (an image whose address is a script is no image: it goes, alt text and all)
    assert '<p><a>klik m1</a>  <a>klik m3</a>' in body and "gambar m2" not in body
    assert "<h2>Judul m7<a" in body and "__search" not in body
    # A Mermaid diagram in an item is shown as its source, never drawn.
    assert 'class="mermaid"' not in body
    assert (
        '<pre><code>graph TD; A["&lt;img src=images/foto.svg alt=foto onerror=alert(109)&gt;"]'
        in body
    )
    assert '<a href="https://evil.example/37" rel="noopener noreferrer">luar37</a>' in body


def test_texts_are_escaped_wherever_they_appear(hostile: Hostile, files: dict[str, str]) -> None:
    home = files["index.html"]
    home_titles = [text_of(t) for t in re.findall(r'class="warta-card__title">(.*?)</h3>', home)]
    home_summaries = [
        text_of(s) for s in re.findall(r'<p class="warta-card__summary">(.*?)</p>', home)
    ]
    reporters = page_of(files, "reporter/")
    assert AUTHOR in text_of(_between(reporters, '<ul class="warta-reporters">', "</ul>"))
    for text in hostile.texts:
        title = text.item.title
        source = page_of(files, text.item.url)
        assert text_of(_between(source, "<title>", "</title>")) == f"{title} - {SITE_NAME}"
        heading = '<div class="warta-item__title" data-search-exclude><h1>'
        assert text_of(_between(source, heading, "</h1>")) == title
        (description,) = [
            e.attrs["content"] for e in scan(source) if e.attrs.get("name") == "description"
        ]
        assert description == text.description
        lead = _between(source, '<figure class="warta-lead">', "</figure>")
        (image,) = [e for e in scan(lead) if e.tag == "img"]
        assert image.attrs["alt"] == text.alt
        assert text_of(_between(lead, "<figcaption>", "</figcaption>")) == (
            f"{text.caption} {text.credit}"
        )
        byline = _between(source, '<p class="warta-byline">', "</p>")
        assert text_of(byline) == f"Penulis: {AUTHOR}"
        box = text_of(_between(source, '<aside class="warta-provenance"', "</aside>"))
        assert f"Ditulis oleh{AUTHOR}, Staf Sub Bagian Humas" in box
        assert text.category in text_of(_between(source, '<p class="warta-meta">', "</p>"))
        assert title in home_titles and text.description in home_summaries
    categories = text_of(_between(page_of(files, "kategori/"), "<h2>Sektor / OPD</h2>", "</ul>"))
    assert all(text.category in categories for text in hostile.texts)


def test_no_script_runs_in_a_browser(hostile: Hostile, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [
        "",
        "berita/",
        "reporter/",
        "kategori/",
        *(t.item.url for t in hostile.texts),
    ]
    try:
        with serve(hostile.out) as base:
            for url in urls:
                page.goto(base + url)
                page.wait_for_load_state("load")
                page.wait_for_timeout(200)
            _search(page, "Waspada")
            page.wait_for_timeout(200)
            assert dialogs == []
            # The harness would have seen one.
            page.evaluate("setTimeout(() => alert('kontrol'), 0)")
            page.wait_for_timeout(200)
            assert dialogs == ["kontrol"]
    finally:
        context.close()


def _search(page: Page, words: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(words)
    box.press("End")
    expect(page.locator(".md-search-result__meta")).to_contain_text("dokumen ditemukan")
    expect(page.locator(".md-search-result__list a").first).to_be_visible()
