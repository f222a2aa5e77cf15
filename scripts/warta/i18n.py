"""Warta's two languages: Indonesian (the default) and English.

Every message a person reads is written in English in the code, marked with ``_()`` (or
``ngettext``; ``N_`` where it is defined before the language is known) with ``{named}``
placeholders filled by ``str.format`` after translation. The catalogues are gettext files
compiled with Babel: ``locale/<lang>/LC_MESSAGES/warta.mo`` in the package, both loaded when
this module is imported. The language is ``--lang`` (set by the CLI before any command runs),
else the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set (``en…``: English,
``id…``: Indonesian), else Indonesian. Rule ids and JSON keys are never translated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from babel.support import Translations

from warta.model import translate
from warta.model.translate import N_, _, ngettext

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "_",
    "format_moment",
    "from_environment",
    "language",
    "ngettext",
]

LANGUAGES = ("id", "en")
DEFAULT = "id"
DOMAIN = "warta"
LOCALE_DIR = Path(__file__).parent / "locale"
#: The environment variables that name the language of messages, strongest first (POSIX).
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _load(lang: str) -> Translations:
    with catalogue_path(lang).open("rb") as file:
        return Translations(file, domain=DOMAIN)


#: Both catalogues, read once at import: choosing a language later reads no file.
CATALOGUES = {lang: _load(lang) for lang in LANGUAGES}


class _Chosen:
    lang = DEFAULT


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language the environment asks for: the first of LC_ALL, LC_MESSAGES and LANG that
    is set decides; English if it starts with ``en``, else Indonesian (``C`` too)."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT
    return DEFAULT


def set_language(lang: str | None) -> str:
    """Translate into ``lang`` from now on (None: what the environment asks for); returns
    the language chosen."""
    chosen = from_environment() if lang is None else lang
    if chosen not in CATALOGUES:
        raise ValueError(
            _("unknown language {lang!r}; expected one of {languages}").format(
                lang=chosen, languages=", ".join(LANGUAGES)
            )
        )
    _Chosen.lang = chosen
    translate.use(CATALOGUES[chosen])
    return chosen


def language() -> str:
    """The language messages are shown in now (``id`` or ``en``)."""
    return _Chosen.lang


#: Babel's locale for dates and times in each language: English as written in Indonesia
#: (``en_ID``), whose zone names are WIB, WITA and WIT as in Indonesian.
DATE_LOCALES = {"id": "id", "en": "en_ID"}
#: A moment as the office reads it (day, month, year, time and zone), in each language.
MOMENT_PATTERNS = {"id": "d MMMM y HH.mm zzz", "en": "d MMMM y HH:mm zzz"}


def format_moment(moment: datetime, *, weekday: bool = False) -> str:
    """``moment`` (aware, already in the office's zone) as the office reads it, in the
    running language: '24 Desember 2026 09.00 WIB' or '24 December 2026 09:00 WIB' (with
    ``weekday``: 'Kamis, 24 Desember 2026 09.00 WIB', 'Thursday, 24 December 2026 09:00 WIB')."""
    lang = language()
    pattern = ("EEEE, " if weekday else "") + MOMENT_PATTERNS[lang]
    return format_datetime(moment, pattern, locale=DATE_LOCALES[lang])


set_language(None)
