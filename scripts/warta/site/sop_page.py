"""The page "SOP Peliputan", generated from workflow/sop.yml (Permenpan RB No. 35/2012 form):
identity table, activity table with Mutu Baku, and a top-to-bottom flowchart drawn from the
steps, so the page changes whenever the signed YAML does."""

from __future__ import annotations

from collections.abc import Sequence

from warta.model.sop import Sop, StandardTime, TimeUnit
from warta.site.catalogue import SOP
from warta.site.dates import date_label
from warta.site.pages import GeneratedPage
from warta.site.text import esc

TITLE = "SOP Peliputan"
MARK = "&#9679;"  # ● in the performer's column


def _listing(values: Sequence[str]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return esc(values[0])
    return "<ol>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ol>"


def _qualifications(sop: Sop) -> list[str]:
    out = list(sop.identity.executor_qualifications)
    for role in sop.roles.values():
        if role.qualification is not None:
            out.append(f"{role.title}: minimal {role.qualification.label()}")
    return out


def identity_table(sop: Sop) -> str:
    ident = sop.identity
    rows: list[tuple[str, str]] = [
        ("Nomor SOP", esc(ident.number)),
        ("Nama SOP", esc(ident.name)),
        ("Unit", esc(ident.unit)),
        ("Tanggal Pembuatan", esc(date_label(ident.created)) if ident.created else "-"),
        ("Tanggal Revisi", esc(date_label(ident.revised)) if ident.revised else "-"),
        ("Tanggal Efektif", esc(date_label(ident.effective)) if ident.effective else "-"),
        ("Disahkan oleh", _approver(sop)),
        ("Dasar Hukum", _listing(ident.legal_basis)),
        ("Kualifikasi Pelaksana", _listing(_qualifications(sop))),
        ("Keterkaitan", _listing(ident.related)),
        ("Peralatan / Perlengkapan", _listing(ident.equipment)),
        ("Peringatan", _listing(ident.warnings)),
        ("Pencatatan dan Pendataan", _listing(ident.recording)),
    ]
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<div class="warta-sop-identity"><table><tbody>{body}</tbody></table></div>'


def _approver(sop: Sop) -> str:
    ident = sop.identity
    parts = [esc(ident.approved_by)]
    if ident.approver_name:
        parts.append(esc(ident.approver_name))
    if ident.approver_nip:
        parts.append(f"NIP {esc(ident.approver_nip)}")
    return "<br>".join(parts)


def total_time(times: Sequence[StandardTime]) -> str:
    """The sum of standard times per unit: '7 hari kerja 20 menit'."""
    minutes = sum(t.amount for t in times if t.unit is TimeUnit.MENIT)
    hours = sum(t.amount for t in times if t.unit is TimeUnit.JAM)
    work_days = sum(t.amount for t in times if t.unit is TimeUnit.HARI and t.working_days)
    days = sum(t.amount for t in times if t.unit is TimeUnit.HARI and not t.working_days)
    parts = []
    if work_days:
        parts.append(f"{work_days} hari kerja")
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if minutes:
        parts.append(f"{minutes} menit")
    return " ".join(parts) or "-"


def activity_table(sop: Sop) -> str:
    roles = list(sop.roles.values())
    head = (
        '<thead><tr><th rowspan="2">No</th><th rowspan="2">Kegiatan</th>'
        f'<th colspan="{len(roles)}">Pelaksana</th><th colspan="3">Mutu Baku</th>'
        '<th rowspan="2">Keterangan</th></tr><tr>'
        + "".join(f'<th scope="col" title="{esc(r.title)}">{esc(r.short)}</th>' for r in roles)
        + "<th>Kelengkapan</th><th>Waktu</th><th>Output</th></tr></thead>"
    )
    rows = []
    for step in sop.steps:
        cells = "".join(
            f'<td class="warta-sop-actor" aria-label="{esc(r.title)}">{MARK}</td>'
            if r.id == step.role
            else "<td></td>"
            for r in roles
        )
        notes = []
        if step.gate:
            notes.append("<strong>Gerbang publikasi</strong>: hanya yang disetujui terbit.")
        if step.freezes_content:
            notes.append("Sejak langkah ini isi berita tidak boleh berubah.")
        if step.note:
            notes.append(esc(step.note))
        rows.append(
            f"<tr><td>{step.number}</td><td>{esc(step.activity)}</td>{cells}"
            f"<td>{esc(step.input)}</td><td>{esc(step.time.label())}</td>"
            f"<td>{esc(step.output)}</td><td>{' '.join(notes)}</td></tr>"
        )
    foot = (
        f'<tfoot><tr><td colspan="{2 + len(roles)}">Jumlah waktu baku</td>'
        f"<td></td><td>{esc(total_time([s.time for s in sop.steps]))}</td>"
        "<td></td><td></td></tr></tfoot>"
    )
    return (
        '<div class="warta-sop-activities"><table>'
        f"{head}<tbody>{''.join(rows)}</tbody>{foot}</table></div>"
    )


def _label(text: str) -> str:
    """Text safe inside a quoted Mermaid label (Mermaid's own #entity; escapes)."""
    return (
        text.replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
    )


def flowchart(sop: Sop) -> str:
    """Mermaid source, top to bottom, in the SOP AP symbols: a terminator capsule for start
    and end, a process box per activity (performer first), arrows labelled with outputs."""
    lines = ["flowchart TB", '  mulai(["Mulai"])']
    for step in sop.steps:
        role = sop.roles[step.role]
        label = f"{step.number}. {_label(role.short)}<br/>{_label(step.activity)}"
        lines.append(f'  s{step.number}["{label}"]')
    lines.append('  selesai(["Selesai"])')
    nodes = ["mulai", *(f"s{s.number}" for s in sop.steps), "selesai"]
    outputs = ["", *(s.output for s in sop.steps)]
    for index in range(len(nodes) - 1):
        output = outputs[index]
        arrow = f' -->|"{_label(output)}"| ' if output else " --> "
        lines.append(f"  {nodes[index]}{arrow}{nodes[index + 1]}")
    gates = [f"s{s.number}" for s in sop.steps if s.gate]
    if gates:
        lines.append("  classDef gate stroke-width:4px")
        lines.append(f"  class {','.join(gates)} gate")
    return "\n".join(lines) + "\n"


_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def office_hours(sop: Sop) -> str:
    """The office hours and holidays Mutu Baku is measured in (empty: no hours set, so the
    standards run on calendar time and there is nothing to show)."""
    calendar = sop.calendar
    if not calendar.timed:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{_DAYS[day]}</th><td>'
        + ", ".join(f"{a:%H.%M}–{b:%H.%M}" for a, b in calendar.hours[day])
        + "</td></tr>"
        for day in sorted(calendar.working_weekdays)
        if calendar.hours[day]
    )
    holidays = sorted(calendar.holidays)
    listed = ", ".join(esc(date_label(day)) for day in holidays)
    return (
        '<h2 id="jam-kerja">Jam kerja</h2>'
        "<p>Mutu Baku dalam menit dan jam dihitung dalam jam kerja; dalam hari, dalam hari"
        " kerja. Hari libur nasional dan cuti bersama tidak dihitung.</p>"
        f'<div class="warta-sop-hours"><table><tbody>{rows}</tbody></table></div>'
        + (f"<p>Hari libur ({len(holidays)}): {listed}.</p>" if holidays else "")
    )


