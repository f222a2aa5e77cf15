"""The pin in force: which trust-root fingerprint a run holds the repository to, and where
that came from. Never from the repository itself: the ``--trust-root`` option, the
``WARTA_TRUST_ROOT`` environment variable, this user's pin file, or (unpinned) the record this
machine made when it first used the repository (trust on first use)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from warta.model.translate import _

#: What a trust-root fingerprint looks like (``warta trust show`` prints it in lower case).
FINGERPRINT = re.compile(r"^sha256:[0-9a-fA-F]{64}\Z")


class PinSource(StrEnum):
    OPTION = "option"
    ENVIRONMENT = "environment"
    USER_FILE = "user-file"
    TOFU = "tofu"


@dataclass(frozen=True)
class Pin:
    """``fingerprint`` (``sha256:…``) from ``source``; ``where`` names the option, variable,
    file (and line) or record; ``since`` is when a TOFU record was made (ISO 8601)."""

    fingerprint: str
    source: PinSource
    where: str
    since: str | None = None

    def describe(self) -> str:
        """Where the pin comes from, for people (in the language of the CLI's messages)."""
        if self.source is PinSource.TOFU:
            if self.since:
                return _("trusted on first use on {since} (recorded in {where})").format(
                    since=self.since, where=self.where
                )
            return _("trusted on first use (recorded in {where})").format(where=self.where)
        return _("pinned by {where}").format(where=self.where)
