"""``warta verify`` of a printed edition: an ordered list of named checks, each giving findings.

1. the manifest reads (``cetak.*`` schema rules) and sits in its own folder;
2. its signature verifies, by a key of the roster valid that day, of a person who held the
   printing step's role that day (:func:`warta.model.edition.check_signature`);
3. the PDF beside it is a regular file whose bytes have the signed SHA-256;
4. every item it lists is in the repository with that id, its signed records hold an
   approval and a printing step over the listed content digest, and nothing blocks it now
   (a text changed since, a forged record); an item corrected or withdrawn since is a
   warning (the edition is then due for a new revision).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warta.adapters import safefs
from warta.adapters.editionfile import PRINT_PREFIX, pdf_of, read_edition
from warta.adapters.items import relative
from warta.errors import UsageError
from warta.i18n import _
from warta.model import policy
from warta.model.edition import (
    Edition,
    EditionItem,
    check_pdf,
    check_signature,
    link_problem,
    signed_contents,
)
from warta.model.findings import Finding, error, notice, warning
from warta.model.history import read_history
from warta.model.item import content_digest
from warta.repository import Repository


@dataclass
class Outcome:
    path: str
    edition: Edition | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.edition is not None and not any(f.is_error for f in self.findings)


def verify(project: Repository, manifest: Path) -> Outcome:
    """Every finding on the edition whose manifest is at ``manifest``."""
    rel = relative(project.root, manifest.resolve() if not manifest.is_symlink() else manifest)
    if not rel.startswith(PRINT_PREFIX):
        raise UsageError(_("{path}: not an edition under {prefix}").format(
            path=rel, prefix=PRINT_PREFIX))
    edition, findings = read_edition(project.root, rel)
    out = Outcome(rel, edition, [f for f in findings if f.is_error])
    if edition is None:
        return out
    out.findings.extend(check_signature(edition, project.sop, project.roster,
                                        project.policy.verifier, zone=project.policy.zone,
                                        now=project.policy.now,
                                        office=project.policy.trust.office))
    before = next((e for e in project.editions if e.edition == edition.edition
                   and e.revision == edition.revision - 1), None)
    linked = link_problem(edition, before)
    if linked is not None:
        out.findings.append(linked)
    out.findings.extend(_check_pdf(project, edition))
    for listed in edition.items:
        out.findings.extend(_check_item(project, edition, listed))
    # and why the site does not serve it now, as validate and build judged it (an item
    # under embargo, corrected or retitled since): the commands never disagree
    said = {(f.rule, f.line) for f in out.findings}
    judged = next((v for v in project.report.sources if v.path == rel), None)
    for finding in judged.findings if judged is not None else ():
        if (finding.rule, finding.line) not in said:
            out.findings.append(finding)
            said.add((finding.rule, finding.line))
    newer = [e for e in project.editions
             if e.edition == edition.edition and e.revision > edition.revision]
    if newer:
        top = max(newer, key=lambda e: e.revision)
        out.findings.append(notice(rel, 1, "cetak.superseded", _(
            "revision {revision} of this edition ({path}) supersedes this one; the site serves"
            " only the newest").format(revision=top.revision, path=top.path)))
    return out


def _check_pdf(project: Repository, edition: Edition) -> Iterator[Finding]:
    rel = pdf_of(edition.path)
    try:
        data = safefs.read_bytes(project.root, rel)
    except safefs.UnsafePath as exc:
        yield from check_pdf(edition, None, exc.reason)
        return
    yield from check_pdf(edition, "sha256:" + hashlib.sha256(data).hexdigest())


def _check_item(project: Repository, edition: Edition, listed: EditionItem) -> Iterator[Finding]:
    where, line = edition.path, listed.line
    item = project.items.get(listed.path)
    verdict = next((v for v in project.report.verdicts if v.path == listed.path), None)
    if item is None or verdict is None:
        yield error(where, line, "cetak.item-missing", _(
            "lists {path} ({id}), which is not a readable news item now"
        ).format(path=listed.path, id=listed.id))
        return
    if item.id != listed.id:
        yield error(where, line, "cetak.item-id", _(
            "lists {path} as {id}, but the item's id is {found}"
        ).format(path=listed.path, id=listed.id, found=item.id))
        return
    blocking = policy.blocking(verdict.findings, strict=project.report.strict)
    if blocking:
        first = blocking[0]
        yield error(where, line, "cetak.item-invalid", _(
            "{path} ({id}) does not verify now: {location} [{rule}] {message}"
        ).format(path=listed.path, id=listed.id, location=first.location(), rule=first.rule,
                 message=first.message))
    sop = project.sop
    approved, printed = signed_contents(item, sop)
    if listed.content not in approved:
        yield error(where, line, "cetak.item-changed", _(
            "{path} ({id}) was printed with content {digest}, which no approval of the item"
            " covers; expected the approved content"
        ).format(path=listed.path, id=listed.id, digest=listed.content))
    elif listed.content not in printed:
        yield error(where, line, "cetak.item-not-signed", _(
            "{path} ({id}) has no signed printing step over content {digest}"
        ).format(path=listed.path, id=listed.id, digest=listed.content))
    history = read_history(item, sop)
    now = content_digest(item.fields, item.body)
    if history.withdrawn is not None:
        yield warning(where, line, "cetak.item-withdrawn", _(
            "{path} ({id}) was withdrawn at {at}; expected a new revision of the edition without"
            " it ('warta cetak --edisi {edition}')"
        ).format(path=listed.path, id=listed.id, at=history.withdrawn.at_text,
                 edition=edition.edition))
    elif now != listed.content and not blocking:
        yield warning(where, line, "cetak.item-corrected", _(
            "{path} ({id}) has been corrected since it was printed; expected a new revision of"
            " the edition ('warta cetak --edisi {edition}')"
        ).format(path=listed.path, id=listed.id, edition=edition.edition))
