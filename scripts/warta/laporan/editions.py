"""The printed editions a report lists: ``content/cetak/<edisi>/edisi.yml``.

This is the one place that reads them, kept small so that it follows the edition format of
``warta cetak`` once both are merged (then it should take the editions ``warta verify``
accepts). Until then it trusts nothing in the manifest but the item ids it lists: an item
counts as printed in the edition only if its own signed records (verified like every item
of the report) hold the SOP's last step, the compilation for print (step 6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from warta.adapters import safefs
from warta.adapters.yamlcore import CoreLoader
from warta.model.item import NewsItem
from warta.model.performance import Period
from warta.model.sop import Sop

EDITIONS_DIR = "content/cetak"
MANIFEST = "edisi.yml"
MAX_MANIFEST = 1024 * 1024
_EDITION = re.compile(r"^(\d{4})-(\d{2})(?:-r\d+)?$")


@dataclass(frozen=True)
class Edition:
    edition: str
    path: str
    #: the item ids the manifest lists
    items: tuple[str, ...]
    #: of those, the ones whose verified records hold the compilation step
    printed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return bool(self.items) and len(self.printed) == len(self.items)


def _listed(data: object) -> tuple[str, ...]:
    entries = data.get("items") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return ()
    ids = [e.get("id") if isinstance(e, dict) else e for e in entries]
    return tuple(str(i) for i in ids if isinstance(i, str))


def read_editions(
    root: Path, period: Period, items: Iterable[NewsItem], sop: Sop
) -> list[Edition]:
    """The editions of the months of ``period`` found under content/cetak/ (none: empty)."""
    last = sop.steps[-1].id
    printed = {i.id for i in items if i.id and any(s.step == last for s in i.signoffs)}
    months = set(period.months())
    out = []
    for entry in safefs.walk(root, EDITIONS_DIR):
        parts = entry.rel.split("/")
        if len(parts) != 4 or parts[3] != MANIFEST or entry.kind is not safefs.Kind.FILE:
            continue
        match = _EDITION.match(parts[2])
        if match is None or f"{match[1]}-{match[2]}" not in months:
            continue
        try:
            data = yaml.load(
                safefs.read_bytes(root, entry.rel, max_bytes=MAX_MANIFEST), Loader=CoreLoader
            )
        except (safefs.UnsafePath, OSError, yaml.YAMLError, ValueError):
            data = None
        listed = _listed(data)
        out.append(Edition(parts[2], entry.rel, listed, tuple(i for i in listed if i in printed)))
    return out
