"""Reading an item's text (no disk): every way front-matter can be broken is a finding naming
the line, the rule and what was expected and found; never an exception."""

from __future__ import annotations

import pytest

from warta.adapters.items import parse_item
from warta.adapters.textfile import decode
from warta.model.findings import Finding, Severity

PATH = "content/berita/2026/x/index.md"

# line: 1    2    3    ...
BASE = [
    "---",
    "id: 20261102-jembatan",
    "title: Bupati Resmikan Jembatan",
    "date: 2026-11-02",
    "description: Ringkasan",
    "categories:",
    "- Kecamatan Cibening",
    "status: usulan",
    "signoffs: []",
    "slug: x",
    "---",
    "",
    "Isi berita.",
]


def text(**lines: str) -> str:
    """BASE with some lines replaced: text(l3="title: x") replaces line 3."""
    out = list(BASE)
    for key, value in lines.items():
        out[int(key[1:]) - 1] = value
    return "\n".join(out) + "\n"


def read(source: str) -> list[Finding]:
    return parse_item(source, PATH).findings


def err(line: int | None, rule: str, message: str) -> Finding:
    return Finding(PATH, line, rule, Severity.ERROR, message)


def test_a_well_formed_item_reads_without_findings() -> None:
    loaded = parse_item(text(), PATH)
    assert loaded.findings == []
    item = loaded.item
    assert item is not None
    assert (item.id, item.title, item.status, item.approved_by) == (
        "20261102-jembatan",
        "Bupati Resmikan Jembatan",
        "usulan",
        None,
    )
    assert item.fields == {
        "id": "20261102-jembatan",
        "title": "Bupati Resmikan Jembatan",
        "date": "2026-11-02",  # timestamps stay text, as written
        "description": "Ringkasan",
        "categories": ["Kecamatan Cibening"],
        "slug": "x",
    }
    assert item.body == "\nIsi berita.\n"
    assert item.lines["status"] == 8 and item.lines["categories"] == 6
    assert item.signoffs == () and item.signoffs_readable


def test_signoffs_are_read_with_their_lines() -> None:
    source = text(
        l9="signoffs:\n- step: disposisi\n  by: hendra\n  at: 2026-11-02T08:00:00+07:00\n"
        "  content: sha256:ab\n  note: rapat\n  sig: |\n    -----BEGIN SSH SIGNATURE-----\n"
        "    AAAA\n    -----END SSH SIGNATURE-----"
    )
    item = parse_item(source, PATH).item
    assert item is not None
    (signoff,) = item.signoffs
    assert (signoff.step, signoff.by, signoff.at_text, signoff.line) == (
        "disposisi",
        "hendra",
        "2026-11-02T08:00:00+07:00",
        10,
    )
    assert (signoff.content, signoff.note) == ("sha256:ab", "rapat")
    assert signoff.sig == ("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n")


# ---- front-matter -----------------------------------------------------------------------------


def test_front_matter_missing_in_an_empty_file() -> None:
    assert read("") == [
        err(
            1,
            "front-matter.missing",
            "file is empty; expected YAML front-matter between '---' lines and a body",
        )
    ]


def test_front_matter_missing() -> None:
    assert read("# Jembatan\n\nIsi.\n") == [
        err(
            1,
            "front-matter.missing",
            "expected the first line to be '---' opening the front-matter; found '# Jembatan'",
        )
    ]


def test_front_matter_unclosed() -> None:
    assert read("---\nid: x\ntitle: y\n") == [
        err(
            1,
            "front-matter.unclosed",
            "front-matter is not closed; expected a '---' line after it, found end of file",
        )
    ]


@pytest.mark.parametrize(
    ("yaml_text", "found"),
    [
        ("- id: x\n- title: y\n", "a list"),
        ("just text\n", "text 'just text'"),
        ("", "nothing (null)"),
        ("42\n", "a number (42)"),
    ],
)
def test_front_matter_that_is_not_a_mapping(yaml_text: str, found: str) -> None:
    assert read(f"---\n{yaml_text}---\nIsi.\n") == [
        err(
            2,
            "front-matter.type",
            f"front-matter must be a mapping of keys to values; found {found}",
        )
    ]


