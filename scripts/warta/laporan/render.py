"""The report as JSON, CSV, HTML (a Jinja2 template, autoescaped, charts inline as SVG) and
PDF (Typst, from a template file of this package; the data reaches it only as a JSON file
and the charts as SVG files in a temporary root holding nothing else).

The report itself is written in Indonesian, for the office and its assessors, like the
public site; the rules behind every figure are stated in it (:data:`METHOD`).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal

from warta.adapters.bounded import ChildFailed, OverBudget, run_bounded
from warta.adapters.textfile import json_utf8
from warta.errors import WartaError
from warta.i18n import _
from warta.laporan import SCHEMA, Laporan
from warta.laporan.charts import month_label, months_chart, steps_chart
from warta.model.performance import LONGEST, WELL_DONE_SHARE, StepFigures

#: How every figure is computed (shown in the report, given in the JSON).
METHOD = {
    "sumber": "Hanya berita yang seluruh catatan tanda tangannya sah (kunci tepercaya dalam"
    " roster.yml yang ditandatangani administrator) dan tersusun sesuai urutan SOP, sama seperti"
    " penilaian 'warta validate'. Berita lain tidak dihitung dan dicantumkan beserta alasannya.",
    "waktu": "Waktu sebuah langkah diukur dari catatan sebelumnya (apa pun jenisnya) sampai"
    " catatan langkah itu, menurut kalender kantor dalam satuan Mutu Baku-nya: menit atau jam"
    " kerja (hanya jam kantor pada hari kerja yang bukan hari libur) dan hari kerja; ukuran yang"
    " sama dengan 'warta log' dan 'warta status'. Catatan pertama sebuah berita tidak memiliki"
    " waktu mulai, sehingga dihitung tetapi tidak diukur. Penantian sebuah langkah yang"
    " diakhiri pengembalian, penarikan atau ralat (bukan tanda tangan langkah itu) juga diukur"
    " sebagai kasus langkah yang dinanti, ditandai 'dikembalikan', 'ditarik' atau 'diralat':"
    " keterlambatan tidak hilang karenanya.",
    "persentil": "Median dan persentil ke-90 dengan metode peringkat terdekat (nearest-rank):"
    " nilai pada peringkat ⌈p·n⌉ dari n waktu yang diurutkan (p = 0,5 dan 0,9).",
    "mutu_baku": "Dalam Mutu Baku: waktu tidak melebihi waktu baku langkah tersebut.",
    "orang": "Ditulis, dilaporkan, disetujui: jumlah berita berbeda yang memiliki catatan"
    " langkah penulisan (langkah pertama yang boleh mengubah naskah), langkah sebelum"
    " pengesahan, dan langkah pengesahan oleh orang tersebut dalam periode. Dikembalikan:"
    " jumlah pengembalian yang ia tandatangani.",
    "berita": "Dimulai: catatan pertama berita dalam periode. Diterbitkan: berita tayang dalam"
    " periode, pada pengesahan pertama atau pada akhir embargo yang ditandatangani bila lebih"
    " akhir (berita yang ditarik sebelum itu tidak pernah tayang). Dikembalikan, ditarik,"
    " diralat: jumlah catatan jenis itu dalam periode.",
    "terbuka": "Berita terbuka: menunggu langkah berikutnya pada saat laporan (--at atau"
    " WARTA_NOW, jika tidak saat ini), seperti antrean 'warta status'; lama menunggu dihitung"
    " dari catatan terakhir dalam satuan Mutu Baku langkah berikutnya.",
    "monitoring": "Dilaksanakan dengan baik: 'ya' bila langkah dilaksanakan dalam periode,"
    " tidak ada berita yang catatan langkah ini keluar dari urutan SOP, dan (bila diukur)"
    f" sekurang-kurangnya {round(WELL_DONE_SHARE * 100)} % waktunya dalam Mutu Baku; 'tidak'"
    " bila tidak; '-' bila tidak dilaksanakan dalam periode.",
    "edisi": "Edisi cetak dari content/cetak/<edisi>/edisi.yml: sebuah berita dihitung tercetak"
    " hanya bila catatannya yang sah memuat langkah pencetakan SOP (prints: true di sop.yml)."
    " Sebaliknya, catatan langkah itu hanya dihitung (dilaksanakan, diukur) untuk berita yang"
    " tercantum dalam edisi cetak yang sah; catatan tanpa edisi dihitung terpisah ('unlisted')"
    " dan membuat langkah itu tidak 'dilaksanakan dengan baik'.",
}

#: The seven questions of the evaluation form of Permenpan RB No. 35/2012 (SOP AP).
EVALUATION = (
    "Apakah SOP mampu mendorong peningkatan kinerja?",
    "Apakah SOP mudah dipahami?",
    "Apakah SOP mudah dilaksanakan?",
    "Apakah semua orang dapat menjalankan perannya masing-masing?",
    "Apakah SOP mampu mengatasi permasalahan yang berkaitan dengan proses?",
    "Apakah SOP mampu menjawab kebutuhan peningkatan kinerja organisasi?",
    "Apakah SOP bersinergi satu dengan lainnya?",
)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _when(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).isoformat()


def _well(step: StepFigures) -> str | None:
    done = step.well_done
    return None if done is None else ("ya" if done else "tidak")


def as_data(report: Laporan, zone: Any) -> dict[str, Any]:
    """The whole report as data (``--format json``, schema :data:`SCHEMA`)."""
    f = report.figures
    return {
        "schema": SCHEMA,
        "period": {
            "label": f.period.label,
            "first": f.period.first.isoformat(),
            "end": f.period.end.isoformat(),
        },
        "at": _when(f.at, zone),
        "command": report.command,
        "commit": report.commit,
        "uncommitted_changes": report.dirty,
        "sop": {"number": report.sop_number, "name": report.sop_name, "unit": report.unit},
        "timezone": report.zone,
        "method": METHOD,
        "items_counted": f.items,
        "steps": [
            {
                "no": s.step.number,
                "id": s.step.id,
                "activity": s.step.activity,
                "role": s.step.role,
                "standard": {
                    "amount": s.step.time.amount,
                    "unit": s.step.time.unit.value,
                    "label": s.step.time.label(),
                },
                "unit": s.unit,
                "performed": s.performed,
                "measured": s.measured,
                "median": _round(s.median),
                "p90": _round(s.p90),
                "within": s.within,
                "share_within": _round(s.share),
                "out_of_order": s.out_of_order,
                "unlisted": s.unlisted,
                "well_done": _well(s),
                "longest": [
                    {
                        "id": c.item_id,
                        "path": c.path,
                        "title": c.title,
                        "by": c.by,
                        "at": _when(c.at, zone),
                        "value": _round(c.value),
                        "exceeded": c.exceeded,
                        "ended_by": c.ended_by,
                    }
                    for c in s.longest
                ],
            }
            for s in f.steps
        ],
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "written": p.written,
                "reported": p.reported,
                "approved": p.approved,
                "returned": p.returned,
            }
            for p in f.people
        ],
        "items": {
            "started": f.counts.started,
            "published": f.counts.published,
            "returned": f.counts.returned,
            "withdrawn": f.counts.withdrawn,
            "corrected": f.counts.corrected,
        },
        "months": [
            {"month": m.month, "started": m.started, "published": m.published} for m in f.months
        ],
        "open": [
            {
                "id": o.id,
                "path": o.path,
                "title": o.title,
                "next_step": o.step.id,
                "since": _when(o.since, zone),
                "waited": _round(o.waited),
                "unit": o.unit,
                "exceeded": o.exceeded,
            }
            for o in report.open
        ],
        "excluded": [
            {"path": e.path, "id": e.id, "title": e.title, "reasons": list(e.reasons)}
            for e in report.excluded
        ],
        "editions": [
            {
                "edition": e.edition,
                "revision": e.revision,
                "path": e.path,
                "items": list(e.items),
                "printed": list(e.printed),
                "complete": e.complete,
            }
            for e in report.editions
        ],
        "monitoring": [
            {"no": s.step.number, "activity": s.step.activity, "well_done": _well(s),
             "notes": "", "action": ""}
            for s in f.steps
        ],
        "evaluation": [{"no": n, "question": q, "answer": None} for n, q in
                       enumerate(EVALUATION, 1)],
    }


def as_json(report: Laporan, zone: Any) -> str:
    return json.dumps(as_data(report, zone), ensure_ascii=False, indent=2) + "\n"


#: The columns of ``--format csv``: one figure per row.
CSV_COLUMNS = ("section", "key", "measure", "value", "unit")


def as_csv(report: Laporan, zone: Any) -> str:
    """One figure per row (:data:`CSV_COLUMNS`): section, what it is about, which figure,
    its value and unit."""
    data = as_data(report, zone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(("report", data["period"]["label"], "commit", data["commit"] or "", ""))
    writer.writerow(("report", data["period"]["label"], "at", data["at"], ""))
    writer.writerow(("report", data["period"]["label"], "items_counted", data["items_counted"],
                     "berita"))
    for s in data["steps"]:
        key = f"{s['no']}. {s['id']}"
        for measure in ("performed", "measured", "within", "unlisted"):
            writer.writerow(("step", key, measure, s[measure], "kali"))
        for measure in ("median", "p90"):
            writer.writerow(("step", key, measure, _blank(s[measure]), s["unit"]))
        writer.writerow(("step", key, "share_within", _blank(s["share_within"]), "ratio"))
        writer.writerow(("step", key, "well_done", s["well_done"] or "", ""))
    for p in data["people"]:
        for measure in ("written", "reported", "approved", "returned"):
            writer.writerow(("person", p["id"], measure, p[measure], "berita"))
    for measure, value in data["items"].items():
        writer.writerow(("items", data["period"]["label"], measure, value, "berita"))
    for m in data["months"]:
        writer.writerow(("month", m["month"], "started", m["started"], "berita"))
        writer.writerow(("month", m["month"], "published", m["published"], "berita"))
    for o in data["open"]:
        writer.writerow(("open", o["path"], "waited", o["waited"], o["unit"]))
    for e in data["excluded"]:
        writer.writerow(("excluded", e["path"], "reason", " | ".join(e["reasons"]), ""))
    for e in data["editions"]:
        # one row per revision, each its own key (a sum over the rows counts each once)
        key = f"{e['edition']} revisi {e['revision']}"
        writer.writerow(("edition", key, "printed", len(e["printed"]), "berita"))
    return out.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return format_decimal(round(value, 1), "#,##0.#", locale="id")


def _share(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{format_decimal(round(value * 100, 1), '#,##0.#', locale='id')} %"


def view(report: Laporan, zone: Any) -> dict[str, Any]:
    """The report as the HTML and PDF show it: every value as display text."""
    data = as_data(report, zone)
    f = report.figures

    def when(moment: datetime) -> str:
        return format_datetime(moment.astimezone(zone), "d MMMM y HH.mm zzz", locale="id")

    data["at_text"] = when(f.at)
    data["period_text"] = _period_text(f.period.label)
    for row, s in zip(data["steps"], f.steps, strict=True):
        row["median_text"] = _number(s.median)
        row["p90_text"] = _number(s.p90)
        row["share_text"] = _share(s.share)
        row["longest_text"] = [
            {**c, "value_text": f"{_number(case.value)} {s.unit}", "at_text": when(case.at)}
            for c, case in zip(row["longest"], s.longest, strict=True)
        ]
    for row, o in zip(data["open"], report.open, strict=True):
        row["waited_text"] = f"{_number(o.waited)} {o.unit}"
        row["since_text"] = when(o.since)
        row["step_text"] = f"{o.step.number}. {o.step.id}"
    for m in data["months"]:
        m["label"] = month_label(m["month"])
    data["longest_count"] = LONGEST
    data["reproduce"] = _reproduce(report)
    return data


def _period_text(label: str) -> str:
    if "-S" in label:
        year, half = label.split("-S")
        return f"Semester {'I' if half == '1' else 'II'} Tahun {year}"
    if "-" in label:
        return f"Bulan {month_label(label)}"
    return f"Tahun {label}"


def _reproduce(report: Laporan) -> str:
    commit = report.commit or "(bukan repositori git)"
    dirty = " dengan perubahan yang belum di-commit" if report.dirty else ""
    return (
        f"Laporan ini dihitung dari repositori pada commit {commit}{dirty}. Setiap angka dapat"
        f" dihasilkan kembali dari berita yang ditandatangani: git checkout {commit[:12]} lalu"
        f" {report.command} (angka yang sama, juga dengan --format json atau csv)."
    )


def _template(name: str) -> str:
    return resources.files("warta.laporan").joinpath(name).read_text(encoding="utf-8")


def as_html(report: Laporan, zone: Any) -> str:
    """The report as one self-contained HTML page (charts inline as SVG)."""
    from jinja2 import Environment  # noqa: PLC0415
    from markupsafe import Markup  # noqa: PLC0415

    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_template("laporan.html.j2"))
    # SVG drawn by matplotlib from numbers and Warta's own labels: safe to embed as is
    charts = {
        "steps": Markup(steps_chart(report.figures.steps)),
        "months": Markup(months_chart(report.figures.months)),
    }
    return template.render(r=view(report, zone), charts=charts)


class TypesetError(WartaError):
    """Typst could not typeset the report."""


def as_pdf(report: Laporan, zone: Any) -> bytes:
    """The report as PDF, typeset by Typst in a temporary root holding only the template,
    the data (JSON) and the charts (SVG); the same report gives the same bytes."""
    import typst  # noqa: PLC0415

    from warta.typeset.typst import typeset_seconds  # noqa: PLC0415 (it imports typst)

    with tempfile.TemporaryDirectory(prefix="warta-laporan-") as folder:
        root = Path(folder)
        (root / "laporan.typ").write_text(_template("laporan.typ"), encoding="utf-8")
        (root / "data.json").write_bytes(json_utf8(view(report, zone)))
        (root / "steps.svg").write_text(steps_chart(report.figures.steps), encoding="utf-8")
        (root / "months.svg").write_text(months_chart(report.figures.months), encoding="utf-8")

        def work() -> bytes:
            compiler = typst.Compiler(root=str(root), ignore_system_fonts=True)
            try:
                pdf = compiler.compile(
                    input=str(root / "laporan.typ"),
                    format="pdf",
                    timestamp=int(report.figures.at.timestamp()),
                )
            except typst.TypstError as exc:
                raise RuntimeError(exc.message) from None
            if not isinstance(pdf, bytes):
                raise RuntimeError(_("no PDF came out"))
            return pdf

        # in a child process with the typesetter's budget, so Ctrl+C and SIGTERM stop it
        seconds = typeset_seconds()
        try:
            return run_bounded(work, seconds)
        except OverBudget:
            raise TypesetError(
                _("the report could not be typeset within {seconds} s").format(
                    seconds=f"{seconds:g}"
                )
            ) from None
        except ChildFailed as exc:
            raise TypesetError(
                _("the report could not be typeset: {error}").format(error=str(exc))
            ) from None
