"""The SOP is data: another Pemda renames a step, adds one and gives one to another role by
editing workflow/sop.yml (and having an administrator sign it), and ``warta validate``,
``warta sign`` and ``warta status`` follow, with no change to the code.

Also: the SOP built in code for the unit tests is the SOP of workflow/sop.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import MAIN, WIB, Repo, make_repo
from warta.adapters.workflow import load_sop

NEW_STEP = """\
  - id: penyuntingan
    activity: Menyunting naskah berita sebelum dilaporkan kepada Kabag
    role: kasubag
    input: Naskah berita
    time: {amount: 30, unit: menit}
    output: Naskah berita tersunting
    status: disunting

"""
NEW_ORDER = "disposisi, penugasan, penulisan, penyuntingan, laporan, pengesahan, kompilasi"
SRI, AYU = "Sri Rahayu, S.Sos.", "Ayu Lestari, S.I.Kom."
OLD = "content/berita/2026/lama/index.md"
NEW = "content/berita/2026/baru/index.md"


def revised_sop(text: str) -> str:
    """Rename 'perintah' to 'penugasan', add 'penyuntingan' before 'laporan', and give
    'kompilasi' (printing) to the staff instead of the Kasubag."""
    for old, new in (
        ("  - id: perintah\n", "  - id: penugasan\n"),
        ("  - id: laporan\n", NEW_STEP + "  - id: laporan\n"),
        ("    role: kasubag\n    input: Kumpulan", "    role: staf\n    input: Kumpulan"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Repo:
    repo = make_repo(tmp_path_factory.mktemp("sop-data") / "repo", keys)
    # printed under the old SOP: step 2 'perintah', step 6 'kompilasi' by the Kasubag
    old = repo.approved_item("Jembatan Cibening", slug="lama")
    repo.sign(old, "sri", f"2026-11-03T10:00:00{WIB}")
    pin = repo.env["WARTA_TRUST_ROOT"]
    repo.write("workflow/sop.yml", revised_sop(repo.read("workflow/sop.yml")))
    repo.sign_workflow()
    repo.commit_all("SOP revisi: penugasan, penyuntingan, kompilasi oleh staf")
    assert repo.pin == pin  # the trust root did not change, only the signed SOP
    return repo


def test_the_revised_sop_is_valid_and_trusted(repo: Repo) -> None:
    data = repo.validate_json()
    assert data["workflow"] == []
    sop, findings = load_sop(repo.root)
    assert findings == []
    assert [(s.number, s.id, s.role, s.status) for s in sop.steps] == [
        (1, "disposisi", "kabag", "ditugaskan"),
        (2, "penugasan", "kasubag", "diliput"),
        (3, "penulisan", "staf", "ditulis"),
        (4, "penyuntingan", "kasubag", "disunting"),
        (5, "laporan", "kasubag", "dilaporkan"),
        (6, "pengesahan", "kabag", "disetujui"),
        (7, "kompilasi", "staf", "dicetak"),
    ]


def test_validate_judges_an_old_item_by_the_new_sop(repo: Repo) -> None:
    (entry,) = [i for i in repo.validate_json()["items"] if i["path"] == OLD]
    rows = repo.read(OLD).split("\n")
    signoffs = [n for n, row in enumerate(rows, start=1) if row.startswith("  - step:")]
    assert entry["publishable"] is False
    assert [(f["rule"], f["line"], f["message"]) for f in entry["findings"]] == [
        (
            "order.unknown-step",
            signoffs[1],
            f"signoffs[1] names step 'perintah', which is not in sop.yml; expected one of:"
            f" {NEW_ORDER}",
        ),
        (
            "signoff.role",
            signoffs[5],
            "step 'kompilasi' (step 7) must be signed by the Staf Sub Bagian Humas (Staf) on"
            f" 2026-11-03; {SRI} (sri) holds kasubag",
        ),
    ]


def cli_sign(repo: Repo, who: str, at: str, *extra: str):  # type: ignore[no-untyped-def]
    return repo.cli("sign", NEW, "--key", str(repo.keys[who]), "--at", f"{at}{WIB}", *extra)


def test_sign_and_validate_follow_the_new_sop(repo: Repo) -> None:
    repo.new_item("Posyandu Karangsari", at=f"2026-11-10T08:00:00{WIB}", slug="baru")

    # the old name of step 2 is gone
    gone = cli_sign(repo, "sri", "2026-11-10T08:03:00", "--step", "perintah")
    assert (gone.returncode, gone.stderr) == (
        2,
        f"warta: unknown step 'perintah'; expected one of: {NEW_ORDER}\n",
    )
    renamed = cli_sign(repo, "sri", "2026-11-10T08:04:00")
    assert (renamed.returncode, renamed.stdout.split("; commit")[0]) == (
        0,
        f"2. penugasan signed by {SRI} (sri); status diliput",
    )
    repo.sign(repo.path(NEW), "dimas", f"2026-11-10T10:00:00{WIB}")

    # the added step cannot be skipped
    skip = cli_sign(repo, "sri", "2026-11-10T10:04:00", "--step", "laporan")
    assert (skip.returncode, skip.stderr) == (
        1,
        f"warta: {NEW}: out of order: the next step is 'penyuntingan' (step 4), not 'laporan'"
        " (step 5)\n",
    )
    added = cli_sign(repo, "sri", "2026-11-10T10:20:00")
    assert (added.returncode, added.stdout.split("; commit")[0]) == (
        0,
        f"4. penyuntingan signed by {SRI} (sri); status disunting",
    )
    repo.sign(repo.path(NEW), "sri", f"2026-11-10T10:24:00{WIB}")
    repo.sign(repo.path(NEW), "hendra", f"2026-11-10T10:28:00{WIB}")
    approved = {i["path"]: i for i in repo.validate_json()["items"]}[NEW]
    assert (approved["status"], approved["findings"], approved["publishable"]) == (
        "disetujui",
        [],
        True,
    )

    # the step given to the staff: the Kasubag may no longer sign it, the staff may
    kasubag = cli_sign(repo, "sri", "2026-11-11T09:00:00")
    assert (kasubag.returncode, kasubag.stderr) == (
        1,
        f"warta: {NEW}: signing 'kompilasi' (step 7) as {SRI} (sri) would leave an item that"
        " warta validate rejects; nothing was changed:\n"
        f"  {NEW}:80: error [signoff.role] step 'kompilasi' (step 7) must be signed by the Staf"
        f" Sub Bagian Humas (Staf) on 2026-11-11; {SRI} (sri) holds kasubag\n",
    )
    staf = cli_sign(repo, "ayu", "2026-11-11T09:00:00")
    assert (staf.returncode, staf.stdout.split("; commit")[0]) == (
        0,
        f"7. kompilasi signed by {AYU} (ayu); status dicetak",
    )
    printed = {i["path"]: i for i in repo.validate_json()["items"]}[NEW]
    assert (printed["status"], printed["findings"], printed["publishable"]) == (
        "dicetak",
        [],
        True,
    )


def test_status_names_the_new_steps(repo: Repo) -> None:
    path = repo.new_item("Bazar UMKM", at=f"2026-11-12T08:00:00{WIB}", slug="bazar")
    repo.sign(path, "sri", f"2026-11-12T08:04:00{WIB}")
    repo.sign(path, "dimas", f"2026-11-12T09:00:00{WIB}")
    repo.env["COLUMNS"] = "200"
    result = repo.cli("status")
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if "Bazar UMKM" in row)
    cells = [cell.strip() for cell in line.strip("│").split("│")]
    assert cells[0] == "4. penyuntingan (Kasubag)"
    assert cells[2] == SRI
    assert cells[4] == "30 menit"


def test_the_unit_tests_sop_is_the_real_sop() -> None:
    """tests/unit builds the SOP in code (no disk); it must stay the SOP of sop.yml."""
    sys.path.insert(0, str(MAIN / "tests" / "unit"))
    try:
        from builders import real_sop
    finally:
        sys.path.remove(str(MAIN / "tests" / "unit"))
    real, _ = load_sop(MAIN)
    built = real_sop()
    assert built.steps == real.steps
    assert built.roles == real.roles
    assert built.duties == real.duties
    assert built.initial_status == real.initial_status
    assert built.calendar == real.calendar
    assert built.timezone == real.timezone
    assert built.education_ranks == real.education_ranks
    assert built.take_back == real.take_back
    assert built.identity.number == real.identity.number
