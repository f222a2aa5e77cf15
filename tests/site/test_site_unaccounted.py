"""What the account of the output finds is removed, exactly that and whatever it is
(``plugin._remove_unaccounted``): an entry put into the output while the build ran (by
another program) is planted here by a ``sitecustomize`` that wraps the account."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from test_site_photos import URL, photo_newsroom

from helpers import Repo, SignedRepos, copy_repo, warta_exe

#: Wraps the account of the output: first puts what WARTA_TEST_PLANT says into the output.
PLANTING = """
import os
from pathlib import Path
import warta.mkdocs_plugin.plugin as P
_account = P.account
def _planting(site, expected, vouched=()):
    kind, rel = os.environ["WARTA_TEST_PLANT"].split(":", 1)
    path = Path(site) / rel
    if kind == "file":
        path.write_text("<script>tidak ditandatangani</script>", encoding="utf-8")
    elif kind == "pipe":
        path.unlink()
        os.mkfifo(path)
    return _account(site, expected, vouched)
P.account = _planting
"""


@pytest.fixture
def site(tmp_path: Path, signed_repo: SignedRepos) -> Repo:
    repo = copy_repo(signed_repo(photo_newsroom), tmp_path / "repo")
    repo.env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return repo


def _build(site: Repo, out: Path, plant: str) -> subprocess.CompletedProcess[str]:
    custom = out.with_name("custom")
    custom.mkdir()
    (custom / "sitecustomize.py").write_text(PLANTING, encoding="utf-8")
    env = {**os.environ, **site.env, "WARTA_TEST_PLANT": plant}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(custom), env.get("PYTHONPATH")]))
    return subprocess.run([warta_exe(), "build", "-d", str(out)], cwd=site.root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_name_with_a_colon_is_removed_and_nothing_else(site: Repo, tmp_path: Path) -> None:
    """``berita:x.html`` planted: it goes, and the build's own ``berita/`` stays (the part
    before the colon was removed instead, and the planted file stayed)."""
    out = tmp_path / "site"
    result = _build(site, out, "file:berita:x.html")
    assert result.returncode == 0, result.stderr
    assert "berita:x.html: nothing the build was to write" in result.stderr
    assert not (out / "berita:x.html").exists()
    assert (out / URL / "index.html").is_file()


def test_a_pipe_at_a_page_s_path_is_removed(site: Repo, tmp_path: Path) -> None:
    """A named pipe where the build wrote a page: told, and gone from the output (it was
    told as removed and stayed)."""
    out = tmp_path / "site"
    result = _build(site, out, f"pipe:{URL}index.html")
    assert result.returncode == 0, result.stderr
    assert "not a regular file" in result.stderr
    page = out / URL / "index.html"
    assert not (os.path.lexists(page) and stat.S_ISFIFO(page.lstat().st_mode))
