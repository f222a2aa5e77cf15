"""Which language Warta speaks: ``--lang``, else LC_ALL, LC_MESSAGES, LANG (the first set
decides; ``en…`` is English), else Indonesian; and what ``_`` gives in each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from warta import i18n
from warta.clitext import _lang_in, _option_help
from warta.i18n import _, ngettext


@pytest.fixture
def restore() -> Iterator[None]:
    before = i18n.language()
    yield
    i18n.set_language(before)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "id"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en"}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "C.UTF-8"}, "id"),
        ({"LANG": "fr_FR.UTF-8"}, "id"),
        ({"LANG": "id_ID.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "id_ID.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LANG": "en_US"}, "id"),
        ({"LC_ALL": "", "LANG": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_environment_chooses(environ: dict[str, str], expected: str) -> None:
    assert i18n.from_environment(environ) == expected


@pytest.mark.usefixtures("restore")
def test_messages_in_each_language() -> None:
    i18n.set_language("id")
    assert (_("Usage:"), _("default: {default}").format(default="text")) == (
        "Penggunaan:",
        "bawaan: text",
    )
    i18n.set_language("en")
    assert (_("Usage:"), _("default: {default}").format(default="text")) == (
        "Usage:",
        "default: text",
    )
    assert (ngettext("{n} item", "{n} items", 1), ngettext("{n} item", "{n} items", 2)) == (
        "{n} item",
        "{n} items",
    )


@pytest.mark.usefixtures("restore")
def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'; expected one of id, en"):
        i18n.set_language("fr")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "en", "validate"], "en"),
        (["--lang=id", "validate"], "id"),
        (["--help", "--lang", "en"], "en"),
        (["validate", "--lang", "en"], None),  # a command's argument, not the group's
        ([], None),
    ],
)
def test_lang_is_read_before_the_command(args: list[str], expected: str | None) -> None:
    assert _lang_in(args) == expected


@pytest.mark.usefixtures("restore")
def test_clicks_additions_to_option_help_are_translated() -> None:
    i18n.set_language("id")
    assert _option_help("Output format.  [default: text; required]") == (
        "Output format.  [bawaan: text; wajib]"
    )
    assert _option_help("No additions.") == "No additions."
