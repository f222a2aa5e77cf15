"""The validator: an ordered list of named checks that turn policy + evidence into findings.

Each check is a small function taking its inputs explicitly and yielding findings. The verdict
(:class:`Report`) says, per item, whether it is publishable: only if it has passed the SOP's
publishing gate and no error holds against it or against the workflow. Unknown means no.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

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
from warta.model.findings import Finding, Severity, error, warning
from warta.model.item import NewsItem, Signoff, item_url
from warta.model.judgement import FUTURE_SKEW, ItemFacts, Judgement
from warta.model.pii import check_personal_data
from warta.model.roster import Roster
from warta.model.signing import Verifier, check_content_frozen, check_signatures
from warta.model.sop import Sop


@dataclass(frozen=True)
class Context:
    """Everything a check may look at. Checks read nothing else (no globals, no disk)."""

    sop: Sop
    roster: Roster
    zone: tzinfo
    now: datetime
    verifier: Verifier
    #: renders bodies as the site publishes them (for the check of their links)
    renderer: Renderer | None = None
    #: render drafts too (when one is signed); a run over the repository renders only what
    #: was approved, so that no junk draft can make it slow
    render_drafts: bool = False

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_day(self, signoff: Signoff) -> date:
        return self.local(signoff.at).date()


ItemCheck = Callable[[NewsItem, Context], Iterable[Finding]]


def ordered_prefix(item: NewsItem, sop: Sop) -> int:
    """How many leading signoffs are exactly the SOP's steps in order."""
    count = 0
    for signoff, step in zip(item.signoffs, sop.steps, strict=False):
        if signoff.step != step.id:
            break
        count += 1
    return count


def _step_label(sop: Sop, step_id: str) -> str:
    step = sop.step(step_id)
    return f"'{step_id}' (step {step.number})" if step else f"'{step_id}'"


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
            f"status {item.status!r} is not defined in sop.yml; expected one of:"
            f" {', '.join(sop.statuses())}",
        )
        return
    if not item.signoffs_readable:
        return
    if item.signoffs:
        last = item.signoffs[-1]
        step = sop.step(last.step)
        if step is None:
            return
        expected, why = step.status, f"the last signoff is {_step_label(sop, last.step)}"
    else:
        expected, why = sop.initial_status, "there are no signoffs"
    if item.status != expected:
        yield error(
            item.path,
            line,
            "status.mismatch",
            f"status must be {expected!r} because {why}; found {item.status!r}",
        )


