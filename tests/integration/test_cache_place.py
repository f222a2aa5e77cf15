"""Caches live outside the working tree, through the CLI (issue 9, point 10).

A ``.warta-cache/`` folder in the repository (where older versions kept the caches) is never
read, even holding entries authenticated with this user's real key (a leaked key plus a
committed cache); a tracked one is a warning (``cache.in-repository``), and so is a cache
folder that lies inside the repository (then nothing is cached). ``--no-cache`` turns caching
off for every command that reads the repository.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from helpers import (
    TEST_OFFICE,
    Repo,
    SignedRepos,
    approved_jembatan,
    copy_repo,
    machine_env,
    pub,
)
from warta.adapters.cachekey import repo_key

JEMBATAN = "content/berita/2026/jembatan/index.md"


@pytest.fixture
def template(signed_repo: SignedRepos) -> Repo:
    return signed_repo(approved_jembatan)


@pytest.fixture
def site(template: Repo, tmp_path: Path) -> Repo:
    """A pinned copy of the template on a machine of its own."""
    pin = template.env["WARTA_TRUST_ROOT"]
    return copy_repo(template, tmp_path / "repo",
                     {**machine_env(tmp_path), "WARTA_TRUST_ROOT": pin})


def cache_dir(repo: Repo) -> Path:
    return Path(repo.env["XDG_CACHE_HOME"]) / "warta" / "repos" / repo_key(repo.root)


def forge_approval(repo: Repo, secret: bytes) -> str:
    """The Kabag's approval signature replaced by garbage (the disposisi's signature, over
    another payload), and a signature-cache entry for it, authenticated with ``secret``:
    what an attacker holding a leaked cache key would commit. Returns the entry's line."""
    import hashlib
    import hmac

    from warta.adapters.items import parse_item
    from warta.adapters.rewrite import rewrite_workflow
    from warta.model.signing import NAMESPACE, chain_digest, signoff_payload

    text = repo.read(JEMBATAN)
    item = parse_item(text, JEMBATAN).item
    assert item is not None and item.id is not None
    signoffs = list(item.signoffs)
    garbage = signoffs[0].sig or ""
    signoffs[4] = replace(signoffs[4], sig=garbage)
    repo.write(JEMBATAN, rewrite_workflow(text, status=item.status or "", approved_by="hendra",
                                          signoffs=tuple(signoffs)))
    message = signoff_payload(
        item.id, signoffs[4], chain_digest(signoffs[3].sig or ""), office=TEST_OFFICE
    )
    parts = (NAMESPACE.encode(), message, garbage.encode())  # the exact text
    framed = b"".join(len(part).to_bytes(8, "big") + part for part in parts)
    digest = hmac.digest(secret, framed, hashlib.sha256).hex()
    return f"{digest} {pub(repo.keys['hendra'])}\n"


def test_a_committed_cache_is_never_read_even_with_the_real_key(site: Repo) -> None:
    honest = site.cli("validate")
    assert honest.returncode == 0, honest.stdout
    secret = (Path(site.env["XDG_CACHE_HOME"]) / "warta" / "cache-key").read_bytes()
    entry = forge_approval(site, secret)
    # committed where older versions kept the caches, with the leaked key beside it
    site.write(".warta-cache/verified-signatures", entry)
    site.write(".warta-cache/cache-key", secret)
    site.git("add", "-f", ".warta-cache")
    site.commit_all("cache")
    data = site.validate_json()
    (item,) = data["items"]
    assert item["publishable"] is False
    assert [f["rule"] for f in item["findings"] if f["severity"] == "error"] == [
        "signature.invalid"]
    assert data["workflow"] == [{
        "path": ".warta-cache/cache-key", "line": None, "severity": "warning",
        "rule": "cache.in-repository",
        "message": "expected no cache in the repository; found 2 files of .warta-cache/"
                   " tracked by git. Warta never reads it (its caches live in this user's cache"
                   " folder, outside the working tree): remove it with git rm -r --cached"
                   " .warta-cache"}]
    assert site.cli("verify", JEMBATAN).returncode == 1
    # control: the same entry in this user's own cache folder (which no commit reaches) is
    # believed, so the planted one was a real attack, not a malformed file
    (cache_dir(site) / "verdicts").unlink()
    with (cache_dir(site) / "verified-signatures").open("a") as own:
        own.write(entry)
    assert site.cli("verify", JEMBATAN).returncode == 0


def test_a_tracked_cache_is_a_warning_and_an_untracked_one_is_not(site: Repo) -> None:
    site.write(".warta-cache/verdicts", "sampah\n")
    assert site.validate_json()["workflow"] == []  # not tracked: nothing to say
    site.git("add", "-f", ".warta-cache/verdicts")
    site.commit_all("cache")
    result = site.cli("validate")
    assert result.returncode == 0
    assert (
        ".warta-cache/verdicts: warning [cache.in-repository] expected no cache in the"
        " repository; found 1 file of .warta-cache/ tracked by git."
    ) in result.stdout
    strict = site.cli("validate", "--strict")
    assert strict.returncode == 1
    assert ".warta-cache/verdicts: error [cache.in-repository]" in strict.stdout


def test_a_cache_folder_inside_the_repository_is_not_used(site: Repo) -> None:
    inside = site.root / ".cache"
    moved = Repo(site.root, site.keys, {**site.env, "XDG_CACHE_HOME": str(inside)})
    for _ in range(2):
        result = moved.cli("validate")
        assert result.returncode == 0
        assert (
            f"{inside}/warta: warning [cache.in-repository] expected this user's cache folder"
            f" outside the repository; found {inside}/warta inside it (XDG_CACHE_HOME), where a"
            " commit could plant entries and their key, so nothing is cached"
        ) in result.stdout.splitlines()
    assert not inside.exists()  # no key, no entry was written there


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("validate", "--format", "json"),
        ("status",),
        ("verify", JEMBATAN),
        ("log", JEMBATAN),
        ("build", "-d", "{tmp}/site"),
        ("preview", "--build-only", "{tmp}/preview"),
    ],
    ids=["validate", "validate-json", "status", "verify", "log", "build", "preview"],
)
def test_no_cache_turns_caching_off(site: Repo, tmp_path: Path, command: tuple[str, ...]) -> None:
    args = [a.format(tmp=tmp_path) for a in command]
    home = Path(site.env["XDG_CACHE_HOME"])
    uncached = site.cli(*args, "--no-cache")
    assert uncached.returncode == 0, uncached.stdout + uncached.stderr
    assert not (home / "warta").exists()  # no key made, no entry written
    cached = site.cli(*args)
    assert cached.returncode == 0, cached.stdout + cached.stderr
    builds = command[0] in ("build", "preview")
    site_caches = ["page-html", "pages", "rendered", "search-entries"] if builds else []
    # (the commands that read every item keep what they read: itemstore.py)
    items = ["items"] if command[0] != "validate" else []
    assert sorted(p.name for p in cache_dir(site).iterdir()) == sorted([
        "file-digests", "verdicts", "verified-signatures", *site_caches, *items])
    if command[0] in ("validate", "verify"):
        assert cached.stdout == uncached.stdout
