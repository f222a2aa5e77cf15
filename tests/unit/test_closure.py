"""The publication closure's rules (no disk): what an item's folder holds against what it
lists, what its body refers to, and the site's own files against the signed manifest."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import PATH, item

from warta.model.closure import (
    Observed,
    Reserved,
    check_attachment_list,
    check_attachments,
    check_references,
    check_site_sources,
    dest_path,
    reference_target,
)
from warta.model.findings import Finding, Severity
from warta.model.item import Attachment, LeadImage

FOTO = "sha256:" + "a" * 64
LAIN = "sha256:" + "b" * 64
FOLDER = "berita/2026/jembatan/"


def news(*files: Attachment, image: str | None = None):  # type: ignore[no-untyped-def]
    photo = LeadImage(image, "Foto jembatan") if image is not None else None
    return replace(item(), attachments=tuple(files), files_line=8, image=photo)


def rules(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in found]


# ---- the files of an item -----------------------------------------------------------------


def test_listed_files_with_their_digests_pass() -> None:
    listed = news(Attachment("images/foto.jpg", FOTO, 9), image="images/foto.jpg")
    folder = [Observed("index.md", "file", LAIN), Observed("images", "folder"),
              Observed("images/foto.jpg", "file", FOTO)]
    assert list(check_attachments(listed, folder)) == []


def test_an_unlisted_file_names_itself_and_the_rule() -> None:
    found = list(check_attachments(news(), [Observed("lampiran/laporan.pdf", "file", FOTO)]))
    assert found == [
        Finding(
            PATH,
            8,
            "files.unlisted",
            Severity.ERROR,
            "lampiran/laporan.pdf is in the item's folder but not listed under 'files';"
            " expected every published file listed with its SHA-256 (warta sign lists them),"
            " found an unlisted file",
        )
    ]


def test_a_replaced_photo_is_not_the_signed_file() -> None:
    listed = news(Attachment("images/foto.jpg", FOTO, 9))
    found = list(check_attachments(listed, [Observed("images/foto.jpg", "file", LAIN)]))
    assert rules(found) == [
        (
            "files.changed",
            f"images/foto.jpg is not the signed file: expected {FOTO}, found {LAIN}",
        )
    ]
    assert found[0].line == 9


def test_a_listed_file_that_is_gone() -> None:
    listed = news(Attachment("images/foto.jpg", FOTO, 9))
    assert [f.rule for f in check_attachments(listed, [])] == ["files.missing"]


@pytest.mark.parametrize(
    ("entry", "rule", "words"),
    [
        (Observed("x.txt", "symbolic link", target="/proc/self/environ"), "files.symlink",
         "found a symbolic link (to '/proc/self/environ')"),
        (Observed("x.csv", "special file"), "files.special", "found a special file"),
        (Observed("x.jpg", "file", FOTO, nlink=2), "files.hardlink", "found 2 hard links"),
    ],
)
def test_links_special_files_and_hard_links_are_refused_listed_or_not(
    entry: Observed, rule: str, words: str
) -> None:
    for listed in (news(), news(Attachment(entry.rel, FOTO, 9))):
        found = [f for f in check_attachments(listed, [entry]) if f.rule != "files.missing"]
        assert [f.rule for f in found] == [rule]
        assert words in found[0].message


def test_a_page_or_script_is_refused_even_listed_and_signed() -> None:
    listed = news(Attachment("lain.markdown", FOTO, 9), Attachment("a.html", LAIN, 10))
    folder = [Observed("lain.markdown", "file", FOTO), Observed("a.html", "file", LAIN)]
    assert [f.rule for f in check_attachments(listed, folder)] == ["files.type", "files.type"]


def test_an_unsafe_svg_is_refused_even_listed_and_signed() -> None:
    listed = news(Attachment("a.svg", FOTO, 9))
    folder = [Observed("a.svg", "file", FOTO, problems=("unsafe SVG: <script> ...",))]
    assert rules(list(check_attachments(listed, folder))) == [
        ("files.unsafe", "a.svg: unsafe SVG: <script> ...")
    ]


def test_a_hidden_leftover_is_a_warning_and_never_listed() -> None:
    found = list(check_attachments(news(), [Observed(".index.md.x1.tmp", "file", FOTO)]))
    assert [(f.rule, f.severity) for f in found] == [("files.hidden", Severity.WARNING)]


def test_the_lead_photo_must_be_listed() -> None:
    found = list(check_attachments(news(image="foto.jpg"), [Observed("foto.jpg", "file", FOTO)]))
    assert [f.rule for f in found] == ["files.unlisted", "image.unlisted"]


def test_before_approval_the_list_is_only_brought_up_to_date() -> None:
    """A draft's list is rewritten by each signature: a photo not listed yet, or changed, or
    a listed one removed, is no error; but nothing unsafe may be there, and the lead photo
    must be."""
    draft = news(Attachment("lama.jpg", FOTO, 9), image="foto.jpg")
    folder = [Observed("foto.jpg", "file", LAIN), Observed("baru.jpg", "file", FOTO)]
    assert list(check_attachments(draft, folder, frozen=False)) == []
    unsafe = [*folder, Observed("x.txt", "symbolic link", target="/etc/passwd"),
              Observed("a.html", "file", FOTO)]
    assert [f.rule for f in check_attachments(draft, unsafe, frozen=False)] == [
        "files.symlink", "files.type"]
    assert [f.rule for f in check_attachments(draft, folder[1:], frozen=False)] == [
        "image.missing"]


@pytest.mark.parametrize(
    "path", ["../lain/foto.jpg", "/etc/passwd", "a//b.jpg", "a\\b.jpg", "index.md", ".x.jpg"]
)
def test_the_list_names_plain_paths_only(path: str) -> None:
    found = list(check_attachment_list([Attachment(path, FOTO, 3)], PATH))
    assert [(f.rule, f.line) for f in found] == [("files.format", 3)]


def test_a_path_listed_twice() -> None:
    twice = [Attachment("a.jpg", FOTO, 3), Attachment("a.jpg", FOTO, 5)]
    assert [(f.rule, f.line) for f in check_attachment_list(twice, PATH)] == [
        ("files.duplicate", 5)
    ]


# ---- what the body refers to --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("images/foto.jpg", FOLDER + "images/foto.jpg"),
        ("./images/../images/foto.jpg", FOLDER + "images/foto.jpg"),
        ("images/fo%74o.jpg", FOLDER + "images/foto.jpg"),
        ("%2e%2e/draf/foto.jpg", "berita/2026/draf/foto.jpg"),
        ("../../../../../../etc/passwd", "etc/passwd"),
        ("/assets/logo.svg", "assets/logo.svg"),
        ("images/foto.jpg?v=2#x", FOLDER + "images/foto.jpg"),
        ("#judul", None),
        ("?halaman=2", None),
        ("https://contoh.go.id/a.jpg", None),
        ("//evil.test/a.jpg", None),
        ("mailto:humas@sukamajukab.go.id", None),
        ("https:../draf/foto.jpg", "berita/2026/draf/foto.jpg"),  # no host: relative
        ("HTTP:images/foto.jpg", FOLDER + "images/foto.jpg"),
    ],
)
def test_targets_are_compared_after_decoding_and_normalising(url: str, target: str | None) -> None:
    assert reference_target(url, FOLDER) == target


def test_a_body_may_refer_to_its_own_files_only() -> None:
    listed = news(Attachment("images/foto.jpg", FOTO, 9))
    refs = [
        ("img", "images/foto.jpg"),
        ("img", "images/fo%74o.jpg"),
        ("a", "#bagian"),
        ("a", "https://sukamajukab.go.id/"),
        ("img", "../draf/images/rahasia.jpg"),
        ("a", "../../../sop/"),
        ("img", "lampiran.pdf"),
    ]
    found = list(check_references(listed, refs, FOLDER, ["images/foto.jpg"]))
    assert [f.rule for f in found] == ["link.unlisted"] * 3
    assert "'../draf/images/rahasia.jpg' (berita/2026/draf/images/rahasia.jpg)" in found[0].message
    assert "'../../../sop/' (sop/)" in found[1].message


# ---- the site's own files -----------------------------------------------------------------

RESERVED = Reserved({"assets/javascripts/bundle.js": "Material for MkDocs"})


def site(observed: list[Observed], signed: dict[str, str]):  # type: ignore[no-untyped-def]
    verdicts, gone = check_site_sources(observed, signed, RESERVED)
    return {v.path: [f.rule for f in v.findings] for v in verdicts}, [f.rule for f in gone]


def test_signed_files_are_admitted_and_the_rest_refused() -> None:
    observed = [
        Observed("content/tentang.md", "file", FOTO),
        Observed("content/info.md", "file", FOTO),
        Observed("content/index.md", "file", LAIN),
    ]
    signed = {"content/tentang.md": FOTO, "content/index.md": FOTO, "content/hilang.md": FOTO}
    verdicts, gone = site(observed, signed)
    assert verdicts == {
        "content/tentang.md": [],
        "content/info.md": ["site.unsigned"],
        "content/index.md": ["site.changed"],
    }
    assert gone == ["site.missing"]


@pytest.mark.parametrize(
    ("path", "holder"),
    [
        ("content/assets/javascripts/bundle.js", "Material"),
        ("content/Assets/Javascripts/Bundle.js", "Material"),  # case-insensitive hosting
        ("content/sop.md", "sop/ (generated by Warta)"),
        ("content/berita.md", "berita/ (generated by Warta)"),
        ("content/arsip/index.md", "arsip/ (generated by Warta)"),
        ("content/feed.xml", "feed.xml (generated by Warta)"),
        ("content/search/search_index.json", "search/ (generated by Warta)"),
        ("content/404.html", "404.html"),
        ("content/sitemap.xml", "sitemap.xml"),
    ],
)
def test_no_signed_file_takes_the_theme_s_or_warta_s_output(path: str, holder: str) -> None:
    verdicts, _ = check_site_sources(
        [Observed(path, "file", FOTO)], {path: FOTO}, RESERVED
    )
    (finding,) = verdicts[0].findings
    assert finding.rule == "site.shadows" and holder in finding.message


def test_two_files_for_one_output() -> None:
    observed = [
        Observed("content/a.md", "file", FOTO),
        Observed("content/a/index.md", "file", FOTO),
    ]
    verdicts, _ = site(observed, {"content/a.md": FOTO, "content/a/index.md": FOTO})
    assert verdicts == {"content/a.md": [], "content/a/index.md": ["site.duplicate-output"]}


def test_a_link_among_the_site_s_files_is_refused_signed_or_not() -> None:
    link = Observed("content/lampiran.txt", "symbolic link", target="/proc/self/environ")
    verdicts, _ = site([link], {"content/lampiran.txt": FOTO})
    assert verdicts == {"content/lampiran.txt": ["site.symlink"]}


@pytest.mark.parametrize(
    ("src", "dest"),
    [
        ("index.md", "index.html"),
        ("tentang.md", "tentang/index.html"),
        ("a/README.md", "a/index.html"),
        ("a/b.markdown", "a/b/index.html"),
        ("a/B.MD", "a/B/index.html"),
        ("assets/logo.svg", "assets/logo.svg"),
    ],
)
def test_output_paths_as_mkdocs_writes_them(src: str, dest: str) -> None:
    assert dest_path(src) == dest


@pytest.mark.parametrize(
    ("path", "holder"),
    [
        ("content/kategori", "kategori/ (generated by Warta)"),  # a file where a folder is made
        ("content/KINERJA.md", "kinerja/ (generated by Warta)"),
        ("content/sitemap.xml/x.txt", "sitemap.xml (generated by Warta)"),
        ("content/assets", "the theme folder assets/"),
        ("content/assets/javascripts/bundle.js/x.txt",
         "the theme file assets/javascripts/bundle.js"),
    ],
)
def test_no_signed_file_stands_in_the_way_of_the_theme_s_or_warta_s_output(
    path: str, holder: str
) -> None:
    reserved = Reserved({"assets/javascripts/bundle.js": "Material"})
    verdicts, _ = check_site_sources([Observed(path, "file", FOTO)], {path: FOTO}, reserved)
    (finding,) = verdicts[0].findings
    assert finding.rule == "site.shadows" and holder in finding.message, finding.message


def test_a_file_inside_another_s_output_path_is_refused_unless_the_other_is_left_out() -> None:
    outer, inner = "content/tentang.md", "content/tentang/index.html/x.txt"
    observed = [Observed(outer, "file", FOTO), Observed(inner, "file", FOTO)]
    verdicts, _ = site(observed, {outer: FOTO, inner: FOTO})
    assert verdicts == {outer: [], inner: ["site.output-folder"]}
    verdicts, _ = site(observed, {inner: FOTO})  # the page is unsigned: nothing in the way
    assert verdicts == {outer: ["site.unsigned"], inner: []}