def check_order(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    sop = ctx.sop
    for index, signoff in enumerate(item.signoffs):
        step = sop.step(signoff.step)
        if step is None:
            yield error(
                item.path,
                signoff.line,
                "order.unknown-step",
                f"signoffs[{index}] names step {signoff.step!r}, which is not in sop.yml;"
                f" expected one of: {', '.join(s.id for s in sop.steps)}",
            )
            return
        if index >= len(sop.steps):
            yield error(
                item.path,
                signoff.line,
                "order.repeated",
                f"signoffs[{index}] repeats step {_step_label(sop, signoff.step)};"
                " all steps are already signed",
            )
            return
        expected = sop.steps[index]
        if step.id == expected.id:
            continue
        if step.number < expected.number:
            yield error(
                item.path,
                signoff.line,
                "order.repeated",
                f"signoffs[{index}] repeats step {_step_label(sop, step.id)}; expected"
                f" the next step {_step_label(sop, expected.id)}",
            )
        else:
            yield error(
                item.path,
                signoff.line,
                "order.skipped",
                f"signoffs[{index}] is step {_step_label(sop, step.id)}, which skips"
                f" {_step_label(sop, expected.id)}; steps must be signed in the SOP's"
                " order",
            )
        return


def check_signers(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    for index, signoff in enumerate(item.signoffs):
        person = ctx.roster.get(signoff.by)
        if person is None:
            yield error(
                item.path,
                signoff.line,
                "signoff.unknown-person",
                f"signoffs[{index}] is by {signoff.by!r}, who is not in roster.yml;"
                " expected a person id from the roster",
            )
            continue
        step = ctx.sop.step(signoff.step)
        if step is None:
            continue
        day = ctx.local(signoff.at).date()
        if not person.holds(step.role, day):
            role = ctx.sop.roles[step.role]
            held = (
                ", ".join(_holding_text(h.role, h.start, h.end, h.acting) for h in person.holdings)
                or "no role"
            )
            yield error(
                item.path,
                signoff.line,
                "signoff.role",
                f"step {_step_label(ctx.sop, step.id)} must be signed by the"
                f" {role.title} ({role.short}) on {day.isoformat()}; {person.name}"
                f" ({person.id}) holds {held}",
            )


def _holding_text(role: str, start: object, end: object, acting: bool) -> str:
    text = f"{'Plt. ' if acting else ''}{role}"
    if start or end:
        text += f" {start or '…'} to {end or '…'}"
    return text


def check_duties(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    by_step: dict[str, Signoff] = {}
    for signoff in item.signoffs:
        by_step.setdefault(signoff.step, signoff)
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
                    f"{signoff.by!r} signed both {_step_label(ctx.sop, first.step)} and"
                    f" {_step_label(ctx.sop, signoff.step)}; separation of duties"
                    f" '{rule.id}' expects different people ({rule.reason})",
                )
            else:
                seen[signoff.by] = signoff


def check_approved_by(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    gate = ctx.sop.gate
    approval = next((s for s in item.signoffs if s.step == gate.id), None)
    line = item.line_of("approved_by") or item.line_of("status")
    if approval is None:
        if item.approved_by is not None:
            yield error(
                item.path,
                line,
                "approved_by.premature",
                f"approved_by is {item.approved_by!r} but the approval step"
                f" {_step_label(ctx.sop, gate.id)} is not signed; expected no"
                " approved_by",
            )
        return
    if item.approved_by is None:
        yield error(
            item.path,
            line,
            "approved_by.missing",
            f"approved_by is required once {_step_label(ctx.sop, gate.id)} is signed;"
            f" expected {approval.by!r}, found nothing",
        )
    elif item.approved_by != approval.by:
        yield error(
            item.path,
            line,
            "approved_by.mismatch",
            f"approved_by must be the signer of {_step_label(ctx.sop, gate.id)};"
            f" expected {approval.by!r}, found {item.approved_by!r}",
        )


def check_times(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    previous: Signoff | None = None
    for index, signoff in enumerate(item.signoffs):
        if signoff.at > ctx.now + FUTURE_SKEW:
            yield error(
                item.path,
                signoff.line,
                "time.future",
                f"signoffs[{index}] is dated in the future: expected a time no later than"
                f" now ({ctx.local(ctx.now).isoformat()}), found {signoff.at_text}",
            )
        if previous is not None and signoff.at < previous.at:
            yield error(
                item.path,
                signoff.line,
                "time.backwards",
                f"signoffs[{index}] at {signoff.at_text} is earlier than the step"
                f" before it at {previous.at_text}; expected times never to go back",
            )
        previous = signoff


def format_span(span: timedelta) -> str:
    """A duration in Indonesian words: '2 hari 3 jam', '12 menit'."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins or not parts:
        parts.append(f"{mins} menit")
    return " ".join(parts)


def check_mutu_baku(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    for index in range(1, len(item.signoffs)):
        previous, signoff = item.signoffs[index - 1], item.signoffs[index]
        step = ctx.sop.step(signoff.step)
        if step is None or signoff.at < previous.at:
            continue
        deadline = ctx.sop.calendar.deadline(ctx.local(previous.at), step.time)
        if signoff.at > deadline:
            yield warning(
                item.path,
                signoff.line,
                "mutu-baku.exceeded",
                f"step {_step_label(ctx.sop, step.id)} took"
                f" {format_span(signoff.at - previous.at)}; its standard time (Mutu"
                f" Baku) is {step.time.label()}",
            )


def check_signed(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    yield from check_signatures(item, ctx.roster, ctx.local_day, ctx.verifier)


def check_frozen(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    index = ctx.sop.frozen_from()
    if index is None:
        return
    step = ctx.sop.steps[index]
    role = ctx.sop.roles[step.role]
    holders = ", ".join(p.name for p in ctx.roster.holders(step.role, ctx.local(ctx.now).date()))
    title = f"{role.short} ({holders})" if holders else role.short
    hint = f"warta reopen {item.path}, then sign '{step.id}' again"
    yield from check_content_frozen(item, step.id, ctx.roster, title, hint)


def check_pii(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    yield from check_personal_data(item)


def _plausible_date(value: object) -> bool:
    """A date the reader accepted (so that the reader's own finding is not repeated)."""
    if not isinstance(value, str):
        return False
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        return False
    return 1900 <= parsed.year <= 2999


def check_url(item: NewsItem, ctx: Context) -> Iterator[Finding]:
    """The URL comes from the signed date and slug; the folder must agree with it."""
    url = item_url(item, ctx.zone)
    if url is None:
        if item.slug is not None and _plausible_date(item.fields.get("date")):
            yield error(
                item.path,
                item.line_of("date"),
                "url.unknown",
                f"the URL comes from the signed slug and date, but the date"
                f" {item.fields['date']!r} falls on no day in the office's time zone; expected"
                " a date between the years 1900 and 2999",
            )
        return
    expected = f"{DOCS}/{url}{ITEM_FILE}"
    if item.path != expected:
        yield error(
            item.path,
            item.line_of("slug"),
            "url.folder",
            f"the URL comes from the signed slug and date ({url}); expected this item at"
            f" {expected}, found it at {item.path} (move the folder, or sign a new slug)",
        )


ITEM_CHECKS: tuple[tuple[str, ItemCheck], ...] = (
    ("url", check_url),
    ("status", check_status),
    ("order", check_order),
    ("signers", check_signers),
    ("duties", check_duties),
    ("approved_by", check_approved_by),
    ("times", check_times),
    ("signatures", check_signed),
    ("content_frozen", check_frozen),
    ("personal_data", check_pii),
    ("mutu_baku", check_mutu_baku),
)


def _keeper(group: Sequence[Judgement]) -> Judgement:
    """Of files claiming the same id or URL, the one that keeps it: an item past the gate
    with no error of its own, approved first; else the first by path. A junk draft can
    therefore never push an approved item off the site."""

    def rank(j: Judgement) -> tuple[bool, float, str]:
        clean = j.passed and not any(f.is_error for f in (*j.reader, *j.found))
        approved = j.facts.approved_at if j.facts is not None else None
        return (not clean, approved.timestamp() if approved else float("inf"), j.path)

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
                f"{what} {value!r} is also claimed by {keeper.path}:{kept_line}, which keeps"
                f" it; expected each {what} once across the site, found it again here (this"
                " file is left out)",
            )


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
    for name, run in named:
        before = len(found)
        try:
            found.extend(run())
        except BodyTooComplex as exc:
            found.append(
                error(
                    path,
                    item.body_line,
                    "body.too-complex",
                    f"the body could not be rendered: {exc}; expected a news text (thousands"
                    " of unclosed '[' or '<' make Markdown's parser take quadratic time)",
                )
            )
        except Exception as exc:  # a surprise must fail closed on this item, never crash
            found.append(internal_error(path, name, exc))
        day_bound = day_bound or (name in DAY_BOUND_CHECKS and len(found) > before)
    try:
        passed = (
            item.id is not None
            and item.status is not None
            and item.signoffs_readable
            and (ordered_prefix(item, ctx.sop) > ctx.sop.gate_index)
        )
        facts = ItemFacts.of(item, ctx.zone, ctx.sop.gate.id)
        latest = max((s.at for s in item.signoffs), default=None)
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
    )


def _frozen(item: NewsItem, sop: Sop) -> bool:
    """Whether the content-freezing step (the approval) is signed: from then on the files
    must be exactly those listed."""
    index = sop.frozen_from()
    step = sop.steps[index].id if index is not None else sop.gate.id
    return any(s.step == step for s in item.signoffs)


def _bound(check: ItemCheck, item: NewsItem, ctx: Context) -> Callable[[], Iterable[Finding]]:
    return lambda: list(check(item, ctx))


def internal_error(path: str, where: str, exc: BaseException) -> Finding:
    """A check that raised: the item is not published, and the message says what happened."""
    return error(
        path,
        None,
        "internal.error",
        f"the check '{where}' failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]});"
        " expected every check to complete, so this file is not published (please report"
        " this to the Warta developers)",
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
    warnings count as errors, for the item's verdict too.
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
    workflow = [f.promoted() if strict else f for f in workflow_findings]
    workflow_ok = not any(f.is_error for f in workflow)
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
        if strict:
            findings = [f.promoted() for f in findings]
        ok = workflow_ok and not any(f.is_error for f in findings)
        item = items[index] if items is not None else None
        verdicts.append(
            Verdict(
                judgement.path,
                item,
                findings,
                publishable=judgement.passed and ok,
                facts=judgement.facts,
            )
        )
    site = [f.promoted() if strict else f for f in site_findings]
    return Report(verdicts, workflow, list(sources), site)