def sop_page(sop: Sop) -> GeneratedPage:
    ident = sop.identity
    gate = sop.gate
    gate_role = sop.roles[gate.role]
    flow = (sop.initial_status, *(step.status for step in sop.steps))
    statuses = " &rarr; ".join(f"<code>{esc(s)}</code>" for s in flow)
    duties = "".join(
        f"<li>Langkah {', '.join(esc(s) for s in rule.steps)}: {esc(rule.reason)}</li>"
        for rule in sop.duties
    )
    body = (
        '<div class="warta-sop">'
        f"<p>Setiap berita di situs ini melalui prosedur <strong>{esc(ident.name)}</strong>"
        f" ({esc(ident.number)}). Setiap langkah ditandatangani secara digital oleh"
        " pelaksananya. Langkah"
        f" <strong>{gate.number}. {esc(gate.activity)}</strong> oleh {esc(gate_role.title)}"
        " adalah gerbang publikasi: hanya berita yang telah disetujui yang terbit.</p>"
        f'<h2 id="identitas">Identitas SOP</h2>{identity_table(sop)}'
        f'<h2 id="kegiatan">Uraian kegiatan</h2>{activity_table(sop)}'
        f'<h2 id="diagram-alir">Diagram alir</h2>'
        f'<pre class="mermaid"><code>{esc(flowchart(sop))}</code></pre>'
        + office_hours(sop)
        + f'<h2 id="status">Status berita</h2><p>{statuses}</p>'
        + (f'<h2 id="pemisahan-tugas">Pemisahan tugas</h2><ul>{duties}</ul>' if duties else "")
        + "</div>"
    )
    return GeneratedPage(f"{SOP}index.md", TITLE, body, searchable=True, hide=("navigation", "toc"))
