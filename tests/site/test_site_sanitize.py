"""The HTML policy for item bodies (warta.site.sanitize) on its own, vector by vector; and the
plugin option that names the embed hosts, through a real build."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sitekit import SiteRepo
from xsscheck import BODY_ATTRS, HARMLESS, VECTORS, problems, scan, text_of

from helpers import Repo
from warta.site import sanitize
from warta.site.sanitize import EmbedHost, Policy, image_url, link_url, text_only

POLICY = Policy()


@pytest.mark.parametrize("vector", VECTORS)
def test_no_vector_survives(vector: str) -> None:
    out = POLICY.clean(vector)
    assert problems(scan(out), None, allowed_tags=sanitize.TAGS, allowed_attrs=BODY_ATTRS) == []
    assert "alert" not in "".join(f"{e.attrs}" for e in scan(out))


def test_all_vectors_in_one_body() -> None:
    out = POLICY.clean("\n".join(VECTORS))
    assert problems(scan(out), None, allowed_tags=sanitize.TAGS, allowed_attrs=BODY_ATTRS) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            '<a href="https://x.go.id/a?b=1&amp;c=2" target="_blank" rel="opener">x</a>',
            '<a href="https://x.go.id/a?b=1&amp;c=2" rel="noopener noreferrer">x</a>',
        ),
        ('<a href="//x.go.id/">x</a>', '<a href="//x.go.id/" rel="noopener noreferrer">x</a>'),
        ('<a href="../lain/">x</a>', '<a href="../lain/">x</a>'),
        ('<a href="#judul" title="t">x</a>', '<a href="#judul" title="t">x</a>'),
        ('<a href="mailto:humas@x.go.id">x</a>', '<a href="mailto:humas@x.go.id">x</a>'),
        ('<a href="#__search">x</a>', "<a>x</a>"),
        ('<a href="ftp://x.go.id/">x</a>', "<a>x</a>"),
        ('<abbr title="Pemda">Pemerintah</abbr>', '<abbr title="Pemda">Pemerintah</abbr>'),
        (
            '<p class="warta-provenance md-typeset mermaid catatan" id="__config">x</p>',
            '<p class="catatan">x</p>',
        ),
        ('<h2 id="anggaran-2026">A</h2>', '<h2 id="anggaran-2026">A</h2>'),
        # the theme's own ids are its own: a body's is renamed, and so are links to it
        (
            '<h2 id="warta-share-url">A</h2><a href="#MD-x">B</a><a href="#judul">C</a>',
            '<h2 id="isi-warta-share-url">A</h2><a href="#isi-MD-x">B</a><a href="#judul">C</a>',
        ),
        # percent-encoded (a browser decodes it), after a query, and the skip link's target
        ('<a href="#%77arta-x">A</a>', '<a href="#isi-%77arta-x">A</a>'),
        ('<a href="?a=1#warta-x">A</a>', '<a href="?a=1#isi-warta-x">A</a>'),
        ('<a href="#%5F%5Fsearch">A</a>', "<a>A</a>"),
        (
            '<h2 id="Isi">A</h2><a href="#isi">B</a>',
            '<h2 id="isi-Isi">A</h2><a href="#isi-isi">B</a>',
        ),
        (
            '<table><tr><td style="text-align: CENTER">1</td></tr></table>',
            '<table><tbody><tr><td style="text-align: center">1</td></tr></tbody></table>',
        ),
        ('<p style="color: red">x</p>', "<p>x</p>"),
        (
            '<ol start="3" type="a" reversed><li value="5">x</li></ol>',
            '<ol start="3" type="a" reversed=""><li value="5">x</li></ol>',
        ),
        ('<img src="a.jpg" width="100%" height="9px">', '<img src="a.jpg" width="100%">'),
        # an image whose address is refused is no image: it goes, alt text and all
        ('<p>a<img src="javascript:alert(1)" alt="foto">b</p>', "<p>ab</p>"),
        ('<p>a<img alt="foto" src="data:image/png;base64,AAAA">b</p>', "<p>ab</p>"),
        ('<p>a<img alt="foto">b<img src="">c</p>', "<p>abc</p>"),
        ('<img alt="a &gt; b" src="c.jpg">', '<img alt="a &gt; b" src="c.jpg">'),
    ],
)
def test_what_the_policy_keeps_and_how(raw: str, clean: str) -> None:
    assert POLICY.clean(raw) == clean


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("images/foto.jpg", True),
        ("/assets/logo.svg", True),
        ("https://cdn.x.go.id/a.jpg", True),
        ("http://cdn.x.go.id/a.jpg", False),  # mixed content
        ("//cdn.x.go.id/a.jpg", False),
        ("data:image/png;base64,AAAA", False),
        ("javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("a\\b.jpg", False),
        ("https:../lain/foto.jpg", False),  # no host: a relative path in disguise
        ("HTTPS:foto.jpg", False),
    ],
)
def test_image_sources(url: str, allowed: bool) -> None:
    assert (image_url(url) == url) is allowed


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JAVASCRIPT:x",
        "vbscript:x",
        "data:text/html,x",
        "jav\nascript:x",
        "https:../draf/",
        "http:halaman",
    ],
)
def test_script_and_hostless_links_are_refused(url: str) -> None:
    assert link_url(url) is None


def test_the_harmless_body_is_kept_whole() -> None:
    import markdown

    html = markdown.markdown(HARMLESS, extensions=["tables", "md_in_html"])
    out = POLICY.clean(html)
    assert '<th style="text-align: left">Desa</th>' in out
    assert '<figcaption>Jalan desa Cijambe, Senin (5/10/2026).</figcaption>' in out
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in out
    assert text_of(out).split() == text_of(html).split()


# ---- embeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.youtube-nocookie.com/embed/abc?start=3", True),
        ("https://www.youtube.com/embed/abc", True),
        ("https://www.youtube.com/embed", True),
        ("https://player.vimeo.com/video/1", True),
        ("https://WWW.YOUTUBE.COM/embed/abc", True),
        ("https://www.youtube.com/watch?v=abc", False),
        ("https://www.youtube.com/embedded/abc", False),
        ("https://www.youtube.com/embed/../watch", False),
        ("https://www.youtube.com/embed/%2e%2e/watch", False),
        ("https://www.youtube.com/embed/..%2f..%2fwatch", False),
        ("https://www.youtube.com/embed/x/..;/watch", False),
        ("http://www.youtube.com/embed/abc", False),
        ("https://www.youtube.com:8443/embed/abc", False),
        ("https://user@player.vimeo.com/video/1", False),
        ("https://player.vimeo.com.evil.test/video/1", False),
        ("https://evil.test/?https://player.vimeo.com/", False),
        ("//player.vimeo.com/video/1", False),
        ("javascript:alert(1)", False),
    ],
)
def test_embed_hosts(url: str, allowed: bool) -> None:
    assert POLICY.embeddable(url) is allowed
    frame = POLICY.clean(f'<iframe src="{url}">x</iframe>')
    assert ("<iframe" in frame) is allowed
    if allowed:
        assert frame.endswith("></iframe>") and 'sandbox="allow-scripts' in frame


def test_embed_hosts_come_from_the_configuration() -> None:
    own = Policy.of(["video.sukamajukab.go.id/putar"])
    assert own.embeddable("https://video.sukamajukab.go.id/putar/17")
    assert not own.embeddable("https://www.youtube.com/embed/abc")
    assert str(own.embeds[0]) == "video.sukamajukab.go.id/putar"
    assert [str(h) for h in POLICY.embeds] == list(sanitize.DEFAULT_EMBED_HOSTS)


@pytest.mark.parametrize(
    "entry",
    ["https://www.youtube.com/embed", "www.youtube.com:443", "WWW.YOUTUBE.COM", "localhost", ""],
)
def test_malformed_embed_hosts_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="is not a host name with an optional path"):
        EmbedHost.parse(entry)


def test_a_frame_keeps_no_content_and_no_attributes_of_its_own() -> None:
    out = POLICY.clean(
        '<iframe src="https://player.vimeo.com/video/1" srcdoc="x" allow="camera" name="n"'
        ' sandbox="" loading="eager" referrerpolicy="unsafe-url" width="640" height="360"'
        " allowfullscreen><img src=x onerror=alert(1)>teks</iframe>"
    )
    (frame,) = scan(out)
    assert frame.attrs == {
        "src": "https://player.vimeo.com/video/1",
        "width": "640",
        "height": "360",
        "allowfullscreen": "",
        **sanitize.IFRAME_FIXED,
    }
    assert out.endswith("></iframe>")


def test_an_unrecognised_frame_means_no_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the frames in nh3's output ever look different from what the rewriting expects,
    the body is cleaned again without any frame (fail closed)."""
    monkeypatch.setattr(sanitize, "_empty_frames", lambda text: text)
    out = POLICY.clean('<iframe src="https://player.vimeo.com/video/1">&lt;b&gt;</iframe><p>x</p>')
    assert out == "<p>x</p>"