def test_body_empty() -> None:
    source = "\n".join(BASE[:11]) + "\n\n  \n"
    assert read(source) == [
        err(11, "body.empty", "expected the text of the news after the front-matter, found none")
    ]


# ---- YAML ---------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line_and_what_is_there() -> None:
    assert read(text(l3="title: Jembatan: Baru")) == [
        err(
            3,
            "yaml.syntax",
            "YAML does not parse: mapping values are not allowed in this context; expected"
            " valid YAML, found 'title: Jembatan: Baru'",
        )
    ]


def test_yaml_syntax_error_in_an_unclosed_list_names_where_it_starts() -> None:
    assert read(text(l3="title: [Jembatan")) == [
        err(
            4,
            "yaml.syntax",
            "YAML does not parse: did not find expected ',' or ']' (while parsing a flow"
            " sequence that starts at line 3); expected valid YAML, found 'date: 2026-11-02'",
        )
    ]


def test_yaml_duplicate_key() -> None:
    assert read(text(l5="title: Lagi")) == [
        err(
            5,
            "yaml.duplicate-key",
            "duplicate key 'title': expected each key once, found it again (first at line 3)",
        )
    ]


def test_yaml_alias_names_the_anchor() -> None:
    assert read(text(l3="title: &t Jembatan", l5="description: *t")) == [
        err(
            3,
            "yaml.alias",
            "YAML anchors and aliases are not allowed: expected plain values, found an alias",
        )
    ]


def test_yaml_merge_key() -> None:
    source = text(l9="signoffs: []\nimage: &i {src: a.jpg}\nextra:\n  <<: *i")
    assert read(source) == [
        err(12, "yaml.alias", "YAML merge keys are not allowed: expected plain keys, found '<<'")
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "!!python/object/apply:os.system ['id']",
            "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed:"
            " expected a plain list, found a tagged one",
        ),
        (
            "!!python/name:os.system",
            "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed: expected"
            " plain values, found a tagged one",
        ),
        (
            "!custom Jembatan",
            "YAML tag '!custom' is not allowed: expected plain values, found a tagged one",
        ),
        (
            "!peta {a: b}",
            "YAML tag '!peta' is not allowed: expected a plain mapping, found a tagged one",
        ),
        (
            "!daftar [a]",
            "YAML tag '!daftar' is not allowed: expected a plain list, found a tagged one",
        ),
    ],
)
def test_yaml_tag(value: str, message: str) -> None:
    assert read(text(l3=f"title: {value}")) == [err(3, "yaml.tag", message)]


def test_yaml_key_must_be_text() -> None:
    assert read(text(l5="2026: Ringkasan")) == [
        err(
            5,
            "yaml.key",
            "a mapping key must be text: expected text, found int '2026' (quote it)",
        )
    ]


def test_yaml_key_must_not_be_a_list() -> None:
    assert read(text(l5="? [a, b]\n: Ringkasan")) == [
        err(5, "yaml.key", "a mapping key must be text: expected text, found a list or mapping")
    ]


def test_yaml_number_must_be_finite() -> None:
    assert read(text(l9="signoffs: []\nimage: {width: .inf}")) == [
        err(10, "yaml.number", "expected a finite number, found '.inf'")
    ]


def test_yaml_too_deep() -> None:
    assert read(text(l3="title: " + "[" * 40 + "]" * 40)) == [
        err(3, "yaml.too-deep", "YAML is nested too deeply: expected at most 32 levels, found more")
    ]


def test_yaml_absurdly_deep_is_refused_before_parsing() -> None:
    assert read(text(l3="title: " + "[" * 5000)) == [
        err(
            3,
            "yaml.too-deep",
            "YAML is nested too deeply: expected at most 32 levels, found more than 64",
        )
    ]


