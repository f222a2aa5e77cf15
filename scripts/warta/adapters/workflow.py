"""Read workflow/sop.yml and workflow/roster.yml into the domain model.

Any problem is collected as a finding; if there is any error the files are broken
configuration and a :class:`~warta.errors.ConfigError` (exit code 2) carries every finding.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from warta.adapters.calendar import read_office
from warta.adapters.schema import Reader, as_map, hidden_text, type_name
from warta.adapters.ssh import canonical_key, key_kinds
from warta.adapters.textfile import read_repo_text
from warta.adapters.yamlnodes import YamlError, YList, YMap, parse
from warta.errors import ConfigError
from warta.i18n import _
from warta.model.findings import Finding, error, notice, warning
from warta.model.roster import FORGES, Education, Holding, Key, Person, Roster
from warta.model.signing import fingerprint
from warta.model.sop import (
    GATE,
    LATEST,
    Correction,
    DutyRule,
    Identity,
    Photos,
    Qualification,
    Role,
    Sop,
    StandardTime,
    Step,
    TakeBack,
    TimeUnit,
)

SOP_PATH = Path("workflow") / "sop.yml"
ROSTER_PATH = Path("workflow") / "roster.yml"

NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")


def _load_yaml(root: Path, rel: Path) -> tuple[YMap, str]:
    display = rel.as_posix()
    result = read_repo_text(root, display)
    if result.text is None:
        if any(f.rule == "file.missing" for f in result.findings):
            raise ConfigError(
                _("{display}: workflow file is missing; expected it at {path}").format(
                    display=display, path=root / rel
                ),
                [
                    error(
                        display,
                        None,
                        "workflow.missing",
                        _("workflow file is missing: expected it here, found nothing"),
                    )
                ],
            )
        raise ConfigError(
            _("{display}: workflow file is unreadable").format(display=display), result.findings
        )
    try:
        data = parse(result.text)
    except YamlError as exc:
        finding = error(display, exc.line, exc.rule, exc.message)
        raise ConfigError(
            _("{display}: workflow file does not parse").format(display=display), [finding]
        ) from None
    if not isinstance(data, YMap):
        finding = error(
            display,
            1,
            "schema.type",
            _("file must be a mapping; found {found}").format(found=type_name(data)),
        )
        raise ConfigError(
            _("{display}: workflow file is not a mapping").format(display=display), [finding]
        )
    return data, display


def _fail_on_errors(display: str, findings: list[Finding]) -> None:
    errors = [f for f in findings if f.is_error]
    if errors:
        raise ConfigError(
            _("{display}: {count} error(s) in workflow file").format(
                display=display, count=len(errors)
            ),
            findings,
        )


def _identifier(reader: Reader, key: str) -> str | None:
    value = reader.text(key)
    if value is not None and not NAME.match(value):
        reader.fail(
            key,
            "workflow.name",
            _("'{key}' must be lowercase letters, digits, '-' or '_'; found {value!r}").format(
                key=key, value=value
            ),
        )
        return None
    return value


def load_sop(root: Path) -> tuple[Sop, list[Finding]]:
    """Load workflow/sop.yml. Raises ConfigError listing every problem if it is invalid."""
    data, display = _load_yaml(root, SOP_PATH)
    findings: list[Finding] = []
    top = Reader(data, display, findings)
    top.unknown_keys(
        {
            "serial",  # signed, against rollback: warta.adapters.serials
            "sop",
            "office",
            "education_levels",
            "roles",
            "initial_status",
            "steps",
            "separation_of_duties",
            "take_back",
            "correction",
            "photos",
        }
    )
    identity = _identity(top, display, findings)
    calendar, zone = read_office(top, display, findings)
    ranks = _ranks(top, display, findings)
    roles = _roles(top, display, findings, ranks)
    initial = _identifier(top, "initial_status")
    steps = _steps(top, display, findings, roles)
    duties = _duties(top, display, findings, steps)
    take_back = _take_back(top, display, findings, roles)
    correction = _correction(top, display, findings, roles, steps)
    photos = _photos(top, display, findings)
    findings.extend(hidden_text(data, display))
    statuses = [initial, *(s.status for s in steps), take_back.withdrawn_status]
    seen: dict[str, int] = {}
    for index, status in enumerate(statuses):
        if status is None:
            continue
        if status in seen:
            findings.append(
                error(
                    display,
                    top.line("steps"),
                    "workflow.status-duplicate",
                    _(
                        "status {status!r} is used twice; expected each step to set its own"
                        " status, found it again"
                    ).format(status=status),
                )
            )
        seen[status] = index
    gates = [s for s in steps if s.gate]
    if steps and len(gates) != 1:
        findings.append(
            error(
                display,
                top.line("steps"),
                "workflow.gate",
                _(
                    "exactly one step must be the publishing gate (gate: true); found {count}"
                ).format(count=len(gates)),
            )
        )
    printing = [s for s in steps if s.prints]
    gate_at = next((i for i, s in enumerate(steps) if s.gate), None)
    if len(printing) > 1 or any(
        gate_at is not None and steps.index(s) <= gate_at for s in printing
    ):
        findings.append(
            error(
                display,
                top.line("steps"),
                "workflow.prints",
                _(
                    "at most one step may record printing (prints: true), and it must come"
                    " after the publishing gate (only approved text is printed); found {found}"
                ).format(found=", ".join(repr(s.id) for s in printing)),
            )
        )
    _fail_on_errors(display, findings)
    assert identity is not None and initial is not None
    sop = Sop(
        identity=identity,
        roles=roles,
        steps=tuple(steps),
        initial_status=initial,
        duties=tuple(duties),
        calendar=calendar,
        timezone=zone,
        education_ranks=ranks,
        take_back=take_back,
        correction=correction,
        photos=photos,
    )
    frozen = sop.frozen_from()
    for step in sop.steps[frozen if frozen is not None else len(steps) :]:
        if step.edits:
            findings.append(
                error(
                    display,
                    top.line("steps"),
                    "workflow.edits",
                    _(
                        "step {step!r} may change the text (edits: true) but comes at or after"
                        " the step that freezes it; expected edits only before approval"
                    ).format(step=step.id),
                )
            )
    _fail_on_errors(display, findings)
    return sop, findings


#: The largest ``photos.max_mb`` sop.yml may set (an original is at most 100 MiB anyway).
MAX_PHOTO_MB = 100


def _photos(top: Reader, display: str, findings: list[Finding]) -> Photos:
    """What the office asks of original photos (``photos``; the default when absent)."""
    node = top.mapping("photos", required=False)
    if node is None:
        return Photos()
    r = Reader(node, display, findings, where="photos.")
    r.unknown_keys({"max_mb"})
    if "max_mb" not in node:
        return Photos()
    value = r.integer("max_mb")
    if value is None:
        return Photos()
    if not 1 <= value <= MAX_PHOTO_MB:
        r.fail(
            "max_mb",
            "workflow.photos",
            _("photos.max_mb must be a whole number from 1 to {most}; found {found}").format(
                most=MAX_PHOTO_MB, found=value
            ),
        )
        return Photos()
    return Photos(value)


def _take_back(
    top: Reader, display: str, findings: list[Finding], roles: dict[str, Role]
) -> TakeBack:
    """Who may return or withdraw an item (``take_back``; the defaults when absent)."""
    node = top.mapping("take_back", required=False)
    if node is None:
        return TakeBack()
    r = Reader(node, display, findings, where="take_back.")
    r.unknown_keys({"return_by", "withdraw_by", "withdrawn_status"})
    default = TakeBack()
    named: dict[str, tuple[str, ...]] = {}
    for key in ("return_by", "withdraw_by"):
        value = r.text_list(key)
        if value is None:
            named[key] = getattr(default, key)
            continue
        unknown = [v for v in value if v not in roles and v not in (LATEST, GATE)]
        if unknown or not value:
            r.fail(
                key,
                "workflow.take-back",
                _("{key} must name roles, '{latest}' or '{gate}'; found {found}").format(
                    key=key,
                    latest=LATEST,
                    gate=GATE,
                    found=", ".join(map(repr, unknown)) or _("none"),
                ),
            )
        named[key] = value
    status = _identifier(r, "withdrawn_status") if "withdrawn_status" in node else None
    return TakeBack(named["return_by"], named["withdraw_by"], status or default.withdrawn_status)


def _correction(
    top: Reader, display: str, findings: list[Finding], roles: dict[str, Role], steps: list[Step]
) -> Correction:
    """Who may start a correction and which steps it signs again (``correction``; the
    defaults when absent): steps of the SOP, in its order, the publishing gate last."""
    node = top.mapping("correction", required=False)
    if node is None:
        return Correction()
    r = Reader(node, display, findings, where="correction.")
    r.unknown_keys({"start_by", "steps"})
    default = Correction()
    start_by = r.text_list("start_by") if "start_by" in node else default.start_by
    if start_by is None:
        start_by = default.start_by
    elif not start_by or any(v not in roles and v not in (LATEST, GATE) for v in start_by):
        unknown = [v for v in start_by if v not in roles and v not in (LATEST, GATE)]
        r.fail(
            "start_by",
            "workflow.correction",
            _("start_by must name roles, '{latest}' or '{gate}'; found {found}").format(
                latest=LATEST, gate=GATE, found=", ".join(map(repr, unknown)) or _("none")
            ),
        )
    listed = r.text_list("steps") if "steps" in node else default.steps
    if listed is None or "steps" not in node:
        return Correction(start_by, default.steps)
    order = [s.id for s in steps]
    gates = [s.id for s in steps if s.gate]
    gate = gates[0] if len(gates) == 1 else None
    unknown = [v for v in listed if v not in order]
    if gate is None:
        pass  # the gate check speaks (workflow.gate)
    elif unknown:
        r.fail(
            "steps",
            "workflow.correction",
            _("steps must name steps of this SOP ({steps}); found {found}").format(
                steps=", ".join(order), found=", ".join(map(repr, unknown))
            ),
        )
    elif list(listed) != sorted(set(listed), key=order.index) or not listed or listed[-1] != gate:
        r.fail(
            "steps",
            "workflow.correction",
            _(
                "steps must list steps once each, in the SOP's order, ending with the publishing"
                " gate {gate!r} (a correction is published only by a new approval); found"
                " {found}"
            ).format(gate=gate, found=", ".join(listed) or _("none")),
        )
    return Correction(start_by, listed)


def _identity(top: Reader, display: str, findings: list[Finding]) -> Identity | None:
    node = top.mapping("sop")
    if node is None:
        return None
    r = Reader(node, display, findings, where="sop.")
    r.unknown_keys(
        {
            "number",
            "name",
            "organisation",
            "unit",
            "created",
            "revised",
            "effective",
            "approved_by",
            "legal_basis",
            "executor_qualifications",
            "related",
            "equipment",
            "warnings",
            "recording",
        }
    )
    approver = r.mapping("approved_by")
    title = name = nip = ""
    if approver is not None:
        a = Reader(approver, display, findings, where="sop.approved_by.")
        a.unknown_keys({"title", "name", "nip"})
        title = a.text("title") or ""
        name = a.text("name", required=False) or ""
        nip = a.text("nip", required=False) or ""
    unit = r.text("unit") or ""
    org = r.text("organisation", required=False) or ""
    return Identity(
        number=r.text("number") or "",
        name=r.text("name") or "",
        unit=f"{org} — {unit}" if org else unit,
        created=r.day("created", required=True),
        revised=r.day("revised"),
        effective=r.day("effective", required=True),
        approved_by=title,
        approver_name=name,
        approver_nip=nip,
        legal_basis=r.text_list("legal_basis") or (),
        executor_qualifications=r.text_list("executor_qualifications") or (),
        related=r.text_list("related") or (),
        equipment=r.text_list("equipment") or (),
        warnings=r.text_list("warnings") or (),
        recording=r.text_list("recording") or (),
    )


def _ranks(top: Reader, display: str, findings: list[Finding]) -> dict[str, int]:
    levels = top.text_list("education_levels")
    if not levels:
        return {}
    ranks: dict[str, int] = {}
    for rank, entry in enumerate(levels):
        for name in entry.split("="):
            ranks[name.strip()] = rank
    return ranks


def _roles(
    top: Reader, display: str, findings: list[Finding], ranks: dict[str, int]
) -> dict[str, Role]:
    node = top.mapping("roles")
    roles: dict[str, Role] = {}
    if node is None:
        return roles
    for role_id, value in node.items():
        line = node.line_of(role_id)
        if not NAME.match(role_id):
            findings.append(
                error(
                    display,
                    line,
                    "workflow.name",
                    _(
                        "role id must be lowercase letters, digits, '-' or '_'; found {role!r}"
                    ).format(role=role_id),
                )
            )
        body = as_map(value, display, line, _("role '{role}'").format(role=role_id), findings)
        if body is None:
            continue
        r = Reader(body, display, findings, where=f"roles.{role_id}.")
        r.unknown_keys({"title", "short", "qualification"})
        qual = None
        qnode = r.mapping("qualification", required=False)
        if qnode is not None:
            q = Reader(qnode, display, findings, where=f"roles.{role_id}.qualification.")
            q.unknown_keys({"level", "field"})
            level = q.text("level") or ""
            if ranks and level and level not in ranks:
                q.fail(
                    "level",
                    "workflow.education",
                    _("unknown education level {level!r}; expected one of {levels}").format(
                        level=level, levels=", ".join(ranks)
                    ),
                )
            qual = Qualification(level, q.text("field", required=False) or None)
        roles[role_id] = Role(role_id, r.text("title") or "", r.text("short") or role_id, qual)
    return roles


def _steps(
    top: Reader, display: str, findings: list[Finding], roles: dict[str, Role]
) -> list[Step]:
    node = top.seq("steps")
    steps: list[Step] = []
    if node is None:
        return steps
    if not node:
        findings.append(
            error(
                display,
                node.line,
                "workflow.steps",
                _("steps must not be empty; expected at least one step, found none"),
            )
        )
    ids: set[str] = set()
    for index, value in enumerate(node):
        body = as_map(value, display, node.line_at(index), f"steps[{index}]", findings)
        if body is None:
            continue
        r = Reader(body, display, findings, where=f"steps[{index}].")
        r.unknown_keys(
            {
                "id",
                "activity",
                "role",
                "input",
                "time",
                "output",
                "status",
                "gate",
                "freezes_content",
                "note",
                "edits",
                "prints",
            }
        )
        step_id = _identifier(r, "id")
        role = r.text("role")
        if role is not None and role not in roles:
            r.fail(
                "role",
                "workflow.role",
                _("step role {role!r} is not defined under roles; expected one of {roles}").format(
                    role=role, roles=", ".join(roles) or _("(none)")
                ),
            )
        if step_id is not None and step_id in ids:
            r.fail(
                "id",
                "workflow.step-duplicate",
                _(
                    "step id {step!r} is used twice; expected each step id once, found it again"
                ).format(step=step_id),
            )
        time = _standard_time(r, display, findings, index)
        status = _identifier(r, "status")
        activity = r.text("activity")
        step_input = r.text("input")
        output = r.text("output")
        gate = r.boolean("gate")
        freezes = r.boolean("freezes_content")
        edits = r.boolean("edits")
        prints = r.boolean("prints")
        note = r.text("note", required=False) or ""
        if step_id is None:
            continue
        ids.add(step_id)
        # A field that did not read is already a finding (and the SOP is refused): the step
        # still stands, with a stand-in for that field, so that the rules naming it (the
        # gate, separation of duties, correction) do not add errors that are not there.
        steps.append(
            Step(
                index + 1,
                step_id,
                activity or "",
                role or "",
                step_input or "",
                time or StandardTime(1, TimeUnit.MENIT, False),
                output or "",
                status or step_id,
                gate,
                freezes,
                note,
                edits,
                prints,
            )
        )
    return steps


#: The longest standard time of a step, per unit: a year (deadlines stay on the calendar).
MAX_STANDARD = {TimeUnit.MENIT: 366 * 24 * 60, TimeUnit.JAM: 366 * 24, TimeUnit.HARI: 366}


def _standard_time(
    r: Reader, display: str, findings: list[Finding], index: int
) -> StandardTime | None:
    node = r.mapping("time")
    if node is None:
        return None
    t = Reader(node, display, findings, where=f"steps[{index}].time.")
    t.unknown_keys({"amount", "unit", "working_days"})
    amount = t.integer("amount")
    unit = t.text("unit")
    working = t.boolean("working_days")
    if unit is not None and unit not in {u.value for u in TimeUnit}:
        t.fail(
            "unit",
            "workflow.time-unit",
            _("unit must be one of menit, jam, hari; found {unit!r}").format(unit=unit),
        )
        return None
    if amount is None or unit is None:
        return None
    if amount <= 0:
        t.fail(
            "amount",
            "workflow.time-amount",
            _("amount must be positive; found {amount}").format(amount=amount),
        )
        return None
    most = MAX_STANDARD[TimeUnit(unit)]
    if amount > most:
        t.fail(
            "amount",
            "workflow.time-amount",
            _("amount must be at most {most} {unit} (a year); found {amount}").format(
                most=most, unit=unit, amount=amount
            ),
        )
        return None
    return StandardTime(amount, TimeUnit(unit), working)


def _duties(
    top: Reader, display: str, findings: list[Finding], steps: list[Step]
) -> list[DutyRule]:
    node = top.seq("separation_of_duties", required=False)
    rules: list[DutyRule] = []
    if node is None:
        return rules
    known = {s.id for s in steps}
    for index, value in enumerate(node):
        body = as_map(
            value, display, node.line_at(index), f"separation_of_duties[{index}]", findings
        )
        if body is None:
            continue
        r = Reader(body, display, findings, where=f"separation_of_duties[{index}].")
        r.unknown_keys({"id", "steps", "reason"})
        rule_id = _identifier(r, "id")
        rule_steps = r.text_list("steps", required=True)
        reason = r.text("reason") or ""
        if rule_steps is None or rule_id is None:
            continue
        for step in rule_steps:
            if step not in known:
                r.fail(
                    "steps",
                    "workflow.duty-step",
                    _(
                        "separation rule names step {step!r}, which is not a step; expected one"
                        " of {steps}"
                    ).format(step=step, steps=", ".join(s.id for s in steps)),
                )
        twice = sorted({step for step in rule_steps if rule_steps.count(step) > 1})
        if twice:
            r.fail(
                "steps",
                "workflow.duty-step",
                _(
                    "a separation rule names step {step!r} twice; expected different steps"
                    " (one person signing a step once is no conflict of duties)"
                ).format(step=twice[0]),
            )
        if len(rule_steps) < 2:
            r.fail(
                "steps",
                "workflow.duty-step",
                _(
                    "a separation rule needs at least two steps; expected two or more, found"
                    " {count}"
                ).format(count=len(rule_steps)),
            )
        rules.append(DutyRule(rule_id, rule_steps, reason))
    return rules


def load_roster(root: Path, sop: Sop) -> tuple[Roster, list[Finding]]:
    """Load workflow/roster.yml against the SOP's roles. Raises ConfigError if invalid."""
    data, display = _load_yaml(root, ROSTER_PATH)
    findings: list[Finding] = []
    top = Reader(data, display, findings)
    top.unknown_keys({"serial", "people", "demo"})  # serial: warta.adapters.serials
    demo = top.boolean("demo")
    node = top.seq("people")
    people: dict[str, Person] = {}
    for index, value in enumerate(node or []):
        assert isinstance(node, YList)
        line = node.line_at(index)
        body = as_map(value, display, line, f"people[{index}]", findings)
        if body is None:
            continue
        person = _person(body, display, findings, index, sop)
        if person is None:
            continue
        if person.id in people:
            findings.append(
                error(
                    display,
                    line,
                    "roster.duplicate",
                    _(
                        "person id {id!r} is listed twice; expected each person once, found"
                        " them again"
                    ).format(id=person.id),
                )
            )
            continue
        people[person.id] = person
    findings.extend(_shared_keys(people, display))
    findings.extend(_shared_nips(people, display))
    findings.extend(hidden_text(data, display))
    _fail_on_errors(display, findings)
    roster = Roster(people, demo, top.line("demo") if demo else None)
    findings.extend(qualification_notices(roster, sop, display))
    return roster, findings


