"""The typed fields of a news item (no disk): read once by the reader, each problem a finding
with its line, the raw ``fields`` (and so the signed content digest) untouched, and every
YAML type in any of these fields a finding, never an exception, here or when the site shows
the item."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from builders import real_sop, roster

from warta.adapters.items import parse_item
from warta.model.findings import Finding, Severity
from warta.model.item import LeadImage, content_digest, news_day, read_news_date
from warta.site.article import build_article

PATH = "content/berita/2026/jembatan/index.md"
WIB = ZoneInfo("Asia/Jakarta")
#: line 9 holds the image mapping; ``{...}`` stands for its entries, one a line from line 10
ITEM = """---
id: 20261102-jembatan
title: Bupati Resmikan Jembatan
date: 2026-11-02
description: Ringkasan
categories: [Kecamatan Cibening, Infrastruktur]
tags: [jembatan, desa]
slug: jembatan
image:
{image}
status: usulan
signoffs: []
---

Isi berita.
"""
PHOTO = {
    "src": "images/foto.jpg",
    "alt": "' Jembatan gantung di atas sungai '",
    "caption": "Warga melintas.",
    "credit": "'Foto: Humas'",
}


def source(**image: str | None) -> str:
    """ITEM with the photo's entries (PHOTO, with ``image``'s replacing or, as None,
    dropping them)."""
    entries = {**PHOTO, **image}
    return ITEM.format(image="\n".join(f"  {k}: {v}" for k, v in entries.items() if v is not None))


def err(line: int, rule: str, message: str) -> Finding:
    return Finding(PATH, line, rule, Severity.ERROR, message)


def test_an_item_is_read_once_into_typed_fields() -> None:
    loaded = parse_item(source(), PATH)
    item = loaded.item
    assert loaded.findings == [] and item is not None
    assert item.news_date == date(2026, 11, 2)
    assert item.description == "Ringkasan"
    assert item.categories == ("Kecamatan Cibening", "Infrastruktur")
    assert item.tags == ("jembatan", "desa")
    assert item.slug == "jembatan"
    assert item.image == LeadImage(
        "images/foto.jpg", "Jembatan gantung di atas sungai", "Warga melintas.", "Foto: Humas"
    )
    assert item.image_src == "images/foto.jpg"
    assert item.day(WIB) == date(2026, 11, 2)


def test_the_raw_fields_and_the_content_digest_stay_as_written() -> None:
    item = parse_item(source(), PATH).item
    assert item is not None
    assert item.fields["image"] == {
        "src": "images/foto.jpg",
        "alt": " Jembatan gantung di atas sungai ",  # trimmed only in the typed field
        "caption": "Warga melintas.",
        "credit": "Foto: Humas",
    }
    assert item.fields["date"] == "2026-11-02"
    assert content_digest(item.fields, item.body) == (
        # as main computed it before the typed fields: the same bytes
        "sha256:c518343fe7291755c3c9adac97c9bbdd3c8158c5b478c509196619028c0a9318"
    )


def test_news_dates_are_days_or_date_times_read_in_the_zone() -> None:
    assert read_news_date("2026-10-05") == date(2026, 10, 5)
    moment = read_news_date("2026-10-04T20:00:00+00:00")
    assert moment == datetime(2026, 10, 4, 20, tzinfo=UTC)
    assert news_day(moment, WIB) == date(2026, 10, 5)
    assert news_day(read_news_date("2026-10-04T20:00:00"), WIB) == date(2026, 10, 4)
    assert news_day(datetime(2026, 10, 4, 20, tzinfo=timezone(timedelta(hours=-12))), WIB) == (
        date(2026, 10, 5)
    )
    assert read_news_date("kemarin") is None
    assert news_day(None, WIB) is None


@pytest.mark.parametrize(
    "src",
    [
        "../../workflow/roster.yml",
        "../lain/images/foto.jpg",
        "/berita/x.jpg",
        "https://x.test/a.jpg",
        "a/./b.jpg",
        "images//b.jpg",
        "'a\\b.jpg'",
        "''",
        "'  '",
        '"foto\\x01.jpg"',
    ],
)
def test_image_src_must_be_a_plain_path_in_the_folder(src: str) -> None:
    loaded = parse_item(source(src=src), PATH)
    (finding,) = loaded.findings
    assert (finding.rule, finding.line) == ("image.src", 10)
    assert finding.message.startswith("image.src must be a plain path inside the item's folder;")
    assert loaded.item is not None and loaded.item.image is None


def test_image_src_must_name_a_photo() -> None:
    loaded = parse_item(source(src="laporan.pdf"), PATH)
    assert loaded.findings == [
        err(
            10,
            "image.type",
            "image.src must name a photo (.avif, .gif, .jpeg, .jpg, .png, .svg, .webp);"
            " found 'laporan.pdf'",
        )
    ]


@pytest.mark.parametrize(
    ("alt", "line", "found"),
    [
        (None, 10, "found nothing"),
        ("null", 11, "found nothing"),
        ("''", 11, "found empty text"),
        ("'   '", 11, "found empty text"),
    ],
)
def test_every_photo_needs_alt_text(alt: str | None, line: int, found: str) -> None:
    loaded = parse_item(source(alt=alt), PATH)
    assert loaded.findings == [
        err(
            line,
            "image.alt",
            f"image.alt must describe the photo for readers who cannot see it; {found}",
        )
    ]
    assert loaded.item is not None and loaded.item.image is not None
    assert loaded.item.image.alt == ""


def test_alt_text_of_another_type_is_a_type_finding() -> None:
    assert parse_item(source(alt="{teks: Foto}"), PATH).findings == [
        err(11, "schema.type", "'image.alt' must be text; found a mapping")
    ]


#: every kind of YAML value (flow style, so that each fits on one line)
VALUES = (
    "null",
    "true",
    "0",
    "-3",
    "1.5",
    "0x1F",
    "''",
    "teks",
    "2026-11-02",
    "[]",
    "{}",
    "[a, 1, null]",
    "[[a]]",
    "[{src: a.jpg}]",
    "{src: a.jpg}",
    "{a: {b: [c]}}",
)
#: the typed fields and where each sits in ITEM (image entries: within its mapping)
KEYS = ("date", "description", "categories", "tags", "slug", "image", "files")
ENTRIES = ("src", "alt", "caption", "credit", "shows_minor")


def hostile_sources() -> list[str]:
    out = []
    for value in VALUES:
        base = source()
        for key in KEYS:
            if key == "files" or f"\n{key}:" not in base:
                out.append(base.replace("\nstatus:", f"\n{key}: {value}\nstatus:"))
                continue
            head, _sep, rest = base.partition(f"\n{key}:")
            tail = rest[rest.index("\n") :] if key != "image" else rest[rest.index("\nstatus:") :]
            out.append(f"{head}\n{key}: {value}{tail}")
        out.extend(source(**{entry: value}) for entry in ENTRIES)
    return out


def test_no_yaml_value_in_a_typed_field_raises_here_or_on_the_site() -> None:
    """Every value of every type, in every typed field: findings with lines, and a draft's
    page (a preview) still builds from what was read."""
    sop, people = real_sop(), roster()
    for text in hostile_sources():
        loaded = parse_item(text, PATH)
        assert all(f.line is not None for f in loaded.findings), (text, loaded.findings)
        if loaded.item is None:
            continue
        article = build_article(
            loaded.item,
            src_uri=PATH.removeprefix("content/"),
            sop=sop,
            roster=people,
            zone=WIB,
            reporter_step="penulisan",
            draft=True,
        )
        assert article is not None
        assert all(isinstance(c, str) for c in (*article.categories, *article.tags))
        assert isinstance(article.description, str)
        assert article.image is None or isinstance(article.image.alt, str)


def test_a_wrong_type_of_description_tags_or_categories_names_its_line() -> None:
    text = (
        source()
        .replace("description: Ringkasan", "description: [Ringkasan]")
        .replace("tags: [jembatan, desa]", "tags: {jembatan: desa}")
        .replace("categories: [Kecamatan Cibening, Infrastruktur]", "categories: [1, 2]")
    )
    loaded = parse_item(text, PATH)
    assert loaded.findings == [
        err(5, "schema.type", "'description' must be text; found a list"),
        err(6, "schema.type", "'categories' entries must be text; found a number (1)"),
        err(7, "schema.type", "'tags' must be a list of text; found a mapping"),
    ]
    item = loaded.item
    assert item is not None
    assert (item.description, item.categories, item.tags) == ("", (), ())
