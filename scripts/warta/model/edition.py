"""The printed edition (Buletin): what its signed manifest says, and what makes it valid.

An edition is compiled by the role of the SOP's printing step (the last step, after the
publishing gate: in the seed ``kompilasi``, the Kasubag). Its manifest lists the edition
(``YYYY-MM``), the revision, the title, the range of news days, every included item with the
content digest it was printed with, the PDF's SHA-256, who compiled it and when, and the
previous revision's manifest digest. The SSH signature (namespace ``warta``) covers a
canonical JSON payload of all of that under the version ``warta-edition/1``, a payload kind
of its own, so that no signoff signature can pass for an edition and none the other way.

Verifying the cryptography is the adapter's job (:class:`~warta.model.signing.Verifier`); here
is what a valid signature means: a key in the roster, valid that day, of a person who held
the printing step's role that day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from warta.model.findings import Finding, error, notice, warning
from warta.model.history import History, read_history
from warta.model.item import NewsItem, content_digest
from warta.model.judgement import FUTURE_SKEW
from warta.model.roster import Roster
from warta.model.signing import (
    NAMESPACE,
    Verifier,
    bound,
    chain_digest,
    fingerprint,
    key_owner,
    key_problem,
)
from warta.model.sop import Sop, Step
from warta.model.translate import _

EDITION_VERSION = "warta-edition/1"
#: Where editions live, under the docs folder: ``content/cetak/<edition>/`` (revision 1)
#: and ``content/cetak/<edition>/r<N>/`` (revision N >= 2).
PRINT_DIR = "cetak"
MANIFEST = "edisi.yml"
PDF = "buletin.pdf"
EDITION = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])\Z")
REVISION_DIR = re.compile(r"^r(?P<n>[1-9][0-9]{0,3})\Z")


@dataclass(frozen=True)
class EditionItem:
    """One item as it was printed: id, repository path, content digest, title."""

    id: str
    path: str
    content: str
    title: str
    line: int | None = None


@dataclass(frozen=True)
class Edition:
    """A manifest as read (``sig`` None while it is being made)."""

    edition: str
    revision: int
    title: str
    start: date
    end: date
    items: tuple[EditionItem, ...]
    pdf: str
    by: str
    at: datetime
    at_text: str
    previous: str | None
    sig: str | None = None
    #: where the manifest is (repository path) and the line of its signature
    path: str = ""
    sig_line: int | None = None

    @property
    def folder(self) -> str:
        """The repository folder the manifest and the PDF are in (ends in '/')."""
        return self.path.rsplit("/", 1)[0] + "/"


def payload(edition: Edition, *, office: str | None) -> bytes:
    """The exact bytes an edition's signature covers, for ``office`` (see
    :func:`warta.model.signing.bound`)."""
    fields: dict[str, object] = {
        "v": EDITION_VERSION,
        "edition": edition.edition,
        "revision": edition.revision,
        "title": edition.title,
        "from": edition.start.isoformat(),
        "until": edition.end.isoformat(),
        "items": [
            {"id": i.id, "path": i.path, "content": i.content, "title": i.title}
            for i in edition.items
        ],
        "pdf": edition.pdf,
        "by": edition.by,
        "at": edition.at_text,
        "previous": edition.previous,
    }
    return bound(fields, office)


def print_step(sop: Sop) -> Step | None:
    """The step that records printing: the one ``sop.yml`` marks ``prints: true`` (after the
    gate; loading checks it), or None for an office without a printed bulletin. (It was the
    SOP's last step after the gate, so an office whose last step shares the news on social
    media had every record of it counted as printing without an edition.)"""
    return next((step for step in sop.steps if step.prints), None)


def month_range(edition: str) -> tuple[date, date] | None:
    """The first and last day of the edition's month ('2026-11'), or None if malformed."""
    found = EDITION.match(edition)
    if found is None:
        return None
    year, month = int(found["year"]), int(found["month"])
    if year < 1:  # (there is no year 0)
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def revision_folder(edition: str, revision: int) -> str:
    """The docs-relative folder of a revision: ``cetak/2026-11/`` or ``cetak/2026-11/r2/``."""
    base = f"{PRINT_DIR}/{edition}/"
    return base if revision == 1 else f"{base}r{revision}/"


