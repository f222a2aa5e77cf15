"""Which of two files claiming one id keeps it. A junk draft never takes an approved item's
id; nor may a copy of a colleague's draft, pushed to a folder that sorts first, take the
draft out of the queue and the AKIP figures (the copy has an error of its own: its folder
is not the one its URL names)."""

from __future__ import annotations

import json
import shutil

from helpers import Repo

DRAFT = "content/berita/2026/posyandu/index.md"
COPY = "content/berita/2026/a/index.md"


def test_a_copy_of_a_draft_in_a_folder_that_sorts_first_does_not_take_its_id(
    repo: Repo,
) -> None:
    path = repo.new_item("Posyandu Melati", at="2026-11-02T08:00:00+07:00", slug="posyandu")
    repo.sign(path, "sri", "2026-11-02T08:04:00+07:00")
    repo.path("content/berita/2026/a").mkdir()
    shutil.copyfile(path, repo.path(COPY))
    repo.commit_all("salinan")
    result = repo.cli("--lang", "en", "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    found = {i["path"]: [f["rule"] for f in i["findings"] if f["severity"] == "error"]
             for i in json.loads(result.stdout)["items"]}
    assert found[DRAFT] == []
    assert sorted(found[COPY]) == ["id.duplicate", "url.duplicate", "url.folder"]
    status = repo.cli("--lang", "en", "status")
    assert status.returncode == 0, status.stderr
    assert DRAFT in status.stdout
