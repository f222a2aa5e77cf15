"""Signed signoffs: the canonical payload each SSH signature covers, the chain, and the checks.

A signoff's signature (SSHSIG, namespace ``warta``) covers a canonical JSON payload binding
the office (the id its pinned trust root names: a signature made in another office's
repository, or a practice one, never counts here), the item id, the step, the signer's id,
the time, the SHA-256 digest of the item's content at that moment, the note (if any) and the
digest of the previous signoff's signature, so signoffs form a chain.
Verifying the cryptography is an adapter's job (:class:`Verifier`); deciding what a valid
signature *means* (right person, key valid that day, content unchanged since approval) is here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Protocol

from warta.model.findings import Finding, error
from warta.model.item import CORRECT, RETURN, NewsItem, Signoff, canonical_json
from warta.model.roster import Key, Person, Roster
from warta.model.translate import _

NAMESPACE = "warta"
PAYLOAD_VERSION = "warta-signoff/1"


class Verifier(Protocol):
    """Checks SSH signatures. Returns the signer's public key ('ssh-ed25519 AAAA...') or None."""

    def signer_key(self, message: bytes, armored: str, namespace: str) -> str | None: ...


def payload(
    item_id: str,
    *,
    step: str,
    by: str,
    at_text: str,
    content: str,
    prev: str | None,
    office: str | None,
    note: str = "",
) -> bytes:
    """The exact bytes a signoff's signature covers. A note, when there is one, is signed
    too (a signoff without a note has the same payload as before notes were signed), and so
    is the ``office`` (None only for a trust root that names none, see :func:`bound`)."""
    fields: dict[str, str | None] = {
        "v": PAYLOAD_VERSION,
        "item": item_id,
        "step": step,
        "by": by,
        "at": at_text,
        "content": content,
        "prev": prev,
    }
    if note:
        fields["note"] = note
    return bound(fields, office)


TAKE_BACK_VERSION = "warta-takeback/1"


def take_back_payload(
    item_id: str,
    *,
    action: str,
    to: str,
    reason: str,
    by: str,
    at_text: str,
    content: str,
    prev: str | None,
    office: str | None,
) -> bytes:
    """The exact bytes a return's or a withdrawal's signature covers: the item, what is
    done (and to which step), why, by whom, when, over which content, after which record."""
    fields: dict[str, str | None] = {
        "v": TAKE_BACK_VERSION,
        "item": item_id,
        "action": action,
        "reason": reason,
        "by": by,
        "at": at_text,
        "content": content,
        "prev": prev,
    }
    if action == RETURN:
        fields["to"] = to
    return bound(fields, office)


CORRECTION_VERSION = "warta-correction/1"


def correction_payload(
    item_id: str,
    *,
    note: str,
    by: str,
    at_text: str,
    content: str,
    prev: str | None,
    office: str | None,
) -> bytes:
    """The exact bytes a correction record's signature covers: the item, the Ralat note, by
    whom, when, over which (approved) content, after which record. A payload kind of its
    own, so that no return or withdrawal signature can pass for a correction."""
    fields: dict[str, str | None] = {
        "v": CORRECTION_VERSION,
        "item": item_id,
        "action": CORRECT,
        "note": note,
        "by": by,
        "at": at_text,
        "content": content,
        "prev": prev,
    }
    return bound(fields, office)


def bound(fields: Mapping[str, object], office: str | None) -> bytes:
    """``fields`` as canonical JSON, with the ``office`` they are signed for: the id the
    office's trust root names (``office <id>``, made by ``warta init``). A trust root is
    pinned from outside the repository, so the id cannot be changed by a writer; an
    administrator's or a staff member's signature made in another repository (another
    Pemda's, or a practice newsroom with the same keys) names that repository's office and
    never verifies here. None (a trust root written before offices were named) signs the
    fields alone, as before."""
    if office is not None:
        fields = {**fields, "office": office}
    return canonical_json(fields).encode("utf-8")


def signoff_payload(
    item_id: str, signoff: Signoff, prev: str | None, *, office: str | None
) -> bytes:
    if signoff.action == CORRECT:
        return correction_payload(
            item_id,
            note=signoff.note,
            by=signoff.by,
            at_text=signoff.at_text,
            content=signoff.content or "",
            prev=prev,
            office=office,
        )
    if not signoff.is_step:
        return take_back_payload(
            item_id,
            action=signoff.action,
            to=signoff.to,
            reason=signoff.reason,
            by=signoff.by,
            at_text=signoff.at_text,
            content=signoff.content or "",
            prev=prev,
            office=office,
        )
    return payload(
        item_id,
        step=signoff.step,
        by=signoff.by,
        at_text=signoff.at_text,
        content=signoff.content or "",
        prev=prev,
        office=office,
        note=signoff.note,
    )