def place(rel: str) -> tuple[str, int, str] | None:
    """(edition, revision, file name) of a docs-relative path under ``cetak/``, or None for a
    path that is not where an edition's file goes."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == PRINT_DIR and EDITION.match(parts[1]):
        return parts[1], 1, parts[2]
    if len(parts) == 4 and parts[0] == PRINT_DIR and EDITION.match(parts[1]):
        found = REVISION_DIR.match(parts[2])
        if found is not None and int(found["n"]) >= 2:
            return parts[1], int(found["n"]), parts[3]
    return None


def check_signature(
    edition: Edition, sop: Sop, roster: Roster, verifier: Verifier, *, zone: tzinfo,
    now: datetime, office: str | None,
) -> Iterator[Finding]:
    """The manifest's signature verifies over its payload, by a key of the roster valid on the
    day it was made (the office's day, ``zone``), held by the person it names, who held the
    printing step's role then; and that time is not in the future (``now``). A time the
    signer writes is bounded below too, by the previous revision (:func:`link_problem`) and
    by the printing steps of the items it lists (:func:`listing_problems`); a key revoked
    since could still sign a revision dated before its revocation when both are older, which
    the gate refuses for a revision new in a change (:func:`check_revoked_since`)."""
    where, line = edition.path, edition.sig_line
    step = print_step(sop)
    if edition.at > now + FUTURE_SKEW:
        yield error(where, line, "cetak.future", _(
            "the edition is dated in the future: expected a time no later than now ({now}),"
            " found {at}"
        ).format(now=now.astimezone(zone).isoformat(), at=edition.at_text))
        return
    if edition.sig is None:
        yield error(where, line, "cetak.unsigned", _(
            "the edition has no signature; expected one made with 'warta cetak'"
        ))
        return
    key_text = verifier.signer_key(payload(edition, office=office), edition.sig, NAMESPACE)
    if key_text is None:
        yield error(where, line, "cetak.signature-invalid", _(
            "the signature does not verify over this office, this edition's items, digests,"
            " PDF, signer and time; expected the signature 'warta cetak' made (found one"
            " altered or copied, from another office's repository too)"
        ))
        return
    owner = key_owner(roster, key_text)
    if owner is None:
        yield error(where, line, "cetak.unknown-key", _(
            "signed with key {fingerprint}, which is not in roster.yml"
        ).format(fingerprint=fingerprint(key_text)))
        return
    person, key = owner
    day = edition.at.astimezone(zone).date()
    if person.id != edition.by:
        yield error(where, line, "cetak.wrong-signer", _(
            "names {by} as its compiler but is signed with the key of {name} ({id})"
        ).format(by=edition.by, name=person.name, id=person.id))
        return
    problem = key_problem(person, key, day)
    if problem is not None:
        yield error(where, line, "cetak.key-not-valid", _(
            "signed on {day}, but {problem}"
        ).format(day=day.isoformat(), problem=problem))
        return
    if step is None or not person.holds(step.role, day):
        role = sop.roles[step.role].title if step is not None and step.role in sop.roles else "?"
        yield error(where, line, "cetak.role", _(
            "{name} ({id}) did not hold the role of {role} on {day}; expected the printing"
            " step's role"
        ).format(name=person.name, id=person.id, role=role, day=day.isoformat()))


def check_revoked_since(
    edition: Edition, roster: Roster, verifier: Verifier, *, zone: tzinfo, today: date,
    office: str | None,
) -> Iterator[Finding]:
    """A manifest new at the gate is not signed with a key revoked by ``today``, whatever
    day it states: the day is the signer's word, and a stolen key revoked on main signed a
    new revision dated before its revocation, which replaced the signed one on the site
    (found by an independent attack). One that does not verify is left to
    :func:`check_signature`."""
    if edition.sig is None:
        return
    key_text = verifier.signer_key(payload(edition, office=office), edition.sig, NAMESPACE)
    owner = key_owner(roster, key_text) if key_text is not None else None
    if owner is None:
        return
    person, key = owner
    day = edition.at.astimezone(zone).date()
    if key.revoked is None or key.revoked > today or day >= key.revoked:
        return
    yield error(edition.path, edition.sig_line, "cetak.key-revoked", _(
        "this revision is new in this change and signed with key {fingerprint} of {name}"
        " ({id}), revoked on {revoked} ({reason}); it claims {day}, but that day is the"
        " signer's word: expected no new revision by a revoked key"
    ).format(
        fingerprint=fingerprint(key.public_key), name=person.name, id=person.id,
        revoked=key.revoked.isoformat(), reason=key.revoked_reason, day=day.isoformat(),
    ))


def check_pdf(edition: Edition, found: str | None, why: str = "") -> Iterator[Finding]:
    """The PDF beside the manifest has the signed digest."""
    pdf = edition.folder + PDF
    if found is None:
        yield error(pdf, None, "cetak.pdf-missing", _(
            "the edition's PDF is not a readable regular file ({why}); expected the signed"
            " {digest}"
        ).format(why=why or _("missing"), digest=edition.pdf))
    elif found != edition.pdf:
        yield error(pdf, None, "cetak.pdf-changed", _(
            "the PDF's bytes are not the ones signed: expected {expected}, found {found}"
        ).format(expected=edition.pdf, found=found))


def link_problem(edition: Edition, before: Edition | None) -> Finding | None:
    """Why ``edition`` does not follow the valid revision before it (``before``: revision
    N-1 of the same edition, None if there is none), or None if it does. Revision 1 names no
    previous revision; revision N names the signature of revision N-1 (as 'warta cetak'
    writes it) and is made no earlier than it. So no revision stands without the one it
    replaces, and none is dated back before it."""
    where, line = edition.path, edition.sig_line
    if edition.revision == 1:
        if edition.previous is None:
            return None
        return error(where, line, "cetak.chain", _(
            "revision 1 names a previous revision ({previous}); expected none"
        ).format(previous=edition.previous))
    if before is None or before.sig is None:
        return error(where, line, "cetak.chain", _(
            "revision {revision} has no valid revision {prior} before it; expected each"
            " revision to follow the one it replaces, so it is not published"
        ).format(revision=edition.revision, prior=edition.revision - 1))
    if edition.previous != chain_digest(before.sig):
        return error(where, line, "cetak.chain", _(
            "revision {revision} names the previous revision {previous}, but revision {prior}"
            " ({path}) is {expected}; not published"
        ).format(revision=edition.revision, previous=edition.previous,
                 prior=before.revision, path=before.path, expected=chain_digest(before.sig)))
    if edition.at < before.at:
        return error(where, line, "cetak.time-backwards", _(
            "revision {revision} is dated {at}, before revision {prior} ({before}) that it"
            " replaces; expected times never to go back, so it is not published"
        ).format(revision=edition.revision, at=edition.at_text, prior=before.revision,
                 before=before.at_text))
    return None


def chained(editions: Sequence[Edition]) -> tuple[list[Edition], dict[str, Finding]]:
    """The editions each of whose revisions follows the one before (:func:`link_problem`),
    and the finding on each that does not (by its path): a revision that does not, and every
    one after it, is left out."""
    by_edition: dict[str, dict[int, Edition]] = {}
    for edition in editions:
        by_edition.setdefault(edition.edition, {})[edition.revision] = edition
    kept: list[Edition] = []
    refused: dict[str, Finding] = {}
    for revisions in by_edition.values():
        before: Edition | None = None
        for number in sorted(revisions):
            edition = revisions[number]
            prior = before if before is not None and before.revision == number - 1 else None
            problem = link_problem(edition, prior)
            if problem is not None:
                refused[edition.path] = problem
                before = None
                continue
            kept.append(edition)
            before = edition
    return kept, refused


def latest(editions: Sequence[Edition]) -> dict[str, Edition]:
    """The newest revision of each edition, by edition id."""
    out: dict[str, Edition] = {}
    for edition in editions:
        held = out.get(edition.edition)
        if held is None or edition.revision > held.revision:
            out[edition.edition] = edition
    return out


def listing_problems(
    edition: Edition,
    item_of: Callable[[str], NewsItem | None],
    state_of: Callable[[str], tuple[Sequence[Finding], bool]],
    sop: Sop,
) -> Iterator[Finding]:
    """Why the site may not serve ``edition`` as it stands (nothing: it may). Its signature
    is the compiler's; the items it prints are the gate's: each listed item must be the
    item at that path with that id, with no error against it (a copy of another item's
    folder has one), a signed approval and a signed printing step over the listed content,
    the listed title if its file holds that content; and that content must be what the item
    publishes now. ``state_of(path)`` gives an item's findings and whether its embargo is
    still running. A withdrawn item, one corrected since (its old text) or one under an
    embargo keeps the edition off the site until that changes or a new revision is compiled
    (a warning: the office has something to do, nothing was forged)."""
    for listed in edition.items:
        where, line = edition.path, listed.line
        item = item_of(listed.path)
        if item is None or item.id != listed.id:
            yield error(where, line, "cetak.item-missing", _(
                "lists {path} ({id}), which is not that news item now; not published"
            ).format(path=listed.path, id=listed.id))
            continue
        findings, embargoed = state_of(listed.path)
        broken = [f for f in findings if f.is_error]
        if broken:
            yield error(where, line, "cetak.item-invalid", _(
                "{path} ({id}): its signed records do not verify ([{rule}] {message});"
                " not published"
            ).format(path=listed.path, id=listed.id, rule=broken[0].rule,
                     message=broken[0].message))
            continue
        history = read_history(item, sop)
        approved, printed = signed_contents(item, sop)
        if listed.content not in approved or listed.content not in printed:
            yield error(where, line, "cetak.item-not-signed", _(
                "{path} ({id}) has no signed approval and printing step over content {digest};"
                " not published"
            ).format(path=listed.path, id=listed.id, digest=listed.content))
            continue
        step = print_step(sop)
        times = [s.at for s in item.signoffs
                 if step and s.step == step.id and s.sig and s.content == listed.content]
        if times and edition.at < min(times):
            yield error(where, line, "cetak.before-printing", _(
                "{path} ({id}) is listed in an edition dated {at}, before its printing step"
                " was signed ({printed}); expected the edition no earlier than the items it"
                " prints; not published"
            ).format(path=listed.path, id=listed.id, at=edition.at_text,
                     printed=min(times).isoformat()))
            continue
        as_listed = content_digest(item.fields, item.body) == listed.content
        if as_listed and item.title != listed.title:
            yield error(where, line, "cetak.item-title", _(
                "lists {path} ({id}) as {listed!r}, but the approved title is {title!r};"
                " not published"
            ).format(path=listed.path, id=listed.id, listed=listed.title, title=item.title))
            continue
        if history.problems or history.withdrawn is not None:
            yield notice(where, line, "cetak.item-withdrawn", _(
                "{path} ({id}) is withdrawn; the edition is not published until a new revision"
                " leaves it out ('warta cetak --edisi {edition}')"
            ).format(path=listed.path, id=listed.id, edition=edition.edition))
            continue
        if history.correcting is not None and not as_listed:
            yield notice(where, line, "cetak.item-correcting", _(
                "{path} ({id}) is being corrected (a Ralat in progress): its file holds the"
                " draft, so neither the printed title nor the embargo can be read from signed"
                " text; the edition is not published until the correction is approved and a"
                " new revision prints it ('warta cetak --edisi {edition}')"
            ).format(path=listed.path, id=listed.id, edition=edition.edition))
            continue
        if embargoed:
            yield warning(where, line, "cetak.item-embargo", _(
                "{path} ({id}) is under embargo; the edition is not published before the"
                " embargo of every item it prints has passed"
            ).format(path=listed.path, id=listed.id))
            continue
        if published_content(history, sop) != listed.content:
            yield notice(where, line, "cetak.item-superseded", _(
                "{path} ({id}) no longer publishes the text printed ({digest}); the edition is"
                " not published until a new revision prints the corrected text"
                " ('warta cetak --edisi {edition}')"
            ).format(path=listed.path, id=listed.id, digest=listed.content,
                     edition=edition.edition))


def signed_contents(item: NewsItem, sop: Sop) -> tuple[set[str | None], set[str | None]]:
    """The content digests ``item`` has signed approvals over, and signed printing steps
    over (whether the signatures verify is the validator's word, in its findings)."""
    step = print_step(sop)
    approved = {s.content for s in item.signoffs if s.step == sop.gate.id and s.sig}
    printed = {s.content for s in item.signoffs if step and s.step == step.id and s.sig}
    return approved, printed


def published_content(history: History, sop: Sop) -> str | None:
    """The content digest the item's page publishes: the approval in force, or while a
    correction is in progress the approved text it corrects; None if nothing is published."""
    if history.withdrawn is not None:
        return None
    if history.correcting is not None:
        return history.correcting.content
    approval = history.signoff_for(sop.gate.id)
    return approval.content if approval is not None and history.past_gate(sop) else None
