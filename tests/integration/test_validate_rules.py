"""One negative test per rule, end to end: a real repository (git, ssh-keygen keys, signed
workflow files) holds one item per broken rule, ``warta validate --format json`` runs once
over all of them, and each test asserts the item's findings exactly: rule, severity, the line
in the real file, and the message saying what was expected and what was found.

Items that break an ordering or role rule are signed for real, with the keys of the people
named, through the same payload and chain as ``warta sign`` (which itself refuses to sign
them); workflow keys (status, approved_by) are not signed, so those are edited by hand.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from helpers import TEST_OFFICE, WIB, Repo, make_repo
from warta.adapters import newitem
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.ssh import KeygenSigner
from warta.model.item import Signoff, content_digest
from warta.model.signing import NAMESPACE, chain_digest, payload

NEWS = "content/berita/2026"
STATUS_OF = {
    "disposisi": "ditugaskan",
    "perintah": "diliput",
    "penulisan": "ditulis",
    "laporan": "dilaporkan",
    "pengesahan": "disetujui",
    "kompilasi": "dicetak",
}
HENDRA = "Hendra Wijaya, S.Kom., M.T."


# ---- building the repository ------------------------------------------------------------------


def rel(slug: str) -> str:
    return f"{NEWS}/{slug}/index.md"


def forge(
    repo: Repo,
    slug: str,
    steps: list[tuple[str, str, str]],
    *,
    signers: dict[str, str] | None = None,
    status: str | None = None,
    approved_by: str | None = None,
) -> None:
    """An item whose signoffs (step, by, 'YYYY-MM-DD HH:MM' WIB) carry genuine signatures by
    each signer's own key (or ``signers[by]``'s), chained as ``warta sign`` chains them."""
    day = datetime.fromisoformat(f"{steps[0][2]}:00{WIB}").date()
    item_id = f"{day:%Y%m%d}-{slug}"
    text = newitem.skeleton(
        item_id,
        title=f"Berita {slug}",
        slug=slug,
        day=day,
        initial_status="usulan",
        categories=["Kecamatan Cibening"],
        description=f"Ringkasan {slug}",
    ).replace("KABUPATEN – Tulis berita di sini.\n", "CIBENING – Isi berita.\n")
    item = parse_item(text, rel(slug)).item
    assert item is not None
    digest = content_digest(item.fields, item.body)
    signoffs: list[Signoff] = []
    prev: str | None = None
    for step, by, when in steps:
        moment = datetime.fromisoformat(f"{when}:00{WIB}")
        message = payload(
            item_id,
            step=step,
            by=by,
            at_text=moment.isoformat(),
            content=digest,
            prev=prev,
            office=TEST_OFFICE,
        )
        key = repo.keys[(signers or {}).get(by, by)]
        sig = KeygenSigner(keyfile=key).sign(message, NAMESPACE).strip()
        signoffs.append(Signoff(step, by, moment, None, sig, digest))
        prev = chain_digest(sig)
    last = STATUS_OF.get(steps[-1][0], "usulan")
    approval = next((by for step, by, _ in steps if step == "pengesahan"), None)
    repo.write(
        rel(slug),
        rewrite_workflow(
            text,
            status=status or last,
            approved_by=approved_by or approval,
            signoffs=signoffs,
        ),
    )


def edit(repo: Repo, slug: str, old: str, new: str) -> None:
    text = repo.read(rel(slug))
    assert text.count(old) == 1, old
    repo.write(rel(slug), text.replace(old, new))


ROSTER_PLT_KABAG = "      - {role: kabag, from: 2026-09-01, until: 2026-09-30, acting: true}\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("rules") / "repo", keys)
    # Agus is also Plt. Kabag in September (he lacks the Kabag's qualification: a warning)
    roster = repo.read("workflow/roster.yml")
    kasubag = "      - {role: kasubag, from: 2026-10-01, until: 2026-10-31, acting: true}\n"
    repo.write("workflow/roster.yml", roster.replace(kasubag, kasubag + ROSTER_PLT_KABAG))
    repo.sign_workflow()
    repo.commit_all("Agus Plt. Kabag in September")

    # through the editorial API, as people really sign
    repo.approved_item("Bersih", slug="bersih")
    oktober = repo.new_item("Plt Oktober", at=f"2026-10-05T08:00:00{WIB}", slug="plt-oktober")
    repo.sign(oktober, "agus", f"2026-10-05T08:04:00{WIB}")
    late = repo.new_item("Mutu Baku", at=f"2026-11-02T08:00:00{WIB}", slug="mutu-baku")
    repo.sign(late, "sri", f"2026-11-02T08:10:00{WIB}")
    for slug in ("status-asing", "status-beda", "penyetuju-beda", "penyetuju-hilang", "isi-diubah"):
        repo.approved_item(slug, slug=slug)
    early = repo.new_item("Dini", at=f"2026-11-02T08:00:00{WIB}", slug="penyetuju-dini")
    for by, when in (("sri", "08:04"), ("dimas", "10:00"), ("sri", "10:04")):
        repo.sign(early, by, f"2026-11-02T{when}:00{WIB}")

    # hand edits of unsigned workflow keys and of content
    edit(repo, "status-asing", 'status: "disetujui"', 'status: "terbit"')
    edit(repo, "status-beda", 'status: "disetujui"', 'status: "dilaporkan"')
    edit(repo, "penyetuju-beda", 'approved_by: "hendra"', 'approved_by: "sri"')
    edit(repo, "penyetuju-hilang", 'approved_by: "hendra"\n', "")
    edit(
        repo,
        "penyetuju-dini",
        'status: "dilaporkan"\n',
        'status: "dilaporkan"\napproved_by: "hendra"\n',
    )
    edit(repo, "isi-diubah", "SUKAMAJU – Isi berita.", "SUKAMAJU – Isi berita yang diubah.")
    shutil.copytree(repo.path(f"{NEWS}/bersih"), repo.path(f"{NEWS}/salinan"))

    # genuine signatures over signoffs that break the SOP
    forge(
        repo,
        "dilompati",
        [("disposisi", "hendra", "2026-11-02 08:00"), ("penulisan", "dimas", "2026-11-02 10:00")],
    )
    forge(
        repo,
        "diulang",
        [
            ("disposisi", "hendra", "2026-11-02 08:00"),
            ("perintah", "sri", "2026-11-02 08:04"),
            ("perintah", "sri", "2026-11-02 08:06"),
        ],
    )
    forge(
        repo,
        "langkah-asing",
        [("disposisi", "hendra", "2026-11-02 08:00"), ("peliputan", "sri", "2026-11-02 08:04")],
    )
    forge(
        repo, "orang-asing", [("disposisi", "budi", "2026-11-02 08:00")], signers={"budi": "hendra"}
    )
    forge(
        repo,
        "peran-salah",
        [("disposisi", "hendra", "2026-11-02 08:00"), ("perintah", "agus", "2026-11-02 08:04")],
    )
    forge(
        repo,
        "tugas-rangkap",
        [
            ("disposisi", "hendra", "2026-09-07 08:00"),
            ("perintah", "sri", "2026-09-07 08:04"),
            ("penulisan", "agus", "2026-09-07 10:00"),
            ("laporan", "sri", "2026-09-07 10:04"),
            ("pengesahan", "agus", "2026-09-07 10:08"),
        ],
    )
    forge(
        repo,
        "waktu-mundur",
        [("disposisi", "hendra", "2026-11-02 08:00"), ("perintah", "sri", "2026-11-02 07:55")],
    )
    forge(repo, "waktu-depan", [("disposisi", "hendra", "2099-01-05 08:00")])

    # files that do not read
    head = "---\nid: {id}\ntitle: Judul\ndate: 2026-11-02\ndescription: Ringkasan\n"
    tail = (
        "categories: [Kecamatan Cibening]\nstatus: usulan\nsignoffs: []\nslug: {slug}\n"
        "---\n\nIsi.\n"
    )
    repo.write(
        rel("yaml-rusak"),
        head.format(id="yaml-rusak").replace("title: Judul", "title: Judul: Baru")
        + tail.format(slug="yaml-rusak"),
    )
    repo.write(
        rel("bukan-utf8"),
        (head.format(id="bukan-utf8") + tail.format(slug="bukan-utf8"))
        .encode()
        .replace(b"Judul", b"Jud\xfcl"),
    )
    repo.write(rel("tanpa-front-matter"), "# Judul\n\nIsi.\n")
    repo.write(rel("daftar"), "---\n- id: daftar\n- title: Judul\n---\nIsi.\n")
    repo.write(
        rel("tipe-salah"),
        head.format(id="20261102").replace(
            "date: 2026-11-02\n", "date: 2026-11-02\ntags: Infrastruktur\n"
        )
        + tail.format(slug="tipe-salah"),
    )
    repo.write(
        rel("kunci-asing"),
        head.format(id="kunci-asing").replace("title: Judul", "titel: Judul")
        + tail.format(slug="kunci-asing"),
    )
    repo.write(rel("id-salah"), head.format(id="ID_Salah") + tail.format(slug="id-salah"))
    repo.write(
        rel("tanggal-salah"),
        head.format(id="tanggal-salah").replace("2026-11-02", "2026-11-31")
        + tail.format(slug="tanggal-salah"),
    )
    repo.write(
        rel("tanpa-zona"),
        head.format(id="tanpa-zona")
        + tail.format(slug="tanpa-zona").replace(
            "signoffs: []", "signoffs:\n- step: disposisi\n  by: hendra\n  at: 2026-11-02T08:00:00"
        ),
    )
    repo.path(f"{NEWS}/lingkaran").mkdir()
    repo.path(rel("lingkaran")).symlink_to("index.md")
    return repo


@dataclass
class Run:
    exit_code: int
    stderr: str
    data: dict[str, Any]
    text: str

    def item(self, slug: str) -> dict[str, Any]:
        return next(entry for entry in self.data["items"] if entry["path"] == rel(slug))

    def findings(self, slug: str, *rules: str) -> list[tuple[str, str, int | None, str]]:
        """(rule, severity, line, message) of the item's findings, only ``rules`` if given."""
        return [
            (f["rule"], f["severity"], f["line"], f["message"])
            for f in self.item(slug)["findings"]
            if not rules or f["rule"] in rules
        ]


