"""A news item's file reaches the output only as its signatures cover it: read at copy time
without following a link, checked against the signed digest, or the build stops."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from warta.mkdocs_plugin.files import VerifiedFile, remove_existing

PHOTO = b"\xff\xd8\xff\xe0 a photo"
REL = "content/berita/2026/a/images/foto.jpg"


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _file(tmp_path: Path, digest: str) -> tuple[VerifiedFile, Path]:
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "site_dir": str(tmp_path / "site")})
    config.validate()
    uri = REL.removeprefix("content/")
    return VerifiedFile(config, uri, tmp_path / "repo", REL, digest), tmp_path / "site" / uri


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    photo = tmp_path / "repo" / REL
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    return photo


def test_the_signed_bytes_are_copied(tmp_path: Path, repo: Path) -> None:
    file, out = _file(tmp_path, _digest(PHOTO))
    file.copy_file()
    assert out.read_bytes() == PHOTO
    assert file.content_bytes == PHOTO


def test_bytes_changed_since_the_signature_stop_the_build(tmp_path: Path, repo: Path) -> None:
    file, out = _file(tmp_path, _digest(PHOTO))
    repo.write_bytes(PHOTO + b" altered after judging")
    with pytest.raises(PluginError, match="changed while the site was built"):
        file.copy_file()
    assert not out.exists()


def test_a_link_in_its_place_is_never_followed(tmp_path: Path, repo: Path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(PHOTO)  # the very bytes signed: still not read through a link
    repo.unlink()
    repo.symlink_to(secret)
    file, out = _file(tmp_path, _digest(PHOTO))
    with pytest.raises(PluginError, match="could not be published"):
        file.copy_file()
    assert not out.exists()


def test_its_content_cannot_be_replaced(tmp_path: Path, repo: Path) -> None:
    file, _ = _file(tmp_path, _digest(PHOTO))
    with pytest.raises(PluginError):
        file.content_bytes = b"other"


def test_what_an_earlier_build_left_is_removed_and_a_folder_stops_the_build(
    tmp_path: Path,
) -> None:
    """A file or a link is removed (never followed), nothing there is fine, and a folder
    where a file is to be written stops the build with a message, never a traceback."""
    outside = tmp_path / "outside.txt"
    outside.write_text("tetap\n")
    (tmp_path / "link").symlink_to(outside)
    (tmp_path / "old").write_text("lama\n")
    for name in ("link", "old", "nothing"):
        remove_existing(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside.txt"]
    assert outside.read_text() == "tetap\n"
    (tmp_path / "folder").mkdir()
    with pytest.raises(PluginError, match=r"folder could not be written: \[Errno 21\]"):
        remove_existing(tmp_path / "folder")
