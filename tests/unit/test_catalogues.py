"""Both catalogues cover every message: each msgid marked in the source (``_``, ``ngettext``,
``N_``, the CLI's docstrings and options' help: :mod:`warta.msgextract`) has a non-empty
Indonesian translation and an entry in the English catalogue, neither catalogue keeps a
message the source no longer has, every translation keeps its msgid's ``{placeholders}``, and
each compiled ``.mo`` is exactly what its ``.po`` compiles to.

"Covered" in English means an entry exists: its msgstr may be empty, and gettext then shows
the msgid, which is the English source text.

The sources and catalogues are read when this module is imported (collection), before the
no-disk guard of tests/unit is armed; the tests themselves work in memory.
"""

from __future__ import annotations

import ast
import io
import re
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import warta
from warta import i18n
from warta.msgextract import extract as warta_extractor

PACKAGE = Path(warta.__file__).parent
SOURCES = {
    path.relative_to(PACKAGE).as_posix(): path.read_bytes()
    for path in sorted(PACKAGE.rglob("*.py"))
}
PO = {
    lang: read_po(io.BytesIO((i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "warta.po").read_bytes()))
    for lang in i18n.LANGUAGES
}
MO = {lang: i18n.catalogue_path(lang).read_bytes() for lang in i18n.LANGUAGES}


def _compiled(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


COMPILED = {lang: _compiled(PO[lang]) for lang in i18n.LANGUAGES}


def _ids(message: str | tuple[str, ...]) -> tuple[str, ...]:
    return (message,) if isinstance(message, str) else message


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message the source marks, by its msgid (with the plural, for ngettext), with
    where it is (for the failure message)."""
    found: dict[str, tuple[str, ...]] = {}
    for rel, source in SOURCES.items():
        for line, message, _comments, _context in extract(
            warta_extractor, io.BytesIO(source), keywords=DEFAULT_KEYWORDS
        ):
            ids = _ids(message)
            found.setdefault(ids[0], ())
            found[ids[0]] = (*found[ids[0]], f"{rel}:{line}")
    return found


def catalogue(lang: str) -> Catalog:
    return PO[lang]


def fields(text: str) -> Counter[str]:
    """The ``{placeholders}`` of a message (``{{`` is a brace, not one)."""
    return Counter(
        name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None
    )


MESSAGES = extracted()


def test_the_source_marks_messages() -> None:
    assert len(MESSAGES) > 50
    assert "Usage:" in MESSAGES  # click's own words
    assert any(where[0].startswith("cli.py") for where in MESSAGES.values())


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_has_an_entry(lang: str) -> None:
    ids = {_ids(m.id)[0] for m in catalogue(lang) if m.id}
    missing = {msgid: where for msgid, where in MESSAGES.items() if msgid not in ids}
    assert missing == {}


def test_every_message_is_translated_into_indonesian() -> None:
    untranslated = [
        _ids(m.id)[0]
        for m in catalogue("id")
        if m.id and (m.fuzzy or not all(_ids(m.string)))
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_catalogue_keeps_a_message_the_source_no_longer_has(lang: str) -> None:
    cat = catalogue(lang)
    stale = [_ids(m.id)[0] for m in cat if m.id and _ids(m.id)[0] not in MESSAGES]
    assert (stale, list(cat.obsolete)) == ([], [])


def test_placeholders_are_named() -> None:
    unnamed = [
        msgid
        for msgid in MESSAGES
        if any(not name.isidentifier() for name in fields(msgid))
    ]
    assert unnamed == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    changed = []
    for m in catalogue(lang):
        if not m.id:
            continue
        ids, strings = _ids(m.id), _ids(m.string)
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            if text and fields(text) != fields(source):
                changed.append((source, text))
    assert changed == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_compiled_catalogue_is_its_po_compiled(lang: str) -> None:
    assert COMPILED[lang] == MO[lang], "run: pybabel compile -d scripts/warta/locale -D warta"


#: The calls whose text a person reads: Warta's errors, findings, refusals, console and log
#: output. Python's own exceptions (ValueError, RuntimeError…) are internal and not here.
SHOWN = frozenset({
    "WartaError", "RefusedError", "UsageError", "ConfigError", "UnsafePath", "BuildFailed",
    "PluginError", "FrontMatterError", "YamlError", "ScalarError", "ClickException",
    "BadParameter", "Finding", "fail", "_fail", "error", "warning", "notice", "info", "echo",
    "secho", "say", "print", "left_out", "_refused", "_broken", "_bad", "wrong", "missing",
})


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _words(node: ast.expr) -> list[str]:
    """The words of a literal text (a string, an f-string's fixed parts, either side of
    ``+``), leaving out what is no sentence: rule ids and markup in brackets, ``warta:``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.BinOp):
        return _words(node.left) + _words(node.right)
    else:
        return []
    return [
        w for w in re.sub(r"\[[^\]]*\]", " ", text).split()
        if w != "warta:" and sum(c.isalpha() for c in w) >= 2
    ]


def test_no_message_a_person_reads_is_left_out_of_the_catalogues() -> None:
    """A sentence written straight into an error, a finding, a refusal or the console is
    never translated: every such text goes through ``_`` (or ``ngettext``)."""
    unmarked = [
        f"{rel}:{arg.lineno}: {' '.join(_words(arg))}"
        for rel, source in SOURCES.items()
        for call in ast.walk(ast.parse(source))
        if isinstance(call, ast.Call) and _call_name(call.func) in SHOWN
        for arg in [*call.args, *(k.value for k in call.keywords if k.arg in {None, "message"})]
        if len(_words(arg)) >= 2
    ]
    assert unmarked == []
