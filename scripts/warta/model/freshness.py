"""Freshness against a base (the branch a change is to be merged into): nothing signed may go
back in time. Workflow files keep or raise their serial; every item signed at the base is
still there, with its signed history unchanged at the start of its records and a revision no
lower than before. (Restoring an older roster would undo a key revocation; restoring an older
item would bring back what was returned, withdrawn or corrected.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from warta.model.findings import Finding, error
from warta.model.item import RETURN, WITHDRAW, NewsItem
from warta.model.signing import chain_digest, signoff_payload
from warta.model.translate import _


@dataclass(frozen=True)
class Signed:
    """What freshness compares of one item: where it is, its history and revision."""

    path: str
    id: str
    #: the digest of each record's signature, in order (None where a record has none)
    chain: tuple[str | None, ...]
    revision: int
    line: int | None = None


def chain_of(sigs: tuple[str | None, ...]) -> tuple[str | None, ...]:
    return tuple(chain_digest(s) if s else None for s in sigs)


def check_serials(
    base: Mapping[str, int | None],
    now: Mapping[str, int | None],
    changed: Mapping[str, bool],
    ref: str,
) -> list[Finding]:
    """Each workflow file's serial is at least the base's, and higher if the file changed."""
    out: list[Finding] = []
    for path, old in base.items():
        new = now.get(path)
        if old is None:
            continue
        if new is None or new < old:
            found = _("none") if new is None else str(new)
            out.append(
                error(
                    path,
                    None,
                    "serial.rollback",
                    _(
                        "serial goes back: {ref} has serial {old}, this change has {found};"
                        " expected {old} or higher (an older file restored would undo what was"
                        " signed since, such as a key revocation)"
                    ).format(ref=ref, old=old, found=found),
                )
            )
        elif new == old and changed.get(path, False):
            out.append(
                error(
                    path,
                    None,
                    "serial.unchanged",
                    _(
                        "the file differs from {ref} but keeps serial {old}; expected a higher"
                        " serial (warta trust sign raises it)"
                    ).format(ref=ref, old=old),
                )
            )
    return out


def check_items(
    base: Mapping[str, Signed], now: Mapping[str, Sequence[Signed]], ref: str
) -> list[Finding]:
    """Every item signed at the base is still here, its history extended, never rewritten.
    Every file that claims a base item's id is held to it (a decoy copy of the newer file
    beside a restored older one must not hide the rollback)."""
    out: list[Finding] = []
    for item_id, old in sorted(base.items()):
        if not old.chain:
            continue  # nothing signed yet: a draft may be dropped
        claimants = now.get(item_id, ())
        if not claimants:
            out.append(
                error(
                    old.path,
                    None,
                    "history.removed",
                    _(
                        "item {item!r} has {count} signed record(s) at {ref} but is gone"
                        " from this change; expected it kept (take it off the site with a signed"
                        " 'warta withdraw')"
                    ).format(item=item_id, count=len(old.chain), ref=ref),
                )
            )
            continue
        for new in claimants:
            out.extend(_compare(item_id, old, new, ref))
    return out


def _compare(item_id: str, old: Signed, new: Signed, ref: str) -> list[Finding]:
    """One file claiming ``item_id`` against the item at the base."""
    out: list[Finding] = []
    where = (
        new.path
        if new.path == old.path
        else _("{path} (at {ref}: {base_path})").format(path=new.path, ref=ref, base_path=old.path)
    )
    prefix = new.chain[: len(old.chain)]
    if prefix != old.chain:
        index = next(
            (i for i, (a, b) in enumerate(zip(old.chain, prefix, strict=False)) if a != b),
            len(prefix),
        )
        found = (
            _("only {count} record(s)").format(count=len(new.chain))
            if index >= len(prefix)
            else _("signoffs[{index}] changed").format(index=index)
        )
        out.append(
            error(
                new.path,
                new.line,
                "history.rewritten",
                _(
                    "the signed history of {item!r} at {where} is not the one at {ref}:"
                    " expected its {count} record(s) unchanged at the start, found"
                    " {found} (records are only ever appended)"
                ).format(item=item_id, where=where, ref=ref, count=len(old.chain), found=found),
            )
        )
    if new.revision < old.revision:
        out.append(
            error(
                new.path,
                new.line,
                "revision.rollback",
                _(
                    "revision of {item!r} goes back: {ref} has revision {old}, this"
                    " change has {new}; expected {old} or higher"
                ).format(item=item_id, ref=ref, old=old.revision, new=new.revision),
            )
        )
    return out


def check_taken_back(
    grown: Sequence[NewsItem],
    elsewhere: Sequence[tuple[str, NewsItem]],
    ref: str,
    *,
    office: str | None,
    gate: str,
    held: Mapping[str, int],
) -> list[Finding]:
    """No item this change signs further leaves out a take-back signed elsewhere.

    ``grown``: the items whose signed history this change extends beyond ``ref``;
    ``elsewhere``: other versions of items the repository holds (a branch, a pull request:
    ``where`` names it), each one's records verified. A take-back counts once it is on the
    branch the site is built from, so the approval it took back, signed on a branch before
    it, could be merged from the commit that held it (found by an independent attack: a
    staff member published the approval a Kabag had returned on her unmerged branch). When
    another version holds, after records this change holds alike, a return or a withdrawal
    that this change does not hold in its place (it stops there, or goes on with another
    record, such as the next step signed over the approval), the change leaves out what was
    taken back. Records are compared by what their signatures cover (:func:`_acts`), not by
    their bytes: the key inside a signature is not signed, and one re-encoded changed the
    bytes of the very record that was taken back (found by an independent attack).

    Only a take-back of an approval counts (the ``gate`` step among the records before it),
    after the records the base holds (``held``, by id): a writer's own return after her
    writing step, on a branch left behind, blocked every change of the item, the Kabag's
    approval first, and could not be merged (found by an independent attack)."""
    versions: dict[str, list[tuple[str, NewsItem]]] = {}
    for where, item in elsewhere:
        if item.id is not None:
            versions.setdefault(item.id, []).append((where, item))
    out: list[Finding] = []
    for new in grown:
        if new.id is None:
            continue
        mine = _acts(new, office)
        for where, item in versions.get(new.id, ()):
            theirs = _acts(item, office)
            fork = next(
                (
                    index
                    for index, record in enumerate(item.signoffs)
                    if record.action in (RETURN, WITHDRAW)
                    and held.get(new.id, 0) <= index <= len(mine)
                    and any(r.is_step and r.step == gate for r in item.signoffs[:index])
                    and mine[:index] == theirs[:index]
                    and mine[index : index + 1] != theirs[index : index + 1]
                ),
                None,
            )
            if fork is None:
                continue
            taken = item.signoffs[fork]
            out.append(
                error(
                    new.path,
                    new.line_of("signoffs"),
                    "history.taken-back",
                    _(
                        "the signed history of {item!r} continues at {where} with {record}"
                        " on {at} ({reason}) after its record {count}; expected this change to"
                        " hold that take-back there, found {found}: what was taken back is"
                        " never published. Merge the take-back (it is not on {ref} yet), or"
                        " take the item as it stands there"
                    ).format(
                        item=new.id,
                        where=where,
                        record=taken.label(),
                        at=taken.at_text,
                        reason=taken.reason,
                        count=fork,
                        found=(
                            new.signoffs[fork].label()
                            if fork < len(new.signoffs)
                            else _("no record after it")
                        ),
                        ref=ref,
                    ),
                )
            )
            break
    return out


def _acts(item: NewsItem, office: str | None) -> list[bytes]:
    """What each record of ``item`` signs (its payload, the previous record's digest
    included): the same act whatever bytes its signature is written in."""
    acts: list[bytes] = []
    prev: str | None = None
    for record in item.signoffs:
        acts.append(signoff_payload(item.id or "", record, prev, office=office))
        prev = chain_digest(record.sig) if record.sig else None
    return acts
