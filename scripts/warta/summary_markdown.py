"""The pull-request summary as Markdown (pure: text in, text out).

Every text taken from the repository (titles, names, messages, paths) is hostile: it is put
on one line, capped, and escaped so that it renders as the same characters and nothing else:
no HTML, no link or image, no table cell break, no autolink, no ``@`` mention (the at sign
becomes a full-width one, U+FF20), no invisible reordering (format characters are shown as
U+FFFD). Only the accounts of the signed roster become mentions.
"""

from __future__ import annotations

import re
import unicodedata

from warta.i18n import _, language, ngettext
from warta.model.findings import Finding
from warta.summary import Actor, ItemChange, State, StepRow, Summary, effect

#: At most this many findings are listed per item, this many items and other files in all.
MAX_FINDINGS = 5
MAX_ITEMS = 50
MAX_OTHERS = 30
#: An item's own changed files listed under it.
MAX_FILES = 20
#: Items that put something on the site or take it off (:func:`warta.summary.effect` 0),
#: and the files that judge, build or publish the news, are listed up to these, whatever
#: else the change holds.
MAX_EFFECTIVE = 500
MAX_GOVERNING = 200
#: The rows of an item's table of steps signed in the change: the latest ones (a writer may
#: return her own item to her own step and sign it again, two valid records a round).
MAX_STEPS = 30
#: The most characters of the whole summary: under GitHub's 65,536 for a pull-request
#: comment, and in UTF-8 far under the 1 MiB of a job summary, beyond which the runner drops
#: the whole summary (140 such rounds in one item made 68,975 characters; found by an
#: independent attack). Items that do not fit are counted, the least important last.
SUMMARY_MAX = 60_000
TITLE_MAX = 160
TEXT_MAX = 300
_ACCOUNT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
#: What Markdown (CommonMark, GFM, GitLab's) could read as syntax: emphasis, code, links,
#: HTML, entities, headings, lists, tables, strike-through, math, and the ':' and '.' that
#: autolinks (https://…, www.…) need
_PUNCTUATION = frozenset("!#$&()*+-.:<>[\\]_`{|}~")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def one_line(text: str, limit: int = TEXT_MAX) -> str:
    """``text`` on one line (whitespace runs and control characters become one space;
    format characters U+FFFD), at most ``limit`` characters (then ending in '…')."""
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _LINE_BREAKS or ch.isspace() or category == "Cc":
            if out and out[-1] != " ":
                out.append(" ")
        elif category in ("Cf", "Co", "Cs", "Cn"):
            out.append("\ufffd")
        else:
            out.append(ch)
    flat = "".join(out).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def md(text: str, limit: int = TEXT_MAX) -> str:
    """``text`` as literal Markdown text, safe inside a paragraph, list item or table cell."""
    out: list[str] = []
    for ch in one_line(text, limit):
        if ch == "@":
            out.append("\uff20")
        elif ch in _PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def code(text: str, limit: int = TEXT_MAX) -> str:
    """``text`` as an inline code span (for paths and ids; never inside a table). No escape
    works in a code span: the ``[`` of ``##[``, which GitHub's runner reads as a workflow
    command anywhere in a line of a job's log, is shown as the full-width ``［``."""
    flat = one_line(text, limit).replace("##[", "##\uff3b")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


#: Files that judge, build or publish the news: first those of fixed names (code owners,
#: the site's configuration, the workflow's signed files, git's attributes and submodules
#: at the top), never cut; then the forges' CI workflows and the rest of workflow/; then
#: other files in the folders of either; then the rest. No number of junk files pushes a
#: file of the first group into "… and N more files" (forty issue templates under .github/
#: once hid a change of CODEOWNERS and the CI workflow, and two hundred nested
#: .gitattributes did again; found by independent attacks).
_FIXED = frozenset({
    ".gitlab-ci.yml", "mkdocs.yml", "CODEOWNERS", "docs/CODEOWNERS", ".github/CODEOWNERS",
    ".gitlab/CODEOWNERS", ".forgejo/CODEOWNERS", ".gitea/CODEOWNERS", ".gitattributes",
    ".gitmodules", "workflow/sop.yml", "workflow/sop.yml.sig", "workflow/roster.yml",
    "workflow/roster.yml.sig", "workflow/site-manifest.yml", "workflow/site-manifest.yml.sig",
    "workflow/trust-root",
})
_CI_FOLDERS = (".github/workflows/", ".forgejo/workflows/", ".gitea/workflows/", "workflow/")
_GOVERNING_FOLDERS = (".github/", ".forgejo/", ".gitea/", ".gitlab/")