def _shared_nips(people: dict[str, Person], display: str) -> list[Finding]:
    """One civil servant (one NIP) under two ids would be two people to separation of
    duties: the writer could report their own item as a Plt. entered under a second id
    (found by an independent attack). An error; a second role goes on the one id."""
    seen: dict[str, Person] = {}
    out: list[Finding] = []
    for person in people.values():
        # digits only, each as the number it is, as a NIP is read (written with dashes, dots,
        # full-width or Arabic-Indic digits, the same NIP passed as another; found by
        # independent attacks)
        digits = (unicodedata.digit(c, None) for c in unicodedata.normalize("NFKC", person.nip))
        nip = "".join(str(value) for value in digits if value is not None)
        if not nip:
            continue
        first = seen.setdefault(nip, person)
        if first is not person:
            out.append(
                error(
                    display,
                    person.line,
                    "roster.nip-duplicate",
                    _(
                        "{name} ({id}) has the NIP of {other_name} ({other_id}), {nip}; expected"
                        " one id per person (give the second role to {other_id}: warta roster"
                        " add {other_id} --role …)"
                    ).format(name=person.name, id=person.id, other_name=first.name,
                             other_id=first.id, nip=nip),
                )
            )
    return out


def _shared_keys(people: dict[str, Person], display: str) -> list[Finding]:
    """A key listed for two people would let either sign as the other, and one listed twice
    for one person is valid by one entry while the other shows it revoked: errors."""
    owners: dict[str, Person] = {}
    out: list[Finding] = []
    for person in people.values():
        mine: set[str] = set()
        for key in person.keys:
            if key.public_key in mine:
                out.append(
                    error(
                        display,
                        person.line,
                        "roster.key-duplicate",
                        _(
                            "key {fingerprint} is listed twice for {name} ({id}); expected each"
                            " key once (a revocation goes on its one entry)"
                        ).format(fingerprint=fingerprint(key.public_key), name=person.name,
                                 id=person.id),
                    )
                )
            mine.add(key.public_key)
            first = owners.setdefault(key.public_key, person)
            if first is not person:
                out.append(
                    error(
                        display,
                        person.line,
                        "roster.key-shared",
                        _(
                            "key {fingerprint} of {name} ({id}) is also listed for {other_name}"
                            " ({other_id}); expected each key to belong to one person"
                        ).format(
                            fingerprint=fingerprint(key.public_key),
                            name=person.name,
                            id=person.id,
                            other_name=first.name,
                            other_id=first.id,
                        ),
                    )
                )
    return out