def test_yaml_too_large() -> None:
    assert read(text(l3="title: [" + "1, " * 20_001 + "]")) == [
        err(
            3,
            "yaml.too-large",
            "YAML has too many values: expected at most 20000, found more; refusing to read"
            " further",
        )
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_refused_on_their_own_line(separator: str) -> None:
    # YAML breaks lines at NEL, LS and PS, even in a quoted value or after a '#'; the file
    # (git, diffs, editors) does not: refused, named by the file's own line
    found = read(text(l3=f"title: 'Jembatan{separator}Baru'", l4="date: 2026-13-45"))
    assert [(f.line, f.rule) for f in found] == [(3, "yaml.line-break")]


# ---- schema: types, required keys, unknown keys -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("id: 20261102", "'id' must be text (quote it); found a number (20261102)"),
        ("id: true", "'id' must be text; found a boolean (true)"),
        ("id: [a]", "'id' must be text; found a list"),
        ("id: {a: b}", "'id' must be text; found a mapping"),
    ],
)
def test_schema_type_of_text_fields(line: str, message: str) -> None:
    assert read(text(l2=line)) == [err(2, "schema.type", message)]


def test_schema_type_a_text_where_a_list_belongs() -> None:
    assert read(text(l6="categories: Infrastruktur", l7="tags: []")) == [
        err(6, "schema.type", "'categories' must be a list of text; found text 'Infrastruktur'")
    ]


def test_schema_type_of_a_list_entry_names_its_own_line() -> None:
    assert read(text(l7="- Kecamatan Cibening\n- {nama: x}")) == [
        err(8, "schema.type", "'categories' entries must be text; found a mapping")
    ]


def test_schema_type_a_mapping_where_the_signoff_list_belongs() -> None:
    assert read(text(l9="signoffs: {step: disposisi}")) == [
        err(9, "schema.type", "'signoffs' must be a list of steps; found a mapping")
    ]


def test_schema_type_a_list_where_a_signoff_mapping_belongs() -> None:
    assert read(text(l9="signoffs:\n- [disposisi, hendra]")) == [
        err(10, "schema.type", "signoffs[0] must be a mapping with step, by, at; found a list")
    ]


def test_unreadable_signoffs_are_marked_so_the_item_fails_closed() -> None:
    loaded = parse_item(text(l9="signoffs:\n- [disposisi, hendra]"), PATH)
    assert loaded.item is not None
    assert loaded.item.signoffs_readable is False


def test_schema_missing_keys_name_the_front_matter() -> None:
    source = "---\ntitle: Jembatan\ndescription: x\n---\nIsi.\n"
    assert read(source) == [
        err(2, "schema.missing", "'id' is required; expected text, found nothing"),
        err(2, "schema.missing", "'date' is required; expected text, found nothing"),
        err(
            2,
            "schema.missing",
            "'categories' is required; expected a list of text, found nothing",
        ),
        err(2, "schema.missing", "'slug' is required; expected text, found nothing"),
        err(2, "schema.missing", "'status' is required; expected text, found nothing"),
    ]


def test_schema_missing_value_names_the_key_line() -> None:
    assert read(text(l3="title:")) == [
        err(3, "schema.missing", "'title' is required; expected text, found nothing")
    ]


def test_schema_missing_in_a_signoff_names_the_signoff() -> None:
    assert read(text(l9="signoffs:\n- step: disposisi\n  at: 2026-11-02T08:00:00+07:00")) == [
        err(10, "schema.missing", "'signoffs[0].by' is required; expected text, found nothing")
    ]


def test_schema_empty_title() -> None:
    assert read(text(l3="title: '  '")) == [
        err(3, "schema.empty", "title must not be empty; found empty text")
    ]