def _governs(path: str) -> int:
    """0: a file of :data:`_FIXED`; 1: a CI workflow, another file of workflow/; 2: another
    file in a forge's folder, a nested .gitattributes; 3: any other."""
    if path in _FIXED:
        return 0
    if path.startswith(_CI_FOLDERS):
        return 1
    if path.startswith(_GOVERNING_FOLDERS) or path.rsplit("/", 1)[-1] == ".gitattributes":
        return 2
    return 3


def mention(account: str | None) -> str:
    return f" @{account}" if account is not None and _ACCOUNT.fullmatch(account) else ""


def _state(state: State | None, *, side: str) -> str:
    if state is None:
        return _("none yet") if side == "before" else _("removed")
    text = code(state.status, 40)  # (a line of a list: the ``##[`` guard is code()'s)
    if not state.verified:
        return _("{status} (claimed, not verified)").format(status=text)
    if side == "after":
        shown = _("published") if state.publishable else _("not published yet")
        if state.scheduled is not None:
            shown = _("scheduled: published by itself at {moment}").format(
                moment=md(state.scheduled, 60))
        return f"{text}, {shown}"
    return text + ", " + _("published") if state.publishable else text


def _finding(finding: Finding) -> str:
    return (
        f"- {code(finding.location(), 200)} {code(finding.rule, 60)}"
        f" {md(finding.message, TEXT_MAX)}"
    )


def _steps_table(rows: tuple[StepRow, ...], path: str) -> list[str]:
    heading = (_("Step"), _("By"), _("Time"), _("Took"), _("Mutu Baku"))
    lines = []
    earlier = len(rows) - MAX_STEPS
    if earlier > 0:
        lines.extend([
            ngettext(
                "… {count} earlier step of this change is not shown (see `warta log`): {path}",
                "… {count} earlier steps of this change are not shown (see `warta log`):"
                " {path}",
                earlier,
            ).format(count=earlier, path=code(path, 200)),
            "",
        ])
        rows = rows[earlier:]
    lines.extend([
        "| " + " | ".join(md(cell, 40) for cell in heading) + " |",
        "|---|---|---|---|---|",
    ])
    for row in rows:
        who = md(row.who, 80) + (f" ({md(row.role, 80)})" if row.role else "")
        if not row.valid:
            who += " — " + _("**invalid signature**")
        label = md(row.label, 60)
        if row.reason:
            label += _(" (reason: {reason})").format(reason=md(row.reason, 120))
        verdict = {
            True: " — " + _("**exceeded**"),
            False: " — " + _("within time"),
            None: "",
        }[row.late]
        lines.append(
            f"| {label} | {who} | {md(row.when, 60)} | {md(row.took, 40)}"
            f" | {md(row.standard, 40)}{verdict} |"
        )
    return lines


def _actor(actor: Actor) -> str:
    return f"{md(actor.name, 80)} ({md(actor.role, 60)}){mention(actor.account)}"


def _item(number: int, change: ItemChange) -> list[str]:
    lines = [f"### {number}. {md(change.title, TITLE_MAX)}", ""]
    where = code(change.after_path or change.before_path or "?", 200)
    if change.before_path and change.after_path and change.before_path != change.after_path:
        where = _("{path} (moved from {before})").format(
            path=code(change.after_path, 200), before=code(change.before_path, 200)
        )
    ident = f" · id {code(change.id, 90)}" if change.id else ""
    lines.append("- " + _("File: {where}").format(where=where) + ident)
    lines.append(
        "- "
        + _("Status: {before} → {after}").format(
            before=_state(change.before, side="before"), after=_state(change.after, side="after")
        )
    )
    if change.unsigned_since is not None:
        lines.append("- " + _(
            "**The text or files differ from what {record} signed**: the next signer signs"
            " the change"
        ).format(record=md(change.unsigned_since, 120)))
    if change.files:
        shown = ", ".join(f"{code(c.path, 200)} ({c.how})" for c in change.files[:MAX_FILES])
        more = len(change.files) - MAX_FILES
        if more > 0:
            shown += ", " + ngettext("… and {count} more file", "… and {count} more files",
                                     more).format(count=more)
        lines.append("- " + _("Files of the item changed: {files}").format(files=shown))
    following = change.next
    if following is not None:
        if following.step is None:
            lines.append("- " + _("Next step: none ({why})").format(why=md(following.note, 120)))
        else:
            who = ", ".join(_actor(a) for a in following.actors) or _("nobody may take it")
            lines.append(
                "- "
                + _("Next step: **{step}** ({role}), may be taken by: {who}").format(
                    step=md(following.step, 60), role=md(following.role, 80), who=who
                )
            )
    lines.append("")
    if change.steps:
        lines.extend([_("Steps signed in this change:"), ""])
        lines.extend(_steps_table(change.steps, change.after_path or change.before_path or "?"))
    elif change.after is not None:
        lines.append(_("No step was signed in this change."))
    lines.append("")
    if change.blocking:
        lines.extend(
            [_("Findings that block publication ({count}):").format(count=len(change.blocking)), ""]
        )
        lines.extend(_finding(f) for f in change.blocking[:MAX_FINDINGS])
        rest = len(change.blocking) - MAX_FINDINGS
        if rest > 0:
            lines.append(_more_findings(rest))
        lines.append("")
    return lines