def _person(
    body: YMap, display: str, findings: list[Finding], index: int, sop: Sop
) -> Person | None:
    r = Reader(body, display, findings, where=f"people[{index}].")
    r.unknown_keys({"id", "name", "nip", "roles", "keys", "education", "forge"})
    person_id = _identifier(r, "id")
    name = r.text("name")
    # a person without a role (an administrator who only keeps the workflow) needs no NIP
    nip = r.text("nip", required=bool(body.get("roles")))
    if nip and not re.fullmatch(r"[0-9]{18}", nip.replace(" ", "")):
        findings.append(
            warning(
                display,
                r.line("nip"),
                "roster.nip",
                _("NIP is normally 18 digits; found {nip!r}").format(nip=nip),
            )
        )
    holdings: list[Holding] = []
    roles = r.seq("roles")
    for j, entry in enumerate(roles or []):
        assert isinstance(roles, YList)
        line = roles.line_at(j)
        if isinstance(entry, str):
            entry_map: YMap | None = None
            role = entry
        else:
            entry_map = as_map(entry, display, line, f"people[{index}].roles[{j}]", findings)
            if entry_map is None:
                continue
            h = Reader(entry_map, display, findings, where=f"people[{index}].roles[{j}].")
            h.unknown_keys({"role", "from", "until", "acting"})
            role = h.text("role") or ""
        if role not in sop.roles:
            findings.append(
                error(
                    display,
                    line,
                    "roster.role",
                    _("role {role!r} is not a role of the SOP; expected one of {roles}").format(
                        role=role, roles=", ".join(sop.roles)
                    ),
                )
            )
            continue
        if entry_map is None:
            holdings.append(Holding(role))
        else:
            h = Reader(entry_map, display, findings, where=f"people[{index}].roles[{j}].")
            holdings.append(Holding(role, h.day("from"), h.day("until"), h.boolean("acting")))
    keys = _keys(r, display, findings, index)
    education: list[Education] = []
    edu = r.seq("education", required=False)
    for j, entry in enumerate(edu or []):
        assert isinstance(edu, YList)
        emap = as_map(entry, display, edu.line_at(j), f"people[{index}].education[{j}]", findings)
        if emap is None:
            continue
        e = Reader(emap, display, findings, where=f"people[{index}].education[{j}].")
        e.unknown_keys({"level", "field"})
        education.append(Education(e.text("level") or "", e.text("field", required=False) or ""))
    forge = _forge(r, display, findings)
    if person_id is None or name is None or nip is None:
        return None
    return Person(person_id, name, nip, tuple(holdings), keys, tuple(education), body.line, forge)