def test_schema_unknown_key_is_a_warning_at_the_top() -> None:
    assert read(text(l5="deskripsi: Ringkasan")) == [
        Finding(
            PATH,
            5,
            "schema.unknown-key",
            Severity.WARNING,
            "unknown key 'deskripsi'; expected one of: approved_by, categories, date,"
            " description, embargo, files, id, image, pii_ack, ralat, revision, signoffs, slug,"
            " status, tags, title",
        ),
        err(2, "schema.missing", "'description' is required; expected text, found nothing"),
    ]


def test_schema_unknown_key_in_a_signoff_is_an_error() -> None:
    source = text(
        l9="signoffs:\n- step: disposisi\n  by: hendra\n  at: 2026-11-02T08:00:00+07:00\n"
        "  oleh: hendra"
    )
    assert read(source) == [
        err(
            13,
            "schema.unknown-key",
            "unknown key 'signoffs[0].oleh'; expected one of: action, at, by, content, note,"
            " reason, sig, step, to",
        )
    ]


# ---- formats: id, slug, date, signoff times ---------------------------------------------------


@pytest.mark.parametrize(
    "value", ["Jembatan_Baru", "jembatan--baru", "-jembatan", "jembatan-", "a" * 81, "jembatan é"]
)
def test_id_format(value: str) -> None:
    assert read(text(l2=f"id: '{value}'")) == [
        err(
            2,
            "id.format",
            "id must be lowercase letters a-z, digits and single hyphens (at most 80"
            f" characters); found {value!r}",
        )
    ]


def test_an_id_of_80_characters_is_fine() -> None:
    assert read(text(l2="id: " + "a" * 80)) == []


def test_slug_format() -> None:
    assert read(text(l10="slug: Jembatan Baru")) == [
        err(
            10,
            "slug.format",
            "slug must be lowercase letters a-z, digits and single hyphens; found 'Jembatan Baru'",
        )
    ]


@pytest.mark.parametrize("value", ["2026-13-45", "'2 November 2026'", "2026-11-02T25:00"])
def test_date_format(value: str) -> None:
    found = value.strip("'")
    assert read(text(l4=f"date: {value}")) == [
        err(
            4,
            "date.format",
            f"date must be a date (YYYY-MM-DD) or an ISO 8601 date-time; found {found!r}",
        )
    ]


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-12:00", "0001-01-01", "1899-12-31"])
def test_date_range(value: str) -> None:
    assert read(text(l4=f"date: {value}")) == [
        err(4, "date.range", f"date must fall between the years 1900 and 2999; found {value!r}")
    ]


@pytest.mark.parametrize("value", ["0x" + "F" * 4000, "1" * 40, "-" + "1" * 32, "1" * 30 + ".5e3"])
def test_an_unquoted_number_is_bounded(value: str) -> None:
    """A 4,000-digit integer would break the content digest: an unquoted number longer than
    32 characters is refused (a sexagesimal-looking value is text in YAML 1.2, see
    tests/hardening/test_yaml12.py)."""
    (finding,) = read(text(l10=f"nomor: {value}"))
    assert (finding.rule, finding.line) == ("yaml.number", 10)
    assert finding.message == (
        f"expected a number of at most 32 characters here, found one of {len(value)} (quote it"
        " if it is text)"
    )


@pytest.mark.parametrize("value", ["2026-11-02", "2026-11-02T10:00:00+07:00", "2026-11-02 10:00"])
def test_date_may_be_a_date_or_a_date_time(value: str) -> None:
    assert read(text(l4=f"date: {value}")) == []


def signoff(at: str) -> str:
    return text(l9=f"signoffs:\n- step: disposisi\n  by: hendra\n  at: {at}")


def test_time_no_offset() -> None:
    assert read(signoff("2026-11-02T08:00:00")) == [
        err(
            12,
            "time.no-offset",
            "'signoffs[0].at' must carry a UTC offset (e.g. +07:00 for WIB); found"
            " '2026-11-02T08:00:00' with none",
        )
    ]


