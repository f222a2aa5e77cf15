"""The printed editions a report lists: those ``warta verify`` accepts.

Only editions the repository judged valid count (:mod:`warta.editions`: the manifest's
signature by a holder of the compiling role that day, the PDF's bytes its signed digest); an
unsigned or forged ``edisi.yml`` is not an edition. An item counts as printed in an edition
only if its own signed records (verified like every item of the report) hold the SOP's last
step, the compilation for print (step 6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warta.model.edition import Edition as Signed
from warta.model.edition import print_step
from warta.model.item import NewsItem
from warta.model.performance import Period
from warta.model.sop import Sop


@dataclass(frozen=True)
class Edition:
    edition: str
    revision: int
    #: the signed manifest (repository path)
    path: str
    #: the item ids the manifest lists
    items: tuple[str, ...]
    #: of those, the ones whose verified records hold the compilation step
    printed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return bool(self.items) and len(self.printed) == len(self.items)


def read_editions(
    editions: Iterable[Signed], period: Period, items: Iterable[NewsItem], sop: Sop
) -> list[Edition]:
    """The verified editions (every revision) of the months of ``period``, in order."""
    step = print_step(sop)
    printed = {i.id for i in items
               if i.id and step is not None and any(s.step == step.id for s in i.signoffs)}
    months = set(period.months())
    out = []
    for signed in sorted(editions, key=lambda e: (e.edition, e.revision)):
        if signed.edition not in months:
            continue
        listed = tuple(i.id for i in signed.items)
        out.append(
            Edition(
                signed.edition,
                signed.revision,
                signed.path,
                listed,
                tuple(i for i in listed if i in printed),
            )
        )
    return out
