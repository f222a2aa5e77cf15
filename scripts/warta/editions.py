"""Which printed editions the site may serve: the judgement of every file under
``content/cetak/``.

A PDF is admitted to the publication closure only if the manifest beside it verifies
(:func:`warta.model.edition.check_signature`: by a key of the roster valid that day, of a
person who held the printing step's role that day), the PDF is a regular file with one name
and its bytes have the signed SHA-256, and it is the newest valid revision of its edition.
Every other file there is left out like any unsigned file of the site, with a finding saying
why; a manifest itself is never served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from warta.adapters.editionfile import PRINT_PREFIX, pdf_of, read_edition
from warta.i18n import _
from warta.model.closure import DOCS, Observed, SourceVerdict, kind_problem
from warta.model.edition import (
    MANIFEST,
    PDF,
    Edition,
    chained,
    check_pdf,
    check_signature,
    latest,
    place,
)
from warta.model.findings import Finding, error
from warta.model.roster import Roster
from warta.model.signing import Verifier
from warta.model.sop import Sop


@dataclass(frozen=True)
class Judged:
    """The valid editions (every revision) and the verdicts on the files under cetak/."""

    editions: tuple[Edition, ...]
    verdicts: tuple[SourceVerdict, ...]


def is_print_file(rel: str) -> bool:
    return rel.startswith(PRINT_PREFIX)


def judge_editions(
    root: Path,
    observed: Iterable[Observed],
    sop: Sop,
    roster: Roster,
    verifier: Verifier,
    *,
    zone: tzinfo,
    now: datetime,
    office: str | None,
    listing: Callable[[Edition], Iterable[Finding]] = lambda _edition: (),
) -> Judged:
    """Judge the files under ``content/cetak/`` (``observed``: repository paths) on the
    office's clock (``zone``, ``now``); ``listing`` says why an edition's items keep it off
    the site (:func:`warta.model.edition.listing_problems`)."""
    files = {o.rel: o for o in observed if o.kind != "folder"}
    findings: dict[str, list[Finding]] = {rel: [] for rel in files}
    valid: list[Edition] = []
    for rel, entry in sorted(files.items()):
        where = place(rel[len(f"{DOCS}/") :])
        if where is None or where[2] not in (MANIFEST, PDF):
            findings[rel].append(error(rel, None, "cetak.stray", _(
                "not a file of a printed edition; expected only"
                " content/cetak/<YYYY-MM>/[r<N>/]{manifest} and {pdf}, so it is not published"
            ).format(manifest=MANIFEST, pdf=PDF)))
            continue
        if where[2] != MANIFEST:
            continue
        problem = kind_problem(entry)
        if problem is not None:
            findings[rel].append(error(rel, None, "cetak.not-regular", problem[1]))
            continue
        edition, problems = read_edition(root, rel)
        problems = [p for p in problems if p.is_error]
        if edition is not None:
            problems.extend(check_signature(
                edition, sop, roster, verifier, zone=zone, now=now, office=office
            ))
            pdf = files.get(pdf_of(rel))
            if pdf is None:
                problems.extend(check_pdf(edition, None))
            elif pdf.kind != "file" or pdf.nlink != 1 or pdf.problems:
                problems.extend(check_pdf(edition, None, pdf.kind))
            else:
                problems.extend(check_pdf(edition, pdf.digest))
        findings[rel].extend(problems)
        if edition is not None and not problems:
            valid.append(edition)
    # each revision follows the valid one before it, never dated before it
    valid, broken = chained(valid)
    for rel, link in broken.items():
        findings[rel].append(link)
    # the newest signed revision of each edition, if what it prints is what the site
    # publishes (never an older revision in its place: that would be out of date too)
    served: set[str] = set()
    for edition in latest(valid).values():
        kept_off = list(listing(edition))
        findings[edition.path].extend(kept_off)
        if not kept_off:
            served.add(pdf_of(edition.path))
    valid_pdfs = {pdf_of(e.path) for e in valid}
    verdicts = []
    for rel in sorted(files):
        if rel.endswith("/" + PDF) and rel not in valid_pdfs and not findings[rel]:
            findings[rel].append(error(rel, None, "cetak.unsigned", _(
                "a PDF under content/cetak/ is published only with a valid signed manifest"
                " beside it ({manifest}); not published"
            ).format(manifest=MANIFEST)))
        verdicts.append(SourceVerdict(rel, rel in served, tuple(findings[rel])))
    return Judged(tuple(valid), tuple(verdicts))
