"""A value MkDocs refuses in mkdocs.yml is refused when an administrator signs it, at its
line, not only by every build afterwards (found by an independent attack: ``feed_items:
"x"`` was signed, passed ``warta validate``, and each build stopped without a line)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from helpers import Repo, copy_repo

CASES = {
    "a plugin option of the wrong type": ("      feed_items: 20\n", '      feed_items: "x"\n',
                                          "feed_items"),
    "a validation level MkDocs does not know": (
        "    omitted_files: info\n", "    omitted_files: keras\n", "validation"),
}


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_trust_sign_refuses_a_value_mkdocs_refuses_at_its_line(repo: Repo, case: str) -> None:
    old, new, key = CASES[case]
    text = repo.read("mkdocs.yml")
    assert old in text
    changed = text.replace(old, new, 1)
    repo.write("mkdocs.yml", changed)
    before = repo.read("workflow/site-manifest.yml")
    result = repo.cli("--lang", "en", "trust", "sign", "--key", str(repo.keys["admin"]),
                      "--no-commit")
    assert result.returncode == 1, result.stderr
    line = _line(changed, new.strip().splitlines()[-1].strip())
    if key == "validation":
        line = _line(changed, "validation:")
    assert f"mkdocs.yml:{line}: [site.config]" in result.stderr, result.stderr
    assert key in result.stderr
    assert repo.read("workflow/site-manifest.yml") == before  # nothing signed


def test_a_build_names_the_line_of_a_value_signed_before_this_check(
    repo: Repo, tmp_path: Path
) -> None:
    """A configuration signed by a Warta before this check: the build stops (exit 2) and
    names the line."""
    site = copy_repo(repo, tmp_path / "old")
    text = site.read("mkdocs.yml")
    changed = text.replace("      feed_items: 20\n", '      feed_items: "x"\n', 1)
    site.write("mkdocs.yml", changed)
    with mock.patch("warta.mkdocs_plugin.config.config_problems", lambda root, config: []):
        site.sign_workflow_unchecked()
    built = site.cli("--lang", "en", "build", "-d", str(tmp_path / "out"))
    assert built.returncode == 2, built.stderr
    assert f"mkdocs.yml:{_line(changed, 'feed_items')}: [site.config]" in built.stderr, (
        built.stderr)
    assert "Traceback" not in built.stderr
