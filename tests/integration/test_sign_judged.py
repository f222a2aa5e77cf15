"""`warta sign` judges the item it would write with the validator's own checks: whatever
`warta validate` would reject is refused, naming the validator's rule, and nothing changes.

Each test signs through the installed entry point with real ssh-keygen keys in a real git
repository; where it proves that the validator rejects the same item, the item is written
with the same signature by the hardening tests' forger (which signs with none of `warta
sign`'s refusals) and judged by `warta validate`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from hardening.forge import Forger
from helpers import WIB, Repo, SignedRepos, copy_repo
from warta.adapters.items import parse_item
from warta.adapters.rewrite import rewrite_workflow
from warta.adapters.workflow import load_sop
from warta.model.history import read_history
from warta.model.item import content_digest
from warta.model.signing import chain_digest

ITEM = "content/berita/2026/jembatan/index.md"
NO_AGENT = {"SSH_AUTH_SOCK": "", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def repo(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    bare = signed_repo()
    return copy_repo(bare, tmp_path / "repo", {**bare.env, **NO_AGENT})


def sign(repo: Repo, person: str, at: str, *args: str):  # type: ignore[no-untyped-def]
    return repo.cli("sign", ITEM, "--key", str(repo.keys[person]), "--at", at, *args)


def refusal(repo: Repo, person: str, at: str) -> list[str]:
    """``warta sign`` by ``person`` at ``at``, refused with nothing changed: its message,
    line by line."""
    before = (repo.read(ITEM), repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain"))
    result = sign(repo, person, at)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    after = (repo.read(ITEM), repo.git("rev-parse", "HEAD"), repo.git("status", "--porcelain"))
    assert after == before
    return result.stderr.splitlines()


def forge_next(repo: Repo, forger: Forger, person: str, at: str) -> None:
    """Write the item as ``warta sign`` would with ``person`` signing the next step at ``at``
    (the same signoff, the same signature), but with none of its refusals."""
    text = repo.read(ITEM)
    item = parse_item(text, ITEM).item
    assert item is not None and item.id is not None and item.signoffs
    sop, _found = load_sop(repo.root)
    signoff = forger.signoff(
        item.id,
        step=sop.steps[read_history(item, sop).signed].id,
        by=person,
        at=datetime.fromisoformat(at),
        content=content_digest(item.fields, item.body),
        prev=chain_digest(item.signoffs[-1].sig or ""),
    )
    signoffs = (*item.signoffs, signoff)
    after = read_history(replace(item, signoffs=signoffs), sop)
    repo.write(
        ITEM,
        rewrite_workflow(
            text,
            status=after.status(sop),
            approved_by=item.approved_by,
            signoffs=signoffs,
            revision=after.revision,
        ),
    )


def validate_errors(repo: Repo) -> list[str]:
    """The errors `warta validate` finds on the item, as `warta sign` lists findings."""
    data = repo.validate_json()
    (item,) = [i for i in data["items"] if i["path"] == ITEM]
    return [
        f"  {ITEM}:{f['line']}: error [{f['rule']}] {f['message']}"
        for f in item["findings"]
        if f["severity"] == "error"
    ]


# ---- a rule only the validator checked before -----------------------------------------------


def test_a_correction_signed_by_the_reporter_of_the_approved_text_is_refused(
    repo: Repo, keys: dict[str, Path]
) -> None:
    """Agus reported the text as Plt. Kasubag in October; in the correction (Ralat) he writes
    it again as staff. The report he signed stays in force (a correction signs again only
    'penulisan' and 'pengesahan'), so he would have written and reported the same text:
    separation of duties 'penulis-bukan-pelapor'. Only the validator saw that (the record in
    force comes back with the new signoff); `warta sign` wrote an item it rejects."""
    path = repo.new_item("Jembatan Cibening", at=f"2026-10-05T08:00:00{WIB}", slug="jembatan")
    for person, at in (
        ("sri", "08:04"),
        ("dimas", "10:00"),
        ("agus", "10:04"),
        ("hendra", "10:08"),
    ):
        repo.sign(path, person, f"2026-10-05T{at}:00{WIB}")
    started = repo.cli(
        "correct",
        ITEM,
        "--note",
        "Panjang jembatan 84 meter",
        "--key",
        str(repo.keys["hendra"]),
        "--at",
        f"2026-11-03T09:00:00{WIB}",
    )
    assert started.returncode == 0, started.stderr
    assert validate_errors(repo) == []

    at = f"2026-11-03T10:00:00{WIB}"
    head, *listed = refusal(repo, "agus", at)
    assert head == (
        f"warta: {ITEM}: signing 'penulisan' (step 3) as Agus Setiawan, S.Sos. (agus) would"
        " leave an item that warta validate rejects; nothing was changed:"
    )
    assert len(listed) == 1
    assert (
        ": error [duty.separation] 'agus' signed both 'penulisan' (step 3) and 'laporan'"
        " (step 4); separation of duties 'penulis-bukan-pelapor' expects different people"
        in listed[0]
    )

    forge_next(repo, Forger(keys), "agus", at)  # what `warta sign` wrote before
    assert validate_errors(repo) == listed

    repo.git("checkout", "--", ITEM)
    done = sign(repo, "dimas", at)  # another writer may
    assert done.returncode == 0, done.stderr
    *notices, last = done.stdout.splitlines()
    assert last.startswith("3. penulisan signed by Dimas Prasetyo, A.Md. (dimas)")
    # the item waited for printing from its approval until the correction began
    assert [n.split(": ", 1)[1][:63] for n in notices] == [
        "notice [mutu-baku.exceeded] step 'kompilasi' (step 6) waited 21"]
    assert validate_errors(repo) == []


# ---- the same rules, by the same checks ------------------------------------------------------

#: rule, the day, who signed the steps after the first (HH:MM), who signs next and when
BROKEN = [
    ("signoff.role", "2026-11-02", (), "dimas", "08:04"),  # staff may not order (Kasubag's)
    ("time.backwards", "2026-11-02", (), "sri", "07:00"),  # before the disposisi at 08:00
    ("time.future", "2026-12-01", (), "sri", "13:00"),  # the clock says 12:00
    ("duty.separation", "2026-10-05", (("sri", "08:04"), ("agus", "10:00")), "agus", "10:04"),
]


@pytest.mark.parametrize(
    ("rule", "day", "earlier", "person", "hhmm"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_sign_refuses_what_validate_rejects_naming_the_same_rule(
    repo: Repo,
    keys: dict[str, Path],
    rule: str,
    day: str,
    earlier: tuple[tuple[str, str], ...],
    person: str,
    hhmm: str,
) -> None:
    """A signer without the step's role that day, a time before the previous record or in the
    future, and a Plt. Kasubag reporting the text he wrote (separation of duties 'penulis-
    bukan-pelapor'): `warta sign` lists exactly the error `warta validate` finds on the item
    it would have written, the same signoff with the same signature."""
    path = repo.new_item("Jembatan Cibening", at=f"{day}T08:00:00{WIB}", slug="jembatan")
    for who, at in earlier:
        repo.sign(path, who, f"{day}T{at}:00{WIB}")
    office = repo.at_clock(f"2026-12-01T12:00:00{WIB}")
    at = f"{day}T{hhmm}:00{WIB}"
    head, *listed = refusal(office, person, at)
    assert head.startswith(f"warta: {ITEM}: signing '")
    assert head.endswith(" would leave an item that warta validate rejects; nothing was changed:")
    assert [line.split("] ")[0].rsplit(" [", 1)[1] for line in listed] == [rule]

    forge_next(office, Forger(keys), person, at)
    assert validate_errors(office) == listed