@pytest.fixture(scope="module")
def run(repo: Repo) -> Run:
    result = repo.cli("validate", "--format", "json")
    text = repo.cli("validate")
    return Run(result.returncode, result.stderr, json.loads(result.stdout), text.stdout)


def line(repo: Repo, slug: str, prefix: str, nth: int = 0) -> int:
    """The 1-based line of the ``nth`` line of the item's file starting with ``prefix``."""
    rows = repo.read(rel(slug)).split("\n")
    found = [n for n, row in enumerate(rows, start=1) if row.startswith(prefix)]
    return found[nth]


def signoff_line(repo: Repo, slug: str, index: int) -> int:
    return line(repo, slug, "  - step:", index)


# ---- the run as a whole -----------------------------------------------------------------------


def test_the_run_collects_every_finding_and_exits_1(run: Run) -> None:
    assert run.exit_code == 1
    assert run.stderr == ""
    assert run.data["summary"] == {
        "items": len(run.data["items"]),
        "publishable": 1,
        "errors": sum(f["severity"] == "error" for i in run.data["items"] for f in i["findings"]),
        "warnings": sum(
            f["severity"] == "warning" for i in run.data["items"] for f in i["findings"]
        ),
        "notices": 1  # roster.qualification, on the workflow
        + sum(f["severity"] == "notice" for i in run.data["items"] for f in i["findings"]),
    }
    assert len(run.data["items"]) == 28