def test_text_only() -> None:
    assert text_only("Anggaran &amp; <img src=x onerror=alert(1)>&lt;b&gt; <b>desa</b>") == (
        "Anggaran &amp; &lt;b&gt; desa"
    )


# ---- the plugin option ----------------------------------------------------------------------


def test_a_malformed_embed_host_stops_the_build(site_repo: SiteRepo, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(site_repo.root, root, symlinks=True)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "feed_items: 20\n", "feed_items: 20\n      embed_hosts: [https://evil.test]\n"
        )
    )
    copy = SiteRepo(replace(site_repo.repo, root=root))
    result = copy.warta("build", "-d", str(tmp_path / "site"))
    assert result.returncode == 1
    assert (
        "[site.embed-hosts] embed_hosts: 'https://evil.test' is not a host name with an"
        " optional path"
    ) in result.stderr
    signing = copy.warta("trust", "sign", "--key", str(site_repo.repo.keys["admin"]))
    assert signing.returncode == 1  # an administrator cannot sign it either
    assert "[site.embed-hosts]" in signing.stderr
    assert not (tmp_path / "site").exists()


def test_a_body_never_takes_the_ids_of_the_theme(repo: Repo, tmp_path: Path) -> None:
    """A heading ``## Warta Share Url`` got ``id="warta-share-url"`` and came before the
    share row's field of that id: "Salin tautan" would have copied the body's element, and
    the share row's and related news' labels named the body's text (found by an independent
    attack). A body's ids that start as the theme's do are renamed, in the table of contents
    and the body's own links too, so every id of the theme's is on the page once."""
    body = (
        "SUKAMAJU – Isi berita.\n\n## Warta Share Url\n\n"
        '<p id="warta-related-title">Palsu</p>\n\n<ol><li id="Md-Content" value="7">x</li></ol>\n\n'
        "[Lompat ke judul](#warta-share-url)\n\n## Isi\n\n[Terkait](#%77arta-related-title)\n"
    )
    repo.approved_item("Bupati Resmikan Jembatan Uji", slug="uji", body=body)
    repo.approved_item("Bupati Resmikan Jalan Uji", day="2026-11-03", slug="jalan")
    repo.commit_all("berita")
    out = tmp_path / "site"
    built = repo.cli("build", "-d", str(out))
    assert built.returncode == 0, built.stderr[-3000:]
    html = (out / "berita/2026/uji/index.html").read_text(encoding="utf-8")
    for theirs in ("warta-share-url", "warta-related-title"):
        assert html.count(f'id="{theirs}"') == 1, theirs  # the theme's own
    assert 'id="isi-warta-share-url"' in html and 'id="isi-warta-related-title"' in html
    assert 'id="isi-Md-Content"' in html and 'id="Md-Content"' not in html
    # the body's link and the table of contents lead to the body's heading
    assert html.count('href="#isi-warta-share-url"') >= 2, html
    assert 'href="#warta-share-url"' not in html
    # the theme's "skip to content" target, and a link percent-encoded as a browser reads it
    assert html.count('id="isi"') == 1 and 'id="isi-isi"' in html
    assert 'href="#isi-%77arta-related-title"' in html
