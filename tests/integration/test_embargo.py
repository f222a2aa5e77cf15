"""The embargo through the ``warta`` entry point, on a real signed repository, at a fixed
clock (``WARTA_NOW``): validate, verify and status before and after the embargo; an embargo
removed or changed after approval; an embargo changed after the last step that may edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import WIB, Repo, SignedRepos, copy_repo

EMBARGO = f"2026-12-24T09:00:00{WIB}"
BEFORE = f"2026-12-24T08:59:59{WIB}"
AT = EMBARGO
ITEM = "content/berita/2026/pasar-murah/index.md"
NOTICE = (
    f"{ITEM}:10: notice [embargo.pending] approved, but under embargo until {EMBARGO}: left out"
    " of every output of the site until a build at or after that time publishes it"
)


def embargoed_and_approved(repo: Repo) -> None:
    repo.embargoed_item("Pasar Murah Jelang Natal", EMBARGO, slug="pasar-murah")
    repo.approved_item("Jembatan Cibening Diresmikan", slug="jembatan")
    repo.commit_all("berita")


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(embargoed_and_approved)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    return copy_repo(template, tmp_path / "repo", {**template.env, "COLUMNS": "200"})


def verdicts(repo: Repo, *args: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {v["path"]: v for v in repo.validate_json(*args)["items"]}


def test_the_embargo_is_signed_by_the_writer_the_reporter_and_the_approver(site: Repo) -> None:
    text = site.read(ITEM)
    assert text.splitlines()[9] == f"embargo: {EMBARGO}"
    assert "status: \"disetujui\"\n" in text


@pytest.mark.parametrize("strict", [(), ("--strict",)], ids=["plain", "strict"])
def test_before_the_embargo_validate_succeeds_and_leaves_the_item_out(
    site: Repo, strict: tuple[str, ...]
) -> None:
    before = site.at_clock(BEFORE)
    result = before.cli("validate", "--no-cache", *strict)
    assert result.returncode == 0, result.stdout + result.stderr
    assert NOTICE in result.stdout.splitlines()
    found = verdicts(before, *strict)
    assert found[ITEM]["publishable"] is False
    assert [f["rule"] for f in found[ITEM]["findings"]] == ["embargo.pending"]
    assert found["content/berita/2026/jembatan/index.md"]["publishable"] is True


def test_verify_says_not_yet_and_exits_1_until_the_embargo(site: Repo) -> None:
    result = site.at_clock(BEFORE).cli("verify", ITEM)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        NOTICE,
        f"NOT YET PUBLISHABLE {ITEM}: under embargo until {EMBARGO}; a build at or after that"
        " time publishes it",
    ]


def test_from_the_embargo_on_the_item_is_publishable(site: Repo) -> None:
    at = site.at_clock(AT)
    result = at.cli("verify", ITEM)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"OK {ITEM}: id 20261102-pasar-murah-jelang")
    assert verdicts(at)[ITEM] == {**verdicts(at)[ITEM], "publishable": True, "findings": []}


def test_the_same_cache_serves_both_sides_of_the_embargo(site: Repo) -> None:
    """A judgement cached before the embargo is not reused after it, nor the other way."""
    for moment, publishable in ((BEFORE, False), (AT, True), (BEFORE, False), (AT, True)):
        assert verdicts(site.at_clock(moment))[ITEM]["publishable"] is publishable, moment


@pytest.mark.parametrize(
    ("change", "clock"),
    [
        ((f"embargo: {EMBARGO}\n", ""), BEFORE),  # removed, to publish early
        ((f"embargo: {EMBARGO}\n", ""), AT),
        ((EMBARGO, f"2026-12-01T00:00:00{WIB}"), BEFORE),  # moved earlier
        ((EMBARGO, f"2027-01-05T09:00:00{WIB}"), AT),  # moved later
    ],
    ids=["removed-before", "removed-after", "earlier", "later"],
)
def test_an_embargo_changed_after_approval_keeps_the_item_off_the_site(
    site: Repo, change: tuple[str, str], clock: str
) -> None:
    site.write(ITEM, site.read(ITEM).replace(*change))
    result = site.at_clock(clock).cli("verify", ITEM)
    assert result.returncode == 1
    assert "[content.changed-after-approval] content changed after Hendra Wijaya" in result.stdout
    assert result.stdout.splitlines()[-1] == f"NOT PUBLISHABLE {ITEM}"
    assert site.at_clock(clock).cli("validate").returncode == 1


def test_after_the_report_the_embargo_can_change_only_by_sending_the_item_back(
    site: Repo,
) -> None:
    """The embargo is part of the text: the approver signs what the Kasubag reported."""
    path = site.new_item("Festival Durian", at=f"2026-11-03T08:00:00{WIB}", slug="durian")
    site.sign(path, "sri", f"2026-11-03T08:04:00{WIB}")
    site.sign(path, "dimas", f"2026-11-03T10:00:00{WIB}")
    site.sign(path, "sri", f"2026-11-03T10:04:00{WIB}")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", f"\nembargo: {EMBARGO}\nstatus:", 1))
    result = site.cli("sign", str(path), "--key", str(site.keys["hendra"]),
                      "--at", f"2026-11-03T10:08:00{WIB}")
    assert result.returncode == 1
    assert "so its approval ('pengesahan') is refused" in result.stderr
    assert "error [content.edited] the text changed after 'laporan' (step 4)" in result.stderr


def test_status_lists_the_scheduled_items_in_their_own_section(site: Repo) -> None:
    result = site.at_clock(BEFORE).cli("--lang", "id", "status")  # as the office reads it
    assert result.returncode == 0, result.stderr
    lines = " ".join(result.stdout.split())
    assert "Terjadwal — disetujui, terbit setelah embargo" in lines
    assert "Kamis, 24 Desember 2026 09.00 WIB: Pasar Murah Jelang Natal" in lines
    # the path whole, on a line of its own (to copy)
    assert f"    {ITEM}" in result.stdout.split("Terjadwal")[1].split("\n")
    english = " ".join(site.at_clock(BEFORE).cli("status").stdout.split())
    assert "Scheduled — approved, published after the embargo" in english
    assert "Thursday, 24 December 2026 09:00 WIB: Pasar Murah Jelang Natal" in english
    data = json.loads(site.at_clock(BEFORE).cli("status", "--format", "json").stdout)
    assert data["scheduled"] == [{"path": ITEM, "title": "Pasar Murah Jelang Natal",
                                  "embargo": "2026-12-24T09:00:00+07:00", "blocked": False}]
    after = site.at_clock(AT).cli("status")
    assert after.returncode == 0, after.stderr
    assert "Scheduled" not in after.stdout


def test_a_scheduled_item_that_something_blocks_is_flagged(site: Repo) -> None:
    site.write(ITEM, site.read(ITEM).replace("status: \"disetujui\"", "status: \"dicetak\""))
    result = site.at_clock(BEFORE).cli("status")
    assert "BLOCKED (warta verify)" in " ".join(result.stdout.split())


@pytest.mark.parametrize("value", ["besok", "2026-12-24T09:00:00"])
def test_a_wrong_clock_is_a_usage_error(site: Repo, value: str) -> None:
    result = site.at_clock(value).cli("validate")
    assert result.returncode == 2
    assert result.stderr.startswith(f"warta: WARTA_NOW={value!r}: expected")


def test_validate_json_of_a_scheduled_item(site: Repo) -> None:
    data = site.at_clock(BEFORE).validate_json()
    (item,) = [v for v in data["items"] if v["path"] == ITEM]
    assert item["findings"][0]["severity"] == "notice"
    assert json.dumps(item).count("embargo.pending") == 1