def test_every_finding_names_a_line_unless_the_file_could_not_be_opened(run: Run) -> None:
    lineless = [
        (i["path"], f["rule"]) for i in run.data["items"] for f in i["findings"] if not f["line"]
    ]
    assert lineless == [(rel("lingkaran"), "file.symlink")]


def test_only_the_item_that_breaks_no_rule_and_is_approved_is_publishable(run: Run) -> None:
    assert [i["path"] for i in run.data["items"] if i["publishable"]] == [rel("bersih")]


def test_the_clean_items_have_no_finding(run: Run) -> None:
    assert run.findings("bersih") == []
    assert run.item("bersih")["publishable"] is True
    assert run.item("bersih")["status"] == "disetujui"
    assert run.findings("plt-oktober") == []  # agus signs step 2 as Plt. Kasubag in October
    assert run.item("plt-oktober")["publishable"] is False  # not yet approved


def test_text_output_names_file_line_rule_and_message(repo: Repo, run: Run) -> None:
    expected = (
        f"{rel('status-asing')}:{line(repo, 'status-asing', 'status:')}: error [status.unknown]"
        " status 'terbit' is not defined in sop.yml; expected one of: usulan, ditugaskan,"
        " diliput, ditulis, dilaporkan, disetujui, dicetak, ditarik"
    )
    assert expected in run.text.splitlines()


