"""What makes ``warta validate`` fast must not change one verdict.

- The verdict cache (in this user's cache folder, per repository) is used only where every
  input is byte-identical (the item and what its folder holds, sop.yml and roster.yml and their
  signatures, mkdocs.yml, the site manifest, the trust root, the pin), only when authenticated
  with this user's secret (a planted, forged or altered cache is ignored whole), and never
  against another clock: future signoffs and today's role holders are re-judged.
- Worker processes give the report one process gives, in the same order; a dead worker only
  costs time.
- The reader of Warta-written signoff blocks gives the YAML parser's values, lines and errors.
- The verifier that parses each signature once accepts exactly what sshsig.check_signature
  (behind the strict parse) accepts, and its cache digests are the ones it always wrote.
- Discovery lists items only where they live, never through a link.

Every report is compared with the one pipeline run in one process without any cache
(:func:`warta.repository.open_repository` with ``jobs=1, cache=False``): text, JSON and
GitHub output, byte for byte.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import sshsig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate_rules import repo as rules_repo  # noqa: F401 - a fixture, used by name

from helpers import WIB, Repo, SignedRepos, copy_repo, pub, settle, tiny_jpeg
from warta import bulk, repository
from warta.adapters import itemstore, signoffblock
from warta.adapters.cachekey import cache_secret, repo_cache_dir
from warta.adapters.digests import RACY_NS, DigestCache
from warta.adapters.frontmatter import split
from warta.adapters.items import parse_bytes
from warta.adapters.rewrite import render_signoffs
from warta.adapters.safefs import UnsafePath
from warta.adapters.signoffblock import parse_front_matter
from warta.adapters.ssh import SshsigVerifier, strict_sshsig
from warta.adapters.textfile import MAX_BYTES
from warta.adapters.verdicts import VERDICT_FILE, VerdictCache, policy_digest
from warta.adapters.yamlnodes import YamlError, YList, YMap, parse
from warta.cli import GC_THRESHOLD
from warta.model import pii
from warta.model.item import Signoff
from warta.model.judgement import FUTURE_SKEW, ItemFacts, Judgement
from warta.model.signing import NAMESPACE, chain_digest, signoff_payload
from warta.output import as_github, as_json, as_text
from warta.repository import ItemSource, discover, open_repository, scan
from warta.validate import Report

NEWS = "content/berita/2026"
ZONE = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}{WIB}")


# ---- comparing reports ----------------------------------------------------------------------


def rendered(report: Report) -> tuple[str, str, str, str]:
    """Everything ``warta validate`` prints for a report, in each format."""
    return (
        as_text(report),
        as_json(report),
        as_github(report.all_findings()),
        f"{len(report.publishable())}/{len(report.verdicts)} item(s) publishable",
    )


def reference(repo: Repo, *, now: datetime = NOW, strict: bool = False,
              pin: str | None = None) -> tuple[str, str, str, str]:
    """The report as the full, uncached path gives it (what every consumer else uses;
    ``pin``: the repository's when None, none at all when empty)."""
    pin = repo.env["WARTA_TRUST_ROOT"] if pin is None else (pin or None)
    counting, bulk.judge_bytes = bulk.judge_bytes, REAL_JUDGE  # the reference is not counted
    try:
        return rendered(
            open_repository(repo.root, now=now, pin=pin, strict=strict, jobs=1, cache=False).report
        )
    finally:
        bulk.judge_bytes = counting


def fast(repo: Repo, *, now: datetime = NOW, strict: bool = False, jobs: int = 1,
         cache: bool = True, pin: str | None = None) -> tuple[str, str, str, str]:
    pin = repo.env["WARTA_TRUST_ROOT"] if pin is None else (pin or None)  # (as reference)
    return rendered(open_repository(repo.root, now=now, pin=pin, strict=strict, jobs=jobs,
                                    cache=cache).report)


def cached(repo: Repo, name: str = VERDICT_FILE) -> Path:
    """A cache file of the repository (in this user's cache folder, never the repository)."""
    return repo_cache_dir(repo.root) / name


REAL_JUDGE = bulk.judge_bytes


def calls_of(monkeypatch: pytest.MonkeyPatch, owner: object, name: str,
             noted: Callable[..., str]) -> list[str]:
    """What ``noted`` says of each call of ``owner.name`` from now on, in this process."""
    calls: list[str] = []
    real = getattr(owner, name)

    def counting(*args: Any) -> Any:
        calls.append(noted(*args))
        return real(*args)

    monkeypatch.setattr(owner, name, counting)
    return calls


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files judged afresh (not taken from the verdict cache) in this process."""
    return calls_of(monkeypatch, bulk, "judge_bytes", lambda work, ctx: work.display)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes for a handful of files, a few files at a time."""
    monkeypatch.setattr(bulk, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bulk, "CHUNK", 3)


# ---- a repository holding every kind of file -------------------------------------------------


@pytest.fixture(scope="module")
def varied(rules_repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> Repo:  # noqa: F811
    """The repository of test_validate_rules (an item per broken rule), plus notes, personal
    data, a stray, links, a named pipe, CRLF and BOM, duplicate slugs and an empty list."""
    root = tmp_path_factory.mktemp("varied") / "repo"
    shutil.copytree(rules_repo.root, root, symlinks=True)
    repo = Repo(root, rules_repo.keys, dict(rules_repo.env))
    noted = repo.new_item("Catatan", at=f"2026-11-02T08:00:00{WIB}", slug="catatan")
    repo.sign(noted, "sri", f"2026-11-02T08:04:00{WIB}", note='Cek kutipan "Bupati" dulu')
    repo.sign(noted, "dimas", f"2026-11-02T10:00:00{WIB}", note="Foto menyusul – lengkap")
    # personal data and invisible characters are errors: no one may sign this, so it is written
    repo.write(f"{NEWS}/data-warga/index.md", "---\nid: 20261102-data-warga\ntitle: \"Data"
               " \u202eWarga\"\nslug: data-warga\ndate: 2026-11-02\ndescription: Ringkasan\n"
               "categories: [A]\nstatus: usulan\n---\n\nCIBENING – Hubungi 0812\u200b-3456-7890"
               " atau warga.cibening@gmail.com.\n")
    repo.write("content/halaman/nyasar.md", "---\ntitle: Nyasar\nstatus: usulan\n---\n\nIsi.\n")
    repo.path(f"{NEWS}/tautan").mkdir()
    repo.path(f"{NEWS}/tautan/index.md").symlink_to("../bersih/index.md")
    outside = tmp_path_factory.mktemp("outside") / "index.md"
    outside.write_text(repo.read(f"{NEWS}/bersih/index.md"))
    repo.path(f"{NEWS}/luar").mkdir()
    repo.path(f"{NEWS}/luar/index.md").symlink_to(outside)
    repo.path(f"{NEWS}/pipa").mkdir()
    os.mkfifo(repo.path(f"{NEWS}/pipa/index.md"))
    clean = repo.read(f"{NEWS}/bersih/index.md")
    repo.write(f"{NEWS}/crlf/index.md", b"\xef\xbb\xbf" + clean.replace("\n", "\r\n").encode())
    for slug in ("slug-a", "slug-b"):
        repo.write(f"{NEWS}/{slug}/index.md",
                   clean.replace("title:", f"id: 20261102-{slug}\ntitle:", 1)
                   .replace("id: 20261102-bersih\n", "").replace("slug: bersih", "slug: sama"))
    repo.write(f"{NEWS}/kosong/index.md", "---\nid: 20261102-kosong\ntitle: Kosong\n"
               "date: 2026-11-02\ncategories: [A]\nstatus: usulan\nsignoffs: []\n---\n\nIsi.\n")
    return repo


def test_the_varied_repository_holds_what_it_says(varied: Repo) -> None:
    data = json.loads(fast(varied, cache=False)[1])
    rules = {f["rule"] for item in data["items"] for f in item["findings"]}
    rules |= {f["rule"] for source in data["site"] for f in source["findings"]}
    assert {"item.outside-news", "file.symlink", "file.unreadable", "file.bom",
            "id.duplicate", "url.duplicate", "pii.phone", "pii.email", "time.future",
            "text.invisible",
            "signature.invalid", "content.changed-after-approval", "yaml.syntax"} <= rules
    assert any(item["publishable"] for item in data["items"])


@pytest.mark.parametrize("strict", [False, True])
def test_validate_reports_what_check_project_reports(varied: Repo, strict: bool) -> None:
    expected = reference(varied, strict=strict)
    shutil.rmtree(repo_cache_dir(varied.root), ignore_errors=True)
    assert fast(varied, strict=strict, cache=False) == expected
    assert fast(varied, strict=strict) == expected  # cold: the cache is written
    assert fast(varied, strict=strict) == expected  # warm: read from the cache


def test_workers_report_what_one_process_reports(varied: Repo, small_chunks: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real = bulk._pool

    def counting(jobs: int, setup: Any) -> Any:
        pools.append(jobs)
        return real(jobs, setup)

    monkeypatch.setattr(bulk, "_pool", counting)
    expected = reference(varied)
    assert fast(varied, jobs=2, cache=False) == expected
    assert fast(varied, jobs=3, cache=False, strict=True) == reference(varied, strict=True)
    assert pools == [2, 3]


def test_workers_started_afresh_report_the_same(varied: Repo, small_chunks: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Where forking is not safe the workers import Warta themselves (spawn)."""
    monkeypatch.setattr(bulk, "start_method", lambda: "spawn")
    monkeypatch.setenv("PYTHONSAFEPATH", "1")  # (as the pool sets it: undone after the test)
    assert fast(varied, jobs=2, cache=False) == reference(varied)


def _die(chunk: list[Any]) -> Any:
    os._exit(3)


def test_a_worker_that_dies_only_costs_time(varied: Repo, small_chunks: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "start_method", lambda: "fork")
    monkeypatch.setattr(bulk, "_judge_chunk", _die)  # the forked workers inherit it
    assert fast(varied, jobs=2, cache=False) == reference(varied)


def mask_now(text: str) -> str:
    """The time.future message names the moment of the run."""
    return re.sub(r"now \([^)]*\)", "now (…)", text)


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_the_cli_prints_what_check_project_reports(varied: Repo, fmt: str) -> None:
    text, data, github, publishable = reference(varied, now=datetime.now(ZONE))
    result = varied.cli("validate", "--format", fmt)
    assert result.returncode == 1, result.stderr
    expected = {"text": text, "json": data, "github": f"{github}\n{publishable}"}[fmt]
    assert mask_now(result.stdout) == mask_now(expected) + "\n"


def test_jobs_must_be_a_positive_number(varied: Repo) -> None:
    result = varied.cli("validate", "--jobs", "0")
    assert result.returncode == 2
    assert "--jobs" in result.stderr


# ---- the verdict cache: keyed on every input -------------------------------------------------


def jembatan_and_posyandu(repo: Repo) -> None:
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.approved_item("Posyandu Karangsari", slug="posyandu", day="2026-11-03",
                       body="KARANGSARI – Posyandu menimbang balita.\n")


@pytest.fixture(scope="module")
def pair(signed_repo: SignedRepos) -> Repo:
    return signed_repo(jembatan_and_posyandu)


@pytest.fixture
def site(pair: Repo, tmp_path: Path) -> Repo:
    return copy_repo(pair, tmp_path / "repo")


JEMBATAN = f"{NEWS}/jembatan/index.md"
POSYANDU = f"{NEWS}/posyandu/index.md"
BOTH = [JEMBATAN, POSYANDU]


def test_a_warm_run_judges_nothing_again(site: Repo, judged: list[str]) -> None:
    expected = reference(site)
    assert fast(site) == expected
    assert judged == BOTH
    assert fast(site) == expected
    assert judged == BOTH  # nothing more
    head = cached(site).read_bytes().split(b"\n", 1)[0]
    assert head.startswith(b"warta-verdicts/4 ")
    assert sorted(p.name for p in repo_cache_dir(site.root).iterdir()) == [
        "file-digests", "verdicts", "verified-signatures"]  # atomically: no temporary file left
    assert not site.path(".warta-cache").exists()


def append(text: str) -> Callable[[Repo, str], None]:
    def change(repo: Repo, rel: str) -> None:
        with repo.path(rel).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return change


def resign_roster(repo: Repo, rel: str) -> None:
    append("# diperbarui\n")(repo, rel)
    repo.sign_workflow()


CHANGES: dict[str, tuple[str, Callable[[Repo, str], None], list[str]]] = {
    "the item": (JEMBATAN, append("Tambahan.\n"), [JEMBATAN]),
    "the item, one byte": (POSYANDU, append(" "), [POSYANDU]),
    "sop.yml": ("workflow/sop.yml", append("# komentar\n"), BOTH),
    "sop.yml.sig": ("workflow/sop.yml.sig", append("\n"), BOTH),
    "roster.yml (re-signed)": ("workflow/roster.yml", resign_roster, BOTH),
    "roster.yml.sig": ("workflow/roster.yml.sig", append("\n"), BOTH),
    "the trust root": ("workflow/trust-root", append("# admin kedua belum ada\n"), BOTH),
    "mkdocs.yml": ("mkdocs.yml", append("# komentar\n"), BOTH),
    "a photo beside the item": (f"{NEWS}/jembatan/foto.jpg", append("x"), [JEMBATAN]),
}


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_an_entry_is_ignored_once_an_input_changes(site: Repo, judged: list[str],
                                                   what: str) -> None:
    rel, change, again = CHANGES[what]
    fast(site)
    judged.clear()
    change(site, rel)
    assert fast(site) == reference(site)
    assert judged == again
    judged.clear()
    fast(site)
    assert judged == []  # and the new verdicts are kept


@pytest.mark.parametrize("pin", ["none", "other"])
def test_an_entry_is_ignored_under_another_pin(site: Repo, judged: list[str], pin: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fast(site)
    judged.clear()
    monkeypatch.delenv("WARTA_TRUST_ROOT", raising=False)
    value = "" if pin == "none" else "sha256:" + "0" * 64
    assert fast(site, pin=value) == reference(site, pin=value)
    assert judged == BOTH


def test_the_key_covers_each_workflow_file_and_the_pin(site: Repo) -> None:
    pin = site.env["WARTA_TRUST_ROOT"]
    seen = {policy_digest(site.root, pin), policy_digest(site.root, None),
            policy_digest(site.root, pin.upper())}
    files = ("workflow/sop.yml", "workflow/sop.yml.sig", "workflow/roster.yml",
             "workflow/roster.yml.sig", "workflow/trust-root", "mkdocs.yml",
             "workflow/site-manifest.yml", "workflow/site-manifest.yml.sig")
    for rel in files:
        original = site.path(rel).read_bytes()
        site.path(rel).write_bytes(original + b"\n")
        seen.add(policy_digest(site.root, pin))
        site.path(rel).unlink()
        seen.add(policy_digest(site.root, pin))
        site.path(rel).write_bytes(original)
    assert len(seen) == 3 + 2 * len(files)
    assert policy_digest(site.root, pin) in seen


def revoke(repo: Repo, person: str, day: str) -> None:
    roster = repo.read("workflow/roster.yml")
    line = f"      - key: {pub(repo.keys[person])}\n"
    repo.write("workflow/roster.yml", roster.replace(
        line, line + f"        revoked: {day}\n        reason: laptop hilang\n"))
    repo.sign_workflow("admin")


def test_a_revoked_key_is_never_hidden_by_the_cache(site: Repo) -> None:
    assert site.cli("validate").stdout == (
        "2 item(s), 2 publishable; 0 error(s), 0 warning(s), 0 notice(s)\n"
    )
    revoke(site, "dimas", "2026-11-01")
    result = site.cli("validate", "--format", "json")
    data = json.loads(result.stdout)
    assert [(i["path"], i["publishable"]) for i in data["items"]] == [
        (JEMBATAN, False), (POSYANDU, False)]
    assert {f["rule"] for i in data["items"] for f in i["findings"]} == {
        "signature.key-not-valid"}


# ---- the verdict cache: authenticated ----------------------------------------------------------


def forge_content(repo: Repo) -> None:
    """The body of an approved item changed by someone without the Kabag's key."""
    text = repo.read(JEMBATAN)
    repo.write(JEMBATAN, text.replace("Isi berita.", "Isi berita palsu."))


def test_a_cache_planted_with_another_secret_is_ignored(site: Repo, tmp_path: Path) -> None:
    """A commit carrying a cache whose entries call the forged item valid, keyed and
    authenticated with the attacker's own secret."""
    fast(site)
    forge_content(site)
    pin = site.env["WARTA_TRUST_ROOT"]
    attacker = VerdictCache(cached(site), os.urandom(32), policy_digest(site.root, pin))
    raw = site.path(JEMBATAN).read_bytes()
    facts = ItemFacts(JEMBATAN, "20261102-bupati-resmikan-jembatan", "disetujui", 2,
                      "berita/2026/jembatan/", 4)
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    attacker.put(attacker.key(JEMBATAN, digest, b""), Judgement(JEMBATAN, (), (), facts, True),
                 NOW, ZONE)
    attacker.save()
    expected = reference(site)
    assert fast(site) == expected
    assert '"publishable": false' in expected[1]


def test_an_altered_cache_is_ignored_whole(site: Repo, judged: list[str]) -> None:
    """The genuine cache, its entry for the forged item edited to say it is valid."""
    forge_content(site)
    expected = reference(site)
    fast(site)
    data = cached(site).read_bytes()
    head, _, body = data.partition(b"\n")
    entries = json.loads(body)
    for entry in entries.values():
        entry[1] = []  # no findings
        entry[3] = True  # passed
    cached(site).write_bytes(head + b"\n" + json.dumps(entries).encode())
    judged.clear()
    assert fast(site) == expected
    assert judged == BOTH


@pytest.mark.parametrize("planted", [
    b"",
    b"warta-verdicts/3 \n{}",
    b"warta-verdicts/3 " + b"0" * 64 + b"\n{}",
    b"not a cache at all",
    b"warta-verdicts/3 \xff\xfe\n\x00",
])
def test_a_planted_file_of_any_shape_is_ignored(site: Repo, planted: bytes,
                                                 judged: list[str]) -> None:
    forge_content(site)
    cached(site).parent.mkdir(parents=True, exist_ok=True)
    cached(site).write_bytes(planted)
    assert fast(site) == reference(site)
    assert judged == BOTH


def test_an_entry_of_another_file_is_never_found(site: Repo, judged: list[str]) -> None:
    """Same bytes at another path: a different key (so a copy never inherits a verdict)."""
    fast(site)
    judged.clear()
    copy = f"{NEWS}/salinan/index.md"
    site.write(copy, site.read(JEMBATAN))
    assert fast(site) == reference(site)
    assert judged == [copy]


def test_without_a_secret_nothing_is_cached(site: Repo, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            judged: list[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cache_secret() is None
    expected = reference(site)
    assert fast(site) == expected
    assert fast(site) == expected
    assert judged == BOTH * 2
    assert not cached(site).exists()


# ---- the verdict cache: the clock ------------------------------------------------------------


def test_future_signoffs_are_judged_against_each_run_s_clock(site: Repo,
                                                             judged: list[str]) -> None:
    early = at("2026-11-02T09:00:00")  # before Jembatan's steps 3-5 and all of Posyandu's
    runs = (early, NOW, NOW + timedelta(days=1), early, early + timedelta(minutes=1), NOW)
    again = []
    for moment in runs:
        judged.clear()
        report = fast(site, now=moment)
        assert report == reference(site, now=moment)
        assert ("time.future" in report[0]) is (moment < NOW)
        again.append(list(judged))
    # a judgement naming its moment is never kept; one made at NOW holds a day later, and
    # is kept (unused) through runs with an earlier clock
    assert again == [BOTH, BOTH, [], BOTH, BOTH, []]


def test_a_judgement_holds_only_while_no_signoff_is_in_the_future() -> None:
    latest = at("2026-11-02T10:08:00")
    judgement = Judgement(JEMBATAN, (), (), None, True, latest)
    assert judgement.holds_at(latest - FUTURE_SKEW, ZONE)
    assert not judgement.holds_at(latest - FUTURE_SKEW - timedelta(microseconds=1), ZONE)
    day = replace(judgement, day=date(2026, 11, 20))
    assert day.holds_at(NOW, ZONE)
    assert not day.holds_at(NOW + timedelta(hours=12), ZONE)  # 21 Nov in WIB
    assert not day.holds_at(NOW - timedelta(hours=12, seconds=1), ZONE)  # 19 Nov


PLT_KABAG = "      - {role: kabag, from: 2027-01-01, until: 2027-01-31, acting: true}\n"


def test_findings_naming_today_s_role_holders_hold_for_that_day_only(
    site: Repo, judged: list[str]
) -> None:
    """'content changed after approval' names who holds the approving role today: Agus is
    Plt. Kabag in January 2027, so the message differs between December and January."""
    kasubag = "      - {role: kasubag, from: 2026-10-01, until: 2026-10-31, acting: true}\n"
    site.write("workflow/roster.yml", site.read("workflow/roster.yml").replace(
        kasubag, kasubag + PLT_KABAG))
    site.sign_workflow()
    forge_content(site)
    december, january = NOW + timedelta(days=25), datetime(2027, 1, 15, 9, tzinfo=ZONE)
    changed, again = [], []
    for moment in (december, january, december, december + timedelta(hours=1)):
        judged.clear()
        result = fast(site, now=moment)
        assert result == reference(site, now=moment)
        changed.append([row for row in result[0].splitlines() if "changed-after-approval" in row])
        again.append(list(judged))
    assert "Agus" not in changed[0][0] and "Agus Setiawan" in changed[1][0]
    assert changed[2] == changed[3] == changed[0]
    # the roster changed: both; then only the item whose findings name today's holders
    assert again == [BOTH, [JEMBATAN], [JEMBATAN], []]


# ---- the signature cache, filled by workers -----------------------------------------------------


def test_signatures_verified_by_workers_are_remembered(site: Repo, small_chunks: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        shutil.copytree(site.path(f"{NEWS}/jembatan"), site.path(f"{NEWS}/salinan-{n}"))
    expected = reference(site)
    assert fast(site, jobs=2) == expected
    lines = cached(site, "verified-signatures").read_text().splitlines()
    assert len(lines) >= 10  # each distinct signature (the copies repeat Jembatan's)
    cached(site).unlink()
    real = SshsigVerifier._verify

    def no_crypto(self: SshsigVerifier, *args: Any) -> str | None:
        assert self.cache_file is None, "an item's signature was verified again"
        return real(self, *args)  # the two workflow signatures are verified every run

    monkeypatch.setattr(SshsigVerifier, "_verify", no_crypto)
    assert fast(site, jobs=1) == expected


def test_the_signature_cache_digest_is_the_one_it_always_wrote() -> None:
    verifier = SshsigVerifier(secret=b"k" * 32)
    message, armored = b'{"v":"x"}', "  -----BEGIN SSH SIGNATURE-----\nAAAA\n  "
    h = hmac.new(b"k" * 32, digestmod=hashlib.sha256)
    for part in (NAMESPACE.encode(), message, armored.encode("utf-8")):  # exactly as given
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    assert verifier._digest(message, armored, NAMESPACE) == h.hexdigest()


@pytest.mark.parametrize("kind", ["file", "link", "fifo"])
def test_the_signature_cache_is_read_from_a_file_only(tmp_path: Path, kind: str) -> None:
    """Like every cache of Warta's, never through a link, never from a pipe (it was read
    through either before; a pipe was passed by only because it was looked at first)."""
    entry = "a" * 64 + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey\n"
    held = tmp_path / "held"
    held.write_text(entry, encoding="ascii")
    there = tmp_path / "verified-signatures"
    if kind == "file":
        there.write_text(entry, encoding="ascii")
    elif kind == "link":
        there.symlink_to(held)
    else:
        os.mkfifo(there)
    verifier = SshsigVerifier(there, secret=b"k" * 32)
    assert verifier.cache == ({"a" * 64: entry.split(" ", 1)[1].strip()} if kind == "file" else {})


# ---- the signature verifier -------------------------------------------------------------------


def sshsig_verdict(message: bytes, armored: str, namespace: str) -> str | None:
    """What the verifier gave before it parsed each signature only once."""
    canonical = strict_sshsig(armored)
    if canonical is None:
        return None
    try:
        key = sshsig.check_signature(message, canonical, namespace)
    except Exception:
        return None
    return " ".join(key.openssh_str().split()[:2])


@pytest.fixture(scope="module")
def genuine(pair: Repo) -> list[tuple[bytes, str]]:
    """(payload, signature) of every signoff of the pair's items."""
    out = []
    repo = open_repository(pair.root, pin=pair.env["WARTA_TRUST_ROOT"], cache=False,
                           keep_items=True)
    for item in repo.items.values():
        prev = None
        for signoff in item.signoffs:
            assert signoff.sig is not None
            message = signoff_payload(item.id or "", signoff, prev, office=repo.policy.trust.office)
            out.append((message, signoff.sig))
            prev = chain_digest(signoff.sig)
    return out


def reblob(armored: str, change: Callable[[bytes], bytes]) -> str:
    blob = base64.b64decode("".join(armored.strip().splitlines()[1:-1]))
    text = base64.b64encode(change(blob)).decode()
    lines = "\n".join(text[i : i + 70] for i in range(0, len(text), 70))
    return f"-----BEGIN SSH SIGNATURE-----\n{lines}\n-----END SSH SIGNATURE-----\n"


def test_genuine_signatures_verify_as_before(genuine: list[tuple[bytes, str]]) -> None:
    verifier = SshsigVerifier()
    for message, armored in genuine:
        expected = sshsig_verdict(message, armored, NAMESPACE)
        assert expected is not None
        assert verifier.signer_key(message, armored, NAMESPACE) == expected
        assert SshsigVerifier().signer_key(message + b" ", armored, NAMESPACE) is None
        assert SshsigVerifier().signer_key(message, armored, "warta-workflow") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_altered_signatures_are_judged_as_sshsig_judges_them(
    genuine: list[tuple[bytes, str]], data: st.DataObject
) -> None:
    message, armored = data.draw(st.sampled_from(genuine))
    kind = data.draw(st.sampled_from(["byte", "cut", "insert", "text"]))
    if kind == "text":
        position = data.draw(st.integers(0, len(armored)))
        char = data.draw(st.sampled_from(list(" \t\n=A/+-x\r")))
        altered = armored[:position] + char + armored[position:]
    else:
        blob_len = len(base64.b64decode("".join(armored.strip().splitlines()[1:-1])))
        position = data.draw(st.integers(0, blob_len - 1))
        value = data.draw(st.integers(0, 255))

        def change(blob: bytes) -> bytes:
            if kind == "byte":
                return blob[:position] + bytes([value]) + blob[position + 1 :]
            if kind == "cut":
                return blob[:position]
            return blob[:position] + bytes([value]) + blob[position:]

        altered = reblob(armored, change)
    assert SshsigVerifier().signer_key(message, altered, NAMESPACE) == sshsig_verdict(
        message, altered, NAMESPACE)


# ---- the reader of Warta-written signoff blocks --------------------------------------------------


def shape(value: object) -> object:
    """A parsed value with every line number it carries."""
    if isinstance(value, YMap):
        return ("map", value.line, dict(value.key_lines),
                [(k, shape(v)) for k, v in value.items()])
    if isinstance(value, YList):
        return ("list", value.line, list(value.item_lines), [shape(v) for v in value])
    return (type(value).__name__, value)


def outcome(read: Callable[[str], object], text: str) -> object:
    try:
        return shape(read(text))
    except YamlError as exc:
        return ("error", exc.message, exc.line, exc.rule)


def same_reading(text: str) -> None:
    assert outcome(lambda t: parse_front_matter(t, first_line=2), text) == outcome(
        lambda t: parse(t, first_line=2), text)


HEADS = [
    "id: 20261102-a\ntitle: Judul\ndate: 2026-11-02\ncategories:\n- A\n- B\nstatus: \"usulan\"\n",
    "id: x\ntitle: \"Judul: baru\"\ncategories: [\"A\", B]\ntags: [a, b]\n"
    "image:\n  src: a.svg\n  alt: \"Alt\"\nstatus: usulan\napproved_by: \"hendra\"\n",
    "# komentar\n\nid: x\ndescription: |\n  baris satu\n  baris dua\nstatus: usulan\n",
    "  id: x\n  status: usulan\n",  # the head indented: not a column-0 mapping
    "{id: x, status: usulan}\n",  # a flow mapping
    "id: x\nsignoffs: []\n",  # a second signoffs key
    "id: &a x\ntitle: *a\n",  # an alias
    "id: !!python/name:os.system x\n",  # a tag
    "id: x\ntitle: \"tidak ditutup\n",  # a quote left open across the block
    "id: x\ntags: [a,\n",  # a bracket left open
    "- id\n- x\n",  # a list
    "id: x\ntitle: a\n  b\n",  # a plain scalar continued
    "id: x\nid: y\n",  # a duplicate key
    "id: 1\nok: true\nn: ~\nf: 1.5\ninf: .inf\n",  # values that are not text
    "id: x\n? [a]\n: b\n",  # a complex key
    "id: x\ntitle:\n",  # an empty value just before the block
    "id: x\nanchor: &a\n",  # an anchor on nothing
    "id: x\n%YAML 1.1\n",
    "id: x\n\u0085title: y\n",  # NEL, a YAML line break
    "id: x\n... # akhir\n",  # the document ends before the block
    "id: \u0085...\n",  # ... after a NEL: the document ends too
    "id: x\n? a\n",  # an explicit key without a value
    "id: x\ttitle\n",
]


def signoff_block(signoffs: list[Signoff]) -> str:
    return render_signoffs(signoffs)


SIG = ("-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\n"
       "-----END SSH SIGNATURE-----")
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def signoffs(draw: st.DrawFn) -> list[Signoff]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        moment = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                                   timezones=st.sampled_from([ZONE, UTC,
                                                              timezone(timedelta(hours=-3))])))
        out.append(Signoff(
            draw(st.one_of(st.sampled_from(["disposisi", "perintah", ""]), TEXT)),
            draw(st.one_of(st.sampled_from(["hendra", "sri"]), TEXT)),
            moment,
            None,
            draw(st.one_of(st.none(), st.just(SIG), TEXT.map(lambda t: f"{SIG}\n{t}"))),
            draw(st.one_of(st.none(), st.just("sha256:" + "ab" * 32), TEXT)),
            draw(st.one_of(st.just(""), TEXT)),
        ))
    return out


@settings(max_examples=400, deadline=None)
@given(head=st.sampled_from(HEADS), written=signoffs(), data=st.data())
def test_the_fast_reader_reads_what_the_parser_reads(head: str, written: list[Signoff],
                                                     data: st.DataObject) -> None:
    text = head + signoff_block(written)
    same_reading(text)
    position = data.draw(st.integers(0, len(text)))
    char = data.draw(st.sampled_from([" ", "\n", "\t", '"', "\\", "#", ":", "-", "|", "x", "\r",
                                      "\u0085", "\u2028", "\ufeff", "'", "[", "&", "*", "!"]))
    same_reading(text[:position] + char + text[position:])
    same_reading(text[:position] + text[position + 1 :])


@pytest.mark.parametrize("value", ["!!int '#1'", "!!bool 'x'", "!!float 'x'"])
def test_a_tagged_value_that_does_not_convert_is_an_error_not_a_crash(value: str) -> None:
    """Found by comparing the two readers: the parser let ValueError and KeyError out."""
    with pytest.raises(YamlError) as caught:
        parse(f"id: x\ntitle: {value}\n", first_line=2)
    assert (caught.value.rule, caught.value.line) == ("yaml.syntax", 3)
    assert caught.value.message.startswith(
        f"YAML value does not parse: expected a plain value, found {value.split()[1]}")
    same_reading(f"id: x\ntitle: {value}\n" + signoff_block([Signoff("disposisi", "h", NOW)]))


def test_a_leading_byte_order_mark_is_left_to_the_parser() -> None:
    """libyaml does not count a BOM that starts the text, so its lines differ from ours."""
    text = "\ufeff" + HEADS[0] + signoff_block([Signoff("disposisi", "hendra", NOW)])
    assert signoffblock._written_by_warta(text, 2) is None
    same_reading(text)


def test_the_fast_reader_is_taken_where_the_block_is_as_written() -> None:
    written = [
        Signoff("disposisi", "hendra", at("2026-11-02T08:00:00"), None, SIG,
                "sha256:" + "ab" * 32),
        Signoff("perintah", "sri", datetime(2026, 11, 2, 1, 4, 0, 123456, tzinfo=UTC),
                None, SIG, None, "Foto menyusul – lengkap"),
        Signoff("penulisan", "dimas", at("2026-11-02T10:00:00")),
    ]
    for head in HEADS[:3]:
        text = head + signoff_block(written)
        fast_read = signoffblock._written_by_warta(text, 2)
        assert fast_read is not None
        assert shape(fast_read) == shape(parse(text, first_line=2))
    quoted = replace(written[1], note='kutipan "Bupati"')  # written with escapes: the parser
    assert signoffblock._written_by_warta(HEADS[0] + signoff_block([quoted]), 2) is None


def test_the_fast_reader_takes_the_blocks_warta_writes(varied: Repo) -> None:
    taken = 0
    for path in discover(varied.root):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 100_000:
            raw = path.read_bytes()
            if raw.startswith(b"---\n"):
                parts = split(raw.decode("utf-8", "replace"))
                same_reading(parts.yaml_text)
                taken += "signoffs:\n  - step:" in parts.yaml_text
    assert taken >= 20


# ---- discovery -------------------------------------------------------------------------------


def test_discovery_finds_items_only_where_they_live(tmp_path: Path) -> None:
    """Items are content/berita/<year>/<slug>/index.md, whatever they are (a link or a pipe
    there is an item refused for it); every other entry under berita/ is a stray; nothing
    behind a link is listed; files outside berita/ are the site's own, and a page with
    workflow keys among them is marked."""
    news = tmp_path / "content" / "berita"
    for folder in ("2026/a", "2026/a-b", "2026/a/b", "2026/A", "2026/z.md", "2026/.tersembunyi",
                   "x/y/z", "2026/tautan-dalam"):
        (news / folder).mkdir(parents=True, exist_ok=True)
    for rel in ("2026/a/index.md", "2026/a-b/index.md", "2026/a/b/index.md", "2026/A/index.md",
                "2026/z.md/index.md", "2026/.tersembunyi/index.md", "x/y/z/index.md",
                "top.md", "2026/a/foto.jpg", "2026/lepas.pdf"):
        (news / rel).write_text("---\nstatus: x\n---\n")
    (news / "2026" / "tautan-folder").symlink_to(news / "2026" / "a")  # never entered
    (news / "2026" / "tautan-dalam" / "index.md").symlink_to(news / "2026" / "a" / "index.md")
    pages = tmp_path / "content" / "halaman"
    pages.mkdir()
    (pages / "p.md").write_text("---\nstatus: usulan\n---\n")
    (pages / "biasa.md").write_text("---\ntitle: Biasa\n---\n")
    (pages / "tautan.md").symlink_to(news / "2026" / "a" / "index.md")
    tree = scan(tmp_path, None)
    assert [source.rel.removeprefix("content/berita/") for source in tree.items] == [
        "2026/.tersembunyi/index.md", "2026/A/index.md", "2026/a/index.md",
        "2026/a-b/index.md", "2026/tautan-dalam/index.md", "2026/z.md/index.md"]
    folder = next(source for source in tree.items if source.rel.endswith("/2026/a/index.md"))
    assert sorted(o.rel for o in folder.folder if o.kind != "folder") == [
        "b/index.md", "foto.jpg"]  # a nested index.md is a file of the item
    assert [e.rel.removeprefix("content/berita/") for e in tree.strays] == [
        "2026/lepas.pdf", "2026/tautan-folder", "top.md", "x/y/z/index.md"]
    assert [(o.rel, o.kind, "outside-news" in o.problems) for o in tree.sources] == [
        ("content/halaman/biasa.md", "file", False),
        ("content/halaman/p.md", "file", True),
        ("content/halaman/tautan.md", "symbolic link", False),
    ]


# ---- personal data: the quick pre-checks change nothing ---------------------------------------


def plain_scan(text: str) -> Iterator[pii.Match]:
    """scan() as it was, without the pre-checks."""
    for m in pii._NIK.finditer(text):
        if pii._plausible_nik(m.group(0)):
            yield pii.Match("pii.nik", m.group(0), m.start())
    for m in pii._PHONE.finditer(text):
        if 10 <= len(re.sub(r"\D", "", m.group(0))) <= 14:
            yield pii.Match("pii.phone", m.group(0), m.start())
    for m in pii._EMAIL.finditer(text):
        if not m.group(1).lower().endswith(pii.INSTITUTIONAL):
            yield pii.Match("pii.email", m.group(0), m.start())


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list("0123456789 .-+@ax\n٣")) | st.characters(), max_size=80))
def test_the_personal_data_scan_finds_what_it_found(text: str) -> None:
    assert list(pii.scan(text)) == list(plain_scan(text))


def test_the_personal_data_scan_still_finds_each_kind() -> None:
    text = "NIK 3201234506780001, HP 0812-3456-7890, surel warga@gmail.com, 3201 2345 0678 0001"
    assert [m.rule for m in pii.scan(text)] == [m.rule for m in plain_scan(text)] == [
        "pii.nik", "pii.nik", "pii.phone", "pii.email"]


# ---- the digests of files beside items, remembered by what the file system says -------------


def digest_entries(repo: Repo) -> dict[str, str]:
    _, _, body = (repo_cache_dir(repo.root) / "file-digests").read_bytes().partition(b"\n")
    entries: dict[str, str] = json.loads(body)
    return entries


def test_a_photo_rewritten_in_place_is_read_again(repo: Repo) -> None:
    """Same size, same modification time set back: the change time still moves, so the
    remembered digest is not used and the replaced photo is caught."""
    photo = repo.write(f"{NEWS}/foto/images/foto.jpg", tiny_jpeg(b"a" * 4000))
    repo.approved_item("Foto Jembatan", slug="foto")
    settle()
    assert repo.validate_json()["summary"]["publishable"] == 1
    assert len(digest_entries(repo)) >= 2  # the item, its photo (and the site's own files)
    assert repo.validate_json()["summary"]["publishable"] == 1  # warm: the digest is known
    assert (repo_cache_dir(repo.root) / "file-digests").is_file()
    stat = photo.stat()
    photo.write_bytes(tiny_jpeg(b"b" * 4000))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    data = repo.validate_json()
    assert data["summary"]["publishable"] == 0
    assert [f["rule"] for f in data["items"][0]["findings"]] == ["files.changed"]


def test_a_planted_digest_cache_is_ignored(repo: Repo) -> None:
    photo = repo.write(f"{NEWS}/foto/images/foto.jpg", tiny_jpeg(b"a" * 4000))
    repo.approved_item("Foto Jembatan", slug="foto")
    settle()
    repo.validate_json()
    photo.write_bytes(tiny_jpeg(b"b" * 4000))  # the photo replaced after approval
    cache = repo_cache_dir(repo.root) / "file-digests"
    header, _, body = cache.read_bytes().partition(b"\n")
    entries = json.loads(body)
    signed = next(iter(entries.values()))
    forged = dict.fromkeys(entries, signed)  # every entry claims the signed digest
    cache.write_bytes(header + b"\n" + json.dumps(forged).encode())  # the MAC no longer fits
    data = repo.validate_json()
    assert [f["rule"] for f in data["items"][0]["findings"]] == ["files.changed"]


def test_an_item_known_unchanged_is_not_read_and_an_edited_one_is(
    site: Repo, judged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``warta validate`` opens no item whose size, inode and times are as they were when it
    was last read and judged; an item rewritten in place (same size, modification time set
    back) has a new change time, so it is read again and its forgery caught."""
    settle()
    expected = reference(site)
    assert fast(site) == expected
    opened: list[str] = []
    real_open = os.open

    def counting_open(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> int:
        folder = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else ""
        opened.append(os.path.join(folder, os.fsdecode(path)))
        return real_open(path, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    assert fast(site) == expected
    assert judged == BOTH  # the first run only
    assert str(site.path(JEMBATAN).parent) in opened  # (the folders are listed)
    assert str(site.path("content/index.md")) in opened  # (a page is read whole)
    assert not {str(site.path(JEMBATAN)), str(site.path(POSYANDU))} & set(opened)
    info = site.path(JEMBATAN).stat()
    forged = site.read(JEMBATAN).replace("Isi berita.", "Isi palsu..")
    assert len(forged) == len(site.read(JEMBATAN))
    site.write(JEMBATAN, forged)
    os.utime(site.path(JEMBATAN), ns=(info.st_atime_ns, info.st_mtime_ns))
    monkeypatch.setattr(os, "open", real_open)
    forged_report = reference(site)
    assert fast(site) == forged_report != expected
    assert judged == [*BOTH, JEMBATAN]
    assert '"publishable": false' in forged_report[1]


def test_a_file_changed_just_before_a_run_is_not_remembered(tmp_path: Path) -> None:
    """A file changed within RACY_NS of the run's start might change again within the same
    clock tick, its times unchanged: its digest is not remembered (git's "racily clean")."""
    path = tmp_path / "foto.jpg"
    path.write_bytes(b"a")
    cache = DigestCache(tmp_path / "file-digests", b"k" * 32)
    cache.put("foto.jpg", path.stat(), "sha256:" + "0" * 64)
    cache.save()
    assert DigestCache(tmp_path / "file-digests", b"k" * 32).stored == {}
    later = DigestCache(tmp_path / "file-digests", b"k" * 32)
    later.started += 2 * RACY_NS  # the same file, seen by a run two seconds later
    later.put("foto.jpg", path.stat(), "sha256:" + "0" * 64)
    later.save()
    again = DigestCache(tmp_path / "file-digests", b"k" * 32)
    assert again.get("foto.jpg", path.stat()) == "sha256:" + "0" * 64


def test_a_remembered_digest_is_found_only_under_its_path_and_stamps(tmp_path: Path) -> None:
    """The key is the path and what the file system says of the file, as they are: a path
    that is not UTF-8 comes back from the cache file; another path, or the same file once its
    change time moved, is not found."""
    path = tmp_path / "foto.jpg"
    path.write_bytes(b"a")
    odd = os.fsdecode(b"content/berita/2026/caf\xe9/foto.jpg")  # a Latin-1 name
    digest = "sha256:" + "0" * 64
    cache = DigestCache(tmp_path / "file-digests", b"k" * 32)
    cache.started += 2 * RACY_NS
    cache.put(odd, path.stat(), digest)
    cache.save()
    again = DigestCache(tmp_path / "file-digests", b"k" * 32)
    assert again.get(odd, path.stat()) == digest
    assert again.get("content/berita/2026/cafe/foto.jpg", path.stat()) is None
    info = path.stat()
    stamps = {k: getattr(info, k) for k in ("st_dev", "st_ino", "st_size", "st_mtime_ns")}
    same = SimpleNamespace(**stamps, st_ctime_ns=info.st_ctime_ns)
    moved = SimpleNamespace(**stamps, st_ctime_ns=info.st_ctime_ns + 1)  # one tick later
    assert again.get(odd, cast(os.stat_result, same)) == digest
    assert again.get(odd, cast(os.stat_result, moved)) is None
    assert DigestCache(tmp_path / "file-digests", b"j" * 32).get(odd, path.stat()) is None


def test_an_item_read_late_is_read_within_the_size_limit(tmp_path: Path) -> None:
    """An item the listing knew unchanged is read only when judged; if it was replaced by a
    huge file meanwhile, the read stops at the item size limit (never reads it all)."""
    item = tmp_path / "content/berita/2026/a/index.md"
    item.parent.mkdir(parents=True)
    item.write_bytes(b"---\ntitle: A\n---\n")
    source = ItemSource("content/berita/2026/a/index.md", (), None,
                        "sha256:" + hashlib.sha256(item.read_bytes()).hexdigest())
    assert source.bytes(tmp_path) == item.read_bytes()
    item.write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(UnsafePath) as refused:
        source.bytes(tmp_path)
    assert refused.value.code == "too-large"
    item.write_bytes(b"---\ntitle: B\n---\n")
    with pytest.raises(UnsafePath) as changed:
        source.bytes(tmp_path)
    assert changed.value.code == "changed"


COLLECTOR = """
import gc, sys, weakref
from warta.cli import main  # (the console script's run() ends the process after it)
sys.argv = ["warta", "--version"]
try:
    main()
except SystemExit:
    pass
print(gc.get_threshold())
print(gc.get_freeze_count() > 0)
class Node:
    pass
freed = []
for n in range(400_000):  # cycles nobody holds, never collected by hand
    node = Node()
    node.me = node
    if n % 1000 == 0:
        weakref.finalize(node, freed.append, n)
print(len(freed) > 300)
"""


def test_the_command_collects_cycles_less_often_but_still_collects_them() -> None:
    """The ``warta`` command (``cli.main``, which its console script runs) raises the cycle
    collector's threshold and freezes what it imported; cycles made after that are still
    freed without anyone asking."""
    run = subprocess.run([sys.executable, "-c", COLLECTOR], capture_output=True, text=True,
                         check=True)
    threshold, frozen, collected = run.stdout.splitlines()[-3:]
    assert (threshold, frozen, collected) == (str(GC_THRESHOLD), "True", "True")


#: What the fast reader's quoted text may hold, as the ranges YAML reads back unchanged.
ALLOWED = ((0x20, 0x21), (0x23, 0x5B), (0x5D, 0x7E), (0xA0, 0x2027), (0x202A, 0xD7FF),
           (0xE000, 0xFEFE), (0xFF00, 0xFFFD), (0x10000, 0x10FFFF))


def test_quoted_text_holds_exactly_the_allowed_characters() -> None:
    """``_QUOTED`` names the characters it refuses (it compiles ten times faster): every code
    point is taken exactly when it lies in ``ALLOWED``, and around each edge the fast reader
    reads what the parser reads."""
    quoted = re.compile(signoffblock._QUOTED)
    allowed = {c for low, high in ALLOWED for c in range(low, high + 1)}
    taken = {c for c in range(0x110000) if quoted.fullmatch(f'"{chr(c)}"')}
    assert taken == allowed
    edges = {e + d for pair in ALLOWED for e in pair for d in (-1, 0, 1)} - {-1, 0x110000}
    for code in sorted(edges - set(range(0xD800, 0xE000))):  # a lone surrogate is no text
        same_reading(HEADS[0] + signoff_block([Signoff("disposisi", "h", NOW, note=chr(code))]))


LOADED = """
import sys
from warta.cli import main  # (the console script's run() ends the process after it)
sys.argv = ["warta", "validate", "--no-cache", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    print(exc.code)
print("PIL.Image" in sys.modules)
"""


def test_pillow_s_codecs_load_only_when_a_photo_is_opened(site: Repo) -> None:
    """A run that opens no raster photo never imports Pillow's image module (35-45 ms of every
    command's start); one that opens a photo does, and judges it."""
    def loaded() -> tuple[str, str]:
        run = subprocess.run([sys.executable, "-c", LOADED, str(site.root)], capture_output=True,
                             text=True, check=True, env={**os.environ, **site.env})
        code, pil = run.stdout.splitlines()[-2:]
        return code, pil

    assert loaded() == ("0", "False")
    site.write(f"{NEWS}/jembatan/foto.jpg", tiny_jpeg())
    site.commit_all("foto")
    assert loaded() == ("1", "True")  # files.unlisted: the photo was opened (and judged)


# ---- items kept between runs (itemstore.py) ---------------------------------------------------


def _same(a: object, b: object, where: str = "item") -> None:
    """``a`` and ``b`` are the same values of the same types, every line of every key and
    element included (``==`` compares a YMap's items only)."""
    assert type(a) is type(b), where
    if isinstance(a, YMap | YList):
        assert getattr(a, "line", None) == getattr(b, "line", None), where
        assert getattr(a, "key_lines", None) == getattr(b, "key_lines", None), where
        assert getattr(a, "item_lines", None) == getattr(b, "item_lines", None), where
    if isinstance(a, dict):
        assert isinstance(b, dict)
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple)
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{index}]")
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, datetime):
        assert isinstance(b, datetime)
        assert (a, a.tzinfo is None, a.utcoffset()) == (b, b.tzinfo is None, b.utcoffset()), where
    else:
        assert a == b, where


def _item_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("content/berita/**/*.md") if p.is_file())