#: A forge user name: letters, digits, '-', '_', '.'; never a space, '@', '/' or a newline
#: (CODEOWNERS and pull-request summaries are written from it).
_FORGE_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})")


def _forge(r: Reader, display: str, findings: list[Finding]) -> tuple[tuple[str, str], ...]:
    node = r.mapping("forge", required=False)
    out: list[tuple[str, str]] = []
    for name in node or {}:
        value = node[name] if node is not None else None
        line = node.line_of(name) if node is not None else None
        if name not in FORGES:
            findings.append(
                error(
                    display,
                    line,
                    "roster.forge",
                    _("{where}forge: unknown forge {name!r}; expected one of {forges}").format(
                        where=r.where, name=str(name)[:20], forges=", ".join(FORGES)
                    ),
                )
            )
        elif not isinstance(value, str) or not _FORGE_USER.fullmatch(value):
            findings.append(
                error(
                    display,
                    line,
                    "roster.forge",
                    _(
                        "{where}forge.{name}: expected a user name (letters, digits, '-', '_',"
                        " '.'); found {found}"
                    ).format(where=r.where, name=name, found=type_name(value)),
                )
            )
        else:
            out.append((str(name), value))
    return tuple(out)


def _keys(r: Reader, display: str, findings: list[Finding], index: int) -> tuple[Key, ...]:
    node = r.seq("keys", required=False)
    keys: list[Key] = []
    for j, entry in enumerate(node or []):
        assert isinstance(node, YList)
        kmap = as_map(entry, display, node.line_at(j), f"people[{index}].keys[{j}]", findings)
        if kmap is None:
            continue
        k = Reader(kmap, display, findings, where=f"people[{index}].keys[{j}].")
        k.unknown_keys({"key", "from", "revoked", "reason", "demo"})
        public = k.text("key")
        if public is None:
            continue
        parts = public.split()
        if len(parts) < 2 or not (
            parts[0].startswith("ssh-")
            or parts[0].startswith("ecdsa-")
            or parts[0].startswith("sk-")
        ):
            k.fail(
                "key",
                "roster.key",
                _(
                    "key must be an OpenSSH public key line such as 'ssh-ed25519 AAAA... name';"
                    " found {key!r}"
                ).format(key=public[:30]),
            )
            continue
        written = " ".join(parts[:2])
        if canonical_key(written) != written:
            k.fail(
                "key",
                "roster.key",
                _(
                    "key is not a public key of a type Warta verifies ({types}) in its standard"
                    " form, as ssh-keygen writes it; expected {expected}, found {key!r}"
                ).format(types=key_kinds(),
                         expected=canonical_key(written) or _("a valid key"),
                         key=written[:60]),
            )
            continue
        revoked = k.day("revoked")
        reason = k.text("reason", required=False) or ""
        if revoked is not None and not reason:
            k.fail(
                "revoked",
                "roster.revocation",
                _("a revoked key needs a 'reason'; expected why it was revoked, found nothing"),
            )
        keys.append(Key(" ".join(parts[:2]), k.day("from"), revoked, reason, k.boolean("demo")))
    return tuple(keys)


