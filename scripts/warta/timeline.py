"""An item's timeline: each signed step with signer, time, commit and actual vs standard time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_datetime

from warta.adapters.git import item_commits
from warta.adapters.items import relative
from warta.errors import UsageError
from warta.repository import Repository
from warta.validate import Verdict, format_span


@dataclass(frozen=True)
class TimelineRow:
    number: int
    step: str
    signer: str
    when: str
    took: str
    standard: str
    commit: str
    signature: str


def timeline(project: Repository, path: Path) -> tuple[list[TimelineRow], Verdict]:
    display = relative(project.root, path.resolve())
    report = project.report
    verdict = next((v for v in report.verdicts if v.path == display), None)
    if verdict is None:
        raise UsageError(f"{display}: not a news item under content/berita/")
    item = verdict.item
    if item is None:
        return [], verdict
    ctx = project.context
    # newest last, so a step signed again after 'warta reopen' shows its latest commit
    history = reversed(item_commits(project.root, item.id)) if item.id else ()
    commits = {c.step: c for c in history}
    bad_lines = {f.line for f in verdict.findings if f.rule.startswith("signature.")}
    rows: list[TimelineRow] = []
    for index, signoff in enumerate(item.signoffs):
        step = ctx.sop.step(signoff.step)
        person = ctx.roster.get(signoff.by)
        local = ctx.local(signoff.at)
        took = "-"
        late = False
        if index > 0:
            previous = item.signoffs[index - 1]
            took = format_span(signoff.at - previous.at)
            if step is not None:
                late = signoff.at > ctx.sop.calendar.deadline(ctx.local(previous.at), step.time)
        commit = commits.get(signoff.step)
        rows.append(
            TimelineRow(
                number=step.number if step else index + 1,
                step=signoff.step,
                signer=f"{person.name} ({signoff.by})" if person else signoff.by,
                when=format_datetime(local, "EEEE, d MMMM y HH.mm zzz", locale="id"),
                took=took + (" (terlambat)" if late else ""),
                standard=step.time.label() if step else "?",
                commit=commit.sha[:10] if commit else "-",
                signature="tidak sah" if signoff.line in bad_lines or not signoff.sig else "sah",
            )
        )
    return rows, verdict