def test_a_kept_item_is_the_item_as_read(varied: Repo) -> None:
    """Every item of the varied repository and of the bundled sample, kept and taken back,
    is the item read from its bytes: types, values and the line of every key."""
    sample = Path(__file__).resolve().parents[2]
    files = [*_item_files(varied.root), *_item_files(sample)]
    kept = 0
    for path in files:
        item = parse_bytes(path.read_bytes(), path.name).item
        if item is None:
            continue
        data = itemstore.encode_item(item)
        assert data is not None, path
        _same(itemstore.decode_item(data), item, str(path))
        kept += 1
    assert kept >= 20


def test_an_item_holding_a_value_of_another_kind_is_read_again() -> None:
    item = parse_bytes(
        b"---\nid: a\ntitle: A\nstatus: usulan\nembargo: 2026-11-01T08:00:00+07:00\n---\n\nIsi.\n",
        "a.md",
    ).item
    assert item is not None and item.embargo is not None
    assert itemstore.encode_item(item) is not None
    named = replace(item, embargo=item.embargo.replace(tzinfo=ZoneInfo("Asia/Jakarta")))
    assert itemstore.encode_item(named) is None  # a named zone would come back as an offset
    assert itemstore.decode_item(b'{"r":["Evil",[]]}') is None
    assert itemstore.decode_item(b'{"x":1}') is None
    assert itemstore.decode_item(b"\xff") is None


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The items read from their bytes by the repository in this process (not by a judge)."""
    return calls_of(monkeypatch, repository, "parse_bytes", lambda raw, display: display)


def kept_items(repo: Repo) -> dict[str, Any]:
    opened = open_repository(repo.root, now=NOW, pin=repo.env["WARTA_TRUST_ROOT"], jobs=1,
                             keep_items=True)
    return dict(opened.items)


def test_a_warm_build_reads_no_unchanged_item_again(site: Repo, parsed: list[str]) -> None:
    first = kept_items(site)  # judged: read by the judge, kept
    assert sorted(first) == BOTH and parsed == []
    assert cached(site, itemstore.ITEMS_FILE).is_file()
    again = kept_items(site)  # verdicts cached: the items come from the store
    assert parsed == []
    for path in BOTH:
        _same(again[path], first[path])
    append("Tambahan.\n")(site, JEMBATAN)
    changed = kept_items(site)  # judged again, then kept
    assert changed[JEMBATAN].body.endswith("Tambahan.\n")
    assert parsed == []
    kept_items(site)
    assert parsed == []


@pytest.mark.parametrize("planted", [b"", b"garbage\n", b"warta-items/1 00\n" + b"x" * 80])
def test_a_planted_or_altered_item_store_is_ignored(site: Repo, parsed: list[str],
                                                    planted: bytes) -> None:
    first = kept_items(site)
    kept_items(site)
    store = cached(site, itemstore.ITEMS_FILE)
    data = bytearray(store.read_bytes())
    data[-5] ^= 1  # one bit of one entry
    store.write_bytes(bytes(data))
    again = kept_items(site)
    assert sorted(parsed) == BOTH  # the whole file ignored: each item read from its bytes
    for path in BOTH:
        _same(again[path], first[path])
    store.write_bytes(planted)
    parsed.clear()
    kept_items(site)
    assert sorted(parsed) == BOTH
