"""The running language's translation of Warta's messages, for code that reads no files (the
model and the validator call ``_`` and ``ngettext`` here too).

The catalogues are loaded, and the language chosen, by :mod:`warta.i18n`, which hands the
chosen one to :func:`use`. Until then messages stay as written: the English source text,
which is also every message's id in the catalogues.
"""

from __future__ import annotations

from typing import Protocol


class Catalogue(Protocol):
    """What a compiled catalogue (``babel.support.Translations``) offers."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class _Active:
    catalogue: Catalogue | None = None


def use(catalogue: Catalogue | None) -> None:
    """Translate with ``catalogue`` from now on (None: leave messages in English)."""
    _Active.catalogue = catalogue


def _(message: str) -> str:
    """``message`` (English, with ``{named}`` placeholders) in the running language."""
    catalogue = _Active.catalogue
    return message if catalogue is None else catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n`` things, in the running language."""
    catalogue = _Active.catalogue
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it yet (it is translated where
    it is shown: a text defined once at import, when the language may not be chosen yet)."""
    return message
