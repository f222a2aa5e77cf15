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

from warta.model.findings import Finding
from warta.summary import Actor, ItemChange, State, StepRow, Summary

#: At most this many findings are listed per item, this many items and other files in all.
MAX_FINDINGS = 5
MAX_ITEMS = 50
MAX_OTHERS = 30
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
    """``text`` as an inline code span (for paths and ids; never inside a table)."""
    flat = one_line(text, limit)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def mention(account: str | None) -> str:
    return f" @{account}" if account is not None and _ACCOUNT.fullmatch(account) else ""


def _state(state: State | None, *, side: str) -> str:
    if state is None:
        return "belum ada" if side == "before" else "dihapus"
    text = f"`{one_line(state.status, 40).replace('`', '')}`"
    if not state.verified:
        return f"{text} (klaim, tidak terverifikasi)"
    if side == "after":
        return f"{text}, " + ("terbit" if state.publishable else "belum terbit")
    return text + (", terbit" if state.publishable else "")


def _finding(finding: Finding) -> str:
    return (
        f"- {code(finding.location(), 200)} {code(finding.rule, 60)}"
        f" {md(finding.message, TEXT_MAX)}"
    )


def _steps_table(rows: tuple[StepRow, ...]) -> list[str]:
    lines = [
        "| Langkah | Oleh | Waktu | Lama | Mutu Baku |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        who = md(row.who, 80) + (f" ({md(row.role, 80)})" if row.role else "")
        if not row.valid:
            who += " — **tanda tangan tidak sah**"
        label = md(row.label, 60) + (f" (alasan: {md(row.reason, 120)})" if row.reason else "")
        verdict = {True: " — **melewati**", False: " — sesuai", None: ""}[row.late]
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
        where = f"{code(change.after_path, 200)} (dipindah dari {code(change.before_path, 200)})"
    ident = f" · id {code(change.id, 90)}" if change.id else ""
    lines.append(f"- Berkas: {where}{ident}")
    lines.append(
        f"- Status: {_state(change.before, side='before')} →"
        f" {_state(change.after, side='after')}"
    )
    following = change.next
    if following is not None:
        if following.step is None:
            lines.append(f"- Langkah berikut: tidak ada ({md(following.note, 120)})")
        else:
            who = ", ".join(_actor(a) for a in following.actors) or "tidak ada yang berwenang"
            lines.append(
                f"- Langkah berikut: **{md(following.step, 60)}** ({md(following.role, 80)}),"
                f" dapat diambil oleh: {who}"
            )
    lines.append("")
    if change.steps:
        lines.extend(["Langkah yang ditandatangani dalam perubahan ini:", ""])
        lines.extend(_steps_table(change.steps))
    elif change.after is not None:
        lines.append("Tidak ada langkah yang ditandatangani dalam perubahan ini.")
    lines.append("")
    if change.blocking:
        lines.extend([f"Temuan yang menghalangi terbit ({len(change.blocking)}):", ""])
        lines.extend(_finding(f) for f in change.blocking[:MAX_FINDINGS])
        rest = len(change.blocking) - MAX_FINDINGS
        if rest > 0:
            lines.append(f"- … dan {rest} temuan lain (lihat `warta validate`)")
        lines.append("")
    return lines


def render_summary(summary: Summary) -> str:
    """The summary as Markdown, in Indonesian, for a pull request and its CI job page."""
    lines = ["## Ringkasan perubahan berita", ""]
    count = len(summary.items)
    base = f"{code(summary.ref, 100)} ({code(summary.commit[:10])})"
    lines.append(
        f"Dibandingkan dengan {base}: {count} berita berubah."
        if count
        else f"Dibandingkan dengan {base}: tidak ada berita yang berubah."
    )
    lines.append("")
    if summary.workflow:
        lines.extend(
            [
                "**Alur kerja tidak terverifikasi: tidak ada berita yang dapat terbit.**",
                "",
            ]
        )
        lines.extend(_finding(f) for f in summary.workflow[:MAX_FINDINGS])
        rest = len(summary.workflow) - MAX_FINDINGS
        if rest > 0:
            lines.append(f"- … dan {rest} temuan lain (lihat `warta validate`)")
        lines.append("")
    if not summary.base_verified and count:
        lines.extend(
            [
                "Status sebelum perubahan tidak dapat diverifikasi (alur kerja pada revisi"
                " dasar tidak terverifikasi): yang tertulis adalah status yang diklaim berkas.",
                "",
            ]
        )
    if summary.others:
        lines.extend(
            [
                f"**Berkas administrator berubah ({len(summary.others)})**: perubahan di luar"
                " berita memerlukan tinjauan administrator.",
                "",
            ]
        )
        lines.extend(f"- {code(o.path, 200)} ({o.how})" for o in summary.others[:MAX_OTHERS])
        if len(summary.others) > MAX_OTHERS:
            lines.append(f"- … dan {len(summary.others) - MAX_OTHERS} berkas lain")
        lines.append("")
    for number, change in enumerate(summary.items[:MAX_ITEMS], start=1):
        lines.extend(_item(number, change))
    if count > MAX_ITEMS:
        lines.extend([f"… dan {count - MAX_ITEMS} berita lain.", ""])
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
