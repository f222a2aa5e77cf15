"""A build that fails before its configuration is trusted leaves the folder given with ``-d``
empty: a writer's output folder committed in the checkout (``-d public``, as the GitLab
template builds) is never left there for a pipeline that ignores the exit status (found by an
independent attack: a broken roster, or one comment added to mkdocs.yml, failed the build
and left the committed ``public/index.html`` in place)."""

from __future__ import annotations

import pytest

from helpers import Repo

PLANTED = {"public/index.html": "<h1>PWNED</h1>\n", "public/berita/palsu.html": "PWNED\n"}


@pytest.mark.parametrize(
    ("broken", "change", "code"),
    [
        ("workflow/roster.yml", "  - : [\n", 2),
        ("workflow/trust-root", "office ?\n", 2),
        ("mkdocs.yml", "# komentar\n", 1),
    ],
    ids=["roster-unreadable", "trust-root-broken", "config-unsigned"],
)
def test_a_build_that_fails_early_empties_the_folder_given(
    repo: Repo, broken: str, change: str, code: int
) -> None:
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    for rel, text in PLANTED.items():
        repo.write(rel, text)
    repo.write(broken, repo.read(broken) + change)
    repo.commit_all("a writer's change")
    built = repo.cli("--lang", "en", "build", "--strict", "-d", "public")
    assert built.returncode == code, built.stdout + built.stderr
    assert "Traceback" not in built.stderr
    public = repo.path("public")
    assert public.is_dir() and list(public.iterdir()) == []


def test_a_forbidden_folder_given_is_never_emptied(repo: Repo) -> None:
    """A failed build empties only a folder a build may write: ``-d content`` (the sources)
    with a broken roster is refused, and nothing in it is removed."""
    repo.approved_item("Bupati Resmikan Jembatan", slug="jembatan")
    repo.write("workflow/roster.yml", repo.read("workflow/roster.yml") + "  - : [\n")
    before = sorted(p.relative_to(repo.root) for p in repo.path("content").rglob("*"))
    built = repo.cli("--lang", "en", "build", "--strict", "-d", "content")
    assert built.returncode == 2, built.stdout + built.stderr
    assert sorted(p.relative_to(repo.root) for p in repo.path("content").rglob("*")) == before
