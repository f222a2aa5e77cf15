"""Nothing about an item is found only at build time: a broken lead photo (no alt text, a path
out of the item's folder) is reported by ``warta validate``, and the build and the preview
(which shows drafts, so builds their pages) log the same rules and nothing about an item that
validate did not report."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitekit import SiteRepo, add_item, copy_site_config

from helpers import make_repo

#: an item's finding in a build's log: "warta: <path>:<line>: [<rule>] <message>"
LOGGED = re.compile(r"warta: (content/berita/[^:\s]+):\d+: \[([a-z0-9.-]+)\] ")


@dataclass(frozen=True)
class Broken:
    site: SiteRepo
    no_alt: str
    outside: str


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Path]) -> Broken:
    repo = make_repo(tmp_path_factory.mktemp("fields") / "repo", keys)
    copy_site_config(repo.root)
    site = SiteRepo(repo)
    add_item(
        site,
        "jembatan",
        title="Bupati Resmikan Jembatan Gantung Cijambe",
        slug="jembatan-gantung-cijambe",
        day="2026-10-05",
        body="SUKAMAJU – Jembatan sepanjang 84 meter diresmikan.\n",
        categories=["Kecamatan Cibening"],
        steps=5,
        image="jembatan.svg",
        published=True,
    )
    no_alt = add_item(
        site,
        "tanpa-alt",
        title="Pasar Desa Dibuka",
        slug="pasar-desa",
        body="CIBENING – Pasar desa dibuka.\n",
        image="pasar.svg",
        image_text={"alt": "  "},
        day="2026-11-02",
        categories=["Kecamatan Cibening"],
        steps=0,
    )
    outside = add_item(
        site,
        "keluar",
        title="Irigasi Diperbaiki",
        slug="irigasi",
        body="CIBENING – Saluran irigasi diperbaiki.\n",
        image="irigasi.svg",
        image_text={"src": "../../workflow/roster.yml"},
        day="2026-11-02",
        categories=["Kecamatan Cibening"],
        steps=0,
    )
    return Broken(site, no_alt.rel, outside.rel)


def test_validate_reports_the_broken_photos_and_the_builds_log_only_those(
    broken: Broken, tmp_path: Path
) -> None:
    validated = broken.site.warta("validate", "--format", "json")
    assert validated.returncode == 1, validated.stderr
    reported = {
        (verdict["path"], finding["rule"])
        for verdict in json.loads(validated.stdout)["items"]
        for finding in verdict["findings"]
    }
    expected = {(broken.no_alt, "image.alt"), (broken.outside, "image.src")}
    assert expected <= reported
    for args in (
        ("build", "-d", str(tmp_path / "site")),
        ("preview", "--build-only", str(tmp_path / "preview")),
    ):
        built = broken.site.warta(*args)
        assert built.returncode == 0, built.stderr
        about_items = [row for row in built.stderr.splitlines() if "warta: content/berita/" in row]
        logged = {match.groups() for row in about_items if (match := LOGGED.search(row))}
        assert all(LOGGED.search(row) for row in about_items), about_items  # each names its rule
        assert expected <= logged, (args, built.stderr)
        assert logged <= reported, (args, logged - reported)
