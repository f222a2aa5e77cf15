"""The validator: an ordered list of named checks that turn policy + evidence into findings.

Each check is a small function taking its inputs explicitly and yielding findings. The verdict
(:class:`Report`) says, per item, whether it is publishable: only if it has passed the SOP's
publishing gate and no error holds against it or against the workflow. Unknown means no.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from warta.model import policy
from warta.model.closure import (
    DOCS,
    ITEM_FILE,
    BodyTooComplex,
    Observed,
    Renderer,
    SourceVerdict,
    check_attachments,
    check_references,
    to_list,
)
from warta.model.findings import Finding, Severity, error, notice
from warta.model.history import History, read_history, step_label
from warta.model.invisible import check_published
from warta.model.item import NewsItem, Signoff, content_digest, item_url
from warta.model.judgement import FUTURE_SKEW, ItemFacts, Judgement
from warta.model.office import Measure, StandardTime
from warta.model.performance import wait_began
from warta.model.photo import check_body_images, check_photos
from warta.model.pii import check_personal_data
from warta.model.pii import check_published_text as published_personal_data
from warta.model.roster import Person, Roster
from warta.model.signing import Verifier, check_signatures, short
from warta.model.sop import Sop
from warta.model.translate import _


@dataclass(frozen=True)
class Context:
    """Everything a check may look at. Checks read nothing else (no globals, no disk)."""

    sop: Sop
    roster: Roster
    zone: tzinfo
    now: datetime
    verifier: Verifier
    #: the office every signature is bound to (the trust root's ``office``; None for one
    #: that names none)
    office: str | None
    #: renders bodies as the site publishes them (for the check of their links)
    renderer: Renderer | None = None
    #: render drafts too (when one is signed); a run over the repository renders only what
    #: was approved, so that no junk draft can make it slow
    render_drafts: bool = False

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_day(self, signoff: Signoff) -> date:
        return self.local(signoff.at).date()

    def measure(self, start: datetime, end: datetime, std: StandardTime) -> Measure:
        """How long from ``start`` to ``end`` took against ``std``, on the office's clock and
        calendar, in the unit of ``std`` ('12 menit kerja', '3 hari kerja')."""
        return self.sop.calendar.measure(self.local(start), self.local(end), std)


ItemCheck = Callable[[NewsItem, Context], Iterable[Finding]]


def ordered_prefix(item: NewsItem, sop: Sop) -> int:
    """How many steps of the item's current round are signed, in order."""
    return read_history(item, sop).signed


_step_label = step_label


