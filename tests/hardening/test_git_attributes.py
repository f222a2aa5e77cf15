"""A ``.gitattributes`` that converts files on checkout. The gate (CI's check, the hook)
judges the bytes git holds; every clone (the deploy, an editor's) writes others: a push the
hook accepted made ``workflow/roster.yml`` UTF-16 in every clone, and the deploy stopped."""

from __future__ import annotations

import pytest

from helpers import Repo


@pytest.mark.parametrize(
    ("rel", "line"),
    [
        (".gitattributes", "workflow/roster.yml working-tree-encoding=UTF-16LE"),
        ("content/.gitattributes", "*.svg eol=crlf"),
        ("content/berita/.gitattributes", "*.md text filter=tanda"),
        (".gitattributes", "[attr]kode ident"),
    ],
)
def test_an_attribute_that_converts_files_on_checkout_is_refused(
    repo: Repo, rel: str, line: str
) -> None:
    assert repo.cli("validate").returncode == 0
    repo.write(rel, f"# atribut\n{line}\n")
    repo.git("add", "--", rel)  # (only it: git would convert the roster it names)
    repo.git("commit", "-q", "-m", "atribut")
    result = repo.cli("--lang", "en", "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{rel}:2: error [git.attributes] expected no git attribute that converts files on" in (
        result.stdout)


def test_attributes_that_convert_nothing_are_fine(repo: Repo) -> None:
    repo.write(".gitattributes", "*.jpg binary\n*.png -text\n*.pdf -diff\n# text eol=crlf\n")
    repo.commit_all("atribut")
    result = repo.cli("--lang", "en", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "git.attributes" not in result.stdout