# ---- one test per rule ------------------------------------------------------------------------


def test_status_unknown(repo: Repo, run: Run) -> None:
    assert run.findings("status-asing") == [
        (
            "status.unknown",
            "error",
            line(repo, "status-asing", "status:"),
            "status 'terbit' is not defined in sop.yml; expected one of: usulan, ditugaskan,"
            " diliput, ditulis, dilaporkan, disetujui, dicetak, ditarik",
        )
    ]
    assert run.item("status-asing")["publishable"] is False


def test_status_mismatch(repo: Repo, run: Run) -> None:
    assert run.findings("status-beda") == [
        (
            "status.mismatch",
            "error",
            line(repo, "status-beda", "status:"),
            "status must be 'disetujui' because the last step in force is 'pengesahan'"
            " (step 5); found 'dilaporkan'",
        )
    ]


def test_approved_by_mismatch(repo: Repo, run: Run) -> None:
    assert run.findings("penyetuju-beda") == [
        (
            "approved_by.mismatch",
            "error",
            line(repo, "penyetuju-beda", "approved_by:"),
            "approved_by must be the signer of 'pengesahan' (step 5); expected 'hendra',"
            " found 'sri'",
        )
    ]
    assert run.item("penyetuju-beda")["publishable"] is False


def test_approved_by_missing(repo: Repo, run: Run) -> None:
    assert run.findings("penyetuju-hilang") == [
        (
            "approved_by.missing",
            "error",
            line(repo, "penyetuju-hilang", "status:"),
            "approved_by is required once 'pengesahan' (step 5) is signed; expected 'hendra',"
            " found nothing",
        )
    ]


def test_approved_by_premature(repo: Repo, run: Run) -> None:
    assert run.findings("penyetuju-dini") == [
        (
            "approved_by.premature",
            "error",
            line(repo, "penyetuju-dini", "approved_by:"),
            "approved_by is 'hendra' but the approval step 'pengesahan' (step 5) is not"
            " signed; expected no approved_by",
        )
    ]


def test_order_skipped(repo: Repo, run: Run) -> None:
    assert run.findings("dilompati") == [
        (
            "order.skipped",
            "error",
            signoff_line(repo, "dilompati", 1),
            "signoffs[1] is step 'penulisan' (step 3), which skips 'perintah' (step 2); steps"
            " must be signed in the SOP's order",
        )
    ]


def test_order_repeated(repo: Repo, run: Run) -> None:
    assert run.findings("diulang") == [
        (
            "order.repeated",
            "error",
            signoff_line(repo, "diulang", 2),
            "signoffs[2] repeats step 'perintah' (step 2); expected the next step 'penulisan'"
            " (step 3)",
        )
    ]


def test_order_unknown_step(repo: Repo, run: Run) -> None:
    assert run.findings("langkah-asing") == [
        (
            "order.unknown-step",
            "error",
            signoff_line(repo, "langkah-asing", 1),
            "signoffs[1] names step 'peliputan', which is not in sop.yml; expected one of:"
            " disposisi, perintah, penulisan, laporan, pengesahan, kompilasi",
        )
    ]


def test_signoff_unknown_person(repo: Repo, run: Run) -> None:
    assert run.findings("orang-asing") == [
        (
            "signoff.unknown-person",
            "error",
            signoff_line(repo, "orang-asing", 0),
            "signoffs[0] is by 'budi', who is not in roster.yml; expected a person id from"
            " the roster",
        )
    ]