def chain_digest(armored: str) -> str:
    """Digest of a signature, independent of how its armour lines are indented or wrapped."""
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    body = "".join(ln for ln in lines if ln and not ln.startswith("-----"))
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raw = body.encode("utf-8")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


#: The armour lines of a signature, and the width of its base64 lines, as ssh-keygen writes
#: it (and ``warta sign`` records it).
ARMOUR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOUR_END = "-----END SSH SIGNATURE-----"
ARMOUR_WIDTH = 70


def written_as_made(armored: str) -> bool:
    """Whether ``armored`` is a signature written exactly as ssh-keygen writes one: its
    base64 (padded, no stray bits) in lines of :data:`ARMOUR_WIDTH` characters between the
    two armour lines, every line ended, nothing else, and the SSHSIG reserved field empty.
    The same signature written another way (wrapped at another width, text after the
    armour, bytes in the reserved field, which ssh-keygen never writes and verifies over
    as empty) verifies all the same, but makes the record's text one no earlier version of
    the file holds: the approved version of an item in correction was then not found, and
    every deploy failed (found by an independent attack)."""
    lines = armored.split("\n")
    if len(lines) < 4 or (lines[0], lines[-2], lines[-1]) != (ARMOUR_BEGIN, ARMOUR_END, ""):
        return False
    body = "".join(lines[1:-2])
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return False
    width = ARMOUR_WIDTH
    return (
        base64.b64encode(blob).decode("ascii") == body
        and lines[1:-2] == [body[i : i + width] for i in range(0, len(body), width)]
        and _reserved(blob) == b""
    )


def _reserved(blob: bytes) -> bytes | None:
    """The reserved field of the SSHSIG ``blob`` (magic, version, then the public key, the
    namespace and the reserved field as SSH strings); None if it has none."""
    at = len(b"SSHSIG") + 4
    for _field in range(3):
        if at + 4 > len(blob):
            return None
        size = int.from_bytes(blob[at : at + 4], "big")
        start, at = at + 4, at + 4 + size
        if at > len(blob):
            return None
    return blob[start:at]


def fingerprint(public_key: str) -> str:
    """OpenSSH-style SHA256 fingerprint of 'type base64' public key text."""
    parts = public_key.split()
    try:
        blob = base64.b64decode(parts[1])
    except (IndexError, binascii.Error, ValueError):
        return "SHA256:?"
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def same_key(a: str, b: str) -> bool:
    return a.split()[:2] == b.split()[:2]


def key_owner(roster: Roster, public_key: str) -> tuple[Person, Key] | None:
    for person in roster.people.values():
        for key in person.keys:
            if same_key(key.public_key, public_key):
                return person, key
    return None


def short(digest: str | None) -> str:
    if not digest:
        return _("(none)")
    return digest[:19] + "…"


def key_problem(person: Person, key: Key, day: date) -> str | None:
    """Why ``key`` of ``person`` may not sign on ``day``, or None if it may."""
    if key.revoked is not None and day >= key.revoked:
        return _(
            "key {fingerprint} of {name} ({person}) was revoked on {revoked} ({reason})"
        ).format(
            fingerprint=fingerprint(key.public_key),
            name=person.name,
            person=person.id,
            revoked=key.revoked.isoformat(),
            reason=key.revoked_reason,
        )
    if key.start is not None and day < key.start:
        return _("key {fingerprint} of {name} ({person}) is valid only from {start}").format(
            fingerprint=fingerprint(key.public_key),
            name=person.name,
            person=person.id,
            start=key.start.isoformat(),
        )
    return None