def qualification_notices(roster: Roster, sop: Sop, display: str) -> list[Finding]:
    """A notice (it never blocks publication) where a person holds a role without the
    minimum education the SOP asks for it."""
    out: list[Finding] = []
    for person in roster.people.values():
        for role_id in sorted({h.role for h in person.holdings}):
            role = sop.roles[role_id]
            qual = role.qualification
            if qual is None:
                continue
            need = sop.education_ranks.get(qual.level)
            ok = False
            for edu in person.education:
                have = sop.education_ranks.get(edu.level)
                level_ok = (
                    (have >= need)
                    if (have is not None and need is not None)
                    else (edu.level == qual.level)
                )
                field_ok = qual.field is None or edu.field.casefold() == qual.field.casefold()
                if level_ok and field_ok:
                    ok = True
            if not ok:
                found = ", ".join(f"{e.level} {e.field}".strip() for e in person.education)
                out.append(
                    notice(
                        display,
                        person.line,
                        "roster.qualification",
                        _(
                            "{name} ({id}) holds {title} ({short}), which asks for at least"
                            " {qualification}; found {found}"
                        ).format(
                            name=person.name,
                            id=person.id,
                            title=role.title,
                            short=role.short,
                            qualification=qual.label(),
                            found=found or _("no education recorded"),
                        ),
                    )
                )
    return out