def test_signoff_role_outside_the_plt_period(repo: Repo, run: Run) -> None:
    assert run.findings("peran-salah") == [
        (
            "signoff.role",
            "error",
            signoff_line(repo, "peran-salah", 1),
            "step 'perintah' (step 2) must be signed by the Kepala Sub Bagian Humas (Kasubag)"
            " on 2026-11-02; Agus Setiawan, S.Sos. (agus) holds staf, Plt. kasubag 2026-10-01"
            " to 2026-10-31, Plt. kabag 2026-09-01 to 2026-09-30",
        )
    ]


def test_duty_separation_of_an_acting_official(repo: Repo, run: Run) -> None:
    assert run.findings("tugas-rangkap") == [
        (
            "duty.separation",
            "error",
            signoff_line(repo, "tugas-rangkap", 4),
            "'agus' signed both 'penulisan' (step 3) and 'pengesahan' (step 5); separation of"
            " duties 'penulis-bukan-penyetuju' expects different people (yang menulis berita"
            " tidak boleh menyetujuinya sendiri)",
        )
    ]
    assert run.item("tugas-rangkap")["publishable"] is False


def test_time_backwards(repo: Repo, run: Run) -> None:
    assert run.findings("waktu-mundur") == [
        (
            "time.backwards",
            "error",
            signoff_line(repo, "waktu-mundur", 1),
            "signoffs[1] at 2026-11-02T07:55:00+07:00 is earlier than the step before it at"
            " 2026-11-02T08:00:00+07:00; expected times never to go back",
        )
    ]


def test_time_future(repo: Repo, run: Run) -> None:
    # (dated 2099, the item also sits in the wrong year's folder: url.folder, not asserted)
    ((rule, severity, at_line, message),) = run.findings("waktu-depan", "time.future")
    assert (rule, severity, at_line) == (
        "time.future",
        "error",
        signoff_line(repo, "waktu-depan", 0),
    )
    # "now" is the moment the validator ran, in office time (WIB)
    assert re.fullmatch(
        r"signoffs\[0\] is dated in the future: expected a time no later than now"
        r" \(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00\), found 2099-01-05T08:00:00\+07:00",
        message,
    ), message


def test_mutu_baku_exceeded_is_a_notice(repo: Repo, run: Run) -> None:
    assert run.findings("mutu-baku") == [
        (
            "mutu-baku.exceeded",
            "notice",
            signoff_line(repo, "mutu-baku", 1),
            "step 'perintah' (step 2) took 10 menit kerja; its standard time (Mutu Baku) is"
            " 5 menit",
        )
    ]


def test_id_duplicate(repo: Repo, run: Run) -> None:
    url = "berita/2026/bersih/"
    assert run.findings("salinan") == [
        (
            "id.duplicate",
            "error",
            2,
            f"id '20261102-bersih' is also claimed by {rel('bersih')}:2, which keeps it;"
            " expected each id once across the site, found it again here (this file is left"
            " out)",
        ),
        (
            "url.duplicate",
            "error",
            line(repo, "salinan", "slug:"),
            f"URL '{url}' is also claimed by {rel('bersih')}:{line(repo, 'bersih', 'slug:')},"
            " which keeps it; expected each URL once across the site, found it again here"
            " (this file is left out)",
        ),
        (
            "url.folder",
            "error",
            line(repo, "salinan", "slug:"),
            f"the URL comes from the signed slug and date ({url}); expected this item at"
            f" content/{url}index.md, found it at {rel('salinan')} (move the folder, or sign"
            " a new slug)",
        ),
    ]
    assert run.findings("bersih") == []


def test_content_changed_after_approval(repo: Repo, run: Run) -> None:
    item = parse_item(repo.read(rel("isi-diubah")), rel("isi-diubah")).item
    assert item is not None
    now = content_digest(item.fields, item.body)
    approved = item.signoffs[4].content
    assert approved is not None and approved != now
    assert run.findings("isi-diubah") == [
        (
            "content.changed-after-approval",
            "error",
            signoff_line(repo, "isi-diubah", 4),
            f"content changed after {HENDRA} (hendra) approved it at 2026-11-02T10:08:00+07:00:"
            f" approved {approved[:19]}…, now {now[:19]}…; not publishable until the Kabag"
            f" ({HENDRA}) re-approves (warta return {rel('isi-diubah')} --to laporan"
            " --reason '…', then sign again)",
        )
    ]


