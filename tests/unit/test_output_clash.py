"""The build's own last check before MkDocs writes: no two files for one output path, no file
where another's folder must be (the validator refuses both before; MkDocs writes the last of
two over the first without a word, and stops with a traceback on the other)."""

from __future__ import annotations

from unittest import mock

import pytest
from mkdocs.structure.files import File, Files

from warta.mkdocs_plugin import commands
from warta.mkdocs_plugin.plugin import _output_clash


def _files(*paths: str) -> Files:
    return Files([File(p, "/docs", "/site", use_directory_urls=True) for p in paths])


def test_files_that_can_all_be_written_pass() -> None:
    assert _output_clash(_files("index.md", "tentang.md", "tentang/foto.jpg", "sop/index.md")) \
        is None


@pytest.mark.parametrize(
    ("paths", "named"),
    [
        (("kinerja.md", "kinerja/index.md"), ("kinerja.md", "kinerja/index.md")),
        (("Tentang.md", "tentang/index.md"), ("Tentang.md", "tentang/index.md")),
        (("kategori", "kategori/index.md"), ("kategori/index.md", "kategori")),
        (("tentang.md", "tentang/index.html/x.txt"), ("tentang/index.html/x.txt", "tentang.md")),
    ],
)
def test_two_files_for_one_place_stop_the_build_naming_both(
    paths: tuple[str, ...], named: tuple[str, str]
) -> None:
    found = _output_clash(_files(*paths))
    assert found is not None and all(name in found for name in named), found


def test_a_file_the_build_cannot_write_is_a_message_not_a_traceback() -> None:
    config = mock.MagicMock()
    failure = FileExistsError(17, "File exists", "/tmp/site/kategori")
    with mock.patch.object(commands, "build", side_effect=failure), \
            pytest.raises(commands.BuildFailed) as raised:
        commands._run(config)
    assert "/tmp/site/kategori" in raised.value.message
    config.plugins.on_shutdown.assert_called_once()
