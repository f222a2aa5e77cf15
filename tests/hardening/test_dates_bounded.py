"""Dates and times at the edges of the calendar, through every command that does date
arithmetic: ``warta validate``, ``build``, ``status``, ``log`` and ``preview --build-only``.

Item dates, signoff times, roster periods and key revocations, and the SOP's dates must fall
between the years 1900 and 2999, and a time's UTC offset must be a real time zone's (-12:00
to +14:00). Anything else is a finding naming the file, line, rule, what was expected and what
was found; no command ever prints a traceback. Items are signed with real keys (the forger
signs whatever it is told, so the validator, not ``warta sign``, is what refuses them), and
workflow files are signed by the administrator, as a careless office would sign them.
"""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from hardening.forge import APPROVAL, Forger, says_expected_and_found
from helpers import Repo, make_repo
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.model.item import content_digest
from warta.model.signing import chain_digest

STATUSES = ("ditugaskan", "diliput", "ditulis", "dilaporkan", "disetujui", "dicetak")


def item_text(slug: str, date: str) -> str:
    return (
        f"---\nid: 20261102-{slug}\ntitle: Berita {slug}\nslug: {slug}\ndate: {date}\n"
        "description: Ringkasan.\ncategories: [Kecamatan Cibening]\nstatus: usulan\n---\n\n"
        "SUKAMAJU – Isi berita.\n"
    )


def signed(forger: Forger, text: str, ats: list[str]) -> str:
    """``text`` signed for the first ``len(ats)`` steps of the approval (step 6 by Sri), each
    at the time written in ``ats``, with real signatures over exactly that time."""
    item = parse_item(text, "x.md").item
    assert item is not None
    digest = content_digest(item.fields, item.body)
    chain = (*APPROVAL, ("kompilasi", "sri", ""))
    signoffs = []
    prev = None
    for (step, by, _), at in zip(chain, ats, strict=False):
        signoff = forger.signoff(str(item.id), step=step, by=by, at=datetime.fromisoformat(at),
                                 content=digest, prev=prev)
        signoffs.append(signoff)
        prev = chain_digest(signoff.sig or "")
    approved = "hendra" if len(ats) >= 5 else None
    return rewrite_workflow(text, status=STATUSES[len(ats) - 1], approved_by=approved,
                            signoffs=signoffs)


DAY = [f"2026-11-02T{hhmm}:00+07:00" for hhmm in ("08:00", "08:04", "10:00", "10:04", "10:08")]

#: slug -> (folder year, written date, signoff times, the rule of the finding or None)
ITEMS: dict[str, tuple[str, str, list[str], str | None]] = {
    # the item's own date
    "akhir-zaman": ("9999", '"9999-12-31T23:00:00-12:00"', DAY, "date.range"),
    "awal-masehi": ("0001", "0001-01-01", DAY, "date.range"),
    "zona-palsu": ("2026", '"2026-11-02T08:00:00+23:59"', DAY, "date.range"),
    "zona-palsu-barat": ("2026", '"2026-11-02T08:00:00-23:59"', DAY, "date.range"),
    # signoff times
    "teken-kiamat": ("2026", "2026-11-02", [*DAY[:4], "9999-12-31T23:00:00-12:00"], "time.range"),
    "teken-purba": ("2026", "2026-11-02", ["0001-01-01T00:00:00+00:00", *DAY[1:]], "time.range"),
    "teken-zona": ("2026", "2026-11-02", [*DAY[:4], "2026-11-02T10:08:00+23:59"], "time.range"),
    "teken-minus": ("2026", "2026-11-02", ["2026-11-02T00:00:00-23:59", *DAY[1:]], "time.range"),
    # at the very edges of the range: valid, and the site, feeds and reports must cope
    "tepi-atas": ("3000", '"2999-12-31T23:00:00-12:00"', DAY, None),
    "tepi-bawah": ("1899", '"1900-01-01T00:30:00+14:00"', DAY, None),
    "teken-1900": ("2026", "2026-11-02", ["1900-01-01T00:00:00+14:00", *DAY[1:]], None),
    "cetak-2999": ("2026", "2026-11-02", [*DAY, "2999-12-31T23:59:59-12:00"], "time.future"),
}


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("edges") / "repo", keys)
    forger = Forger(keys)
    for slug, (year, date, ats, _) in ITEMS.items():
        repo.write(f"content/berita/{year}/{slug}/index.md",
                   signed(forger, item_text(slug, date), ats))
    repo.commit_all("tanggal di tepi kalender")
    return repo


def rel(slug: str) -> str:
    return f"content/berita/{ITEMS[slug][0]}/{slug}/index.md"