def _more_findings(rest: int) -> str:
    return "- " + ngettext(
        "… and {count} more finding (see `warta validate`)",
        "… and {count} more findings (see `warta validate`)",
        rest,
    ).format(count=rest)


def render_summary(summary: Summary) -> str:
    """The summary as Markdown, in the running language (Indonesian unless English is asked
    for), for a pull request and its CI job page."""
    lines = ["## " + _("Summary of the news changes"), ""]
    count = len(summary.items)
    base = f"{code(summary.ref, 100)} ({code(summary.commit[:10])})"
    lines.append(
        ngettext(
            "Compared with {base}: {count} item changed.",
            "Compared with {base}: {count} items changed.",
            count,
        ).format(base=base, count=count)
        if count
        else _("Compared with {base}: no item changed.").format(base=base)
    )
    lines.append("")
    if summary.workflow:
        lines.extend([_("**The workflow does not verify: no item can be published.**"), ""])
        lines.extend(_finding(f) for f in summary.workflow[:MAX_FINDINGS])
        rest = len(summary.workflow) - MAX_FINDINGS
        if rest > 0:
            lines.append(_more_findings(rest))
        lines.append("")
    if not summary.base_verified and count:
        lines.extend(
            [
                _(
                    "The status before the change cannot be verified (the workflow at the base"
                    " revision does not verify): what is shown is the status the files claim."
                ),
                "",
            ]
        )
    if summary.others:
        lines.extend(
            [
                _(
                    "**Administrator's files changed ({count})**: changes outside the news need"
                    " an administrator's review."
                ).format(count=len(summary.others)),
                "",
            ]
        )
        others = sorted(summary.others, key=lambda o: _governs(o.path))  # (stable)
        fixed = sum(1 for o in others if _governs(o.path) == 0)
        governing = sum(1 for o in others if _governs(o.path) <= 1)
        shown = others[: max(fixed, min(governing, MAX_GOVERNING), MAX_OTHERS)]
        lines.extend(f"- {code(o.path, 200)} ({o.how})" for o in shown)
        if len(summary.others) > len(shown):
            rest = len(summary.others) - len(shown)
            lines.append(
                "- "
                + ngettext("… and {count} more file", "… and {count} more files", rest).format(
                    count=rest
                )
            )
        lines.append("")
    effective = sum(1 for change in summary.items if effect(change) == 0)
    listed = summary.items[: max(min(effective, MAX_EFFECTIVE), MAX_ITEMS)]
    size = sum(len(line) + 1 for line in lines)
    fitted = 0
    for number, change in enumerate(listed, start=1):
        block = _item(number, change)
        grown = sum(len(line) + 1 for line in block)
        if size + grown > SUMMARY_MAX - _TAIL:
            break
        lines.extend(block)
        size += grown
        fitted += 1
    if count > fitted:
        rest = count - fitted
        lines.append(
            ngettext("… and {count} more item.", "… and {count} more items.", rest).format(
                count=rest
            )
        )
        if fitted < len(listed):
            lines.append(_(
                "(This summary stops at {most} characters, which a pull-request comment and a"
                " job summary hold; `warta status` and `warta log` show every item.)"
            ).format(most=f"{SUMMARY_MAX:,}".replace(",", "." if language() == "id" else ",")))
        lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


#: Room kept for the lines that count the items not shown.
_TAIL = 400