def test_roster_qualification_is_a_workflow_notice(repo: Repo, run: Run) -> None:
    rows = repo.read("workflow/roster.yml").split("\n")
    agus = next(n for n, row in enumerate(rows, start=1) if row == "  - id: agus")
    assert run.data["workflow"] == [
        {
            "path": "workflow/roster.yml",
            "rule": "roster.qualification",
            "severity": "notice",
            "line": agus,
            "message": "Agus Setiawan, S.Sos. (agus) holds Kepala Bagian Kominfo dan Humas"
            " (Kabag), which asks for at least S2 Teknik Informatika; found S1 Sosiologi,"
            " D3 Ilmu Komunikasi",
        }
    ]


# ---- files that do not read -------------------------------------------------------------------


def test_yaml_syntax(run: Run) -> None:
    assert run.findings("yaml-rusak") == [
        (
            "yaml.syntax",
            "error",
            3,
            "YAML does not parse: mapping values are not allowed in this context; expected"
            " valid YAML, found 'title: Judul: Baru'",
        )
    ]
    assert run.item("yaml-rusak")["id"] is None


def test_file_encoding(run: Run) -> None:
    assert run.findings("bukan-utf8") == [
        ("file.encoding", "error", 3, "expected UTF-8 text, found byte 0xfc that is not UTF-8")
    ]


def test_front_matter_missing(run: Run) -> None:
    assert run.findings("tanpa-front-matter") == [
        (
            "front-matter.missing",
            "error",
            1,
            "expected the first line to be '---' opening the front-matter; found '# Judul'",
        )
    ]


def test_front_matter_is_a_list(run: Run) -> None:
    assert run.findings("daftar") == [
        (
            "front-matter.type",
            "error",
            2,
            "front-matter must be a mapping of keys to values; found a list",
        )
    ]


def test_wrong_types(run: Run) -> None:
    assert run.findings("tipe-salah") == [
        ("schema.type", "error", 2, "'id' must be text (quote it); found a number (20261102)"),
        ("schema.type", "error", 5, "'tags' must be a list of text; found text 'Infrastruktur'"),
    ]


def test_unknown_key_is_a_warning_and_the_missing_title_an_error(run: Run) -> None:
    assert run.findings("kunci-asing") == [
        (
            "schema.unknown-key",
            "warning",
            3,
            "unknown key 'titel'; expected one of: approved_by, categories, date, description,"
            " embargo, files, id, image, pii_ack, ralat, revision, signoffs, slug, status, tags,"
            " title",
        ),
        ("schema.missing", "error", 2, "'title' is required; expected text, found nothing"),
    ]


def test_id_format(run: Run) -> None:
    assert run.findings("id-salah") == [
        (
            "id.format",
            "error",
            2,
            "id must be lowercase letters a-z, digits and single hyphens (at most 80"
            " characters); found 'ID_Salah'",
        )
    ]


def test_date_format(run: Run) -> None:
    assert run.findings("tanggal-salah") == [
        (
            "date.format",
            "error",
            4,
            "date must be a date (YYYY-MM-DD) or an ISO 8601 date-time; found '2026-11-31'",
        )
    ]


def test_time_without_offset(run: Run) -> None:
    assert run.findings("tanpa-zona") == [
        (
            "time.no-offset",
            "error",
            11,
            "'signoffs[0].at' must carry a UTC offset (e.g. +07:00 for WIB); found"
            " '2026-11-02T08:00:00' with none",
        )
    ]


def test_a_symlink_loop_is_refused_as_a_link_not_a_crash(run: Run) -> None:
    assert run.findings("lingkaran") == [
        (
            "file.symlink",
            "error",
            None,
            "expected a regular file, found a symbolic link (to 'index.md'); nothing is read"
            " through a link",
        )
    ]