def line_of(repo: Repo, slug: str, needle: str) -> int:
    lines = repo.read(rel(slug)).split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


@pytest.mark.parametrize("slug", sorted(s for s, case in ITEMS.items() if case[3]))
def test_a_date_or_time_off_the_calendar_is_a_finding_naming_its_line(edges: Repo,
                                                                      slug: str) -> None:
    _, date, ats, rule = ITEMS[slug]
    verdict = next(v for v in edges.validate_json()["items"] if v["path"] == rel(slug))
    assert verdict["publishable"] is False
    (finding,) = [f for f in verdict["findings"] if f["rule"] == rule]
    written = date.strip('"') if rule == "date.range" else next(a for a in ats if a not in DAY)
    # a time in the future is reported at its signoff, a malformed one at its key
    needle = 'step: "kompilasi"' if rule == "time.future" else written
    assert finding["line"] == line_of(edges, slug, needle)
    assert finding["severity"] == "error"
    assert says_expected_and_found(finding["message"]), finding["message"]
    assert written in finding["message"]


def test_the_messages_say_what_range_was_expected(edges: Repo) -> None:
    found = {v["path"]: v["findings"] for v in edges.validate_json()["items"]}
    (year,) = [f for f in found[rel("akhir-zaman")] if f["rule"] == "date.range"]
    assert year["message"] == (
        "date must fall between the years 1900 and 2999; found '9999-12-31T23:00:00-12:00'"
    )
    (zone,) = [f for f in found[rel("zona-palsu")] if f["rule"] == "date.range"]
    assert zone["message"] == (
        "date must fall with a UTC offset between -12:00 and +14:00 (a real time zone's);"
        " found '2026-11-02T08:00:00+23:59'"
    )
    (signed_zone,) = [f for f in found[rel("teken-zona")] if f["rule"] == "time.range"]
    assert signed_zone["message"] == (
        "'signoffs[4].at' must be a date-time with a UTC offset between -12:00 and +14:00 (a"
        " real time zone's); found '2026-11-02T10:08:00+23:59'"
    )


def test_items_at_the_edges_of_the_range_are_published_and_judged(edges: Repo) -> None:
    found = {v["path"]: v for v in edges.validate_json()["items"]}
    for slug in ("tepi-atas", "tepi-bawah", "teken-1900"):
        assert found[rel(slug)]["publishable"] is True, found[rel(slug)]
    rules = {f["rule"] for f in found[rel("teken-1900")]["findings"]}
    assert rules == {"mutu-baku.exceeded"}  # 126 years for a five-minute step


def test_validate_exits_with_findings_not_a_traceback(edges: Repo) -> None:
    for fmt in ("text", "json", "github"):
        result = edges.cli("validate", "--format", fmt)
        assert result.returncode == 1, result.stderr
        no_traceback(result)
    text = edges.cli("validate").stdout
    line = line_of(edges, "akhir-zaman", "date:")
    assert f"{rel('akhir-zaman')}:{line}: error [date.range]" in text


@pytest.mark.parametrize("strict", [False, True])
def test_build_leaves_the_bad_dates_out_and_publishes_the_edges(
    edges: Repo, tmp_path: Path, strict: bool
) -> None:
    out = tmp_path / "site"
    result = edges.cli("build", *(["--strict"] if strict else []), "-d", str(out))
    no_traceback(result)
    assert result.returncode == (1 if strict else 0), result.stderr
    if strict:
        return
    assert "[date.range]" in result.stderr and "[time.range]" in result.stderr
    assert (out / "berita" / "3000" / "tepi-atas" / "index.html").exists()
    assert (out / "berita" / "1899" / "tepi-bawah" / "index.html").exists()
    assert not (out / "berita" / "9999").exists()
    feeds = [p for p in out.rglob("*") if p.suffix in (".xml", ".json") and "feed" in p.name]
    assert feeds, sorted(p.name for p in out.iterdir())
    for path in feeds:
        text = path.read_text(encoding="utf-8")
        assert "tepi-atas" in text and "akhir-zaman" not in text, path


def test_preview_builds_every_draft_without_a_traceback(edges: Repo, tmp_path: Path) -> None:
    result = edges.cli("preview", "--build-only", str(tmp_path / "preview"))
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "preview" / "index.html").exists()


def test_status_lists_the_queue_without_a_traceback(edges: Repo) -> None:
    result = edges.cli("status")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "Berita tepi-atas" in result.stdout or "tepi-atas" in result.stdout


@pytest.mark.parametrize("slug", sorted(ITEMS))
def test_log_shows_each_timeline_without_a_traceback(edges: Repo, slug: str) -> None:
    result = edges.cli("log", rel(slug))
    no_traceback(result)
    assert result.returncode in (0, 1), result.stderr
    rule = ITEMS[slug][3]
    if rule in ("date.range", "time.range"):
        assert f"[{rule}]" in result.stdout + result.stderr