def test_time_format() -> None:
    assert read(signoff("kemarin sore")) == [
        err(
            12,
            "time.format",
            "'signoffs[0].at' must be an ISO 8601 date-time with offset; found 'kemarin sore'",
        )
    ]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59"])
def test_time_range(value: str) -> None:
    assert read(signoff(value)) == [
        err(
            12,
            "time.range",
            "'signoffs[0].at' must be a date-time between the years 1900 and 2999; found"
            f" {value!r}",
        )
    ]


def test_a_utc_signoff_time_is_read_with_its_offset() -> None:
    item = parse_item(signoff("2026-11-02T01:00:00Z"), PATH).item
    assert item is not None
    assert item.signoffs[0].at_text == "2026-11-02T01:00:00+00:00"


# ---- bytes to text -----------------------------------------------------------------------------


def test_file_encoding_names_the_line_of_the_bad_byte() -> None:
    result = decode(b"---\nid: x\ntitle: Caf\xe9\n---\n", PATH)
    assert result.text is None
    assert result.findings == [
        err(3, "file.encoding", "expected UTF-8 text, found byte 0xe9 that is not UTF-8")
    ]


def test_file_binary() -> None:
    result = decode(b"---\nid: x\x00\n", PATH)
    assert result.text is None
    assert result.findings == [
        err(2, "file.binary", "expected a UTF-8 text file, found a NUL byte")
    ]


def test_file_bom_is_a_warning_and_ignored() -> None:
    result = decode("\ufeff---\nid: x\n".encode(), PATH)
    assert result.text == "---\nid: x\n"
    assert result.findings == [
        Finding(
            PATH,
            1,
            "file.bom",
            Severity.WARNING,
            "found a UTF-8 byte-order mark at the start of the file; expected none (it was"
            " ignored)",
        )
    ]


def test_crlf_is_read_as_lf_silently() -> None:
    result = decode(b"---\r\nid: x\r\n---\r\n", PATH)
    assert result.text == "---\nid: x\n---\n"
    assert result.findings == []


def test_mixed_line_endings_are_a_warning() -> None:
    result = decode(b"---\r\nid: x\n---\r\n", PATH)
    assert result.text == "---\nid: x\n---\n"
    assert result.findings == [
        Finding(
            PATH,
            None,
            "file.line-endings",
            Severity.WARNING,
            "found mixed line endings (CRLF, CR and LF); expected one style (read as LF)",
        )
    ]


@pytest.mark.parametrize("raw", [b"---\r\nid: x\n---\r", b"id: x # a\rkabag: y\n", b"a\r\rb"])
def test_a_cr_that_ends_no_line_for_git_is_an_error(raw: bytes) -> None:
    """git, diffs and browsers show what follows a lone CR on the same line; YAML and
    Markdown start a new one there (a '# comment' could hide a key)."""
    result = decode(raw, PATH)
    assert result.text is None
    line = raw[: raw.index(b"\r")].count(b"\n") + 1 if b"\r\n" not in raw else 3
    assert [(f.rule, f.severity, f.line) for f in result.findings] == [
        ("file.lone-cr", Severity.ERROR, line)]


@pytest.mark.parametrize("escape", ["\\u202e", "\\u200B", "\\U0000202E", "\\xAD"])
def test_an_invisible_character_written_as_a_yaml_escape_is_found(escape: str) -> None:
    """The front-matter source then holds no invisible character itself; the value does."""
    source = text(l3=f'title: "Bupati {escape} Resmikan Jembatan"')
    found = [(f.rule, f.line) for f in read(source) if f.rule == "text.invisible"]
    assert found == [("text.invisible", 3)]


def test_plain_front_matter_skips_the_walk_but_not_the_body() -> None:
    source = text(l13="Isi \u202eberita.")
    assert [(f.rule, f.line) for f in read(source)] == [("text.invisible", 13)]