def check_status(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    sop = ctx.sop
    if item.status is None:
        return
    line = item.line_of("status")
    if item.status not in sop.statuses():
        yield error(
            item.path,
            line,
            "status.unknown",
            _("status {status!r} is not defined in sop.yml; expected one of: {statuses}").format(
                status=item.status, statuses=", ".join(sop.statuses())
            ),
        )
        return
    if not item.signoffs_readable:
        return
    history = read_history(item, sop)
    if history.problems:
        return  # the order check names the record out of order
    if history.withdrawn is not None:
        why = _("the item was withdrawn at {at_text}").format(at_text=history.withdrawn.at_text)
    elif history.in_force:
        why = _("the last step in force is {step}").format(
            step=_step_label(sop, history.in_force[-1].step)
        )
    elif history.take_backs:
        why = _("no step is signed since the last return")
    else:
        why = _("no step is signed")
    expected = history.status(sop)
    if item.status != expected:
        yield error(
            item.path,
            line,
            "status.mismatch",
            _("status must be {expected!r} because {why}; found {status!r}").format(
                expected=expected, why=why, status=item.status
            ),
        )


def check_order(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    yield from read_history(item, ctx.sop).problems


def check_revision(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """The file states the revision its signed history gives: one more per take-back."""
    history = read_history(item, ctx.sop)
    if history.problems:
        return
    stated = item.revision
    if stated is None and history.revision == 1:
        return
    if stated != history.revision:
        line = item.line_of("revision") or item.line_of("status")
        found = _("nothing") if stated is None else str(stated)
        yield error(
            item.path,
            line,
            "revision.mismatch",
            _(
                "revision must be {revision}, one more than the {count} signed take-back(s)"
                " in its history; found {found}"
            ).format(revision=history.revision, count=len(history.take_backs), found=found),
        )


def check_signers(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    allowed = read_history(item, ctx.sop).allowed
    for index, signoff in enumerate(item.signoffs):
        person = ctx.roster.get(signoff.by)
        if person is None:
            yield error(
                item.path,
                signoff.line,
                "signoff.unknown-person",
                _(
                    "signoffs[{index}] is by {by!r}, who is not in roster.yml; expected a person"
                    " id from the roster"
                ).format(index=index, by=signoff.by),
            )
            continue
        day = ctx.local(signoff.at).date()
        if not signoff.is_step:
            roles = allowed.get(index)
            if roles is not None and not any(person.holds(r, day) for r in roles):
                titles = _(" or ").join(
                    f"{ctx.sop.roles[r].title} ({ctx.sop.roles[r].short})"
                    for r in roles
                    if r in ctx.sop.roles
                )
                yield error(
                    item.path,
                    signoff.line,
                    "take-back.role",
                    _(
                        "signoffs[{index}] ({label}) must be signed by the {titles} on {day};"
                        " {name} ({id}) holds {held}"
                    ).format(
                        index=index,
                        label=signoff.label(),
                        titles=titles or _("role sop.yml names under take_back"),
                        day=day.isoformat(),
                        name=person.name,
                        id=person.id,
                        held=_held(person),
                    ),
                )
            continue
        step = ctx.sop.step(signoff.step)
        if step is None:
            continue
        if not person.holds(step.role, day):
            role = ctx.sop.roles[step.role]
            held = _held(person)
            yield error(
                item.path,
                signoff.line,
                "signoff.role",
                _(
                    "step {step} must be signed by the {title} ({short}) on {day}; {name}"
                    " ({id}) holds {held}"
                ).format(
                    step=_step_label(ctx.sop, step.id),
                    title=role.title,
                    short=role.short,
                    day=day.isoformat(),
                    name=person.name,
                    id=person.id,
                    held=held,
                ),
            )


def _held(person: Person) -> str:
    return (
        ", ".join(_holding_text(h.role, h.start, h.end, h.acting) for h in person.holdings)
        or _("no role")
    )


def _holding_text(role: str, start: object, end: object, acting: bool) -> str:
    text = f"{'Plt. ' if acting else ''}{role}"
    if start or end:
        text += " " + _("{start} to {end}").format(start=start or "…", end=end or "…")
    return text


def check_duties(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    by_step = {signoff.step: signoff for signoff in read_history(item, ctx.sop).in_force}
    for rule in ctx.sop.duties:
        signed = [by_step[s] for s in rule.steps if s in by_step]
        seen: dict[str, Signoff] = {}
        for signoff in signed:
            first = seen.get(signoff.by)
            if first is not None:
                yield error(
                    item.path,
                    signoff.line,
                    "duty.separation",
                    _(
                        "{by!r} signed both {first} and {second}; separation of duties '{rule}'"
                        " expects different people ({reason})"
                    ).format(
                        by=signoff.by,
                        first=_step_label(ctx.sop, first.step),
                        second=_step_label(ctx.sop, signoff.step),
                        rule=rule.id,
                        reason=rule.reason,
                    ),
                )
            else:
                seen[signoff.by] = signoff


def check_approved_by(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    gate = ctx.sop.gate
    history = read_history(item, ctx.sop)
    if history.problems:
        return  # the order check names the record out of order
    approval = history.signoff_for(gate.id)
    line = item.line_of("approved_by") or item.line_of("status")
    if approval is None:
        if item.approved_by is not None:
            yield error(
                item.path,
                line,
                "approved_by.premature",
                _(
                    "approved_by is {approved_by!r} but the approval step {step} is not signed;"
                    " expected no approved_by"
                ).format(approved_by=item.approved_by, step=_step_label(ctx.sop, gate.id)),
            )
        return
    if item.approved_by is None:
        yield error(
            item.path,
            line,
            "approved_by.missing",
            _(
                "approved_by is required once {step} is signed; expected {by!r}, found nothing"
            ).format(step=_step_label(ctx.sop, gate.id), by=approval.by),
        )
    elif item.approved_by != approval.by:
        yield error(
            item.path,
            line,
            "approved_by.mismatch",
            _(
                "approved_by must be the signer of {step}; expected {by!r}, found"
                " {approved_by!r}"
            ).format(
                step=_step_label(ctx.sop, gate.id), by=approval.by, approved_by=item.approved_by
            ),
        )


def check_times(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    previous: Signoff | None = None
    for index, signoff in enumerate(item.signoffs):
        if signoff.at > ctx.now + FUTURE_SKEW:
            yield error(
                item.path,
                signoff.line,
                "time.future",
                _(
                    "signoffs[{index}] is dated in the future: expected a time no later than"
                    " now ({now}), found {at_text}"
                ).format(index=index, now=ctx.local(ctx.now).isoformat(), at_text=signoff.at_text),
            )
        if previous is not None and signoff.at < previous.at:
            yield error(
                item.path,
                signoff.line,
                "time.backwards",
                _(
                    "signoffs[{index}] at {at_text} is earlier than the step before it at"
                    " {previous}; expected times never to go back"
                ).format(index=index, at_text=signoff.at_text, previous=previous.at_text),
            )
        previous = signoff


def check_mutu_baku(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """A notice for each step that took longer than its standard time, and for each wait
    for a step that a take-back ended after it (a return, a withdrawal or a correction does
    not make a delay vanish). A notice: past, it can never be fixed (never blocks)."""
    waits = read_history(item, ctx.sop).interrupted
    for index in range(1, len(item.signoffs)):
        previous, signoff = item.signoffs[index - 1], item.signoffs[index]
        waited = waits.get(index)
        step_id = waited if waited is not None else signoff.step if signoff.is_step else None
        step = ctx.sop.step(step_id) if step_id else None
        if step is None or signoff.at < previous.at:
            continue
        start = wait_began(item, ctx.sop, step, index)
        if start is None:
            continue  # (the embargo the approval signed is not in the file: not measured)
        took = ctx.measure(start, signoff.at, step.time)
        if not took.exceeded:
            continue
        message = (
            _("step {step} took {took}; its standard time (Mutu Baku) is {standard}")
            if waited is None
            else _(
                "step {step} waited {took} until the item was taken back ({action}); its"
                " standard time (Mutu Baku) is {standard}"
            )
        )
        yield notice(
            item.path,
            signoff.line,
            "mutu-baku.exceeded",
            message.format(
                step=_step_label(ctx.sop, step.id),
                took=took.text,
                action=signoff.action,
                standard=step.time.label(),
            ),
        )


def check_signed(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    yield from check_signatures(
        item, ctx.roster, ctx.local_day, ctx.verifier, office=ctx.office
    )


def _approver_title(ctx: Context, step_id: str) -> str:
    step = ctx.sop.step(step_id)
    if step is None:
        return repr(step_id)
    role = ctx.sop.roles[step.role]
    holders = ", ".join(p.name for p in ctx.roster.holders(step.role, ctx.local(ctx.now).date()))
    return f"{role.short} ({holders})" if holders else role.short


def _who(ctx: Context, signoff: Signoff) -> str:
    person = ctx.roster.get(signoff.by)
    return f"{person.name} ({signoff.by})" if person else repr(signoff.by)


def check_frozen(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """From the content-freezing step (approval) on, the content stays exactly as signed:
    the text as it stands, every later step and a withdrawal carry the approved digest."""
    index = ctx.sop.frozen_from()
    if index is None:
        return
    history = read_history(item, ctx.sop)
    if history.problems or history.signed <= index:
        return
    approval = history.in_force[index]
    current = content_digest(item.fields, item.body)
    if approval.content is not None and approval.content != current:
        step = ctx.sop.steps[index]
        back = ctx.sop.last_editor_before(index) or step
        yield error(
            item.path,
            approval.line,
            "content.changed-after-approval",
            _(
                "content changed after {who} approved it at {at_text}: approved {approved},"
                " now {current}; not publishable until the {approver} re-approves (warta"
                " return {path} --to {back} --reason '…', then sign again)"
            ).format(
                who=_who(ctx, approval),
                at_text=approval.at_text,
                approved=short(approval.content),
                current=short(current),
                approver=_approver_title(ctx, step.id),
                path=shlex.quote(item.path),
                back=back.id,
            ),
        )
    later = [*history.in_force[index + 1 :]]
    if history.withdrawn is not None:
        later.append(history.withdrawn)
    for record in later:
        if record.content is not None and record.content != approval.content:
            yield error(
                item.path,
                record.line,
                "content.changed-after-approval",
                _(
                    "{label} was signed over content {content}, not the approved {approved};"
                    " expected no change after approval"
                ).format(
                    label=record.label(),
                    content=short(record.content),
                    approved=short(approval.content),
                ),
            )


def check_edits(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """The text changes only before a step sop.yml lets change it (``edits: true``), whose
    signer thereby signs the change; the first step creates the text. A change before any
    other step is an error naming the signer whose signature no longer covers the text and
    the return that fixes it."""
    sop = ctx.sop
    history = read_history(item, sop)
    if history.problems:
        return
    last: Signoff | None = None
    for record in item.signoffs:
        if not record.is_step:
            continue
        step = sop.step(record.step)
        if (
            step is not None
            and last is not None
            and step.number > 1
            and not step.edits
            and record.content != last.content
        ):
            back = sop.last_editor_before(step.number - 1) or step
            yield error(
                item.path,
                record.line,
                "content.edited",
                _(
                    "the text changed before step {step}, which may not change it: {who}"
                    " signed {content}, but {last_who} signed {last_content} at {last_step},"
                    " and that signature no longer covers the text; expected the text as"
                    " {last_by!r} signed it (fix: warta return {path} --to {back} --reason '…')"
                ).format(
                    step=_step_label(sop, step.id),
                    who=_who(ctx, record),
                    content=short(record.content),
                    last_who=_who(ctx, last),
                    last_content=short(last.content),
                    last_step=_step_label(sop, last.step),
                    last_by=last.by,
                    path=shlex.quote(item.path),
                    back=back.id,
                ),
            )
        last = record
    frozen = sop.frozen_from()
    if last is None or history.withdrawn is not None or history.signed == 0:
        return
    if frozen is not None and history.signed > frozen:
        return  # the frozen-content check speaks for approved items
    upcoming = sop.next_step(history.signed)
    current = content_digest(item.fields, item.body)
    if upcoming is None or upcoming.edits or current == last.content:
        return
    back = sop.last_editor_before(upcoming.number - 1) or upcoming
    yield error(
        item.path,
        item.line_of("status"),
        "content.edited",
        _(
            "the text changed after {last_step} by {who}, and the next step {step} may not"
            " change it: expected the text {last_by!r} signed ({last_content}), found"
            " {current} (undo the change, or warta return {path} --to {back} --reason '…')"
        ).format(
            last_step=_step_label(sop, last.step),
            who=_who(ctx, last),
            step=_step_label(sop, upcoming.id),
            last_by=last.by,
            last_content=short(last.content),
            current=short(current),
            path=shlex.quote(item.path),
            back=back.id,
        ),
    )


def check_pii(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    yield from check_personal_data(item)


def check_url(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """The URL comes from the signed date and slug; the folder must agree with it."""
    url = item_url(item, ctx.zone)
    if url is None:
        if item.slug is not None and item.news_date is not None:
            yield error(
                item.path,
                item.line_of("date"),
                "url.unknown",
                _(
                    "the URL comes from the signed slug and date, but the date {date!r} falls"
                    " on no day in the office's time zone; expected a date between the years"
                    " 1900 and 2999"
                ).format(date=item.news_date.isoformat()),
            )
        return
    expected = f"{DOCS}/{url}{ITEM_FILE}"
    if item.path != expected:
        yield error(
            item.path,
            item.line_of("slug"),
            "url.folder",
            _(
                "the URL comes from the signed slug and date ({url}); expected this item at"
                " {expected}, found it at {path} (move the folder, or sign a new slug)"
            ).format(url=url, expected=expected, path=item.path),
        )


def check_embargo(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """An approved item whose signed embargo has not come yet waits for it: a notice naming
    the time. It is a normal state of an approved item, so it blocks nothing (the verdict
    keeps the item off the site until then: see :func:`judge`)."""
    if item.embargo is None or not item.embargoed(ctx.now):
        return
    history = read_history(item, ctx.sop)
    if history.problems or history.withdrawn is not None or not history.past_gate(ctx.sop):
        return
    yield notice(
        item.path,
        item.line_of("embargo"),
        "embargo.pending",
        _(
            "approved, but under embargo until {until}: left out of every output of the site"
            " until a build at or after that time publishes it"
        ).format(until=ctx.local(item.embargo).isoformat()),
    )


ITEM_CHECKS: tuple[tuple[str, ItemCheck], ...] = (
    ("url", check_url),
    ("status", check_status),
    ("order", check_order),
    ("revision", check_revision),
    ("signers", check_signers),
    ("duties", check_duties),
    ("approved_by", check_approved_by),
    ("times", check_times),
    ("signatures", check_signed),
    ("content_frozen", check_frozen),
    ("content_edits", check_edits),
    ("personal_data", check_pii),
    ("mutu_baku", check_mutu_baku),
    ("embargo", check_embargo),
)


def _keeper(group: Sequence[Judgement]) -> Judgement:
    """Of files claiming the same id or URL, the one that keeps it: an item past the gate
    with no error of its own, approved first; else one with no error of its own (a copy in
    another folder has one: ``url.folder``); else the first by path. A junk draft can
    therefore never push an approved item off the site, nor a copy of a colleague's draft
    in a folder that sorts first take that draft out of the queue and the figures."""

    def rank(j: Judgement) -> tuple[bool, bool, float, str]:
        errors = any(f.is_error for f in (*j.reader, *j.found))
        clean = j.passed and not errors
        approved = j.facts.approved_at if j.facts is not None else None
        return (not clean, errors, approved.timestamp() if approved else float("inf"), j.path)

    return min(group, key=rank)


def check_unique(
    judgements: Sequence[Judgement], key: str, rule: str, what: str
) -> Iterator[Finding]:
    """Files sharing an id (``key`` 'id') or a URL ('url'): every one but the keeper gets
    an error naming both files."""
    groups: dict[str, list[Judgement]] = {}
    for j in judgements:
        value = getattr(j.facts, key) if j.facts is not None else None
        if value is not None:
            groups.setdefault(value, []).append(j)
    for value, group in groups.items():
        if len(group) < 2:
            continue
        keeper = _keeper(group)
        assert keeper.facts is not None
        kept_line = keeper.facts.id_line if key == "id" else keeper.facts.slug_line
        for other in group:
            if other is keeper:
                continue
            assert other.facts is not None
            line = other.facts.id_line if key == "id" else other.facts.slug_line
            yield error(
                other.path,
                line,
                rule,
                _(
                    "{what} {value!r} is also claimed by {path}:{line}, which keeps it;"
                    " expected each {what} once across the site, found it again here (this"
                    " file is left out)"
                ).format(what=what, value=value, path=keeper.path, line=kept_line),
            )


#: Checks that render the body. They are skipped for an item whose records do not verify
#: ('signatures' found an error) or whose text is not the one they approved
#: ('content_frozen'): a pushed file only claiming approval (records with junk signatures),
#: or a copy of an approved item with another body, had its body rendered, so anyone could
#: spend the gate's time and memory.
RENDERING_CHECKS = frozenset({"references", "published_text", "body_images"})

#: Checks whose findings name what holds on the day of ``ctx.now`` (who holds a role today).
DAY_BOUND_CHECKS = frozenset({"content_frozen"})


def judge(
    path: str,
    item: NewsItem | None,
    reader: Sequence[Finding],
    ctx: Context,
    checks: Sequence[tuple[str, ItemCheck]] = ITEM_CHECKS,
    *,
    folder: Sequence[Observed] | None = None,
) -> Judgement:
    """Run every per-item check on one file (``item`` None if it could not be read).

    ``folder`` holds what is on disk in the item's folder (its files, with digests): the
    files the item publishes are checked against it, and the body's references against what
    the item lists. A check that raises does not stop the run and never clears the item: the
    surprise becomes an ``internal.error`` finding on it.

    A per-item check may look at nothing but the item, its folder, the policy and the clock
    (and at the clock only as :class:`~warta.model.judgement.Judgement` records): the verdict
    cache reuses a judgement wherever those are the same."""
    if item is None:
        return Judgement(path, tuple(reader), (), None, False)
    found: list[Finding] = []
    day_bound = False
    named: list[tuple[str, Callable[[], Iterable[Finding]]]] = [
        (name, _bound(check, item, ctx)) for name, check in checks
    ]
    frozen = _frozen(item, ctx.sop)
    if folder is not None:
        named.append(("files", lambda: check_attachments(item, folder, frozen=frozen)))
        named.append(("photos", lambda: check_photos(item, folder, ctx.sop.photos)))
    if ctx.renderer is not None and (frozen or ctx.render_drafts):
        renderer = ctx.renderer
        url = item_url(item, ctx.zone)
        files = [a.path for a in item.attachments] if frozen or folder is None else to_list(folder)
        if url is not None:
            named.append(
                (
                    "references",
                    lambda: check_references(item, renderer.references(item.body), url, files),
                )
            )
        named.append(("published_text", lambda: list(check_published_text(item, renderer))))
        named.append(
            ("body_images", lambda: list(check_body_images(item, renderer.images(item.body))))
        )
    unsigned = False
    for name, run in named:
        before = len(found)
        if unsigned and name in RENDERING_CHECKS:
            continue  # records no trusted key made: no body of theirs is worth rendering
        try:
            found.extend(run())
        except BodyTooComplex as exc:
            if any(f.rule == "body.too-complex" for f in found):
                continue  # said once: the body is rendered once
            found.append(
                error(
                    path,
                    item.body_line,
                    "body.too-complex",
                    _(
                        "the body could not be rendered: {reason}; expected a news text"
                        " (thousands of unclosed '[' or '<' make Markdown's parser take"
                        " quadratic time)"
                    ).format(reason=exc),
                )
            )
        except Exception as exc:  # a surprise must fail closed on this item, never crash
            found.append(internal_error(path, name, exc))
        day_bound = day_bound or (name in DAY_BOUND_CHECKS and len(found) > before)
        unsigned = unsigned or (
            name in ("signatures", "content_frozen") and any(f.is_error for f in found[before:])
        )
    try:
        history = read_history(item, ctx.sop)
        passed = (
            item.id is not None
            and item.status is not None
            and item.signoffs_readable
            and not history.problems
            and history.past_gate(ctx.sop)
            and history.withdrawn is None
        )
        facts = ItemFacts.of(item, ctx.zone, _approved_at(history, ctx.sop))
        latest = max((s.at for s in item.signoffs), default=None)
        embargoed = item.embargoed(ctx.now)
    except Exception as exc:
        return Judgement(
            path, tuple(reader), (*found, internal_error(path, "facts", exc)), None, False
        )
    return Judgement(
        path,
        tuple(reader),
        tuple(found),
        facts,
        passed,
        latest,
        ctx.local(ctx.now).date() if day_bound else None,
        embargoed,
    )


def check_published_text(item: NewsItem, renderer: Renderer) -> Iterator[Finding]:
    """The body as readers will see it (rendered, tags removed, references decoded) holds no
    personal data and no invisible character that its Markdown source hid."""
    text = renderer.text(item.body)
    yield from published_personal_data(item, text)
    yield from check_published(item.path, item.body, text, item.body_line)


def _pending(judgement: Judgement) -> datetime | None:
    """The embargo an item past the gate still waits for, if any."""
    if not (judgement.passed and judgement.embargoed) or judgement.facts is None:
        return None
    return judgement.facts.embargo


def _approved_at(history: History, sop: Sop) -> datetime | None:
    approval = history.signoff_for(sop.gate.id)
    return approval.at if approval is not None else None


def _frozen(item: NewsItem, sop: Sop) -> bool:
    """Whether the content-freezing step (the approval) is in force: from then on the files
    must be exactly those listed."""
    index = sop.frozen_from()
    index = index if index is not None else sop.gate_index
    return read_history(item, sop).signed > index


def _bound(check: ItemCheck, item: NewsItem, ctx: Context) -> Callable[[], Iterable[Finding]]:
    return lambda: list(check(item, ctx))


def internal_error(path: str, where: str, exc: BaseException) -> Finding:
    """A check that raised: the item is not published, and the message says what happened."""
    return error(
        path,
        None,
        "internal.error",
        _(
            "the check '{where}' failed unexpectedly ({kind}: {detail}); expected every check"
            " to complete, so this file is not published (please report this to the Warta"
            " developers)"
        ).format(where=where, kind=type(exc).__name__, detail=str(exc)[:200]),
    )


@dataclass
class Verdict:
    """The judgement on one file."""

    path: str
    item: NewsItem | None
    findings: list[Finding] = field(default_factory=list)
    publishable: bool = False
    #: the item's id and status (from ``item`` when there is one; without it when a verdict
    #: was concluded without the item at hand)
    facts: ItemFacts | None = None
    #: the embargo an item past the gate waits for (None: none pending); until then it is
    #: not publishable
    embargo: datetime | None = None

    @property
    def id(self) -> str | None:
        return self.facts.id if self.facts else None

    @property
    def status(self) -> str | None:
        return self.facts.status if self.facts else None


@dataclass
class Report:
    verdicts: list[Verdict]
    workflow: list[Finding] = field(default_factory=list)
    #: the site's own files (pages, assets, mkdocs.yml): admitted or not, and why
    sources: list[SourceVerdict] = field(default_factory=list)
    #: findings about the site's source as a whole (signed files that are gone)
    site: list[Finding] = field(default_factory=list)
    #: whether the report was concluded under ``--strict`` (see :mod:`warta.model.policy`)
    strict: bool = False

    def all_findings(self) -> list[Finding]:
        out = list(self.workflow)
        for verdict in self.verdicts:
            out.extend(verdict.findings)
        for source in self.sources:
            out.extend(source.findings)
        out.extend(self.site)
        return out

    def errors(self) -> list[Finding]:
        return [f for f in self.all_findings() if f.is_error]

    def warnings(self) -> list[Finding]:
        return [f for f in self.all_findings() if f.severity is Severity.WARNING]

    def notices(self) -> list[Finding]:
        return [f for f in self.all_findings() if f.severity is Severity.NOTICE]

    def blocking(self) -> list[Finding]:
        """The findings that block publication under this report's strictness."""
        return policy.blocking(self.all_findings(), strict=self.strict)

    def publishable(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.publishable]


def validate(
    loaded: Sequence[tuple[str, NewsItem | None, Sequence[Finding]]],
    ctx: Context,
    *,
    workflow_findings: Sequence[Finding] = (),
    checks: Sequence[tuple[str, ItemCheck]] = ITEM_CHECKS,
    strict: bool = False,
) -> Report:
    """Run every check on every item and decide, per item, whether it is publishable.

    ``loaded`` holds (path, item or None if unreadable, reader findings). With ``strict``,
    warnings count as errors, for the item's verdict too (notices never do: see
    :mod:`warta.model.policy`).
    """
    judgements = [judge(path, item, found, ctx, checks) for path, item, found in loaded]
    return conclude(
        judgements,
        items=[item for _, item, _ in loaded],
        workflow_findings=workflow_findings,
        strict=strict,
    )


def conclude(
    judgements: Sequence[Judgement],
    *,
    items: Sequence[NewsItem | None] | None = None,
    workflow_findings: Sequence[Finding] = (),
    strict: bool = False,
    sources: Sequence[SourceVerdict] = (),
    site_findings: Sequence[Finding] = (),
) -> Report:
    """The report: the site-wide checks (unique ids and URLs) across every judgement, then
    each file's verdict. ``items``, when given, are the judged items in the same order;
    ``sources`` are the verdicts on the site's own files."""
    workflow = policy.judged(workflow_findings, strict=strict)
    by_path: dict[str, list[Finding]] = {j.path: list(j.reader) for j in judgements}
    for finding in (
        *check_unique(judgements, "id", "id.duplicate", "id"),
        *check_unique(judgements, "url", "url.duplicate", "URL"),
    ):
        by_path.setdefault(finding.path, []).append(finding)
    verdicts: list[Verdict] = []
    for index, judgement in enumerate(judgements):
        findings = by_path.get(judgement.path, [])
        findings.extend(judgement.found)
        findings = policy.judged(findings, strict=strict)
        item = items[index] if items is not None else None
        verdicts.append(
            Verdict(
                judgement.path,
                item,
                findings,
                publishable=policy.publishable(
                    passed=judgement.passed,
                    embargoed=judgement.embargoed,
                    findings=findings,
                    workflow=workflow,
                    strict=strict,
                ),
                facts=judgement.facts,
                embargo=_pending(judgement),
            )
        )
    site = policy.judged(site_findings, strict=strict)
    return Report(verdicts, workflow, list(sources), site, strict)