# ---- workflow files: an administrator signs an implausible date ----------------------------

#: case -> (file, text replaced, replacement, rule, message)
WORKFLOW = {
    "roster-until": ("workflow/roster.yml", "until: 2026-10-31", "until: 9999-12-31",
                     "date.range", "'people[4].roles[1].until' must be a date between the years"
                     " 1900 and 2999; found '9999-12-31'"),
    "roster-from": ("workflow/roster.yml", "from: 2026-10-01", "from: 0001-01-01",
                    "date.range", "'people[4].roles[1].from' must be a date between the years"
                    " 1900 and 2999; found '0001-01-01'"),
    "roster-revoked": ("workflow/roster.yml", "{sri}\n",
                       "{sri}\n        revoked: 9999-12-31\n        reason: hilang\n",
                       "date.range", "'people[1].keys[0].revoked' must be a date between the"
                       " years 1900 and 2999; found '9999-12-31'"),
    "sop-effective": ("workflow/sop.yml", "effective: 2017-09-02", "effective: 9999-12-31",
                      "date.range", "'sop.effective' must be a date between the years 1900 and"
                      " 2999; found '9999-12-31'"),
    "sop-created": ("workflow/sop.yml", "created: 2017-09-01", "created: 0001-01-01",
                    "date.range", "'sop.created' must be a date between the years 1900 and"
                    " 2999; found '0001-01-01'"),
    "sop-holiday": ("workflow/sop.yml", "- 2026-12-25   #", "- 9999-12-31   #",
                    "date.range", "'office.holidays' must be dates between the years 1900 and"
                    " 2999; found '9999-12-31'"),
    "sop-amount": ("workflow/sop.yml", "time: {amount: 5, unit: menit}",
                   "time: {amount: 3000000, unit: menit}", "workflow.time-amount",
                   "amount must be at most 527040 menit (a year); found 3000000"),
    "sop-amount-days": ("workflow/sop.yml", "time: {amount: 2, unit: hari",
                        "time: {amount: 99999999999, unit: hari", "workflow.time-amount",
                        "amount must be at most 366 hari (a year); found 99999999999"),
}


def change_workflow(repo: Repo, case: str) -> int:
    """Apply ``case`` to a workflow file and sign it as the administrator; the changed line."""
    rel_path, old, new, _, _ = WORKFLOW[case]
    text = repo.read(rel_path)
    if "{sri}" in old:
        sri = Path(f"{repo.keys['sri']}.pub").read_text().split()[1]
        old, new = (x.replace("{sri}", sri) for x in (old, new))
    assert old in text, (case, old)
    changed = text.replace(old, new, 1)
    repo.write(rel_path, changed)
    repo.sign_workflow_unchecked()
    repo.commit_all(case)
    marker = new.split("\n")[1] if "\n" in new.strip("\n") else new
    return next(i for i, line in enumerate(changed.split("\n"), 1) if marker.strip() in line)


@pytest.mark.parametrize("case", sorted(WORKFLOW))
def test_an_implausible_date_in_a_workflow_file_is_broken_configuration(
    repo: Repo, case: str, tmp_path: Path
) -> None:
    path = str(repo.approved_item("Jembatan Cibening"))
    line = change_workflow(repo, case)
    rel_path, _, _, rule, message = WORKFLOW[case]
    expected = f"{rel_path}:{line}: error [{rule}] {message}"
    for args in (("validate",), ("build", "-d", str(tmp_path / "site")), ("status",),
                 ("log", path), ("preview", "--build-only", str(tmp_path / "preview"))):
        result = repo.cli(*args)
        no_traceback(result)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert expected in result.stdout + result.stderr, (args, result.stderr)


@pytest.mark.parametrize(("at", "expected"), [
    ("2026-11-02T08:00:00+23:59", "with a UTC offset between -12:00 and +14:00"),
    ("9999-12-31T23:00:00-12:00", "between the years 1900 and 2999"),
    ("0001-01-01T00:00:00+00:00", "between the years 1900 and 2999"),
])
def test_sign_at_an_implausible_time_is_a_usage_error(repo: Repo, at: str, expected: str) -> None:
    path = repo.new_item("Jembatan Cibening", at="2026-11-02T08:00:00+07:00")
    before = path.read_text(encoding="utf-8")
    result = repo.cli("sign", str(path), "--key", str(repo.keys["sri"]), "--at", at)
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"--at {at!r}: expected a time {expected}" in result.stderr
    assert path.read_text(encoding="utf-8") == before