def check_revoked_since(
    item: NewsItem,
    held: int,
    *,
    roster: Roster,
    today: date,
    day_of: Callable[[Signoff], date],
    verifier: Verifier,
    office: str | None,
) -> Iterator[Finding]:
    """No record new at the gate (after the first ``held``, which the base holds) is signed
    with a key revoked by ``today``, whatever day it claims: the day is the signer's word,
    and a stolen key revoked on main still signed records dated before its revocation, which
    the gate passed (found by an independent attack). A record that does not verify is left
    to :func:`check_signatures`."""
    if item.id is None:
        return
    for index in range(held, len(item.signoffs)):
        signoff = item.signoffs[index]
        before = item.signoffs[index - 1].sig if index else None
        if signoff.sig is None:
            continue
        key_text = verifier.signer_key(
            signoff_payload(item.id, signoff, chain_digest(before) if before else None,
                            office=office),
            signoff.sig,
            NAMESPACE,
        )
        owner = key_owner(roster, key_text) if key_text is not None else None
        if owner is None:
            continue
        person, key = owner
        if key.revoked is None or key.revoked > today or day_of(signoff) >= key.revoked:
            continue  # (signed on or after the revocation: check_signatures says so)
        yield error(
            item.path,
            signoff.line,
            "signature.key-revoked",
            _(
                "signoffs[{index}] ({label}) is new in this change and signed with key"
                " {fingerprint} of {name} ({person}), revoked on {revoked} ({reason}); it"
                " claims {day}, but that day is the signer's word: expected no new record by"
                " a revoked key (sign it again with a valid key)"
            ).format(
                index=index,
                label=signoff.label(),
                fingerprint=fingerprint(key.public_key),
                name=person.name,
                person=person.id,
                revoked=key.revoked.isoformat(),
                reason=key.revoked_reason,
                day=day_of(signoff).isoformat(),
            ),
        )


def check_signatures(
    item: NewsItem,
    roster: Roster,
    day_of: Callable[[Signoff], date],
    verifier: Verifier,
    *,
    office: str | None,
) -> Iterator[Finding]:
    """Every signoff carries a valid signature, by its claimed signer's key valid that day,
    over this office, item, step, time and content, chained to the previous signoff."""
    if item.id is None:
        return
    prev: str | None = None
    for index, signoff in enumerate(item.signoffs):
        label = f"signoffs[{index}] ({signoff.label()})"
        if signoff.sig is None:
            yield error(
                item.path,
                signoff.line,
                "signature.missing",
                _(
                    "{label} has no signature; expected an SSH signature made with 'warta sign'"
                ).format(label=label),
            )
            prev = None
            continue
        if signoff.content is None:
            yield error(
                item.path,
                signoff.line,
                "signature.content-missing",
                _("{label} records no content digest; expected 'content: sha256:…'").format(
                    label=label
                ),
            )
        key_text = verifier.signer_key(
            signoff_payload(item.id, signoff, prev, office=office), signoff.sig, NAMESPACE
        )
        prev = chain_digest(signoff.sig)
        if key_text is None:
            yield error(
                item.path,
                signoff.line,
                "signature.invalid",
                _(
                    "the signature of {label} does not verify over this office, item id,"
                    " step, signer, time, content digest and previous signoff; expected a"
                    " signature made for exactly this signoff (found one copied from"
                    " elsewhere, another office's repository too, reordered, truncated or"
                    " altered)"
                ).format(label=label),
            )
            continue
        if not written_as_made(signoff.sig):
            yield error(
                item.path,
                signoff.line,
                "signature.armour",
                _(
                    "the signature of {label} is not written as 'warta sign' wrote it;"
                    " expected its base64 in lines of {width} characters between the BEGIN"
                    " and END lines, nothing else, and its reserved field empty (the same"
                    " signature written another way makes the record read as another one)"
                ).format(label=label, width=ARMOUR_WIDTH),
            )
        claimed = roster.get(signoff.by)
        owner = key_owner(roster, key_text)
        if owner is None:
            yield error(
                item.path,
                signoff.line,
                "signature.unknown-key",
                _(
                    "{label} is signed with key {fingerprint}, which is not in"
                    " roster.yml; expected a key of the signer listed there"
                ).format(label=label, fingerprint=fingerprint(key_text)),
            )
            continue
        person, key = owner
        if claimed is None:
            continue  # reported by the signer check
        if person.id != claimed.id:
            yield error(
                item.path,
                signoff.line,
                "signature.wrong-signer",
                _(
                    "{label} claims to be by {claimed_name} ({claimed}) but is signed"
                    " with the key of {name} ({person}); expected a key of {claimed}"
                ).format(
                    label=label,
                    claimed_name=claimed.name,
                    claimed=claimed.id,
                    name=person.name,
                    person=person.id,
                ),
            )
            continue
        problem = key_problem(person, key, day_of(signoff))
        if problem is not None:
            yield error(
                item.path,
                signoff.line,
                "signature.key-not-valid",
                _("{label} signed on {day}, but {problem}").format(
                    label=label, day=day_of(signoff).isoformat(), problem=problem
                ),
            )
